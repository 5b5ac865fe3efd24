//! Reads of patient records in the audit trail, on SQLite and PostgreSQL: every route that
//! shows a patient records exactly one entry (the table below; a new route is one line), lists
//! record ids and a count but never the search words, another clinic's patient id is a 404
//! recorded in the asker's own chain, and the access log and audit search show who, what,
//! when and from where to those allowed, paged, on pages and over the API.

mod support;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, StatusCode};
use knead_app::{App, Staff};
use knead_domain::Role;
use knead_domain::ids::{ClinicId, PatientId};
use knead_domain::setup::{LocationInput, PatientInput};
use knead_store::audit::{self, Event};
use knead_testkit::{TestDb, on_both_backends};
use serde_json::Value;
use std::net::SocketAddr;
use support::api::{self as api_support, call};
use support::pages::{Browser, OWNER_EMAIL, PASSWORD, signed_in_owner, text_of};
use support::setup::other_owner_and_location;

/// Where a read is made: a page (signed-in session) or the API (bearer token).
#[derive(Clone, Copy, Debug)]
enum Via {
    Page,
    Api,
}

/// One route that reads a patient's information, and the action its one entry must carry.
/// `{patient}` in the path stands for the patient's id.
struct PhiRead {
    via: Via,
    path: &'static str,
    action: &'static str,
}

const fn page(path: &'static str, action: &'static str) -> PhiRead {
    PhiRead {
        via: Via::Page,
        path,
        action,
    }
}

const fn api(path: &'static str, action: &'static str) -> PhiRead {
    PhiRead {
        via: Via::Api,
        path,
        action,
    }
}

/// Every route that reads a patient's record. Add one line for each new one (chart, note,
/// consent, printout, export).
const PHI_READS: &[PhiRead] = &[
    page("/patients/{patient}", "patient.viewed"),
    api("/api/v1/patients/{patient}", "patient.viewed"),
    page("/patients/{patient}/access", "access_log.viewed"),
    api("/api/v1/patients/{patient}/access", "access_log.viewed"),
    page("/patients/{patient}/consents", "consents.viewed"),
    api("/api/v1/patients/{patient}/consents", "consents.viewed"),
    page("/patients/{patient}/intake", "intake.viewed"),
    api("/api/v1/patients/{patient}/intakes", "intake.viewed"),
    api("/api/v1/patients/{patient}/flags", "intake.flags_viewed"),
    page("/patients/{patient}/chart", "chart.viewed"),
    api("/api/v1/patients/{patient}/notes", "chart.viewed"),
];

/// A clinic on Toronto's clock with its owner signed in on the in-process browser and
/// holding an API token, and one patient.
struct Clinic {
    app: App,
    browser: Browser,
    api: api_support::Clinic,
    staff: Staff,
    patient: PatientId,
}

fn patient_input(first: &str, email: &str) -> PatientInput {
    PatientInput {
        legal_first_name: Some(first.into()),
        legal_last_name: Some("Okafor".into()),
        email: Some(email.into()),
        ..PatientInput::default()
    }
}

fn reads_only(events: Vec<Event>) -> Vec<Event> {
    events
        .into_iter()
        .filter(|e| e.actor_kind != "system")
        .collect()
}

async fn clinic(db: &TestDb) -> Clinic {
    let (app, browser) = signed_in_owner(db).await;
    let staff = app
        .sign_in(OWNER_EMAIL, PASSWORD, "127.0.0.1")
        .await
        .unwrap()
        .staff;
    let toronto = LocationInput {
        name: Some("Annex".into()),
        province: Some("ON".into()),
        time_zone: Some("America/Toronto".into()),
        ..LocationInput::default()
    };
    app.create_location(&staff, &toronto).await.unwrap();
    let (_, _, token) = app
        .create_owner_token(None, "tests", Role::Owner)
        .await
        .unwrap();
    let router = knead_web::router(app.clone(), knead_web::WebConfig::default());
    let api = api_support::Clinic {
        router,
        app: app.clone(),
        token,
    };
    let patient = app
        .create_patient(&staff, &patient_input("Amara", "amara@example.com"))
        .await
        .unwrap()
        .id;
    Clinic {
        app,
        browser,
        api,
        staff,
        patient,
    }
}

async fn events(app: &App, clinic: &ClinicId) -> Vec<Event> {
    let mut conn = app.store().read().await.unwrap();
    let mut all = audit::list(&mut conn, clinic, None, 10_000).await.unwrap();
    all.reverse();
    all
}

/// The entries appended since `before` entries were there.
async fn new_events(app: &App, clinic: &ClinicId, before: usize) -> Vec<Event> {
    events(app, clinic).await.split_off(before)
}

async fn request(c: &mut Clinic, via: Via, path: &str) -> StatusCode {
    match via {
        Via::Page => c.browser.get(path).await.status,
        Via::Api => call(&c.api, Method::GET, path, None).await.0,
    }
}

async fn each_patient_read_records_exactly_one_entry(db: TestDb) {
    let mut c = clinic(&db).await;

    for read in PHI_READS {
        let before = events(&c.app, &c.staff.clinic_id).await.len();
        let path = read.path.replace("{patient}", c.patient.as_str());

        let status = request(&mut c, read.via, &path).await;

        // Set-up the first read makes for the clinic (seeding its default forms) is the
        // system's change, not a read: only the reads are counted.
        let added = reads_only(new_events(&c.app, &c.staff.clinic_id, before).await);
        let what = format!("{:?} {}", read.via, read.path);
        assert_eq!(status, StatusCode::OK, "{what}");
        assert_eq!(added.len(), 1, "{what}: {added:?}");
        assert_eq!(added[0].action, read.action, "{what}");
        assert_eq!(added[0].entity, "patient", "{what}");
        assert_eq!(added[0].entity_id, c.patient.as_str(), "{what}");
    }
}

async fn another_clinics_patient_is_404_and_recorded_in_the_askers_chain(db: TestDb) {
    let mut c = clinic(&db).await;
    let (other, _) = other_owner_and_location(&c.app).await;
    let theirs = c
        .app
        .create_patient(&other, &patient_input("Bea", "bea@example.com"))
        .await
        .unwrap()
        .id;
    let theirs_before = events(&c.app, &other.clinic_id).await.len();

    for read in PHI_READS {
        let before = events(&c.app, &c.staff.clinic_id).await.len();
        let path = read.path.replace("{patient}", theirs.as_str());

        let status = request(&mut c, read.via, &path).await;

        // Set-up the first read makes for the clinic (seeding its default forms) is the
        // system's change, not a read: only the reads are counted.
        let added = reads_only(new_events(&c.app, &c.staff.clinic_id, before).await);
        let what = format!("{:?} {}", read.via, read.path);
        assert_eq!(status, StatusCode::NOT_FOUND, "{what}");
        assert_eq!(added.len(), 1, "{what}: {added:?}");
        assert_eq!(added[0].action, "patient.missing_asked", "{what}");
        assert_eq!(added[0].entity_id, theirs.as_str(), "{what}");
        let detail: Value = serde_json::from_str(&added[0].detail).unwrap();
        // A page that looks the patient up before the part it shows names the record.
        let attempted = detail["attempted"].as_str().unwrap_or_default();
        assert!(
            attempted == read.action || attempted == "patient",
            "{what}: {attempted}"
        );
    }
    let theirs_after = events(&c.app, &other.clinic_id).await.len();
    assert_eq!(theirs_after, theirs_before);
}

async fn a_patient_list_records_ids_and_a_count_never_the_search(db: TestDb) {
    let mut c = clinic(&db).await;
    let before = events(&c.app, &c.staff.clinic_id).await.len();

    let page = c.browser.get("/patients?q=Amara").await;
    let (status, _) = call(&c.api, Method::GET, "/api/v1/patients?q=Okafor", None).await;

    // Set-up the first read makes for the clinic (seeding its default forms) is the
    // system's change, not a read: only the reads are counted.
    let added = reads_only(new_events(&c.app, &c.staff.clinic_id, before).await);
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(added.len(), 2, "{added:?}");
    for event in &added {
        assert_eq!(event.action, "patients.listed");
        let detail: Value = serde_json::from_str(&event.detail).unwrap();
        assert_eq!(detail["count"], 1);
        assert_eq!(detail["ids"][0], c.patient.as_str());
        assert!(!event.detail.contains("Amara") && !event.detail.contains("Okafor"));
    }
}

async fn the_access_log_shows_who_what_when_and_from_where(db: TestDb) {
    let mut c = clinic(&db).await;
    let viewed = c
        .browser
        .request("GET", &format!("/patients/{}", c.patient))
        .extension(ConnectInfo(SocketAddr::from(([203, 0, 113, 9], 5555))))
        .body(Body::empty())
        .unwrap();
    c.browser.send(viewed).await;
    c.browser.get("/patients?q=okafor").await;

    let log = c
        .browser
        .get(&format!("/patients/{}/access", c.patient))
        .await;

    assert_eq!(log.status, StatusCode::OK);
    let text = text_of(&log.body);
    assert!(text.contains("Maya Chen"), "{text}");
    assert!(text.contains("Viewed the patient's details"), "{text}");
    assert!(text.contains("203.0.113.9"), "{text}");
    assert!(text.contains("Listed or searched patients"), "{text}");
    assert!(text.contains("Created the patient"), "{text}");
    assert!(
        text.contains("2026-12-03 10:00"),
        "times on the clinic's clock: {text}"
    );
    assert!(text.contains("America/Toronto"), "{text}");
    // Newest first: the log's own viewing leads.
    let own = text.find("Viewed the patient's access log").unwrap();
    let created = text.find("Created the patient").unwrap();
    assert!(own < created);
}

async fn the_access_log_pages_without_gaps_or_repeats(db: TestDb) {
    let c = clinic(&db).await;
    for _ in 0..4 {
        c.app.view_patient(&c.staff, &c.patient).await.unwrap();
    }
    let path = format!("/api/v1/patients/{}/access?limit=2", c.patient);

    let (_, first) = call(&c.api, Method::GET, &path, None).await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let (_, second) = call(
        &c.api,
        Method::GET,
        &format!("{path}&cursor={cursor}"),
        None,
    )
    .await;

    let seqs = |v: &Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect()
    };
    let (a, b) = (seqs(&first), seqs(&second));
    assert_eq!(a.len(), 2);
    assert_eq!(b.len(), 2);
    assert!(a[0] > a[1] && a[1] > b[0] && b[0] > b[1], "{a:?} {b:?}");
    assert_eq!(first["items"][0]["action"], "access_log.viewed");
    assert_eq!(first["items"][0]["by"], "Maya Chen (API token tests)");
}

async fn the_audit_search_filters_by_staff_action_and_days(db: TestDb) {
    let mut c = clinic(&db).await;
    c.app.view_patient(&c.staff, &c.patient).await.unwrap();
    let owner = c.staff.user_id.to_string();

    let (status, viewed) = call(
        &c.api,
        Method::GET,
        &format!(
            "/api/v1/audit?action=patient.viewed&staff={owner}&from=2026-12-03&until=2026-12-03"
        ),
        None,
    )
    .await;
    let (_, other_day) = call(&c.api, Method::GET, "/api/v1/audit?from=2026-12-04", None).await;
    let page = c
        .browser
        .get(&format!(
            "/audit?patient={}&action=patient.created",
            c.patient
        ))
        .await;

    assert_eq!(status, StatusCode::OK);
    let items = viewed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{viewed}");
    assert_eq!(items[0]["entity_id"], c.patient.as_str());
    assert_eq!(items[0]["at"], "2026-12-03T10:00:00-05:00");
    assert_eq!(other_day["items"].as_array().unwrap().len(), 0);
    assert_eq!(page.status, StatusCode::OK);
    let text = text_of(&page.body);
    let table = &text[text.find("When Who What").expect("a results table")..];
    assert!(table.contains("Created the patient"), "{table}");
    assert!(!table.contains("Viewed the patient's details"), "{table}");
}

async fn a_bad_date_in_the_audit_search_is_named(db: TestDb) {
    let mut c = clinic(&db).await;

    let (status, body) = call(&c.api, Method::GET, "/api/v1/audit?from=yesterday", None).await;
    let page = c
        .browser
        .get("/audit?from=2026-12-05&until=2026-12-01")
        .await;

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["from"].is_string(), "{body}");
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&page.body).contains("must not be before the first day"));
}

async fn only_those_allowed_see_the_audit_trail(db: TestDb) {
    let c = clinic(&db).await;
    let (_, _, desk) = c
        .app
        .create_owner_token(None, "desk", Role::FrontDesk)
        .await
        .unwrap();
    let desk = api_support::Clinic {
        token: desk,
        ..c.api.clone()
    };
    let access = format!("/api/v1/patients/{}/access", c.patient);

    let (log, _) = call(&desk, Method::GET, &access, None).await;
    let (search, _) = call(&desk, Method::GET, "/api/v1/audit", None).await;
    let mut owner = c.browser;
    let home = owner.get("/").await;

    assert_eq!(log, StatusCode::FORBIDDEN);
    assert_eq!(search, StatusCode::FORBIDDEN);
    assert!(home.body.contains("href=\"/audit\""));
}

async fn the_chain_still_verifies_after_reads(db: TestDb) {
    let mut c = clinic(&db).await;
    for read in PHI_READS {
        let path = read.path.replace("{patient}", c.patient.as_str());
        request(&mut c, read.via, &path).await;
    }
    let mut conn = c.app.store().read().await.unwrap();

    let broken = audit::verify(&mut conn, &c.staff.clinic_id).await.unwrap();

    assert_eq!(broken, None);
}

on_both_backends!(
    each_patient_read_records_exactly_one_entry,
    another_clinics_patient_is_404_and_recorded_in_the_askers_chain,
    a_patient_list_records_ids_and_a_count_never_the_search,
    the_access_log_shows_who_what_when_and_from_where,
    the_access_log_pages_without_gaps_or_repeats,
    the_audit_search_filters_by_staff_action_and_days,
    a_bad_date_in_the_audit_search_is_named,
    only_those_allowed_see_the_audit_trail,
    the_chain_still_verifies_after_reads,
);
