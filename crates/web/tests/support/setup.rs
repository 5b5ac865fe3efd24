//! The clinic the schedule's setup page tests start from: one Toronto location, one
//! practitioner and a 60-minute service, its owner signed in on the in-process browser; the
//! open slots it offers; weekly hours posted through their page; appointments booked at the
//! desk; and a second clinic whose ids the first must never reach.

use super::pages::*;
use axum::http::StatusCode;
use knead_app::auth::OwnerSignup;
use knead_app::scheduling::AvailabilityQuery;
use knead_app::{App, Staff};
use knead_domain::appointment::Source;
use knead_domain::booking::{AppointmentView, BookingInput};
use knead_domain::ids::{LocationId, PractitionerId};
use knead_domain::setup::{LocationInput, PatientInput, PractitionerInput, ServiceInput};
use knead_testkit::TestDb;

/// A clinic with one Toronto location, one practitioner working there (no hours yet) and a
/// 60-minute service, its owner signed in on the browser.
pub struct Clinic {
    pub app: App,
    pub browser: Browser,
    pub staff: Staff,
    pub location: String,
    pub practitioner: String,
    pub service: String,
}

pub async fn clinic(db: &TestDb) -> Clinic {
    let (app, mut browser) = signed_in_owner(db).await;
    let location = add_location(&mut browser, "Annex").await;
    let staff = app
        .sign_in(OWNER_EMAIL, PASSWORD, "127.0.0.1")
        .await
        .unwrap()
        .staff;
    let practitioner = PractitionerInput {
        name: Some("Léa Tremblay".into()),
        location_ids: vec![location.clone()],
        ..PractitionerInput::default()
    };
    let practitioner = app
        .create_practitioner(&staff, &practitioner)
        .await
        .unwrap();
    let service = ServiceInput {
        name: Some("Massage 60".into()),
        duration_minutes: Some("60".into()),
        price: Some("120".into()),
        tax_code: Some("exempt".into()),
        ..ServiceInput::default()
    };
    let service = app.create_service(&staff, &service).await.unwrap();
    Clinic {
        app,
        browser,
        staff,
        location,
        practitioner: practitioner.id.to_string(),
        service: service.id.to_string(),
    }
}

impl Clinic {
    /// The open slots' starts on one local date, as RFC 3339 with the location's offset.
    pub async fn slots(&self, date: &str) -> Vec<String> {
        let query = AvailabilityQuery {
            service_id: Some(self.service.clone()),
            location_id: Some(self.location.clone()),
            practitioner_id: None,
            from: Some(date.into()),
            to: Some(date.into()),
        };
        let slots = self.app.availability(&self.staff, &query).await.unwrap();
        slots.into_iter().map(|s| s.start_text).collect()
    }

    pub fn hours_path(&self) -> String {
        format!(
            "/schedule/hours?practitioner={}&location={}",
            self.practitioner, self.location
        )
    }

    /// Posts the hours form with `rows` (`monday[0].start`, ...) for the location.
    pub async fn post_hours(&mut self, location: &str, rows: &[(&str, &str)]) -> Reply {
        let path = self.hours_path();
        self.browser.get(&path).await;
        let mut fields = vec![
            ("practitioner_id", self.practitioner.as_str()),
            ("location_id", location),
            ("rows", "3"),
            ("action", "save"),
        ];
        fields.extend_from_slice(rows);
        self.browser.post("/schedule/hours", &fields).await
    }

    /// Books a new patient `first last` with the practitioner at local `start` from the
    /// desk, outside the hours if need be.
    pub async fn book(&self, first: &str, last: &str, start: &str) -> AppointmentView {
        let patient = PatientInput {
            legal_first_name: Some(first.into()),
            legal_last_name: Some(last.into()),
            ..PatientInput::default()
        };
        let patient = self
            .app
            .create_patient(&self.staff, &patient)
            .await
            .unwrap();
        let input = BookingInput {
            patient_id: Some(patient.id.to_string()),
            practitioner_id: Some(self.practitioner.clone()),
            service_id: Some(self.service.clone()),
            location_id: Some(self.location.clone()),
            start: Some(start.into()),
            override_reason: Some("booked by phone".into()),
            ..BookingInput::default()
        };
        let booked = self.app.book(&self.staff, &input, Source::Desk).await;
        booked.unwrap()
    }

    /// Weekdays 09:00-12:00 and 13:00-17:00.
    pub async fn weekday_hours(&mut self) {
        let mut rows = Vec::new();
        for day in ["monday", "tuesday", "wednesday", "thursday", "friday"] {
            rows.push((format!("{day}[0].start"), "09:00"));
            rows.push((format!("{day}[0].end"), "12:00"));
            rows.push((format!("{day}[1].start"), "13:00"));
            rows.push((format!("{day}[1].end"), "17:00"));
        }
        let rows: Vec<(&str, &str)> = rows.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let location = self.location.clone();
        let reply = self.post_hours(&location, &rows).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    }
}

/// Another clinic, its owner and its one location (in Halifax).
pub async fn other_owner_and_location(app: &App) -> (Staff, LocationId) {
    let (_, secret) = app.create_clinic("Harbour Wellness").await.unwrap();
    let signup = OwnerSignup {
        owner_name: "Sam Roy".into(),
        email: "sam@harbour.example".into(),
        password: PASSWORD.into(),
        ..OwnerSignup::default()
    };
    let owner = app.finish_setup(&secret, &signup).await.unwrap().staff;
    let location = LocationInput {
        name: Some("Harbour".into()),
        province: Some("NS".into()),
        time_zone: Some("America/Halifax".into()),
        ..LocationInput::default()
    };
    let location = app.create_location(&owner, &location).await.unwrap();
    (owner, location.id)
}

/// Another clinic with its own location and practitioner.
pub async fn second_clinic(app: &App) -> (Staff, LocationId, PractitionerId) {
    let (owner, location) = other_owner_and_location(app).await;
    let practitioner = PractitionerInput {
        name: Some("Ines Haddad".into()),
        location_ids: vec![location.to_string()],
        ..PractitionerInput::default()
    };
    let practitioner = app
        .create_practitioner(&owner, &practitioner)
        .await
        .unwrap();
    (owner, location, practitioner.id)
}
