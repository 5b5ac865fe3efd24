//! Knead's HTTP front doors: server-rendered pages for staff, the JSON API under `/api/v1`
//! with its OpenAPI document, and `/healthz`. Handlers are thin: parse, call one use case
//! of the application layer, render.

pub mod api;
mod auth;
mod error;
mod pages;

pub use error::ApiError;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use knead_app::App;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// Settings of the HTTP layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` always (set when Knead is served over TLS). Requests that arrive
    /// through a proxy with `X-Forwarded-Proto: https` get `Secure` cookies regardless.
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// The address people open, used in links Knead prints.
    pub public_url: String,
    /// Whether an SMTP server is set up; without one, the outbox page says email waits.
    pub mail_configured: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            body_limit: 64 * 1024,
            public_url: "http://127.0.0.1:8080".into(),
            mail_configured: false,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
}

/// The whole HTTP application.
pub fn router(app: App, config: WebConfig) -> Router {
    let body_limit = config.body_limit;
    let state = AppState {
        app,
        config: Arc::new(config),
    };
    let request_id = axum::http::HeaderName::from_static("x-request-id");
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api::router())
        .merge(pages::router(state.clone()))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// One span per request, carrying the method, the route pattern and the request id, never
/// the query string (search boxes carry patients' names).
fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    tracing::info_span!("request", method = %request.method(), route, request_id = id)
}

/// `200 ok` when the database answers, `503` otherwise.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.app.healthy().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(error) => {
            tracing::error!(error = %error, "health check failed: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes the requests in
/// flight. Client addresses are passed along for sign-in throttling.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
