//! Two-factor sign-in (TOTP secrets, recovery codes, pending sign-ins), the clinic's
//! sign-in rules and password reset links. Recovery codes and link tokens are stored only as
//! hashes; the app layer makes and checks them.

use crate::rows::{bit, flag, int, opt_int, text};
use crate::{Conn, StoreError};
use knead_domain::ids::{ClinicId, UserId};

/// A staff member's TOTP secret and where its set-up stands.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpRecord {
    pub user_id: UserId,
    pub clinic_id: ClinicId,
    /// Base32; needed in clear to compute codes.
    pub secret: String,
    pub confirmed_at: Option<i64>,
    /// The last accepted time step: codes of this step or earlier are refused.
    pub last_step: i64,
}

/// Hand-written so the secret never reaches a log.
impl std::fmt::Debug for TotpRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpRecord")
            .field("user_id", &self.user_id)
            .field("confirmed_at", &self.confirmed_at)
            .finish_non_exhaustive()
    }
}

/// Starts (or restarts) setting up TOTP with a new, unconfirmed secret.
pub async fn put_pending_totp(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
    secret: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO user_totp (user_id, clinic_id, secret, confirmed_at, last_step, created_at) \
         VALUES ($1, $2, $3, NULL, 0, $4) \
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, confirmed_at = NULL, \
         last_step = 0, created_at = excluded.created_at",
    )
    .bind(user.as_str())
    .bind(clinic.as_str())
    .bind(secret)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_totp(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
) -> Result<Option<TotpRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT user_id, clinic_id, secret, confirmed_at, last_step FROM user_totp \
         WHERE clinic_id = $1 AND user_id = $2",
    )
    .bind(clinic.as_str())
    .bind(user.as_str())
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(TotpRecord {
        user_id: UserId::from_string(text(&row, "user_id")?),
        clinic_id: ClinicId::from_string(text(&row, "clinic_id")?),
        secret: text(&row, "secret")?,
        confirmed_at: opt_int(&row, "confirmed_at")?,
        last_step: int(&row, "last_step")?,
    }))
}

/// Records `step` as used, only if it is later than the last one used. Returns false when
/// another request used this step (or a later one) first: the code is a replay.
pub async fn use_totp_step(
    conn: &mut Conn,
    user: &UserId,
    step: i64,
    confirm_at: Option<i64>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE user_totp SET last_step = $2, confirmed_at = COALESCE(confirmed_at, $3) \
         WHERE user_id = $1 AND last_step < $2",
    )
    .bind(user.as_str())
    .bind(step)
    .bind(confirm_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns two-factor off: the secret and every recovery code go.
pub async fn delete_totp(conn: &mut Conn, user: &UserId) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM recovery_code WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM user_totp WHERE user_id = $1")
        .bind(user.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the user's recovery codes with these hashes.
pub async fn replace_recovery_codes(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
    hashes: &[String],
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM recovery_code WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *conn)
        .await?;
    for hash in hashes {
        sqlx::query(
            "INSERT INTO recovery_code (user_id, clinic_id, code_hash, used_at, created_at) \
             VALUES ($1, $2, $3, NULL, $4)",
        )
        .bind(user.as_str())
        .bind(clinic.as_str())
        .bind(hash)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Uses up an unused recovery code. Returns false when there is no such unused code.
pub async fn use_recovery_code(
    conn: &mut Conn,
    user: &UserId,
    hash: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE recovery_code SET used_at = $3 \
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user.as_str())
    .bind(hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn unused_recovery_codes(conn: &mut Conn, user: &UserId) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM recovery_code \
         WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user.as_str())
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// A sign-in whose password was accepted and whose code is still to come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChallengeRecord {
    pub clinic_id: ClinicId,
    pub user_id: UserId,
    pub expires_at: i64,
}

pub async fn insert_challenge(
    conn: &mut Conn,
    token_hash: &str,
    challenge: &ChallengeRecord,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO signin_challenge (token_hash, clinic_id, user_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(challenge.clinic_id.as_str())
    .bind(challenge.user_id.as_str())
    .bind(now)
    .bind(challenge.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The live challenge for `token_hash`, if its user is still active.
pub async fn find_challenge(
    conn: &mut Conn,
    token_hash: &str,
    now: i64,
) -> Result<Option<ChallengeRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT c.clinic_id, c.user_id, c.expires_at FROM signin_challenge c \
         JOIN app_user u ON u.id = c.user_id AND u.clinic_id = c.clinic_id \
         WHERE c.token_hash = $1 AND c.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(ChallengeRecord {
        clinic_id: ClinicId::from_string(text(&row, "clinic_id")?),
        user_id: UserId::from_string(text(&row, "user_id")?),
        expires_at: int(&row, "expires_at")?,
    }))
}

/// Ends every pending sign-in of `user`, and any that expired before `now`.
pub async fn delete_challenges(conn: &mut Conn, user: &UserId, now: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM signin_challenge WHERE user_id = $1 OR expires_at <= $2")
        .bind(user.as_str())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends one pending sign-in.
pub async fn delete_challenge(conn: &mut Conn, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM signin_challenge WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes pending sign-ins that expired before `now`.
pub async fn delete_expired_challenges(conn: &mut Conn, now: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM signin_challenge WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// The clinic's sign-in rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigninPolicy {
    pub require_two_factor: bool,
    pub reset_link_minutes: i64,
}

impl Default for SigninPolicy {
    fn default() -> Self {
        SigninPolicy {
            require_two_factor: false,
            reset_link_minutes: 60,
        }
    }
}

pub async fn find_policy(conn: &mut Conn, clinic: &ClinicId) -> Result<SigninPolicy, StoreError> {
    let row = sqlx::query(
        "SELECT require_two_factor, reset_link_minutes FROM clinic_signin_policy \
         WHERE clinic_id = $1",
    )
    .bind(clinic.as_str())
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(SigninPolicy::default());
    };
    Ok(SigninPolicy {
        require_two_factor: flag(&row, "require_two_factor")?,
        reset_link_minutes: int(&row, "reset_link_minutes")?,
    })
}

pub async fn put_policy(
    conn: &mut Conn,
    clinic: &ClinicId,
    policy: &SigninPolicy,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO clinic_signin_policy (clinic_id, require_two_factor, reset_link_minutes, \
         updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (clinic_id) DO UPDATE SET require_two_factor = excluded.require_two_factor, \
         reset_link_minutes = excluded.reset_link_minutes, updated_at = excluded.updated_at",
    )
    .bind(clinic.as_str())
    .bind(bit(policy.require_two_factor))
    .bind(policy.reset_link_minutes)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A password reset link, known by the hash of its token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResetRecord {
    pub id: String,
    pub clinic_id: ClinicId,
    pub user_id: UserId,
    pub expires_at: i64,
}

pub async fn insert_reset(
    conn: &mut Conn,
    token_hash: &str,
    reset: &ResetRecord,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO password_reset (token_hash, id, clinic_id, user_id, created_at, \
         expires_at, used_at) VALUES ($1, $2, $3, $4, $5, $6, NULL)",
    )
    .bind(token_hash)
    .bind(&reset.id)
    .bind(reset.clinic_id.as_str())
    .bind(reset.user_id.as_str())
    .bind(now)
    .bind(reset.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The unused, unexpired link for `token_hash`, if its user is still active.
pub async fn find_live_reset(
    conn: &mut Conn,
    token_hash: &str,
    now: i64,
) -> Result<Option<ResetRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT r.id, r.clinic_id, r.user_id, r.expires_at FROM password_reset r \
         JOIN app_user u ON u.id = r.user_id AND u.clinic_id = r.clinic_id \
         WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2 AND u.active = 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(ResetRecord {
        id: text(&row, "id")?,
        clinic_id: ClinicId::from_string(text(&row, "clinic_id")?),
        user_id: UserId::from_string(text(&row, "user_id")?),
        expires_at: int(&row, "expires_at")?,
    }))
}

/// Uses the link up, only if it is still unused and unexpired: of two requests racing with
/// the same link, one gets true.
pub async fn use_reset(conn: &mut Conn, token_hash: &str, now: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE password_reset SET used_at = $2 \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Voids every other unused link of `user`, once one of them has been used.
pub async fn void_resets(conn: &mut Conn, user: &UserId, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE password_reset SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL")
        .bind(user.as_str())
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// How many reset links `user` was sent since `since`.
pub async fn recent_resets(conn: &mut Conn, user: &UserId, since: i64) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM password_reset WHERE user_id = $1 AND created_at >= $2",
    )
    .bind(user.as_str())
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(n)
}
