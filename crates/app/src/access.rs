//! Reads of personal health information, recorded in the clinic's audit chain.
//!
//! Changes are audited where they are made. A read changes nothing, so it is recorded here:
//! every use case that shows, prints or exports something of a patient calls
//! [`App::record_read`] (or [`record_read_in`] when it already holds a transaction) once the
//! read has succeeded. The entry names the patient (entity `patient`), the staff member or
//! API token, their network address and the action, such as `chart.viewed`. Actions end in
//! the verb: `.viewed`, `.printed`, `.exported`, `.listed`. Give each new action plain words
//! in [`describe`] so the access log can show it.

use crate::{App, AppError, Staff, record};
use knead_domain::ids::PatientId;
use knead_store::{Conn, StoreError};
use serde_json::json;

/// Entity every read is filed under, so a patient's access log is one look-up.
pub const PATIENT: &str = "patient";

/// A patient's record (details page or API) was shown.
pub const PATIENT_VIEWED: &str = "patient.viewed";
/// A list or search of patients was shown; `detail` holds the count and the ids, never the
/// query or names.
pub const PATIENTS_LISTED: &str = "patients.listed";
/// Someone asked for a patient id that is not in their clinic (missing or another clinic's).
pub const PATIENT_MISSING: &str = "patient.missing_asked";
/// A patient's access log was shown.
pub const ACCESS_LOG_VIEWED: &str = "access_log.viewed";
/// The clinic-wide audit search was shown.
pub const AUDIT_SEARCHED: &str = "audit.searched";

/// Appends one read entry for `patient` inside the caller's transaction `conn`, so the read
/// and its record commit together. `what` is the action (`chart.viewed`); `detail` holds ids
/// only (a note's id, an export's format), never names, notes or contact details.
pub async fn record_read_in(
    conn: &mut Conn,
    staff: &Staff,
    patient: &PatientId,
    what: &str,
    detail: serde_json::Value,
    now: i64,
) -> Result<(), StoreError> {
    let entity = (PATIENT, patient.as_str());
    record(
        conn,
        &staff.clinic_id,
        &staff.actor(),
        what,
        entity,
        detail,
        now,
    )
    .await
}

impl App {
    /// Records that `staff` read `what` of `patient` (`chart.viewed`, `note.viewed`,
    /// `receipt.printed`, `patients.exported`), in a transaction of its own. Call it after the
    /// read succeeded and the patient was found in the staff member's clinic; for an id that
    /// was not found, use [`App::record_missing_patient`] and answer 404.
    pub async fn record_read(
        &self,
        staff: &Staff,
        patient: &PatientId,
        what: &str,
    ) -> Result<(), AppError> {
        self.record_read_with(staff, patient, what, json!({})).await
    }

    /// [`App::record_read`] with ids in `detail`, such as `{"note_id": "…"}`.
    pub async fn record_read_with(
        &self,
        staff: &Staff,
        patient: &PatientId,
        what: &str,
        detail: serde_json::Value,
    ) -> Result<(), AppError> {
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        record_read_in(&mut tx, staff, patient, what, detail, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Records, in the asker's own clinic, that `staff` asked for patient id `asked`, which is
    /// not a patient of their clinic. `what` is the read that was attempted.
    pub async fn record_missing_patient(
        &self,
        staff: &Staff,
        asked: &PatientId,
        what: &str,
    ) -> Result<(), AppError> {
        // An id is at most a UUID; anything longer is cut so a crafted path cannot bloat
        // the trail.
        let asked: String = asked.as_str().chars().take(64).collect();
        let detail = json!({ "attempted": what });
        let patient = PatientId::from_string(asked);
        self.record_read_with(staff, &patient, PATIENT_MISSING, detail)
            .await
    }
}

/// Plain words for an audit action, as the access log and the audit search show it.
/// Actions without words here are shown as they are stored.
pub fn describe(action: &str) -> String {
    let words = match action {
        PATIENT_VIEWED => "Viewed the patient's details",
        PATIENTS_LISTED => "Listed or searched patients",
        PATIENT_MISSING => "Asked for a patient who is not in this clinic",
        ACCESS_LOG_VIEWED => "Viewed the patient's access log",
        AUDIT_SEARCHED => "Searched the audit trail",
        "patient.created" => "Created the patient",
        "patient.updated" => "Changed the patient's details",
        _ => return action.replace(['.', '_'], " "),
    };
    words.to_owned()
}
