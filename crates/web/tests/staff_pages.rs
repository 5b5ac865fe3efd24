//! Staff management, permission settings, own sessions and the patient export, driven
//! through the pages (and the API where a token must stop working), on both backends.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use knead_app::App;
use knead_domain::Role;
use knead_store::audit;
use knead_testkit::{TestDb, on_both_backends};
use support::pages::*;

const DESK_EMAIL: &str = "desk@annex.example";

/// Adds a staff member through the staff page and returns their id.
async fn add(owner: &mut Browser, name: &str, email: &str, role: &str) -> String {
    assert!(
        !email.contains('<'),
        "the id is found by the email in the list"
    );
    owner.get("/settings/staff").await;
    let reply = owner
        .post(
            "/settings/staff",
            &[
                ("name", name),
                ("email", email),
                ("role", role),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let list = owner.get("/settings/staff").await;
    let before = list
        .body
        .split(&format!("<td>{email}</td>"))
        .next()
        .unwrap();
    before
        .rsplit("/settings/staff/")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

async fn sign_in(app: &App, email: &str) -> Browser {
    let mut browser = Browser::new(app);
    browser.get("/login").await;
    let reply = browser
        .post("/login", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(
        reply.status,
        StatusCode::SEE_OTHER,
        "{email} could not sign in"
    );
    browser.get("/settings/sessions").await;
    browser
}

async fn actions(app: &App) -> Vec<String> {
    let clinic = app.resolve_clinic(None).await.unwrap();
    let mut conn = app.store().read().await.unwrap();
    let events = audit::list(&mut conn, &clinic.id, None, 500).await.unwrap();
    events.into_iter().map(|e| e.action).collect()
}

async fn api_status(app: &App, token: &str) -> StatusCode {
    let router = knead_web::router(app.clone(), knead_web::WebConfig::default());
    let request = Request::get("/api/v1/patients")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    support::api::send(&router, request).await.0
}

async fn the_owner_adds_a_staff_member_who_can_sign_in(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;

    let id = add(&mut owner, "Jonah <b>Reyes</b>", DESK_EMAIL, "front_desk").await;

    let list = owner.get("/settings/staff").await;
    assert!(text_of(&list.body).contains("Reyes"));
    assert!(
        !list.body.contains("<b>Reyes</b>"),
        "typed markup must show as text"
    );
    assert!(list.body.contains(DESK_EMAIL));
    let desk = sign_in(&app, DESK_EMAIL).await;
    assert!(desk.cookies.contains_key("knead_session"));
    let page = owner.get(&format!("/settings/staff/{id}")).await;
    assert!(text_of(&page.body).contains("Front desk"));
    assert!(actions(&app).await.contains(&"user.created".to_owned()));
}

async fn a_blank_password_is_chosen_by_knead_and_shown_once(db: TestDb) {
    let (_app, mut owner) = signed_in_owner(&db).await;
    owner.get("/settings/staff").await;

    let fields = [
        ("name", "Ana Silva"),
        ("email", "ana@annex.example"),
        ("role", "bookkeeper"),
    ];
    let reply = owner.post("/settings/staff", &fields).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("id=\"new-password\""), "{}", reply.body);
    let again = owner.get("/settings/staff").await;
    assert!(!again.body.contains("id=\"new-password\""));
}

async fn bad_input_names_the_field_and_adds_nobody(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    owner.get("/settings/staff").await;

    let fields = [("name", ""), ("email", "not-an-email"), ("role", "janitor")];
    let reply = owner.post("/settings/staff", &fields).await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_beside(&reply.body, "field-name").contains("required"));
    assert!(message_beside(&reply.body, "field-email").contains("not-an-email"));
    assert!(message_beside(&reply.body, "field-role").contains("janitor"));
    let owner_staff = app
        .sign_in(OWNER_EMAIL, PASSWORD, "::1")
        .await
        .unwrap()
        .staff;
    assert_eq!(app.staff_members(&owner_staff).await.unwrap().len(), 1);
}

async fn deactivating_ends_the_session_and_the_token_on_the_very_next_request(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    let id = add(&mut owner, "Jonah Reyes", DESK_EMAIL, "manager").await;
    let mut desk = sign_in(&app, DESK_EMAIL).await;
    let manager = app
        .sign_in(DESK_EMAIL, PASSWORD, "::1")
        .await
        .unwrap()
        .staff;
    let (_, token) = app
        .create_token(&manager, "bookkeeping", Role::Manager)
        .await
        .unwrap();
    assert_eq!(desk.get("/patients").await.status, StatusCode::OK);
    assert_eq!(api_status(&app, &token).await, StatusCode::OK);

    owner.get(&format!("/settings/staff/{id}")).await;
    let reply = owner
        .post(&format!("/settings/staff/{id}/deactivate"), &[])
        .await;

    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let next = desk.get("/patients").await;
    assert_eq!(next.location(), "/login");
    assert_eq!(api_status(&app, &token).await, StatusCode::UNAUTHORIZED);
    let again = app.sign_in(DESK_EMAIL, PASSWORD, "::1").await;
    assert!(matches!(again, Err(knead_app::AppError::Unauthenticated)));
    assert!(actions(&app).await.contains(&"user.deactivated".to_owned()));

    owner.get(&format!("/settings/staff/{id}")).await;
    owner
        .post(&format!("/settings/staff/{id}/reactivate"), &[])
        .await;
    assert!(app.sign_in(DESK_EMAIL, PASSWORD, "::1").await.is_ok());
    assert_eq!(api_status(&app, &token).await, StatusCode::UNAUTHORIZED);
}

async fn the_last_active_owner_can_be_neither_deactivated_nor_demoted(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    let owner_staff = app
        .sign_in(OWNER_EMAIL, PASSWORD, "::1")
        .await
        .unwrap()
        .staff;
    let me = owner_staff.user_id.to_string();
    owner.get(&format!("/settings/staff/{me}")).await;

    let demote = owner
        .post(
            &format!("/settings/staff/{me}/role"),
            &[("role", "manager")],
        )
        .await;
    let deactivate = owner
        .post(&format!("/settings/staff/{me}/deactivate"), &[])
        .await;

    assert_eq!(demote.status, StatusCode::CONFLICT);
    assert!(text_of(&demote.body).contains("last active owner"));
    assert_eq!(deactivate.status, StatusCode::CONFLICT);
    let members = app.staff_members(&owner_staff).await.unwrap();
    assert_eq!(members[0].role, Role::Owner);
    assert!(members[0].active);

    let second = add(&mut owner, "Noor Haddad", "noor@annex.example", "owner").await;
    let reply = owner
        .post(
            &format!("/settings/staff/{me}/role"),
            &[("role", "manager")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(!second.is_empty());
}

async fn another_clinics_staff_ids_are_not_found(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    let (_, secret) = app.create_clinic("Harbour Wellness").await.unwrap();
    let signup = knead_app::auth::OwnerSignup {
        owner_name: "Sam Roy".into(),
        email: "sam@harbour.example".into(),
        password: PASSWORD.into(),
        ..Default::default()
    };
    let other = app.finish_setup(&secret, &signup).await.unwrap().staff;
    let theirs = other.user_id.to_string();

    let page = owner.get(&format!("/settings/staff/{theirs}")).await;
    owner.get("/settings/staff").await;
    let post = owner
        .post(&format!("/settings/staff/{theirs}/deactivate"), &[])
        .await;

    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    assert!(
        app.sign_in("sam@harbour.example", PASSWORD, "::1")
            .await
            .is_ok()
    );
}

async fn a_clinic_grants_export_to_the_front_desk_and_it_applies_at_once(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    add(&mut owner, "Jonah Reyes", DESK_EMAIL, "front_desk").await;
    let mut desk = sign_in(&app, DESK_EMAIL).await;
    let list = desk.get("/patients").await;
    assert!(!list.body.contains("/patients/export.csv"));
    assert_eq!(
        desk.get("/patients/export.csv").await.status,
        StatusCode::FORBIDDEN
    );

    let grid = owner.get("/settings/permissions").await;
    let mut fields: Vec<(String, String)> = checked_cells(&grid.body);
    fields.push(("front_desk.export_patients".into(), "true".into()));
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let reply = owner.post("/settings/permissions", &fields).await;

    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let list = desk.get("/patients").await;
    assert!(list.body.contains("/patients/export.csv"));
    assert_eq!(
        desk.get("/patients/export.csv").await.status,
        StatusCode::OK
    );
    let grid = owner.get("/settings/permissions").await;
    assert!(grid.body.contains("changed"));
    assert!(
        actions(&app)
            .await
            .contains(&"role_permission.changed".to_owned())
    );
}

/// The names of the ticked boxes of the permission grid, as the browser would send them.
fn checked_cells(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"checkbox\" name=\"")
        .skip(1)
        .filter(|rest| {
            let tag = rest.split('>').next().unwrap();
            tag.contains(" checked") && !tag.contains(" disabled")
        })
        .map(|rest| {
            (
                rest.split('"').next().unwrap().to_owned(),
                "true".to_owned(),
            )
        })
        .chain(
            html.split("<input type=\"hidden\" name=\"")
                .skip(1)
                .map(|rest| rest.split('"').next().unwrap().to_owned())
                .filter(|name| name.contains('.'))
                .map(|name| (name, "true".to_owned())),
        )
        .collect()
}

async fn the_owner_can_never_lose_staff_management(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    let grid = owner.get("/settings/permissions").await;
    let fields: Vec<(String, String)> = checked_cells(&grid.body)
        .into_iter()
        .filter(|(name, _)| name != "owner.manage_staff")
        .collect();
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();

    let reply = owner.post("/settings/permissions", &fields).await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&reply.body).contains("cannot lock itself out"));
    assert_eq!(owner.get("/settings/staff").await.status, StatusCode::OK);
    let staff = app
        .sign_in(OWNER_EMAIL, PASSWORD, "::1")
        .await
        .unwrap()
        .staff;
    let none: &[(Role, knead_domain::Permission)] = &[];
    assert!(app.set_permissions(&staff, none).await.is_err());
    assert!(staff.can(knead_domain::Permission::ManageStaff));
}

async fn a_person_sees_and_ends_their_own_sessions(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    add(&mut owner, "Jonah Reyes", DESK_EMAIL, "practitioner").await;
    let mut laptop = sign_in(&app, DESK_EMAIL).await;
    let mut phone = sign_in(&app, DESK_EMAIL).await;

    let page = laptop.get("/settings/sessions").await;
    let rows: Vec<&str> = page.body.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 2, "{}", page.body);
    let other = rows.iter().find(|r| !r.contains("this browser")).unwrap();
    let id = other
        .split("/settings/sessions/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    let reply = laptop
        .post(&format!("/settings/sessions/{id}/revoke"), &[])
        .await;

    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(phone.get("/patients").await.location(), "/login");
    assert_eq!(laptop.get("/patients").await.status, StatusCode::OK);
    assert!(actions(&app).await.contains(&"session.revoked".to_owned()));
    let page = laptop.get("/settings/sessions").await;
    assert_eq!(page.body.split("<tr>").skip(2).count(), 1);
}

async fn the_owner_ends_all_sessions_of_a_staff_member(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    let id = add(&mut owner, "Jonah Reyes", DESK_EMAIL, "front_desk").await;
    let mut a = sign_in(&app, DESK_EMAIL).await;
    let mut b = sign_in(&app, DESK_EMAIL).await;

    owner.get(&format!("/settings/staff/{id}")).await;
    let reply = owner
        .post(&format!("/settings/staff/{id}/sessions/end"), &[])
        .await;

    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(a.get("/patients").await.location(), "/login");
    assert_eq!(b.get("/patients").await.location(), "/login");
    assert!(
        actions(&app)
            .await
            .contains(&"session.ended_all".to_owned())
    );
}

async fn the_export_is_csv_with_a_bom_and_neutralised_formulas(db: TestDb) {
    let (app, mut owner) = signed_in_owner(&db).await;
    owner.get("/patients/new").await;
    let mut fields = patient_fields("=HYPERLINK(\"http://x.example\")", "zoe@annex.example");
    fields.push(("preferred_name", "Zoé"));
    owner.post("/patients", &fields).await;

    let reply = owner.get("/patients/export.csv").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(reply.body.starts_with('\u{feff}'));
    assert!(
        reply
            .body
            .contains("\"'=HYPERLINK(\"\"http://x.example\"\")\""),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("Zoé"));
    assert_eq!(reply.body.lines().count(), 2);
    assert!(
        actions(&app)
            .await
            .contains(&"patients.exported".to_owned())
    );
    let clinic = app.resolve_clinic(None).await.unwrap();
    let mut conn = app.store().read().await.unwrap();
    let events = audit::list(&mut conn, &clinic.id, None, 500).await.unwrap();
    let exported = events
        .iter()
        .find(|e| e.action == "patients.exported")
        .unwrap();
    assert!(
        exported.detail.contains("\"count\":1"),
        "{}",
        exported.detail
    );
    assert!(!exported.detail.contains("Okafor"));
}

on_both_backends!(
    the_owner_adds_a_staff_member_who_can_sign_in,
    a_blank_password_is_chosen_by_knead_and_shown_once,
    bad_input_names_the_field_and_adds_nobody,
    deactivating_ends_the_session_and_the_token_on_the_very_next_request,
    the_last_active_owner_can_be_neither_deactivated_nor_demoted,
    another_clinics_staff_ids_are_not_found,
    a_clinic_grants_export_to_the_front_desk_and_it_applies_at_once,
    the_owner_can_never_lose_staff_management,
    a_person_sees_and_ends_their_own_sessions,
    the_owner_ends_all_sessions_of_a_staff_member,
    the_export_is_csv_with_a_bom_and_neutralised_formulas,
);
