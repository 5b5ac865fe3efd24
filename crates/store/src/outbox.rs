//! The outbox: every outgoing message as a row, written in the transaction of the change that
//! causes it, and claimed by senders with one conditional UPDATE that takes a lease.
//!
//! The claim repeats the "due and not leased" test in its outer WHERE, so on PostgreSQL a
//! second sender that picked the same row waits for the first one's lock, re-checks the row
//! and claims nothing; on SQLite the one writer makes the statement atomic.

use crate::rows::{int, opt_int, opt_text, text};
use crate::{Conn, StoreError};
use knead_domain::ids::ClinicId;
use sqlx::any::AnyRow;

/// Where a message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Queued,
    Sending,
    Sent,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Sending => "sending",
            Status::Sent => "sent",
            Status::Failed => "failed",
        }
    }

    fn parse(raw: &str) -> Result<Status, StoreError> {
        match raw {
            "queued" => Ok(Status::Queued),
            "sending" => Ok(Status::Sending),
            "sent" => Ok(Status::Sent),
            "failed" => Ok(Status::Failed),
            other => Err(StoreError::Corrupt(format!("outbox status '{other}'"))),
        }
    }
}

/// A message to queue.
#[derive(Clone)]
pub struct NewMessage {
    pub id: String,
    pub clinic_id: ClinicId,
    /// What the message is for, such as `password_reset`.
    pub purpose: String,
    /// Unique per clinic and purpose: queuing the same key twice is refused.
    pub idempotency_key: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
}

/// Hand-written: recipients and bodies never reach a log.
impl std::fmt::Debug for NewMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMessage")
            .field("id", &self.id)
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}

/// A stored message.
#[derive(Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: String,
    pub clinic_id: ClinicId,
    pub purpose: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub status: Status,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub provider_message_id: Option<String>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// Hand-written: recipients and bodies never reach a log.
impl std::fmt::Debug for MessageRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageRecord")
            .field("id", &self.id)
            .field("purpose", &self.purpose)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str = "id, clinic_id, purpose, recipient, subject, body_text, body_html, status, \
     attempts, next_attempt_at, provider_message_id, last_error, created_at, sent_at";

fn message_from_row(row: &AnyRow) -> Result<MessageRecord, StoreError> {
    Ok(MessageRecord {
        id: text(row, "id")?,
        clinic_id: ClinicId::from_string(text(row, "clinic_id")?),
        purpose: text(row, "purpose")?,
        recipient: text(row, "recipient")?,
        subject: text(row, "subject")?,
        body_text: text(row, "body_text")?,
        body_html: opt_text(row, "body_html")?,
        status: Status::parse(&text(row, "status")?)?,
        attempts: int(row, "attempts")?,
        next_attempt_at: int(row, "next_attempt_at")?,
        provider_message_id: opt_text(row, "provider_message_id")?,
        last_error: opt_text(row, "last_error")?,
        created_at: int(row, "created_at")?,
        sent_at: opt_int(row, "sent_at")?,
    })
}

/// Queues a message, due at once.
pub async fn enqueue(conn: &mut Conn, message: &NewMessage, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (id, clinic_id, purpose, idempotency_key, recipient, subject, \
         body_text, body_html, status, attempts, next_attempt_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, $9, $9)",
    )
    .bind(&message.id)
    .bind(message.clinic_id.as_str())
    .bind(&message.purpose)
    .bind(&message.idempotency_key)
    .bind(&message.recipient)
    .bind(&message.subject)
    .bind(&message.body_text)
    .bind(message.body_html.as_deref())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Claims the next due message for `worker` until `lease_until`, counting the attempt.
/// A message is due when queued and its time has come, or when a sender's lease on it ran
/// out (that sender died). `None` when nothing is due or another sender won the row.
pub async fn claim_next(
    conn: &mut Conn,
    worker: &str,
    now: i64,
    lease_until: i64,
) -> Result<Option<MessageRecord>, StoreError> {
    let sql = format!(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, lease_until = $2, \
         leased_by = $3, updated_at = $1 \
         WHERE id = (SELECT id FROM outbox \
           WHERE (status = 'queued' AND next_attempt_at <= $1) \
              OR (status = 'sending' AND lease_until <= $1) \
           ORDER BY next_attempt_at, id LIMIT 1) \
         AND ((status = 'queued' AND next_attempt_at <= $1) \
              OR (status = 'sending' AND lease_until <= $1)) \
         RETURNING {COLUMNS}"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(lease_until)
        .bind(worker)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(message_from_row).transpose()
}

/// Marks a claimed message sent. False when `worker` no longer holds its lease.
pub async fn mark_sent(
    conn: &mut Conn,
    id: &str,
    worker: &str,
    provider_message_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'sent', provider_message_id = $3, sent_at = $4, \
         updated_at = $4, lease_until = NULL, last_error = NULL \
         WHERE id = $1 AND leased_by = $2 AND status = 'sending'",
    )
    .bind(id)
    .bind(worker)
    .bind(provider_message_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt: queued again at `retry_at`, or failed for good when `None`.
pub async fn mark_attempt_failed(
    conn: &mut Conn,
    id: &str,
    worker: &str,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> Result<bool, StoreError> {
    let (status, next) = match retry_at {
        Some(at) => (Status::Queued, at),
        None => (Status::Failed, now),
    };
    let done = sqlx::query(
        "UPDATE outbox SET status = $3, next_attempt_at = $4, last_error = $5, updated_at = $6, \
         lease_until = NULL WHERE id = $1 AND leased_by = $2 AND status = 'sending'",
    )
    .bind(id)
    .bind(worker)
    .bind(status.as_str())
    .bind(next)
    .bind(error)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The clinic's messages, newest first, at most `limit`.
pub async fn list(
    conn: &mut Conn,
    clinic: &ClinicId,
    limit: i64,
) -> Result<Vec<MessageRecord>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox WHERE clinic_id = $1 ORDER BY created_at DESC, id DESC \
         LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(message_from_row).collect()
}

/// One message of the clinic.
pub async fn find(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &str,
) -> Result<Option<MessageRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM outbox WHERE clinic_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(message_from_row).transpose()
}
