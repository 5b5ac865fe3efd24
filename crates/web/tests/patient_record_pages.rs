//! The patient record's pages, in process, on SQLite and PostgreSQL: bad demographics are
//! named beside their field with nothing saved, insurance plans are added, reordered and
//! removed from the details page, a refused intake keeps what was typed, and another
//! clinic's patient is not found.

mod support;

use axum::http::StatusCode;
use knead_domain::setup::PatientInput;
use knead_testkit::{TestDb, on_both_backends};
use support::pages::{Browser, message_beside, signed_in_owner, text_of};

async fn add_patient(browser: &mut Browser) -> String {
    browser.get("/patients/new").await;
    let fields = [
        ("legal_first_name", "Noor"),
        ("legal_last_name", "Example"),
        ("home_phone", "416 555 0102"),
    ];
    let reply = browser.post("/patients", &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply.created_id()
}

async fn bad_demographics_are_named_beside_the_field(db: TestDb) {
    let (_, mut browser) = signed_in_owner(&db).await;
    browser.get("/patients/new").await;

    let fields = [
        ("legal_first_name", "Noor"),
        ("legal_last_name", "Example"),
        ("home_phone", "416 555 0102"),
        ("preferred_phone", "work"),
        ("family_doctor_fax", "fax me"),
        ("desk_notes", "<script>alert(1)</script>"),
    ];
    let reply = browser.post("/patients", &fields).await;
    let list = browser.get("/patients").await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&reply.body, "field-preferred_phone"),
        "Error: Preferred phone has no work number"
    );
    assert!(message_beside(&reply.body, "field-family_doctor_fax").contains("'fax me'"));
    assert!(
        reply
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;")
    );
    assert!(!reply.body.contains("<script>alert(1)"));
    assert!(
        !text_of(&list.body).contains("Noor"),
        "a refused patient was saved"
    );
}

async fn insurance_plans_are_added_moved_and_removed_on_the_page(db: TestDb) {
    let (_, mut browser) = signed_in_owner(&db).await;
    let id = add_patient(&mut browser).await;
    let path = format!("/patients/{id}/insurance");
    browser.get(&format!("/patients/{id}")).await;
    browser.post(&path, &[("insurer", "Invented Life")]).await;
    let spouse = [
        ("insurer", "Made-up Shield"),
        ("holder_relationship", "spouse"),
        ("holder_name", "Sam Example"),
        ("holder_date_of_birth", "1985-06-07"),
    ];
    browser.post(&path, &spouse).await;
    let page = browser.get(&format!("/patients/{id}")).await;
    let second = page
        .body
        .split(&format!("/patients/{id}/insurance/"))
        .filter_map(|part| part.split_once("/up").map(|(plan, _)| plan.to_owned()))
        .next()
        .expect("the second plan can move up");

    let moved = browser.post(&format!("{path}/{second}/up"), &[]).await;
    let after_move = text_of(&browser.get(&format!("/patients/{id}")).await.body);
    browser.post(&format!("{path}/{second}/remove"), &[]).await;
    let after_remove = text_of(&browser.get(&format!("/patients/{id}")).await.body);
    let refused = browser.post(&path, &[("insurer", "")]).await;

    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert!(
        after_move.contains("Primary: Made-up Shield"),
        "{after_move}"
    );
    assert!(after_move.contains("Secondary: Invented Life"));
    assert!(after_remove.contains("Primary: Invented Life"));
    assert!(!after_remove.contains("Made-up Shield"));
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn a_refused_intake_keeps_the_answers_typed(db: TestDb) {
    let (_, mut browser) = signed_in_owner(&db).await;
    let id = add_patient(&mut browser).await;
    let page = browser.get(&format!("/patients/{id}/intake")).await;
    let marker = "name=\"form_id\" value=\"";
    let start = page.body.find(marker).unwrap() + marker.len();
    let form_id = page.body[start..].split('"').next().unwrap().to_owned();

    let answers = [
        ("form_id", form_id.as_str()),
        ("answers.q2", "Lavender <oil>"),
        ("answers.q13", "2030-01-01"),
    ];
    let reply = browser
        .post(&format!("/patients/{id}/intake"), &answers)
        .await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&reply.body, "answer-q13"),
        "Error: This answer must not be in the future"
    );
    assert!(reply.body.contains("value=\"Lavender &#60;oil&#62;\""));
    assert!(reply.body.contains("No health history recorded yet."));
}

async fn another_clinics_patient_is_not_found(db: TestDb) {
    let (app, mut browser) = signed_in_owner(&db).await;
    let (other, _) = support::setup::other_owner_and_location(&app).await;
    let input = PatientInput {
        legal_first_name: Some("Noor".into()),
        legal_last_name: Some("Elsewhere".into()),
        ..PatientInput::default()
    };
    let patient = app.create_patient(&other, &input).await.unwrap().id;
    browser.get("/patients").await;

    let intake = browser.get(&format!("/patients/{patient}/intake")).await;
    let record = browser
        .post(
            &format!("/patients/{patient}/intake"),
            &[("form_id", "x"), ("answers.q1", "x")],
        )
        .await;
    let plan = browser
        .post(
            &format!("/patients/{patient}/insurance"),
            &[("insurer", "Invented Life")],
        )
        .await;

    assert_eq!(intake.status, StatusCode::NOT_FOUND);
    assert_eq!(record.status, StatusCode::NOT_FOUND);
    assert_eq!(plan.status, StatusCode::NOT_FOUND);
    let kept = app.patient_record(&other, &patient).await.unwrap();
    assert!(kept.insurance.is_empty());
}

async fn editing_a_form_on_the_setup_page_makes_a_new_version(db: TestDb) {
    let (_, mut browser) = signed_in_owner(&db).await;
    let list = browser.get("/settings/intake-forms").await;
    let marker = "href=\"/settings/intake-forms/";
    let start = list.body.find(marker).unwrap() + marker.len();
    let form_id = list.body[start..].split('"').next().unwrap().to_owned();
    let path = format!("/settings/intake-forms/{form_id}");
    browser.get(&path).await;

    let bad = [
        ("name", "Health history"),
        ("rows", "1"),
        ("questions[0].label", "Pressure"),
        ("questions[0].kind", "choice"),
        ("questions[0].choices", "Light"),
    ];
    let refused = browser.post(&path, &bad).await;
    let good = [
        ("name", "Short history"),
        ("rows", "2"),
        ("questions[0].label", "Any allergies?"),
        ("questions[0].kind", "short_text"),
        ("questions[0].flag_when", "answered"),
        ("questions[0].flag_label", "Allergy"),
        ("questions[1].label", ""),
    ];
    let saved = browser.post(&path, &good).await;
    let page = browser.get(&path).await;

    assert!(list.body.contains("version 1, 13 questions"));
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_beside(&refused.body, "field-questions[0].choices").contains("two choices"));
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(text_of(&page.body).contains("Short history version 2"));
}

on_both_backends!(
    editing_a_form_on_the_setup_page_makes_a_new_version,
    bad_demographics_are_named_beside_the_field,
    insurance_plans_are_added_moved_and_removed_on_the_page,
    a_refused_intake_keeps_the_answers_typed,
    another_clinics_patient_is_not_found,
);
