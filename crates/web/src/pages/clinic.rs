//! The clinic's settings: its legal and operating names, mailing address and contacts.

use super::errors::PageResult;
use super::form::{Form, Labels};
use super::view::{Chrome, PageQuery, Section, chrome, render, see_other};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::get;
use knead_domain::setup::{Address, ClinicInput, ClinicProfile};

pub(crate) const ADDRESS_LABELS: [(&str, &str); 5] = [
    ("address_line1", "Street address"),
    ("address_line2", "Suite, unit or floor"),
    ("city", "City"),
    ("province", "Province or territory"),
    ("postal_code", "Postal code"),
];

const LABELS: Labels = &[
    ("legal_name", "Legal name"),
    ("operating_name", "Operating name"),
    ADDRESS_LABELS[0],
    ADDRESS_LABELS[1],
    ADDRESS_LABELS[2],
    ADDRESS_LABELS[3],
    ADDRESS_LABELS[4],
    ("phone", "Phone"),
    ("email", "Email"),
    ("website", "Website"),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/settings/clinic", get(show).post(save))
}

#[derive(Template)]
#[template(path = "clinic.html")]
struct ClinicPage {
    chrome: Chrome,
    form: Form,
    saved: Option<&'static str>,
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let clinic = state.app.clinic(&signed.staff).await?;
    let form = profile_form(&clinic.profile);
    let chrome = chrome(&state, &signed, Section::Clinic).await?;
    render(
        form.status(),
        &ClinicPage {
            chrome,
            form,
            saved: q.saved().map(|_| "Clinic settings saved."),
        },
    )
}

async fn save(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let input = clinic_input(&form);
    let result = state.app.update_clinic(&signed.staff, &input).await;
    match result {
        Ok(_) => Ok(see_other("/settings/clinic?saved=1")),
        Err(error) => {
            let form = form.rejected(error)?;
            let chrome = chrome(&state, &signed, Section::Clinic).await?;
            render(
                form.status(),
                &ClinicPage {
                    chrome,
                    form,
                    saved: None,
                },
            )
        }
    }
}

fn profile_form(p: &ClinicProfile) -> Form {
    let form = Form::new(LABELS)
        .with("legal_name", &p.legal_name)
        .with_some("operating_name", p.operating_name.as_ref());
    with_address(form, &p.address)
        .with_some("province", p.province.map(|p| p.code()))
        .with_some("phone", p.phone.as_ref())
        .with_some("email", p.email.as_ref())
        .with_some("website", p.website.as_ref())
}

/// Fills the address fields clinics, locations and patients share.
pub(super) fn with_address(form: Form, a: &Address) -> Form {
    form.with_some("address_line1", a.address_line1.as_ref())
        .with_some("address_line2", a.address_line2.as_ref())
        .with_some("city", a.city.as_ref())
        .with_some("postal_code", a.postal_code.as_ref())
}

fn clinic_input(form: &Form) -> ClinicInput {
    ClinicInput {
        legal_name: form.text("legal_name"),
        operating_name: form.text("operating_name"),
        address_line1: form.text("address_line1"),
        address_line2: form.text("address_line2"),
        city: form.text("city"),
        province: form.text("province"),
        postal_code: form.text("postal_code"),
        phone: form.text("phone"),
        email: form.text("email"),
        website: form.text("website"),
    }
}
