//! Who works when: booking policy versions, weekly hours, dated exceptions, location
//! closures and the clinic's holiday changes. Times are stored as the civil text the clinic
//! typed, in the location's zone; the domain turns them into instants.

use crate::rows::{bit, flag, int, opt_int, opt_text, text};
use crate::{Conn, StoreError};
use knead_domain::appointment::BookingPolicy;
use knead_domain::ids::{ClinicId, LocationId, PractitionerId};
use sqlx::any::AnyRow;

fn policy_from_row(row: &AnyRow) -> Result<BookingPolicy, StoreError> {
    Ok(BookingPolicy {
        version: int(row, "version")?,
        minimum_notice_minutes: int(row, "minimum_notice_minutes")?,
        horizon_days: int(row, "horizon_days")?,
        late_cancel_window_minutes: int(row, "late_cancel_window_minutes")?,
        reschedule_inside_window_is_late: flag(row, "reschedule_inside_window_is_late")?,
        slot_step_minutes: opt_int(row, "slot_step_minutes")?,
    })
}

/// The clinic's booking policy in force: the newest version, if it ever saved one.
pub async fn current_policy(
    conn: &mut Conn,
    clinic: &ClinicId,
) -> Result<Option<BookingPolicy>, StoreError> {
    let row = sqlx::query(
        "SELECT version, minimum_notice_minutes, horizon_days, late_cancel_window_minutes, \
         reschedule_inside_window_is_late, slot_step_minutes FROM booking_policy \
         WHERE clinic_id = $1 ORDER BY version DESC LIMIT 1",
    )
    .bind(clinic.as_str())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(policy_from_row).transpose()
}

/// The policy saved as `version`; version 0 is the defaults every clinic starts with.
pub async fn policy_version(
    conn: &mut Conn,
    clinic: &ClinicId,
    version: i64,
) -> Result<Option<BookingPolicy>, StoreError> {
    if version == 0 {
        return Ok(Some(BookingPolicy::default()));
    }
    let row = sqlx::query(
        "SELECT version, minimum_notice_minutes, horizon_days, late_cancel_window_minutes, \
         reschedule_inside_window_is_late, slot_step_minutes FROM booking_policy \
         WHERE clinic_id = $1 AND version = $2",
    )
    .bind(clinic.as_str())
    .bind(version)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(policy_from_row).transpose()
}

/// Saves `policy` as the next version and returns that version number. Two writers racing
/// for the same number collide on the primary key instead of both winning.
pub async fn insert_policy(
    conn: &mut Conn,
    clinic: &ClinicId,
    policy: &BookingPolicy,
    now: i64,
) -> Result<i64, StoreError> {
    let latest = current_policy(conn, clinic).await?.map_or(0, |p| p.version);
    let version = latest + 1;
    sqlx::query(
        "INSERT INTO booking_policy (clinic_id, version, minimum_notice_minutes, horizon_days, \
         late_cancel_window_minutes, reschedule_inside_window_is_late, slot_step_minutes, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(clinic.as_str())
    .bind(version)
    .bind(policy.minimum_notice_minutes)
    .bind(policy.horizon_days)
    .bind(policy.late_cancel_window_minutes)
    .bind(bit(policy.reschedule_inside_window_is_late))
    .bind(policy.slot_step_minutes)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(version)
}

/// A saved policy version with when it was saved and who saved it, as its audit event says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyVersionRow {
    pub policy: BookingPolicy,
    pub created_at: i64,
    /// `user`, `api_token`, `cli`, ... (`None` when no audit event names the version).
    pub actor_kind: Option<String>,
    /// The staff member's name, or the name of the API token that saved it.
    pub actor_name: Option<String>,
}

/// The clinic's saved policy versions, newest first, at most `limit` of them.
pub async fn policy_history(
    conn: &mut Conn,
    clinic: &ClinicId,
    limit: i64,
) -> Result<Vec<PolicyVersionRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.version, p.minimum_notice_minutes, p.horizon_days, \
         p.late_cancel_window_minutes, p.reschedule_inside_window_is_late, p.slot_step_minutes, \
         p.created_at, a.actor_kind, COALESCE(u.name, t.name) AS actor_name \
         FROM booking_policy p \
         LEFT JOIN audit_event a ON a.clinic_id = p.clinic_id AND a.entity = 'booking_policy' \
         AND a.action = 'booking_policy.saved' AND a.entity_id = CAST(p.version AS TEXT) \
         LEFT JOIN app_user u ON a.actor_kind = 'user' AND u.clinic_id = p.clinic_id \
         AND u.id = a.actor_id \
         LEFT JOIN api_token t ON a.actor_kind = 'api_token' AND t.clinic_id = p.clinic_id \
         AND t.id = a.actor_id \
         WHERE p.clinic_id = $1 ORDER BY p.version DESC LIMIT $2",
    )
    .bind(clinic.as_str())
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PolicyVersionRow {
                policy: policy_from_row(row)?,
                created_at: int(row, "created_at")?,
                actor_kind: opt_text(row, "actor_kind")?,
                actor_name: opt_text(row, "actor_name")?,
            })
        })
        .collect()
}

/// One block of weekly hours as stored: ISO weekday (1 = Monday) and `HH:MM` times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoursRow {
    pub id: String,
    pub practitioner_id: PractitionerId,
    pub location_id: LocationId,
    pub weekday: i64,
    pub start_time: String,
    pub end_time: String,
}

/// Replaces a practitioner's weekly hours at one location with `blocks`.
pub async fn replace_hours(
    conn: &mut Conn,
    clinic: &ClinicId,
    practitioner: &PractitionerId,
    location: &LocationId,
    blocks: &[HoursRow],
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM weekly_hours WHERE clinic_id = $1 AND practitioner_id = $2 \
         AND location_id = $3",
    )
    .bind(clinic.as_str())
    .bind(practitioner.as_str())
    .bind(location.as_str())
    .execute(&mut *conn)
    .await?;
    for block in blocks {
        sqlx::query(
            "INSERT INTO weekly_hours (id, clinic_id, practitioner_id, location_id, weekday, \
             start_time, end_time) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&block.id)
        .bind(clinic.as_str())
        .bind(practitioner.as_str())
        .bind(location.as_str())
        .bind(block.weekday)
        .bind(&block.start_time)
        .bind(&block.end_time)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Weekly hours of the clinic, narrowed to a practitioner and/or a location when given.
pub async fn hours(
    conn: &mut Conn,
    clinic: &ClinicId,
    practitioner: Option<&PractitionerId>,
    location: Option<&LocationId>,
) -> Result<Vec<HoursRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, practitioner_id, location_id, weekday, start_time, end_time \
         FROM weekly_hours WHERE clinic_id = $1 AND ($2 = '' OR practitioner_id = $2) \
         AND ($3 = '' OR location_id = $3) ORDER BY practitioner_id, weekday, start_time",
    )
    .bind(clinic.as_str())
    .bind(practitioner.map(PractitionerId::as_str).unwrap_or(""))
    .bind(location.map(LocationId::as_str).unwrap_or(""))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(HoursRow {
                id: text(r, "id")?,
                practitioner_id: PractitionerId::from_string(text(r, "practitioner_id")?),
                location_id: LocationId::from_string(text(r, "location_id")?),
                weekday: int(r, "weekday")?,
                start_time: text(r, "start_time")?,
                end_time: text(r, "end_time")?,
            })
        })
        .collect()
}

/// A dated exception to a practitioner's hours: time off or an extra shift.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionRow {
    pub id: String,
    pub practitioner_id: PractitionerId,
    /// `None` for time off that applies at every location.
    pub location_id: Option<LocationId>,
    /// `time_off` or `extra_shift`.
    pub kind: String,
    /// Local `YYYY-MM-DDTHH:MM` in the location's zone.
    pub starts_local: String,
    pub ends_local: String,
    pub reason: Option<String>,
}

pub async fn insert_exception(
    conn: &mut Conn,
    clinic: &ClinicId,
    e: &ExceptionRow,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO schedule_exception (id, clinic_id, practitioner_id, location_id, kind, \
         starts_local, ends_local, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&e.id)
    .bind(clinic.as_str())
    .bind(e.practitioner_id.as_str())
    .bind(e.location_id.as_ref().map(LocationId::as_str))
    .bind(&e.kind)
    .bind(&e.starts_local)
    .bind(&e.ends_local)
    .bind(e.reason.as_deref())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes an exception of this clinic; false when there is none with that id.
pub async fn delete_exception(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM schedule_exception WHERE clinic_id = $1 AND id = $2")
        .bind(clinic.as_str())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Exceptions of the clinic (or one practitioner) whose local span touches
/// `[from_local, until_local)`; local texts compare correctly as strings.
pub async fn exceptions(
    conn: &mut Conn,
    clinic: &ClinicId,
    practitioner: Option<&PractitionerId>,
    from_local: &str,
    until_local: &str,
) -> Result<Vec<ExceptionRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, practitioner_id, location_id, kind, starts_local, ends_local, reason \
         FROM schedule_exception WHERE clinic_id = $1 AND ($2 = '' OR practitioner_id = $2) \
         AND ends_local > $3 AND starts_local < $4 ORDER BY starts_local, id",
    )
    .bind(clinic.as_str())
    .bind(practitioner.map(PractitionerId::as_str).unwrap_or(""))
    .bind(from_local)
    .bind(until_local)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ExceptionRow {
                id: text(r, "id")?,
                practitioner_id: PractitionerId::from_string(text(r, "practitioner_id")?),
                location_id: opt_text(r, "location_id")?.map(LocationId::from_string),
                kind: text(r, "kind")?,
                starts_local: text(r, "starts_local")?,
                ends_local: text(r, "ends_local")?,
                reason: opt_text(r, "reason")?,
            })
        })
        .collect()
}

/// A location closed for part of a day or for whole days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosureRow {
    pub id: String,
    pub location_id: LocationId,
    pub starts_local: String,
    pub ends_local: String,
    pub reason: Option<String>,
}

pub async fn insert_closure(
    conn: &mut Conn,
    clinic: &ClinicId,
    c: &ClosureRow,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO location_closure (id, clinic_id, location_id, starts_local, ends_local, \
         reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&c.id)
    .bind(clinic.as_str())
    .bind(c.location_id.as_str())
    .bind(&c.starts_local)
    .bind(&c.ends_local)
    .bind(c.reason.as_deref())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_closure(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM location_closure WHERE clinic_id = $1 AND id = $2")
        .bind(clinic.as_str())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn closures(
    conn: &mut Conn,
    clinic: &ClinicId,
    location: Option<&LocationId>,
    from_local: &str,
    until_local: &str,
) -> Result<Vec<ClosureRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, location_id, starts_local, ends_local, reason FROM location_closure \
         WHERE clinic_id = $1 AND ($2 = '' OR location_id = $2) AND ends_local > $3 \
         AND starts_local < $4 ORDER BY starts_local, id",
    )
    .bind(clinic.as_str())
    .bind(location.map(LocationId::as_str).unwrap_or(""))
    .bind(from_local)
    .bind(until_local)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ClosureRow {
                id: text(r, "id")?,
                location_id: LocationId::from_string(text(r, "location_id")?),
                starts_local: text(r, "starts_local")?,
                ends_local: text(r, "ends_local")?,
                reason: opt_text(r, "reason")?,
            })
        })
        .collect()
}

/// A clinic's change to a province's computed holidays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolidayChange {
    pub province: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub name: String,
    /// True: the clinic closes that day; false: it opens on a computed holiday.
    pub closed: bool,
}

pub async fn upsert_holiday_change(
    conn: &mut Conn,
    clinic: &ClinicId,
    change: &HolidayChange,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO holiday_change (clinic_id, province, day, name, closed) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (clinic_id, province, day) \
         DO UPDATE SET name = excluded.name, closed = excluded.closed",
    )
    .bind(clinic.as_str())
    .bind(&change.province)
    .bind(&change.day)
    .bind(&change.name)
    .bind(bit(change.closed))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_holiday_change(
    conn: &mut Conn,
    clinic: &ClinicId,
    province: &str,
    day: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM holiday_change WHERE clinic_id = $1 AND province = $2 AND day = $3",
    )
    .bind(clinic.as_str())
    .bind(province)
    .bind(day)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn holiday_changes(
    conn: &mut Conn,
    clinic: &ClinicId,
    province: &str,
) -> Result<Vec<HolidayChange>, StoreError> {
    let rows = sqlx::query(
        "SELECT province, day, name, closed FROM holiday_change WHERE clinic_id = $1 \
         AND province = $2 ORDER BY day",
    )
    .bind(clinic.as_str())
    .bind(province)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(HolidayChange {
                province: text(r, "province")?,
                day: text(r, "day")?,
                name: text(r, "name")?,
                closed: flag(r, "closed")?,
            })
        })
        .collect()
}
