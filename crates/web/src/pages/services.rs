//! Services: what the clinic offers, for how long and at what price, and who gives it.

use super::errors::PageResult;
use super::form::{Choice, Form, Labels};
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
use knead_app::AppError;
use knead_domain::ids::ServiceId;
use knead_domain::setup::{Practitioner, Service, ServiceFields, ServiceInput};

const LABELS: Labels = &[
    ("name", "Name"),
    ("duration_minutes", "Duration"),
    ("price", "Price"),
    ("tax_code", "Sales tax"),
    ("buffer_before_minutes", "Buffer before"),
    ("buffer_after_minutes", "Buffer after"),
    ("practitioner_ids", "Practitioners"),
    ("online_bookable", "Patients can book it online"),
    ("active", "Active"),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/services", get(list).post(create))
        .route("/services/new", get(new))
        .route("/services/{id}", get(edit).post(update))
}

#[derive(Template)]
#[template(path = "services.html")]
struct ListPage {
    chrome: Chrome,
    services: Vec<Service>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage {
    chrome: Chrome,
    form: Form,
    id: Option<String>,
    practitioners: Vec<Choice>,
    saved: Option<&'static str>,
}

impl ServicePage {
    fn heading(&self) -> String {
        heading(
            self.id.as_deref(),
            self.form.value_or("name", "Service"),
            "Add a service",
        )
    }

    fn action(&self) -> String {
        action("/services", self.id.as_deref())
    }
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let page = state.app.services(&signed.staff, &q.page()?).await?;
    let chrome = chrome(&state, &signed, Section::Services).await?;
    render(
        StatusCode::OK,
        &ListPage {
            chrome,
            services: page.items,
            next: page.next_cursor,
        },
    )
}

async fn new(State(state): State<AppState>, signed: Signed) -> PageResult {
    let form = Form::new(LABELS)
        .with("tax_code", "taxable")
        .with("buffer_before_minutes", 0)
        .with("buffer_after_minutes", 0)
        .with("active", true);
    render(
        StatusCode::OK,
        &service_page(&state, &signed, None, form).await?,
    )
}

async fn create(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let input = service_input(&form);
    let result = state.app.create_service(&signed.staff, &input).await;
    match result {
        Ok(service) => Ok(see_other(&format!("/services/{}?saved=1", service.id))),
        Err(error) => {
            let form = form.rejected(error)?;
            render(
                form.status(),
                &service_page(&state, &signed, None, form).await?,
            )
        }
    }
}

async fn edit(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let id = ServiceId::from_string(id);
    let service = state.app.service(&signed.staff, &id).await?;
    let form = service_form(&service.fields);
    let mut page = service_page(&state, &signed, Some(&id), form).await?;
    page.saved = q.saved().map(|_| "Service saved.");
    render(StatusCode::OK, &page)
}

async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = ServiceId::from_string(id);
    let form = Form::posted(LABELS, &body);
    let input = service_input(&form);
    let result = state.app.update_service(&signed.staff, &id, &input).await;
    match result {
        Ok(_) => Ok(see_other(&format!("/services/{id}?saved=1"))),
        Err(error) => {
            let form = form.rejected(error)?;
            render(
                form.status(),
                &service_page(&state, &signed, Some(&id), form).await?,
            )
        }
    }
}

async fn service_page(
    state: &AppState,
    signed: &Signed,
    id: Option<&ServiceId>,
    form: Form,
) -> Result<ServicePage, AppError> {
    let practitioners = state
        .app
        .practitioners(&signed.staff, &everything()?)
        .await?
        .items;
    let options = practitioners.into_iter().map(practitioner_option).collect();
    Ok(ServicePage {
        chrome: chrome(state, signed, Section::Services).await?,
        practitioners: form.group("practitioner_ids", options),
        form,
        id: id.map(|id| id.to_string()),
        saved: None,
    })
}

fn practitioner_option(p: Practitioner) -> (String, String) {
    let suffix = if p.fields.active { "" } else { " (inactive)" };
    (p.id.to_string(), format!("{}{suffix}", p.fields.name))
}

fn service_form(f: &ServiceFields) -> Form {
    let mut form = Form::new(LABELS)
        .with("name", &f.name)
        .with("duration_minutes", f.duration_minutes)
        .with("price", f.price)
        .with("tax_code", f.tax_code.as_str())
        .with("buffer_before_minutes", f.buffer_before_minutes)
        .with("buffer_after_minutes", f.buffer_after_minutes)
        .with("online_bookable", f.online_bookable)
        .with("active", f.active);
    for id in &f.practitioner_ids {
        form = form.with("practitioner_ids", id);
    }
    form
}

fn service_input(form: &Form) -> ServiceInput {
    ServiceInput {
        name: form.text("name"),
        duration_minutes: form.text("duration_minutes"),
        price: form.text("price"),
        tax_code: form.text("tax_code"),
        buffer_before_minutes: form.text("buffer_before_minutes"),
        buffer_after_minutes: form.text("buffer_after_minutes"),
        online_bookable: form.flag("online_bookable"),
        practitioner_ids: form.all("practitioner_ids"),
        active: form.flag("active"),
    }
}
