//! Knead in a real browser (headless Chromium over WebDriver), on SQLite and PostgreSQL:
//! a clinic is set up, signed into, and filled with locations, practitioners, services and
//! patients the way a person would; the front desk books from the day view, moves and
//! cancels; closures, holidays and the booking rules are set; screenshots are saved for
//! people to look at.

mod support;

use axum::http::{Method, StatusCode};
use fantoccini::Locator;
use knead_app::Clock;
use knead_testkit::{TestDb, on_both_backends};
use serde_json::{Value, json};
use support::api::{Clinic, call, first_clinic};
use support::browser::{Browser, Server};

fn clock() -> Clock {
    Clock::fixed("2026-12-03T15:00:00Z".parse().unwrap())
}

async fn set_up_clinic(browser: &Browser, server: &Server) {
    browser.goto(&server.url("/")).await;
    assert_eq!(browser.path().await, "/setup");
    browser.fill("clinic_name", "Harbour Massage").await;
    browser.fill("owner_name", "Maude Ouellet").await;
    browser.fill("email", "owner@harbour.example").await;
    browser.fill("password", "a long enough password").await;
    browser
        .fill("password_confirm", "a long enough password")
        .await;
    browser.submit_form_of("clinic_name").await;
}

async fn check(browser: &Browser, name: &str) {
    let selector = format!("input[name=\"{name}\"]");
    browser
        .client
        .find(Locator::Css(&selector))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn a_clinic_is_set_up_signed_into_and_filled_in_the_browser(db: TestDb) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = Server::start(&db, clock()).await;

    set_up_clinic(&browser, &server).await;
    assert_eq!(browser.path().await, "/");
    assert!(browser.text().await.contains("Harbour Massage"));
    browser
        .screenshot(&format!("{}-home", db.backend().name()))
        .await;

    browser.goto(&server.url("/locations/new")).await;
    browser.fill("name", "Annex").await;
    browser.fill("province", "ON").await;
    browser.fill("time_zone", "America/Toronto").await;
    browser.fill("postal_code", "12345").await;
    browser.submit_form_of("name").await;
    let page = browser.text().await;
    assert!(
        page.contains("'12345' is not a postal code"),
        "the error is not shown"
    );
    let shot = format!("{}-location-error", db.backend().name());
    browser.screenshot(&shot).await;
    browser.fill("postal_code", "M5S 1X5").await;
    browser.submit_form_of("name").await;
    browser.goto(&server.url("/locations")).await;
    assert!(browser.text().await.contains("Annex"));

    browser.goto(&server.url("/practitioners/new")).await;
    browser.fill("name", "Léa Tremblay").await;
    check(&browser, "location_ids").await;
    browser.fill("registrations[0].province", "ON").await;
    browser.fill("registrations[0].college", "CMTO").await;
    browser.fill("registrations[0].number", "U1234").await;
    browser.submit_form_of("name").await;
    browser.goto(&server.url("/practitioners")).await;
    assert!(browser.text().await.contains("Léa Tremblay"));

    browser.goto(&server.url("/services/new")).await;
    browser.fill("name", "Massage 60").await;
    browser.fill("duration_minutes", "60").await;
    browser.fill("price", "120").await;
    check(&browser, "practitioner_ids").await;
    browser.submit_form_of("name").await;
    browser.goto(&server.url("/services")).await;
    assert!(browser.text().await.contains("Massage 60"));
    assert!(browser.text().await.contains("120.00"));

    browser.goto(&server.url("/patients/new")).await;
    browser.fill("legal_first_name", "Zoé").await;
    browser.fill("legal_last_name", "Côté").await;
    browser.fill("email", "zoe@example.ca").await;
    browser.fill("mobile_phone", "416-555-0199").await;
    browser.submit_form_of("legal_first_name").await;
    browser.goto(&server.url("/patients?q=cote")).await;
    assert!(browser.text().await.contains("Côté"));
    browser
        .screenshot(&format!("{}-patients", db.backend().name()))
        .await;

    browser.click_button("Sign out").await;
    browser.wait_for("input[name=password]").await;
    assert_eq!(browser.path().await, "/login");
    browser.goto(&server.url("/patients")).await;
    assert_eq!(
        browser.path().await,
        "/login",
        "signed out, yet the patients page opened"
    );

    browser.fill("email", "owner@harbour.example").await;
    browser.fill("password", "a long enough password").await;
    browser.submit_form_of("password").await;
    assert_eq!(browser.path().await, "/");
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.goto(&server.url("/patients")).await;
    browser
        .screenshot(&format!("{}-patients-phone", db.backend().name()))
        .await;

    browser.close().await;
}

async fn a_wrong_password_is_refused_without_saying_which_part_was_wrong(db: TestDb) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = Server::start(&db, clock()).await;
    set_up_clinic(&browser, &server).await;
    browser.click_button("Sign out").await;
    browser.wait_for("input[name=password]").await;

    browser.fill("email", "owner@harbour.example").await;
    browser.fill("password", "not the password").await;
    browser.submit_form_of("password").await;

    assert_eq!(browser.path().await, "/login");
    assert!(browser.text().await.to_lowercase().contains("incorrect"));
    browser
        .screenshot(&format!("{}-login-refused", db.backend().name()))
        .await;
    browser.close().await;
}

async fn created(clinic: &Clinic, path: &str, body: Value) -> String {
    let (status, answer) = call(clinic, Method::POST, path, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {answer}");
    answer["id"].as_str().unwrap().to_owned()
}

/// A Toronto location where Léa works weekdays 09:00-12:00 and 13:00-17:00 and Marc on
/// Thursdays 12:00-18:00, a 60-minute massage, Zoé and a few of her neighbours booked.
struct Day {
    location: String,
    massage: String,
}

async fn a_day_at_the_desk(clinic: &Clinic) -> Day {
    let place = json!({"name": "Annex", "province": "ON", "time_zone": "America/Toronto"});
    let location = created(clinic, "/api/v1/locations", place).await;
    let lea = json!({"name": "Léa Tremblay", "location_ids": [location]});
    let lea = created(clinic, "/api/v1/practitioners", lea).await;
    let marc = json!({"name": "Marc Dubois", "location_ids": [location]});
    let marc = created(clinic, "/api/v1/practitioners", marc).await;
    let massage = json!({"name": "Massage 60", "duration_minutes": 60, "price": "120"});
    let massage = created(clinic, "/api/v1/services", massage).await;
    let weekdays = ["mon", "tue", "wed", "thu", "fri"];
    let lea_hours: Vec<Value> = weekdays
        .iter()
        .flat_map(|d| {
            [("09:00", "12:00"), ("13:00", "17:00")]
                .map(|(start, end)| json!({"weekday": d, "start": start, "end": end}))
        })
        .collect();
    let marc_hours = vec![json!({"weekday": "thu", "start": "12:00", "end": "18:00"})];
    for (who, blocks) in [(&lea, lea_hours), (&marc, marc_hours)] {
        let path = format!("/api/v1/practitioners/{who}/hours/{location}");
        let (status, _) = call(clinic, Method::PUT, &path, Some(json!({"blocks": blocks}))).await;
        assert_eq!(status, StatusCode::OK);
    }
    let names = [
        ("Zoé", "Côté"),
        ("Omar", "Haddad"),
        ("Ana", "Silva"),
        ("Kenji", "Mori"),
    ];
    let mut patients = Vec::new();
    for (first, last) in names {
        let person = json!({"legal_first_name": first, "legal_last_name": last});
        patients.push(created(clinic, "/api/v1/patients", person).await);
    }
    let bookings = [
        (
            &lea,
            &patients[1],
            "2026-12-03T09:00",
            Some("entered after the call"),
        ),
        (&lea, &patients[2], "2026-12-03T10:30", None),
        (&marc, &patients[3], "2026-12-03T12:00", None),
        (&marc, &patients[1], "2026-12-03T14:30", None),
        (
            &lea,
            &patients[3],
            "2026-12-01T13:00",
            Some("entered afterwards"),
        ),
        (&lea, &patients[2], "2026-12-04T09:00", None),
    ];
    for (who, patient, start, reason) in bookings {
        let body = json!({"patient_id": patient, "practitioner_id": who, "service_id": massage,
            "location_id": location, "start": start, "override_reason": reason});
        created(clinic, "/api/v1/appointments", body).await;
    }
    Day { location, massage }
}

async fn sign_in(browser: &Browser, server: &Server) {
    browser.goto(&server.url("/login")).await;
    browser.fill("email", "owner@harbour.example").await;
    browser.fill("password", "a long enough password").await;
    browser.submit_form_of("password").await;
    assert_eq!(browser.path().await, "/");
}

/// The owner signed in on a browser, at a clinic set up by [`a_day_at_the_desk`]; `None`
/// when there is no browser to drive.
async fn at_the_desk(db: &TestDb) -> Option<(Browser, Server, Day)> {
    let browser = Browser::start().await?;
    let clinic = first_clinic(db, clock()).await;
    let day = a_day_at_the_desk(&clinic).await;
    let server = Server::start(db, clock()).await;
    sign_in(&browser, &server).await;
    Some((browser, server, day))
}

async fn the_front_desk_books_from_the_day_view_then_moves_and_cancels(db: TestDb) {
    let Some((browser, server, day)) = at_the_desk(&db).await else {
        return;
    };
    let shot = |name: &str| format!("{}-{name}", db.backend().name());

    let thursday = format!("/schedule?location={}&date=2026-12-03", day.location);
    browser.goto(&server.url(&thursday)).await;
    browser
        .screenshot_at(&shot("schedule-day"), 1280, 1500)
        .await;
    browser
        .screenshot_at(&shot("schedule-day-phone"), 360, 1400)
        .await;
    browser.client.set_window_size(1280, 1000).await.unwrap();
    let now = browser.text_of("tr.now-row th").await;
    assert!(now.contains("Now 10:00"), "{now}");
    browser
        .follow_xpath("//a[@class='slot'][span[normalize-space()='Book Léa Tremblay at 15:00']]")
        .await;

    assert_eq!(browser.path().await, "/schedule/book");
    browser.fill("q", "Côté").await;
    browser.submit_form_of("q").await;
    check(&browser, "patient_id").await;
    browser.fill("service_id", &day.massage).await;
    browser.click_button("Book").await;

    assert_eq!(browser.path().await, "/schedule");
    let page = browser.text().await;
    assert!(page.contains("Appointment booked."), "{page}");
    browser
        .follow_xpath("//a[contains(@class, 'appt')][.//strong[normalize-space()='Zoé Côté']]")
        .await;

    assert!(browser.path().await.starts_with("/schedule/appointments/"));
    let page = browser.text().await;
    assert!(
        page.contains("Thursday 3 December 2026, 15:00–16:00"),
        "{page}"
    );
    assert!(page.contains("Booked"));
    browser.open_details("Move…").await;
    browser.set_value("date", "2026-12-04").await;
    browser.set_value("time", "10:00").await;
    browser.fill("reason", "patient asked for Friday").await;
    browser.click_button("Move the appointment").await;

    let page = browser.text().await;
    assert!(page.contains("Appointment moved."), "{page}");
    assert!(
        page.contains("Friday 4 December 2026, 10:00–11:00"),
        "{page}"
    );
    assert!(page.contains("Moved from Thu 3 Dec 2026 15:00 to Fri 4 Dec 2026 10:00"));
    browser.open_details("Cancel…").await;
    let terms = browser.text_of("#cancel-terms").await;
    assert!(terms.starts_with("Cancelling now is not late"), "{terms}");
    browser
        .screenshot_at(&shot("schedule-appointment"), 1280, 1400)
        .await;
    browser.fill_at("#cancel-reason", "moving away").await;
    browser.click_button("Cancel the appointment").await;

    let page = browser.text().await;
    assert!(page.contains("Appointment cancelled."), "{page}");
    assert!(page.contains("moving away"), "{page}");
    assert!(page.contains("Cancelled in time"));
    browser
        .screenshot_at(&shot("schedule-appointment-phone"), 360, 1400)
        .await;
    browser.close().await;
}

async fn the_week_view_at_desk_and_phone_widths(db: TestDb) {
    let Some((browser, server, day)) = at_the_desk(&db).await else {
        return;
    };
    let week = format!("/schedule/week?location={}&date=2026-12-03", day.location);

    browser.goto(&server.url(&week)).await;

    let heads = browser.text_of("table.schedule thead").await;
    assert!(
        heads.contains("Mon 30 Nov") && heads.contains("Sun 6 Dec"),
        "{heads}"
    );
    assert!(browser.text().await.contains("Ana Silva"));
    let name = db.backend().name();
    browser
        .screenshot_at(&format!("{name}-schedule-week"), 1280, 1500)
        .await;
    browser
        .screenshot_at(&format!("{name}-schedule-week-phone"), 360, 1400)
        .await;
    browser.close().await;
}

async fn closures_and_holidays_are_set_at_desk_and_phone_widths(db: TestDb) {
    let Some((browser, server, day)) = at_the_desk(&db).await else {
        return;
    };
    let shot = |name: &str| format!("{}-{name}", db.backend().name());

    browser.goto(&server.url("/schedule/closures")).await;
    browser.fill("location_id", &day.location).await;
    browser.set_value("start", "2026-12-24").await;
    browser.set_value("start_time", "13:00").await;
    browser.fill("reason", "Staff party").await;
    browser.submit_form_of("location_id").await;

    let page = browser.text().await;
    assert!(page.contains("Added."), "{page}");
    assert!(
        page.contains("Thursday 24 December 2026, 13:00 to the end of the day"),
        "{page}"
    );
    browser
        .screenshot_at(&shot("schedule-closures"), 1280, 1300)
        .await;
    browser
        .screenshot_at(&shot("schedule-closures-phone"), 360, 2400)
        .await;
    browser.client.set_window_size(1280, 1000).await.unwrap();

    browser.goto(&server.url("/schedule/holidays")).await;
    browser
        .follow_xpath("//tr[td[normalize-space()='Christmas Day']]//button")
        .await;

    let page = browser.text().await;
    assert!(page.contains("The clinic is open that day"), "{page}");
    let christmas = browser.text_of("tbody tr:nth-last-child(2)").await;
    assert!(christmas.contains("Open"), "{christmas}");
    browser
        .screenshot_at(&shot("schedule-holidays"), 1280, 1500)
        .await;
    browser
        .screenshot_at(&shot("schedule-holidays-phone"), 360, 3600)
        .await;
    browser.close().await;
}

async fn the_booking_rules_page_saves_a_version_and_refuses_a_bad_value(db: TestDb) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let clinic = first_clinic(&db, clock()).await;
    a_day_at_the_desk(&clinic).await;
    let server = Server::start(&db, clock()).await;
    let shot = |name: &str| format!("{}-{name}", db.backend().name());
    sign_in(&browser, &server).await;

    browser.goto(&server.url("/schedule/policy")).await;
    browser.fill("minimum_notice", "4").await;
    browser.fill("horizon_days", "60").await;
    browser.fill("late_cancel_window", "2").await;
    browser.fill("late_cancel_window_unit", "days").await;
    check(&browser, "reschedule_inside_window_is_late").await;
    browser.click_button("Save as version 1").await;

    let page = browser.text().await;
    assert!(page.contains("Saved as version 1."), "{page}");
    assert!(page.contains("up to 60 days ahead, at least 4 hours before the start"));
    browser
        .screenshot_at(&shot("schedule-policy"), 1280, 2600)
        .await;
    browser
        .screenshot_at(&shot("schedule-policy-phone"), 360, 4000)
        .await;
    browser.fill("horizon_days", "0").await;
    browser.click_button("Save as version 2").await;

    let page = browser.text().await;
    assert!(
        page.contains("How far ahead must be between 1 and 730 days"),
        "{page}"
    );
    browser.client.set_window_size(360, 900).await.unwrap();
    let script = "document.getElementById(arguments[0]).closest('.field').scrollIntoView();";
    let field = vec![json!("field-horizon_days")];
    browser.client.execute(script, field).await.unwrap();
    browser
        .screenshot(&shot("schedule-policy-refused-phone"))
        .await;
    browser.close().await;
}

on_both_backends!(
    a_clinic_is_set_up_signed_into_and_filled_in_the_browser,
    a_wrong_password_is_refused_without_saying_which_part_was_wrong,
    the_front_desk_books_from_the_day_view_then_moves_and_cancels,
    the_week_view_at_desk_and_phone_widths,
    closures_and_holidays_are_set_at_desk_and_phone_widths,
    the_booking_rules_page_saves_a_version_and_refuses_a_bad_value,
);
