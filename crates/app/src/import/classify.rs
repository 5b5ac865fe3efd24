//! What an event becomes. The rules, in order:
//!
//! 1. `STATUS:CANCELLED`: skipped.
//! 2. A summary with a word that marks time as taken ([`BLOCK_WORDS`]: Lunch, Break, Busy,
//!    Blocked, Off, Vacation, Holiday, ... and their French twins): blocked time, even when
//!    shown as free, since calendars mark all-day events free by default.
//! 3. A transparent event (`TRANSP:TRANSPARENT`, "show as free"): skipped, since the
//!    calendar itself says it takes no time (birthdays, reminders).
//! 4. An all-day event (`DATE` values): blocked time, whole days.
//! 5. One person on the event: an appointment for them. The person is the one `ATTENDEE`
//!    who is neither the organizer, the practitioner, a room nor a chair, with the name in
//!    its `CN` (or in the summary) and its email; else a summary that is, or has a part
//!    that is, a name of two to four capitalised words none of which is a common calendar
//!    word ([`NOT_NAMES`]): "Jane Doe", "Massage - Jane Doe", "Jane Doe (60 min)".
//! 6. Everything else (meetings of several people, "Dentist", "Team sync"): blocked time.
//!
//! The summary and description go into the appointment's note only when they hold nothing
//! that identifies the patient beyond the name: no email address, link, phone or card
//! number (seven digits or more), or date.

use super::events::{Event, Person};
use knead_domain::values::slugify;

/// Words that mark a summary as time the practitioner is not available (folded).
pub(crate) const BLOCK_WORDS: &[&str] = &[
    "lunch",
    "break",
    "busy",
    "blocked",
    "block",
    "off",
    "vacation",
    "holiday",
    "holidays",
    "away",
    "closed",
    "unavailable",
    "sick",
    "ooo",
    "leave",
    "admin",
    "personal",
    "private",
    "travel",
    "pause",
    "diner",
    "conge",
    "vacances",
    "ferie",
    "ferme",
    "occupe",
    "indisponible",
    "bloque",
    "absent",
];

/// Capitalised calendar words that are not parts of a person's name (folded).
const NOT_NAMES: &[&str] = &[
    "massage",
    "therapy",
    "therapeutic",
    "rmt",
    "treatment",
    "session",
    "appointment",
    "appt",
    "rdv",
    "consult",
    "consultation",
    "assessment",
    "intake",
    "follow",
    "followup",
    "up",
    "meeting",
    "call",
    "sync",
    "standup",
    "review",
    "team",
    "staff",
    "training",
    "course",
    "class",
    "webinar",
    "conference",
    "party",
    "dinner",
    "lunch",
    "breakfast",
    "birthday",
    "anniversary",
    "event",
    "test",
    "daily",
    "weekly",
    "monthly",
    "yearly",
    "christmas",
    "day",
    "new",
    "year",
    "festival",
    "reminder",
    "deadline",
    "gym",
    "yoga",
    "dentist",
    "doctor",
    "dr",
    "clinic",
    "office",
    "work",
    "home",
    "school",
    "pickup",
    "flight",
    "trip",
    "hotel",
    "project",
    "sprint",
    "demo",
    "interview",
    "the",
    "and",
    "of",
    "de",
    "la",
    "le",
    "du",
    "des",
    "for",
    "with",
    "at",
    "in",
    "on",
    "to",
    "my",
    "our",
    "a",
    "an",
    "free",
    "hot",
    "stone",
    "deep",
    "tissue",
    "swedish",
    "prenatal",
    "sports",
    "relaxation",
    "minutes",
    "min",
    "hour",
    "hours",
    "phone",
    "video",
    "virtual",
    "online",
    "room",
    "session",
    "cupping",
    "reflexology",
    "physio",
    "chiro",
    "osteo",
    "acupuncture",
    "kinesiology",
    "bastille",
    "thanksgiving",
    "easter",
    "canada",
    "victoria",
    "labour",
    "family",
    "civic",
    "memorial",
    "independence",
    "remembrance",
    "boxing",
    "good",
    "friday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "saturday",
    "sunday",
    "summit",
    "workshop",
    "seminar",
    "launch",
    "release",
    "planning",
    "retro",
    "retrospective",
    "status",
    "update",
    "check",
    "checkin",
    "task",
    "todo",
    "order",
    "delivery",
    "payment",
    "invoice",
    "tax",
    "bank",
    "renewal",
    "insurance",
    "license",
    "car",
    "service",
    "repair",
    "maintenance",
];

/// What one event becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Appointment(Patient),
    Block,
    Cancelled,
    MarkedFree,
}

/// The person an appointment is for. Never logged: `Debug` shows the shape only.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Patient {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
}

impl std::fmt::Debug for Patient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Patient { .. }")
    }
}

/// Applies the rules of this module to one event.
pub(crate) fn classify(event: &Event, practitioner_email: Option<&str>) -> Kind {
    if event.cancelled {
        return Kind::Cancelled;
    }
    if is_block(&event.summary) {
        return Kind::Block;
    }
    if event.transparent {
        return Kind::MarkedFree;
    }
    if event.start.is_day() {
        return Kind::Block;
    }
    match patient(event, practitioner_email) {
        Some(patient) => Kind::Appointment(patient),
        None => Kind::Block,
    }
}

/// Whether a summary holds one of [`BLOCK_WORDS`] (or says "out of office").
pub(crate) fn is_block(summary: &str) -> bool {
    let folded = words(summary);
    folded.iter().any(|w| BLOCK_WORDS.contains(&w.as_str()))
        || folded.join(" ").contains("out of office")
}

/// Lower-case, accent-free words of a text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(slugify)
        .collect()
}

/// The one person the event is for, from its attendees or else its summary.
fn patient(event: &Event, practitioner_email: Option<&str>) -> Option<Patient> {
    let organizer = event.organizer.as_ref().and_then(|o| o.email.as_deref());
    let others: Vec<&Person> = event
        .attendees
        .iter()
        .filter(|a| a.email.is_none() || (a.email.as_deref() != organizer))
        .filter(|a| a.email.is_none() || a.email.as_deref() != practitioner_email)
        .filter(|a| !matches!(a.kind.as_deref(), Some("ROOM" | "RESOURCE")))
        .filter(|a| !matches!(a.role.as_deref(), Some("CHAIR" | "NON-PARTICIPANT")))
        .collect();
    match others.as_slice() {
        [] => name_in_summary(&event.summary).map(|(first_name, last_name)| Patient {
            first_name,
            last_name,
            email: None,
        }),
        [one] => {
            let name = one.name.as_deref().and_then(common_name);
            let (first_name, last_name) = name.or_else(|| name_in_summary(&event.summary))?;
            let email = one.email.clone();
            Some(Patient {
                first_name,
                last_name,
                email,
            })
        }
        _ => None,
    }
}

/// The one part of a summary that is a person's name, split into first and last names.
fn name_in_summary(summary: &str) -> Option<(String, String)> {
    // A dash separates parts only with spaces around it: "Massage - Jane Doe", but
    // "Marie-Ève" is one name.
    let spaced = [" - ", " – ", " — "]
        .iter()
        .fold(summary.to_owned(), |text, dash| text.replace(dash, "|"));
    let separators = [':', '|', '/', '(', ')', '[', ']', ',', ';'];
    let mut names: Vec<(String, String)> = spaced
        .split(|c| separators.contains(&c))
        .filter_map(as_name)
        .collect();
    names.dedup();
    match names.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

/// `Jane Doe` as ("Jane", "Doe"), `Mary Ann Smith` as ("Mary Ann", "Smith"): two to four
/// capitalised words of letters (with `-`, `'` or `.`), none a common calendar word.
fn as_name(text: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    if !(2..=4).contains(&parts.len()) || text.len() > 60 {
        return None;
    }
    let name_like = |word: &&str| {
        word.chars().next().is_some_and(char::is_uppercase)
            && word
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
            && !NOT_NAMES.contains(&slugify(word).as_str())
    };
    if !parts.iter().all(name_like) {
        return None;
    }
    let (last, first) = parts.split_last()?;
    Some((first.join(" "), (*last).to_owned()))
}

/// A `CN` as a name: two to four words of letters, in any case ("jane DOE" is kept as
/// written), since the calendar says outright that it names a person.
fn common_name(cn: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = cn.split_whitespace().collect();
    let wordy = |w: &&str| {
        w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
    };
    if !(2..=4).contains(&parts.len()) || !parts.iter().all(wordy) {
        return None;
    }
    let (last, first) = parts.split_last()?;
    Some((first.join(" "), (*last).to_owned()))
}

/// The appointment note: the summary and description that hold nothing identifying beyond
/// the name, at most 500 characters.
pub(crate) fn note(event: &Event) -> Option<String> {
    let kept: Vec<&str> = [event.summary.as_str(), event.description.as_str()]
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty() && !identifying(t))
        .collect();
    if kept.is_empty() {
        return None;
    }
    let text = format!("From the imported calendar: {}", kept.join("\n"));
    Some(text.chars().take(500).collect())
}

/// The reason kept with imported time off: the summary when it holds nothing identifying,
/// at most 100 characters.
pub(crate) fn time_off_reason(event: &Event) -> String {
    let summary = event.summary.trim();
    if summary.is_empty() || identifying(summary) {
        return "Imported from a calendar".to_owned();
    }
    let summary: String = summary.chars().take(100).collect();
    format!("Imported from a calendar: {summary}")
}

/// Whether a text holds an email, a link, a long number (phone, health card) or a date.
fn identifying(text: &str) -> bool {
    let lower = text.to_lowercase();
    if lower.contains('@') || lower.contains("http") || lower.contains("www.") {
        return true;
    }
    let mut digits = 0;
    let mut groups = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if matches!(c, '-' | '/' | '.') && digits > 0 {
            groups += 1;
        } else if !matches!(c, ' ' | '(' | ')' | '+') {
            if digits >= 7 || groups >= 2 {
                return true;
            }
            digits = 0;
            groups = 0;
        }
    }
    digits >= 7 || groups >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_found_in_the_usual_summaries() {
        let jane = Some(("Jane".to_owned(), "Doe".to_owned()));

        assert_eq!(name_in_summary("Jane Doe"), jane);
        assert_eq!(name_in_summary("Massage - Jane Doe"), jane);
        assert_eq!(name_in_summary("Jane Doe (60 min)"), jane);
        assert_eq!(
            name_in_summary("Marie-Ève O'Neil Tremblay"),
            Some(("Marie-Ève O'Neil".to_owned(), "Tremblay".to_owned()))
        );
    }

    #[test]
    fn calendar_words_are_not_names() {
        for summary in [
            "Daily Sync",
            "Bastille Day Party",
            "Team meeting",
            "Test 4",
            "Jane",
        ] {
            assert_eq!(name_in_summary(summary), None, "{summary}");
        }
    }

    #[test]
    fn block_words_are_found_in_any_case_and_language() {
        for summary in [
            "Lunch",
            "BUSY",
            "Day off",
            "Vacances d'été",
            "Out of office",
        ] {
            assert!(is_block(summary), "{summary}");
        }
        assert!(!is_block("Jane Doe"));
        assert!(!is_block(""));
    }

    #[test]
    fn phones_emails_and_dates_are_identifying_but_times_are_not() {
        assert!(identifying("call 416-555-0134"));
        assert!(identifying("jane@example.com"));
        assert!(identifying("born 1985-04-12"));
        assert!(identifying("OHIP 1234567890"));
        assert!(!identifying("Jane Doe, 60 min at 10:30, lower back"));
    }
}
