//! What a patient import did (or, in a dry run, would do): every person of the file is
//! imported, merged into a patient already there, skipped or rejected, each with its
//! place in the file and the reason.
//!
//! Entries carry names, which the person running the import may see, so
//! [`Display`](fmt::Display) prints them; `Debug` does not ([`Label`] hides them), so a
//! report that reaches a log shows places and reasons only.

use super::record::Position;
use crate::import::Label;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Debug, Default, Serialize)]
pub struct PatientImportReport {
    pub file_name: String,
    /// `csv`, `vcard` or `fhir`.
    pub format: &'static str,
    pub dry_run: bool,
    /// People read from the file (rows, cards or Patient resources).
    pub people: usize,
    pub imported: Vec<ImportedPerson>,
    pub merged: Vec<MergedPerson>,
    pub skipped: Vec<SkippedPerson>,
    pub rejected: Vec<RejectedPerson>,
    /// Fields of imported or merged people that were left out, and why.
    pub left_out: Vec<LeftOutField>,
    /// For CSV: each column and the field it filled (`ignore` when none).
    pub columns: Vec<(String, String)>,
    /// For FHIR: resources that are not patients, counted by type.
    pub other_resources: BTreeMap<String, usize>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ImportedPerson {
    pub at: Position,
    pub name: Label,
    /// The new patient's id; `None` in a dry run.
    pub id: Option<String>,
}

/// Where a duplicate went: a patient already in Knead, or a person earlier in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SameAs {
    Patient(String),
    EarlierInFile(Position),
}

impl fmt::Display for SameAs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SameAs::Patient(id) => write!(f, "patient {id}"),
            SameAs::EarlierInFile(at) => write!(f, "{at} of this file"),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct MergedPerson {
    pub at: Position,
    pub name: Label,
    pub into: SameAs,
    /// The empty fields this person filled (never a field that had a value).
    pub filled: Vec<&'static str>,
    /// Why it is the same person: `name and birth date`, `email` or `phone`.
    pub matched_on: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct SkippedPerson {
    pub at: Position,
    pub name: Label,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RejectedPerson {
    pub at: Position,
    pub field: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct LeftOutField {
    pub at: Position,
    pub field: &'static str,
    pub reason: String,
}

impl fmt::Display for PatientImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let title = match self.dry_run {
            true => "Dry run, nothing written",
            false => "Imported",
        };
        writeln!(f, "{title}: {} ({})", self.file_name, self.format)?;
        writeln!(f, "  {} people in the file", self.people)?;
        if !self.columns.is_empty() {
            let columns: Vec<String> = self
                .columns
                .iter()
                .map(|(column, field)| format!("{column} -> {field}"))
                .collect();
            writeln!(f, "  columns: {}", columns.join(", "))?;
        }
        for (kind, count) in &self.other_resources {
            writeln!(f, "  {count} {kind} resource(s) passed over: not patients")?;
        }
        writeln!(f, "New patients: {}", self.imported.len())?;
        for p in &self.imported {
            let id =
                p.id.as_deref()
                    .map(|id| format!(" -> {id}"))
                    .unwrap_or_default();
            writeln!(f, "  {} {}{id}", p.at, p.name.0)?;
        }
        writeln!(
            f,
            "Merged into a patient already there: {}",
            self.merged.len()
        )?;
        for m in &self.merged {
            writeln!(
                f,
                "  {} {}: same {} as {}; filled {}",
                m.at,
                m.name.0,
                m.matched_on,
                m.into,
                m.filled.join(", ")
            )?;
        }
        writeln!(f, "Skipped: {}", self.skipped.len())?;
        for s in &self.skipped {
            writeln!(f, "  {} {}: {}", s.at, s.name.0, s.reason)?;
        }
        writeln!(f, "Rejected: {}", self.rejected.len())?;
        for r in &self.rejected {
            writeln!(f, "  {}: {} {}", r.at, r.field, r.reason)?;
        }
        if !self.left_out.is_empty() {
            writeln!(f, "Fields left out: {}", self.left_out.len())?;
            for l in &self.left_out {
                writeln!(f, "  {}: {} {}", l.at, l.field, l.reason)?;
            }
        }
        for note in &self.notes {
            writeln!(f, "Note: {note}")?;
        }
        Ok(())
    }
}
