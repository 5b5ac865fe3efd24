//! Time off and extra shifts: the dates on which a practitioner's weekly hours do not hold.
//! The list shows what is still to come (or, on request, what is over), for everyone or one
//! practitioner; a form adds time off (whole days or part of one, over a range of dates, at
//! every location or one) or an extra shift (part of one day at one location); each entry is
//! removed after a confirmation. Once time off is added, the page lists the appointments
//! still booked inside it, for the desk to call.

use super::load;
use super::setup_span::{
    ListFilter, Removal, SPAN_LABELS, When, check_location, checked_span, filter_choices,
    list_href, listed, location_choices, location_name, practitioner_choices, span_text, today_at,
    zones_text,
};
use super::still_booked::{Booked, Covered, still_booked};
use super::{Tab, TabLink, schedule_chrome, tabs};
use crate::AppState;
use crate::auth::Signed;
use crate::pages::errors::PageResult;
use crate::pages::form::{Choice, Form, Labels};
use crate::pages::view::{Chrome, everything, render, see_other};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use knead_app::scheduling::ExceptionView;
use knead_app::{AppError, Staff};
use knead_domain::booking::ExceptionInput;
use knead_domain::ids::PractitionerId;
use knead_domain::setup::{Location, Practitioner};
use knead_domain::{FieldErrors, Permission};
use serde::Deserialize;

const LABELS: Labels = &[
    ("practitioner_id", "Practitioner"),
    ("kind", "What"),
    ("location_id", "Location"),
    SPAN_LABELS[0],
    SPAN_LABELS[1],
    SPAN_LABELS[2],
    SPAN_LABELS[3],
    ("reason", "Reason"),
];

const KINDS: [(&str, &str); 2] = [
    ("time_off", "Time off: not available"),
    (
        "extra_shift",
        "Extra shift: available outside the weekly hours",
    ),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/schedule/exceptions", get(show).post(add))
        .route("/schedule/exceptions/{id}/remove", post(remove))
}

const PATH: &str = "/schedule/exceptions";

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    practitioner: Option<String>,
    when: Option<String>,
    remove: Option<String>,
    saved: Option<String>,
    /// The entry just added, whose booked appointments the page lists.
    added: Option<String>,
}

/// One exception as the list shows it.
struct Row {
    id: String,
    when: String,
    practitioner: String,
    kind: &'static str,
    place: String,
    reason: String,
    remove_href: String,
    covers: Covered,
}

#[derive(Template)]
#[template(path = "schedule_exceptions.html")]
struct ExceptionsPage {
    chrome: Chrome,
    tabs: Vec<TabLink>,
    filter: Vec<Choice>,
    list: ListFilter,
    rows: Vec<Row>,
    removal: Option<Removal>,
    form: Form,
    practitioners: Vec<Choice>,
    locations: Vec<Choice>,
    kinds: Vec<Choice>,
    zone: String,
    saved: Option<&'static str>,
    booked: Vec<Booked>,
    can_edit: bool,
    has_practitioners: bool,
}

/// What every part of the page reads: the practitioners and locations, and the filter.
struct Setting {
    practitioners: Vec<Practitioner>,
    locations: Vec<Location>,
    practitioner: Option<Practitioner>,
    when: When,
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let when = When::from_query(q.when.as_deref());
    let setting = setting(&state, &signed.staff, q.practitioner.as_deref(), when).await?;
    let form = Form::new(LABELS)
        .with("kind", "time_off")
        .with("practitioner_id", chosen_id(&setting));
    let mut page = exceptions_page(&state, &signed, &setting, form).await?;
    let detail = |row: &Row| format!("{}: {}, {}.", row.kind, row.practitioner, row.when);
    page.removal = Removal::asked(q.remove.as_deref(), &page.rows, |r| &r.id, detail)?;
    page.saved = match q.saved.as_deref() {
        Some("added") => Some("Added. The schedule and online booking follow it from now on."),
        Some("removed") => Some("Removed. The weekly hours hold again on those dates."),
        _ => None,
    };
    page.booked = booked_in(&state, &signed.staff, &setting, &page.rows, q.added).await?;
    render(StatusCode::OK, &page)
}

/// The appointments still booked inside the time off `added`, when the list shows it.
async fn booked_in(
    state: &AppState,
    staff: &Staff,
    setting: &Setting,
    rows: &[Row],
    added: Option<String>,
) -> Result<Vec<Booked>, AppError> {
    let added = added.and_then(|id| rows.iter().find(|r| r.id == id));
    let Some(row) = added.filter(|r| r.kind == "Time off") else {
        return Ok(Vec::new());
    };
    let (locations, practitioners) = (&setting.locations, &setting.practitioners);
    still_booked(state, staff, &row.covers, locations, practitioners).await
}

async fn add(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let staff = &signed.staff;
    let form = Form::posted(LABELS, &body);
    let wanted = form.value("practitioner_id").trim();
    let practitioner = (!wanted.is_empty()).then(|| wanted.to_owned());
    let setting = setting(&state, staff, practitioner.as_deref(), When::Upcoming).await?;
    let result = match exception_input(&state, staff, &form).await? {
        Ok(input) => state.app.add_exception(staff, &input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(added) => {
            let params = [
                ("practitioner", wanted),
                ("saved", "added"),
                ("added", added.id.as_str()),
            ];
            Ok(see_other(&list_href(PATH, &params)))
        }
        Err(error) => {
            let form = form.rejected(error)?;
            let status = form.status();
            render(
                status,
                &exceptions_page(&state, &signed, &setting, form).await?,
            )
        }
    }
}

async fn remove(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    state.app.remove_exception(&signed.staff, &id).await?;
    let back = ListFilter::after_removal(PATH, "practitioner", &body);
    Ok(see_other(&back))
}

/// The exception as the use case reads it. A location of another clinic is not found; an
/// extra shift needs its clock times, which the page asks for beside them.
async fn exception_input(
    state: &AppState,
    staff: &Staff,
    form: &Form,
) -> Result<Result<ExceptionInput, FieldErrors>, AppError> {
    check_location(state, staff, form).await?;
    let mut errors = FieldErrors::new();
    if form.value("practitioner_id").trim().is_empty() {
        errors.add("practitioner_id", "is required");
    }
    if form.value("kind") == "extra_shift" {
        for name in ["start_time", "end_time"] {
            if form.value(name).trim().is_empty() {
                errors.add(name, "is required for an extra shift");
            }
        }
    }
    let (start, end) = match checked_span(form, errors) {
        Ok(span) => span,
        Err(errors) => return Ok(Err(errors)),
    };
    Ok(Ok(ExceptionInput {
        practitioner_id: form.text("practitioner_id"),
        location_id: form.text("location_id"),
        kind: form.text("kind"),
        start,
        end,
        reason: form.text("reason"),
    }))
}

/// The practitioners, locations and the one practitioner asked for (another clinic's is not
/// found).
async fn setting(
    state: &AppState,
    staff: &Staff,
    practitioner: Option<&str>,
    when: When,
) -> Result<Setting, AppError> {
    let practitioners = load::practitioners(state, staff).await?;
    let locations = state.app.locations(staff, &everything()?).await?.items;
    let practitioner = match practitioner.map(str::trim).filter(|p| !p.is_empty()) {
        Some(id) => {
            let id = PractitionerId::from_string(id);
            Some(state.app.practitioner(staff, &id).await?)
        }
        None => None,
    };
    Ok(Setting {
        practitioners,
        locations,
        practitioner,
        when,
    })
}

fn chosen_id(setting: &Setting) -> String {
    setting
        .practitioner
        .as_ref()
        .map_or_else(String::new, |p| p.id.to_string())
}

async fn exceptions_page(
    state: &AppState,
    signed: &Signed,
    setting: &Setting,
    form: Form,
) -> Result<ExceptionsPage, AppError> {
    let chosen = chosen_id(setting);
    let choices = practitioner_choices(&setting.practitioners, &chosen);
    let filter = filter_choices("Everyone", choices);
    let location = form.value("location_id").to_owned();
    let kinds = form.choices("kind", &KINDS);
    Ok(ExceptionsPage {
        chrome: schedule_chrome(state, signed).await?,
        tabs: tabs(Tab::Exceptions),
        filter,
        rows: rows(state, &signed.staff, setting).await?,
        removal: None,
        practitioners: practitioner_choices(&setting.practitioners, form.value("practitioner_id")),
        locations: location_choices(&setting.locations, &location),
        kinds,
        form,
        zone: zones_text(&setting.locations),
        list: list_filter(chosen, setting.when),
        saved: None,
        booked: Vec::new(),
        can_edit: signed.staff.can(Permission::ManageSetup),
        has_practitioners: !setting.practitioners.is_empty(),
    })
}

/// The listed exceptions: upcoming ones soonest first, past ones latest first.
async fn rows(state: &AppState, staff: &Staff, setting: &Setting) -> Result<Vec<Row>, AppError> {
    let first = setting.locations.first();
    let today = today_at(state.app.clock().now(), first)?;
    let (from, to) = setting.when.dates(today);
    let id = setting.practitioner.as_ref().map(|p| &p.id);
    let found = state.app.exceptions(staff, id, from, to).await?;
    let kept = listed(found, |e| e.end.as_str(), setting.when, today);
    let list = list_filter(chosen_id(setting), setting.when);
    Ok(kept.iter().map(|e| row(e, setting, &list)).collect())
}

fn list_filter(chosen: String, when: When) -> ListFilter {
    ListFilter {
        path: PATH,
        name: "practitioner",
        chosen,
        when,
    }
}

fn row(e: &ExceptionView, setting: &Setting, list: &ListFilter) -> Row {
    let practitioner = setting
        .practitioners
        .iter()
        .find(|p| p.id.as_str() == e.practitioner_id)
        .map_or("Unknown practitioner", |p| p.fields.name.as_str());
    let place = match &e.location_id {
        None => "Every location".to_owned(),
        Some(id) => location_name(&setting.locations, id),
    };
    Row {
        id: e.id.clone(),
        when: span_text(&e.start, &e.end),
        practitioner: practitioner.to_owned(),
        kind: if e.kind == "extra_shift" {
            "Extra shift"
        } else {
            "Time off"
        },
        place,
        reason: e.reason.clone().unwrap_or_default(),
        remove_href: list.remove_href(&e.id),
        covers: Covered {
            start: e.start.clone(),
            end: e.end.clone(),
            location: e.location_id.clone(),
            practitioner: Some(e.practitioner_id.clone()),
        },
    }
}
