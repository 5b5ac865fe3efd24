//! Occurrences of the file's events up to the end of the booking horizon.
//!
//! A series repeats in the civil time of its own zone (RFC 5545), so `rrule` expands the
//! civil start as if it were UTC, which has no daylight-saving changes, and jiff then places
//! each civil start in the real zone. A 10:00 weekly series therefore stays at 10:00 across
//! a change of offset. `EXDATE`s remove starts; an event with a `RECURRENCE-ID` replaces the
//! start it names with its own time (or cancels it).

use super::events::{Event, Length, Moment, moment};
use super::text::FileError;
use chrono::{Datelike, NaiveDate, TimeZone as _, Timelike};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use rrule::{RRule, Tz, Unvalidated};
use std::collections::HashMap;

/// At most this many starts are read from one rule before the horizon; a rule that repeats
/// every minute for decades stops here, and the report says so.
const MAX_STARTS: usize = 100_000;

/// One occurrence of an event: which event, its key for `import_record`, and its instants.
#[derive(Clone, Debug)]
pub(crate) struct Occurrence {
    pub event: usize,
    pub key: String,
    pub start: Timestamp,
    pub end: Timestamp,
    /// For an all-day event: its first day and the day after its last, in local dates.
    pub days: Option<(Date, Date)>,
}

/// What expanding the file gives: occurrences in start order, which events go on past the
/// window's end, and notes for the report.
pub(crate) struct Expansion {
    pub occurrences: Vec<Occurrence>,
    /// Per event: whether it has an occurrence at or after `until`.
    pub continues: Vec<bool>,
    pub notes: Vec<String>,
}

/// Every occurrence of `events` that starts before `until`, in start order.
pub(crate) fn expand(
    events: &[Event],
    location: &TimeZone,
    until: Timestamp,
) -> Result<Expansion, FileError> {
    let mut overrides: HashMap<&str, Vec<&Moment>> = HashMap::new();
    for event in events {
        if let Some(id) = &event.recurrence_id {
            overrides.entry(event.uid.as_str()).or_default().push(id);
        }
    }
    let mut expansion = Expansion {
        occurrences: Vec::new(),
        continues: vec![false; events.len()],
        notes: Vec::new(),
    };
    for (index, event) in events.iter().enumerate() {
        let replaced = overrides
            .get(event.uid.as_str())
            .map_or(&[][..], Vec::as_slice);
        let starts = starts(event, location, until, &mut expansion.notes)?;
        for (key_moment, start) in starts {
            let removed = event.recurrence_id.is_none()
                && (event.exdates.iter().chain(replaced.iter().copied()))
                    .any(|gone| same_start(gone, &key_moment, location));
            if removed {
                continue;
            }
            let key = key_moment.key(location);
            if let Some(occurrence) = occurrence(index, key, &start, &event.length, location) {
                expansion.occurrences.push(occurrence);
            }
        }
    }
    for o in expansion.occurrences.iter().filter(|o| o.start >= until) {
        expansion.continues[o.event] = true;
    }
    expansion.occurrences.retain(|o| o.start < until);
    expansion.occurrences.sort_by_key(|o| (o.start, o.event));
    Ok(expansion)
}

/// The starts of one event as `(original start, actual start)`: they differ only for an
/// override, whose key is the start it replaces.
fn starts(
    event: &Event,
    location: &TimeZone,
    until: Timestamp,
    notes: &mut Vec<String>,
) -> Result<Vec<(Moment, Moment)>, FileError> {
    if let Some(original) = &event.recurrence_id {
        return Ok(vec![(original.clone(), event.start.clone())]);
    }
    let mut all = vec![event.start.clone()];
    for (rule, line) in &event.rules {
        all.extend(rule_starts(
            rule,
            *line,
            &event.start,
            location,
            until,
            notes,
        )?);
    }
    all.extend(event.rdates.iter().cloned());
    let mut seen = std::collections::HashSet::new();
    all.retain(|m| seen.insert(m.key(location)));
    Ok(all.into_iter().map(|m| (m.clone(), m)).collect())
}

/// Whether two starts name the same occurrence; a date against a time compares the date.
fn same_start(a: &Moment, b: &Moment, location: &TimeZone) -> bool {
    match (a, b) {
        (Moment::Day(x), Moment::Day(y)) => x == y,
        (Moment::Day(day), Moment::Timed { local, .. })
        | (Moment::Timed { local, .. }, Moment::Day(day)) => local.date() == *day,
        _ => a.instant(location) == b.instant(location),
    }
}

/// The instants of one occurrence starting at `start`.
fn occurrence(
    event: usize,
    key: String,
    start: &Moment,
    length: &Length,
    location: &TimeZone,
) -> Option<Occurrence> {
    let start_at = start.instant(location)?;
    let (end, days) = match (start, length) {
        (Moment::Day(day), Length::Nominal(span)) => {
            let last = day.checked_add(*span).ok()?;
            let end = Moment::Day(last).instant(location)?;
            (end, Some((*day, last)))
        }
        (Moment::Timed { local, zone }, Length::Nominal(span)) => {
            let zoned = zone.to_ambiguous_zoned_datetime(*local).compatible().ok()?;
            (zoned.checked_add(*span).ok()?.timestamp(), None)
        }
        (_, Length::Exact(duration)) => (start_at.checked_add(*duration).ok()?, None),
    };
    Some(Occurrence {
        event,
        key,
        start: start_at,
        end,
        days,
    })
}

/// The civil starts one `RRULE` gives after the event's start, up to a day past `until`.
fn rule_starts(
    rule: &str,
    line: usize,
    start: &Moment,
    location: &TimeZone,
    until: Timestamp,
    notes: &mut Vec<String>,
) -> Result<Vec<Moment>, FileError> {
    let (zone, first) = civil(start, location);
    let bad = |what: String| FileError::at(line, format!("RRULE is not valid: {what}"));
    let (text, end) = split_until(rule);
    let mut parsed: RRule<Unvalidated> = text.parse().map_err(|e| bad(format!("{e}")))?;
    if let Some(end) = end {
        let end = until_civil(end, &zone, start.is_day()).ok_or_else(|| {
            let end: String = end.chars().take(30).collect();
            bad(format!("UNTIL '{end}' is not a date or a date-time"))
        })?;
        if end < first {
            return Ok(Vec::new());
        }
        parsed = parsed.until(chrono_of(end).ok_or_else(|| bad("UNTIL is out of range".into()))?);
    }
    let dtstart = chrono_of(first).ok_or_else(|| bad("DTSTART is out of range".into()))?;
    let set = parsed
        .build(dtstart)
        .map_err(|e| bad(format!("{e}")))?
        .limit();
    let stop = until
        .to_zoned_datetime(zone.clone())
        .datetime()
        .checked_add(1.day())
        .unwrap_or(DateTime::MAX);
    let mut civil_starts = Vec::new();
    for at in &set {
        let at = jiff_of(at.naive_utc());
        if at >= stop {
            // Kept so the caller knows the series goes on past the window.
            civil_starts.push(at);
            break;
        }
        if civil_starts.len() == MAX_STARTS {
            notes.push(format!(
                "the series at line {line} repeats more than {MAX_STARTS} times before the \
                 horizon; only the first {MAX_STARTS} were read"
            ));
            break;
        }
        civil_starts.push(at);
    }
    Ok(civil_starts
        .into_iter()
        .map(|local| match start {
            Moment::Day(_) => Moment::Day(local.date()),
            Moment::Timed { zone, .. } => Moment::Timed {
                local,
                zone: zone.clone(),
            },
        })
        .collect())
}

/// The zone a series repeats in and its first civil start.
fn civil(start: &Moment, location: &TimeZone) -> (TimeZone, DateTime) {
    match start {
        Moment::Timed { local, zone } => (zone.clone(), *local),
        Moment::Day(day) => (location.clone(), day.to_datetime(Time::midnight())),
    }
}

/// The rule without its `UNTIL`, and the `UNTIL` value, which is read here because its
/// meaning depends on the event's zone. Spaces (some exporters write `MO, TU`) are dropped.
fn split_until(rule: &str) -> (String, Option<&str>) {
    let mut until = None;
    let parts: Vec<String> = rule
        .split(';')
        .filter(|part| match part.trim().split_once('=') {
            Some((key, value)) if key.trim().eq_ignore_ascii_case("UNTIL") => {
                until = Some(value.trim());
                false
            }
            _ => !part.trim().is_empty(),
        })
        .map(|part| part.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    (parts.join(";"), until)
}

/// `UNTIL` as a civil time in the series' zone: a UTC time is converted, a floating one
/// kept, and a date includes its whole day.
fn until_civil(raw: &str, zone: &TimeZone, all_day: bool) -> Option<DateTime> {
    let end_of_day = Time::constant(23, 59, 59, 0);
    let civil = match moment(raw, zone)? {
        Moment::Day(day) => day.to_datetime(end_of_day),
        Moment::Timed { local, zone: given } => {
            let at = given.to_ambiguous_timestamp(local).compatible().ok()?;
            at.to_zoned_datetime(zone.clone()).datetime()
        }
    };
    Some(if all_day {
        civil.date().to_datetime(end_of_day)
    } else {
        civil
    })
}

/// A civil time as the naive-in-UTC value `rrule` repeats without any offset change.
fn chrono_of(at: DateTime) -> Option<chrono::DateTime<Tz>> {
    let month = u32::try_from(at.month()).ok()?;
    let day = u32::try_from(at.day()).ok()?;
    let naive = NaiveDate::from_ymd_opt(i32::from(at.year()), month, day)?.and_hms_opt(
        u32::try_from(at.hour()).ok()?,
        u32::try_from(at.minute()).ok()?,
        u32::try_from(at.second()).ok()?,
    )?;
    Some(Tz::UTC.from_utc_datetime(&naive))
}

fn jiff_of(at: chrono::NaiveDateTime) -> DateTime {
    let part = |v: u32| i8::try_from(v).unwrap_or(0);
    let year = i16::try_from(at.year()).unwrap_or(i16::MAX);
    DateTime::new(
        year,
        part(at.month()),
        part(at.day()),
        part(at.hour()),
        part(at.minute()),
        part(at.second()),
        0,
    )
    .unwrap_or(DateTime::MAX)
}
