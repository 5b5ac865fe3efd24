//! Property tests for availability and open slots over random weekly schedules, bookings,
//! Canadian zones and date ranges around DST changes, checked against the rules stated
//! directly and against a brute-force search; and odd input, which must never panic.

use super::clock::edge;
use super::*;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

const ZONES: [&str; 7] = [
    "America/Toronto",
    "America/St_Johns",
    "America/Regina",
    "America/Vancouver",
    "America/Halifax",
    "America/Winnipeg",
    "America/Edmonton",
];

/// Dates of DST changes in Canada; ranges start a few days either side of one.
const CHANGES: [Date; 4] = [
    Date::constant(2026, 3, 8),
    Date::constant(2026, 11, 1),
    Date::constant(2027, 3, 14),
    Date::constant(2027, 11, 7),
];

const STEPS: [i64; 9] = [5, 10, 15, 20, 25, 30, 45, 50, 60];

/// One random scheduling situation.
#[derive(Clone, Debug)]
struct Case {
    zone: TimeZone,
    hours: Availability,
    range: DateRange,
    /// Bookings as (day of the range, minute of the local day, length in minutes).
    bookings: Vec<(i64, i64, i64)>,
    query: SlotQuery,
}

fn minute_of_day() -> impl Strategy<Value = i64> {
    prop_oneof![0..1440_i64, 0..300_i64]
}

fn time_at(minute: i64) -> Time {
    let minute = minute.clamp(0, 1439);
    Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0).unwrap_or(Time::MIN)
}

fn weekly_block() -> impl Strategy<Value = WeeklyBlock> {
    let sunday_often = prop_oneof![0..7_i8, Just(6_i8)];
    (sunday_often, minute_of_day(), 10..720_i64).prop_map(|(day, start, length)| WeeklyBlock {
        weekday: Weekday::from_monday_zero_offset(day).unwrap_or(Weekday::Monday),
        start: time_at(start),
        end: time_at((start + length).min(1439)),
    })
}

fn local_span(from: Date) -> impl Strategy<Value = LocalSpan> {
    (0..16_i64, minute_of_day(), 10..3000_i64).prop_map(move |(day, minute, length)| {
        let date = range::add_days(from, day).unwrap_or(from);
        let start = date.to_datetime(time_at(minute));
        let end = start.saturating_add(SignedDuration::from_mins(length));
        LocalSpan { start, end }
    })
}

fn extra_shift(from: Date) -> impl Strategy<Value = ExtraShift> {
    (0..16_i64, minute_of_day(), 10..600_i64).prop_map(move |(day, start, length)| ExtraShift {
        date: range::add_days(from, day).unwrap_or(from),
        start: time_at(start),
        end: time_at((start + length).min(1439)),
    })
}

prop_compose! {
    fn case()(
        zone in prop::sample::select(ZONES.to_vec()),
        change in prop::sample::select(CHANGES.to_vec()),
        lead in 0..8_i64,
        days in 1..15_i64,
    )(
        zone in Just(zone),
        from in Just(range::add_days(change, -lead).unwrap_or(change)),
        days in Just(days),
        weekly in prop::collection::vec(weekly_block(), 0..16),
        extra in prop::collection::vec(extra_shift(change), 0..3),
        away in prop::collection::vec(local_span(change), 0..3),
        bookings in prop::collection::vec((0..15_i64, minute_of_day(), 5..240_i64), 0..25),
        duration in 5..181_i64,
        buffers in (0..31_i64, 0..31_i64),
        step in prop::sample::select(STEPS.to_vec()),
        now_minutes in -4320..4320_i64,
        notice in prop::option::of(0..1500_i64),
        horizon in prop::option::of(0..30_i64),
    ) -> Case {
        let zone = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
        let to = range::add_days(from, days - 1).unwrap_or(from);
        let range = DateRange::new(from, to).unwrap_or(DateRange::single(from));
        let (time_off, closures) = away.split_at(away.len() / 2);
        let hours = Availability {
            weekly,
            extra_shifts: extra,
            time_off: time_off.to_vec(),
            closures: closures.to_vec(),
            ..Availability::default()
        };
        let midnight = edge(&zone, from.to_datetime(Time::MIN)).unwrap_or_default();
        let now = midnight.checked_add(SignedDuration::from_mins(now_minutes));
        let now = now.unwrap_or(midnight);
        let query = SlotQuery {
            range,
            duration,
            buffer_before: buffers.0,
            buffer_after: buffers.1,
            step,
            now,
            minimum_notice: notice,
            horizon_days: horizon,
        };
        Case { zone, hours, range, bookings, query }
    }
}

impl Case {
    fn availability(&self) -> Vec<Interval> {
        self.hours.intervals(&self.zone, self.range)
    }

    fn occupied(&self) -> Vec<Interval> {
        let from = self.range.from();
        let to_interval = |&(day, minute, length): &(i64, i64, i64)| {
            let date = range::add_days(from, day)?;
            let start = edge(&self.zone, date.to_datetime(time_at(minute)))?;
            let end = start.checked_add(SignedDuration::from_mins(length)).ok()?;
            Some(Interval::new(start, end))
        };
        self.bookings.iter().filter_map(to_interval).collect()
    }

    fn slots(&self) -> Vec<Slot> {
        open_slots(
            &self.zone,
            &self.query,
            &self.availability(),
            &self.occupied(),
        )
        .unwrap_or_default()
    }

    fn needs(&self, slot: &Slot) -> Interval {
        let before = SignedDuration::from_mins(self.query.buffer_before);
        let after = SignedDuration::from_mins(self.query.buffer_after);
        Interval::new(slot.start - before, slot.end + after)
    }
}

/// The instants at which the clock in `zone` shows `local`, found by trying every offset
/// Canada has used, independently of the code under test.
fn clock_shows(zone: &TimeZone, local: jiff::civil::DateTime) -> Vec<(Timestamp, Offset)> {
    (-20..=-4)
        .filter_map(|half_hours| Offset::from_seconds(half_hours * 1800).ok())
        .filter_map(|offset| Some((offset.to_timestamp(local).ok()?, offset)))
        .filter(|(instant, offset)| zone.to_offset(*instant) == *offset)
        .collect()
}

/// Every slot the rules allow, found by trying every grid time against every interval.
fn brute_force(case: &Case) -> Vec<(Timestamp, Offset)> {
    let (query, availability, occupied) = (&case.query, case.availability(), case.occupied());
    let today = case.zone.to_datetime(query.now).date();
    let last = query
        .horizon_days
        .and_then(|days| range::add_days(today, days));
    let earliest = query.now + SignedDuration::from_mins(query.minimum_notice.unwrap_or(0));

    let mut found = Vec::new();
    for date in query
        .range
        .days()
        .filter(|date| last.is_none_or(|last| *date <= last))
    {
        for minute in (0..1440).step_by(query.step as usize) {
            for (start, offset) in clock_shows(&case.zone, date.to_datetime(time_at(minute))) {
                let end = start + SignedDuration::from_mins(query.duration);
                let slot = Slot {
                    date,
                    start,
                    end,
                    offset,
                };
                let need = case.needs(&slot);
                if start >= earliest && fits(need, &availability) && !overlaps(need, &occupied) {
                    found.push((start, offset));
                }
            }
        }
    }
    found.sort();
    found
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_offered_slot_obeys_the_rules(case in case()) {
        let availability = case.availability();
        let occupied = case.occupied();

        let slots = case.slots();

        let today = case.zone.to_datetime(case.query.now).date();
        let notice = SignedDuration::from_mins(case.query.minimum_notice.unwrap_or(0));
        for slot in &slots {
            let local = slot.local_start();
            let minute = i64::from(local.hour()) * 60 + i64::from(local.minute());
            prop_assert!(fits(case.needs(slot), &availability), "{slot:?} outside availability");
            prop_assert!(!overlaps(case.needs(slot), &occupied), "{slot:?} overlaps a booking");
            prop_assert_eq!(slot.offset, case.zone.to_offset(slot.start));
            prop_assert_eq!(minute % case.query.step, 0, "{:?} is off the grid", local);
            prop_assert_eq!(local.second(), 0);
            prop_assert_eq!(local.date(), slot.date);
            prop_assert!(case.range.contains(slot.date));
            prop_assert_eq!(slot.start.duration_until(slot.end).as_mins(), case.query.duration);
            prop_assert!(slot.start >= case.query.now + notice);
            if let Some(days) = case.query.horizon_days {
                prop_assert!(slot.date <= range::add_days(today, days).unwrap_or(today));
            }
        }
        prop_assert!(slots.windows(2).all(|pair| pair[0].start < pair[1].start), "repeated");
    }

    #[test]
    fn open_slots_offer_exactly_what_a_brute_force_search_finds(case in case()) {
        let expected = brute_force(&case);

        let offered: Vec<(Timestamp, Offset)> =
            case.slots().iter().map(|slot| (slot.start, slot.offset)).collect();

        prop_assert_eq!(offered, expected);
    }

    #[test]
    fn availability_is_sorted_disjoint_and_never_inside_time_off(case in case()) {
        let away: Vec<Interval> = case.hours.time_off.iter().chain(&case.hours.closures)
            .filter_map(|span| {
                Some(Interval::new(edge(&case.zone, span.start)?, edge(&case.zone, span.end)?))
            })
            .collect();

        let availability = case.availability();

        prop_assert!(availability.iter().all(|interval| !interval.is_empty()));
        prop_assert!(availability.windows(2).all(|pair| pair[0].end < pair[1].start));
        for interval in &availability {
            prop_assert!(!overlaps(*interval, &away), "{interval:?} is in time off");
        }
    }

    #[test]
    fn odd_slot_queries_return_errors_or_slots_but_never_panic(
        numbers in prop::array::uniform5(any::<i64>()),
        options in (prop::option::of(any::<i64>()), prop::option::of(any::<i64>())),
        seconds in prop::array::uniform5(Timestamp::MIN.as_second()..=Timestamp::MAX.as_second()),
        year in -9999..=9999_i16,
        zone in prop::sample::select(ZONES.to_vec()),
    ) {
        let zone = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
        let [t0, t1, t2, t3, now] = seconds.map(|s| Timestamp::from_second(s).unwrap_or_default());
        let date = Date::new(year, 12, 31).unwrap_or_default();
        let query = SlotQuery {
            range: DateRange::single(date),
            duration: numbers[0] % 2000,
            buffer_before: numbers[1] % 2000,
            buffer_after: numbers[2],
            step: numbers[3] % 100,
            now,
            minimum_notice: options.0,
            horizon_days: options.1,
        };
        let intervals = [Interval::new(t0, t1), Interval::new(t3, t2), Interval::new(t1, t3)];

        let _ = open_slots(&zone, &query, &intervals, &intervals);
        let _ = fits(intervals[0], &intervals);
    }

    #[test]
    fn odd_schedules_and_series_never_panic(
        from in (-9999..=9999_i16, 1..=12_i8, 1..=28_i8),
        days in 0..400_i64,
        minute in 0..1440_i64,
        every_weeks in any::<u32>(),
        count in any::<u32>(),
        year in any::<i16>(),
    ) {
        let from = Date::new(from.0, from.1, from.2).unwrap_or_default();
        let to = range::add_days(from, days).unwrap_or(from);
        let zone = TimeZone::get("America/St_Johns").unwrap_or(TimeZone::UTC);
        let block = |weekday| WeeklyBlock { weekday, start: time_at(minute), end: Time::MAX };
        let hours = Availability {
            weekly: vec![block(Weekday::Monday), block(Weekday::Sunday)],
            time_off: vec![LocalSpan::whole_days(to, from)],
            holidays: [from, to].into(),
            ..Availability::default()
        };
        let first = from.to_datetime(time_at(minute));
        let rule = Recurrence { first, every_weeks, end: RecurrenceEnd::Count(count) };
        let until = Recurrence { end: RecurrenceEnd::Until(to), ..rule };

        if let Ok(range) = DateRange::new(from, to) {
            let _ = hours.intervals(&zone, range);
        }
        let _ = occurrences(&zone, &rule);
        let _ = occurrences(&zone, &until);
        let _ = holidays(crate::values::Province::NL, year);
    }
}
