//! What an appointment's page reads besides the appointment: its recorded changes with who
//! made each and when, the other appointments of its series, and what cancelling or moving
//! it now would mean under the booking policy it was booked under.

use super::view;
use crate::{App, AppError, Staff};
use knead_domain::Permission;
use knead_domain::appointment::BookingPolicy;
use knead_domain::booking::AppointmentView;
use knead_store::appointments::{self as store, AppointmentRow, Filter};
use knead_store::audit::{self, NamedEvent};
use knead_store::{Conn, schedule};

/// How many changes an appointment's history shows at most.
const HISTORY_LIMIT: i64 = 200;

/// One recorded change to an appointment (or to the series it was booked in).
#[derive(Clone, Debug, PartialEq)]
pub struct AppointmentChange {
    /// Epoch seconds.
    pub at: i64,
    /// Who made it, in words: a staff member's name, "API token Robot", "the command line".
    pub by: String,
    /// The audit action: `appointment.booked`, `appointment.rescheduled`, `series.booked`...
    pub action: String,
    /// The audit detail: ids, times, reasons and flags; never health notes.
    pub detail: serde_json::Value,
}

/// What cancelling or moving an appointment at this moment would count as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancellationTerms {
    /// The policy version the appointment was booked under, which decides.
    pub policy: BookingPolicy,
    /// Whether a cancellation asked for by the patient now is late (one by the clinic never
    /// is).
    pub cancel_is_late: bool,
    /// Whether moving it now counts as a late cancellation.
    pub move_is_late: bool,
}

/// Who made a change, in words, from the audit trail's actor.
pub(crate) fn actor_words(kind: &str, name: Option<String>) -> String {
    match (kind, name) {
        ("user", Some(name)) => name,
        ("api_token", Some(name)) => format!("API token {name}"),
        ("cli", _) => "the command line".to_owned(),
        ("setup", _) => "the clinic's set-up".to_owned(),
        _ => "someone no longer known".to_owned(),
    }
}

fn change(named: NamedEvent) -> AppointmentChange {
    let event = named.event;
    AppointmentChange {
        at: event.at,
        by: actor_words(&event.actor_kind, named.actor_name),
        detail: serde_json::from_str(&event.detail).unwrap_or(serde_json::Value::Null),
        action: event.action,
    }
}

async fn row(conn: &mut Conn, staff: &Staff, id: &str) -> Result<AppointmentRow, AppError> {
    store::get(conn, &staff.clinic_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

impl App {
    /// Every recorded change to an appointment, oldest first, with the booking of the
    /// series it belongs to.
    pub async fn appointment_history(
        &self,
        staff: &Staff,
        id: &str,
    ) -> Result<Vec<AppointmentChange>, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let mut conn = self.store.read().await?;
        let appointment = row(&mut conn, staff, id).await?;
        let clinic = &staff.clinic_id;
        let mut events =
            audit::history(&mut conn, clinic, ("appointment", id), HISTORY_LIMIT).await?;
        if let Some(series) = &appointment.series_id {
            let entity = ("appointment_series", series.as_str());
            events.extend(audit::history(&mut conn, clinic, entity, HISTORY_LIMIT).await?);
        }
        events.sort_by_key(|e| e.event.seq);
        Ok(events.into_iter().map(change).collect())
    }

    /// The appointments of a series, in start order.
    pub async fn series_appointments(
        &self,
        staff: &Staff,
        series_id: &str,
    ) -> Result<Vec<AppointmentView>, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let mut conn = self.store.read().await?;
        let filter = Filter {
            series: Some(series_id),
            ..Filter::default()
        };
        let rows = store::list(&mut conn, &staff.clinic_id, i64::MIN, i64::MAX, &filter).await?;
        Ok(rows.into_iter().map(view).collect())
    }

    /// Whether cancelling or moving the appointment now would be late, by the policy version
    /// it was booked under.
    pub async fn cancellation_terms(
        &self,
        staff: &Staff,
        id: &str,
    ) -> Result<CancellationTerms, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let now = self.clock.now();
        let mut conn = self.store.read().await?;
        let appointment = row(&mut conn, staff, id).await?;
        let policy =
            schedule::policy_version(&mut conn, &staff.clinic_id, appointment.policy_version)
                .await?
                .unwrap_or_default();
        let start =
            jiff::Timestamp::from_second(appointment.starts_at).map_err(AppError::internal)?;
        let cancel_is_late = policy.is_late(now, start, false);
        Ok(CancellationTerms {
            move_is_late: policy.reschedule_inside_window_is_late && cancel_is_late,
            cancel_is_late,
            policy,
        })
    }
}
