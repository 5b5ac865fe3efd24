//! Staff management: the clinic's accounts with their last sign-in and practitioner link,
//! role changes and deactivation (with the sessions and tokens that end with it), the
//! clinic's changes to the roles' permissions, and each person's own sessions.

use crate::rows::{bit, flag, int, opt_int, opt_text, parsed, text};
use crate::{Conn, StoreError};
use knead_domain::ids::{ClinicId, PractitionerId, UserId};
use knead_domain::permissions::Grant;
use knead_domain::{Permission, Role};
use sqlx::any::AnyRow;

/// A staff account as the staff list shows it (never with the password hash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub last_sign_in_at: Option<i64>,
    pub practitioner_id: Option<PractitionerId>,
}

fn role_of(raw: &str) -> Result<Role, StoreError> {
    parsed("role", raw, |r| Role::parse(r).ok_or("unknown role"))
}

fn member_from_row(row: &AnyRow) -> Result<StaffMember, StoreError> {
    Ok(StaffMember {
        id: UserId::from_string(text(row, "id")?),
        name: text(row, "name")?,
        email: text(row, "email")?,
        role: role_of(&text(row, "role")?)?,
        active: flag(row, "active")?,
        last_sign_in_at: opt_int(row, "last_sign_in_at")?,
        practitioner_id: opt_text(row, "practitioner_id")?.map(PractitionerId::from_string),
    })
}

const MEMBER_SELECT: &str = "SELECT u.id, u.name, u.email, u.role, u.active, u.last_sign_in_at, \
     sp.practitioner_id FROM app_user u LEFT JOIN staff_practitioner sp \
     ON sp.clinic_id = u.clinic_id AND sp.user_id = u.id WHERE u.clinic_id = $1";

/// The clinic's staff, active first, then by name.
pub async fn list(conn: &mut Conn, clinic: &ClinicId) -> Result<Vec<StaffMember>, StoreError> {
    let sql = format!("{MEMBER_SELECT} ORDER BY u.active DESC, u.name, u.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter().map(member_from_row).collect()
}

pub async fn get(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &UserId,
) -> Result<Option<StaffMember>, StoreError> {
    let sql = format!("{MEMBER_SELECT} AND u.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(member_from_row).transpose()
}

/// Active owners of the clinic other than `except`.
pub async fn other_active_owners(
    conn: &mut Conn,
    clinic: &ClinicId,
    except: &UserId,
) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM app_user \
         WHERE clinic_id = $1 AND role = 'owner' AND active = 1 AND id <> $2",
    )
    .bind(clinic.as_str())
    .bind(except.as_str())
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Locks the clinic's row until the transaction ends, so two owners demoting each other at
/// once cannot both pass the last-owner check (SQLite writers are serialised already).
pub async fn lock_clinic(conn: &mut Conn, clinic: &ClinicId) -> Result<(), StoreError> {
    sqlx::query("UPDATE clinic SET audit_seq = audit_seq WHERE id = $1")
        .bind(clinic.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_role(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &UserId,
    role: Role,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE app_user SET role = $3 WHERE clinic_id = $1 AND id = $2")
        .bind(clinic.as_str())
        .bind(id.as_str())
        .bind(role.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_active(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &UserId,
    active: bool,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE app_user SET active = $3 WHERE clinic_id = $1 AND id = $2")
        .bind(clinic.as_str())
        .bind(id.as_str())
        .bind(bit(active))
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of the user; returns how many.
pub async fn delete_sessions_of(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM staff_session WHERE clinic_id = $1 AND user_id = $2")
        .bind(clinic.as_str())
        .bind(user.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Revokes every live API token of the user; returns how many.
pub async fn revoke_tokens_of(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
    now: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE api_token SET revoked_at = $3 \
         WHERE clinic_id = $1 AND user_id = $2 AND revoked_at IS NULL",
    )
    .bind(clinic.as_str())
    .bind(user.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Links the user to a practitioner of the same clinic, or unlinks them with `None`. A
/// practitioner already linked to someone else is refused by the unique constraint.
pub async fn link_practitioner(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
    practitioner: Option<&PractitionerId>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM staff_practitioner WHERE clinic_id = $1 AND user_id = $2")
        .bind(clinic.as_str())
        .bind(user.as_str())
        .execute(&mut *conn)
        .await?;
    let Some(practitioner) = practitioner else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO staff_practitioner (clinic_id, user_id, practitioner_id) VALUES ($1, $2, $3)",
    )
    .bind(clinic.as_str())
    .bind(user.as_str())
    .bind(practitioner.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_last_sign_in(conn: &mut Conn, user: &UserId, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE app_user SET last_sign_in_at = $2 WHERE id = $1")
        .bind(user.as_str())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// The clinic's changes to the roles' default permissions.
pub async fn grants(conn: &mut Conn, clinic: &ClinicId) -> Result<Vec<Grant>, StoreError> {
    let rows = sqlx::query(
        "SELECT role, permission, granted FROM role_permission WHERE clinic_id = $1 \
         ORDER BY role, permission",
    )
    .bind(clinic.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter().map(grant_from_row).collect()
}

fn grant_from_row(row: &AnyRow) -> Result<Grant, StoreError> {
    let raw = text(row, "permission")?;
    Ok(Grant {
        role: role_of(&text(row, "role")?)?,
        permission: parsed("permission", &raw, |p| {
            Permission::parse(p).ok_or("unknown permission")
        })?,
        granted: flag(row, "granted")?,
    })
}

/// Stores the clinic's choice for one role and permission; `None` returns it to the default.
pub async fn set_grant(
    conn: &mut Conn,
    clinic: &ClinicId,
    role: Role,
    permission: Permission,
    granted: Option<bool>,
    now: i64,
) -> Result<(), StoreError> {
    let Some(granted) = granted else {
        sqlx::query(
            "DELETE FROM role_permission WHERE clinic_id = $1 AND role = $2 AND permission = $3",
        )
        .bind(clinic.as_str())
        .bind(role.as_str())
        .bind(permission.as_str())
        .execute(conn)
        .await?;
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO role_permission (clinic_id, role, permission, granted, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (clinic_id, role, permission) \
         DO UPDATE SET granted = excluded.granted, updated_at = excluded.updated_at",
    )
    .bind(clinic.as_str())
    .bind(role.as_str())
    .bind(permission.as_str())
    .bind(bit(granted))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A signed-in session as its owner sees it in the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSummary {
    pub id: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub ip: Option<String>,
    pub browser: Option<String>,
    /// Whether this is the session the list was asked from.
    pub current: bool,
}

/// Records where a new session comes from, right after it is inserted.
pub async fn describe_session(
    conn: &mut Conn,
    token_hash: &str,
    id: &str,
    ip: &str,
    browser: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE staff_session SET id = $2, ip = $3, browser = $4, last_used_at = $5 \
         WHERE token_hash = $1",
    )
    .bind(token_hash)
    .bind(id)
    .bind(ip)
    .bind(browser)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a session used at `now`, at most once a minute so reads stay reads.
pub async fn touch_session(conn: &mut Conn, token_hash: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE staff_session SET last_used_at = $2 WHERE token_hash = $1 \
         AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(token_hash)
    .bind(now)
    .bind(now - 60)
    .execute(conn)
    .await?;
    Ok(())
}

/// The user's live sessions, newest first; `current_hash` marks the one asking.
pub async fn sessions_of(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
    current_hash: Option<&str>,
    now: i64,
) -> Result<Vec<SessionSummary>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, token_hash, created_at, last_used_at, ip, browser FROM staff_session \
         WHERE clinic_id = $1 AND user_id = $2 AND expires_at > $3 \
         ORDER BY created_at DESC, id",
    )
    .bind(clinic.as_str())
    .bind(user.as_str())
    .bind(now)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SessionSummary {
                id: text(row, "id")?,
                created_at: int(row, "created_at")?,
                last_used_at: opt_int(row, "last_used_at")?,
                ip: opt_text(row, "ip")?,
                browser: opt_text(row, "browser")?,
                current: Some(text(row, "token_hash")?.as_str()) == current_hash,
            })
        })
        .collect()
}

/// Ends one session of the user by its public id. False when there is no such session.
pub async fn delete_session_by_id(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
    id: &str,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("DELETE FROM staff_session WHERE clinic_id = $1 AND user_id = $2 AND id = $3")
            .bind(clinic.as_str())
            .bind(user.as_str())
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}
