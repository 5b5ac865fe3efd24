//! The demo clinic, made on SQLite and PostgreSQL with "now" pinned: what a newcomer sees
//! must look like a clinic, keep every scheduling rule, and never overwrite a real one.

use knead_app::PageRequest;
use knead_app::scheduling::{AppointmentQuery, AvailabilityQuery};
use knead_app::{App, AppError, Clock, Staff};
use knead_domain::appointment::Status;
use knead_testkit::{TestDb, on_both_backends};
use std::collections::BTreeSet;

/// Thursday 2026-12-03, 10:00 in Toronto.
fn clock() -> Clock {
    Clock::fixed("2026-12-03T15:00:00Z".parse().unwrap())
}

fn all() -> PageRequest {
    PageRequest {
        limit: 500,
        after: None,
    }
}

/// The owner, signed in with the password the demo printed.
async fn owner(app: &App, email: &str, password: &str) -> Staff {
    let signed_in = app.sign_in(email, password, "127.0.0.1").await.unwrap();
    signed_in.staff
}

async fn the_demo_is_a_believable_clinic_with_open_time_ahead(db: TestDb) {
    let app = App::new(db.store.clone(), clock());

    let demo = app.create_demo_clinic(7).await.unwrap();

    let staff = owner(&app, &demo.owner_email, &demo.owner_password).await;
    let locations = app.locations(&staff, &all()).await.unwrap().items;
    let zones: BTreeSet<&str> = locations
        .iter()
        .map(|l| l.fields.time_zone.as_str())
        .collect();
    assert!(zones.contains("America/Toronto"), "zones: {zones:?}");
    assert!(
        zones.len() >= 2,
        "a second location in another zone: {zones:?}"
    );
    let therapists = app.practitioners(&staff, &all()).await.unwrap().items;
    assert!(
        (4..=6).contains(&therapists.len()),
        "{} therapists",
        therapists.len()
    );
    let services = app.services(&staff, &all()).await.unwrap().items;
    let lengths: BTreeSet<i64> = services.iter().map(|s| s.fields.duration_minutes).collect();
    for minutes in [30, 45, 60, 90] {
        assert!(
            lengths.contains(&minutes),
            "no {minutes}-minute service: {lengths:?}"
        );
    }
    let names: Vec<String> = services
        .iter()
        .map(|s| s.fields.name.to_lowercase())
        .collect();
    assert!(names.iter().any(|n| n.contains("hot stone")), "{names:?}");
    assert!(names.iter().any(|n| n.contains("prenatal")), "{names:?}");
    assert!(
        (200..=500).contains(&demo.patients),
        "{} patients",
        demo.patients
    );

    for status in Status::ALL {
        let count = demo
            .past
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |p| p.1);
        if !matches!(status, Status::Booked | Status::Arrived) {
            assert!(count > 0, "no past appointment is {}", status.as_str());
        }
    }
    assert!(demo.upcoming > 50, "{} upcoming", demo.upcoming);
    assert!(demo.series > 0);

    let toronto = locations
        .iter()
        .find(|l| l.fields.time_zone.as_str() == "America/Toronto")
        .unwrap();
    let next_week = AvailabilityQuery {
        service_id: Some(services[0].id.to_string()),
        location_id: Some(toronto.id.to_string()),
        practitioner_id: None,
        from: Some("2026-12-07".into()),
        to: Some("2026-12-11".into()),
    };
    let open = app.availability(&staff, &next_week).await.unwrap();
    assert!(!open.is_empty(), "next week has open slots");
    let booked = AppointmentQuery {
        location_id: Some(toronto.id.to_string()),
        from: Some("2026-12-07".into()),
        to: Some("2026-12-11".into()),
        ..AppointmentQuery::default()
    };
    let week = app.appointments(&staff, &booked).await.unwrap();
    assert!(
        week.len() > 10,
        "next week at Toronto has {} bookings",
        week.len()
    );
}

async fn patient_names_include_french_accents(db: TestDb) {
    let app = App::new(db.store.clone(), clock());

    let demo = app.create_demo_clinic(11).await.unwrap();

    let staff = owner(&app, &demo.owner_email, &demo.owner_password).await;
    let page = app.patients(&staff, "", &all()).await.unwrap();
    let accented = page
        .items
        .iter()
        .filter(|p| {
            let name = format!("{} {}", p.fields.legal_first_name, p.fields.legal_last_name);
            name.chars().any(|c| "éèêëàâçîïôûùÉÈÇ".contains(c))
        })
        .count();
    assert!(
        accented >= 10,
        "{accented} accented names among the first 500"
    );
}

async fn the_demo_refuses_a_database_that_already_holds_a_clinic(db: TestDb) {
    let app = App::new(db.store.clone(), clock());
    let first = app.create_demo_clinic(3).await.unwrap();
    let staff = owner(&app, &first.owner_email, &first.owner_password).await;
    let before = app.patients(&staff, "", &all()).await.unwrap().items.len();

    let again = app.create_demo_clinic(4).await;

    match again {
        Err(AppError::Conflict { code, .. }) => assert_eq!(code, "already_set_up"),
        other => panic!("expected already_set_up, got {other:?}"),
    }
    let after = app.patients(&staff, "", &all()).await.unwrap().items.len();
    assert_eq!(before, after, "nothing was added");
    assert_eq!(app.all_clinics().await.unwrap().len(), 1);
}

on_both_backends!(
    the_demo_is_a_believable_clinic_with_open_time_ahead,
    patient_names_include_french_accents,
    the_demo_refuses_a_database_that_already_holds_a_clinic,
);
