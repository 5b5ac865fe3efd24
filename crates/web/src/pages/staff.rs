//! Staff management for people allowed to manage staff: the list with each person's role,
//! state and last sign-in, a form to add someone (a password Knead chooses is shown once),
//! and one page per person to change the role, link the practitioner record they work as,
//! end their sessions, and deactivate or reactivate them.
// Known shortcoming: staff, permission settings, sessions and the patient export have pages
// only; `/api/v1` routes calling the same use cases (and their matrix rows) would remove this.

use super::errors::PageResult;
use super::form::{Form, Labels};
use super::options::{role_label, roles};
use super::view::{Chrome, PageQuery, Section, chrome, everything, render, see_other};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use knead_app::AppError;
use knead_app::staff::{NewStaff, StaffMember};
use knead_domain::Role;
use knead_domain::ids::{PractitionerId, UserId};

const LABELS: Labels = &[
    ("name", "Name"),
    ("email", "Email"),
    ("role", "Role"),
    ("password", "Initial password"),
    ("practitioner_id", "Works as practitioner"),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/staff", get(list).post(add))
        .route("/settings/staff/{id}", get(show))
        .route("/settings/staff/{id}/role", post(change_role))
        .route("/settings/staff/{id}/practitioner", post(link))
        .route("/settings/staff/{id}/deactivate", post(deactivate))
        .route("/settings/staff/{id}/reactivate", post(reactivate))
        .route("/settings/staff/{id}/sessions/end", post(end_sessions))
}

/// A staff member as the list and the page show them.
struct Row {
    id: String,
    name: String,
    email: String,
    role: &'static str,
    active: bool,
    last_sign_in: String,
}

fn row(m: &StaffMember) -> Row {
    Row {
        id: m.id.to_string(),
        name: m.name.clone(),
        email: m.email.clone(),
        role: role_label(m.role),
        active: m.active,
        last_sign_in: m
            .last_sign_in_at
            .map_or_else(|| "Never".to_owned(), utc_text),
    }
}

/// The account just added, with the password Knead chose, shown this once.
struct Added {
    name: String,
    password: Option<String>,
}

#[derive(Template)]
#[template(path = "staff_list.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    form: Form,
    added: Option<Added>,
}

#[derive(Template)]
#[template(path = "staff_member.html")]
struct MemberPage {
    chrome: Chrome,
    member: Row,
    form: Form,
    practitioners: Vec<(String, String)>,
    saved: Option<&'static str>,
}

async fn list(State(state): State<AppState>, signed: Signed) -> PageResult {
    let form = Form::new(LABELS).with("role", Role::FrontDesk.as_str());
    list_page(&state, &signed, form, None).await
}

async fn add(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let input = NewStaff {
        name: form.value("name").to_owned(),
        email: form.value("email").to_owned(),
        role: form.value("role").to_owned(),
        password: form.value("password").to_owned(),
    };
    match state.app.add_staff(&signed.staff, &input).await {
        Ok(added) => {
            let added = Added {
                name: added.member.name,
                password: added.chosen_password,
            };
            let form = Form::new(LABELS).with("role", form.value("role"));
            list_page(&state, &signed, form, Some(added)).await
        }
        Err(error) => {
            let form = form.without("password").rejected(error)?;
            list_page(&state, &signed, form, None).await
        }
    }
}

async fn list_page(
    state: &AppState,
    signed: &Signed,
    form: Form,
    added: Option<Added>,
) -> PageResult {
    let members = state.app.staff_members(&signed.staff).await?;
    let rows = members.iter().map(row).collect();
    let chrome = chrome(state, signed, Section::Staff).await?;
    let page = ListPage {
        chrome,
        rows,
        form,
        added,
    };
    render(page.form.status(), &page)
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let saved = q.saved().map(saved_message);
    member_page(&state, &signed, &UserId::from_string(id), None, saved).await
}

fn saved_message(what: &str) -> &'static str {
    match what {
        "role" => "Role changed. Their API tokens were revoked.",
        "practitioner" => "Practitioner link saved.",
        "deactivated" => "Deactivated. Their sessions ended and their API tokens were revoked.",
        "reactivated" => "Reactivated. They can sign in again.",
        "sessions" => "All their sessions ended.",
        _ => "Saved.",
    }
}

async fn member_page(
    state: &AppState,
    signed: &Signed,
    id: &UserId,
    form: Option<Form>,
    saved: Option<&'static str>,
) -> PageResult {
    let member = state.app.staff_member(&signed.staff, id).await?;
    let practitioners = state
        .app
        .practitioners(&signed.staff, &everything()?)
        .await?
        .items
        .into_iter()
        .map(|p| (p.id.to_string(), p.fields.name))
        .collect();
    let form = form.unwrap_or_else(|| {
        Form::new(LABELS)
            .with("role", member.role.as_str())
            .with_some("practitioner_id", member.practitioner_id.clone())
    });
    let chrome = chrome(state, signed, Section::Staff).await?;
    let page = MemberPage {
        chrome,
        member: row(&member),
        form,
        practitioners,
        saved,
    };
    render(page.form.status(), &page)
}

/// Shows the person's page again with the refusal beside the field, or goes back to it.
async fn answer(
    state: &AppState,
    signed: &Signed,
    id: &UserId,
    form: Form,
    result: Result<(), AppError>,
    saved: &str,
) -> PageResult {
    match result {
        Ok(()) => Ok(see_other(&format!("/settings/staff/{id}?saved={saved}"))),
        Err(error) => {
            let form = form.rejected(error)?;
            member_page(state, signed, id, Some(form), None).await
        }
    }
}

async fn change_role(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = UserId::from_string(id);
    let form = Form::posted(LABELS, &body);
    let result = match Role::parse(form.value("role")) {
        Some(role) => state
            .app
            .change_role(&signed.staff, &id, role)
            .await
            .map(|_| ()),
        None => Err(AppError::invalid(
            "role",
            format!("'{}' is not a role", form.value("role")),
        )),
    };
    answer(&state, &signed, &id, form, result, "role").await
}

async fn link(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = UserId::from_string(id);
    let form = Form::posted(LABELS, &body);
    let practitioner = form
        .text("practitioner_id")
        .map(PractitionerId::from_string);
    let result = state
        .app
        .link_practitioner(&signed.staff, &id, practitioner.as_ref())
        .await;
    answer(&state, &signed, &id, form, result, "practitioner").await
}

async fn deactivate(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> PageResult {
    let id = UserId::from_string(id);
    let result = state.app.deactivate_staff(&signed.staff, &id).await;
    let form = Form::new(LABELS);
    answer(&state, &signed, &id, form, result, "deactivated").await
}

async fn reactivate(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> PageResult {
    let id = UserId::from_string(id);
    let result = state.app.reactivate_staff(&signed.staff, &id).await;
    let form = Form::new(LABELS);
    answer(&state, &signed, &id, form, result, "reactivated").await
}

async fn end_sessions(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> PageResult {
    let id = UserId::from_string(id);
    let result = state.app.end_sessions_of(&signed.staff, &id).await;
    let form = Form::new(LABELS);
    answer(&state, &signed, &id, form, result.map(|_| ()), "sessions").await
}

/// An instant as staff read it, saying its zone: `2026-12-03 14:05 UTC`.
pub(super) fn utc_text(epoch: i64) -> String {
    jiff::Timestamp::from_second(epoch)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// The role choices of the forms.
fn role_choices(form: &Form) -> Vec<super::form::Choice> {
    form.choices("role", roles().as_slice())
}

impl ListPage {
    fn role_choices(&self) -> Vec<super::form::Choice> {
        role_choices(&self.form)
    }
}

impl MemberPage {
    fn role_choices(&self) -> Vec<super::form::Choice> {
        role_choices(&self.form)
    }

    fn practitioner_choices(&self) -> Vec<super::form::Choice> {
        let options: Vec<(&str, &str)> = self
            .practitioners
            .iter()
            .map(|(id, name)| (id.as_str(), name.as_str()))
            .collect();
        self.form.choices("practitioner_id", &options)
    }
}
