//! The access log and the audit search in a real browser (headless Chromium), on SQLite and
//! PostgreSQL: the owner sets up a clinic, adds and opens a patient, then opens the patient's
//! access log and the clinic-wide search; screenshots at 1280 and 360 px wide are saved for
//! people to look at.

mod support;

use knead_app::Clock;
use knead_testkit::{TestDb, on_both_backends};
use support::browser::{Browser, Server};

fn clock() -> Clock {
    Clock::fixed("2026-12-03T15:00:00Z".parse().unwrap())
}

async fn set_up_clinic_with_a_patient(browser: &Browser, server: &Server) -> String {
    browser.goto(&server.url("/")).await;
    browser.fill("clinic_name", "Harbour Massage").await;
    browser.fill("owner_name", "Maude Ouellet").await;
    browser.fill("email", "owner@harbour.example").await;
    browser.fill("password", "a long enough password").await;
    browser
        .fill("password_confirm", "a long enough password")
        .await;
    browser.submit_form_of("clinic_name").await;
    browser.goto(&server.url("/patients/new")).await;
    browser.fill("legal_first_name", "Zoé").await;
    browser.fill("legal_last_name", "Côté").await;
    browser.fill("email", "zoe@example.ca").await;
    browser.submit_form_of("legal_first_name").await;
    browser.path().await
}

async fn the_owner_reads_the_access_log_and_searches_the_audit_trail(db: TestDb) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = Server::start(&db, clock()).await;
    let patient = set_up_clinic_with_a_patient(&browser, &server).await;
    browser.goto(&server.url("/patients?q=zoe")).await;
    let backend = db.backend().name();

    browser.goto(&server.url(&patient)).await;
    browser.follow("a[href$='/access']").await;
    let log = browser.text().await;
    browser
        .screenshot_at(&format!("{backend}-access-log-1280"), 1280, 900)
        .await;
    browser
        .screenshot_at(&format!("{backend}-access-log-360"), 360, 800)
        .await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    browser.follow("a[href='/audit']").await;
    let search = browser.text().await;
    browser
        .screenshot_at(&format!("{backend}-audit-360"), 360, 800)
        .await;
    browser
        .screenshot_at(&format!("{backend}-audit-1280"), 1280, 900)
        .await;

    assert!(browser.path().await == "/audit");
    assert!(log.contains("Access log"));
    assert!(log.contains("Viewed the patient's details"), "{log}");
    assert!(log.contains("Maude Ouellet"));
    assert!(log.contains("127.0.0.1"), "{log}");
    assert!(search.contains("Listed or searched patients"), "{search}");
    assert!(
        !search.contains("Côté"),
        "the trail names no patient: {search}"
    );
    browser.close().await;
}

on_both_backends!(the_owner_reads_the_access_log_and_searches_the_audit_trail);
