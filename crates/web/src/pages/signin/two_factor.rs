//! A staff member's own two-factor sign-in: turn it on (a new secret shown as text and as an
//! otpauth:// address, confirmed with a current code, then ten recovery codes shown once) and
//! off again with the password.

use super::super::errors::PageResult;
use super::super::form::{Form, Labels};
use super::super::view::{Chrome, PageQuery, Section, chrome, render, see_other};
use crate::AppState;
use crate::auth::{Signed, TWO_FACTOR_PATH};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use knead_app::signin::TwoFactorStatus;
use knead_domain::Permission;

const CONFIRM_LABELS: Labels = &[("code", "Code from the app")];
const DISABLE_LABELS: Labels = &[("password", "Your password")];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(TWO_FACTOR_PATH, get(show))
        .route("/account/two-factor/start", post(start))
        .route("/account/two-factor/confirm", post(confirm))
        .route("/account/two-factor/disable", post(disable))
}

#[derive(Template)]
#[template(path = "signin_two_factor.html")]
struct TwoFactorPage {
    chrome: Chrome,
    status: TwoFactorStatus,
    confirm: Form,
    disable: Form,
    /// Just confirmed: the recovery codes, shown this once.
    recovery_codes: Vec<String>,
    saved: Option<&'static str>,
    /// Links to the clinic-wide pages for those who may open them.
    manages_rules: bool,
    sees_outbox: bool,
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let saved = match q.saved() {
        Some("off") => Some("Two-factor sign-in is off. You sign in with your password alone."),
        _ => None,
    };
    let forms = (Form::new(CONFIRM_LABELS), Form::new(DISABLE_LABELS));
    page(&state, &signed, forms, Vec::new(), saved).await
}

async fn start(State(state): State<AppState>, signed: Signed) -> PageResult {
    state.app.start_two_factor(&signed.staff).await?;
    Ok(see_other(TWO_FACTOR_PATH))
}

async fn confirm(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(CONFIRM_LABELS, &body).prefixed("confirm-");
    let disable = Form::new(DISABLE_LABELS);
    match state
        .app
        .confirm_two_factor(&signed.staff, form.value("code"))
        .await
    {
        Ok(codes) => {
            let forms = (Form::new(CONFIRM_LABELS), disable);
            page(&state, &signed, forms, codes, None).await
        }
        Err(error) => {
            let form = form.without("code").rejected(error)?;
            page(&state, &signed, (form, disable), Vec::new(), None).await
        }
    }
}

async fn disable(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(DISABLE_LABELS, &body).prefixed("disable-");
    match state
        .app
        .disable_two_factor(&signed.staff, form.value("password"))
        .await
    {
        Ok(()) => Ok(see_other(&format!("{TWO_FACTOR_PATH}?saved=off"))),
        Err(error) => {
            let form = form.without("password").rejected(error)?;
            let forms = (Form::new(CONFIRM_LABELS), form);
            page(&state, &signed, forms, Vec::new(), None).await
        }
    }
}

async fn page(
    state: &AppState,
    signed: &Signed,
    (confirm, disable): (Form, Form),
    recovery_codes: Vec<String>,
    saved: Option<&'static str>,
) -> PageResult {
    let status = state.app.two_factor_status(&signed.staff).await?;
    let code = confirm.status().max(disable.status());
    let page = TwoFactorPage {
        chrome: chrome(state, signed, Section::Clinic).await?,
        status,
        confirm: confirm.prefixed("confirm-"),
        disable: disable.prefixed("disable-"),
        recovery_codes,
        saved,
        manages_rules: signed.staff.can(Permission::ManageStaff),
        sees_outbox: signed.staff.can(Permission::ViewAudit),
    };
    render(code, &page)
}
