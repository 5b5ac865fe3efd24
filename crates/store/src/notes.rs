//! Charting storage: note templates and their versions, treatment notes, amendments, the
//! clinic's chart settings and explicit chart shares. Every query is scoped by clinic.
//!
//! A signed note's own row never changes again: the updates below only touch drafts, so a
//! race between a save and a signature cannot rewrite signed text.

use crate::rows::{bit, flag, int, opt_int, opt_text, parsed, text};
use crate::{Conn, StoreError};
use knead_domain::ids::{ClinicId, PatientId, PractitionerId, UserId};
use knead_domain::notes::{
    AmendmentId, BodyMark, ChartSettings, NoteContent, NoteId, NoteSection, NoteStatus,
    SharingPolicy, TemplateId, TemplateSection,
};
use sqlx::any::AnyRow;

/// One version of a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateVersion {
    pub template_id: TemplateId,
    pub version: i64,
    pub name: String,
    pub sections: Vec<TemplateSection>,
    pub created_at: i64,
}

/// A template as listed: its current version and whether Knead seeded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateRow {
    pub current: TemplateVersion,
    pub seeded: bool,
}

/// A treatment note as stored, with its author's and signer's names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteRow {
    pub id: NoteId,
    pub appointment_id: String,
    pub patient_id: PatientId,
    pub practitioner_id: PractitionerId,
    pub template_id: TemplateId,
    pub template_version: i64,
    pub visit_at: i64,
    /// The zone of the visit's location, for showing times on its clock.
    pub time_zone: String,
    pub content: NoteContent,
    pub status: NoteStatus,
    pub author_id: UserId,
    pub author_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub signed_at: Option<i64>,
    pub signed_by: Option<UserId>,
    pub signer_name: Option<String>,
    pub late_entry: bool,
    pub late_threshold_hours: Option<i64>,
    pub amendment_count: i64,
}

/// An amendment: the note's whole content as amended, why, by whom and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmendmentRow {
    pub id: AmendmentId,
    pub note_id: NoteId,
    pub reason: String,
    pub content: NoteContent,
    pub author_id: UserId,
    pub author_name: String,
    pub created_at: i64,
}

fn json_failed(error: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("cannot write JSON: {error}"))
}

fn template_json(sections: &[TemplateSection]) -> Result<String, StoreError> {
    serde_json::to_string(sections).map_err(json_failed)
}

fn sections_json(sections: &[NoteSection]) -> Result<String, StoreError> {
    serde_json::to_string(sections).map_err(json_failed)
}

fn marks_json(marks: &[BodyMark]) -> Result<String, StoreError> {
    serde_json::to_string(marks).map_err(json_failed)
}

fn content_from(row: &AnyRow) -> Result<NoteContent, StoreError> {
    let sections: Vec<NoteSection> = parsed("sections", &text(row, "sections")?, |s| {
        serde_json::from_str(s)
    })?;
    let marks: Vec<BodyMark> = parsed("body_marks", &text(row, "body_marks")?, |s| {
        serde_json::from_str(s)
    })?;
    Ok(NoteContent { sections, marks })
}

fn version_from(row: &AnyRow) -> Result<TemplateVersion, StoreError> {
    Ok(TemplateVersion {
        template_id: TemplateId::from_string(text(row, "template_id")?),
        version: int(row, "version")?,
        name: text(row, "name")?,
        sections: parsed("sections", &text(row, "sections")?, |s| {
            serde_json::from_str(s)
        })?,
        created_at: int(row, "created_at")?,
    })
}

/// Adds a template with its first version. `seeded` marks Knead's own SOAP template, of
/// which the database allows one per clinic (a second comes back as a unique error).
pub async fn insert_template(
    conn: &mut Conn,
    clinic: &ClinicId,
    v: &TemplateVersion,
    seeded: bool,
    author: Option<&UserId>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO note_template (id, clinic_id, name, current_version, seeded, archived, \
         created_at, updated_at) VALUES ($1, $2, $3, 1, $4, 0, $5, $5)",
    )
    .bind(v.template_id.as_str())
    .bind(clinic.as_str())
    .bind(&v.name)
    .bind(bit(seeded))
    .bind(v.created_at)
    .execute(&mut *conn)
    .await?;
    insert_version(conn, clinic, v, author).await
}

async fn insert_version(
    conn: &mut Conn,
    clinic: &ClinicId,
    v: &TemplateVersion,
    author: Option<&UserId>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO note_template_version (clinic_id, template_id, version, name, sections, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(clinic.as_str())
    .bind(v.template_id.as_str())
    .bind(v.version)
    .bind(&v.name)
    .bind(template_json(&v.sections)?)
    .bind(author.map(UserId::as_str))
    .bind(v.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds the next version of a template and makes it current. `v.version` must be the
/// current version plus one; a concurrent edit that took that number fails as unique.
pub async fn add_template_version(
    conn: &mut Conn,
    clinic: &ClinicId,
    v: &TemplateVersion,
    author: &UserId,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE note_template SET name = $3, current_version = $4, updated_at = $5 \
         WHERE clinic_id = $1 AND id = $2 AND current_version = $4 - 1",
    )
    .bind(clinic.as_str())
    .bind(v.template_id.as_str())
    .bind(&v.name)
    .bind(v.version)
    .bind(v.created_at)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    insert_version(conn, clinic, v, Some(author)).await?;
    Ok(true)
}

const TEMPLATE_SELECT: &str = "SELECT v.template_id, v.version, v.name, v.sections, \
     v.created_at, t.seeded FROM note_template t JOIN note_template_version v \
     ON v.template_id = t.id AND v.version = t.current_version AND v.clinic_id = t.clinic_id";

/// The clinic's templates (current versions), seeded first, then by name.
pub async fn templates(conn: &mut Conn, clinic: &ClinicId) -> Result<Vec<TemplateRow>, StoreError> {
    let sql = format!(
        "{TEMPLATE_SELECT} WHERE t.clinic_id = $1 AND t.archived = 0 \
         ORDER BY t.seeded DESC, t.name, t.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(TemplateRow {
                current: version_from(row)?,
                seeded: flag(row, "seeded")?,
            })
        })
        .collect()
}

/// One template's current version.
pub async fn template(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &TemplateId,
) -> Result<Option<TemplateRow>, StoreError> {
    let sql = format!("{TEMPLATE_SELECT} WHERE t.clinic_id = $1 AND t.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.as_ref()
        .map(|row| {
            Ok(TemplateRow {
                current: version_from(row)?,
                seeded: flag(row, "seeded")?,
            })
        })
        .transpose()
}

/// A given version of a template: the one a note was written from.
pub async fn template_version(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &TemplateId,
    version: i64,
) -> Result<Option<TemplateVersion>, StoreError> {
    let row = sqlx::query(
        "SELECT template_id, version, name, sections, created_at FROM note_template_version \
         WHERE clinic_id = $1 AND template_id = $2 AND version = $3",
    )
    .bind(clinic.as_str())
    .bind(id.as_str())
    .bind(version)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(version_from).transpose()
}

/// The id of the clinic's seeded SOAP template, if it has been made.
pub async fn seeded_template(
    conn: &mut Conn,
    clinic: &ClinicId,
) -> Result<Option<TemplateId>, StoreError> {
    let row = sqlx::query("SELECT id FROM note_template WHERE clinic_id = $1 AND seeded = 1")
        .bind(clinic.as_str())
        .fetch_optional(conn)
        .await?;
    row.map(|r| text(&r, "id").map(TemplateId::from_string))
        .transpose()
}

/// A new note, as a draft.
#[derive(Clone, Debug)]
pub struct NewNote<'a> {
    pub id: &'a NoteId,
    pub appointment_id: &'a str,
    pub patient_id: &'a PatientId,
    pub practitioner_id: &'a PractitionerId,
    pub template: (&'a TemplateId, i64),
    pub visit_at: i64,
    pub content: &'a NoteContent,
    pub author: &'a UserId,
}

/// Inserts a draft note. A second note for the same appointment fails as unique on
/// `appointment_id`.
pub async fn insert_note(
    conn: &mut Conn,
    clinic: &ClinicId,
    n: &NewNote<'_>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO treatment_note (id, clinic_id, appointment_id, patient_id, practitioner_id, \
         template_id, template_version, visit_at, sections, body_marks, status, author_id, \
         created_at, updated_at, late_entry) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12, $12, 0)",
    )
    .bind(n.id.as_str())
    .bind(clinic.as_str())
    .bind(n.appointment_id)
    .bind(n.patient_id.as_str())
    .bind(n.practitioner_id.as_str())
    .bind(n.template.0.as_str())
    .bind(n.template.1)
    .bind(n.visit_at)
    .bind(sections_json(&n.content.sections)?)
    .bind(marks_json(&n.content.marks)?)
    .bind(n.author.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces a draft's content; `false` when the note is not a draft of this clinic (signed
/// notes are never touched).
pub async fn update_draft(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &NoteId,
    content: &NoteContent,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE treatment_note SET sections = $3, body_marks = $4, updated_at = $5 \
         WHERE clinic_id = $1 AND id = $2 AND status = 'draft'",
    )
    .bind(clinic.as_str())
    .bind(id.as_str())
    .bind(sections_json(&content.sections)?)
    .bind(marks_json(&content.marks)?)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Signs a draft: locks it, with the signer, the time and the late-entry mark (and the
/// threshold that decided it). `false` when it was not a draft.
pub async fn sign(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &NoteId,
    signer: &UserId,
    late: (bool, i64),
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE treatment_note SET status = 'signed', signed_at = $4, signed_by = $3, \
         late_entry = $5, late_threshold_hours = $6, updated_at = $4 \
         WHERE clinic_id = $1 AND id = $2 AND status = 'draft'",
    )
    .bind(clinic.as_str())
    .bind(id.as_str())
    .bind(signer.as_str())
    .bind(now)
    .bind(bit(late.0))
    .bind(late.1)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

const NOTE_SELECT: &str = "SELECT n.id, n.appointment_id, n.patient_id, n.practitioner_id, \
     n.template_id, n.template_version, n.visit_at, ap.time_zone, n.sections, n.body_marks, n.status, \
     n.author_id, a.name AS author_name, n.created_at, n.updated_at, n.signed_at, n.signed_by, \
     s.name AS signer_name, n.late_entry, n.late_threshold_hours, \
     (SELECT COUNT(*) FROM note_amendment m WHERE m.clinic_id = n.clinic_id \
      AND m.note_id = n.id) AS amendment_count \
     FROM treatment_note n \
     JOIN appointment ap ON ap.clinic_id = n.clinic_id AND ap.id = n.appointment_id \
     JOIN app_user a ON a.clinic_id = n.clinic_id AND a.id = n.author_id \
     LEFT JOIN app_user s ON s.clinic_id = n.clinic_id AND s.id = n.signed_by";

fn note_from(row: &AnyRow) -> Result<NoteRow, StoreError> {
    Ok(NoteRow {
        id: NoteId::from_string(text(row, "id")?),
        appointment_id: text(row, "appointment_id")?,
        patient_id: PatientId::from_string(text(row, "patient_id")?),
        practitioner_id: PractitionerId::from_string(text(row, "practitioner_id")?),
        template_id: TemplateId::from_string(text(row, "template_id")?),
        template_version: int(row, "template_version")?,
        visit_at: int(row, "visit_at")?,
        time_zone: text(row, "time_zone")?,
        content: content_from(row)?,
        status: parsed("status", &text(row, "status")?, NoteStatus::parse)?,
        author_id: UserId::from_string(text(row, "author_id")?),
        author_name: text(row, "author_name")?,
        created_at: int(row, "created_at")?,
        updated_at: int(row, "updated_at")?,
        signed_at: opt_int(row, "signed_at")?,
        signed_by: opt_text(row, "signed_by")?.map(UserId::from_string),
        signer_name: opt_text(row, "signer_name")?,
        late_entry: flag(row, "late_entry")?,
        late_threshold_hours: opt_int(row, "late_threshold_hours")?,
        amendment_count: int(row, "amendment_count")?,
    })
}

pub async fn note(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &NoteId,
) -> Result<Option<NoteRow>, StoreError> {
    let sql = format!("{NOTE_SELECT} WHERE n.clinic_id = $1 AND n.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(note_from).transpose()
}

/// The note written for an appointment, if any.
pub async fn note_of_appointment(
    conn: &mut Conn,
    clinic: &ClinicId,
    appointment_id: &str,
) -> Result<Option<NoteRow>, StoreError> {
    let sql = format!("{NOTE_SELECT} WHERE n.clinic_id = $1 AND n.appointment_id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(appointment_id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(note_from).transpose()
}

/// A patient's notes, newest visit first.
pub async fn notes_of_patient(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
) -> Result<Vec<NoteRow>, StoreError> {
    let sql = format!(
        "{NOTE_SELECT} WHERE n.clinic_id = $1 AND n.patient_id = $2 \
         ORDER BY n.visit_at DESC, n.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(patient.as_str())
        .fetch_all(conn)
        .await?;
    rows.iter().map(note_from).collect()
}

/// Adds an amendment to a note. The caller checks that the note is signed.
pub async fn insert_amendment(
    conn: &mut Conn,
    clinic: &ClinicId,
    a: &AmendmentRow,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO note_amendment (id, clinic_id, note_id, reason, sections, body_marks, \
         author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(a.id.as_str())
    .bind(clinic.as_str())
    .bind(a.note_id.as_str())
    .bind(&a.reason)
    .bind(sections_json(&a.content.sections)?)
    .bind(marks_json(&a.content.marks)?)
    .bind(a.author_id.as_str())
    .bind(a.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A note's amendments, oldest first.
pub async fn amendments(
    conn: &mut Conn,
    clinic: &ClinicId,
    note: &NoteId,
) -> Result<Vec<AmendmentRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT m.id, m.note_id, m.reason, m.sections, m.body_marks, m.author_id, \
         u.name AS author_name, m.created_at FROM note_amendment m \
         JOIN app_user u ON u.clinic_id = m.clinic_id AND u.id = m.author_id \
         WHERE m.clinic_id = $1 AND m.note_id = $2 ORDER BY m.created_at, m.id",
    )
    .bind(clinic.as_str())
    .bind(note.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(AmendmentRow {
                id: AmendmentId::from_string(text(row, "id")?),
                note_id: NoteId::from_string(text(row, "note_id")?),
                reason: text(row, "reason")?,
                content: content_from(row)?,
                author_id: UserId::from_string(text(row, "author_id")?),
                author_name: text(row, "author_name")?,
                created_at: int(row, "created_at")?,
            })
        })
        .collect()
}

/// The clinic's chart settings, or `None` while it still runs on the defaults.
pub async fn chart_settings(
    conn: &mut Conn,
    clinic: &ClinicId,
) -> Result<Option<ChartSettings>, StoreError> {
    let row = sqlx::query(
        "SELECT sharing_policy, late_entry_hours FROM chart_settings WHERE clinic_id = $1",
    )
    .bind(clinic.as_str())
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(ChartSettings {
            policy: parsed(
                "sharing_policy",
                &text(&row, "sharing_policy")?,
                SharingPolicy::parse,
            )?,
            late_entry_hours: int(&row, "late_entry_hours")?,
        })
    })
    .transpose()
}

pub async fn save_chart_settings(
    conn: &mut Conn,
    clinic: &ClinicId,
    settings: &ChartSettings,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO chart_settings (clinic_id, sharing_policy, late_entry_hours, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (clinic_id) DO UPDATE SET \
         sharing_policy = excluded.sharing_policy, late_entry_hours = excluded.late_entry_hours, \
         updated_at = excluded.updated_at",
    )
    .bind(clinic.as_str())
    .bind(settings.policy.as_str())
    .bind(settings.late_entry_hours)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Shares a patient's chart with a staff member; sharing twice is harmless. `false` when the
/// share already existed.
pub async fn add_share(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
    user: &UserId,
    by: &UserId,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO chart_share (clinic_id, patient_id, user_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (clinic_id, patient_id, user_id) DO NOTHING",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .bind(user.as_str())
    .bind(by.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn remove_share(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
    user: &UserId,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM chart_share WHERE clinic_id = $1 AND patient_id = $2 AND user_id = $3",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .bind(user.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The staff a patient's chart is shared with: ids and names, by name.
pub async fn shares(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
) -> Result<Vec<(UserId, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT u.id, u.name FROM chart_share c \
         JOIN app_user u ON u.clinic_id = c.clinic_id AND u.id = c.user_id \
         WHERE c.clinic_id = $1 AND c.patient_id = $2 ORDER BY u.name, u.id",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((UserId::from_string(text(row, "id")?), text(row, "name")?)))
        .collect()
}

pub async fn is_shared(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
    user: &UserId,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT 1 AS hit FROM chart_share \
         WHERE clinic_id = $1 AND patient_id = $2 AND user_id = $3",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .bind(user.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// The practitioner records that are this staff member: the one the owner linked on the
/// staff page, or, for a staff member not linked, those whose email is their sign-in email.
pub async fn practitioners_of_user(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
) -> Result<Vec<PractitionerId>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.id FROM practitioner p WHERE p.clinic_id = $1 AND p.id IN (\
         SELECT sp.practitioner_id FROM staff_practitioner sp \
         WHERE sp.clinic_id = $1 AND sp.user_id = $2 \
         UNION SELECT q.id FROM practitioner q \
         JOIN app_user u ON u.clinic_id = q.clinic_id AND u.id = $2 \
         WHERE q.clinic_id = $1 AND q.email IS NOT NULL AND LOWER(q.email) = LOWER(u.email) \
         AND NOT EXISTS (SELECT 1 FROM staff_practitioner s2 \
         WHERE s2.clinic_id = $1 AND s2.user_id = $2)) \
         ORDER BY p.id",
    )
    .bind(clinic.as_str())
    .bind(user.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| text(row, "id").map(PractitionerId::from_string))
        .collect()
}

/// Whether a staff member has treated or is booked with a patient: an appointment (not
/// cancelled) with one of their practitioner records, or a note they wrote.
pub async fn is_own_patient(
    conn: &mut Conn,
    clinic: &ClinicId,
    user: &UserId,
    patient: &PatientId,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT 1 AS hit FROM appointment a \
         WHERE a.clinic_id = $1 AND a.patient_id = $2 \
         AND a.status NOT IN ('cancelled', 'late_cancelled') \
         AND a.practitioner_id IN (\
         SELECT sp.practitioner_id FROM staff_practitioner sp \
         WHERE sp.clinic_id = $1 AND sp.user_id = $3 \
         UNION SELECT q.id FROM practitioner q \
         JOIN app_user u ON u.clinic_id = q.clinic_id AND u.id = $3 \
         WHERE q.clinic_id = $1 AND q.email IS NOT NULL AND LOWER(q.email) = LOWER(u.email) \
         AND NOT EXISTS (SELECT 1 FROM staff_practitioner s2 \
         WHERE s2.clinic_id = $1 AND s2.user_id = $3)) \
         UNION ALL SELECT 1 AS hit FROM treatment_note n \
         WHERE n.clinic_id = $1 AND n.patient_id = $2 AND n.author_id = $3",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .bind(user.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// When the clinic has never saved settings, its defaults apply.
pub async fn chart_settings_or_default(
    conn: &mut Conn,
    clinic: &ClinicId,
) -> Result<ChartSettings, StoreError> {
    Ok(chart_settings(conn, clinic).await?.unwrap_or_default())
}

/// The clinic's active staff, by name: those a chart can be shared with.
pub async fn chart_staff(
    conn: &mut Conn,
    clinic: &ClinicId,
) -> Result<Vec<(UserId, String)>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, name FROM app_user WHERE clinic_id = $1 AND active = 1 ORDER BY name, id",
    )
    .bind(clinic.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((UserId::from_string(text(row, "id")?), text(row, "name")?)))
        .collect()
}
