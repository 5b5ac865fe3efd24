//! The booking rules: how much notice an online booking needs, how far ahead it may reach,
//! when a cancellation is late and how far apart start times are. The page says the rules in
//! force in plain words, lets those who manage the clinic's set-up save a change, which
//! becomes a new version, and lists the saved versions, newest first.
//!
//! Durations are typed as whole numbers in the unit a person thinks in (minutes, hours or
//! days) and turned into the minutes the use case reads; what is not a whole number, or lies
//! outside the domain's limits, is refused beside its field and nothing is saved.

use super::time::{clock, instant, local, long_date, zone, zone_text};
use super::{Tab, TabLink, schedule_chrome, tabs};
use crate::AppState;
use crate::auth::Signed;
use crate::pages::errors::PageResult;
use crate::pages::form::{Choice, Form, Labels};
use crate::pages::view::{Chrome, everything, render, see_other};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use jiff::tz::TimeZone;
use knead_app::scheduling::PolicyVersion;
use knead_app::{AppError, Staff};
use knead_domain::appointment::{
    BookingPolicy, BookingPolicyInput, HORIZON_DAYS, LATE_CANCEL_WINDOW_MINUTES, NOTICE_MINUTES,
};
use knead_domain::{FieldErrors, Invalid, Permission};
use serde::Deserialize;
use std::ops::RangeInclusive;

const LABELS: Labels = &[
    ("minimum_notice", "Minimum notice"),
    ("minimum_notice_unit", "Minimum notice in"),
    ("horizon_days", "How far ahead"),
    ("late_cancel_window", "Late-cancellation window"),
    ("late_cancel_window_unit", "Window in"),
    (
        "reschedule_inside_window_is_late",
        "Count a move inside the window as a late cancellation",
    ),
    ("slot_step_minutes", "Start times"),
];

/// The use case's fields held by page fields of another name.
const RENAMED: [(&str, &str); 2] = [
    ("minimum_notice_minutes", "minimum_notice"),
    ("late_cancel_window_minutes", "late_cancel_window"),
];

/// A unit a duration may be typed in: its name in the form and its length in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Unit {
    name: &'static str,
    minutes: i64,
}

const MINUTES: Unit = Unit {
    name: "minutes",
    minutes: 1,
};
const HOURS: Unit = Unit {
    name: "hours",
    minutes: 60,
};
const DAYS: Unit = Unit {
    name: "days",
    minutes: 24 * 60,
};
const UNITS: [Unit; 3] = [MINUTES, HOURS, DAYS];

/// The start-time steps offered; `None` leaves each location's own.
const STEPS: [Option<i64>; 7] = [
    None,
    Some(5),
    Some(10),
    Some(15),
    Some(20),
    Some(30),
    Some(60),
];

/// How many saved versions the history lists.
// Known shortcoming: only the newest 50 versions are listed; a paged list would remove this
// limit.
const HISTORY_LIMIT: i64 = 50;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/schedule/policy", get(show).post(save))
}

#[derive(Debug, Default, Deserialize)]
struct PolicyQuery {
    saved: Option<String>,
}

/// A saved version as the history lists it.
struct VersionRow {
    version: i64,
    in_force: bool,
    saved_at: String,
    saved_by: String,
    notice: String,
    horizon: String,
    window: String,
    moves_late: bool,
    step: String,
}

#[derive(Template)]
#[template(path = "schedule_policy.html")]
struct PolicyPage {
    chrome: Chrome,
    tabs: Vec<TabLink>,
    version_line: String,
    rules: Vec<String>,
    form: Form,
    notice_units: Vec<Choice>,
    window_units: Vec<Choice>,
    steps: Vec<Choice>,
    next_version: i64,
    history: Vec<VersionRow>,
    zone: String,
    saved: Option<String>,
    can_edit: bool,
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PolicyQuery>,
) -> PageResult {
    let policy = state.app.booking_policy(&signed.staff).await?;
    let form = stored_form(&policy);

    let mut page = policy_page(&state, &signed, &policy, form).await?;
    let saved = q.saved.as_deref().and_then(|v| v.trim().parse().ok());
    page.saved = saved.map(saved_message);
    render(StatusCode::OK, &page)
}

async fn save(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let staff = &signed.staff;
    staff.require(Permission::ManageSetup)?;
    let form = Form::posted(LABELS, &body);

    let result = match policy_input(&form) {
        Ok(input) => state.app.update_booking_policy(staff, &input).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let error = match result {
        Ok(saved) => {
            let href = format!("/schedule/policy?saved={}", saved.version);
            return Ok(see_other(&href));
        }
        Err(error) => renamed(error),
    };

    let form = form.rejected(error)?;
    let policy = state.app.booking_policy(staff).await?;
    let page = policy_page(&state, &signed, &policy, form).await?;
    render(page.form.status(), &page)
}

fn saved_message(version: i64) -> String {
    format!(
        "Saved as version {version}. Appointments booked from now on follow these rules; \
         those already booked keep the version they were booked under."
    )
}

/// The form filled with the rules in force, each duration in the unit it reads best in.
fn stored_form(policy: &BookingPolicy) -> Form {
    let (notice, notice_unit) = natural(policy.minimum_notice_minutes);
    let (window, window_unit) = natural(policy.late_cancel_window_minutes);
    Form::new(LABELS)
        .with("minimum_notice", notice)
        .with("minimum_notice_unit", notice_unit.name)
        .with("horizon_days", policy.horizon_days)
        .with("late_cancel_window", window)
        .with("late_cancel_window_unit", window_unit.name)
        .with(
            "reschedule_inside_window_is_late",
            policy.reschedule_inside_window_is_late,
        )
        .with_some("slot_step_minutes", policy.slot_step_minutes)
}

/// The rules as the use case reads them, or the problems with what was typed.
fn policy_input(form: &Form) -> Result<BookingPolicyInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let notice = duration(form, "minimum_notice", &NOTICE_MINUTES, &mut errors);
    let horizon = errors.check("horizon_days", typed_days(form.value("horizon_days")));
    let window = duration(
        form,
        "late_cancel_window",
        &LATE_CANCEL_WINDOW_MINUTES,
        &mut errors,
    );

    let (Some(notice), Some(horizon), Some(window)) = (notice, horizon, window) else {
        return Err(errors);
    };
    Ok(BookingPolicyInput {
        minimum_notice_minutes: Some(notice.to_string()),
        horizon_days: Some(horizon.to_string()),
        late_cancel_window_minutes: Some(window.to_string()),
        reschedule_inside_window_is_late: form.flag("reschedule_inside_window_is_late"),
        slot_step_minutes: form.text("slot_step_minutes"),
    })
}

/// The duration in field `name`, in the unit chosen in `{name}_unit`, as minutes.
fn duration(
    form: &Form,
    name: &str,
    range: &RangeInclusive<i64>,
    errors: &mut FieldErrors,
) -> Option<i64> {
    let unit = unit_named(form.value(&format!("{name}_unit")));
    let minutes = unit.and_then(|unit| typed_minutes(form.value(name), unit, range));
    errors.check(name, minutes)
}

fn unit_named(raw: &str) -> Result<Unit, Invalid> {
    let raw = raw.trim();
    UNITS.into_iter().find(|u| u.name == raw).ok_or_else(|| {
        Invalid::new(format!(
            "'{raw}' is not a unit: choose minutes, hours or days"
        ))
    })
}

/// A whole number of `unit`s as minutes, within `range` (in minutes).
fn typed_minutes(raw: &str, unit: Unit, range: &RangeInclusive<i64>) -> Result<i64, Invalid> {
    let amount = whole(raw, unit)?;
    let minutes = amount
        .checked_mul(unit.minutes)
        .filter(|m| m <= range.end());
    match minutes {
        Some(m) if m >= *range.start() => Ok(m),
        Some(_) => Err(Invalid::new(format!(
            "must be at least {}",
            spoken(*range.start())
        ))),
        None => Err(Invalid::new(format!(
            "must be at most {}",
            spoken(*range.end())
        ))),
    }
}

/// The horizon: a whole number of days within the domain's limits.
fn typed_days(raw: &str) -> Result<i64, Invalid> {
    let days = whole(raw, DAYS)?;
    if HORIZON_DAYS.contains(&days) {
        return Ok(days);
    }
    let (first, last) = (HORIZON_DAYS.start(), HORIZON_DAYS.end());
    Err(Invalid::new(format!(
        "must be between {first} and {last} days"
    )))
}

/// A whole number, 0 or more, of `unit`s.
fn whole(raw: &str, unit: Unit) -> Result<i64, Invalid> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Invalid::new("is required"));
    }
    let amount: i64 = text
        .parse()
        .map_err(|_| Invalid::new(format!("'{text}' is not a whole number of {}", unit.name)))?;
    if amount < 0 {
        return Err(Invalid::new("cannot be negative"));
    }
    Ok(amount)
}

/// The use case's refusal with its fields named as the page names them.
fn renamed(error: AppError) -> AppError {
    let AppError::Invalid(errors) = error else {
        return error;
    };
    let mut renamed = FieldErrors::new();
    for (field, message) in errors.iter() {
        let name = RENAMED
            .iter()
            .find(|(from, _)| *from == field)
            .map_or(field, |(_, to)| to);
        renamed.add(name, message);
    }
    AppError::Invalid(renamed)
}

async fn policy_page(
    state: &AppState,
    signed: &Signed,
    policy: &BookingPolicy,
    form: Form,
) -> Result<PolicyPage, AppError> {
    let staff = &signed.staff;
    let versions = state
        .app
        .booking_policy_history(staff, HISTORY_LIMIT)
        .await?;
    let (tz, zone) = clinic_zone(state, staff).await?;
    let newest = versions
        .first()
        .map_or(policy.version, |v| v.policy.version);
    let history = versions
        .iter()
        .map(|v| version_row(v, policy.version, &tz))
        .collect();
    let units: Vec<(&str, &str)> = UNITS.iter().map(|u| (u.name, u.name)).collect();
    Ok(PolicyPage {
        chrome: schedule_chrome(state, signed).await?,
        tabs: tabs(Tab::Policy),
        version_line: version_line(policy, &versions, &tz),
        rules: rules_in_words(policy),
        notice_units: form.choices("minimum_notice_unit", &units),
        window_units: form.choices("late_cancel_window_unit", &units),
        steps: step_choices(&form),
        form,
        next_version: newest + 1,
        history,
        zone,
        saved: None,
        can_edit: staff.can(Permission::ManageSetup),
    })
}

/// The clock the page's times are read on: the first location's, else UTC.
async fn clinic_zone(state: &AppState, staff: &Staff) -> Result<(TimeZone, String), AppError> {
    let locations = state.app.locations(staff, &everything()?).await?.items;
    match locations.first() {
        Some(first) => Ok((zone(first)?, zone_text(first.fields.time_zone.as_str()))),
        None => Ok((TimeZone::UTC, "UTC".to_owned())),
    }
}

/// The steps as select options; a step saved through the API that the list lacks is kept.
fn step_choices(form: &Form) -> Vec<Choice> {
    let current = form.value("slot_step_minutes").trim();
    let mut choices: Vec<Choice> = STEPS
        .iter()
        .map(|step| {
            let value = step.map_or_else(String::new, |s| s.to_string());
            Choice {
                selected: value == current,
                label: step_text(*step),
                value,
            }
        })
        .collect();
    if !choices.iter().any(|c| c.selected) {
        choices.push(Choice {
            value: current.to_owned(),
            label: format!("Every {current} minutes"),
            selected: true,
        });
    }
    choices
}

/// Which version is in force, and when and by whom it was saved.
fn version_line(policy: &BookingPolicy, versions: &[PolicyVersion], tz: &TimeZone) -> String {
    if policy.version == 0 {
        return "Knead's defaults: the clinic has not saved rules of its own yet.".to_owned();
    }
    match versions.iter().find(|v| v.policy.version == policy.version) {
        Some(saved) => format!(
            "Version {}, saved {} by {}.",
            policy.version,
            saved_at(saved.saved_at, tz),
            saved.saved_by
        ),
        None => format!("Version {}.", policy.version),
    }
}

fn version_row(saved: &PolicyVersion, in_force: i64, tz: &TimeZone) -> VersionRow {
    let policy = &saved.policy;
    let or_none = |minutes: i64| match minutes {
        0 => "None".to_owned(),
        m => spoken(m),
    };
    VersionRow {
        version: policy.version,
        in_force: policy.version == in_force,
        saved_at: saved_at(saved.saved_at, tz),
        saved_by: saved.saved_by.clone(),
        notice: or_none(policy.minimum_notice_minutes),
        horizon: days_text(policy.horizon_days),
        window: or_none(policy.late_cancel_window_minutes),
        moves_late: policy.reschedule_inside_window_is_late,
        step: step_text(policy.slot_step_minutes),
    }
}

/// "Thursday 3 December 2026 at 10:00" on the clock of `tz`.
fn saved_at(epoch: i64, tz: &TimeZone) -> String {
    let at = local(instant(epoch), tz);
    format!("{} at {}", long_date(at.date()), clock(&at))
}

/// The rules in the words a patient or the front desk would use.
fn rules_in_words(policy: &BookingPolicy) -> Vec<String> {
    let ahead = days_text(policy.horizon_days);
    let booking = match policy.minimum_notice_minutes {
        0 => format!("Patients can book online up to {ahead} ahead, right up to the start."),
        notice => format!(
            "Patients can book online up to {ahead} ahead, at least {} before the start.",
            spoken(notice)
        ),
    };
    let mut rules = vec![booking];
    rules.extend(cancellation_rules(policy));
    rules.push(match policy.slot_step_minutes {
        Some(step) => format!(
            "Start times are offered {} at every location, counted on the clock from \
             midnight.",
            step_text(Some(step)).to_lowercase()
        ),
        None => "Start times follow each location's own step.".to_owned(),
    });
    rules
}

fn cancellation_rules(policy: &BookingPolicy) -> Vec<String> {
    if policy.late_cancel_window_minutes == 0 {
        return vec!["No cancellation is late: patients may cancel right up to the start.".into()];
    }
    let window = spoken(policy.late_cancel_window_minutes);
    let late = format!(
        "A cancellation less than {window} before the start is late; one made {window} or \
         more before is in time. Cancellations by the clinic are never late."
    );
    let moves = if policy.reschedule_inside_window_is_late {
        format!(
            "Moving an appointment less than {window} before its start counts as a late \
             cancellation."
        )
    } else {
        "Moving an appointment, even inside that window, is not a late cancellation.".to_owned()
    };
    vec![late, moves]
}

/// The unit a stored duration reads best in: days from three days up, hours for whole
/// hours (so a 24-hour window stays "24 hours"), else minutes.
fn natural(minutes: i64) -> (i64, Unit) {
    if minutes >= 3 * DAYS.minutes && minutes % DAYS.minutes == 0 {
        (minutes / DAYS.minutes, DAYS)
    } else if minutes % HOURS.minutes == 0 {
        (minutes / HOURS.minutes, HOURS)
    } else {
        (minutes, MINUTES)
    }
}

/// A duration in words: "2 hours", "90 minutes", "1 hour", "30 days".
fn spoken(minutes: i64) -> String {
    let (amount, unit) = natural(minutes);
    if amount == 1 {
        format!("1 {}", unit.name.trim_end_matches('s'))
    } else {
        format!("{amount} {}", unit.name)
    }
}

fn days_text(days: i64) -> String {
    if days == 1 {
        "1 day".to_owned()
    } else {
        format!("{days} days")
    }
}

/// "Every 15 minutes", "Every hour", or the location's own step.
fn step_text(step: Option<i64>) -> String {
    match step {
        None => "Each location's own step".to_owned(),
        Some(60) => "Every hour".to_owned(),
        Some(step) => format!("Every {}", spoken(step)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pairs: &[(&str, &str)]) -> Form {
        pairs.iter().fold(Form::new(LABELS), |form, (name, value)| {
            form.with(name, value)
        })
    }

    #[test]
    fn durations_are_typed_in_any_unit_and_read_back_in_the_best_one() {
        let form = typed(&[
            ("minimum_notice", "90"),
            ("minimum_notice_unit", "minutes"),
            ("horizon_days", "60"),
            ("late_cancel_window", "2"),
            ("late_cancel_window_unit", "days"),
        ]);

        let input = policy_input(&form).unwrap();

        assert_eq!(input.minimum_notice_minutes.as_deref(), Some("90"));
        assert_eq!(input.late_cancel_window_minutes.as_deref(), Some("2880"));
        assert_eq!(
            input.reschedule_inside_window_is_late.as_deref(),
            Some("false")
        );
        assert_eq!(natural(2880), (48, HOURS));
        assert_eq!(natural(4320), (3, DAYS));
        assert_eq!(natural(90), (90, MINUTES));
    }

    #[test]
    fn amounts_that_are_not_whole_or_too_large_are_refused_in_words() {
        let form = typed(&[
            ("minimum_notice", "1.5"),
            ("minimum_notice_unit", "hours"),
            ("horizon_days", "0"),
            ("late_cancel_window", "15"),
            ("late_cancel_window_unit", "days"),
        ]);

        let errors = policy_input(&form).unwrap_err();

        assert_eq!(
            errors.get("minimum_notice"),
            Some("'1.5' is not a whole number of hours")
        );
        assert_eq!(
            errors.get("horizon_days"),
            Some("must be between 1 and 730 days")
        );
        assert_eq!(
            errors.get("late_cancel_window"),
            Some("must be at most 14 days")
        );
    }

    #[test]
    fn the_defaults_read_as_sentences() {
        let rules = rules_in_words(&BookingPolicy::default());

        assert_eq!(
            rules,
            [
                "Patients can book online up to 90 days ahead, at least 2 hours before the \
                 start.",
                "A cancellation less than 24 hours before the start is late; one made 24 hours \
                 or more before is in time. Cancellations by the clinic are never late.",
                "Moving an appointment, even inside that window, is not a late cancellation.",
                "Start times follow each location's own step.",
            ]
        );
        assert_eq!(step_text(Some(60)), "Every hour");
        assert_eq!(spoken(60), "1 hour");
    }
}
