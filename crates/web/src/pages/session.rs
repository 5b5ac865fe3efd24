//! Getting in and out: first-start set-up, the one-time owner set-up link of a clinic made
//! from the command line, sign-in and sign-out.
//!
//! Before sign-in there is no session to hold a CSRF token, so these forms carry the
//! double-submit cookie's token instead.

use super::errors::{PageResult, wait_text};
use super::form::{Form, Labels};
use super::view::{PageQuery, clinic_name, render, see_other};
use crate::AppState;
use crate::auth::{ANON_CSRF_COOKIE, SESSION_COOKIE, Signed, client_ip, cookie_value, set_cookie};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use knead_app::AppError;
use knead_app::auth::{OwnerSignup, SignedIn};
use knead_app::signin::SignInStep;
use std::convert::Infallible;

/// How long a signed-out form's CSRF cookie lives: a login page may stay open all day.
const ANON_CSRF_SECONDS: i64 = 24 * 3600;

const SETUP_LABELS: Labels = &[
    ("clinic_name", "Clinic name"),
    ("owner_name", "Your name"),
    ("email", "Email"),
    ("password", "Password"),
    ("password_confirm", "Password again"),
];

const LOGIN_LABELS: Labels = &[("email", "Email"), ("password", "Password")];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/setup", get(first_setup_form).post(first_setup))
        .route("/setup/{secret}", get(owner_setup_form).post(owner_setup))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    form: Form,
    csrf: String,
    action: String,
    /// The clinic a set-up link is for; `None` on first start, which asks for its name.
    clinic: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    form: Form,
    csrf: String,
    /// Said above the form after a password reset or an expired code step.
    notice: Option<&'static str>,
}

/// The client's network address, for sign-in throttling.
pub(super) struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Infallible> {
        Ok(ClientIp(client_ip(parts)))
    }
}

/// The signed-in staff member behind the request's cookie, if any.
pub(super) async fn current_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Signed>, AppError> {
    let Some(token) = cookie_value(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let view = state.app.session(&token).await?;
    Ok(view.map(|v| Signed {
        staff: v.staff,
        csrf: v.csrf_token,
    }))
}

async fn first_setup_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    if !state.app.needs_first_setup().await? {
        return Ok(see_other("/login"));
    }
    let form = Form::new(SETUP_LABELS);
    setup_page(&state, &headers, form, None, "/setup".to_owned())
}

async fn first_setup(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> PageResult {
    if !state.app.needs_first_setup().await? {
        return Ok(see_other("/login"));
    }
    let form = Form::posted(SETUP_LABELS, &body);
    match state.app.first_setup(&signup(&form)).await {
        Ok(signed_in) => Ok(signed_in_redirect(&state, &headers, &signed_in)),
        // Someone else finished set-up a moment earlier: there is a clinic to sign in to.
        Err(AppError::Conflict { .. }) => Ok(see_other("/login")),
        Err(error) => setup_page(
            &state,
            &headers,
            form.rejected(error)?,
            None,
            "/setup".into(),
        ),
    }
}

async fn owner_setup_form(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
) -> PageResult {
    let clinic = state.app.pending_setup(&secret).await?;
    let form = Form::new(SETUP_LABELS);
    let action = format!("/setup/{secret}");
    setup_page(&state, &headers, form, Some(clinic_name(&clinic)), action)
}

async fn owner_setup(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let clinic = state.app.pending_setup(&secret).await?;
    let form = Form::posted(SETUP_LABELS, &body);
    match state.app.finish_setup(&secret, &signup(&form)).await {
        Ok(signed_in) => Ok(signed_in_redirect(&state, &headers, &signed_in)),
        Err(error) => {
            let action = format!("/setup/{secret}");
            let name = Some(clinic_name(&clinic));
            setup_page(&state, &headers, form.rejected(error)?, name, action)
        }
    }
}

fn signup(form: &Form) -> OwnerSignup {
    OwnerSignup {
        clinic_name: form.value("clinic_name").to_owned(),
        owner_name: form.value("owner_name").to_owned(),
        email: form.value("email").to_owned(),
        password: form.value("password").to_owned(),
        password_confirm: Some(form.value("password_confirm").to_owned()),
    }
}

fn setup_page(
    state: &AppState,
    headers: &HeaderMap,
    form: Form,
    clinic: Option<String>,
    action: String,
) -> PageResult {
    let form = form.without("password").without("password_confirm");
    let csrf = anon_csrf(headers);
    let status = form.status();
    let page = SetupPage {
        form,
        csrf,
        action,
        clinic,
    };
    with_anon_csrf(state, headers, &page.csrf, render(status, &page)?)
}

async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> PageResult {
    if state.app.needs_first_setup().await? {
        return Ok(see_other("/setup"));
    }
    if current_session(&state, &headers).await?.is_some() {
        return Ok(see_other("/"));
    }
    let notice = match q.saved() {
        Some("password") => Some("Your password is changed. Sign in with it."),
        Some("expired") => Some("That sign-in took too long. Sign in again."),
        _ => None,
    };
    login_page_with(&state, &headers, Form::new(LOGIN_LABELS), notice)
}

async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> PageResult {
    let form = Form::posted(LOGIN_LABELS, &body);
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let client = knead_app::auth::Client {
        ip: &ip,
        user_agent,
    };
    let result = state
        .app
        .begin_sign_in(form.value("email"), form.value("password"), &client)
        .await;
    match result {
        Ok(SignInStep::Done(signed_in)) => Ok(signed_in_redirect(&state, &headers, &signed_in)),
        Ok(SignInStep::CodeNeeded { token, expires_at }) => Ok(super::signin::code_needed(
            &state, &headers, &token, expires_at,
        )),
        Err(AppError::Unauthenticated) => {
            let form = form.with_notice(StatusCode::UNAUTHORIZED, "Email or password is incorrect");
            login_page(&state, &headers, form)
        }
        Err(AppError::Throttled {
            retry_after_seconds,
        }) => throttled_login(&state, &headers, form, retry_after_seconds),
        Err(error) => Err(error.into()),
    }
}

pub(super) fn throttled_login(
    state: &AppState,
    headers: &HeaderMap,
    form: Form,
    seconds: i64,
) -> PageResult {
    let notice = format!(
        "Too many failed sign-ins. For your clinic's safety, sign-in is paused: wait {} and \
         try again.",
        wait_text(seconds)
    );
    let form = form.with_notice(StatusCode::TOO_MANY_REQUESTS, notice);
    let mut response = login_page(state, headers, form)?;
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Ok(response)
}

fn login_page(state: &AppState, headers: &HeaderMap, form: Form) -> PageResult {
    login_page_with(state, headers, form, None)
}

fn login_page_with(
    state: &AppState,
    headers: &HeaderMap,
    form: Form,
    notice: Option<&'static str>,
) -> PageResult {
    let form = form.without("password");
    let csrf = anon_csrf(headers);
    let status = form.status();
    let page = LoginPage { form, csrf, notice };
    with_anon_csrf(state, headers, &page.csrf, render(status, &page)?)
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    if let Some(token) = cookie_value(&headers, SESSION_COOKIE) {
        state.app.sign_out(&token).await?;
    }
    let mut response = see_other("/login");
    let cleared = set_cookie(&state, &headers, SESSION_COOKIE, "", 0);
    response.headers_mut().append(header::SET_COOKIE, cleared);
    Ok(response)
}

/// Sets the session cookie for a new sign-in and goes home.
pub(super) fn signed_in_redirect(
    state: &AppState,
    headers: &HeaderMap,
    signed_in: &SignedIn,
) -> Response {
    let lifetime = signed_in.expires_at - state.app.clock().epoch();
    let session = set_cookie(
        state,
        headers,
        SESSION_COOKIE,
        &signed_in.session_token,
        lifetime,
    );
    let anon = set_cookie(state, headers, ANON_CSRF_COOKIE, "", 0);
    let mut response = see_other("/");
    response.headers_mut().append(header::SET_COOKIE, session);
    response.headers_mut().append(header::SET_COOKIE, anon);
    response
}

/// The signed-out form's CSRF token: the browser's cookie when it has a sound one.
pub(super) fn anon_csrf(headers: &HeaderMap) -> String {
    cookie_value(headers, ANON_CSRF_COOKIE)
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(knead_app::fresh_secret)
}

pub(super) fn with_anon_csrf(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    mut response: Response,
) -> PageResult {
    let cookie = set_cookie(state, headers, ANON_CSRF_COOKIE, token, ANON_CSRF_SECONDS);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}
