//! One appointment's page: who, what, where and when on the location's clock, its status in
//! words and colour, and what the desk does with it: arrive or un-arrive, complete, no-show,
//! cancel (saying first whether that counts as late) and move it. Below, every recorded
//! change with who made it, when and why.
//!
//! Each action is its own form. A refusal shows the page again with the person's message
//! beside the form it concerns; nothing was changed.

use super::history::{self, Change};
use super::load::{self, Place};
use super::time::{
    add_days, clock, duration_text, instant, local, long_date, short_date, today, zone_text,
};
use super::{appointment_href, day_href, schedule_chrome, status_look};
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
use knead_app::scheduling::CancellationTerms;
use knead_app::{AppError, Staff};
use knead_domain::appointment::{Source, Status};
use knead_domain::booking::{self, AppointmentView, CancelInput, RescheduleInput, StatusInput};
use knead_domain::ids::{LocationId, PatientId, PractitionerId, RoomId, ServiceId};
use knead_domain::{FieldErrors, Permission};
use serde::Deserialize;

const CANCEL_LABELS: Labels = &[
    ("reason", "Reason"),
    ("by_clinic", "The clinic is cancelling, not the patient"),
];

const MOVE_LABELS: Labels = &[
    ("date", "New date"),
    ("time", "New time"),
    ("practitioner_id", "Practitioner"),
    ("room_id", "Room"),
    ("reason", "Why it moves"),
    ("override_reason", "Override reason"),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/schedule/appointments/{id}", get(show))
        .route("/schedule/appointments/{id}/status", post(change_status))
        .route("/schedule/appointments/{id}/cancel", post(cancel))
        .route("/schedule/appointments/{id}/move", post(move_it))
}

/// What the page says after an action that led back to it.
#[derive(Debug, Default, Deserialize)]
struct ShowQuery {
    done: Option<String>,
}

fn flash(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "arrived" => "Marked arrived.",
        "booked" => "Back to booked.",
        "completed" => "Marked completed.",
        "no_show" => "Marked as a no-show.",
        "cancelled" => "Appointment cancelled. Its time is free again.",
        "late_cancelled" => {
            "Appointment cancelled. It counts as a late cancellation under the clinic's \
             booking rules."
        }
        "moved" => "Appointment moved.",
        "moved_late" => {
            "Appointment moved. Under the clinic's booking rules the original time counts as a \
             late cancellation, so this is a new appointment."
        }
        _ => return None,
    })
}

/// The appointment as the page shows it.
pub(crate) struct Summary {
    pub patient: String,
    pub patient_href: String,
    pub practitioner: String,
    pub service: String,
    pub location: String,
    pub room: Option<String>,
    pub date: String,
    pub time: String,
    pub zone: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub not_arrived: bool,
    pub source: &'static str,
    pub policy: String,
    pub note: Option<String>,
    pub override_reason: Option<String>,
    pub cancel_reason: Option<String>,
}

/// A status button: the status it sets and its words.
pub(crate) struct StatusAction {
    pub status: &'static str,
    pub label: &'static str,
    pub secondary: bool,
}

/// Another appointment of the same series.
pub(crate) struct SeriesItem {
    pub href: String,
    pub when: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "schedule_appointment.html")]
struct AppointmentPage {
    chrome: Chrome,
    id: String,
    flash: Option<&'static str>,
    back: String,
    back_label: String,
    a: Summary,
    can_manage: bool,
    actions: Vec<StatusAction>,
    status_hint: Option<&'static str>,
    status_notice: Option<String>,
    open: bool,
    cancel: Form,
    cancel_terms: String,
    moving: Form,
    move_terms: Option<String>,
    practitioners: Vec<Choice>,
    rooms: Vec<Choice>,
    step_seconds: i64,
    series: Vec<SeriesItem>,
    history: Vec<Change>,
    /// Shown to those who may chart this visit: where "Chart this visit" leads.
    chart_href: Option<String>,
}

impl AppointmentPage {
    fn cancel_open(&self) -> bool {
        self.cancel.has_problems()
    }

    fn move_open(&self) -> bool {
        self.moving.has_problems()
    }
}

/// The forms of the page as they are shown: fresh, or one of them refused.
struct Forms {
    cancel: Option<Form>,
    moving: Option<Form>,
    status_notice: Option<String>,
    status: StatusCode,
}

impl Forms {
    fn fresh() -> Forms {
        Forms {
            cancel: None,
            moving: None,
            status_notice: None,
            status: StatusCode::OK,
        }
    }
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let mut page = appointment_page(&state, &signed, &id, Forms::fresh()).await?;
    page.flash = flash(q.done.as_deref());
    render(StatusCode::OK, &page)
}

async fn change_status(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let form = Form::posted(&[("status", "Status")], &body);
    let input = StatusInput {
        status: form.text("status"),
        reason: None,
    };
    match state.app.set_status(&signed.staff, &id, &input).await {
        Ok(view) => done(&view, view.status.as_str()),
        Err(error) => {
            let current = state.app.appointment(&signed.staff, &id).await?;
            let (status, notice) = status_refusal(error, current.status, form.value("status"))?;
            let forms = Forms {
                status_notice: Some(notice),
                status,
                ..Forms::fresh()
            };
            refused(&state, &signed, &id, forms).await
        }
    }
}

async fn cancel(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let form = Form::posted(CANCEL_LABELS, &body).prefixed("cancel-");
    let input = CancelInput {
        reason: form.text("reason"),
        by_clinic: form.flag("by_clinic"),
    };
    match state.app.cancel(&signed.staff, &id, &input).await {
        Ok(view) => done(&view, view.status.as_str()),
        Err(error) => {
            let current = state.app.appointment(&signed.staff, &id).await?;
            let form = not_open(form.rejected(error)?, current.status, "cancelled");
            let forms = Forms {
                status: form.status(),
                cancel: Some(form),
                ..Forms::fresh()
            };
            refused(&state, &signed, &id, forms).await
        }
    }
}

async fn move_it(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let form = Form::posted(MOVE_LABELS, &body).prefixed("move-");
    let result = match move_input(&form) {
        Ok(input) => state.app.reschedule(&signed.staff, &id, &input).await,
        Err(blank) => Err(AppError::Invalid(blank)),
    };
    match result {
        Ok(view) if view.id == id => done(&view, "moved"),
        Ok(view) => done(&view, "moved_late"),
        Err(error) => {
            let current = state.app.appointment(&signed.staff, &id).await?;
            let form = not_open(move_refusal(form, error)?, current.status, "moved");
            let forms = Forms {
                status: form.status(),
                moving: Some(form),
                ..Forms::fresh()
            };
            refused(&state, &signed, &id, forms).await
        }
    }
}

/// After a change: the appointment's page, saying what was done.
fn done(view: &AppointmentView, what: &str) -> PageResult {
    Ok(see_other(&format!(
        "{}?done={what}",
        appointment_href(&view.id)
    )))
}

async fn refused(state: &AppState, signed: &Signed, id: &str, forms: Forms) -> PageResult {
    let status = forms.status;
    let page = appointment_page(state, signed, id, forms).await?;
    render(status, &page)
}

/// The new start from the date and time typed; both are needed, and each is checked before
/// they are joined so a problem is said in words beside its own field.
fn move_input(form: &Form) -> Result<RescheduleInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let date = errors.check("date", booking::date(form.value("date")));
    let time = errors.check("time", booking::clock_time(form.value("time")));
    let (Some(date), Some(time)) = (date, time) else {
        return Err(errors);
    };
    Ok(RescheduleInput {
        start: Some(date.to_datetime(time).to_string()),
        practitioner_id: form.text("practitioner_id"),
        room_id: form.text("room_id"),
        reason: form.text("reason"),
        override_reason: form.text("override_reason"),
    })
}

/// The move form after a refusal: a problem with the start is shown beside the time, a
/// service the new practitioner does not give beside the practitioner.
fn move_refusal(form: Form, error: AppError) -> Result<Form, AppError> {
    let error = match error {
        AppError::Invalid(errors) => {
            let mut moved = FieldErrors::new();
            for (name, message) in errors.iter() {
                match name {
                    "start" => moved.add("time", message),
                    "service_id" => moved.add("practitioner_id", "does not give this service"),
                    other => moved.add(other, message),
                }
            }
            AppError::Invalid(moved)
        }
        AppError::Conflict {
            code: "slot_taken", ..
        } => {
            let beside = AppError::invalid(
                "time",
                "overlaps another appointment or the time kept free around it; choose another time",
            );
            let form = form.rejected(beside)?;
            return Ok(form.with_notice(StatusCode::CONFLICT, "That time is taken"));
        }
        AppError::Conflict {
            code: "room_taken", ..
        } => {
            let beside = AppError::invalid("room_id", "is already booked at that time");
            let form = form.rejected(beside)?;
            return Ok(form.with_notice(StatusCode::CONFLICT, "That room is taken at that time"));
        }
        other => other,
    };
    form.rejected(error)
}

/// A form refused because the appointment is no longer booked says so in words.
fn not_open(form: Form, current: Status, verb: &str) -> Form {
    if current.is_open() {
        return form;
    }
    let (_, words) = status_look(current);
    let notice = format!("This appointment's status is {words}, so it can no longer be {verb}");
    form.with_notice(StatusCode::CONFLICT, notice)
}

/// The message beside the status buttons when a status change is refused.
fn status_refusal(
    error: AppError,
    current: Status,
    wanted: &str,
) -> Result<(StatusCode, String), AppError> {
    match error {
        AppError::Invalid(errors) => {
            let message = errors.iter().next().map_or("is not accepted", |(_, m)| m);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, sentence(message)))
        }
        AppError::Conflict { .. } => {
            let (_, now) = status_look(current);
            let target = Status::parse(wanted).map_or(wanted, |s| status_look(s).1);
            let message = format!("This appointment's status is {now}; it cannot become {target}.");
            Ok((StatusCode::CONFLICT, message))
        }
        other => Err(other),
    }
}

/// A message from the application as a sentence: capitalised, with a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// The status buttons an appointment in `status` offers.
fn actions(status: Status, started: bool) -> Vec<StatusAction> {
    let action = |status, label, secondary| StatusAction {
        status,
        label,
        secondary,
    };
    match status {
        Status::Booked if started => vec![
            action("arrived", "Arrive", false),
            action("no_show", "No-show", true),
        ],
        Status::Booked => vec![action("arrived", "Arrive", false)],
        Status::Arrived => vec![
            action("completed", "Completed", false),
            action("booked", "Un-arrive (back to booked)", true),
        ],
        Status::NoShow => vec![action("booked", "Not a no-show (back to booked)", true)],
        Status::Completed | Status::Cancelled | Status::LateCancelled => Vec::new(),
    }
}

fn status_hint(status: Status, started: bool) -> Option<&'static str> {
    match status {
        Status::Booked if !started => Some("No-show can be marked once the appointment starts."),
        Status::Completed => Some("A completed appointment keeps its status."),
        Status::Cancelled | Status::LateCancelled => {
            Some("A cancelled appointment keeps its status. Book again to give the patient a time.")
        }
        _ => None,
    }
}

fn source_words(source: Source) -> &'static str {
    match source {
        Source::Desk => "Booked at the desk",
        Source::Online => "Booked online",
        Source::Import => "Imported",
        Source::Api => "Booked through the API",
    }
}

/// The page for appointment `id` with `forms` as given (fresh or refused).
async fn appointment_page(
    state: &AppState,
    signed: &Signed,
    id: &str,
    forms: Forms,
) -> Result<AppointmentPage, AppError> {
    let staff = &signed.staff;
    let view = state.app.appointment(staff, id).await?;
    let location = state
        .app
        .location(staff, &LocationId::from_string(&view.location_id))
        .await?;
    let Some(place) = load::place(state, staff, Some(location.id.as_str())).await? else {
        return Err(AppError::NotFound);
    };
    let terms = state.app.cancellation_terms(staff, id).await?;
    let all = load::practitioners(state, staff).await?;
    let now = state.app.clock().now();
    let start = local(instant(view.starts_at), &place.tz);
    let started = instant(view.starts_at) <= now;
    let summary = summary(state, staff, &view, &place, &all, now).await?;
    let moving = forms.moving.unwrap_or_else(|| move_form(&view, &start));
    let practitioners = practitioner_choices(&all, &place, &moving, &view);
    let rooms = room_choices(state, staff, &place, &moving).await?;
    let history = history::changes(state, staff, id, &place, &all).await?;
    let series = series(state, staff, &view, &place).await?;
    let date = start.date();
    Ok(AppointmentPage {
        chrome: schedule_chrome(state, signed).await?,
        id: view.id.clone(),
        flash: None,
        back: day_href(place.id(), date),
        back_label: day_label(date, today(now, &place.tz)),
        a: summary,
        can_manage: staff.can(Permission::ManageAppointments),
        actions: actions(view.status, started),
        status_hint: status_hint(view.status, started),
        status_notice: forms.status_notice,
        open: view.status.is_open(),
        cancel: forms
            .cancel
            .unwrap_or_else(|| Form::new(CANCEL_LABELS).prefixed("cancel-")),
        cancel_terms: cancel_terms(&terms, instant(view.starts_at) <= now),
        moving,
        move_terms: move_terms(&terms),
        practitioners,
        rooms,
        step_seconds: place.step * 60,
        series,
        history,
        chart_href: chart_href(state, staff, &view).await?,
    })
}

/// The "Chart this visit" link, for staff who may write this patient's chart.
async fn chart_href(
    state: &AppState,
    staff: &Staff,
    view: &AppointmentView,
) -> Result<Option<String>, AppError> {
    let patient = PatientId::from_string(view.patient_id.clone());
    let allowed = state.app.may_chart_visit(staff, &patient).await?;
    Ok(allowed.then(|| format!("/schedule/appointments/{}/chart", view.id)))
}

/// "Day view, today" or "Day view, Thu 3 Dec".
fn day_label(date: jiff::civil::Date, this_day: jiff::civil::Date) -> String {
    match date {
        d if d == this_day => "Today's schedule".to_owned(),
        d if d == add_days(this_day, 1) => "Tomorrow's schedule".to_owned(),
        d => format!("Schedule of {}", short_date(d)),
    }
}

async fn summary(
    state: &AppState,
    staff: &Staff,
    view: &AppointmentView,
    place: &Place,
    all: &[knead_domain::setup::Practitioner],
    now: jiff::Timestamp,
) -> Result<Summary, AppError> {
    let patient = state
        .app
        .patient(staff, &PatientId::from_string(&view.patient_id))
        .await?;
    let service = state
        .app
        .service(staff, &ServiceId::from_string(&view.service_id))
        .await?;
    let room = match &view.room_id {
        Some(room) => Some(
            state
                .app
                .room(staff, &RoomId::from_string(room))
                .await?
                .name,
        ),
        None => None,
    };
    let practitioner = match all.iter().find(|p| p.id.as_str() == view.practitioner_id) {
        Some(p) => p.fields.name.clone(),
        None => {
            let id = PractitionerId::from_string(&view.practitioner_id);
            state.app.practitioner(staff, &id).await?.fields.name
        }
    };
    let (start, end) = (instant(view.starts_at), instant(view.ends_at));
    let (status, status_label) = status_look(view.status);
    let tz = &place.tz;
    Ok(Summary {
        patient: patient.fields.display_name(),
        patient_href: format!("/patients/{}", patient.id),
        practitioner,
        service: service.fields.name,
        location: place.location.fields.name.clone(),
        room,
        date: long_date(local(start, tz).date()),
        time: format!("{}–{}", clock(&local(start, tz)), clock(&local(end, tz))),
        zone: zone_text(place.zone_name()),
        status,
        status_label,
        not_arrived: view.status == Status::Booked && start <= now,
        source: source_words(view.source),
        policy: format!("Version {}", view.policy_version),
        note: view.note.clone(),
        override_reason: view.override_reason.clone(),
        cancel_reason: view.cancel_reason.clone(),
    })
}

/// What cancelling now would count as, said before the person confirms.
fn cancel_terms(terms: &CancellationTerms, started: bool) -> String {
    let window = duration_text(terms.policy.late_cancel_window_minutes);
    let version = terms.policy.version;
    let rule =
        format!("booking rules version {version}: late means less than {window} before the start");
    if !terms.cancel_is_late {
        return format!(
            "Cancelling now is not late: the appointment starts more than {window} from now \
             ({rule})."
        );
    }
    let when = if started {
        "its start has passed"
    } else {
        "it starts in less than that"
    };
    format!(
        "If the patient cancels now, it counts as a late cancellation: {when} ({rule}). \
         A cancellation by the clinic is never late."
    )
}

/// What moving now would count as, when it matters.
fn move_terms(terms: &CancellationTerms) -> Option<String> {
    if terms.move_is_late {
        Some(
            "Moving it now counts as a late cancellation under the clinic's booking rules: \
             this time is kept as a late cancellation and the new time becomes a new \
             appointment."
                .to_owned(),
        )
    } else if terms.cancel_is_late {
        Some(
            "Moving it now is not a late cancellation: the clinic's booking rules do not count \
             a move as one."
                .to_owned(),
        )
    } else {
        None
    }
}

/// The move form filled with the appointment's own date, time, practitioner and room.
fn move_form(view: &AppointmentView, start: &jiff::ZonedDateTime) -> Form {
    Form::new(MOVE_LABELS)
        .prefixed("move-")
        .with("date", start.date())
        .with("time", start.strftime("%H:%M"))
        .with("practitioner_id", &view.practitioner_id)
        .with_some("room_id", view.room_id.as_ref())
}

/// The practitioners working at the location, and the appointment's own when not among them.
fn practitioner_choices(
    all: &[knead_domain::setup::Practitioner],
    place: &Place,
    form: &Form,
    view: &AppointmentView,
) -> Vec<Choice> {
    let mut options: Vec<(&str, &str)> = load::working_at(all, &place.location.id)
        .map(|p| (p.id.as_str(), p.fields.name.as_str()))
        .collect();
    let own = all.iter().find(|p| p.id.as_str() == view.practitioner_id);
    if let Some(own) = own.filter(|p| !options.iter().any(|(id, _)| *id == p.id.as_str())) {
        options.push((own.id.as_str(), own.fields.name.as_str()));
    }
    form.choices("practitioner_id", &options)
}

async fn room_choices(
    state: &AppState,
    staff: &Staff,
    place: &Place,
    form: &Form,
) -> Result<Vec<Choice>, AppError> {
    let rooms = state
        .app
        .rooms(staff, Some(&place.location.id), &everything()?)
        .await?
        .items;
    let options: Vec<(String, String)> = rooms
        .into_iter()
        .filter(|r| r.active || r.id.as_str() == form.value("room_id"))
        .map(|r| (r.id.to_string(), r.name))
        .collect();
    let borrowed: Vec<(&str, &str)> = options
        .iter()
        .map(|(v, l)| (v.as_str(), l.as_str()))
        .collect();
    Ok(form.choices("room_id", &borrowed))
}

/// The appointments of the series this one belongs to.
async fn series(
    state: &AppState,
    staff: &Staff,
    view: &AppointmentView,
    place: &Place,
) -> Result<Vec<SeriesItem>, AppError> {
    let Some(series) = &view.series_id else {
        return Ok(Vec::new());
    };
    let all = state.app.series_appointments(staff, series).await?;
    Ok(all
        .iter()
        .map(|a| {
            let start = local(instant(a.starts_at), &place.tz);
            let (status, status_label) = status_look(a.status);
            SeriesItem {
                href: appointment_href(&a.id),
                when: format!("{} {}", short_date(start.date()), clock(&start)),
                status,
                status_label,
                current: a.id == view.id,
            }
        })
        .collect())
}
