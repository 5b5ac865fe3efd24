//! Booking at the desk: choose or add the patient, the service the practitioner gives, the
//! start, a room and a note; optionally repeat every N weeks, checking every date for
//! conflicts before anything is written, then booking all of them or only the free ones.
//!
//! A new patient is created in the same transaction as the booking: when the booking is
//! refused (or a series only previewed) no patient is written, and the page keeps what was
//! typed.

use super::calendar::no_location;
use super::load::{self, Place};
use super::time::{clock, instant, local, short_date, zone_text};
use super::{Tab, TabLink, day_href, schedule_chrome, tabs};
use crate::AppState;
use crate::auth::Signed;
use crate::pages::errors::PageResult;
use crate::pages::form::{Choice, Form, Labels};
use crate::pages::view::{Chrome, everything, render, see_other};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use knead_app::scheduling::{PlannedOccurrence, SeriesInput, SeriesOutcome};
use knead_app::{AppError, Staff, page_request};
use knead_domain::FieldErrors;
use knead_domain::appointment::Source;
use knead_domain::booking::{self, BookingInput};
use knead_domain::ids::PatientId;
use knead_domain::setup::{Patient, PatientInput};
use serde::Deserialize;

const LABELS: Labels = &[
    ("patient_id", "Patient"),
    ("legal_first_name", "Legal first name"),
    ("legal_last_name", "Legal last name"),
    ("date_of_birth", "Date of birth"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("practitioner_id", "Practitioner"),
    ("service_id", "Service"),
    ("start", "Start"),
    ("room_id", "Room"),
    ("note", "Note"),
    ("override_reason", "Override reason"),
    ("every_weeks", "Repeat every (weeks)"),
    ("count", "Number of appointments"),
    ("until", "Last date"),
    ("mode", "What to do"),
    ("location_id", "Location"),
];

/// The new-patient fields; any of them typed means "a new patient".
const NEW_PATIENT: [&str; 5] = [
    "legal_first_name",
    "legal_last_name",
    "date_of_birth",
    "email",
    "phone",
];

/// How many patients a search lists.
const MATCHES: i64 = 20;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/schedule/book", get(show).post(submit))
}

/// The booking form's address: where the day view's open cells lead.
#[derive(Debug, Default, Deserialize)]
struct BookQuery {
    location: Option<String>,
    practitioner: Option<String>,
    start: Option<String>,
    service: Option<String>,
    patient: Option<String>,
    q: Option<String>,
}

/// A patient to choose with a radio button.
pub(crate) struct PatientOption {
    pub id: String,
    pub label: String,
    pub selected: bool,
}

/// One date of a planned series and what stands in its way.
pub(crate) struct PlanRow {
    pub when: String,
    pub conflict: Option<String>,
    pub moved: bool,
}

#[derive(Template)]
#[template(path = "schedule_book.html")]
struct BookPage {
    chrome: Chrome,
    tabs: Vec<TabLink>,
    form: Form,
    location_id: String,
    location_name: String,
    zone: String,
    query: String,
    patients: Vec<PatientOption>,
    practitioners: Vec<Choice>,
    services: Vec<Choice>,
    rooms: Vec<Choice>,
    plan: Vec<PlanRow>,
}

impl BookPage {
    fn new_selected(&self) -> bool {
        self.form.value("patient_id") == "new"
    }

    fn conflicts(&self) -> usize {
        self.plan.iter().filter(|p| p.conflict.is_some()).count()
    }

    /// The hidden fields the patient search carries so the form comes back as it was.
    fn search_keeps(&self) -> Vec<(&'static str, &str)> {
        ["practitioner_id", "start", "service_id"]
            .into_iter()
            .map(|name| (name, self.form.value(name)))
            .filter(|(_, value)| !value.is_empty())
            .map(|(name, value)| (name.trim_end_matches("_id"), value))
            .collect()
    }
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<BookQuery>,
) -> PageResult {
    let staff = &signed.staff;
    let Some(place) = load::place(&state, staff, q.location.as_deref()).await? else {
        return no_location(&state, &signed, Tab::Book).await;
    };
    let all = load::practitioners(&state, staff).await?;
    let practitioner = q
        .practitioner
        .clone()
        .filter(|p| !p.trim().is_empty())
        .or_else(|| {
            load::working_at(&all, &place.location.id)
                .next()
                .map(|p| p.id.to_string())
        });
    let form = Form::new(LABELS)
        .with("location_id", place.id())
        .with_some("practitioner_id", practitioner)
        .with_some("start", q.start.clone())
        .with_some("service_id", q.service.clone())
        .with_some("patient_id", q.patient.clone())
        .with("every_weeks", 1);
    let query = q.q.clone().unwrap_or_default();
    let page = book_page(&state, &signed, &place, form, &query).await?;
    render(StatusCode::OK, &page)
}

async fn submit(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let staff = &signed.staff;
    let form = Form::posted(LABELS, &body);
    let Some(place) = load::place(&state, staff, Some(form.value("location_id"))).await? else {
        return no_location(&state, &signed, Tab::Book).await;
    };
    let query = form.value("q").to_owned();
    let patient = new_patient(&form);
    let outcome = if let Some(errors) = start_problem(&form) {
        Booked::Refused(form.rejected(AppError::Invalid(errors))?, Vec::new())
    } else if repeats(&form) {
        book_series(&state, staff, &place, form, patient.as_ref()).await?
    } else {
        book_one(&state, staff, &place, form, patient.as_ref()).await?
    };
    match outcome {
        Booked::Done(path) => Ok(see_other(&path)),
        Booked::Refused(form, plan) => {
            let mut page = book_page(&state, &signed, &place, form, &query).await?;
            page.plan = plan;
            render(page.form.status(), &page)
        }
    }
}

/// Where a booking attempt ended: a page to go to, or the form to show again.
enum Booked {
    Done(String),
    Refused(Form, Vec<PlanRow>),
}

/// The new patient the form asks for, if it asks for one: made together with the booking.
fn new_patient(form: &Form) -> Option<PatientInput> {
    let chosen = form.value("patient_id");
    let typed = NEW_PATIENT.iter().any(|f| !form.value(f).trim().is_empty());
    if !(chosen == "new" || chosen.is_empty() && typed) {
        return None;
    }
    Some(PatientInput {
        legal_first_name: form.text("legal_first_name"),
        legal_last_name: form.text("legal_last_name"),
        date_of_birth: form.text("date_of_birth"),
        email: form.text("email"),
        phone: form.text("phone"),
        ..PatientInput::default()
    })
}

/// What is wrong with the start typed, checked in its date and time halves before the
/// booking reads it, so staff read "30 February 2026 is not a date on the calendar" or
/// "'25:00' is not a time of day" beside it. Text without the two halves is left to the
/// booking's own check.
fn start_problem(form: &Form) -> Option<FieldErrors> {
    let (date, time) = form.value("start").trim().split_once(['T', ' '])?;
    let problem = booking::date(date)
        .and_then(|_| booking::clock_time(time))
        .err()?;
    Some(FieldErrors::single("start", problem.0))
}

/// Whether the form asks for a series: a count or a last date, or a series button.
fn repeats(form: &Form) -> bool {
    let mode = form.value("mode");
    let typed = !form.value("count").trim().is_empty() || !form.value("until").trim().is_empty();
    matches!(mode, "preview" | "all" | "free_only") || typed
}

fn booking_input(form: &Form) -> BookingInput {
    BookingInput {
        patient_id: form.text("patient_id"),
        practitioner_id: form.text("practitioner_id"),
        service_id: form.text("service_id"),
        location_id: form.text("location_id"),
        room_id: form.text("room_id"),
        start: form.text("start"),
        note: form.text("note"),
        override_reason: form.text("override_reason"),
    }
}

async fn book_one(
    state: &AppState,
    staff: &Staff,
    place: &Place,
    form: Form,
    patient: Option<&PatientInput>,
) -> Result<Booked, AppError> {
    let input = booking_input(&form);
    let booked = match patient {
        Some(patient) => {
            let app = &state.app;
            app.book_new_patient(staff, patient, &input, Source::Desk)
                .await
        }
        None => state.app.book(staff, &input, Source::Desk).await,
    };
    match booked {
        Ok(view) => {
            let date = local(instant(view.starts_at), &place.tz).date();
            let path = format!("{}&done=booked", day_href(&view.location_id, date));
            Ok(Booked::Done(path))
        }
        Err(error) => Ok(Booked::Refused(refused(form, error)?, Vec::new())),
    }
}

async fn book_series(
    state: &AppState,
    staff: &Staff,
    place: &Place,
    form: Form,
    patient: Option<&PatientInput>,
) -> Result<Booked, AppError> {
    let mode = match form.value("mode") {
        "all" | "free_only" => form.value("mode").to_owned(),
        _ => "preview".to_owned(),
    };
    let single = booking_input(&form);
    let input = SeriesInput {
        patient_id: single.patient_id,
        practitioner_id: single.practitioner_id,
        service_id: single.service_id,
        location_id: single.location_id,
        room_id: single.room_id,
        start: single.start,
        note: single.note,
        override_reason: single.override_reason,
        every_weeks: form.text("every_weeks"),
        count: form.text("count"),
        until: form.text("until"),
        mode: Some(mode),
    };
    let outcome = match patient {
        Some(patient) => {
            state
                .app
                .book_series_new_patient(staff, patient, &input)
                .await
        }
        None => state.app.book_series(staff, &input).await,
    };
    match outcome {
        Ok(outcome) => Ok(series_outcome(form, outcome, &place.tz)),
        Err(error) => Ok(Booked::Refused(refused(form, error)?, Vec::new())),
    }
}

/// A booked series goes to its first day; a preview, or a series refused because some
/// dates conflict, comes back with every date listed.
fn series_outcome(form: Form, outcome: SeriesOutcome, tz: &TimeZone) -> Booked {
    let booked: Vec<_> = outcome
        .occurrences
        .iter()
        .filter_map(|o| o.appointment.as_ref())
        .collect();
    if let (Some(_), Some(first)) = (&outcome.series_id, booked.first()) {
        let date = first.start.get(..10).unwrap_or("");
        let path = format!(
            "/schedule?location={}&date={date}&booked={}",
            first.location_id,
            booked.len()
        );
        return Booked::Done(path);
    }
    let plan: Vec<PlanRow> = outcome
        .occurrences
        .iter()
        .map(|o| plan_row(o, tz))
        .collect();
    let form = match (outcome.series_id.is_some(), outcome.mode) {
        (false, knead_app::scheduling::SeriesMode::Preview) => form,
        _ => {
            let conflicts = plan.iter().filter(|p| p.conflict.is_some()).count();
            let notice = format!(
                "Nothing was booked: {conflicts} of {} dates have a conflict",
                plan.len()
            );
            form.with_notice(StatusCode::CONFLICT, notice)
        }
    };
    Booked::Refused(form, plan)
}

/// One date of a series in words on the location's clock: "Tue 8 Dec 13:30–14:30".
fn plan_row(occurrence: &PlannedOccurrence, tz: &TimeZone) -> PlanRow {
    let when = match (
        occurrence.start.parse::<Timestamp>(),
        occurrence.end.parse::<Timestamp>(),
    ) {
        (Ok(start), Ok(end)) => {
            let start = start.to_zoned_datetime(tz.clone());
            let end = end.to_zoned_datetime(tz.clone());
            format!(
                "{} {}–{}",
                short_date(start.date()),
                clock(&start),
                clock(&end)
            )
        }
        _ => occurrence.start.clone(),
    };
    PlanRow {
        when,
        conflict: occurrence.conflict.as_deref().map(sentence),
        moved: occurrence.moved_by_clock_change,
    }
}

/// A message from the application as a sentence: capitalised.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The form after the application refused the booking: a taken time is shown beside the
/// start (409), any other problem beside its field.
fn refused(form: Form, error: AppError) -> Result<Form, AppError> {
    let form = match error {
        AppError::Conflict {
            code: "slot_taken", ..
        } => {
            let beside = AppError::invalid(
                "start",
                "overlaps another appointment or the time kept free around it; choose another time",
            );
            let form = form.rejected(beside)?;
            form.with_notice(StatusCode::CONFLICT, "That time is taken")
        }
        AppError::Conflict {
            code: "room_taken", ..
        } => {
            let beside = AppError::invalid("room_id", "is already booked at that time");
            let form = form.rejected(beside)?;
            form.with_notice(StatusCode::CONFLICT, "That room is taken at that time")
        }
        other => form.rejected(other)?,
    };
    Ok(form)
}

/// The form page with its choices: practitioners at the location, the services the chosen
/// practitioner gives, the location's rooms, and the patients found.
async fn book_page(
    state: &AppState,
    signed: &Signed,
    place: &Place,
    form: Form,
    query: &str,
) -> Result<BookPage, AppError> {
    let staff = &signed.staff;
    let all = load::practitioners(state, staff).await?;
    let practitioners: Vec<(String, String)> = load::working_at(&all, &place.location.id)
        .map(|p| (p.id.to_string(), p.fields.name.clone()))
        .collect();
    let services = service_options(state, staff, form.value("practitioner_id")).await?;
    let rooms = room_options(state, staff, place).await?;
    let patients = patient_options(state, staff, query, form.value("patient_id")).await?;
    Ok(BookPage {
        chrome: schedule_chrome(state, signed).await?,
        tabs: tabs(Tab::Book),
        practitioners: choices(&form, "practitioner_id", &practitioners),
        services: choices(&form, "service_id", &services),
        rooms: choices(&form, "room_id", &rooms),
        form,
        location_id: place.id().to_owned(),
        location_name: place.location.fields.name.clone(),
        zone: zone_text(place.zone_name()),
        query: query.to_owned(),
        patients,
        plan: Vec::new(),
    })
}

/// The options of a select, the current value chosen.
fn choices(form: &Form, name: &str, options: &[(String, String)]) -> Vec<Choice> {
    let borrowed: Vec<(&str, &str)> = options
        .iter()
        .map(|(v, l)| (v.as_str(), l.as_str()))
        .collect();
    form.choices(name, &borrowed)
}

/// Active services the practitioner gives, labelled with their length.
async fn service_options(
    state: &AppState,
    staff: &Staff,
    practitioner: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let services = state.app.services(staff, &everything()?).await?.items;
    Ok(services
        .into_iter()
        .filter(|s| s.fields.active && load::gives(s, practitioner))
        .map(|s| {
            let label = format!("{} ({} min)", s.fields.name, s.fields.duration_minutes);
            (s.id.to_string(), label)
        })
        .collect())
}

async fn room_options(
    state: &AppState,
    staff: &Staff,
    place: &Place,
) -> Result<Vec<(String, String)>, AppError> {
    let rooms = state
        .app
        .rooms(staff, Some(&place.location.id), &everything()?)
        .await?;
    Ok(rooms
        .items
        .into_iter()
        .filter(|r| r.active)
        .map(|r| (r.id.to_string(), r.name))
        .collect())
}

/// The patients found by `query`, and the chosen one even when the search did not find them.
async fn patient_options(
    state: &AppState,
    staff: &Staff,
    query: &str,
    chosen: &str,
) -> Result<Vec<PatientOption>, AppError> {
    let mut found: Vec<Patient> = Vec::new();
    if !query.trim().is_empty() {
        let page = page_request(Some(MATCHES), None)?;
        found = state.app.patients(staff, query, &page).await?.items;
    }
    let listed = found.iter().any(|p| p.id.as_str() == chosen);
    if !listed && !chosen.is_empty() && chosen != "new" {
        match state
            .app
            .patient(staff, &PatientId::from_string(chosen))
            .await
        {
            Ok(patient) => found.insert(0, patient),
            Err(AppError::NotFound) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(found
        .iter()
        .map(|p| PatientOption {
            id: p.id.to_string(),
            label: patient_label(p),
            selected: p.id.as_str() == chosen,
        })
        .collect())
}

/// A patient as the desk tells them apart: name, birth date, phone.
fn patient_label(patient: &Patient) -> String {
    let f = &patient.fields;
    let mut parts = vec![f.display_name()];
    parts.extend(f.date_of_birth.map(|d| format!("born {d}")));
    parts.extend(f.phone.clone());
    parts.join(" · ")
}
