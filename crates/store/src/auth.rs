//! Staff accounts, sign-in sessions, API tokens and sign-in attempts. Secrets are stored
//! only as hashes; the app layer makes and checks them.

use crate::rows::{flag, int, opt_int, parsed, text};
use crate::{Conn, StoreError};
use knead_domain::Role;
use knead_domain::ids::{ClinicId, TokenId, UserId};
use sqlx::any::AnyRow;

#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub clinic_id: ClinicId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
}

/// Hand-written so a password hash never reaches a log.
impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("clinic_id", &self.clinic_id)
            .field("role", &self.role)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

fn role(row: &AnyRow) -> Result<Role, StoreError> {
    let raw = text(row, "role")?;
    parsed("role", &raw, |r| Role::parse(r).ok_or("unknown role"))
}

fn user_from_row(row: &AnyRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: UserId::from_string(text(row, "id")?),
        clinic_id: ClinicId::from_string(text(row, "clinic_id")?),
        email: text(row, "email")?,
        name: text(row, "name")?,
        role: role(row)?,
        password_hash: text(row, "password_hash")?,
        active: flag(row, "active")?,
    })
}

pub async fn insert_user(conn: &mut Conn, user: &UserRecord, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO app_user (id, clinic_id, email, name, role, password_hash, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(user.id.as_str())
    .bind(user.clinic_id.as_str())
    .bind(&user.email)
    .bind(&user.name)
    .bind(user.role.as_str())
    .bind(&user.password_hash)
    .bind(i64::from(user.active))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The account an email signs in to, in whichever clinic it is.
pub async fn find_user_by_email(
    conn: &mut Conn,
    email: &str,
) -> Result<Option<UserRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT id, clinic_id, email, name, role, password_hash, active FROM app_user \
         WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// A user of this clinic by id.
pub async fn find_user(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
) -> Result<Option<UserRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT id, clinic_id, email, name, role, password_hash, active FROM app_user \
         WHERE clinic_id = $1 AND id = $2",
    )
    .bind(clinic.as_str())
    .bind(user.as_str())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn set_password_hash(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
    hash: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE app_user SET password_hash = $3 WHERE clinic_id = $1 AND id = $2")
        .bind(clinic.as_str())
        .bind(user.as_str())
        .bind(hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// The clinic's first active owner, who API tokens made from the command line belong to.
pub async fn find_owner(
    conn: &mut Conn,
    clinic: &ClinicId,
) -> Result<Option<UserRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT id, clinic_id, email, name, role, password_hash, active FROM app_user \
         WHERE clinic_id = $1 AND role = 'owner' AND active = 1 ORDER BY created_at, id LIMIT 1",
    )
    .bind(clinic.as_str())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

pub async fn count_users(conn: &mut Conn, clinic: &ClinicId) -> Result<i64, StoreError> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM app_user WHERE clinic_id = $1")
            .bind(clinic.as_str())
            .fetch_one(conn)
            .await?;
    Ok(n)
}

/// A signed-in session joined with its user, as a request sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub clinic_id: ClinicId,
    pub user_id: UserId,
    pub user_name: String,
    pub role: Role,
    pub csrf_token: String,
    pub expires_at: i64,
    /// The clinic requires two-factor sign-in and this person has not set it up yet: the
    /// session reaches only the set-up page.
    pub must_set_up_two_factor: bool,
}

pub async fn insert_session(
    conn: &mut Conn,
    token_hash: &str,
    session: &SessionRecord,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO staff_session (token_hash, clinic_id, user_id, csrf_token, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(session.clinic_id.as_str())
    .bind(session.user_id.as_str())
    .bind(&session.csrf_token)
    .bind(now)
    .bind(session.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The live session for `token_hash`, if it has not expired and its user is still active.
pub async fn find_session(
    conn: &mut Conn,
    token_hash: &str,
    now: i64,
) -> Result<Option<SessionRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT s.clinic_id, s.user_id, s.csrf_token, s.expires_at, u.name, u.role, \
         CASE WHEN p.require_two_factor = 1 AND t.confirmed_at IS NULL THEN 1 ELSE 0 END \
         AS must_set_up \
         FROM staff_session s JOIN app_user u ON u.id = s.user_id AND u.clinic_id = s.clinic_id \
         LEFT JOIN clinic_signin_policy p ON p.clinic_id = s.clinic_id \
         LEFT JOIN user_totp t ON t.user_id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(SessionRecord {
        clinic_id: ClinicId::from_string(text(&row, "clinic_id")?),
        user_id: UserId::from_string(text(&row, "user_id")?),
        user_name: text(&row, "name")?,
        role: role(&row)?,
        csrf_token: text(&row, "csrf_token")?,
        expires_at: int(&row, "expires_at")?,
        must_set_up_two_factor: int(&row, "must_set_up")? != 0,
    }))
}

pub async fn delete_session(conn: &mut Conn, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM staff_session WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of `user`; returns how many there were.
pub async fn delete_user_sessions(conn: &mut Conn, user: &UserId) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM staff_session WHERE user_id = $1")
        .bind(user.as_str())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Ends every session of `user` but the one whose token hashes to `keep`.
pub async fn delete_other_sessions(
    conn: &mut Conn,
    user: &UserId,
    keep: &str,
) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM staff_session WHERE user_id = $1 AND token_hash <> $2")
        .bind(user.as_str())
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Removes sessions that expired before `now`; returns how many.
pub async fn delete_expired_sessions(conn: &mut Conn, now: i64) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM staff_session WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// An API token as listed to its clinic's owner (never with the secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: TokenId,
    pub clinic_id: ClinicId,
    pub user_id: UserId,
    pub name: String,
    pub role: Role,
    /// The first characters of the secret, so a person can tell tokens apart.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

fn token_from_row(row: &AnyRow) -> Result<TokenRecord, StoreError> {
    Ok(TokenRecord {
        id: TokenId::from_string(text(row, "id")?),
        clinic_id: ClinicId::from_string(text(row, "clinic_id")?),
        user_id: UserId::from_string(text(row, "user_id")?),
        name: text(row, "name")?,
        role: role(row)?,
        prefix: text(row, "prefix")?,
        created_at: int(row, "created_at")?,
        last_used_at: opt_int(row, "last_used_at")?,
        revoked_at: opt_int(row, "revoked_at")?,
    })
}

const TOKEN_COLUMNS: &str = "t.id, t.clinic_id, t.user_id, t.name, t.role, t.prefix, t.created_at, t.last_used_at, \
     t.revoked_at";

pub async fn insert_token(
    conn: &mut Conn,
    token: &TokenRecord,
    token_hash: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO api_token (id, clinic_id, user_id, name, role, token_hash, prefix, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(token.id.as_str())
    .bind(token.clinic_id.as_str())
    .bind(token.user_id.as_str())
    .bind(&token.name)
    .bind(token.role.as_str())
    .bind(token_hash)
    .bind(&token.prefix)
    .bind(token.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The unrevoked token whose secret hashes to `token_hash`, if its user is still active.
pub async fn find_live_token(
    conn: &mut Conn,
    token_hash: &str,
) -> Result<Option<TokenRecord>, StoreError> {
    let sql = format!(
        "SELECT {TOKEN_COLUMNS} FROM api_token t JOIN app_user u \
         ON u.id = t.user_id AND u.clinic_id = t.clinic_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token_hash)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(token_from_row).transpose()
}

pub async fn touch_token(conn: &mut Conn, id: &TokenId, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE api_token SET last_used_at = $2 WHERE id = $1")
        .bind(id.as_str())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn list_tokens(
    conn: &mut Conn,
    clinic: &ClinicId,
) -> Result<Vec<TokenRecord>, StoreError> {
    let sql = format!(
        "SELECT {TOKEN_COLUMNS} FROM api_token t WHERE t.clinic_id = $1 ORDER BY t.created_at DESC, t.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter().map(token_from_row).collect()
}

/// Revokes a token of this clinic. Returns false when there is no such live token.
pub async fn revoke_token(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &TokenId,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE api_token SET revoked_at = $3 WHERE clinic_id = $1 AND id = $2 AND revoked_at IS NULL",
    )
    .bind(clinic.as_str())
    .bind(id.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn record_login_attempt(
    conn: &mut Conn,
    id: &str,
    email: &str,
    ip: &str,
    succeeded: bool,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO login_attempt (id, email, ip, at, succeeded) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(email)
    .bind(ip)
    .bind(now)
    .bind(i64::from(succeeded))
    .execute(conn)
    .await?;
    Ok(())
}

/// Failed sign-ins since `since` for this email and for this address, as `(email, ip)`.
pub async fn recent_failures(
    conn: &mut Conn,
    email: &str,
    ip: &str,
    since: i64,
) -> Result<(i64, i64), StoreError> {
    let (by_email, by_ip): (i64, i64) = sqlx::query_as(
        "SELECT \
         CAST(COALESCE(SUM(CASE WHEN email = $1 THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN ip = $2 THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM login_attempt WHERE at >= $3 AND succeeded = 0 AND (email = $1 OR ip = $2)",
    )
    .bind(email)
    .bind(ip)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok((by_email, by_ip))
}
