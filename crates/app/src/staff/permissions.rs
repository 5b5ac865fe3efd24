//! The clinic's permission settings: which role may do what, starting from the defaults in
//! the domain's role policy. Locked grants (the owner managing staff, every role reading the
//! setup) cannot be changed, so a clinic cannot lock itself out.

use crate::{App, AppError, Staff, record};
use knead_domain::permissions::{Grant, PermissionSet, is_locked};
use knead_domain::{Permission, Role};
use knead_store::StoreError;
use knead_store::staff as store;
use serde_json::json;

/// Every role's effective permissions in the clinic, for the settings grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionGrid {
    pub roles: Vec<(Role, PermissionSet)>,
}

impl PermissionGrid {
    pub fn allows(&self, role: Role, permission: Permission) -> bool {
        self.roles
            .iter()
            .any(|(r, set)| *r == role && set.contains(permission))
    }
}

impl App {
    /// What each role may do in the staff member's clinic.
    pub async fn permission_grid(&self, staff: &Staff) -> Result<PermissionGrid, AppError> {
        staff.require(Permission::ManageStaff)?;
        let mut conn = self.store.read().await?;
        let grants = store::grants(&mut conn, &staff.clinic_id).await?;
        Ok(grid_of(&grants))
    }

    /// Sets the whole grid: `allowed` lists every (role, permission) that should be granted.
    /// Cells that match the default are stored as "default", so a later change of the
    /// default reaches them. A locked cell that `allowed` tries to change is refused, naming
    /// the cell. Each changed cell is audited.
    pub async fn set_permissions(
        &self,
        staff: &Staff,
        allowed: &[(Role, Permission)],
    ) -> Result<PermissionGrid, AppError> {
        staff.require(Permission::ManageStaff)?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let before = grid_of(&store::grants(&mut tx, &staff.clinic_id).await?);
        for role in Role::ALL {
            for permission in Permission::ALL {
                let wanted = allowed.contains(&(role, permission));
                if wanted == before.allows(role, permission) {
                    continue;
                }
                if is_locked(role, permission) {
                    return Err(AppError::invalid(
                        &cell_name(role, permission),
                        format!(
                            "the {} role always keeps '{}' so the clinic cannot lock itself out",
                            role.as_str(),
                            permission.as_str()
                        ),
                    ));
                }
                let stored = (wanted != role.allows(permission)).then_some(wanted);
                let clinic = &staff.clinic_id;
                store::set_grant(&mut tx, clinic, role, permission, stored, now).await?;
                let detail = json!({
                    "role": role.as_str(),
                    "permission": permission.as_str(),
                    "granted": wanted,
                    "is_default": stored.is_none(),
                });
                let entity = ("role", role.as_str());
                let action = "role_permission.changed";
                record(&mut tx, clinic, &staff.actor(), action, entity, detail, now).await?;
            }
        }
        let after = grid_of(&store::grants(&mut tx, &staff.clinic_id).await?);
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, "permission settings changed");
        Ok(after)
    }
}

/// The form field of one cell of the grid: `front_desk.export_patients`.
pub fn cell_name(role: Role, permission: Permission) -> String {
    format!("{}.{}", role.as_str(), permission.as_str())
}

fn grid_of(grants: &[Grant]) -> PermissionGrid {
    let roles = Role::ALL
        .into_iter()
        .map(|role| (role, PermissionSet::effective(role, grants)))
        .collect();
    PermissionGrid { roles }
}
