//! A staff member's own signed-in sessions: when each started and was last used, from which
//! address and browser family, and a button to end any of them (this one included).

use super::errors::PageResult;
use super::staff::utc_text;
use super::view::{Chrome, PageQuery, Section, chrome, render, see_other};
use crate::AppState;
use crate::auth::{SESSION_COOKIE, Signed, cookie_value};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use knead_app::staff::SessionSummary;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/sessions", get(show))
        .route("/settings/sessions/{id}/revoke", post(revoke))
}

struct Row {
    id: String,
    started: String,
    last_used: String,
    ip: String,
    browser: String,
    current: bool,
}

fn row(s: SessionSummary) -> Row {
    Row {
        id: s.id,
        started: utc_text(s.created_at),
        last_used: s
            .last_used_at
            .map_or_else(|| "Not yet".to_owned(), utc_text),
        ip: s.ip.unwrap_or_else(|| "unknown".to_owned()),
        browser: s.browser.unwrap_or_else(|| "Unknown".to_owned()),
        current: s.current,
    }
}

#[derive(Template)]
#[template(path = "my_sessions.html")]
struct SessionsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    saved: Option<&'static str>,
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let token = cookie_value(&headers, SESSION_COOKIE);
    let sessions = state
        .app
        .my_sessions(&signed.staff, token.as_deref())
        .await?;
    let saved = q
        .saved()
        .map(|_| "Session ended. That browser is signed out.");
    let chrome = chrome(&state, &signed, Section::Sessions).await?;
    let rows = sessions.into_iter().map(row).collect();
    render(
        StatusCode::OK,
        &SessionsPage {
            chrome,
            rows,
            saved,
        },
    )
}

async fn revoke(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> PageResult {
    state.app.end_my_session(&signed.staff, &id).await?;
    Ok(see_other("/settings/sessions?saved=1"))
}
