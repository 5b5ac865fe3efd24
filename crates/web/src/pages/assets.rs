//! The one style sheet, compiled into the binary and served with a long cache lifetime; its
//! address carries a version derived from its content.

use crate::AppState;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

const CSS: &str = include_str!("../../static/knead.css");

static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = DefaultHasher::new();
    CSS.hash(&mut hasher);
    format!("{:x}", hasher.finish() & 0xffff_ffff)
});

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/static/knead.css", get(css))
}

/// A short fingerprint of the style sheet, for its address.
pub(super) fn css_version() -> &'static str {
    &VERSION
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        CSS,
    )
}
