//! The patient record and health-history intakes over the API, on SQLite and PostgreSQL:
//! intakes keep the form version they answered, flags follow the newest answers, insurance
//! plans keep their order, bad input is named by field with nothing written, and another
//! clinic's ids are not found.

mod support;

use axum::http::{Method, StatusCode};
use knead_testkit::{TestDb, on_both_backends};
use serde_json::{Value, json};
use support::api::{Clinic, call};

async fn clinic(db: &TestDb) -> Clinic {
    support::api::first_clinic(db, support::api::clock()).await
}

async fn new_patient(clinic: &Clinic, first: &str, birth: &str) -> String {
    let body = json!({
        "legal_first_name": first,
        "legal_last_name": "Fakename",
        "date_of_birth": birth,
        "mobile_phone": "416 555 0101",
        "home_phone": "416 555 0102",
        "preferred_phone": "home",
        "pronouns": "they/them",
        "province": "ON",
        "emergency_contact_name": "Robin Fakename",
        "emergency_contact_relationship": "Sibling",
        "emergency_contact_phone": "416 555 0103",
        "family_doctor_name": "Dr. Invented",
        "family_doctor_fax": "416 555 0104"
    });
    let (status, created) = call(clinic, Method::POST, "/api/v1/patients", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn default_form(clinic: &Clinic) -> Value {
    let (status, forms) = call(clinic, Method::GET, "/api/v1/intake-forms", None).await;
    assert_eq!(status, StatusCode::OK, "{forms}");
    forms[0].clone()
}

async fn record(clinic: &Clinic, patient: &str, form: &str, answers: Value) -> (StatusCode, Value) {
    let body = json!({ "form_id": form, "answers": answers });
    let path = format!("/api/v1/patients/{patient}/intakes");
    call(clinic, Method::POST, &path, Some(body)).await
}

async fn the_record_keeps_demographics_and_the_preferred_phone(db: TestDb) {
    let clinic = clinic(&db).await;

    let id = new_patient(&clinic, "Alexis", "1990-05-01").await;

    let (_, body) = call(
        &clinic,
        Method::GET,
        &format!("/api/v1/patients/{id}"),
        None,
    )
    .await;
    assert_eq!(
        body["phone"], "416 555 0102",
        "phone is the preferred number"
    );
    assert_eq!(body["preferred_phone"], "home");
    assert_eq!(body["pronouns"], "they/them");
    assert_eq!(body["emergency_contact_relationship"], "Sibling");
    assert_eq!(body["family_doctor_fax"], "416 555 0104");
    let (_, found) = call(&clinic, Method::GET, "/api/v1/patients?q=5550101", None).await;
    assert_eq!(
        found["items"].as_array().unwrap().len(),
        1,
        "search by mobile"
    );
}

async fn an_intake_keeps_its_version_after_the_form_changes(db: TestDb) {
    let clinic = clinic(&db).await;
    let patient = new_patient(&clinic, "Alexis", "1990-05-01").await;
    let form = default_form(&clinic).await;
    let form_id = form["id"].as_str().unwrap();
    assert_eq!(form["version"], 1);
    assert_eq!(form["questions"][2]["label"], "Are you pregnant?");
    let answers = json!({ "q1": "Sore shoulder", "q3": "yes" });
    let (status, flags) = record(&clinic, &patient, form_id, answers).await;
    assert_eq!(status, StatusCode::CREATED, "{flags}");

    let edited = json!({
        "name": "Health history",
        "questions": [
            { "label": "Reason for your visit", "kind": "long_text", "required": true },
            { "label": "Any allergies?", "kind": "short_text",
              "flag_when": "answered", "flag_label": "Allergy" }
        ]
    });
    let path = format!("/api/v1/intake-forms/{form_id}");
    let (status, saved) = call(&clinic, Method::PUT, &path, Some(edited)).await;
    let path = format!("/api/v1/patients/{patient}/intakes");
    let (_, intakes) = call(&clinic, Method::GET, &path, None).await;

    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    assert_eq!(flags["flags"], json!(["Pregnant"]));
    let first = &intakes[0];
    assert_eq!(first["form_version"], 1);
    assert_eq!(first["form"]["questions"][2]["label"], "Are you pregnant?");
    assert_eq!(first["answers"]["q3"], "yes");
}

async fn flags_follow_the_newest_intake_and_reads_are_audited(db: TestDb) {
    let clinic = clinic(&db).await;
    let patient = new_patient(&clinic, "Alexis", "1990-05-01").await;
    let form = default_form(&clinic).await;
    let form_id = form["id"].as_str().unwrap();
    let first = json!({ "q1": "Neck", "q2": "Latex gloves", "q3": "yes" });
    record(&clinic, &patient, form_id, first).await;
    let flags_path = format!("/api/v1/patients/{patient}/flags");
    let (_, before) = call(&clinic, Method::GET, &flags_path, None).await;

    let later = json!({ "q1": "Neck", "q3": "no" });
    record(&clinic, &patient, form_id, later).await;
    let (_, after) = call(&clinic, Method::GET, &flags_path, None).await;
    call(
        &clinic,
        Method::GET,
        &format!("/api/v1/patients/{patient}/intakes"),
        None,
    )
    .await;

    assert_eq!(
        before["flags"],
        json!(["Allergy: Latex gloves", "Pregnant"])
    );
    assert_eq!(after["flags"], json!([]));
    let mut conn = db.store.read().await.unwrap();
    let clinic_id = clinic.app.resolve_clinic(None).await.unwrap().id;
    let events = knead_store::audit::list(&mut conn, &clinic_id, None, 200)
        .await
        .unwrap();
    let viewed = events.iter().find(|e| e.action == "intake.viewed").unwrap();
    assert_eq!(viewed.entity_id, patient);
    let recorded = events
        .iter()
        .find(|e| e.action == "intake.recorded")
        .unwrap();
    assert!(
        !recorded.detail.contains("Latex"),
        "answers leaked into the audit trail"
    );
}

async fn insurance_plans_keep_their_order(db: TestDb) {
    let clinic = clinic(&db).await;
    let patient = new_patient(&clinic, "Alexis", "1990-05-01").await;
    let path = format!("/api/v1/patients/{patient}/insurance");
    let own = json!({ "insurer": "Invented Life", "member_number": "A-1" });
    let spouse = json!({ "insurer": "Made-up Shield", "holder_relationship": "spouse",
        "holder_name": "Sam Fakename", "holder_date_of_birth": "1989-01-02" });
    let (_, a) = call(&clinic, Method::POST, &path, Some(own)).await;
    let (_, b) = call(&clinic, Method::POST, &path, Some(spouse)).await;
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let record_path = format!("/api/v1/patients/{patient}/record");

    let order = json!({ "plan_ids": [b, a] });
    let (status, _) = call(&clinic, Method::PUT, &format!("{path}/order"), Some(order)).await;
    let (_, reordered) = call(&clinic, Method::GET, &record_path, None).await;
    call(&clinic, Method::DELETE, &format!("{path}/{b}"), None).await;
    let (_, removed) = call(&clinic, Method::GET, &record_path, None).await;
    let bad = json!({ "plan_ids": [a, a] });
    let (bad_status, bad_body) =
        call(&clinic, Method::PUT, &format!("{path}/order"), Some(bad)).await;

    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(reordered["insurance"][0]["insurer"], "Made-up Shield");
    assert_eq!(reordered["insurance"][0]["position"], 1);
    assert_eq!(reordered["insurance"][1]["position"], 2);
    assert_eq!(removed["insurance"].as_array().unwrap().len(), 1);
    assert_eq!(
        removed["insurance"][0]["position"], 1,
        "the others close ranks"
    );
    assert_eq!(bad_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_body["error"]["fields"]["plan_ids"].is_string());
}

async fn guardians_and_family_links_show_on_both_records(db: TestDb) {
    let clinic = clinic(&db).await;
    let parent = new_patient(&clinic, "Morgan", "1980-01-01").await;
    let child = new_patient(&clinic, "Jesse", "2015-03-04").await;

    let guardian = json!({ "guardian_patient_id": parent, "relationship": "Mother",
        "authority": "parent_or_guardian" });
    let path = format!("/api/v1/patients/{child}/guardians");
    let (g_status, _) = call(&clinic, Method::POST, &path, Some(guardian)).await;
    let link = json!({ "payer_patient_id": parent, "dependant_patient_id": child,
        "relationship": "Mother" });
    let (l_status, _) = call(
        &clinic,
        Method::POST,
        "/api/v1/family-links",
        Some(link.clone()),
    )
    .await;
    let (again, again_body) = call(&clinic, Method::POST, "/api/v1/family-links", Some(link)).await;
    let (_, child_record) = call(
        &clinic,
        Method::GET,
        &format!("/api/v1/patients/{child}/record"),
        None,
    )
    .await;
    let (_, parent_record) = call(
        &clinic,
        Method::GET,
        &format!("/api/v1/patients/{parent}/record"),
        None,
    )
    .await;

    assert_eq!(g_status, StatusCode::CREATED);
    assert_eq!(l_status, StatusCode::CREATED);
    assert_eq!(again, StatusCode::UNPROCESSABLE_ENTITY, "{again_body}");
    assert_eq!(child_record["minor"], true);
    assert_eq!(
        child_record["guardians"][0]["authority"],
        "parent_or_guardian"
    );
    assert_eq!(
        child_record["family_links"][0]["payer_patient_id"],
        parent.as_str()
    );
    assert_eq!(parent_record["minor"], false);
    assert_eq!(
        parent_record["family_links"][0]["dependant_patient_id"],
        child.as_str()
    );
    assert_eq!(parent_record["guardians"][0]["patient_id"], child.as_str());
}

async fn bad_input_names_the_field_and_writes_nothing(db: TestDb) {
    let clinic = clinic(&db).await;
    let patient = new_patient(&clinic, "Alexis", "1990-05-01").await;
    let form = default_form(&clinic).await;
    let form_id = form["id"].as_str().unwrap();

    let bad_phone = json!({ "legal_first_name": "A", "legal_last_name": "B",
        "home_phone": "416 555 0102", "preferred_phone": "work",
        "emergency_contact_relationship": "Friend" });
    let (p_status, p_body) = call(&clinic, Method::POST, "/api/v1/patients", Some(bad_phone)).await;
    let (i_status, i_body) = record(&clinic, &patient, form_id, json!({ "q3": "perhaps" })).await;
    let path = format!("/api/v1/patients/{patient}/insurance");
    let (n_status, n_body) = call(
        &clinic,
        Method::POST,
        &path,
        Some(json!({ "insurer": " " })),
    )
    .await;
    let bad_form = json!({ "name": "X", "questions": [{ "label": "Pick", "kind": "choice",
        "choices": "Only one" }] });
    let (f_status, f_body) = call(
        &clinic,
        Method::POST,
        "/api/v1/intake-forms",
        Some(bad_form),
    )
    .await;

    assert_eq!(p_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        p_body["error"]["fields"]["preferred_phone"],
        "has no work number"
    );
    assert!(p_body["error"]["fields"]["emergency_contact_name"].is_string());
    assert_eq!(i_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        i_body["error"]["fields"]["answers.q3"]
            .as_str()
            .unwrap()
            .contains("perhaps")
    );
    assert_eq!(i_body["error"]["fields"]["answers.q1"], "is required");
    assert_eq!(n_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(n_body["error"]["fields"]["insurer"], "is required");
    assert_eq!(f_status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(f_body["error"]["fields"]["questions[0].choices"].is_string());
    let (_, intakes) = call(
        &clinic,
        Method::GET,
        &format!("/api/v1/patients/{patient}/intakes"),
        None,
    )
    .await;
    assert_eq!(intakes.as_array().unwrap().len(), 0);
    let (_, forms) = call(&clinic, Method::GET, "/api/v1/intake-forms", None).await;
    assert_eq!(forms.as_array().unwrap().len(), 1);
}

async fn another_clinics_patient_and_form_are_not_found(db: TestDb) {
    let first = clinic(&db).await;
    let second = support::api::second_clinic(&first).await;
    let patient = new_patient(&first, "Alexis", "1990-05-01").await;
    let form = default_form(&first).await;
    let form_id = form["id"].as_str().unwrap();

    let paths = [
        (Method::GET, format!("/api/v1/patients/{patient}/record")),
        (Method::GET, format!("/api/v1/patients/{patient}/intakes")),
        (Method::GET, format!("/api/v1/patients/{patient}/flags")),
        (Method::GET, format!("/api/v1/intake-forms/{form_id}")),
    ];
    for (method, path) in paths {
        let (status, _) = call(&second, method, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let plan = json!({ "insurer": "Invented Life" });
    let path = format!("/api/v1/patients/{patient}/insurance");
    let (status, _) = call(&second, Method::POST, &path, Some(plan)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = record(&second, &patient, form_id, json!({ "q1": "x" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    the_record_keeps_demographics_and_the_preferred_phone,
    an_intake_keeps_its_version_after_the_form_changes,
    flags_follow_the_newest_intake_and_reads_are_audited,
    insurance_plans_keep_their_order,
    guardians_and_family_links_show_on_both_records,
    bad_input_names_the_field_and_writes_nothing,
    another_clinics_patient_and_form_are_not_found,
);
