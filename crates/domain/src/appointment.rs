//! Appointments: their statuses and the moves between them, where they came from, and the
//! clinic's booking policy (notice, horizon, late-cancellation window) as a versioned value.

use crate::{FieldErrors, Invalid, values};
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;
use utoipa::ToSchema;

/// Where an appointment stands. Booked, arrived, completed and no-show appointments occupy
/// their time; cancelled and late-cancelled ones free it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Booked,
    Arrived,
    Completed,
    Cancelled,
    LateCancelled,
    NoShow,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Booked,
        Status::Arrived,
        Status::Completed,
        Status::Cancelled,
        Status::LateCancelled,
        Status::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::Arrived => "arrived",
            Status::Completed => "completed",
            Status::Cancelled => "cancelled",
            Status::LateCancelled => "late_cancelled",
            Status::NoShow => "no_show",
        }
    }

    pub fn parse(raw: &str) -> Result<Status, Invalid> {
        let raw = raw.trim();
        Status::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| {
                Invalid::new(format!(
                    "'{raw}' is not a status (booked, arrived, completed, cancelled, \
                 late_cancelled, no_show)"
                ))
            })
    }

    /// Whether an appointment in this status holds its time against other bookings.
    pub fn occupies(self) -> bool {
        !matches!(self, Status::Cancelled | Status::LateCancelled)
    }

    /// Whether staff may move an appointment from this status to `next` by a status change.
    /// Cancelling goes through its own use case, which decides late or not by policy.
    pub fn may_become(self, next: Status) -> bool {
        use Status::*;
        matches!(
            (self, next),
            (Booked, Arrived)
                | (Booked, NoShow)
                | (Arrived, Booked)
                | (Arrived, Completed)
                | (NoShow, Booked)
        )
    }

    /// Whether the appointment may still be moved or cancelled.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Booked)
    }
}

/// How an appointment was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Desk,
    Online,
    Import,
    Api,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Desk => "desk",
            Source::Online => "online",
            Source::Import => "import",
            Source::Api => "api",
        }
    }

    pub fn parse(raw: &str) -> Result<Source, Invalid> {
        match raw.trim() {
            "desk" => Ok(Source::Desk),
            "online" => Ok(Source::Online),
            "import" => Ok(Source::Import),
            "api" => Ok(Source::Api),
            other => Err(Invalid::new(format!("'{other}' is not a booking source"))),
        }
    }
}

/// The minimum notice a clinic may ask of online bookings, in minutes: none up to 30 days.
pub const NOTICE_MINUTES: RangeInclusive<i64> = 0..=30 * 24 * 60;
/// How far ahead online booking may reach, in days: one day up to two years.
pub const HORIZON_DAYS: RangeInclusive<i64> = 1..=730;
/// The late-cancellation window, in minutes: none up to 14 days.
pub const LATE_CANCEL_WINDOW_MINUTES: RangeInclusive<i64> = 0..=14 * 24 * 60;

/// The clinic's booking rules. Each change makes a new version; an appointment remembers the
/// version it was booked under, and so does every fee it gives rise to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct BookingPolicy {
    pub version: i64,
    /// Online bookings must start at least this many minutes from now.
    pub minimum_notice_minutes: i64,
    /// Online bookings may start at most this many days ahead (local dates).
    pub horizon_days: i64,
    /// A cancellation less than this long before the start is late.
    pub late_cancel_window_minutes: i64,
    /// Whether moving an appointment inside the window counts as a late cancellation.
    pub reschedule_inside_window_is_late: bool,
    /// Overrides the location's grid step when set.
    pub slot_step_minutes: Option<i64>,
}

impl Default for BookingPolicy {
    fn default() -> Self {
        BookingPolicy {
            version: 0,
            minimum_notice_minutes: 120,
            horizon_days: 90,
            late_cancel_window_minutes: 24 * 60,
            reschedule_inside_window_is_late: false,
            slot_step_minutes: None,
        }
    }
}

impl BookingPolicy {
    /// Whether cancelling at `now` an appointment starting at `start` is late. Exactly
    /// `window` before is not late; cancellations by the clinic never are.
    pub fn is_late(&self, now: jiff::Timestamp, start: jiff::Timestamp, by_clinic: bool) -> bool {
        if by_clinic {
            return false;
        }
        let window = self.late_cancel_window_minutes * 60;
        start.as_second() - now.as_second() < window
    }
}

/// The booking rules as a form or JSON body sends them.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BookingPolicyInput {
    #[serde(deserialize_with = "crate::fields::loose::deserialize")]
    #[schema(value_type = Option<i64>)]
    pub minimum_notice_minutes: Option<String>,
    #[serde(deserialize_with = "crate::fields::loose::deserialize")]
    #[schema(value_type = Option<i64>)]
    pub horizon_days: Option<String>,
    #[serde(deserialize_with = "crate::fields::loose::deserialize")]
    #[schema(value_type = Option<i64>)]
    pub late_cancel_window_minutes: Option<String>,
    #[serde(deserialize_with = "crate::fields::loose::deserialize")]
    #[schema(value_type = Option<bool>)]
    pub reschedule_inside_window_is_late: Option<String>,
    /// Blank to use each location's step.
    #[serde(deserialize_with = "crate::fields::loose::deserialize")]
    #[schema(value_type = Option<i64>)]
    pub slot_step_minutes: Option<String>,
}

impl BookingPolicyInput {
    /// Validates the rules; the version is assigned when they are saved.
    pub fn parse(&self) -> Result<BookingPolicy, FieldErrors> {
        let mut errors = FieldErrors::new();
        let text = |f: &Option<String>| f.clone().unwrap_or_default();
        let notice = errors.check(
            "minimum_notice_minutes",
            count(&text(&self.minimum_notice_minutes), NOTICE_MINUTES),
        );
        let horizon = errors.check(
            "horizon_days",
            count(&text(&self.horizon_days), HORIZON_DAYS),
        );
        let window = errors.check(
            "late_cancel_window_minutes",
            count(
                &text(&self.late_cancel_window_minutes),
                LATE_CANCEL_WINDOW_MINUTES,
            ),
        );
        let late = errors.check(
            "reschedule_inside_window_is_late",
            values::flag(&text(&self.reschedule_inside_window_is_late)),
        );
        let step = match text(&self.slot_step_minutes).trim() {
            "" => Some(None),
            raw => errors
                .check("slot_step_minutes", values::minutes(raw, 5, 120))
                .map(Some),
        };
        match (notice, horizon, window, late, step) {
            (Some(notice), Some(horizon), Some(window), Some(late), Some(step)) => {
                Ok(BookingPolicy {
                    version: 0,
                    minimum_notice_minutes: notice,
                    horizon_days: horizon,
                    late_cancel_window_minutes: window,
                    reschedule_inside_window_is_late: late,
                    slot_step_minutes: step,
                })
            }
            _ => Err(errors),
        }
    }
}

fn count(raw: &str, range: RangeInclusive<i64>) -> Result<i64, Invalid> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Invalid::new("is required"));
    }
    let value: i64 = text
        .parse()
        .map_err(|_| Invalid::new(format!("'{text}' is not a whole number")))?;
    if !range.contains(&value) {
        let (min, max) = (range.start(), range.end());
        return Err(Invalid::new(format!("must be between {min} and {max}")));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn exactly_the_window_before_is_not_late() {
        let policy = BookingPolicy::default();
        let start = at("2026-03-09T14:00:00Z");

        assert!(!policy.is_late(at("2026-03-08T14:00:00Z"), start, false));
        assert!(policy.is_late(at("2026-03-08T14:00:01Z"), start, false));
        assert!(!policy.is_late(at("2026-03-09T13:00:00Z"), start, true));
    }

    #[test]
    fn cancelled_appointments_free_their_time() {
        let occupying: Vec<Status> = Status::ALL.into_iter().filter(|s| s.occupies()).collect();

        assert_eq!(
            occupying,
            [
                Status::Booked,
                Status::Arrived,
                Status::Completed,
                Status::NoShow
            ]
        );
    }

    #[test]
    fn arrival_can_be_undone_but_completion_cannot() {
        assert!(Status::Arrived.may_become(Status::Booked));
        assert!(!Status::Completed.may_become(Status::Booked));
        assert!(!Status::Cancelled.may_become(Status::Arrived));
    }

    #[test]
    fn policy_input_names_each_bad_field() {
        let input = BookingPolicyInput {
            minimum_notice_minutes: Some("soon".into()),
            horizon_days: Some("0".into()),
            late_cancel_window_minutes: Some("1440".into()),
            ..BookingPolicyInput::default()
        };

        let errors = input.parse().unwrap_err();

        assert!(
            errors
                .get("minimum_notice_minutes")
                .unwrap()
                .contains("'soon'")
        );
        assert!(errors.get("horizon_days").is_some());
        assert!(errors.get("late_cancel_window_minutes").is_none());
    }
}
