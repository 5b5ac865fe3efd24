//! Consents with evidence, the clinic's consent wordings and rules, commercial-message consent
//! under CASL, and the patient's lockbox.
//!
//! Reading a patient's consents is a read of personal health information and is audited
//! (`consents.viewed`), as are giving and withdrawing consent, new wording versions, rule
//! changes and lockbox blocks added or lifted. Audit details carry ids and kinds, never the
//! names of witnesses, insurers or outside people.
//!
//! # For other parts of Knead
//!
//! - Before showing or exporting any part of a patient's record, ask
//!   [`App::is_blocked_for`] (or, inside a transaction of your own, [`lockbox_in`] and
//!   [`Lockbox::blocks`]); when [`Lockbox::withholds_from_outside`] is true, a disclosure
//!   must say that something was withheld.
//! - Before sending a commercial electronic message, ask [`App::may_send_commercial`]; it
//!   answers why not (never given, withdrawn on a day, expired after a day).

use crate::{App, AppError, Staff, record};
use jiff::civil::Date;
use knead_domain::Permission;
use knead_domain::casl::{self, Channel, Decision};
use knead_domain::consent::{
    Consent, ConsentInput, ConsentRules, ConsentRulesInput, Ending, EndingInput, Kind, Lockbox,
    LockboxBlock, LockboxInput, LockboxTarget, RecordPart, Wording, wording_body,
};
use knead_domain::ids::{ClinicId, PatientId};
use knead_store::{Conn, StoreError, consents as store, patients};
use serde_json::json;

/// Everything the consents tab shows for one patient.
#[derive(Clone, Debug)]
pub struct PatientConsents {
    /// Every consent, newest first, withdrawn and expired ones included.
    pub consents: Vec<Consent>,
    /// The current wording of each kind, the one a new consent is given on.
    pub wordings: Vec<Wording>,
    pub rules: ConsentRules,
    /// Lockbox blocks, lifted ones included, newest first.
    pub lockbox: Vec<LockboxBlock>,
    /// The day the states are judged on.
    pub today: Date,
}

/// A patient's lockbox as read inside the caller's transaction: the blocks in force.
pub async fn lockbox_in(
    conn: &mut Conn,
    clinic: &ClinicId,
    patient: &PatientId,
) -> Result<Lockbox, AppError> {
    let blocks = store::blocks_of(conn, clinic, patient, false).await?;
    Ok(Lockbox { blocks })
}

fn new_id() -> String {
    knead_domain::consent::new_record_id()
}

/// The audit action for a read of a patient's consents or lockbox.
const CONSENTS_VIEWED: &str = "consents.viewed";

impl App {
    /// The day consents are judged on. Dates are checked against UTC's date, which is at or
    /// after every Canadian zone's, so a date typed in the evening is never refused as future.
    // A consent typed late in the evening may thus be dated tomorrow's local date; the
    // clinic's own zone is not known here (it belongs to locations).
    pub fn consent_today(&self) -> Date {
        self.clock
            .now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
    }

    async fn patient_exists(
        &self,
        conn: &mut Conn,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<(), AppError> {
        match patients::get(conn, &staff.clinic_id, patient).await? {
            Some(_) => Ok(()),
            None => Err(AppError::NotFound),
        }
    }

    /// The clinic's current wordings, adding Knead's defaults for kinds it has none of.
    async fn wordings_in(
        &self,
        conn: &mut Conn,
        clinic: &ClinicId,
    ) -> Result<Vec<Wording>, AppError> {
        let mut current = store::current_wordings(conn, clinic).await?;
        if current.len() < Kind::ALL.len() {
            let now = self.clock.epoch();
            for kind in Kind::ALL {
                if !current.iter().any(|w| w.kind == kind) {
                    store::insert_default_wording(conn, clinic, &new_id(), kind, now).await?;
                }
            }
            current = store::current_wordings(conn, clinic).await?;
        }
        current.sort_by_key(|w| Kind::ALL.iter().position(|k| *k == w.kind));
        Ok(current)
    }

    async fn rules_in(&self, conn: &mut Conn, clinic: &ClinicId) -> Result<ConsentRules, AppError> {
        Ok(store::rules(conn, clinic).await?.unwrap_or_default())
    }

    /// The current wording of every kind of consent.
    pub async fn consent_wordings(&self, staff: &Staff) -> Result<Vec<Wording>, AppError> {
        staff.require(Permission::ManageConsents)?;
        let mut tx = self.store.write().await?;
        let wordings = self.wordings_in(&mut tx, &staff.clinic_id).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(wordings)
    }

    /// Every version of one kind's wording, newest first.
    pub async fn consent_wording_versions(
        &self,
        staff: &Staff,
        kind: Kind,
    ) -> Result<Vec<Wording>, AppError> {
        staff.require(Permission::ManageConsents)?;
        let mut conn = self.store.read().await?;
        Ok(store::wording_versions(&mut conn, &staff.clinic_id, kind).await?)
    }

    /// Saves a new version of a kind's wording. Consents already given keep the version they
    /// were given on. Changing the clinic's wording is setup: owners and managers.
    pub async fn revise_consent_wording(
        &self,
        staff: &Staff,
        kind: &str,
        body: &str,
    ) -> Result<Wording, AppError> {
        staff.require(Permission::ManageConsents)?;
        staff.require(Permission::ManageSetup)?;
        let kind = Kind::parse(kind).map_err(|e| AppError::invalid("kind", e.0))?;
        let body = wording_body(body).map_err(|e| AppError::invalid("body", e.0))?;
        let mut tx = self.store.write().await?;
        let current = self.wordings_in(&mut tx, &staff.clinic_id).await?;
        let previous = current.iter().find(|w| w.kind == kind);
        if previous.is_some_and(|w| w.body == body) {
            return Err(AppError::invalid(
                "body",
                "is the same as the current version",
            ));
        }
        let now = self.clock.epoch();
        let wording = Wording {
            id: new_id(),
            kind,
            version: previous.map_or(1, |w| w.version + 1),
            body,
            is_default: false,
            created_at: now,
        };
        store::insert_wording(&mut tx, &staff.clinic_id, &wording, Some(&staff.user_id))
            .await
            .map_err(|e| version_taken(e, kind))?;
        let detail = json!({ "kind": kind.as_str(), "version": wording.version });
        let entity = ("consent_wording", wording.id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "consent_wording.revised",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(wording)
    }

    /// The clinic's consent rules (Knead's defaults until it saves its own).
    pub async fn consent_rules(&self, staff: &Staff) -> Result<ConsentRules, AppError> {
        staff.require(Permission::ManageConsents)?;
        let mut conn = self.store.read().await?;
        self.rules_in(&mut conn, &staff.clinic_id).await
    }

    /// Saves the implied-consent periods and the list of sensitive areas.
    pub async fn save_consent_rules(
        &self,
        staff: &Staff,
        input: &ConsentRulesInput,
    ) -> Result<ConsentRules, AppError> {
        staff.require(Permission::ManageConsents)?;
        staff.require(Permission::ManageSetup)?;
        let rules = input.parse()?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        store::save_rules(&mut tx, &staff.clinic_id, &rules, &staff.user_id, now).await?;
        let detail = json!({
            "purchase_months": rules.periods.purchase_months,
            "inquiry_months": rules.periods.inquiry_months,
            "sensitive_areas": rules.sensitive_areas.len(),
        });
        let entity = ("clinic", staff.clinic_id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "consent_rules.updated",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(rules)
    }

    /// [`App::open_patient_consents`], recording an id that names no patient of the clinic.
    pub async fn patient_consents(
        &self,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<PatientConsents, AppError> {
        let result = self.open_patient_consents(staff, patient).await;
        self.noting_missing(staff, patient, "consents.viewed", result)
            .await
    }

    /// A patient's consents, the wordings and rules to record new ones, and the lockbox;
    /// audited as a read of the patient's record (`consents.viewed`).
    async fn open_patient_consents(
        &self,
        staff: &Staff,
        patient: &PatientId,
    ) -> Result<PatientConsents, AppError> {
        staff.require(Permission::ManageConsents)?;
        let mut tx = self.store.write().await?;
        self.patient_exists(&mut tx, staff, patient).await?;
        let clinic = &staff.clinic_id;
        let view = PatientConsents {
            consents: store::consents_of(&mut tx, clinic, patient).await?,
            wordings: self.wordings_in(&mut tx, clinic).await?,
            rules: self.rules_in(&mut tx, clinic).await?,
            lockbox: store::blocks_of(&mut tx, clinic, patient, true).await?,
            today: self.consent_today(),
        };
        crate::access::record_read_in(
            &mut tx,
            staff,
            patient,
            CONSENTS_VIEWED,
            json!({}),
            self.clock.epoch(),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(view)
    }

    /// Records a consent (or a refusal) on the current wording of its kind. A form that
    /// showed an older version is refused, so the record always names what the patient read.
    pub async fn record_consent(
        &self,
        staff: &Staff,
        patient: &PatientId,
        input: &ConsentInput,
    ) -> Result<Consent, AppError> {
        staff.require(Permission::ManageConsents)?;
        let mut tx = self.store.write().await?;
        self.patient_exists(&mut tx, staff, patient).await?;
        let clinic = &staff.clinic_id;
        let rules = self.rules_in(&mut tx, clinic).await?;
        let new = input.parse(&rules, self.consent_today())?;
        let wordings = self.wordings_in(&mut tx, clinic).await?;
        let wording = shown_wording(&wordings, new.kind, input.wording_id.as_deref())?;
        let now = self.clock.epoch();
        let consent = Consent {
            id: new_id(),
            patient_id: patient.to_string(),
            kind: new.kind,
            scope: new.scope,
            evidence: new.evidence,
            wording_id: wording.id.clone(),
            wording_version: wording.version,
            given_on: new.given_on,
            expires_on: new.expires_on,
            recorded_by: staff.user_id.to_string(),
            recorded_at: now,
            withdrawal: None,
        };
        store::insert_consent(&mut tx, clinic, &consent).await?;
        let detail = json!({
            "patient_id": patient.as_str(),
            "kind": consent.kind.as_str(),
            "wording_version": consent.wording_version,
            "method": consent.evidence.method.as_str(),
        });
        let entity = ("consent", consent.id.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "consent.given",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %clinic, patient_id = %patient, consent_id = %consent.id,
            "consent recorded");
        Ok(consent)
    }

    /// One consent of a patient; audited as a read of the patient's consents.
    pub async fn consent(
        &self,
        staff: &Staff,
        patient: &PatientId,
        id: &str,
    ) -> Result<Consent, AppError> {
        staff.require(Permission::ManageConsents)?;
        let mut tx = self.store.write().await?;
        let consent = store::consent(&mut tx, &staff.clinic_id, patient, id)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::access::record_read_in(
            &mut tx,
            staff,
            patient,
            CONSENTS_VIEWED,
            json!({ "consent_id": id }),
            self.clock.epoch(),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(consent)
    }

    /// Withdraws a consent: it ends on the day given, and the record and its evidence stay.
    pub async fn withdraw_consent(
        &self,
        staff: &Staff,
        patient: &PatientId,
        id: &str,
        input: &EndingInput,
    ) -> Result<Consent, AppError> {
        staff.require(Permission::ManageConsents)?;
        let mut tx = self.store.write().await?;
        let clinic = &staff.clinic_id;
        let consent = store::consent(&mut tx, clinic, patient, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if consent.withdrawal.is_some() {
            return Err(already(
                "consent_withdrawn",
                "this consent was already withdrawn",
            ));
        }
        let end = input.parse(consent.given_on, self.consent_today())?;
        let now = self.clock.epoch();
        let ending = Ending {
            on: end.on,
            evidence: end.evidence,
            reason: end.reason,
            recorded_by: staff.user_id.to_string(),
            recorded_at: now,
        };
        if !store::withdraw(&mut tx, clinic, id, &ending).await? {
            return Err(already(
                "consent_withdrawn",
                "this consent was already withdrawn",
            ));
        }
        let detail = json!({
            "patient_id": patient.as_str(),
            "kind": consent.kind.as_str(),
            "method": ending.evidence.method.as_str(),
        });
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "consent.withdrawn",
            ("consent", id),
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Consent {
            withdrawal: Some(ending),
            ..consent
        })
    }

    /// Whether the patient may receive a commercial electronic message on `channel` on day
    /// `on`, and why not: the CASL rule of [`casl::may_send`] over the patient's consent
    /// history and the clinic's implied-consent periods.
    ///
    /// For the messaging jobs, which act for the clinic rather than a person: no permission is
    /// checked and nothing is audited (the answer carries no health information). A patient
    /// who is not the clinic's gets `NotFound`.
    pub async fn may_send_commercial(
        &self,
        clinic: &ClinicId,
        patient: &PatientId,
        channel: Channel,
        on: Date,
    ) -> Result<Decision, AppError> {
        let mut conn = self.store.read().await?;
        if patients::get(&mut conn, clinic, patient).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let rules = self.rules_in(&mut conn, clinic).await?;
        let consents = store::consents_of(&mut conn, clinic, patient).await?;
        let records: Vec<casl::Record> = consents.iter().filter_map(Consent::casl_record).collect();
        Ok(casl::may_send(&records, channel, on, &rules.periods))
    }

    /// [`App::may_send_commercial`] for a staff member (pages and the API).
    pub async fn messaging_consent(
        &self,
        staff: &Staff,
        patient: &PatientId,
        channel: Channel,
        on: Date,
    ) -> Result<Decision, AppError> {
        staff.require(Permission::ManageConsents)?;
        self.may_send_commercial(&staff.clinic_id, patient, channel, on)
            .await
    }

    /// The lockbox blocks in force for a patient: what others call before showing or
    /// exporting any part of the record. Any staff member who may see the patient may ask.
    pub async fn lockbox(&self, staff: &Staff, patient: &PatientId) -> Result<Lockbox, AppError> {
        staff.require(Permission::ViewPatients)?;
        let mut conn = self.store.read().await?;
        self.patient_exists(&mut conn, staff, patient).await?;
        lockbox_in(&mut conn, &staff.clinic_id, patient).await
    }

    /// Whether the patient has kept `part` of their record from `staff` (by name, by role,
    /// or from everyone). The chart's "may this staff member read this" check calls this.
    pub async fn is_blocked_for(
        &self,
        staff: &Staff,
        patient: &PatientId,
        part: &RecordPart<'_>,
    ) -> Result<bool, AppError> {
        let lockbox = self.lockbox(staff, patient).await?;
        Ok(lockbox.blocks(staff.user_id.as_str(), staff.role, part))
    }

    /// The clinic's active staff as (id, name), for naming whom a block keeps out.
    pub async fn lockbox_staff(&self, staff: &Staff) -> Result<Vec<(String, String)>, AppError> {
        staff.require(Permission::ManageConsents)?;
        let mut conn = self.store.read().await?;
        Ok(store::staff_members(&mut conn, &staff.clinic_id).await?)
    }

    /// Records a patient's lockbox instruction with its evidence.
    pub async fn add_lockbox_block(
        &self,
        staff: &Staff,
        patient: &PatientId,
        input: &LockboxInput,
    ) -> Result<LockboxBlock, AppError> {
        staff.require(Permission::ManageConsents)?;
        let mut tx = self.store.write().await?;
        self.patient_exists(&mut tx, staff, patient).await?;
        let clinic = &staff.clinic_id;
        let new = input.parse(self.consent_today())?;
        if let LockboxTarget::Staff { user_id } = &new.target {
            let members = store::staff_members(&mut tx, clinic).await?;
            if !members.iter().any(|(id, _)| id == user_id) {
                return Err(AppError::invalid(
                    "target_user_id",
                    "is not a staff member of this clinic",
                ));
            }
        }
        let now = self.clock.epoch();
        let block = LockboxBlock {
            id: new_id(),
            patient_id: patient.to_string(),
            item: new.item,
            item_ref: new.item_ref,
            target: new.target,
            evidence: new.evidence,
            given_on: new.given_on,
            recorded_by: staff.user_id.to_string(),
            recorded_at: now,
            lifted: None,
        };
        store::insert_block(&mut tx, clinic, &block).await?;
        let detail = json!({
            "patient_id": patient.as_str(),
            "item": block.item.as_str(),
            "target": target_detail(&block.target),
        });
        let entity = ("lockbox_block", block.id.as_str());
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "lockbox.added",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(block)
    }

    /// One lockbox block of a patient, lifted or not; audited as a read.
    pub async fn lockbox_block(
        &self,
        staff: &Staff,
        patient: &PatientId,
        id: &str,
    ) -> Result<LockboxBlock, AppError> {
        staff.require(Permission::ManageConsents)?;
        let mut tx = self.store.write().await?;
        let block = store::block(&mut tx, &staff.clinic_id, patient, id)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::access::record_read_in(
            &mut tx,
            staff,
            patient,
            CONSENTS_VIEWED,
            json!({ "lockbox_block_id": id }),
            self.clock.epoch(),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(block)
    }

    /// Lifts a block on the patient's instruction; the block and its evidence stay.
    pub async fn lift_lockbox_block(
        &self,
        staff: &Staff,
        patient: &PatientId,
        id: &str,
        input: &EndingInput,
    ) -> Result<LockboxBlock, AppError> {
        staff.require(Permission::ManageConsents)?;
        let mut tx = self.store.write().await?;
        let clinic = &staff.clinic_id;
        let block = store::block(&mut tx, clinic, patient, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let end = input.parse(block.given_on, self.consent_today())?;
        let now = self.clock.epoch();
        let ending = Ending {
            on: end.on,
            evidence: end.evidence,
            reason: end.reason,
            recorded_by: staff.user_id.to_string(),
            recorded_at: now,
        };
        if block.lifted.is_some() || !store::lift(&mut tx, clinic, id, &ending).await? {
            return Err(already("lockbox_lifted", "this block was already lifted"));
        }
        let detail = json!({ "patient_id": patient.as_str(), "item": block.item.as_str() });
        record(
            &mut tx,
            clinic,
            &staff.actor(),
            "lockbox.lifted",
            ("lockbox_block", id),
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(LockboxBlock {
            lifted: Some(ending),
            ..block
        })
    }
}

/// The wording a new consent is given on: the current one of its kind, and if the form
/// named one, that one must still be current.
fn shown_wording<'a>(
    wordings: &'a [Wording],
    kind: Kind,
    shown: Option<&str>,
) -> Result<&'a Wording, AppError> {
    let current = wordings
        .iter()
        .find(|w| w.kind == kind)
        .ok_or_else(|| AppError::invalid("kind", "has no wording"))?;
    match shown.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(current),
        Some(id) if id == current.id => Ok(current),
        Some(_) => Err(AppError::invalid(
            "wording_id",
            format!(
                "is not the current wording of this kind (version {}): show the patient the \
                 current wording and record again",
                current.version
            ),
        )),
    }
}

/// Whom a block names, for the audit trail: the kind and a staff id or role, never an
/// outside person's name.
fn target_detail(target: &LockboxTarget) -> serde_json::Value {
    match target {
        LockboxTarget::Staff { user_id } => json!({ "kind": "staff", "user_id": user_id }),
        LockboxTarget::Role { role } => json!({ "kind": "role", "role": role.as_str() }),
        LockboxTarget::Outside { .. } => json!({ "kind": "outside" }),
        LockboxTarget::Everyone => json!({ "kind": "everyone" }),
    }
}

fn already(code: &'static str, message: &str) -> AppError {
    AppError::Conflict {
        code,
        message: message.to_owned(),
    }
}

fn version_taken(error: StoreError, kind: Kind) -> AppError {
    if matches!(error, StoreError::Unique { .. }) {
        AppError::Conflict {
            code: "wording_changed",
            message: format!(
                "someone saved a new {} wording at the same moment; reload and try again",
                kind.as_str()
            ),
        }
    } else {
        error.into()
    }
}
