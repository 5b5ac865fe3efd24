//! The staff, permissions and sessions pages in a real browser (headless Chromium), at desk
//! and phone widths, with screenshots saved for people to look at.

mod support;

use knead_app::Clock;
use knead_testkit::{TestDb, on_both_backends};
use support::browser::{Browser, Server};

fn clock() -> Clock {
    Clock::fixed("2026-12-03T15:00:00Z".parse().unwrap())
}

async fn set_up_clinic(browser: &Browser, server: &Server) {
    browser.goto(&server.url("/")).await;
    browser.fill("clinic_name", "Harbour Massage").await;
    browser.fill("owner_name", "Maude Ouellet").await;
    browser.fill("email", "owner@harbour.example").await;
    browser.fill("password", "a long enough password").await;
    browser
        .fill("password_confirm", "a long enough password")
        .await;
    browser.submit_form_of("clinic_name").await;
}

async fn both_widths(browser: &Browser, name: &str) {
    browser.screenshot_at(name, 1280, 1100).await;
    browser
        .screenshot_at(&format!("{name}-phone"), 360, 1400)
        .await;
    browser.client.set_window_size(1280, 900).await.unwrap();
}

async fn the_owner_manages_staff_permissions_and_sessions_in_the_browser(db: TestDb) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = Server::start(&db, clock()).await;
    let shot = |page: &str| format!("{}-{page}", db.backend().name());
    set_up_clinic(&browser, &server).await;

    browser.goto(&server.url("/settings/staff")).await;
    browser.fill("name", "Jonah Reyes").await;
    browser.fill("email", "jonah@harbour.example").await;
    browser.fill("role", "front_desk").await;
    browser.submit_form_of("email").await;
    assert!(browser.text().await.contains("Jonah Reyes can now sign in"));
    both_widths(&browser, &shot("staff")).await;

    browser
        .follow_xpath("//a[normalize-space()=\"Jonah Reyes\"]")
        .await;
    assert!(browser.path().await.starts_with("/settings/staff/"));
    both_widths(&browser, &shot("staff-member")).await;

    browser.goto(&server.url("/settings/permissions")).await;
    assert!(browser.text().await.contains("What each role may do"));
    both_widths(&browser, &shot("permissions")).await;

    // The set-up session knows no browser; a sign-in through the form does.
    browser.click_button("Sign out").await;
    browser.fill("email", "owner@harbour.example").await;
    browser.fill("password", "a long enough password").await;
    browser.submit_form_of("password").await;
    browser.goto(&server.url("/settings/sessions")).await;
    assert!(browser.text().await.contains("this browser"));
    assert!(browser.text().await.contains("Chrome"));
    both_widths(&browser, &shot("sessions")).await;

    browser.close().await;
}

on_both_backends!(the_owner_manages_staff_permissions_and_sessions_in_the_browser);
