//! The clinic the charting tests start from: a Toronto location, a practitioner whose
//! record carries a chosen email (that email's staff account is the treating practitioner),
//! a service, a patient and two visits booked with the practitioner (one this morning, one
//! two days ago), plus staff accounts and API tokens of any role.

// Each test binary uses part of this module.
#![allow(dead_code)]

use crate::support::api::{Clinic, call, first_clinic};
use axum::http::{Method, StatusCode};
use knead_app::{Clock, Staff, Via};
use knead_domain::Role;
use knead_domain::ids::UserId;
use knead_store::auth::{self, UserRecord};
use knead_testkit::TestDb;
use serde_json::{Value, json};

pub const OWNER_EMAIL: &str = "owner@harbour.example";
pub const OWNER_PASSWORD: &str = "a long enough password";

/// Thursday 2026-12-03 at 10:00 in Toronto.
pub fn clock() -> Clock {
    Clock::fixed("2026-12-03T15:00:00Z".parse().unwrap())
}

pub struct Chart {
    pub clinic: Clinic,
    pub patient: String,
    /// This morning's visit, 09:00 Toronto.
    pub visit: String,
    /// A visit on Tuesday 2026-12-01 at 09:00 Toronto, two days before "now".
    pub old_visit: String,
}

async fn id_of(clinic: &Clinic, path: &str, body: Value) -> String {
    let (status, created) = call(clinic, Method::POST, path, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {created}");
    created["id"].as_str().unwrap().to_owned()
}

/// The clinic, with the practitioner's record carrying `practitioner_email`.
pub async fn chart_clinic(db: &TestDb, practitioner_email: &str) -> Chart {
    let clinic = first_clinic(db, clock()).await;
    let place = json!({"name": "Annex", "province": "ON", "time_zone": "America/Toronto"});
    let location = id_of(&clinic, "/api/v1/locations", place).await;
    let therapist = json!({"name": "Léa Tremblay", "email": practitioner_email,
        "location_ids": [location]});
    let practitioner = id_of(&clinic, "/api/v1/practitioners", therapist).await;
    let massage = json!({"name": "Massage 60", "duration_minutes": 60, "price": "120",
        "practitioner_ids": [practitioner]});
    let service = id_of(&clinic, "/api/v1/services", massage).await;
    let person = json!({"legal_first_name": "Zoé", "legal_last_name": "Côté"});
    let patient = id_of(&clinic, "/api/v1/patients", person).await;
    let book = |start: &str| {
        json!({"patient_id": patient, "practitioner_id": practitioner, "service_id": service,
            "location_id": location, "start": start, "override_reason": "booked by phone"})
    };
    let visit = id_of(
        &clinic,
        "/api/v1/appointments",
        book("2026-12-03T09:00:00-05:00"),
    )
    .await;
    let old = book("2026-12-01T09:00:00-05:00");
    let old_visit = id_of(&clinic, "/api/v1/appointments", old).await;
    Chart {
        clinic,
        patient,
        visit,
        old_visit,
    }
}

/// The owner, signed in, for calling the app directly.
pub async fn owner(clinic: &Clinic) -> Staff {
    let signed = clinic
        .app
        .sign_in(OWNER_EMAIL, OWNER_PASSWORD, "127.0.0.1")
        .await;
    signed.unwrap().staff
}

/// Adds a staff account with `role` whose password is the owner's.
pub async fn add_staff(clinic: &Clinic, name: &str, email: &str, role: Role) -> UserId {
    let store = clinic.app.store();
    let mut conn = store.read().await.unwrap();
    let owner = auth::find_user_by_email(&mut conn, OWNER_EMAIL)
        .await
        .unwrap()
        .unwrap();
    let user = UserRecord {
        id: UserId::generate(),
        clinic_id: owner.clinic_id,
        email: email.to_owned(),
        name: name.to_owned(),
        role,
        password_hash: owner.password_hash,
        active: true,
    };
    auth::insert_user(&mut conn, &user, 1).await.unwrap();
    user.id
}

/// An API token acting for `user` with `role`. Only token managers make tokens, so the
/// token is made as though the user held that right; the token itself has only `role`.
pub async fn token_for(clinic: &Clinic, user: &UserId, role: Role) -> Clinic {
    let owner = owner(clinic).await;
    let maker = Staff {
        user_id: user.clone(),
        role: Role::Owner,
        via: Via::Session,
        ..owner
    };
    let (_, secret) = clinic
        .app
        .create_token(&maker, "charting tests", role)
        .await
        .unwrap();
    Clinic {
        token: secret,
        ..clinic.clone()
    }
}
