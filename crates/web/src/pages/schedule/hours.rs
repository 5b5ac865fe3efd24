//! Weekly hours: choose a practitioner and one of their locations, then edit the stretches
//! they work each weekday, on that location's clock. Breaks are the gaps between stretches.
//!
//! Each day has the same number of rows; "Add a row to each day" sends the form back with
//! one more, keeping what was typed, so the page works without JavaScript. Saving replaces
//! the whole week at that location, or, when anything is wrong, changes nothing.

use super::load;
use super::setup_span::{list_href, location_choices, practitioner_choices};
use super::time::zone_text;
use super::{Tab, TabLink, schedule_chrome, tabs};
use crate::AppState;
use crate::auth::Signed;
use crate::pages::errors::PageResult;
use crate::pages::form::{Choice, Form, Labels, split_row_key};
use crate::pages::view::{Chrome, everything, render, see_other};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use knead_app::{AppError, Staff};
use knead_domain::booking::{BlockInput, HoursInput, clock_time};
use knead_domain::ids::{LocationId, PractitionerId};
use knead_domain::setup::{Location, Practitioner};
use knead_domain::{FieldErrors, Permission};
use serde::Deserialize;

/// The weekdays as the form names them and as people read them.
const DAYS: [(&str, &str); 7] = [
    ("monday", "Monday"),
    ("tuesday", "Tuesday"),
    ("wednesday", "Wednesday"),
    ("thursday", "Thursday"),
    ("friday", "Friday"),
    ("saturday", "Saturday"),
    ("sunday", "Sunday"),
];

/// Rows are named `monday[0].start`; a row is called "Monday, row 1" in messages.
const LABELS: Labels = &[
    ("monday[]", "Monday, row"),
    ("tuesday[]", "Tuesday, row"),
    ("wednesday[]", "Wednesday, row"),
    ("thursday[]", "Thursday, row"),
    ("friday[]", "Friday, row"),
    ("saturday[]", "Saturday, row"),
    ("sunday[]", "Sunday, row"),
];

const PICK_LABELS: Labels = &[("practitioner", "Practitioner"), ("location", "Location")];

/// Rows per day when nothing is stored, and the most a form may ask for.
const MIN_ROWS: usize = 2;
const MAX_ROWS: usize = 12;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/schedule/hours", get(show).post(save))
}

#[derive(Debug, Default, Deserialize)]
struct HoursQuery {
    practitioner: Option<String>,
    location: Option<String>,
    saved: Option<String>,
}

/// The practitioner and location the page is about, and what to switch to.
struct Chosen {
    all: Vec<Practitioner>,
    practitioner: Practitioner,
    /// The locations this practitioner works at.
    theirs: Vec<Location>,
    location: Option<Location>,
}

impl Chosen {
    /// Whether the location shown is one the practitioner works at.
    fn works_there(&self) -> bool {
        self.location
            .as_ref()
            .is_some_and(|l| self.practitioner.fields.location_ids.contains(&l.id))
    }

    fn location_id(&self) -> &str {
        self.location.as_ref().map_or("", |l| l.id.as_str())
    }
}

/// The inputs of one row: its start and end, and the words that name it.
struct BlockRow {
    start: String,
    end: String,
    name: String,
}

/// A weekday with its rows and what it adds up to.
struct DayRows {
    title: &'static str,
    rows: Vec<BlockRow>,
    total: String,
}

#[derive(Template)]
#[template(path = "schedule_hours.html")]
struct HoursPage {
    chrome: Chrome,
    tabs: Vec<TabLink>,
    /// `None` when the clinic has no practitioner yet.
    chosen: Option<ChosenView>,
    pick: Form,
    form: Form,
    days: Vec<DayRows>,
    rows: usize,
    saved: Option<String>,
    can_edit: bool,
}

/// What the template shows of the choice.
struct ChosenView {
    practitioner_id: String,
    practitioner_name: String,
    practitioners: Vec<Choice>,
    locations: Vec<Choice>,
    location_id: String,
    location_name: String,
    zone: String,
    works_there: bool,
    has_locations: bool,
}

impl HoursPage {
    /// The form whose problems the summary lists.
    fn problem_form(&self) -> &Form {
        if self.pick.has_problems() {
            &self.pick
        } else {
            &self.form
        }
    }

    fn week_href(&self) -> String {
        let Some(c) = &self.chosen else {
            return "/schedule/week".to_owned();
        };
        let params = [
            ("location", c.location_id.as_str()),
            ("practitioner", c.practitioner_id.as_str()),
        ];
        list_href("/schedule/week", &params)
    }
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<HoursQuery>,
) -> PageResult {
    let staff = &signed.staff;
    let Some(chosen) = choose(
        &state,
        staff,
        q.practitioner.as_deref(),
        q.location.as_deref(),
    )
    .await?
    else {
        return render(StatusCode::OK, &empty_page(&state, &signed).await?);
    };
    let mut pick = pick_form(&chosen);
    if chosen.location.is_some() && !chosen.works_there() {
        pick = pick.rejected(stray_location())?;
    }
    let form = stored_form(&state, staff, &chosen).await?;
    let rows = stored_rows(&form);
    let mut page = hours_page(&state, &signed, Some(&chosen), pick, form, rows).await?;
    page.saved = q.saved.as_deref().map(|_| saved_message(&chosen));
    render(page.pick.status(), &page)
}

async fn save(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let staff = &signed.staff;
    let form = Form::posted(LABELS, &body);
    let wanted = (form.value("practitioner_id"), form.value("location_id"));
    let Some(chosen) = choose(&state, staff, Some(wanted.0), Some(wanted.1)).await? else {
        return Err(AppError::NotFound.into());
    };
    let rows = posted_rows(&form);
    if form.value("action") == "more_rows" {
        let rows = (rows + 1).min(MAX_ROWS);
        let page = hours_page(
            &state,
            &signed,
            Some(&chosen),
            pick_form(&chosen),
            form,
            rows,
        );
        return render(StatusCode::OK, &page.await?);
    }
    let (input, sent) = hours_input(&form, rows);
    let location = LocationId::from_string(wanted.1);
    let result = state
        .app
        .set_hours(staff, &chosen.practitioner.id, &location, &input)
        .await;
    let error = match result {
        Ok(_) => return Ok(see_other(&saved_href(&chosen))),
        Err(error) => error,
    };
    let (pick, form) = refused(&chosen, form, error, &sent)?;
    let page = hours_page(&state, &signed, Some(&chosen), pick, form, rows).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// The practitioner asked for (else the first active one) and the location asked for (else
/// their first). Another clinic's ids are not found.
async fn choose(
    state: &AppState,
    staff: &Staff,
    practitioner: Option<&str>,
    location: Option<&str>,
) -> Result<Option<Chosen>, AppError> {
    let all = load::practitioners(state, staff).await?;
    let practitioner = match given(practitioner) {
        Some(id) => {
            let id = PractitionerId::from_string(id);
            state.app.practitioner(staff, &id).await?
        }
        None => match all.iter().find(|p| p.fields.active).or(all.first()) {
            Some(first) => first.clone(),
            None => return Ok(None),
        },
    };
    let locations = state.app.locations(staff, &everything()?).await?.items;
    let theirs: Vec<Location> = locations
        .into_iter()
        .filter(|l| practitioner.fields.location_ids.contains(&l.id))
        .collect();
    let location = match given(location) {
        Some(id) => Some(
            state
                .app
                .location(staff, &LocationId::from_string(id))
                .await?,
        ),
        None => theirs.first().cloned(),
    };
    Ok(Some(Chosen {
        all,
        practitioner,
        theirs,
        location,
    }))
}

fn given(raw: Option<&str>) -> Option<&str> {
    raw.map(str::trim).filter(|r| !r.is_empty())
}

fn stray_location() -> AppError {
    AppError::invalid("location", "is not one of this practitioner's locations")
}

fn pick_form(chosen: &Chosen) -> Form {
    Form::new(PICK_LABELS)
        .prefixed("pick-")
        .with("practitioner", &chosen.practitioner.id)
        .with("location", chosen.location_id())
}

/// The form filled from the stored hours at the chosen location.
async fn stored_form(state: &AppState, staff: &Staff, chosen: &Chosen) -> Result<Form, AppError> {
    let mut form = Form::new(LABELS);
    if !chosen.works_there() {
        return Ok(form);
    }
    let hours = state.app.hours(staff, &chosen.practitioner.id).await?;
    let here = chosen.location_id();
    let blocks = hours
        .iter()
        .filter(|h| h.location_id == here)
        .flat_map(|h| &h.blocks);
    let mut used = [0usize; 7];
    for block in blocks {
        let Some(day) = DAYS.iter().position(|(key, _)| *key == block.weekday) else {
            continue;
        };
        let row = format!("{}[{}]", DAYS[day].0, used[day]);
        used[day] += 1;
        form = form
            .with(&format!("{row}.start"), &block.start)
            .with(&format!("{row}.end"), &block.end);
    }
    Ok(form)
}

/// Rows enough for the busiest stored day and one spare.
fn stored_rows(form: &Form) -> usize {
    let busiest = form
        .pairs()
        .iter()
        .filter_map(|(key, _)| split_row_key(key).map(|(_, index, _)| index + 1))
        .max()
        .unwrap_or(0);
    (busiest + 1).clamp(MIN_ROWS, MAX_ROWS)
}

/// How many rows the posted form had.
fn posted_rows(form: &Form) -> usize {
    let sent = form.value("rows").trim().parse().unwrap_or(MIN_ROWS);
    sent.clamp(MIN_ROWS, MAX_ROWS)
}

/// The week as the use case reads it, and for each block sent the day and row it came from,
/// so that messages naming `blocks[3]` land beside the right inputs.
fn hours_input(form: &Form, rows: usize) -> (HoursInput, Vec<(usize, usize)>) {
    let mut blocks = Vec::new();
    let mut sent = Vec::new();
    for (day, (key, _)) in DAYS.iter().enumerate() {
        for row in 0..rows {
            let start = form.value(&format!("{key}[{row}].start")).trim().to_owned();
            let end = form.value(&format!("{key}[{row}].end")).trim().to_owned();
            if start.is_empty() && end.is_empty() {
                continue;
            }
            blocks.push(BlockInput {
                weekday: Some((*key).to_owned()),
                start: Some(start),
                end: Some(end),
            });
            sent.push((day, row));
        }
    }
    (HoursInput { blocks }, sent)
}

/// The refusal shown on the page: a location the practitioner does not work at beside the
/// location picker, everything else beside the row it is about.
fn refused(
    chosen: &Chosen,
    form: Form,
    error: AppError,
    sent: &[(usize, usize)],
) -> Result<(Form, Form), AppError> {
    let AppError::Invalid(errors) = error else {
        return Err(error);
    };
    let mut pick = pick_form(chosen);
    if errors.get("location_id").is_some() {
        pick = pick.rejected(stray_location())?;
    }
    let renamed = rename(&errors, sent);
    let form = if renamed.is_empty() {
        form
    } else {
        form.rejected(AppError::Invalid(renamed))?
    };
    Ok((pick, form))
}

/// `blocks[3].start` becomes `tuesday[1].start`, and "overlaps blocks[2] on Tuesday" becomes
/// "overlaps Tuesday, row 1".
fn rename(errors: &FieldErrors, sent: &[(usize, usize)]) -> FieldErrors {
    let mut renamed = FieldErrors::new();
    for (field, message) in errors.iter() {
        let Some(("blocks", index, part)) = split_row_key(field) else {
            continue;
        };
        let Some(&(day, row)) = sent.get(index) else {
            continue;
        };
        let mut message = message.to_owned();
        for (other, &(other_day, other_row)) in sent.iter().enumerate() {
            let (_, title) = DAYS[other_day];
            let named = format!("{title}, row {}", other_row + 1);
            message = message
                .replace(&format!("blocks[{other}] on {title}"), &named)
                .replace(&format!("blocks[{other}]"), &named);
        }
        renamed.add(&format!("{}[{row}].{part}", DAYS[day].0), message);
    }
    renamed
}

fn saved_href(chosen: &Chosen) -> String {
    let params = [
        ("practitioner", chosen.practitioner.id.as_str()),
        ("location", chosen.location_id()),
        ("saved", "hours"),
    ];
    list_href("/schedule/hours", &params)
}

fn saved_message(chosen: &Chosen) -> String {
    let at = chosen
        .location
        .as_ref()
        .map_or("", |l| l.fields.name.as_str());
    format!(
        "Weekly hours saved for {} at {at}.",
        chosen.practitioner.fields.name
    )
}

async fn hours_page(
    state: &AppState,
    signed: &Signed,
    chosen: Option<&Chosen>,
    pick: Form,
    form: Form,
    rows: usize,
) -> Result<HoursPage, AppError> {
    Ok(HoursPage {
        chrome: schedule_chrome(state, signed).await?,
        tabs: tabs(Tab::Hours),
        chosen: chosen.map(chosen_view),
        days: DAYS
            .iter()
            .map(|(key, title)| day_rows(&form, key, title, rows))
            .collect(),
        pick,
        form,
        rows,
        saved: None,
        can_edit: signed.staff.can(Permission::ManageSetup),
    })
}

async fn empty_page(state: &AppState, signed: &Signed) -> Result<HoursPage, AppError> {
    let pick = Form::new(PICK_LABELS);
    hours_page(state, signed, None, pick, Form::new(LABELS), MIN_ROWS).await
}

fn chosen_view(chosen: &Chosen) -> ChosenView {
    let location_id = chosen.location_id().to_owned();
    let mut locations = location_choices(&chosen.theirs, &location_id);
    if let Some(stray) = chosen.location.as_ref().filter(|_| !chosen.works_there()) {
        locations.push(Choice {
            value: stray.id.to_string(),
            label: format!("{} (does not work here)", stray.fields.name),
            selected: true,
        });
    }
    let location = chosen.location.as_ref();
    ChosenView {
        practitioner_id: chosen.practitioner.id.to_string(),
        practitioner_name: chosen.practitioner.fields.name.clone(),
        practitioners: practitioner_choices(&chosen.all, chosen.practitioner.id.as_str()),
        locations,
        location_name: location.map_or_else(String::new, |l| l.fields.name.clone()),
        zone: location.map_or_else(String::new, |l| zone_text(l.fields.time_zone.as_str())),
        location_id,
        works_there: chosen.works_there(),
        has_locations: !chosen.theirs.is_empty(),
    }
}

fn day_rows(form: &Form, key: &str, title: &'static str, rows: usize) -> DayRows {
    let rows: Vec<BlockRow> = (0..rows)
        .map(|row| BlockRow {
            start: format!("{key}[{row}].start"),
            end: format!("{key}[{row}].end"),
            name: format!("{title}, row {}", row + 1),
        })
        .collect();
    let minutes: i64 = rows
        .iter()
        .filter_map(|r| {
            let minute = |raw: &str| {
                let at = clock_time(raw).ok()?;
                Some(i64::from(at.hour()) * 60 + i64::from(at.minute()))
            };
            let (start, end) = (minute(form.value(&r.start))?, minute(form.value(&r.end))?);
            Some((end - start).max(0))
        })
        .sum();
    DayRows {
        title,
        rows,
        total: day_total(minutes),
    }
}

/// A day's working time in words: "Not working", "8 hours", "7 h 30 min".
fn day_total(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, 0) => "Not working".to_owned(),
        (1, 0) => "1 hour".to_owned(),
        (hours, 0) => format!("{hours} hours"),
        (0, rest) => format!("{rest} min"),
        (hours, rest) => format!("{hours} h {rest} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlap_names_the_rows_people_see() {
        let mut errors = FieldErrors::new();
        errors.add("blocks[1].start", "overlaps blocks[0] on Tuesday");
        let sent = [(1, 0), (1, 2)];

        let renamed = rename(&errors, &sent);

        assert_eq!(
            renamed.get("tuesday[2].start"),
            Some("overlaps Tuesday, row 1")
        );
    }

    #[test]
    fn day_totals_read_in_hours_and_minutes() {
        assert_eq!(day_total(0), "Not working");
        assert_eq!(day_total(480), "8 hours");
        assert_eq!(day_total(450), "7 h 30 min");
    }
}
