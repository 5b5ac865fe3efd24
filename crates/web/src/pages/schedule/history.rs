//! An appointment's recorded changes in words: what happened, who did it, when on the
//! location's clock, and why, read from the audit trail's details.

use super::load::Place;
use super::time::{clock, instant, local};
use super::{appointment_href, status_look};
use crate::AppState;
use knead_app::scheduling::AppointmentChange;
use knead_app::{AppError, Staff};
use knead_domain::appointment::Status;
use knead_domain::setup::Practitioner;
use serde_json::Value;

/// One change as the page lists it.
pub(crate) struct Change {
    pub when: String,
    pub who: String,
    pub what: String,
    pub why: Vec<String>,
    /// Another appointment the change led to or came from, and the link's words.
    pub link: Option<(String, &'static str)>,
}

/// The changes of appointment `id`, oldest first.
pub(super) async fn changes(
    state: &AppState,
    staff: &Staff,
    id: &str,
    place: &Place,
    practitioners: &[Practitioner],
) -> Result<Vec<Change>, AppError> {
    let changes = state.app.appointment_history(staff, id).await?;
    Ok(changes
        .iter()
        .map(|c| described(c, place, practitioners))
        .collect())
}

fn described(change: &AppointmentChange, place: &Place, practitioners: &[Practitioner]) -> Change {
    let at = local(instant(change.at), &place.tz);
    let d = &change.detail;
    let (what, link) = what(&change.action, d, practitioners);
    Change {
        when: format!("{}, {}", at.strftime("%a %-d %b %Y"), clock(&at)),
        who: change.by.clone(),
        what,
        why: why(d),
        link,
    }
}

fn text<'a>(detail: &'a Value, key: &str) -> Option<&'a str> {
    detail.get(key)?.as_str().filter(|t| !t.trim().is_empty())
}

fn flag(detail: &Value, key: &str) -> bool {
    detail.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A stored local time (`2026-12-03T09:15`) as "Thu 3 Dec 2026 09:15".
fn local_time(raw: Option<&str>) -> String {
    match raw.and_then(|r| r.parse::<jiff::civil::DateTime>().ok()) {
        Some(at) => at.strftime("%a %-d %b %Y %H:%M").to_string(),
        None => "an unknown time".to_owned(),
    }
}

fn status_words(raw: Option<&str>) -> &'static str {
    raw.and_then(|r| Status::parse(r).ok())
        .map_or("unknown", |s| status_look(s).1)
}

fn name_of<'a>(practitioners: &'a [Practitioner], id: Option<&str>) -> Option<&'a str> {
    let id = id?;
    practitioners
        .iter()
        .find(|p| p.id.as_str() == id)
        .map(|p| p.fields.name.as_str())
}

fn what(
    action: &str,
    d: &Value,
    practitioners: &[Practitioner],
) -> (String, Option<(String, &'static str)>) {
    match action {
        "appointment.booked" => {
            let what = format!("Booked for {}", local_time(text(d, "start")));
            let from = text(d, "rescheduled_from").map(|id| (appointment_href(id), "The original"));
            (what, from)
        }
        "appointment.rescheduled" => moved(d, practitioners),
        "appointment.cancelled" => {
            let what = match (flag(d, "late"), flag(d, "by_clinic")) {
                (true, _) => "Cancelled late, by the patient",
                (false, true) => "Cancelled by the clinic",
                (false, false) => "Cancelled in time",
            };
            (what.to_owned(), None)
        }
        "appointment.status_changed" => {
            let what = format!(
                "Status changed from {} to {}",
                status_words(text(d, "from")),
                status_words(text(d, "to"))
            );
            (what, None)
        }
        "series.booked" => {
            let every = d.get("every_weeks").and_then(Value::as_i64).unwrap_or(1);
            let booked = d.get("booked").and_then(Value::as_i64).unwrap_or(0);
            let skipped = d.get("skipped").and_then(Value::as_i64).unwrap_or(0);
            let repeat = match every {
                1 => "every week".to_owned(),
                n => format!("every {n} weeks"),
            };
            let what = format!(
                "Booked as part of a series repeating {repeat}: {booked} booked, {skipped} \
                 skipped for conflicts"
            );
            (what, None)
        }
        other => (other.replace(['.', '_'], " "), None),
    }
}

fn moved(d: &Value, practitioners: &[Practitioner]) -> (String, Option<(String, &'static str)>) {
    let mut what = format!(
        "Moved from {} to {}",
        local_time(text(d, "from")),
        local_time(text(d, "to"))
    );
    let before = name_of(practitioners, text(d, "from_practitioner_id"));
    let after = name_of(practitioners, text(d, "practitioner_id"));
    if let (Some(before), Some(after)) = (before, after)
        && before != after
    {
        what.push_str(&format!(", and from {before} to {after}"));
    }
    if flag(d, "late") {
        what.push_str("; counted as a late cancellation, the new time is a new appointment");
    }
    let link =
        text(d, "new_appointment_id").map(|id| (appointment_href(id), "The new appointment"));
    (what, link)
}

/// The reasons a change recorded.
fn why(d: &Value) -> Vec<String> {
    let mut why = Vec::new();
    if let Some(reason) = text(d, "reason") {
        why.push(format!("Reason: {reason}"));
    }
    if let Some(reason) = text(d, "override_reason") {
        why.push(format!("Booked outside the usual rules: {reason}"));
    }
    why
}
