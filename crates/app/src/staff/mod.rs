//! Staff management: the clinic's accounts, adding one, changing a role, linking an account to
//! the practitioner it works as, and deactivating (which ends the person's sessions and
//! revokes their API tokens in the same transaction) or reactivating it. The clinic always
//! keeps one active owner.

mod export;
mod permissions;
mod sessions;

pub use export::{PatientExport, patients_csv};
pub use knead_store::staff::{SessionSummary, StaffMember};
pub use permissions::PermissionGrid;

use crate::secrets::{hash_password, random_secret};
use crate::{App, AppError, Staff, record};
use knead_domain::ids::{PractitionerId, UserId};
use knead_domain::values::{self, Email};
use knead_domain::{FieldErrors, Permission, Role};
use knead_store::auth::{self as auth_store, UserRecord};
use knead_store::staff as store;
use knead_store::{Conn, StoreError, setup as setup_store};
use serde::Deserialize;
use serde_json::json;

/// A new staff member as the form or the API sends it. A blank password has Knead choose
/// one, shown once to the person adding the account.
#[derive(Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewStaff {
    pub name: String,
    pub email: String,
    pub role: String,
    pub password: String,
}

/// Hand-written so a password never reaches a log.
impl std::fmt::Debug for NewStaff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewStaff")
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// The account just added, and the password Knead chose when none was typed.
#[derive(Clone, Debug)]
pub struct AddedStaff {
    pub member: StaffMember,
    pub chosen_password: Option<String>,
}

struct ValidStaff {
    name: String,
    email: Email,
    role: Role,
}

impl App {
    fn validate_new_staff(&self, input: &NewStaff) -> Result<ValidStaff, AppError> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", values::required_text(&input.name));
        let email = errors.check("email", Email::parse(&input.email));
        let role = Role::parse(&input.role);
        if role.is_none() {
            errors.add("role", format!("'{}' is not a role", input.role.trim()));
        }
        let length = input.password.chars().count();
        let min = self.auth_policy.min_password_chars;
        if length > 0 && length < min {
            errors.add("password", format!("must be at least {min} characters"));
        } else if length > 200 {
            errors.add("password", "must be at most 200 characters");
        }
        match (name, email, role) {
            (Some(name), Some(email), Some(role)) if errors.is_empty() => {
                Ok(ValidStaff { name, email, role })
            }
            _ => Err(AppError::Invalid(errors)),
        }
    }

    /// Everyone on the clinic's staff, active first.
    pub async fn staff_members(&self, staff: &Staff) -> Result<Vec<StaffMember>, AppError> {
        staff.require(Permission::ManageStaff)?;
        let mut conn = self.store.read().await?;
        Ok(store::list(&mut conn, &staff.clinic_id).await?)
    }

    pub async fn staff_member(&self, staff: &Staff, id: &UserId) -> Result<StaffMember, AppError> {
        staff.require(Permission::ManageStaff)?;
        let mut conn = self.store.read().await?;
        store::get(&mut conn, &staff.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Adds a staff member who can sign in at once with the password typed or chosen.
    // Known shortcoming: there is no one-time set-up link for new staff yet (the person adding
    // them hands over the password, which is not forced to change at first sign-in). A link
    // like the clinic owner's set-up link would remove this note.
    pub async fn add_staff(&self, staff: &Staff, input: &NewStaff) -> Result<AddedStaff, AppError> {
        staff.require(Permission::ManageStaff)?;
        let valid = self.validate_new_staff(input)?;
        if valid.role == Role::Owner && staff.role != Role::Owner {
            return Err(AppError::invalid("role", "only an owner may add an owner"));
        }
        let chosen_password = input
            .password
            .is_empty()
            .then(|| random_secret("")[..20].to_owned());
        let password = chosen_password
            .clone()
            .unwrap_or_else(|| input.password.clone());
        let user = UserRecord {
            id: UserId::generate(),
            clinic_id: staff.clinic_id.clone(),
            email: valid.email.to_string(),
            name: valid.name,
            role: valid.role,
            password_hash: hash_password(password).await?,
            active: true,
        };
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        match auth_store::insert_user(&mut tx, &user, now).await {
            Err(e) if e.is_unique_on("email") => {
                return Err(AppError::invalid(
                    "email",
                    "is already used by another account",
                ));
            }
            other => other?,
        }
        let detail = json!({ "role": user.role.as_str() });
        let entity = ("user", user.id.as_str());
        let actor = staff.actor();
        record(
            &mut tx,
            &staff.clinic_id,
            &actor,
            "user.created",
            entity,
            detail,
            now,
        )
        .await?;
        let member = store::get(&mut tx, &staff.clinic_id, &user.id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, user_id = %user.id, "staff member added");
        let member = member.ok_or(AppError::NotFound)?;
        Ok(AddedStaff {
            member,
            chosen_password,
        })
    }

    /// Changes a staff member's role. The clinic's last active owner keeps the role, and the
    /// person's API tokens are revoked, since a token must never do more than its holder.
    pub async fn change_role(
        &self,
        staff: &Staff,
        id: &UserId,
        role: Role,
    ) -> Result<StaffMember, AppError> {
        staff.require(Permission::ManageStaff)?;
        if role == Role::Owner && staff.role != Role::Owner {
            return Err(AppError::invalid(
                "role",
                "only an owner may make someone an owner",
            ));
        }
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let before = self.member_for_change(&mut tx, staff, id).await?;
        if before.role == role {
            return Ok(before);
        }
        if before.role == Role::Owner && before.active {
            self.keep_an_owner(&mut tx, staff, id).await?;
        }
        store::set_role(&mut tx, &staff.clinic_id, id, role).await?;
        let revoked = store::revoke_tokens_of(&mut tx, &staff.clinic_id, id, now).await?;
        let detail = json!({
            "from": before.role.as_str(),
            "to": role.as_str(),
            "tokens_revoked": revoked,
        });
        let actor = staff.actor();
        let entity = ("user", id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &actor,
            "user.role_changed",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, user_id = %id, "staff role changed");
        Ok(StaffMember { role, ..before })
    }

    /// Links a staff member to the practitioner record they work as, or unlinks them.
    pub async fn link_practitioner(
        &self,
        staff: &Staff,
        id: &UserId,
        practitioner: Option<&PractitionerId>,
    ) -> Result<(), AppError> {
        staff.require(Permission::ManageStaff)?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        self.member_for_change(&mut tx, staff, id).await?;
        if let Some(p) = practitioner {
            let found = setup_store::get_practitioner(&mut tx, &staff.clinic_id, p).await?;
            if found.is_none() {
                return Err(AppError::invalid(
                    "practitioner_id",
                    "is not a practitioner of this clinic",
                ));
            }
        }
        let linked = store::link_practitioner(&mut tx, &staff.clinic_id, id, practitioner).await;
        match linked {
            Err(e) if e.is_unique_on("practitioner") => {
                return Err(AppError::invalid(
                    "practitioner_id",
                    "is already linked to another staff member",
                ));
            }
            other => other?,
        }
        let detail = json!({ "practitioner_id": practitioner.map(PractitionerId::as_str) });
        let actor = staff.actor();
        let entity = ("user", id.as_str());
        let action = "user.practitioner_linked";
        record(
            &mut tx,
            &staff.clinic_id,
            &actor,
            action,
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Deactivates a staff member: they cannot sign in, and every session and API token of
    /// theirs stops working on the next request, all in one transaction.
    pub async fn deactivate_staff(&self, staff: &Staff, id: &UserId) -> Result<(), AppError> {
        staff.require(Permission::ManageStaff)?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let member = self.member_for_change(&mut tx, staff, id).await?;
        if !member.active {
            return Ok(());
        }
        if member.role == Role::Owner {
            self.keep_an_owner(&mut tx, staff, id).await?;
        }
        store::set_active(&mut tx, &staff.clinic_id, id, false).await?;
        let sessions = store::delete_sessions_of(&mut tx, &staff.clinic_id, id).await?;
        let tokens = store::revoke_tokens_of(&mut tx, &staff.clinic_id, id, now).await?;
        let detail = json!({ "sessions_ended": sessions, "tokens_revoked": tokens });
        let actor = staff.actor();
        let entity = ("user", id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &actor,
            "user.deactivated",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, user_id = %id, "staff member deactivated");
        Ok(())
    }

    /// Lets a deactivated staff member sign in again. Their old tokens stay revoked.
    pub async fn reactivate_staff(&self, staff: &Staff, id: &UserId) -> Result<(), AppError> {
        staff.require(Permission::ManageStaff)?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let member = self.member_for_change(&mut tx, staff, id).await?;
        if member.active {
            return Ok(());
        }
        store::set_active(&mut tx, &staff.clinic_id, id, true).await?;
        let actor = staff.actor();
        let entity = ("user", id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &actor,
            "user.reactivated",
            entity,
            json!({}),
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, user_id = %id, "staff member reactivated");
        Ok(())
    }

    /// The member about to change, with the clinic locked against a concurrent change.
    async fn member_for_change(
        &self,
        conn: &mut Conn,
        staff: &Staff,
        id: &UserId,
    ) -> Result<StaffMember, AppError> {
        store::lock_clinic(conn, &staff.clinic_id).await?;
        let member = store::get(conn, &staff.clinic_id, id).await?;
        let member = member.ok_or(AppError::NotFound)?;
        if member.role == Role::Owner && staff.role != Role::Owner {
            return Err(AppError::Forbidden);
        }
        Ok(member)
    }

    /// Refuses a change that would leave the clinic without an active owner.
    async fn keep_an_owner(
        &self,
        conn: &mut Conn,
        staff: &Staff,
        id: &UserId,
    ) -> Result<(), AppError> {
        if store::other_active_owners(conn, &staff.clinic_id, id).await? == 0 {
            return Err(AppError::Conflict {
                code: "last_owner",
                message: "the clinic's last active owner must stay an active owner; make \
                          someone else an owner first"
                    .into(),
            });
        }
        Ok(())
    }
}
