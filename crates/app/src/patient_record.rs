//! The patient record around the demographics (guardians, family links, insurance plans) and
//! health-history intakes with the flags they raise.
//!
//! Permissions: the record is read with ViewPatients and changed with ManagePatients. Intake
//! answers and flags are health information: reading them needs ViewCharts and is audited
//! (`intake.viewed`, `intake.flags_viewed`); recording an intake needs ManagePatients (the desk
//! fills it in with the patient) or WriteCharts (the therapist does). Forms are clinic setup
//! (ManageSetup).

use crate::{App, AppError, Staff, record};
use knead_domain::Permission;
use knead_domain::ids::{ClinicId, PatientId};
use knead_domain::intake::{self, FormInput};
use knead_domain::patient_record::{FamilyLinkInput, GuardianInput, InsuranceInput, is_minor};
use knead_domain::setup::Patient;
use knead_store::patient_record as store;
use knead_store::patient_record::intake::NewIntake;
pub use knead_store::patient_record::intake::{FormRecord, IntakeRecord};
pub use knead_store::patient_record::{FamilyLinkRecord, GuardianRecord, InsuranceRecord};
use knead_store::{Conn, StoreError, patients};
use serde_json::json;
use std::collections::BTreeMap;

/// One patient's record as the details page and the API show it.
pub struct PatientRecord {
    pub patient: Patient,
    /// Under the age of majority of the patient's province (else the clinic's).
    pub minor: bool,
    pub guardians: Vec<GuardianRecord>,
    pub family_links: Vec<FamilyLinkRecord>,
    pub insurance: Vec<InsuranceRecord>,
    /// Display names of the other patients the links above name, by id.
    pub names: BTreeMap<String, String>,
}

/// The code of the form Knead seeds in every clinic.
const DEFAULT_FORM: &str = "default";

async fn existing(conn: &mut Conn, clinic: &ClinicId, id: &PatientId) -> Result<Patient, AppError> {
    patients::get(conn, clinic, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A patient id given in input that must name a patient of the clinic.
async fn linked(
    conn: &mut Conn,
    clinic: &ClinicId,
    field: &str,
    id: &PatientId,
) -> Result<(), AppError> {
    match patients::get(conn, clinic, id).await? {
        Some(_) => Ok(()),
        None => Err(AppError::invalid(field, "is not a patient of this clinic")),
    }
}

impl App {
    async fn commit(&self, tx: knead_store::Tx) -> Result<(), AppError> {
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The patient with guardians, family links and insurance plans.
    pub async fn patient_record(
        &self,
        staff: &Staff,
        id: &PatientId,
    ) -> Result<PatientRecord, AppError> {
        staff.require(Permission::ViewPatients)?;
        let clinic = &staff.clinic_id;
        let mut conn = self.store.read().await?;
        let patient = existing(&mut conn, clinic, id).await?;
        let guardians = store::guardians(&mut conn, clinic, id).await?;
        let family_links = store::family_links(&mut conn, clinic, id).await?;
        let insurance = store::insurance(&mut conn, clinic, id).await?;
        let mut others: Vec<PatientId> = guardians
            .iter()
            .flat_map(|g| {
                [
                    Some(g.patient_id.clone()),
                    g.fields.guardian_patient_id.clone(),
                ]
            })
            .flatten()
            .chain(family_links.iter().flat_map(|l| {
                [
                    l.fields.payer_patient_id.clone(),
                    l.fields.dependant_patient_id.clone(),
                ]
            }))
            .filter(|other| other != id)
            .collect();
        others.sort();
        others.dedup();
        let names = patients::get_many(&mut conn, clinic, &others)
            .await?
            .into_iter()
            .map(|p| (p.id.to_string(), p.fields.display_name()))
            .collect();
        let province = match patient.fields.province {
            Some(p) => Some(p),
            None => self.clinic(staff).await?.profile.province,
        };
        let minor = match (patient.fields.date_of_birth, province) {
            (Some(birth), Some(province)) => is_minor(birth, self.today(), province),
            _ => false,
        };
        Ok(PatientRecord {
            patient,
            minor,
            guardians,
            family_links,
            insurance,
            names,
        })
    }

    pub async fn add_guardian(
        &self,
        staff: &Staff,
        patient: &PatientId,
        input: &GuardianInput,
    ) -> Result<String, AppError> {
        staff.require(Permission::ManagePatients)?;
        let fields = input.parse()?;
        let clinic = &staff.clinic_id;
        let mut tx = self.store.write().await?;
        existing(&mut tx, clinic, patient).await?;
        if let Some(guardian) = &fields.guardian_patient_id {
            if guardian == patient {
                return Err(AppError::invalid(
                    "guardian_patient_id",
                    "must be someone else",
                ));
            }
            linked(&mut tx, clinic, "guardian_patient_id", guardian).await?;
        }
        let id = PatientId::generate().to_string();
        let now = self.clock.epoch();
        store::insert_guardian(&mut tx, clinic, &id, patient, &fields, now).await?;
        let detail = json!({ "guardian_id": id, "authority": fields.authority.as_str() });
        let entity = ("patient", patient.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "guardian.added",
            entity,
            detail,
            now,
        )
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    pub async fn remove_guardian(
        &self,
        staff: &Staff,
        patient: &PatientId,
        guardian_id: &str,
    ) -> Result<(), AppError> {
        staff.require(Permission::ManagePatients)?;
        let clinic = &staff.clinic_id;
        let mut tx = self.store.write().await?;
        if !store::delete_guardian(&mut tx, clinic, patient, guardian_id).await? {
            return Err(AppError::NotFound);
        }
        let now = self.clock.epoch();
        let detail = json!({ "guardian_id": guardian_id });
        let entity = ("patient", patient.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "guardian.removed",
            entity,
            detail,
            now,
        )
        .await?;
        self.commit(tx).await
    }

    pub async fn add_family_link(
        &self,
        staff: &Staff,
        input: &FamilyLinkInput,
    ) -> Result<String, AppError> {
        staff.require(Permission::ManagePatients)?;
        let link = input.parse()?;
        let clinic = &staff.clinic_id;
        let mut tx = self.store.write().await?;
        linked(&mut tx, clinic, "payer_patient_id", &link.payer_patient_id).await?;
        linked(
            &mut tx,
            clinic,
            "dependant_patient_id",
            &link.dependant_patient_id,
        )
        .await?;
        let id = PatientId::generate().to_string();
        let now = self.clock.epoch();
        store::insert_family_link(&mut tx, clinic, &id, &link, now)
            .await
            .map_err(|e| {
                if e.is_unique_on("payer_patient_id") || e.is_unique_on("patient_family_link") {
                    AppError::invalid("dependant_patient_id", "is already linked to this payer")
                } else {
                    e.into()
                }
            })?;
        let detail = json!({
            "link_id": id,
            "payer_patient_id": link.payer_patient_id.as_str(),
            "dependant_patient_id": link.dependant_patient_id.as_str(),
        });
        let entity = ("patient", link.dependant_patient_id.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "family_link.added",
            entity,
            detail,
            now,
        )
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    pub async fn remove_family_link(
        &self,
        staff: &Staff,
        patient: &PatientId,
        link_id: &str,
    ) -> Result<(), AppError> {
        staff.require(Permission::ManagePatients)?;
        let clinic = &staff.clinic_id;
        let mut tx = self.store.write().await?;
        if !store::delete_family_link(&mut tx, clinic, patient, link_id).await? {
            return Err(AppError::NotFound);
        }
        let now = self.clock.epoch();
        let detail = json!({ "link_id": link_id });
        let entity = ("patient", patient.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "family_link.removed",
            entity,
            detail,
            now,
        )
        .await?;
        self.commit(tx).await
    }

    /// Adds a plan after the patient's others (the first added is primary).
    pub async fn add_insurance(
        &self,
        staff: &Staff,
        patient: &PatientId,
        input: &InsuranceInput,
    ) -> Result<String, AppError> {
        staff.require(Permission::ManagePatients)?;
        let fields = input.parse(self.today())?;
        let clinic = &staff.clinic_id;
        let mut tx = self.store.write().await?;
        existing(&mut tx, clinic, patient).await?;
        let id = PatientId::generate().to_string();
        let now = self.clock.epoch();
        store::insert_insurance(&mut tx, clinic, patient, &id, &fields, now).await?;
        let detail = json!({ "plan_id": id });
        let entity = ("patient", patient.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "insurance.added",
            entity,
            detail,
            now,
        )
        .await?;
        self.commit(tx).await?;
        Ok(id)
    }

    /// Removes a plan; the others close ranks.
    pub async fn remove_insurance(
        &self,
        staff: &Staff,
        patient: &PatientId,
        plan_id: &str,
    ) -> Result<(), AppError> {
        staff.require(Permission::ManagePatients)?;
        let clinic = &staff.clinic_id;
        let mut tx = self.store.write().await?;
        if !store::delete_insurance(&mut tx, clinic, patient, plan_id).await? {
            return Err(AppError::NotFound);
        }
        let now = self.clock.epoch();
        let ids: Vec<String> = store::insurance(&mut tx, clinic, patient)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        self.renumber(&mut tx, clinic, patient, &ids, now).await?;
        let detail = json!({ "plan_id": plan_id });
        let entity = ("patient", patient.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "insurance.removed",
            entity,
            detail,
            now,
        )
        .await?;
        self.commit(tx).await
    }

    /// Puts the patient's plans in the order of `plan_ids` (primary first); the list must
    /// name each of them once.
    pub async fn reorder_insurance(
        &self,
        staff: &Staff,
        patient: &PatientId,
        plan_ids: &[String],
    ) -> Result<(), AppError> {
        staff.require(Permission::ManagePatients)?;
        let clinic = &staff.clinic_id;
        let mut tx = self.store.write().await?;
        existing(&mut tx, clinic, patient).await?;
        let mut current: Vec<String> = store::insurance(&mut tx, clinic, patient)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let mut wanted = plan_ids.to_vec();
        current.sort();
        wanted.sort();
        if current != wanted {
            return Err(AppError::invalid(
                "plan_ids",
                "must list each of the patient's plans once",
            ));
        }
        let now = self.clock.epoch();
        self.renumber(&mut tx, clinic, patient, plan_ids, now)
            .await?;
        let detail = json!({ "plan_ids": plan_ids });
        let entity = ("patient", patient.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "insurance.reordered",
            entity,
            detail,
            now,
        )
        .await?;
        self.commit(tx).await
    }

    /// Moves one plan a place up (towards primary) or down, for the page's buttons.
    pub async fn move_insurance(
        &self,
        staff: &Staff,
        patient: &PatientId,
        plan_id: &str,
        up: bool,
    ) -> Result<(), AppError> {
        let record = self.patient_record(staff, patient).await?;
        let mut ids: Vec<String> = record.insurance.into_iter().map(|p| p.id).collect();
        let at = ids
            .iter()
            .position(|id| id == plan_id)
            .ok_or(AppError::NotFound)?;
        let other = if up { at.checked_sub(1) } else { Some(at + 1) };
        if let Some(other) = other.filter(|o| *o < ids.len()) {
            ids.swap(at, other);
        }
        self.reorder_insurance(staff, patient, &ids).await
    }

    async fn renumber(
        &self,
        tx: &mut Conn,
        clinic: &ClinicId,
        patient: &PatientId,
        ids: &[String],
        now: i64,
    ) -> Result<(), AppError> {
        for (i, id) in ids.iter().enumerate() {
            let position = i64::try_from(i).unwrap_or(i64::MAX - 1) + 1;
            store::set_insurance_position(tx, clinic, patient, id, position, now).await?;
        }
        Ok(())
    }

    /// Seeds the default health-history form the first time a clinic needs its forms.
    async fn seed_forms(&self, tx: &mut Conn, clinic: &ClinicId) -> Result<(), AppError> {
        let now = self.clock.epoch();
        let form_id = PatientId::generate().to_string();
        let version_id = PatientId::generate().to_string();
        let content = intake::default_form();
        let added = knead_store::patient_record::intake::insert_seeded(
            tx,
            clinic,
            DEFAULT_FORM,
            &form_id,
            &version_id,
            &content,
            now,
        )
        .await?;
        if added {
            let actor = knead_store::audit::Actor::local("system");
            let entity = ("intake_form", form_id.as_str());
            record(
                tx,
                clinic,
                &actor,
                "intake_form.seeded",
                entity,
                json!({}),
                now,
            )
            .await?;
        }
        Ok(())
    }

    /// The clinic's health-history forms at their current versions (the default one is
    /// seeded on first use).
    pub async fn intake_forms(&self, staff: &Staff) -> Result<Vec<FormRecord>, AppError> {
        staff.require(Permission::ViewSetup)?;
        let mut tx = self.store.write().await?;
        self.seed_forms(&mut tx, &staff.clinic_id).await?;
        let forms = knead_store::patient_record::intake::forms(&mut tx, &staff.clinic_id).await?;
        self.commit(tx).await?;
        Ok(forms)
    }

    pub async fn intake_form(&self, staff: &Staff, form_id: &str) -> Result<FormRecord, AppError> {
        staff.require(Permission::ViewSetup)?;
        let mut conn = self.store.read().await?;
        knead_store::patient_record::intake::form(&mut conn, &staff.clinic_id, form_id)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Adds a form, or saves an edit of `form_id` as its next version; intakes already
    /// answered keep the version they answered.
    pub async fn save_intake_form(
        &self,
        staff: &Staff,
        form_id: Option<&str>,
        input: &FormInput,
        active: bool,
    ) -> Result<FormRecord, AppError> {
        use knead_store::patient_record::intake as forms;
        staff.require(Permission::ManageSetup)?;
        let content = input.parse()?;
        let clinic = &staff.clinic_id;
        let now = self.clock.epoch();
        let version_id = PatientId::generate().to_string();
        let mut tx = self.store.write().await?;
        let (id, action) = match form_id {
            Some(id) => {
                forms::add_version(&mut tx, clinic, id, &version_id, &content, active, now)
                    .await?
                    .ok_or(AppError::NotFound)?;
                (id.to_owned(), "intake_form.versioned")
            }
            None => {
                let id = PatientId::generate().to_string();
                forms::insert_form(&mut tx, clinic, &id, &version_id, &content, now).await?;
                (id, "intake_form.created")
            }
        };
        let saved = forms::form(&mut tx, clinic, &id)
            .await?
            .ok_or(AppError::NotFound)?;
        let detail = json!({ "version": saved.version });
        let entity = ("intake_form", id.as_str());
        record(&mut tx, clinic, &staff.actor(), action, entity, detail, now).await?;
        self.commit(tx).await?;
        Ok(saved)
    }

    /// Records a completed intake against the form's current version, with the flags its
    /// answers raise. Independent of who fills it: the desk today, the portal later.
    pub async fn record_intake(
        &self,
        staff: &Staff,
        patient: &PatientId,
        form_id: &str,
        answers: &BTreeMap<String, String>,
    ) -> Result<Vec<String>, AppError> {
        if !staff.can(Permission::ManagePatients) && !staff.can(Permission::WriteCharts) {
            return Err(AppError::Forbidden);
        }
        use knead_store::patient_record::intake as forms;
        let clinic = &staff.clinic_id;
        let mut tx = self.store.write().await?;
        existing(&mut tx, clinic, patient).await?;
        let form = forms::form(&mut tx, clinic, form_id)
            .await?
            .filter(|f| f.active)
            .ok_or_else(|| AppError::invalid("form_id", "is not a form of this clinic"))?;
        let (answers, flags) =
            intake::check_answers(&form.content.questions, answers, self.today())?;
        let id = PatientId::generate().to_string();
        let now = self.clock.epoch();
        let by = staff.user_id.to_string();
        let new = NewIntake {
            id: &id,
            patient,
            form: &form,
            answers: &answers,
            flags: &flags,
            recorded_by: &by,
        };
        forms::insert_intake(&mut tx, clinic, &new, now).await?;
        let detail = json!({ "intake_id": id, "form_id": form.id, "version": form.version });
        let entity = ("patient", patient.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "intake.recorded",
            entity,
            detail,
            now,
        )
        .await?;
        self.commit(tx).await?;
        tracing::info!(clinic_id = %clinic, patient_id = %patient, "intake recorded");
        Ok(flags)
    }

    /// [`App::open_patient_intakes`], recording an id that names no patient of the clinic.
    pub async fn patient_intakes(
        &self,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<Vec<IntakeRecord>, AppError> {
        let result = self.open_patient_intakes(staff, patient).await;
        self.noting_missing(staff, patient, "intake.viewed", result)
            .await
    }

    /// A patient's completed intakes, newest first, each with the questions it answered.
    /// A read of health information: audited as `intake.viewed`.
    async fn open_patient_intakes(
        &self,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<Vec<IntakeRecord>, AppError> {
        staff.require(Permission::ViewCharts)?;
        let clinic = &staff.clinic_id;
        let mut tx = self.store.write().await?;
        existing(&mut tx, clinic, patient).await?;
        let intakes =
            knead_store::patient_record::intake::intakes(&mut tx, clinic, patient).await?;
        let now = self.clock.epoch();
        let entity = ("patient", patient.as_str());
        let detail = json!({ "intakes": intakes.len() });
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "intake.viewed",
            entity,
            detail,
            now,
        )
        .await?;
        self.commit(tx).await?;
        Ok(intakes)
    }

    /// The flags raised by the newest intake of each form the patient answered, for the top
    /// of the patient's pages. Health information: needs ViewCharts, and the read is audited
    /// (`intake.flags_viewed`).
    pub async fn patient_flags(
        &self,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<Vec<String>, AppError> {
        let result = self.open_patient_flags(staff, patient).await;
        self.noting_missing(staff, patient, "intake.flags_viewed", result)
            .await
    }

    async fn open_patient_flags(
        &self,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<Vec<String>, AppError> {
        staff.require(Permission::ViewCharts)?;
        let clinic = &staff.clinic_id;
        let mut tx = self.store.write().await?;
        existing(&mut tx, clinic, patient).await?;
        let flags =
            knead_store::patient_record::intake::current_flags(&mut tx, clinic, patient).await?;
        let now = self.clock.epoch();
        let entity = ("patient", patient.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "intake.flags_viewed",
            entity,
            json!({}),
            now,
        )
        .await?;
        self.commit(tx).await?;
        Ok(flags)
    }

    /// A patient's current flags for a page that already records its own read of the
    /// patient (the details page's `patient.viewed`, the health history's `intake.viewed`):
    /// the flags are part of that read, so they add no second entry. A staff member the
    /// patient's lockbox keeps the health history from sees no flags.
    pub async fn flags_beside_a_read(
        &self,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<Vec<String>, AppError> {
        staff.require(Permission::ViewCharts)?;
        let clinic = &staff.clinic_id;
        let mut conn = self.store.read().await?;
        existing(&mut conn, clinic, patient).await?;
        let lockbox = crate::consents::lockbox_in(&mut conn, clinic, patient).await?;
        let part = knead_domain::consent::RecordPart::HealthHistory;
        if lockbox.blocks(staff.user_id.as_str(), staff.role, &part) {
            return Ok(Vec::new());
        }
        Ok(knead_store::patient_record::intake::current_flags(&mut conn, clinic, patient).await?)
    }
}
