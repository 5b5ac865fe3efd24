//! Charting in a real browser (headless Chromium), on SQLite and PostgreSQL: a practitioner
//! signs in, opens their appointment, charts the visit with SOAP text and body chart marks,
//! signs the note, amends it with a reason, and sees the original beside the amendment.
//! Screenshots at 1280 and 360 px wide are saved for people to look at.

mod notes_support;
mod support;

use fantoccini::Locator;
use knead_domain::Role;
use knead_testkit::{TestDb, on_both_backends};
use notes_support::{OWNER_PASSWORD, add_staff, chart_clinic, clock};
use support::browser::{Browser, Server};

const LEA: &str = "lea@harbour.example";

async fn select(browser: &Browser, name: &str, value: &str) {
    let css = format!("select[name=\"{name}\"] option[value=\"{value}\"]");
    let option = browser.client.find(Locator::Css(&css)).await.unwrap();
    option.click().await.unwrap();
}

async fn replace_text(browser: &Browser, name: &str, value: &str) {
    let css = format!("[name=\"{name}\"]");
    let field = browser.client.find(Locator::Css(&css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn shots(browser: &Browser, name: &str, height: u32) {
    browser
        .screenshot_at(&format!("{name}-1280"), 1280, height)
        .await;
    browser
        .screenshot_at(&format!("{name}-360"), 360, height)
        .await;
    browser.client.set_window_size(1280, 900).await.unwrap();
}

async fn a_practitioner_charts_signs_and_amends_a_visit(db: TestDb) {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let chart = chart_clinic(&db, LEA).await;
    add_staff(&chart.clinic, "Léa Tremblay", LEA, Role::Practitioner).await;
    let server = Server::start(&db, clock()).await;
    let backend = db.backend().name();

    browser.goto(&server.url("/login")).await;
    browser.fill("email", LEA).await;
    browser.fill("password", OWNER_PASSWORD).await;
    browser.submit_form_of("email").await;
    browser
        .goto(&server.url(&format!("/schedule/appointments/{}", chart.visit)))
        .await;
    browser
        .follow_xpath("//a[normalize-space()=\"Chart this visit\"]")
        .await;
    browser.click_button("Start the note").await;
    assert!(browser.path().await.starts_with("/notes/"));
    replace_text(
        &browser,
        "section_0",
        "Right neck pain since Monday <script>x</script>",
    )
    .await;
    replace_text(
        &browser,
        "section_1",
        "Trigger point in right upper trapezius",
    )
    .await;
    replace_text(&browser, "section_2", "Pain eased from 6/10 to 3/10").await;
    replace_text(
        &browser,
        "section_3",
        "Heat and stretches; rebook in 2 weeks",
    )
    .await;
    select(&browser, "mark_upper_back_right", "trigger_point").await;
    replace_text(&browser, "label_upper_back_right", "sharp").await;
    select(&browser, "mark_front_neck", "tension").await;
    browser.click_button("Save draft").await;
    shots(&browser, &format!("{backend}-note-draft"), 1400).await;
    browser.click_button("Sign and lock").await;

    let signed = browser.text().await;
    assert!(signed.contains("Signed by Léa Tremblay"), "{signed}");
    assert!(
        signed.contains("<script>x</script>"),
        "typed markup is not shown as text"
    );
    assert!(signed.contains("Right upper back and shoulder blade: Trigger point (sharp)"));
    let drawn = browser
        .client
        .find_all(Locator::Css("svg rect.mark-trigger"))
        .await
        .unwrap();
    assert_eq!(
        drawn.len(),
        1,
        "the trigger point is not drawn on the chart"
    );

    browser.open_details("Amend this note").await;
    replace_text(&browser, "reason", "Side recorded wrongly").await;
    replace_text(&browser, "section_0", "Left neck pain since Monday").await;
    select(&browser, "mark_upper_back_right", "").await;
    select(&browser, "mark_upper_back_left", "trigger_point").await;
    browser.click_button("Add amendment").await;

    let page = browser.text().await;
    assert!(page.contains("Original, as signed"), "{page}");
    assert!(page.contains("As amended"));
    assert!(
        page.contains("Right neck pain since Monday"),
        "the original is gone"
    );
    assert!(page.contains("Left neck pain since Monday"));
    assert!(page.contains("Side recorded wrongly"));
    shots(&browser, &format!("{backend}-note-amended"), 1400).await;

    browser
        .goto(&server.url(&format!("/patients/{}/chart", chart.patient)))
        .await;
    let list = browser.text().await;
    assert!(list.contains("Signed"), "{list}");
    shots(&browser, &format!("{backend}-chart"), 700).await;
    browser.close().await;
}

on_both_backends!(a_practitioner_charts_signs_and_amends_a_visit);
