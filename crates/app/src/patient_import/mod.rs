//! Patient import: a clinic's patient list brought over from other software, as a CSV
//! export, an address book (vCard) or FHIR R4 `Patient` resources.
//!
//! The whole file is read before anything is written, so a file that cannot be read
//! changes nothing and its error names the line. Each person is then checked like a
//! patient typed into the form: one with no name, a bad birth date or a bad email is
//! rejected with the reason, and address parts Knead cannot hold (a foreign postal code
//! or region, a phone with letters) are left out with a note. [`plan`] has the duplicate
//! rules. The plan is written in one transaction: every new patient with its
//! `patient.created` audit event, every merged one with `patient.updated`, and one
//! `patients.imported` event with the counts, so any failure leaves the clinic as it was.
//! A dry run plans and reports and writes nothing.

mod csv_file;
mod fhir;
mod plan;
mod record;
mod report;
mod source;
mod vcard;

pub use csv_file::FIELDS;
pub use record::Position;
pub use report::{
    ImportedPerson, LeftOutField, MergedPerson, PatientImportReport, RejectedPerson, SameAs,
    SkippedPerson,
};

use crate::import::Progress;
use crate::patients::search_text;
use crate::{App, AppError, Staff, record as audit};
use knead_domain::Permission;
use knead_domain::ids::{ClinicId, PatientId};
use knead_domain::setup::Patient;
use knead_store::audit::Actor;
use knead_store::{Conn, PageRequest, StoreError, patients};
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt;

/// The kinds of file the import reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Vcard,
    Fhir,
}

impl Format {
    pub fn parse(raw: &str) -> Result<Format, AppError> {
        match raw.trim().to_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "vcard" | "vcf" => Ok(Format::Vcard),
            "fhir" | "json" | "ndjson" => Ok(Format::Fhir),
            other => Err(AppError::invalid(
                "format",
                format!("'{other}' is not a format; use csv, vcard or fhir"),
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Vcard => "vcard",
            Format::Fhir => "fhir",
        }
    }
}

/// What to import.
#[derive(Clone, Copy)]
pub struct PatientImport<'a> {
    /// The file's name, for the report.
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    /// Guessed from the content when not given.
    pub format: Option<Format>,
    /// CSV only: `(column header, field)` pairs that override the guessed columns.
    pub map: &'a [(String, String)],
    /// Plan and report only; write nothing.
    pub dry_run: bool,
}

/// A file the import cannot read, or a `--map` it cannot follow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FileError {
    /// `file`, or `map` for a column mapping.
    pub field: &'static str,
    /// 1-based; 0 when no line can be named.
    pub line: usize,
    pub message: String,
}

impl FileError {
    pub(crate) fn at(line: usize, message: impl Into<String>) -> FileError {
        FileError {
            field: "file",
            line,
            message: message.into(),
        }
    }

    pub(crate) fn field(field: &'static str, message: impl Into<String>) -> FileError {
        FileError {
            field,
            line: 0,
            message: message.into(),
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => f.write_str(&self.message),
            line => write!(f, "line {line}: {}", self.message),
        }
    }
}

/// What a reader found in a file.
#[derive(Default)]
pub(crate) struct Read {
    pub people: Vec<(Position, record::Incoming)>,
    pub columns: Vec<(String, String)>,
    pub other_resources: BTreeMap<String, usize>,
}

/// People's data stays out of logs: this prints counts only.
impl fmt::Debug for Read {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Read {{ people: {} }}", self.people.len())
    }
}

impl App {
    /// Imports a patient file as a staff member who may manage patients.
    pub async fn import_patients(
        &self,
        staff: &Staff,
        input: &PatientImport<'_>,
        progress: &dyn Progress,
    ) -> Result<PatientImportReport, AppError> {
        staff.require(Permission::ManagePatients)?;
        self.run_patient_import(&staff.clinic_id, &staff.actor(), input, progress)
            .await
    }

    /// The same import from the command line, for the clinic named by its slug (or the
    /// only clinic on the host).
    pub async fn import_patients_from_cli(
        &self,
        clinic: Option<&str>,
        input: &PatientImport<'_>,
        progress: &dyn Progress,
    ) -> Result<PatientImportReport, AppError> {
        let clinic = self.resolve_clinic(clinic).await?;
        let actor = Actor::local("cli");
        self.run_patient_import(&clinic.id, &actor, input, progress)
            .await
    }

    async fn run_patient_import(
        &self,
        clinic: &ClinicId,
        actor: &Actor,
        input: &PatientImport<'_>,
        progress: &dyn Progress,
    ) -> Result<PatientImportReport, AppError> {
        let (read, report) = read_file(input)?;
        let today = self
            .clock
            .now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date();
        if input.dry_run {
            let mut conn = self.store.read().await?;
            let existing = all_patients(&mut conn, clinic).await?;
            let plan = plan::Planner::new(existing, today).plan(read.people, report, progress);
            progress.done();
            return Ok(plan.report);
        }
        let mut tx = self.store.write().await?;
        let existing = all_patients(&mut tx, clinic).await?;
        let plan = plan::Planner::new(existing, today).plan(read.people, report, progress);
        let writer = Writer {
            clinic,
            actor,
            now: self.clock.epoch(),
        };
        let report = write(&mut tx, &writer, plan, progress).await?;
        tx.commit().await.map_err(StoreError::from)?;
        progress.done();
        tracing::info!(
            clinic_id = %clinic,
            created = report.imported.len(),
            merged = report.merged.len(),
            skipped = report.skipped.len(),
            rejected = report.rejected.len(),
            "patients imported"
        );
        Ok(report)
    }
}

/// Decodes and reads the whole file; a problem refuses it, naming the line.
fn read_file(input: &PatientImport<'_>) -> Result<(Read, PatientImportReport), AppError> {
    let decoded = source::decode(input.bytes);
    let format = input.format.unwrap_or_else(|| source::guess(&decoded.text));
    if format != Format::Csv && !input.map.is_empty() {
        return Err(AppError::invalid("map", "--map applies to CSV files only"));
    }
    let read = match format {
        Format::Csv => csv_file::read(&decoded.text, input.map),
        Format::Vcard => vcard::read(&decoded.text),
        Format::Fhir => fhir::read(&decoded.text),
    };
    let mut read = read.map_err(|e| refused(input, e))?;
    let report = PatientImportReport {
        file_name: input.file_name.to_owned(),
        format: format.name(),
        dry_run: input.dry_run,
        columns: std::mem::take(&mut read.columns),
        other_resources: std::mem::take(&mut read.other_resources),
        notes: decoded.note.into_iter().collect(),
        ..PatientImportReport::default()
    };
    Ok((read, report))
}

/// Every patient of the clinic, a page at a time.
async fn all_patients(conn: &mut Conn, clinic: &ClinicId) -> Result<Vec<Patient>, AppError> {
    let mut all = Vec::new();
    let mut page = PageRequest {
        limit: 500,
        after: None,
    };
    loop {
        let found = patients::list(conn, clinic, &[], &page).await?;
        all.extend(found.items);
        match found.next_cursor {
            Some(cursor) => page.after = Some(cursor),
            None => return Ok(all),
        }
    }
}

struct Writer<'a> {
    clinic: &'a ClinicId,
    actor: &'a Actor,
    now: i64,
}

/// Writes the plan in the caller's transaction and fills the new patients' ids in.
async fn write(
    conn: &mut Conn,
    writer: &Writer<'_>,
    plan: plan::Plan,
    progress: &dyn Progress,
) -> Result<PatientImportReport, AppError> {
    let plan::Plan {
        mut report,
        new,
        updates,
    } = plan;
    progress.phase("writing", (new.len() + updates.len()) as u64);
    let (clinic, now) = (writer.clinic, writer.now);
    // Known shortcoming: this mirrors `App::add_patient` (insert, then `patient.created` in
    // the same transaction) instead of calling it, because the command line acts for no
    // staff member; a change to patient creation must be made in both places until
    // `add_patient` takes an actor rather than a `Staff`.
    for (index, fields) in &new {
        let id = PatientId::generate();
        patients::insert(conn, clinic, &id, fields, &search_text(fields), now).await?;
        let entity = ("patient", id.as_str());
        let detail = json!({ "source": "import" });
        audit(
            conn,
            clinic,
            writer.actor,
            "patient.created",
            entity,
            detail,
            now,
        )
        .await?;
        report.imported[*index].id = Some(id.to_string());
        progress.step();
    }
    for (id, fields, filled) in &updates {
        patients::update(conn, clinic, id, fields, &search_text(fields), now).await?;
        let entity = ("patient", id.as_str());
        let detail = json!({ "fields": filled, "source": "import" });
        audit(
            conn,
            clinic,
            writer.actor,
            "patient.updated",
            entity,
            detail,
            now,
        )
        .await?;
        progress.step();
    }
    // Counts only: a file's name is often a person's name.
    let detail = json!({
        "format": report.format,
        "people": report.people,
        "created": report.imported.len(),
        "merged": report.merged.len(),
        "patients_updated": updates.len(),
        "skipped": report.skipped.len(),
        "rejected": report.rejected.len(),
    });
    let entity = ("clinic", clinic.as_str());
    audit(
        conn,
        clinic,
        writer.actor,
        "patients.imported",
        entity,
        detail,
        now,
    )
    .await?;
    Ok(report)
}

/// A file the import cannot read: the person sees its name, the line and what is wrong.
fn refused(input: &PatientImport<'_>, error: FileError) -> AppError {
    tracing::debug!(line = error.line, "patient file refused");
    AppError::invalid(error.field, format!("{}: {error}", input.file_name))
}
