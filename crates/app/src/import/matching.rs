//! Finding the patient an event is for: an existing patient with the same email, else the
//! one existing patient with exactly the same first and last name (ignoring case), else a
//! new patient with that name and email. A name shared by several patients matches none
//! of them: the import cannot tell which one is meant.

use super::classify::Patient;
use knead_domain::ids::PatientId;
use knead_domain::setup::{PatientFields, PatientInput};
use knead_domain::values::Email;
use knead_store::imports::PatientKey;
use std::collections::HashSet;

/// A patient an appointment will point to: one that exists, or the n-th one to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PatientRef {
    Existing(PatientId),
    New(usize),
}

pub(crate) enum Match {
    Found(PatientRef),
    Several,
    Unusable,
}

/// The clinic's patients, and those this import will create.
pub(crate) struct Patients {
    existing: Vec<PatientKey>,
    matched: HashSet<PatientId>,
    pub(crate) new: Vec<PatientFields>,
    today: jiff::civil::Date,
}

impl Patients {
    pub(crate) fn new(existing: Vec<PatientKey>, today: jiff::civil::Date) -> Patients {
        Patients {
            existing,
            matched: HashSet::new(),
            new: Vec::new(),
            today,
        }
    }

    /// How many existing patients the import matched.
    pub(crate) fn matched(&self) -> usize {
        self.matched.len()
    }

    pub(crate) fn resolve(&mut self, person: &Patient) -> Match {
        if let Some(found) = person.email.as_deref().and_then(|e| self.by_email(e)) {
            return Match::Found(found);
        }
        let same = |first: &str, last: &str| {
            same_text(first, &person.first_name) && same_text(last, &person.last_name)
        };
        let hits: Vec<&PatientKey> = self
            .existing
            .iter()
            .filter(|k| same(&k.first_name, &k.last_name))
            .collect();
        match hits.as_slice() {
            [one] => return Match::Found(self.found(one.id.clone())),
            [] => {}
            _ => return Match::Several,
        }
        let created = self
            .new
            .iter()
            .position(|f| same(&f.legal_first_name, &f.legal_last_name));
        match created {
            Some(index) => Match::Found(PatientRef::New(index)),
            None => self.create(person),
        }
    }

    fn by_email(&mut self, email: &str) -> Option<PatientRef> {
        let existing = self
            .existing
            .iter()
            .find(|k| k.email.as_deref().is_some_and(|e| same_text(e, email)))
            .map(|k| k.id.clone());
        if let Some(id) = existing {
            return Some(self.found(id));
        }
        self.new
            .iter()
            .position(|f| {
                f.email
                    .as_ref()
                    .is_some_and(|e| same_text(e.as_str(), email))
            })
            .map(PatientRef::New)
    }

    fn found(&mut self, id: PatientId) -> PatientRef {
        self.matched.insert(id.clone());
        PatientRef::Existing(id)
    }

    /// A new patient with the name, and the email when it is a valid address.
    fn create(&mut self, person: &Patient) -> Match {
        let input = |email: Option<String>| PatientInput {
            legal_first_name: Some(person.first_name.clone()),
            legal_last_name: Some(person.last_name.clone()),
            email,
            ..PatientInput::default()
        };
        let email = person.email.clone().filter(|e| Email::parse(e).is_ok());
        match input(email).parse(self.today) {
            Ok(fields) => {
                self.new.push(fields);
                Match::Found(PatientRef::New(self.new.len() - 1))
            }
            Err(_) => Match::Unusable,
        }
    }
}

fn same_text(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}
