//! The staff pages, driven in process through the router as a browser would: cookies kept
//! between requests, the CSRF token read from each page's forms, forms posted as
//! `application/x-www-form-urlencoded`. Every test runs on SQLite and on PostgreSQL.

use axum::http::{StatusCode, header};
use knead_app::{App, Staff};
use knead_domain::ids::{LocationId, PatientId};
use knead_domain::setup::PatientInput;
use knead_testkit::{TestDb, on_both_backends};
use support::pages::*;

mod support;

async fn first_start_creates_the_clinic_and_signs_the_owner_in(db: TestDb) {
    let app = test_app(&db);
    let mut browser = Browser::new(&app);

    let before = browser.get("/").await;
    let form = browser.get("/setup").await;
    let created = browser.post("/setup", SETUP_FIELDS).await;
    let home = browser.get("/").await;
    let setup_again = browser.get("/setup").await;

    assert_eq!(before.location(), "/setup");
    assert!(form.body.contains("Clinic name"));
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert_eq!(created.location(), "/");
    assert!(browser.cookies.contains_key("knead_session"));
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Annex Massage Therapy"));
    assert!(home.body.contains("Add a location"));
    assert_eq!(setup_again.location(), "/login");
}

async fn the_owner_signs_out_and_back_in(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/").await;

    let signed_out = browser.post("/logout", &[]).await;
    let after = browser.get("/").await;
    browser.get("/login").await;
    let fields = [("email", "Maya@Annex.example"), ("password", PASSWORD)];
    let signed_in = browser.post("/login", &fields).await;
    let home = browser.get("/").await;

    assert_eq!(signed_out.location(), "/login");
    assert_eq!(after.location(), "/login");
    assert_eq!(signed_in.location(), "/");
    assert!(browser.cookies.contains_key("knead_session"));
    assert!(home.body.contains("Maya Chen"));
}

async fn set_up_refuses_different_passwords_and_keeps_what_was_typed(db: TestDb) {
    let app = test_app(&db);
    let mut browser = Browser::new(&app);
    browser.get("/setup").await;

    let reply = browser
        .post(
            "/setup",
            &[
                ("clinic_name", "Annex Massage Therapy"),
                ("owner_name", "Maya Chen"),
                ("email", OWNER_EMAIL),
                ("password", PASSWORD),
                ("password_confirm", "something else entirely"),
            ],
        )
        .await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message_beside(&reply.body, "field-password_confirm").contains("does not match"));
    assert!(reply.body.contains("value=\"Annex Massage Therapy\""));
    assert!(!reply.body.contains(PASSWORD), "a password was sent back");
    assert!(app.needs_first_setup().await.unwrap());
}

async fn a_form_without_the_right_csrf_token_is_refused_and_nothing_is_written(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/locations/new").await;
    let fields = location_fields("Annex", "America/Toronto", "ON");

    let missing = browser.post_raw("/locations", &fields).await;
    let mut wrong = vec![("_csrf", "0000")];
    wrong.extend_from_slice(&fields);
    let forged = browser.post_raw("/locations", &wrong).await;
    let list = browser.get("/locations").await;

    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(list.body.contains("No locations yet"));
}

async fn a_sign_in_form_without_its_cookie_token_is_refused(db: TestDb) {
    let (app, _) = signed_in_owner(&db).await;
    let mut stranger = Browser::new(&app);

    let reply = stranger
        .post_raw(
            "/login",
            &[
                ("_csrf", "guess"),
                ("email", OWNER_EMAIL),
                ("password", PASSWORD),
            ],
        )
        .await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(!stranger.cookies.contains_key("knead_session"));
}

async fn a_wrong_password_is_refused_and_after_five_failures_sign_in_waits(db: TestDb) {
    let (app, _) = signed_in_owner(&db).await;
    let mut browser = Browser::new(&app);
    browser.get("/login").await;

    let mut failures = Vec::new();
    for _ in 0..5 {
        let wrong = [("email", OWNER_EMAIL), ("password", "not the password")];
        failures.push(browser.post("/login", &wrong).await);
    }
    let throttled = browser
        .post("/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
        .await;

    for failure in &failures {
        assert_eq!(failure.status, StatusCode::UNAUTHORIZED);
        assert!(failure.body.contains("Email or password is incorrect"));
        assert!(failure.body.contains(&format!("value=\"{OWNER_EMAIL}\"")));
    }
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.body.contains("wait 15 minutes and try again"));
    assert!(throttled.headers.contains_key(header::RETRY_AFTER));
    assert!(!browser.cookies.contains_key("knead_session"));
}

async fn clinic_settings_are_saved_and_shown_again(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/settings/clinic").await;

    let saved = browser
        .post(
            "/settings/clinic",
            &[
                ("legal_name", "Annex Massage Therapy Inc."),
                ("operating_name", "Annex Massage"),
                ("address_line1", "120 Bloor St W"),
                ("city", "Toronto"),
                ("province", "ON"),
                ("postal_code", "m5s 1s4"),
                ("phone", "416-555-0134"),
                ("email", "desk@annex.example"),
                ("website", "annex.example"),
            ],
        )
        .await;
    let page = browser.get(saved.location()).await;

    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("Clinic settings saved."));
    assert!(page.body.contains("value=\"Annex Massage Therapy Inc.\""));
    assert!(page.body.contains("value=\"M5S 1S4\""));
    assert!(page.body.contains("value=\"https://annex.example\""));
    assert!(
        page.body
            .contains("<option value=\"ON\" selected>Ontario</option>")
    );
    assert!(
        page.body
            .contains("<a class=\"brand\" href=\"/\">Annex Massage</a>")
    );
}

async fn a_location_is_added_and_edited(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/locations/new").await;

    let created = browser.post("/locations", &toronto("Annex")).await;
    let id = created.created_id();
    browser.get(&format!("/locations/{id}")).await;
    let mut renamed = toronto("Annex West");
    renamed.retain(|(name, _)| *name != "active");
    let updated = browser.post(&format!("/locations/{id}"), &renamed).await;
    let page = browser.get(updated.location()).await;
    let list = browser.get("/locations").await;

    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert_eq!(updated.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("Location saved."));
    assert!(page.body.contains("value=\"Annex West\""));
    assert!(page.body.contains("value=\"M5S 1S4\""));
    assert!(!is_checked(&page.body, "field-active"));
    assert!(list.body.contains("Annex West"));
}

async fn a_room_is_added_renamed_and_taken_out_of_use(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    let id = add_location(&mut browser, "Annex").await;

    let added = browser
        .post(&format!("/locations/{id}/rooms"), &[("name", "Room 1")])
        .await;
    let page = browser.get(added.location()).await;
    let room = value_after(&page.body, "action=\"/rooms/");
    let saved = browser
        .post(&format!("/rooms/{room}"), &[("name", "Blue room")])
        .await;
    let page_after = browser.get(saved.location()).await;

    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("Room added."));
    assert!(is_checked(&page.body, &format!("room-{room}-active")));
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(page_after.body.contains("Room saved."));
    assert!(page_after.body.contains("value=\"Blue room\""));
    assert!(!is_checked(
        &page_after.body,
        &format!("room-{room}-active")
    ));
}

async fn an_unknown_zone_and_province_are_refused_beside_their_fields(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/locations/new").await;

    let reply = browser
        .post(
            "/locations",
            &location_fields("Annex", "America/Nowhere", "XX"),
        )
        .await;
    let list = browser.get("/locations").await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let zone = message_beside(&reply.body, "field-time_zone");
    assert!(
        zone.contains("'America/Nowhere' is not a known IANA time zone"),
        "{zone}"
    );
    let province = message_beside(&reply.body, "field-province");
    assert!(
        province.contains("'XX' is not a Canadian province"),
        "{province}"
    );
    assert!(reply.body.contains("There are problems with 2 fields"));
    assert!(reply.body.contains("<option value=\"XX\" selected>"));
    assert!(reply.body.contains("value=\"120 Bloor St W\""));
    assert!(list.body.contains("No locations yet"));
}

async fn a_room_without_a_name_is_refused_beside_the_new_room_field(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    let id = add_location(&mut browser, "Annex").await;

    let reply = browser
        .post(&format!("/locations/{id}/rooms"), &[("name", "  ")])
        .await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = message_beside(&reply.body, "new-room-name");
    assert_eq!(message, "Error: New room is required");
    assert!(reply.body.contains("No rooms yet"));
}

/// A practitioner's form as sent: one registration row filled, one left blank.
fn lea_at(location: &str) -> Vec<(&str, &str)> {
    vec![
        ("name", "Léa Tremblay"),
        ("profession", "Registered Massage Therapist"),
        ("email", "lea@annex.example"),
        ("location_ids", location),
        ("active", "true"),
        ("registrations[0].province", "ON"),
        ("registrations[0].college", "CMTO"),
        ("registrations[0].number", "U1234"),
        ("registrations[0].status", "active"),
        ("registrations[1].province", ""),
        ("registrations[1].college", ""),
        ("registrations[1].number", ""),
        ("registrations[1].status", ""),
    ]
}

async fn a_practitioner_is_added_with_locations_and_registrations(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    let location = add_location(&mut browser, "Annex").await;
    browser.get("/practitioners/new").await;

    let created = browser.post("/practitioners", &lea_at(&location)).await;
    let page = browser.get(created.location()).await;
    let list = browser.get("/practitioners").await;

    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("value=\"Léa Tremblay\""));
    assert!(page.body.contains(&format!("value=\"{location}\" checked")));
    let college = "name=\"registrations[0].college\" type=\"text\" value=\"CMTO\"";
    assert!(page.body.contains(college));
    assert!(
        page.body.contains("name=\"registrations[2].number\""),
        "no spare rows"
    );
    assert!(list.body.contains("ON U1234"));
}

async fn a_practitioners_locations_and_registrations_can_be_cleared(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    let location = add_location(&mut browser, "Annex").await;
    browser.get("/practitioners/new").await;
    let id = browser
        .post("/practitioners", &lea_at(&location))
        .await
        .created_id();

    let fields = [
        ("name", "Léa Tremblay"),
        ("profession", "Massage Therapist"),
    ];
    let updated = browser.post(&format!("/practitioners/{id}"), &fields).await;
    let page = browser.get(updated.location()).await;

    assert_eq!(updated.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("Practitioner saved."));
    assert!(page.body.contains("value=\"Massage Therapist\""));
    assert!(!page.body.contains(&format!("value=\"{location}\" checked")));
    assert!(!page.body.contains("value=\"CMTO\""));
}

async fn a_registration_error_is_shown_on_its_own_row(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/practitioners/new").await;

    let reply = browser
        .post(
            "/practitioners",
            &[
                ("name", "Léa Tremblay"),
                ("registrations[0].province", ""),
                ("registrations[1].province", "QC"),
                ("registrations[1].college", "OMT"),
                ("registrations[1].number", ""),
            ],
        )
        .await;
    let list = browser.get("/practitioners").await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = message_beside(&reply.body, "field-registrations[1].number");
    assert_eq!(message, "Error: Registration 2 number is required");
    assert!(
        reply
            .body
            .contains("name=\"registrations[1].college\" type=\"text\" value=\"OMT\"")
    );
    assert!(list.body.contains("No practitioners yet"));
}

async fn a_service_is_added_with_its_practitioners(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/practitioners/new").await;
    let lea = browser
        .post("/practitioners", &[("name", "Léa Tremblay")])
        .await
        .created_id();
    browser.get("/services/new").await;

    let mut fields = service_fields("60", "95.5", "15");
    fields.push(("practitioner_ids", lea.as_str()));
    let created = browser.post("/services", &fields).await;
    let page = browser.get(created.location()).await;

    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("value=\"95.50\""));
    assert!(page.body.contains(&format!("value=\"{lea}\" checked")));
    assert!(is_checked(&page.body, "field-online_bookable"));
}

async fn a_service_is_edited_and_listed_with_its_new_length_and_price(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/services/new").await;
    let id = browser
        .post("/services", &service_fields("60", "95", "15"))
        .await
        .created_id();

    let mut changed = service_fields("90", "130", "0");
    changed.retain(|(name, _)| *name != "online_bookable");
    let updated = browser.post(&format!("/services/{id}"), &changed).await;
    let page = browser.get(updated.location()).await;
    let list = browser.get("/services").await;

    assert_eq!(updated.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("value=\"130.00\""));
    assert!(!is_checked(&page.body, "field-online_bookable"));
    assert!(list.body.contains("90 min"));
    assert!(list.body.contains("$130.00"));
}

async fn negative_or_wordy_numbers_on_a_service_are_refused_beside_their_fields(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/services/new").await;

    let reply = browser
        .post("/services", &service_fields("-60", "-95", "ten"))
        .await;
    let list = browser.get("/services").await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let duration = message_beside(&reply.body, "field-duration_minutes");
    assert_eq!(
        duration,
        "Error: Duration must be between 5 and 480 minutes"
    );
    let price = message_beside(&reply.body, "field-price");
    assert_eq!(price, "Error: Price must not be negative");
    let buffer = message_beside(&reply.body, "field-buffer_after_minutes");
    assert_eq!(buffer, "Error: 'ten' is not a whole number of minutes");
    assert!(reply.body.contains("value=\"-95\""));
    assert!(list.body.contains("No services yet"));
}

async fn a_patient_is_added_found_and_edited(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/patients/new").await;

    let created = browser
        .post("/patients", &patient_fields("Ada", "ada@example.ca"))
        .await;
    let found = browser.get("/patients?q=okafor").await;
    let by_phone = browser.get("/patients?q=416-555-0188").await;
    let missing = browser.get("/patients?q=zzz").await;

    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert!(found.body.contains("Ada Okafor"));
    assert!(found.body.contains("1985-04-12"));
    assert!(found.body.contains("ada@example.ca"));
    assert!(by_phone.body.contains("Ada Okafor"));
    assert!(missing.body.contains("No patients match"));

    let id = created.created_id();
    browser.get(&format!("/patients/{id}")).await;
    let mut changed = patient_fields("Adaeze", "ada@example.ca");
    changed.push(("preferred_name", "Ada"));
    let updated = browser.post(&format!("/patients/{id}"), &changed).await;
    let page = browser.get(updated.location()).await;

    assert_eq!(updated.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("Patient saved."));
    assert!(page.body.contains("value=\"Adaeze\""));
    assert!(page.body.contains("value=\"Ada\""));
}

async fn a_second_patient_with_the_same_email_is_refused_beside_the_email(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/patients/new").await;
    browser
        .post("/patients", &patient_fields("Ada", "ada@example.ca"))
        .await;

    let reply = browser
        .post("/patients", &patient_fields("Bea", "ADA@example.ca"))
        .await;
    let list = browser.get("/patients").await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = message_beside(&reply.body, "field-email");
    assert_eq!(
        message,
        "Error: Email is already used by another patient of this clinic"
    );
    assert!(reply.body.contains("value=\"Bea\""));
    assert!(list.body.contains("Ada Okafor"));
    assert!(!list.body.contains("Bea Okafor"));
}

async fn a_token_secret_is_shown_once(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/settings/tokens").await;

    let fields = [("name", "Bookkeeping"), ("role", "bookkeeper")];
    let created = browser.post("/settings/tokens", &fields).await;
    let secret = value_after(
        &created.body,
        "id=\"new-secret\" class=\"code\" type=\"text\" value=\"",
    );
    let later = browser.get("/settings/tokens").await;

    assert_eq!(created.status, StatusCode::OK);
    assert!(secret.starts_with("knd_"));
    assert!(created.body.contains("Copy it now"));
    assert_eq!(created.headers[header::CACHE_CONTROL], "no-store");
    assert!(!later.body.contains(&secret));
    assert!(later.body.contains("Bookkeeping"));
}

async fn a_revoked_token_is_listed_as_revoked(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/settings/tokens").await;
    let fields = [("name", "Bookkeeping"), ("role", "bookkeeper")];
    let created = browser.post("/settings/tokens", &fields).await;
    let token = value_after(&created.body, "action=\"/settings/tokens/");

    let revoked = browser
        .post(&format!("/settings/tokens/{token}/revoke"), &[])
        .await;
    let after = browser.get(revoked.location()).await;

    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert!(after.body.contains("Token revoked."));
    assert!(after.body.contains("Revoked 2026-12-03 15:00 UTC"));
    assert!(!after.body.contains("/revoke"));
}

async fn an_unknown_role_for_a_token_is_refused_beside_the_role(db: TestDb) {
    let (_app, mut browser) = signed_in_owner(&db).await;
    browser.get("/settings/tokens").await;

    let reply = browser
        .post(
            "/settings/tokens",
            &[("name", "Robot"), ("role", "janitor")],
        )
        .await;

    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&reply.body, "field-role"),
        "Error: 'janitor' is not a role"
    );
    assert!(reply.body.contains("No tokens yet"));
}

async fn every_page_sends_a_signed_out_visitor_to_sign_in(db: TestDb) {
    let (app, _) = signed_in_owner(&db).await;
    let mut stranger = Browser::new(&app);
    let pages = [
        "/",
        "/settings/clinic",
        "/settings/tokens",
        "/locations",
        "/locations/new",
        "/locations/some-id",
        "/practitioners",
        "/practitioners/new",
        "/practitioners/some-id",
        "/services",
        "/services/new",
        "/services/some-id",
        "/patients",
        "/patients?q=ada",
        "/patients/new",
        "/patients/some-id",
    ];

    for page in pages {
        let reply = stranger.get(page).await;

        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{page}");
        assert_eq!(reply.location(), "/login", "{page}");
    }
}

/// A second clinic with an owner, a location and a patient, made through the application.
async fn second_clinic(app: &App) -> (Staff, LocationId, PatientId) {
    let (owner, location) = support::setup::other_owner_and_location(app).await;
    let patient = PatientInput {
        legal_first_name: Some("Noor".into()),
        legal_last_name: Some("Haddad".into()),
        ..PatientInput::default()
    };
    let patient = app.create_patient(&owner, &patient).await.unwrap();
    (owner, location, patient.id)
}

async fn another_clinics_location_and_patient_are_not_found(db: TestDb) {
    let (app, mut browser) = signed_in_owner(&db).await;
    let (other, location, patient) = second_clinic(&app).await;

    let location_page = browser.get(&format!("/locations/{location}")).await;
    let patient_page = browser.get(&format!("/patients/{patient}")).await;
    browser.get("/patients/new").await;
    let overwrite = browser
        .post(&format!("/patients/{patient}"), &patient_fields("X", ""))
        .await;

    assert_eq!(location_page.status, StatusCode::NOT_FOUND);
    assert!(location_page.body.contains("Page not found"));
    assert!(!location_page.body.contains("Harbour"));
    assert_eq!(patient_page.status, StatusCode::NOT_FOUND);
    assert_eq!(overwrite.status, StatusCode::NOT_FOUND);
    let unchanged = app.patient(&other, &patient).await.unwrap();
    assert_eq!(unchanged.fields.legal_first_name, "Noor");
}

async fn an_owner_set_up_link_works_once_and_unknown_links_are_not_found(db: TestDb) {
    let app = test_app(&db);
    let (_, secret) = app.create_clinic("Harbour Wellness").await.unwrap();
    let mut browser = Browser::new(&app);
    let path = format!("/setup/{secret}");

    let unknown = browser.get("/setup/not-a-real-link").await;
    let form = browser.get(&path).await;
    let fields = [
        ("owner_name", "Sam Roy"),
        ("email", "sam@harbour.example"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    let finished = browser.post(&path, &fields).await;
    let home = browser.get("/").await;
    let again = browser.get(&path).await;

    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(form.body.contains("Set up Harbour Wellness"));
    assert_eq!(finished.location(), "/");
    assert!(home.body.contains("Harbour Wellness"));
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

async fn the_style_sheet_is_served_for_long_caching_and_pages_link_to_it(db: TestDb) {
    let app = test_app(&db);
    let mut browser = Browser::new(&app);

    let page = browser.get("/setup").await;
    let href = page
        .body
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .unwrap();
    let href = href.split('"').next().unwrap().to_owned();
    let css = browser.get(&href).await;

    assert!(href.starts_with("/static/knead.css?v="));
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert!(
        css.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.body.contains(":focus-visible"));
}

on_both_backends!(
    first_start_creates_the_clinic_and_signs_the_owner_in,
    the_owner_signs_out_and_back_in,
    set_up_refuses_different_passwords_and_keeps_what_was_typed,
    a_form_without_the_right_csrf_token_is_refused_and_nothing_is_written,
    a_sign_in_form_without_its_cookie_token_is_refused,
    a_wrong_password_is_refused_and_after_five_failures_sign_in_waits,
    clinic_settings_are_saved_and_shown_again,
    a_location_is_added_and_edited,
    a_room_is_added_renamed_and_taken_out_of_use,
    an_unknown_zone_and_province_are_refused_beside_their_fields,
    a_room_without_a_name_is_refused_beside_the_new_room_field,
    a_practitioner_is_added_with_locations_and_registrations,
    a_practitioners_locations_and_registrations_can_be_cleared,
    a_registration_error_is_shown_on_its_own_row,
    a_service_is_added_with_its_practitioners,
    a_service_is_edited_and_listed_with_its_new_length_and_price,
    negative_or_wordy_numbers_on_a_service_are_refused_beside_their_fields,
    a_patient_is_added_found_and_edited,
    a_second_patient_with_the_same_email_is_refused_beside_the_email,
    a_token_secret_is_shown_once,
    a_revoked_token_is_listed_as_revoked,
    an_unknown_role_for_a_token_is_refused_beside_the_role,
    every_page_sends_a_signed_out_visitor_to_sign_in,
    another_clinics_location_and_patient_are_not_found,
    an_owner_set_up_link_works_once_and_unknown_links_are_not_found,
    the_style_sheet_is_served_for_long_caching_and_pages_link_to_it,
);
