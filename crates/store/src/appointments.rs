//! Appointments, scoped by clinic. The database refuses overlapping appointments that hold
//! time (see the migrations); that refusal comes back as [`StoreError::Overlap`].

use crate::rows::{int, opt_int, opt_text, parsed, text};
use crate::{Conn, StoreError};
use knead_domain::appointment::{Source, Status};
use knead_domain::ids::{ClinicId, LocationId, PatientId, PractitionerId, RoomId, ServiceId};
use sqlx::any::AnyRow;

/// An appointment as stored. Instants are UTC epoch seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppointmentRow {
    pub id: String,
    pub patient_id: PatientId,
    pub practitioner_id: PractitionerId,
    pub service_id: ServiceId,
    pub location_id: LocationId,
    pub room_id: Option<RoomId>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub occupied_from: i64,
    pub occupied_until: i64,
    pub local_start: String,
    pub time_zone: String,
    pub status: Status,
    pub policy_version: i64,
    pub series_id: Option<String>,
    pub source: Source,
    pub note: Option<String>,
    pub override_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub cancelled_at: Option<i64>,
}

const COLUMNS: &str = "id, patient_id, practitioner_id, service_id, location_id, room_id, \
     starts_at, ends_at, occupied_from, occupied_until, local_start, time_zone, status, \
     policy_version, series_id, source, note, override_reason, cancel_reason, cancelled_at";

fn from_row(row: &AnyRow) -> Result<AppointmentRow, StoreError> {
    Ok(AppointmentRow {
        id: text(row, "id")?,
        patient_id: PatientId::from_string(text(row, "patient_id")?),
        practitioner_id: PractitionerId::from_string(text(row, "practitioner_id")?),
        service_id: ServiceId::from_string(text(row, "service_id")?),
        location_id: LocationId::from_string(text(row, "location_id")?),
        room_id: opt_text(row, "room_id")?.map(RoomId::from_string),
        starts_at: int(row, "starts_at")?,
        ends_at: int(row, "ends_at")?,
        occupied_from: int(row, "occupied_from")?,
        occupied_until: int(row, "occupied_until")?,
        local_start: text(row, "local_start")?,
        time_zone: text(row, "time_zone")?,
        status: parsed("status", &text(row, "status")?, Status::parse)?,
        policy_version: int(row, "policy_version")?,
        series_id: opt_text(row, "series_id")?,
        source: parsed("source", &text(row, "source")?, Source::parse)?,
        note: opt_text(row, "note")?,
        override_reason: opt_text(row, "override_reason")?,
        cancel_reason: opt_text(row, "cancel_reason")?,
        cancelled_at: opt_int(row, "cancelled_at")?,
    })
}

pub async fn insert(
    conn: &mut Conn,
    clinic: &ClinicId,
    a: &AppointmentRow,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO appointment (id, clinic_id, patient_id, practitioner_id, service_id, \
         location_id, room_id, starts_at, ends_at, occupied_from, occupied_until, local_start, \
         time_zone, status, policy_version, series_id, source, note, override_reason, \
         cancel_reason, cancelled_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, \
         $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22)",
    )
    .bind(&a.id)
    .bind(clinic.as_str())
    .bind(a.patient_id.as_str())
    .bind(a.practitioner_id.as_str())
    .bind(a.service_id.as_str())
    .bind(a.location_id.as_str())
    .bind(a.room_id.as_ref().map(RoomId::as_str))
    .bind(a.starts_at)
    .bind(a.ends_at)
    .bind(a.occupied_from)
    .bind(a.occupied_until)
    .bind(&a.local_start)
    .bind(&a.time_zone)
    .bind(a.status.as_str())
    .bind(a.policy_version)
    .bind(a.series_id.as_deref())
    .bind(a.source.as_str())
    .bind(a.note.as_deref())
    .bind(a.override_reason.as_deref())
    .bind(a.cancel_reason.as_deref())
    .bind(a.cancelled_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes every mutable field of an existing appointment (time, room, status, reasons).
/// Returns false when the clinic has no such appointment.
pub async fn update(
    conn: &mut Conn,
    clinic: &ClinicId,
    a: &AppointmentRow,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE appointment SET practitioner_id = $3, room_id = $4, starts_at = $5, \
         ends_at = $6, occupied_from = $7, occupied_until = $8, local_start = $9, status = $10, \
         note = $11, override_reason = $12, cancel_reason = $13, cancelled_at = $14, \
         updated_at = $15 WHERE clinic_id = $1 AND id = $2",
    )
    .bind(clinic.as_str())
    .bind(&a.id)
    .bind(a.practitioner_id.as_str())
    .bind(a.room_id.as_ref().map(RoomId::as_str))
    .bind(a.starts_at)
    .bind(a.ends_at)
    .bind(a.occupied_from)
    .bind(a.occupied_until)
    .bind(&a.local_start)
    .bind(a.status.as_str())
    .bind(a.note.as_deref())
    .bind(a.override_reason.as_deref())
    .bind(a.cancel_reason.as_deref())
    .bind(a.cancelled_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &str,
) -> Result<Option<AppointmentRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM appointment WHERE clinic_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// What a list of appointments is filtered by; `None` means any.
#[derive(Clone, Debug, Default)]
pub struct Filter<'a> {
    pub location: Option<&'a LocationId>,
    pub practitioner: Option<&'a PractitionerId>,
    pub patient: Option<&'a PatientId>,
    pub series: Option<&'a str>,
}

/// Appointments starting in `[from, until)`, in start order, matching `filter`.
pub async fn list(
    conn: &mut Conn,
    clinic: &ClinicId,
    from: i64,
    until: i64,
    filter: &Filter<'_>,
) -> Result<Vec<AppointmentRow>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM appointment WHERE clinic_id = $1 AND starts_at >= $2 \
         AND starts_at < $3 AND ($4 = '' OR location_id = $4) \
         AND ($5 = '' OR practitioner_id = $5) AND ($6 = '' OR patient_id = $6) \
         AND ($7 = '' OR series_id = $7) ORDER BY starts_at, id LIMIT 5000"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(from)
        .bind(until)
        .bind(filter.location.map(LocationId::as_str).unwrap_or(""))
        .bind(
            filter
                .practitioner
                .map(PractitionerId::as_str)
                .unwrap_or(""),
        )
        .bind(filter.patient.map(PatientId::as_str).unwrap_or(""))
        .bind(filter.series.unwrap_or(""))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// The occupied intervals `(from, until)` of one practitioner's appointments that hold time
/// and touch `[from, until)`, in order.
pub async fn occupied(
    conn: &mut Conn,
    clinic: &ClinicId,
    practitioner: &PractitionerId,
    from: i64,
    until: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT occupied_from, occupied_until FROM appointment WHERE clinic_id = $1 \
         AND practitioner_id = $2 AND occupied_until > $3 AND occupied_from < $4 \
         AND status IN ('booked', 'arrived', 'completed', 'no_show') ORDER BY occupied_from",
    )
    .bind(clinic.as_str())
    .bind(practitioner.as_str())
    .bind(from)
    .bind(until)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((int(r, "occupied_from")?, int(r, "occupied_until")?)))
        .collect()
}
