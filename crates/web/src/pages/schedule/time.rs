//! Clock and calendar helpers for the schedule pages: everything is the location's civil
//! time, read through its IANA zone, and shown the way the front desk reads it.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Span, Timestamp, ZonedDateTime};
use knead_app::AppError;
use knead_domain::setup::Location;

/// The zone of a location; stored zones were checked when they were saved.
pub(super) fn zone(location: &Location) -> Result<TimeZone, AppError> {
    let name = location.fields.time_zone.as_str();
    TimeZone::get(name).map_err(AppError::internal)
}

/// The location's zone named for people: `America/Toronto (Eastern)`.
pub(crate) fn zone_text(name: &str) -> String {
    let label = crate::pages::options::ZONES
        .iter()
        .find(|(zone, _)| *zone == name)
        .map(|(_, label)| label.split(" (").next().unwrap_or(label));
    match label {
        Some(label) => format!("{name} ({label})"),
        None => name.to_owned(),
    }
}

/// `at` on the location's clock.
pub(super) fn local(at: Timestamp, tz: &TimeZone) -> ZonedDateTime {
    at.to_zoned_datetime(tz.clone())
}

/// The epoch seconds of a stored appointment as an instant.
pub(super) fn instant(epoch: i64) -> Timestamp {
    Timestamp::from_second(epoch).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Today's date on the location's clock.
pub(super) fn today(now: Timestamp, tz: &TimeZone) -> Date {
    local(now, tz).date()
}

/// `minute` minutes after midnight as `HH:MM`.
pub(super) fn hhmm(minute: i64) -> String {
    format!("{:02}:{:02}", minute.div_euclid(60), minute.rem_euclid(60))
}

/// The clock time of an instant, with its offset when that clock time happens twice that
/// day (the repeated hour in the fall), so the two are never confused.
pub(super) fn clock(at: &ZonedDateTime) -> String {
    let text = at.strftime("%H:%M").to_string();
    let zone = at.time_zone();
    if zone.to_ambiguous_timestamp(at.datetime()).is_ambiguous() {
        format!("{text} ({})", at.strftime("UTC%:z"))
    } else {
        text
    }
}

/// "Thursday 3 December 2026".
pub(super) fn long_date(date: Date) -> String {
    date.strftime("%A %-d %B %Y").to_string()
}

/// "Thu 3 Dec".
pub(super) fn short_date(date: Date) -> String {
    date.strftime("%a %-d %b").to_string()
}

/// `date` moved by `days`, kept when that leaves the calendar.
pub(super) fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(Span::new().days(days)).unwrap_or(date)
}

/// The Monday of `date`'s week.
pub(super) fn monday_of(date: Date) -> Date {
    add_days(date, -i64::from(date.weekday().to_monday_zero_offset()))
}

/// `minute` minutes after the midnight that begins `date`, on the clock (1440 is the next
/// midnight).
pub(super) fn civil(date: Date, minute: i64) -> Option<DateTime> {
    let midnight = date.to_datetime(Time::midnight());
    midnight.checked_add(SignedDuration::from_mins(minute)).ok()
}

/// Whether the clock shows `minute` of `date` at all: not inside a spring-forward gap.
pub(super) fn shown(tz: &TimeZone, date: Date, minute: i64) -> bool {
    civil(date, minute).is_some_and(|dt| {
        !matches!(
            tz.to_ambiguous_timestamp(dt).offset(),
            AmbiguousOffset::Gap { .. }
        )
    })
}

/// The first instant at which the clock shows `minute` of `date` or a later time: inside a
/// gap that is the moment of the change, inside the repeated hour its first occurrence.
pub(super) fn edge(tz: &TimeZone, date: Date, minute: i64) -> Option<Timestamp> {
    let dt = civil(date, minute)?;
    match tz.to_ambiguous_timestamp(dt).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(dt).ok(),
        AmbiguousOffset::Fold { before, .. } => before.to_timestamp(dt).ok(),
        AmbiguousOffset::Gap { before, after } => {
            let pushed_on = before.to_timestamp(dt).ok()?;
            let just_before = after.to_timestamp(dt).ok()?;
            let change = tz.following(just_before).next().map(|t| t.timestamp());
            Some(change.map_or(pushed_on, |change| change.min(pushed_on)))
        }
    }
}

/// The minute of `date`'s clock at which `at` falls: 0 before the day, 1440 after it.
pub(super) fn minute_of_day(tz: &TimeZone, date: Date, at: Timestamp) -> i64 {
    let zoned = local(at, tz);
    match zoned.date().cmp(&date) {
        std::cmp::Ordering::Less => 0,
        std::cmp::Ordering::Greater => 24 * 60,
        std::cmp::Ordering::Equal => i64::from(zoned.hour()) * 60 + i64::from(zoned.minute()),
    }
}

/// A date from the query string; blank means "not given".
pub(super) fn query_date(raw: Option<&str>, field: &str) -> Result<Option<Date>, AppError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => knead_domain::booking::date(raw)
            .map(Some)
            .map_err(|e| AppError::invalid(field, e.0)),
    }
}

/// Minutes as people say them: "2 hours", "90 minutes", "1 day".
pub(super) fn duration_text(minutes: i64) -> String {
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    };
    match minutes {
        0 => "no time".to_owned(),
        m if m % (24 * 60) == 0 => plural(m / (24 * 60), "day"),
        m if m % 60 == 0 => plural(m / 60, "hour"),
        m => plural(m, "minute"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toronto() -> TimeZone {
        TimeZone::get("America/Toronto").unwrap()
    }

    #[test]
    fn an_edge_in_the_spring_gap_is_the_moment_of_the_change() {
        let day: Date = "2026-03-08".parse().unwrap();

        let at = edge(&toronto(), day, 2 * 60 + 30).unwrap();

        assert_eq!(at.to_string(), "2026-03-08T07:00:00Z");
        assert!(!shown(&toronto(), day, 2 * 60));
        assert!(shown(&toronto(), day, 3 * 60));
    }

    #[test]
    fn a_time_in_the_repeated_hour_carries_its_offset() {
        let first: Timestamp = "2026-11-01T05:30:00Z".parse().unwrap();
        let second: Timestamp = "2026-11-01T06:30:00Z".parse().unwrap();

        assert_eq!(clock(&local(first, &toronto())), "01:30 (UTC-04:00)");
        assert_eq!(clock(&local(second, &toronto())), "01:30 (UTC-05:00)");
    }

    #[test]
    fn zones_are_named_with_their_region() {
        assert_eq!(
            zone_text("America/Regina"),
            "America/Regina (Central, no daylight saving)"
        );
        assert_eq!(zone_text("Europe/Paris"), "Europe/Paris");
    }

    #[test]
    fn durations_read_in_the_largest_whole_unit() {
        assert_eq!(duration_text(1440), "1 day");
        assert_eq!(duration_text(120), "2 hours");
        assert_eq!(duration_text(90), "90 minutes");
    }
}
