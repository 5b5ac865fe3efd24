//! An inclusive range of local dates (`from` to `to`), as the API's date ranges are.

use crate::FieldErrors;
use jiff::civil::Date;

/// The local dates `from..=to` in a location's zone, at most [`DateRange::MAX_DAYS`] long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    from: Date,
    to: Date,
}

impl DateRange {
    /// Longest range accepted, so that one request cannot ask for centuries of slots.
    pub const MAX_DAYS: i64 = 366;

    /// Checks the range, naming `to` when it ends before `from` or runs too long.
    pub fn new(from: Date, to: Date) -> Result<DateRange, FieldErrors> {
        if to < from {
            return Err(FieldErrors::single(
                "to",
                "must not be before the start date",
            ));
        }
        let days = from.duration_until(to).as_hours() / 24 + 1;
        if days > Self::MAX_DAYS {
            let message = format!(
                "must be at most {} days after the start date",
                Self::MAX_DAYS
            );
            return Err(FieldErrors::single("to", message));
        }
        Ok(DateRange { from, to })
    }

    /// A range of one day.
    pub fn single(date: Date) -> DateRange {
        DateRange {
            from: date,
            to: date,
        }
    }

    /// The first date.
    pub fn from(&self) -> Date {
        self.from
    }

    /// The last date, included.
    pub fn to(&self) -> Date {
        self.to
    }

    /// Whether `date` is one of the range's days.
    pub fn contains(&self, date: Date) -> bool {
        self.from <= date && date <= self.to
    }

    /// Each date of the range in order.
    pub fn days(&self) -> impl Iterator<Item = Date> + use<> {
        let to = self.to;
        std::iter::successors(Some(self.from), |date| date.tomorrow().ok())
            .take_while(move |date| *date <= to)
    }
}

/// `date` plus `days` days, or `None` past the calendar's ends.
pub(crate) fn add_days(date: Date, days: i64) -> Option<Date> {
    let span = jiff::Span::new().try_days(days).ok()?;
    date.checked_add(span).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::testing::day;

    #[test]
    fn a_range_lists_its_days_inclusively() {
        let range = DateRange::new(day("2026-02-27"), day("2026-03-02")).unwrap();

        let days: Vec<String> = range.days().map(|date| date.to_string()).collect();

        assert_eq!(
            days,
            ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]
        );
    }

    #[test]
    fn a_backwards_or_overlong_range_is_refused_on_its_end_date() {
        let backwards = DateRange::new(day("2026-03-02"), day("2026-03-01"));
        let overlong = DateRange::new(day("2026-01-01"), day("2027-01-02"));
        let full_year = DateRange::new(day("2028-01-01"), day("2028-12-31"));

        assert!(backwards.unwrap_err().get("to").is_some());
        assert!(overlong.unwrap_err().get("to").unwrap().contains("366"));
        assert!(full_year.is_ok());
    }

    #[test]
    fn the_last_representable_day_ends_the_iteration() {
        let range = DateRange::new(day("9999-12-30"), day("9999-12-31")).unwrap();

        assert_eq!(range.days().count(), 2);
    }
}
