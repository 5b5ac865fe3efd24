//! API tokens: the list, a form to create one (its secret is shown once, on the page that
//! answers the form), and a revoke button for each live token.

use super::errors::PageResult;
use super::form::{Form, Labels};
use super::options::role_label;
use super::view::{Chrome, PageQuery, Section, chrome, render, see_other};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use knead_app::{AppError, TokenRecord};
use knead_domain::Role;
use knead_domain::ids::TokenId;

const LABELS: Labels = &[("name", "Token name"), ("role", "Role")];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/tokens", get(show).post(create))
        .route("/settings/tokens/{id}/revoke", post(revoke))
}

/// A token as the list shows it.
struct Row {
    id: String,
    name: String,
    role: &'static str,
    prefix: String,
    created: String,
    last_used: String,
    revoked: Option<String>,
}

/// A token just created: its secret, shown this once.
struct Created {
    name: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Chrome,
    rows: Vec<Row>,
    form: Form,
    created: Option<Created>,
    saved: Option<&'static str>,
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let saved = q
        .saved()
        .map(|_| "Token revoked. Programs using it can no longer sign in.");
    let form = Form::new(LABELS).with("role", Role::FrontDesk.as_str());
    tokens_page(&state, &signed, form, None, saved).await
}

async fn create(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let result = match Role::parse(form.value("role")) {
        Some(role) => {
            state
                .app
                .create_token(&signed.staff, form.value("name"), role)
                .await
        }
        None => Err(AppError::invalid(
            "role",
            format!("'{}' is not a role", form.value("role")),
        )),
    };
    match result {
        Ok((token, secret)) => {
            let created = Created {
                name: token.name,
                secret,
            };
            let form = Form::new(LABELS).with("role", form.value("role"));
            tokens_page(&state, &signed, form, Some(created), None).await
        }
        Err(error) => tokens_page(&state, &signed, form.rejected(error)?, None, None).await,
    }
}

async fn revoke(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> PageResult {
    state
        .app
        .revoke_token(&signed.staff, &TokenId::from_string(id))
        .await?;
    Ok(see_other("/settings/tokens?saved=revoked"))
}

async fn tokens_page(
    state: &AppState,
    signed: &Signed,
    form: Form,
    created: Option<Created>,
    saved: Option<&'static str>,
) -> PageResult {
    let tokens = state.app.list_tokens(&signed.staff).await?;
    let rows = tokens.into_iter().map(row).collect();
    let chrome = chrome(state, signed, Section::Tokens).await?;
    render(
        form.status(),
        &TokensPage {
            chrome,
            rows,
            form,
            created,
            saved,
        },
    )
}

fn row(t: TokenRecord) -> Row {
    Row {
        id: t.id.to_string(),
        name: t.name,
        role: role_label(t.role),
        prefix: t.prefix,
        created: utc_text(t.created_at),
        last_used: t.last_used_at.map_or_else(|| "Never".to_owned(), utc_text),
        revoked: t.revoked_at.map(utc_text),
    }
}

/// An instant as staff read it, saying its zone: `2026-12-03 14:05 UTC`.
fn utc_text(epoch: i64) -> String {
    jiff::Timestamp::from_second(epoch)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}
