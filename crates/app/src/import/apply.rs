//! Writing a plan: new patients, appointments and time off, each occurrence remembered in
//! `import_record`, and one audit event for the whole import, all in the caller's
//! transaction. Appointments go through the store's appointment insert, so the database's
//! no-overlap rule has the last word: a time taken since the plan was made becomes a
//! conflict in the report, and the rest of the import goes on.

use super::IcsImport;
use super::matching::PatientRef;
use super::plan::{NewAppointment, NewTimeOff, Plan};
use super::progress::Progress;
use super::report::{Conflict, ConflictWith, ImportReport};
use super::target::Target;
use crate::patients::search_text;
use crate::{AppError, record};
use jiff::Timestamp;
use knead_domain::appointment::{Source, Status};
use knead_domain::booking::local_text;
use knead_domain::ids::{ClinicId, LocationId, PatientId};
use knead_store::appointments::AppointmentRow;
use knead_store::audit::Actor;
use knead_store::imports::{self, ImportRecord};
use knead_store::schedule::{self, ExceptionRow};
use knead_store::{Conn, StoreError, patients};
use serde_json::json;

/// Who writes, where, and when.
pub(crate) struct Writer<'a> {
    pub clinic: &'a ClinicId,
    pub actor: &'a Actor,
    pub input: &'a IcsImport<'a>,
    pub target: &'a Target,
    pub now: Timestamp,
}

/// Writes `plan` and returns its report with the new rows' ids filled in.
pub(crate) async fn apply(
    conn: &mut Conn,
    writer: &Writer<'_>,
    plan: Plan,
    progress: &dyn Progress,
) -> Result<ImportReport, AppError> {
    let Plan {
        mut report,
        appointments,
        time_off,
        patients,
    } = plan;
    let steps = patients.new.len() + appointments.len() + time_off.len();
    progress.phase("writing", steps as u64);
    let now = writer.now.as_second();
    let mut created = Vec::with_capacity(patients.new.len());
    for fields in &patients.new {
        let id = PatientId::generate();
        patients::insert(conn, writer.clinic, &id, fields, &search_text(fields), now).await?;
        created.push(id);
        progress.step();
    }
    let policy = schedule::current_policy(conn, writer.clinic)
        .await?
        .unwrap_or_default();
    let mut refused = Vec::new();
    for planned in &appointments {
        let row = appointment_row(writer, planned, &created, policy.version)?;
        match imports::insert_appointment(conn, writer.clinic, &row, now).await {
            Ok(()) => {
                remember(
                    conn,
                    writer,
                    &planned.uid,
                    &planned.key,
                    "appointment",
                    &row.id,
                )
                .await?;
                report.appointments[planned.index].id = Some(row.id);
            }
            // Known shortcoming: a patient created for this appointment alone stays, with
            // no appointment, when a booking made meanwhile takes its time.
            Err(StoreError::Overlap { .. }) => refused.push(planned.index),
            Err(other) => return Err(other.into()),
        }
        progress.step();
    }
    for planned in &time_off {
        let row = time_off_row(writer, planned);
        schedule::insert_exception(conn, writer.clinic, &row, now).await?;
        remember(
            conn,
            writer,
            &planned.uid,
            &planned.key,
            "time_off",
            &row.id,
        )
        .await?;
        report.blocked[planned.index].id = Some(row.id);
        progress.step();
    }
    move_to_conflicts(&mut report, &refused);
    audit(conn, writer, &report, &created).await?;
    Ok(report)
}

fn appointment_row(
    writer: &Writer<'_>,
    planned: &NewAppointment,
    created: &[PatientId],
    policy_version: i64,
) -> Result<AppointmentRow, AppError> {
    let patient_id = match &planned.patient {
        PatientRef::Existing(id) => id.clone(),
        PatientRef::New(index) => created
            .get(*index)
            .cloned()
            .ok_or_else(|| AppError::Internal("planned patient was not created".into()))?,
    };
    let target = writer.target;
    let local = planned
        .start
        .to_zoned_datetime(target.zone.clone())
        .datetime();
    Ok(AppointmentRow {
        id: LocationId::generate().to_string(),
        patient_id,
        practitioner_id: target.practitioner.id.clone(),
        service_id: planned.service.clone(),
        location_id: target.location.id.clone(),
        room_id: None,
        starts_at: planned.start.as_second(),
        ends_at: planned.end.as_second(),
        // The calendar's own times are what the practitioner kept free for this person;
        // the service's buffers are not added, or back-to-back bookings would collide.
        occupied_from: planned.start.as_second(),
        occupied_until: planned.end.as_second(),
        local_start: local_text(local),
        time_zone: target.location.fields.time_zone.as_str().to_owned(),
        status: Status::Booked,
        policy_version,
        series_id: None,
        source: Source::Import,
        note: planned.note.clone(),
        override_reason: Some(format!("imported from {}", writer.input.file_name)),
        cancel_reason: None,
        cancelled_at: None,
    })
}

fn time_off_row(writer: &Writer<'_>, planned: &NewTimeOff) -> ExceptionRow {
    ExceptionRow {
        id: LocationId::generate().to_string(),
        practitioner_id: writer.target.practitioner.id.clone(),
        // Busy in the practitioner's own calendar means busy wherever they work.
        location_id: None,
        kind: "time_off".to_owned(),
        starts_local: planned.starts_local.clone(),
        ends_local: planned.ends_local.clone(),
        reason: Some(planned.reason.clone()),
    }
}

async fn remember(
    conn: &mut Conn,
    writer: &Writer<'_>,
    uid: &str,
    key: &str,
    kind: &'static str,
    entity_id: &str,
) -> Result<(), StoreError> {
    let record = ImportRecord {
        practitioner_id: writer.target.practitioner.id.clone(),
        uid: uid.to_owned(),
        occurrence: key.to_owned(),
        kind,
        entity_id: entity_id.to_owned(),
        file_name: writer.input.file_name.to_owned(),
    };
    imports::insert(conn, writer.clinic, &record, writer.now.as_second()).await
}

/// Moves the appointments the database refused from the report's list to its conflicts.
fn move_to_conflicts(report: &mut ImportReport, refused: &[usize]) {
    for index in refused.iter().rev() {
        let gone = report.appointments.remove(*index);
        report.conflicts.push(Conflict {
            line: gone.line,
            start: gone.start,
            end: gone.end,
            summary: gone.summary,
            with: ConflictWith::Meanwhile,
        });
    }
}

/// One audit event for the import: counts and ids, never the calendar's text.
async fn audit(
    conn: &mut Conn,
    writer: &Writer<'_>,
    report: &ImportReport,
    created: &[PatientId],
) -> Result<(), StoreError> {
    let detail = json!({
        "file_name": writer.input.file_name,
        "location_id": writer.target.location.id,
        "appointments": report.appointments.len(),
        "time_off": report.blocked.len(),
        "skipped": report.skipped.len(),
        "conflicts": report.conflicts.len(),
        "patients_created": created,
        "patients_matched": report.patients_matched,
    });
    let entity = ("practitioner", writer.target.practitioner.id.as_str());
    let now = writer.now.as_second();
    record(
        conn,
        writer.clinic,
        writer.actor,
        "calendar.imported",
        entity,
        detail,
        now,
    )
    .await
}
