//! The appointments still open (booked or arrived) inside time off or a closure just added.
//! The clinic keeps them on purpose, so the page that says "Added" lists them, each linking
//! to its appointment, for the front desk to call the patients.

use super::load::{self, Names};
use super::time::{clock, instant, local, long_date, zone};
use super::{appointment_href, setup_span::location_name};
use crate::AppState;
use jiff::civil::DateTime;
use knead_app::scheduling::AppointmentQuery;
use knead_app::{AppError, Staff};
use knead_domain::appointment::Status;
use knead_domain::booking::AppointmentView;
use knead_domain::schedule::{Interval, LocalSpan};
use knead_domain::setup::{Location, Practitioner};

/// Where, when and whose appointments a span of time off or a closure covers.
pub(super) struct Covered {
    /// Local start and end, as stored (`2026-12-24T12:00`).
    pub start: String,
    pub end: String,
    /// One location, or every location when `None`.
    pub location: Option<String>,
    /// One practitioner's appointments, or everyone's when `None`.
    pub practitioner: Option<String>,
}

/// One appointment still booked in the span, as the list shows it.
pub(super) struct Booked {
    pub when: String,
    pub patient: String,
    pub practitioner: String,
    pub place: String,
    pub href: String,
}

/// The open appointments overlapping `covered`, soonest first, with the names they show.
pub(super) async fn still_booked(
    state: &AppState,
    staff: &Staff,
    covered: &Covered,
    locations: &[Location],
    practitioners: &[Practitioner],
) -> Result<Vec<Booked>, AppError> {
    let Some(span) = local_span(covered) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for location in locations.iter().filter(|l| covers(covered, l)) {
        found.extend(at_location(state, staff, covered, span, location).await?);
    }
    found.sort_by_key(|a| (a.starts_at, a.id.clone()));

    let ids: Vec<&str> = found.iter().map(|a| a.id.as_str()).collect();
    tracing::info!(appointments = ?ids, "appointments still booked inside a new span");
    let names = load::names(state, staff, &found, practitioners).await?;
    found.iter().map(|a| booked(a, &names, locations)).collect()
}

fn local_span(covered: &Covered) -> Option<LocalSpan> {
    Some(LocalSpan {
        start: covered.start.parse::<DateTime>().ok()?,
        end: covered.end.parse::<DateTime>().ok()?,
    })
}

fn covers(covered: &Covered, location: &Location) -> bool {
    covered
        .location
        .as_deref()
        .is_none_or(|id| id == location.id.as_str())
}

/// The open appointments at `location` whose time overlaps `span` on its clock. The day
/// before the span is read too, for an appointment that runs past midnight into it.
async fn at_location(
    state: &AppState,
    staff: &Staff,
    covered: &Covered,
    span: LocalSpan,
    location: &Location,
) -> Result<Vec<AppointmentView>, AppError> {
    let Some(inside) = span.interval(&zone(location)?) else {
        return Ok(Vec::new());
    };
    let from = span.start.date().yesterday().unwrap_or(span.start.date());
    let query = AppointmentQuery {
        location_id: Some(location.id.to_string()),
        practitioner_id: covered.practitioner.clone(),
        patient_id: None,
        from: Some(from.to_string()),
        to: Some(span.end.date().to_string()),
    };
    let found = state.app.appointments(staff, &query).await?;
    Ok(found
        .into_iter()
        .filter(|a| matches!(a.status, Status::Booked | Status::Arrived))
        .filter(|a| inside.overlaps(&Interval::new(instant(a.starts_at), instant(a.ends_at))))
        .collect())
}

fn booked(a: &AppointmentView, names: &Names, locations: &[Location]) -> Result<Booked, AppError> {
    let location = locations.iter().find(|l| l.id.as_str() == a.location_id);
    let tz = match location {
        Some(location) => zone(location)?,
        None => jiff::tz::TimeZone::UTC,
    };
    let (start, end) = (
        local(instant(a.starts_at), &tz),
        local(instant(a.ends_at), &tz),
    );
    let when = format!(
        "{}, {}–{}",
        long_date(start.date()),
        clock(&start),
        clock(&end)
    );
    Ok(Booked {
        when,
        patient: Names::of(&names.patients, &a.patient_id, "Unknown patient").to_owned(),
        practitioner: Names::of(
            &names.practitioners,
            &a.practitioner_id,
            "Unknown practitioner",
        )
        .to_owned(),
        place: location_name(locations, &a.location_id),
        href: appointment_href(&a.id),
    })
}
