//! Health-history forms, their versions, and the intakes patients completed.

use crate::rows::{flag, int, text};
use crate::{Conn, StoreError};
use knead_domain::ids::{ClinicId, PatientId};
use knead_domain::intake::{Answers, FormContent, Question};
use sqlx::any::AnyRow;

/// A form with its current version's content.
#[derive(Clone, Debug)]
pub struct FormRecord {
    pub id: String,
    pub version: i64,
    pub version_id: String,
    pub active: bool,
    pub content: FormContent,
}

/// A completed intake, with the version of the form it answered.
#[derive(Clone)]
pub struct IntakeRecord {
    pub id: String,
    pub patient_id: PatientId,
    pub form_id: String,
    pub form_version: i64,
    pub form: FormContent,
    pub answers: Answers,
    pub flags: Vec<String>,
    pub recorded_at: i64,
    pub recorded_by: String,
}

fn corrupt(column: &str) -> impl Fn(serde_json::Error) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{column}: {e}"))
}

fn questions(row: &AnyRow) -> Result<Vec<Question>, StoreError> {
    serde_json::from_str(&text(row, "questions")?).map_err(corrupt("questions"))
}

fn strings(row: &AnyRow, column: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(&text(row, column)?).map_err(corrupt(column))
}

/// Values made here from domain types always serialize; `Corrupt` would mean a bug.
fn to_json(value: serde_json::Result<String>) -> Result<String, StoreError> {
    value.map_err(corrupt("json"))
}

fn form_from_row(row: &AnyRow) -> Result<FormRecord, StoreError> {
    let questions = questions(row)?;
    Ok(FormRecord {
        id: text(row, "id")?,
        version: int(row, "version")?,
        version_id: text(row, "version_id")?,
        active: flag(row, "active")?,
        content: FormContent {
            name: text(row, "name")?,
            questions,
        },
    })
}

const FORM_SQL: &str = "SELECT f.id, f.active, v.id AS version_id, v.version, v.name, v.questions \
     FROM intake_form f JOIN intake_form_version v \
     ON v.clinic_id = f.clinic_id AND v.form_id = f.id AND v.version = f.current_version \
     WHERE f.clinic_id = $1";

/// Adds the seeded form with `code` unless the clinic has it already; true when added.
pub async fn insert_seeded(
    conn: &mut Conn,
    clinic: &ClinicId,
    code: &str,
    form_id: &str,
    version_id: &str,
    content: &FormContent,
    now: i64,
) -> Result<bool, StoreError> {
    let added = sqlx::query(
        "INSERT INTO intake_form (id, clinic_id, code, name, current_version, active, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, 1, 1, $5, $5) \
         ON CONFLICT (clinic_id, code) DO NOTHING",
    )
    .bind(form_id)
    .bind(clinic.as_str())
    .bind(code)
    .bind(&content.name)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if added.rows_affected() == 0 {
        return Ok(false);
    }
    insert_version(conn, clinic, form_id, version_id, 1, content, now).await?;
    Ok(true)
}

/// Adds a new form at version 1.
pub async fn insert_form(
    conn: &mut Conn,
    clinic: &ClinicId,
    form_id: &str,
    version_id: &str,
    content: &FormContent,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO intake_form (id, clinic_id, code, name, current_version, active, \
         created_at, updated_at) VALUES ($1, $2, NULL, $3, 1, 1, $4, $4)",
    )
    .bind(form_id)
    .bind(clinic.as_str())
    .bind(&content.name)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    insert_version(conn, clinic, form_id, version_id, 1, content, now).await
}

async fn insert_version(
    conn: &mut Conn,
    clinic: &ClinicId,
    form_id: &str,
    version_id: &str,
    version: i64,
    content: &FormContent,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO intake_form_version (id, clinic_id, form_id, version, name, questions, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(version_id)
    .bind(clinic.as_str())
    .bind(form_id)
    .bind(version)
    .bind(&content.name)
    .bind(to_json(serde_json::to_string(&content.questions))?)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Saves `content` as the next version of the form and makes it current; the version number
/// comes back, or `None` when the clinic has no such form.
pub async fn add_version(
    conn: &mut Conn,
    clinic: &ClinicId,
    form_id: &str,
    version_id: &str,
    content: &FormContent,
    active: bool,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let row = sqlx::query(
        "UPDATE intake_form SET current_version = current_version + 1, name = $3, \
         active = $4, updated_at = $5 WHERE clinic_id = $1 AND id = $2 \
         RETURNING current_version",
    )
    .bind(clinic.as_str())
    .bind(form_id)
    .bind(&content.name)
    .bind(i64::from(active))
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let version = int(&row, "current_version")?;
    insert_version(conn, clinic, form_id, version_id, version, content, now).await?;
    Ok(Some(version))
}

/// The clinic's forms at their current versions, by name.
pub async fn forms(conn: &mut Conn, clinic: &ClinicId) -> Result<Vec<FormRecord>, StoreError> {
    let sql = format!("{FORM_SQL} ORDER BY f.created_at, f.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter().map(form_from_row).collect()
}

pub async fn form(
    conn: &mut Conn,
    clinic: &ClinicId,
    form_id: &str,
) -> Result<Option<FormRecord>, StoreError> {
    let sql = format!("{FORM_SQL} AND f.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(form_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(form_from_row).transpose()
}

/// A completed intake to insert.
pub struct NewIntake<'a> {
    pub id: &'a str,
    pub patient: &'a PatientId,
    pub form: &'a FormRecord,
    pub answers: &'a Answers,
    pub flags: &'a [String],
    pub recorded_by: &'a str,
}

pub async fn insert_intake(
    conn: &mut Conn,
    clinic: &ClinicId,
    intake: &NewIntake<'_>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO patient_intake (id, clinic_id, patient_id, form_id, form_version_id, \
         answers, flags, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(intake.id)
    .bind(clinic.as_str())
    .bind(intake.patient.as_str())
    .bind(&intake.form.id)
    .bind(&intake.form.version_id)
    .bind(to_json(serde_json::to_string(intake.answers))?)
    .bind(to_json(serde_json::to_string(intake.flags))?)
    .bind(now)
    .bind(intake.recorded_by)
    .execute(conn)
    .await?;
    Ok(())
}

fn intake_from_row(row: &AnyRow) -> Result<IntakeRecord, StoreError> {
    Ok(IntakeRecord {
        id: text(row, "id")?,
        patient_id: PatientId::from_string(text(row, "patient_id")?),
        form_id: text(row, "form_id")?,
        form_version: int(row, "version")?,
        form: FormContent {
            name: text(row, "name")?,
            questions: questions(row)?,
        },
        answers: serde_json::from_str(&text(row, "answers")?).map_err(corrupt("answers"))?,
        flags: strings(row, "flags")?,
        recorded_at: int(row, "recorded_at")?,
        recorded_by: text(row, "recorded_by")?,
    })
}

/// A patient's intakes, newest first, each with the form version it answered.
pub async fn intakes(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
) -> Result<Vec<IntakeRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.id, i.patient_id, i.form_id, i.answers, i.flags, i.recorded_at, \
         i.recorded_by, v.version, v.name, v.questions \
         FROM patient_intake i JOIN intake_form_version v \
         ON v.clinic_id = i.clinic_id AND v.id = i.form_version_id \
         WHERE i.clinic_id = $1 AND i.patient_id = $2 \
         ORDER BY i.recorded_at DESC, i.id DESC",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter().map(intake_from_row).collect()
}

/// The flags of the newest intake of each form the patient answered.
pub async fn current_flags(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.form_id, i.flags FROM patient_intake i \
         WHERE i.clinic_id = $1 AND i.patient_id = $2 \
         ORDER BY i.recorded_at DESC, i.id DESC",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .fetch_all(conn)
    .await?;
    let mut seen_forms = Vec::new();
    let mut flags: Vec<String> = Vec::new();
    for row in &rows {
        let form = text(row, "form_id")?;
        if seen_forms.contains(&form) {
            continue;
        }
        for raised in strings(row, "flags")? {
            if !flags.contains(&raised) {
                flags.push(raised);
            }
        }
        seen_forms.push(form);
    }
    Ok(flags)
}
