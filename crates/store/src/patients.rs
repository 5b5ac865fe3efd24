//! Patients' demographic and contact records, scoped by clinic, with a simple search.

use crate::rows::{in_list, opt_text, parsed, text};
use crate::{Conn, Page, PageRequest, StoreError};
use knead_domain::ids::{ClinicId, PatientId};
use knead_domain::patient_record::{EmergencyContact, FamilyDoctor, PhoneKind, Phones};
use knead_domain::setup::{Address, Patient, PatientFields};
use knead_domain::values::{Email, Province};
use sqlx::any::AnyRow;

const COLUMNS: &str = "id, legal_first_name, legal_last_name, preferred_name, date_of_birth, \
     email, phone, address_line1, address_line2, city, province, postal_code, pronouns, \
     mobile_phone, home_phone, work_phone, preferred_phone, emergency_contact_name, \
     emergency_contact_relationship, emergency_contact_phone, family_doctor_name, \
     family_doctor_clinic, family_doctor_phone, family_doctor_fax, desk_notes";

fn from_row(row: &AnyRow) -> Result<Patient, StoreError> {
    let birth = match opt_text(row, "date_of_birth")? {
        Some(raw) => Some(parsed("date_of_birth", &raw, |s| {
            s.parse::<jiff::civil::Date>()
        })?),
        None => None,
    };
    let province = match opt_text(row, "province")? {
        Some(code) => Some(parsed("province", &code, Province::parse)?),
        None => None,
    };
    Ok(Patient {
        id: PatientId::from_string(text(row, "id")?),
        fields: PatientFields {
            legal_first_name: text(row, "legal_first_name")?,
            legal_last_name: text(row, "legal_last_name")?,
            preferred_name: opt_text(row, "preferred_name")?,
            pronouns: opt_text(row, "pronouns")?,
            date_of_birth: birth,
            email: opt_text(row, "email")?.map(Email::from_trusted),
            phone: opt_text(row, "phone")?,
            phones: phones_from_row(row)?,
            address: Address {
                address_line1: opt_text(row, "address_line1")?,
                address_line2: opt_text(row, "address_line2")?,
                city: opt_text(row, "city")?,
                postal_code: opt_text(row, "postal_code")?,
            },
            province,
            emergency_contact: EmergencyContact {
                emergency_contact_name: opt_text(row, "emergency_contact_name")?,
                emergency_contact_relationship: opt_text(row, "emergency_contact_relationship")?,
                emergency_contact_phone: opt_text(row, "emergency_contact_phone")?,
            },
            family_doctor: FamilyDoctor {
                family_doctor_name: opt_text(row, "family_doctor_name")?,
                family_doctor_clinic: opt_text(row, "family_doctor_clinic")?,
                family_doctor_phone: opt_text(row, "family_doctor_phone")?,
                family_doctor_fax: opt_text(row, "family_doctor_fax")?,
            },
            desk_notes: opt_text(row, "desk_notes")?,
        },
    })
}

fn phones_from_row(row: &AnyRow) -> Result<Phones, StoreError> {
    let preferred = match opt_text(row, "preferred_phone")? {
        Some(kind) => Some(parsed("preferred_phone", &kind, PhoneKind::parse)?),
        None => None,
    };
    Ok(Phones {
        mobile_phone: opt_text(row, "mobile_phone")?,
        home_phone: opt_text(row, "home_phone")?,
        work_phone: opt_text(row, "work_phone")?,
        preferred_phone: preferred,
    })
}

/// Binds the record's columns after the first `$n` placeholders, in this order: $3.. the
/// fields of [`COLUMNS`] after `id`, then the search text.
fn bind_fields<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    f: &'q PatientFields,
    search_text: &'q str,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    query
        .bind(&f.legal_first_name)
        .bind(&f.legal_last_name)
        .bind(f.preferred_name.as_deref())
        .bind(f.date_of_birth.map(|d| d.to_string()))
        .bind(f.email.as_ref().map(Email::as_str))
        .bind(f.phone.as_deref())
        .bind(f.address.address_line1.as_deref())
        .bind(f.address.address_line2.as_deref())
        .bind(f.address.city.as_deref())
        .bind(f.province.map(Province::code))
        .bind(f.address.postal_code.as_deref())
        .bind(f.pronouns.as_deref())
        .bind(f.phones.mobile_phone.as_deref())
        .bind(f.phones.home_phone.as_deref())
        .bind(f.phones.work_phone.as_deref())
        .bind(f.phones.preferred_phone.map(PhoneKind::as_str))
        .bind(f.emergency_contact.emergency_contact_name.as_deref())
        .bind(
            f.emergency_contact
                .emergency_contact_relationship
                .as_deref(),
        )
        .bind(f.emergency_contact.emergency_contact_phone.as_deref())
        .bind(f.family_doctor.family_doctor_name.as_deref())
        .bind(f.family_doctor.family_doctor_clinic.as_deref())
        .bind(f.family_doctor.family_doctor_phone.as_deref())
        .bind(f.family_doctor.family_doctor_fax.as_deref())
        .bind(f.desk_notes.as_deref())
        .bind(search_text)
}

/// Inserts a patient. `search_text` is what the search box matches against; a taken email
/// comes back as a unique error on `email`.
pub async fn insert(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &PatientId,
    f: &PatientFields,
    search_text: &str,
    now: i64,
) -> Result<(), StoreError> {
    let query = sqlx::query(
        "INSERT INTO patient (id, clinic_id, legal_first_name, legal_last_name, preferred_name, \
         date_of_birth, email, phone, address_line1, address_line2, city, province, postal_code, \
         pronouns, mobile_phone, home_phone, work_phone, preferred_phone, emergency_contact_name, \
         emergency_contact_relationship, emergency_contact_phone, family_doctor_name, \
         family_doctor_clinic, family_doctor_phone, family_doctor_fax, desk_notes, \
         search_text, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $28)",
    )
    .bind(id.as_str())
    .bind(clinic.as_str());
    bind_fields(query, f, search_text)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn update(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &PatientId,
    f: &PatientFields,
    search_text: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let query = sqlx::query(
        "UPDATE patient SET legal_first_name = $3, legal_last_name = $4, preferred_name = $5, \
         date_of_birth = $6, email = $7, phone = $8, address_line1 = $9, address_line2 = $10, \
         city = $11, province = $12, postal_code = $13, pronouns = $14, mobile_phone = $15, \
         home_phone = $16, work_phone = $17, preferred_phone = $18, \
         emergency_contact_name = $19, emergency_contact_relationship = $20, \
         emergency_contact_phone = $21, family_doctor_name = $22, family_doctor_clinic = $23, \
         family_doctor_phone = $24, family_doctor_fax = $25, desk_notes = $26, \
         search_text = $27, updated_at = $28 \
         WHERE clinic_id = $1 AND id = $2",
    )
    .bind(clinic.as_str())
    .bind(id.as_str());
    let done = bind_fields(query, f, search_text)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &PatientId,
) -> Result<Option<Patient>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM patient WHERE clinic_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The patients among `ids`, in no particular order; ids of no patient of the clinic are
/// passed over.
pub async fn get_many(
    conn: &mut Conn,
    clinic: &ClinicId,
    ids: &[PatientId],
) -> Result<Vec<Patient>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM patient WHERE clinic_id = $1 AND id IN ({})",
        in_list(1, ids.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(clinic.as_str());
    for id in ids {
        query = query.bind(id.as_str());
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(from_row).collect()
}

/// Escapes `%`, `_` and `\` so a search term matches literally inside `LIKE ... ESCAPE '\'`.
fn like_literal(term: &str) -> String {
    term.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Patients in creation order, or those whose search text holds every word of `terms`
/// (already folded by the caller the same way the search text was).
pub async fn list(
    conn: &mut Conn,
    clinic: &ClinicId,
    terms: &[String],
    page: &PageRequest,
) -> Result<Page<Patient>, StoreError> {
    let mut sql = format!("SELECT {COLUMNS} FROM patient WHERE clinic_id = $1 AND id > $2");
    for i in 0..terms.len() {
        sql.push_str(&format!(" AND search_text LIKE ${} ESCAPE '\\'", i + 4));
    }
    sql.push_str(" ORDER BY id LIMIT $3");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(page.after.as_deref().unwrap_or(""))
        .bind(page.limit + 1);
    for term in terms {
        query = query.bind(format!("%{}%", like_literal(term)));
    }
    let rows = query.fetch_all(conn).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, page.limit, |p| p.id.to_string()))
}
