//! Booking, moving, cancelling and re-statusing appointments, and listing them.

use super::availability::{local_date, occupied, offers, practitioner_intervals};
use super::{view, zone_of};
use crate::{App, AppError, Staff, record};
use jiff::{SignedDuration, Timestamp};
use knead_domain::Permission;
use knead_domain::appointment::{Source, Status};
use knead_domain::booking::{
    self, AppointmentView, BookingIds, BookingInput, CancelInput, RescheduleInput, StatusInput,
    local_text,
};
use knead_domain::ids::{LocationId, PatientId, PractitionerId, RoomId, ServiceId};
use knead_domain::schedule::{DateRange, Interval, fits};
use knead_domain::setup::{Location, PatientInput, Practitioner, Service};
use knead_domain::values;
use knead_store::appointments::{self as store, AppointmentRow, Filter};
use knead_store::{Conn, StoreError, patients, schedule, setup};
use serde::Deserialize;
use serde_json::json;

/// Which appointments to list: local dates at a location, optionally one practitioner's.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AppointmentQuery {
    pub location_id: Option<String>,
    pub practitioner_id: Option<String>,
    pub patient_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The records a booking refers to, loaded and checked against each other.
pub(crate) struct Booking {
    pub location: Location,
    pub practitioner: Practitioner,
    pub service: Service,
    pub room_id: Option<RoomId>,
}

fn not_here(field: &str, what: &str) -> AppError {
    AppError::invalid(field, format!("names no {what} of this clinic"))
}

/// Loads the location, practitioner, service, patient and room of a booking and checks
/// that they belong together.
pub(crate) async fn load_booking(
    conn: &mut Conn,
    staff: &Staff,
    ids: &BookingIds,
) -> Result<Booking, AppError> {
    let clinic = &staff.clinic_id;
    let location = setup::get_location(conn, clinic, &LocationId::from_string(&ids.location_id))
        .await?
        .ok_or_else(|| not_here("location_id", "location"))?;
    let practitioner = setup::get_practitioner(
        conn,
        clinic,
        &PractitionerId::from_string(&ids.practitioner_id),
    )
    .await?
    .ok_or_else(|| not_here("practitioner_id", "practitioner"))?;
    let service = setup::get_service(conn, clinic, &ServiceId::from_string(&ids.service_id))
        .await?
        .ok_or_else(|| not_here("service_id", "service"))?;
    if patients::get(conn, clinic, &PatientId::from_string(&ids.patient_id))
        .await?
        .is_none()
    {
        return Err(not_here("patient_id", "patient"));
    }
    let room_id = match &ids.room_id {
        Some(room) => {
            let room = setup::get_room(conn, clinic, &RoomId::from_string(room)).await?;
            match room {
                Some(room) if room.location_id == location.id && room.active => Some(room.id),
                _ => {
                    return Err(AppError::invalid(
                        "room_id",
                        "names no room in use at this location",
                    ));
                }
            }
        }
        None => None,
    };
    check_fit(&location, &practitioner, &service)?;
    Ok(Booking {
        location,
        practitioner,
        service,
        room_id,
    })
}

fn check_fit(
    location: &Location,
    practitioner: &Practitioner,
    service: &Service,
) -> Result<(), AppError> {
    if !location.fields.active {
        return Err(AppError::invalid("location_id", "is not in use"));
    }
    if !practitioner.fields.active {
        return Err(AppError::invalid("practitioner_id", "is not active"));
    }
    if !practitioner.fields.location_ids.contains(&location.id) {
        return Err(AppError::invalid(
            "practitioner_id",
            "does not work at this location",
        ));
    }
    if !service.fields.active {
        return Err(AppError::invalid("service_id", "is not offered any more"));
    }
    if !offers(service, practitioner) {
        return Err(AppError::invalid(
            "service_id",
            "is not a service this practitioner gives",
        ));
    }
    Ok(())
}

/// Start, end and the occupied interval of `service` starting at `start`.
pub(crate) fn times(
    service: &Service,
    start: Timestamp,
) -> Result<(Timestamp, Interval), AppError> {
    let minutes = |m: i64| SignedDuration::from_mins(m);
    let f = &service.fields;
    let out_of_range = |_| AppError::invalid("start", "is out of range");
    let end = start
        .checked_add(minutes(f.duration_minutes))
        .map_err(out_of_range)?;
    let from = start
        .checked_sub(minutes(f.buffer_before_minutes))
        .map_err(out_of_range)?;
    let until = end
        .checked_add(minutes(f.buffer_after_minutes))
        .map_err(out_of_range)?;
    Ok((end, Interval::new(from, until)))
}

/// Refuses a time in the past or outside the practitioner's hours unless the person gave a
/// reason to override, which is then recorded with the appointment.
pub(crate) async fn check_hours(
    conn: &mut Conn,
    staff: &Staff,
    booking: &Booking,
    start: Timestamp,
    occupied_interval: Interval,
    now: Timestamp,
    override_reason: Option<&str>,
) -> Result<(), AppError> {
    if override_reason.is_some() {
        return Ok(());
    }
    if start < now {
        return Err(AppError::invalid(
            "start",
            "is in the past; give an override reason to book it anyway",
        ));
    }
    let tz = zone_of(&booking.location)?;
    let first = local_date(occupied_interval.start, &tz);
    let last = local_date(occupied_interval.end, &tz);
    let range = DateRange::new(first, last)?;
    let clinic = &staff.clinic_id;
    let hours = practitioner_intervals(
        conn,
        clinic,
        &booking.practitioner.id,
        &booking.location,
        range,
    )
    .await?;
    if fits(occupied_interval, &hours) {
        Ok(())
    } else {
        let name = &booking.practitioner.fields.name;
        Err(AppError::invalid(
            "start",
            format!("is outside {name}'s hours; give an override reason to book it anyway"),
        ))
    }
}

/// The conflict error every front door shows for a taken time.
pub(crate) fn overlap(error: StoreError) -> AppError {
    match error {
        StoreError::Overlap { what } if what == "room" => AppError::Conflict {
            code: "room_taken",
            message: "that room is already booked at that time".into(),
        },
        StoreError::Overlap { .. } => AppError::Conflict {
            code: "slot_taken",
            message: "that time is taken: it overlaps another appointment of this practitioner, buffers included".into(),
        },
        other => other.into(),
    }
}

pub(crate) fn new_row(
    ids: &BookingIds,
    booking: &Booking,
    start: Timestamp,
    end: Timestamp,
    occupied_interval: Interval,
    policy_version: i64,
    source: Source,
) -> Result<AppointmentRow, AppError> {
    let tz = zone_of(&booking.location)?;
    Ok(AppointmentRow {
        id: LocationId::generate().to_string(),
        patient_id: PatientId::from_string(&ids.patient_id),
        practitioner_id: booking.practitioner.id.clone(),
        service_id: booking.service.id.clone(),
        location_id: booking.location.id.clone(),
        room_id: booking.room_id.clone(),
        starts_at: start.as_second(),
        ends_at: end.as_second(),
        occupied_from: occupied_interval.start.as_second(),
        occupied_until: occupied_interval.end.as_second(),
        local_start: local_text(start.to_zoned_datetime(tz).datetime()),
        time_zone: booking.location.fields.time_zone.as_str().to_owned(),
        status: Status::Booked,
        policy_version,
        series_id: None,
        source,
        note: ids.note.clone(),
        override_reason: ids.override_reason.clone(),
        cancel_reason: None,
        cancelled_at: None,
    })
}

/// Records that `row` was booked, and which appointment it replaces when a late move made it.
async fn record_booked(
    conn: &mut Conn,
    staff: &Staff,
    row: &AppointmentRow,
    rescheduled_from: Option<&str>,
    now: Timestamp,
) -> Result<(), StoreError> {
    let detail = json!({
        "start": row.local_start, "practitioner_id": row.practitioner_id,
        "service_id": row.service_id, "override_reason": row.override_reason,
        "rescheduled_from": rescheduled_from,
    });
    let entity = ("appointment", row.id.as_str());
    let actor = staff.actor();
    record(
        conn,
        &staff.clinic_id,
        &actor,
        "appointment.booked",
        entity,
        detail,
        now.as_second(),
    )
    .await
}

fn at(epoch: i64) -> Timestamp {
    Timestamp::from_second(epoch).unwrap_or(Timestamp::UNIX_EPOCH)
}

impl App {
    /// Books one appointment. The database refuses a taken time (409 `slot_taken`).
    pub async fn book(
        &self,
        staff: &Staff,
        input: &BookingInput,
        source: Source,
    ) -> Result<AppointmentView, AppError> {
        self.book_for(staff, input, source, None).await
    }

    /// Books for a new patient made in the same transaction (the desk's "new patient"): when
    /// the booking is refused, no patient is left behind. `input.patient_id` is ignored.
    pub async fn book_new_patient(
        &self,
        staff: &Staff,
        patient: &PatientInput,
        input: &BookingInput,
        source: Source,
    ) -> Result<AppointmentView, AppError> {
        self.book_for(staff, input, source, Some(patient)).await
    }

    async fn book_for(
        &self,
        staff: &Staff,
        input: &BookingInput,
        source: Source,
        patient: Option<&PatientInput>,
    ) -> Result<AppointmentView, AppError> {
        staff.require(Permission::ManageAppointments)?;
        let mut tx = self.store.write().await?;
        let input = &self.for_patient(&mut tx, staff, input, patient).await?;
        let ids = input.ids()?;
        let now = self.clock.now();
        let booking = load_booking(&mut tx, staff, &ids).await?;
        let tz = zone_of(&booking.location)?;
        let start = booking::instant(input.start.as_deref().unwrap_or(""), &tz)
            .map_err(|e| AppError::invalid("start", e.0))?;
        let (end, occupied_interval) = times(&booking.service, start)?;
        let reason = ids.override_reason.as_deref();
        check_hours(
            &mut tx,
            staff,
            &booking,
            start,
            occupied_interval,
            now,
            reason,
        )
        .await?;
        let policy = schedule::current_policy(&mut tx, &staff.clinic_id)
            .await?
            .unwrap_or_default();
        let row = new_row(
            &ids,
            &booking,
            start,
            end,
            occupied_interval,
            policy.version,
            source,
        )?;
        store::insert(&mut tx, &staff.clinic_id, &row, now.as_second())
            .await
            .map_err(overlap)?;
        record_booked(&mut tx, staff, &row, None, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, appointment_id = %row.id, "appointment booked");
        Ok(view(row))
    }

    /// `input` for the patient made from `patient` inside `tx`, or as it is when there is none.
    pub(crate) async fn for_patient(
        &self,
        tx: &mut Conn,
        staff: &Staff,
        input: &BookingInput,
        patient: Option<&PatientInput>,
    ) -> Result<BookingInput, AppError> {
        let mut input = input.clone();
        if let Some(patient) = patient {
            let added = self.add_patient(tx, staff, patient).await?;
            input.patient_id = Some(added.id.to_string());
        }
        Ok(input)
    }

    pub async fn appointment(&self, staff: &Staff, id: &str) -> Result<AppointmentView, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let mut conn = self.store.read().await?;
        let row = store::get(&mut conn, &staff.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(view(row))
    }

    /// Appointments starting on the local dates `from..=to` at a location.
    pub async fn appointments(
        &self,
        staff: &Staff,
        query: &AppointmentQuery,
    ) -> Result<Vec<AppointmentView>, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let text = |f: &Option<String>| {
            f.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let location = text(&query.location_id)
            .ok_or_else(|| AppError::invalid("location_id", "is required"))?;
        let from = booking::date(&text(&query.from).unwrap_or_default())
            .map_err(|e| AppError::invalid("from", e.0))?;
        let to = booking::date(&text(&query.to).unwrap_or_default())
            .map_err(|e| AppError::invalid("to", e.0))?;
        let range = DateRange::new(from, to)?;
        let mut conn = self.store.read().await?;
        let location = setup::get_location(
            &mut conn,
            &staff.clinic_id,
            &LocationId::from_string(location),
        )
        .await?
        .ok_or_else(|| not_here("location_id", "location"))?;
        let tz = zone_of(&location)?;
        let start = range
            .from()
            .to_zoned_datetime(tz.clone())
            .map_err(AppError::internal)?;
        let next = range
            .to()
            .tomorrow()
            .map_err(|_| AppError::invalid("to", "is too far ahead"))?;
        let end = next.to_zoned_datetime(tz).map_err(AppError::internal)?;
        let practitioner = text(&query.practitioner_id).map(PractitionerId::from_string);
        let patient = text(&query.patient_id).map(PatientId::from_string);
        let filter = Filter {
            location: Some(&location.id),
            practitioner: practitioner.as_ref(),
            patient: patient.as_ref(),
            series: None,
        };
        let (from, until) = (start.timestamp().as_second(), end.timestamp().as_second());
        let rows = store::list(&mut conn, &staff.clinic_id, from, until, &filter).await?;
        Ok(rows.into_iter().map(view).collect())
    }

    async fn open_row(
        &self,
        conn: &mut Conn,
        staff: &Staff,
        id: &str,
    ) -> Result<AppointmentRow, AppError> {
        store::get(conn, &staff.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Moves a booked appointment. When the policy it was booked under counts a move inside
    /// the late-cancellation window as late, the original becomes `late_cancelled` and the
    /// new time is a new appointment; otherwise the appointment itself moves.
    pub async fn reschedule(
        &self,
        staff: &Staff,
        id: &str,
        input: &RescheduleInput,
    ) -> Result<AppointmentView, AppError> {
        staff.require(Permission::ManageAppointments)?;
        let now = self.clock.now();
        let mut tx = self.store.write().await?;
        let old = self.open_row(&mut tx, staff, id).await?;
        if !old.status.is_open() {
            let message = format!("a {} appointment cannot be moved", old.status.as_str());
            return Err(AppError::Conflict {
                code: "not_open",
                message,
            });
        }
        let text = |f: &Option<String>| {
            f.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let reason = values::optional_text(input.reason.as_deref().unwrap_or(""))
            .map_err(|e| AppError::invalid("reason", e.0))?;
        let ids = BookingIds {
            patient_id: old.patient_id.to_string(),
            practitioner_id: text(&input.practitioner_id)
                .unwrap_or(old.practitioner_id.to_string()),
            service_id: old.service_id.to_string(),
            location_id: old.location_id.to_string(),
            room_id: text(&input.room_id).or(old.room_id.as_ref().map(|r| r.to_string())),
            note: old.note.clone(),
            override_reason: text(&input.override_reason),
        };
        let booking = load_booking(&mut tx, staff, &ids).await?;
        let tz = zone_of(&booking.location)?;
        let start = booking::instant(input.start.as_deref().unwrap_or(""), &tz)
            .map_err(|e| AppError::invalid("start", e.0))?;
        let (end, occupied_interval) = times(&booking.service, start)?;
        check_hours(
            &mut tx,
            staff,
            &booking,
            start,
            occupied_interval,
            now,
            ids.override_reason.as_deref(),
        )
        .await?;
        let policy = schedule::policy_version(&mut tx, &staff.clinic_id, old.policy_version)
            .await?
            .unwrap_or_default();
        let late = policy.reschedule_inside_window_is_late
            && policy.is_late(now, at(old.starts_at), false);
        let moved = if late {
            let mut cancelled = old.clone();
            cancelled.status = Status::LateCancelled;
            cancelled.cancel_reason = Some(
                reason
                    .clone()
                    .unwrap_or_else(|| "rescheduled inside the window".into()),
            );
            cancelled.cancelled_at = Some(now.as_second());
            store::update(&mut tx, &staff.clinic_id, &cancelled, now.as_second()).await?;
            let current = schedule::current_policy(&mut tx, &staff.clinic_id)
                .await?
                .unwrap_or_default();
            let mut row = new_row(
                &ids,
                &booking,
                start,
                end,
                occupied_interval,
                current.version,
                old.source,
            )?;
            row.series_id = old.series_id.clone();
            store::insert(&mut tx, &staff.clinic_id, &row, now.as_second())
                .await
                .map_err(overlap)?;
            row
        } else {
            let mut row = new_row(
                &ids,
                &booking,
                start,
                end,
                occupied_interval,
                old.policy_version,
                old.source,
            )?;
            row.id = old.id.clone();
            row.series_id = old.series_id.clone();
            store::update(&mut tx, &staff.clinic_id, &row, now.as_second())
                .await
                .map_err(overlap)?;
            row
        };
        let detail = json!({
            "from": old.local_start, "to": moved.local_start, "late": late, "reason": reason,
            "new_appointment_id": (moved.id != old.id).then_some(&moved.id),
            "override_reason": moved.override_reason,
            "from_practitioner_id": old.practitioner_id, "practitioner_id": moved.practitioner_id,
        });
        let entity = ("appointment", old.id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "appointment.rescheduled",
            entity,
            detail,
            now.as_second(),
        )
        .await?;
        if moved.id != old.id {
            record_booked(&mut tx, staff, &moved, Some(&old.id), now).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(view(moved))
    }

    /// Cancels a booked appointment; late or not by the policy it was booked under.
    pub async fn cancel(
        &self,
        staff: &Staff,
        id: &str,
        input: &CancelInput,
    ) -> Result<AppointmentView, AppError> {
        staff.require(Permission::ManageAppointments)?;
        let (reason, by_clinic) = input.parse()?;
        let now = self.clock.now();
        let mut tx = self.store.write().await?;
        let mut row = self.open_row(&mut tx, staff, id).await?;
        if !row.status.is_open() {
            let message = format!("a {} appointment cannot be cancelled", row.status.as_str());
            return Err(AppError::Conflict {
                code: "not_open",
                message,
            });
        }
        let policy = schedule::policy_version(&mut tx, &staff.clinic_id, row.policy_version)
            .await?
            .unwrap_or_default();
        let late = policy.is_late(now, at(row.starts_at), by_clinic);
        row.status = if late {
            Status::LateCancelled
        } else {
            Status::Cancelled
        };
        row.cancel_reason = Some(reason.clone());
        row.cancelled_at = Some(now.as_second());
        store::update(&mut tx, &staff.clinic_id, &row, now.as_second()).await?;
        let detail = json!({
            "late": late, "by_clinic": by_clinic, "reason": reason,
            "policy_version": row.policy_version,
        });
        let entity = ("appointment", row.id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "appointment.cancelled",
            entity,
            detail,
            now.as_second(),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, appointment_id = %row.id, late, "appointment cancelled");
        Ok(view(row))
    }

    /// Marks an appointment arrived, un-arrived, completed or no-show.
    pub async fn set_status(
        &self,
        staff: &Staff,
        id: &str,
        input: &StatusInput,
    ) -> Result<AppointmentView, AppError> {
        staff.require(Permission::ManageAppointments)?;
        let (status, reason) = input.parse()?;
        let now = self.clock.now();
        let mut tx = self.store.write().await?;
        let mut row = self.open_row(&mut tx, staff, id).await?;
        let from = row.status;
        if !from.may_become(status) {
            let message = format!(
                "a {} appointment cannot become {}",
                from.as_str(),
                status.as_str()
            );
            return Err(AppError::Conflict {
                code: "invalid_transition",
                message,
            });
        }
        if status == Status::NoShow && now.as_second() < row.starts_at {
            return Err(AppError::invalid(
                "status",
                "an appointment cannot be a no-show before it starts",
            ));
        }
        row.status = status;
        store::update(&mut tx, &staff.clinic_id, &row, now.as_second())
            .await
            .map_err(overlap)?;
        let detail = json!({ "from": from.as_str(), "to": status.as_str(), "reason": reason });
        let entity = ("appointment", row.id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "appointment.status_changed",
            entity,
            detail,
            now.as_second(),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(view(row))
    }

    /// The occupied intervals of one practitioner over `[from, until)`, for the day view.
    pub async fn busy(
        &self,
        staff: &Staff,
        practitioner: &PractitionerId,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<Interval>, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let mut conn = self.store.read().await?;
        occupied(&mut conn, &staff.clinic_id, practitioner, from, until).await
    }
}
