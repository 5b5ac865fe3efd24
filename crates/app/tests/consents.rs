//! Consents, wordings and the lockbox on SQLite and PostgreSQL: a new wording version leaves
//! consents on the old one, a withdrawal keeps the history, a lockbox block keeps out the named
//! person and no one else, CASL answers from the stored history, and every change is audited.

use jiff::civil::date;
use knead_app::auth::OwnerSignup;
use knead_app::{App, AppError, Clock, Staff, Via};
use knead_domain::Role;
use knead_domain::casl::{Channel, Decision};
use knead_domain::consent::{
    ConsentInput, ConsentRulesInput, EndingInput, Kind, LockboxInput, RecordPart, State,
};
use knead_domain::ids::{PatientId, UserId};
use knead_domain::setup::PatientInput;
use knead_store::auth::{UserRecord, insert_user};
use knead_testkit::{TestDb, on_both_backends};

/// Thursday 2026-12-03, 10:00 in Toronto.
fn clock() -> Clock {
    Clock::fixed("2026-12-03T15:00:00Z".parse().unwrap())
}

struct Clinic {
    app: App,
    owner: Staff,
    patient: PatientId,
}

async fn clinic(db: &TestDb) -> Clinic {
    let app = App::new(db.store.clone(), clock());
    let signup = OwnerSignup {
        clinic_name: "Birchwood Massage".into(),
        owner_name: "Rosa Lindqvist".into(),
        email: "rosa@birchwood.example".into(),
        password: "a long enough password".into(),
        password_confirm: None,
    };
    let owner = app.first_setup(&signup).await.unwrap().staff;
    let patient = PatientInput {
        legal_first_name: Some("Tomas".into()),
        legal_last_name: Some("Ferreira".into()),
        ..PatientInput::default()
    };
    let patient = app.create_patient(&owner, &patient).await.unwrap().id;
    Clinic {
        app,
        owner,
        patient,
    }
}

/// Adds a staff member straight into the store (staff management is not built yet).
async fn colleague(db: &TestDb, owner: &Staff, name: &str, role: Role) -> Staff {
    let user = UserRecord {
        id: UserId::generate(),
        clinic_id: owner.clinic_id.clone(),
        email: format!(
            "{}@birchwood.example",
            name.to_lowercase().replace(' ', ".")
        ),
        name: name.into(),
        role,
        password_hash: "not a real hash".into(),
        active: true,
    };
    let mut conn = db.store.pool().acquire().await.unwrap();
    insert_user(&mut conn, &user, 0).await.unwrap();
    Staff {
        clinic_id: owner.clinic_id.clone(),
        user_id: user.id,
        name: name.into(),
        role,
        via: Via::Session,
        address: None,
        permissions: knead_domain::permissions::PermissionSet::defaults(role),
    }
}

fn verbal_treatment() -> ConsentInput {
    ConsentInput {
        kind: Some("treatment".into()),
        method: Some("verbal".into()),
        witness: Some("Ines Park".into()),
        given_on: Some("2026-12-01".into()),
        ..ConsentInput::default()
    }
}

async fn actions(app: &App, staff: &Staff) -> Vec<String> {
    let mut conn = app.store().pool().acquire().await.unwrap();
    knead_store::audit::list(&mut conn, &staff.clinic_id, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

async fn a_new_wording_version_leaves_given_consents_on_theirs(db: TestDb) {
    let c = clinic(&db).await;
    let first = c
        .app
        .record_consent(&c.owner, &c.patient, &verbal_treatment())
        .await
        .unwrap();

    let revised = c
        .app
        .revise_consent_wording(&c.owner, "treatment", "Our own treatment consent text.")
        .await
        .unwrap();
    let second = c
        .app
        .record_consent(&c.owner, &c.patient, &verbal_treatment())
        .await
        .unwrap();

    assert_eq!(first.wording_version, 1);
    assert_eq!((revised.version, revised.is_default), (2, false));
    assert_eq!(second.wording_version, 2);
    let versions = c
        .app
        .consent_wording_versions(&c.owner, Kind::Treatment)
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions[1].is_default);
    let view = c.app.patient_consents(&c.owner, &c.patient).await.unwrap();
    let kept = view.consents.iter().find(|x| x.id == first.id).unwrap();
    assert_eq!(kept.wording_id, versions[1].id);
    assert_eq!(kept.evidence.witness.as_deref(), Some("Ines Park"));
}

async fn a_form_showing_a_replaced_wording_is_refused(db: TestDb) {
    let c = clinic(&db).await;
    let shown = c.app.consent_wordings(&c.owner).await.unwrap();
    let old = shown.iter().find(|w| w.kind == Kind::Treatment).unwrap();
    c.app
        .revise_consent_wording(&c.owner, "treatment", "Newer text.")
        .await
        .unwrap();

    let input = ConsentInput {
        wording_id: Some(old.id.clone()),
        ..verbal_treatment()
    };
    let refused = c.app.record_consent(&c.owner, &c.patient, &input).await;

    let Err(AppError::Invalid(errors)) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert!(errors.get("wording_id").unwrap().contains("version 2"));
    let view = c.app.patient_consents(&c.owner, &c.patient).await.unwrap();
    assert!(view.consents.is_empty());
}

async fn a_withdrawal_ends_the_consent_and_keeps_its_history(db: TestDb) {
    let c = clinic(&db).await;
    let given = c
        .app
        .record_consent(&c.owner, &c.patient, &verbal_treatment())
        .await
        .unwrap();
    let withdrawal = EndingInput {
        on: Some("2026-12-02".into()),
        method: Some("signed_on_screen".into()),
        reason: Some("prefers another clinic".into()),
        ..EndingInput::default()
    };

    c.app
        .withdraw_consent(&c.owner, &c.patient, &given.id, &withdrawal)
        .await
        .unwrap();
    let again = c
        .app
        .withdraw_consent(&c.owner, &c.patient, &given.id, &withdrawal)
        .await;

    assert!(matches!(again, Err(AppError::Conflict { .. })));
    let view = c.app.patient_consents(&c.owner, &c.patient).await.unwrap();
    assert_eq!(view.consents.len(), 1);
    let kept = &view.consents[0];
    assert_eq!(kept.state(view.today), State::Withdrawn);
    assert_eq!(kept.evidence.witness.as_deref(), Some("Ines Park"));
    let ended = kept.withdrawal.as_ref().unwrap();
    assert_eq!(ended.on, date(2026, 12, 2));
    assert_eq!(ended.recorded_by, c.owner.user_id.to_string());
    let log = actions(&c.app, &c.owner).await;
    assert_eq!(log.iter().filter(|a| *a == "consent.withdrawn").count(), 1);
    assert!(log.contains(&"consent.given".to_owned()));
    assert!(log.contains(&"consents.viewed".to_owned()));
}

async fn a_withdrawal_before_the_consent_was_given_is_refused(db: TestDb) {
    let c = clinic(&db).await;
    let given = c
        .app
        .record_consent(&c.owner, &c.patient, &verbal_treatment())
        .await
        .unwrap();
    let withdrawal = EndingInput {
        on: Some("2026-11-30".into()),
        method: Some("verbal".into()),
        ..EndingInput::default()
    };

    let refused = c
        .app
        .withdraw_consent(&c.owner, &c.patient, &given.id, &withdrawal)
        .await;

    let Err(AppError::Invalid(errors)) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert!(
        errors
            .get("on")
            .unwrap()
            .contains("before the day it was given")
    );
    assert_eq!(
        errors.get("witness"),
        Some("is required for verbal consent")
    );
    let still = c
        .app
        .consent(&c.owner, &c.patient, &given.id)
        .await
        .unwrap();
    assert!(still.withdrawal.is_none());
}

async fn a_lockbox_block_keeps_out_the_named_person_and_no_one_else(db: TestDb) {
    let c = clinic(&db).await;
    let ana = colleague(&db, &c.owner, "Ana Sousa", Role::Practitioner).await;
    let ben = colleague(&db, &c.owner, "Ben Okoro", Role::Practitioner).await;
    let input = LockboxInput {
        item: Some("health_history".into()),
        target: Some("staff".into()),
        target_user_id: Some(ana.user_id.to_string()),
        method: Some("paper_scanned".into()),
        document_ref: Some("Binder B, page 12".into()),
        given_on: Some("2026-12-03".into()),
        ..LockboxInput::default()
    };

    let block = c
        .app
        .add_lockbox_block(&c.owner, &c.patient, &input)
        .await
        .unwrap();

    let history = RecordPart::HealthHistory;
    assert!(
        c.app
            .is_blocked_for(&ana, &c.patient, &history)
            .await
            .unwrap()
    );
    assert!(
        !c.app
            .is_blocked_for(&ben, &c.patient, &history)
            .await
            .unwrap()
    );
    assert!(
        !c.app
            .is_blocked_for(&ana, &c.patient, &RecordPart::Note("n1"))
            .await
            .unwrap()
    );
    let lift = EndingInput {
        on: Some("2026-12-03".into()),
        method: Some("verbal".into()),
        witness: Some("Ben Okoro".into()),
        ..EndingInput::default()
    };
    c.app
        .lift_lockbox_block(&c.owner, &c.patient, &block.id, &lift)
        .await
        .unwrap();
    assert!(
        !c.app
            .is_blocked_for(&ana, &c.patient, &history)
            .await
            .unwrap()
    );
    let view = c.app.patient_consents(&c.owner, &c.patient).await.unwrap();
    assert_eq!(view.lockbox.len(), 1, "the lifted block stays on record");
    let log = actions(&c.app, &c.owner).await;
    assert!(log.contains(&"lockbox.added".to_owned()));
    assert!(log.contains(&"lockbox.lifted".to_owned()));
}

async fn a_block_cannot_name_another_clinics_staff(db: TestDb) {
    let c = clinic(&db).await;
    let (other, secret) = c.app.create_clinic("Elsewhere Spa").await.unwrap();
    let signup = OwnerSignup {
        owner_name: "Kai Moreau".into(),
        email: "kai@elsewhere.example".into(),
        password: "another long password".into(),
        ..OwnerSignup::default()
    };
    let stranger = c.app.finish_setup(&secret, &signup).await.unwrap().staff;
    let input = LockboxInput {
        item: Some("whole_record".into()),
        target: Some("staff".into()),
        target_user_id: Some(stranger.user_id.to_string()),
        method: Some("signed_on_screen".into()),
        given_on: Some("2026-12-03".into()),
        ..LockboxInput::default()
    };

    let refused = c.app.add_lockbox_block(&c.owner, &c.patient, &input).await;
    let foreign = c.app.patient_consents(&stranger, &c.patient).await;

    let Err(AppError::Invalid(errors)) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert!(errors.get("target_user_id").is_some());
    assert!(matches!(foreign, Err(AppError::NotFound)), "{}", other.slug);
}

async fn commercial_email_follows_the_stored_history_and_clinic_periods(db: TestDb) {
    let c = clinic(&db).await;
    let rules = ConsentRulesInput {
        purchase_months: Some("12".into()),
        inquiry_months: Some("6".into()),
        sensitive_areas: vec!["Glutes".into()],
    };
    c.app.save_consent_rules(&c.owner, &rules).await.unwrap();
    let implied = ConsentInput {
        kind: Some("messages".into()),
        channel: Some("email".into()),
        basis: Some("purchase".into()),
        method: Some("signed_on_screen".into()),
        given_on: Some("2026-01-15".into()),
        ..ConsentInput::default()
    };

    let consent = c
        .app
        .record_consent(&c.owner, &c.patient, &implied)
        .await
        .unwrap();
    let ask = |on| {
        c.app
            .may_send_commercial(&c.owner.clinic_id, &c.patient, Channel::Email, on)
    };

    assert_eq!(consent.expires_on, Some(date(2027, 1, 15)));
    assert!(ask(date(2027, 1, 15)).await.unwrap().allowed());
    assert_eq!(
        ask(date(2027, 1, 16)).await.unwrap(),
        Decision::Expired {
            last_day: date(2027, 1, 15)
        }
    );
    let sms = c
        .app
        .may_send_commercial(
            &c.owner.clinic_id,
            &c.patient,
            Channel::Sms,
            date(2026, 6, 1),
        )
        .await
        .unwrap();
    assert_eq!(sms, Decision::NeverGiven);
}

on_both_backends!(
    a_new_wording_version_leaves_given_consents_on_theirs,
    a_form_showing_a_replaced_wording_is_refused,
    a_withdrawal_ends_the_consent_and_keeps_its_history,
    a_withdrawal_before_the_consent_was_given_is_refused,
    a_lockbox_block_keeps_out_the_named_person_and_no_one_else,
    a_block_cannot_name_another_clinics_staff,
    commercial_email_follows_the_stored_history_and_clinic_periods,
);
