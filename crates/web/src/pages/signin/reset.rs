//! "Forgot your password?": the form that asks for the address, and the page an emailed
//! single-use link opens to choose a new password. The answer to the first is the same
//! whether or not an account has that address.

use super::super::errors::PageResult;
use super::super::form::{Form, Labels};
use super::super::session::{anon_csrf, with_anon_csrf};
use super::super::view::{render, see_other};
use crate::AppState;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use knead_app::AppError;

const FORGOT_LABELS: Labels = &[("email", "Email")];
const RESET_LABELS: Labels = &[
    ("password", "New password"),
    ("password_confirm", "New password again"),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/password/forgot", get(forgot_form).post(forgot))
        .route("/password/reset/{token}", get(reset_form).post(reset))
}

#[derive(Template)]
#[template(path = "signin_forgot.html")]
struct ForgotPage {
    form: Form,
    csrf: String,
    /// After the form was sent: the same words whether or not the address has an account.
    sent: bool,
}

#[derive(Template)]
#[template(path = "signin_reset.html")]
struct ResetPage {
    form: Form,
    csrf: String,
    action: String,
    /// False when the link is unknown, used or expired.
    live: bool,
}

async fn forgot_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    forgot_page(&state, &headers, Form::new(FORGOT_LABELS), false)
}

async fn forgot(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> PageResult {
    let form = Form::posted(FORGOT_LABELS, &body);
    let email = form.value("email").trim().to_owned();
    if email.is_empty() {
        let error = AppError::invalid("email", "enter the address you sign in with");
        return forgot_page(&state, &headers, form.rejected(error)?, false);
    }
    let link_base = state.config.public_url.clone();
    state.app.request_password_reset(&email, &link_base).await?;
    forgot_page(&state, &headers, Form::new(FORGOT_LABELS), true)
}

fn forgot_page(state: &AppState, headers: &HeaderMap, form: Form, sent: bool) -> PageResult {
    let csrf = anon_csrf(headers);
    let status = form.status();
    let page = ForgotPage { form, csrf, sent };
    with_anon_csrf(state, headers, &page.csrf, render(status, &page)?)
}

async fn reset_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> PageResult {
    let live = state.app.reset_link_is_live(&token).await?;
    reset_page(&state, &headers, Form::new(RESET_LABELS), &token, live)
}

async fn reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let form = Form::posted(RESET_LABELS, &body);
    let result = state
        .app
        .reset_password(
            &token,
            form.value("password"),
            form.value("password_confirm"),
        )
        .await;
    match result {
        Ok(()) => Ok(see_other("/login?saved=password")),
        Err(AppError::NotFound) => reset_page(&state, &headers, form, &token, false),
        Err(error) => reset_page(&state, &headers, form.rejected(error)?, &token, true),
    }
}

fn reset_page(
    state: &AppState,
    headers: &HeaderMap,
    form: Form,
    token: &str,
    live: bool,
) -> PageResult {
    let form = form.without("password").without("password_confirm");
    let csrf = anon_csrf(headers);
    let status = if live {
        form.status()
    } else {
        StatusCode::NOT_FOUND
    };
    let action = format!("/password/reset/{token}");
    let page = ResetPage {
        form,
        csrf,
        action,
        live,
    };
    with_anon_csrf(state, headers, &page.csrf, render(status, &page)?)
}
