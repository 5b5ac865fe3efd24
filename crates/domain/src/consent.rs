//! A patient's consents, each a separate record with its evidence (DOMAIN.md 0.4, 2.2, 7):
//! consent to treatment, specific consent for sensitive areas, refusals of an area or a
//! technique, privacy consent to collect, use and disclose, consent to share with an insurer,
//! and consent to commercial messages per channel (see [`crate::casl`]).
//!
//! Each record keeps who recorded it, when it was given, how (signed on screen, paper
//! scanned, or verbal with a named witness), the exact version of the clinic's wording it was
//! given on, an optional expiry, and its withdrawal, which ends it without deleting anything.
//! The lockbox (DOMAIN.md 2.3) lives here too: what a patient has blocked, and from whom.

use crate::casl::{self, Basis, Channel, Periods};
use crate::fields::loose;
use crate::values::{optional_text, required_text};
use crate::{FieldErrors, Invalid, Role};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new, time-ordered id (UUIDv7 text) for a consent, a wording version or a lockbox block.
pub fn new_record_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Longest consent wording the clinic may write.
pub const MAX_WORDING: usize = 20_000;

/// The kinds of consent, never bundled together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Consent to treatment in general.
    Treatment,
    /// Specific consent to treatment of sensitive areas, naming them.
    SensitiveAreas,
    /// The patient refuses an area or a technique.
    Refusal,
    /// Consent to collect, use and disclose personal health information.
    Privacy,
    /// Consent to share information with an insurer (direct billing, claims).
    Insurer,
    /// Consent to commercial electronic messages on one channel (CASL).
    Messages,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Treatment,
        Kind::SensitiveAreas,
        Kind::Refusal,
        Kind::Privacy,
        Kind::Insurer,
        Kind::Messages,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Treatment => "treatment",
            Kind::SensitiveAreas => "sensitive_areas",
            Kind::Refusal => "refusal",
            Kind::Privacy => "privacy",
            Kind::Insurer => "insurer",
            Kind::Messages => "messages",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Treatment => "Consent to treatment",
            Kind::SensitiveAreas => "Treatment of sensitive areas",
            Kind::Refusal => "Refusal of an area or technique",
            Kind::Privacy => "Privacy: collect, use and disclose",
            Kind::Insurer => "Sharing with an insurer",
            Kind::Messages => "Commercial messages (CASL)",
        }
    }

    pub fn parse(raw: &str) -> Result<Kind, Invalid> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or_else(|| Invalid::new(format!("'{}' is not a kind of consent", raw.trim())))
    }

    /// The wording Knead starts a clinic with, for the clinic to review and replace.
    pub fn default_wording(self) -> &'static str {
        match self {
            Kind::Treatment => {
                "I consent to massage therapy assessment and treatment. My massage therapist has \
                 explained the treatment, its benefits and risks, and the alternatives. I may \
                 ask questions, ask for changes to pressure or technique, and withdraw my \
                 consent at any time, before or during treatment."
            }
            Kind::SensitiveAreas => {
                "I consent to treatment of the areas named below. My massage therapist has \
                 explained why treating each area is indicated, how it will be draped and \
                 treated, and that I may withdraw this consent for any area at any time, \
                 including during treatment."
            }
            Kind::Refusal => {
                "I do not consent to treatment of the area or with the technique named below. \
                 My massage therapist will respect this until I say otherwise."
            }
            Kind::Privacy => {
                "I consent to the clinic collecting, using and disclosing my personal health \
                 information to provide and support my care, as described in the clinic's \
                 privacy notice. I may withdraw this consent, or ask that some information be \
                 withheld from some people (a lockbox), at any time."
            }
            Kind::Insurer => {
                "I consent to the clinic sharing with the insurer named below the information \
                 needed for the scope named below (for example, submitting claims for my \
                 treatments). I may withdraw this consent at any time."
            }
            Kind::Messages => {
                "I agree to receive news and offers from the clinic by the channel named below. \
                 The clinic's name and contact details appear in every message, and I may \
                 unsubscribe at any time using the link or reply described in each message, \
                 or by asking the clinic."
            }
        }
    }
}

/// How consent (or its withdrawal, or a lockbox instruction) was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The patient signed on the clinic's screen or tablet.
    // Knead captures no signature image yet: this records that the patient signed on the
    // screen, not the signature itself.
    SignedOnScreen,
    /// The patient signed on paper, which was scanned.
    PaperScanned,
    /// The patient said so, in front of a named witness.
    Verbal,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::SignedOnScreen, Method::PaperScanned, Method::Verbal];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::SignedOnScreen => "signed_on_screen",
            Method::PaperScanned => "paper_scanned",
            Method::Verbal => "verbal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Method::SignedOnScreen => "Signed on screen",
            Method::PaperScanned => "Signed on paper, scanned",
            Method::Verbal => "Verbal, with a witness",
        }
    }

    pub fn parse(raw: &str) -> Result<Method, Invalid> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str() == raw.trim())
            .ok_or_else(|| Invalid::new(format!("'{}' is not a way of giving consent", raw.trim())))
    }
}

/// How a consent was given: the method, and what proves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Evidence {
    pub method: Method,
    /// The witness's name; present for verbal consent.
    pub witness: Option<String>,
    /// Where the scanned paper is kept; present for paper consent.
    // Until Knead has a file store this is a reference the clinic types (a binder, a scan's
    // file name), not the scan itself.
    pub document_ref: Option<String>,
}

/// The loose text of an evidence, as forms and the API send it.
#[derive(Clone, Debug, Default)]
pub struct EvidenceInput<'a> {
    pub method: Option<&'a str>,
    pub witness: Option<&'a str>,
    pub document_ref: Option<&'a str>,
}

impl EvidenceInput<'_> {
    /// Parses the evidence, adding problems to `errors` under `method`, `witness` and
    /// `document_ref`: verbal consent needs a witness, paper needs a reference to the scan.
    pub fn parse(&self, errors: &mut FieldErrors) -> Option<Evidence> {
        let method = match self.method.map(str::trim).filter(|m| !m.is_empty()) {
            Some(raw) => errors.check("method", Method::parse(raw)),
            None => {
                errors.add("method", "is required");
                None
            }
        };
        let witness = errors.check("witness", optional_text(self.witness.unwrap_or("")));
        let document_ref = errors.check(
            "document_ref",
            optional_text(self.document_ref.unwrap_or("")),
        );
        let (method, witness, document_ref) = (method?, witness?, document_ref?);
        if method == Method::Verbal && witness.is_none() {
            errors.add("witness", "is required for verbal consent");
            return None;
        }
        if method == Method::PaperScanned && document_ref.is_none() {
            errors.add(
                "document_ref",
                "is required for paper consent: say where the scan is",
            );
            return None;
        }
        Some(Evidence {
            method,
            witness: witness.filter(|_| method == Method::Verbal),
            document_ref: document_ref.filter(|_| method == Method::PaperScanned),
        })
    }
}

/// A day a person types: `YYYY-MM-DD`, never after `today`.
pub fn past_date(raw: &str, today: Date) -> Result<Date, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::new("is required"));
    }
    let day: Date = raw
        .parse()
        .map_err(|_| Invalid::new(format!("'{raw}' is not a date like 2026-12-03")))?;
    if day > today {
        return Err(Invalid::new(format!("'{raw}' is in the future")));
    }
    Ok(day)
}

/// The clinic's consent rules: implied-consent periods and its list of sensitive areas.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ConsentRules {
    pub periods: Periods,
    pub sensitive_areas: Vec<String>,
}

impl Default for ConsentRules {
    fn default() -> Self {
        ConsentRules {
            periods: Periods::default(),
            sensitive_areas: ["Glutes", "Upper inner thigh", "Chest wall", "Abdomen"]
                .map(String::from)
                .to_vec(),
        }
    }
}

/// The rules as sent: months as text, areas one per line.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ConsentRulesInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub purchase_months: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub inquiry_months: Option<String>,
    pub sensitive_areas: Vec<String>,
}

fn months(raw: Option<&str>) -> Result<i64, Invalid> {
    let raw = raw.unwrap_or("").trim();
    let n: i64 = raw
        .parse()
        .map_err(|_| Invalid::new(format!("'{raw}' is not a whole number of months")))?;
    if !(1..=120).contains(&n) {
        return Err(Invalid::new("must be between 1 and 120 months"));
    }
    Ok(n)
}

impl ConsentRulesInput {
    pub fn parse(&self) -> Result<ConsentRules, FieldErrors> {
        let mut errors = FieldErrors::new();
        let purchase = errors.check("purchase_months", months(self.purchase_months.as_deref()));
        let inquiry = errors.check("inquiry_months", months(self.inquiry_months.as_deref()));
        let mut areas = Vec::new();
        for raw in &self.sensitive_areas {
            match optional_text(raw) {
                Ok(Some(area)) if !areas.contains(&area) => areas.push(area),
                Ok(_) => {}
                Err(Invalid(message)) => errors.add("sensitive_areas", message),
            }
        }
        if areas.len() > 40 {
            errors.add("sensitive_areas", "may list at most 40 areas");
        }
        errors.finish(|| ConsentRules {
            periods: Periods {
                purchase_months: purchase.unwrap_or_default(),
                inquiry_months: inquiry.unwrap_or_default(),
            },
            sensitive_areas: areas,
        })
    }
}

/// What a consent is about, beyond its kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Scope {
    /// Sensitive areas consented to, or areas refused.
    pub areas: Vec<String>,
    /// A technique refused.
    pub technique: Option<String>,
    /// The insurer or plan, for sharing with an insurer.
    pub insurer: Option<String>,
    /// What may be shared with the insurer.
    pub insurer_scope: Option<String>,
    /// The channel, for commercial messages.
    pub channel: Option<Channel>,
    /// Express or implied (and on what), for commercial messages.
    pub basis: Option<Basis>,
}

/// A consent to record, as forms and the API send it.
// Missing: who gave it when it was not the patient (a substitute decision-maker or a
// guardian for a minor); today every consent reads as given by the patient.
#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ConsentInput {
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "treatment")]
    pub kind: Option<String>,
    /// The wording version shown to the patient; blank means the current one.
    #[serde(deserialize_with = "loose::deserialize")]
    pub wording_id: Option<String>,
    /// Sensitive areas consented to, or areas refused (from the clinic's list).
    pub areas: Vec<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub technique: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub insurer: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub insurer_scope: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "email")]
    pub channel: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "express")]
    pub basis: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "verbal")]
    pub method: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub witness: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub document_ref: Option<String>,
    /// The day it was given (for implied consent, the day of the purchase or inquiry).
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "2026-12-03")]
    pub given_on: Option<String>,
    /// Optional last day it holds; not for commercial messages, whose expiry is computed.
    #[serde(deserialize_with = "loose::deserialize")]
    pub expires_on: Option<String>,
}

/// Consent input carries names of witnesses and insurers: never printed.
impl std::fmt::Debug for ConsentInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConsentInput { .. }")
    }
}

/// A consent ready to store.
#[derive(Clone, PartialEq, Eq)]
pub struct NewConsent {
    pub kind: Kind,
    pub scope: Scope,
    pub evidence: Evidence,
    pub given_on: Date,
    pub expires_on: Option<Date>,
}

impl std::fmt::Debug for NewConsent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewConsent")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl ConsentInput {
    /// Parses the input against the clinic's rules; `today` bounds the dates.
    pub fn parse(&self, rules: &ConsentRules, today: Date) -> Result<NewConsent, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = match self
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            Some(raw) => errors.check("kind", Kind::parse(raw)),
            None => {
                errors.add("kind", "is required");
                None
            }
        };
        let evidence = EvidenceInput {
            method: self.method.as_deref(),
            witness: self.witness.as_deref(),
            document_ref: self.document_ref.as_deref(),
        }
        .parse(&mut errors);
        let given_on = errors.check(
            "given_on",
            past_date(self.given_on.as_deref().unwrap_or(""), today),
        );
        let expires_on = self.expiry(kind, given_on, &mut errors);
        let scope = kind.and_then(|kind| self.scope(kind, rules, &mut errors));
        match (kind, scope, evidence, given_on) {
            (Some(kind), Some(scope), Some(evidence), Some(given_on)) if errors.is_empty() => {
                let expires_on = match kind {
                    Kind::Messages => scope
                        .basis
                        .and_then(|b| b.last_day(given_on, &rules.periods)),
                    _ => expires_on,
                };
                Ok(NewConsent {
                    kind,
                    scope,
                    evidence,
                    given_on,
                    expires_on,
                })
            }
            _ => Err(errors),
        }
    }

    fn expiry(
        &self,
        kind: Option<Kind>,
        given_on: Option<Date>,
        errors: &mut FieldErrors,
    ) -> Option<Date> {
        let raw = self.expires_on.as_deref().unwrap_or("").trim();
        if raw.is_empty() {
            return None;
        }
        if kind == Some(Kind::Messages) {
            errors.add(
                "expires_on",
                "is computed from the basis for commercial messages; leave it blank",
            );
            return None;
        }
        let Ok(day) = raw.parse::<Date>() else {
            errors.add(
                "expires_on",
                format!("'{raw}' is not a date like 2027-12-03"),
            );
            return None;
        };
        if given_on.is_some_and(|given| day < given) {
            errors.add("expires_on", "must not be before the day it was given");
        }
        Some(day)
    }

    fn scope(&self, kind: Kind, rules: &ConsentRules, errors: &mut FieldErrors) -> Option<Scope> {
        let mut scope = Scope {
            areas: Vec::new(),
            technique: None,
            insurer: None,
            insurer_scope: None,
            channel: None,
            basis: None,
        };
        match kind {
            Kind::Treatment | Kind::Privacy => {}
            Kind::SensitiveAreas => {
                scope.areas = self.areas(rules, errors);
                if scope.areas.is_empty() {
                    errors.add("areas", "must name at least one area");
                }
            }
            Kind::Refusal => {
                scope.areas = self.areas(rules, errors);
                let technique = self.technique.as_deref().unwrap_or("");
                scope.technique = errors.check("technique", optional_text(technique))?;
                if scope.areas.is_empty() && scope.technique.is_none() {
                    errors.add("areas", "or a technique must be named for a refusal");
                }
            }
            Kind::Insurer => {
                let insurer = self.insurer.as_deref().unwrap_or("");
                scope.insurer = errors.check("insurer", required_text(insurer).map(Some))?;
                let what = self.insurer_scope.as_deref().unwrap_or("");
                scope.insurer_scope =
                    errors.check("insurer_scope", required_text(what).map(Some))?;
            }
            Kind::Messages => {
                scope.channel = choice(errors, "channel", self.channel.as_deref(), |raw| {
                    Channel::parse(raw).ok_or_else(|| {
                        Invalid::new(format!("'{raw}' is not a channel (email or sms)"))
                    })
                });
                scope.basis = choice(errors, "basis", self.basis.as_deref(), |raw| {
                    Basis::parse(raw).ok_or_else(|| {
                        Invalid::new(format!("'{raw}' is not express, purchase or inquiry"))
                    })
                });
            }
        }
        Some(scope)
    }

    /// The areas named, each of which must be on the clinic's list.
    fn areas(&self, rules: &ConsentRules, errors: &mut FieldErrors) -> Vec<String> {
        let mut areas: Vec<String> = Vec::new();
        for raw in self
            .areas
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            match rules.sensitive_areas.iter().find(|a| a.as_str() == raw) {
                Some(area) if !areas.contains(area) => areas.push(area.clone()),
                Some(_) => {}
                None => errors.add(
                    "areas",
                    format!("'{raw}' is not one of the clinic's listed areas"),
                ),
            }
        }
        areas
    }
}

/// A required choice among fixed values.
fn choice<T>(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Result<T, Invalid>,
) -> Option<T> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        Some(raw) => errors.check(field, parse(raw)),
        None => {
            errors.add(field, "is required");
            None
        }
    }
}

/// How an ended consent or a lifted lockbox block ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Ending {
    #[schema(value_type = String)]
    pub on: Date,
    pub evidence: Evidence,
    pub reason: Option<String>,
    /// The staff member who recorded it.
    pub recorded_by: String,
    /// When it was recorded (UTC epoch seconds).
    pub recorded_at: i64,
}

/// A withdrawal (or a lift), as forms and the API send it.
#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EndingInput {
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "2026-12-03")]
    pub on: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub method: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub witness: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub document_ref: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub reason: Option<String>,
}

impl std::fmt::Debug for EndingInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EndingInput { .. }")
    }
}

/// A withdrawal ready to store: the day, the evidence and the reason.
pub struct NewEnding {
    pub on: Date,
    pub evidence: Evidence,
    pub reason: Option<String>,
}

impl EndingInput {
    /// Parses a withdrawal of something given on `given_on`.
    pub fn parse(&self, given_on: Date, today: Date) -> Result<NewEnding, FieldErrors> {
        let mut errors = FieldErrors::new();
        let on = errors.check("on", past_date(self.on.as_deref().unwrap_or(""), today));
        if on.is_some_and(|on| on < given_on) {
            errors.add(
                "on",
                format!("must not be before the day it was given ({given_on})"),
            );
        }
        let evidence = EvidenceInput {
            method: self.method.as_deref(),
            witness: self.witness.as_deref(),
            document_ref: self.document_ref.as_deref(),
        }
        .parse(&mut errors);
        let reason = errors.check(
            "reason",
            optional_text(self.reason.as_deref().unwrap_or("")),
        );
        match (on, evidence, reason) {
            (Some(on), Some(evidence), Some(reason)) if errors.is_empty() => Ok(NewEnding {
                on,
                evidence,
                reason,
            }),
            _ => Err(errors),
        }
    }
}

/// Where a consent stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Given, not yet expired, not withdrawn.
    Active,
    /// Its last day has passed.
    Expired,
    /// The patient withdrew it.
    Withdrawn,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Active => "In force",
            State::Expired => "Expired",
            State::Withdrawn => "Withdrawn",
        }
    }
}

/// A version of the clinic's wording for one kind of consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Wording {
    pub id: String,
    pub kind: Kind,
    pub version: i64,
    pub body: String,
    /// Knead's default text, not yet replaced by the clinic.
    pub is_default: bool,
    pub created_at: i64,
}

/// Parses a new version of a wording's text.
pub fn wording_body(raw: &str) -> Result<String, Invalid> {
    let body = raw.trim().replace("\r\n", "\n");
    if body.is_empty() {
        return Err(Invalid::new("is required"));
    }
    if body.chars().count() > MAX_WORDING {
        return Err(Invalid::new(format!(
            "must be at most {MAX_WORDING} characters"
        )));
    }
    Ok(body)
}

/// One consent record of a patient with its evidence and, once withdrawn, its withdrawal.
#[derive(Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Consent {
    pub id: String,
    pub patient_id: String,
    pub kind: Kind,
    pub scope: Scope,
    pub evidence: Evidence,
    /// The wording version the consent was given on.
    pub wording_id: String,
    pub wording_version: i64,
    #[schema(value_type = String)]
    pub given_on: Date,
    /// The last day it holds; computed for implied consent to commercial messages.
    #[schema(value_type = Option<String>)]
    pub expires_on: Option<Date>,
    /// The staff member who recorded it.
    pub recorded_by: String,
    pub recorded_at: i64,
    pub withdrawal: Option<Ending>,
}

impl std::fmt::Debug for Consent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Consent")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl Consent {
    /// Where this consent stands on `today`.
    pub fn state(&self, today: Date) -> State {
        if self.withdrawal.is_some() {
            State::Withdrawn
        } else if self.expires_on.is_some_and(|last| last < today) {
            State::Expired
        } else {
            State::Active
        }
    }

    /// This consent as the CASL rules read it, when it is about commercial messages.
    pub fn casl_record(&self) -> Option<casl::Record> {
        Some(casl::Record {
            channel: self.scope.channel?,
            basis: self.scope.basis?,
            given_on: self.given_on,
            withdrawn_on: self.withdrawal.as_ref().map(|w| w.on),
        })
    }
}

/// What part of a record a lockbox block covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LockboxItem {
    /// The whole health record.
    WholeRecord,
    /// The health history (intake) answers.
    HealthHistory,
    /// Every treatment note of the chart.
    Chart,
    /// One treatment note, named by its id.
    Note,
}

impl LockboxItem {
    pub const ALL: [LockboxItem; 4] = [
        LockboxItem::WholeRecord,
        LockboxItem::HealthHistory,
        LockboxItem::Chart,
        LockboxItem::Note,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LockboxItem::WholeRecord => "whole_record",
            LockboxItem::HealthHistory => "health_history",
            LockboxItem::Chart => "chart",
            LockboxItem::Note => "note",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LockboxItem::WholeRecord => "The whole health record",
            LockboxItem::HealthHistory => "The health history",
            LockboxItem::Chart => "All treatment notes",
            LockboxItem::Note => "One treatment note",
        }
    }

    pub fn parse(raw: &str) -> Result<LockboxItem, Invalid> {
        LockboxItem::ALL
            .into_iter()
            .find(|i| i.as_str() == raw.trim())
            .ok_or_else(|| Invalid::new(format!("'{}' is not a part of the record", raw.trim())))
    }
}

/// A piece of a patient's record someone wants to show or send, asked about with
/// [`Lockbox::blocks`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordPart<'a> {
    HealthHistory,
    /// One treatment note by its id.
    Note(&'a str),
}

/// Who a lockbox block keeps the information from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LockboxTarget {
    /// One staff member of the clinic.
    Staff { user_id: String },
    /// Everyone with this role.
    Role {
        #[schema(value_type = String)]
        role: Role,
    },
    /// Someone outside the clinic (another provider, a family member), named.
    Outside { name: String },
    /// Everyone: no use or disclosure without the patient's say.
    Everyone,
}

/// One instruction of the patient: keep `item` from `target`.
#[derive(Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LockboxBlock {
    pub id: String,
    pub patient_id: String,
    pub item: LockboxItem,
    /// The note's id when `item` is `note`.
    pub item_ref: Option<String>,
    pub target: LockboxTarget,
    pub evidence: Evidence,
    #[schema(value_type = String)]
    pub given_on: Date,
    pub recorded_by: String,
    pub recorded_at: i64,
    pub lifted: Option<Ending>,
}

impl std::fmt::Debug for LockboxBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockboxBlock")
            .field("id", &self.id)
            .field("item", &self.item)
            .finish_non_exhaustive()
    }
}

impl LockboxBlock {
    fn covers(&self, part: &RecordPart<'_>) -> bool {
        match (self.item, part) {
            (LockboxItem::WholeRecord, _) => true,
            (LockboxItem::HealthHistory, RecordPart::HealthHistory) => true,
            (LockboxItem::Chart, RecordPart::Note(_)) => true,
            (LockboxItem::Note, RecordPart::Note(id)) => self.item_ref.as_deref() == Some(*id),
            _ => false,
        }
    }

    fn reaches(&self, user_id: &str, role: Role) -> bool {
        match &self.target {
            LockboxTarget::Staff { user_id: blocked } => blocked == user_id,
            LockboxTarget::Role { role: blocked } => *blocked == role,
            LockboxTarget::Everyone => true,
            LockboxTarget::Outside { .. } => false,
        }
    }
}

/// A patient's lockbox: the blocks in force (lifted ones left out).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Lockbox {
    pub blocks: Vec<LockboxBlock>,
}

impl Lockbox {
    /// Whether anything is restricted: pages show the lockbox banner when so.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// Whether the patient has kept `part` from the staff member `user_id` with `role`.
    pub fn blocks(&self, user_id: &str, role: Role, part: &RecordPart<'_>) -> bool {
        self.blocks
            .iter()
            .any(|b| b.covers(part) && b.reaches(user_id, role))
    }

    /// Whether the patient has kept the whole record or every treatment note from the staff
    /// member `user_id` with `role`: their chart then does not open for that person at all.
    /// Blocks aimed at people outside the clinic or at everyone govern disclosure, not the
    /// treating team's reading, so they do not close the chart here.
    pub fn keeps_chart_from(&self, user_id: &str, role: Role) -> bool {
        self.blocks.iter().any(|b| {
            matches!(b.item, LockboxItem::WholeRecord | LockboxItem::Chart)
                && matches!(
                    b.target,
                    LockboxTarget::Staff { .. } | LockboxTarget::Role { .. }
                )
                && b.reaches(user_id, role)
        })
    }

    /// Whether anything at all is withheld from someone outside the clinic: a disclosure
    /// must then tell the recipient that something was withheld (without saying what).
    pub fn withholds_from_outside(&self) -> bool {
        self.blocks.iter().any(|b| {
            matches!(
                b.target,
                LockboxTarget::Outside { .. } | LockboxTarget::Everyone
            )
        })
    }
}

/// A lockbox block to add, as forms and the API send it.
#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LockboxInput {
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "health_history")]
    pub item: Option<String>,
    /// The note's id, when `item` is `note`.
    #[serde(deserialize_with = "loose::deserialize")]
    pub item_ref: Option<String>,
    /// `staff`, `role`, `outside` or `everyone`.
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "staff")]
    pub target: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub target_user_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub target_role: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub target_name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub method: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub witness: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub document_ref: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub given_on: Option<String>,
}

impl std::fmt::Debug for LockboxInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LockboxInput { .. }")
    }
}

/// A lockbox block ready to store; a staff target still has to be checked against the clinic.
pub struct NewLockboxBlock {
    pub item: LockboxItem,
    pub item_ref: Option<String>,
    pub target: LockboxTarget,
    pub evidence: Evidence,
    pub given_on: Date,
}

impl LockboxInput {
    pub fn parse(&self, today: Date) -> Result<NewLockboxBlock, FieldErrors> {
        let mut errors = FieldErrors::new();
        let item = choice(
            &mut errors,
            "item",
            self.item.as_deref(),
            LockboxItem::parse,
        );
        let item_ref = match item {
            Some(LockboxItem::Note) => {
                let raw = self.item_ref.as_deref().unwrap_or("");
                errors
                    .check("item_ref", required_text(raw).map(Some))
                    .flatten()
            }
            _ => None,
        };
        let target = self.target(&mut errors);
        let evidence = EvidenceInput {
            method: self.method.as_deref(),
            witness: self.witness.as_deref(),
            document_ref: self.document_ref.as_deref(),
        }
        .parse(&mut errors);
        let given_on = errors.check(
            "given_on",
            past_date(self.given_on.as_deref().unwrap_or(""), today),
        );
        match (item, target, evidence, given_on) {
            (Some(item), Some(target), Some(evidence), Some(given_on)) if errors.is_empty() => {
                Ok(NewLockboxBlock {
                    item,
                    item_ref,
                    target,
                    evidence,
                    given_on,
                })
            }
            _ => Err(errors),
        }
    }

    fn target(&self, errors: &mut FieldErrors) -> Option<LockboxTarget> {
        let kind = self.target.as_deref().map(str::trim).unwrap_or("");
        let text = |field: &str, raw: &Option<String>, errors: &mut FieldErrors| {
            errors.check(field, required_text(raw.as_deref().unwrap_or("")))
        };
        match kind {
            "staff" => Some(LockboxTarget::Staff {
                user_id: text("target_user_id", &self.target_user_id, errors)?,
            }),
            "role" => {
                let raw = text("target_role", &self.target_role, errors)?;
                match Role::parse(&raw) {
                    Some(role) => Some(LockboxTarget::Role { role }),
                    None => {
                        errors.add("target_role", format!("'{raw}' is not a role"));
                        None
                    }
                }
            }
            "outside" => Some(LockboxTarget::Outside {
                name: text("target_name", &self.target_name, errors)?,
            }),
            "everyone" => Some(LockboxTarget::Everyone),
            "" => {
                errors.add("target", "is required");
                None
            }
            other => {
                errors.add(
                    "target",
                    format!("'{other}' is not staff, role, outside or everyone"),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn verbal(witness: &str) -> ConsentInput {
        ConsentInput {
            kind: Some("treatment".into()),
            method: Some("verbal".into()),
            witness: Some(witness.into()),
            given_on: Some("2026-12-03".into()),
            ..ConsentInput::default()
        }
    }

    fn today() -> Date {
        date(2026, 12, 3)
    }

    #[test]
    fn verbal_consent_needs_a_named_witness() {
        let errors = verbal("  ")
            .parse(&ConsentRules::default(), today())
            .unwrap_err();

        assert_eq!(
            errors.get("witness"),
            Some("is required for verbal consent")
        );
    }

    #[test]
    fn a_consent_cannot_be_given_tomorrow() {
        let input = ConsentInput {
            given_on: Some("2026-12-04".into()),
            ..verbal("Noor Haddad")
        };

        let errors = input.parse(&ConsentRules::default(), today()).unwrap_err();

        assert_eq!(
            errors.get("given_on"),
            Some("'2026-12-04' is in the future")
        );
    }

    #[test]
    fn sensitive_areas_come_from_the_clinic_list() {
        let input = ConsentInput {
            kind: Some("sensitive_areas".into()),
            areas: vec!["Glutes".into(), "Elbow".into()],
            ..verbal("Noor Haddad")
        };

        let errors = input.parse(&ConsentRules::default(), today()).unwrap_err();

        assert_eq!(
            errors.get("areas"),
            Some("'Elbow' is not one of the clinic's listed areas")
        );
    }

    #[test]
    fn implied_message_consent_gets_its_computed_expiry() {
        let input = ConsentInput {
            kind: Some("messages".into()),
            channel: Some("email".into()),
            basis: Some("purchase".into()),
            given_on: Some("2026-11-20".into()),
            ..verbal("Noor Haddad")
        };

        let consent = input.parse(&ConsentRules::default(), today()).unwrap();

        assert_eq!(consent.expires_on, Some(date(2028, 11, 20)));
        assert_eq!(consent.evidence.witness.as_deref(), Some("Noor Haddad"));
    }

    fn block(item: LockboxItem, item_ref: Option<&str>, target: LockboxTarget) -> LockboxBlock {
        LockboxBlock {
            id: "b".into(),
            patient_id: "p".into(),
            item,
            item_ref: item_ref.map(String::from),
            target,
            evidence: Evidence {
                method: Method::SignedOnScreen,
                witness: None,
                document_ref: None,
            },
            given_on: today(),
            recorded_by: "u".into(),
            recorded_at: 0,
            lifted: None,
        }
    }

    #[test]
    fn a_block_on_one_person_leaves_others_alone() {
        let lockbox = Lockbox {
            blocks: vec![block(
                LockboxItem::HealthHistory,
                None,
                LockboxTarget::Staff {
                    user_id: "ana".into(),
                },
            )],
        };

        assert!(lockbox.blocks("ana", Role::Practitioner, &RecordPart::HealthHistory));
        assert!(!lockbox.blocks("ben", Role::Practitioner, &RecordPart::HealthHistory));
        assert!(!lockbox.blocks("ana", Role::Practitioner, &RecordPart::Note("n1")));
        assert!(!lockbox.withholds_from_outside());
    }

    #[test]
    fn a_chart_block_covers_every_note_and_a_note_block_only_its_own() {
        let lockbox = Lockbox {
            blocks: vec![
                block(LockboxItem::Note, Some("n1"), LockboxTarget::Everyone),
                block(
                    LockboxItem::Chart,
                    None,
                    LockboxTarget::Role {
                        role: Role::FrontDesk,
                    },
                ),
            ],
        };

        assert!(lockbox.blocks("ben", Role::Owner, &RecordPart::Note("n1")));
        assert!(!lockbox.blocks("ben", Role::Owner, &RecordPart::Note("n2")));
        assert!(lockbox.blocks("cy", Role::FrontDesk, &RecordPart::Note("n2")));
        assert!(lockbox.withholds_from_outside());
    }
}
