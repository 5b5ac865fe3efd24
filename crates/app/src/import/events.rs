//! One `VEVENT` read into what the import needs: its identity, when it starts and how long
//! it lasts, how it repeats, and the text and people that decide what it becomes.

use super::progress::Progress;
use super::text::{FileError, Source, is, param, properties, property};
use super::zones::{Zones, tzid};
use icalendar::parser::{Component, Property};
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp, ToSpan};
use sha2::{Digest, Sha256};

/// When something happens: a civil time in a zone (UTC and floating times included), or a
/// whole day, which is read in the location's zone.
#[derive(Clone, Debug)]
pub(crate) enum Moment {
    Timed { local: DateTime, zone: TimeZone },
    Day(Date),
}

impl Moment {
    /// The instant it starts; a skipped local time moves forward past the gap, as RFC 5545
    /// asks, and a repeated one takes its first instant.
    pub(crate) fn instant(&self, location: &TimeZone) -> Option<Timestamp> {
        let (local, zone) = match self {
            Moment::Timed { local, zone } => (*local, zone),
            Moment::Day(day) => (day.to_datetime(Time::midnight()), location),
        };
        zone.to_ambiguous_timestamp(local).compatible().ok()
    }

    /// The occurrence key kept in `import_record`: UTC text for a time, the date for a day.
    pub(crate) fn key(&self, location: &TimeZone) -> String {
        match self {
            Moment::Day(day) => day.strftime("%Y%m%d").to_string(),
            Moment::Timed { .. } => self
                .instant(location)
                .map(|at| at.strftime("%Y%m%dT%H%M%SZ").to_string())
                .unwrap_or_default(),
        }
    }

    pub(crate) fn is_day(&self) -> bool {
        matches!(self, Moment::Day(_))
    }
}

/// How long each occurrence lasts.
#[derive(Clone, Debug)]
pub(crate) enum Length {
    /// Elapsed time, from `DTEND` minus `DTSTART`.
    Exact(SignedDuration),
    /// Calendar time from `DURATION` (`P1D` is one civil day, 23 or 25 hours at a change).
    Nominal(Span),
}

/// Someone named on the event: `ATTENDEE` or `ORGANIZER`.
#[derive(Clone, Default)]
pub(crate) struct Person {
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
    pub kind: Option<String>,
}

/// A calendar event. Its summary and description may name a patient: never log them.
#[derive(Clone)]
pub(crate) struct Event {
    pub line: usize,
    pub uid: String,
    pub start: Moment,
    pub length: Length,
    pub rules: Vec<(String, usize)>,
    pub rdates: Vec<Moment>,
    pub exdates: Vec<Moment>,
    pub recurrence_id: Option<Moment>,
    pub cancelled: bool,
    pub transparent: bool,
    pub summary: String,
    pub description: String,
    pub attendees: Vec<Person>,
    pub organizer: Option<Person>,
}

/// Shows the event's place in the file, never its text.
impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Event(line {}, uid {})", self.line, self.uid)
    }
}

/// Reads every `VEVENT` of every `VCALENDAR` in the file, with the notes about zones the
/// reading had to guess. Other components (to-dos, journals, free/busy) are left alone.
pub(crate) fn read_all<'f>(
    components: &'f [Component<'f>],
    source: &Source,
    location: &TimeZone,
    progress: &dyn Progress,
) -> Result<(Vec<Event>, Vec<String>), FileError> {
    let calendars: Vec<&Component<'_>> = components.iter().filter(|c| is(c, "VCALENDAR")).collect();
    // A file of bare VEVENTs (some programs export one event so) is read as one calendar.
    let bare: Vec<&Component<'_>> = components
        .iter()
        .filter(|c| is(c, "VEVENT") || is(c, "VTIMEZONE"))
        .collect();
    if calendars.is_empty() && !bare.iter().any(|c| is(c, "VEVENT")) {
        let line = components
            .first()
            .map_or(0, |c| source.line_of_component(c));
        return Err(FileError::at(
            line,
            "this is not an iCalendar file: it has no BEGIN:VCALENDAR",
        ));
    }
    let inside = || {
        calendars
            .iter()
            .flat_map(|c| c.components.iter())
            .chain(bare.iter().copied())
    };
    let definitions = inside().filter(|c| is(c, "VTIMEZONE")).collect();
    let mut zones = Zones::new(location.clone(), definitions);
    let vevents: Vec<&Component<'_>> = inside().filter(|c| is(c, "VEVENT")).collect();
    progress.phase("reading", vevents.len() as u64);
    let mut events = Vec::with_capacity(vevents.len());
    for vevent in vevents {
        events.push(read(vevent, source, &mut zones)?);
        progress.step();
    }
    let mut notes = zones.notes;
    if events.is_empty() {
        notes.push("the file holds no events (VEVENT)".to_owned());
    }
    Ok((events, notes))
}

/// Reads one `VEVENT`; a missing start or a value that does not parse is an error naming
/// its line.
fn read(event: &Component<'_>, source: &Source, zones: &mut Zones<'_>) -> Result<Event, FileError> {
    let line = source.line_of_component(event);
    let start_property = property(event, "DTSTART")
        .ok_or_else(|| FileError::at(line, "this VEVENT has no DTSTART"))?;
    let start = one_moment(start_property, source, zones)?;
    let location = zones.location().clone();
    Ok(Event {
        line,
        uid: uid(event),
        length: length(event, &start, source, zones, &location)?,
        start,
        rules: properties(event, "RRULE")
            .map(|p| (p.val.as_str().to_owned(), source.line_of_property(p)))
            .collect(),
        rdates: all_moments(event, "RDATE", source, zones)?,
        exdates: all_moments(event, "EXDATE", source, zones)?,
        recurrence_id: property(event, "RECURRENCE-ID")
            .map(|p| one_moment(p, source, zones))
            .transpose()?,
        cancelled: has_value(event, "STATUS", "CANCELLED"),
        transparent: has_value(event, "TRANSP", "TRANSPARENT"),
        summary: text_of(event, "SUMMARY"),
        description: text_of(event, "DESCRIPTION"),
        attendees: properties(event, "ATTENDEE").map(person).collect(),
        organizer: property(event, "ORGANIZER").map(person),
    })
}

/// The event's `UID`; an event without one gets a stable stand-in from its own text, so a
/// second import of the same file still recognises it.
fn uid(event: &Component<'_>) -> String {
    let given = property(event, "UID")
        .map(|p| p.val.as_str().trim().to_owned())
        .filter(|u| !u.is_empty());
    let uid = given.unwrap_or_else(|| {
        let mut hasher = Sha256::new();
        for p in &event.properties {
            hasher.update(p.name.as_str().as_bytes());
            hasher.update(p.val.as_str().as_bytes());
        }
        format!("knead-no-uid-{}", hex::encode(hasher.finalize()))
    });
    if uid.len() > 200 {
        format!(
            "knead-long-uid-{}",
            hex::encode(Sha256::digest(uid.as_bytes()))
        )
    } else {
        uid
    }
}

fn has_value(event: &Component<'_>, name: &str, value: &str) -> bool {
    property(event, name).is_some_and(|p| p.val.as_str().trim().eq_ignore_ascii_case(value))
}

fn text_of(event: &Component<'_>, name: &str) -> String {
    property(event, name)
        .map(|p| p.val.as_str().trim().to_owned())
        .unwrap_or_default()
}

fn person(p: &Property<'_>) -> Person {
    let value = p.val.as_str().trim();
    let email = value
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
        .map(|_| value[7..].trim().to_lowercase())
        .filter(|e| e.contains('@'));
    let text = |key: &str| param(p, key).map(str::to_owned).filter(|v| !v.is_empty());
    Person {
        name: text("CN"),
        email,
        role: text("ROLE").map(|r| r.to_ascii_uppercase()),
        kind: text("CUTYPE").map(|k| k.to_ascii_uppercase()),
    }
}

/// How long the event lasts: from `DTEND`, else `DURATION`, else one day for a date and
/// nothing for a time (RFC 5545 section 3.6.1).
fn length(
    event: &Component<'_>,
    start: &Moment,
    source: &Source,
    zones: &mut Zones<'_>,
    location: &TimeZone,
) -> Result<Length, FileError> {
    if let Some(end) = property(event, "DTEND") {
        let end_moment = one_moment(end, source, zones)?;
        let line = source.line_of_property(end);
        if let (Moment::Day(from), Moment::Day(to)) = (start, &end_moment) {
            let days = from
                .until(*to)
                .map_err(|_| FileError::at(line, "DTEND is out of range"))?;
            return Ok(Length::Nominal(days));
        }
        let (Some(from), Some(to)) = (start.instant(location), end_moment.instant(location)) else {
            return Err(FileError::at(line, "DTEND is out of range"));
        };
        return Ok(Length::Exact(to.duration_since(from)));
    }
    if let Some(duration) = property(event, "DURATION") {
        let raw = duration.val.as_str().trim();
        let line = source.line_of_property(duration);
        let span: Span = raw.parse().map_err(|_| {
            FileError::at(
                line,
                format!("DURATION '{raw}' is not a duration such as PT1H"),
            )
        })?;
        return Ok(Length::Nominal(span));
    }
    Ok(match start {
        Moment::Day(_) => Length::Nominal(1.day()),
        Moment::Timed { .. } => Length::Exact(SignedDuration::ZERO),
    })
}

/// The single date or time a property holds (`DTSTART`, `DTEND`, `RECURRENCE-ID`).
fn one_moment(
    p: &Property<'_>,
    source: &Source,
    zones: &mut Zones<'_>,
) -> Result<Moment, FileError> {
    let mut all = moments(p, source, zones)?;
    let line = source.line_of_property(p);
    match all.len() {
        1 => Ok(all.remove(0)),
        _ => Err(FileError::at(
            line,
            format!("{} must hold one date or time", p.name.as_str()),
        )),
    }
}

/// Every date or time of every property named `name` (`EXDATE`, `RDATE`).
fn all_moments(
    event: &Component<'_>,
    name: &str,
    source: &Source,
    zones: &mut Zones<'_>,
) -> Result<Vec<Moment>, FileError> {
    let mut all = Vec::new();
    for p in properties(event, name) {
        all.extend(moments(p, source, zones)?);
    }
    Ok(all)
}

/// The comma-separated dates or times of one property; a `PERIOD` counts by its start.
// Known shortcoming: an `RDATE` period's own end is not kept; that occurrence lasts as long
// as the event's others. Keeping a length per start in `Event::rdates` would remove this.
fn moments(
    p: &Property<'_>,
    source: &Source,
    zones: &mut Zones<'_>,
) -> Result<Vec<Moment>, FileError> {
    let line = source.line_of_property(p);
    let name = p.name.as_str().to_ascii_uppercase();
    let raw = p.val.as_str().trim();
    if raw.is_empty() {
        // An empty EXDATE or RDATE (Google writes them) adds or removes nothing.
        if matches!(name.as_str(), "EXDATE" | "RDATE") {
            return Ok(Vec::new());
        }
        return Err(FileError::at(line, format!("{name} has no value")));
    }
    let zone = match tzid(p) {
        Some(tzid) => zones.get(tzid),
        None => zones.location().clone(),
    };
    raw.split(',')
        .map(|item| item.split('/').next().unwrap_or("").trim())
        .map(|item| {
            moment(item, &zone).ok_or_else(|| {
                let item: String = item.chars().take(40).collect();
                FileError::at(
                    line,
                    format!("{name} value '{item}' is not a date (20260309) or a date-time"),
                )
            })
        })
        .collect()
}

/// `20260309` (a day), `20260309T100000Z` (UTC) or `20260309T100000` (in `zone`).
pub(crate) fn moment(item: &str, zone: &TimeZone) -> Option<Moment> {
    // Google writes some dates with a stray `Z` (`RDATE:20131210Z`): still a date.
    let date = item.strip_suffix(['Z', 'z']).unwrap_or(item);
    if date.len() == 8 {
        return Date::strptime("%Y%m%d", date).ok().map(Moment::Day);
    }
    let (local, utc) = match item.strip_suffix(['Z', 'z']) {
        Some(local) => (local, true),
        None => (item, false),
    };
    let local = DateTime::strptime("%Y%m%dT%H%M%S", local.to_ascii_uppercase()).ok()?;
    let zone = if utc { TimeZone::UTC } else { zone.clone() };
    Some(Moment::Timed { local, zone })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_days_utc_or_zoned_times() {
        let toronto = TimeZone::get("America/Toronto").unwrap();

        let day = moment("20260309", &toronto).unwrap();
        let utc = moment("20260309T140000Z", &toronto).unwrap();
        let local = moment("20260309T100000", &toronto).unwrap();

        assert!(day.is_day());
        assert_eq!(day.key(&toronto), "20260309");
        assert_eq!(utc.key(&toronto), "20260309T140000Z");
        assert_eq!(local.key(&toronto), "20260309T140000Z");
        assert!(moment("2026-13-45", &toronto).is_none());
    }
}
