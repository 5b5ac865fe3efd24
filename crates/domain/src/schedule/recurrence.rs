//! Recurring series: the same civil time every week or every N weeks, across DST changes.
//!
//! An occurrence keeps the clock time of the first one, so its UTC instant moves by an hour
//! when DST starts or ends. When that time does not exist on a date (the skipped hour), the
//! occurrence starts at the moment of the change and says so; inside the repeated hour it
//! takes the first occurrence, as every edge does.

use super::clock::edge;
use super::range::add_days;
use crate::FieldErrors;
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};

/// The most occurrences one series may have: two years of weekly appointments.
pub const MAX_OCCURRENCES: u32 = 104;
const MAX_EVERY_WEEKS: u32 = 52;

/// When a series stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecurrenceEnd {
    /// After this many occurrences, the first included (1 to [`MAX_OCCURRENCES`]).
    Count(u32),
    /// On the last occurrence whose local date is on or before this date.
    Until(Date),
}

/// A weekly rule: from `first`, every `every_weeks` weeks, until `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recurrence {
    /// The first occurrence's local date and clock time.
    pub first: DateTime,
    /// 1 for weekly, 2 for every other week, up to 52.
    pub every_weeks: u32,
    /// A count of occurrences or a last date.
    pub end: RecurrenceEnd,
}

/// One occurrence of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The local date of the occurrence.
    pub date: Date,
    /// The clock reading at `start`: the series' time, or the moment of the change when moved.
    pub local: DateTime,
    pub start: Timestamp,
    /// The zone's offset at `start`.
    pub offset: Offset,
    /// The series' time does not exist on this date (skipped by DST), so the occurrence was
    /// moved to the moment of the change; the UI should say so.
    pub moved_by_gap: bool,
}

/// The occurrences of `rule` in `tz`, in order. Refuses `every_weeks` outside 1 to 52, a
/// count of 0 or above [`MAX_OCCURRENCES`], and an `until` before the first date or so far
/// that the series would pass that cap, naming the field.
pub fn occurrences(tz: &TimeZone, rule: &Recurrence) -> Result<Vec<Occurrence>, FieldErrors> {
    let count = occurrence_count(rule)?;
    let first_date = rule.first.date();
    let step = 7 * i64::from(rule.every_weeks);

    (0..i64::from(count))
        .map(|index| {
            let date = add_days(first_date, index * step)?;
            occurrence(tz, date.to_datetime(rule.first.time()))
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| FieldErrors::single("first", "the series runs past the calendar's end"))
}

/// How many occurrences the rule gives, once its fields are checked.
fn occurrence_count(rule: &Recurrence) -> Result<u32, FieldErrors> {
    let mut errors = FieldErrors::new();
    if !(1..=MAX_EVERY_WEEKS).contains(&rule.every_weeks) {
        let message = format!("must be between 1 and {MAX_EVERY_WEEKS} weeks");
        errors.add("every_weeks", message);
    }

    let count = match rule.end {
        RecurrenceEnd::Count(0) => {
            errors.add("count", "must be at least 1");
            0
        }
        RecurrenceEnd::Count(count) if count > MAX_OCCURRENCES => {
            errors.add("count", format!("must be at most {MAX_OCCURRENCES}"));
            0
        }
        RecurrenceEnd::Count(count) => count,
        RecurrenceEnd::Until(until) => count_until(&mut errors, rule, until),
    };
    errors.finish(|| count)
}

fn count_until(errors: &mut FieldErrors, rule: &Recurrence, until: Date) -> u32 {
    let first = rule.first.date();
    if until < first {
        errors.add("until", "must not be before the first date");
        return 0;
    }
    let days = first.duration_until(until).as_hours() / 24;
    let count = days / (7 * i64::from(rule.every_weeks.max(1))) + 1;
    match u32::try_from(count) {
        Ok(count) if count <= MAX_OCCURRENCES => count,
        _ => {
            let message = format!("gives more than {MAX_OCCURRENCES} occurrences");
            errors.add("until", message);
            0
        }
    }
}

/// The occurrence at the civil time `local`, moved to the moment of the change if `local` was
/// skipped. `None` only past the range of instants jiff represents.
fn occurrence(tz: &TimeZone, local: DateTime) -> Option<Occurrence> {
    let date = local.date();
    match tz.to_ambiguous_timestamp(local).offset() {
        AmbiguousOffset::Unambiguous { offset } | AmbiguousOffset::Fold { before: offset, .. } => {
            let start = offset.to_timestamp(local).ok()?;
            Some(Occurrence {
                date,
                local,
                start,
                offset,
                moved_by_gap: false,
            })
        }
        AmbiguousOffset::Gap { .. } => {
            let start = edge(tz, local)?;
            let offset = tz.to_offset(start);
            let local = offset.to_datetime(start);
            Some(Occurrence {
                date,
                local,
                start,
                offset,
                moved_by_gap: true,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::testing::{day, local, utc, zone};

    fn weekly(first: &str, end: RecurrenceEnd) -> Recurrence {
        Recurrence {
            first: local(first),
            every_weeks: 1,
            end,
        }
    }

    fn starts(occurrences: &[Occurrence]) -> Vec<String> {
        let starts = occurrences.iter();
        starts
            .map(|o| o.start.display_with_offset(o.offset).to_string())
            .collect()
    }

    #[test]
    fn a_weekly_series_keeps_its_clock_time_when_dst_starts() {
        let rule = weekly("2026-02-23T09:00", RecurrenceEnd::Count(4));

        let series = occurrences(&zone("America/Toronto"), &rule).unwrap();

        let expected = [
            "2026-02-23T09:00:00-05:00",
            "2026-03-02T09:00:00-05:00",
            "2026-03-09T09:00:00-04:00",
            "2026-03-16T09:00:00-04:00",
        ];
        assert_eq!(starts(&series), expected);
        assert!(series.iter().all(|o| !o.moved_by_gap));
    }

    #[test]
    fn an_occurrence_in_the_skipped_hour_moves_to_the_change_and_is_flagged() {
        let rule = weekly("2026-03-01T02:30", RecurrenceEnd::Count(3));

        let series = occurrences(&zone("America/Toronto"), &rule).unwrap();

        let expected = [
            "2026-03-01T02:30:00-05:00",
            "2026-03-08T03:00:00-04:00",
            "2026-03-15T02:30:00-04:00",
        ];
        assert_eq!(starts(&series), expected);
        assert_eq!(series[1].start, utc("2026-03-08T07:00Z"));
        assert_eq!(series[1].local, local("2026-03-08T03:00"));
        let flags: Vec<bool> = series.iter().map(|o| o.moved_by_gap).collect();
        assert_eq!(flags, [false, true, false]);
    }

    #[test]
    fn an_occurrence_in_the_repeated_hour_takes_its_first_occurrence() {
        let rule = weekly("2026-10-25T01:30", RecurrenceEnd::Count(2));

        let series = occurrences(&zone("America/Halifax"), &rule).unwrap();

        assert_eq!(
            starts(&series),
            ["2026-10-25T01:30:00-03:00", "2026-11-01T01:30:00-03:00"]
        );
    }

    #[test]
    fn every_other_week_until_a_date_includes_that_date() {
        let rule = Recurrence {
            first: local("2026-10-19T10:00"),
            every_weeks: 2,
            end: RecurrenceEnd::Until(day("2026-11-16")),
        };

        let series = occurrences(&zone("America/Vancouver"), &rule).unwrap();

        let expected = [
            "2026-10-19T10:00:00-07:00",
            "2026-11-02T10:00:00-08:00",
            "2026-11-16T10:00:00-08:00",
        ];
        assert_eq!(starts(&series), expected);
    }

    #[test]
    fn regina_keeps_one_offset_all_year() {
        let rule = Recurrence {
            first: local("2026-03-02T18:00"),
            every_weeks: 26,
            end: RecurrenceEnd::Count(3),
        };

        let series = occurrences(&zone("America/Regina"), &rule).unwrap();

        let expected = [
            "2026-03-02T18:00:00-06:00",
            "2026-08-31T18:00:00-06:00",
            "2027-03-01T18:00:00-06:00",
        ];
        assert_eq!(starts(&series), expected);
    }

    #[test]
    fn a_zero_interval_and_counts_outside_one_to_104_are_refused() {
        let toronto = zone("America/Toronto");
        let none = Recurrence {
            every_weeks: 0,
            ..weekly("2026-03-02T09:00", RecurrenceEnd::Count(0))
        };
        let too_many = weekly("2026-03-02T09:00", RecurrenceEnd::Count(105));

        let none = occurrences(&toronto, &none).unwrap_err();
        let too_many = occurrences(&toronto, &too_many).unwrap_err();
        let most = occurrences(
            &toronto,
            &weekly("2026-03-02T09:00", RecurrenceEnd::Count(104)),
        );

        assert_eq!(
            none.get("every_weeks"),
            Some("must be between 1 and 52 weeks")
        );
        assert_eq!(none.get("count"), Some("must be at least 1"));
        assert_eq!(too_many.get("count"), Some("must be at most 104"));
        assert_eq!(most.unwrap().len(), 104);
    }

    #[test]
    fn an_until_date_before_the_start_or_past_the_cap_is_refused() {
        let toronto = zone("America/Toronto");
        let backwards = weekly("2026-03-02T09:00", RecurrenceEnd::Until(day("2026-03-01")));
        let too_far = weekly("2026-03-02T09:00", RecurrenceEnd::Until(day("2028-03-01")));

        let backwards = occurrences(&toronto, &backwards).unwrap_err();
        let too_far = occurrences(&toronto, &too_far).unwrap_err();

        assert_eq!(
            backwards.get("until"),
            Some("must not be before the first date")
        );
        assert_eq!(
            too_far.get("until"),
            Some("gives more than 104 occurrences")
        );
    }

    #[test]
    fn a_series_that_runs_off_the_calendar_is_refused_not_panicked_on() {
        let rule = weekly("9999-12-20T09:00", RecurrenceEnd::Count(3));

        let result = occurrences(&zone("America/Toronto"), &rule);

        assert!(result.unwrap_err().get("first").is_some());
    }
}
