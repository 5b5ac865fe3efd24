//! The audit trail on pages: one patient's access log (who saw or changed their record, from
//! where and when) and the clinic-wide search. Both need `ViewAudit`, and opening either is
//! itself recorded by the application.

use super::errors::PageResult;
use super::form::{Choice, Form, Labels};
use super::patient_tabs::{PatientTab, PatientTabLink, patient_tabs};
use super::view::{Chrome, PageQuery, Section, chrome, render};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use knead_app::access::{AuditEntry, AuditPage, AuditQuery, KNOWN_ACTIONS, describe};
use knead_app::page_request;
use knead_domain::ids::PatientId;

/// How many entries a page of the log shows.
const PAGE_SIZE: i64 = 50;

// Known shortcoming: the search takes a patient by id (the access log links here with it
// filled in); choosing a patient by name would need a patient picker on this page.
const LABELS: Labels = &[
    ("patient", "Patient id"),
    ("staff", "Staff member"),
    ("action", "Action"),
    ("from", "From"),
    ("until", "Until"),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/access", get(access_log))
        .route("/audit", get(search))
}

/// One entry as a row of the table.
pub(crate) struct Row {
    pub when: String,
    pub by: String,
    pub what: String,
    pub address: String,
    /// The patient the entry is filed under, when it is one.
    pub patient: Option<String>,
}

fn row(entry: &AuditEntry) -> Row {
    let patient = (entry.entity == "patient").then(|| entry.entity_id.clone());
    Row {
        when: entry.at.strftime("%Y-%m-%d %H:%M").to_string(),
        by: entry.by.clone(),
        what: entry.what.clone(),
        address: entry.address.clone().unwrap_or_else(|| "—".to_owned()),
        patient,
    }
}

fn rows(page: &AuditPage) -> Vec<Row> {
    page.entries.iter().map(row).collect()
}

#[derive(Template)]
#[template(path = "audit_access.html")]
struct AccessPage {
    chrome: Chrome,
    name: String,
    id: String,
    tabs: Vec<PatientTabLink>,
    rows: Vec<Row>,
    zone: String,
    next: Option<String>,
    pager_path: String,
}

async fn access_log(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let id = PatientId::from_string(id);
    let staff = &signed.staff;
    let page = page_request(Some(PAGE_SIZE), q.cursor.clone())?;
    let log = state.app.patient_access_log(staff, &id, &page).await?;
    // The log's own read is recorded above; the name is only its heading.
    let patient = state.app.patient(staff, &id).await?;
    let chrome = chrome(&state, &signed, Section::Patients).await?;
    render(
        StatusCode::OK,
        &AccessPage {
            chrome,
            name: patient.fields.display_name(),
            tabs: patient_tabs(staff, id.as_str(), PatientTab::Access),
            rows: rows(&log),
            zone: log.zone,
            next: log.next_cursor,
            pager_path: format!("/patients/{id}/access?"),
            id: id.to_string(),
        },
    )
}

#[derive(Template)]
#[template(path = "audit.html")]
struct SearchPage {
    chrome: Chrome,
    form: Form,
    staff_choices: Vec<Choice>,
    action_choices: Vec<Choice>,
    rows: Vec<Row>,
    zone: String,
    next: Option<String>,
    pager_path: String,
}

fn audit_query(form: &Form) -> AuditQuery {
    AuditQuery {
        patient: form.text("patient"),
        staff: form.text("staff"),
        action: form.text("action"),
        from: form.text("from"),
        until: form.text("until"),
    }
}

/// The search's address without its cursor, ready for `cursor=`.
fn pager_path(form: &Form) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, _) in LABELS {
        query.append_pair(name, form.value(name));
    }
    format!("/audit?{}&", query.finish())
}

async fn search(
    State(state): State<AppState>,
    signed: Signed,
    RawQuery(raw): RawQuery,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let staff = &signed.staff;
    let form = Form::posted(LABELS, raw.unwrap_or_default().as_bytes());
    let page = page_request(Some(PAGE_SIZE), q.cursor.clone())?;
    let people = state.app.audit_staff_names(staff).await?;
    let (form, found) = match state
        .app
        .search_audit(staff, &audit_query(&form), &page)
        .await
    {
        Ok(found) => (form, Some(found)),
        Err(error) => (form.rejected(error)?, None),
    };
    let people: Vec<(&str, &str)> = people
        .iter()
        .map(|(id, name)| (id.as_str(), name.as_str()))
        .collect();
    let words: Vec<(String, String)> = KNOWN_ACTIONS
        .iter()
        .map(|a| ((*a).to_owned(), describe(a)))
        .collect();
    let actions: Vec<(&str, &str)> = words
        .iter()
        .map(|(a, w)| (a.as_str(), w.as_str()))
        .collect();
    let page = SearchPage {
        chrome: chrome(&state, &signed, Section::Audit).await?,
        staff_choices: form.choices("staff", &people),
        action_choices: form.choices("action", &actions),
        rows: found.as_ref().map(rows).unwrap_or_default(),
        zone: found.as_ref().map_or_else(String::new, |f| f.zone.clone()),
        next: found.and_then(|f| f.next_cursor),
        pager_path: pager_path(&form),
        form,
    };
    render(page.form.status(), &page)
}
