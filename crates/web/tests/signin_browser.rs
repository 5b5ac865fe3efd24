//! Two-factor sign-in in a real browser (headless Chromium over WebDriver), on SQLite and
//! PostgreSQL: the owner turns it on from their account page with a code computed from the
//! key the page shows, signs out, and signs in again with password and code. Screenshots at
//! 1280 and 360 px wide are saved for people to look at.

mod support;

use knead_app::auth::OwnerSignup;
use knead_app::{App, Clock};
use knead_testkit::{TestDb, on_both_backends};
use support::browser::{Browser, Server};
use totp_rs::{Builder, Secret};

/// The browser test's pinned "now": 2026-12-03T15:00:00Z.
const NOW: i64 = 1_796_310_000;
const EMAIL: &str = "owner@harbour.example";
const PASSWORD: &str = "a long enough password";

fn clock() -> Clock {
    Clock::fixed("2026-12-03T15:00:00Z".parse().unwrap())
}

fn code_at(secret: &str, at: i64) -> String {
    let secret = Secret::try_from_base32(secret).unwrap();
    let totp = Builder::new().with_secret(secret).build().unwrap();
    totp.generate(u64::try_from(at).unwrap()).to_string()
}

async fn set_up_owner(db: &TestDb) {
    let app = App::new(db.store.clone(), clock());
    let signup = OwnerSignup {
        clinic_name: "Harbour Massage".into(),
        owner_name: "Maude Ouellet".into(),
        email: EMAIL.into(),
        password: PASSWORD.into(),
        password_confirm: None,
    };
    app.first_setup(&signup).await.unwrap();
}

async fn sign_in_with_password(browser: &Browser, server: &Server) {
    browser.goto(&server.url("/login")).await;
    browser.fill("email", EMAIL).await;
    browser.fill("password", PASSWORD).await;
    browser.submit_form_of("email").await;
}

async fn two_factor_is_turned_on_and_used_to_sign_in(db: TestDb) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    set_up_owner(&db).await;
    let server = Server::start(&db, clock()).await;
    let backend = db.backend().name();
    sign_in_with_password(&browser, &server).await;
    assert_eq!(browser.path().await, "/");

    browser.goto(&server.url("/account/two-factor")).await;
    browser.click_button("Set up two-factor sign-in").await;
    let secret = browser
        .client
        .find(fantoccini::Locator::Id("totp-secret"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    browser
        .screenshot_at(&format!("{backend}-two-factor-setup"), 1280, 900)
        .await;
    browser
        .screenshot_at(&format!("{backend}-two-factor-setup-phone"), 360, 800)
        .await;
    browser.fill("code", &code_at(&secret, NOW)).await;
    browser.submit_form_of("code").await;

    let shown = browser.text().await;
    assert!(shown.contains("Two-factor sign-in is on"), "{shown}");
    let codes = browser.text_of("ol.recovery-codes").await;
    assert_eq!(codes.lines().filter(|l| !l.trim().is_empty()).count(), 10);
    browser
        .screenshot_at(&format!("{backend}-two-factor-codes-phone"), 360, 800)
        .await;
    browser
        .screenshot_at(&format!("{backend}-two-factor-codes"), 1280, 900)
        .await;

    browser.click_button("Sign out").await;
    sign_in_with_password(&browser, &server).await;
    assert_eq!(browser.path().await, "/login/code");
    browser.fill("code", "000000").await;
    browser.submit_form_of("code").await;
    assert!(browser.text().await.contains("is not the current code"));
    browser
        .screenshot_at(
            &format!("{backend}-two-factor-code-refused-phone"),
            360,
            800,
        )
        .await;
    browser
        .screenshot_at(&format!("{backend}-two-factor-code-refused"), 1280, 900)
        .await;
    browser.fill("code", &code_at(&secret, NOW + 30)).await;
    browser.submit_form_of("code").await;

    assert_eq!(browser.path().await, "/");
    assert!(browser.text().await.contains("Maude Ouellet"));
    browser.close().await;
}

on_both_backends!(two_factor_is_turned_on_and_used_to_sign_in);
