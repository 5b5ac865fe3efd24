//! What an import did (or, in a dry run, would do): counts, then every occurrence in the
//! window that was left out, with its reason.
//!
//! Entries carry the event's summary, which often is a patient's name: the person running
//! the import may see it, so [`Display`](fmt::Display) prints it, but `Debug` does not, so
//! a report that reaches a log shows lines and times only.

use serde::Serialize;
use std::fmt;

/// The outcome of one import.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ImportReport {
    pub file_name: String,
    pub dry_run: bool,
    pub practitioner_id: String,
    pub location_id: String,
    pub time_zone: String,
    /// The window imported: from now to the end of the booking horizon (RFC 3339).
    pub from: String,
    pub until: String,
    /// `VEVENT`s in the file.
    pub events: usize,
    /// Events with no occurrence in the window: over before it, or going on after it.
    pub past_events: usize,
    pub later_events: usize,
    pub appointments: Vec<Imported>,
    pub blocked: Vec<Imported>,
    pub skipped: Vec<Skipped>,
    pub conflicts: Vec<Conflict>,
    pub patients_created: usize,
    pub patients_matched: usize,
    /// Guesses the import had to make, such as a zone it did not know.
    pub notes: Vec<String>,
}

/// Text from the calendar file (a summary, a patient's name). Never printed by `Debug`.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Label(pub String);

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Label(..)")
    }
}

/// An appointment or a stretch of blocked time the import made (or would make).
#[derive(Clone, Debug, Serialize)]
pub struct Imported {
    pub line: usize,
    pub start: String,
    pub end: String,
    pub summary: Label,
    /// For an appointment: the patient's name, and whether the import creates them.
    pub patient: Option<Label>,
    pub new_patient: bool,
    /// The new row's id; `None` in a dry run.
    pub id: Option<String>,
}

/// One occurrence in the window that was left out, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    pub line: usize,
    pub start: String,
    pub summary: Label,
    pub reason: SkipReason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    Cancelled,
    MarkedFree,
    AlreadyImported,
    Duplicate,
    NoLength,
    SeveralPatients,
    UnusableName,
    NoService,
}

impl SkipReason {
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Cancelled => "cancelled in the calendar",
            SkipReason::MarkedFree => "shown as free in the calendar",
            SkipReason::AlreadyImported => "already imported",
            SkipReason::Duplicate => "the same event appears earlier in the file",
            SkipReason::NoLength => "has no length",
            SkipReason::SeveralPatients => "the name matches several patients; book it by hand",
            SkipReason::UnusableName => "the person's name cannot be used for a patient record",
            SkipReason::NoService => "the practitioner gives no service to book it as",
        }
    }
}

/// An occurrence left out because its time is already taken.
#[derive(Clone, Debug, Serialize)]
pub struct Conflict {
    pub line: usize,
    pub start: String,
    pub end: String,
    pub summary: Label,
    pub with: ConflictWith,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictWith {
    /// An appointment already booked in Knead.
    Appointment(String),
    /// An earlier event of the same file, at that line.
    FileLine(usize),
    /// A booking made while the import was being written.
    Meanwhile,
}

impl ImportReport {
    /// How many occurrences in the window were written (or would be).
    pub fn imported_count(&self) -> usize {
        self.appointments.len() + self.blocked.len()
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let title = match self.dry_run {
            true => "Dry run, nothing written",
            false => "Imported",
        };
        writeln!(f, "{title}: {}", self.file_name)?;
        writeln!(
            f,
            "  practitioner {}, location {} ({})",
            self.practitioner_id, self.location_id, self.time_zone
        )?;
        writeln!(f, "  window {} to {}", self.from, self.until)?;
        writeln!(
            f,
            "  {} events: {} over before the window, {} next occurring after it",
            self.events, self.past_events, self.later_events
        )?;
        writeln!(f, "Appointments: {}", self.appointments.len())?;
        writeln!(f, "Blocked time: {}", self.blocked.len())?;
        writeln!(
            f,
            "Patients: {} created, {} matched",
            self.patients_created, self.patients_matched
        )?;
        writeln!(f, "Skipped: {}", self.skipped.len())?;
        for s in &self.skipped {
            let summary = quoted(&s.summary);
            writeln!(
                f,
                "  line {} {}{summary}: {}",
                s.line,
                s.start,
                s.reason.describe()
            )?;
        }
        writeln!(f, "Conflicts, not imported: {}", self.conflicts.len())?;
        for c in &self.conflicts {
            let with = match &c.with {
                ConflictWith::Appointment(id) => format!("appointment {id}"),
                ConflictWith::FileLine(line) => format!("the event at line {line}"),
                ConflictWith::Meanwhile => "a booking made during the import".to_owned(),
            };
            let summary = quoted(&c.summary);
            writeln!(
                f,
                "  line {} {} to {}{summary}: overlaps {with}",
                c.line, c.start, c.end
            )?;
        }
        if !self.notes.is_empty() {
            writeln!(f, "Notes:")?;
            for note in &self.notes {
                writeln!(f, "  {note}")?;
            }
        }
        Ok(())
    }
}

fn quoted(label: &Label) -> String {
    match label.0.is_empty() {
        true => String::new(),
        false => format!(" \"{}\"", label.0.chars().take(60).collect::<String>()),
    }
}
