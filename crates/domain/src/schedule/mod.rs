//! Scheduling rules: availability, open slots, recurring series and statutory holidays.
//!
//! Working hours, breaks, time off and recurring appointments are civil times in a
//! location's IANA zone; everything this module returns is an instant (`jiff::Timestamp`) or
//! carries one, computed in that zone across DST changes. Two rules hold throughout:
//!
//! - an edge (the start or end of a block, a break, time off or a closure) maps to the first
//!   instant at which the clock shows that time or later: inside a DST gap it falls on the
//!   moment of the change, inside the repeated hour on its first occurrence;
//! - intervals are half-open, `[start, end)`, and lengths are real elapsed minutes.
//!
//! Nothing here reads a clock: "now" is always a parameter.

mod availability;
mod clock;
pub mod holidays;
mod interval;
mod range;
mod recurrence;
mod slots;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod testing;

pub use availability::{Availability, ExtraShift, LocalSpan, WeeklyBlock, validate_week};
pub use holidays::{Holiday, holidays};
pub use interval::{Interval, fits, overlaps};
pub use range::DateRange;
pub use recurrence::{MAX_OCCURRENCES, Occurrence, Recurrence, RecurrenceEnd, occurrences};
pub use slots::{Slot, SlotQuery, open_slots};
