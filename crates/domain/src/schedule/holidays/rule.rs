//! The textual date rules of the holiday file ("Third Monday in February", "Monday before
//! May 25", "Friday before Easter Day", ...) and the date each gives in a year.
//!
//! The grammar, covering every rule in the file:
//!
//! - `<Month> <day>`: that date every year;
//! - `<Ordinal> <Weekday> in <Month>`: `First` to `Fifth`, or `Last`;
//! - `<Weekday> before <anchor>` and `<Weekday> after <anchor>`: the nearest such weekday
//!   strictly before or after the anchor;
//! - `<Weekday> near <anchor>`: the anchor itself when it falls on that weekday, else the
//!   nearest one on either side (never a tie: the two distances add up to seven days);
//! - `<Weekday> <anchor>` (the file's "Monday March 17"): read as `near`, which is how
//!   Newfoundland and Labrador observes Saint Patrick's Day;
//!
//! where an anchor is `<Month> <day>` or `Easter Day` (Gregorian Easter Sunday).

use jiff::civil::{Date, Weekday};

/// A date that a rule is counted from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Anchor {
    Day { month: i8, day: i8 },
    Easter,
}

/// One parsed rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rule {
    On(Anchor),
    Nth {
        nth: i8,
        weekday: Weekday,
        month: i8,
    },
    Before(Weekday, Anchor),
    After(Weekday, Anchor),
    Near(Weekday, Anchor),
}

impl Rule {
    /// Parses a rule, quoting it in the error when it is not understood.
    pub(super) fn parse(text: &str) -> Result<Rule, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let rule = match words.as_slice() {
            [ordinal, weekday, "in", month] => nth_rule(ordinal, weekday, month),
            [
                weekday,
                relation @ ("before" | "after" | "near"),
                anchor @ ..,
            ] => relative(weekday, relation, anchor),
            [weekday, anchor @ ..] if weekday_named(weekday).is_some() => {
                relative(weekday, "near", anchor)
            }
            anchor => anchor_in(anchor).map(Rule::On),
        };
        rule.ok_or_else(|| format!("'{text}' is not a holiday rule this parser knows"))
    }

    /// The rule's date in `year`, or `None` when it has none (no fifth Monday, say).
    pub(super) fn date(&self, year: i16) -> Option<Date> {
        match *self {
            Rule::On(anchor) => anchor.date(year),
            Rule::Nth {
                nth,
                weekday,
                month,
            } => Date::new(year, month, 1)
                .ok()?
                .nth_weekday_of_month(nth, weekday)
                .ok(),
            Rule::Before(weekday, anchor) => anchor.date(year)?.nth_weekday(-1, weekday).ok(),
            Rule::After(weekday, anchor) => anchor.date(year)?.nth_weekday(1, weekday).ok(),
            Rule::Near(weekday, anchor) => nearest(anchor.date(year)?, weekday),
        }
    }
}

impl Anchor {
    fn date(self, year: i16) -> Option<Date> {
        match self {
            Anchor::Day { month, day } => Date::new(year, month, day).ok(),
            Anchor::Easter => easter_sunday(year),
        }
    }
}

fn nth_rule(ordinal: &str, weekday: &str, month: &str) -> Option<Rule> {
    let nth = match ordinal {
        "First" => 1,
        "Second" => 2,
        "Third" => 3,
        "Fourth" => 4,
        "Fifth" => 5,
        "Last" => -1,
        _ => return None,
    };
    Some(Rule::Nth {
        nth,
        weekday: weekday_named(weekday)?,
        month: month_named(month)?,
    })
}

fn relative(weekday: &str, relation: &str, anchor: &[&str]) -> Option<Rule> {
    let (weekday, anchor) = (weekday_named(weekday)?, anchor_in(anchor)?);
    match relation {
        "before" => Some(Rule::Before(weekday, anchor)),
        "after" => Some(Rule::After(weekday, anchor)),
        "near" => Some(Rule::Near(weekday, anchor)),
        _ => None,
    }
}

fn anchor_in(words: &[&str]) -> Option<Anchor> {
    match words {
        ["Easter", "Day"] => Some(Anchor::Easter),
        [month, day] => {
            let day: i8 = day.parse().ok()?;
            let month = month_named(month)?;
            Date::new(2000, month, day).ok()?;
            Some(Anchor::Day { month, day })
        }
        _ => None,
    }
}

fn weekday_named(name: &str) -> Option<Weekday> {
    let weekday = match name {
        "Monday" => Weekday::Monday,
        "Tuesday" => Weekday::Tuesday,
        "Wednesday" => Weekday::Wednesday,
        "Thursday" => Weekday::Thursday,
        "Friday" => Weekday::Friday,
        "Saturday" => Weekday::Saturday,
        "Sunday" => Weekday::Sunday,
        _ => return None,
    };
    Some(weekday)
}

fn month_named(name: &str) -> Option<i8> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let index = MONTHS.iter().position(|month| *month == name)?;
    i8::try_from(index + 1).ok()
}

/// `anchor` if it falls on `weekday`, else the closer of the weekdays before and after it.
fn nearest(anchor: Date, weekday: Weekday) -> Option<Date> {
    if anchor.weekday() == weekday {
        return Some(anchor);
    }
    let before = anchor.nth_weekday(-1, weekday).ok()?;
    let after = anchor.nth_weekday(1, weekday).ok()?;
    if anchor.duration_since(before) <= after.duration_since(anchor) {
        Some(before)
    } else {
        Some(after)
    }
}

/// Easter Sunday of a Gregorian year (1583 onwards), by the anonymous Gregorian computus
/// (Meeus, Jones, Butcher).
pub(super) fn easter_sunday(year: i16) -> Option<Date> {
    if year < 1583 {
        return None;
    }
    let y = i32::from(year);
    let (golden, century, in_century) = (y % 19, y / 100, y % 100);
    let corrections = century / 4 + (century - (century + 8) / 25 + 1) / 3;
    let epact = (19 * golden + century - corrections + 15) % 30;
    let weekday_shift =
        (32 + 2 * (century % 4) + 2 * (in_century / 4) - epact - in_century % 4) % 7;
    let correction = (golden + 11 * epact + 22 * weekday_shift) / 451;
    let days = epact + weekday_shift - 7 * correction + 114;

    let month = i8::try_from(days / 31).ok()?;
    let day = i8::try_from(days % 31 + 1).ok()?;
    Date::new(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::testing::day;

    fn date_of(rule: &str, year: i16) -> Option<Date> {
        Rule::parse(rule).unwrap().date(year)
    }

    #[test]
    fn easter_falls_on_the_known_sundays() {
        let known = [
            (1818, "1818-03-22"),
            (2000, "2000-04-23"),
            (2019, "2019-04-21"),
            (2024, "2024-03-31"),
            (2026, "2026-04-05"),
            (2038, "2038-04-25"),
        ];

        for (year, sunday) in known {
            assert_eq!(easter_sunday(year), Some(day(sunday)), "Easter {year}");
        }
    }

    #[test]
    fn ordinal_rules_count_weekdays_of_the_month() {
        assert_eq!(
            date_of("Third Monday in February", 2026),
            Some(day("2026-02-16"))
        );
        assert_eq!(
            date_of("First Wednesday in August", 2029),
            Some(day("2029-08-01"))
        );
        assert_eq!(date_of("Last Monday in May", 2026), Some(day("2026-05-25")));
        assert_eq!(date_of("Fifth Monday in February", 2026), None);
    }

    #[test]
    fn before_means_strictly_before_the_anchor() {
        assert_eq!(
            date_of("Monday before May 25", 2026),
            Some(day("2026-05-18"))
        );
        assert_eq!(
            date_of("Monday before May 25", 2025),
            Some(day("2025-05-19"))
        );
        assert_eq!(
            date_of("Friday before Easter Day", 2026),
            Some(day("2026-04-03"))
        );
        assert_eq!(
            date_of("Monday after Easter Day", 2026),
            Some(day("2026-04-06"))
        );
    }

    #[test]
    fn near_takes_the_anchor_itself_or_the_closest_weekday_on_either_side() {
        assert_eq!(
            date_of("Monday near July 12", 2027),
            Some(day("2027-07-12"))
        );
        assert_eq!(
            date_of("Monday near July 12", 2018),
            Some(day("2018-07-09"))
        );
        assert_eq!(
            date_of("Monday near June 24", 2022),
            Some(day("2022-06-27"))
        );
        assert_eq!(date_of("Monday March 17", 2018), Some(day("2018-03-19")));
        assert_eq!(date_of("Monday March 17", 2020), Some(day("2020-03-16")));
    }

    #[test]
    fn rules_outside_the_grammar_are_refused_with_the_rule_quoted() {
        let refused = [
            "",
            "Blursday before May 25",
            "February 30",
            "Third Monday of May",
        ];

        for text in refused {
            let error = Rule::parse(text).unwrap_err();
            assert!(error.contains(&format!("'{text}'")), "{error}");
        }
    }
}
