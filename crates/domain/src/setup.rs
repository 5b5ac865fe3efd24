//! The clinic's setup records: the clinic itself, locations, rooms, practitioners, services
//! and patients. Each comes as an `*Input` of loose text (one type for forms and JSON) and a
//! validated record; `parse` turns the first into the second or names every bad field.

use crate::fields::loose;
use crate::ids::{LocationId, PatientId, PractitionerId, RoomId, ServiceId};
use crate::patient_record::{EmergencyContact, FamilyDoctor, Phones, PhonesInput, optional_note};
use crate::values::{self, Email, Province, Zone};
use crate::{FieldErrors, Invalid, Money};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Text of an optional input field, blank when absent.
fn text(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or("")
}

/// A Canadian postal code, normalised to `A1A 1A1`.
pub fn postal_code(raw: &str) -> Result<Option<String>, Invalid> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>();
    if compact.is_empty() {
        return Ok(None);
    }
    let upper = compact.to_uppercase();
    let shape_ok = upper.len() == 6
        && upper.chars().enumerate().all(|(i, c)| {
            if i % 2 == 0 {
                c.is_ascii_alphabetic()
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(Invalid::new(format!(
            "'{}' is not a postal code such as M5V 2T6",
            raw.trim()
        )));
    }
    Ok(Some(format!("{} {}", &upper[..3], &upper[3..])))
}

/// The address fields shared by clinics, locations and patients, kept flat so a form and a
/// JSON body spell them the same way.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Address {
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
}

impl Address {
    fn parse(
        errors: &mut FieldErrors,
        line1: &Option<String>,
        line2: &Option<String>,
        city: &Option<String>,
        postal: &Option<String>,
    ) -> Address {
        Address {
            address_line1: errors
                .check("address_line1", values::optional_text(text(line1)))
                .flatten(),
            address_line2: errors
                .check("address_line2", values::optional_text(text(line2)))
                .flatten(),
            city: errors
                .check("city", values::optional_text(text(city)))
                .flatten(),
            postal_code: errors
                .check("postal_code", postal_code(text(postal)))
                .flatten(),
        }
    }
}

/// What the clinic tells the world about itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClinicProfile {
    pub legal_name: String,
    pub operating_name: Option<String>,
    #[serde(flatten)]
    pub address: Address,
    #[schema(value_type = Option<String>)]
    pub province: Option<Province>,
    pub phone: Option<String>,
    #[schema(value_type = Option<String>)]
    pub email: Option<Email>,
    pub website: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ClinicInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub legal_name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub operating_name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub address_line1: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub address_line2: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub city: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub province: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub postal_code: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub phone: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub email: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub website: Option<String>,
}

impl ClinicInput {
    pub fn parse(&self) -> Result<ClinicProfile, FieldErrors> {
        let mut errors = FieldErrors::new();
        let legal_name = errors.check("legal_name", values::required_text(text(&self.legal_name)));
        let operating_name = errors.check(
            "operating_name",
            values::optional_text(text(&self.operating_name)),
        );
        let address = Address::parse(
            &mut errors,
            &self.address_line1,
            &self.address_line2,
            &self.city,
            &self.postal_code,
        );
        let province = match text(&self.province).trim() {
            "" => Some(None),
            raw => errors.check("province", Province::parse(raw)).map(Some),
        };
        let phone = errors.check("phone", values::phone(text(&self.phone)));
        let email = optional_email(&mut errors, "email", &self.email);
        let website = errors.check("website", values::website(text(&self.website)));
        errors.finish(|| ClinicProfile {
            legal_name: legal_name.unwrap_or_default(),
            operating_name: operating_name.flatten(),
            address,
            province: province.flatten(),
            phone: phone.flatten(),
            email: email.flatten(),
            website: website.flatten(),
        })
    }
}

fn optional_email(
    errors: &mut FieldErrors,
    field: &str,
    raw: &Option<String>,
) -> Option<Option<Email>> {
    match text(raw).trim() {
        "" => Some(None),
        value => errors.check(field, Email::parse(value)).map(Some),
    }
}

/// Slot grid steps a location may use, in minutes.
pub const SLOT_STEP_RANGE: (i64, i64) = (5, 120);

/// A place where treatments are given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Location {
    #[schema(value_type = String)]
    pub id: LocationId,
    #[serde(flatten)]
    pub fields: LocationFields,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct LocationFields {
    pub name: String,
    #[serde(flatten)]
    pub address: Address,
    #[schema(value_type = String, example = "ON")]
    pub province: Province,
    #[schema(value_type = String, example = "America/Toronto")]
    pub time_zone: Zone,
    pub phone: Option<String>,
    pub slot_step_minutes: i64,
    pub active: bool,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LocationInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub address_line1: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub address_line2: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub city: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub province: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub postal_code: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "America/Toronto")]
    pub time_zone: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub phone: Option<String>,
    /// Minutes between candidate start times; 15 when absent.
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<i64>)]
    pub slot_step_minutes: Option<String>,
    /// True when absent.
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<bool>)]
    pub active: Option<String>,
}

impl LocationInput {
    pub fn parse(&self) -> Result<LocationFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", values::required_text(text(&self.name)));
        let address = Address::parse(
            &mut errors,
            &self.address_line1,
            &self.address_line2,
            &self.city,
            &self.postal_code,
        );
        let province = errors.check("province", Province::parse(text(&self.province)));
        // Known shortcoming: any IANA zone is taken, not only the province's own (a Nova Scotia
        // location may be given Europe/Paris); a table of each province's zones would fix it.
        let time_zone = errors.check("time_zone", Zone::parse(text(&self.time_zone)));
        let phone = errors.check("phone", values::phone(text(&self.phone)));
        let step_text = self.slot_step_minutes.as_deref().unwrap_or("15");
        let (lo, hi) = SLOT_STEP_RANGE;
        let step = errors.check("slot_step_minutes", values::minutes(step_text, lo, hi));
        let active = errors.check(
            "active",
            values::flag(self.active.as_deref().unwrap_or("true")),
        );
        match (name, province, time_zone, step, active) {
            (Some(name), Some(province), Some(time_zone), Some(step), Some(active))
                if errors.is_empty() =>
            {
                Ok(LocationFields {
                    name,
                    address,
                    province,
                    time_zone,
                    phone: phone.flatten(),
                    slot_step_minutes: step,
                    active,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A treatment room at a location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Room {
    #[schema(value_type = String)]
    pub id: RoomId,
    #[schema(value_type = String)]
    pub location_id: LocationId,
    pub name: String,
    pub active: bool,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RoomInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<bool>)]
    pub active: Option<String>,
}

/// A validated room, before it has an id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomFields {
    pub name: String,
    pub active: bool,
}

impl RoomInput {
    pub fn parse(&self) -> Result<RoomFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", values::required_text(text(&self.name)));
        let active = errors.check(
            "active",
            values::flag(self.active.as_deref().unwrap_or("true")),
        );
        match (name, active) {
            (Some(name), Some(active)) => Ok(RoomFields { name, active }),
            _ => Err(errors),
        }
    }
}

/// Standing of a registration with a provincial college.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    Active,
    Inactive,
    Suspended,
}

impl RegistrationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Active => "active",
            RegistrationStatus::Inactive => "inactive",
            RegistrationStatus::Suspended => "suspended",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "" | "active" => Ok(RegistrationStatus::Active),
            "inactive" => Ok(RegistrationStatus::Inactive),
            "suspended" => Ok(RegistrationStatus::Suspended),
            other => Err(Invalid::new(format!(
                "'{other}' is not a registration status (active, inactive, suspended)"
            ))),
        }
    }
}

/// A practitioner's registration with one province's college; receipts print it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Registration {
    #[schema(value_type = String, example = "ON")]
    pub province: Province,
    #[schema(example = "CMTO")]
    pub college: String,
    pub number: String,
    pub status: RegistrationStatus,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RegistrationInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub province: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub college: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub number: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub status: Option<String>,
}

impl RegistrationInput {
    /// True when every field is blank: a form's spare row, ignored.
    pub fn is_blank(&self) -> bool {
        [&self.province, &self.college, &self.number, &self.status]
            .iter()
            .all(|f| text(f).trim().is_empty())
    }

    fn parse(&self) -> Result<Registration, FieldErrors> {
        let mut errors = FieldErrors::new();
        let province = errors.check("province", Province::parse(text(&self.province)));
        let college = errors.check("college", values::required_text(text(&self.college)));
        let number = errors.check("number", values::required_text(text(&self.number)));
        let status = errors.check("status", RegistrationStatus::parse(text(&self.status)));
        match (province, college, number, status) {
            (Some(province), Some(college), Some(number), Some(status)) => Ok(Registration {
                province,
                college,
                number,
                status,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Practitioner {
    #[schema(value_type = String)]
    pub id: PractitionerId,
    #[serde(flatten)]
    pub fields: PractitionerFields,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct PractitionerFields {
    pub name: String,
    #[schema(example = "Registered Massage Therapist")]
    pub profession: String,
    #[schema(value_type = Option<String>)]
    pub email: Option<Email>,
    pub registrations: Vec<Registration>,
    #[schema(value_type = Vec<String>)]
    pub location_ids: Vec<LocationId>,
    pub active: bool,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PractitionerInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub name: Option<String>,
    /// "Registered Massage Therapist" when absent.
    #[serde(deserialize_with = "loose::deserialize")]
    pub profession: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub email: Option<String>,
    pub registrations: Vec<RegistrationInput>,
    pub location_ids: Vec<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<bool>)]
    pub active: Option<String>,
}

pub const DEFAULT_PROFESSION: &str = "Registered Massage Therapist";

impl PractitionerInput {
    /// Validates the fields; whether the location ids exist is the store's to check.
    pub fn parse(&self) -> Result<PractitionerFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", values::required_text(text(&self.name)));
        let profession = errors.check(
            "profession",
            values::required_text(self.profession.as_deref().unwrap_or(DEFAULT_PROFESSION)),
        );
        let email = optional_email(&mut errors, "email", &self.email);
        let mut registrations = Vec::new();
        for (i, row) in self
            .registrations
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.is_blank())
        {
            match row.parse() {
                Ok(registration) => registrations.push(registration),
                Err(row_errors) => errors.nest(&format!("registrations[{i}]"), row_errors),
            }
        }
        let provinces: Vec<Province> = registrations.iter().map(|r| r.province).collect();
        if (1..provinces.len()).any(|i| provinces[..i].contains(&provinces[i])) {
            errors.add(
                "registrations",
                "has two registrations for the same province",
            );
        }
        let active = errors.check(
            "active",
            values::flag(self.active.as_deref().unwrap_or("true")),
        );
        let location_ids = distinct_ids(&self.location_ids, LocationId::from_string);
        match (name, profession, email, active) {
            (Some(name), Some(profession), Some(email), Some(active)) if errors.is_empty() => {
                Ok(PractitionerFields {
                    name,
                    profession,
                    email,
                    registrations,
                    location_ids,
                    active,
                })
            }
            _ => Err(errors),
        }
    }
}

fn distinct_ids<T: PartialEq>(raw: &[String], make: impl Fn(String) -> T) -> Vec<T> {
    let mut ids: Vec<T> = Vec::new();
    for id in raw.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        let id = make(id.to_owned());
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// How a service is taxed. The rates live in the billing tables; this says which applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaxCode {
    /// GST/HST (and QST where it applies) at the province's rate.
    Taxable,
    /// No sales tax, for a service the clinic has confirmed is exempt.
    Exempt,
}

impl TaxCode {
    pub fn as_str(self) -> &'static str {
        match self {
            TaxCode::Taxable => "taxable",
            TaxCode::Exempt => "exempt",
        }
    }

    pub fn parse(raw: &str) -> Result<TaxCode, Invalid> {
        match raw.trim() {
            "" | "taxable" => Ok(TaxCode::Taxable),
            "exempt" => Ok(TaxCode::Exempt),
            other => Err(Invalid::new(format!(
                "'{other}' is not a tax code (taxable, exempt)"
            ))),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Service {
    #[schema(value_type = String)]
    pub id: ServiceId,
    #[serde(flatten)]
    pub fields: ServiceFields,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ServiceFields {
    pub name: String,
    pub duration_minutes: i64,
    #[serde(serialize_with = "money_text")]
    #[schema(value_type = String, example = "95.00")]
    pub price: Money,
    pub tax_code: TaxCode,
    pub buffer_before_minutes: i64,
    pub buffer_after_minutes: i64,
    pub online_bookable: bool,
    #[schema(value_type = Vec<String>)]
    pub practitioner_ids: Vec<PractitionerId>,
    pub active: bool,
}

fn money_text<S: serde::Serializer>(money: &Money, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(money)
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<i64>, example = 60)]
    pub duration_minutes: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "95.00")]
    pub price: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub tax_code: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<i64>)]
    pub buffer_before_minutes: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<i64>)]
    pub buffer_after_minutes: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<bool>)]
    pub online_bookable: Option<String>,
    pub practitioner_ids: Vec<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<bool>)]
    pub active: Option<String>,
}

impl ServiceInput {
    pub fn parse(&self) -> Result<ServiceFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", values::required_text(text(&self.name)));
        let duration = errors.check(
            "duration_minutes",
            values::minutes(text(&self.duration_minutes), 5, 480),
        );
        let price = errors.check("price", Money::parse_price(text(&self.price)));
        let tax_code = errors.check("tax_code", TaxCode::parse(text(&self.tax_code)));
        let before = self.buffer_before_minutes.as_deref().unwrap_or("0");
        let after = self.buffer_after_minutes.as_deref().unwrap_or("0");
        let before = errors.check("buffer_before_minutes", values::minutes(before, 0, 120));
        let after = errors.check("buffer_after_minutes", values::minutes(after, 0, 120));
        let online = errors.check("online_bookable", values::flag(text(&self.online_bookable)));
        let active = errors.check(
            "active",
            values::flag(self.active.as_deref().unwrap_or("true")),
        );
        let practitioner_ids = distinct_ids(&self.practitioner_ids, PractitionerId::from_string);
        match (
            name, duration, price, tax_code, before, after, online, active,
        ) {
            (
                Some(name),
                Some(duration_minutes),
                Some(price),
                Some(tax_code),
                Some(buffer_before_minutes),
                Some(buffer_after_minutes),
                Some(online_bookable),
                Some(active),
            ) => Ok(ServiceFields {
                name,
                duration_minutes,
                price,
                tax_code,
                buffer_before_minutes,
                buffer_after_minutes,
                online_bookable,
                practitioner_ids,
                active,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Patient {
    #[schema(value_type = String)]
    pub id: PatientId,
    #[serde(flatten)]
    pub fields: PatientFields,
}

#[derive(Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PatientFields {
    pub legal_first_name: String,
    pub legal_last_name: String,
    pub preferred_name: Option<String>,
    pub pronouns: Option<String>,
    #[schema(value_type = Option<String>, example = "1985-04-12")]
    pub date_of_birth: Option<jiff::civil::Date>,
    #[schema(value_type = Option<String>)]
    pub email: Option<Email>,
    /// The preferred number of `mobile_phone`, `home_phone` and `work_phone`.
    pub phone: Option<String>,
    #[serde(flatten)]
    pub phones: Phones,
    #[serde(flatten)]
    pub address: Address,
    #[schema(value_type = Option<String>)]
    pub province: Option<Province>,
    #[serde(flatten)]
    pub emergency_contact: EmergencyContact,
    #[serde(flatten)]
    pub family_doctor: FamilyDoctor,
    /// Practical notes for the front desk (parking, access); never clinical.
    pub desk_notes: Option<String>,
}

/// Patient data never goes into logs: this prints the shape, not the person.
impl std::fmt::Debug for PatientFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatientFields { .. }")
    }
}

impl PatientFields {
    /// The name staff call the patient by: preferred first name when given.
    pub fn display_name(&self) -> String {
        let first = self
            .preferred_name
            .as_deref()
            .unwrap_or(&self.legal_first_name);
        format!("{first} {}", self.legal_last_name)
    }
}

#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PatientInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub legal_first_name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub legal_last_name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub preferred_name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub pronouns: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "1985-04-12")]
    pub date_of_birth: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub email: Option<String>,
    /// A single number, taken as the mobile when no other number is given; with them, it must
    /// be one of them.
    #[serde(deserialize_with = "loose::deserialize")]
    pub phone: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub mobile_phone: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub home_phone: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub work_phone: Option<String>,
    /// `mobile`, `home` or `work`; the first number given when left out.
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "mobile")]
    pub preferred_phone: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub address_line1: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub address_line2: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub city: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub province: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub postal_code: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub emergency_contact_name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub emergency_contact_relationship: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub emergency_contact_phone: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub family_doctor_name: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub family_doctor_clinic: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub family_doctor_phone: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub family_doctor_fax: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub desk_notes: Option<String>,
}

impl std::fmt::Debug for PatientInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PatientInput { .. }")
    }
}

/// Pronouns as the patient gives them ("she/her", "they/them"), at most 40 characters.
fn pronouns(raw: &str) -> Result<Option<String>, Invalid> {
    let pronouns = values::optional_text(raw)?;
    if pronouns.as_ref().is_some_and(|p| p.chars().count() > 40) {
        return Err(Invalid::new("must be at most 40 characters"));
    }
    Ok(pronouns)
}

impl PatientInput {
    fn phones_input(&self) -> PhonesInput {
        PhonesInput {
            phone: self.phone.clone(),
            mobile_phone: self.mobile_phone.clone(),
            home_phone: self.home_phone.clone(),
            work_phone: self.work_phone.clone(),
            preferred_phone: self.preferred_phone.clone(),
        }
    }

    /// Validates against `today` (the clinic's local date) so a birth date cannot be future.
    pub fn parse(&self, today: jiff::civil::Date) -> Result<PatientFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let first = errors.check(
            "legal_first_name",
            values::required_text(text(&self.legal_first_name)),
        );
        let last = errors.check(
            "legal_last_name",
            values::required_text(text(&self.legal_last_name)),
        );
        let preferred = errors.check(
            "preferred_name",
            values::optional_text(text(&self.preferred_name)),
        );
        let birth = errors.check(
            "date_of_birth",
            values::birth_date(text(&self.date_of_birth), today),
        );
        let email = optional_email(&mut errors, "email", &self.email);
        let pronouns = errors.check("pronouns", pronouns(text(&self.pronouns)));
        let phones = Phones::parse(&mut errors, &self.phones_input());
        let address = Address::parse(
            &mut errors,
            &self.address_line1,
            &self.address_line2,
            &self.city,
            &self.postal_code,
        );
        let province = match text(&self.province).trim() {
            "" => Some(None),
            raw => errors.check("province", Province::parse(raw)).map(Some),
        };
        let emergency_contact = EmergencyContact::parse(
            &mut errors,
            &self.emergency_contact_name,
            &self.emergency_contact_relationship,
            &self.emergency_contact_phone,
        );
        let family_doctor = FamilyDoctor::parse(
            &mut errors,
            &self.family_doctor_name,
            &self.family_doctor_clinic,
            &self.family_doctor_phone,
            &self.family_doctor_fax,
        );
        let desk_notes = errors.check("desk_notes", optional_note(text(&self.desk_notes)));
        match (
            first, last, preferred, pronouns, birth, email, province, desk_notes,
        ) {
            (
                Some(first),
                Some(last),
                Some(preferred),
                Some(pronouns),
                Some(birth),
                Some(email),
                Some(province),
                Some(desk_notes),
            ) if errors.is_empty() => Ok(PatientFields {
                legal_first_name: first,
                legal_last_name: last,
                preferred_name: preferred,
                pronouns,
                date_of_birth: birth,
                email,
                phone: phones.preferred().cloned(),
                phones,
                address,
                province,
                emergency_contact,
                family_doctor,
                desk_notes,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location() -> LocationInput {
        LocationInput {
            name: Some("Annex".into()),
            province: Some("ON".into()),
            time_zone: Some("America/Toronto".into()),
            ..LocationInput::default()
        }
    }

    #[test]
    fn a_location_defaults_to_a_fifteen_minute_grid() {
        let fields = location().parse().unwrap();

        assert_eq!(fields.slot_step_minutes, 15);
        assert!(fields.active);
    }

    #[test]
    fn every_bad_location_field_is_named() {
        let input = LocationInput {
            name: Some(" ".into()),
            province: Some("XX".into()),
            time_zone: Some("America/Nowhere".into()),
            slot_step_minutes: Some("ten".into()),
            ..LocationInput::default()
        };

        let errors = input.parse().unwrap_err();

        for field in ["name", "province", "time_zone", "slot_step_minutes"] {
            assert!(
                errors.get(field).is_some(),
                "{field} not reported: {errors}"
            );
        }
    }

    #[test]
    fn services_refuse_negative_prices_and_durations() {
        let input = ServiceInput {
            name: Some("Massage 60".into()),
            duration_minutes: Some("-60".into()),
            price: Some("-95".into()),
            ..ServiceInput::default()
        };

        let errors = input.parse().unwrap_err();

        assert!(errors.get("duration_minutes").is_some());
        assert_eq!(errors.get("price"), Some("must not be negative"));
    }

    #[test]
    fn registration_errors_name_the_row() {
        let input = PractitionerInput {
            name: Some("Léa Tremblay".into()),
            registrations: vec![RegistrationInput {
                province: Some("ON".into()),
                college: Some("CMTO".into()),
                ..RegistrationInput::default()
            }],
            ..PractitionerInput::default()
        };

        let errors = input.parse().unwrap_err();

        assert_eq!(errors.get("registrations[0].number"), Some("is required"));
    }

    #[test]
    fn postal_codes_are_normalised() {
        assert_eq!(postal_code("m5v2t6").unwrap().as_deref(), Some("M5V 2T6"));
        assert!(postal_code("12345").is_err());
    }

    #[test]
    fn a_future_birth_date_is_refused() {
        let today = jiff::civil::date(2026, 12, 3);
        let input = PatientInput {
            legal_first_name: Some("Ana".into()),
            legal_last_name: Some("Roy".into()),
            date_of_birth: Some("2027-01-01".into()),
            ..PatientInput::default()
        };

        assert_eq!(
            input.parse(today).unwrap_err().get("date_of_birth"),
            Some("is in the future")
        );
    }
}
