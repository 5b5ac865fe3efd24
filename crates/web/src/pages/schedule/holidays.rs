//! Holidays: a province's statutory holidays for one year, computed from its rules, as the
//! clinic applies them. Every location in that province is closed on them unless the clinic
//! opens on one; the clinic may also add closed days of its own (a day the province does
//! not oblige, a yearly retreat). Each change of the clinic's can be undone.

use super::setup_span::{list_href, today_at};
use super::time::long_date;
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
use axum::routing::{get, post};
use jiff::civil::Date;
use knead_app::scheduling::HolidayView;
use knead_app::{AppError, Staff};
use knead_domain::setup::Location;
use knead_domain::values::Province;
use knead_domain::{FieldErrors, Permission, schedule};
use serde::Deserialize;
use std::ops::RangeInclusive;

const PATH: &str = "/schedule/holidays";

const PICK_LABELS: Labels = &[("province", "Province or territory"), ("year", "Year")];

const LABELS: Labels = &[("date", "Date"), ("name", "Name")];

/// The years the page offers: the rules hold for centuries, a clinic looks a few years away.
const YEARS: RangeInclusive<i16> = 1900..=2999;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show).post(add))
        .route("/schedule/holidays/open", post(open))
        .route("/schedule/holidays/undo", post(undo))
}

#[derive(Debug, Default, Deserialize)]
struct HolidaysQuery {
    province: Option<String>,
    year: Option<String>,
    saved: Option<String>,
}

/// One holiday as the list shows it.
struct Row {
    date: String,
    day: String,
    name: String,
    /// One of the province's statutory holidays, rather than a day the clinic added.
    statutory: bool,
    closed: bool,
    /// Whether the clinic changed this day, so that the change can be undone.
    changed: bool,
}

/// The province and year shown, once both were understood.
#[derive(Clone, Copy)]
struct Shown {
    province: Province,
    year: i16,
}

#[derive(Template)]
#[template(path = "schedule_holidays.html")]
struct HolidaysPage {
    chrome: Chrome,
    tabs: Vec<TabLink>,
    pick: Form,
    provinces: Vec<Choice>,
    shown: Option<Shown>,
    /// The clinic's locations in the province shown, in words.
    places: String,
    /// The days the province lists but does not oblige, in words.
    optional: String,
    rows: Vec<Row>,
    form: Form,
    saved: Option<&'static str>,
    can_edit: bool,
}

impl HolidaysPage {
    /// The form whose problems the summary lists.
    fn problem_form(&self) -> &Form {
        if self.pick.has_problems() {
            &self.pick
        } else {
            &self.form
        }
    }

    fn province_code(&self) -> &'static str {
        self.shown.map_or("", |s| s.province.code())
    }

    /// The same province in `year`.
    fn year_href(&self, year: i16) -> String {
        year_href(self.province_code(), year, "")
    }
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<HolidaysQuery>,
) -> PageResult {
    let locations = state
        .app
        .locations(&signed.staff, &everything()?)
        .await?
        .items;
    let pick = pick_form(&state, &locations, q.province.as_deref(), q.year.as_deref())?;
    let form = Form::new(LABELS);
    let mut page = holidays_page(&state, &signed, &locations, pick, form).await?;
    page.saved = match q.saved.as_deref() {
        Some("opened") => Some("Saved. The clinic is open that day; the weekly hours hold."),
        Some("added") => Some("Added. The clinic is closed that day; no slots are offered."),
        Some("undone") => Some("Undone. The day is back to what the province's rules say."),
        _ => None,
    };
    render(page.pick.status(), &page)
}

/// Adds a closed day of the clinic's own.
async fn add(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    change(&state, &signed, &body, true).await
}

/// Opens on a holiday the province's rules close.
async fn open(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    change(&state, &signed, &body, false).await
}

/// Closes the clinic on the day posted, or opens it (`closed` false).
async fn change(state: &AppState, signed: &Signed, body: &[u8], closed: bool) -> PageResult {
    let form = Form::posted(LABELS, body);
    let (province, day) = (form.value("province"), form.value("date"));
    let result = state
        .app
        .change_holiday(&signed.staff, province, day, form.value("name"), closed)
        .await;
    let saved = if closed { "added" } else { "opened" };
    changed(state, signed, form, result, saved).await
}

/// Undoes the clinic's change to a day.
async fn undo(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let (province, day) = (form.value("province"), form.value("date"));
    let result = state
        .app
        .undo_holiday_change(&signed.staff, province, day)
        .await;
    changed(&state, &signed, form, result, "undone").await
}

/// After a change: the year of the day changed, saying so; or the page again with the
/// refusal, a province that is not one beside the province picker, anything else beside the
/// closed-day form's fields.
async fn changed(
    state: &AppState,
    signed: &Signed,
    form: Form,
    result: Result<(), AppError>,
    saved: &str,
) -> PageResult {
    let province = form.value("province").trim().to_uppercase();
    let error = match result {
        Ok(()) => {
            let year = match form.value("date").trim().parse::<Date>() {
                Ok(day) => day.year().to_string(),
                Err(_) => form.value("year").to_owned(),
            };
            return Ok(see_other(&year_href(&province, year, saved)));
        }
        Err(error) => error,
    };
    let AppError::Invalid(errors) = error else {
        return Err(error.into());
    };
    let locations = state
        .app
        .locations(&signed.staff, &everything()?)
        .await?
        .items;
    let mut pick = pick_form(state, &locations, Some(&province), Some(form.value("year")))?;
    let form = match errors.get("province") {
        Some(message) => {
            let wrong = FieldErrors::single("province", message);
            pick = pick.rejected(AppError::Invalid(wrong))?;
            form
        }
        None => form.rejected(AppError::Invalid(errors))?,
    };
    let page = holidays_page(state, signed, &locations, pick, form).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// The province and year asked for, else the first location's province and this year on
/// its clock; refused beside the picker when either is not understood.
fn pick_form(
    state: &AppState,
    locations: &[Location],
    province: Option<&str>,
    year: Option<&str>,
) -> Result<Form, AppError> {
    let first = locations.first();
    let this_year = today_at(state.app.clock().now(), first)?.year();
    let province = given(province).map_or_else(
        || first.map_or("", |l| l.fields.province.code()).to_owned(),
        str::to_owned,
    );
    let year = given(year).map_or_else(|| this_year.to_string(), str::to_owned);
    let form = Form::new(PICK_LABELS)
        .prefixed("pick-")
        .with("province", &province)
        .with("year", &year);
    let mut errors = FieldErrors::new();
    if !province.is_empty() {
        errors.check("province", Province::parse(&province));
    }
    if parse_year(&year).is_none() {
        let wanted = format!("'{year}' is not a year from 1900 to 2999, such as {this_year}");
        errors.add("year", wanted);
    }
    if errors.is_empty() {
        return Ok(form);
    }
    form.rejected(AppError::Invalid(errors))
}

fn given(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|r| !r.is_empty())
}

fn parse_year(raw: &str) -> Option<i16> {
    raw.trim().parse().ok().filter(|y| YEARS.contains(y))
}

/// The province and year the picker holds, when both are understood.
fn shown(pick: &Form) -> Option<Shown> {
    if pick.has_problems() {
        return None;
    }
    Some(Shown {
        province: Province::parse(pick.value("province")).ok()?,
        year: parse_year(pick.value("year"))?,
    })
}

fn year_href(province: &str, year: impl ToString, saved: &str) -> String {
    let year = year.to_string();
    let params = [
        ("province", province),
        ("year", year.as_str()),
        ("saved", saved),
    ];
    list_href(PATH, &params)
}

async fn holidays_page(
    state: &AppState,
    signed: &Signed,
    locations: &[Location],
    pick: Form,
    form: Form,
) -> Result<HolidaysPage, AppError> {
    let shown = shown(&pick);
    let rows = match shown {
        Some(s) => rows(state, &signed.staff, s).await?,
        None => Vec::new(),
    };
    Ok(HolidaysPage {
        chrome: schedule_chrome(state, signed).await?,
        tabs: tabs(Tab::Holidays),
        provinces: province_choices(locations, &pick),
        places: shown.map_or_else(String::new, |s| places(locations, s.province)),
        optional: shown.map_or_else(String::new, optional_days),
        shown,
        pick,
        rows,
        form,
        saved: None,
        can_edit: signed.staff.can(Permission::ManageSetup),
    })
}

/// The provinces of the clinic's locations first, named with their locations, then the
/// others.
fn province_choices(locations: &[Location], pick: &Form) -> Vec<Choice> {
    let mut theirs: Vec<Province> = Vec::new();
    for location in locations {
        if !theirs.contains(&location.fields.province) {
            theirs.push(location.fields.province);
        }
    }
    let others = Province::ALL.into_iter().filter(|p| !theirs.contains(p));
    let labelled: Vec<(&str, String)> = theirs
        .iter()
        .map(|p| {
            (
                p.code(),
                format!("{} ({})", p.name(), places(locations, *p)),
            )
        })
        .chain(others.map(|p| (p.code(), p.name().to_owned())))
        .collect();
    let options: Vec<(&str, &str)> = labelled.iter().map(|(c, l)| (*c, l.as_str())).collect();
    pick.choices("province", &options)
}

/// The clinic's locations in `province`, by name.
fn places(locations: &[Location], province: Province) -> String {
    let names: Vec<&str> = locations
        .iter()
        .filter(|l| l.fields.province == province)
        .map(|l| l.fields.name.as_str())
        .collect();
    names.join(", ")
}

/// The days the province lists but does not oblige employers to give, with their dates.
fn optional_days(shown: Shown) -> String {
    let days: Vec<String> = schedule::holidays(shown.province, shown.year)
        .into_iter()
        .filter(|h| h.optional)
        .map(|h| format!("{} ({})", h.name_en, long_date(h.date)))
        .collect();
    days.join(", ")
}

/// The holidays of the province and year as the clinic applies them, by date.
async fn rows(state: &AppState, staff: &Staff, shown: Shown) -> Result<Vec<Row>, AppError> {
    let code = shown.province.code();
    let found = state.app.holidays(staff, code, shown.year).await?;
    let statutory: Vec<String> = schedule::holidays(shown.province, shown.year)
        .into_iter()
        .filter(|h| !h.optional)
        .map(|h| h.date.to_string())
        .collect();
    Ok(found.iter().map(|h| row(h, &statutory)).collect())
}

fn row(h: &HolidayView, statutory: &[String]) -> Row {
    let day = match h.date.parse::<Date>() {
        Ok(date) => long_date(date),
        Err(_) => h.date.clone(),
    };
    Row {
        date: h.date.clone(),
        day,
        name: h.name.clone(),
        statutory: statutory.contains(&h.date),
        closed: h.closed,
        changed: h.source != "computed",
    }
}
