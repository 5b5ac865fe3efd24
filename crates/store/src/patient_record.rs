//! The patient record around the demographics: guardians and substitute decision-makers,
//! family links (who books and pays for whom), insurance plans in claim order, and (in
//! [`intake`]) health-history forms and answers. Every query is scoped by clinic.

pub mod intake;

use crate::rows::{bit, flag, int, opt_text, parsed, text};
use crate::{Conn, StoreError};
use knead_domain::ids::{ClinicId, PatientId};
use knead_domain::patient_record::{
    Authority, FamilyLinkFields, GuardianFields, HolderRelationship, InsuranceFields,
};
use sqlx::any::AnyRow;

/// A stored guardian, with the guardian patient's display name when the guardian is one.
#[derive(Clone)]
pub struct GuardianRecord {
    pub id: String,
    pub patient_id: PatientId,
    pub fields: GuardianFields,
}

#[derive(Clone)]
pub struct FamilyLinkRecord {
    pub id: String,
    pub fields: FamilyLinkFields,
}

#[derive(Clone)]
pub struct InsuranceRecord {
    pub id: String,
    pub position: i64,
    pub fields: InsuranceFields,
}

pub async fn insert_guardian(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &str,
    patient: &PatientId,
    g: &GuardianFields,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO patient_guardian (id, clinic_id, patient_id, guardian_patient_id, \
         guardian_name, guardian_phone, relationship, authority, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .bind(g.guardian_patient_id.as_ref().map(PatientId::as_str))
    .bind(g.guardian_name.as_deref())
    .bind(g.guardian_phone.as_deref())
    .bind(&g.relationship)
    .bind(g.authority.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

fn guardian_from_row(row: &AnyRow) -> Result<GuardianRecord, StoreError> {
    Ok(GuardianRecord {
        id: text(row, "id")?,
        patient_id: PatientId::from_string(text(row, "patient_id")?),
        fields: GuardianFields {
            guardian_patient_id: opt_text(row, "guardian_patient_id")?.map(PatientId::from_string),
            guardian_name: opt_text(row, "guardian_name")?,
            guardian_phone: opt_text(row, "guardian_phone")?,
            relationship: text(row, "relationship")?,
            authority: parsed("authority", &text(row, "authority")?, Authority::parse)?,
        },
    })
}

/// The guardians of `patient`, and those `patient` is guardian of (as another patient).
pub async fn guardians(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
) -> Result<Vec<GuardianRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, patient_id, guardian_patient_id, guardian_name, guardian_phone, \
         relationship, authority FROM patient_guardian \
         WHERE clinic_id = $1 AND (patient_id = $2 OR guardian_patient_id = $2) \
         ORDER BY created_at, id",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter().map(guardian_from_row).collect()
}

/// Removes one guardian of `patient`; false when there was none with that id.
pub async fn delete_guardian(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
    id: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM patient_guardian WHERE clinic_id = $1 AND patient_id = $2 AND id = $3",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Inserts a family link; a repeated pair comes back as a unique error.
pub async fn insert_family_link(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &str,
    link: &FamilyLinkFields,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO patient_family_link (id, clinic_id, payer_patient_id, \
         dependant_patient_id, relationship, may_book, may_pay, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(clinic.as_str())
    .bind(link.payer_patient_id.as_str())
    .bind(link.dependant_patient_id.as_str())
    .bind(&link.relationship)
    .bind(bit(link.may_book))
    .bind(bit(link.may_pay))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Links where `patient` is the payer or the dependant.
pub async fn family_links(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
) -> Result<Vec<FamilyLinkRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, payer_patient_id, dependant_patient_id, relationship, may_book, may_pay \
         FROM patient_family_link WHERE clinic_id = $1 \
         AND (payer_patient_id = $2 OR dependant_patient_id = $2) ORDER BY created_at, id",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(FamilyLinkRecord {
                id: text(row, "id")?,
                fields: FamilyLinkFields {
                    payer_patient_id: PatientId::from_string(text(row, "payer_patient_id")?),
                    dependant_patient_id: PatientId::from_string(text(
                        row,
                        "dependant_patient_id",
                    )?),
                    relationship: text(row, "relationship")?,
                    may_book: flag(row, "may_book")?,
                    may_pay: flag(row, "may_pay")?,
                },
            })
        })
        .collect()
}

/// Removes a link `patient` is part of; false when there was none.
pub async fn delete_family_link(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
    id: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM patient_family_link WHERE clinic_id = $1 AND id = $3 \
         AND (payer_patient_id = $2 OR dependant_patient_id = $2)",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

fn insurance_from_row(row: &AnyRow) -> Result<InsuranceRecord, StoreError> {
    let birth = match opt_text(row, "holder_date_of_birth")? {
        Some(raw) => Some(parsed("holder_date_of_birth", &raw, |s| {
            s.parse::<jiff::civil::Date>()
        })?),
        None => None,
    };
    Ok(InsuranceRecord {
        id: text(row, "id")?,
        position: int(row, "position")?,
        fields: InsuranceFields {
            insurer: text(row, "insurer")?,
            plan_number: opt_text(row, "plan_number")?,
            member_number: opt_text(row, "member_number")?,
            holder_relationship: parsed(
                "holder_relationship",
                &text(row, "holder_relationship")?,
                HolderRelationship::parse,
            )?,
            holder_name: opt_text(row, "holder_name")?,
            holder_date_of_birth: birth,
            coverage_notes: opt_text(row, "coverage_notes")?,
        },
    })
}

/// The patient's plans in claim order (primary first).
pub async fn insurance(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
) -> Result<Vec<InsuranceRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, position, insurer, plan_number, member_number, holder_relationship, \
         holder_name, holder_date_of_birth, coverage_notes FROM patient_insurance \
         WHERE clinic_id = $1 AND patient_id = $2 ORDER BY position, id",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter().map(insurance_from_row).collect()
}

/// Adds a plan after the patient's others.
pub async fn insert_insurance(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
    id: &str,
    f: &InsuranceFields,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO patient_insurance (id, clinic_id, patient_id, position, insurer, \
         plan_number, member_number, holder_relationship, holder_name, holder_date_of_birth, \
         coverage_notes, created_at, updated_at) \
         SELECT $1, $2, $3, CAST(COALESCE(MAX(position), 0) AS BIGINT) + 1, $4, $5, $6, $7, \
         $8, $9, $10, $11, $11 FROM patient_insurance WHERE clinic_id = $2 AND patient_id = $3",
    )
    .bind(id)
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .bind(&f.insurer)
    .bind(f.plan_number.as_deref())
    .bind(f.member_number.as_deref())
    .bind(f.holder_relationship.as_str())
    .bind(f.holder_name.as_deref())
    .bind(f.holder_date_of_birth.map(|d| d.to_string()))
    .bind(f.coverage_notes.as_deref())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a plan; false when the patient has none with that id.
pub async fn delete_insurance(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
    id: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM patient_insurance WHERE clinic_id = $1 AND patient_id = $2 AND id = $3",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets a plan's position (the caller renumbers every plan in one transaction).
pub async fn set_insurance_position(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
    id: &str,
    position: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE patient_insurance SET position = $4, updated_at = $5 \
         WHERE clinic_id = $1 AND patient_id = $2 AND id = $3",
    )
    .bind(clinic.as_str())
    .bind(patient.as_str())
    .bind(id)
    .bind(position)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
