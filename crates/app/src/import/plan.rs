//! The plan: what each occurrence in the window becomes, decided before anything is written.
//!
//! Occurrences are taken in start order. Each one is, in this order of checks: skipped for
//! what its event is (cancelled, shown as free), skipped when it has no length, was imported
//! before or appears twice in the file; a conflict when its time is taken; else an
//! appointment (with its patient found or to be created) or blocked time.
//!
//! An appointment conflicts with any appointment that holds time for the practitioner, in
//! Knead or earlier in the file, since the database would refuse it. Blocked time conflicts
//! only with appointments booked in Knead itself (not imported): time off over a booking
//! needs a person to decide, while a calendar's own appointment inside its own busy block
//! is what the calendar said.
//!
//! Known shortcoming: an occurrence is known by its event's UID and original start, so an
//! event moved or cancelled in the calendar after an import is not moved or cancelled in
//! Knead (a moved single event is imported again at its new time, beside the old one); the
//! desk does that by hand. Matching `import_record` by UID alone for single events, and
//! updating what it points to, would remove this.

use super::classify::{self, Kind};
use super::events::Event;
use super::expand::Occurrence;
use super::matching::{Match, PatientRef, Patients};
use super::progress::Progress;
use super::report::{Conflict, ConflictWith, ImportReport, Imported, Label, SkipReason, Skipped};
use super::target::Target;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use knead_domain::booking::local_text;
use knead_domain::ids::ServiceId;
use std::collections::HashSet;

/// An appointment that holds time for the practitioner before the import starts.
#[derive(Clone, Debug)]
pub(crate) struct Busy {
    pub id: String,
    pub from: Timestamp,
    pub until: Timestamp,
    /// Whether it came from an earlier import.
    pub imported: bool,
}

/// What the database holds that the plan must respect.
pub(crate) struct Known {
    /// `(uid, occurrence)` pairs already imported for the practitioner.
    pub imported: HashSet<(String, String)>,
    pub busy: Vec<Busy>,
    pub patients: Patients,
}

/// One appointment to write; its report entry is `report.appointments[index]`.
pub(crate) struct NewAppointment {
    pub index: usize,
    pub uid: String,
    pub key: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub patient: PatientRef,
    pub service: ServiceId,
    pub note: Option<String>,
}

/// One stretch of time off to write; its report entry is `report.blocked[index]`.
pub(crate) struct NewTimeOff {
    pub index: usize,
    pub uid: String,
    pub key: String,
    pub starts_local: String,
    pub ends_local: String,
    pub reason: String,
}

pub(crate) struct Plan {
    pub report: ImportReport,
    pub appointments: Vec<NewAppointment>,
    pub time_off: Vec<NewTimeOff>,
    pub patients: Patients,
}

/// Decides every occurrence of `occurrences` (all of the file's, in start order).
pub(crate) fn plan(
    events: &[Event],
    occurrences: &[Occurrence],
    continues: &[bool],
    target: &Target,
    known: Known,
    mut report: ImportReport,
    progress: &dyn Progress,
) -> Plan {
    count_outside(occurrences, continues, target, &mut report);
    let email = target
        .practitioner
        .fields
        .email
        .as_ref()
        .map(|e| e.as_str());
    let kinds: Vec<Kind> = events
        .iter()
        .map(|e| classify::classify(e, email))
        .collect();
    let window: Vec<&Occurrence> = occurrences
        .iter()
        .filter(|o| o.start >= target.from && o.start < target.until)
        .collect();
    progress.phase("planning", window.len() as u64);
    let mut planner = Planner {
        target,
        known,
        seen: HashSet::new(),
        accepted: Vec::new(),
        plan_appointments: Vec::new(),
        plan_time_off: Vec::new(),
        report,
    };
    for occurrence in window {
        let event = &events[occurrence.event];
        planner.decide(event, &kinds[occurrence.event], occurrence);
        progress.step();
    }
    let patients = planner.known.patients;
    planner.report.patients_created = patients.new.len();
    planner.report.patients_matched = patients.matched();
    Plan {
        report: planner.report,
        appointments: planner.plan_appointments,
        time_off: planner.plan_time_off,
        patients,
    }
}

/// Counts the events with no occurrence in the window: those that go on after it, and
/// those wholly before it.
fn count_outside(
    occurrences: &[Occurrence],
    continues: &[bool],
    target: &Target,
    report: &mut ImportReport,
) {
    let mut in_window = vec![false; continues.len()];
    for o in occurrences {
        if o.start >= target.from && o.start < target.until {
            in_window[o.event] = true;
        }
    }
    for (inside, later) in in_window.into_iter().zip(continues) {
        match (inside, later) {
            (true, _) => {}
            (false, true) => report.later_events += 1,
            (false, false) => report.past_events += 1,
        }
    }
}

struct Planner<'t> {
    target: &'t Target,
    known: Known,
    seen: HashSet<(String, String)>,
    /// Appointments planned so far: `(from, until, line)`.
    accepted: Vec<(Timestamp, Timestamp, usize)>,
    plan_appointments: Vec<NewAppointment>,
    plan_time_off: Vec<NewTimeOff>,
    report: ImportReport,
}

impl Planner<'_> {
    fn decide(&mut self, event: &Event, kind: &Kind, o: &Occurrence) {
        let start = self.shown(o.start, o.days.map(|d| d.0));
        let summary = Label(event.summary.clone());
        let skip = |reason| Skipped {
            line: event.line,
            start: start.clone(),
            summary: summary.clone(),
            reason,
        };
        if let Some(reason) = self.skip_reason(event, kind, o) {
            self.report.skipped.push(skip(reason));
            return;
        }
        let is_appointment = matches!(kind, Kind::Appointment(_));
        if let Some(with) = self.conflict(o, is_appointment) {
            let end = self.shown(o.end, o.days.map(|d| d.1));
            self.report.conflicts.push(Conflict {
                line: event.line,
                start,
                end,
                summary,
                with,
            });
            return;
        }
        let outcome = match kind {
            Kind::Appointment(person) => self.appointment(event, person, o),
            _ => {
                self.time_off(event, o);
                None
            }
        };
        if let Some(reason) = outcome {
            self.report.skipped.push(skip(reason));
        }
    }

    fn skip_reason(&mut self, event: &Event, kind: &Kind, o: &Occurrence) -> Option<SkipReason> {
        let reason = match kind {
            Kind::Cancelled => Some(SkipReason::Cancelled),
            Kind::MarkedFree => Some(SkipReason::MarkedFree),
            _ if o.end <= o.start || self.local_span(o).is_none() => Some(SkipReason::NoLength),
            _ => None,
        };
        if reason.is_some() {
            return reason;
        }
        let id = (event.uid.clone(), o.key.clone());
        if self.known.imported.contains(&id) {
            return Some(SkipReason::AlreadyImported);
        }
        if !self.seen.insert(id) {
            return Some(SkipReason::Duplicate);
        }
        None
    }

    /// What already holds the occurrence's time, if anything.
    fn conflict(&self, o: &Occurrence, is_appointment: bool) -> Option<ConflictWith> {
        let overlaps = |from: Timestamp, until: Timestamp| from < o.end && o.start < until;
        let existing = self
            .known
            .busy
            .iter()
            .filter(|b| is_appointment || !b.imported)
            .find(|b| overlaps(b.from, b.until));
        if let Some(busy) = existing {
            return Some(ConflictWith::Appointment(busy.id.clone()));
        }
        if !is_appointment {
            return None;
        }
        self.accepted
            .iter()
            .find(|(from, until, _)| overlaps(*from, *until))
            .map(|(_, _, line)| ConflictWith::FileLine(*line))
    }

    fn appointment(
        &mut self,
        event: &Event,
        person: &classify::Patient,
        o: &Occurrence,
    ) -> Option<SkipReason> {
        let minutes = o.end.duration_since(o.start).as_mins();
        let Some(service) = self.target.service_for(minutes) else {
            return Some(SkipReason::NoService);
        };
        let service = service.id.clone();
        let patient = match self.known.patients.resolve(person) {
            Match::Found(patient) => patient,
            Match::Several => return Some(SkipReason::SeveralPatients),
            Match::Unusable => return Some(SkipReason::UnusableName),
        };
        self.accepted.push((o.start, o.end, event.line));
        let name = Label(format!("{} {}", person.first_name, person.last_name));
        let is_new = matches!(patient, PatientRef::New(_));
        let entry = self.entry(event, o, Some((name, is_new)));
        self.report.appointments.push(entry);
        self.plan_appointments.push(NewAppointment {
            index: self.report.appointments.len() - 1,
            uid: event.uid.clone(),
            key: o.key.clone(),
            start: o.start,
            end: o.end,
            patient,
            service,
            note: classify::note(event),
        });
        None
    }

    fn time_off(&mut self, event: &Event, o: &Occurrence) {
        let Some((starts_local, ends_local)) = self.local_span(o) else {
            return;
        };
        let entry = self.entry(event, o, None);
        self.report.blocked.push(entry);
        self.plan_time_off.push(NewTimeOff {
            index: self.report.blocked.len() - 1,
            uid: event.uid.clone(),
            key: o.key.clone(),
            starts_local,
            ends_local,
            reason: classify::time_off_reason(event),
        });
    }

    /// The report's entry for a written occurrence; `patient` is the name and whether the
    /// import creates that patient.
    fn entry(&self, event: &Event, o: &Occurrence, patient: Option<(Label, bool)>) -> Imported {
        let (patient, new_patient) = match patient {
            Some((name, is_new)) => (Some(name), is_new),
            None => (None, false),
        };
        Imported {
            line: event.line,
            start: self.shown(o.start, o.days.map(|d| d.0)),
            end: self.shown(o.end, o.days.map(|d| d.1)),
            summary: Label(event.summary.clone()),
            patient,
            new_patient,
            id: None,
        }
    }

    /// The occurrence as local minutes in the location's zone (how time off is stored);
    /// `None` when nothing is left of it at minute precision.
    fn local_span(&self, o: &Occurrence) -> Option<(String, String)> {
        let local =
            |at: Timestamp| local_text(at.to_zoned_datetime(self.target.zone.clone()).datetime());
        let (start, end) = match o.days {
            Some((first, after)) => (
                local_text(first.to_datetime(jiff::civil::Time::midnight())),
                local_text(after.to_datetime(jiff::civil::Time::midnight())),
            ),
            None => (local(o.start), local(o.end)),
        };
        (start < end).then_some((start, end))
    }

    /// An instant as the report shows it: RFC 3339 with the location's offset, or the
    /// date alone for an all-day occurrence.
    fn shown(&self, at: Timestamp, day: Option<jiff::civil::Date>) -> String {
        match day {
            Some(day) => day.to_string(),
            None => shown(at, &self.target.zone),
        }
    }
}

/// An instant to the second, with the offset `zone` has then.
pub(crate) fn shown(at: Timestamp, zone: &TimeZone) -> String {
    let at = Timestamp::from_second(at.as_second()).unwrap_or(at);
    at.display_with_offset(zone.to_offset(at)).to_string()
}
