//! The patient's Consents tab (current consents by kind with their state, the history,
//! recording a new one on the clinic's wording, withdrawing one), the lockbox (adding and
//! lifting restrictions), and the clinic's consent wordings and rules under settings.
//! Handlers log ids at most; witnesses' and insurers' names stay in the database.

use super::errors::PageResult;
use super::form::{Choice, Form, Labels};
use super::patient_tabs::{PatientTab, PatientTabLink, patient_tabs};
use super::view::{Chrome, PageQuery, Section, chrome, render, see_other};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use knead_app::consents::PatientConsents;
use knead_domain::Role;
use knead_domain::casl::{Basis, Channel};
use knead_domain::consent::{
    Consent, ConsentInput, ConsentRules, ConsentRulesInput, EndingInput, Evidence, Kind,
    LockboxBlock, LockboxInput, LockboxItem, LockboxTarget, Method, State as ConsentState, Wording,
};
use knead_domain::ids::PatientId;
use serde::Deserialize;

const LABELS: Labels = &[
    ("kind", "Kind of consent"),
    ("wording_id", "Wording"),
    ("areas", "Areas"),
    ("technique", "Technique refused"),
    ("insurer", "Insurer or plan"),
    ("insurer_scope", "What may be shared"),
    ("channel", "Channel"),
    ("basis", "Basis"),
    ("method", "How it was given"),
    ("witness", "Witness"),
    ("document_ref", "Where the signed paper is kept"),
    ("given_on", "Date given"),
    ("expires_on", "Last day it holds"),
    ("on", "Date"),
    ("reason", "Reason"),
    ("item", "What is restricted"),
    ("item_ref", "Treatment note id"),
    ("target", "Kept from"),
    ("target_user_id", "Staff member"),
    ("target_role", "Role"),
    ("target_name", "Person or organisation outside the clinic"),
    ("body", "Wording"),
    ("purchase_months", "Months after a purchase or paid visit"),
    ("inquiry_months", "Months after an inquiry"),
    ("sensitive_areas", "Sensitive areas, one per line"),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/consents", get(consents).post(record))
        .route(
            "/patients/{id}/consents/{consent}/withdraw",
            get(withdraw_form).post(withdraw),
        )
        .route("/patients/{id}/lockbox", get(lockbox_form).post(add_block))
        .route(
            "/patients/{id}/lockbox/{block}/lift",
            get(lift_form).post(lift),
        )
        .route("/settings/consents", get(settings))
        .route("/settings/consents/wordings/{kind}", post(revise_wording))
        .route("/settings/consents/rules", post(save_rules))
}

fn method_choices(form: &Form) -> Vec<Choice> {
    let options: Vec<(&str, &str)> = Method::ALL
        .iter()
        .map(|m| (m.as_str(), m.label()))
        .collect();
    form.choices("method", &options)
}

/// How a consent was given, in words.
fn evidence_text(e: &Evidence) -> String {
    match (&e.witness, &e.document_ref) {
        (Some(witness), _) => format!("{}: {witness}", e.method.label()),
        (_, Some(reference)) => format!("{}: {reference}", e.method.label()),
        _ => e.method.label().to_owned(),
    }
}

/// One consent as the tab lists it.
struct ConsentRow {
    id: String,
    kind: &'static str,
    details: String,
    given_on: String,
    evidence: String,
    wording_version: i64,
    expires_on: Option<String>,
    state: &'static str,
    state_class: &'static str,
    withdrawal: Option<String>,
    active: bool,
}

fn details(c: &Consent) -> String {
    let s = &c.scope;
    let mut parts: Vec<String> = Vec::new();
    if !s.areas.is_empty() {
        parts.push(format!("Areas: {}", s.areas.join(", ")));
    }
    if let Some(technique) = &s.technique {
        parts.push(format!("Technique: {technique}"));
    }
    if let Some(insurer) = &s.insurer {
        parts.push(format!("Insurer: {insurer}"));
    }
    if let Some(scope) = &s.insurer_scope {
        parts.push(format!("Scope: {scope}"));
    }
    if let Some(channel) = s.channel {
        parts.push(channel.label().to_owned());
    }
    if let Some(basis) = s.basis {
        parts.push(basis.label().to_owned());
    }
    parts.join(" · ")
}

fn consent_row(c: &Consent, today: jiff::civil::Date) -> ConsentRow {
    let state = c.state(today);
    let withdrawal = c.withdrawal.as_ref().map(|w| {
        let reason = w.reason.as_deref().map(|r| format!(", reason: {r}"));
        format!(
            "Withdrawn {} ({}{})",
            w.on,
            evidence_text(&w.evidence),
            reason.unwrap_or_default()
        )
    });
    ConsentRow {
        id: c.id.clone(),
        kind: c.kind.label(),
        details: details(c),
        given_on: c.given_on.to_string(),
        evidence: evidence_text(&c.evidence),
        wording_version: c.wording_version,
        expires_on: c.expires_on.map(|d| d.to_string()),
        state: state.label(),
        state_class: match state {
            ConsentState::Active => "tag-done",
            _ => "tag-ended",
        },
        withdrawal,
        active: state == ConsentState::Active,
    }
}

/// One lockbox block as the tab lists it.
struct BlockRow {
    id: String,
    item: String,
    target: String,
    given_on: String,
    evidence: String,
    lifted: Option<String>,
}

fn target_text(target: &LockboxTarget, staff: &[(String, String)]) -> String {
    match target {
        LockboxTarget::Staff { user_id } => {
            let name = staff.iter().find(|(id, _)| id == user_id);
            format!(
                "Staff member: {}",
                name.map_or("(no longer active)", |(_, n)| n)
            )
        }
        LockboxTarget::Role { role } => format!("Everyone with the role {}", role.as_str()),
        LockboxTarget::Outside { name } => format!("Outside the clinic: {name}"),
        LockboxTarget::Everyone => "Everyone".to_owned(),
    }
}

fn block_row(b: &LockboxBlock, staff: &[(String, String)]) -> BlockRow {
    let item = match &b.item_ref {
        Some(note) => format!("{} ({note})", b.item.label()),
        None => b.item.label().to_owned(),
    };
    BlockRow {
        id: b.id.clone(),
        item,
        target: target_text(&b.target, staff),
        given_on: b.given_on.to_string(),
        evidence: evidence_text(&b.evidence),
        lifted: b.lifted.as_ref().map(|l| format!("Lifted {}", l.on)),
    }
}

/// The form for recording one kind of consent, with the wording the patient is shown.
struct RecordForm {
    kind: Kind,
    wording: Wording,
    form: Form,
    area_options: Vec<(String, String)>,
}

impl RecordForm {
    fn needs_areas(&self) -> bool {
        matches!(self.kind, Kind::SensitiveAreas | Kind::Refusal)
    }

    fn area_choices(&self) -> Vec<Choice> {
        self.form.group("areas", self.area_options.clone())
    }

    fn channel_choices(&self) -> Vec<Choice> {
        let options: Vec<(&str, &str)> = Channel::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect();
        self.form.choices("channel", &options)
    }

    fn basis_choices(&self) -> Vec<Choice> {
        let options: Vec<(&str, &str)> =
            Basis::ALL.iter().map(|b| (b.as_str(), b.label())).collect();
        self.form.choices("basis", &options)
    }

    fn method_choices(&self) -> Vec<Choice> {
        method_choices(&self.form)
    }
}

#[derive(Template)]
#[template(path = "consents.html")]
struct ConsentsPage {
    chrome: Chrome,
    id: String,
    name: String,
    tabs: Vec<PatientTabLink>,
    saved: Option<&'static str>,
    /// A refusal that belongs to no form: an unknown kind.
    problem: Option<String>,
    kinds: Vec<(&'static str, &'static str)>,
    recording: Option<RecordForm>,
    current: Vec<ConsentRow>,
    history: Vec<ConsentRow>,
    blocks: Vec<BlockRow>,
    lifted: Vec<BlockRow>,
}

impl ConsentsPage {
    fn lockbox_on(&self) -> bool {
        !self.blocks.is_empty()
    }
}

#[derive(Debug, Default, Deserialize)]
struct ConsentsQuery {
    record: Option<String>,
    saved: Option<String>,
}

fn saved_message(saved: Option<&str>) -> Option<&'static str> {
    match saved? {
        "consent" => Some("Consent recorded."),
        "withdrawn" => Some("Consent withdrawn. It stays in the history."),
        "lockbox" => Some("Lockbox restriction recorded."),
        "lifted" => Some("Lockbox restriction lifted. It stays in the history."),
        _ => None,
    }
}

async fn consents(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<ConsentsQuery>,
) -> PageResult {
    let id = PatientId::from_string(id);
    let chosen = q.record.as_deref().and_then(|k| Kind::parse(k).ok());
    let form = Form::new(LABELS).with("given_on", state.app.consent_today());
    let saved = saved_message(q.saved.as_deref());
    consents_page(&state, &signed, &id, Ok(chosen.map(|k| (k, form))), saved).await
}

async fn record(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = PatientId::from_string(id);
    let form = Form::posted(LABELS, &body);
    let input = consent_input(&form);
    match state.app.record_consent(&signed.staff, &id, &input).await {
        Ok(_) => Ok(see_other(&format!("/patients/{id}/consents?saved=consent"))),
        Err(error) => {
            let form = form.rejected(error)?;
            let kind = Kind::parse(form.value("kind")).ok();
            let Some(kind) = kind else {
                // An unknown kind has no form of its own: the problem shows above the kinds.
                let problem = form.error("kind");
                let problem = problem.unwrap_or_else(|| "Choose a kind of consent".into());
                return consents_page(&state, &signed, &id, Err(problem), None).await;
            };
            consents_page(&state, &signed, &id, Ok(Some((kind, form))), None).await
        }
    }
}

async fn consents_page(
    state: &AppState,
    signed: &Signed,
    id: &PatientId,
    recording: Result<Option<(Kind, Form)>, String>,
    saved: Option<&'static str>,
) -> PageResult {
    let (recording, problem) = match recording {
        Ok(recording) => (recording, None),
        Err(problem) => (None, Some(problem)),
    };
    let patient = state.app.patient(&signed.staff, id).await?;
    let view = state.app.patient_consents(&signed.staff, id).await?;
    let staff = state.app.lockbox_staff(&signed.staff).await?;
    let status = match (&recording, &problem) {
        (_, Some(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        (Some((_, form)), None) => form.status(),
        (None, None) => StatusCode::OK,
    };
    let recording = recording.and_then(|(kind, form)| record_form(&view, kind, form));
    let (current, history) = consent_rows(&view);
    let (blocks, lifted): (Vec<_>, Vec<_>) = view
        .lockbox
        .iter()
        .map(|b| block_row(b, &staff))
        .partition(|b| b.lifted.is_none());
    let page = ConsentsPage {
        chrome: chrome(state, signed, Section::Patients).await?,
        id: id.to_string(),
        name: patient.fields.display_name(),
        tabs: patient_tabs(&signed.staff, id.as_str(), PatientTab::Consents),
        saved,
        problem,
        kinds: Kind::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        recording,
        current,
        history,
        blocks,
        lifted,
    };
    render(status, &page)
}

fn record_form(view: &PatientConsents, kind: Kind, form: Form) -> Option<RecordForm> {
    let wording = view.wordings.iter().find(|w| w.kind == kind)?.clone();
    let options: Vec<(String, String)> = view
        .rules
        .sensitive_areas
        .iter()
        .map(|a| (a.clone(), a.clone()))
        .collect();
    Some(RecordForm {
        kind,
        wording,
        form,
        area_options: options,
    })
}

/// Consents in force by kind (in the order kinds are listed), then the rest as history.
fn consent_rows(view: &PatientConsents) -> (Vec<ConsentRow>, Vec<ConsentRow>) {
    let mut rows: Vec<(usize, ConsentRow)> = view
        .consents
        .iter()
        .map(|c| {
            let order = Kind::ALL.iter().position(|k| *k == c.kind).unwrap_or(0);
            (order, consent_row(c, view.today))
        })
        .collect();
    rows.sort_by_key(|(order, _)| *order);
    rows.into_iter().map(|(_, r)| r).partition(|r| r.active)
}

fn consent_input(form: &Form) -> ConsentInput {
    ConsentInput {
        kind: form.text("kind"),
        wording_id: form.text("wording_id"),
        areas: form.all("areas"),
        technique: form.text("technique"),
        insurer: form.text("insurer"),
        insurer_scope: form.text("insurer_scope"),
        channel: form.text("channel"),
        basis: form.text("basis"),
        method: form.text("method"),
        witness: form.text("witness"),
        document_ref: form.text("document_ref"),
        given_on: form.text("given_on"),
        expires_on: form.text("expires_on"),
    }
}

fn ending_input(form: &Form) -> EndingInput {
    EndingInput {
        on: form.text("on"),
        method: form.text("method"),
        witness: form.text("witness"),
        document_ref: form.text("document_ref"),
        reason: form.text("reason"),
    }
}

/// The page that ends something: withdrawing a consent or lifting a lockbox block.
#[derive(Template)]
#[template(path = "consent_end.html")]
struct EndPage {
    chrome: Chrome,
    id: String,
    tabs: Vec<PatientTabLink>,
    title: &'static str,
    intro: &'static str,
    facts: Vec<(&'static str, String)>,
    action: String,
    button: &'static str,
    form: Form,
}

impl EndPage {
    fn method_choices(&self) -> Vec<Choice> {
        method_choices(&self.form)
    }
}

async fn withdraw_form(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, consent)): Path<(String, String)>,
) -> PageResult {
    let id = PatientId::from_string(id);
    let form = Form::new(LABELS).with("on", state.app.consent_today());
    withdraw_page(&state, &signed, &id, &consent, form).await
}

async fn withdraw(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, consent)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    let id = PatientId::from_string(id);
    let form = Form::posted(LABELS, &body);
    let input = ending_input(&form);
    let result = state
        .app
        .withdraw_consent(&signed.staff, &id, &consent, &input)
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!(
            "/patients/{id}/consents?saved=withdrawn"
        ))),
        Err(error) => withdraw_page(&state, &signed, &id, &consent, form.rejected(error)?).await,
    }
}

async fn withdraw_page(
    state: &AppState,
    signed: &Signed,
    id: &PatientId,
    consent: &str,
    form: Form,
) -> PageResult {
    let found = state.app.consent(&signed.staff, id, consent).await?;
    let row = consent_row(&found, state.app.consent_today());
    let facts = vec![
        ("Kind", row.kind.to_owned()),
        ("Details", row.details),
        ("Given", row.given_on),
        ("How", row.evidence),
        ("Wording", format!("Version {}", row.wording_version)),
    ];
    let page = EndPage {
        chrome: chrome(state, signed, Section::Patients).await?,
        id: id.to_string(),
        tabs: patient_tabs(&signed.staff, id.as_str(), PatientTab::Consents),
        title: "Withdraw a consent",
        intro: "The consent ends on the date below. It is not deleted: it stays in the \
                patient's history with its evidence and this withdrawal.",
        facts,
        action: format!("/patients/{id}/consents/{consent}/withdraw"),
        button: "Withdraw consent",
        form,
    };
    render(page.form.status(), &page)
}

#[derive(Template)]
#[template(path = "lockbox.html")]
struct LockboxPage {
    chrome: Chrome,
    id: String,
    tabs: Vec<PatientTabLink>,
    form: Form,
    staff: Vec<(String, String)>,
}

impl LockboxPage {
    fn item_choices(&self) -> Vec<Choice> {
        let options: Vec<(&str, &str)> = LockboxItem::ALL
            .iter()
            .map(|i| (i.as_str(), i.label()))
            .collect();
        self.form.choices("item", &options)
    }

    fn target_choices(&self) -> Vec<Choice> {
        let options = [
            ("staff", "One staff member"),
            ("role", "Everyone with a role"),
            ("outside", "Someone outside the clinic"),
            ("everyone", "Everyone"),
        ];
        self.form.choices("target", &options)
    }

    fn staff_choices(&self) -> Vec<Choice> {
        let options: Vec<(&str, &str)> = self
            .staff
            .iter()
            .map(|(id, name)| (id.as_str(), name.as_str()))
            .collect();
        self.form.choices("target_user_id", &options)
    }

    fn role_choices(&self) -> Vec<Choice> {
        let options: Vec<(&str, &str)> =
            Role::ALL.iter().map(|r| (r.as_str(), r.as_str())).collect();
        self.form.choices("target_role", &options)
    }

    fn method_choices(&self) -> Vec<Choice> {
        method_choices(&self.form)
    }
}

async fn lockbox_form(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> PageResult {
    let id = PatientId::from_string(id);
    let form = Form::new(LABELS).with("given_on", state.app.consent_today());
    lockbox_page(&state, &signed, &id, form).await
}

async fn add_block(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = PatientId::from_string(id);
    let form = Form::posted(LABELS, &body);
    let input = LockboxInput {
        item: form.text("item"),
        item_ref: form.text("item_ref"),
        target: form.text("target"),
        target_user_id: form.text("target_user_id"),
        target_role: form.text("target_role"),
        target_name: form.text("target_name"),
        method: form.text("method"),
        witness: form.text("witness"),
        document_ref: form.text("document_ref"),
        given_on: form.text("given_on"),
    };
    match state
        .app
        .add_lockbox_block(&signed.staff, &id, &input)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/patients/{id}/consents?saved=lockbox"))),
        Err(error) => lockbox_page(&state, &signed, &id, form.rejected(error)?).await,
    }
}

async fn lockbox_page(state: &AppState, signed: &Signed, id: &PatientId, form: Form) -> PageResult {
    // Reading the patient first gives another clinic's id its 404.
    state.app.patient(&signed.staff, id).await?;
    let page = LockboxPage {
        chrome: chrome(state, signed, Section::Patients).await?,
        id: id.to_string(),
        tabs: patient_tabs(&signed.staff, id.as_str(), PatientTab::Consents),
        staff: state.app.lockbox_staff(&signed.staff).await?,
        form,
    };
    render(page.form.status(), &page)
}

async fn lift_form(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, block)): Path<(String, String)>,
) -> PageResult {
    let id = PatientId::from_string(id);
    let form = Form::new(LABELS).with("on", state.app.consent_today());
    lift_page(&state, &signed, &id, &block, form).await
}

async fn lift(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, block)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    let id = PatientId::from_string(id);
    let form = Form::posted(LABELS, &body);
    let input = ending_input(&form);
    let result = state
        .app
        .lift_lockbox_block(&signed.staff, &id, &block, &input)
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/patients/{id}/consents?saved=lifted"))),
        Err(error) => lift_page(&state, &signed, &id, &block, form.rejected(error)?).await,
    }
}

async fn lift_page(
    state: &AppState,
    signed: &Signed,
    id: &PatientId,
    block: &str,
    form: Form,
) -> PageResult {
    let found = state.app.lockbox_block(&signed.staff, id, block).await?;
    let staff = state.app.lockbox_staff(&signed.staff).await?;
    let row = block_row(&found, &staff);
    let facts = vec![
        ("Restricted", row.item),
        ("Kept from", row.target),
        ("Since", row.given_on),
        ("How", row.evidence),
    ];
    let page = EndPage {
        chrome: chrome(state, signed, Section::Patients).await?,
        id: id.to_string(),
        tabs: patient_tabs(&signed.staff, id.as_str(), PatientTab::Consents),
        title: "Lift a lockbox restriction",
        intro: "Lift a restriction only on the patient's instruction. It stays in the \
                patient's history with its evidence and this lift.",
        facts,
        action: format!("/patients/{id}/lockbox/{block}/lift"),
        button: "Lift restriction",
        form,
    };
    render(page.form.status(), &page)
}

/// One kind's wording on the settings page.
struct WordingForm {
    kind: &'static str,
    label: &'static str,
    version: i64,
    is_default: bool,
    form: Form,
}

#[derive(Template)]
#[template(path = "consent_settings.html")]
struct SettingsPage {
    chrome: Chrome,
    saved: Option<&'static str>,
    wordings: Vec<WordingForm>,
    rules: Form,
    can_edit: bool,
}

async fn settings(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let saved = match q.saved() {
        Some("rules") => Some("Consent rules saved."),
        Some(_) => Some("New wording version saved. Consents already given keep theirs."),
        None => None,
    };
    settings_page(&state, &signed, None, None, saved).await
}

async fn revise_wording(
    State(state): State<AppState>,
    signed: Signed,
    Path(kind): Path<String>,
    body: Bytes,
) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let text = form.value("body").to_owned();
    match state
        .app
        .revise_consent_wording(&signed.staff, &kind, &text)
        .await
    {
        Ok(w) => Ok(see_other(&format!(
            "/settings/consents?saved={}",
            w.kind.as_str()
        ))),
        Err(error) => {
            let kind = Kind::parse(&kind).map_err(|_| knead_app::AppError::NotFound)?;
            let form = form
                .prefixed(format!("{}-", kind.as_str()))
                .rejected(error)?;
            settings_page(&state, &signed, Some((kind, form)), None, None).await
        }
    }
}

async fn save_rules(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let input = ConsentRulesInput {
        purchase_months: form.text("purchase_months"),
        inquiry_months: form.text("inquiry_months"),
        sensitive_areas: form
            .value("sensitive_areas")
            .lines()
            .map(String::from)
            .collect(),
    };
    match state.app.save_consent_rules(&signed.staff, &input).await {
        Ok(_) => Ok(see_other("/settings/consents?saved=rules")),
        Err(error) => settings_page(&state, &signed, None, Some(form.rejected(error)?), None).await,
    }
}

fn rules_form(rules: &ConsentRules) -> Form {
    Form::new(LABELS)
        .with("purchase_months", rules.periods.purchase_months)
        .with("inquiry_months", rules.periods.inquiry_months)
        .with("sensitive_areas", rules.sensitive_areas.join("\n"))
}

async fn settings_page(
    state: &AppState,
    signed: &Signed,
    rejected: Option<(Kind, Form)>,
    rules: Option<Form>,
    saved: Option<&'static str>,
) -> PageResult {
    let wordings = state.app.consent_wordings(&signed.staff).await?;
    let stored_rules = state.app.consent_rules(&signed.staff).await?;
    let mut status = StatusCode::OK;
    let mut rejected = rejected;
    let wordings = wordings
        .into_iter()
        .map(|w| {
            let form = match rejected.take_if(|(kind, _)| *kind == w.kind) {
                Some((_, form)) => {
                    status = form.status();
                    form
                }
                None => Form::new(LABELS)
                    .prefixed(format!("{}-", w.kind.as_str()))
                    .with("body", &w.body),
            };
            WordingForm {
                kind: w.kind.as_str(),
                label: w.kind.label(),
                version: w.version,
                is_default: w.is_default,
                form,
            }
        })
        .collect();
    let rules = match rules {
        Some(form) => {
            status = form.status();
            form
        }
        None => rules_form(&stored_rules),
    };
    let page = SettingsPage {
        chrome: chrome(state, signed, Section::Clinic).await?,
        saved,
        wordings,
        rules,
        can_edit: signed.staff.can(knead_domain::Permission::ManageSetup),
    };
    render(status, &page)
}
