//! Patients: search by name, phone or email, add a patient, and edit one's demographic and
//! contact details. Patient data never reaches the log; handlers log ids at most.

use super::clinic::{ADDRESS_LABELS, with_address};
use super::errors::PageResult;
use super::form::{Form, Labels};
use super::patient_tabs::{PatientTab, PatientTabLink, patient_tabs};
use super::view::{Chrome, PageQuery, Section, action, chrome, heading, render, see_other};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use knead_domain::ids::PatientId;
use knead_domain::patient_record::PhoneKind;
use knead_domain::setup::{Patient, PatientFields, PatientInput};

const LABELS: Labels = &[
    ("legal_first_name", "Legal first name"),
    ("legal_last_name", "Legal last name"),
    ("preferred_name", "Preferred name"),
    ("pronouns", "Pronouns"),
    ("date_of_birth", "Date of birth"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("mobile_phone", "Mobile phone"),
    ("home_phone", "Home phone"),
    ("work_phone", "Work phone"),
    ("preferred_phone", "Preferred phone"),
    ADDRESS_LABELS[0],
    ADDRESS_LABELS[1],
    ADDRESS_LABELS[2],
    ADDRESS_LABELS[3],
    ADDRESS_LABELS[4],
    ("emergency_contact_name", "Emergency contact name"),
    (
        "emergency_contact_relationship",
        "Relationship to the patient",
    ),
    ("emergency_contact_phone", "Emergency contact phone"),
    ("family_doctor_name", "Family doctor"),
    ("family_doctor_clinic", "Doctor's clinic"),
    ("family_doctor_phone", "Doctor's phone"),
    ("family_doctor_fax", "Doctor's fax"),
    ("desk_notes", "Notes for the desk"),
];

/// The choices of the preferred-phone select.
pub(crate) fn phone_kinds() -> Vec<(&'static str, &'static str)> {
    PhoneKind::ALL
        .iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients", get(list).post(create))
        .route("/patients/new", get(new))
        .route("/patients/{id}", get(edit).post(update))
}

#[derive(Template)]
#[template(path = "patients.html")]
struct ListPage {
    chrome: Chrome,
    query: String,
    patients: Vec<Patient>,
    next: Option<String>,
    /// The list's address with the search kept, ready for `cursor=`.
    pager_path: String,
}

#[derive(Template)]
#[template(path = "patient.html")]
struct PatientPage {
    chrome: Chrome,
    form: Form,
    id: Option<String>,
    saved: Option<&'static str>,
    tabs: Vec<PatientTabLink>,
}

impl PatientPage {
    fn heading(&self) -> String {
        let first = self.form.value_or("legal_first_name", "Patient");
        let name = format!("{first} {}", self.form.value("legal_last_name"));
        heading(self.id.as_deref(), name.trim(), "Add a patient")
    }

    fn action(&self) -> String {
        action("/patients", self.id.as_deref())
    }
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let query = q.q.clone().unwrap_or_default();
    let page = state
        .app
        .patients(&signed.staff, &query, &q.page()?)
        .await?;
    let encoded: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    let pager_path = format!("/patients?q={encoded}&");
    let chrome = chrome(&state, &signed, Section::Patients).await?;
    let next = page.next_cursor;
    render(
        StatusCode::OK,
        &ListPage {
            chrome,
            query,
            patients: page.items,
            next,
            pager_path,
        },
    )
}

async fn new(State(state): State<AppState>, signed: Signed) -> PageResult {
    let clinic = state.app.clinic(&signed.staff).await?;
    let form = Form::new(LABELS).with_some("province", clinic.profile.province.map(|p| p.code()));
    patient_page(&state, &signed, None, form, None).await
}

async fn create(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let input = patient_input(&form);
    let result = state.app.create_patient(&signed.staff, &input).await;
    match result {
        Ok(patient) => Ok(see_other(&format!("/patients/{}?saved=1", patient.id))),
        Err(error) => patient_page(&state, &signed, None, form.rejected(error)?, None).await,
    }
}

async fn edit(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let id = PatientId::from_string(id);
    let patient = state.app.patient(&signed.staff, &id).await?;
    let saved = q.saved().map(|_| "Patient saved.");
    patient_page(
        &state,
        &signed,
        Some(&id),
        patient_form(&patient.fields),
        saved,
    )
    .await
}

async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = PatientId::from_string(id);
    let form = Form::posted(LABELS, &body);
    let input = patient_input(&form);
    let result = state.app.update_patient(&signed.staff, &id, &input).await;
    match result {
        Ok(_) => Ok(see_other(&format!("/patients/{id}?saved=1"))),
        Err(error) => patient_page(&state, &signed, Some(&id), form.rejected(error)?, None).await,
    }
}

async fn patient_page(
    state: &AppState,
    signed: &Signed,
    id: Option<&PatientId>,
    form: Form,
    saved: Option<&'static str>,
) -> PageResult {
    let chrome = chrome(state, signed, Section::Patients).await?;
    let id = id.map(|id| id.to_string());
    let tabs = match &id {
        Some(id) => patient_tabs(&signed.staff, id, PatientTab::Details),
        None => Vec::new(),
    };
    render(
        form.status(),
        &PatientPage {
            chrome,
            form,
            id,
            saved,
            tabs,
        },
    )
}

fn patient_form(f: &PatientFields) -> Form {
    let form = Form::new(LABELS)
        .with("legal_first_name", &f.legal_first_name)
        .with("legal_last_name", &f.legal_last_name)
        .with_some("preferred_name", f.preferred_name.as_ref())
        .with_some("pronouns", f.pronouns.as_ref())
        .with_some("date_of_birth", f.date_of_birth)
        .with_some("email", f.email.as_ref())
        .with_some("mobile_phone", f.phones.mobile_phone.as_ref())
        .with_some("home_phone", f.phones.home_phone.as_ref())
        .with_some("work_phone", f.phones.work_phone.as_ref())
        .with_some(
            "preferred_phone",
            f.phones.preferred_phone.map(|k| k.as_str()),
        );
    let emergency = &f.emergency_contact;
    let doctor = &f.family_doctor;
    with_address(form, &f.address)
        .with_some("province", f.province.map(|p| p.code()))
        .with_some(
            "emergency_contact_name",
            emergency.emergency_contact_name.as_ref(),
        )
        .with_some(
            "emergency_contact_relationship",
            emergency.emergency_contact_relationship.as_ref(),
        )
        .with_some(
            "emergency_contact_phone",
            emergency.emergency_contact_phone.as_ref(),
        )
        .with_some("family_doctor_name", doctor.family_doctor_name.as_ref())
        .with_some("family_doctor_clinic", doctor.family_doctor_clinic.as_ref())
        .with_some("family_doctor_phone", doctor.family_doctor_phone.as_ref())
        .with_some("family_doctor_fax", doctor.family_doctor_fax.as_ref())
        .with_some("desk_notes", f.desk_notes.as_ref())
}

fn patient_input(form: &Form) -> PatientInput {
    PatientInput {
        legal_first_name: form.text("legal_first_name"),
        legal_last_name: form.text("legal_last_name"),
        preferred_name: form.text("preferred_name"),
        pronouns: form.text("pronouns"),
        date_of_birth: form.text("date_of_birth"),
        email: form.text("email"),
        phone: None,
        mobile_phone: form.text("mobile_phone"),
        home_phone: form.text("home_phone"),
        work_phone: form.text("work_phone"),
        preferred_phone: form.text("preferred_phone"),
        address_line1: form.text("address_line1"),
        address_line2: form.text("address_line2"),
        city: form.text("city"),
        province: form.text("province"),
        postal_code: form.text("postal_code"),
        emergency_contact_name: form.text("emergency_contact_name"),
        emergency_contact_relationship: form.text("emergency_contact_relationship"),
        emergency_contact_phone: form.text("emergency_contact_phone"),
        family_doctor_name: form.text("family_doctor_name"),
        family_doctor_clinic: form.text("family_doctor_clinic"),
        family_doctor_phone: form.text("family_doctor_phone"),
        family_doctor_fax: form.text("family_doctor_fax"),
        desk_notes: form.text("desk_notes"),
    }
}
