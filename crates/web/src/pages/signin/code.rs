//! The second step of signing in: after the password, a code from the authenticator app or
//! a recovery code. The pending sign-in lives in its own short cookie, which is not a session
//! and opens no other page.

use super::super::errors::PageResult;
use super::super::form::{Form, Labels};
use super::super::session::{
    ClientIp, anon_csrf, signed_in_redirect, throttled_login, with_anon_csrf,
};
use super::super::view::{render, see_other};
use crate::AppState;
use crate::auth::{cookie_value, set_cookie};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;
use axum::routing::get;
use knead_app::AppError;

/// The cookie that carries a pending sign-in's token.
const PENDING_COOKIE: &str = "knead_pending";

const LABELS: Labels = &[("code", "Code")];

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/login/code", get(code_form).post(submit_code))
}

#[derive(Template)]
#[template(path = "signin_code.html")]
struct CodePage {
    form: Form,
    csrf: String,
}

/// The answer to a right password when a code is still needed: keep the pending sign-in in
/// its cookie and ask for the code.
pub(crate) fn code_needed(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    expires_at: i64,
) -> Response {
    let lifetime = expires_at - state.app.clock().epoch();
    let cookie = set_cookie(state, headers, PENDING_COOKIE, token, lifetime);
    let mut response = see_other("/login/code");
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

async fn code_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let Some(token) = cookie_value(&headers, PENDING_COOKIE) else {
        return Ok(see_other("/login"));
    };
    if !state.app.pending_sign_in(&token).await? {
        return Ok(expired(&state, &headers));
    }
    code_page(&state, &headers, Form::new(LABELS))
}

async fn submit_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let client = knead_app::auth::Client {
        ip: &ip,
        user_agent,
    };
    let Some(token) = cookie_value(&headers, PENDING_COOKIE) else {
        return Ok(see_other("/login"));
    };
    let form = Form::posted(LABELS, &body);
    match state
        .app
        .finish_sign_in(&token, form.value("code"), &client)
        .await
    {
        Ok(signed_in) => {
            let mut response = signed_in_redirect(&state, &headers, &signed_in);
            let cleared = set_cookie(&state, &headers, PENDING_COOKIE, "", 0);
            response.headers_mut().append(header::SET_COOKIE, cleared);
            Ok(response)
        }
        Err(AppError::Unauthenticated) => Ok(expired(&state, &headers)),
        Err(AppError::Throttled {
            retry_after_seconds,
        }) => {
            let login = Form::new(&[("email", "Email"), ("password", "Password")]);
            throttled_login(&state, &headers, login, retry_after_seconds)
        }
        Err(error) => code_page(&state, &headers, form.without("code").rejected(error)?),
    }
}

/// The pending sign-in is over: start again from the password.
fn expired(state: &AppState, headers: &HeaderMap) -> Response {
    let mut response = see_other("/login?saved=expired");
    let cleared = set_cookie(state, headers, PENDING_COOKIE, "", 0);
    response.headers_mut().append(header::SET_COOKIE, cleared);
    response
}

fn code_page(state: &AppState, headers: &HeaderMap, form: Form) -> PageResult {
    let csrf = anon_csrf(headers);
    let status = form.status();
    let page = CodePage { form, csrf };
    with_anon_csrf(state, headers, &page.csrf, render(status, &page)?)
}
