//! Whom and where an import writes for: the practitioner, the location and its zone, the
//! services its appointments may use, and the window from now to the end of the booking
//! horizon. Each refusal names the option to change and lists what may be chosen.

use super::IcsImport;
use crate::scheduling::zone_of;
use crate::{AppError, PageRequest};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use knead_domain::ids::{ClinicId, LocationId, PractitionerId, ServiceId};
use knead_domain::setup::{Location, Practitioner, Service};
use knead_store::{Conn, schedule, setup};

/// Everything the plan needs to know about the clinic before it reads the file.
pub(crate) struct Target {
    pub practitioner: Practitioner,
    pub location: Location,
    pub zone: TimeZone,
    /// The services an appointment may get: the one asked for, or every active service the
    /// practitioner gives.
    pub services: Vec<Service>,
    /// Occurrences starting in `[from, until)` are imported.
    pub from: Timestamp,
    pub until: Timestamp,
}

impl Target {
    /// The service for an appointment of `minutes`: the only one asked for, else the one
    /// whose duration is nearest (the same, when the practitioner gives one that long).
    pub(crate) fn service_for(&self, minutes: i64) -> Option<&Service> {
        // Known shortcoming: an event whose length matches no service takes the nearest
        // one (the longer on a tie) and keeps its own times; the report does not yet say
        // which service it got.
        self.services.iter().min_by_key(|s| {
            let length = s.fields.duration_minutes;
            ((length - minutes).abs(), -length)
        })
    }
}

/// Loads and checks the practitioner, location and service named by `input`.
pub(crate) async fn load(
    conn: &mut Conn,
    clinic: &ClinicId,
    input: &IcsImport<'_>,
    now: Timestamp,
) -> Result<Target, AppError> {
    let practitioner = practitioner(conn, clinic, input.practitioner_id).await?;
    let location = location(conn, clinic, &practitioner, input.location_id).await?;
    let zone = zone_of(&location)?;
    let services = services(conn, clinic, &practitioner, input.service_id).await?;
    let policy = schedule::current_policy(conn, clinic)
        .await?
        .unwrap_or_default();
    let until = window_end(now, &zone, policy.horizon_days)?;
    Ok(Target {
        practitioner,
        location,
        zone,
        services,
        from: now,
        until,
    })
}

/// The start of the local day after today plus `horizon_days`: a slot is bookable online
/// when its local date is at most today plus the horizon, and the import takes the same days.
pub(crate) fn window_end(
    now: Timestamp,
    zone: &TimeZone,
    horizon_days: i64,
) -> Result<Timestamp, AppError> {
    let today = now.to_zoned_datetime(zone.clone()).date();
    let last = today
        .checked_add((horizon_days + 1).days())
        .map_err(AppError::internal)?;
    let end = last
        .to_zoned_datetime(zone.clone())
        .map_err(AppError::internal)?;
    Ok(end.timestamp())
}

async fn practitioner(
    conn: &mut Conn,
    clinic: &ClinicId,
    id: &str,
) -> Result<Practitioner, AppError> {
    let id = PractitionerId::from_string(id.trim());
    match setup::get_practitioner(conn, clinic, &id).await? {
        Some(found) if found.fields.active => Ok(found),
        Some(_) => Err(AppError::invalid(
            "practitioner",
            format!("'{id}' is no longer active"),
        )),
        None => {
            let all = setup::list_practitioners(conn, clinic, &every()).await?;
            let choices: Vec<String> = all
                .items
                .iter()
                .filter(|p| p.fields.active)
                .map(|p| format!("{} ({})", p.id, p.fields.name))
                .collect();
            Err(AppError::invalid(
                "practitioner",
                format!(
                    "'{id}' names no practitioner of this clinic; choose one of: {}",
                    list_or_none(&choices)
                ),
            ))
        }
    }
}

async fn location(
    conn: &mut Conn,
    clinic: &ClinicId,
    practitioner: &Practitioner,
    asked: Option<&str>,
) -> Result<Location, AppError> {
    let ids = &practitioner.fields.location_ids;
    let id = match (asked.map(str::trim), ids.as_slice()) {
        (Some(asked), _) if ids.iter().any(|l| l.as_str() == asked) => {
            LocationId::from_string(asked)
        }
        (None, [only]) => only.clone(),
        (asked, _) => {
            let mut choices = Vec::new();
            for id in ids {
                if let Some(l) = setup::get_location(conn, clinic, id).await? {
                    choices.push(format!("{} ({})", l.id, l.fields.name));
                }
            }
            let problem = match asked {
                Some(asked) => format!("'{asked}' is not one of the practitioner's locations"),
                None if ids.is_empty() => "the practitioner works at no location yet".to_owned(),
                None => "the practitioner works at several locations".to_owned(),
            };
            let message = format!("{problem}; choose one of: {}", list_or_none(&choices));
            return Err(AppError::invalid("location", message));
        }
    };
    setup::get_location(conn, clinic, &id)
        .await?
        .ok_or_else(|| AppError::invalid("location", format!("'{id}' names no location")))
}

async fn services(
    conn: &mut Conn,
    clinic: &ClinicId,
    practitioner: &Practitioner,
    asked: Option<&str>,
) -> Result<Vec<Service>, AppError> {
    let all = setup::list_services(conn, clinic, &every()).await?.items;
    let mut given: Vec<Service> = all
        .into_iter()
        .filter(|s| s.fields.active)
        .filter(|s| {
            s.fields.practitioner_ids.is_empty()
                || s.fields.practitioner_ids.contains(&practitioner.id)
        })
        .collect();
    given.sort_by(|a, b| a.fields.name.cmp(&b.fields.name));
    let Some(asked) = asked.map(str::trim) else {
        return Ok(given);
    };
    let asked_id = ServiceId::from_string(asked);
    if let Some(found) = given.iter().find(|s| s.id == asked_id) {
        return Ok(vec![found.clone()]);
    }
    let choices: Vec<String> = given
        .iter()
        .map(|s| {
            format!(
                "{} ({}, {} min)",
                s.id, s.fields.name, s.fields.duration_minutes
            )
        })
        .collect();
    Err(AppError::invalid(
        "service",
        format!(
            "'{asked}' is not an active service this practitioner gives; choose one of: {}",
            list_or_none(&choices)
        ),
    ))
}

/// A clinic has a handful of practitioners and services: one page holds them all.
fn every() -> PageRequest {
    PageRequest {
        limit: 500,
        after: None,
    }
}

fn list_or_none(choices: &[String]) -> String {
    if choices.is_empty() {
        "(none)".to_owned()
    } else {
        choices.join(", ")
    }
}
