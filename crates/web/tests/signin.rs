//! Two-factor sign-in, password reset by emailed link, and the outbox that sends the email,
//! on SQLite and PostgreSQL. Email goes to a real SMTP server started by the test; codes are
//! computed here from the secret the page shows, at the app's pinned "now".

mod support;

use axum::http::StatusCode;
use knead_app::outbox::{Delivery, DeliveryPolicy, OutboxWorker};
use knead_app::{App, Clock};
use knead_domain::ids::ClinicId;
use knead_store::Store;
use knead_store::outbox::{self as outbox_store, NewMessage, Status};
use knead_testkit::{TestDb, on_both_backends};
use std::collections::BTreeSet;
use support::pages::*;
use support::smtp::{free_port, start_server, worker};
use totp_rs::{Builder, Secret};

/// The pinned "now" of `test_app`: 2026-12-03T15:00:00Z.
const NOW: i64 = 1_796_310_000;
/// Where the links in emails point (the default public address).
const BASE: &str = "http://127.0.0.1:8080";

fn code_at(secret: &str, at: i64) -> String {
    let secret = Secret::try_from_base32(secret).unwrap();
    let totp = Builder::new().with_secret(secret).build().unwrap();
    totp.generate(u64::try_from(at).unwrap()).to_string()
}

/// The value attribute of the element with id `id`.
fn value_of(html: &str, id: &str) -> String {
    let tag = element_with_id(html, id).unwrap_or_else(|| panic!("no #{id}"));
    value_after(tag, "value=\"")
}

/// The recovery codes a page lists.
fn recovery_codes(html: &str) -> Vec<String> {
    html.split("<li><code>")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_owned())
        .collect()
}

/// Turns two-factor on for the browser's person; returns the secret and recovery codes.
async fn turn_on_two_factor(browser: &mut Browser) -> (String, Vec<String>) {
    browser.get("/account/two-factor").await;
    let started = browser.post("/account/two-factor/start", &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let page = browser.get("/account/two-factor").await;
    let secret = value_of(&page.body, "totp-secret");
    assert!(page.body.contains("otpauth://totp/Knead:"), "{}", page.body);

    let confirmed = browser
        .post(
            "/account/two-factor/confirm",
            &[("code", &code_at(&secret, NOW))],
        )
        .await;

    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let codes = recovery_codes(&confirmed.body);
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// A new browser that gave the owner's password and now stands at the code form.
async fn at_code_form(app: &App) -> Browser {
    let mut browser = Browser::new(app);
    browser.get("/login").await;
    let reply = browser
        .post("/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), "/login/code");
    let form = browser.get("/login/code").await;
    assert_eq!(form.status, StatusCode::OK);
    browser
}

async fn audit_actions(db: &TestDb) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT action FROM audit_event ORDER BY seq")
        .fetch_all(db.store.pool())
        .await
        .unwrap();
    rows.into_iter().map(|(a,)| a).collect()
}

async fn sign_in_needs_a_code_and_a_right_one_opens_a_session(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    let (secret, _) = turn_on_two_factor(&mut owner).await;
    let mut browser = at_code_form(&app).await;

    let pending = browser.get("/patients").await;
    let wrong = browser.post("/login/code", &[("code", "000000")]).await;
    let right = browser
        .post("/login/code", &[("code", &code_at(&secret, NOW + 30))])
        .await;
    let home = browser.get("/patients").await;

    assert_eq!(pending.status, StatusCode::SEE_OTHER);
    assert_eq!(pending.location(), "/login");
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_beside(&wrong.body, "field-code").contains("is not the current code"));
    assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
    assert_eq!(right.location(), "/");
    assert_eq!(home.status, StatusCode::OK);
    let actions = audit_actions(&db).await;
    assert!(actions.contains(&"two_factor.enabled".to_owned()));
    assert!(actions.contains(&"session.code_refused".to_owned()));
    let detail: Vec<(String,)> = sqlx::query_as("SELECT detail FROM audit_event")
        .fetch_all(db.store.pool())
        .await
        .unwrap();
    assert!(detail.iter().all(|(d,)| !d.contains(&secret)));
}

async fn a_code_already_used_is_refused(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    let (secret, _) = turn_on_two_factor(&mut owner).await;
    let code = code_at(&secret, NOW + 30);
    let mut first = at_code_form(&app).await;
    let accepted = first.post("/login/code", &[("code", &code)]).await;
    let mut second = at_code_form(&app).await;

    let replayed = second.post("/login/code", &[("code", &code)]).await;
    let confirming_code = code_at(&secret, NOW);
    let older = second
        .post("/login/code", &[("code", &confirming_code)])
        .await;

    assert_eq!(accepted.location(), "/");
    assert_eq!(replayed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(older.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(second.get("/patients").await.status, StatusCode::SEE_OTHER);
}

async fn a_recovery_code_signs_in_once(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    let (_, codes) = turn_on_two_factor(&mut owner).await;
    let typed = codes[3].to_uppercase().replace('-', " ");
    let mut first = at_code_form(&app).await;
    let mut second = at_code_form(&app).await;

    let used = first.post("/login/code", &[("code", &typed)]).await;
    let again = second.post("/login/code", &[("code", &codes[3])]).await;
    let page = first.get("/account/two-factor").await;

    assert_eq!(used.status, StatusCode::SEE_OTHER, "{}", used.body);
    assert_eq!(used.location(), "/");
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&page.body).contains("You have 9 unused recovery codes left"));
    let actions = audit_actions(&db).await;
    assert!(actions.contains(&"two_factor.recovery_code_used".to_owned()));
}

async fn wrong_codes_count_toward_throttling(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    let (secret, _) = turn_on_two_factor(&mut owner).await;
    let mut browser = at_code_form(&app).await;

    for _ in 0..5 {
        let wrong = browser.post("/login/code", &[("code", "123456")]).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let right = browser
        .post("/login/code", &[("code", &code_at(&secret, NOW + 30))])
        .await;

    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(right.body.contains("sign-in is paused"));
}

async fn turning_two_factor_off_needs_the_password(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    turn_on_two_factor(&mut owner).await;
    owner.get("/account/two-factor").await;

    let wrong = owner
        .post(
            "/account/two-factor/disable",
            &[("password", "not my password")],
        )
        .await;
    let right = owner
        .post("/account/two-factor/disable", &[("password", PASSWORD)])
        .await;

    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&wrong.body, "disable-password"),
        "Error: Your password is not your password"
    );
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert!(
        app.sign_in(OWNER_EMAIL, PASSWORD, "127.0.0.1")
            .await
            .is_ok()
    );
    assert!(
        audit_actions(&db)
            .await
            .contains(&"two_factor.disabled".to_owned())
    );
}

async fn a_clinic_that_requires_two_factor_sends_staff_to_set_it_up_first(db: TestDb) {
    let (_app, mut owner) = signed_in_owner(&db).await;
    owner.get("/settings/sign-in").await;
    let bad = owner
        .post(
            "/settings/sign-in",
            &[("require_two_factor", "true"), ("reset_link_minutes", "0")],
        )
        .await;
    let saved = owner
        .post(
            "/settings/sign-in",
            &[("require_two_factor", "true"), ("reset_link_minutes", "30")],
        )
        .await;

    let sent_away = owner.get("/patients").await;
    let set_up_page = owner.get(sent_away.location()).await;
    turn_on_two_factor(&mut owner).await;
    let afterwards = owner.get("/patients").await;

    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_beside(&bad.body, "field-reset_link_minutes").contains("between 5"));
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(sent_away.status, StatusCode::SEE_OTHER);
    assert_eq!(sent_away.location(), "/account/two-factor");
    assert!(text_of(&set_up_page.body).contains("Your clinic requires two-factor sign-in"));
    assert_eq!(afterwards.status, StatusCode::OK);
    assert!(
        audit_actions(&db)
            .await
            .contains(&"clinic.sign_in_rules_changed".to_owned())
    );
}

async fn a_reset_email_arrives_with_a_link_that_works_once(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    let (port, inbox) = start_server(0);
    let worker = worker(&db.store, port, DeliveryPolicy::default());
    let mut browser = Browser::new(&app);
    browser.get("/password/forgot").await;

    let asked = browser
        .post("/password/forgot", &[("email", "MAYA@annex.example ")])
        .await;
    let delivery = worker.step(NOW).await.unwrap();
    let mail = inbox.lock().unwrap()[0].clone();
    let link = mail.link(BASE);
    let path = link.strip_prefix(BASE).unwrap().to_owned();
    let form = browser.get(&path).await;
    let short = browser
        .post(
            &path,
            &[("password", "short"), ("password_confirm", "short")],
        )
        .await;
    let new_password = "a new and longer password";
    let fields = [
        ("password", new_password),
        ("password_confirm", new_password),
    ];
    let reset = browser.post(&path, &fields).await;
    let again = browser.post(&path, &fields).await;

    assert!(text_of(&asked.body).contains("Check your email"));
    assert!(matches!(delivery, Delivery::Sent { .. }), "{delivery:?}");
    assert_eq!(mail.to, vec![OWNER_EMAIL.to_owned()]);
    assert_eq!(mail.header("Subject"), "Reset your Knead password");
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reset.status, StatusCode::SEE_OTHER, "{}", reset.body);
    assert_eq!(reset.location(), "/login?saved=password");
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(text_of(&again.body).contains("This link no longer works"));
    assert_eq!(owner.get("/patients").await.location(), "/login");
    assert!(
        app.sign_in(OWNER_EMAIL, PASSWORD, "10.0.0.1")
            .await
            .is_err()
    );
    assert!(
        app.sign_in(OWNER_EMAIL, new_password, "10.0.0.2")
            .await
            .is_ok()
    );
    let actions = audit_actions(&db).await;
    assert!(actions.contains(&"password_reset.requested".to_owned()));
    assert!(actions.contains(&"password_reset.completed".to_owned()));
}

async fn an_unknown_or_inactive_address_gets_the_same_answer_and_no_email(db: TestDb) {
    let (app, _owner) = signed_in_owner(&db).await;
    let mut browser = Browser::new(&app);
    browser.get("/password/forgot").await;

    let known = browser
        .post("/password/forgot", &[("email", OWNER_EMAIL)])
        .await;
    let unknown = browser
        .post("/password/forgot", &[("email", "nobody@annex.example")])
        .await;
    sqlx::query("UPDATE app_user SET active = 0")
        .execute(db.store.pool())
        .await
        .unwrap();
    let inactive = browser
        .post("/password/forgot", &[("email", OWNER_EMAIL)])
        .await;

    assert_eq!(known.status, unknown.status);
    assert_eq!(text_of(&known.body), text_of(&unknown.body));
    assert_eq!(text_of(&known.body), text_of(&inactive.body));
    assert_eq!(outbox_count(&db).await, 1);
}

async fn outbox_count(db: &TestDb) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM outbox")
        .fetch_one(db.store.pool())
        .await
        .unwrap();
    n
}

async fn an_expired_reset_link_does_not_work(db: TestDb) {
    let (app, _owner) = signed_in_owner(&db).await;
    let (port, inbox) = start_server(0);
    app.request_password_reset(OWNER_EMAIL, BASE).await.unwrap();
    worker(&db.store, port, DeliveryPolicy::default())
        .step(NOW)
        .await
        .unwrap();
    let path = inbox.lock().unwrap()[0].link(BASE).replace(BASE, "");
    let later: jiff::Timestamp = "2026-12-03T16:00:01Z".parse().unwrap();
    let later_app = App::new(db.store.clone(), Clock::fixed(later));
    let mut browser = Browser::new(&later_app);

    let page = browser.get(&path).await;

    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(text_of(&page.body).contains("This link no longer works"));
}

async fn with_the_server_down_a_message_waits_and_goes_out_once_it_is_back(db: TestDb) {
    let (app, _owner) = signed_in_owner(&db).await;
    let port = free_port();
    let worker = worker(&db.store, port, DeliveryPolicy::default());
    app.request_password_reset(OWNER_EMAIL, BASE).await.unwrap();

    let down = worker.step(NOW).await.unwrap();
    let Delivery::Retrying { at, .. } = down else {
        panic!("expected a retry, got {down:?}");
    };
    let too_early = worker.step(at - 1).await.unwrap();
    let waiting = message_status(&db).await;
    let (_, inbox) = start_server(port);
    let back = worker.step(at).await.unwrap();
    let after = worker.step(at + 100_000).await.unwrap();

    assert_eq!(at, NOW + 60);
    assert_eq!(too_early, Delivery::Idle);
    assert_eq!(waiting, (Status::Queued, 1));
    assert!(matches!(back, Delivery::Sent { .. }), "{back:?}");
    assert_eq!(after, Delivery::Idle);
    assert_eq!(inbox.lock().unwrap().len(), 1);
    assert_eq!(message_status(&db).await, (Status::Sent, 2));
}

/// The status and attempts of the one message in the outbox.
async fn message_status(db: &TestDb) -> (Status, i64) {
    let (status, attempts): (String, i64) = sqlx::query_as("SELECT status, attempts FROM outbox")
        .fetch_one(db.store.pool())
        .await
        .unwrap();
    let status = match status.as_str() {
        "queued" => Status::Queued,
        "sending" => Status::Sending,
        "sent" => Status::Sent,
        _ => Status::Failed,
    };
    (status, attempts)
}

async fn a_message_that_keeps_failing_is_given_up_and_shown_as_failed(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    let policy = DeliveryPolicy {
        max_attempts: 2,
        ..DeliveryPolicy::default()
    };
    let worker = worker(&db.store, free_port(), policy);
    app.request_password_reset(OWNER_EMAIL, BASE).await.unwrap();

    let waiting_page = owner.get("/settings/outbox").await;
    let first = worker.step(NOW).await.unwrap();
    let second = worker.step(NOW + 3600).await.unwrap();
    let failed_page = owner.get("/settings/outbox").await;

    let waiting = text_of(&waiting_page.body);
    assert!(waiting.contains("No mail server is set up"), "{waiting}");
    assert!(waiting.contains("Password reset maya@annex.example Reset your Knead password"));
    assert!(waiting.contains("Waiting 0 Not tried yet"), "{waiting}");
    assert!(matches!(first, Delivery::Retrying { .. }));
    assert!(matches!(second, Delivery::Failed { .. }), "{second:?}");
    assert!(text_of(&failed_page.body).contains("Failed 2 Last try:"));
}

async fn the_outbox_page_shows_only_the_clinics_own_messages(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    support::setup::other_owner_and_location(&app).await;

    app.request_password_reset("sam@harbour.example", BASE)
        .await
        .unwrap();
    let page = owner.get("/settings/outbox").await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(text_of(&page.body).contains("No email yet"));
    assert!(!page.body.contains("sam@harbour.example"));
}

async fn two_workers_racing_send_each_message_once(db: TestDb) {
    let (app, _owner) = signed_in_owner(&db).await;
    let clinic = app
        .sign_in(OWNER_EMAIL, PASSWORD, "127.0.0.1")
        .await
        .unwrap()
        .staff
        .clinic_id;
    queue_messages(&db.store, &clinic, 8).await;
    let (port, inbox) = start_server(0);
    let first = worker(
        &Store::connect(&db.url).await.unwrap(),
        port,
        Default::default(),
    );
    let second = worker(
        &Store::connect(&db.url).await.unwrap(),
        port,
        Default::default(),
    );

    let a = tokio::spawn(drain(first.clone()));
    let b = tokio::spawn(drain(second));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let leftover = drain(first).await;

    let mails = inbox.lock().unwrap().clone();
    let ids: BTreeSet<String> = mails.iter().map(|m| m.header("Message-ID")).collect();
    assert_eq!(a + b + leftover, 8);
    assert_eq!(mails.len(), 8);
    assert_eq!(ids.len(), 8);
    let (sent,): (i64,) =
        sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE status = 'sent'")
            .fetch_one(db.store.pool())
            .await
            .unwrap();
    assert_eq!(sent, 8);
}

async fn queue_messages(store: &Store, clinic: &ClinicId, n: usize) {
    let mut conn = store.read().await.unwrap();
    for i in 0..n {
        let message = NewMessage {
            id: format!("msg-{i:02}"),
            clinic_id: clinic.clone(),
            purpose: "test".into(),
            idempotency_key: format!("key-{i}"),
            recipient: format!("person{i}@annex.example"),
            subject: format!("Message {i}"),
            body_text: "Hello".into(),
            body_html: Some("<p>Hello</p>".into()),
        };
        outbox_store::enqueue(&mut conn, &message, NOW)
            .await
            .unwrap();
    }
}

/// Steps `worker` until nothing is due; returns how many it sent.
async fn drain(worker: OutboxWorker) -> usize {
    let mut sent = 0;
    loop {
        match worker.step(NOW).await.unwrap() {
            Delivery::Idle => return sent,
            Delivery::Sent { .. } => sent += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn the_same_message_cannot_be_queued_twice(db: TestDb) {
    let (app, _owner) = signed_in_owner(&db).await;
    let clinic = app
        .sign_in(OWNER_EMAIL, PASSWORD, "127.0.0.1")
        .await
        .unwrap()
        .staff
        .clinic_id;
    queue_messages(&db.store, &clinic, 1).await;

    let mut conn = db.store.read().await.unwrap();
    let twin = NewMessage {
        id: "msg-twin".into(),
        clinic_id: clinic,
        purpose: "test".into(),
        idempotency_key: "key-0".into(),
        recipient: "person0@annex.example".into(),
        subject: "Message 0".into(),
        body_text: "Hello".into(),
        body_html: None,
    };
    let refused = outbox_store::enqueue(&mut conn, &twin, NOW).await;

    assert!(refused.unwrap_err().is_unique_on("idempotency_key"));
}

on_both_backends!(
    sign_in_needs_a_code_and_a_right_one_opens_a_session,
    a_code_already_used_is_refused,
    a_recovery_code_signs_in_once,
    wrong_codes_count_toward_throttling,
    turning_two_factor_off_needs_the_password,
    a_clinic_that_requires_two_factor_sends_staff_to_set_it_up_first,
    a_reset_email_arrives_with_a_link_that_works_once,
    an_unknown_or_inactive_address_gets_the_same_answer_and_no_email,
    an_expired_reset_link_does_not_work,
    with_the_server_down_a_message_waits_and_goes_out_once_it_is_back,
    a_message_that_keeps_failing_is_given_up_and_shown_as_failed,
    the_outbox_page_shows_only_the_clinics_own_messages,
    two_workers_racing_send_each_message_once,
    the_same_message_cannot_be_queued_twice,
);
