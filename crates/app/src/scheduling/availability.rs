//! Open slots: availability minus occupied time, on the grid, within notice and horizon.

use super::hours::{block_of, closed_days};
use super::zone_of;
use crate::{App, AppError, Staff};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use knead_domain::Permission;
use knead_domain::appointment::BookingPolicy;
use knead_domain::booking;
use knead_domain::ids::{ClinicId, LocationId, PractitionerId, ServiceId};
use knead_domain::schedule::{
    Availability, DateRange, ExtraShift, Interval, LocalSpan, SlotQuery, open_slots,
};
use knead_domain::setup::{Location, Practitioner, Service};
use knead_store::{Conn, appointments, schedule as store, setup as setup_store};
use serde::Deserialize;

/// What the availability search asks for. Dates are local to the location, inclusive.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AvailabilityQuery {
    pub service_id: Option<String>,
    pub location_id: Option<String>,
    pub practitioner_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// One bookable time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenSlot {
    pub start: Timestamp,
    pub end: Timestamp,
    /// `start` as RFC 3339 with the location's offset at that instant.
    pub start_text: String,
    pub end_text: String,
    pub practitioner_id: PractitionerId,
}

fn parse_local(raw: &str) -> Option<DateTime> {
    raw.parse().ok()
}

/// Everything about one practitioner's working time at one location over a date range.
pub(crate) async fn practitioner_intervals(
    conn: &mut Conn,
    clinic: &ClinicId,
    practitioner: &PractitionerId,
    location: &Location,
    range: DateRange,
) -> Result<Vec<Interval>, AppError> {
    let tz = zone_of(location)?;
    let from = range.from().yesterday().unwrap_or(range.from());
    let to = range.to().tomorrow().unwrap_or(range.to());
    let (from_local, until_local) = super::hours::local_bounds(from, to)?;
    let hours = store::hours(conn, clinic, Some(practitioner), Some(&location.id)).await?;
    let weekly = hours.iter().map(block_of).collect::<Result<Vec<_>, _>>()?;
    let exceptions =
        store::exceptions(conn, clinic, Some(practitioner), &from_local, &until_local).await?;
    let closures =
        store::closures(conn, clinic, Some(&location.id), &from_local, &until_local).await?;
    let province = location.fields.province;
    let changes = store::holiday_changes(conn, clinic, province.code()).await?;
    let years: Vec<i16> = (from.year()..=to.year()).collect();
    let mut availability = Availability {
        weekly,
        extra_shifts: Vec::new(),
        time_off: Vec::new(),
        closures: Vec::new(),
        holidays: closed_days(province, &years, &changes),
    };
    for e in &exceptions {
        let (Some(start), Some(end)) = (parse_local(&e.starts_local), parse_local(&e.ends_local))
        else {
            continue;
        };
        let here = e.location_id.as_ref().is_none_or(|l| l == &location.id);
        match e.kind.as_str() {
            "time_off" if here => availability.time_off.push(LocalSpan { start, end }),
            "extra_shift" if here => availability.extra_shifts.push(ExtraShift {
                date: start.date(),
                start: start.time(),
                end: end.time(),
            }),
            _ => {}
        }
    }
    for c in &closures {
        if let (Some(start), Some(end)) = (parse_local(&c.starts_local), parse_local(&c.ends_local))
        {
            availability.closures.push(LocalSpan { start, end });
        }
    }
    Ok(availability.intervals(&tz, range))
}

/// Occupied intervals of a practitioner's appointments touching `[from, until)`.
pub(crate) async fn occupied(
    conn: &mut Conn,
    clinic: &ClinicId,
    practitioner: &PractitionerId,
    from: Timestamp,
    until: Timestamp,
) -> Result<Vec<Interval>, AppError> {
    let rows = appointments::occupied(
        conn,
        clinic,
        practitioner,
        from.as_second(),
        until.as_second(),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(a, b)| {
            Some(Interval::new(
                Timestamp::from_second(a).ok()?,
                Timestamp::from_second(b).ok()?,
            ))
        })
        .collect())
}

/// Whether the practitioner gives this service: a service with no practitioners listed is
/// given by everyone.
pub(crate) fn offers(service: &Service, practitioner: &Practitioner) -> bool {
    service.fields.practitioner_ids.is_empty()
        || service.fields.practitioner_ids.contains(&practitioner.id)
}

/// The grid step: the policy's when the clinic set one, else the location's.
pub(crate) fn grid_step(policy: &BookingPolicy, location: &Location) -> i64 {
    policy
        .slot_step_minutes
        .unwrap_or(location.fields.slot_step_minutes)
}

fn required<'a>(field: &str, value: &'a Option<String>) -> Result<&'a str, AppError> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(AppError::invalid(field, "is required")),
    }
}

impl App {
    /// Open slots for a service at a location over local dates `from..=to`, for one
    /// practitioner or every one who gives the service there. Notice and horizon apply:
    /// these are the times offered for booking; staff may book others on purpose.
    pub async fn availability(
        &self,
        staff: &Staff,
        query: &AvailabilityQuery,
    ) -> Result<Vec<OpenSlot>, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let service_id = ServiceId::from_string(required("service_id", &query.service_id)?);
        let location_id = LocationId::from_string(required("location_id", &query.location_id)?);
        let from = booking::date(required("from", &query.from)?)
            .map_err(|e| AppError::invalid("from", e.0))?;
        let to =
            booking::date(required("to", &query.to)?).map_err(|e| AppError::invalid("to", e.0))?;
        let range = DateRange::new(from, to)?;
        let mut conn = self.store.read().await?;
        let clinic = &staff.clinic_id;
        let location = setup_store::get_location(&mut conn, clinic, &location_id)
            .await?
            .ok_or_else(|| AppError::invalid("location_id", "names no location of this clinic"))?;
        let service = setup_store::get_service(&mut conn, clinic, &service_id)
            .await?
            .ok_or_else(|| AppError::invalid("service_id", "names no service of this clinic"))?;
        let candidates = self
            .candidates(&mut conn, clinic, &service, &location, query)
            .await?;
        let policy = store::current_policy(&mut conn, clinic)
            .await?
            .unwrap_or_default();
        let tz = zone_of(&location)?;
        let slot_query = SlotQuery {
            range,
            duration: service.fields.duration_minutes,
            buffer_before: service.fields.buffer_before_minutes,
            buffer_after: service.fields.buffer_after_minutes,
            step: grid_step(&policy, &location),
            now: self.clock.now(),
            minimum_notice: Some(policy.minimum_notice_minutes),
            horizon_days: Some(policy.horizon_days),
        };
        let mut slots = Vec::new();
        for practitioner in candidates {
            let intervals =
                practitioner_intervals(&mut conn, clinic, &practitioner.id, &location, range)
                    .await?;
            let (Some(first), Some(last)) = (intervals.first(), intervals.last()) else {
                continue;
            };
            let busy = occupied(&mut conn, clinic, &practitioner.id, first.start, last.end).await?;
            for slot in open_slots(&tz, &slot_query, &intervals, &busy)? {
                slots.push(OpenSlot {
                    start_text: slot.start_rfc3339(),
                    end_text: slot
                        .end
                        .display_with_offset(tz.to_offset(slot.end))
                        .to_string(),
                    start: slot.start,
                    end: slot.end,
                    practitioner_id: practitioner.id.clone(),
                });
            }
        }
        slots.sort_by(|a, b| (a.start, &a.practitioner_id).cmp(&(b.start, &b.practitioner_id)));
        Ok(slots)
    }

    /// The active practitioners who give `service` at `location`, or the one asked for.
    async fn candidates(
        &self,
        conn: &mut Conn,
        clinic: &ClinicId,
        service: &Service,
        location: &Location,
        query: &AvailabilityQuery,
    ) -> Result<Vec<Practitioner>, AppError> {
        let page = knead_store::PageRequest {
            limit: 500,
            after: None,
        };
        let all = setup_store::list_practitioners(conn, clinic, &page)
            .await?
            .items;
        let eligible = |p: &Practitioner| {
            p.fields.active && p.fields.location_ids.contains(&location.id) && offers(service, p)
        };
        match query
            .practitioner_id
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => Ok(all.into_iter().filter(eligible).collect()),
            Some(id) => {
                let wanted = all.into_iter().find(|p| p.id.as_str() == id);
                match wanted {
                    Some(p) if eligible(&p) => Ok(vec![p]),
                    Some(_) => Err(AppError::invalid(
                        "practitioner_id",
                        "does not give this service at this location",
                    )),
                    None => Err(AppError::invalid(
                        "practitioner_id",
                        "names no practitioner of this clinic",
                    )),
                }
            }
        }
    }
}

/// The local date of an instant in a location's zone.
pub(crate) fn local_date(at: Timestamp, tz: &jiff::tz::TimeZone) -> Date {
    at.to_zoned_datetime(tz.clone()).date()
}
