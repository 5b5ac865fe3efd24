//! What the time-off and closure pages share: a span typed as a first and last date with
//! optional clock times, read back as the local `start` and `end` the use cases take; the
//! span shown in words; the upcoming or past window a list covers, its filter and the
//! question asked before removing an entry; and the choices of practitioners and locations
//! their forms offer.

use super::time::{add_days, long_date, today};
use crate::AppState;
use crate::pages::form::{Choice, Form};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use knead_app::{AppError, Staff};
use knead_domain::FieldErrors;
use knead_domain::booking;
use knead_domain::ids::LocationId;
use knead_domain::setup::{Location, Practitioner};

/// How far a list of upcoming (or past) spans reaches from today.
// Known shortcoming: spans more than three years away are not listed; a paged list would
// remove this limit.
const LIST_YEARS: i64 = 3;

/// The span fields' labels, for the forms that include them.
pub(super) const SPAN_LABELS: [(&str, &str); 4] = [
    ("start", "First day"),
    ("start_time", "Starting at"),
    ("end", "Last day"),
    ("end_time", "Ending at"),
];

/// The local `start` and `end` the use cases read, from the four span fields: a blank time
/// means the whole day (from its midnight, or to the next), a blank last day the first day.
/// Each date and time is checked before they are joined, so a problem is said once, beside
/// the field it was typed in; a blank last day borrows the first only once that is good.
pub(super) fn span_input(form: &Form) -> Result<(Option<String>, Option<String>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let first = errors.check("start", booking::date(form.value("start")));
    let last = match form.value("end").trim() {
        "" => first,
        typed => errors.check("end", booking::date(typed)),
    };
    let start_time = clock(form, "start_time", &mut errors);
    let end_time = clock(form, "end_time", &mut errors);
    let (Some(first), Some(last)) = (first, last) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let join = |day: Date, time: Option<String>| match time {
        Some(time) => format!("{day}T{time}"),
        None => day.to_string(),
    };
    Ok((Some(join(first, start_time)), Some(join(last, end_time))))
}

/// The span as [`span_input`] reads it, unless it or the checks already made (`errors`)
/// found a problem: then every problem together, so the form shows them all at once.
pub(super) fn checked_span(
    form: &Form,
    mut errors: FieldErrors,
) -> Result<(Option<String>, Option<String>), FieldErrors> {
    match span_input(form) {
        Ok(span) if errors.is_empty() => Ok(span),
        Ok(_) => Err(errors),
        Err(span_errors) => {
            for (field, message) in span_errors.iter() {
                errors.add(field, message);
            }
            Err(errors)
        }
    }
}

/// Checks that the location in field `location_id`, when one is chosen, is this clinic's:
/// another clinic's is not found.
pub(super) async fn check_location(
    state: &AppState,
    staff: &Staff,
    form: &Form,
) -> Result<(), AppError> {
    let location = form.value("location_id").trim();
    if !location.is_empty() {
        let id = LocationId::from_string(location);
        state.app.location(staff, &id).await?;
    }
    Ok(())
}

/// The clock time in field `name`, `HH:MM`, or `None` when blank.
fn clock(form: &Form, name: &str, errors: &mut FieldErrors) -> Option<String> {
    let raw = form.value(name).trim();
    if raw.is_empty() {
        return None;
    }
    let time = errors.check(name, booking::clock_time(raw))?;
    Some(time.strftime("%H:%M").to_string())
}

/// A stored local span in words: "Thursday 24 December 2026, 12:00 to 17:00", "..., 13:00 to
/// the end of the day", or whole days.
pub(super) fn span_text(start: &str, end: &str) -> String {
    let (Ok(start), Ok(end)) = (start.parse::<DateTime>(), end.parse::<DateTime>()) else {
        return format!("{start} to {end}");
    };
    let midnight = Time::midnight();
    let hm = |at: DateTime| at.strftime("%H:%M").to_string();
    if start.time() == midnight && end.time() == midnight {
        let last = add_days(end.date(), -1);
        if last <= start.date() {
            return format!("{}, all day", long_date(start.date()));
        }
        return format!(
            "{} to {}, whole days",
            long_date(start.date()),
            long_date(last)
        );
    }
    if start.date() == end.date() {
        return format!("{}, {} to {}", long_date(start.date()), hm(start), hm(end));
    }
    if end.time() == midnight && add_days(end.date(), -1) == start.date() {
        let day = long_date(start.date());
        return format!("{day}, {} to the end of the day", hm(start));
    }
    let end_text = if end.time() == midnight {
        format!("the end of {}", long_date(add_days(end.date(), -1)))
    } else {
        format!("{} {}", long_date(end.date()), hm(end))
    };
    format!("{} {} to {end_text}", long_date(start.date()), hm(start))
}

/// Which spans a list shows: those still to come (today included) or those already over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum When {
    Upcoming,
    Past,
}

impl When {
    /// The list a query string asks for: `past`, else the upcoming one.
    pub fn from_query(raw: Option<&str>) -> When {
        match raw {
            Some("past") => When::Past,
            _ => When::Upcoming,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            When::Upcoming => "upcoming",
            When::Past => "past",
        }
    }

    /// The value of `when` in a link to this list: blank for the default, upcoming.
    pub fn query_value(self) -> &'static str {
        match self {
            When::Upcoming => "",
            When::Past => "past",
        }
    }

    /// The local dates to ask the application for.
    pub fn dates(self, today: Date) -> (Date, Date) {
        let reach = LIST_YEARS * 366;
        match self {
            When::Upcoming => (today, add_days(today, reach)),
            When::Past => (add_days(today, -reach), add_days(today, -1)),
        }
    }

    /// Whether a span ending at local `end` belongs to this list.
    pub fn keeps(self, end: &str, today: Date) -> bool {
        let midnight = booking::local_text(today.to_datetime(Time::midnight()));
        match self {
            When::Upcoming => end > midnight.as_str(),
            When::Past => end <= midnight.as_str(),
        }
    }
}

/// A setup list's address and filter: whose entries (a practitioner or a location, named by
/// the query parameter `name`, blank for all) and which dates.
pub(super) struct ListFilter {
    pub path: &'static str,
    pub name: &'static str,
    pub chosen: String,
    pub when: When,
}

impl ListFilter {
    /// This list switched to `when`.
    pub fn href(&self, when: When) -> String {
        let params = [
            (self.name, self.chosen.as_str()),
            ("when", when.query_value()),
        ];
        list_href(self.path, &params)
    }

    /// This list as it is, for "Keep it".
    pub fn current_href(&self) -> String {
        self.href(self.when)
    }

    pub fn upcoming_href(&self) -> String {
        self.href(When::Upcoming)
    }

    pub fn past_href(&self) -> String {
        self.href(When::Past)
    }

    /// The filter as hidden fields, so that a removal leads back to the same list.
    pub fn keeps(&self) -> Vec<(&'static str, String)> {
        vec![
            (self.name, self.chosen.clone()),
            ("when", self.when.as_str().to_owned()),
        ]
    }

    /// The list the filter picker keeps: `past`, or blank for the upcoming one.
    pub fn when_keep(&self) -> &'static str {
        self.when.query_value()
    }

    pub fn heading(&self) -> &'static str {
        match self.when {
            When::Upcoming => "Upcoming",
            When::Past => "Past",
        }
    }

    /// This list with the question about removing entry `id` open.
    pub fn remove_href(&self, id: &str) -> String {
        let params = [
            (self.name, self.chosen.as_str()),
            ("when", self.when.as_str()),
            ("remove", id),
        ];
        format!("{}#confirm-title", list_href(self.path, &params))
    }

    /// Where the confirmed removal of `removal` is posted.
    pub fn remove_action(&self, removal: &Removal) -> String {
        format!("{}/{}/remove", self.path, removal.id)
    }

    /// The list a removal posted as `body` (with its kept filter) leads back to, saying so.
    pub fn after_removal(path: &str, name: &str, body: &[u8]) -> String {
        let form = Form::posted(&[], body);
        let params = [
            (name, form.value(name)),
            ("when", form.value("when")),
            ("saved", "removed"),
        ];
        list_href(path, &params)
    }
}

/// The entry about to be removed, with the words that say which it is.
pub(super) struct Removal {
    pub id: String,
    pub detail: String,
}

impl Removal {
    /// The entry `id` of `rows` when its removal was asked for, in the words of `detail`;
    /// an entry the list does not show is not found.
    pub fn asked<R>(
        id: Option<&str>,
        rows: &[R],
        row_id: impl Fn(&R) -> &str,
        detail: impl Fn(&R) -> String,
    ) -> Result<Option<Removal>, AppError> {
        let Some(id) = id else {
            return Ok(None);
        };
        let row = rows.iter().find(|r| row_id(r) == id);
        let row = row.ok_or(AppError::NotFound)?;
        Ok(Some(Removal {
            id: id.to_owned(),
            detail: detail(row),
        }))
    }
}

/// What a list shows of what was found over `when.dates(today)`: the entries that belong to
/// it by their local `end`, upcoming ones soonest first, past ones latest first.
pub(super) fn listed<T>(
    found: Vec<T>,
    end: impl Fn(&T) -> &str,
    when: When,
    today: Date,
) -> Vec<T> {
    let mut kept: Vec<T> = found
        .into_iter()
        .filter(|entry| when.keeps(end(entry), today))
        .collect();
    if when == When::Past {
        kept.reverse();
    }
    kept
}

/// The name of location `id` among `locations`.
pub(super) fn location_name(locations: &[Location], id: &str) -> String {
    locations
        .iter()
        .find(|l| l.id.as_str() == id)
        .map_or_else(|| "Unknown location".to_owned(), |l| l.fields.name.clone())
}

/// Today on the clock of `location`, or of UTC when the clinic has no location yet.
pub(super) fn today_at(now: Timestamp, location: Option<&Location>) -> Result<Date, AppError> {
    let tz = match location {
        Some(location) => super::time::zone(location)?,
        None => TimeZone::UTC,
    };
    Ok(today(now, &tz))
}

/// The clinic's zones named for people: one name when every location shares it.
pub(super) fn zones_text(locations: &[Location]) -> String {
    let mut zones: Vec<&str> = locations
        .iter()
        .map(|l| l.fields.time_zone.as_str())
        .collect();
    zones.sort_unstable();
    zones.dedup();
    match zones.as_slice() {
        [] => "the location's clock".to_owned(),
        [one] => format!("{} clock times", super::time::zone_text(one)),
        _ => "each location's own clock times".to_owned(),
    }
}

/// Practitioners as select options, inactive ones marked.
pub(super) fn practitioner_choices(all: &[Practitioner], current: &str) -> Vec<Choice> {
    all.iter()
        .map(|p| {
            let suffix = if p.fields.active { "" } else { " (inactive)" };
            Choice {
                value: p.id.to_string(),
                label: format!("{}{suffix}", p.fields.name),
                selected: p.id.as_str() == current,
            }
        })
        .collect()
}

/// A list filter's options: `all` (every entry) first, chosen unless one of `choices` is.
pub(super) fn filter_choices(all: &str, choices: Vec<Choice>) -> Vec<Choice> {
    let everything = Choice {
        value: String::new(),
        label: all.to_owned(),
        selected: !choices.iter().any(|c| c.selected),
    };
    std::iter::once(everything).chain(choices).collect()
}

/// Locations as select options, inactive ones marked.
pub(super) fn location_choices(locations: &[Location], current: &str) -> Vec<Choice> {
    locations
        .iter()
        .map(|l| {
            let suffix = if l.fields.active { "" } else { " (inactive)" };
            Choice {
                value: l.id.to_string(),
                label: format!("{}{suffix}", l.fields.name),
                selected: l.id.as_str() == current,
            }
        })
        .collect()
}

/// The address of a list page with its filters and what to add.
pub(super) fn list_href(path: &str, params: &[(&str, &str)]) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().filter(|(_, v)| !v.is_empty()))
        .finish();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::form::Labels;

    const LABELS: Labels = &SPAN_LABELS;

    fn form(pairs: &[(&str, &str)]) -> Form {
        pairs.iter().fold(Form::new(LABELS), |form, (name, value)| {
            form.with(name, value)
        })
    }

    #[test]
    fn a_day_without_times_is_the_whole_day() {
        let typed = form(&[("start", "2026-12-24"), ("end", "")]);

        let (start, end) = span_input(&typed).unwrap();

        assert_eq!(start.as_deref(), Some("2026-12-24"));
        assert_eq!(end.as_deref(), Some("2026-12-24"));
    }

    #[test]
    fn times_join_their_dates() {
        let typed = form(&[
            ("start", "2026-12-24"),
            ("start_time", "12:00"),
            ("end_time", "17:30"),
        ]);

        let (start, end) = span_input(&typed).unwrap();

        assert_eq!(start.as_deref(), Some("2026-12-24T12:00"));
        assert_eq!(end.as_deref(), Some("2026-12-24T17:30"));
    }

    #[test]
    fn a_time_that_is_not_a_clock_time_is_refused_beside_it() {
        let typed = form(&[("start", "2026-12-24"), ("end_time", "5pm")]);

        let errors = span_input(&typed).unwrap_err();

        assert!(errors.get("end_time").unwrap().contains("'5pm'"));
    }

    #[test]
    fn spans_read_as_days_or_clock_times() {
        assert_eq!(
            span_text("2026-12-24T00:00", "2026-12-25T00:00"),
            "Thursday 24 December 2026, all day"
        );
        assert_eq!(
            span_text("2026-12-24T00:00", "2026-12-27T00:00"),
            "Thursday 24 December 2026 to Saturday 26 December 2026, whole days"
        );
        assert_eq!(
            span_text("2026-12-24T12:00", "2026-12-24T17:00"),
            "Thursday 24 December 2026, 12:00 to 17:00"
        );
        assert_eq!(
            span_text("2026-12-24T12:00", "2026-12-26T00:00"),
            "Thursday 24 December 2026 12:00 to the end of Friday 25 December 2026"
        );
        assert_eq!(
            span_text("2026-12-24T12:00", "2026-12-25T00:00"),
            "Thursday 24 December 2026, 12:00 to the end of the day"
        );
    }
}
