//! The health history in a real browser (headless Chromium), on SQLite and PostgreSQL: the
//! desk adds a patient with an emergency contact, fills the clinic's default intake with
//! them, is told which answer is missing, and then sees the flags the answers raised at the
//! top of the patient's pages. Screenshots at 1280 and 360 px wide are saved for people.

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
    browser.fill("clinic_name", "Harbour Massage").await;
    browser.fill("owner_name", "Maude Ouellet").await;
    browser.fill("email", "owner@harbour.example").await;
    browser.fill("password", "a long enough password").await;
    browser
        .fill("password_confirm", "a long enough password")
        .await;
    browser.submit_form_of("clinic_name").await;
}

async fn add_patient(browser: &Browser, server: &Server) -> String {
    browser.goto(&server.url("/patients/new")).await;
    browser.fill("legal_first_name", "Noor").await;
    browser.fill("legal_last_name", "<b>Inventé</b>").await;
    browser.fill("pronouns", "she/her").await;
    browser.fill("mobile_phone", "416 555 0177").await;
    browser.fill("emergency_contact_name", "Sami Example").await;
    browser
        .fill("emergency_contact_relationship", "Partner")
        .await;
    browser
        .fill("emergency_contact_phone", "416 555 0178")
        .await;
    browser.submit_form_of("legal_first_name").await;
    let path = browser.path().await;
    path.trim_start_matches("/patients/").to_owned()
}

async fn choose(browser: &Browser, id: &str) {
    let css = format!("#{id}");
    browser
        .client
        .find(Locator::Css(&css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn the_desk_fills_an_intake_and_sees_the_flags(db: TestDb) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let server = Server::start(&db, clock()).await;
    let backend = db.backend().name();
    set_up_clinic(&browser, &server).await;
    let id = add_patient(&browser, &server).await;

    browser
        .goto(&server.url(&format!("/patients/{id}/intake")))
        .await;
    browser.fill("answers.q2", "Latex").await;
    choose(&browser, "answer-q3-yes").await;
    browser.submit_form_of("answers.q1").await;
    let refused = browser.text().await;
    browser
        .screenshot_at(&format!("{backend}-intake-error-360"), 360, 900)
        .await;
    browser.fill("answers.q1", "Stiff neck after a fall").await;
    browser.fill("answers.q12", "Light").await;
    browser.submit_form_of("answers.q1").await;
    let flags = browser.text_of(".patient-flags").await;
    browser
        .screenshot_at(&format!("{backend}-intake-1280"), 1280, 1400)
        .await;
    browser
        .screenshot_at(&format!("{backend}-intake-360"), 360, 1400)
        .await;
    browser.goto(&server.url(&format!("/patients/{id}"))).await;
    let details = browser.text().await;
    browser
        .screenshot_at(&format!("{backend}-patient-record-1280"), 1280, 1400)
        .await;
    browser
        .screenshot_at(&format!("{backend}-patient-record-360"), 360, 1400)
        .await;

    assert!(
        refused.contains("What brings you in today?: This answer is required"),
        "the missing answer is not named"
    );
    assert!(flags.contains("Pregnant"), "flags: {flags}");
    assert!(flags.contains("Allergy: Latex"), "flags: {flags}");
    assert!(details.contains("Pregnant"), "no flag on the details page");
    assert!(
        details.contains("<b>Inventé</b>"),
        "typed markup is not shown as text"
    );
    browser.close().await;
}

on_both_backends!(the_desk_fills_an_intake_and_sees_the_flags);
