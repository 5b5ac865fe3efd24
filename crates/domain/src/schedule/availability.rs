//! When one practitioner works at one location: weekly blocks plus extra shifts, minus time
//! off, closures and holidays, turned into instants over a range of local dates.

use super::clock::edge;
use super::interval::{Interval, normalize, subtract};
use super::range::DateRange;
use crate::FieldErrors;
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use std::collections::BTreeSet;

/// Working hours on one weekday, in the location's civil time. Breaks are the gaps between
/// blocks (09:00-12:00 and 13:00-17:00); a block ends on the day it starts, so the latest end
/// is 23:59.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeeklyBlock {
    pub weekday: Weekday,
    pub start: Time,
    pub end: Time,
}

impl WeeklyBlock {
    /// Refuses a block that does not end after it starts, naming `end`.
    pub fn check(&self) -> Result<(), FieldErrors> {
        check_order(self.start < self.end)
    }
}

/// An extra shift on one date, outside the weekly hours, in the location's civil time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtraShift {
    pub date: Date,
    pub start: Time,
    pub end: Time,
}

impl ExtraShift {
    /// Refuses a shift that does not end after it starts, naming `end`.
    pub fn check(&self) -> Result<(), FieldErrors> {
        check_order(self.start < self.end)
    }
}

/// A stretch of local civil time, `[start, end)`, possibly over several days: a
/// practitioner's time off or a location's closure, whole days or part of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalSpan {
    pub start: DateTime,
    pub end: DateTime,
}

impl LocalSpan {
    /// The whole days `first..=last`, from midnight to midnight.
    pub fn whole_days(first: Date, last: Date) -> LocalSpan {
        let end = match last.tomorrow() {
            Ok(next) => next.to_datetime(Time::midnight()),
            Err(_) => last.to_datetime(Time::MAX),
        };
        LocalSpan {
            start: first.to_datetime(Time::midnight()),
            end,
        }
    }

    /// Refuses a span that does not end after it starts, naming `end`.
    pub fn check(&self) -> Result<(), FieldErrors> {
        check_order(self.start < self.end)
    }

    /// The real time the span covers in `tz`, each edge by the edge rule; `None` only for
    /// a span beyond the instants jiff can represent.
    pub fn interval(&self, tz: &TimeZone) -> Option<Interval> {
        local_interval(tz, self.start, self.end)
    }
}

fn check_order(end_after_start: bool) -> Result<(), FieldErrors> {
    if end_after_start {
        Ok(())
    } else {
        Err(FieldErrors::single("end", "must be after the start"))
    }
}

/// Checks a week of blocks: each must end after it starts, and no two may overlap on the same
/// weekday. Errors name the block by its index (`blocks[2].end`, `blocks[3].start`); blocks
/// that only touch are fine and count as one stretch.
pub fn validate_week(blocks: &[WeeklyBlock]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    for (index, block) in blocks.iter().enumerate() {
        if let Err(block_errors) = block.check() {
            errors.nest(&format!("blocks[{index}]"), block_errors);
        }
    }

    for (earlier, later) in overlapping_pairs(blocks) {
        let weekday = format!("{:?}", blocks[later].weekday);
        let message = format!("overlaps blocks[{earlier}] on {weekday}");
        errors.add(&format!("blocks[{later}].start"), message);
    }
    errors.finish(|| ())
}

/// Pairs `(earlier, later)` of valid blocks on the same weekday where `later` starts before
/// `earlier` ends. One pass over the blocks sorted by weekday and start, remembering the
/// block that reaches furthest so far.
fn overlapping_pairs(blocks: &[WeeklyBlock]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..blocks.len())
        .filter(|&index| blocks[index].check().is_ok())
        .collect();
    order.sort_by_key(|&index| {
        let block = blocks[index];
        (block.weekday.to_monday_zero_offset(), block.start, index)
    });

    let mut pairs = Vec::new();
    let mut reach: Option<usize> = None;
    for index in order {
        let block = blocks[index];
        match reach.map(|r| (r, blocks[r])) {
            Some((r, furthest)) if furthest.weekday == block.weekday => {
                if block.start < furthest.end {
                    pairs.push((r, index));
                }
                if block.end > furthest.end {
                    reach = Some(index);
                }
            }
            _ => reach = Some(index),
        }
    }
    pairs
}

/// Everything that decides when one practitioner is available at one location.
///
/// Time off, closures and holidays win over weekly blocks and extra shifts alike. A holiday
/// closes the whole local day; to open on one, leave it out of `holidays`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Availability {
    pub weekly: Vec<WeeklyBlock>,
    pub extra_shifts: Vec<ExtraShift>,
    pub time_off: Vec<LocalSpan>,
    pub closures: Vec<LocalSpan>,
    pub holidays: BTreeSet<Date>,
}

impl Availability {
    /// The practitioner's available time over `range` in `tz`: sorted, disjoint half-open
    /// intervals, with touching pieces merged. Each civil edge maps to the first instant at
    /// which the clock shows that time or later, so 00:00-04:00 on the fall-back night is
    /// five real hours and on the spring-forward night three. Blocks, shifts and spans that
    /// do not end after they start are ignored.
    pub fn intervals(&self, tz: &TimeZone, range: DateRange) -> Vec<Interval> {
        let working = normalize(self.working(tz, range));
        let away = normalize(self.away(tz, range));
        subtract(&working, &away)
    }

    fn working(&self, tz: &TimeZone, range: DateRange) -> Vec<Interval> {
        let weekly = range.days().flat_map(|date| {
            self.weekly
                .iter()
                .filter(move |block| block.weekday == date.weekday())
                .map(move |block| (date, block.start, block.end))
        });
        let extra = self
            .extra_shifts
            .iter()
            .filter(|shift| range.contains(shift.date))
            .map(|shift| (shift.date, shift.start, shift.end));

        weekly
            .chain(extra)
            .filter_map(|(date, start, end)| {
                local_interval(tz, date.to_datetime(start), date.to_datetime(end))
            })
            .collect()
    }

    fn away(&self, tz: &TimeZone, range: DateRange) -> Vec<Interval> {
        let holidays = self
            .holidays
            .range(range.from()..=range.to())
            .map(|&date| LocalSpan::whole_days(date, date));

        self.time_off
            .iter()
            .chain(&self.closures)
            .copied()
            .chain(holidays)
            .filter_map(|span| local_interval(tz, span.start, span.end))
            .collect()
    }
}

fn local_interval(tz: &TimeZone, start: DateTime, end: DateTime) -> Option<Interval> {
    Some(Interval::new(edge(tz, start)?, edge(tz, end)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::testing::{clock, day, local, utc, zone};

    fn block(weekday: Weekday, start: &str, end: &str) -> WeeklyBlock {
        WeeklyBlock {
            weekday,
            start: clock(start),
            end: clock(end),
        }
    }

    fn span(start: &str, end: &str) -> Interval {
        Interval::new(utc(start), utc(end))
    }

    fn one_day(date: &str) -> DateRange {
        DateRange::single(day(date))
    }

    #[test]
    fn a_local_span_over_the_spring_gap_starts_at_the_moment_of_the_change() {
        let night = LocalSpan {
            start: local("2026-03-08T02:30"),
            end: local("2026-03-08T05:00"),
        };

        let interval = night.interval(&zone("America/Toronto"));

        assert_eq!(
            interval,
            Some(span("2026-03-08T07:00Z", "2026-03-08T09:00Z"))
        );
    }

    #[test]
    fn a_working_day_with_a_lunch_break_gives_two_stretches() {
        let hours = Availability {
            weekly: vec![
                block(Weekday::Monday, "09:00", "12:00"),
                block(Weekday::Monday, "13:00", "17:00"),
            ],
            ..Availability::default()
        };

        let intervals = hours.intervals(&zone("America/Toronto"), one_day("2026-03-09"));

        assert_eq!(
            intervals,
            [
                span("2026-03-09T13:00Z", "2026-03-09T16:00Z"),
                span("2026-03-09T17:00Z", "2026-03-09T21:00Z"),
            ]
        );
    }

    #[test]
    fn touching_blocks_are_one_stretch() {
        let hours = Availability {
            weekly: vec![
                block(Weekday::Monday, "10:30", "12:00"),
                block(Weekday::Monday, "09:00", "10:30"),
            ],
            ..Availability::default()
        };

        let intervals = hours.intervals(&zone("America/Vancouver"), one_day("2026-03-09"));

        assert_eq!(intervals, [span("2026-03-09T16:00Z", "2026-03-09T19:00Z")]);
    }

    #[test]
    fn midnight_to_four_on_the_fall_back_night_is_five_real_hours() {
        let hours = Availability {
            weekly: vec![block(Weekday::Sunday, "00:00", "04:00")],
            ..Availability::default()
        };

        let intervals = hours.intervals(&zone("America/Toronto"), one_day("2026-11-01"));

        assert_eq!(intervals, [span("2026-11-01T04:00Z", "2026-11-01T09:00Z")]);
        assert_eq!(intervals[0].minutes(), 300);
    }

    #[test]
    fn midnight_to_four_on_the_spring_forward_night_is_three_real_hours() {
        let hours = Availability {
            weekly: vec![block(Weekday::Sunday, "00:00", "04:00")],
            ..Availability::default()
        };

        let intervals = hours.intervals(&zone("America/Toronto"), one_day("2026-03-08"));

        assert_eq!(intervals, [span("2026-03-08T05:00Z", "2026-03-08T08:00Z")]);
    }

    #[test]
    fn a_block_ending_inside_the_gap_ends_at_the_change_and_one_inside_it_vanishes() {
        let hours = Availability {
            weekly: vec![
                block(Weekday::Sunday, "01:00", "02:30"),
                block(Weekday::Sunday, "02:10", "02:50"),
            ],
            ..Availability::default()
        };

        let intervals = hours.intervals(&zone("America/Toronto"), one_day("2026-03-08"));

        assert_eq!(intervals, [span("2026-03-08T06:00Z", "2026-03-08T07:00Z")]);
    }

    #[test]
    fn time_off_beats_an_extra_shift_on_the_same_date() {
        let hours = Availability {
            extra_shifts: vec![ExtraShift {
                date: day("2026-03-14"),
                start: clock("10:00"),
                end: clock("14:00"),
            }],
            time_off: vec![LocalSpan {
                start: local("2026-03-14T12:00"),
                end: local("2026-03-14T18:00"),
            }],
            ..Availability::default()
        };

        let intervals = hours.intervals(&zone("America/Halifax"), one_day("2026-03-14"));

        assert_eq!(intervals, [span("2026-03-14T13:00Z", "2026-03-14T15:00Z")]);
    }

    #[test]
    fn time_off_over_several_days_removes_the_days_between() {
        let weekdays = [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday];
        let hours = Availability {
            weekly: weekdays.map(|d| block(d, "09:00", "17:00")).to_vec(),
            time_off: vec![LocalSpan {
                start: local("2026-03-09T15:00"),
                end: local("2026-03-11T11:00"),
            }],
            ..Availability::default()
        };
        let range = DateRange::new(day("2026-03-09"), day("2026-03-11")).unwrap();

        let intervals = hours.intervals(&zone("America/Regina"), range);

        assert_eq!(
            intervals,
            [
                span("2026-03-09T15:00Z", "2026-03-09T21:00Z"),
                span("2026-03-11T17:00Z", "2026-03-11T23:00Z"),
            ]
        );
    }

    #[test]
    fn holidays_and_closures_close_the_location() {
        let weekdays = [Weekday::Monday, Weekday::Tuesday];
        let hours = Availability {
            weekly: weekdays.map(|d| block(d, "09:00", "17:00")).to_vec(),
            closures: vec![LocalSpan {
                start: local("2026-05-19T09:00"),
                end: local("2026-05-19T13:00"),
            }],
            holidays: BTreeSet::from([day("2026-05-18")]),
            ..Availability::default()
        };
        let range = DateRange::new(day("2026-05-18"), day("2026-05-19")).unwrap();

        let intervals = hours.intervals(&zone("America/St_Johns"), range);

        assert_eq!(intervals, [span("2026-05-19T15:30Z", "2026-05-19T19:30Z")]);
    }

    #[test]
    fn a_week_with_a_block_ending_before_it_starts_names_that_block() {
        let blocks = [
            block(Weekday::Monday, "09:00", "12:00"),
            block(Weekday::Monday, "14:00", "13:00"),
        ];

        let errors = validate_week(&blocks).unwrap_err();

        assert_eq!(errors.get("blocks[1].end"), Some("must be after the start"));
    }

    #[test]
    fn overlapping_blocks_on_one_weekday_are_refused_but_touching_ones_pass() {
        let overlapping = [
            block(Weekday::Tuesday, "09:00", "17:00"),
            block(Weekday::Tuesday, "10:00", "11:00"),
            block(Weekday::Tuesday, "12:00", "13:00"),
            block(Weekday::Wednesday, "12:00", "13:00"),
        ];
        let touching = [
            block(Weekday::Tuesday, "09:00", "10:30"),
            block(Weekday::Tuesday, "10:30", "12:00"),
        ];

        let errors = validate_week(&overlapping).unwrap_err();

        assert_eq!(
            errors.get("blocks[1].start"),
            Some("overlaps blocks[0] on Tuesday")
        );
        assert_eq!(
            errors.get("blocks[2].start"),
            Some("overlaps blocks[0] on Tuesday")
        );
        assert_eq!(errors.get("blocks[3].start"), None);
        assert!(validate_week(&touching).is_ok());
    }
}
