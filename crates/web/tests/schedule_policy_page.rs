//! The booking rules page driven in process as a browser would: the rules in force said in
//! words, a change saved as a new version that new bookings record, the saved versions
//! listed, bad values refused beside their fields with nothing written, and who may see or
//! change the rules. Both backends.
//!
//! "Now" is Thursday 3 December 2026, 10:00 in Toronto (see `test_app`).

use axum::http::StatusCode;
use knead_app::App;
use knead_domain::Role;
use knead_domain::appointment::Source;
use knead_domain::booking::{AppointmentView, BookingInput};
use knead_domain::ids::UserId;
use knead_domain::setup::PatientInput;
use knead_store::auth::{self as users, UserRecord};
use knead_testkit::{TestDb, on_both_backends};
use support::pages::*;
use support::setup;

mod support;

/// Rules unlike the defaults: 30 minutes' notice, 60 days ahead, a 2-day window in which a
/// move counts as late, start times every 30 minutes.
const RULES: [(&str, &str); 7] = [
    ("minimum_notice", "30"),
    ("minimum_notice_unit", "minutes"),
    ("horizon_days", "60"),
    ("late_cancel_window", "2"),
    ("late_cancel_window_unit", "days"),
    ("reschedule_inside_window_is_late", "true"),
    ("slot_step_minutes", "30"),
];

/// The shared set-up clinic (one Toronto location, a practitioner working there, a 60-minute
/// service, its owner signed in on the browser) with a patient to book.
struct Clinic {
    base: setup::Clinic,
    patient: String,
}

impl std::ops::Deref for Clinic {
    type Target = setup::Clinic;

    fn deref(&self) -> &setup::Clinic {
        &self.base
    }
}

impl std::ops::DerefMut for Clinic {
    fn deref_mut(&mut self) -> &mut setup::Clinic {
        &mut self.base
    }
}

async fn clinic(db: &TestDb) -> Clinic {
    let base = setup::clinic(db).await;
    let patient = PatientInput {
        legal_first_name: Some("Zoé".into()),
        legal_last_name: Some("Côté".into()),
        ..PatientInput::default()
    };
    let patient = base
        .app
        .create_patient(&base.staff, &patient)
        .await
        .unwrap();
    Clinic {
        base,
        patient: patient.id.to_string(),
    }
}

impl Clinic {
    async fn version(&self) -> i64 {
        self.app.booking_policy(&self.staff).await.unwrap().version
    }

    /// Opens the page, then posts its form with `fields`.
    async fn post_rules(&mut self, fields: &[(&str, &str)]) -> Reply {
        self.browser.get("/schedule/policy").await;
        self.browser.post("/schedule/policy", fields).await
    }

    /// Books Zoé at local `start` from the desk (no hours are set, so with a reason).
    async fn book(&self, start: &str) -> AppointmentView {
        let input = BookingInput {
            patient_id: Some(self.patient.clone()),
            practitioner_id: Some(self.practitioner.clone()),
            service_id: Some(self.service.clone()),
            location_id: Some(self.location.clone()),
            start: Some(start.into()),
            override_reason: Some("booked by phone".into()),
            ..BookingInput::default()
        };
        self.app
            .book(&self.staff, &input, Source::Desk)
            .await
            .unwrap()
    }
}

/// A front-desk colleague of the owner, with the owner's password, signed in on a browser.
async fn front_desk(db: &TestDb, app: &App) -> Browser {
    let email = "desk@annex.example";
    let mut conn = db.store.read().await.unwrap();
    let owner = users::find_user_by_email(&mut conn, OWNER_EMAIL)
        .await
        .unwrap()
        .unwrap();
    let desk = UserRecord {
        id: UserId::generate(),
        email: email.into(),
        name: "Sam Ortiz".into(),
        role: Role::FrontDesk,
        ..owner
    };
    users::insert_user(&mut conn, &desk, 0).await.unwrap();
    let mut browser = Browser::new(app);
    browser.get("/login").await;
    let fields = [("email", email), ("password", PASSWORD)];
    let reply = browser.post("/login", &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    browser
}

/// The words of the option chosen in the select with id `id`.
fn selected(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no select #{id}"));
    let select = &html[start..];
    let select = &select[..select.find("</select>").unwrap()];
    let marker = " selected>";
    let chosen = &select[select.find(marker).expect("an option is chosen") + marker.len()..];
    text_of(chosen.split("</option>").next().unwrap())
}

/// The value of the input with id `id`.
fn value_of(html: &str, id: &str) -> String {
    let input = element_with_id(html, id).unwrap_or_else(|| panic!("no input #{id}"));
    value_after(input, "value=\"")
}

async fn the_defaults_are_shown_before_anything_is_saved(db: TestDb) {
    let mut c = clinic(&db).await;

    let page = c.browser.get("/schedule/policy").await;

    assert_eq!(page.status, StatusCode::OK);
    let text = text_of(&page.body);
    assert!(
        text.contains("Knead's defaults: the clinic has not saved rules of its own yet."),
        "{text}"
    );
    assert!(text.contains(
        "Patients can book online up to 90 days ahead, at least 2 hours before the start."
    ));
    assert!(text.contains(
        "A cancellation less than 24 hours before the start is late; one made 24 hours or \
         more before is in time."
    ));
    assert!(text.contains("Moving an appointment, even inside that window, is not a late"));
    assert!(text.contains("Start times follow each location's own step."));
    assert!(text.contains("limit what patients can book online and decide which cancellations"));
    assert!(text.contains("None yet"));
    assert_eq!(value_of(&page.body, "field-minimum_notice"), "2");
    assert_eq!(selected(&page.body, "field-minimum_notice_unit"), "hours");
    assert_eq!(value_of(&page.body, "field-horizon_days"), "90");
    assert_eq!(value_of(&page.body, "field-late_cancel_window"), "24");
    assert_eq!(
        selected(&page.body, "field-late_cancel_window_unit"),
        "hours"
    );
    assert!(!is_checked(
        &page.body,
        "field-reschedule_inside_window_is_late"
    ));
    assert_eq!(
        selected(&page.body, "field-slot_step_minutes"),
        "Each location's own step"
    );
    assert!(text.contains("Save as version 1"));
    assert_eq!(c.version().await, 0);
}

async fn a_saved_change_is_a_new_version_that_new_bookings_record(db: TestDb) {
    let mut c = clinic(&db).await;
    let before = c.book("2026-12-10T09:00").await;

    let reply = c.post_rules(&RULES).await;
    let shown = c.browser.get(reply.location()).await;
    let after = c.book("2026-12-10T11:00").await;

    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), "/schedule/policy?saved=1");
    let text = text_of(&shown.body);
    assert!(
        text.contains(
            "Saved as version 1. Appointments booked from now on follow these rules; those \
             already booked keep the version they were booked under."
        ),
        "{text}"
    );
    assert!(text.contains("Version 1, saved Thursday 3 December 2026 at 10:00 by Maya Chen."));
    assert!(text.contains(
        "Patients can book online up to 60 days ahead, at least 30 minutes before the start."
    ));
    assert!(text.contains(
        "Moving an appointment less than 48 hours before its start counts as a late \
         cancellation."
    ));
    assert!(text.contains("Start times are offered every 30 minutes at every location"));
    assert_eq!(value_of(&shown.body, "field-late_cancel_window"), "48");
    assert_eq!(
        selected(&shown.body, "field-late_cancel_window_unit"),
        "hours"
    );
    assert!(is_checked(
        &shown.body,
        "field-reschedule_inside_window_is_late"
    ));
    let policy = c.app.booking_policy(&c.staff).await.unwrap();
    assert_eq!(policy.version, 1);
    assert_eq!(policy.minimum_notice_minutes, 30);
    assert_eq!(policy.horizon_days, 60);
    assert_eq!(policy.late_cancel_window_minutes, 2880);
    assert!(policy.reschedule_inside_window_is_late);
    assert_eq!(policy.slot_step_minutes, Some(30));
    assert_eq!(after.policy_version, 1);
    let kept = c.app.appointment(&c.staff, &before.id).await.unwrap();
    assert_eq!(kept.policy_version, 0, "booked before the change");
}

async fn the_page_lists_the_saved_versions_newest_first(db: TestDb) {
    let mut c = clinic(&db).await;
    c.post_rules(&RULES).await;
    let second = [
        ("minimum_notice", "4"),
        ("minimum_notice_unit", "hours"),
        ("horizon_days", "60"),
        ("late_cancel_window", "48"),
        ("late_cancel_window_unit", "hours"),
        ("slot_step_minutes", ""),
    ];
    c.post_rules(&second).await;

    let page = c.browser.get("/schedule/policy").await;

    let text = text_of(&page.body);
    let newest = "Version 2 In force Thursday 3 December 2026 at 10:00 Maya Chen 4 hours \
                  60 days 48 hours No Each location's own step";
    let older = "Version 1 Thursday 3 December 2026 at 10:00 Maya Chen 30 minutes 60 days \
                 48 hours Yes Every 30 minutes";
    let (Some(newest), Some(older)) = (text.find(newest), text.find(older)) else {
        panic!("{text}");
    };
    assert!(newest < older, "newest first");
    assert!(text.contains("Times are America/Toronto (Eastern) clock times."));
    assert!(text.contains("Save as version 3"));
    assert_eq!(c.version().await, 2);
}

async fn bad_values_are_refused_beside_their_fields_and_nothing_is_written(db: TestDb) {
    let mut c = clinic(&db).await;
    c.post_rules(&RULES).await;
    let saved = c.app.booking_policy(&c.staff).await.unwrap();

    let words = c
        .post_rules(&[
            ("minimum_notice", "soon"),
            ("minimum_notice_unit", "hours"),
            ("horizon_days", "0"),
            ("late_cancel_window", "-3"),
            ("late_cancel_window_unit", "hours"),
            ("slot_step_minutes", "15"),
        ])
        .await;
    let absurd = c
        .post_rules(&[
            ("minimum_notice", "31"),
            ("minimum_notice_unit", "days"),
            ("horizon_days", "5000"),
            ("late_cancel_window", "1.5"),
            ("late_cancel_window_unit", "hours"),
            ("slot_step_minutes", "15"),
        ])
        .await;
    let step = c
        .post_rules(&[
            ("minimum_notice", "2"),
            ("minimum_notice_unit", "hours"),
            ("horizon_days", "90"),
            ("late_cancel_window", "24"),
            ("late_cancel_window_unit", "hours"),
            ("slot_step_minutes", "500"),
        ])
        .await;

    assert_eq!(words.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&words.body, "field-minimum_notice"),
        "Error: 'soon' is not a whole number of hours"
    );
    assert_eq!(
        message_beside(&words.body, "field-horizon_days"),
        "Error: How far ahead must be between 1 and 730 days"
    );
    assert_eq!(
        message_beside(&words.body, "field-late_cancel_window"),
        "Error: Late-cancellation window cannot be negative"
    );
    assert!(text_of(&words.body).contains("Nothing was saved."));
    assert_eq!(value_of(&words.body, "field-minimum_notice"), "soon");
    assert_eq!(value_of(&words.body, "field-late_cancel_window"), "-3");
    assert_eq!(absurd.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&absurd.body, "field-minimum_notice"),
        "Error: Minimum notice must be at most 30 days"
    );
    assert_eq!(
        message_beside(&absurd.body, "field-horizon_days"),
        "Error: How far ahead must be between 1 and 730 days"
    );
    assert_eq!(
        message_beside(&absurd.body, "field-late_cancel_window"),
        "Error: '1.5' is not a whole number of hours"
    );
    assert_eq!(selected(&absurd.body, "field-minimum_notice_unit"), "days");
    assert_eq!(step.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&step.body, "field-slot_step_minutes"),
        "Error: Start times must be between 5 and 120 minutes"
    );
    assert_eq!(
        c.app.booking_policy(&c.staff).await.unwrap(),
        saved,
        "nothing was written"
    );
}

async fn a_signed_out_visitor_is_sent_to_sign_in(db: TestDb) {
    let c = clinic(&db).await;
    let mut stranger = Browser::new(&c.app);

    let reply = stranger.get("/schedule/policy").await;
    let posted = stranger.post_raw("/schedule/policy", &RULES).await;

    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/login");
    assert!(!posted.status.is_success() && !posted.status.is_redirection());
    assert_eq!(c.version().await, 0);
}

async fn a_front_desk_colleague_sees_the_rules_but_no_form(db: TestDb) {
    let c = clinic(&db).await;
    let mut desk = front_desk(&db, &c.app).await;

    let page = desk.get("/schedule/policy").await;
    let tried = desk.post("/schedule/policy", &RULES).await;

    assert_eq!(page.status, StatusCode::OK);
    let text = text_of(&page.body);
    assert!(text.contains("Patients can book online up to 90 days ahead"));
    assert!(text.contains("You can see these settings; only the clinic's owner can change them."));
    assert!(!page.body.contains(r#"action="/schedule/policy""#));
    assert_eq!(tried.status, StatusCode::FORBIDDEN);
    assert_eq!(c.version().await, 0);
}

on_both_backends!(
    the_defaults_are_shown_before_anything_is_saved,
    a_saved_change_is_a_new_version_that_new_bookings_record,
    the_page_lists_the_saved_versions_newest_first,
    bad_values_are_refused_beside_their_fields_and_nothing_is_written,
    a_signed_out_visitor_is_sent_to_sign_in,
    a_front_desk_colleague_sees_the_rules_but_no_form,
);
