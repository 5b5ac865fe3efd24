//! Outgoing email as the outbox holds it: what was sent, what waits (and why), and what
//! failed for good. With no SMTP server configured, everything waits here, nothing is lost.

use super::super::errors::PageResult;
use super::super::view::{Chrome, Section, chrome, render};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use knead_app::outbox::{MessageRecord, Status};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/settings/outbox", get(show))
}

/// A message as the list shows it.
struct Row {
    created: String,
    purpose: &'static str,
    recipient: String,
    subject: String,
    status: &'static str,
    delivered: bool,
    attempts: i64,
    detail: String,
}

#[derive(Template)]
#[template(path = "signin_outbox.html")]
struct OutboxPage {
    chrome: Chrome,
    rows: Vec<Row>,
    waiting: usize,
    mail_configured: bool,
}

async fn show(State(state): State<AppState>, signed: Signed) -> PageResult {
    let messages = state.app.outbox_messages(&signed.staff).await?;
    let rows: Vec<Row> = messages.into_iter().map(row).collect();
    let waiting = rows.iter().filter(|r| !r.delivered).count();
    let page = OutboxPage {
        chrome: chrome(&state, &signed, Section::Clinic).await?,
        rows,
        waiting,
        mail_configured: state.config.mail_configured,
    };
    render(StatusCode::OK, &page)
}

fn row(m: MessageRecord) -> Row {
    let detail = match (&m.sent_at, &m.last_error) {
        (Some(at), _) => format!("Sent {}", utc_text(*at)),
        (None, Some(error)) => format!("Last try: {error}"),
        (None, None) => "Not tried yet".to_owned(),
    };
    Row {
        created: utc_text(m.created_at),
        purpose: purpose_label(&m.purpose),
        recipient: m.recipient,
        subject: m.subject,
        status: status_label(m.status),
        delivered: m.sent_at.is_some(),
        attempts: m.attempts,
        detail,
    }
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Queued => "Waiting",
        Status::Sending => "Sending",
        Status::Sent => "Sent",
        Status::Failed => "Failed",
    }
}

fn purpose_label(purpose: &str) -> &'static str {
    match purpose {
        knead_app::signin::RESET_PURPOSE => "Password reset",
        _ => "Other",
    }
}

/// An instant as staff read it, saying its zone: `2026-12-03 14:05 UTC`.
fn utc_text(epoch: i64) -> String {
    jiff::Timestamp::from_second(epoch)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}
