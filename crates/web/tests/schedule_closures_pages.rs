//! The closures and holidays pages, driven in process as a browser would: what they list,
//! what they refuse (beside the field, writing nothing), and that what is saved really takes
//! away or gives back open slots. Both backends.
//!
//! "Now" is Thursday 3 December 2026, 10:00 in Toronto (see `test_app`). The clinic's one
//! location is in Ontario, where Christmas Day 2026 is a Friday and Boxing Day a Saturday.

use axum::http::StatusCode;
use knead_app::{App, Staff};
use knead_domain::ids::LocationId;
use knead_testkit::{TestDb, on_both_backends};
use support::pages::*;
use support::setup::{Clinic, clinic, second_clinic};

mod support;

/// Slots on a working weekday: 09:00-11:00 and 13:00-16:00 every 15 minutes.
const FULL_DAY: usize = 22;

impl Clinic {
    /// Posts the closure form with `fields`.
    async fn post_closure(&mut self, fields: &[(&str, &str)]) -> Reply {
        self.browser.get("/schedule/closures").await;
        self.browser.post("/schedule/closures", fields).await
    }

    /// The ids of the stored closures from November 2026 to January 2027.
    async fn stored_closures(&self) -> Vec<String> {
        let (from, to) = ("2026-11-01".parse().unwrap(), "2027-01-31".parse().unwrap());
        let found = self.app.closures(&self.staff, None, from, to).await;
        found.unwrap().into_iter().map(|c| c.id).collect()
    }

    /// Posts one of the holidays page's forms (`""`, `/open` or `/undo`) for Ontario.
    async fn post_holiday(&mut self, action: &str, fields: &[(&str, &str)]) -> Reply {
        self.browser.get("/schedule/holidays").await;
        let mut all = vec![("province", "ON"), ("year", "2026")];
        all.extend_from_slice(fields);
        let path = format!("/schedule/holidays{action}");
        self.browser.post(&path, &all).await
    }

    /// The clinic's own changes to Ontario's holidays in 2026, as `date name closed`.
    async fn holiday_changes(&self) -> Vec<String> {
        let found = self.app.holidays(&self.staff, "ON", 2026).await.unwrap();
        found
            .into_iter()
            .filter(|h| h.source == "clinic")
            .map(|h| format!("{} {} {}", h.date, h.name, h.closed))
            .collect()
    }
}

// Closures

async fn a_closure_added_on_the_page_is_listed_and_takes_away_the_slots(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;
    let downtown = add_location(&mut c.browser, "Downtown").await;
    let location = c.location.clone();

    let whole_day = c
        .post_closure(&[
            ("location_id", location.as_str()),
            ("start", "2026-12-08"),
            ("reason", "Renovation"),
        ])
        .await;
    let afternoon = c
        .post_closure(&[
            ("location_id", location.as_str()),
            ("start", "2026-12-09"),
            ("start_time", "13:00"),
        ])
        .await;
    c.post_closure(&[
        ("location_id", downtown.as_str()),
        ("start", "2026-12-10"),
        ("reason", "Flood"),
    ])
    .await;
    let list = c.browser.get(whole_day.location()).await;
    let everywhere = c.browser.get("/schedule/closures").await;

    assert_eq!(
        whole_day.status,
        StatusCode::SEE_OTHER,
        "{}",
        whole_day.body
    );
    assert_eq!(
        afternoon.status,
        StatusCode::SEE_OTHER,
        "{}",
        afternoon.body
    );
    let text = text_of(&list.body);
    assert!(text.contains("Added."), "{text}");
    assert!(
        text.contains("Tuesday 8 December 2026, all day Annex Renovation"),
        "{text}"
    );
    assert!(
        text.contains("Wednesday 9 December 2026, 13:00 to the end of the day"),
        "{text}"
    );
    assert!(!text.contains("Flood"), "filtered to Annex: {text}");
    let text = text_of(&everywhere.body);
    let soonest = text.find("Tuesday 8 December").unwrap();
    let latest = text.find("Thursday 10 December 2026, all day Downtown Flood");
    assert!(latest.is_some_and(|at| at > soonest), "{text}");
    assert!(c.slots("2026-12-08").await.is_empty());
    assert_eq!(
        c.slots("2026-12-09").await.last().unwrap(),
        "2026-12-09T11:00:00-05:00"
    );
    assert_eq!(c.slots("2026-12-10").await.len(), FULL_DAY, "Downtown only");
}

async fn a_closure_over_a_booked_appointment_lists_it_for_the_desk_to_call(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;
    let booked = c.book("Zoé", "Côté", "2026-12-10T14:00").await;
    let location = c.location.clone();

    let added = c
        .post_closure(&[("location_id", location.as_str()), ("start", "2026-12-10")])
        .await;
    let page = c.browser.get(added.location()).await;

    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let text = text_of(&page.body);
    assert!(
        text.contains(
            "1 appointment already booked in this time stays booked; \
             call these patients to move or cancel them: \
             Thursday 10 December 2026, 14:00–15:00: Zoé Côté, with Léa Tremblay at Annex"
        ),
        "{text}"
    );
    let link = format!(r#"href="/schedule/appointments/{}""#, booked.id);
    assert!(page.body.contains(&link), "{}", page.body);
}

async fn a_closure_over_no_booking_says_nothing_more(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;
    c.book("Zoé", "Côté", "2026-12-10T14:00").await;
    let location = c.location.clone();

    let added = c
        .post_closure(&[("location_id", location.as_str()), ("start", "2026-12-11")])
        .await;
    let page = c.browser.get(added.location()).await;

    let text = text_of(&page.body);
    assert!(text.contains("Added."), "{text}");
    assert!(!text.contains("call these patients"), "{text}");
    assert!(!text.contains("Zoé Côté"), "{text}");
}

async fn a_closure_is_removed_after_a_confirmation_and_the_slots_come_back(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;
    let location = c.location.clone();
    c.post_closure(&[
        ("location_id", location.as_str()),
        ("start", "2026-12-08"),
        ("end", "2026-12-09"),
    ])
    .await;
    let id = c.stored_closures().await.pop().unwrap();

    let asked = c
        .browser
        .get(&format!("/schedule/closures?remove={id}"))
        .await;
    let removed = c
        .browser
        .post(
            &format!("/schedule/closures/{id}/remove"),
            &[("when", "upcoming")],
        )
        .await;
    let list = c.browser.get(removed.location()).await;

    let question = text_of(&asked.body);
    assert!(
        question.contains(
            "Remove this closure? Annex closed, Tuesday 8 December 2026 to Wednesday 9 \
             December 2026, whole days."
        ),
        "{question}"
    );
    assert!(
        asked
            .body
            .contains(&format!(r#"action="/schedule/closures/{id}/remove""#))
    );
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(text_of(&list.body).contains("Removed."));
    assert!(text_of(&list.body).contains("No closures to come."));
    assert!(c.stored_closures().await.is_empty());
    assert_eq!(c.slots("2026-12-08").await.len(), FULL_DAY);
}

async fn a_bad_closure_is_refused_beside_its_field_and_nothing_is_written(db: TestDb) {
    let mut c = clinic(&db).await;
    let location = c.location.clone();

    let nowhere = c
        .post_closure(&[
            ("location_id", ""),
            ("start", "2026-12-10"),
            ("reason", "Storm"),
        ])
        .await;
    let backwards = c
        .post_closure(&[
            ("location_id", location.as_str()),
            ("start", "2026-12-10"),
            ("end", "2026-12-08"),
        ])
        .await;
    let not_a_time = c
        .post_closure(&[
            ("location_id", location.as_str()),
            ("start", "2026-12-10"),
            ("end_time", "5pm"),
        ])
        .await;
    let no_day = c
        .post_closure(&[("location_id", location.as_str()), ("start", "")])
        .await;

    assert_eq!(nowhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&nowhere.body, "field-location_id"),
        "Error: Location is required"
    );
    assert!(
        nowhere.body.contains(r#"value="Storm""#),
        "keeps the reason"
    );
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&backwards.body, "field-end"),
        "Error: Last day must be after the start"
    );
    assert!(
        backwards.body.contains(r#"value="2026-12-08""#),
        "keeps what was typed"
    );
    assert_eq!(
        message_beside(&not_a_time.body, "field-end_time"),
        "Error: '5pm' is not a time of day; use HH:MM, such as 09:30"
    );
    assert_eq!(
        message_beside(&no_day.body, "field-start"),
        "Error: First day is required"
    );
    assert!(c.stored_closures().await.is_empty());
}

async fn past_closures_are_listed_only_on_request(db: TestDb) {
    let mut c = clinic(&db).await;
    let location = c.location.clone();
    c.post_closure(&[
        ("location_id", location.as_str()),
        ("start", "2026-11-20"),
        ("reason", "Power cut"),
    ])
    .await;

    let upcoming = c.browser.get("/schedule/closures").await;
    let past = c.browser.get("/schedule/closures?when=past").await;

    assert!(!text_of(&upcoming.body).contains("Power cut"));
    assert!(text_of(&upcoming.body).contains("No closures to come."));
    assert!(
        text_of(&past.body).contains("Friday 20 November 2026, all day Annex Power cut"),
        "{}",
        text_of(&past.body)
    );
}

async fn another_clinics_location_and_closure_are_not_found(db: TestDb) {
    let mut c = clinic(&db).await;
    let (other, location, _) = second_clinic(&c.app).await;
    let theirs = their_closure(&c.app, &other, &location).await;

    let their_list = c
        .browser
        .get(&format!("/schedule/closures?location={location}"))
        .await;
    let close_theirs = c
        .post_closure(&[("location_id", location.as_str()), ("start", "2026-12-10")])
        .await;
    let unknown = c
        .post_closure(&[("location_id", "no-such-place"), ("start", "2026-12-10")])
        .await;
    let remove_theirs = c
        .browser
        .post(&format!("/schedule/closures/{theirs}/remove"), &[])
        .await;
    let ask_theirs = c
        .browser
        .get(&format!("/schedule/closures?remove={theirs}"))
        .await;

    assert_eq!(their_list.status, StatusCode::NOT_FOUND);
    assert!(!their_list.body.contains("Harbour"));
    assert_eq!(close_theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(remove_theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(ask_theirs.status, StatusCode::NOT_FOUND);
    assert!(c.stored_closures().await.is_empty());
    let (from, to) = ("2026-12-01".parse().unwrap(), "2026-12-31".parse().unwrap());
    let kept = c.app.closures(&other, None, from, to).await.unwrap();
    assert_eq!(kept.len(), 1, "their closure stays and nothing was added");
}

/// A closure of another clinic's location, made by that clinic; its id.
async fn their_closure(app: &App, owner: &Staff, location: &LocationId) -> String {
    let day = Some("2026-12-14".to_owned());
    let added = app.add_closure(owner, location, &day, &day, &None).await;
    added.unwrap().id
}

// Holidays

async fn holidays_are_listed_for_a_province_and_year(db: TestDb) {
    let mut c = clinic(&db).await;

    let ontario = c.browser.get("/schedule/holidays").await;
    let quebec = c
        .browser
        .get("/schedule/holidays?province=QC&year=2027")
        .await;
    let nowhere = c.browser.get("/schedule/holidays?province=XX").await;
    let no_year = c
        .browser
        .get("/schedule/holidays?province=ON&year=soon")
        .await;

    assert_eq!(ontario.status, StatusCode::OK);
    let text = text_of(&ontario.body);
    assert!(text.contains("Holidays Ontario, 2026"), "{text}");
    assert!(text.contains("These days apply at Annex."), "{text}");
    assert!(
        text.contains("Friday 25 December 2026 Christmas Day Statutory Closed Open on this day"),
        "{text}"
    );
    assert!(
        text.contains("Saturday 26 December 2026 Boxing Day Statutory Closed"),
        "{text}"
    );
    assert!(
        text.contains(
            "does not oblige employers to give them: Easter Monday (Monday 6 April 2026)"
        ),
        "optional days are offered, not listed: {text}"
    );
    assert!(!text.contains("Monday 6 April 2026 Easter Monday Statutory"));
    assert!(
        ontario
            .body
            .contains(r#"<option value="ON" selected>Ontario (Annex)</option>"#),
        "the clinic's provinces first"
    );
    let next_year = r#"href="/schedule/holidays?province=ON&#38;year=2027" rel="next""#;
    assert!(ontario.body.contains(next_year), "{}", ontario.body);
    let text = text_of(&quebec.body);
    assert!(
        text.contains("Thursday 24 June 2027 Saint-Jean-Baptiste Day Statutory Closed"),
        "{text}"
    );
    assert!(
        text.contains("No location of the clinic is in Quebec"),
        "{text}"
    );
    assert_eq!(nowhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&nowhere.body, "pick-province"),
        "Error: 'XX' is not a Canadian province or territory code"
    );
    assert_eq!(
        message_beside(&no_year.body, "pick-year"),
        "Error: 'soon' is not a year from 1900 to 2999, such as 2026"
    );
}

async fn opening_on_a_holiday_offers_its_slots_until_undone(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;
    let closed = c.slots("2026-12-25").await;

    let opened = c
        .post_holiday(
            "/open",
            &[("date", "2026-12-25"), ("name", "Christmas Day")],
        )
        .await;
    let list = c.browser.get(opened.location()).await;
    let open_slots = c.slots("2026-12-25").await;
    let undone = c.post_holiday("/undo", &[("date", "2026-12-25")]).await;
    let after_undo = c.browser.get(undone.location()).await;

    assert!(closed.is_empty(), "{closed:?}");
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    assert_eq!(
        opened.location(),
        "/schedule/holidays?province=ON&year=2026&saved=opened"
    );
    let text = text_of(&list.body);
    assert!(
        text.contains("Saved. The clinic is open that day"),
        "{text}"
    );
    assert!(
        text.contains("Friday 25 December 2026 Christmas Day Statutory Open Undo"),
        "{text}"
    );
    assert_eq!(open_slots.len(), FULL_DAY);
    assert_eq!(undone.status, StatusCode::SEE_OTHER, "{}", undone.body);
    let text = text_of(&after_undo.body);
    assert!(text.contains("Undone."), "{text}");
    assert!(text.contains("Christmas Day Statutory Closed Open on this day"));
    assert!(c.slots("2026-12-25").await.is_empty());
    assert!(c.holiday_changes().await.is_empty());
}

async fn a_closed_day_added_on_the_page_takes_away_its_slots_until_undone(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;
    let before = c.slots("2026-12-24").await;

    let added = c
        .post_holiday("", &[("date", "2026-12-24"), ("name", "Clinic retreat")])
        .await;
    let list = c.browser.get(added.location()).await;
    let closed = c.slots("2026-12-24").await;
    let changes = c.holiday_changes().await;
    c.post_holiday("/undo", &[("date", "2026-12-24")]).await;

    assert_eq!(before.len(), FULL_DAY);
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let text = text_of(&list.body);
    assert!(
        text.contains("Added. The clinic is closed that day"),
        "{text}"
    );
    assert!(
        text.contains("Thursday 24 December 2026 Clinic retreat Added by the clinic Closed Undo"),
        "{text}"
    );
    assert!(closed.is_empty(), "{closed:?}");
    assert_eq!(changes, ["2026-12-24 Clinic retreat true"]);
    assert_eq!(c.slots("2026-12-24").await.len(), FULL_DAY);
    assert!(c.holiday_changes().await.is_empty());
}

async fn a_bad_holiday_date_or_province_is_refused_beside_its_field_and_nothing_is_written(
    db: TestDb,
) {
    let mut c = clinic(&db).await;

    let not_a_date = c
        .post_holiday("", &[("date", "24/12/2026"), ("name", "Retreat")])
        .await;
    let no_date = c
        .post_holiday("", &[("date", ""), ("name", "Retreat")])
        .await;
    c.browser.get("/schedule/holidays").await;
    let nowhere = c
        .browser
        .post(
            "/schedule/holidays",
            &[("province", "XX"), ("year", "2026"), ("date", "2026-12-24")],
        )
        .await;

    assert_eq!(not_a_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&not_a_date.body, "field-date"),
        "Error: '24/12/2026' is not a date in the form YYYY-MM-DD"
    );
    assert!(
        not_a_date.body.contains(r#"value="Retreat""#),
        "keeps what was typed"
    );
    assert!(
        text_of(&not_a_date.body).contains("Christmas Day"),
        "the list stays"
    );
    assert_eq!(
        message_beside(&no_date.body, "field-date"),
        "Error: Date is required"
    );
    assert_eq!(nowhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&nowhere.body, "pick-province"),
        "Error: 'XX' is not a Canadian province or territory code"
    );
    assert!(c.holiday_changes().await.is_empty());
}

on_both_backends!(
    a_closure_added_on_the_page_is_listed_and_takes_away_the_slots,
    a_closure_over_a_booked_appointment_lists_it_for_the_desk_to_call,
    a_closure_over_no_booking_says_nothing_more,
    a_closure_is_removed_after_a_confirmation_and_the_slots_come_back,
    a_bad_closure_is_refused_beside_its_field_and_nothing_is_written,
    past_closures_are_listed_only_on_request,
    another_clinics_location_and_closure_are_not_found,
    holidays_are_listed_for_a_province_and_year,
    opening_on_a_holiday_offers_its_slots_until_undone,
    a_closed_day_added_on_the_page_takes_away_its_slots_until_undone,
    a_bad_holiday_date_or_province_is_refused_beside_its_field_and_nothing_is_written,
);
