//! Calling the JSON API in process as a clinic with an owner token.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use knead_app::auth::OwnerSignup;
use knead_app::{App, Clock};
use knead_domain::Role;
use knead_testkit::TestDb;
use knead_web::WebConfig;
use serde_json::Value;
use tower::ServiceExt;

/// A clinic with an owner, a router, and an owner token for the API.
#[derive(Clone)]
pub struct Clinic {
    pub router: axum::Router,
    pub app: App,
    pub token: String,
}

/// Thursday 2026-12-03 at 10:00 in Toronto: the fixed "now" of API tests.
pub fn clock() -> Clock {
    Clock::fixed("2026-12-03T15:00:00Z".parse().unwrap())
}

/// Sets up a clinic through first start and gives its owner an API token.
pub async fn first_clinic(db: &TestDb, clock: Clock) -> Clinic {
    let app = App::new(db.store.clone(), clock);
    let signup = OwnerSignup {
        clinic_name: "Harbour Massage".into(),
        owner_name: "Maude Ouellet".into(),
        email: "owner@harbour.example".into(),
        password: "a long enough password".into(),
        password_confirm: None,
    };
    app.first_setup(&signup).await.unwrap();
    let (_, _, token) = app
        .create_owner_token(None, "tests", Role::Owner)
        .await
        .unwrap();
    let router = knead_web::router(app.clone(), WebConfig::default());
    Clinic { router, app, token }
}

/// A second clinic on the same host, created the way `knead clinic create` does.
pub async fn second_clinic(first: &Clinic) -> Clinic {
    let (clinic, secret) = first.app.create_clinic("Westside Wellness").await.unwrap();
    let signup = OwnerSignup {
        owner_name: "Dev Patel".into(),
        email: "owner@westside.example".into(),
        password: "another long password".into(),
        ..OwnerSignup::default()
    };
    first.app.finish_setup(&secret, &signup).await.unwrap();
    let (_, _, token) = first
        .app
        .create_owner_token(Some(&clinic.slug), "tests", Role::Owner)
        .await
        .unwrap();
    Clinic {
        router: first.router.clone(),
        app: first.app.clone(),
        token,
    }
}

/// Calls the API as the clinic's token, with an optional JSON body.
pub async fn call(
    clinic: &Clinic,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {}", clinic.token));
    let body = match body {
        Some(json) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    send(&clinic.router, request.body(body).unwrap()).await
}

/// Sends a request and reads the JSON answer (`null` when the body is not JSON).
pub async fn send(router: &axum::Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}
