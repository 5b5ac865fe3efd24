//! Closures: the dates on which a whole location is closed (a renovation, a storm, the
//! afternoon of a staff party), whatever the practitioners' hours say. The list shows what is
//! still to come (or, on request, what is over), for every location or one; a form closes a
//! location for part of a day or for whole days; each closure is removed after a
//! confirmation. Once a closure is added, the page lists the appointments still booked
//! inside it, for the desk to call.

use super::load;
use super::setup_span::{
    ListFilter, Removal, SPAN_LABELS, When, check_location, checked_span, filter_choices,
    list_href, listed, location_choices, location_name, span_text, today_at, zones_text,
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
use knead_app::scheduling::ClosureView;
use knead_app::{AppError, Staff};
use knead_domain::ids::LocationId;
use knead_domain::setup::Location;
use knead_domain::{FieldErrors, Permission};
use serde::Deserialize;

const LABELS: Labels = &[
    ("location_id", "Location"),
    SPAN_LABELS[0],
    SPAN_LABELS[1],
    SPAN_LABELS[2],
    SPAN_LABELS[3],
    ("reason", "Reason"),
];

const PATH: &str = "/schedule/closures";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show).post(add))
        .route("/schedule/closures/{id}/remove", post(remove))
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    location: Option<String>,
    when: Option<String>,
    remove: Option<String>,
    saved: Option<String>,
    /// The closure just added, whose booked appointments the page lists.
    added: Option<String>,
}

/// One closure as the list shows it.
struct Row {
    id: String,
    when: String,
    place: String,
    reason: String,
    remove_href: String,
    covers: Covered,
}

#[derive(Template)]
#[template(path = "schedule_closures.html")]
struct ClosuresPage {
    chrome: Chrome,
    tabs: Vec<TabLink>,
    filter: Vec<Choice>,
    list: ListFilter,
    rows: Vec<Row>,
    removal: Option<Removal>,
    form: Form,
    locations: Vec<Choice>,
    zone: String,
    saved: Option<&'static str>,
    booked: Vec<Booked>,
    can_edit: bool,
    has_locations: bool,
}

/// What every part of the page reads: the locations and the filter.
struct Setting {
    locations: Vec<Location>,
    location: Option<Location>,
    when: When,
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let when = When::from_query(q.when.as_deref());
    let setting = setting(&state, &signed.staff, q.location.as_deref(), when).await?;
    let form = Form::new(LABELS).with("location_id", chosen_id(&setting));
    let mut page = closures_page(&state, &signed, &setting, form).await?;
    let detail = |row: &Row| format!("{} closed, {}.", row.place, row.when);
    page.removal = Removal::asked(q.remove.as_deref(), &page.rows, |r| &r.id, detail)?;
    page.saved = match q.saved.as_deref() {
        Some("added") => Some("Added. No slots are offered there at that time from now on."),
        Some("removed") => Some("Removed. The practitioners' hours hold there again."),
        _ => None,
    };
    page.booked = booked_in(&state, &signed.staff, &setting, &page.rows, q.added).await?;
    render(StatusCode::OK, &page)
}

/// The appointments still booked inside the closure `added`, when the list shows it.
async fn booked_in(
    state: &AppState,
    staff: &Staff,
    setting: &Setting,
    rows: &[Row],
    added: Option<String>,
) -> Result<Vec<Booked>, AppError> {
    let Some(row) = added.and_then(|id| rows.iter().find(|r| r.id == id)) else {
        return Ok(Vec::new());
    };
    let practitioners = load::practitioners(state, staff).await?;
    still_booked(
        state,
        staff,
        &row.covers,
        &setting.locations,
        &practitioners,
    )
    .await
}

async fn add(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let staff = &signed.staff;
    let form = Form::posted(LABELS, &body);
    check_location(&state, staff, &form).await?;
    let result = match closure_span(&form) {
        Ok((start, end)) => {
            let location = LocationId::from_string(form.value("location_id").trim());
            let reason = form.text("reason");
            let added = state
                .app
                .add_closure(staff, &location, &start, &end, &reason);
            added.await
        }
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let error = match result {
        Ok(added) => {
            let params = [
                ("location", form.value("location_id")),
                ("saved", "added"),
                ("added", added.id.as_str()),
            ];
            return Ok(see_other(&list_href(PATH, &params)));
        }
        Err(error) => error,
    };
    let form = form.rejected(error)?;
    let setting = setting(&state, staff, None, When::Upcoming).await?;
    let page = closures_page(&state, &signed, &setting, form).await?;
    render(page.form.status(), &page)
}

async fn remove(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    state.app.remove_closure(&signed.staff, &id).await?;
    let back = ListFilter::after_removal(PATH, "location", &body);
    Ok(see_other(&back))
}

/// The local start and end of the closure typed, once a location is chosen.
fn closure_span(form: &Form) -> Result<(Option<String>, Option<String>), FieldErrors> {
    let mut errors = FieldErrors::new();
    if form.value("location_id").trim().is_empty() {
        errors.add("location_id", "is required");
    }
    checked_span(form, errors)
}

/// The locations and the one asked for (another clinic's is not found).
async fn setting(
    state: &AppState,
    staff: &Staff,
    location: Option<&str>,
    when: When,
) -> Result<Setting, AppError> {
    let locations = state.app.locations(staff, &everything()?).await?.items;
    let location = match location.map(str::trim).filter(|l| !l.is_empty()) {
        Some(id) => Some(
            state
                .app
                .location(staff, &LocationId::from_string(id))
                .await?,
        ),
        None => None,
    };
    Ok(Setting {
        locations,
        location,
        when,
    })
}

fn chosen_id(setting: &Setting) -> String {
    setting
        .location
        .as_ref()
        .map_or_else(String::new, |l| l.id.to_string())
}

fn list_filter(setting: &Setting) -> ListFilter {
    ListFilter {
        path: PATH,
        name: "location",
        chosen: chosen_id(setting),
        when: setting.when,
    }
}

async fn closures_page(
    state: &AppState,
    signed: &Signed,
    setting: &Setting,
    form: Form,
) -> Result<ClosuresPage, AppError> {
    let list = list_filter(setting);
    let choices = location_choices(&setting.locations, &list.chosen);
    Ok(ClosuresPage {
        chrome: schedule_chrome(state, signed).await?,
        tabs: tabs(Tab::Closures),
        filter: filter_choices("Every location", choices),
        rows: rows(state, &signed.staff, setting, &list).await?,
        list,
        removal: None,
        locations: location_choices(&setting.locations, form.value("location_id")),
        form,
        zone: zones_text(&setting.locations),
        saved: None,
        booked: Vec::new(),
        can_edit: signed.staff.can(Permission::ManageSetup),
        has_locations: !setting.locations.is_empty(),
    })
}

/// The listed closures: upcoming ones soonest first, past ones latest first.
async fn rows(
    state: &AppState,
    staff: &Staff,
    setting: &Setting,
    list: &ListFilter,
) -> Result<Vec<Row>, AppError> {
    let first = setting.location.as_ref().or(setting.locations.first());
    let today = today_at(state.app.clock().now(), first)?;
    let (from, to) = setting.when.dates(today);
    let id = setting.location.as_ref().map(|l| &l.id);
    let found = state.app.closures(staff, id, from, to).await?;
    let kept = listed(found, |c| c.end.as_str(), setting.when, today);
    Ok(kept.iter().map(|c| row(c, setting, list)).collect())
}

fn row(c: &ClosureView, setting: &Setting, list: &ListFilter) -> Row {
    Row {
        id: c.id.clone(),
        when: span_text(&c.start, &c.end),
        place: location_name(&setting.locations, &c.location_id),
        reason: c.reason.clone().unwrap_or_default(),
        remove_href: list.remove_href(&c.id),
        covers: Covered {
            start: c.start.clone(),
            end: c.end.clone(),
            location: Some(c.location_id.clone()),
            practitioner: None,
        },
    }
}
