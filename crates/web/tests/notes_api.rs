//! Treatment notes over the API on SQLite and PostgreSQL: a signed note is locked (409
//! `note_signed`), amendments keep the original, late entries are marked, bad input names the
//! field, another clinic's and (under "own patients only") another practitioner's notes are
//! not found, refusals and reads are audited, and template edits make versions.

mod notes_support;
mod support;

use axum::http::{Method, StatusCode};
use knead_domain::Role;
use knead_domain::ids::{PatientId, PractitionerId, UserId};
use knead_store::audit;
use knead_testkit::{TestDb, on_both_backends};
use notes_support::{Chart, OWNER_EMAIL, add_staff, chart_clinic, owner, token_for};
use serde_json::{Value, json};
use support::api::{Clinic, call, second_clinic};

fn soap(subjective: &str) -> Value {
    json!([
        subjective,
        "Hypertonic right upper trapezius",
        "Tolerated well",
        "Stretch daily"
    ])
}

async fn new_note(clinic: &Clinic, appointment: &str) -> String {
    let body = json!({"appointment_id": appointment, "sections": soap("Neck sore for 3 days"),
        "marks": [{"region": "upper_back_right", "kind": "tension", "label": "knot"}]});
    let (status, note) = call(clinic, Method::POST, "/api/v1/notes", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    note["id"].as_str().unwrap().to_owned()
}

async fn sign(clinic: &Clinic, note: &str) -> Value {
    let path = format!("/api/v1/notes/{note}/sign");
    let (status, signed) = call(clinic, Method::POST, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    signed
}

async fn actions_on(clinic: &Clinic, entity_id: &str) -> Vec<(String, String)> {
    let staff = owner(clinic).await;
    let mut conn = clinic.app.store().read().await.unwrap();
    let events = audit::list(&mut conn, &staff.clinic_id, Some(entity_id), 100)
        .await
        .unwrap();
    events.into_iter().map(|e| (e.action, e.detail)).collect()
}

async fn a_signed_note_refuses_put_and_patch_with_note_signed(db: TestDb) {
    let Chart { clinic, visit, .. } = chart_clinic(&db, OWNER_EMAIL).await;
    let note = new_note(&clinic, &visit).await;
    let path = format!("/api/v1/notes/{note}");
    let draft_edit = json!({"sections": soap("Neck sore for 4 days")});
    let (status, edited) = call(&clinic, Method::PATCH, &path, Some(draft_edit)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["current"]["marks"][0]["region"], "upper_back_right");

    let signed = sign(&clinic, &note).await;
    let put = call(
        &clinic,
        Method::PUT,
        &path,
        Some(json!({"sections": soap("x")})),
    )
    .await;
    let patch = call(&clinic, Method::PATCH, &path, Some(json!({"marks": []}))).await;
    let again = call(&clinic, Method::POST, &format!("{path}/sign"), None).await;

    assert_eq!(signed["status"], "signed");
    assert_eq!(signed["late_entry"], false);
    for (status, body) in [put, patch, again] {
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "note_signed");
    }
    let (_, now) = call(&clinic, Method::GET, &path, None).await;
    assert_eq!(
        now["original"]["sections"][0]["text"],
        "Neck sore for 4 days"
    );
    assert_eq!(now["original"]["marks"].as_array().unwrap().len(), 1);
}

async fn an_amendment_keeps_the_original_readable_beside_it(db: TestDb) {
    let Chart {
        clinic,
        visit,
        patient,
        ..
    } = chart_clinic(&db, OWNER_EMAIL).await;
    let note = new_note(&clinic, &visit).await;
    sign(&clinic, &note).await;
    let path = format!("/api/v1/notes/{note}/amendments");
    let corrected = json!({"sections": soap("Neck sore for 3 days, left side"),
        "marks": [{"region": "upper_back_left", "kind": "tension"}]});

    let (refused, error) = call(&clinic, Method::POST, &path, Some(corrected.clone())).await;
    let mut with_reason = corrected;
    with_reason["reason"] = json!("Side recorded wrongly");
    let (status, amended) = call(&clinic, Method::POST, &path, Some(with_reason)).await;

    assert_eq!(refused, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert!(error["error"]["fields"]["reason"].is_string(), "{error}");
    assert_eq!(status, StatusCode::CREATED, "{amended}");
    assert_eq!(
        amended["original"]["sections"][0]["text"],
        "Neck sore for 3 days"
    );
    assert_eq!(
        amended["original"]["marks"][0]["region"],
        "upper_back_right"
    );
    assert_eq!(
        amended["current"]["sections"][0]["text"],
        "Neck sore for 3 days, left side"
    );
    assert_eq!(amended["amendments"][0]["reason"], "Side recorded wrongly");
    assert_eq!(amended["amendments"][0]["author_name"], "Maude Ouellet");
    let list = format!("/api/v1/patients/{patient}/notes");
    let (_, notes) = call(&clinic, Method::GET, &list, None).await;
    assert_eq!(notes["items"][0]["amendment_count"], 1);
    let actions: Vec<String> = actions_on(&clinic, &note)
        .await
        .into_iter()
        .map(|a| a.0)
        .collect();
    assert!(actions.contains(&"note.amended".to_owned()), "{actions:?}");
    assert!(actions.contains(&"note.signed".to_owned()), "{actions:?}");
}

async fn a_note_signed_past_the_threshold_is_a_late_entry(db: TestDb) {
    let chart = chart_clinic(&db, OWNER_EMAIL).await;
    let note = new_note(&chart.clinic, &chart.old_visit).await;

    let signed = sign(&chart.clinic, &note).await;

    assert_eq!(signed["late_entry"], true);
    assert_eq!(signed["late_threshold_hours"], 24);
    let settings = json!({"sharing_policy": "all_clinical", "late_entry_hours": "72"});
    let (status, _) = call(
        &chart.clinic,
        Method::PUT,
        "/api/v1/chart-settings",
        Some(settings),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let other = new_note(&chart.clinic, &chart.visit).await;
    assert_eq!(sign(&chart.clinic, &other).await["late_entry"], false);
}

async fn bad_input_names_the_field_and_writes_nothing(db: TestDb) {
    let Chart {
        clinic,
        visit,
        patient,
        ..
    } = chart_clinic(&db, OWNER_EMAIL).await;
    let bad_mark = json!({"appointment_id": visit, "sections": soap("ok"),
        "marks": [{"region": "elbow_tip", "kind": "pain"}, {"region": "calf_left", "kind": "itch"}]});
    let short = json!({"appointment_id": visit, "sections": ["only one"]});
    let no_visit = json!({"appointment_id": "nope"});
    let settings = json!({"sharing_policy": "everyone", "late_entry_hours": "0"});

    let (s1, e1) = call(&clinic, Method::POST, "/api/v1/notes", Some(bad_mark)).await;
    let (s2, e2) = call(&clinic, Method::POST, "/api/v1/notes", Some(short)).await;
    let (s3, e3) = call(&clinic, Method::POST, "/api/v1/notes", Some(no_visit)).await;
    let (s4, e4) = call(
        &clinic,
        Method::PUT,
        "/api/v1/chart-settings",
        Some(settings),
    )
    .await;

    for status in [s1, s2, s3, s4] {
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert!(
        e1["error"]["fields"]["marks[0].region"]
            .as_str()
            .unwrap()
            .contains("elbow_tip")
    );
    assert!(e1["error"]["fields"]["marks[1].kind"].is_string(), "{e1}");
    assert!(e2["error"]["fields"]["sections"].is_string(), "{e2}");
    assert!(e3["error"]["fields"]["appointment_id"].is_string(), "{e3}");
    assert!(e4["error"]["fields"]["sharing_policy"].is_string(), "{e4}");
    assert!(
        e4["error"]["fields"]["late_entry_hours"].is_string(),
        "{e4}"
    );
    let (_, notes) = call(
        &clinic,
        Method::GET,
        &format!("/api/v1/patients/{patient}/notes"),
        None,
    )
    .await;
    assert_eq!(notes["items"].as_array().unwrap().len(), 0);
}

async fn another_clinics_note_and_chart_are_not_found(db: TestDb) {
    let chart = chart_clinic(&db, OWNER_EMAIL).await;
    let note = new_note(&chart.clinic, &chart.visit).await;
    let other = second_clinic(&chart.clinic).await;

    let path = format!("/api/v1/notes/{note}");
    let (get, _) = call(&other, Method::GET, &path, None).await;
    let (put, _) = call(
        &other,
        Method::PUT,
        &path,
        Some(json!({"sections": soap("x")})),
    )
    .await;
    let (sign, _) = call(&other, Method::POST, &format!("{path}/sign"), None).await;
    let list = format!("/api/v1/patients/{}/notes", chart.patient);
    let (chart_read, _) = call(&other, Method::GET, &list, None).await;
    let start = json!({"appointment_id": chart.visit});
    let (create, body) = call(&other, Method::POST, "/api/v1/notes", Some(start)).await;

    for status in [get, put, sign, chart_read] {
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    assert_eq!(create, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (_, mine) = call(&chart.clinic, Method::GET, &path, None).await;
    assert_eq!(mine["status"], "draft");
}

async fn own_patients_only_hides_another_practitioners_chart_and_audits_the_refusal(db: TestDb) {
    let chart = chart_clinic(&db, OWNER_EMAIL).await;
    let note = new_note(&chart.clinic, &chart.visit).await;
    let owner_user = owner(&chart.clinic).await.user_id;
    let treating = token_for(&chart.clinic, &owner_user, Role::Practitioner).await;
    let colleague: UserId = add_staff(
        &chart.clinic,
        "Noah Singh",
        "noah@harbour.example",
        Role::Practitioner,
    )
    .await;
    let other = token_for(&chart.clinic, &colleague, Role::Practitioner).await;
    let policy = |p: &str| Some(json!({"sharing_policy": p, "late_entry_hours": "24"}));
    let note_path = format!("/api/v1/notes/{note}");
    let list = format!("/api/v1/patients/{}/notes", chart.patient);

    let (status, _) = call(
        &chart.clinic,
        Method::PUT,
        "/api/v1/chart-settings",
        policy("own_patients"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (treating_read, _) = call(&treating, Method::GET, &note_path, None).await;
    let (other_read, body) = call(&other, Method::GET, &note_path, None).await;
    let (other_list, _) = call(&other, Method::GET, &list, None).await;

    assert_eq!(treating_read, StatusCode::OK);
    assert_eq!(other_read, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(other_list, StatusCode::NOT_FOUND);
    let refusals = actions_on(&chart.clinic, &chart.patient).await;
    let refused = refusals
        .iter()
        .filter(|(a, _)| a == "chart.refused")
        .count();
    assert_eq!(refused, 2, "{refusals:?}");

    let staff = owner(&chart.clinic).await;
    let patient = PatientId::from_string(chart.patient.clone());
    chart
        .clinic
        .app
        .set_chart_share(&staff, &patient, &colleague, true)
        .await
        .unwrap();
    let (still_hidden, _) = call(&other, Method::GET, &note_path, None).await;
    call(
        &chart.clinic,
        Method::PUT,
        "/api/v1/chart-settings",
        policy("explicit_shares"),
    )
    .await;
    let (shared, _) = call(&other, Method::GET, &note_path, None).await;
    chart
        .clinic
        .app
        .set_chart_share(&staff, &patient, &colleague, false)
        .await
        .unwrap();
    let (unshared, _) = call(&other, Method::GET, &note_path, None).await;
    call(
        &chart.clinic,
        Method::PUT,
        "/api/v1/chart-settings",
        policy("all_clinical"),
    )
    .await;
    let (everyone, _) = call(&other, Method::GET, &note_path, None).await;

    assert_eq!(still_hidden, StatusCode::NOT_FOUND);
    assert_eq!(shared, StatusCode::OK);
    assert_eq!(unshared, StatusCode::NOT_FOUND);
    assert_eq!(everyone, StatusCode::OK);
}

async fn front_desk_cannot_read_charts(db: TestDb) {
    let chart = chart_clinic(&db, OWNER_EMAIL).await;
    let note = new_note(&chart.clinic, &chart.visit).await;
    let desk = add_staff(
        &chart.clinic,
        "Ana Lima",
        "ana@harbour.example",
        Role::FrontDesk,
    )
    .await;
    let desk = token_for(&chart.clinic, &desk, Role::FrontDesk).await;

    let (status, _) = call(&desk, Method::GET, &format!("/api/v1/notes/{note}"), None).await;

    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn reading_a_chart_or_a_note_is_audited_with_the_patient(db: TestDb) {
    let chart = chart_clinic(&db, OWNER_EMAIL).await;
    let note = new_note(&chart.clinic, &chart.visit).await;

    call(
        &chart.clinic,
        Method::GET,
        &format!("/api/v1/notes/{note}"),
        None,
    )
    .await;
    let list = format!("/api/v1/patients/{}/notes", chart.patient);
    call(&chart.clinic, Method::GET, &list, None).await;

    let on_note = actions_on(&chart.clinic, &note).await;
    let viewed: Vec<_> = on_note.iter().filter(|(a, _)| a == "note.viewed").collect();
    assert!(!viewed.is_empty(), "{on_note:?}");
    assert!(
        viewed.iter().all(|(_, d)| d.contains(&chart.patient)),
        "{viewed:?}"
    );
    assert!(
        viewed.iter().all(|(_, d)| !d.contains("Neck sore")),
        "note text in the audit"
    );
    let on_patient = actions_on(&chart.clinic, &chart.patient).await;
    assert!(
        on_patient.iter().any(|(a, _)| a == "chart.viewed"),
        "{on_patient:?}"
    );
}

async fn editing_a_template_makes_a_version_and_notes_keep_theirs(db: TestDb) {
    let chart = chart_clinic(&db, OWNER_EMAIL).await;
    let template = json!({"name": "Sports", "sections": [
        {"heading": "Event", "prompt": "Which sport"}, {"heading": "Treatment", "prompt": ""}]});
    let (status, made) = call(
        &chart.clinic,
        Method::POST,
        "/api/v1/note-templates",
        Some(template),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let id = made["id"].as_str().unwrap();
    let body = json!({"appointment_id": chart.visit, "template_id": id,
        "sections": ["Marathon", "Flushing"]});
    let (_, note) = call(&chart.clinic, Method::POST, "/api/v1/notes", Some(body)).await;

    let edit = json!({"name": "Sports v2", "sections": [{"heading": "Sport"}]});
    let path = format!("/api/v1/note-templates/{id}");
    let (status, edited) = call(&chart.clinic, Method::PUT, &path, Some(edit)).await;

    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["version"], 2);
    let note_path = format!("/api/v1/notes/{}", note["id"].as_str().unwrap());
    let (_, note) = call(&chart.clinic, Method::GET, &note_path, None).await;
    assert_eq!(note["template_version"], 1);
    assert_eq!(note["current"]["sections"][1]["heading"], "Treatment");
    let (_, list) = call(&chart.clinic, Method::GET, "/api/v1/note-templates", None).await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["SOAP", "Sports v2"]);
}

async fn a_staff_member_linked_to_the_treating_practitioner_reads_their_patients_chart(db: TestDb) {
    // The practitioner's email matches no staff member: only the explicit link joins them.
    let chart = chart_clinic(&db, "lea.tremblay@harbour.example").await;
    let note = new_note(&chart.clinic, &chart.visit).await;
    let lea = add_staff(
        &chart.clinic,
        "Léa Tremblay",
        "lea@harbour.example",
        Role::Practitioner,
    )
    .await;
    let token = token_for(&chart.clinic, &lea, Role::Practitioner).await;
    let settings = json!({"sharing_policy": "own_patients", "late_entry_hours": "24"});
    let (status, _) = call(
        &chart.clinic,
        Method::PUT,
        "/api/v1/chart-settings",
        Some(settings),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let note_path = format!("/api/v1/notes/{note}");
    let visit_path = format!("/api/v1/appointments/{}", chart.visit);
    let (_, visit) = call(&chart.clinic, Method::GET, &visit_path, None).await;
    let practitioner = PractitionerId::from_string(visit["practitioner_id"].as_str().unwrap());

    let (unlinked, _) = call(&token, Method::GET, &note_path, None).await;
    let staff = owner(&chart.clinic).await;
    chart
        .clinic
        .app
        .link_practitioner(&staff, &lea, Some(&practitioner))
        .await
        .unwrap();
    let (linked, body) = call(&token, Method::GET, &note_path, None).await;

    assert_eq!(unlinked, StatusCode::NOT_FOUND);
    assert_eq!(linked, StatusCode::OK, "{body}");
}

on_both_backends!(
    a_staff_member_linked_to_the_treating_practitioner_reads_their_patients_chart,
    a_signed_note_refuses_put_and_patch_with_note_signed,
    an_amendment_keeps_the_original_readable_beside_it,
    a_note_signed_past_the_threshold_is_a_late_entry,
    bad_input_names_the_field_and_writes_nothing,
    another_clinics_note_and_chart_are_not_found,
    own_patients_only_hides_another_practitioners_chart_and_audits_the_refusal,
    front_desk_cannot_read_charts,
    reading_a_chart_or_a_note_is_audited_with_the_patient,
    editing_a_template_makes_a_version_and_notes_keep_theirs,
);
