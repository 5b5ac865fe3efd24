//! The setup pages behind the schedule, driven in process as a browser would: weekly hours,
//! time off and extra shifts, closures, holidays and the booking rules. Each test checks what
//! the page shows, what it refuses and that a refusal writes nothing, and that what is saved
//! really changes the open slots or the policy a new booking records. Both backends.
//!
//! Closures and holidays have their own file, `schedule_closures_pages.rs`.
//!
//! "Now" is Thursday 3 December 2026, 10:00 in Toronto (see `test_app`).

use axum::http::StatusCode;
use knead_app::{App, Staff};
use knead_domain::ids::PractitionerId;
use knead_testkit::{TestDb, on_both_backends};
use support::pages::*;
use support::setup::{Clinic, clinic, second_clinic};

mod support;

impl Clinic {
    /// The stored weekly hours at the location, as `weekday start-end`.
    async fn stored_hours(&self) -> Vec<String> {
        let id = PractitionerId::from_string(self.practitioner.clone());
        let hours = self.app.hours(&self.staff, &id).await.unwrap();
        hours
            .iter()
            .filter(|h| h.location_id == self.location)
            .flat_map(|h| &h.blocks)
            .map(|b| format!("{} {}-{}", b.weekday, b.start, b.end))
            .collect()
    }
}

// Weekly hours

async fn weekly_hours_saved_on_the_page_show_again_and_open_slots(db: TestDb) {
    let mut c = clinic(&db).await;
    let before = c.slots("2026-12-07").await;
    let page = c.browser.get("/schedule/hours").await;

    c.weekday_hours().await;
    let shown = c
        .browser
        .get(&format!("{}&saved=hours", c.hours_path()))
        .await;
    let after = c.slots("2026-12-07").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(text_of(&page.body).contains("Times are America/Toronto (Eastern) clock times"));
    assert!(before.is_empty(), "{before:?}");
    assert!(text_of(&shown.body).contains("Weekly hours saved for Léa Tremblay at Annex."));
    assert!(
        shown
            .body
            .contains(r#"name="monday[1].start" type="time" value="13:00""#)
    );
    assert!(text_of(&shown.body).contains("Monday 7 hours"));
    assert_eq!(after.first().unwrap(), "2026-12-07T09:00:00-05:00");
    assert!(after.contains(&"2026-12-07T11:00:00-05:00".to_owned()));
    assert!(
        !after.contains(&"2026-12-07T11:30:00-05:00".to_owned()),
        "lunch: {after:?}"
    );
    assert!(after.contains(&"2026-12-07T13:00:00-05:00".to_owned()));
    assert_eq!(after.last().unwrap(), "2026-12-07T16:00:00-05:00");
}

async fn overlapping_and_backwards_rows_are_refused_beside_them_and_nothing_is_saved(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;
    let stored = c.stored_hours().await;
    let location = c.location.clone();

    let reply = c
        .post_hours(
            &location,
            &[
                ("tuesday[0].start", "09:00"),
                ("tuesday[0].end", "13:00"),
                ("tuesday[1].start", "12:00"),
                ("tuesday[1].end", "17:00"),
                ("wednesday[2].start", "15:00"),
                ("wednesday[2].end", "10:00"),
            ],
        )
        .await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&reply.body, "field-tuesday[1].start"),
        "Error: Tuesday, row 2 start overlaps Tuesday, row 1"
    );
    assert_eq!(
        message_beside(&reply.body, "field-wednesday[2].end"),
        "Error: Wednesday, row 3 end must be after the start"
    );
    assert!(text_of(&reply.body).contains("Nothing was saved."));
    assert!(
        reply
            .body
            .contains(r#"name="tuesday[1].end" type="time" value="17:00""#)
    );
    assert_eq!(c.stored_hours().await, stored);
}

async fn hours_at_a_location_the_practitioner_does_not_work_at_are_refused(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;
    let stored = c.stored_hours().await;
    let downtown = add_location(&mut c.browser, "Downtown").await;

    let reply = c
        .post_hours(
            &downtown,
            &[("monday[0].start", "08:00"), ("monday[0].end", "20:00")],
        )
        .await;
    let asked = c
        .browser
        .get(&format!(
            "/schedule/hours?practitioner={}&location={downtown}",
            c.practitioner
        ))
        .await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&reply.body, "pick-location"),
        "Error: Location is not one of this practitioner's locations"
    );
    assert_eq!(
        message_beside(&asked.body, "pick-location"),
        "Error: Location is not one of this practitioner's locations"
    );
    assert!(!asked.body.contains("Save weekly hours"));
    assert_eq!(c.stored_hours().await, stored);
}

async fn adding_rows_keeps_what_was_typed_and_saves_nothing(db: TestDb) {
    let mut c = clinic(&db).await;
    let path = c.hours_path();
    c.browser.get(&path).await;
    let fields = [
        ("practitioner_id", c.practitioner.as_str()),
        ("location_id", c.location.as_str()),
        ("rows", "2"),
        ("action", "more_rows"),
        ("saturday[0].start", "10:00"),
        ("saturday[0].end", "14:00"),
    ];

    let reply = c.browser.post("/schedule/hours", &fields).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .body
            .contains(r#"name="saturday[0].end" type="time" value="14:00""#)
    );
    assert!(reply.body.contains(r#"name="sunday[2].start""#));
    assert!(!reply.body.contains(r#"name="sunday[3].start""#));
    assert!(c.stored_hours().await.is_empty());
}

// Time off and extra shifts

impl Clinic {
    /// Posts the time-off and shifts form with `fields` added to this practitioner.
    async fn post_exception(&mut self, fields: &[(&str, &str)]) -> Reply {
        self.browser.get("/schedule/exceptions").await;
        let mut all = vec![("practitioner_id", self.practitioner.as_str())];
        all.extend_from_slice(fields);
        self.browser.post("/schedule/exceptions", &all).await
    }

    /// The ids of the stored exceptions in December 2026.
    async fn december_exceptions(&self) -> Vec<String> {
        let (from, to) = ("2026-11-01".parse().unwrap(), "2026-12-31".parse().unwrap());
        let found = self
            .app
            .exceptions(&self.staff, None, from, to)
            .await
            .unwrap();
        found.into_iter().map(|e| e.id).collect()
    }
}

async fn time_off_and_extra_shifts_added_on_the_page_are_listed_and_change_the_slots(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;

    let day_off = c
        .post_exception(&[
            ("kind", "time_off"),
            ("start", "2026-12-08"),
            ("reason", "Course"),
        ])
        .await;
    let afternoon_off = c
        .post_exception(&[
            ("kind", "time_off"),
            ("start", "2026-12-09"),
            ("start_time", "13:00"),
        ])
        .await;
    let location = c.location.clone();
    let saturday = c
        .post_exception(&[
            ("kind", "extra_shift"),
            ("location_id", location.as_str()),
            ("start", "2026-12-12"),
            ("start_time", "10:00"),
            ("end_time", "14:00"),
        ])
        .await;
    let list = c.browser.get(day_off.location()).await;

    assert_eq!(day_off.status, StatusCode::SEE_OTHER, "{}", day_off.body);
    assert_eq!(
        afternoon_off.status,
        StatusCode::SEE_OTHER,
        "{}",
        afternoon_off.body
    );
    assert_eq!(saturday.status, StatusCode::SEE_OTHER, "{}", saturday.body);
    let text = text_of(&list.body);
    assert!(text.contains("Added."), "{text}");
    assert!(
        text.contains(
            "Tuesday 8 December 2026, all day Léa Tremblay Time off Every location Course"
        ),
        "{text}"
    );
    assert!(
        text.contains("Wednesday 9 December 2026, 13:00 to the end of the day"),
        "{text}"
    );
    assert!(
        text.contains("Saturday 12 December 2026, 10:00 to 14:00 Léa Tremblay Extra shift Annex"),
        "{text}"
    );
    assert!(c.slots("2026-12-08").await.is_empty());
    assert_eq!(
        c.slots("2026-12-09").await.last().unwrap(),
        "2026-12-09T11:00:00-05:00"
    );
    let weekend = c.slots("2026-12-12").await;
    assert_eq!(weekend.first().unwrap(), "2026-12-12T10:00:00-05:00");
    assert_eq!(weekend.last().unwrap(), "2026-12-12T13:00:00-05:00");
}

async fn time_off_over_booked_appointments_lists_them_for_the_desk_to_call(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;
    let morning = c.book("Zoé", "Côté", "2026-12-08T09:00").await;
    let afternoon = c.book("Omar", "Haddad", "2026-12-08T14:00").await;
    let next_day = c.book("Ruth", "Nguyen", "2026-12-09T10:00").await;

    let added = c
        .post_exception(&[("kind", "time_off"), ("start", "2026-12-08")])
        .await;
    let page = c.browser.get(added.location()).await;

    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let text = text_of(&page.body);
    assert!(text.contains("Added."), "{text}");
    assert!(
        text.contains(
            "2 appointments already booked in this time stay booked; \
             call these patients to move or cancel them:"
        ),
        "{text}"
    );
    assert!(
        text.contains("Tuesday 8 December 2026, 09:00–10:00: Zoé Côté, with Léa Tremblay"),
        "{text}"
    );
    assert!(text.contains("Omar Haddad"), "{text}");
    assert!(!text.contains("Ruth Nguyen"), "{text}");
    for (appointment, listed) in [(&morning, true), (&afternoon, true), (&next_day, false)] {
        let link = format!(r#"href="/schedule/appointments/{}""#, appointment.id);
        assert_eq!(page.body.contains(&link), listed, "{}", appointment.id);
    }
}

async fn time_off_over_no_booking_says_nothing_more(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;
    c.book("Ruth", "Nguyen", "2026-12-09T10:00").await;

    let added = c
        .post_exception(&[
            ("kind", "time_off"),
            ("start", "2026-12-09"),
            ("start_time", "13:00"),
        ])
        .await;
    let page = c.browser.get(added.location()).await;

    let text = text_of(&page.body);
    assert!(text.contains("Added."), "{text}");
    assert!(!text.contains("call these patients"), "{text}");
    assert!(!text.contains("Ruth Nguyen"), "{text}");
}

async fn time_off_is_removed_after_a_confirmation_and_the_hours_hold_again(db: TestDb) {
    let mut c = clinic(&db).await;
    c.weekday_hours().await;
    c.post_exception(&[
        ("kind", "time_off"),
        ("start", "2026-12-08"),
        ("end", "2026-12-09"),
    ])
    .await;
    let id = c.december_exceptions().await.pop().unwrap();

    let asked = c
        .browser
        .get(&format!("/schedule/exceptions?remove={id}"))
        .await;
    let removed = c
        .browser
        .post(
            &format!("/schedule/exceptions/{id}/remove"),
            &[("when", "upcoming")],
        )
        .await;
    let list = c.browser.get(removed.location()).await;

    let question = text_of(&asked.body);
    assert!(question.contains("Remove this entry? Time off: Léa Tremblay, Tuesday 8 December 2026 to Wednesday 9 December 2026, whole days."), "{question}");
    assert!(
        asked
            .body
            .contains(&format!(r#"action="/schedule/exceptions/{id}/remove""#))
    );
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(text_of(&list.body).contains("Removed."));
    assert!(text_of(&list.body).contains("No time off or extra shifts to come."));
    assert!(c.december_exceptions().await.is_empty());
    assert_eq!(
        c.slots("2026-12-08").await.len(),
        22,
        "09:00-11:00 and 13:00-16:00 every 15 minutes"
    );
}

async fn bad_time_off_is_refused_beside_its_field_and_nothing_is_written(db: TestDb) {
    let mut c = clinic(&db).await;

    let backwards = c
        .post_exception(&[
            ("kind", "time_off"),
            ("start", "2026-12-10"),
            ("end", "2026-12-08"),
        ])
        .await;
    let shift_without_times = c
        .post_exception(&[
            ("kind", "extra_shift"),
            ("location_id", ""),
            ("start", "2026-12-12"),
        ])
        .await;
    c.browser.get("/schedule/exceptions").await;
    let nobody = c
        .browser
        .post(
            "/schedule/exceptions",
            &[
                ("practitioner_id", ""),
                ("kind", "time_off"),
                ("start", "2026-12-10"),
            ],
        )
        .await;
    let no_day = c
        .post_exception(&[("kind", "time_off"), ("start_time", "25:00")])
        .await;

    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&backwards.body, "field-end"),
        "Error: Last day must be after the start"
    );
    assert_eq!(
        message_beside(&shift_without_times.body, "field-start_time"),
        "Error: Starting at is required for an extra shift"
    );
    assert_eq!(
        message_beside(&nobody.body, "field-practitioner_id"),
        "Error: Practitioner is required"
    );
    assert_eq!(
        message_beside(&no_day.body, "field-start_time"),
        "Error: '25:00' is not a time of day; use HH:MM, such as 09:30"
    );
    assert!(
        backwards.body.contains(r#"value="2026-12-08""#),
        "keeps what was typed"
    );
    assert!(c.december_exceptions().await.is_empty());
}

async fn time_off_on_a_missing_day_is_refused_once_beside_the_first_day(db: TestDb) {
    let mut c = clinic(&db).await;

    let reply = c
        .post_exception(&[("kind", "time_off"), ("start", "2026-02-30")])
        .await;

    let message = "30 February 2026 is not a date on the calendar";
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&reply.body, "field-start"),
        format!("Error: {message}")
    );
    assert!(
        !element_with_id(&reply.body, "field-end")
            .unwrap()
            .contains("aria-invalid"),
        "the blank last day is blamed too"
    );
    let text = text_of(&reply.body);
    assert!(text.contains("There is a problem with 1 field"), "{text}");
    assert_eq!(
        text.matches(message).count(),
        2,
        "once in the summary, once beside: {text}"
    );
    assert!(c.december_exceptions().await.is_empty());
}

async fn past_time_off_is_listed_only_on_request(db: TestDb) {
    let mut c = clinic(&db).await;
    c.post_exception(&[
        ("kind", "time_off"),
        ("start", "2026-11-20"),
        ("reason", "Flu"),
    ])
    .await;

    let upcoming = c.browser.get("/schedule/exceptions").await;
    let past = c.browser.get("/schedule/exceptions?when=past").await;

    assert!(!text_of(&upcoming.body).contains("Flu"));
    assert!(
        text_of(&past.body)
            .contains("Friday 20 November 2026, all day Léa Tremblay Time off Every location Flu")
    );
}

// Shared: signed-out visitors and other clinics

async fn every_setup_page_sends_a_signed_out_visitor_to_sign_in(db: TestDb) {
    let c = clinic(&db).await;
    let mut stranger = Browser::new(&c.app);
    let pages = [
        "/schedule/hours",
        "/schedule/exceptions",
        "/schedule/closures",
        "/schedule/holidays",
    ];

    for page in pages {
        let reply = stranger.get(page).await;

        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{page}");
        assert_eq!(reply.location(), "/login", "{page}");
    }
}

async fn another_clinics_practitioner_and_location_are_not_found(db: TestDb) {
    let mut c = clinic(&db).await;
    let (other, location, practitioner) = second_clinic(&c.app).await;

    let their_practitioner = c
        .browser
        .get(&format!("/schedule/hours?practitioner={practitioner}"))
        .await;
    let their_location = c
        .browser
        .get(&format!(
            "/schedule/hours?practitioner={}&location={location}",
            c.practitioner
        ))
        .await;
    let path = c.hours_path();
    c.browser.get(&path).await;
    let fields = [
        ("practitioner_id", practitioner.as_str()),
        ("location_id", location.as_str()),
        ("action", "save"),
        ("monday[0].start", "09:00"),
        ("monday[0].end", "17:00"),
    ];
    let their_hours = c.browser.post("/schedule/hours", &fields).await;
    let theirs = their_time_off(&c.app, &other, &practitioner).await;
    let their_list = c
        .browser
        .get(&format!("/schedule/exceptions?practitioner={practitioner}"))
        .await;
    c.browser.get("/schedule/exceptions").await;
    let off_for_them = c
        .browser
        .post(
            "/schedule/exceptions",
            &[
                ("practitioner_id", practitioner.as_str()),
                ("kind", "time_off"),
                ("start", "2026-12-10"),
            ],
        )
        .await;
    let remove_theirs = c
        .browser
        .post(&format!("/schedule/exceptions/{theirs}/remove"), &[])
        .await;

    assert_eq!(their_practitioner.status, StatusCode::NOT_FOUND);
    assert!(!their_practitioner.body.contains("Ines"));
    assert_eq!(their_location.status, StatusCode::NOT_FOUND);
    assert_eq!(their_hours.status, StatusCode::NOT_FOUND);
    assert_eq!(their_list.status, StatusCode::NOT_FOUND);
    assert_eq!(off_for_them.status, StatusCode::NOT_FOUND);
    assert_eq!(remove_theirs.status, StatusCode::NOT_FOUND);
    let (from, to) = ("2026-12-01".parse().unwrap(), "2026-12-31".parse().unwrap());
    let kept = c.app.exceptions(&other, None, from, to).await.unwrap();
    assert_eq!(
        kept.len(),
        1,
        "their time off stays and nothing was added for them"
    );
    let untouched = c.app.hours(&other, &practitioner).await.unwrap();
    assert!(untouched.iter().all(|h| h.blocks.is_empty()));
}

/// Time off for another clinic's practitioner, made by that clinic; its id.
async fn their_time_off(app: &App, owner: &Staff, practitioner: &PractitionerId) -> String {
    let input = knead_domain::booking::ExceptionInput {
        practitioner_id: Some(practitioner.to_string()),
        kind: Some("time_off".into()),
        start: Some("2026-12-14".into()),
        end: Some("2026-12-14".into()),
        ..Default::default()
    };
    app.add_exception(owner, &input).await.unwrap().id
}

on_both_backends!(
    weekly_hours_saved_on_the_page_show_again_and_open_slots,
    overlapping_and_backwards_rows_are_refused_beside_them_and_nothing_is_saved,
    hours_at_a_location_the_practitioner_does_not_work_at_are_refused,
    adding_rows_keeps_what_was_typed_and_saves_nothing,
    time_off_and_extra_shifts_added_on_the_page_are_listed_and_change_the_slots,
    time_off_over_booked_appointments_lists_them_for_the_desk_to_call,
    time_off_over_no_booking_says_nothing_more,
    time_off_is_removed_after_a_confirmation_and_the_hours_hold_again,
    bad_time_off_is_refused_beside_its_field_and_nothing_is_written,
    past_time_off_is_listed_only_on_request,
    time_off_on_a_missing_day_is_refused_once_beside_the_first_day,
    every_setup_page_sends_a_signed_out_visitor_to_sign_in,
    another_clinics_practitioner_and_location_are_not_found,
);
