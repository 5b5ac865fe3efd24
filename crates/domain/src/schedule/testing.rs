//! Short constructors for the schedule tests, so each case reads like its hand calculation.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

/// A zone from the bundled tz database.
pub(crate) fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).expect("test zones are in the bundled tz database")
}

/// An instant written in RFC 3339 (`2026-03-08T07:00Z`, `2026-03-08T02:00-05:00`).
pub(crate) fn utc(text: &str) -> Timestamp {
    text.parse().expect("test instants are RFC 3339")
}

/// A civil datetime `2026-03-08T02:30`.
pub(crate) fn local(text: &str) -> DateTime {
    text.parse().expect("test datetimes are ISO 8601")
}

/// A civil date `2026-03-08`.
pub(crate) fn day(text: &str) -> Date {
    text.parse().expect("test dates are ISO 8601")
}

/// A civil time `09:30`.
pub(crate) fn clock(text: &str) -> Time {
    text.parse().expect("test times are ISO 8601")
}
