//! What calendar imports remember: which event occurrences were already brought in for a
//! practitioner, and the patients an import may match against. Scoped by clinic.

use crate::appointments::{self, AppointmentRow};
use crate::rows::{opt_text, text};
use crate::{Conn, StoreError};
use knead_domain::ids::{ClinicId, PatientId, PractitionerId};
use sqlx::Connection;
use std::collections::HashSet;

/// One imported occurrence: the event's UID and its original start, and what it became.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRecord {
    pub practitioner_id: PractitionerId,
    pub uid: String,
    /// The occurrence's original start as iCalendar text (`20260309T140000Z` or `20260309`).
    pub occurrence: String,
    /// `appointment` or `time_off`.
    pub kind: &'static str,
    pub entity_id: String,
    pub file_name: String,
}

/// Records an imported occurrence. A second record for the same practitioner, UID and
/// occurrence is refused by the primary key (a unique error on `import_record`).
pub async fn insert(
    conn: &mut Conn,
    clinic: &ClinicId,
    record: &ImportRecord,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO import_record (clinic_id, practitioner_id, uid, occurrence, kind, \
         entity_id, file_name, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(clinic.as_str())
    .bind(record.practitioner_id.as_str())
    .bind(&record.uid)
    .bind(&record.occurrence)
    .bind(record.kind)
    .bind(&record.entity_id)
    .bind(&record.file_name)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts an appointment inside a savepoint, so that a refused overlap
/// ([`StoreError::Overlap`]) leaves the surrounding transaction usable: PostgreSQL aborts a
/// whole transaction at its first error, and an import goes on past a taken time.
pub async fn insert_appointment(
    conn: &mut Conn,
    clinic: &ClinicId,
    row: &AppointmentRow,
    now: i64,
) -> Result<(), StoreError> {
    let mut savepoint = conn.begin().await?;
    match appointments::insert(&mut savepoint, clinic, row, now).await {
        Ok(()) => Ok(savepoint.commit().await?),
        Err(error) => {
            savepoint.rollback().await?;
            Err(error)
        }
    }
}

/// The `(uid, occurrence)` pairs already imported for one practitioner.
pub async fn imported(
    conn: &mut Conn,
    clinic: &ClinicId,
    practitioner: &PractitionerId,
) -> Result<HashSet<(String, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT uid, occurrence FROM import_record WHERE clinic_id = $1 \
         AND practitioner_id = $2",
    )
    .bind(clinic.as_str())
    .bind(practitioner.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((text(r, "uid")?, text(r, "occurrence")?)))
        .collect()
}

/// A patient as an import matches them: by email, else by exact name.
#[derive(Clone, PartialEq, Eq)]
pub struct PatientKey {
    pub id: PatientId,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
}

/// Names and emails stay out of logs: this prints the id only.
impl std::fmt::Debug for PatientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PatientKey({})", self.id)
    }
}

/// Every patient of the clinic with the fields an import matches on. A clinic holds a few
/// thousand patients, so one read beats a query per calendar event.
pub async fn patient_keys(
    conn: &mut Conn,
    clinic: &ClinicId,
) -> Result<Vec<PatientKey>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, legal_first_name, legal_last_name, email FROM patient \
         WHERE clinic_id = $1 ORDER BY id",
    )
    .bind(clinic.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PatientKey {
                id: PatientId::from_string(text(r, "id")?),
                first_name: text(r, "legal_first_name")?,
                last_name: text(r, "legal_last_name")?,
                email: opt_text(r, "email")?,
            })
        })
        .collect()
}
