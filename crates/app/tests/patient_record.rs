//! The patient record's use cases on SQLite and PostgreSQL: an intake keeps the form version
//! it answered, flags follow each form's newest intake, and insurance plans keep their order.

use knead_app::auth::OwnerSignup;
use knead_app::{App, Clock, Staff};
use knead_domain::ids::PatientId;
use knead_domain::intake::{FormInput, QuestionInput};
use knead_domain::patient_record::InsuranceInput;
use knead_domain::setup::PatientInput;
use knead_testkit::{TestDb, on_both_backends};
use std::collections::BTreeMap;

async fn owner(db: &TestDb) -> (App, Staff, PatientId) {
    let app = App::new(
        db.store.clone(),
        Clock::fixed("2026-12-03T15:00:00Z".parse().unwrap()),
    );
    let signup = OwnerSignup {
        clinic_name: "Harbour Massage".into(),
        owner_name: "Maude Ouellet".into(),
        email: "owner@harbour.example".into(),
        password: "a long enough password".into(),
        password_confirm: None,
    };
    let staff = app.first_setup(&signup).await.unwrap().staff;
    let input = PatientInput {
        legal_first_name: Some("Noor".into()),
        legal_last_name: Some("Example".into()),
        ..PatientInput::default()
    };
    let patient = app.create_patient(&staff, &input).await.unwrap().id;
    (app, staff, patient)
}

fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

fn one_question(label: &str) -> FormInput {
    FormInput {
        name: Some("Short".into()),
        questions: vec![QuestionInput {
            label: Some(label.into()),
            kind: Some("yes_no".into()),
            flag_when: Some("yes".into()),
            flag_label: Some("Flagged".into()),
            ..QuestionInput::default()
        }],
    }
}

async fn an_answer_keeps_its_version_after_the_form_changes(db: TestDb) {
    let (app, staff, patient) = owner(&db).await;
    let form = app
        .save_intake_form(&staff, None, &one_question("Old?"), true)
        .await
        .unwrap();
    app.record_intake(&staff, &patient, &form.id, &answers(&[("q1", "yes")]))
        .await
        .unwrap();

    let edited = app
        .save_intake_form(&staff, Some(&form.id), &one_question("New?"), true)
        .await
        .unwrap();
    app.record_intake(&staff, &patient, &form.id, &answers(&[("q1", "no")]))
        .await
        .unwrap();
    let intakes = app.patient_intakes(&staff, &patient).await.unwrap();
    let flags = app.patient_flags(&staff, &patient).await.unwrap();

    assert_eq!(edited.version, 2);
    assert_eq!(intakes.len(), 2);
    assert_eq!(intakes[1].form_version, 1);
    assert_eq!(intakes[1].form.questions[0].label, "Old?");
    assert_eq!(intakes[0].form.questions[0].label, "New?");
    assert_eq!(intakes[1].flags, vec!["Flagged"]);
    assert!(flags.is_empty(), "the newest answer clears the flag");
}

async fn insurance_order_is_kept_and_closes_ranks(db: TestDb) {
    let (app, staff, patient) = owner(&db).await;
    let plan = |insurer: &str| InsuranceInput {
        insurer: Some(insurer.into()),
        ..InsuranceInput::default()
    };
    let a = app
        .add_insurance(&staff, &patient, &plan("A"))
        .await
        .unwrap();
    let b = app
        .add_insurance(&staff, &patient, &plan("B"))
        .await
        .unwrap();
    let c = app
        .add_insurance(&staff, &patient, &plan("C"))
        .await
        .unwrap();

    app.move_insurance(&staff, &patient, &c, true)
        .await
        .unwrap();
    app.remove_insurance(&staff, &patient, &a).await.unwrap();
    let record = app.patient_record(&staff, &patient).await.unwrap();

    let order: Vec<(&str, i64)> = record
        .insurance
        .iter()
        .map(|p| (p.fields.insurer.as_str(), p.position))
        .collect();
    assert_eq!(order, vec![("C", 1), ("B", 2)]);
    assert!(
        record
            .insurance
            .iter()
            .all(|p| p.id != a && (p.id == b || p.id == c))
    );
}

on_both_backends!(
    an_answer_keeps_its_version_after_the_form_changes,
    insurance_order_is_kept_and_closes_ranks,
);
