//! The clinic's sign-in rules, which its owner sets: whether every staff member must use
//! two-factor sign-in, and how long a password reset link works.

use super::super::errors::PageResult;
use super::super::form::{Form, Labels};
use super::super::view::{Chrome, PageQuery, Section, chrome, render, see_other};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::get;
use knead_app::signin::SigninPolicyInput;
use knead_domain::Permission;

const LABELS: Labels = &[
    (
        "require_two_factor",
        "Require two-factor sign-in of all staff",
    ),
    ("reset_link_minutes", "Reset links work for (minutes)"),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/settings/sign-in", get(show).post(save))
}

#[derive(Template)]
#[template(path = "signin_rules.html")]
struct RulesPage {
    chrome: Chrome,
    form: Form,
    saved: Option<&'static str>,
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    signed.staff.require(Permission::ManageStaff)?;
    let policy = state.app.signin_policy(&signed.staff).await?;
    let form = Form::new(LABELS)
        .with("require_two_factor", policy.require_two_factor)
        .with("reset_link_minutes", policy.reset_link_minutes);
    let saved = q.saved().map(|_| "Sign-in rules saved.");
    page(&state, &signed, form, saved).await
}

async fn save(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let input = SigninPolicyInput {
        require_two_factor: form.checked("require_two_factor"),
        reset_link_minutes: form.value("reset_link_minutes").to_owned(),
    };
    match state.app.update_signin_policy(&signed.staff, &input).await {
        Ok(_) => Ok(see_other("/settings/sign-in?saved=1")),
        Err(error) => page(&state, &signed, form.rejected(error)?, None).await,
    }
}

async fn page(
    state: &AppState,
    signed: &Signed,
    form: Form,
    saved: Option<&'static str>,
) -> PageResult {
    let chrome = chrome(state, signed, Section::Clinic).await?;
    render(
        form.status(),
        &RulesPage {
            chrome,
            form,
            saved,
        },
    )
}
