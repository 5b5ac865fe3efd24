//! Patients' demographic and contact records: create, read, update, list and search.

use crate::{App, AppError, Staff, record};
use knead_domain::Permission;
use knead_domain::ids::PatientId;
use knead_domain::setup::{Patient, PatientFields, PatientInput};
use knead_domain::values::slugify;
use knead_store::{Conn, Page, PageRequest, StoreError, patients as store};
use serde_json::json;

/// What the search box matches: names folded to plain lower-case words, the email, and each
/// phone's digits.
pub(crate) fn search_text(p: &PatientFields) -> String {
    let names = [
        Some(&p.legal_first_name),
        Some(&p.legal_last_name),
        p.preferred_name.as_ref(),
    ];
    let mut words: Vec<String> = names.into_iter().flatten().map(|n| slugify(n)).collect();
    if let Some(email) = &p.email {
        words.push(email.to_string());
    }
    let phones = [
        p.phone.as_ref(),
        p.phones.mobile_phone.as_ref(),
        p.phones.home_phone.as_ref(),
        p.phones.work_phone.as_ref(),
    ];
    for phone in phones.into_iter().flatten() {
        words.push(phone.chars().filter(char::is_ascii_digit).collect());
    }
    format!(" {} ", words.join(" "))
}

/// Splits a search query into terms folded like [`search_text`].
fn search_terms(query: &str) -> Vec<String> {
    query
        .split_whitespace()
        .map(|word| {
            if word.contains('@') {
                word.to_lowercase()
            } else if word
                .chars()
                .all(|c| c.is_ascii_digit() || "()-+.".contains(c))
            {
                word.chars().filter(char::is_ascii_digit).collect()
            } else {
                slugify(word)
            }
        })
        .filter(|t| !t.is_empty())
        .take(6)
        .collect()
}

/// The field that a unique-email failure belongs to.
fn email_taken(error: StoreError) -> AppError {
    if error.is_unique_on("email") {
        AppError::invalid("email", "is already used by another patient of this clinic")
    } else {
        error.into()
    }
}

/// Names of the fields that differ, for the audit trail (never their values).
fn changed_fields(before: &PatientFields, after: &PatientFields) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let (b, a) = (&before.phones, &after.phones);
    let pairs: [(&'static str, bool); 16] = [
        (
            "legal_first_name",
            before.legal_first_name != after.legal_first_name,
        ),
        (
            "legal_last_name",
            before.legal_last_name != after.legal_last_name,
        ),
        (
            "preferred_name",
            before.preferred_name != after.preferred_name,
        ),
        ("date_of_birth", before.date_of_birth != after.date_of_birth),
        ("email", before.email != after.email),
        ("phone", before.phone != after.phone),
        ("address", before.address != after.address),
        ("province", before.province != after.province),
        ("pronouns", before.pronouns != after.pronouns),
        ("mobile_phone", b.mobile_phone != a.mobile_phone),
        ("home_phone", b.home_phone != a.home_phone),
        ("work_phone", b.work_phone != a.work_phone),
        ("preferred_phone", b.preferred_phone != a.preferred_phone),
        (
            "emergency_contact",
            before.emergency_contact != after.emergency_contact,
        ),
        ("family_doctor", before.family_doctor != after.family_doctor),
        ("desk_notes", before.desk_notes != after.desk_notes),
    ];
    for (name, differs) in pairs {
        if differs {
            changed.push(name);
        }
    }
    changed
}

impl App {
    pub(crate) fn today(&self) -> jiff::civil::Date {
        // Birth dates only need the day; the clinic's own zone would move this by hours at most.
        self.clock
            .now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
    }

    pub async fn create_patient(
        &self,
        staff: &Staff,
        input: &PatientInput,
    ) -> Result<Patient, AppError> {
        let mut tx = self.store.write().await?;
        let patient = self.add_patient(&mut tx, staff, input).await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, patient_id = %patient.id, "patient created");
        Ok(patient)
    }

    /// Adds a patient, with its audit event, inside `tx`: for use cases that make a patient
    /// together with something else, so that a refusal of the rest leaves no patient behind.
    pub(crate) async fn add_patient(
        &self,
        tx: &mut Conn,
        staff: &Staff,
        input: &PatientInput,
    ) -> Result<Patient, AppError> {
        staff.require(Permission::ManagePatients)?;
        let fields = input.parse(self.today())?;
        let id = PatientId::generate();
        let now = self.clock.epoch();
        store::insert(
            tx,
            &staff.clinic_id,
            &id,
            &fields,
            &search_text(&fields),
            now,
        )
        .await
        .map_err(email_taken)?;
        let entity = ("patient", id.as_str());
        record(
            tx,
            &staff.clinic_id,
            &staff.actor(),
            "patient.created",
            entity,
            json!({}),
            now,
        )
        .await?;
        Ok(Patient { id, fields })
    }

    pub async fn update_patient(
        &self,
        staff: &Staff,
        id: &PatientId,
        input: &PatientInput,
    ) -> Result<Patient, AppError> {
        staff.require(Permission::ManagePatients)?;
        let fields = input.parse(self.today())?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let before = store::get(&mut tx, &staff.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        store::update(
            &mut tx,
            &staff.clinic_id,
            id,
            &fields,
            &search_text(&fields),
            now,
        )
        .await
        .map_err(email_taken)?;
        let detail = json!({ "fields": changed_fields(&before.fields, &fields) });
        let entity = ("patient", id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "patient.updated",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Patient {
            id: id.clone(),
            fields,
        })
    }

    /// A patient's record, not recorded as a read: for pages that only name the patient.
    /// Showing the record itself goes through `view_patient`, which records it.
    // Known shortcoming: the booking page's patient search and the appointment page read
    // patients through here and `patients` without an audit entry; they should call
    // `search_patients` / `record_read` once their owners add them to the completeness test.
    /// An id that names no patient of the clinic is recorded (`patient.missing_asked`)
    /// before the "not found", wherever it was asked from; a blank id (a form whose patient
    /// is not chosen yet) asks for nobody and is not recorded.
    pub async fn patient(&self, staff: &Staff, id: &PatientId) -> Result<Patient, AppError> {
        staff.require(Permission::ViewPatients)?;
        let found = {
            let mut conn = self.store.read().await?;
            store::get(&mut conn, &staff.clinic_id, id).await?
        };
        match found {
            Some(patient) => Ok(patient),
            None => {
                if !id.as_str().trim().is_empty() {
                    self.record_missing_patient(staff, id, "patient").await?;
                }
                Err(AppError::NotFound)
            }
        }
    }

    /// The patients among `ids` in one look-up, for pages that name many at once (the day
    /// view); an id of no patient of this clinic is passed over.
    pub async fn patients_by_id(
        &self,
        staff: &Staff,
        ids: &[PatientId],
    ) -> Result<Vec<Patient>, AppError> {
        staff.require(Permission::ViewPatients)?;
        let mut conn = self.store.read().await?;
        let mut found = Vec::with_capacity(ids.len());
        // SQLite allows 32,766 bound values a statement; chunks stay far below it.
        for chunk in ids.chunks(500) {
            found.extend(store::get_many(&mut conn, &staff.clinic_id, chunk).await?);
        }
        Ok(found)
    }

    /// Patients matching every word of `query` (name, email or phone), or all when blank.
    pub async fn patients(
        &self,
        staff: &Staff,
        query: &str,
        page: &PageRequest,
    ) -> Result<Page<Patient>, AppError> {
        staff.require(Permission::ViewPatients)?;
        let mut conn = self.store.read().await?;
        Ok(store::list(&mut conn, &staff.clinic_id, &search_terms(query), page).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_terms_fold_like_the_stored_text() {
        // Each group of digits must appear in the stored digits, so a phone typed with
        // spaces still finds the patient.
        assert_eq!(
            search_terms("Zoé  (416) 555-0134"),
            vec!["zoe", "416", "5550134"]
        );
        assert_eq!(search_terms("ANA@Example.ca"), vec!["ana@example.ca"]);
    }
}
