//! The application's one error type; the web layer maps each variant to a status in one place.

use knead_domain::FieldErrors;
use knead_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input was rejected; nothing was written.
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    /// No such record in the caller's clinic (also what another clinic's ids get).
    #[error("not found")]
    NotFound,
    /// The request conflicts with the current state (`code` is machine-readable).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// No valid session or token, or wrong credentials.
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    #[error("not allowed")]
    Forbidden,
    /// Too many attempts; try again after the given seconds.
    #[error("too many attempts")]
    Throttled { retry_after_seconds: i64 },
    /// Something broke inside: the database, the hasher. Details go to the log only.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError::Invalid(FieldErrors::single(field, message))
    }

    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> AppError {
        AppError::Internal(Box::new(error))
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        AppError::internal(error)
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}
