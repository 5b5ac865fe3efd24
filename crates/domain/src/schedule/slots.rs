//! Open slots: the grid times at which a service can start, given availability and the time
//! already occupied, within online booking's notice and horizon.
//!
//! Candidates are the local clock times on the grid, each day counted from local midnight. A
//! time that does not exist that day (DST gap) is no candidate; a time of the repeated hour
//! gives two, each with its own offset. Candidates are sorted by instant once, then checked
//! against availability and occupied time in a single sweep.

use super::clock::readings;
use super::interval::{Interval, normalize};
use super::range::{DateRange, add_days};
use crate::FieldErrors;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

const MINUTES_PER_DAY: i64 = 24 * 60;
const MAX_NOTICE_MINUTES: i64 = 366 * MINUTES_PER_DAY;
const MAX_HORIZON_DAYS: i64 = 3660;

/// What to search for: one service's timing, the grid, and online booking's limits. Minutes
/// are real elapsed minutes, except `step`, which counts on the clock from local midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotQuery {
    /// Local dates to search, in the location's zone.
    pub range: DateRange,
    /// The service's length, 1 to 1440 minutes.
    pub duration: i64,
    /// Time kept free before the service, 0 to 1440 minutes.
    pub buffer_before: i64,
    /// Time kept free after the service, 0 to 1440 minutes.
    pub buffer_after: i64,
    /// Grid step, 1 to 1440 minutes.
    pub step: i64,
    /// The moment of the request; no slot starts before it.
    pub now: Timestamp,
    /// A slot starts at least this many minutes after `now`; `None` means at or after `now`.
    pub minimum_notice: Option<i64>,
    /// A slot's local date is at most this many days after today's; `None` means no limit.
    pub horizon_days: Option<i64>,
}

/// One open slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The local date on which the slot starts; the slot belongs to it.
    pub date: Date,
    pub start: Timestamp,
    /// `start` plus the service's duration in real minutes.
    pub end: Timestamp,
    /// The zone's offset at `start`, which tells apart the two 01:30s of the fall-back night.
    pub offset: Offset,
}

impl Slot {
    /// The clock reading at the start (`2026-11-01T01:30`).
    pub fn local_start(&self) -> DateTime {
        self.offset.to_datetime(self.start)
    }

    /// The start as RFC 3339 with the location's offset (`2026-03-09T09:00:00-04:00`).
    pub fn start_rfc3339(&self) -> String {
        self.start.display_with_offset(self.offset).to_string()
    }
}

/// The open slots for one practitioner in `tz`, sorted by start.
///
/// A candidate is offered when its occupied interval `[start - buffer_before, end +
/// buffer_after)` lies inside one stretch of `availability` and overlaps none of `occupied`
/// (each given with its own buffers), it starts at or after `now + minimum_notice`, and its
/// local date is within the horizon. Neither list needs to be sorted; touching pieces of
/// availability count as one stretch. Refuses out-of-range minutes, naming the field.
pub fn open_slots(
    tz: &TimeZone,
    query: &SlotQuery,
    availability: &[Interval],
    occupied: &[Interval],
) -> Result<Vec<Slot>, FieldErrors> {
    let timing = Timing::check(query)?;
    let Ok(earliest) = query.now.checked_add(timing.notice) else {
        return Ok(Vec::new());
    };
    let last_date = last_date(tz, query);

    let availability = normalize(availability.to_vec());
    let occupied = normalize(occupied.to_vec());
    let mut sweep = Sweep::new(&availability, &occupied);

    let slots = candidates(tz, query.range, last_date, &timing, &availability)
        .into_iter()
        .filter(|slot| slot.start >= earliest)
        .filter(|slot| {
            timing
                .occupied(slot)
                .is_some_and(|need| sweep.accepts(need))
        })
        .collect();
    Ok(slots)
}

/// The last local date the horizon allows, or `None` for no limit.
fn last_date(tz: &TimeZone, query: &SlotQuery) -> Option<Date> {
    let today = tz.to_datetime(query.now).date();
    add_days(today, query.horizon_days?)
}

/// The query's minutes, checked and turned into durations.
struct Timing {
    duration: SignedDuration,
    before: SignedDuration,
    after: SignedDuration,
    step: usize,
    notice: SignedDuration,
}

impl Timing {
    fn check(query: &SlotQuery) -> Result<Timing, FieldErrors> {
        let mut errors = FieldErrors::new();
        let day = MINUTES_PER_DAY;
        let duration = within(&mut errors, "duration", query.duration, 1, day);
        let before = within(&mut errors, "buffer_before", query.buffer_before, 0, day);
        let after = within(&mut errors, "buffer_after", query.buffer_after, 0, day);
        let step = within(&mut errors, "step", query.step, 1, day);
        let notice = query.minimum_notice.unwrap_or(0);
        let notice = within(&mut errors, "minimum_notice", notice, 0, MAX_NOTICE_MINUTES);
        if let Some(horizon) = query.horizon_days {
            within(&mut errors, "horizon_days", horizon, 0, MAX_HORIZON_DAYS);
        }

        errors.finish(|| Timing {
            duration: SignedDuration::from_mins(duration),
            before: SignedDuration::from_mins(before),
            after: SignedDuration::from_mins(after),
            step: usize::try_from(step).unwrap_or(1),
            notice: SignedDuration::from_mins(notice),
        })
    }

    /// The interval a slot would occupy, buffers included.
    fn occupied(&self, slot: &Slot) -> Option<Interval> {
        let start = slot.start.checked_sub(self.before).ok()?;
        let end = slot.end.checked_add(self.after).ok()?;
        Some(Interval::new(start, end))
    }
}

/// Records an error when `value` is outside `min..=max`; returns it clamped either way.
fn within(errors: &mut FieldErrors, field: &str, value: i64, min: i64, max: i64) -> i64 {
    if !(min..=max).contains(&value) {
        errors.add(
            field,
            format!("must be between {min} and {max}, not {value}"),
        );
    }
    value.clamp(min, max)
}

/// The grid candidates from the range's first date to its last (or `last_date` if earlier),
/// sorted by instant, each instant once. On a day whose offset holds all day, only the
/// candidates that fit inside a stretch of `availability` (normalized) are made, since no
/// other could be offered; a day with an offset change gets its whole grid.
fn candidates(
    tz: &TimeZone,
    range: DateRange,
    last_date: Option<Date>,
    timing: &Timing,
    availability: &[Interval],
) -> Vec<Slot> {
    let mut starts = Vec::new();
    let dates = range
        .days()
        .take_while(|date| last_date.is_none_or(|last| *date <= last));
    for date in dates {
        match steady_midnight(tz, date) {
            Some((midnight, offset)) => {
                let minutes = fitting_minutes(midnight, timing, availability);
                starts.extend(minutes.filter_map(|minute| {
                    let start = midnight
                        .checked_add(SignedDuration::from_mins(minute))
                        .ok()?;
                    Some((date, start, offset))
                }));
            }
            None => starts.extend(
                grid(timing.step)
                    .flat_map(|time| readings(tz, date.to_datetime(time)))
                    .map(|(start, offset)| (date, start, offset)),
            ),
        }
    }

    let mut slots: Vec<Slot> = starts
        .into_iter()
        .filter_map(|(date, start, offset)| {
            let end = start.checked_add(timing.duration).ok()?;
            Some(Slot {
                date,
                start,
                end,
                offset,
            })
        })
        .collect();
    slots.sort_by_key(|slot| slot.start);
    slots.dedup_by_key(|slot| slot.start);
    slots
}

/// The grid minutes after `midnight` (of a day without an offset change) at which a slot,
/// buffers included, lies inside one of the stretches, in order.
fn fitting_minutes<'a>(
    midnight: Timestamp,
    timing: &'a Timing,
    availability: &'a [Interval],
) -> impl Iterator<Item = i64> + 'a {
    const MINUTE_NS: i128 = 60_000_000_000;
    let step = i64::try_from(timing.step).unwrap_or(MINUTES_PER_DAY);
    let step_ns = i128::from(step) * MINUTE_NS;
    let first = availability.partition_point(|s| s.end <= midnight);
    let since = move |at: Timestamp| at.duration_since(midnight).as_nanos();
    let day_ns = i128::from(MINUTES_PER_DAY) * MINUTE_NS;
    let reach = day_ns + timing.before.as_nanos();
    availability[first..]
        .iter()
        .take_while(move |s| since(s.start) < reach)
        .flat_map(move |s| {
            // The earliest start leaves the buffer before inside the stretch; the latest
            // ends the service and the buffer after at its end.
            let lowest = since(s.start) + timing.before.as_nanos();
            let highest = since(s.end) - timing.after.as_nanos() - timing.duration.as_nanos();
            let from = ceil_div(lowest.max(0), step_ns) * i128::from(step);
            let to = highest.div_euclid(MINUTE_NS).min(day_ns / MINUTE_NS - 1);
            let (from, to) = (to_minute(from), to_minute(to));
            (from..=to).step_by(timing.step)
        })
}

/// `a / b` rounded up, for `b > 0`.
fn ceil_div(a: i128, b: i128) -> i128 {
    -((-a).div_euclid(b))
}

/// A minute count already within one day, as `i64`.
fn to_minute(minutes: i128) -> i64 {
    i64::try_from(minutes.clamp(-1, MINUTES_PER_DAY.into())).unwrap_or(-1)
}

/// Local midnight of `date` and the offset in force all through that day, when no change
/// falls inside it (nearly every day). The grid times are then plain minutes after
/// midnight, much cheaper than asking the zone about each.
fn steady_midnight(tz: &TimeZone, date: Date) -> Option<(Timestamp, Offset)> {
    let local = date.to_datetime(Time::midnight());
    let AmbiguousOffset::Unambiguous { offset } = tz.to_ambiguous_timestamp(local).offset() else {
        return None;
    };
    let midnight = offset.to_timestamp(local).ok()?;
    let next = midnight.checked_add(SignedDuration::from_hours(24)).ok()?;
    match tz.following(midnight).next() {
        Some(change) if change.timestamp() < next => None,
        _ => Some((midnight, offset)),
    }
}

/// The clock times of one day's grid: midnight and every `step` minutes after it.
fn grid(step: usize) -> impl Iterator<Item = Time> {
    (0..MINUTES_PER_DAY).step_by(step).filter_map(|minute| {
        let (hour, minute) = (minute / 60, minute % 60);
        Time::new(i8::try_from(hour).ok()?, i8::try_from(minute).ok()?, 0, 0).ok()
    })
}

/// Walks availability and occupied time alongside candidates that come in order of start.
struct Sweep<'a> {
    availability: &'a [Interval],
    occupied: &'a [Interval],
    stretch: usize,
    busy: usize,
}

impl<'a> Sweep<'a> {
    fn new(availability: &'a [Interval], occupied: &'a [Interval]) -> Sweep<'a> {
        Sweep {
            availability,
            occupied,
            stretch: 0,
            busy: 0,
        }
    }

    /// Whether `need` lies inside one stretch and overlaps nothing occupied. Each call's
    /// `need.start` must be at or after the previous call's.
    fn accepts(&mut self, need: Interval) -> bool {
        while self
            .availability
            .get(self.stretch)
            .is_some_and(|s| s.end <= need.start)
        {
            self.stretch += 1;
        }
        while self
            .occupied
            .get(self.busy)
            .is_some_and(|b| b.end <= need.start)
        {
            self.busy += 1;
        }

        let inside = self
            .availability
            .get(self.stretch)
            .is_some_and(|s| s.contains(&need));
        let clash = self
            .occupied
            .get(self.busy)
            .is_some_and(|b| b.overlaps(&need));
        inside && !clash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::testing::{day, utc, zone};

    fn span(start: &str, end: &str) -> Interval {
        Interval::new(utc(start), utc(end))
    }

    /// A query for `date` with no buffers, no notice and no horizon, asked long before.
    fn query(date: &str, duration: i64, step: i64) -> SlotQuery {
        SlotQuery {
            range: DateRange::single(day(date)),
            duration,
            buffer_before: 0,
            buffer_after: 0,
            step,
            now: utc("2026-01-01T00:00Z"),
            minimum_notice: None,
            horizon_days: None,
        }
    }

    fn starts(slots: &[Slot]) -> Vec<String> {
        slots.iter().map(Slot::start_rfc3339).collect()
    }

    fn clock_starts(slots: &[Slot]) -> Vec<String> {
        let local = slots.iter().map(|slot| slot.local_start().time());
        local
            .map(|time| time.strftime("%H:%M").to_string())
            .collect()
    }

    #[test]
    fn an_hour_long_service_fills_a_day_with_a_lunch_break_on_a_quarter_hour_grid() {
        let toronto = zone("America/Toronto");
        let availability = [
            span("2026-03-09T09:00-04:00", "2026-03-09T12:00-04:00"),
            span("2026-03-09T13:00-04:00", "2026-03-09T17:00-04:00"),
        ];

        let slots = open_slots(&toronto, &query("2026-03-09", 60, 15), &availability, &[]).unwrap();

        let morning = [
            "09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45",
        ];
        let afternoon = [
            "13:00", "13:15", "13:30", "13:45", "14:00", "14:15", "14:30",
        ];
        let late = ["14:45", "15:00", "15:15", "15:30", "15:45", "16:00"];
        let expected: Vec<&str> = [&morning[..], &["11:00"], &afternoon, &late].concat();
        assert_eq!(clock_starts(&slots), expected);
        assert_eq!(slots[0].start_rfc3339(), "2026-03-09T09:00:00-04:00");
        assert_eq!(slots[0].end, utc("2026-03-09T10:00-04:00"));
    }

    #[test]
    fn buffers_keep_a_new_booking_clear_of_an_existing_one() {
        let toronto = zone("America/Toronto");
        let availability = [span("2026-03-10T08:00-04:00", "2026-03-10T14:00-04:00")];
        let booked = [span("2026-03-10T09:50-04:00", "2026-03-10T11:15-04:00")];
        let query = SlotQuery {
            buffer_before: 10,
            buffer_after: 15,
            ..query("2026-03-10", 60, 15)
        };

        let slots = open_slots(&toronto, &query, &availability, &booked).unwrap();

        let expected = [
            "08:15", "08:30", "11:30", "11:45", "12:00", "12:15", "12:30", "12:45",
        ];
        assert_eq!(clock_starts(&slots), expected);
    }

    #[test]
    fn the_skipped_hour_of_the_spring_forward_night_offers_no_slots() {
        let toronto = zone("America/Toronto");
        let availability = [span("2026-03-08T00:00-05:00", "2026-03-08T06:00-04:00")];

        let slots = open_slots(&toronto, &query("2026-03-08", 30, 30), &availability, &[]).unwrap();

        let expected = [
            "00:00", "00:30", "01:00", "01:30", "03:00", "03:30", "04:00", "04:30", "05:00",
            "05:30",
        ];
        assert_eq!(clock_starts(&slots), expected);
        assert_eq!(slots[3].end, slots[4].start);
    }

    #[test]
    fn each_half_past_one_of_the_fall_back_night_is_offered_once_with_its_own_offset() {
        let toronto = zone("America/Toronto");
        let availability = [span("2026-11-01T00:00-04:00", "2026-11-01T04:00-05:00")];

        let slots = open_slots(&toronto, &query("2026-11-01", 30, 30), &availability, &[]).unwrap();

        let expected = [
            "2026-11-01T00:00:00-04:00",
            "2026-11-01T00:30:00-04:00",
            "2026-11-01T01:00:00-04:00",
            "2026-11-01T01:30:00-04:00",
            "2026-11-01T01:00:00-05:00",
            "2026-11-01T01:30:00-05:00",
            "2026-11-01T02:00:00-05:00",
            "2026-11-01T02:30:00-05:00",
            "2026-11-01T03:00:00-05:00",
            "2026-11-01T03:30:00-05:00",
        ];
        assert_eq!(starts(&slots), expected);
    }

    #[test]
    fn a_slot_exactly_at_the_minimum_notice_is_offered_and_one_minute_more_is_not() {
        let toronto = zone("America/Toronto");
        let availability = [span("2026-03-09T09:00-04:00", "2026-03-09T11:00-04:00")];
        let exact = SlotQuery {
            now: utc("2026-03-09T08:00-04:00"),
            minimum_notice: Some(60),
            ..query("2026-03-09", 60, 15)
        };
        let longer = SlotQuery {
            minimum_notice: Some(61),
            ..exact
        };

        let exact = open_slots(&toronto, &exact, &availability, &[]).unwrap();
        let longer = open_slots(&toronto, &longer, &availability, &[]).unwrap();

        assert_eq!(clock_starts(&exact)[0], "09:00");
        assert_eq!(clock_starts(&longer)[0], "09:15");
    }

    #[test]
    fn the_horizon_counts_days_from_today_in_the_location_zone() {
        let toronto = zone("America/Toronto");
        let availability: Vec<Interval> = ["09", "10", "11", "12", "13"]
            .map(|d| {
                span(
                    &format!("2026-03-{d}T09:00-04:00"),
                    &format!("2026-03-{d}T10:00-04:00"),
                )
            })
            .to_vec();
        let query = SlotQuery {
            range: DateRange::new(day("2026-03-09"), day("2026-03-13")).unwrap(),
            now: utc("2026-03-10T03:00Z"),
            horizon_days: Some(2),
            ..query("2026-03-09", 60, 15)
        };

        let slots = open_slots(&toronto, &query, &availability, &[]).unwrap();

        let dates: Vec<String> = slots.iter().map(|slot| slot.date.to_string()).collect();
        assert_eq!(dates, ["2026-03-10", "2026-03-11"]);
    }

    #[test]
    fn a_slot_that_runs_past_midnight_belongs_to_the_date_it_starts() {
        let vancouver = zone("America/Vancouver");
        let availability = [span("2026-07-03T23:00-07:00", "2026-07-04T01:00-07:00")];

        let slots = open_slots(&vancouver, &query("2026-07-03", 60, 30), &availability, &[]);

        let slots = slots.unwrap();
        assert_eq!(
            starts(&slots),
            ["2026-07-03T23:00:00-07:00", "2026-07-03T23:30:00-07:00"]
        );
        assert!(slots.iter().all(|slot| slot.date == day("2026-07-03")));
    }

    #[test]
    fn st_johns_slots_carry_the_half_hour_offset() {
        let st_johns = zone("America/St_Johns");
        let availability = [
            span("2026-01-05T09:00-03:30", "2026-01-05T10:00-03:30"),
            span("2026-06-01T09:00-02:30", "2026-06-01T10:00-02:30"),
        ];
        let query = SlotQuery {
            range: DateRange::new(day("2026-01-05"), day("2026-06-01")).unwrap(),
            ..query("2026-01-05", 60, 60)
        };

        let slots = open_slots(&st_johns, &query, &availability, &[]).unwrap();

        assert_eq!(
            starts(&slots),
            ["2026-01-05T09:00:00-03:30", "2026-06-01T09:00:00-02:30"]
        );
    }

    #[test]
    fn the_grid_restarts_at_local_midnight_in_regina_and_halifax() {
        let regina = zone("America/Regina");
        let halifax = zone("America/Halifax");
        let regina_day = [span("2026-03-08T00:00-06:00", "2026-03-09T00:00-06:00")];
        let halifax_day = [span("2026-03-08T00:00-04:00", "2026-03-09T00:00-03:00")];

        let in_regina = open_slots(&regina, &query("2026-03-08", 50, 50), &regina_day, &[]);
        let in_halifax = open_slots(&halifax, &query("2026-03-08", 50, 50), &halifax_day, &[]);

        let (in_regina, in_halifax) = (in_regina.unwrap(), in_halifax.unwrap());
        assert_eq!(
            clock_starts(&in_regina)[..4],
            ["00:00", "00:50", "01:40", "02:30"]
        );
        assert_eq!(clock_starts(&in_regina).last().unwrap(), "22:30");
        assert_eq!(
            clock_starts(&in_halifax)[..4],
            ["00:00", "00:50", "01:40", "03:20"]
        );
    }

    #[test]
    fn nonsense_minutes_are_refused_field_by_field() {
        let toronto = zone("America/Toronto");
        let query = SlotQuery {
            buffer_before: -5,
            minimum_notice: Some(-1),
            horizon_days: Some(100_000),
            ..query("2026-03-09", 0, 0)
        };

        let errors = open_slots(&toronto, &query, &[], &[]).unwrap_err();

        let fields: Vec<&str> = errors.iter().map(|(field, _)| field).collect();
        let expected = [
            "buffer_before",
            "duration",
            "horizon_days",
            "minimum_notice",
            "step",
        ];
        assert_eq!(fields, expected);
    }
}
