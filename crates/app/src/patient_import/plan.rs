//! Deciding what becomes of each person, before anything is written.
//!
//! Two records are the same person when they have the same first and last name (accents
//! and case aside) and the same birth date, or the same email, or the same phone digits.
//! That holds against the clinic's patients and against people earlier in the file. A
//! duplicate fills only the fields that are empty on the patient it matches, never
//! overwriting one; with nothing to fill it is skipped. An email or phone shared under
//! another name (a family's one landline, a parent's address on a child's record) is not
//! merged: the person is skipped with that reason, for staff to add by hand if they are
//! different people, because merging two people's records is worse than a missing one.

use super::record::{Incoming, Position};
use super::report::{
    ImportedPerson, LeftOutField, MergedPerson, PatientImportReport, RejectedPerson, SameAs,
    SkippedPerson,
};
use crate::import::{Label, Progress};
use knead_domain::ids::PatientId;
use knead_domain::patient_record::PhoneKind;
use knead_domain::setup::{Patient, PatientFields};
use knead_domain::values::slugify;
use std::collections::{BTreeSet, HashMap};

/// A patient the file is matched against: one already there, or one the file adds.
struct Candidate {
    existing: Option<PatientId>,
    /// For one the file adds: where it is in the file, and its index in the report.
    at: Option<(Position, usize)>,
    fields: PatientFields,
    /// Fields of an existing patient that this import fills.
    filled: BTreeSet<&'static str>,
}

/// What to write.
pub(crate) struct Plan {
    pub report: PatientImportReport,
    /// New patients, in file order, with their index in `report.imported`.
    pub new: Vec<(usize, PatientFields)>,
    /// Existing patients to update, with the names of the fields filled.
    pub updates: Vec<(PatientId, PatientFields, Vec<&'static str>)>,
}

/// The clinic's patients and the file's people so far, indexed by the keys that make two
/// records the same person.
pub(crate) struct Planner {
    candidates: Vec<Candidate>,
    keys: HashMap<String, Vec<usize>>,
    today: jiff::civil::Date,
}

/// The folded first and last name.
fn name_key(f: &PatientFields) -> String {
    format!(
        "{}|{}",
        slugify(&f.legal_first_name),
        slugify(&f.legal_last_name)
    )
}

/// The phone's last ten digits (a leading `1` or `+1` aside), when it has seven or more.
fn phone_key(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let tail = &digits[digits.len().saturating_sub(10)..];
    (tail.len() >= 7).then(|| tail.to_owned())
}

/// Each key and what it matches on, for the report.
fn keys(f: &PatientFields) -> Vec<(String, &'static str)> {
    let mut keys = Vec::new();
    if let Some(birth) = f.date_of_birth {
        keys.push((format!("n:{}|{birth}", name_key(f)), "name and birth date"));
    }
    if let Some(email) = &f.email {
        keys.push((format!("e:{}", email.as_str()), "email"));
    }
    let numbers = [
        &f.phone,
        &f.phones.mobile_phone,
        &f.phones.home_phone,
        &f.phones.work_phone,
    ];
    for number in numbers.into_iter().flatten() {
        if let Some(phone) = phone_key(number) {
            let key = format!("p:{phone}");
            if !keys.iter().any(|(k, _)| *k == key) {
                keys.push((key, "phone"));
            }
        }
    }
    keys
}

impl Planner {
    pub(crate) fn new(existing: Vec<Patient>, today: jiff::civil::Date) -> Planner {
        let mut planner = Planner {
            candidates: Vec::with_capacity(existing.len()),
            keys: HashMap::new(),
            today,
        };
        for patient in existing {
            planner.add(Candidate {
                existing: Some(patient.id),
                at: None,
                fields: patient.fields,
                filled: BTreeSet::new(),
            });
        }
        planner
    }

    fn add(&mut self, candidate: Candidate) {
        let index = self.candidates.len();
        self.index(index, &candidate.fields);
        self.candidates.push(candidate);
    }

    fn index(&mut self, index: usize, fields: &PatientFields) {
        for (key, _) in keys(fields) {
            let slot = self.keys.entry(key).or_default();
            if !slot.contains(&index) {
                slot.push(index);
            }
        }
    }

    /// Plans every person of the file, in order.
    pub(crate) fn plan(
        mut self,
        people: Vec<(Position, Incoming)>,
        mut report: PatientImportReport,
        progress: &dyn Progress,
    ) -> Plan {
        progress.phase("checking", people.len() as u64);
        report.people = people.len();
        for (at, incoming) in people {
            self.person(at, incoming, &mut report);
            progress.step();
        }
        let mut new = Vec::new();
        let mut updates = Vec::new();
        for candidate in self.candidates {
            match (candidate.existing, candidate.at) {
                (None, Some((_, index))) => new.push((index, candidate.fields)),
                (Some(id), _) if !candidate.filled.is_empty() => {
                    let filled = candidate.filled.into_iter().collect();
                    updates.push((id, candidate.fields, filled));
                }
                _ => {}
            }
        }
        Plan {
            report,
            new,
            updates,
        }
    }

    fn person(&mut self, at: Position, incoming: Incoming, report: &mut PatientImportReport) {
        let not_a_person = incoming.not_a_person;
        let (input, left_out) = incoming.into_input();
        let name = Label(
            [&input.legal_first_name, &input.legal_last_name]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
        );
        if let Some(reason) = not_a_person {
            let reason = reason.to_owned();
            report.skipped.push(SkippedPerson { at, name, reason });
            return;
        }
        let fields = match input.parse(self.today) {
            Ok(fields) => fields,
            Err(errors) => {
                let (field, reason) = errors.iter().next().unwrap_or(("file", "is not valid"));
                report.rejected.push(RejectedPerson {
                    at,
                    field: field.to_owned(),
                    reason: reason.to_owned(),
                });
                return;
            }
        };
        let kept = self.place(at, name, fields, report);
        if kept {
            report
                .left_out
                .extend(left_out.into_iter().map(|l| LeftOutField {
                    at,
                    field: l.field,
                    reason: l.why,
                }));
        }
    }

    /// Adds, merges or skips a valid person; true when any of it is kept.
    fn place(
        &mut self,
        at: Position,
        name: Label,
        fields: PatientFields,
        report: &mut PatientImportReport,
    ) -> bool {
        let mut matches: Vec<(usize, &'static str)> = Vec::new();
        for (key, on) in keys(&fields) {
            for index in self.keys.get(&key).into_iter().flatten() {
                if !matches.iter().any(|(i, _)| i == index) {
                    matches.push((*index, on));
                }
            }
        }
        let (index, on) = match matches.as_slice() {
            [] => {
                self.add_new(at, name, fields, report);
                return true;
            }
            [one] => *one,
            several => {
                let all: Vec<String> = several
                    .iter()
                    .map(|(i, _)| self.same_as(*i).to_string())
                    .collect();
                let reason = format!("matches several patients: {}", all.join(", "));
                report.skipped.push(SkippedPerson { at, name, reason });
                return false;
            }
        };
        let target = &self.candidates[index].fields;
        let other_name = name_key(target) != name_key(&fields);
        let other_birth = matches!(
            (target.date_of_birth, fields.date_of_birth),
            (Some(a), Some(b)) if a != b
        );
        if other_name || other_birth {
            let what = if other_name { "name" } else { "birth date" };
            let reason = format!(
                "same {on} as {} but another {what}; add by hand if they are different people",
                self.same_as(index)
            );
            report.skipped.push(SkippedPerson { at, name, reason });
            return false;
        }
        let filled = self.fill(index, &fields);
        let into = self.same_as(index);
        if filled.is_empty() {
            let reason = format!("already there as {into}, with nothing new to add");
            report.skipped.push(SkippedPerson { at, name, reason });
            return false;
        }
        report.merged.push(MergedPerson {
            at,
            name,
            into,
            filled,
            matched_on: on,
        });
        true
    }

    fn add_new(
        &mut self,
        at: Position,
        name: Label,
        fields: PatientFields,
        report: &mut PatientImportReport,
    ) {
        report.imported.push(ImportedPerson { at, name, id: None });
        self.add(Candidate {
            existing: None,
            at: Some((at, report.imported.len() - 1)),
            fields,
            filled: BTreeSet::new(),
        });
    }

    fn same_as(&self, index: usize) -> SameAs {
        let candidate = &self.candidates[index];
        match (&candidate.existing, candidate.at) {
            (Some(id), _) => SameAs::Patient(id.to_string()),
            (None, Some((at, _))) => SameAs::EarlierInFile(at),
            (None, None) => SameAs::Patient(String::new()),
        }
    }

    /// Fills the candidate's empty fields from `from`; an email another patient has is not
    /// taken, since emails are unique in a clinic.
    fn fill(&mut self, index: usize, from: &PatientFields) -> Vec<&'static str> {
        let email_free = from.email.as_ref().is_none_or(|e| {
            self.keys
                .get(&format!("e:{}", e.as_str()))
                .is_none_or(|holders| holders.iter().all(|h| *h == index))
        });
        let candidate = &mut self.candidates[index];
        let to = &mut candidate.fields;
        let mut filled = Vec::new();
        fill_one(
            &mut filled,
            "preferred_name",
            &mut to.preferred_name,
            &from.preferred_name,
        );
        fill_one(
            &mut filled,
            "date_of_birth",
            &mut to.date_of_birth,
            &from.date_of_birth,
        );
        if email_free {
            fill_one(&mut filled, "email", &mut to.email, &from.email);
        }
        fill_phones(&mut filled, to, from);
        let (a, b) = (&mut to.address, &from.address);
        fill_one(
            &mut filled,
            "address_line1",
            &mut a.address_line1,
            &b.address_line1,
        );
        fill_one(
            &mut filled,
            "address_line2",
            &mut a.address_line2,
            &b.address_line2,
        );
        fill_one(&mut filled, "city", &mut a.city, &b.city);
        fill_one(
            &mut filled,
            "postal_code",
            &mut a.postal_code,
            &b.postal_code,
        );
        fill_one(&mut filled, "province", &mut to.province, &from.province);
        candidate.filled.extend(filled.iter().copied());
        let fields = candidate.fields.clone();
        self.index(index, &fields);
        filled
    }
}

/// Fills each empty kind of phone; the preferred one is kept, or taken from `from` when
/// the patient had none.
fn fill_phones(filled: &mut Vec<&'static str>, to: &mut PatientFields, from: &PatientFields) {
    let (a, b) = (&mut to.phones, &from.phones);
    let known: Vec<String> = [&a.mobile_phone, &a.home_phone, &a.work_phone]
        .into_iter()
        .flatten()
        .filter_map(|n| phone_key(n))
        .collect();
    let new = |number: &Option<String>| {
        number
            .as_deref()
            .and_then(phone_key)
            .is_some_and(|key| !known.contains(&key))
    };
    let (mobile, home, work) = (
        b.mobile_phone.clone().filter(|_| new(&b.mobile_phone)),
        b.home_phone.clone().filter(|_| new(&b.home_phone)),
        b.work_phone.clone().filter(|_| new(&b.work_phone)),
    );
    fill_one(filled, "mobile_phone", &mut a.mobile_phone, &mobile);
    fill_one(filled, "home_phone", &mut a.home_phone, &home);
    fill_one(filled, "work_phone", &mut a.work_phone, &work);
    if a.preferred().is_none() {
        a.preferred_phone = b
            .preferred_phone
            .filter(|kind| a.number(*kind).is_some())
            .or_else(|| {
                PhoneKind::ALL
                    .into_iter()
                    .find(|kind| a.number(*kind).is_some())
            });
    }
    to.phone = to.phones.preferred().cloned();
}

fn fill_one<T: Clone>(
    filled: &mut Vec<&'static str>,
    name: &'static str,
    to: &mut Option<T>,
    from: &Option<T>,
) {
    if to.is_none() && from.is_some() {
        to.clone_from(from);
        filled.push(name);
    }
}
