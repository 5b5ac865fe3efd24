//! The Consents tab in a real browser (headless Chromium), on SQLite and PostgreSQL: the
//! front desk records a verbal consent with its witness, then withdraws it; screenshots at
//! desk and phone widths are saved for people to look at.

mod support;

use axum::http::{Method, StatusCode};
use knead_app::Clock;
use knead_testkit::{TestDb, on_both_backends};
use serde_json::json;
use support::api::{call, first_clinic};
use support::browser::{Browser, Server};

fn clock() -> Clock {
    Clock::fixed("2026-12-03T15:00:00Z".parse().unwrap())
}

async fn a_verbal_consent_with_a_witness_is_recorded_then_withdrawn(db: TestDb) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let clinic = first_clinic(&db, clock()).await;
    let body = json!({"legal_first_name": "Marisol", "legal_last_name": "Quintero"});
    let (status, patient) = call(&clinic, Method::POST, "/api/v1/patients", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED);
    let tab = format!("/patients/{}/consents", patient["id"].as_str().unwrap());
    let server = Server::start(&db, clock()).await;
    let shot = |name: &str| format!("{}-consents-{name}", db.backend().name());
    browser.goto(&server.url("/login")).await;
    browser.fill("email", "owner@harbour.example").await;
    browser.fill("password", "a long enough password").await;
    browser.submit_form_of("password").await;

    browser.goto(&server.url(&tab)).await;
    browser.follow("a[href$=\"record=treatment\"]").await;
    browser.screenshot_at(&shot("record"), 1280, 1400).await;
    browser
        .screenshot_at(&shot("record-phone"), 360, 2200)
        .await;
    browser.client.set_window_size(1280, 1000).await.unwrap();
    browser.fill("method", "verbal").await;
    browser.fill("witness", "Ida Lindgren").await;
    browser.fill("given_on", "2026-12-02").await;
    browser.submit_form_of("witness").await;

    assert_eq!(browser.path().await, tab);
    let text = browser.text().await;
    assert!(text.contains("Consent recorded."), "{text}");
    assert!(
        text.contains("Verbal, with a witness: Ida Lindgren"),
        "{text}"
    );
    browser.screenshot_at(&shot("tab"), 1280, 1600).await;
    browser.screenshot_at(&shot("tab-phone"), 360, 2600).await;

    browser.client.set_window_size(1280, 1000).await.unwrap();
    browser.follow("a[href$=\"/withdraw\"]").await;
    browser.fill("method", "signed_on_screen").await;
    browser.fill("reason", "Moving away").await;
    browser.screenshot_at(&shot("withdraw"), 1280, 1300).await;
    browser
        .screenshot_at(&shot("withdraw-phone"), 360, 2000)
        .await;
    browser.client.set_window_size(1280, 1000).await.unwrap();
    browser.submit_form_of("reason").await;

    assert_eq!(browser.path().await, tab);
    let text = browser.text().await;
    assert!(
        text.contains("Consent withdrawn. It stays in the history."),
        "{text}"
    );
    assert!(text.contains("No consent is in force."), "{text}");
    assert!(
        text.contains("Withdrawn 2026-12-03 (Signed on screen, reason: Moving away)"),
        "{text}"
    );
    assert!(
        text.contains("Verbal, with a witness: Ida Lindgren"),
        "{text}"
    );
    browser.screenshot_at(&shot("withdrawn"), 1280, 1600).await;
    browser
        .screenshot_at(&shot("withdrawn-phone"), 360, 2600)
        .await;

    browser.client.set_window_size(1280, 1000).await.unwrap();
    browser.follow("a[href$=\"/lockbox\"]").await;
    browser.fill("item", "health_history").await;
    browser.fill("target", "outside").await;
    browser
        .fill("target_name", "Lakeside Family Practice")
        .await;
    browser.fill("method", "verbal").await;
    browser.fill("witness", "Ida Lindgren").await;
    browser
        .screenshot_at(&shot("lockbox-phone"), 360, 2400)
        .await;
    browser.client.set_window_size(1280, 1000).await.unwrap();
    browser.submit_form_of("target_name").await;
    let details = tab.trim_end_matches("/consents").to_owned();
    browser.goto(&server.url(&details)).await;
    let text = browser.text().await;
    assert!(
        text.contains("Lockbox: some information is restricted"),
        "{text}"
    );
    browser
        .screenshot_at(&shot("details-banner"), 1280, 1000)
        .await;
    browser
        .screenshot_at(&shot("details-banner-phone"), 360, 1200)
        .await;

    browser.goto(&server.url("/settings/consents")).await;
    browser.screenshot_at(&shot("settings"), 1280, 3000).await;
    browser
        .screenshot_at(&shot("settings-phone"), 360, 5000)
        .await;
    browser.close().await;
}

on_both_backends!(a_verbal_consent_with_a_witness_is_recorded_then_withdrawn);
