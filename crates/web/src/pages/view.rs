//! What every page shares: the header with the clinic's name and the navigation, rendering
//! with a status, and the answer to a successful form.

use super::errors::PageResult;
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use knead_app::PageRequest;
use knead_app::page_request;
use knead_app::{AppError, ClinicRecord};
use knead_domain::Permission;
use serde::Deserialize;

/// The part of the site a page belongs to, marked as current in the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    Home,
    Patients,
    Locations,
    Practitioners,
    Services,
    Clinic,
    Tokens,
}

const NAV: [(Section, &str, &str); 7] = [
    (Section::Home, "/", "Home"),
    (Section::Patients, "/patients", "Patients"),
    (Section::Locations, "/locations", "Locations"),
    (Section::Practitioners, "/practitioners", "Practitioners"),
    (Section::Services, "/services", "Services"),
    (Section::Clinic, "/settings/clinic", "Clinic settings"),
    (Section::Tokens, "/settings/tokens", "API tokens"),
];

/// One link of the navigation.
pub(crate) struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The header of every signed-in page.
pub(crate) struct Chrome {
    pub clinic_name: String,
    pub staff_name: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

/// The name a clinic goes by: its operating name when it has one.
pub(crate) fn clinic_name(clinic: &ClinicRecord) -> String {
    let profile = &clinic.profile;
    profile
        .operating_name
        .clone()
        .unwrap_or_else(|| profile.legal_name.clone())
}

/// The header for `signed`'s page in `section`.
pub(crate) async fn chrome(
    state: &AppState,
    signed: &Signed,
    section: Section,
) -> Result<Chrome, AppError> {
    let clinic = state.app.clinic(&signed.staff).await?;
    let nav = NAV
        .into_iter()
        .filter(|(s, _, _)| *s != Section::Tokens || signed.staff.can(Permission::ManageTokens))
        .map(|(s, href, label)| NavItem {
            href,
            label,
            current: s == section,
        })
        .collect();
    Ok(Chrome {
        clinic_name: clinic_name(&clinic),
        staff_name: signed.staff.name.clone(),
        csrf: signed.csrf.clone(),
        nav,
    })
}

/// The style sheet's address, versioned by its content so browsers may cache it for good.
pub(crate) fn css_href() -> String {
    format!("/static/knead.css?v={}", super::assets::css_version())
}

/// A rendered page with `status`.
pub(crate) fn render(status: StatusCode, page: &impl Template) -> PageResult {
    Ok((status, Html(page.render()?)).into_response())
}

/// The heading of a record's page: its name once it exists, `new` while it is being added.
pub(crate) fn heading(id: Option<&str>, name: &str, new: &str) -> String {
    match id {
        Some(_) => name.to_owned(),
        None => new.to_owned(),
    }
}

/// Where a record's form posts: the record itself, or the list that adds it.
pub(crate) fn action(list: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("{list}/{id}"),
        None => list.to_owned(),
    }
}

/// The answer to a successful form: see the result at `path` (303).
pub(crate) fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// How many rows a list page shows.
const PAGE_SIZE: i64 = 50;

/// The query string pages read: a list's `cursor` and search `q`, and `saved` after a form
/// succeeded so the page can say so.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    pub cursor: Option<String>,
    pub q: Option<String>,
    pub saved: Option<String>,
}

impl PageQuery {
    /// The page of a list this query asks for.
    pub fn page(&self) -> Result<PageRequest, AppError> {
        page_request(Some(PAGE_SIZE), self.cursor.clone())
    }

    /// What was saved, when the page follows a successful form.
    pub fn saved(&self) -> Option<&str> {
        self.saved.as_deref()
    }
}

/// Every record of a short list (locations, practitioners), for choosing among them.
pub(crate) fn everything() -> Result<PageRequest, AppError> {
    page_request(Some(500), None)
}
