//! Clinics: the tenants. Every other clinic-owned row hangs off one of these.

use crate::rows::{opt_text, parsed, text};
use crate::{Conn, StoreError};
use knead_domain::ids::ClinicId;
use knead_domain::setup::{Address, ClinicProfile};
use knead_domain::values::{Email, Province};
use sqlx::any::AnyRow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClinicRecord {
    pub id: ClinicId,
    pub slug: String,
    pub profile: ClinicProfile,
}

const COLUMNS: &str = "id, slug, legal_name, operating_name, address_line1, address_line2, \
     city, province, postal_code, phone, email, website";

fn from_row(row: &AnyRow) -> Result<ClinicRecord, StoreError> {
    let province = opt_text(row, "province")?;
    let province = match province {
        Some(code) => Some(parsed("province", &code, Province::parse)?),
        None => None,
    };
    Ok(ClinicRecord {
        id: ClinicId::from_string(text(row, "id")?),
        slug: text(row, "slug")?,
        profile: ClinicProfile {
            legal_name: text(row, "legal_name")?,
            operating_name: opt_text(row, "operating_name")?,
            address: Address {
                address_line1: opt_text(row, "address_line1")?,
                address_line2: opt_text(row, "address_line2")?,
                city: opt_text(row, "city")?,
                postal_code: opt_text(row, "postal_code")?,
            },
            province,
            phone: opt_text(row, "phone")?,
            email: opt_text(row, "email")?.map(Email::from_trusted),
            website: opt_text(row, "website")?,
        },
    })
}

/// Inserts a clinic. A taken slug comes back as a unique error on `slug`.
pub async fn insert(
    conn: &mut Conn,
    clinic: &ClinicRecord,
    setup_token_hash: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    let p = &clinic.profile;
    sqlx::query(
        "INSERT INTO clinic (id, slug, legal_name, operating_name, address_line1, address_line2, \
         city, province, postal_code, phone, email, website, setup_token_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(clinic.id.as_str())
    .bind(&clinic.slug)
    .bind(&p.legal_name)
    .bind(p.operating_name.as_deref())
    .bind(p.address.address_line1.as_deref())
    .bind(p.address.address_line2.as_deref())
    .bind(p.address.city.as_deref())
    .bind(p.province.map(Province::code))
    .bind(p.address.postal_code.as_deref())
    .bind(p.phone.as_deref())
    .bind(p.email.as_ref().map(Email::as_str))
    .bind(p.website.as_deref())
    .bind(setup_token_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: &ClinicId) -> Result<Option<ClinicRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM clinic WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find_by_slug(conn: &mut Conn, slug: &str) -> Result<Option<ClinicRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM clinic WHERE slug = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(slug)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The clinic whose pending owner set-up link hashes to `token_hash`.
pub async fn find_by_setup_token(
    conn: &mut Conn,
    token_hash: &str,
) -> Result<Option<ClinicRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM clinic WHERE setup_token_hash = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(token_hash)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn clear_setup_token(conn: &mut Conn, id: &ClinicId) -> Result<(), StoreError> {
    sqlx::query("UPDATE clinic SET setup_token_hash = NULL WHERE id = $1")
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn count(conn: &mut Conn) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM clinic")
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// Every clinic, oldest first: for the CLI on a host that serves several.
pub async fn list(conn: &mut Conn) -> Result<Vec<ClinicRecord>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM clinic ORDER BY created_at, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Replaces the clinic's profile. Returns false when no such clinic exists.
pub async fn update_profile(
    conn: &mut Conn,
    id: &ClinicId,
    p: &ClinicProfile,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE clinic SET legal_name = $2, operating_name = $3, address_line1 = $4, \
         address_line2 = $5, city = $6, province = $7, postal_code = $8, phone = $9, \
         email = $10, website = $11 WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(&p.legal_name)
    .bind(p.operating_name.as_deref())
    .bind(p.address.address_line1.as_deref())
    .bind(p.address.address_line2.as_deref())
    .bind(p.address.city.as_deref())
    .bind(p.province.map(Province::code))
    .bind(p.address.postal_code.as_deref())
    .bind(p.phone.as_deref())
    .bind(p.email.as_ref().map(Email::as_str))
    .bind(p.website.as_deref())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
