//! The patient record around the demographics: phones with a preferred one, the emergency
//! contact, the family doctor, guardians and substitute decision-makers, family links (who
//! books and pays for whom) and insurance plans in claim order.
//!
//! Nothing here is clinical: health history lives in [`crate::intake`].

use crate::fields::loose;
use crate::ids::PatientId;
use crate::values::{self, Province};
use crate::{FieldErrors, Invalid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

fn text(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or("")
}

/// Longest multi-line note we accept (desk notes, coverage notes).
pub const MAX_NOTE: usize = 1000;

/// Optional multi-line text: blank becomes `None`; line breaks and tabs are the only control
/// characters allowed.
pub fn optional_note(raw: &str) -> Result<Option<String>, Invalid> {
    let note = raw.trim();
    if note.chars().count() > MAX_NOTE {
        return Err(Invalid::new(format!(
            "must be at most {MAX_NOTE} characters"
        )));
    }
    if note
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Invalid::new("must not hold control characters"));
    }
    Ok((!note.is_empty()).then(|| note.replace("\r\n", "\n")))
}

/// The age at which a person is no longer a minor, by province. Plain data (the provinces'
/// age-of-majority acts): 19 in BC, NB, NL, NS and the territories, 18 elsewhere.
pub fn age_of_majority(province: Province) -> i16 {
    use Province::*;
    match province {
        BC | NB | NL | NS | NT | NU | YT => 19,
        AB | MB | ON | PE | QC | SK => 18,
    }
}

/// Whether someone born on `birth` is a minor on `today` in `province`.
pub fn is_minor(birth: jiff::civil::Date, today: jiff::civil::Date, province: Province) -> bool {
    let majority = birth
        .checked_add(jiff::Span::new().years(age_of_majority(province)))
        .unwrap_or(birth);
    today < majority
}

/// Which of a patient's phones the desk calls first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Mobile,
    Home,
    Work,
}

impl PhoneKind {
    pub const ALL: [PhoneKind; 3] = [PhoneKind::Mobile, PhoneKind::Home, PhoneKind::Work];

    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile",
            PhoneKind::Home => "home",
            PhoneKind::Work => "work",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "Mobile",
            PhoneKind::Home => "Home",
            PhoneKind::Work => "Work",
        }
    }

    pub fn parse(raw: &str) -> Result<PhoneKind, Invalid> {
        let raw = raw.trim().to_lowercase();
        PhoneKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw)
            .ok_or_else(|| Invalid::new(format!("'{raw}' is not one of mobile, home or work")))
    }
}

/// A patient's phone numbers. `preferred_phone` names one that is present, or is `None` when
/// there is no number at all.
#[derive(Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Phones {
    pub mobile_phone: Option<String>,
    pub home_phone: Option<String>,
    pub work_phone: Option<String>,
    pub preferred_phone: Option<PhoneKind>,
}

impl Phones {
    pub fn number(&self, kind: PhoneKind) -> Option<&String> {
        match kind {
            PhoneKind::Mobile => self.mobile_phone.as_ref(),
            PhoneKind::Home => self.home_phone.as_ref(),
            PhoneKind::Work => self.work_phone.as_ref(),
        }
    }

    /// The number the desk calls first.
    pub fn preferred(&self) -> Option<&String> {
        self.preferred_phone.and_then(|kind| self.number(kind))
    }

    fn digits(number: &str) -> String {
        number.chars().filter(char::is_ascii_digit).collect()
    }

    /// Parses the three numbers, the preferred one, and the older single `phone` field: given
    /// alone it is taken as the mobile; given with the others it must be one of them (so a
    /// record read from the API can be sent back unchanged).
    pub fn parse(errors: &mut FieldErrors, input: &PhonesInput) -> Phones {
        let mut phones = Phones {
            mobile_phone: errors
                .check("mobile_phone", values::phone(text(&input.mobile_phone)))
                .flatten(),
            home_phone: errors
                .check("home_phone", values::phone(text(&input.home_phone)))
                .flatten(),
            work_phone: errors
                .check("work_phone", values::phone(text(&input.work_phone)))
                .flatten(),
            preferred_phone: None,
        };
        let legacy = errors
            .check("phone", values::phone(text(&input.phone)))
            .flatten();
        let mut legacy_kind = None;
        if let Some(number) = legacy {
            let present = PhoneKind::ALL
                .into_iter()
                .any(|kind| phones.number(kind).is_some());
            let matching = PhoneKind::ALL.into_iter().find(|kind| {
                phones
                    .number(*kind)
                    .is_some_and(|n| Phones::digits(n) == Phones::digits(&number))
            });
            match (present, matching) {
                (false, _) => {
                    phones.mobile_phone = Some(number);
                    legacy_kind = Some(PhoneKind::Mobile);
                }
                (true, Some(kind)) => legacy_kind = Some(kind),
                (true, None) => errors.add(
                    "phone",
                    "must be one of mobile_phone, home_phone or work_phone, or be left out",
                ),
            }
        }
        phones.preferred_phone = match text(&input.preferred_phone).trim() {
            "" => legacy_kind.or_else(|| {
                PhoneKind::ALL
                    .into_iter()
                    .find(|kind| phones.number(*kind).is_some())
            }),
            raw => match errors.check("preferred_phone", PhoneKind::parse(raw)) {
                Some(kind) if phones.number(kind).is_none() => {
                    errors.add(
                        "preferred_phone",
                        format!("has no {} number", kind.as_str()),
                    );
                    None
                }
                kind => kind,
            },
        };
        phones
    }
}

/// The phone fields as forms and the API send them.
#[derive(Clone, Default)]
pub struct PhonesInput {
    pub phone: Option<String>,
    pub mobile_phone: Option<String>,
    pub home_phone: Option<String>,
    pub work_phone: Option<String>,
    pub preferred_phone: Option<String>,
}

/// Whom to call in an emergency.
#[derive(Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct EmergencyContact {
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_relationship: Option<String>,
    pub emergency_contact_phone: Option<String>,
}

impl EmergencyContact {
    /// A contact needs a name and a phone once any part of it is given.
    pub fn parse(
        errors: &mut FieldErrors,
        name: &Option<String>,
        relationship: &Option<String>,
        phone: &Option<String>,
    ) -> EmergencyContact {
        let contact = EmergencyContact {
            emergency_contact_name: errors
                .check("emergency_contact_name", values::optional_text(text(name)))
                .flatten(),
            emergency_contact_relationship: errors
                .check(
                    "emergency_contact_relationship",
                    values::optional_text(text(relationship)),
                )
                .flatten(),
            emergency_contact_phone: errors
                .check("emergency_contact_phone", values::phone(text(phone)))
                .flatten(),
        };
        let given = [name, relationship, phone]
            .iter()
            .any(|f| !text(f).trim().is_empty());
        if given && text(name).trim().is_empty() {
            errors.add(
                "emergency_contact_name",
                "is required for an emergency contact",
            );
        }
        if given && text(phone).trim().is_empty() {
            errors.add(
                "emergency_contact_phone",
                "is required for an emergency contact",
            );
        }
        contact
    }
}

/// The patient's family doctor, for referrals and reports.
#[derive(Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct FamilyDoctor {
    pub family_doctor_name: Option<String>,
    pub family_doctor_clinic: Option<String>,
    pub family_doctor_phone: Option<String>,
    pub family_doctor_fax: Option<String>,
}

impl FamilyDoctor {
    pub fn parse(
        errors: &mut FieldErrors,
        name: &Option<String>,
        clinic: &Option<String>,
        phone: &Option<String>,
        fax: &Option<String>,
    ) -> FamilyDoctor {
        let doctor = FamilyDoctor {
            family_doctor_name: errors
                .check("family_doctor_name", values::optional_text(text(name)))
                .flatten(),
            family_doctor_clinic: errors
                .check("family_doctor_clinic", values::optional_text(text(clinic)))
                .flatten(),
            family_doctor_phone: errors
                .check("family_doctor_phone", values::phone(text(phone)))
                .flatten(),
            family_doctor_fax: errors
                .check("family_doctor_fax", values::phone(text(fax)))
                .flatten(),
        };
        let given = [clinic, phone, fax]
            .iter()
            .any(|f| !text(f).trim().is_empty());
        if given && text(name).trim().is_empty() {
            errors.add("family_doctor_name", "is required for a family doctor");
        }
        doctor
    }
}

/// What a guardian or substitute decision-maker may decide for the patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// A parent or guardian of a minor.
    ParentOrGuardian,
    /// A guardian appointed by a court or tribunal.
    CourtAppointedGuardian,
    /// An attorney named in a power of attorney for personal care.
    AttorneyForPersonalCare,
    /// A substitute decision-maker by the province's ranking (spouse, child, sibling...).
    SubstituteDecisionMaker,
}

impl Authority {
    pub const ALL: [Authority; 4] = [
        Authority::ParentOrGuardian,
        Authority::CourtAppointedGuardian,
        Authority::AttorneyForPersonalCare,
        Authority::SubstituteDecisionMaker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Authority::ParentOrGuardian => "parent_or_guardian",
            Authority::CourtAppointedGuardian => "court_appointed_guardian",
            Authority::AttorneyForPersonalCare => "attorney_for_personal_care",
            Authority::SubstituteDecisionMaker => "substitute_decision_maker",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Authority::ParentOrGuardian => "Parent or guardian of a minor",
            Authority::CourtAppointedGuardian => "Court-appointed guardian",
            Authority::AttorneyForPersonalCare => "Attorney for personal care",
            Authority::SubstituteDecisionMaker => "Substitute decision-maker",
        }
    }

    pub fn parse(raw: &str) -> Result<Authority, Invalid> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(Invalid::new("is required"));
        }
        Authority::ALL
            .into_iter()
            .find(|a| a.as_str() == raw)
            .ok_or_else(|| Invalid::new(format!("'{raw}' is not a known authority")))
    }
}

/// Who a guardian is: another patient of the clinic, or a named person.
#[derive(Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct GuardianFields {
    #[schema(value_type = Option<String>)]
    pub guardian_patient_id: Option<PatientId>,
    pub guardian_name: Option<String>,
    pub guardian_phone: Option<String>,
    pub relationship: String,
    pub authority: Authority,
}

impl std::fmt::Debug for GuardianFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GuardianFields { .. }")
    }
}

#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GuardianInput {
    /// Another patient of the clinic; leave out to name a person instead.
    pub guardian_patient_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub guardian_name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub guardian_phone: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub relationship: Option<String>,
    #[schema(example = "parent_or_guardian")]
    #[serde(deserialize_with = "loose::deserialize")]
    pub authority: Option<String>,
}

impl GuardianInput {
    pub fn parse(&self) -> Result<GuardianFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let patient = self
            .guardian_patient_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(PatientId::from_string);
        let name = errors.check(
            "guardian_name",
            values::optional_text(text(&self.guardian_name)),
        );
        let phone = errors.check("guardian_phone", values::phone(text(&self.guardian_phone)));
        let relationship = errors.check(
            "relationship",
            values::required_text(text(&self.relationship)),
        );
        let authority = errors.check("authority", Authority::parse(text(&self.authority)));
        match (&patient, name.as_ref().map(Option::is_some)) {
            (None, Some(false)) => {
                errors.add("guardian_name", "is required unless a patient is chosen")
            }
            (Some(_), Some(true)) => errors.add(
                "guardian_name",
                "must be left out when the guardian is a patient",
            ),
            _ => {}
        }
        match (name, phone, relationship, authority) {
            (Some(name), Some(phone), Some(relationship), Some(authority)) if errors.is_empty() => {
                Ok(GuardianFields {
                    guardian_patient_id: patient,
                    guardian_name: name,
                    guardian_phone: phone,
                    relationship,
                    authority,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A link saying that one patient (the payer) books and pays for another (the dependant).
#[derive(Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FamilyLinkFields {
    #[schema(value_type = String)]
    pub payer_patient_id: PatientId,
    #[schema(value_type = String)]
    pub dependant_patient_id: PatientId,
    /// What the payer is to the dependant ("mother", "spouse").
    pub relationship: String,
    pub may_book: bool,
    pub may_pay: bool,
}

#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FamilyLinkInput {
    pub payer_patient_id: Option<String>,
    pub dependant_patient_id: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub relationship: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<bool>)]
    pub may_book: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<bool>)]
    pub may_pay: Option<String>,
}

impl FamilyLinkInput {
    pub fn parse(&self) -> Result<FamilyLinkFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let id = |errors: &mut FieldErrors, field: &str, raw: &Option<String>| {
            let raw = text(raw).trim();
            if raw.is_empty() {
                errors.add(field, "is required");
            }
            PatientId::from_string(raw)
        };
        let payer = id(&mut errors, "payer_patient_id", &self.payer_patient_id);
        let dependant = id(
            &mut errors,
            "dependant_patient_id",
            &self.dependant_patient_id,
        );
        if payer == dependant && !payer.as_str().is_empty() {
            errors.add(
                "dependant_patient_id",
                "must be another patient than the payer",
            );
        }
        let relationship = errors.check(
            "relationship",
            values::required_text(text(&self.relationship)),
        );
        let may_book = errors.check(
            "may_book",
            values::flag(self.may_book.as_deref().unwrap_or("true")),
        );
        let may_pay = errors.check(
            "may_pay",
            values::flag(self.may_pay.as_deref().unwrap_or("true")),
        );
        match (relationship, may_book, may_pay) {
            (Some(relationship), Some(may_book), Some(may_pay)) if errors.is_empty() => {
                Ok(FamilyLinkFields {
                    payer_patient_id: payer,
                    dependant_patient_id: dependant,
                    relationship,
                    may_book,
                    may_pay,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The plan holder's relation to the patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HolderRelationship {
    #[serde(rename = "self")]
    SelfHolder,
    Spouse,
    Parent,
    Other,
}

impl HolderRelationship {
    pub const ALL: [HolderRelationship; 4] = [
        HolderRelationship::SelfHolder,
        HolderRelationship::Spouse,
        HolderRelationship::Parent,
        HolderRelationship::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HolderRelationship::SelfHolder => "self",
            HolderRelationship::Spouse => "spouse",
            HolderRelationship::Parent => "parent",
            HolderRelationship::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HolderRelationship::SelfHolder => "The patient",
            HolderRelationship::Spouse => "Spouse or partner",
            HolderRelationship::Parent => "Parent",
            HolderRelationship::Other => "Someone else",
        }
    }

    pub fn parse(raw: &str) -> Result<HolderRelationship, Invalid> {
        let raw = raw.trim();
        let raw = if raw.is_empty() { "self" } else { raw };
        HolderRelationship::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| {
                Invalid::new(format!(
                    "'{raw}' is not one of self, spouse, parent or other"
                ))
            })
    }
}

/// One extended health plan. The order of a patient's plans is kept apart, as a position.
#[derive(Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InsuranceFields {
    pub insurer: String,
    /// The group, plan, policy or contract number.
    pub plan_number: Option<String>,
    /// The member, certificate or ID number.
    pub member_number: Option<String>,
    pub holder_relationship: HolderRelationship,
    pub holder_name: Option<String>,
    #[schema(value_type = Option<String>, example = "1980-02-29")]
    pub holder_date_of_birth: Option<jiff::civil::Date>,
    pub coverage_notes: Option<String>,
}

impl std::fmt::Debug for InsuranceFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InsuranceFields { .. }")
    }
}

#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InsuranceInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub insurer: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub plan_number: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub member_number: Option<String>,
    #[schema(example = "self")]
    #[serde(deserialize_with = "loose::deserialize")]
    pub holder_relationship: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub holder_name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub holder_date_of_birth: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub coverage_notes: Option<String>,
}

impl InsuranceInput {
    /// A plan held by someone else needs the holder's name and birth date, which insurers ask
    /// for on every claim.
    pub fn parse(&self, today: jiff::civil::Date) -> Result<InsuranceFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let insurer = errors.check("insurer", values::required_text(text(&self.insurer)));
        let plan = errors.check(
            "plan_number",
            values::optional_text(text(&self.plan_number)),
        );
        let member = errors.check(
            "member_number",
            values::optional_text(text(&self.member_number)),
        );
        let relation = errors.check(
            "holder_relationship",
            HolderRelationship::parse(text(&self.holder_relationship)),
        );
        let name = errors.check(
            "holder_name",
            values::optional_text(text(&self.holder_name)),
        );
        let birth = errors.check(
            "holder_date_of_birth",
            values::birth_date(text(&self.holder_date_of_birth), today),
        );
        let notes = errors.check("coverage_notes", optional_note(text(&self.coverage_notes)));
        if relation.is_some_and(|r| r != HolderRelationship::SelfHolder) {
            if name.as_ref().is_some_and(Option::is_none) {
                errors.add(
                    "holder_name",
                    "is required when the patient is not the holder",
                );
            }
            if birth.as_ref().is_some_and(Option::is_none) {
                errors.add(
                    "holder_date_of_birth",
                    "is required when the patient is not the holder",
                );
            }
        }
        match (insurer, plan, member, relation, name, birth, notes) {
            (
                Some(insurer),
                Some(plan),
                Some(member),
                Some(relation),
                Some(name),
                Some(birth),
                Some(notes),
            ) if errors.is_empty() => {
                let is_self = relation == HolderRelationship::SelfHolder;
                Ok(InsuranceFields {
                    insurer,
                    plan_number: plan,
                    member_number: member,
                    holder_relationship: relation,
                    // The patient's own name and birth date are on the record already.
                    holder_name: if is_self { None } else { name },
                    holder_date_of_birth: if is_self { None } else { birth },
                    coverage_notes: notes,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phones(input: PhonesInput) -> (Phones, FieldErrors) {
        let mut errors = FieldErrors::new();
        let phones = Phones::parse(&mut errors, &input);
        (phones, errors)
    }

    #[test]
    fn a_lone_phone_is_taken_as_the_preferred_mobile() {
        let (phones, errors) = phones(PhonesInput {
            phone: Some("416 555 0134".into()),
            ..PhonesInput::default()
        });

        assert!(errors.is_empty());
        assert_eq!(phones.mobile_phone.as_deref(), Some("416 555 0134"));
        assert_eq!(phones.preferred_phone, Some(PhoneKind::Mobile));
    }

    #[test]
    fn the_preferred_phone_must_have_a_number() {
        let (_, errors) = phones(PhonesInput {
            home_phone: Some("416 555 0134".into()),
            preferred_phone: Some("work".into()),
            ..PhonesInput::default()
        });

        assert_eq!(errors.get("preferred_phone"), Some("has no work number"));
    }

    #[test]
    fn a_phone_that_matches_no_channel_is_refused() {
        let (_, errors) = phones(PhonesInput {
            phone: Some("613 555 0000".into()),
            home_phone: Some("416 555 0134".into()),
            ..PhonesInput::default()
        });

        assert!(errors.get("phone").is_some());
    }

    #[test]
    fn majority_comes_from_the_province() {
        let birth = jiff::civil::date(2008, 6, 1);
        let today = jiff::civil::date(2026, 12, 4);

        assert!(!is_minor(birth, today, Province::ON));
        assert!(is_minor(birth, today, Province::BC));
    }

    #[test]
    fn a_plan_held_by_someone_else_needs_the_holder() {
        let input = InsuranceInput {
            insurer: Some("Sun Life".into()),
            holder_relationship: Some("spouse".into()),
            ..InsuranceInput::default()
        };

        let errors = input.parse(jiff::civil::date(2026, 12, 4)).unwrap_err();

        assert!(errors.get("holder_name").is_some());
        assert!(errors.get("holder_date_of_birth").is_some());
    }
}
