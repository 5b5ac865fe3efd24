//! Charting use cases: note templates, treatment notes (draft, sign, amend), the chart-sharing
//! policy and explicit shares.
//!
//! Every read of a chart or a note goes through [`App::may_read_chart`], and every read is
//! audited (`chart.viewed`, `note.viewed`) in the same transaction that loads it. A chart the
//! staff member may not read answers "not found", and the refusal is audited too.

use crate::{App, AppError, Staff, record};
use knead_domain::Permission;
use knead_domain::Role;
use knead_domain::ids::{PatientId, UserId};
use knead_domain::notes::{
    self as rules, AmendmentId, BodyMarkInput, ChartSettings, ChartSettingsInput, NoteContent,
    NoteContentInput, NoteId, NoteStatus, SharingPolicy, TemplateId, TemplateInput,
};
use knead_domain::setup::Patient;
use knead_store::notes::{self as store, AmendmentRow, NewNote, NoteRow, TemplateVersion};
use knead_store::{Conn, StoreError, appointments, patients};
use serde_json::json;

pub use knead_store::notes::{AmendmentRow as Amendment, NoteRow as Note, TemplateRow};

/// A patient's chart: the patient and their notes, newest visit first.
#[derive(Clone, Debug)]
pub struct ChartView {
    pub patient: Patient,
    pub notes: Vec<NoteRow>,
}

/// A note with the template version it was written from and its amendments, oldest first.
#[derive(Clone, Debug)]
pub struct NoteView {
    pub note: NoteRow,
    pub template: TemplateVersion,
    pub amendments: Vec<AmendmentRow>,
}

impl NoteView {
    /// What the note says now: the last amendment's content, or the note's own.
    pub fn current(&self) -> &NoteContent {
        self.amendments
            .last()
            .map_or(&self.note.content, |a| &a.content)
    }
}

/// A staff member a chart can be shared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffChoice {
    pub id: UserId,
    pub name: String,
}

fn already_signed() -> AppError {
    AppError::Conflict {
        code: "note_signed",
        message: "this note is signed and locked; add an amendment with a reason instead".into(),
    }
}

impl App {
    /// Whether `staff` may read `patient`'s chart under the clinic's chart-sharing policy.
    ///
    /// This is the one place that decides chart access; every chart, note, plan and
    /// attachment read calls it. Staff need `ViewCharts`; the owner, as custodian of the
    /// records, reads every chart; the others as the clinic's policy says.
    /// A patient's lockbox comes first: a staff member (or role) the patient has kept the
    /// record or the chart from gets `false`, the owner included.
    // Known shortcoming: a lockbox block on one note or on the health history does not yet
    // hide that note or the answers from the chart's lists; only whole-chart blocks apply here.
    pub async fn may_read_chart(
        &self,
        conn: &mut Conn,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<bool, AppError> {
        if !staff.can(Permission::ViewCharts) {
            return Ok(false);
        }
        let lockbox = crate::consents::lockbox_in(conn, &staff.clinic_id, patient).await?;
        if lockbox.keeps_chart_from(staff.user_id.as_str(), staff.role) {
            return Ok(false);
        }
        let settings = store::chart_settings_or_default(conn, &staff.clinic_id).await?;
        if settings.policy == SharingPolicy::AllClinical || staff.role == Role::Owner {
            return Ok(true);
        }
        let clinic = &staff.clinic_id;
        if store::is_own_patient(conn, clinic, &staff.user_id, patient).await? {
            return Ok(true);
        }
        if settings.policy == SharingPolicy::ExplicitShares {
            return Ok(store::is_shared(conn, clinic, patient, &staff.user_id).await?);
        }
        Ok(false)
    }

    /// Fails with "not found" unless `staff` may read the chart, auditing a refusal by the
    /// policy in a transaction of its own. Called before the use case opens its transaction
    /// (SQLite allows one writer at a time).
    async fn require_chart(&self, staff: &Staff, patient: &PatientId) -> Result<(), AppError> {
        staff.require(Permission::ViewCharts)?;
        let mut conn = self.store.read().await?;
        let allowed = self.may_read_chart(&mut conn, staff, patient).await?;
        drop(conn);
        if allowed {
            return Ok(());
        }
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let entity = ("patient", patient.as_str());
        let detail = json!({ "reason": "chart_sharing_policy" });
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "chart.refused",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::warn!(clinic_id = %staff.clinic_id, user_id = %staff.user_id,
            patient_id = %patient, "chart read refused by the sharing policy");
        Err(AppError::NotFound)
    }

    /// [`Self::require_chart`] for the patient of note `id`.
    async fn require_note(&self, staff: &Staff, id: &NoteId) -> Result<(), AppError> {
        staff.require(Permission::ViewCharts)?;
        let mut conn = self.store.read().await?;
        let note = store::note(&mut conn, &staff.clinic_id, id).await?;
        drop(conn);
        let note = note.ok_or(AppError::NotFound)?;
        self.require_chart(staff, &note.patient_id).await
    }

    /// Inside a use case's transaction: the same check again, since the policy or the
    /// bookings may have changed since [`Self::require_chart`] ran; not audited twice.
    async fn ensure_chart(
        &self,
        conn: &mut Conn,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<(), AppError> {
        if self.may_read_chart(conn, staff, patient).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Whether `staff` may chart the visit of an appointment (for the appointment page's
    /// "Chart this visit" link). Reads nothing of the chart, so it is not audited.
    pub async fn may_chart_visit(
        &self,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<bool, AppError> {
        if !staff.can(Permission::WriteCharts) {
            return Ok(false);
        }
        let mut conn = self.store.read().await?;
        self.may_read_chart(&mut conn, staff, patient).await
    }

    /// [`App::open_chart`], recording an id that names no patient of the clinic.
    pub async fn chart(&self, staff: &Staff, patient: &PatientId) -> Result<ChartView, AppError> {
        let result = self.open_chart(staff, patient).await;
        self.noting_missing(staff, patient, "chart.viewed", result)
            .await
    }

    /// Opens a patient's chart: the list of notes. Audited as `chart.viewed`.
    async fn open_chart(&self, staff: &Staff, patient: &PatientId) -> Result<ChartView, AppError> {
        staff.require(Permission::ViewCharts)?;
        let clinic = &staff.clinic_id;
        let mut conn = self.store.read().await?;
        let found = patients::get(&mut conn, clinic, patient).await?;
        drop(conn);
        found.as_ref().ok_or(AppError::NotFound)?;
        self.require_chart(staff, patient).await?;
        let mut tx = self.store.write().await?;
        let found = patients::get(&mut tx, clinic, patient).await?;
        let patient = found.ok_or(AppError::NotFound)?;
        self.ensure_chart(&mut tx, staff, &patient.id).await?;
        let notes = store::notes_of_patient(&mut tx, clinic, &patient.id).await?;
        let now = self.clock.epoch();
        let entity = ("patient", patient.id.as_str());
        let detail = json!({ "notes": notes.len() });
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "chart.viewed",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(ChartView { patient, notes })
    }

    /// Loads a note the staff member may read, inside `tx`, without auditing.
    async fn readable_note(
        &self,
        tx: &mut Conn,
        staff: &Staff,
        id: &NoteId,
    ) -> Result<NoteRow, AppError> {
        staff.require(Permission::ViewCharts)?;
        let note = store::note(tx, &staff.clinic_id, id).await?;
        let note = note.ok_or(AppError::NotFound)?;
        self.ensure_chart(tx, staff, &note.patient_id).await?;
        Ok(note)
    }

    /// Opens one note with its amendments. Audited as `note.viewed`.
    pub async fn note(&self, staff: &Staff, id: &NoteId) -> Result<NoteView, AppError> {
        let clinic = &staff.clinic_id;
        self.require_note(staff, id).await?;
        let mut tx = self.store.write().await?;
        let note = self.readable_note(&mut tx, staff, id).await?;
        let view = self.note_view(&mut tx, staff, note).await?;
        let now = self.clock.epoch();
        let detail = json!({ "patient_id": view.note.patient_id });
        let entity = ("treatment_note", id.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "note.viewed",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(view)
    }

    async fn note_view(
        &self,
        conn: &mut Conn,
        staff: &Staff,
        note: NoteRow,
    ) -> Result<NoteView, AppError> {
        let clinic = &staff.clinic_id;
        let version = (&note.template_id, note.template_version);
        let template = store::template_version(conn, clinic, version.0, version.1).await?;
        let template = template.ok_or_else(|| {
            AppError::internal(StoreError::Corrupt(format!(
                "note {} has no template version",
                note.id
            )))
        })?;
        let amendments = store::amendments(conn, clinic, &note.id).await?;
        Ok(NoteView {
            note,
            template,
            amendments,
        })
    }

    /// The note written for an appointment, if any and if the staff member may read it (no
    /// content is returned, so this is not audited as a read).
    pub async fn note_id_of_appointment(
        &self,
        staff: &Staff,
        appointment_id: &str,
    ) -> Result<Option<NoteId>, AppError> {
        staff.require(Permission::ViewCharts)?;
        let mut conn = self.store.read().await?;
        let note = store::note_of_appointment(&mut conn, &staff.clinic_id, appointment_id).await?;
        Ok(note.map(|n| n.id))
    }

    /// Starts the note of an appointment's visit, as a draft written from `template` (the
    /// clinic's SOAP template when `None`). `content` may be empty.
    pub async fn start_note(
        &self,
        staff: &Staff,
        appointment_id: &str,
        template: Option<&TemplateId>,
        content: &NoteContentInput,
    ) -> Result<NoteRow, AppError> {
        staff.require(Permission::WriteCharts)?;
        let clinic = &staff.clinic_id;
        let now = self.clock.epoch();
        let mut conn = self.store.read().await?;
        let visit = appointments::get(&mut conn, clinic, appointment_id).await?;
        drop(conn);
        let visit =
            visit.ok_or_else(|| AppError::invalid("appointment_id", "no such appointment"))?;
        self.require_chart(staff, &visit.patient_id).await?;
        let mut tx = self.store.write().await?;
        self.ensure_chart(&mut tx, staff, &visit.patient_id).await?;
        let version = self.template_to_use(&mut tx, staff, template).await?;
        let content = parse_or_blank(content, &version)?;
        let id = NoteId::generate();
        let new = NewNote {
            id: &id,
            appointment_id,
            patient_id: &visit.patient_id,
            practitioner_id: &visit.practitioner_id,
            template: (&version.template_id, version.version),
            visit_at: visit.starts_at,
            content: &content,
            author: &staff.user_id,
        };
        store::insert_note(&mut tx, clinic, &new, now)
            .await
            .map_err(note_exists)?;
        let detail = json!({ "patient_id": visit.patient_id, "appointment_id": appointment_id });
        let entity = ("treatment_note", id.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "note.created",
            entity,
            detail,
            now,
        )
        .await?;
        let note = store::note(&mut tx, clinic, &id)
            .await?
            .ok_or(AppError::NotFound)?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %clinic, note_id = %id, "treatment note started");
        Ok(note)
    }

    /// The version a new note is written from: the named template's current one, or the
    /// clinic's SOAP template, seeded the first time it is needed.
    async fn template_to_use(
        &self,
        tx: &mut Conn,
        staff: &Staff,
        template: Option<&TemplateId>,
    ) -> Result<TemplateVersion, AppError> {
        let clinic = &staff.clinic_id;
        let id = match template {
            Some(id) => id.clone(),
            None => self.seed_soap(tx, staff).await?,
        };
        let found = store::template(tx, clinic, &id).await?;
        let found = found.ok_or_else(|| AppError::invalid("template_id", "no such template"))?;
        Ok(found.current)
    }

    /// The clinic's SOAP template, made now if it does not exist yet.
    async fn seed_soap(&self, tx: &mut Conn, staff: &Staff) -> Result<TemplateId, AppError> {
        let clinic = &staff.clinic_id;
        if let Some(id) = store::seeded_template(tx, clinic).await? {
            return Ok(id);
        }
        let now = self.clock.epoch();
        let version = TemplateVersion {
            template_id: TemplateId::generate(),
            version: 1,
            name: "SOAP".to_owned(),
            sections: rules::soap_sections(),
            created_at: now,
        };
        store::insert_template(tx, clinic, &version, true, None).await?;
        let entity = ("note_template", version.template_id.as_str());
        let detail = json!({ "seeded": true, "version": 1 });
        record(
            tx,
            clinic,
            &staff.actor(),
            "template.created",
            entity,
            detail,
            now,
        )
        .await?;
        Ok(version.template_id)
    }

    /// Changes a draft: the sections and marks given replace the note's, those left `None`
    /// stay as they are. A signed note is refused with `note_signed`.
    pub async fn update_note(
        &self,
        staff: &Staff,
        id: &NoteId,
        sections: Option<Vec<String>>,
        marks: Option<Vec<BodyMarkInput>>,
    ) -> Result<NoteRow, AppError> {
        staff.require(Permission::WriteCharts)?;
        self.require_note(staff, id).await?;
        let clinic = &staff.clinic_id;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let note = self.readable_note(&mut tx, staff, id).await?;
        if note.status == NoteStatus::Signed {
            return Err(already_signed());
        }
        require_author(staff, &note)?;
        let content = NoteContentInput {
            sections: sections.unwrap_or_else(|| texts(&note.content)),
            marks: marks.unwrap_or_else(|| mark_inputs(&note.content)),
        };
        let version = self.note_view(&mut tx, staff, note).await?.template;
        let content = content.parse(&headings(&version))?;
        if !store::update_draft(&mut tx, clinic, id, &content, now).await? {
            return Err(already_signed());
        }
        let entity = ("treatment_note", id.as_str());
        let note = store::note(&mut tx, clinic, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let detail = json!({ "patient_id": note.patient_id });
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "note.updated",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(note)
    }

    /// Signs a draft, locking it. Signed later than the clinic's threshold after the visit,
    /// it is marked as a late entry.
    pub async fn sign_note(&self, staff: &Staff, id: &NoteId) -> Result<NoteRow, AppError> {
        staff.require(Permission::WriteCharts)?;
        self.require_note(staff, id).await?;
        let clinic = &staff.clinic_id;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let note = self.readable_note(&mut tx, staff, id).await?;
        if note.status == NoteStatus::Signed {
            return Err(already_signed());
        }
        require_author(staff, &note)?;
        let settings = store::chart_settings_or_default(&mut tx, clinic).await?;
        let late = rules::is_late_entry(note.visit_at, now, settings.late_entry_hours);
        let threshold = (late, settings.late_entry_hours);
        if !store::sign(&mut tx, clinic, id, &staff.user_id, threshold, now).await? {
            return Err(already_signed());
        }
        let detail = json!({ "patient_id": note.patient_id, "late_entry": late });
        let entity = ("treatment_note", id.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "note.signed",
            entity,
            detail,
            now,
        )
        .await?;
        let note = store::note(&mut tx, clinic, id)
            .await?
            .ok_or(AppError::NotFound)?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %clinic, note_id = %id, late, "treatment note signed");
        Ok(note)
    }

    /// Amends a signed note: the whole content as it should now read, with a reason. The
    /// signed text and every earlier amendment stay as they were.
    pub async fn amend_note(
        &self,
        staff: &Staff,
        id: &NoteId,
        reason: &str,
        content: &NoteContentInput,
    ) -> Result<NoteView, AppError> {
        staff.require(Permission::WriteCharts)?;
        self.require_note(staff, id).await?;
        let clinic = &staff.clinic_id;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let note = self.readable_note(&mut tx, staff, id).await?;
        if note.status == NoteStatus::Draft {
            return Err(AppError::Conflict {
                code: "note_not_signed",
                message: "a draft is edited, not amended; sign it first".into(),
            });
        }
        let patient_id = note.patient_id.clone();
        let version = self.note_view(&mut tx, staff, note).await?.template;
        let mut errors = knead_domain::FieldErrors::new();
        let reason = errors.check("reason", rules::amendment_reason(reason));
        let parsed = content.parse(&headings(&version));
        let content = match parsed {
            Ok(content) => Some(content),
            Err(more) => {
                for (field, message) in more.iter() {
                    errors.add(field, message);
                }
                None
            }
        };
        let (Some(reason), Some(content)) = (reason, content) else {
            return Err(AppError::Invalid(errors));
        };
        let amendment = AmendmentRow {
            id: AmendmentId::generate(),
            note_id: id.clone(),
            reason,
            content,
            author_id: staff.user_id.clone(),
            author_name: staff.name.clone(),
            created_at: now,
        };
        store::insert_amendment(&mut tx, clinic, &amendment).await?;
        let detail = json!({ "patient_id": patient_id, "amendment_id": amendment.id });
        let entity = ("treatment_note", id.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "note.amended",
            entity,
            detail,
            now,
        )
        .await?;
        let note = store::note(&mut tx, clinic, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let view = self.note_view(&mut tx, staff, note).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(view)
    }

    /// The clinic's templates, seeding SOAP the first time.
    pub async fn note_templates(&self, staff: &Staff) -> Result<Vec<TemplateRow>, AppError> {
        staff.require(Permission::WriteCharts)?;
        let mut tx = self.store.write().await?;
        self.seed_soap(&mut tx, staff).await?;
        let list = store::templates(&mut tx, &staff.clinic_id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(list)
    }

    pub async fn note_template(
        &self,
        staff: &Staff,
        id: &TemplateId,
    ) -> Result<TemplateRow, AppError> {
        staff.require(Permission::WriteCharts)?;
        let mut conn = self.store.read().await?;
        let found = store::template(&mut conn, &staff.clinic_id, id).await?;
        found.ok_or(AppError::NotFound)
    }

    pub async fn create_template(
        &self,
        staff: &Staff,
        input: &TemplateInput,
    ) -> Result<TemplateRow, AppError> {
        staff.require(Permission::WriteCharts)?;
        let fields = input.parse()?;
        let clinic = &staff.clinic_id;
        let now = self.clock.epoch();
        let version = TemplateVersion {
            template_id: TemplateId::generate(),
            version: 1,
            name: fields.name,
            sections: fields.sections,
            created_at: now,
        };
        let mut tx = self.store.write().await?;
        store::insert_template(&mut tx, clinic, &version, false, Some(&staff.user_id)).await?;
        let entity = ("note_template", version.template_id.as_str());
        let detail = json!({ "version": 1 });
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "template.created",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(TemplateRow {
            current: version,
            seeded: false,
        })
    }

    /// Edits a template by adding a new version; notes keep the version they were written from.
    pub async fn update_template(
        &self,
        staff: &Staff,
        id: &TemplateId,
        input: &TemplateInput,
    ) -> Result<TemplateRow, AppError> {
        staff.require(Permission::WriteCharts)?;
        let fields = input.parse()?;
        let clinic = &staff.clinic_id;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let before = store::template(&mut tx, clinic, id).await?;
        let before = before.ok_or(AppError::NotFound)?;
        let version = TemplateVersion {
            template_id: id.clone(),
            version: before.current.version + 1,
            name: fields.name,
            sections: fields.sections,
            created_at: now,
        };
        if !store::add_template_version(&mut tx, clinic, &version, &staff.user_id).await? {
            return Err(AppError::Conflict {
                code: "template_changed",
                message: "someone else changed this template just now; reload it".into(),
            });
        }
        let entity = ("note_template", id.as_str());
        let detail = json!({ "version": version.version });
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "template.updated",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(TemplateRow {
            current: version,
            seeded: before.seeded,
        })
    }

    /// The clinic's chart settings (defaults until the owner saves them).
    pub async fn chart_settings(&self, staff: &Staff) -> Result<ChartSettings, AppError> {
        staff.require(Permission::ViewCharts)?;
        let mut conn = self.store.read().await?;
        Ok(store::chart_settings_or_default(&mut conn, &staff.clinic_id).await?)
    }

    /// Changes the chart-sharing policy and late-entry threshold: the owner's decision.
    pub async fn save_chart_settings(
        &self,
        staff: &Staff,
        input: &ChartSettingsInput,
    ) -> Result<ChartSettings, AppError> {
        staff.require(Permission::ManageStaff)?;
        let settings = input.parse()?;
        let clinic = &staff.clinic_id;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        store::save_chart_settings(&mut tx, clinic, &settings, now).await?;
        let detail = json!({
            "sharing_policy": settings.policy.as_str(),
            "late_entry_hours": settings.late_entry_hours,
        });
        let entity = ("clinic", clinic.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "chart_settings.updated",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(settings)
    }

    /// Who a patient's chart is shared with, and the staff it could be shared with.
    pub async fn chart_shares(
        &self,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<(Vec<StaffChoice>, Vec<StaffChoice>), AppError> {
        staff.require(Permission::ManageStaff)?;
        let clinic = &staff.clinic_id;
        let mut conn = self.store.read().await?;
        patients::get(&mut conn, clinic, patient)
            .await?
            .ok_or(AppError::NotFound)?;
        let shared = store::shares(&mut conn, clinic, patient).await?;
        let everyone = store::chart_staff(&mut conn, clinic).await?;
        let choice = |(id, name): (UserId, String)| StaffChoice { id, name };
        Ok((
            shared.into_iter().map(choice).collect(),
            everyone.into_iter().map(choice).collect(),
        ))
    }

    /// Shares (`share = true`) or stops sharing a patient's chart with a staff member.
    pub async fn set_chart_share(
        &self,
        staff: &Staff,
        patient: &PatientId,
        user: &UserId,
        share: bool,
    ) -> Result<(), AppError> {
        staff.require(Permission::ManageStaff)?;
        let clinic = &staff.clinic_id;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        patients::get(&mut tx, clinic, patient)
            .await?
            .ok_or(AppError::NotFound)?;
        let changed = if share {
            store::add_share(&mut tx, clinic, patient, user, &staff.user_id, now)
                .await
                .map_err(|e| match e {
                    StoreError::ForeignKey { .. } => {
                        AppError::invalid("user_id", "no such staff member")
                    }
                    other => other.into(),
                })?
        } else {
            store::remove_share(&mut tx, clinic, patient, user).await?
        };
        if changed {
            let action = if share {
                "chart.shared"
            } else {
                "chart.unshared"
            };
            let entity = ("patient", patient.as_str());
            let detail = json!({ "user_id": user });
            record(&mut tx, clinic, &staff.actor(), action, entity, detail, now).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

/// Only the note's author edits or signs the draft: a signature vouches for what one
/// person wrote.
fn require_author(staff: &Staff, note: &NoteRow) -> Result<(), AppError> {
    if note.author_id == staff.user_id {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn texts(content: &NoteContent) -> Vec<String> {
    content.sections.iter().map(|s| s.text.clone()).collect()
}

fn mark_inputs(content: &NoteContent) -> Vec<BodyMarkInput> {
    let input = |m: &knead_domain::notes::BodyMark| BodyMarkInput {
        region: Some(m.region.clone()),
        kind: Some(m.kind.as_str().to_owned()),
        label: m.label.clone(),
    };
    content.marks.iter().map(input).collect()
}

fn headings(version: &TemplateVersion) -> Vec<String> {
    version.sections.iter().map(|s| s.heading.clone()).collect()
}

/// Content for a new note: blank sections when none were given.
fn parse_or_blank(
    input: &NoteContentInput,
    version: &TemplateVersion,
) -> Result<NoteContent, AppError> {
    let headings = headings(version);
    if input.sections.is_empty() && input.marks.is_empty() {
        let blank = NoteContentInput {
            sections: vec![String::new(); headings.len()],
            marks: Vec::new(),
        };
        return Ok(blank.parse(&headings)?);
    }
    Ok(input.parse(&headings)?)
}

fn note_exists(error: StoreError) -> AppError {
    if error.is_unique_on("appointment_id") {
        AppError::Conflict {
            code: "note_exists",
            message: "this visit already has a note; open it instead".into(),
        }
    } else {
        error.into()
    }
}
