//! Who is asking: session cookies and CSRF tokens for pages, bearer tokens for the API.

use crate::{ApiError, AppState};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use knead_app::auth::SessionView;
use knead_app::{Staff, same_secret};
use std::net::SocketAddr;

pub(crate) const SESSION_COOKIE: &str = "knead_session";
/// Before sign-in there is no session to hold a CSRF token, so the login and set-up forms
/// use a double-submit cookie instead.
pub(crate) const ANON_CSRF_COOKIE: &str = "knead_csrf";
pub(crate) const CSRF_FIELD: &str = "_csrf";

/// The value of cookie `name` in the request, if any.
pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// Whether cookies set in answer to this request must be `Secure`.
fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, path `/`, `Secure` behind TLS.
pub(crate) fn set_cookie(
    state: &AppState,
    headers: &HeaderMap,
    name: &str,
    value: &str,
    max_age_seconds: i64,
) -> HeaderValue {
    let cookie = Cookie::build((name.to_owned(), value.to_owned()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure(state, headers))
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie text is a valid header value")
}

/// The client's network address, for sign-in throttling.
pub(crate) fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// The client's network address when the server knows it, for the audit trail.
// Known shortcoming: this is the TCP peer, like the sign-in throttle's; behind a reverse
// proxy every entry shows the proxy's address until a trusted-proxy setting reads
// `X-Forwarded-For`.
fn client_address(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// `staff`, asking from the request's address when the server knows it.
fn at_address(staff: Staff, parts: &Parts) -> Staff {
    match client_address(parts) {
        Some(address) => staff.from_address(address),
        None => staff,
    }
}

/// A signed-in staff member on a page. Without a live session, pages redirect to sign-in.
#[derive(Clone, Debug)]
pub(crate) struct Signed {
    pub staff: Staff,
    pub csrf: String,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let view = match parts.extensions.get::<SessionView>() {
            Some(view) => view.clone(),
            None => {
                let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE) else {
                    return Err(Redirect::to("/login").into_response());
                };
                match state.app.session(&token).await {
                    Ok(Some(view)) => view,
                    Ok(None) => return Err(Redirect::to("/login").into_response()),
                    Err(error) => return Err(crate::pages::error_page(error)),
                }
            }
        };
        if view.must_set_up_two_factor && !parts.uri.path().starts_with(TWO_FACTOR_PATH) {
            return Err(Redirect::to(TWO_FACTOR_PATH).into_response());
        }
        Ok(Signed {
            staff: at_address(view.staff, parts),
            csrf: view.csrf_token,
        })
    }
}

/// Where staff turn two-factor sign-in on; while the clinic requires it of someone who has
/// not, it is the only page their session reaches (signing out needs no page).
pub(crate) const TWO_FACTOR_PATH: &str = "/account/two-factor";

/// A staff member (through an API token) on the JSON API.
///
/// Shortcoming: the clinic's "require two-factor" rule governs page sign-in only; a token
/// made before the rule keeps working. Revoking tokens of staff without two-factor when the
/// rule is turned on would close that.
#[derive(Clone, Debug)]
pub(crate) struct ApiStaff(pub Staff);

impl FromRequestParts<AppState> for ApiStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let Some(secret) = bearer else {
            return Err(knead_app::AppError::Unauthenticated.into());
        };
        let staff = state.app.authenticate_token(secret).await?;
        Ok(ApiStaff(at_address(staff, parts)))
    }
}

/// Refuses page POSTs whose form does not carry the right CSRF token: the session's once
/// signed in, the double-submit cookie's before. Requests a browser marks as cross-site are
/// refused outright. The API is not covered: it takes bearer tokens, never cookies.
pub(crate) async fn csrf_guard(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST || request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let cross_site = request
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site");
    if cross_site {
        return forbidden_form();
    }
    let (mut parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, state.config.body_limit).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "the form is larger than allowed",
        )
            .into_response();
    };
    let sent = form_field(&bytes, CSRF_FIELD);
    let session = match cookie_value(&parts.headers, SESSION_COOKIE) {
        Some(token) => match state.app.session(&token).await {
            Ok(view) => view,
            Err(error) => return crate::pages::error_page(error),
        },
        None => None,
    };
    let expected = match &session {
        Some(view) => Some(view.csrf_token.clone()),
        None => cookie_value(&parts.headers, ANON_CSRF_COOKIE),
    };
    let valid = matches!((&sent, &expected), (Some(s), Some(e)) if same_secret(s, e));
    if !valid {
        // The route pattern, never the path: a path may carry a secret (an owner's set-up
        // link) that the log must not hold.
        let route = parts
            .extensions
            .get::<axum::extract::MatchedPath>()
            .map_or("unmatched", |p| p.as_str());
        tracing::warn!(route, "form refused: missing or wrong CSRF token");
        return forbidden_form();
    }
    if let Some(view) = session {
        parts.extensions.insert(view);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded_pairs(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The pairs of an `application/x-www-form-urlencoded` body, in order.
pub(crate) fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn forbidden_form() -> Response {
    let body = "This form has expired or did not come from Knead. Go back, reload the page \
                and try again.";
    (StatusCode::FORBIDDEN, body).into_response()
}
