//! Signing in with a second factor, turning two-factor on and off, resetting a forgotten
//! password through an emailed link, the clinic's sign-in rules, and the page that shows
//! what the outbox has and has not delivered.

mod code;
mod outbox;
mod reset;
mod rules;
mod two_factor;

pub(super) use code::code_needed;

use crate::AppState;
use axum::Router;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .merge(code::routes())
        .merge(reset::routes())
        .merge(two_factor::routes())
        .merge(rules::routes())
        .merge(outbox::routes())
}
