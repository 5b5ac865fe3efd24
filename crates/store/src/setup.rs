//! Locations, rooms, practitioners and services: the clinic's setup, always scoped by clinic.

use crate::rows::{bit, flag, in_list, int, opt_text, parsed, text};
use crate::{Conn, Page, PageRequest, StoreError};
use knead_domain::Money;
use knead_domain::ids::{ClinicId, LocationId, PractitionerId, RoomId, ServiceId};
use knead_domain::setup::{
    Address, Location, LocationFields, Practitioner, PractitionerFields, Registration,
    RegistrationStatus, Room, RoomFields, Service, ServiceFields, TaxCode,
};
use knead_domain::values::{Email, Province, Zone};
use sqlx::any::AnyRow;
use std::collections::HashMap;

fn address(row: &AnyRow) -> Result<Address, StoreError> {
    Ok(Address {
        address_line1: opt_text(row, "address_line1")?,
        address_line2: opt_text(row, "address_line2")?,
        city: opt_text(row, "city")?,
        postal_code: opt_text(row, "postal_code")?,
    })
}

fn province(row: &AnyRow) -> Result<Province, StoreError> {
    parsed("province", &text(row, "province")?, Province::parse)
}

// ---- locations -------------------------------------------------------------------------

const LOCATION_COLUMNS: &str = "id, name, address_line1, address_line2, city, province, \
     postal_code, time_zone, phone, slot_step_minutes, active";

fn location_from_row(row: &AnyRow) -> Result<Location, StoreError> {
    Ok(Location {
        id: LocationId::from_string(text(row, "id")?),
        fields: LocationFields {
            name: text(row, "name")?,
            address: address(row)?,
            province: province(row)?,
            time_zone: Zone::from_trusted(text(row, "time_zone")?),
            phone: opt_text(row, "phone")?,
            slot_step_minutes: int(row, "slot_step_minutes")?,
            active: flag(row, "active")?,
        },
    })
}

pub async fn insert_location(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &LocationId,
    f: &LocationFields,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO location (id, clinic_id, name, address_line1, address_line2, city, province, \
         postal_code, time_zone, phone, slot_step_minutes, active, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
    )
    .bind(id.as_str())
    .bind(clinic.as_str())
    .bind(&f.name)
    .bind(f.address.address_line1.as_deref())
    .bind(f.address.address_line2.as_deref())
    .bind(f.address.city.as_deref())
    .bind(f.province.code())
    .bind(f.address.postal_code.as_deref())
    .bind(f.time_zone.as_str())
    .bind(f.phone.as_deref())
    .bind(f.slot_step_minutes)
    .bind(bit(f.active))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces a location's fields. Returns false when the clinic has no such location.
pub async fn update_location(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &LocationId,
    f: &LocationFields,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE location SET name = $3, address_line1 = $4, address_line2 = $5, city = $6, \
         province = $7, postal_code = $8, time_zone = $9, phone = $10, slot_step_minutes = $11, \
         active = $12, updated_at = $13 WHERE clinic_id = $1 AND id = $2",
    )
    .bind(clinic.as_str())
    .bind(id.as_str())
    .bind(&f.name)
    .bind(f.address.address_line1.as_deref())
    .bind(f.address.address_line2.as_deref())
    .bind(f.address.city.as_deref())
    .bind(f.province.code())
    .bind(f.address.postal_code.as_deref())
    .bind(f.time_zone.as_str())
    .bind(f.phone.as_deref())
    .bind(f.slot_step_minutes)
    .bind(bit(f.active))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get_location(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &LocationId,
) -> Result<Option<Location>, StoreError> {
    let sql = format!("SELECT {LOCATION_COLUMNS} FROM location WHERE clinic_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(location_from_row).transpose()
}

pub async fn list_locations(
    conn: &mut Conn,
    clinic: &ClinicId,
    page: &PageRequest,
) -> Result<Page<Location>, StoreError> {
    let sql = format!(
        "SELECT {LOCATION_COLUMNS} FROM location WHERE clinic_id = $1 AND id > $2 \
         ORDER BY id LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(page.after.as_deref().unwrap_or(""))
        .bind(page.limit + 1)
        .fetch_all(conn)
        .await?;
    let items = rows
        .iter()
        .map(location_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, page.limit, |l| l.id.to_string()))
}

// ---- rooms -----------------------------------------------------------------------------

fn room_from_row(row: &AnyRow) -> Result<Room, StoreError> {
    Ok(Room {
        id: RoomId::from_string(text(row, "id")?),
        location_id: LocationId::from_string(text(row, "location_id")?),
        name: text(row, "name")?,
        active: flag(row, "active")?,
    })
}

/// Inserts a room; a location of another clinic is a foreign-key error.
pub async fn insert_room(
    conn: &mut Conn,
    clinic: &ClinicId,
    location: &LocationId,
    id: &RoomId,
    f: &RoomFields,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO room (id, clinic_id, location_id, name, active) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.as_str())
    .bind(clinic.as_str())
    .bind(location.as_str())
    .bind(&f.name)
    .bind(bit(f.active))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_room(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &RoomId,
    f: &RoomFields,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("UPDATE room SET name = $3, active = $4 WHERE clinic_id = $1 AND id = $2")
            .bind(clinic.as_str())
            .bind(id.as_str())
            .bind(&f.name)
            .bind(bit(f.active))
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn get_room(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &RoomId,
) -> Result<Option<Room>, StoreError> {
    let row = sqlx::query(
        "SELECT id, location_id, name, active FROM room WHERE clinic_id = $1 AND id = $2",
    )
    .bind(clinic.as_str())
    .bind(id.as_str())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(room_from_row).transpose()
}

/// Rooms of one location, or of every location when `location` is `None`.
pub async fn list_rooms(
    conn: &mut Conn,
    clinic: &ClinicId,
    location: Option<&LocationId>,
    page: &PageRequest,
) -> Result<Page<Room>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, location_id, name, active FROM room WHERE clinic_id = $1 \
         AND ($2 = '' OR location_id = $2) AND id > $3 ORDER BY id LIMIT $4",
    )
    .bind(clinic.as_str())
    .bind(location.map(LocationId::as_str).unwrap_or(""))
    .bind(page.after.as_deref().unwrap_or(""))
    .bind(page.limit + 1)
    .fetch_all(conn)
    .await?;
    let items = rows
        .iter()
        .map(room_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_rows(items, page.limit, |r| r.id.to_string()))
}

// ---- practitioners ---------------------------------------------------------------------

/// Writes a practitioner's registrations and locations, replacing what was there.
async fn replace_practitioner_links(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &PractitionerId,
    f: &PractitionerFields,
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM practitioner_registration WHERE clinic_id = $1 AND practitioner_id = $2",
    )
    .bind(clinic.as_str())
    .bind(id.as_str())
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM practitioner_location WHERE clinic_id = $1 AND practitioner_id = $2")
        .bind(clinic.as_str())
        .bind(id.as_str())
        .execute(&mut *conn)
        .await?;
    for r in &f.registrations {
        sqlx::query(
            "INSERT INTO practitioner_registration (clinic_id, practitioner_id, province, college, \
             number, status) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(clinic.as_str())
        .bind(id.as_str())
        .bind(r.province.code())
        .bind(&r.college)
        .bind(&r.number)
        .bind(r.status.as_str())
        .execute(&mut *conn)
        .await?;
    }
    for location in &f.location_ids {
        sqlx::query(
            "INSERT INTO practitioner_location (clinic_id, practitioner_id, location_id) \
             VALUES ($1, $2, $3)",
        )
        .bind(clinic.as_str())
        .bind(id.as_str())
        .bind(location.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn insert_practitioner(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &PractitionerId,
    f: &PractitionerFields,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO practitioner (id, clinic_id, name, profession, email, active, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(id.as_str())
    .bind(clinic.as_str())
    .bind(&f.name)
    .bind(&f.profession)
    .bind(f.email.as_ref().map(Email::as_str))
    .bind(bit(f.active))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    replace_practitioner_links(conn, clinic, id, f).await
}

pub async fn update_practitioner(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &PractitionerId,
    f: &PractitionerFields,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE practitioner SET name = $3, profession = $4, email = $5, active = $6, \
         updated_at = $7 WHERE clinic_id = $1 AND id = $2",
    )
    .bind(clinic.as_str())
    .bind(id.as_str())
    .bind(&f.name)
    .bind(&f.profession)
    .bind(f.email.as_ref().map(Email::as_str))
    .bind(bit(f.active))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    replace_practitioner_links(conn, clinic, id, f).await?;
    Ok(true)
}

/// What a practitioner links to: registrations (by province) and locations.
type Links = (Vec<Registration>, Vec<LocationId>);

/// The registrations and locations of each practitioner in `ids`, two queries in all.
async fn practitioner_links(
    conn: &mut Conn,
    clinic: &ClinicId,
    ids: &[PractitionerId],
) -> Result<HashMap<String, Links>, StoreError> {
    let mut links: HashMap<String, Links> = ids
        .iter()
        .map(|id| (id.to_string(), Links::default()))
        .collect();
    if ids.is_empty() {
        return Ok(links);
    }
    let marks = in_list(1, ids.len());
    let sql = format!(
        "SELECT practitioner_id, province, college, number, status \
         FROM practitioner_registration WHERE clinic_id = $1 AND practitioner_id IN ({marks}) \
         ORDER BY practitioner_id, province"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(clinic.as_str());
    for id in ids {
        query = query.bind(id.as_str());
    }
    for row in query.fetch_all(&mut *conn).await? {
        let registration = Registration {
            province: province(&row)?,
            college: text(&row, "college")?,
            number: text(&row, "number")?,
            status: parsed("status", &text(&row, "status")?, RegistrationStatus::parse)?,
        };
        let entry = links.entry(text(&row, "practitioner_id")?).or_default();
        entry.0.push(registration);
    }
    let sql = format!(
        "SELECT practitioner_id, location_id FROM practitioner_location \
         WHERE clinic_id = $1 AND practitioner_id IN ({marks}) \
         ORDER BY practitioner_id, location_id"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(clinic.as_str());
    for id in ids {
        query = query.bind(id.as_str());
    }
    for row in query.fetch_all(conn).await? {
        let location = LocationId::from_string(text(&row, "location_id")?);
        let entry = links.entry(text(&row, "practitioner_id")?).or_default();
        entry.1.push(location);
    }
    Ok(links)
}

/// Practitioners from their rows, with their links fetched together.
async fn practitioners_from_rows(
    conn: &mut Conn,
    clinic: &ClinicId,
    rows: &[AnyRow],
) -> Result<Vec<Practitioner>, StoreError> {
    let ids = rows
        .iter()
        .map(|row| Ok(PractitionerId::from_string(text(row, "id")?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut links = practitioner_links(conn, clinic, &ids).await?;
    rows.iter()
        .zip(ids)
        .map(|(row, id)| {
            let (registrations, location_ids) = links.remove(id.as_str()).unwrap_or_default();
            Ok(Practitioner {
                id,
                fields: PractitionerFields {
                    name: text(row, "name")?,
                    profession: text(row, "profession")?,
                    email: opt_text(row, "email")?.map(Email::from_trusted),
                    registrations,
                    location_ids,
                    active: flag(row, "active")?,
                },
            })
        })
        .collect()
}

pub async fn get_practitioner(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &PractitionerId,
) -> Result<Option<Practitioner>, StoreError> {
    let row = sqlx::query(
        "SELECT id, name, profession, email, active FROM practitioner \
         WHERE clinic_id = $1 AND id = $2",
    )
    .bind(clinic.as_str())
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(practitioners_from_rows(conn, clinic, &[row]).await?.pop())
}

pub async fn list_practitioners(
    conn: &mut Conn,
    clinic: &ClinicId,
    page: &PageRequest,
) -> Result<Page<Practitioner>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, name, profession, email, active FROM practitioner \
         WHERE clinic_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(clinic.as_str())
    .bind(page.after.as_deref().unwrap_or(""))
    .bind(page.limit + 1)
    .fetch_all(&mut *conn)
    .await?;
    let items = practitioners_from_rows(conn, clinic, &rows).await?;
    Ok(Page::from_rows(items, page.limit, |p| p.id.to_string()))
}

// ---- services --------------------------------------------------------------------------

const SERVICE_COLUMNS: &str = "id, name, duration_minutes, price_cents, tax_code, \
     buffer_before_minutes, buffer_after_minutes, online_bookable, active";

async fn replace_service_practitioners(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &ServiceId,
    f: &ServiceFields,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM service_practitioner WHERE clinic_id = $1 AND service_id = $2")
        .bind(clinic.as_str())
        .bind(id.as_str())
        .execute(&mut *conn)
        .await?;
    for practitioner in &f.practitioner_ids {
        sqlx::query(
            "INSERT INTO service_practitioner (clinic_id, service_id, practitioner_id) \
             VALUES ($1, $2, $3)",
        )
        .bind(clinic.as_str())
        .bind(id.as_str())
        .bind(practitioner.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn insert_service(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &ServiceId,
    f: &ServiceFields,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO service (id, clinic_id, name, duration_minutes, price_cents, tax_code, \
         buffer_before_minutes, buffer_after_minutes, online_bookable, active, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(id.as_str())
    .bind(clinic.as_str())
    .bind(&f.name)
    .bind(f.duration_minutes)
    .bind(f.price.cents())
    .bind(f.tax_code.as_str())
    .bind(f.buffer_before_minutes)
    .bind(f.buffer_after_minutes)
    .bind(bit(f.online_bookable))
    .bind(bit(f.active))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    replace_service_practitioners(conn, clinic, id, f).await
}

pub async fn update_service(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &ServiceId,
    f: &ServiceFields,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE service SET name = $3, duration_minutes = $4, price_cents = $5, tax_code = $6, \
         buffer_before_minutes = $7, buffer_after_minutes = $8, online_bookable = $9, \
         active = $10, updated_at = $11 WHERE clinic_id = $1 AND id = $2",
    )
    .bind(clinic.as_str())
    .bind(id.as_str())
    .bind(&f.name)
    .bind(f.duration_minutes)
    .bind(f.price.cents())
    .bind(f.tax_code.as_str())
    .bind(f.buffer_before_minutes)
    .bind(f.buffer_after_minutes)
    .bind(bit(f.online_bookable))
    .bind(bit(f.active))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    replace_service_practitioners(conn, clinic, id, f).await?;
    Ok(true)
}

/// Services from their rows, with the practitioners who give them fetched in one query.
async fn services_from_rows(
    conn: &mut Conn,
    clinic: &ClinicId,
    rows: &[AnyRow],
) -> Result<Vec<Service>, StoreError> {
    let ids = rows
        .iter()
        .map(|row| Ok(ServiceId::from_string(text(row, "id")?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut givers: HashMap<String, Vec<PractitionerId>> = HashMap::new();
    if !ids.is_empty() {
        let sql = format!(
            "SELECT service_id, practitioner_id FROM service_practitioner WHERE clinic_id = $1 \
             AND service_id IN ({}) ORDER BY service_id, practitioner_id",
            in_list(1, ids.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(clinic.as_str());
        for id in &ids {
            query = query.bind(id.as_str());
        }
        for link in query.fetch_all(conn).await? {
            let practitioner = PractitionerId::from_string(text(&link, "practitioner_id")?);
            givers
                .entry(text(&link, "service_id")?)
                .or_default()
                .push(practitioner);
        }
    }
    rows.iter()
        .zip(ids)
        .map(|(row, id)| {
            let practitioner_ids = givers.remove(id.as_str()).unwrap_or_default();
            Ok(Service {
                id,
                fields: ServiceFields {
                    name: text(row, "name")?,
                    duration_minutes: int(row, "duration_minutes")?,
                    price: Money::from_cents(int(row, "price_cents")?),
                    tax_code: parsed("tax_code", &text(row, "tax_code")?, TaxCode::parse)?,
                    buffer_before_minutes: int(row, "buffer_before_minutes")?,
                    buffer_after_minutes: int(row, "buffer_after_minutes")?,
                    online_bookable: flag(row, "online_bookable")?,
                    practitioner_ids,
                    active: flag(row, "active")?,
                },
            })
        })
        .collect()
}

pub async fn get_service(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &ServiceId,
) -> Result<Option<Service>, StoreError> {
    let sql = format!("SELECT {SERVICE_COLUMNS} FROM service WHERE clinic_id = $1 AND id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(id.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(services_from_rows(conn, clinic, &[row]).await?.pop())
}

pub async fn list_services(
    conn: &mut Conn,
    clinic: &ClinicId,
    page: &PageRequest,
) -> Result<Page<Service>, StoreError> {
    let sql = format!(
        "SELECT {SERVICE_COLUMNS} FROM service WHERE clinic_id = $1 AND id > $2 \
         ORDER BY id LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(clinic.as_str())
        .bind(page.after.as_deref().unwrap_or(""))
        .bind(page.limit + 1)
        .fetch_all(&mut *conn)
        .await?;
    let items = services_from_rows(conn, clinic, &rows).await?;
    Ok(Page::from_rows(items, page.limit, |s| s.id.to_string()))
}
