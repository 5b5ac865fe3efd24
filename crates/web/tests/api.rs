//! The JSON API end to end, in process, on SQLite and PostgreSQL: every route behind a
//! token, create/read/update/list for each resource, bad input named by field with nothing
//! written, and one clinic never seeing another's data.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use knead_testkit::{TestDb, on_both_backends};
use serde_json::{Value, json};
use support::api::{Clinic, call, send};

async fn first_clinic(db: &TestDb) -> Clinic {
    support::api::first_clinic(db, support::api::clock()).await
}

async fn second_clinic(first: &Clinic) -> Clinic {
    support::api::second_clinic(first).await
}

/// A documented path with each `{parameter}` filled in.
fn concrete_path(path: &str, id: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        out.push_str(match &rest[open..close] {
            "{province}" => "ON",
            "{date}" => "2026-12-25",
            _ => id,
        });
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

fn toronto() -> Value {
    json!({
        "name": "Annex",
        "address_line1": "402 Bloor St W",
        "city": "Toronto",
        "province": "ON",
        "postal_code": "m5s1x5",
        "time_zone": "America/Toronto",
        "phone": "416-555-0134"
    })
}

fn patient(email: &str) -> Value {
    json!({
        "legal_first_name": "Zoé",
        "legal_last_name": "Côté",
        "date_of_birth": "1988-02-29",
        "email": email,
        "phone": "(416) 555-0199"
    })
}

async fn count(clinic: &Clinic, path: &str) -> usize {
    let (status, body) = call(clinic, Method::GET, path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().len()
}

async fn every_documented_route_refuses_a_request_without_a_token(db: TestDb) {
    let clinic = first_clinic(&db).await;
    let (_, document) = send(
        &clinic.router,
        Request::get("/api/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let paths = document["paths"].as_object().unwrap();

    let mut checked = 0;
    for (path, operations) in paths {
        let concrete = concrete_path(path, "some-id");
        for method in operations.as_object().unwrap().keys() {
            let request = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&concrete)
                .body(Body::empty())
                .unwrap();
            let (status, body) = send(&clinic.router, request).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(body["error"]["code"], "unauthenticated");
            checked += 1;
        }
    }

    assert!(checked >= 20, "only {checked} operations documented");
}

async fn every_documented_route_is_served(db: TestDb) {
    let clinic = first_clinic(&db).await;
    let (_, document) = call(&clinic, Method::GET, "/api/openapi.json", None).await;

    for (path, operations) in document["paths"].as_object().unwrap() {
        let concrete = concrete_path(path, "missing");
        for method in operations.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = (method == Method::POST || method == Method::PUT).then(|| json!({}));
            let (status, _) = call(&clinic, method.clone(), &concrete, body).await;
            let served = matches!(status.as_u16(), 200 | 201 | 204 | 404 | 422);
            assert!(served, "{method} {path} answered {status}");
        }
    }
}

async fn locations_are_created_read_updated_and_listed(db: TestDb) {
    let clinic = first_clinic(&db).await;

    let (status, created) = call(&clinic, Method::POST, "/api/v1/locations", Some(toronto())).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let (_, read) = call(
        &clinic,
        Method::GET,
        &format!("/api/v1/locations/{id}"),
        None,
    )
    .await;
    let mut changed = toronto();
    changed["slot_step_minutes"] = json!(30);
    changed["name"] = json!("Annex West");
    let (update_status, updated) = call(
        &clinic,
        Method::PUT,
        &format!("/api/v1/locations/{id}"),
        Some(changed),
    )
    .await;
    let (_, list) = call(&clinic, Method::GET, "/api/v1/locations", None).await;

    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(read["postal_code"], "M5S 1X5");
    assert_eq!(read["slot_step_minutes"], 15);
    assert_eq!(update_status, StatusCode::OK);
    assert_eq!(updated["slot_step_minutes"], 30);
    assert_eq!(list["items"][0]["name"], "Annex West");
    assert_eq!(list["next_cursor"], Value::Null);
}

async fn rooms_practitioners_and_services_link_up(db: TestDb) {
    let clinic = first_clinic(&db).await;
    let (_, location) = call(&clinic, Method::POST, "/api/v1/locations", Some(toronto())).await;
    let location_id = location["id"].as_str().unwrap();

    let rooms_path = format!("/api/v1/locations/{location_id}/rooms");
    let (room_status, room) = call(
        &clinic,
        Method::POST,
        &rooms_path,
        Some(json!({"name": "Room 1"})),
    )
    .await;
    let practitioner = json!({
        "name": "Léa Tremblay",
        "email": "lea@harbour.example",
        "location_ids": [location_id],
        "registrations": [{"province": "ON", "college": "CMTO", "number": "U1234"}]
    });
    let (p_status, practitioner) = call(
        &clinic,
        Method::POST,
        "/api/v1/practitioners",
        Some(practitioner),
    )
    .await;
    let service = json!({
        "name": "Massage 60",
        "duration_minutes": 60,
        "price": "120.00",
        "buffer_after_minutes": 15,
        "online_bookable": true,
        "practitioner_ids": [practitioner["id"]]
    });
    let (s_status, service) = call(&clinic, Method::POST, "/api/v1/services", Some(service)).await;
    let renamed = json!({"name": "Room A", "active": false});
    let room_path = format!("/api/v1/rooms/{}", room["id"].as_str().unwrap());
    let (_, room_after) = call(&clinic, Method::PUT, &room_path, Some(renamed)).await;

    assert_eq!(room_status, StatusCode::CREATED, "{room}");
    assert_eq!(p_status, StatusCode::CREATED, "{practitioner}");
    assert_eq!(practitioner["profession"], "Registered Massage Therapist");
    assert_eq!(practitioner["registrations"][0]["status"], "active");
    assert_eq!(practitioner["location_ids"][0], location_id);
    assert_eq!(s_status, StatusCode::CREATED, "{service}");
    assert_eq!(service["price"], "120.00");
    assert_eq!(service["tax_code"], "taxable");
    assert_eq!(room_after["name"], "Room A");
    assert_eq!(room_after["active"], false);
    assert_eq!(count(&clinic, &rooms_path).await, 1);
}

async fn patients_are_searchable_by_name_phone_and_email(db: TestDb) {
    let clinic = first_clinic(&db).await;
    call(
        &clinic,
        Method::POST,
        "/api/v1/patients",
        Some(patient("zoe@example.ca")),
    )
    .await;
    let other = json!({"legal_first_name": "Omar", "legal_last_name": "Haddad"});
    call(&clinic, Method::POST, "/api/v1/patients", Some(other)).await;

    let by_accentless_name = count(&clinic, "/api/v1/patients?q=zoe%20cote").await;
    let by_phone = count(&clinic, "/api/v1/patients?q=4165550199").await;
    let by_email = count(&clinic, "/api/v1/patients?q=ZOE@example.ca").await;
    let by_nobody = count(&clinic, "/api/v1/patients?q=nobody").await;
    let everyone = count(&clinic, "/api/v1/patients").await;

    assert_eq!(
        (by_accentless_name, by_phone, by_email, by_nobody, everyone),
        (1, 1, 1, 0, 2)
    );
}

async fn bad_input_names_the_field_and_writes_nothing(db: TestDb) {
    let clinic = first_clinic(&db).await;
    let cases = [
        (
            "/api/v1/locations",
            json!({"name": "X", "province": "ON", "time_zone": "Mars/Base"}),
            "time_zone",
        ),
        (
            "/api/v1/locations",
            json!({"name": "X", "province": "ZZ", "time_zone": "America/Regina"}),
            "province",
        ),
        (
            "/api/v1/locations",
            json!({"name": "X", "province": "ON", "time_zone": "America/Toronto", "slot_step_minutes": "fifteen"}),
            "slot_step_minutes",
        ),
        (
            "/api/v1/services",
            json!({"name": "S", "duration_minutes": -30, "price": "10"}),
            "duration_minutes",
        ),
        (
            "/api/v1/services",
            json!({"name": "S", "duration_minutes": 30, "price": "-10"}),
            "price",
        ),
        (
            "/api/v1/services",
            json!({"name": "S", "duration_minutes": "an hour", "price": "10"}),
            "duration_minutes",
        ),
        (
            "/api/v1/services",
            json!({"name": "S", "duration_minutes": 30, "price": 10, "colour": "red"}),
            "colour",
        ),
        (
            "/api/v1/patients",
            json!({"legal_first_name": "A", "legal_last_name": "B", "email": "not-an-email"}),
            "email",
        ),
        (
            "/api/v1/practitioners",
            json!({"name": "P", "location_ids": ["no-such-location"]}),
            "location_ids",
        ),
    ];

    for (path, body, field) in cases {
        let (status, answer) = call(&clinic, Method::POST, path, Some(body)).await;

        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {answer}");
        assert!(
            answer["error"]["fields"][field].is_string(),
            "{field} not named: {answer}"
        );
    }
    for path in [
        "/api/v1/locations",
        "/api/v1/services",
        "/api/v1/patients",
        "/api/v1/practitioners",
    ] {
        assert_eq!(count(&clinic, path).await, 0, "{path} was written");
    }
}

async fn a_duplicate_patient_email_is_refused_on_the_email_field(db: TestDb) {
    let clinic = first_clinic(&db).await;
    call(
        &clinic,
        Method::POST,
        "/api/v1/patients",
        Some(patient("zoe@example.ca")),
    )
    .await;

    let (status, answer) = call(
        &clinic,
        Method::POST,
        "/api/v1/patients",
        Some(patient("Zoe@Example.ca")),
    )
    .await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer["error"]["fields"]["email"]
            .as_str()
            .unwrap()
            .contains("already used")
    );
    assert_eq!(count(&clinic, "/api/v1/patients").await, 1);
}

async fn malformed_and_oversized_bodies_are_refused(db: TestDb) {
    let clinic = first_clinic(&db).await;
    let bearer = format!("Bearer {}", clinic.token);
    let post = |body: String, content_type: &str| {
        Request::post("/api/v1/patients")
            .header(header::AUTHORIZATION, &bearer)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };

    let (broken, _) = send(
        &clinic.router,
        post("{\"legal_first_name\": ".into(), "application/json"),
    )
    .await;
    let (not_json, _) = send(
        &clinic.router,
        post("a=b".into(), "application/x-www-form-urlencoded"),
    )
    .await;
    let huge = json!({"legal_first_name": "x".repeat(100_000)}).to_string();
    let (oversized, answer) = send(&clinic.router, post(huge, "application/json")).await;

    assert_eq!(broken, StatusCode::BAD_REQUEST);
    assert_eq!(not_json, StatusCode::BAD_REQUEST);
    assert_eq!(oversized, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["error"]["fields"]["body"].is_string(), "{answer}");
    assert_eq!(count(&clinic, "/api/v1/patients").await, 0);
}

async fn one_clinic_cannot_reach_anothers_records(db: TestDb) {
    let a = first_clinic(&db).await;
    let b = second_clinic(&a).await;
    let (_, location) = call(&a, Method::POST, "/api/v1/locations", Some(toronto())).await;
    let (_, person) = call(
        &a,
        Method::POST,
        "/api/v1/patients",
        Some(patient("zoe@example.ca")),
    )
    .await;
    let location_path = format!("/api/v1/locations/{}", location["id"].as_str().unwrap());
    let patient_path = format!("/api/v1/patients/{}", person["id"].as_str().unwrap());

    let (read_location, _) = call(&b, Method::GET, &location_path, None).await;
    let (read_patient, _) = call(&b, Method::GET, &patient_path, None).await;
    let (edit_patient, _) = call(
        &b,
        Method::PUT,
        &patient_path,
        Some(patient("x@example.ca")),
    )
    .await;
    let rooms = format!("{location_path}/rooms");
    let (add_room, _) = call(&b, Method::POST, &rooms, Some(json!({"name": "Sneaky"}))).await;
    let b_sees = count(&b, "/api/v1/patients").await;
    let same_email_in_b = call(
        &b,
        Method::POST,
        "/api/v1/patients",
        Some(patient("zoe@example.ca")),
    )
    .await
    .0;

    assert_eq!(read_location, StatusCode::NOT_FOUND);
    assert_eq!(read_patient, StatusCode::NOT_FOUND);
    assert_eq!(edit_patient, StatusCode::NOT_FOUND);
    assert_eq!(add_room, StatusCode::NOT_FOUND);
    assert_eq!(b_sees, 0);
    assert_eq!(same_email_in_b, StatusCode::CREATED);
    let (_, unchanged) = call(&a, Method::GET, &patient_path, None).await;
    assert_eq!(unchanged["email"], "zoe@example.ca");
}

async fn lists_page_with_limit_and_cursor(db: TestDb) {
    let clinic = first_clinic(&db).await;
    for i in 0..3 {
        let body = json!({"legal_first_name": format!("P{i}"), "legal_last_name": "Test"});
        call(&clinic, Method::POST, "/api/v1/patients", Some(body)).await;
    }

    let (_, first) = call(&clinic, Method::GET, "/api/v1/patients?limit=2", None).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = call(
        &clinic,
        Method::GET,
        &format!("/api/v1/patients?limit=2&cursor={cursor}"),
        None,
    )
    .await;
    let (zero, _) = call(&clinic, Method::GET, "/api/v1/patients?limit=0", None).await;
    let (words, answer) = call(&clinic, Method::GET, "/api/v1/patients?limit=many", None).await;

    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["next_cursor"], Value::Null);
    assert_eq!(zero, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(words, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["error"]["fields"]["limit"].is_string());
}

async fn roles_limit_what_a_token_may_do(db: TestDb) {
    let owner = first_clinic(&db).await;
    let (status, created) = call(
        &owner,
        Method::POST,
        "/api/v1/tokens",
        Some(json!({"name": "desk", "role": "front_desk"})),
    )
    .await;
    let desk = Clinic {
        router: owner.router.clone(),
        app: owner.app.clone(),
        token: created["secret"].as_str().unwrap().to_owned(),
    };

    let (location, _) = call(&desk, Method::POST, "/api/v1/locations", Some(toronto())).await;
    let (person, _) = call(
        &desk,
        Method::POST,
        "/api/v1/patients",
        Some(patient("a@example.ca")),
    )
    .await;
    let (tokens, _) = call(&desk, Method::GET, "/api/v1/tokens", None).await;

    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["token"]["role"], "front_desk");
    assert_eq!(location, StatusCode::FORBIDDEN);
    assert_eq!(person, StatusCode::CREATED);
    assert_eq!(tokens, StatusCode::FORBIDDEN);
}

async fn a_revoked_token_stops_working(db: TestDb) {
    let owner = first_clinic(&db).await;
    let (_, created) = call(
        &owner,
        Method::POST,
        "/api/v1/tokens",
        Some(json!({"name": "temp", "role": "manager"})),
    )
    .await;
    let temp = Clinic {
        router: owner.router.clone(),
        app: owner.app.clone(),
        token: created["secret"].as_str().unwrap().into(),
    };
    let before = call(&temp, Method::GET, "/api/v1/clinic", None).await.0;

    let path = format!(
        "/api/v1/tokens/{}",
        created["token"]["id"].as_str().unwrap()
    );
    let revoked = call(&owner, Method::DELETE, &path, None).await.0;
    let after = call(&temp, Method::GET, "/api/v1/clinic", None).await.0;
    let again = call(&owner, Method::DELETE, &path, None).await.0;

    assert_eq!(
        (before, revoked, after, again),
        (
            StatusCode::OK,
            StatusCode::NO_CONTENT,
            StatusCode::UNAUTHORIZED,
            StatusCode::NOT_FOUND
        )
    );
}

async fn changes_are_in_the_audit_trail_with_who_made_them(db: TestDb) {
    let clinic = first_clinic(&db).await;
    let (_, location) = call(&clinic, Method::POST, "/api/v1/locations", Some(toronto())).await;
    let (_, person) = call(
        &clinic,
        Method::POST,
        "/api/v1/patients",
        Some(patient("zoe@example.ca")),
    )
    .await;
    let patient_id = person["id"].as_str().unwrap();
    let mut moved = patient("zoe@example.ca");
    moved["phone"] = json!("613-555-0101");
    call(
        &clinic,
        Method::PUT,
        &format!("/api/v1/patients/{patient_id}"),
        Some(moved),
    )
    .await;

    let mut conn = db.store.read().await.unwrap();
    let clinic_id = clinic.app.resolve_clinic(None).await.unwrap().id;
    let events = knead_store::audit::list(&mut conn, &clinic_id, None, 100)
        .await
        .unwrap();
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    let update = events
        .iter()
        .find(|e| e.action == "patient.updated")
        .unwrap();

    assert!(actions.contains(&"location.created"));
    assert!(
        events
            .iter()
            .any(|e| e.entity_id == location["id"].as_str().unwrap())
    );
    assert_eq!(update.actor_kind, "api_token");
    // A lone phone is the mobile, so both names change.
    assert_eq!(update.detail, r#"{"fields":["phone","mobile_phone"]}"#);
    assert!(
        !update.detail.contains("613"),
        "contact details leaked into the audit trail"
    );
    assert_eq!(
        knead_store::audit::verify(&mut conn, &clinic_id)
            .await
            .unwrap(),
        None
    );
}

async fn the_clinic_profile_is_validated_and_saved(db: TestDb) {
    let clinic = first_clinic(&db).await;
    let profile = json!({
        "legal_name": "Harbour Massage Therapy Inc.",
        "operating_name": "Harbour Massage",
        "address_line1": "1 Front St",
        "city": "Toronto",
        "province": "on",
        "postal_code": "M5J 2X5",
        "email": "Hello@Harbour.example",
        "website": "harbour.example"
    });

    let (status, saved) = call(&clinic, Method::PUT, "/api/v1/clinic", Some(profile)).await;
    let (bad, answer) = call(
        &clinic,
        Method::PUT,
        "/api/v1/clinic",
        Some(json!({"legal_name": ""})),
    )
    .await;
    let (_, now) = call(&clinic, Method::GET, "/api/v1/clinic", None).await;

    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["province"], "ON");
    assert_eq!(saved["email"], "hello@harbour.example");
    assert_eq!(saved["website"], "https://harbour.example");
    assert_eq!(saved["slug"], "harbour-massage");
    assert_eq!(bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["error"]["fields"]["legal_name"].is_string());
    assert_eq!(now["legal_name"], "Harbour Massage Therapy Inc.");
}

async fn healthz_answers_when_the_database_does(db: TestDb) {
    let clinic = first_clinic(&db).await;

    let (status, _) = send(
        &clinic.router,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;

    assert_eq!(status, StatusCode::OK);
}

on_both_backends!(
    every_documented_route_refuses_a_request_without_a_token,
    every_documented_route_is_served,
    locations_are_created_read_updated_and_listed,
    rooms_practitioners_and_services_link_up,
    patients_are_searchable_by_name_phone_and_email,
    bad_input_names_the_field_and_writes_nothing,
    a_duplicate_patient_email_is_refused_on_the_email_field,
    malformed_and_oversized_bodies_are_refused,
    one_clinic_cannot_reach_anothers_records,
    lists_page_with_limit_and_cursor,
    roles_limit_what_a_token_may_do,
    a_revoked_token_stops_working,
    changes_are_in_the_audit_trail_with_who_made_them,
    the_clinic_profile_is_validated_and_saved,
    healthz_answers_when_the_database_does,
);
