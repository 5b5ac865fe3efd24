//! Calendar import: a therapist's existing calendar (an iCalendar `.ics` file from Google,
//! Outlook or Exchange, Thunderbird, a phone) brought into Knead as appointments and blocked
//! time for one practitioner at one location.
//!
//! The import reads the whole file before it writes anything, so a malformed file changes
//! nothing and its error names the line. It then plans every occurrence that starts from
//! now to the end of the booking horizon (the last local day the booking policy's
//! `horizon_days` allows): appointments for events that name one person ([`classify`] has
//! the rules), time off for the rest, and a reason for each one left out ([`plan`] has the
//! order of the checks). Occurrences outside that window are not imported; the report
//! counts the events that have none in it. A therapist moving over needs the bookings to
//! come, and past ones would be history without charts or receipts. The plan is written in
//! one transaction with one audit event, and each occurrence written is remembered in
//! `import_record`, so importing the same file again adds nothing.

mod apply;
mod classify;
mod events;
mod expand;
mod matching;
mod plan;
mod progress;
mod report;
mod target;
mod text;
mod windows_zones;
mod zones;

pub use progress::{Progress, Silent};
pub use report::{Conflict, ConflictWith, ImportReport, Imported, Label, SkipReason, Skipped};
pub use text::FileError;

use crate::{App, AppError, Staff};
use jiff::{SignedDuration, Timestamp};
use knead_domain::Permission;
use knead_domain::ids::ClinicId;
use knead_store::audit::Actor;
use knead_store::{Conn, StoreError, appointments, imports};
use plan::{Busy, Known, Plan};
use target::Target;

/// What to import and where.
#[derive(Clone, Copy)]
pub struct IcsImport<'a> {
    pub practitioner_id: &'a str,
    /// Needed only when the practitioner works at several locations.
    pub location_id: Option<&'a str>,
    /// The service of every appointment; by default the practitioner's service whose
    /// duration matches the event, else the first they give.
    pub service_id: Option<&'a str>,
    /// The file's name, for the report and the audit trail.
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    /// Plan and report only; write nothing.
    pub dry_run: bool,
}

impl App {
    /// Imports a calendar file for a practitioner, as a staff member who may manage the
    /// clinic's setup, patients and appointments.
    pub async fn import_ics(
        &self,
        staff: &Staff,
        input: &IcsImport<'_>,
        progress: &dyn Progress,
    ) -> Result<ImportReport, AppError> {
        for permission in [
            Permission::ManageSetup,
            Permission::ManagePatients,
            Permission::ManageAppointments,
        ] {
            staff.require(permission)?;
        }
        self.run_import(&staff.clinic_id, &staff.actor(), input, progress)
            .await
    }

    /// The same import from the command line, which acts for the clinic named by its slug
    /// (or the only clinic on the host).
    pub async fn import_ics_from_cli(
        &self,
        clinic: Option<&str>,
        input: &IcsImport<'_>,
        progress: &dyn Progress,
    ) -> Result<ImportReport, AppError> {
        let clinic = self.resolve_clinic(clinic).await?;
        let actor = Actor::local("cli");
        self.run_import(&clinic.id, &actor, input, progress).await
    }

    async fn run_import(
        &self,
        clinic: &ClinicId,
        actor: &Actor,
        input: &IcsImport<'_>,
        progress: &dyn Progress,
    ) -> Result<ImportReport, AppError> {
        let now = self.clock.now();
        let target = {
            let mut conn = self.store.read().await?;
            target::load(&mut conn, clinic, input, now).await?
        };
        let calendar = read_file(input, &target, progress)?;
        let report = calendar.report(input, &target);
        if input.dry_run {
            let mut conn = self.store.read().await?;
            let known = known(&mut conn, clinic, &target).await?;
            let plan = calendar.plan(&target, known, report, progress);
            progress.done();
            return Ok(plan.report);
        }
        let mut tx = self.store.write().await?;
        let known = known(&mut tx, clinic, &target).await?;
        let plan = calendar.plan(&target, known, report, progress);
        let writer = apply::Writer {
            clinic,
            actor,
            input,
            target: &target,
            now,
        };
        let report = apply::apply(&mut tx, &writer, plan, progress).await?;
        tx.commit().await.map_err(StoreError::from)?;
        progress.done();
        tracing::info!(
            clinic_id = %clinic,
            practitioner_id = %report.practitioner_id,
            appointments = report.appointments.len(),
            blocked = report.blocked.len(),
            skipped = report.skipped.len(),
            conflicts = report.conflicts.len(),
            "calendar imported"
        );
        Ok(report)
    }
}

/// The file read and expanded: its events and all their occurrences up to the window's end.
struct Calendar {
    events: Vec<events::Event>,
    occurrences: Vec<expand::Occurrence>,
    continues: Vec<bool>,
    notes: Vec<String>,
}

impl Calendar {
    fn plan(
        &self,
        target: &Target,
        known: Known,
        report: ImportReport,
        progress: &dyn Progress,
    ) -> Plan {
        let (events, occurrences) = (&self.events, &self.occurrences);
        plan::plan(
            events,
            occurrences,
            &self.continues,
            target,
            known,
            report,
            progress,
        )
    }

    /// An empty report for this file and window, with the notes reading it gave.
    fn report(&self, input: &IcsImport<'_>, target: &Target) -> ImportReport {
        ImportReport {
            file_name: input.file_name.to_owned(),
            dry_run: input.dry_run,
            practitioner_id: target.practitioner.id.to_string(),
            location_id: target.location.id.to_string(),
            time_zone: target.location.fields.time_zone.as_str().to_owned(),
            from: plan::shown(target.from, &target.zone),
            until: plan::shown(target.until, &target.zone),
            events: self.events.len(),
            notes: self.notes.clone(),
            ..ImportReport::default()
        }
    }
}

/// Reads the whole file; any problem refuses it, naming the line.
fn read_file(
    input: &IcsImport<'_>,
    target: &Target,
    progress: &dyn Progress,
) -> Result<Calendar, AppError> {
    let file = text::Source::read(input.bytes).map_err(|e| refused(input, e))?;
    let (components, mut notes) = file.components().map_err(|e| refused(input, e))?;
    let (events, event_notes) = events::read_all(&components, &file, &target.zone, progress)
        .map_err(|e| refused(input, e))?;
    let expansion =
        expand::expand(&events, &target.zone, target.until).map_err(|e| refused(input, e))?;
    notes.extend(event_notes);
    notes.extend(expansion.notes);
    Ok(Calendar {
        events,
        occurrences: expansion.occurrences,
        continues: expansion.continues,
        notes,
    })
}

/// What the database holds for the practitioner: occurrences imported before, the
/// appointments that hold time in the window, and the clinic's patients.
async fn known(conn: &mut Conn, clinic: &ClinicId, target: &Target) -> Result<Known, AppError> {
    let practitioner = &target.practitioner.id;
    let imported = imports::imported(conn, clinic, practitioner).await?;
    // An appointment that started up to a day before the window may still run into it.
    let from = target
        .from
        .checked_sub(SignedDuration::from_hours(24))
        .unwrap_or(target.from);
    let filter = appointments::Filter {
        practitioner: Some(practitioner),
        ..appointments::Filter::default()
    };
    let rows = appointments::list(
        conn,
        clinic,
        from.as_second(),
        target.until.as_second(),
        &filter,
    )
    .await?;
    let at = |epoch: i64| Timestamp::from_second(epoch).unwrap_or(Timestamp::UNIX_EPOCH);
    let busy = rows
        .into_iter()
        .filter(|r| r.status.occupies())
        .map(|r| Busy {
            from: at(r.occupied_from),
            until: at(r.occupied_until),
            imported: r.source == knead_domain::appointment::Source::Import,
            id: r.id,
        })
        .collect();
    let patients = imports::patient_keys(conn, clinic).await?;
    let today = target.from.to_zoned_datetime(target.zone.clone()).date();
    Ok(Known {
        imported,
        busy,
        patients: matching::Patients::new(patients, today),
    })
}

/// A file the import cannot read: the person sees its name, the line and what is wrong.
fn refused(input: &IcsImport<'_>, error: FileError) -> AppError {
    tracing::debug!(line = error.line, "calendar file refused");
    AppError::invalid("file", format!("{}: {error}", input.file_name))
}
