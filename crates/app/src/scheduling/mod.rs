//! Scheduling use cases: the clinic's booking rules, practitioners' hours and exceptions,
//! location closures and holidays, open slots, and appointments from booking to completion.

mod appointments;
mod availability;
mod history;
mod hours;
mod series;

pub use appointments::AppointmentQuery;
pub use availability::{AvailabilityQuery, OpenSlot};
pub use history::{AppointmentChange, CancellationTerms};
pub use hours::{ClosureView, ExceptionView, HolidayView, HoursView, PolicyVersion};
pub use series::{PlannedOccurrence, SeriesInput, SeriesMode, SeriesOutcome};

use crate::AppError;
use jiff::tz::TimeZone;
use knead_domain::booking::{AppointmentView, rfc3339_in};
use knead_domain::setup::Location;
use knead_store::appointments::AppointmentRow;

/// The zone of a location; stored zones were checked when saved.
pub(crate) fn zone_of(location: &Location) -> Result<TimeZone, AppError> {
    let name = location.fields.time_zone.as_str();
    TimeZone::get(name).map_err(|e| AppError::Internal(format!("stored zone {name}: {e}").into()))
}

pub(crate) fn view(row: AppointmentRow) -> AppointmentView {
    let zone = TimeZone::get(&row.time_zone).unwrap_or(TimeZone::UTC);
    AppointmentView {
        start: rfc3339_in(row.starts_at, &zone),
        end: rfc3339_in(row.ends_at, &zone),
        id: row.id,
        patient_id: row.patient_id.to_string(),
        practitioner_id: row.practitioner_id.to_string(),
        service_id: row.service_id.to_string(),
        location_id: row.location_id.to_string(),
        room_id: row.room_id.map(|r| r.to_string()),
        time_zone: row.time_zone,
        status: row.status,
        policy_version: row.policy_version,
        series_id: row.series_id,
        source: row.source,
        note: row.note,
        override_reason: row.override_reason,
        cancel_reason: row.cancel_reason,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
    }
}
