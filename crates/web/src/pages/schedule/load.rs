//! What the schedule pages read from the application: the location shown and its grid step,
//! the practitioners working there, when each is available (weekly hours, exceptions,
//! closures, holidays), and the names an appointment block shows.
//!
//! Availability is computed with the domain's own rules from what the application lists, so
//! the grid shades exactly the time the booking rules treat as open.

use super::time::{add_days, zone};
use crate::AppState;
use crate::pages::view::everything;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use knead_app::scheduling::{ClosureView, ExceptionView, HolidayView, HoursView};
use knead_app::{AppError, Staff};
use knead_domain::booking::{self, AppointmentView};
use knead_domain::ids::{LocationId, PatientId};
use knead_domain::schedule::{
    Availability, DateRange, ExtraShift, Interval, LocalSpan, WeeklyBlock,
};
use knead_domain::setup::{Location, Practitioner, Service};
use std::collections::{BTreeSet, HashMap};

/// The location a schedule page shows, the others to switch to, its zone and grid step.
pub(super) struct Place {
    pub location: Location,
    pub locations: Vec<Location>,
    pub tz: TimeZone,
    pub step: i64,
}

impl Place {
    pub fn id(&self) -> &str {
        self.location.id.as_str()
    }

    pub fn zone_name(&self) -> &str {
        self.location.fields.time_zone.as_str()
    }
}

/// The location asked for, else the first one in use; `None` when the clinic has none.
pub(super) async fn place(
    state: &AppState,
    staff: &Staff,
    wanted: Option<&str>,
) -> Result<Option<Place>, AppError> {
    let locations = state.app.locations(staff, &everything()?).await?.items;
    let chosen = match wanted.map(str::trim).filter(|w| !w.is_empty()) {
        Some(id) => Some(
            state
                .app
                .location(staff, &LocationId::from_string(id))
                .await?,
        ),
        None => locations
            .iter()
            .find(|l| l.fields.active)
            .or(locations.first())
            .cloned(),
    };
    let Some(location) = chosen else {
        return Ok(None);
    };
    let policy = state.app.booking_policy(staff).await?;
    let step = policy
        .slot_step_minutes
        .unwrap_or(location.fields.slot_step_minutes);
    Ok(Some(Place {
        tz: zone(&location)?,
        location,
        locations,
        step,
    }))
}

/// Every practitioner of the clinic, in the order the clinic lists them.
pub(super) async fn practitioners(
    state: &AppState,
    staff: &Staff,
) -> Result<Vec<Practitioner>, AppError> {
    Ok(state.app.practitioners(staff, &everything()?).await?.items)
}

/// The active practitioners who work at `location`.
pub(super) fn working_at<'a>(
    all: &'a [Practitioner],
    location: &LocationId,
) -> impl Iterator<Item = &'a Practitioner> + use<'a> {
    let location = location.clone();
    all.iter()
        .filter(move |p| p.fields.active && p.fields.location_ids.contains(&location))
}

/// Whether `practitioner` gives `service`: a service listing nobody is given by everyone.
pub(super) fn gives(service: &Service, practitioner: &str) -> bool {
    let ids = &service.fields.practitioner_ids;
    ids.is_empty() || ids.iter().any(|id| id.as_str() == practitioner)
}

/// Time off, extra shifts, closures and closed holidays around a range of dates.
pub(super) struct Away {
    pub exceptions: Vec<ExceptionView>,
    pub closures: Vec<ClosureView>,
    pub holidays: Vec<HolidayView>,
}

/// What closes or adds time at `place` over `range`, a day either side included so that
/// spans crossing midnight are seen.
pub(super) async fn away(
    state: &AppState,
    staff: &Staff,
    place: &Place,
    range: DateRange,
) -> Result<Away, AppError> {
    let (from, to) = (add_days(range.from(), -1), add_days(range.to(), 1));
    let exceptions = state.app.exceptions(staff, None, from, to).await?;
    let closures = state
        .app
        .closures(staff, Some(&place.location.id), from, to)
        .await?;
    let province = place.location.fields.province.code();
    let mut holidays = Vec::new();
    for year in from.year()..=to.year() {
        let days = state.app.holidays(staff, province, year).await?;
        holidays.extend(days.into_iter().filter(|h| h.closed));
    }
    Ok(Away {
        exceptions,
        closures,
        holidays,
    })
}

impl Away {
    /// The closed holiday on `date`, if any.
    pub fn holiday(&self, date: Date) -> Option<&HolidayView> {
        let date = date.to_string();
        self.holidays.iter().find(|h| h.date == date)
    }

    /// Closures touching `date`.
    pub fn closures_on(&self, date: Date) -> impl Iterator<Item = &ClosureView> {
        let (from, until) = day_bounds(date);
        self.closures
            .iter()
            .filter(move |c| c.start < until && c.end > from)
    }

    /// `practitioner`'s time off touching `date` at `location`.
    pub fn time_off_on<'a>(
        &'a self,
        practitioner: &'a str,
        location: &'a str,
        date: Date,
    ) -> impl Iterator<Item = &'a ExceptionView> {
        let (from, until) = day_bounds(date);
        self.exceptions_of(practitioner, location)
            .filter(|e| e.kind == "time_off")
            .filter(move |e| e.start < until && e.end > from)
    }

    fn exceptions_of<'a>(
        &'a self,
        practitioner: &'a str,
        location: &'a str,
    ) -> impl Iterator<Item = &'a ExceptionView> {
        self.exceptions.iter().filter(move |e| {
            e.practitioner_id == practitioner
                && e.location_id.as_deref().is_none_or(|l| l == location)
        })
    }

    fn closed_days(&self) -> BTreeSet<Date> {
        self.holidays
            .iter()
            .filter_map(|h| h.date.parse().ok())
            .collect()
    }
}

/// The stored local text bounds of `date`: its midnight and the next.
fn day_bounds(date: Date) -> (String, String) {
    let midnight = jiff::civil::Time::midnight();
    let text = |d: Date| booking::local_text(d.to_datetime(midnight));
    (text(date), text(add_days(date, 1)))
}

/// When `practitioner` is available at `place` over `range`, as sorted instants, from the
/// weekly `hours` of everyone at that place.
pub(super) fn working(
    practitioner: &Practitioner,
    place: &Place,
    hours: &[HoursView],
    away: &Away,
    range: DateRange,
) -> Result<Vec<Interval>, AppError> {
    let (who, here) = (practitioner.id.as_str(), place.id());
    // Hours kept from a location the practitioner no longer works at do not count.
    let works_here = practitioner
        .fields
        .location_ids
        .contains(&place.location.id);
    let theirs: Vec<&HoursView> = hours
        .iter()
        .filter(|h| works_here && h.practitioner_id == who)
        .collect();
    let mut availability = Availability {
        weekly: weekly(&theirs, here),
        holidays: away.closed_days(),
        ..Availability::default()
    };
    for exception in away.exceptions_of(who, here) {
        let Some(span) = span_of(&exception.start, &exception.end) else {
            continue;
        };
        match exception.kind.as_str() {
            "time_off" => availability.time_off.push(span),
            "extra_shift" => availability.extra_shifts.push(ExtraShift {
                date: span.start.date(),
                start: span.start.time(),
                end: span.end.time(),
            }),
            _ => {}
        }
    }
    let closures = away.closures.iter();
    availability.closures = closures.filter_map(|c| span_of(&c.start, &c.end)).collect();
    Ok(availability.intervals(&place.tz, range))
}

/// The weekly blocks of one location out of a practitioner's hours.
fn weekly(hours: &[&HoursView], location: &str) -> Vec<WeeklyBlock> {
    hours
        .iter()
        .filter(|h| h.location_id == location)
        .flat_map(|h| &h.blocks)
        .filter_map(|b| {
            Some(WeeklyBlock {
                weekday: booking::weekday(b.weekday).ok()?,
                start: booking::clock_time(&b.start).ok()?,
                end: booking::clock_time(&b.end).ok()?,
            })
        })
        .collect()
}

fn span_of(start: &str, end: &str) -> Option<LocalSpan> {
    Some(LocalSpan {
        start: start.parse::<DateTime>().ok()?,
        end: end.parse::<DateTime>().ok()?,
    })
}

/// The names an appointment shows, looked up once per page.
#[derive(Default)]
pub(super) struct Names {
    pub patients: HashMap<String, String>,
    pub services: HashMap<String, String>,
    pub practitioners: HashMap<String, String>,
    pub rooms: HashMap<String, String>,
}

impl Names {
    /// What `map` calls `id`, or `fallback`.
    pub fn of<'a>(map: &'a HashMap<String, String>, id: &str, fallback: &'a str) -> &'a str {
        map.get(id).map_or(fallback, String::as_str)
    }
}

/// The names of everyone and everything `appointments` refer to.
pub(super) async fn names(
    state: &AppState,
    staff: &Staff,
    appointments: &[AppointmentView],
    practitioners: &[Practitioner],
) -> Result<Names, AppError> {
    let all = everything()?;
    let mut names = Names::default();
    for service in state.app.services(staff, &all).await?.items {
        names
            .services
            .insert(service.id.to_string(), service.fields.name);
    }
    for room in state.app.rooms(staff, None, &all).await?.items {
        names.rooms.insert(room.id.to_string(), room.name);
    }
    for p in practitioners {
        names
            .practitioners
            .insert(p.id.to_string(), p.fields.name.clone());
    }
    let mut ids: Vec<PatientId> = appointments
        .iter()
        .map(|a| PatientId::from_string(&a.patient_id))
        .collect();
    ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    ids.dedup();
    for patient in state.app.patients_by_id(staff, &ids).await? {
        let name = patient.fields.display_name();
        names.patients.insert(patient.id.to_string(), name);
    }
    Ok(names)
}
