//! Server-rendered pages for staff: first set-up and sign-in, the clinic's setup (clinic,
//! locations and rooms, practitioners, services), patients and API tokens.
//!
//! Handlers are thin: read the request, call one use case, render a template. Every form
//! posts a CSRF token (checked by [`crate::auth::csrf_guard`]); a success answers with a 303
//! redirect, a refusal re-renders the form with 422 and a message beside each bad field.

mod assets;
mod audit;
mod clinic;
mod consents;
mod errors;
mod form;
mod home;
mod intake;
mod intake_forms;
mod locations;
mod my_sessions;
mod notes;
mod options;
mod patient_export;
mod patient_record;
mod patient_tabs;
mod patients;
mod permissions;
mod practitioners;
mod schedule;
mod services;
mod session;
mod signin;
mod staff;
mod tokens;
mod view;

pub(crate) use errors::error_page;

use crate::AppState;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;

/// Every page route, behind the CSRF check and the pages' security headers.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(assets::routes())
        .merge(session::routes())
        .merge(signin::routes())
        .merge(home::routes())
        .merge(clinic::routes())
        .merge(locations::routes())
        .merge(practitioners::routes())
        .merge(services::routes())
        .merge(patients::routes())
        .merge(audit::routes())
        .merge(intake::routes())
        .merge(intake_forms::routes())
        .merge(patient_record::routes())
        .merge(consents::routes())
        .merge(schedule::routes())
        .merge(tokens::routes())
        .merge(staff::routes())
        .merge(permissions::routes())
        .merge(my_sessions::routes())
        .merge(patient_export::routes())
        .merge(notes::routes())
        .fallback(errors::not_found)
        .layer(middleware::from_fn_with_state(
            state,
            crate::auth::csrf_guard,
        ))
        .layer(middleware::from_fn(page_headers))
}

/// Pages show patients' details and one-time secrets: no cache keeps them, no other site
/// frames them, and only our own styles and forms are allowed.
async fn page_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
