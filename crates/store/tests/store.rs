//! Store behaviour that must hold on SQLite and PostgreSQL alike.

use knead_domain::Role;
use knead_domain::ids::{ClinicId, LocationId, PatientId, RoomId, UserId};
use knead_domain::setup::{ClinicInput, LocationInput, PatientInput, RoomFields};
use knead_store::audit::{self, Actor, NewEvent};
use knead_store::auth::{self, UserRecord};
use knead_store::clinics::{self, ClinicRecord};
use knead_store::{PageRequest, StoreError, patients, setup};
use knead_testkit::{TestDb, on_both_backends};

async fn clinic(db: &TestDb, slug: &str) -> ClinicId {
    let profile = ClinicInput {
        legal_name: Some(format!("{slug} Inc.")),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let record = ClinicRecord {
        id: ClinicId::generate(),
        slug: slug.to_owned(),
        profile,
    };
    let mut conn = db.store.read().await.unwrap();
    clinics::insert(&mut conn, &record, None, 1_700_000_000)
        .await
        .unwrap();
    record.id
}

fn location_fields() -> knead_domain::setup::LocationFields {
    LocationInput {
        name: Some("Annex".into()),
        province: Some("ON".into()),
        time_zone: Some("America/Toronto".into()),
        ..Default::default()
    }
    .parse()
    .unwrap()
}

async fn a_taken_slug_is_a_unique_error_naming_the_slug(db: TestDb) {
    clinic(&db, "harbour").await;
    let profile = ClinicInput {
        legal_name: Some("Other".into()),
        ..Default::default()
    }
    .parse()
    .unwrap();
    let again = ClinicRecord {
        id: ClinicId::generate(),
        slug: "harbour".into(),
        profile,
    };

    let mut conn = db.store.read().await.unwrap();
    let error = clinics::insert(&mut conn, &again, None, 1)
        .await
        .unwrap_err();

    assert!(error.is_unique_on("slug"), "{error:?}");
}

async fn rows_of_one_clinic_are_invisible_to_another(db: TestDb) {
    let a = clinic(&db, "a").await;
    let b = clinic(&db, "b").await;
    let id = LocationId::generate();
    let mut conn = db.store.read().await.unwrap();
    setup::insert_location(&mut conn, &a, &id, &location_fields(), 1)
        .await
        .unwrap();

    let seen_by_b = setup::get_location(&mut conn, &b, &id).await.unwrap();
    let listed_by_b = setup::list_locations(
        &mut conn,
        &b,
        &PageRequest {
            limit: 50,
            after: None,
        },
    )
    .await
    .unwrap();
    let updated_by_b = setup::update_location(&mut conn, &b, &id, &location_fields(), 2)
        .await
        .unwrap();

    assert!(seen_by_b.is_none());
    assert!(listed_by_b.items.is_empty());
    assert!(!updated_by_b);
}

async fn a_room_cannot_point_at_another_clinics_location(db: TestDb) {
    let a = clinic(&db, "a").await;
    let b = clinic(&db, "b").await;
    let location = LocationId::generate();
    let mut conn = db.store.read().await.unwrap();
    setup::insert_location(&mut conn, &a, &location, &location_fields(), 1)
        .await
        .unwrap();
    let room = RoomFields {
        name: "Room 1".into(),
        active: true,
    };

    let error = setup::insert_room(&mut conn, &b, &location, &RoomId::generate(), &room)
        .await
        .unwrap_err();

    assert!(matches!(error, StoreError::ForeignKey { .. }), "{error:?}");
}

async fn pages_follow_the_cursor_without_gaps_or_repeats(db: TestDb) {
    let a = clinic(&db, "a").await;
    let mut conn = db.store.read().await.unwrap();
    let mut made = Vec::new();
    for _ in 0..5 {
        let id = LocationId::generate();
        setup::insert_location(&mut conn, &a, &id, &location_fields(), 1)
            .await
            .unwrap();
        made.push(id);
    }

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = setup::list_locations(&mut conn, &a, &PageRequest { limit: 2, after })
            .await
            .unwrap();
        seen.extend(page.items.into_iter().map(|l| l.id));
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }

    assert_eq!(seen, made);
}

async fn the_audit_chain_verifies_and_detects_tampering(db: TestDb) {
    let a = clinic(&db, "a").await;
    let actor = Actor::local("cli");
    let mut tx = db.store.write().await.unwrap();
    for i in 0..3 {
        let event = NewEvent {
            actor: &actor,
            action: "location.created",
            entity: "location",
            entity_id: &format!("loc-{i}"),
            detail: "{}".into(),
        };
        audit::append(&mut tx, &a, event, 100 + i).await.unwrap();
    }
    tx.commit().await.unwrap();
    let mut conn = db.store.read().await.unwrap();

    let intact = audit::verify(&mut conn, &a).await.unwrap();
    sqlx::query("UPDATE audit_event SET entity_id = 'forged' WHERE seq = 2")
        .execute(&mut *conn)
        .await
        .unwrap();
    let tampered = audit::verify(&mut conn, &a).await.unwrap();

    assert_eq!(intact, None);
    assert_eq!(tampered, Some(2));
}

async fn append_as(db: &TestDb, clinic: &ClinicId, actor: &Actor, at: i64) {
    let mut tx = db.store.write().await.unwrap();
    let event = NewEvent {
        actor,
        action: "patient.viewed",
        entity: "patient",
        entity_id: "p-1",
        detail: "{}".into(),
    };
    audit::append(&mut tx, clinic, event, at).await.unwrap();
    tx.commit().await.unwrap();
}

async fn addresses_join_the_chain_without_breaking_older_events(db: TestDb) {
    let a = clinic(&db, "a").await;
    let before = Actor::local("cli");
    let after = Actor {
        kind: "user",
        id: Some("u-1".into()),
        address: Some("203.0.113.7".into()),
    };
    append_as(&db, &a, &before, 100).await;
    append_as(&db, &a, &after, 101).await;
    let mut conn = db.store.read().await.unwrap();

    let intact = audit::verify(&mut conn, &a).await.unwrap();
    let stored = audit::list(&mut conn, &a, None, 10).await.unwrap();
    sqlx::query("UPDATE audit_event SET actor_address = '198.51.100.1' WHERE seq = 2")
        .execute(&mut *conn)
        .await
        .unwrap();
    let readdressed = audit::verify(&mut conn, &a).await.unwrap();
    sqlx::query("UPDATE audit_event SET actor_address = NULL WHERE seq = 2")
        .execute(&mut *conn)
        .await
        .unwrap();
    let unaddressed = audit::verify(&mut conn, &a).await.unwrap();

    assert_eq!(intact, None);
    let addresses: Vec<_> = stored.iter().map(|e| e.actor_address.as_deref()).collect();
    assert_eq!(addresses, vec![Some("203.0.113.7"), None]);
    assert_eq!(readdressed, Some(2));
    assert_eq!(unaddressed, Some(2));
}

async fn an_address_added_to_an_older_event_breaks_the_chain(db: TestDb) {
    let a = clinic(&db, "a").await;
    append_as(&db, &a, &Actor::local("cli"), 100).await;
    let mut conn = db.store.read().await.unwrap();

    sqlx::query("UPDATE audit_event SET actor_address = '192.0.2.1' WHERE seq = 1")
        .execute(&mut *conn)
        .await
        .unwrap();
    let forged = audit::verify(&mut conn, &a).await.unwrap();

    assert_eq!(forged, Some(1));
}

async fn a_rolled_back_write_leaves_nothing_behind(db: TestDb) {
    let a = clinic(&db, "a").await;
    let id = LocationId::generate();

    let mut tx = db.store.write().await.unwrap();
    setup::insert_location(&mut tx, &a, &id, &location_fields(), 1)
        .await
        .unwrap();
    tx.rollback().await.unwrap();

    let mut conn = db.store.read().await.unwrap();
    assert!(
        setup::get_location(&mut conn, &a, &id)
            .await
            .unwrap()
            .is_none()
    );
}

async fn an_email_signs_in_to_one_account_on_the_whole_host(db: TestDb) {
    let a = clinic(&db, "a").await;
    let b = clinic(&db, "b").await;
    let user = |clinic: &ClinicId| UserRecord {
        id: UserId::generate(),
        clinic_id: clinic.clone(),
        email: "owner@example.ca".into(),
        name: "Owner".into(),
        role: Role::Owner,
        password_hash: "x".into(),
        active: true,
    };
    let mut conn = db.store.read().await.unwrap();
    auth::insert_user(&mut conn, &user(&a), 1).await.unwrap();

    let error = auth::insert_user(&mut conn, &user(&b), 1)
        .await
        .unwrap_err();

    assert!(error.is_unique_on("email"), "{error:?}");
}

async fn patients_fetched_together_are_only_the_clinics_own(db: TestDb) {
    let a = clinic(&db, "a").await;
    let b = clinic(&db, "b").await;
    let mut conn = db.store.read().await.unwrap();
    let mut add = async |clinic: &ClinicId, first: &str| {
        let fields = PatientInput {
            legal_first_name: Some(first.into()),
            legal_last_name: Some("Lévesque".into()),
            ..Default::default()
        }
        .parse(jiff::civil::date(2026, 12, 3))
        .unwrap();
        let id = PatientId::generate();
        patients::insert(&mut conn, clinic, &id, &fields, first, 1)
            .await
            .unwrap();
        id
    };
    let mine = [add(&a, "Anne").await, add(&a, "Benoît").await];
    let theirs = add(&b, "Chloé").await;
    let unknown = PatientId::generate();

    let asked = [mine[0].clone(), theirs, mine[1].clone(), unknown];
    let mut found: Vec<String> = patients::get_many(&mut conn, &a, &asked)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.fields.legal_first_name)
        .collect();
    found.sort();
    let none = patients::get_many(&mut conn, &a, &[]).await.unwrap();

    assert_eq!(found, ["Anne", "Benoît"]);
    assert!(none.is_empty());
}

on_both_backends!(
    patients_fetched_together_are_only_the_clinics_own,
    a_taken_slug_is_a_unique_error_naming_the_slug,
    rows_of_one_clinic_are_invisible_to_another,
    a_room_cannot_point_at_another_clinics_location,
    pages_follow_the_cursor_without_gaps_or_repeats,
    the_audit_chain_verifies_and_detects_tampering,
    addresses_join_the_chain_without_breaking_older_events,
    an_address_added_to_an_older_event_breaks_the_chain,
    a_rolled_back_write_leaves_nothing_behind,
    an_email_signs_in_to_one_account_on_the_whole_host,
);
