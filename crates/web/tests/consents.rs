//! Consents, the lockbox and consent wordings through the API and the pages, on SQLite and
//! PostgreSQL: bad input names its field and writes nothing, another clinic's ids are 404,
//! typed markup shows as text, and reading the consents tab is audited.

mod support;

use axum::http::{Method, StatusCode};
use knead_testkit::{TestDb, on_both_backends};
use serde_json::{Value, json};
use support::api::{Clinic, call, first_clinic, second_clinic};
use support::pages::*;

async fn api_patient(clinic: &Clinic) -> String {
    let body = json!({"legal_first_name": "Oksana", "legal_last_name": "Veld"});
    let (status, patient) = call(clinic, Method::POST, "/api/v1/patients", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{patient}");
    patient["id"].as_str().unwrap().to_owned()
}

fn verbal(witness: &str, given_on: &str) -> Value {
    json!({"kind": "treatment", "method": "verbal", "witness": witness, "given_on": given_on})
}

async fn consents_of(clinic: &Clinic, patient: &str) -> Value {
    let path = format!("/api/v1/patients/{patient}/consents");
    let (status, body) = call(clinic, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn bad_consents_name_their_field_and_write_nothing(db: TestDb) {
    let clinic = first_clinic(&db, support::api::clock()).await;
    let patient = api_patient(&clinic).await;
    let path = format!("/api/v1/patients/{patient}/consents");
    let cases = [
        (
            json!({"kind": "massage", "method": "signed_on_screen", "given_on": "2026-12-01"}),
            "kind",
            "'massage' is not a kind of consent",
        ),
        (
            verbal("", "2026-12-01"),
            "witness",
            "is required for verbal consent",
        ),
        (
            verbal("Ruth Amsel", "2026-12-04"),
            "given_on",
            "'2026-12-04' is in the future",
        ),
        (
            json!({"kind": "messages", "channel": "fax", "basis": "express",
                "method": "signed_on_screen", "given_on": "2026-12-01"}),
            "channel",
            "'fax' is not a channel (email or sms)",
        ),
        (
            json!({"kind": "privacy", "method": "paper_scanned", "given_on": "2026-12-01"}),
            "document_ref",
            "is required for paper consent: say where the scan is",
        ),
    ];

    for (body, field, message) in cases {
        let (status, error) = call(&clinic, Method::POST, &path, Some(body)).await;

        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(error["error"]["fields"][field], message, "{error}");
    }
    let stored = consents_of(&clinic, &patient).await;
    assert_eq!(stored["consents"], json!([]));
}

async fn a_consent_is_given_withdrawn_and_kept_through_the_api(db: TestDb) {
    let clinic = first_clinic(&db, support::api::clock()).await;
    let patient = api_patient(&clinic).await;
    let path = format!("/api/v1/patients/{patient}/consents");
    let body = json!({"kind": "messages", "channel": "email", "basis": "express",
        "method": "verbal", "witness": "Ruth Amsel", "given_on": "2026-11-02"});
    let (status, given) = call(&clinic, Method::POST, &path, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{given}");
    let withdraw = format!("{path}/{}/withdrawal", given["id"].as_str().unwrap());
    let ask = format!("/api/v1/patients/{patient}/messaging-consent?channel=email");

    let (_, before) = call(&clinic, Method::GET, &ask, None).await;
    let body = json!({"on": "2026-12-02", "method": "signed_on_screen", "reason": "too many"});
    let (status, ended) = call(&clinic, Method::POST, &withdraw, Some(body.clone())).await;
    let (again, _) = call(&clinic, Method::POST, &withdraw, Some(body)).await;
    let (_, after) = call(&clinic, Method::GET, &ask, None).await;

    assert_eq!(
        before,
        json!({"decision": "allowed", "basis": "express", "until": null})
    );
    assert_eq!(status, StatusCode::OK, "{ended}");
    assert_eq!(ended["withdrawal"]["on"], "2026-12-02");
    assert_eq!(again, StatusCode::CONFLICT);
    assert_eq!(after, json!({"decision": "withdrawn", "on": "2026-12-02"}));
    let unnamed = format!("/api/v1/patients/{patient}/messaging-consent");
    let (status, error) = call(&clinic, Method::GET, &unnamed, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["error"]["fields"]["channel"], "is required");
    let stored = consents_of(&clinic, &patient).await;
    let kept = &stored["consents"][0];
    assert_eq!(kept["evidence"]["witness"], "Ruth Amsel");
    assert_eq!(kept["wording_version"], 1);
    assert_eq!(kept["withdrawal"]["reason"], "too many");
}

async fn another_clinics_patient_is_not_found(db: TestDb) {
    let first = first_clinic(&db, support::api::clock()).await;
    let second = second_clinic(&first).await;
    let patient = api_patient(&first).await;
    let path = format!("/api/v1/patients/{patient}/consents");

    let (read, _) = call(&second, Method::GET, &path, None).await;
    let (write, _) = call(
        &second,
        Method::POST,
        &path,
        Some(verbal("Ruth Amsel", "2026-12-01")),
    )
    .await;
    let lock = format!("/api/v1/patients/{patient}/lockbox");
    let body = json!({"item": "chart", "target": "everyone", "method": "signed_on_screen",
        "given_on": "2026-12-01"});
    let (block, _) = call(&second, Method::POST, &lock, Some(body)).await;

    assert_eq!(read, StatusCode::NOT_FOUND);
    assert_eq!(write, StatusCode::NOT_FOUND);
    assert_eq!(block, StatusCode::NOT_FOUND);
    assert_eq!(consents_of(&first, &patient).await["lockbox"], json!([]));
}

async fn the_openapi_document_describes_the_consent_routes(db: TestDb) {
    let clinic = first_clinic(&db, support::api::clock()).await;

    let (_, document) = call(&clinic, Method::GET, "/api/openapi.json", None).await;

    let paths = &document["paths"];
    for path in [
        "/api/v1/patients/{id}/consents",
        "/api/v1/patients/{id}/consents/{consent_id}/withdrawal",
        "/api/v1/patients/{id}/messaging-consent",
        "/api/v1/patients/{id}/lockbox",
        "/api/v1/consent-wordings",
    ] {
        assert!(paths.get(path).is_some(), "{path} is not documented");
    }
    assert!(
        document["components"]["schemas"]
            .get("ConsentInput")
            .is_some()
    );
}

/// A patient added through the page, and the path of their consents tab.
async fn page_patient(browser: &mut Browser) -> (String, String) {
    browser.get("/patients/new").await;
    let reply = browser
        .post("/patients", &patient_fields("Oksana", "oksana@example.com"))
        .await;
    let id = reply.created_id();
    let tab = format!("/patients/{id}/consents");
    (id, tab)
}

async fn the_tab_shows_the_wording_and_refuses_verbal_consent_without_a_witness(db: TestDb) {
    let (app, mut browser) = signed_in_owner(&db).await;
    let (id, tab) = page_patient(&mut browser).await;

    let form = browser.get(&format!("{tab}?record=treatment")).await;
    let fields = [
        ("kind", "treatment"),
        ("method", "verbal"),
        ("witness", ""),
        ("given_on", "2026-12-03"),
    ];
    let refused = browser.post(&tab, &fields).await;

    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("Wording shown to the patient, version 1")
    );
    assert!(form.body.contains("Knead default"));
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&refused.body, "field-witness"),
        "Error: Witness is required for verbal consent"
    );
    let staff = app
        .sign_in(OWNER_EMAIL, PASSWORD, "127.0.0.1")
        .await
        .unwrap()
        .staff;
    let view = app
        .patient_consents(&staff, &knead_domain::ids::PatientId::from_string(id))
        .await
        .unwrap();
    assert!(view.consents.is_empty());
}

async fn a_consent_recorded_on_the_page_shows_typed_markup_as_text(db: TestDb) {
    let (app, mut browser) = signed_in_owner(&db).await;
    let (id, tab) = page_patient(&mut browser).await;
    browser.get(&format!("{tab}?record=treatment")).await;
    let fields = [
        ("kind", "treatment"),
        ("method", "verbal"),
        ("witness", "<script>alert(1)</script>"),
        ("given_on", "2026-12-02"),
    ];

    let saved = browser.post(&tab, &fields).await;
    let page = browser.get(saved.location()).await;

    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("Consent recorded."));
    assert!(
        page.body
            .contains("witness: &#60;script&#62;alert(1)&#60;/script&#62;")
    );
    assert!(!page.body.contains("<script>alert(1)"));
    let staff = app
        .sign_in(OWNER_EMAIL, PASSWORD, "127.0.0.1")
        .await
        .unwrap()
        .staff;
    let mut conn = db.store.pool().acquire().await.unwrap();
    let events = knead_store::audit::list(&mut conn, &staff.clinic_id, Some(&id), 50)
        .await
        .unwrap();
    let viewed = events
        .iter()
        .filter(|e| e.action == "consents.viewed")
        .count();
    assert!(viewed >= 2, "each opening of the tab is audited: {viewed}");
    assert!(events.iter().all(|e| !e.detail.contains("script")));
}

async fn an_unknown_kind_posted_to_the_tab_is_refused(db: TestDb) {
    let (_, mut browser) = signed_in_owner(&db).await;
    let (_, tab) = page_patient(&mut browser).await;
    browser.get(&tab).await;

    let fields = [
        ("kind", "haircut"),
        ("method", "signed_on_screen"),
        ("given_on", "2026-12-01"),
    ];
    let refused = browser.post(&tab, &fields).await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&refused.body).contains("'haircut' is not a kind of consent"));
    assert!(text_of(&refused.body).contains("In force No consent is in force."));
}

async fn a_lockbox_restriction_shows_the_banner_on_the_patients_pages(db: TestDb) {
    let (_, mut browser) = signed_in_owner(&db).await;
    let (id, tab) = page_patient(&mut browser).await;
    let before = browser.get(&format!("/patients/{id}")).await;
    browser.get(&format!("/patients/{id}/lockbox")).await;
    let fields = [
        ("item", "health_history"),
        ("target", "outside"),
        ("target_name", "Dr. Imaginary Family Clinic"),
        ("method", "signed_on_screen"),
        ("given_on", "2026-12-03"),
    ];

    let added = browser
        .post(&format!("/patients/{id}/lockbox"), &fields)
        .await;
    let details = browser.get(&format!("/patients/{id}")).await;
    let consents = browser.get(&tab).await;

    assert!(!before.body.contains("lockbox-banner"));
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert!(text_of(&details.body).contains("Lockbox: some information is restricted"));
    assert!(text_of(&consents.body).contains("Outside the clinic: Dr. Imaginary Family Clinic"));
}

async fn a_new_wording_version_is_saved_from_settings(db: TestDb) {
    let (_, mut browser) = signed_in_owner(&db).await;
    let settings = browser.get("/settings/consents").await;

    let fields = [(
        "body",
        "Our clinic's consent to treatment, reviewed by our lawyer.",
    )];
    let saved = browser
        .post("/settings/consents/wordings/treatment", &fields)
        .await;
    let same = browser
        .post("/settings/consents/wordings/treatment", &fields)
        .await;
    let after = browser.get("/settings/consents").await;

    assert_eq!(settings.status, StatusCode::OK);
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&same.body, "treatment-body"),
        "Error: Wording is the same as the current version"
    );
    assert!(text_of(&after.body).contains("Version 2"));
}

async fn another_clinics_patient_tab_is_not_found(db: TestDb) {
    let (app, mut browser) = signed_in_owner(&db).await;
    let (owner, _) = support::setup::other_owner_and_location(&app).await;
    let input = knead_domain::setup::PatientInput {
        legal_first_name: Some("Lior".into()),
        legal_last_name: Some("Brandt".into()),
        ..Default::default()
    };
    let theirs = app.create_patient(&owner, &input).await.unwrap().id;

    let tab = browser.get(&format!("/patients/{theirs}/consents")).await;
    let lockbox = browser.get(&format!("/patients/{theirs}/lockbox")).await;

    assert_eq!(tab.status, StatusCode::NOT_FOUND);
    assert_eq!(lockbox.status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    bad_consents_name_their_field_and_write_nothing,
    a_consent_is_given_withdrawn_and_kept_through_the_api,
    another_clinics_patient_is_not_found,
    the_openapi_document_describes_the_consent_routes,
    the_tab_shows_the_wording_and_refuses_verbal_consent_without_a_witness,
    a_consent_recorded_on_the_page_shows_typed_markup_as_text,
    an_unknown_kind_posted_to_the_tab_is_refused,
    a_lockbox_restriction_shows_the_banner_on_the_patients_pages,
    a_new_wording_version_is_saved_from_settings,
    another_clinics_patient_tab_is_not_found,
);
