//! Half-open intervals of real time, and the two questions a booking asks of them: does it
//! fit inside availability, and does it overlap time that is already occupied.

use jiff::Timestamp;

/// The half-open span of time `[start, end)`. An interval whose end is not after its start
/// is empty: it contains nothing, overlaps nothing and fits nowhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Interval {
    /// The interval `[start, end)`, unchecked: an end not after the start gives an empty one.
    pub fn new(start: Timestamp, end: Timestamp) -> Interval {
        Interval { start, end }
    }

    /// Whether the interval holds no instant at all.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// Whether `other` lies wholly inside this interval (and is not empty).
    pub fn contains(&self, other: &Interval) -> bool {
        !other.is_empty() && self.start <= other.start && other.end <= self.end
    }

    /// Whether the two intervals share some instant; touching intervals do not.
    pub fn overlaps(&self, other: &Interval) -> bool {
        !self.is_empty() && !other.is_empty() && self.start < other.end && other.start < self.end
    }

    /// Length in whole real minutes (zero when empty).
    pub fn minutes(&self) -> i64 {
        if self.is_empty() {
            return 0;
        }
        self.start.duration_until(self.end).as_mins()
    }
}

/// Whether the occupied interval of a booking (its buffers included) lies inside one stretch
/// of availability. Touching pieces of `availability` count as one stretch, and the list need
/// not be sorted. Used for desk bookings; `open_slots` applies the same rule in one sweep.
pub fn fits(occupied: Interval, availability: &[Interval]) -> bool {
    normalize(availability.to_vec())
        .iter()
        .any(|stretch| stretch.contains(&occupied))
}

/// Whether the occupied interval of a booking overlaps any of `others`.
pub fn overlaps(occupied: Interval, others: &[Interval]) -> bool {
    others.iter().any(|other| occupied.overlaps(other))
}

/// Drops empty intervals, sorts the rest and merges those that overlap or touch, giving
/// disjoint stretches with gaps between them.
pub(crate) fn normalize(mut intervals: Vec<Interval>) -> Vec<Interval> {
    intervals.retain(|interval| !interval.is_empty());
    intervals.sort_unstable();

    let mut merged: Vec<Interval> = Vec::with_capacity(intervals.len());
    for interval in intervals {
        match merged.last_mut() {
            Some(last) if interval.start <= last.end => last.end = last.end.max(interval.end),
            _ => merged.push(interval),
        }
    }
    merged
}

/// `keep` minus `remove`, both as `normalize` returns them; the result is normalized too.
pub(crate) fn subtract(keep: &[Interval], remove: &[Interval]) -> Vec<Interval> {
    let mut result = Vec::with_capacity(keep.len());
    let mut next = 0;
    for interval in keep {
        while next < remove.len() && remove[next].end <= interval.start {
            next += 1;
        }
        let mut start = interval.start;
        let mut cut = next;
        while cut < remove.len() && remove[cut].start < interval.end {
            if remove[cut].start > start {
                result.push(Interval::new(start, remove[cut].start));
            }
            start = start.max(remove[cut].end);
            cut += 1;
        }
        if start < interval.end {
            result.push(Interval::new(start, interval.end));
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::testing::utc;

    fn span(start: &str, end: &str) -> Interval {
        Interval::new(utc(start), utc(end))
    }

    #[test]
    fn touching_and_overlapping_intervals_merge_into_one_stretch() {
        let pieces = vec![
            span("2026-03-09T14:00Z", "2026-03-09T15:30Z"),
            span("2026-03-09T13:00Z", "2026-03-09T14:00Z"),
            span("2026-03-09T15:00Z", "2026-03-09T16:00Z"),
            span("2026-03-09T18:00Z", "2026-03-09T18:00Z"),
        ];

        let merged = normalize(pieces);

        assert_eq!(merged, vec![span("2026-03-09T13:00Z", "2026-03-09T16:00Z")]);
    }

    #[test]
    fn subtracting_cuts_holes_and_trims_edges() {
        let keep = [
            span("2026-03-09T13:00Z", "2026-03-09T21:00Z"),
            span("2026-03-10T13:00Z", "2026-03-10T14:00Z"),
        ];
        let remove = [
            span("2026-03-09T12:00Z", "2026-03-09T14:00Z"),
            span("2026-03-09T16:00Z", "2026-03-09T17:00Z"),
            span("2026-03-10T13:00Z", "2026-03-10T14:00Z"),
        ];

        let left = subtract(&keep, &remove);

        assert_eq!(
            left,
            vec![
                span("2026-03-09T14:00Z", "2026-03-09T16:00Z"),
                span("2026-03-09T17:00Z", "2026-03-09T21:00Z"),
            ]
        );
    }

    #[test]
    fn a_booking_fits_across_touching_blocks_but_not_past_their_end() {
        let availability = [
            span("2026-03-09T14:00Z", "2026-03-09T15:30Z"),
            span("2026-03-09T15:30Z", "2026-03-09T17:00Z"),
        ];

        let across = fits(
            span("2026-03-09T15:00Z", "2026-03-09T16:00Z"),
            &availability,
        );
        let past_end = fits(
            span("2026-03-09T16:30Z", "2026-03-09T17:30Z"),
            &availability,
        );

        assert!(across);
        assert!(!past_end);
    }

    #[test]
    fn intervals_that_only_touch_do_not_overlap() {
        let booked = [span("2026-03-09T14:00Z", "2026-03-09T15:00Z")];

        let touching = overlaps(span("2026-03-09T15:00Z", "2026-03-09T16:00Z"), &booked);
        let crossing = overlaps(span("2026-03-09T14:59Z", "2026-03-09T16:00Z"), &booked);
        let empty = overlaps(span("2026-03-09T14:30Z", "2026-03-09T14:30Z"), &booked);

        assert!(!touching);
        assert!(crossing);
        assert!(!empty);
    }
}
