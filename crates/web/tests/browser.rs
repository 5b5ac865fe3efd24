//! Knead in a real browser (headless Chromium over WebDriver), on SQLite and PostgreSQL:
//! a clinic is set up, signed into, and filled with locations, practitioners, services and
//! patients the way a person would, with screenshots saved for people to look at.

mod support;

use fantoccini::Locator;
use knead_app::Clock;
use knead_testkit::{TestDb, on_both_backends};
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
    browser.fill("phone", "416-555-0199").await;
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

on_both_backends!(
    a_clinic_is_set_up_signed_into_and_filled_in_the_browser,
    a_wrong_password_is_refused_without_saying_which_part_was_wrong,
);
