//! Server-rendered pages for staff.

use crate::AppState;
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::http::StatusCode;
use knead_app::AppError;

pub fn router(state: AppState) -> Router<AppState> {
    Router::new().layer(axum::middleware::from_fn_with_state(state, crate::auth::csrf_guard))
}

/// An error on a page that is not the form's own to show.
pub(crate) fn error_page(error: AppError) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response()
}
