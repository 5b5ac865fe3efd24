//! Recurring series: every occurrence checked first, then all booked, only the free ones,
//! or none; never half-written.

use super::appointments::{check_hours, load_booking, new_row, overlap, times};
use super::availability::occupied;
use super::{view, zone_of};
use crate::{App, AppError, Staff, record};
use knead_domain::Permission;
use knead_domain::appointment::Source;
use knead_domain::booking::{self, AppointmentView};
pub use knead_domain::booking::{SeriesInput, SeriesMode};
use knead_domain::ids::LocationId;
use knead_domain::schedule::{Interval, occurrences, overlaps};
use knead_domain::setup::PatientInput;
use knead_store::{StoreError, appointments as store, schedule};
use serde_json::json;

/// One occurrence of a planned series and what, if anything, stands in its way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedOccurrence {
    pub start: String,
    pub end: String,
    /// Set when the civil time did not exist that day and the occurrence moved.
    pub moved_by_clock_change: bool,
    /// Why this occurrence cannot be booked, if it cannot.
    pub conflict: Option<String>,
    /// The appointment made for it, once booked.
    pub appointment: Option<AppointmentView>,
}

/// The plan and what was booked: nothing for a preview, nothing when `all` met a conflict
/// (`series_id` is then `None`), else the free occurrences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeriesOutcome {
    pub series_id: Option<String>,
    pub mode: SeriesMode,
    pub occurrences: Vec<PlannedOccurrence>,
}

impl App {
    /// Plans a recurring series and, by `mode`, books all of it, only its free occurrences,
    /// or nothing. `all` with any conflict books nothing; the plan says why.
    pub async fn book_series(
        &self,
        staff: &Staff,
        input: &SeriesInput,
    ) -> Result<SeriesOutcome, AppError> {
        self.series_for(staff, input, None).await
    }

    /// [`App::book_series`] for a new patient made in the same transaction: a preview, a
    /// refusal or an `all` that meets a conflict leaves no patient behind.
    pub async fn book_series_new_patient(
        &self,
        staff: &Staff,
        patient: &PatientInput,
        input: &SeriesInput,
    ) -> Result<SeriesOutcome, AppError> {
        self.series_for(staff, input, Some(patient)).await
    }

    async fn series_for(
        &self,
        staff: &Staff,
        input: &SeriesInput,
        patient: Option<&PatientInput>,
    ) -> Result<SeriesOutcome, AppError> {
        staff.require(Permission::ManageAppointments)?;
        let mut tx = self.store.write().await?;
        let first = self
            .for_patient(&mut tx, staff, &input.first(), patient)
            .await?;
        let ids = first.ids()?;
        let now = self.clock.now();
        let booking = load_booking(&mut tx, staff, &ids).await?;
        let tz = zone_of(&booking.location)?;
        let start = booking::instant(first.start.as_deref().unwrap_or(""), &tz)
            .map_err(|e| AppError::invalid("start", e.0))?;
        let local = start.to_zoned_datetime(tz.clone()).datetime();
        let (rule, mode) = input.rule(local)?;
        let planned = occurrences(&tz, &rule)?;
        let mut plan = Vec::with_capacity(planned.len());
        let mut accepted: Vec<Interval> = Vec::new();
        for occurrence in &planned {
            let (end, interval) = times(&booking.service, occurrence.start)?;
            let reason = ids.override_reason.as_deref();
            let hours = check_hours(
                &mut tx,
                staff,
                &booking,
                occurrence.start,
                interval,
                now,
                reason,
            )
            .await;
            let busy = occupied(
                &mut tx,
                &staff.clinic_id,
                &booking.practitioner.id,
                interval.start,
                interval.end,
            )
            .await?;
            let conflict = match hours {
                Err(AppError::Invalid(errors)) => errors.get("start").map(|m| format!("start {m}")),
                Err(other) => return Err(other),
                Ok(()) if overlaps(interval, &busy) || overlaps(interval, &accepted) => {
                    Some("another appointment holds this time".to_owned())
                }
                Ok(()) => None,
            };
            if conflict.is_none() {
                accepted.push(interval);
            }
            plan.push((
                occurrence.start,
                end,
                interval,
                occurrence.moved_by_gap,
                conflict,
            ));
        }
        let any_conflict = plan.iter().any(|p| p.4.is_some());
        let mut outcome = SeriesOutcome {
            series_id: None,
            mode,
            occurrences: plan
                .iter()
                .map(|(s, e, _, moved, conflict)| PlannedOccurrence {
                    start: s.display_with_offset(tz.to_offset(*s)).to_string(),
                    end: e.display_with_offset(tz.to_offset(*e)).to_string(),
                    moved_by_clock_change: *moved,
                    conflict: conflict.clone(),
                    appointment: None,
                })
                .collect(),
        };
        match mode {
            SeriesMode::Preview => return Ok(outcome),
            SeriesMode::All if any_conflict => return Ok(outcome),
            _ => {}
        }
        let series_id = LocationId::generate().to_string();
        let policy = schedule::current_policy(&mut tx, &staff.clinic_id)
            .await?
            .unwrap_or_default();
        let mut booked = 0;
        for (i, (start, end, interval, _, conflict)) in plan.iter().enumerate() {
            if conflict.is_some() {
                continue;
            }
            let mut row = new_row(
                &ids,
                &booking,
                *start,
                *end,
                *interval,
                policy.version,
                Source::Desk,
            )?;
            row.series_id = Some(series_id.clone());
            store::insert(&mut tx, &staff.clinic_id, &row, now.as_second())
                .await
                .map_err(overlap)?;
            outcome.occurrences[i].appointment = Some(view(row));
            booked += 1;
        }
        let detail = json!({ "booked": booked, "skipped": plan.len() - booked, "every_weeks": rule.every_weeks });
        let entity = ("appointment_series", series_id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "series.booked",
            entity,
            detail,
            now.as_second(),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, series_id = %series_id, booked, "series booked");
        outcome.series_id = Some(series_id);
        Ok(outcome)
    }
}
