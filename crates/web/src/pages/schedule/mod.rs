//! The schedule: the front desk's day view (a column per practitioner) and a practitioner's
//! week, booking at the desk (single or repeating), each appointment's page with its
//! actions, and the setup behind availability: weekly hours, time off and extra shifts,
//! closures, holidays and the booking rules.
//!
//! Every time on these pages is the location's civil time and the page names the zone.
//! "Now" comes from the application's clock, never the machine's, so tests can pin it.

mod appointment;
mod book;
mod calendar;
mod closures;
mod exceptions;
mod grid;
mod history;
mod holidays;
mod hours;
mod load;
mod policy;
mod setup_span;
mod still_booked;
mod time;

use super::view::{Chrome, Section, chrome};
use crate::AppState;
use crate::auth::Signed;
use axum::Router;
use knead_app::AppError;
use knead_domain::appointment::Status;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .merge(calendar::routes())
        .merge(book::routes())
        .merge(appointment::routes())
        .merge(hours::routes())
        .merge(exceptions::routes())
        .merge(closures::routes())
        .merge(holidays::routes())
        .merge(policy::routes())
}

/// Whether the layout marks "Schedule" as the current section. Schedule pages are the ones
/// that mark no other section current (see [`schedule_chrome`]).
pub(crate) fn is_current(chrome: &Chrome) -> bool {
    !chrome.elsewhere && chrome.nav.iter().all(|item| !item.current)
}

/// The page header for a schedule page: no other section is marked current.
pub(super) async fn schedule_chrome(state: &AppState, signed: &Signed) -> Result<Chrome, AppError> {
    let mut chrome = chrome(state, signed, Section::Home).await?;
    for item in &mut chrome.nav {
        item.current = false;
    }
    Ok(chrome)
}

/// The parts of the schedule, for its own navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tab {
    Day,
    Week,
    Book,
    Hours,
    Exceptions,
    Closures,
    Holidays,
    Policy,
}

const TABS: [(Tab, &str, &str); 8] = [
    (Tab::Day, "/schedule", "Day"),
    (Tab::Week, "/schedule/week", "Week"),
    (Tab::Book, "/schedule/book", "Book"),
    (Tab::Hours, "/schedule/hours", "Hours"),
    (
        Tab::Exceptions,
        "/schedule/exceptions",
        "Time off and shifts",
    ),
    (Tab::Closures, "/schedule/closures", "Closures"),
    (Tab::Holidays, "/schedule/holidays", "Holidays"),
    (Tab::Policy, "/schedule/policy", "Booking rules"),
];

/// One link of the schedule's navigation.
pub(crate) struct TabLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The schedule's navigation with `current` marked.
pub(super) fn tabs(current: Tab) -> Vec<TabLink> {
    TABS.into_iter()
        .map(|(tab, href, label)| TabLink {
            href,
            label,
            current: tab == current,
        })
        .collect()
}

/// A status's colour class and the words shown with it (never colour alone).
pub(super) fn status_look(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Booked => ("booked", "Booked"),
        Status::Arrived => ("arrived", "Arrived"),
        Status::Completed => ("completed", "Completed"),
        Status::Cancelled => ("cancelled", "Cancelled"),
        Status::LateCancelled => ("late-cancelled", "Late cancellation"),
        Status::NoShow => ("no-show", "No-show"),
    }
}

/// The mark shown with a status's words, so status never rests on colour alone.
pub(crate) fn status_icon(class: &str) -> &'static str {
    match class {
        "booked" => "○",
        "arrived" => "●",
        "completed" => "✓",
        "no-show" => "✗",
        "cancelled" | "late-cancelled" => "⊘",
        _ => "•",
    }
}

/// The address of an appointment's page.
pub(super) fn appointment_href(id: &str) -> String {
    format!("/schedule/appointments/{id}")
}

/// The day view of `location` on `date`.
pub(super) fn day_href(location: &str, date: jiff::civil::Date) -> String {
    format!("/schedule?location={location}&date={date}")
}
