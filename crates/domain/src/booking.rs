//! What a person sends to book, move, cancel or re-status an appointment, to ask for open
//! slots, and to set hours, exceptions and closures; and what an appointment looks like to
//! them. Inputs are loose text (one type for forms and JSON), parsed here into checked values.

use crate::appointment::{Source, Status};
use crate::fields::loose;
use crate::schedule::{LocalSpan, WeeklyBlock};
use crate::{FieldErrors, Invalid, values};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::{AmbiguousOffset, Disambiguation, TimeZone};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

fn text(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or("").trim()
}

/// An instant as the API sends it (`2026-03-09T09:00:00-04:00`), or a local date and time as
/// a form sends it (`2026-03-09T09:00`), read in `zone`. A local time that the clocks skip
/// that day is refused rather than moved.
pub fn instant(raw: &str, zone: &TimeZone) -> Result<Timestamp, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::new("is required"));
    }
    if let Ok(at) = raw.parse::<Timestamp>() {
        return Ok(at);
    }
    let local: DateTime = raw
        .parse()
        .map_err(|_| not_a_moment(raw, "2026-03-09T09:00:00-04:00"))?;
    let ambiguous = zone.to_ambiguous_timestamp(local);
    match ambiguous.offset() {
        AmbiguousOffset::Gap { .. } => Err(Invalid::new(format!(
            "{raw} does not exist that day: the clocks skip it"
        ))),
        _ => ambiguous
            .disambiguate(Disambiguation::Earlier)
            .map_err(|_| Invalid::new(format!("'{raw}' is out of range"))),
    }
}

/// A local date `YYYY-MM-DD`.
pub fn date(raw: &str) -> Result<Date, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::new("is required"));
    }
    raw.parse().map_err(|_| match off_calendar(raw) {
        Some(words) => Invalid::new(format!("{words} is not a date on the calendar")),
        None => Invalid::new(format!("'{raw}' is not a date in the form YYYY-MM-DD")),
    })
}

/// The month names, for a day that is not on the calendar and so cannot be formatted.
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

/// `30 February 2026` when `raw` is shaped like a date, with a month and a day of month in
/// range, yet that month has no such day; `None` for anything else.
fn off_calendar(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw.split('-').collect();
    let [year, month, day] = parts[..] else {
        return None;
    };
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return None;
    }
    let (year, month, day) = (
        year.parse().ok()?,
        month.parse::<i8>().ok()?,
        day.parse().ok()?,
    );
    let in_range = (1..=12).contains(&month) && (1..=31).contains(&day);
    let name = MONTHS.get(usize::try_from(month - 1).ok()?)?;
    (in_range && Date::new(year, month, day).is_err()).then(|| format!("{day} {name} {year}"))
}

/// Why text meant as a local date and time is not one, said first (a day not on the
/// calendar, a time that is not a time of day, or neither shape), then an `example`.
fn not_a_moment(raw: &str, example: &str) -> Invalid {
    let (day, rest) = raw.split_once(['T', 't', ' ']).unwrap_or((raw, ""));
    let clock = rest.split(['+', '-', 'Z', 'z', '[']).next().unwrap_or("");
    let problem = if let Some(words) = off_calendar(day) {
        format!("{words} is not a date on the calendar")
    } else if day.parse::<Date>().is_ok() && !clock.is_empty() && clock.parse::<Time>().is_err() {
        format!("'{clock}' is not a time of day")
    } else {
        format!("'{raw}' is not a date and time")
    };
    Invalid::new(format!("{problem}; write it like {example}"))
}

/// A clock time `HH:MM`.
pub fn clock_time(raw: &str) -> Result<Time, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::new("is required"));
    }
    raw.parse().map_err(|_| {
        Invalid::new(format!(
            "'{raw}' is not a time of day; use HH:MM, such as 09:30"
        ))
    })
}

/// A weekday by English name (`monday`), three-letter abbreviation, or ISO number (1 = Monday).
pub fn weekday(raw: &str) -> Result<Weekday, Invalid> {
    let lower = raw.trim().to_lowercase();
    let days = [
        ("monday", Weekday::Monday),
        ("tuesday", Weekday::Tuesday),
        ("wednesday", Weekday::Wednesday),
        ("thursday", Weekday::Thursday),
        ("friday", Weekday::Friday),
        ("saturday", Weekday::Saturday),
        ("sunday", Weekday::Sunday),
    ];
    for (number, (name, day)) in (1..).zip(days) {
        if lower == name || lower == name[..3] || lower == number.to_string() {
            return Ok(day);
        }
    }
    Err(Invalid::new(format!(
        "'{}' is not a day of the week",
        raw.trim()
    )))
}

pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

/// A new appointment as the desk or the API asks for it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BookingInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub patient_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub practitioner_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub service_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub location_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub room_id: Option<String>,
    /// RFC 3339 with offset, or local `YYYY-MM-DDTHH:MM` in the location's zone.
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "2026-03-09T09:00:00-04:00")]
    pub start: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub note: Option<String>,
    /// Required to book outside the practitioner's hours or in the past; recorded.
    #[serde(deserialize_with = "loose::deserialize")]
    pub override_reason: Option<String>,
}

/// The ids of a booking, checked for presence; whether they exist is the store's question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingIds {
    pub patient_id: String,
    pub practitioner_id: String,
    pub service_id: String,
    pub location_id: String,
    pub room_id: Option<String>,
    pub note: Option<String>,
    pub override_reason: Option<String>,
}

impl BookingInput {
    /// Checks that every required id is there and the free text fits.
    pub fn ids(&self) -> Result<BookingIds, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut required = |field: &str, value: &Option<String>| {
            let value = text(value);
            if value.is_empty() {
                errors.add(field, "is required");
            }
            value.to_owned()
        };
        let patient_id = required("patient_id", &self.patient_id);
        let practitioner_id = required("practitioner_id", &self.practitioner_id);
        let service_id = required("service_id", &self.service_id);
        let location_id = required("location_id", &self.location_id);
        let note = errors.check("note", long_text(text(&self.note))).flatten();
        let reason = errors.check(
            "override_reason",
            values::optional_text(text(&self.override_reason)),
        );
        let room_id = Some(text(&self.room_id).to_owned()).filter(|r| !r.is_empty());
        errors.finish(|| BookingIds {
            patient_id,
            practitioner_id,
            service_id,
            location_id,
            room_id,
            note,
            override_reason: reason.flatten(),
        })
    }
}

/// A note of up to 2,000 characters (several lines allowed).
fn long_text(raw: &str) -> Result<Option<String>, Invalid> {
    if raw.chars().count() > 2000 {
        return Err(Invalid::new("must be at most 2000 characters"));
    }
    Ok(Some(raw.to_owned()).filter(|t| !t.is_empty()))
}

/// Moving an appointment: a new start, and optionally another practitioner or room.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RescheduleInput {
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "2026-03-10T14:00:00-04:00")]
    pub start: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub practitioner_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub room_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub reason: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub override_reason: Option<String>,
}

/// Cancelling: why, and whether the clinic (never late) or the patient asked.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CancelInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub reason: Option<String>,
    /// True when the clinic cancels (illness, closure); such cancellations are never late.
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<bool>)]
    pub by_clinic: Option<String>,
}

impl CancelInput {
    pub fn parse(&self) -> Result<(String, bool), FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = errors.check("reason", values::required_text(text(&self.reason)));
        let by_clinic = errors.check("by_clinic", values::flag(text(&self.by_clinic)));
        match (reason, by_clinic) {
            (Some(reason), Some(by_clinic)) => Ok((reason, by_clinic)),
            _ => Err(errors),
        }
    }
}

/// A status change: arrived, un-arrived (booked), completed, no-show.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StatusInput {
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "arrived")]
    pub status: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub reason: Option<String>,
}

impl StatusInput {
    pub fn parse(&self) -> Result<(Status, Option<String>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let status = errors.check("status", Status::parse(text(&self.status)));
        let reason = errors.check("reason", values::optional_text(text(&self.reason)));
        match (status, reason) {
            (Some(status), Some(reason)) => Ok((status, reason)),
            _ => Err(errors),
        }
    }
}

/// An appointment as people and the API see it: instants in RFC 3339 with the location's
/// offset, the zone named beside them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct AppointmentView {
    pub id: String,
    pub patient_id: String,
    pub practitioner_id: String,
    pub service_id: String,
    pub location_id: String,
    pub room_id: Option<String>,
    #[schema(example = "2026-03-09T09:00:00-04:00")]
    pub start: String,
    pub end: String,
    #[schema(example = "America/Toronto")]
    pub time_zone: String,
    pub status: Status,
    /// The booking policy version in force when it was booked.
    pub policy_version: i64,
    pub series_id: Option<String>,
    pub source: Source,
    pub note: Option<String>,
    pub override_reason: Option<String>,
    pub cancel_reason: Option<String>,
    #[serde(skip)]
    pub starts_at: i64,
    #[serde(skip)]
    pub ends_at: i64,
}

/// RFC 3339 text of `epoch` with the offset `zone` has at that instant.
pub fn rfc3339_in(epoch: i64, zone: &TimeZone) -> String {
    match Timestamp::from_second(epoch) {
        Ok(at) => {
            let offset = zone.to_offset(at);
            at.display_with_offset(offset).to_string()
        }
        Err(_) => String::new(),
    }
}

/// A practitioner's weekly hours at one location, as sent.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct HoursInput {
    pub blocks: Vec<BlockInput>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BlockInput {
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "monday")]
    pub weekday: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "09:00")]
    pub start: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "17:00")]
    pub end: Option<String>,
}

impl BlockInput {
    pub fn is_blank(&self) -> bool {
        text(&self.weekday).is_empty() && text(&self.start).is_empty() && text(&self.end).is_empty()
    }
}

impl HoursInput {
    /// Parses every non-blank block and refuses overlaps within a weekday, naming the block
    /// (`blocks[2].start`).
    pub fn parse(&self) -> Result<Vec<WeeklyBlock>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut blocks = Vec::new();
        for (i, block) in self
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.is_blank())
        {
            let prefix = format!("blocks[{i}]");
            let day = errors.check(&format!("{prefix}.weekday"), weekday(text(&block.weekday)));
            let start = errors.check(&format!("{prefix}.start"), clock_time(text(&block.start)));
            let end = errors.check(&format!("{prefix}.end"), clock_time(text(&block.end)));
            if let (Some(weekday), Some(start), Some(end)) = (day, start, end) {
                blocks.push((
                    i,
                    WeeklyBlock {
                        weekday,
                        start,
                        end,
                    },
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let only: Vec<WeeklyBlock> = blocks.iter().map(|(_, b)| *b).collect();
        crate::schedule::validate_week(&only).map_err(|e| renumber(e, &blocks))?;
        Ok(only)
    }
}

/// `validate_week` numbers blocks in the list it was given; blank rows were skipped, so the
/// indexes are mapped back to the rows the person sent.
fn renumber(errors: FieldErrors, blocks: &[(usize, WeeklyBlock)]) -> FieldErrors {
    let mut renamed = FieldErrors::new();
    for (field, message) in errors.iter() {
        let mut field = field.to_owned();
        let mut message = message.to_owned();
        for (kept, (sent, _)) in blocks.iter().enumerate().rev() {
            field = field.replace(&format!("blocks[{kept}]"), &format!("blocks[{sent}]"));
            message = message.replace(&format!("blocks[{kept}]"), &format!("blocks[{sent}]"));
        }
        renamed.add(&field, message);
    }
    renamed
}

/// Time off or an extra shift for a practitioner, or a location closure.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ExceptionInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub practitioner_id: Option<String>,
    /// Required for an extra shift; for time off, blank means every location.
    #[serde(deserialize_with = "loose::deserialize")]
    pub location_id: Option<String>,
    /// `time_off` or `extra_shift`.
    #[serde(deserialize_with = "loose::deserialize")]
    pub kind: Option<String>,
    /// Local `YYYY-MM-DDTHH:MM`, or a date `YYYY-MM-DD` for the start of that day.
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "2026-12-24T12:00")]
    pub start: Option<String>,
    /// Local `YYYY-MM-DDTHH:MM`, or a date for the end of that whole day.
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "2026-12-26")]
    pub end: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub reason: Option<String>,
}

/// Reads a local start or end: a datetime, or a date meaning the start of that day (for
/// `start`) or the start of the next day (for `end`, so a date is inclusive).
fn local_edge(raw: &str, is_end: bool) -> Result<DateTime, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::new("is required"));
    }
    if raw.contains('T') {
        return raw
            .parse::<DateTime>()
            .map_err(|_| not_a_moment(raw, "2026-12-24T12:00"));
    }
    let day = date(raw).map_err(|_| match off_calendar(raw) {
        Some(words) => Invalid::new(format!("{words} is not a date on the calendar")),
        None => Invalid::new(format!(
            "'{raw}' is not a date or a date and time such as 2026-12-24T12:00"
        )),
    })?;
    let day = if is_end {
        day.tomorrow()
            .map_err(|_| Invalid::new("is too far in the future"))?
    } else {
        day
    };
    Ok(day.to_datetime(Time::midnight()))
}

/// A checked span of local time with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanFields {
    pub span: LocalSpan,
    pub reason: Option<String>,
}

/// Parses the `start`, `end` and `reason` of an exception or closure.
pub fn span(
    start: &Option<String>,
    end: &Option<String>,
    reason: &Option<String>,
) -> Result<SpanFields, FieldErrors> {
    let mut errors = FieldErrors::new();
    let start = errors.check("start", local_edge(text(start), false));
    let end = errors.check("end", local_edge(text(end), true));
    let reason = errors.check("reason", values::optional_text(text(reason)));
    match (start, end, reason) {
        (Some(start), Some(end), Some(reason)) if end > start => Ok(SpanFields {
            span: LocalSpan { start, end },
            reason,
        }),
        (Some(_), Some(_), Some(_)) => Err(FieldErrors::single("end", "must be after the start")),
        _ => Err(errors),
    }
}

/// Kinds of exception to a practitioner's weekly hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    TimeOff,
    ExtraShift,
}

impl ExceptionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionKind::TimeOff => "time_off",
            ExceptionKind::ExtraShift => "extra_shift",
        }
    }

    pub fn parse(raw: &str) -> Result<ExceptionKind, Invalid> {
        match raw.trim() {
            "time_off" => Ok(ExceptionKind::TimeOff),
            "extra_shift" => Ok(ExceptionKind::ExtraShift),
            other => Err(Invalid::new(format!(
                "'{other}' is not time_off or extra_shift"
            ))),
        }
    }
}

/// A local span as stored and shown: `YYYY-MM-DDTHH:MM`.
pub fn local_text(at: DateTime) -> String {
    at.strftime("%Y-%m-%dT%H:%M").to_string()
}

/// A recurring series: the first booking, then every N weeks for a count or until a date.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SeriesInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub patient_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub practitioner_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub service_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub location_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub room_id: Option<String>,
    /// The first appointment's start, as for a single booking.
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "2026-03-09T09:00:00-04:00")]
    pub start: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub note: Option<String>,
    /// Required to book occurrences outside hours; recorded on each.
    #[serde(deserialize_with = "loose::deserialize")]
    pub override_reason: Option<String>,
    /// 1 for weekly, 2 for every other week, ...
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<i64>, example = 1)]
    pub every_weeks: Option<String>,
    /// How many appointments in all (1 to 104); or give `until`.
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<i64>, example = 6)]
    pub count: Option<String>,
    /// The last local date a series appointment may fall on, inclusive.
    #[serde(deserialize_with = "loose::deserialize")]
    pub until: Option<String>,
    /// `preview` lists each occurrence and its conflict and writes nothing; `all` books every
    /// one or, if any conflicts, none; `free_only` books the ones without a conflict.
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "preview")]
    pub mode: Option<String>,
}

/// What to do with a series once its conflicts are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeriesMode {
    Preview,
    All,
    FreeOnly,
}

impl SeriesMode {
    pub fn parse(raw: &str) -> Result<SeriesMode, Invalid> {
        match raw.trim() {
            "" | "preview" => Ok(SeriesMode::Preview),
            "all" => Ok(SeriesMode::All),
            "free_only" => Ok(SeriesMode::FreeOnly),
            other => Err(Invalid::new(format!(
                "'{other}' is not preview, all or free_only"
            ))),
        }
    }
}

impl SeriesInput {
    /// The first booking of the series, as a single booking would send it.
    pub fn first(&self) -> BookingInput {
        BookingInput {
            patient_id: self.patient_id.clone(),
            practitioner_id: self.practitioner_id.clone(),
            service_id: self.service_id.clone(),
            location_id: self.location_id.clone(),
            room_id: self.room_id.clone(),
            start: self.start.clone(),
            note: self.note.clone(),
            override_reason: self.override_reason.clone(),
        }
    }

    /// The repetition rule, given the first local start, and the mode.
    pub fn rule(
        &self,
        first: DateTime,
    ) -> Result<(crate::schedule::Recurrence, SeriesMode), FieldErrors> {
        use crate::schedule::{Recurrence, RecurrenceEnd};
        let mut errors = FieldErrors::new();
        let every = text(&self.every_weeks);
        let every = if every.is_empty() { "1" } else { every };
        let every_weeks = errors.check("every_weeks", whole(every, 1, 52));
        let end = match (text(&self.count), text(&self.until)) {
            ("", "") => {
                errors.add("count", "give a count or an until date");
                None
            }
            (count, "") => errors
                .check("count", whole(count, 1, 104))
                .map(RecurrenceEnd::Count),
            ("", until) => errors.check("until", date(until)).map(RecurrenceEnd::Until),
            _ => {
                errors.add("until", "give a count or an until date, not both");
                None
            }
        };
        let mode = errors.check("mode", SeriesMode::parse(text(&self.mode)));
        match (every_weeks, end, mode) {
            (Some(every_weeks), Some(end), Some(mode)) => Ok((
                Recurrence {
                    first,
                    every_weeks,
                    end,
                },
                mode,
            )),
            _ => Err(errors),
        }
    }
}

fn whole(raw: &str, min: u32, max: u32) -> Result<u32, Invalid> {
    let value: u32 = raw
        .parse()
        .map_err(|_| Invalid::new(format!("'{raw}' is not a whole number")))?;
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(Invalid::new(format!("must be between {min} and {max}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toronto() -> TimeZone {
        TimeZone::get("America/Toronto").unwrap()
    }

    #[test]
    fn a_local_time_is_read_in_the_location_zone() {
        let at = instant("2026-03-09T09:00", &toronto()).unwrap();

        assert_eq!(at.to_string(), "2026-03-09T13:00:00Z");
    }

    #[test]
    fn a_skipped_local_time_is_refused_and_a_repeated_one_takes_the_first() {
        let skipped = instant("2026-03-08T02:30", &toronto()).unwrap_err();
        let repeated = instant("2026-11-01T01:30", &toronto()).unwrap();

        assert!(skipped.0.contains("does not exist"), "{skipped}");
        assert_eq!(repeated.to_string(), "2026-11-01T05:30:00Z");
    }

    #[test]
    fn a_start_on_a_day_the_calendar_lacks_says_so_before_the_expected_form() {
        let local = instant("2026-02-30T10:00", &toronto()).unwrap_err();
        let offset = instant("2026-02-30T10:00:00-05:00", &toronto()).unwrap_err();

        let expected = "30 February 2026 is not a date on the calendar; \
                        write it like 2026-03-09T09:00:00-04:00";
        assert_eq!(local.0, expected);
        assert_eq!(offset.0, expected);
    }

    #[test]
    fn a_start_whose_time_is_not_a_time_of_day_names_the_time() {
        let error = instant("2026-12-08T25:00", &toronto()).unwrap_err();

        assert_eq!(
            error.0,
            "'25:00' is not a time of day; write it like 2026-03-09T09:00:00-04:00"
        );
    }

    #[test]
    fn text_that_is_no_date_and_time_is_quoted_whole() {
        let words = instant("next tuesday", &toronto()).unwrap_err();
        let month = instant("2026-13-01T10:00", &toronto()).unwrap_err();

        assert_eq!(
            words.0,
            "'next tuesday' is not a date and time; write it like 2026-03-09T09:00:00-04:00"
        );
        assert!(
            month
                .0
                .starts_with("'2026-13-01T10:00' is not a date and time"),
            "{month}"
        );
    }

    #[test]
    fn a_date_tells_a_day_off_the_calendar_from_text_that_is_no_date() {
        let leap = date("2027-02-29").unwrap_err();
        let month = date("2026-13-01").unwrap_err();
        let slashes = date("24/12/2026").unwrap_err();

        assert_eq!(leap.0, "29 February 2027 is not a date on the calendar");
        assert_eq!(month.0, "'2026-13-01' is not a date in the form YYYY-MM-DD");
        assert_eq!(
            slashes.0,
            "'24/12/2026' is not a date in the form YYYY-MM-DD"
        );
        assert!(date("2028-02-29").is_ok());
    }

    #[test]
    fn a_clock_time_out_of_range_is_not_a_time_of_day() {
        let error = clock_time("25:00").unwrap_err();

        assert_eq!(
            error.0,
            "'25:00' is not a time of day; use HH:MM, such as 09:30"
        );
    }

    #[test]
    fn a_span_edge_on_a_missing_day_says_the_day_is_not_on_the_calendar() {
        let day = span(
            &Some("2026-02-30".into()),
            &Some("2026-03-01".into()),
            &None,
        );
        let timed = span(
            &Some("2026-04-31T09:00".into()),
            &Some("2026-05-01".into()),
            &None,
        );

        let day = day.unwrap_err();
        let timed = timed.unwrap_err();
        assert_eq!(
            day.get("start"),
            Some("30 February 2026 is not a date on the calendar")
        );
        assert_eq!(
            timed.get("start"),
            Some("31 April 2026 is not a date on the calendar; write it like 2026-12-24T12:00")
        );
    }

    #[test]
    fn an_instant_with_its_offset_is_taken_as_it_is() {
        let at = instant("2026-03-09T09:00:00-04:00", &toronto()).unwrap();

        assert_eq!(
            rfc3339_in(at.as_second(), &toronto()),
            "2026-03-09T09:00:00-04:00"
        );
    }

    #[test]
    fn overlapping_blocks_are_named_by_the_row_that_was_sent() {
        let block = |day: &str, start: &str, end: &str| BlockInput {
            weekday: Some(day.into()),
            start: Some(start.into()),
            end: Some(end.into()),
        };
        let input = HoursInput {
            blocks: vec![
                block("monday", "09:00", "12:00"),
                BlockInput::default(),
                block("mon", "11:00", "13:00"),
            ],
        };

        let errors = input.parse().unwrap_err();

        assert!(
            errors
                .iter()
                .any(|(field, _)| field.starts_with("blocks[2]")),
            "{errors}"
        );
    }

    #[test]
    fn a_whole_day_end_date_is_inclusive() {
        let fields = span(
            &Some("2026-12-24".into()),
            &Some("2026-12-26".into()),
            &None,
        )
        .unwrap();

        assert_eq!(local_text(fields.span.end), "2026-12-27T00:00");
    }

    #[test]
    fn an_end_before_the_start_is_refused_on_the_end() {
        let errors = span(
            &Some("2026-12-24T12:00".into()),
            &Some("2026-12-24T09:00".into()),
            &None,
        )
        .unwrap_err();

        assert_eq!(errors.get("end"), Some("must be after the start"));
    }
}
