//! Which zone a `TZID` names. In order: an IANA name; a Windows name (Outlook, Exchange);
//! an IANA name at the end of a path-like id (`/mozilla.org/20070129_1/America/New_York`);
//! the file's own `VTIMEZONE` for that id (its `X-LIC-LOCATION`, else its current rules
//! read as a POSIX TZ string); and last the location's zone. Every guess past a Windows
//! name is written into the report's notes.

use super::text::{is, param, property};
use super::windows_zones;
use icalendar::parser::Component;
use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use std::collections::HashMap;

/// Resolves the `TZID`s of one file, remembering each answer and the notes about guesses.
pub(crate) struct Zones<'f> {
    location: TimeZone,
    location_name: String,
    definitions: Vec<&'f Component<'f>>,
    resolved: HashMap<String, TimeZone>,
    pub(crate) notes: Vec<String>,
}

impl<'f> Zones<'f> {
    pub(crate) fn new(location: TimeZone, definitions: Vec<&'f Component<'f>>) -> Zones<'f> {
        let location_name = location
            .iana_name()
            .unwrap_or("the location's zone")
            .to_owned();
        Zones {
            location,
            location_name,
            definitions,
            resolved: HashMap::new(),
            notes: Vec::new(),
        }
    }

    /// The location's zone, in which floating times and all-day dates are read.
    pub(crate) fn location(&self) -> &TimeZone {
        &self.location
    }

    /// The zone `tzid` names; never fails, falling back to the location's zone.
    pub(crate) fn get(&mut self, tzid: &str) -> TimeZone {
        let tzid = tzid.trim().trim_matches('"');
        if let Some(zone) = self.resolved.get(tzid) {
            return zone.clone();
        }
        let zone = self.resolve(tzid);
        self.resolved.insert(tzid.to_owned(), zone.clone());
        zone
    }

    fn resolve(&mut self, tzid: &str) -> TimeZone {
        if let Some(zone) = known(tzid) {
            return zone;
        }
        let defined = self
            .definitions
            .iter()
            .find(|c| property(c, "TZID").is_some_and(|p| p.val.as_str().trim() == tzid));
        if let Some(zone) = defined.and_then(|c| from_definition(c)) {
            let note = format!("TZID '{tzid}' is not a zone name; read from its VTIMEZONE");
            self.notes.push(note);
            return zone;
        }
        let note = format!(
            "TZID '{tzid}' is unknown and has no usable VTIMEZONE; read as {} (the location's \
             zone)",
            self.location_name
        );
        self.notes.push(note);
        self.location.clone()
    }
}

/// A zone named outright: IANA, Windows, or IANA at the end of a path-like id.
fn known(tzid: &str) -> Option<TimeZone> {
    if tzid.is_empty() {
        return None;
    }
    if let Ok(zone) = TimeZone::get(tzid) {
        return Some(zone);
    }
    if let Some(name) = windows_zones::iana(tzid) {
        return TimeZone::get(name).ok();
    }
    tzid.match_indices('/')
        .map(|(at, _)| &tzid[at + 1..])
        .filter(|suffix| suffix.contains('/'))
        .find_map(|suffix| TimeZone::get(suffix).ok())
}

/// A zone from a `VTIMEZONE`: the IANA zone its `X-LIC-LOCATION` names, else its rules.
fn from_definition(definition: &Component<'_>) -> Option<TimeZone> {
    let named = property(definition, "X-LIC-LOCATION")
        .and_then(|p| TimeZone::get(p.val.as_str().trim()).ok());
    named.or_else(|| from_rules(definition))
}

/// One `STANDARD` or `DAYLIGHT` part of a `VTIMEZONE`.
struct Observance {
    daylight: bool,
    start: DateTime,
    offset: Offset,
    /// The yearly rule when it has no end, which makes it the rule in force today.
    rule: Option<String>,
}

fn observances(definition: &Component<'_>) -> Vec<Observance> {
    definition
        .components
        .iter()
        .filter_map(|part| {
            let daylight = is(part, "DAYLIGHT");
            if !daylight && !is(part, "STANDARD") {
                return None;
            }
            let start = property(part, "DTSTART")?.val.as_str().trim();
            let start = DateTime::strptime("%Y%m%dT%H%M%S", start).ok()?;
            let offset = utc_offset(property(part, "TZOFFSETTO")?.val.as_str())?;
            let rule = property(part, "RRULE")
                .map(|p| p.val.as_str().to_ascii_uppercase())
                .filter(|r| !r.contains("UNTIL") && !r.contains("COUNT"));
            Some(Observance {
                daylight,
                start,
                offset,
                rule,
            })
        })
        .collect()
}

/// The zone a `VTIMEZONE`'s rules in force describe: a fixed offset when daylight time has
/// no open-ended rule, else a POSIX TZ string built from the two yearly rules.
fn from_rules(definition: &Component<'_>) -> Option<TimeZone> {
    let all = observances(definition);
    let current = |daylight: bool| {
        all.iter()
            .filter(|o| o.daylight == daylight && o.rule.is_some())
            .max_by_key(|o| o.start)
    };
    match (current(false), current(true)) {
        (Some(standard), Some(daylight)) => posix(standard, daylight),
        _ => {
            let latest = all.iter().max_by_key(|o| o.start)?;
            Some(TimeZone::fixed(latest.offset))
        }
    }
}

fn posix(standard: &Observance, daylight: &Observance) -> Option<TimeZone> {
    let text = format!(
        "STD{}DST{},{}/{},{}/{}",
        posix_offset(standard.offset),
        posix_offset(daylight.offset),
        posix_date(daylight.rule.as_deref()?)?,
        daylight.start.time().strftime("%H:%M:%S"),
        posix_date(standard.rule.as_deref()?)?,
        standard.start.time().strftime("%H:%M:%S"),
    );
    TimeZone::posix(&text).ok()
}

/// POSIX offsets count hours west of Greenwich: UTC-05:00 is `5`, UTC+01:00 is `-1`.
fn posix_offset(offset: Offset) -> String {
    let west = -offset.seconds();
    let sign = if west < 0 { "-" } else { "" };
    let west = west.abs();
    format!(
        "{sign}{}:{:02}:{:02}",
        west / 3600,
        west / 60 % 60,
        west % 60
    )
}

/// `Mm.w.d` from a yearly rule: `BYMONTH=3;BYDAY=2SU` is `M3.2.0`, `-1SU` the last week,
/// and the older `BYMONTHDAY=8,...,14;BYDAY=SU` form the week its first day falls in.
fn posix_date(rule: &str) -> Option<String> {
    let part = |key: &str| {
        rule.split(';')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim())
    };
    let month: u8 = part("BYMONTH")?.parse().ok()?;
    let byday = part("BYDAY")?;
    let day = weekday_number(byday.get(byday.len().checked_sub(2)?..)?)?;
    let nth = &byday[..byday.len() - 2];
    let week = match (nth, part("BYMONTHDAY")) {
        ("-1", _) => 5,
        ("", Some(days)) => {
            let first: i8 = days.split(',').next()?.trim().parse().ok()?;
            if first < 0 { 5 } else { (first + 6) / 7 }
        }
        (n, _) => n.trim_start_matches('+').parse().ok()?,
    };
    (1..=5)
        .contains(&week)
        .then(|| format!("M{month}.{week}.{day}"))
}

fn weekday_number(code: &str) -> Option<u8> {
    ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
        .iter()
        .position(|d| *d == code)
        .and_then(|i| u8::try_from(i).ok())
}

/// A `TZOFFSETTO` value: `-0500`, `+0530` or `+013045`.
fn utc_offset(raw: &str) -> Option<Offset> {
    let raw = raw.trim();
    let (sign, digits) = match raw.split_at_checked(1)? {
        ("-", rest) => (-1, rest),
        ("+", rest) => (1, rest),
        _ => return None,
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| digits.get(range)?.parse::<i32>().ok();
    let seconds = number(0..2)? * 3600 + number(2..4)? * 60 + number(4..6).unwrap_or(0);
    Offset::from_seconds(sign * seconds).ok()
}

/// Reads the `TZID` parameter of a property, if it has one.
pub(crate) fn tzid<'p>(property: &'p icalendar::parser::Property<'_>) -> Option<&'p str> {
    param(property, "TZID").filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_rules_become_a_zone_with_the_right_transitions() {
        let standard = Observance {
            daylight: false,
            start: "1601-01-01T02:00".parse().unwrap(),
            offset: Offset::from_hours(-5).unwrap(),
            rule: Some("FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11".into()),
        };
        let daylight = Observance {
            daylight: true,
            offset: Offset::from_hours(-4).unwrap(),
            rule: Some("FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3".into()),
            ..standard
        };

        let zone = posix(&standard, &daylight).unwrap();

        let before: jiff::Timestamp = "2026-03-08T06:59:59Z".parse().unwrap();
        let after: jiff::Timestamp = "2026-03-08T07:00:00Z".parse().unwrap();
        assert_eq!(zone.to_offset(before), Offset::from_hours(-5).unwrap());
        assert_eq!(zone.to_offset(after), Offset::from_hours(-4).unwrap());
    }

    #[test]
    fn path_like_and_windows_ids_find_their_zone() {
        let mozilla = known("/mozilla.org/20070129_1/America/New_York").unwrap();
        let windows = known("Eastern Standard Time").unwrap();

        assert_eq!(mozilla.iana_name(), Some("America/New_York"));
        assert_eq!(windows.iana_name(), Some("America/New_York"));
        assert!(known("custom_Pacific/Fiji").is_none());
    }
}
