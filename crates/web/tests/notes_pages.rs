//! Charting pages on SQLite and PostgreSQL: another clinic's note and chart pages answer
//! 404, an amendment without a reason is refused with the message beside the field, and
//! the owner's chart-sharing setting is saved from its page.

mod notes_support;
mod support;

use axum::http::{Method, StatusCode};
use knead_testkit::{TestDb, on_both_backends};
use notes_support::{OWNER_EMAIL, OWNER_PASSWORD, chart_clinic};
use serde_json::json;
use support::api::{call, second_clinic};
use support::pages::{Browser, text_of};

async fn signed_in(app: &knead_app::App, email: &str, password: &str) -> Browser {
    let mut browser = Browser::new(app);
    browser.get("/login").await;
    let reply = browser
        .post("/login", &[("email", email), ("password", password)])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    browser
}

async fn the_note_pages_lock_refuse_and_hide_as_they_should(db: TestDb) {
    let chart = chart_clinic(&db, OWNER_EMAIL).await;
    let body = json!({"appointment_id": chart.visit,
        "sections": ["<b>sore</b>", "tight", "better", "stretch"]});
    let (_, note) = call(&chart.clinic, Method::POST, "/api/v1/notes", Some(body)).await;
    let note = note["id"].as_str().unwrap().to_owned();
    let sign = format!("/api/v1/notes/{note}/sign");
    call(&chart.clinic, Method::POST, &sign, None).await;
    second_clinic(&chart.clinic).await;
    let mut owner = signed_in(&chart.clinic.app, OWNER_EMAIL, OWNER_PASSWORD).await;
    let mut stranger = signed_in(
        &chart.clinic.app,
        "owner@westside.example",
        "another long password",
    )
    .await;

    let page = owner.get(&format!("/notes/{note}")).await;
    let refused = owner
        .post(
            &format!("/notes/{note}/amend"),
            &[("reason", ""), ("section_0", "x")],
        )
        .await;
    let saved = owner
        .post(
            "/settings/charting",
            &[
                ("sharing_policy", "own_patients"),
                ("late_entry_hours", "48"),
            ],
        )
        .await;
    let hidden_note = stranger.get(&format!("/notes/{note}")).await;
    let hidden_chart = stranger
        .get(&format!("/patients/{}/chart", chart.patient))
        .await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("<b>sore"),
        "markup in a note is not escaped"
    );
    let escaped = ["b&gt;sore", "b&#62;sore", "b&#x3e;sore"];
    let shown = escaped.iter().any(|e| page.body.contains(e));
    let at = page.body.find("sore").unwrap_or(0);
    assert!(
        shown,
        "the note text is not shown: {}",
        &page.body[at.saturating_sub(40)..at + 20]
    );
    assert!(
        !page.body.contains("Save draft"),
        "a signed note offers editing"
    );
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("reason-error"),
        "the message is not beside the field"
    );
    assert!(text_of(&refused.body).contains("Error: Reason for the amendment is required"));
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(text_of(&saved.body).contains("Charting settings saved."));
    let settings = call(&chart.clinic, Method::GET, "/api/v1/chart-settings", None)
        .await
        .1;
    assert_eq!(settings["sharing_policy"], "own_patients");
    assert_eq!(settings["late_entry_hours"], 48);
    assert_eq!(hidden_note.status, StatusCode::NOT_FOUND);
    assert_eq!(hidden_chart.status, StatusCode::NOT_FOUND);
}

on_both_backends!(the_note_pages_lock_refuse_and_hide_as_they_should);
