//! Practitioners: the list, and a form for each with the locations they work at and their
//! registrations with provincial colleges, entered as table rows.

use super::errors::PageResult;
use super::form::{Choice, Form, Labels, split_row_key};
use super::view::{
    Chrome, PageQuery, Section, action, chrome, everything, heading, render, see_other,
};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use knead_app::{AppError, Staff};
use knead_domain::ids::PractitionerId;
use knead_domain::setup::{
    DEFAULT_PROFESSION, Location, Practitioner, PractitionerFields, PractitionerInput,
    RegistrationInput,
};

const LABELS: Labels = &[
    ("name", "Name"),
    ("profession", "Profession"),
    ("email", "Email"),
    ("location_ids", "Locations"),
    ("active", "Active"),
    ("registrations", "Registrations"),
    ("registrations[]", "Registration"),
];

/// Blank rows offered below the stored registrations.
const SPARE_ROWS: usize = 2;

/// The most registration rows a form may send; more are ignored.
const MAX_ROWS: usize = 20;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/practitioners", get(list).post(create))
        .route("/practitioners/new", get(new))
        .route("/practitioners/{id}", get(edit).post(update))
}

/// A practitioner as the list shows them.
struct Row {
    id: String,
    name: String,
    profession: String,
    locations: String,
    registrations: String,
    active: bool,
}

#[derive(Template)]
#[template(path = "practitioners.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    next: Option<String>,
}

/// The names of one registration row's inputs.
struct RegistrationRow {
    province: String,
    college: String,
    number: String,
    status: String,
}

#[derive(Template)]
#[template(path = "practitioner.html")]
struct PractitionerPage {
    chrome: Chrome,
    form: Form,
    id: Option<String>,
    locations: Vec<Choice>,
    rows: Vec<RegistrationRow>,
    saved: Option<&'static str>,
}

impl PractitionerPage {
    fn heading(&self) -> String {
        heading(
            self.id.as_deref(),
            self.form.value_or("name", "Practitioner"),
            "Add a practitioner",
        )
    }

    fn action(&self) -> String {
        action("/practitioners", self.id.as_deref())
    }
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let page = state.app.practitioners(&signed.staff, &q.page()?).await?;
    let locations = state
        .app
        .locations(&signed.staff, &everything()?)
        .await?
        .items;
    let rows = page.items.iter().map(|p| row(p, &locations)).collect();
    let chrome = chrome(&state, &signed, Section::Practitioners).await?;
    render(
        StatusCode::OK,
        &ListPage {
            chrome,
            rows,
            next: page.next_cursor,
        },
    )
}

fn row(p: &Practitioner, locations: &[Location]) -> Row {
    let f = &p.fields;
    let names: Vec<&str> = locations
        .iter()
        .filter(|l| f.location_ids.contains(&l.id))
        .map(|l| l.fields.name.as_str())
        .collect();
    let registrations: Vec<String> = f
        .registrations
        .iter()
        .map(|r| format!("{} {}", r.province.code(), r.number))
        .collect();
    Row {
        id: p.id.to_string(),
        name: f.name.clone(),
        profession: f.profession.clone(),
        locations: names.join(", "),
        registrations: registrations.join(", "),
        active: f.active,
    }
}

async fn new(State(state): State<AppState>, signed: Signed) -> PageResult {
    let form = Form::new(LABELS)
        .with("profession", DEFAULT_PROFESSION)
        .with("active", true);
    let page = practitioner_page(&state, &signed, None, form, SPARE_ROWS).await?;
    render(StatusCode::OK, &page)
}

async fn create(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let input = practitioner_input(&form);
    match state.app.create_practitioner(&signed.staff, &input).await {
        Ok(p) => Ok(see_other(&format!("/practitioners/{}?saved=1", p.id))),
        Err(error) => {
            refused(
                &state,
                &signed,
                None,
                form,
                error,
                input.registrations.len(),
            )
            .await
        }
    }
}

async fn edit(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let id = PractitionerId::from_string(id);
    let practitioner = state.app.practitioner(&signed.staff, &id).await?;
    let form = practitioner_form(&practitioner.fields);
    let rows = practitioner.fields.registrations.len() + SPARE_ROWS;
    let mut page = practitioner_page(&state, &signed, Some(&id), form, rows).await?;
    page.saved = q.saved().map(|_| "Practitioner saved.");
    render(StatusCode::OK, &page)
}

async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = PractitionerId::from_string(id);
    let form = Form::posted(LABELS, &body);
    let input = practitioner_input(&form);
    let result = state
        .app
        .update_practitioner(&signed.staff, &id, &input)
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/practitioners/{id}?saved=1"))),
        Err(error) => {
            refused(
                &state,
                &signed,
                Some(&id),
                form,
                error,
                input.registrations.len(),
            )
            .await
        }
    }
}

/// The form again, with the application's reasons for refusing it.
async fn refused(
    state: &AppState,
    signed: &Signed,
    id: Option<&PractitionerId>,
    form: Form,
    error: AppError,
    rows: usize,
) -> PageResult {
    let form = form.rejected(error)?;
    let status = form.status();
    let page = practitioner_page(state, signed, id, form, rows.max(SPARE_ROWS)).await?;
    render(status, &page)
}

async fn practitioner_page(
    state: &AppState,
    signed: &Signed,
    id: Option<&PractitionerId>,
    form: Form,
    rows: usize,
) -> Result<PractitionerPage, AppError> {
    Ok(PractitionerPage {
        chrome: chrome(state, signed, Section::Practitioners).await?,
        locations: form.group(
            "location_ids",
            location_options(state, &signed.staff).await?,
        ),
        form,
        id: id.map(|id| id.to_string()),
        rows: (0..rows.min(MAX_ROWS)).map(registration_row).collect(),
        saved: None,
    })
}

/// The clinic's locations as checkbox options, inactive ones marked.
async fn location_options(
    state: &AppState,
    staff: &Staff,
) -> Result<Vec<(String, String)>, AppError> {
    let locations = state.app.locations(staff, &everything()?).await?.items;
    let option = |l: Location| {
        let suffix = if l.fields.active { "" } else { " (inactive)" };
        (l.id.to_string(), format!("{}{suffix}", l.fields.name))
    };
    Ok(locations.into_iter().map(option).collect())
}

fn registration_row(index: usize) -> RegistrationRow {
    let name = |part: &str| format!("registrations[{index}].{part}");
    RegistrationRow {
        province: name("province"),
        college: name("college"),
        number: name("number"),
        status: name("status"),
    }
}

fn practitioner_form(f: &PractitionerFields) -> Form {
    let mut form = Form::new(LABELS)
        .with("name", &f.name)
        .with("profession", &f.profession)
        .with_some("email", f.email.as_ref())
        .with("active", f.active);
    for id in &f.location_ids {
        form = form.with("location_ids", id);
    }
    for (index, r) in f.registrations.iter().enumerate() {
        let row = registration_row(index);
        form = form
            .with(&row.province, r.province.code())
            .with(&row.college, &r.college)
            .with(&row.number, &r.number)
            .with(&row.status, r.status.as_str());
    }
    form
}

fn practitioner_input(form: &Form) -> PractitionerInput {
    PractitionerInput {
        name: form.text("name"),
        profession: form.text("profession"),
        email: form.text("email"),
        registrations: registrations(form),
        location_ids: form.all("location_ids"),
        active: form.flag("active"),
    }
}

/// The registration rows as sent, by their index; the rows' order is kept so the domain's
/// messages (`registrations[1].number`) land on the right inputs.
fn registrations(form: &Form) -> Vec<RegistrationInput> {
    let mut rows: Vec<RegistrationInput> = Vec::new();
    for (key, value) in form.pairs() {
        let Some(("registrations", index, part)) = split_row_key(key) else {
            continue;
        };
        if index >= MAX_ROWS {
            continue;
        }
        if rows.len() <= index {
            rows.resize_with(index + 1, RegistrationInput::default);
        }
        let row = &mut rows[index];
        let slot = match part {
            "province" => &mut row.province,
            "college" => &mut row.college,
            "number" => &mut row.number,
            "status" => &mut row.status,
            _ => continue,
        };
        *slot = Some(value.clone());
    }
    rows
}
