//! The permission matrix: for every page route and every API route, and for every role,
//! whether the role is allowed or denied under the default policy. Run on both backends.
//!
//! **Allow** means the answer is not a permission refusal: not 401, not 403, and (pages) not
//! a redirect to sign-in. Ids in paths are made up, so an allowed request may well answer
//! 404, 409 or 422; that is the handler doing its work after the permission check passed.
//! Knead never answers a permission refusal with 404: use cases check the permission before
//! they look anything up, so a refused role cannot tell whether an id exists.
//!
//! **Deny** (`-`) means exactly 403 Forbidden, for a signed-in person (pages) or a valid
//! token (API) whose role lacks the permission.
//!
//! **Deny, answered earlier** (`x`): denied, but the handler answers this made-up request
//! before it reaches the use case's permission check (404 for the made-up id, 422 for the
//! empty form, or the booking page's "add a location first"). The test then asserts only
//! that the request did not succeed (no redirect, no 2xx from the API).
// Known shortcoming: `x` rows are weaker than `-` rows. Giving them real records and a valid
// form (a room, an appointment, hours for a practitioner, a patient, a consent kind) would let
// them assert 403 too.
//!
//! `PUBLIC` routes (sign-in, first set-up, the style sheet, health, the OpenAPI document)
//! need no sign-in; they are listed so that coverage is complete, and their behaviour is
//! tested where they are built.
//!
//! **Adding a route without a row fails this test.** API rows are compared with the paths
//! and methods of the OpenAPI document; page rows with the routes the real router serves
//! (see [`served_routes`]). To add a row: the method, the path pattern exactly as routed, and
//! the roles allowed, one letter each in the order Owner, Manager, Front desk, Practitioner,
//! Bookkeeper, with `-` for a denied role.

mod support;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use knead_app::App;
use knead_app::staff::NewStaff;
use knead_domain::Role;
use knead_testkit::{TestDb, on_both_backends};
use std::collections::BTreeSet;
use support::pages::*;

const PUBLIC: &str = "public";
const EVERYONE: &str = "OMFPB";

/// Every page route: method, path, roles allowed.
const PAGES: &[(&str, &str, &str)] = &[
    ("GET", "/static/knead.css", PUBLIC),
    ("GET", "/healthz", PUBLIC),
    ("GET", "/login", PUBLIC),
    ("POST", "/login", PUBLIC),
    ("GET", "/setup", PUBLIC),
    ("POST", "/setup", PUBLIC),
    ("GET", "/setup/{secret}", PUBLIC),
    ("POST", "/setup/{secret}", PUBLIC),
    ("POST", "/logout", EVERYONE),
    ("GET", "/", EVERYONE),
    // The clinic's setup.
    ("GET", "/settings/clinic", EVERYONE),
    ("POST", "/settings/clinic", "OM---"),
    ("GET", "/locations", EVERYONE),
    ("POST", "/locations", "OM---"),
    ("GET", "/locations/new", EVERYONE),
    ("GET", "/locations/{id}", EVERYONE),
    ("POST", "/locations/{id}", "OM---"),
    ("POST", "/locations/{id}/rooms", "OM---"),
    ("POST", "/rooms/{id}", "OMxxx"),
    ("GET", "/practitioners", EVERYONE),
    ("POST", "/practitioners", "OM---"),
    ("GET", "/practitioners/new", EVERYONE),
    ("GET", "/practitioners/{id}", EVERYONE),
    ("POST", "/practitioners/{id}", "OM---"),
    ("GET", "/services", EVERYONE),
    ("POST", "/services", "OM---"),
    ("GET", "/services/new", EVERYONE),
    ("GET", "/services/{id}", EVERYONE),
    ("POST", "/services/{id}", "OM---"),
    // Patients.
    ("GET", "/patients", EVERYONE),
    ("POST", "/patients", "OMFP-"),
    ("GET", "/patients/new", EVERYONE),
    ("GET", "/patients/{id}", EVERYONE),
    ("POST", "/patients/{id}", "OMFP-"),
    ("GET", "/patients/export.csv", "OM---"),
    // The schedule.
    ("GET", "/schedule", EVERYONE),
    ("GET", "/schedule/week", EVERYONE),
    ("GET", "/schedule/book", EVERYONE),
    ("POST", "/schedule/book", "OMFPx"),
    ("GET", "/schedule/appointments/{id}", EVERYONE),
    ("POST", "/schedule/appointments/{id}/cancel", "OMFPx"),
    ("POST", "/schedule/appointments/{id}/move", "OMFPx"),
    ("POST", "/schedule/appointments/{id}/status", "OMFPx"),
    ("GET", "/schedule/hours", EVERYONE),
    ("POST", "/schedule/hours", "OMxxx"),
    ("GET", "/schedule/exceptions", EVERYONE),
    ("POST", "/schedule/exceptions", "OMxxx"),
    ("POST", "/schedule/exceptions/{id}/remove", "OM---"),
    ("GET", "/schedule/closures", EVERYONE),
    ("POST", "/schedule/closures", "OMxxx"),
    ("POST", "/schedule/closures/{id}/remove", "OM---"),
    ("GET", "/schedule/holidays", EVERYONE),
    ("POST", "/schedule/holidays", "OM---"),
    ("POST", "/schedule/holidays/open", "OM---"),
    ("POST", "/schedule/holidays/undo", "OM---"),
    ("GET", "/schedule/policy", EVERYONE),
    ("POST", "/schedule/policy", "OM---"),
    // Tokens, staff, permissions, sessions.
    ("GET", "/settings/tokens", "OM---"),
    ("POST", "/settings/tokens", "OM---"),
    ("POST", "/settings/tokens/{id}/revoke", "OM---"),
    ("GET", "/settings/staff", "O----"),
    ("POST", "/settings/staff", "O----"),
    ("GET", "/settings/staff/{id}", "O----"),
    ("POST", "/settings/staff/{id}/role", "O----"),
    ("POST", "/settings/staff/{id}/practitioner", "O----"),
    ("POST", "/settings/staff/{id}/deactivate", "O----"),
    ("POST", "/settings/staff/{id}/reactivate", "O----"),
    ("POST", "/settings/staff/{id}/sessions/end", "O----"),
    ("GET", "/settings/permissions", "O----"),
    ("POST", "/settings/permissions", "O----"),
    ("GET", "/settings/sessions", EVERYONE),
    ("POST", "/settings/sessions/{id}/revoke", EVERYONE),
    // Two-factor sign-in, password reset, sign-in rules and the outbox.
    ("GET", "/login/code", PUBLIC),
    ("POST", "/login/code", PUBLIC),
    ("GET", "/password/forgot", PUBLIC),
    ("POST", "/password/forgot", PUBLIC),
    ("GET", "/password/reset/{token}", PUBLIC),
    ("POST", "/password/reset/{token}", PUBLIC),
    ("GET", "/account/two-factor", EVERYONE),
    ("POST", "/account/two-factor/start", EVERYONE),
    ("POST", "/account/two-factor/confirm", EVERYONE),
    ("POST", "/account/two-factor/disable", EVERYONE),
    ("GET", "/settings/sign-in", "O----"),
    ("POST", "/settings/sign-in", "O----"),
    ("GET", "/settings/outbox", "OM---"),
    // The audit trail.
    ("GET", "/patients/{id}/access", "OM---"),
    ("GET", "/audit", "OM---"),
    // The patient record and health history.
    ("POST", "/patients/{id}/insurance", "OMFP-"),
    ("POST", "/patients/{id}/insurance/{plan}/up", "OMFPx"),
    ("POST", "/patients/{id}/insurance/{plan}/down", "OMFPx"),
    ("POST", "/patients/{id}/insurance/{plan}/remove", "OMFP-"),
    ("GET", "/patients/{id}/intake", "OxxPx"),
    ("POST", "/patients/{id}/intake", "OMFP-"),
    ("GET", "/settings/intake-forms", EVERYONE),
    ("GET", "/settings/intake-forms/{id}", EVERYONE),
    ("POST", "/settings/intake-forms/{id}", "OMxxx"),
    // Consents and the lockbox.
    ("GET", "/patients/{id}/consents", "OMFPx"),
    ("POST", "/patients/{id}/consents", "OMFP-"),
    ("GET", "/patients/{id}/consents/{consent}/withdraw", "OMFP-"),
    (
        "POST",
        "/patients/{id}/consents/{consent}/withdraw",
        "OMFP-",
    ),
    ("GET", "/patients/{id}/lockbox", "OMFPx"),
    ("POST", "/patients/{id}/lockbox", "OMFP-"),
    ("GET", "/patients/{id}/lockbox/{block}/lift", "OMFP-"),
    ("POST", "/patients/{id}/lockbox/{block}/lift", "OMFP-"),
    ("GET", "/settings/consents", "OMFP-"),
    ("POST", "/settings/consents/wordings/{kind}", "OMxxx"),
    ("POST", "/settings/consents/rules", "OM---"),
    // Charting.
    ("GET", "/patients/{id}/chart", "O--P-"),
    ("POST", "/patients/{id}/chart/shares", "O----"),
    ("POST", "/patients/{id}/chart/shares/{user}/remove", "O----"),
    ("GET", "/schedule/appointments/{id}/chart", "O--P-"),
    ("POST", "/schedule/appointments/{id}/chart", "O--P-"),
    ("GET", "/notes/{id}", "O--P-"),
    ("POST", "/notes/{id}", "O--P-"),
    ("POST", "/notes/{id}/amend", "O--P-"),
    ("GET", "/settings/charting", "O--P-"),
    ("POST", "/settings/charting", "O----"),
    ("POST", "/settings/charting/templates", "O--P-"),
    ("GET", "/settings/charting/templates/new", "O--P-"),
    ("GET", "/settings/charting/templates/{id}", "O--P-"),
    ("POST", "/settings/charting/templates/{id}", "O--P-"),
];

/// Every API route: method, path, roles allowed (the role of the token).
const API: &[(&str, &str, &str)] = &[
    ("GET", "/api/openapi.json", PUBLIC),
    ("GET", "/api/v1/clinic", EVERYONE),
    ("PUT", "/api/v1/clinic", "OM---"),
    ("GET", "/api/v1/locations", EVERYONE),
    ("POST", "/api/v1/locations", "OM---"),
    ("GET", "/api/v1/locations/{id}", EVERYONE),
    ("PUT", "/api/v1/locations/{id}", "OM---"),
    ("GET", "/api/v1/locations/{id}/rooms", EVERYONE),
    ("POST", "/api/v1/locations/{id}/rooms", "OM---"),
    ("GET", "/api/v1/rooms", EVERYONE),
    ("GET", "/api/v1/rooms/{id}", EVERYONE),
    ("PUT", "/api/v1/rooms/{id}", "OM---"),
    ("GET", "/api/v1/practitioners", EVERYONE),
    ("POST", "/api/v1/practitioners", "OM---"),
    ("GET", "/api/v1/practitioners/{id}", EVERYONE),
    ("PUT", "/api/v1/practitioners/{id}", "OM---"),
    ("GET", "/api/v1/services", EVERYONE),
    ("POST", "/api/v1/services", "OM---"),
    ("GET", "/api/v1/services/{id}", EVERYONE),
    ("PUT", "/api/v1/services/{id}", "OM---"),
    ("GET", "/api/v1/patients", EVERYONE),
    ("POST", "/api/v1/patients", "OMFP-"),
    ("GET", "/api/v1/patients/{id}", EVERYONE),
    ("PUT", "/api/v1/patients/{id}", "OMFP-"),
    ("GET", "/api/v1/tokens", "OM---"),
    ("POST", "/api/v1/tokens", "OMxxx"),
    ("DELETE", "/api/v1/tokens/{id}", "OM---"),
    ("GET", "/api/v1/availability", EVERYONE),
    ("GET", "/api/v1/appointments", EVERYONE),
    ("POST", "/api/v1/appointments", "OMFP-"),
    ("GET", "/api/v1/appointments/{id}", EVERYONE),
    ("POST", "/api/v1/appointments/{id}/reschedule", "OMFP-"),
    ("POST", "/api/v1/appointments/{id}/cancel", "OMFP-"),
    ("POST", "/api/v1/appointments/{id}/status", "OMFP-"),
    ("POST", "/api/v1/appointment-series", "OMFP-"),
    ("GET", "/api/v1/booking-policy", EVERYONE),
    ("PUT", "/api/v1/booking-policy", "OM---"),
    ("GET", "/api/v1/practitioners/{id}/hours", EVERYONE),
    (
        "PUT",
        "/api/v1/practitioners/{id}/hours/{location_id}",
        "OM---",
    ),
    ("GET", "/api/v1/schedule-exceptions", EVERYONE),
    ("POST", "/api/v1/schedule-exceptions", "OM---"),
    ("DELETE", "/api/v1/schedule-exceptions/{id}", "OM---"),
    ("GET", "/api/v1/locations/{id}/closures", EVERYONE),
    ("POST", "/api/v1/locations/{id}/closures", "OM---"),
    ("DELETE", "/api/v1/closures/{id}", "OM---"),
    ("GET", "/api/v1/holidays", EVERYONE),
    ("PUT", "/api/v1/holidays/{province}/{date}", "OM---"),
    // The audit trail.
    ("GET", "/api/v1/patients/{id}/access", "OM---"),
    ("GET", "/api/v1/audit", "OM---"),
    // Consents and the lockbox.
    ("GET", "/api/v1/patients/{id}/consents", "OMFP-"),
    ("POST", "/api/v1/patients/{id}/consents", "OMFP-"),
    (
        "POST",
        "/api/v1/patients/{id}/consents/{consent_id}/withdrawal",
        "OMFP-",
    ),
    ("GET", "/api/v1/patients/{id}/messaging-consent", "OMFPx"),
    ("POST", "/api/v1/patients/{id}/lockbox", "OMFP-"),
    (
        "POST",
        "/api/v1/patients/{id}/lockbox/{block_id}/lift",
        "OMFP-",
    ),
    ("GET", "/api/v1/consent-wordings", "OMFP-"),
    ("POST", "/api/v1/consent-wordings", "OM---"),
    // Charting.
    ("GET", "/api/v1/patients/{id}/notes", "O--P-"),
    ("POST", "/api/v1/notes", "OxxPx"),
    ("GET", "/api/v1/notes/{id}", "O--P-"),
    ("PUT", "/api/v1/notes/{id}", "O--P-"),
    ("PATCH", "/api/v1/notes/{id}", "O--P-"),
    ("POST", "/api/v1/notes/{id}/sign", "O--P-"),
    ("POST", "/api/v1/notes/{id}/amendments", "O--P-"),
    ("GET", "/api/v1/note-templates", "O--P-"),
    ("POST", "/api/v1/note-templates", "O--P-"),
    ("PUT", "/api/v1/note-templates/{id}", "O--P-"),
    ("GET", "/api/v1/chart-settings", "O--P-"),
    ("PUT", "/api/v1/chart-settings", "O----"),
    // The patient record and health history.
    ("GET", "/api/v1/patients/{id}/record", EVERYONE),
    ("POST", "/api/v1/patients/{id}/guardians", "OMFP-"),
    (
        "DELETE",
        "/api/v1/patients/{id}/guardians/{guardian_id}",
        "OMFP-",
    ),
    ("POST", "/api/v1/family-links", "OMFP-"),
    (
        "DELETE",
        "/api/v1/patients/{id}/family-links/{link_id}",
        "OMFP-",
    ),
    ("POST", "/api/v1/patients/{id}/insurance", "OMFP-"),
    ("PUT", "/api/v1/patients/{id}/insurance/order", "OMFPx"),
    (
        "DELETE",
        "/api/v1/patients/{id}/insurance/{plan_id}",
        "OMFP-",
    ),
    ("GET", "/api/v1/intake-forms", EVERYONE),
    ("POST", "/api/v1/intake-forms", "OM---"),
    ("GET", "/api/v1/intake-forms/{form_id}", EVERYONE),
    ("PUT", "/api/v1/intake-forms/{form_id}", "OM---"),
    ("GET", "/api/v1/patients/{id}/intakes", "O--P-"),
    ("POST", "/api/v1/patients/{id}/intakes", "OMFPx"),
    ("GET", "/api/v1/patients/{id}/flags", "O--P-"),
];

/// The roles in the order of the matrix's letters.
const ROLES: [Role; 5] = [
    Role::Owner,
    Role::Manager,
    Role::FrontDesk,
    Role::Practitioner,
    Role::Bookkeeper,
];

/// Whether the row's roles (`"OM---"`) allow the role in column `column`.
fn allows(roles: &str, column: usize) -> bool {
    letter(roles, column).is_ascii_uppercase()
}

fn letter(roles: &str, column: usize) -> u8 {
    assert_eq!(roles.len(), 5, "a row's roles are five letters: {roles}");
    roles.as_bytes()[column]
}

/// A path with its parameters filled with values of the right shape that name nothing.
fn concrete(path: &str) -> String {
    path.replace("{province}", "ON")
        .replace("{date}", "2026-12-25")
        .split('/')
        .map(|part| {
            if part.starts_with('{') {
                "0190f2a4-0000-7000-8000-000000000000"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The (method, path) of every route the router serves, read from its `Debug` output: axum
/// offers no list of routes, but the table it prints is the one it routes by, so every
/// route of every module is here, including ones added after this test was written. Should
/// an axum upgrade change the format, the assertions below fail rather than pass empty.
fn served_routes(router: &axum::Router) -> BTreeSet<(String, String)> {
    let text = format!("{router:?}");
    let main = text.split("fallback_router:").next().unwrap();
    let compact: String = main.chars().filter(|c| !c.is_whitespace()).collect();
    let mut methods = std::collections::BTreeMap::new();
    let mut paths = std::collections::BTreeMap::new();
    for piece in compact.split("RouteId(").skip(1) {
        let (id, rest) = piece.split_once("):").unwrap();
        let id = id.trim_end_matches(',');
        if let Some(path) = rest.strip_prefix('"') {
            paths.insert(id.to_owned(), path.split('"').next().unwrap().to_owned());
        } else if let Some((_, allow)) = rest.split_once("allow_header:Bytes(b\"") {
            methods.insert(id.to_owned(), allow.split('"').next().unwrap().to_owned());
        }
    }
    let mut routes = BTreeSet::new();
    for (id, path) in paths {
        let allow = methods
            .get(&id)
            .unwrap_or_else(|| panic!("no methods for {path}"));
        for method in allow.split(',').filter(|m| *m != "HEAD") {
            routes.insert((method.to_owned(), path.clone()));
        }
    }
    assert!(routes.len() > 50, "too few routes found: {routes:?}");
    assert!(routes.contains(&("GET".into(), "/patients".into())));
    routes
}

/// The (method, path) pairs of the OpenAPI document the server hands out.
async fn documented_routes(router: &axum::Router) -> BTreeSet<(String, String)> {
    let request = Request::get("/api/openapi.json")
        .body(Body::empty())
        .unwrap();
    let (status, document) = support::api::send(router, request).await;
    assert_eq!(status, StatusCode::OK);
    let mut routes = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let method = method.to_uppercase();
            if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
                routes.insert((method, path.clone()));
            }
        }
    }
    routes
}

fn rows(table: &[(&str, &str, &str)]) -> BTreeSet<(String, String)> {
    let set: BTreeSet<_> = table
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(set.len(), table.len(), "a row appears twice");
    set
}

fn missing(from: &BTreeSet<(String, String)>, seen: &BTreeSet<(String, String)>) -> Vec<String> {
    from.difference(seen)
        .map(|(m, p)| format!("{m} {p}"))
        .collect()
}

async fn every_api_route_in_the_openapi_document_has_a_row_and_no_row_is_stale(db: TestDb) {
    let router = knead_web::router(test_app(&db), knead_web::WebConfig::default());
    let documented = documented_routes(&router).await;
    let table: BTreeSet<_> = rows(API)
        .into_iter()
        .filter(|(_, p)| p.starts_with("/api/v1/"))
        .collect();

    assert_eq!(
        missing(&documented, &table),
        Vec::<String>::new(),
        "API routes without a row"
    );
    assert_eq!(
        missing(&table, &documented),
        Vec::<String>::new(),
        "rows of no API route"
    );
}

async fn every_route_the_router_serves_has_a_row(db: TestDb) {
    let app = test_app(&db);
    let router = knead_web::router(app, knead_web::WebConfig::default());
    let served = served_routes(&router);
    let mut table = rows(PAGES);
    table.extend(rows(API));

    assert_eq!(
        missing(&served, &table),
        Vec::<String>::new(),
        "routes without a row"
    );
    assert_eq!(
        missing(&table, &served),
        Vec::<String>::new(),
        "rows of no route"
    );
}

/// The clinic with one signed-in browser and one API token per role.
struct People {
    browsers: Vec<Browser>,
    tokens: Vec<String>,
    router: axum::Router,
}

async fn people(db: &TestDb) -> (App, People) {
    let (app, mut owner_browser) = signed_in_owner(db).await;
    owner_browser.get("/settings/sessions").await;
    let owner = app
        .sign_in(OWNER_EMAIL, PASSWORD, "127.0.0.1")
        .await
        .unwrap();
    let mut browsers = vec![owner_browser];
    for role in &ROLES[1..] {
        let input = NewStaff {
            name: format!("Staff {}", role.as_str()),
            email: email_of(*role),
            role: role.as_str().into(),
            password: PASSWORD.into(),
        };
        app.add_staff(&owner.staff, &input).await.unwrap();
        browsers.push(signed_in(&app, &email_of(*role)).await);
    }
    let mut tokens = Vec::new();
    for role in ROLES {
        let made = app.create_owner_token(None, role.as_str(), role).await;
        tokens.push(made.unwrap().2);
    }
    let router = knead_web::router(app.clone(), knead_web::WebConfig::default());
    let people = People {
        browsers,
        tokens,
        router,
    };
    (app, people)
}

fn email_of(role: Role) -> String {
    format!("{}@annex.example", role.as_str())
}

async fn signed_in(app: &App, email: &str) -> Browser {
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

fn is_refusal(reply: &Reply) -> bool {
    let to_login = reply.status.is_redirection() && reply.location().starts_with("/login");
    matches!(
        reply.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ) || to_login
}

async fn every_page_route_allows_and_denies_each_role_as_the_matrix_says(db: TestDb) {
    let (app, mut people) = people(&db).await;
    let mut wrong = Vec::new();
    let mut forms: Vec<Option<String>> = people.browsers.iter().map(|b| b.csrf.clone()).collect();

    for (method, path, roles) in PAGES.iter().filter(|(_, _, r)| *r != PUBLIC) {
        for (column, role) in ROLES.iter().enumerate() {
            let browser = &mut people.browsers[column];
            let target = concrete(path);
            // A public page seen before may have left the signed-out form token behind.
            browser.csrf = forms[column].clone();
            let reply = match *method {
                "GET" => browser.get(&target).await,
                _ => browser.post(&target, &[]).await,
            };
            let signed_out = *path == "/logout" && reply.location() == "/login";
            let verdict = if allows(roles, column) {
                (signed_out || !is_refusal(&reply))
                    .then_some(())
                    .ok_or("allow")
            } else if letter(roles, column) == b'x' {
                (!reply.status.is_redirection())
                    .then_some(())
                    .ok_or("deny (answered earlier)")
            } else {
                (reply.status == StatusCode::FORBIDDEN)
                    .then_some(())
                    .ok_or("deny")
            };
            if let Err(expected) = verdict {
                wrong.push(format!(
                    "{method} {path} as {}: expected {expected}, got {}",
                    role.as_str(),
                    reply.status
                ));
            }
            if *path == "/logout" {
                *browser = signed_in(&app, &email_of_column(column)).await;
                forms[column] = browser.csrf.clone();
            }
        }
    }

    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn email_of_column(column: usize) -> String {
    match column {
        0 => OWNER_EMAIL.to_owned(),
        n => email_of(ROLES[n]),
    }
}

async fn every_api_route_allows_and_denies_each_role_as_the_matrix_says(db: TestDb) {
    let (_app, people) = people(&db).await;
    let mut wrong = Vec::new();

    for (method, path, roles) in API.iter().filter(|(_, _, r)| *r != PUBLIC) {
        for (column, role) in ROLES.iter().enumerate() {
            let status = call(&people, method, path, &people.tokens[column]).await;
            let refused = matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN);
            let verdict = if allows(roles, column) {
                (!refused).then_some(()).ok_or("allow")
            } else if letter(roles, column) == b'x' {
                (!status.is_success())
                    .then_some(())
                    .ok_or("deny (answered earlier)")
            } else {
                (status == StatusCode::FORBIDDEN)
                    .then_some(())
                    .ok_or("deny")
            };
            if let Err(expected) = verdict {
                wrong.push(format!(
                    "{method} {path} as a {} token: expected {expected}, got {status}",
                    role.as_str()
                ));
            }
        }
    }

    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

async fn call(people: &People, method: &str, path: &str, token: &str) -> StatusCode {
    let method: Method = method.parse().unwrap();
    let mut request = Request::builder()
        .method(method.clone())
        .uri(concrete(path))
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let body = if method == Method::GET || method == Method::DELETE {
        Body::empty()
    } else {
        request = request.header(header::CONTENT_TYPE, "application/json");
        Body::from("{}")
    };
    let (status, _) = support::api::send(&people.router, request.body(body).unwrap()).await;
    status
}

async fn api_routes_refuse_requests_without_a_token(db: TestDb) {
    let (_app, people) = people(&db).await;

    for (method, path, roles) in API.iter().filter(|(_, _, r)| *r != PUBLIC) {
        let status = call(&people, method, path, "knd_not_a_token").await;

        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} ({roles})"
        );
    }
}

on_both_backends!(
    every_api_route_in_the_openapi_document_has_a_row_and_no_row_is_stale,
    every_route_the_router_serves_has_a_row,
    every_page_route_allows_and_denies_each_role_as_the_matrix_says,
    every_api_route_allows_and_denies_each_role_as_the_matrix_says,
    api_routes_refuse_requests_without_a_token,
);
