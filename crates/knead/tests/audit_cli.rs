//! `knead audit verify` as an operator runs it, on both backends: the built binary against a
//! database holding two clinics' chains. An intact chain passes; a row edited with SQL, a
//! deleted row and two rows swapped are each found, naming the clinic and the sequence number.

use knead_domain::ids::ClinicId;
use knead_domain::setup::ClinicInput;
use knead_store::audit::{self, Actor, NewEvent};
use knead_store::clinics::{self, ClinicRecord};
use knead_testkit::{TestDb, on_both_backends};
use std::process::Output;

async fn clinic_with_events(db: &TestDb, slug: &str, events: i64) -> ClinicId {
    let record = ClinicRecord {
        id: ClinicId::generate(),
        slug: slug.to_owned(),
        profile: ClinicInput {
            legal_name: Some(format!("{slug} Massage Inc.")),
            ..Default::default()
        }
        .parse()
        .unwrap(),
    };
    let actor = Actor::local("cli");
    let mut tx = db.store.write().await.unwrap();
    clinics::insert(&mut tx, &record, None, 1_700_000_000)
        .await
        .unwrap();
    for i in 0..events {
        let event = NewEvent {
            actor: &actor,
            action: "patient.viewed",
            entity: "patient",
            entity_id: &format!("p-{i}"),
            detail: "{}".into(),
        };
        audit::append(&mut tx, &record.id, event, 1_700_000_100 + i)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    record.id
}

fn verify(db: &TestDb, extra: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_knead"))
        .args(["--database", &db.url, "audit", "verify"])
        .args(extra)
        .env("KNEAD_LOG", "warn")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn sql(db: &TestDb, statement: &'static str) {
    let mut conn = db.store.read().await.unwrap();
    sqlx::query(statement).execute(&mut *conn).await.unwrap();
}

async fn intact_chains_pass_and_are_listed(db: TestDb) {
    clinic_with_events(&db, "annex", 3).await;
    clinic_with_events(&db, "beaches", 2).await;

    let all = verify(&db, &[]);
    let one = verify(&db, &["--clinic", "beaches"]);

    assert!(all.status.success(), "{}", text(&all.stderr));
    let out = text(&all.stdout);
    assert!(
        out.contains("clinic annex: 3 events, chain intact"),
        "{out}"
    );
    assert!(
        out.contains("clinic beaches: 2 events, chain intact"),
        "{out}"
    );
    assert!(out.contains("checked 2 clinic(s)"), "{out}");
    assert!(one.status.success());
    assert!(!text(&one.stdout).contains("annex"));
}

async fn an_edited_row_is_named(db: TestDb) {
    clinic_with_events(&db, "annex", 4).await;
    clinic_with_events(&db, "beaches", 4).await;
    sql(
        &db,
        "UPDATE audit_event SET entity_id = 'someone-else' WHERE seq = 3 \
         AND clinic_id = (SELECT id FROM clinic WHERE slug = 'beaches')",
    )
    .await;

    let out = verify(&db, &[]);

    assert!(!out.status.success());
    assert!(text(&out.stdout).contains("clinic annex: 4 events, chain intact"));
    let err = text(&out.stderr);
    assert!(
        err.contains("clinic 'beaches' is broken at sequence number 3"),
        "{err}"
    );
}

async fn a_deleted_row_is_named(db: TestDb) {
    clinic_with_events(&db, "annex", 4).await;
    sql(&db, "DELETE FROM audit_event WHERE seq = 2").await;

    let out = verify(&db, &["--clinic", "annex"]);

    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("clinic 'annex' is broken at sequence number 2"),
        "{err}"
    );
}

async fn a_row_deleted_from_the_end_is_found(db: TestDb) {
    clinic_with_events(&db, "annex", 4).await;
    sql(&db, "DELETE FROM audit_event WHERE seq = 4").await;

    let out = verify(&db, &[]);

    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("clinic 'annex' is broken at sequence number 4"),
        "{err}"
    );
}

async fn reordered_rows_are_named(db: TestDb) {
    clinic_with_events(&db, "annex", 4).await;
    sql(&db, "UPDATE audit_event SET seq = -2 WHERE seq = 2").await;
    sql(&db, "UPDATE audit_event SET seq = 2 WHERE seq = 3").await;
    sql(&db, "UPDATE audit_event SET seq = 3 WHERE seq = -2").await;

    let out = verify(&db, &[]);

    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("clinic 'annex' is broken at sequence number 2"),
        "{err}"
    );
}

on_both_backends!(
    intact_chains_pass_and_are_listed,
    an_edited_row_is_named,
    a_deleted_row_is_named,
    a_row_deleted_from_the_end_is_found,
    reordered_rows_are_named,
);
