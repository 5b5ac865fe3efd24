//! The patient list as a CSV download, for people allowed to export it. Others get no
//! button on the list and a 403 here.

use super::errors::PageResult;
use super::view::PageQuery;
use crate::AppState;
use crate::auth::Signed;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/patients/export.csv", get(export))
}

async fn export(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let query = q.q.unwrap_or_default();
    let export = state.app.export_patients(&signed.staff, &query).await?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"patients.csv\""),
        ),
    ];
    Ok((headers, export.csv).into_response())
}
