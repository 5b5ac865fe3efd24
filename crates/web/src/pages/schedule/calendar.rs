//! The day view (a column per practitioner at one location) and the week view (one
//! practitioner, Monday to Sunday), both drawn on the location's clock with working hours
//! shaded, appointments as blocks, a "now" marker, and banners for holidays and closures.

use super::grid::{self, Block, Column, Frame, Grid, Kind, Labelled, Placed};
use super::load::{self, Away, Names, Place};
use super::time::{
    add_days, clock, edge, instant, local, long_date, monday_of, query_date, short_date, today,
    zone_text,
};
use super::{Tab, TabLink, appointment_href, day_href, schedule_chrome, status_look, tabs};
use crate::AppState;
use crate::auth::Signed;
use crate::pages::errors::PageResult;
use crate::pages::form::Choice;
use crate::pages::view::{Chrome, render};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use jiff::Timestamp;
use jiff::civil::Date;
use knead_app::scheduling::AppointmentQuery;
use knead_app::{AppError, Staff};
use knead_domain::appointment::{Source, Status};
use knead_domain::booking::AppointmentView;
use knead_domain::schedule::{DateRange, Interval};
use knead_domain::setup::{Location, Practitioner};
use serde::Deserialize;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/schedule", get(day))
        .route("/schedule/week", get(week))
}

/// What the day and week views read from the address.
#[derive(Debug, Default, Deserialize)]
struct ViewQuery {
    location: Option<String>,
    practitioner: Option<String>,
    date: Option<String>,
    done: Option<String>,
    booked: Option<String>,
}

impl ViewQuery {
    /// The message after a booking that led here.
    fn flash(&self) -> Option<String> {
        if let Some(count) = self.booked.as_deref().and_then(|b| b.parse::<u32>().ok()) {
            let noun = if count == 1 {
                "appointment"
            } else {
                "appointments"
            };
            return Some(format!("Booked {count} {noun}."));
        }
        match self.done.as_deref()? {
            "booked" => Some("Appointment booked.".to_owned()),
            _ => None,
        }
    }
}

/// A column's heading: who or which day, a link to the other view, and notes such as
/// time off.
pub(crate) struct Head {
    pub title: String,
    pub href: String,
    pub link_label: &'static str,
    pub notes: Vec<String>,
    /// The column is today (week view).
    pub today: bool,
}

/// A cancelled appointment, listed under the grid since it no longer holds its time.
pub(crate) struct Freed {
    pub href: String,
    pub when: String,
    pub practitioner: String,
    pub patient: String,
    pub service: String,
    pub status: &'static str,
    pub status_label: &'static str,
}

/// A notice above the grid: a holiday or a closure, with where to change it.
pub(crate) struct Banner {
    pub text: String,
    pub href: String,
    pub link: &'static str,
}

/// What both views draw under their toolbar.
struct Drawn {
    heads: Vec<Head>,
    grid: Grid,
    freed: Vec<Freed>,
    banners: Vec<Banner>,
}

#[derive(Template)]
#[template(path = "schedule_day.html")]
struct DayPage {
    chrome: Chrome,
    tabs: Vec<TabLink>,
    flash: Option<String>,
    location_id: String,
    location_name: String,
    locations: Vec<Choice>,
    date: String,
    title: String,
    zone: String,
    prev: String,
    next: String,
    today: String,
    is_today: bool,
    drawn: Drawn,
}

impl DayPage {
    fn caption(&self) -> String {
        format!("Appointments at {} on {}", self.location_name, self.title)
    }
}

#[derive(Template)]
#[template(path = "schedule_week.html")]
struct WeekPage {
    chrome: Chrome,
    tabs: Vec<TabLink>,
    location_id: String,
    location_name: String,
    locations: Vec<Choice>,
    practitioner_id: String,
    practitioner_name: String,
    practitioners: Vec<Choice>,
    date: String,
    title: String,
    zone: String,
    prev: String,
    next: String,
    today: String,
    drawn: Drawn,
}

impl WeekPage {
    fn caption(&self) -> String {
        let (who, place) = (&self.practitioner_name, &self.location_name);
        format!("Appointments of {who} at {place}, {}", self.title)
    }
}

/// Shown instead of a schedule while the clinic has no location or no practitioner.
#[derive(Template)]
#[template(path = "schedule_empty.html")]
pub(super) struct EmptyPage {
    pub chrome: Chrome,
    pub tabs: Vec<TabLink>,
    pub message: &'static str,
    pub href: &'static str,
    pub link: &'static str,
}

/// The page saying a location must be added first.
pub(super) async fn no_location(state: &AppState, signed: &Signed, tab: Tab) -> PageResult {
    let page = EmptyPage {
        chrome: schedule_chrome(state, signed).await?,
        tabs: tabs(tab),
        message: "The schedule needs a location to show. Add the clinic's first location, \
                  then a practitioner with weekly hours.",
        href: "/locations/new",
        link: "Add a location",
    };
    render(StatusCode::OK, &page)
}

async fn day(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<ViewQuery>,
) -> PageResult {
    let staff = &signed.staff;
    let Some(place) = load::place(&state, staff, q.location.as_deref()).await? else {
        return no_location(&state, &signed, Tab::Day).await;
    };
    let now = state.app.clock().now();
    let this_day = today(now, &place.tz);
    let date = query_date(q.date.as_deref(), "date")?.unwrap_or(this_day);
    let drawn = draw_day(&state, staff, &place, date, now).await?;
    let id = place.id().to_owned();
    let page = DayPage {
        chrome: schedule_chrome(&state, &signed).await?,
        tabs: tabs(Tab::Day),
        flash: q.flash(),
        locations: location_choices(&place),
        location_name: place.location.fields.name.clone(),
        date: date.to_string(),
        title: long_date(date),
        zone: zone_text(place.zone_name()),
        prev: day_href(&id, add_days(date, -1)),
        next: day_href(&id, add_days(date, 1)),
        today: day_href(&id, this_day),
        is_today: date == this_day,
        location_id: id,
        drawn,
    };
    render(StatusCode::OK, &page)
}

/// The day at `place`: a column per practitioner working there, plus anyone booked there
/// that day who no longer is.
async fn draw_day(
    state: &AppState,
    staff: &Staff,
    place: &Place,
    date: Date,
    now: Timestamp,
) -> Result<Drawn, AppError> {
    let range = DateRange::single(date);
    let all = load::practitioners(state, staff).await?;
    let appointments = listed(state, staff, place, None, range).await?;
    let shown = day_columns(&all, place, &appointments);
    let away = load::away(state, staff, place, range).await?;
    let names = load::names(state, staff, &appointments, &all).await?;
    let hours = state.app.location_hours(staff, &place.location.id).await?;
    let frame = frame(place, now, (date == today(now, &place.tz)).then_some(date));
    let (mut heads, mut columns) = (Vec::new(), Vec::new());
    for practitioner in shown {
        let working = load::working(practitioner, place, &hours, &away, range)?;
        let who = practitioner.id.as_str();
        heads.push(Head {
            title: practitioner.fields.name.clone(),
            href: week_href(place.id(), who, date),
            link_label: "Week",
            notes: time_off_notes(&away, who, place.id(), date),
            today: false,
        });
        let booked = appointments.iter().filter(|a| a.practitioner_id == who);
        columns.push(Column {
            date,
            away: labelled(&away, place, who, date, &working),
            working,
            appointments: placed(booked, &names, &frame),
            book: book_base(place.id(), who),
            who: practitioner.fields.name.clone(),
        });
    }
    Ok(Drawn {
        heads,
        grid: grid::build(&frame, columns),
        freed: freed(&appointments, &names, &frame),
        banners: banners(&away, place, date),
    })
}

/// The practitioners the day view shows: those working at the location, then any other
/// who has an appointment there that day.
fn day_columns<'a>(
    all: &'a [Practitioner],
    place: &Place,
    appointments: &[AppointmentView],
) -> Vec<&'a Practitioner> {
    let mut shown: Vec<&Practitioner> = load::working_at(all, &place.location.id).collect();
    for p in all {
        let booked = appointments
            .iter()
            .any(|a| a.practitioner_id == p.id.as_str());
        if booked && !shown.iter().any(|s| s.id == p.id) {
            shown.push(p);
        }
    }
    shown
}

async fn week(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<ViewQuery>,
) -> PageResult {
    let staff = &signed.staff;
    let Some(place) = load::place(&state, staff, q.location.as_deref()).await? else {
        return no_location(&state, &signed, Tab::Week).await;
    };
    let all = load::practitioners(&state, staff).await?;
    let Some(practitioner) = week_practitioner(&all, &place, q.practitioner.as_deref())? else {
        return no_practitioner(&state, &signed).await;
    };
    let now = state.app.clock().now();
    let this_day = today(now, &place.tz);
    let monday = monday_of(query_date(q.date.as_deref(), "date")?.unwrap_or(this_day));
    let drawn = draw_week(&state, staff, &place, practitioner, &all, monday, now).await?;
    let (id, who) = (place.id().to_owned(), practitioner.id.to_string());
    let page = WeekPage {
        chrome: schedule_chrome(&state, &signed).await?,
        tabs: tabs(Tab::Week),
        locations: location_choices(&place),
        location_name: place.location.fields.name.clone(),
        practitioners: practitioner_choices(&all, &place, &who),
        practitioner_name: practitioner.fields.name.clone(),
        date: monday.to_string(),
        title: format!("Week of {}", long_date(monday)),
        zone: zone_text(place.zone_name()),
        prev: week_href(&id, &who, add_days(monday, -7)),
        next: week_href(&id, &who, add_days(monday, 7)),
        today: week_href(&id, &who, this_day),
        location_id: id,
        practitioner_id: who,
        drawn,
    };
    render(StatusCode::OK, &page)
}

/// The practitioner asked for, else the first working at the location.
fn week_practitioner<'a>(
    all: &'a [Practitioner],
    place: &Place,
    wanted: Option<&str>,
) -> Result<Option<&'a Practitioner>, AppError> {
    match wanted.map(str::trim).filter(|w| !w.is_empty()) {
        Some(id) => match all.iter().find(|p| p.id.as_str() == id) {
            Some(p) => Ok(Some(p)),
            None => Err(AppError::NotFound),
        },
        None => Ok(load::working_at(all, &place.location.id).next()),
    }
}

async fn no_practitioner(state: &AppState, signed: &Signed) -> PageResult {
    let page = EmptyPage {
        chrome: schedule_chrome(state, signed).await?,
        tabs: tabs(Tab::Week),
        message: "Nobody works at this location yet. Add a practitioner, choose this \
                  location for them, then set their weekly hours.",
        href: "/practitioners/new",
        link: "Add a practitioner",
    };
    render(StatusCode::OK, &page)
}

/// Seven columns, Monday first, for one practitioner.
async fn draw_week(
    state: &AppState,
    staff: &Staff,
    place: &Place,
    practitioner: &Practitioner,
    all: &[Practitioner],
    monday: Date,
    now: Timestamp,
) -> Result<Drawn, AppError> {
    let range = DateRange::new(monday, add_days(monday, 6))?;
    let who = practitioner.id.as_str();
    let appointments = listed(state, staff, place, Some(who), range).await?;
    let away = load::away(state, staff, place, range).await?;
    let names = load::names(state, staff, &appointments, all).await?;
    let hours = state.app.location_hours(staff, &place.location.id).await?;
    let working = load::working(practitioner, place, &hours, &away, range)?;
    let frame = frame(place, now, None);
    let this_day = today(now, &place.tz);
    let (mut heads, mut columns) = (Vec::new(), Vec::new());
    for date in range.days() {
        let mut notes = time_off_notes(&away, who, place.id(), date);
        notes.extend(banners(&away, place, date).into_iter().map(|b| b.text));
        heads.push(Head {
            title: short_date(date),
            href: day_href(place.id(), date),
            link_label: "Day",
            notes,
            today: date == this_day,
        });
        let booked = appointments
            .iter()
            .filter(|a| local(instant(a.starts_at), &place.tz).date() == date);
        columns.push(Column {
            date,
            away: labelled(&away, place, who, date, &working),
            working: working.clone(),
            appointments: placed(booked, &names, &frame),
            book: book_base(place.id(), who),
            who: format!("{} on {}", practitioner.fields.name, short_date(date)),
        });
    }
    Ok(Drawn {
        heads,
        grid: grid::build(&frame, columns),
        freed: freed(&appointments, &names, &frame),
        banners: Vec::new(),
    })
}

fn frame(place: &Place, now: Timestamp, line: Option<Date>) -> Frame {
    Frame {
        tz: place.tz.clone(),
        step: place.step,
        now,
        line,
    }
}

/// The named closed time of one column: the holiday, closures, the practitioner's time off
/// and the breaks between their working blocks on `date`, in that order of precedence.
fn labelled(
    away: &Away,
    place: &Place,
    practitioner: &str,
    date: Date,
    working: &[Interval],
) -> Vec<Labelled> {
    let tz = &place.tz;
    let mut named = Vec::new();
    let day = edge(tz, date, 0).zip(edge(tz, date, 24 * 60));
    if let (Some(holiday), Some((start, end))) = (away.holiday(date), day) {
        named.push(Labelled {
            interval: Interval::new(start, end),
            label: format!("Holiday: {}", holiday.name),
            kind: "holiday",
        });
    }
    for closure in away.closures_on(date) {
        let reason = closure.reason.as_deref();
        named.extend(
            span(tz, &closure.start, &closure.end).map(|interval| Labelled {
                interval,
                label: with_reason("Closed", reason),
                kind: "closure",
            }),
        );
    }
    for off in away.time_off_on(practitioner, place.id(), date) {
        let reason = off.reason.as_deref();
        named.extend(span(tz, &off.start, &off.end).map(|interval| Labelled {
            interval,
            label: with_reason("Time off", reason),
            kind: "time-off",
        }));
    }
    named.extend(breaks(tz, date, working));
    named
}

fn with_reason(what: &str, reason: Option<&str>) -> String {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(reason) => format!("{what}: {reason}"),
        None => what.to_owned(),
    }
}

/// A stored local span (`2026-12-24T12:00`) as instants in `tz`.
fn span(tz: &jiff::tz::TimeZone, start: &str, end: &str) -> Option<Interval> {
    let at = |text: &str| {
        let local: jiff::civil::DateTime = text.parse().ok()?;
        let minute = i64::from(local.hour()) * 60 + i64::from(local.minute());
        edge(tz, local.date(), minute)
    };
    Some(Interval::new(at(start)?, at(end)?))
}

/// The gaps between working stretches that begin and end on `date`.
fn breaks(tz: &jiff::tz::TimeZone, date: Date, working: &[Interval]) -> Vec<Labelled> {
    working
        .windows(2)
        .map(|pair| Interval::new(pair[0].end, pair[1].start))
        .filter(|gap| {
            gap.start < gap.end
                && local(gap.start, tz).date() == date
                && local(gap.end, tz).date() == date
        })
        .map(|interval| Labelled {
            interval,
            label: "Break".to_owned(),
            kind: "break",
        })
        .collect()
}

/// The appointments at `place` starting on the dates of `range`.
async fn listed(
    state: &AppState,
    staff: &Staff,
    place: &Place,
    practitioner: Option<&str>,
    range: DateRange,
) -> Result<Vec<AppointmentView>, AppError> {
    let query = AppointmentQuery {
        location_id: Some(place.id().to_owned()),
        practitioner_id: practitioner.map(str::to_owned),
        patient_id: None,
        from: Some(range.from().to_string()),
        to: Some(range.to().to_string()),
    };
    state.app.appointments(staff, &query).await
}

/// The appointments that hold their time, as grid blocks.
fn placed<'a>(
    appointments: impl Iterator<Item = &'a AppointmentView>,
    names: &Names,
    frame: &Frame,
) -> Vec<Placed> {
    appointments
        .filter(|a| a.status.occupies())
        .map(|a| Placed {
            start: instant(a.starts_at),
            end: instant(a.ends_at),
            block: block(a, names, frame),
        })
        .collect()
}

fn block(a: &AppointmentView, names: &Names, frame: &Frame) -> Block {
    let (start, end) = (instant(a.starts_at), instant(a.ends_at));
    let (status, status_label) = status_look(a.status);
    let time = format!(
        "{}–{}",
        clock(&local(start, &frame.tz)),
        clock(&local(end, &frame.tz))
    );
    let room = a.room_id.as_ref();
    Block {
        href: appointment_href(&a.id),
        time,
        patient: Names::of(&names.patients, &a.patient_id, "Unknown patient").to_owned(),
        service: Names::of(&names.services, &a.service_id, "Service").to_owned(),
        status,
        status_label,
        not_arrived: a.status == Status::Booked && start <= frame.now,
        room: room.map(|r| Names::of(&names.rooms, r, "Room").to_owned()),
        flags: flags(a),
    }
}

/// The marks an appointment carries besides its status.
fn flags(a: &AppointmentView) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if a.series_id.is_some() {
        flags.push("Repeats");
    }
    if a.source == Source::Online {
        flags.push("Online");
    }
    if a.note.is_some() {
        flags.push("Note");
    }
    flags
}

/// Cancelled and late-cancelled appointments, for the list under the grid.
fn freed(appointments: &[AppointmentView], names: &Names, frame: &Frame) -> Vec<Freed> {
    appointments
        .iter()
        .filter(|a| !a.status.occupies())
        .map(|a| {
            let start = local(instant(a.starts_at), &frame.tz);
            let (status, status_label) = status_look(a.status);
            Freed {
                href: appointment_href(&a.id),
                when: format!("{}, {}", short_date(start.date()), clock(&start)),
                practitioner: Names::of(&names.practitioners, &a.practitioner_id, "").to_owned(),
                patient: Names::of(&names.patients, &a.patient_id, "Unknown patient").to_owned(),
                service: Names::of(&names.services, &a.service_id, "").to_owned(),
                status,
                status_label,
            }
        })
        .collect()
}

/// Holidays and closures on `date` at `place`.
fn banners(away: &Away, place: &Place, date: Date) -> Vec<Banner> {
    let mut banners = Vec::new();
    if let Some(holiday) = away.holiday(date) {
        let province = place.location.fields.province.code();
        banners.push(Banner {
            text: format!("Closed for {} (holiday in {province}).", holiday.name),
            href: format!(
                "/schedule/holidays?province={province}&year={}",
                date.year()
            ),
            link: "Holidays",
        });
    }
    for closure in away.closures_on(date) {
        let reason = closure.reason.as_deref().map(|r| format!(": {r}"));
        let part = part_of_day(&closure.start, &closure.end, date);
        banners.push(Banner {
            text: format!("Closed {part}{}.", reason.unwrap_or_default()),
            href: format!("/schedule/closures?location={}", place.id()),
            link: "Closures",
        });
    }
    banners
}

/// A practitioner's time off on `date`, as notes under their name.
fn time_off_notes(away: &Away, practitioner: &str, location: &str, date: Date) -> Vec<String> {
    away.time_off_on(practitioner, location, date)
        .map(|e| format!("Time off {}", part_of_day(&e.start, &e.end, date)))
        .collect()
}

/// Which part of `date` the stored local span `[start, end)` covers: "all day",
/// "12:00–17:00", "from 12:00" or "until 10:00".
fn part_of_day(start: &str, end: &str, date: Date) -> String {
    let day = date.to_string();
    let starts_today = start.starts_with(&day) && !start.ends_with("T00:00");
    let ends_today = end.starts_with(&day);
    let time = |text: &str| text.get(11..16).unwrap_or("").to_owned();
    match (starts_today, ends_today) {
        (false, false) => "all day".to_owned(),
        (true, true) => format!("{}–{}", time(start), time(end)),
        (true, false) => format!("from {}", time(start)),
        (false, true) => format!("until {}", time(end)),
    }
}

fn location_choices(place: &Place) -> Vec<Choice> {
    place
        .locations
        .iter()
        .map(|l: &Location| Choice {
            value: l.id.to_string(),
            label: l.fields.name.clone(),
            selected: l.id == place.location.id,
        })
        .collect()
}

fn practitioner_choices(all: &[Practitioner], place: &Place, current: &str) -> Vec<Choice> {
    let mut shown: Vec<&Practitioner> = load::working_at(all, &place.location.id).collect();
    if !shown.iter().any(|p| p.id.as_str() == current) {
        shown.extend(all.iter().filter(|p| p.id.as_str() == current));
    }
    shown
        .into_iter()
        .map(|p| Choice {
            value: p.id.to_string(),
            label: p.fields.name.clone(),
            selected: p.id.as_str() == current,
        })
        .collect()
}

/// The booking form's address for a practitioner at a location, ready for `&start=`.
fn book_base(location: &str, practitioner: &str) -> String {
    format!("/schedule/book?location={location}&practitioner={practitioner}")
}

fn week_href(location: &str, practitioner: &str, date: Date) -> String {
    format!("/schedule/week?location={location}&practitioner={practitioner}&date={date}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_is_described_by_the_part_of_the_day_it_covers() {
        let date: Date = "2026-12-24".parse().unwrap();

        let all = part_of_day("2026-12-24T00:00", "2026-12-25T00:00", date);
        let part = part_of_day("2026-12-24T12:00", "2026-12-24T17:00", date);
        let from = part_of_day("2026-12-24T12:00", "2026-12-27T00:00", date);
        let until = part_of_day("2026-12-20T00:00", "2026-12-24T10:00", date);

        assert_eq!(
            [all, part, from, until],
            ["all day", "12:00–17:00", "from 12:00", "until 10:00"]
        );
    }
}
