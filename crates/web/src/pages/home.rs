//! The home page: where each part of the clinic's setup stands, what to do next while it is
//! incomplete, and a patient search box for the front desk.

use super::errors::PageResult;
use super::session::current_session;
use super::view::{Chrome, Section, chrome, everything, render, see_other};
use crate::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use knead_app::{AppError, Page, Staff};

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// One step of getting the clinic ready.
struct Step {
    done: bool,
    label: &'static str,
    href: &'static str,
}

/// A part of the setup with how many records it holds.
struct Card {
    href: &'static str,
    label: &'static str,
    count: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    steps: Vec<Step>,
    cards: Vec<Card>,
}

impl HomePage {
    /// The first step not yet done, which the page offers as the next thing to do.
    fn next_step(&self) -> Option<&Step> {
        self.steps.iter().find(|s| !s.done)
    }
}

/// The steps of getting ready, in the order a new clinic takes them.
const STEPS: [(&str, &str); 4] = [
    ("Add the clinic's address", "/settings/clinic"),
    ("Add a location", "/locations/new"),
    ("Add a practitioner", "/practitioners/new"),
    ("Add a service", "/services/new"),
];

async fn home(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    if state.app.needs_first_setup().await? {
        return Ok(see_other("/setup"));
    }
    let Some(signed) = current_session(&state, &headers).await? else {
        return Ok(see_other("/login"));
    };
    let (steps, cards) = progress(&state, &signed.staff).await?;
    let chrome = chrome(&state, &signed, Section::Home).await?;
    render(
        StatusCode::OK,
        &HomePage {
            chrome,
            steps,
            cards,
        },
    )
}

/// Where each part of the clinic's setup stands.
async fn progress(state: &AppState, staff: &Staff) -> Result<(Vec<Step>, Vec<Card>), AppError> {
    let all = everything()?;
    let clinic = state.app.clinic(staff).await?;
    let locations = state.app.locations(staff, &all).await?;
    let practitioners = state.app.practitioners(staff, &all).await?;
    let services = state.app.services(staff, &all).await?;
    let done = [
        clinic.profile.province.is_some(),
        !locations.items.is_empty(),
        !practitioners.items.is_empty(),
        !services.items.is_empty(),
    ];
    let steps = STEPS.iter().zip(done);
    let steps = steps
        .map(|(&(label, href), done)| Step { done, label, href })
        .collect();
    let cards = vec![
        card("/locations", "Locations", &locations),
        card("/practitioners", "Practitioners", &practitioners),
        card("/services", "Services", &services),
    ];
    Ok((steps, cards))
}

fn card<T>(href: &'static str, label: &'static str, page: &Page<T>) -> Card {
    let more = if page.next_cursor.is_some() { "+" } else { "" };
    Card {
        href,
        label,
        count: format!("{}{more}", page.items.len()),
    }
}
