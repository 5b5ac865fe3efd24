//! From a local clock reading to instants, in a zone with DST: the edge rule (first instant at
//! which the clock shows a time or later) and the list of instants at which it shows exactly
//! that time (none in a gap, two in the repeated hour).

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};

/// The first instant at which the clock in `tz` shows `local` or a later time.
///
/// `None` only when `local` lies outside the range of instants jiff can represent.
pub(crate) fn edge(tz: &TimeZone, local: DateTime) -> Option<Timestamp> {
    match tz.to_ambiguous_timestamp(local).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(local).ok(),
        AmbiguousOffset::Fold { before, .. } => before.to_timestamp(local).ok(),
        AmbiguousOffset::Gap { before, after } => gap_change(tz, local, before, after),
    }
}

/// The moment of the change that skipped over `local`. Read with the offset after the change,
/// `local` names an instant just before that moment, so the change is the next transition.
fn gap_change(tz: &TimeZone, local: DateTime, before: Offset, after: Offset) -> Option<Timestamp> {
    let just_before = after.to_timestamp(local).ok()?;
    let pushed_on = before.to_timestamp(local).ok()?;
    let change = tz.following(just_before).next().map(|t| t.timestamp());
    Some(change.map_or(pushed_on, |change| change.min(pushed_on)))
}

/// Every instant at which the clock in `tz` shows exactly `local`, earliest first, each with
/// the offset in force: none in a gap, two in the repeated hour, one otherwise.
pub(crate) fn readings(
    tz: &TimeZone,
    local: DateTime,
) -> impl Iterator<Item = (Timestamp, Offset)> + use<> {
    let offsets = match tz.to_ambiguous_timestamp(local).offset() {
        AmbiguousOffset::Unambiguous { offset } => [Some(offset), None],
        AmbiguousOffset::Fold { before, after } => [Some(before), Some(after)],
        AmbiguousOffset::Gap { .. } => [None, None],
    };
    offsets
        .into_iter()
        .flatten()
        .filter_map(move |offset| Some((offset.to_timestamp(local).ok()?, offset)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::testing::{local, utc, zone};

    #[test]
    fn an_edge_inside_the_spring_gap_falls_on_the_moment_of_the_change() {
        let toronto = zone("America/Toronto");

        let at_0230 = edge(&toronto, local("2026-03-08T02:30"));
        let at_0200 = edge(&toronto, local("2026-03-08T02:00"));

        assert_eq!(at_0230, Some(utc("2026-03-08T07:00Z")));
        assert_eq!(at_0200, Some(utc("2026-03-08T07:00Z")));
    }

    #[test]
    fn an_edge_inside_the_repeated_hour_falls_on_its_first_occurrence() {
        let toronto = zone("America/Toronto");

        let at_0130 = edge(&toronto, local("2026-11-01T01:30"));

        assert_eq!(at_0130, Some(utc("2026-11-01T05:30Z")));
    }

    #[test]
    fn st_johns_changes_at_two_on_its_half_hour_offset() {
        let st_johns = zone("America/St_Johns");

        let gap_edge = edge(&st_johns, local("2026-03-08T02:15"));
        let fold: Vec<String> = readings(&st_johns, local("2026-11-01T01:15"))
            .map(|(_, offset)| offset.to_string())
            .collect();

        assert_eq!(gap_edge, Some(utc("2026-03-08T05:30Z")));
        assert_eq!(fold, ["-02:30", "-03:30"]);
    }

    #[test]
    fn a_time_in_the_gap_has_no_reading_and_one_in_the_fold_has_two() {
        let toronto = zone("America/Toronto");

        let gap = readings(&toronto, local("2026-03-08T02:30")).count();
        let fold: Vec<Timestamp> = readings(&toronto, local("2026-11-01T01:30"))
            .map(|(instant, _)| instant)
            .collect();
        let plain = readings(&toronto, local("2026-11-01T03:30")).count();

        assert_eq!(gap, 0);
        assert_eq!(fold, [utc("2026-11-01T05:30Z"), utc("2026-11-01T06:30Z")]);
        assert_eq!(plain, 1);
    }
}
