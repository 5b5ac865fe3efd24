//! The store's one error type. "Not found" and "that value is taken" are answers, not
//! failures; everything else is the database breaking.

use sqlx::error::ErrorKind;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; `constraint` names it (PostgreSQL) or quotes
    /// the columns (SQLite).
    #[error("unique constraint failed: {constraint}")]
    Unique { constraint: String },
    /// A referenced row does not exist (or belongs to another clinic).
    #[error("a referenced row does not exist: {detail}")]
    ForeignKey { detail: String },
    /// The write would make two appointments that hold time overlap for one practitioner
    /// (`what` is "practitioner") or one room ("room").
    #[error("the time overlaps another appointment of the same {what}")]
    Overlap { what: String },
    #[error("database URL scheme '{scheme}' is not supported (use sqlite: or postgres:)")]
    UnsupportedUrl { scheme: String },
    #[error("cannot connect to the database")]
    Connect(#[source] sqlx::Error),
    #[error("cannot apply migrations")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// A stored value does not parse: a bug or a hand-edited database.
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

impl StoreError {
    /// True when a unique constraint on `column` refused the write.
    pub fn is_unique_on(&self, column: &str) -> bool {
        matches!(self, StoreError::Unique { constraint } if constraint.contains(column))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        let Some(db) = error.as_database_error() else {
            return StoreError::Database(error);
        };
        let detail = db
            .constraint()
            .map(str::to_owned)
            .unwrap_or_else(|| db.message().to_owned());
        // PostgreSQL reports an exclusion constraint as 23P01; the SQLite trigger aborts with
        // a message that starts with `slot_taken`.
        let exclusion = db.code().is_some_and(|code| code == "23P01");
        if exclusion || db.message().starts_with("slot_taken") {
            let what = if detail.contains("room") {
                "room"
            } else {
                "practitioner"
            };
            return StoreError::Overlap {
                what: what.to_owned(),
            };
        }
        match db.kind() {
            ErrorKind::UniqueViolation => StoreError::Unique { constraint: detail },
            ErrorKind::ForeignKeyViolation => StoreError::ForeignKey { detail },
            _ => StoreError::Database(error),
        }
    }
}
