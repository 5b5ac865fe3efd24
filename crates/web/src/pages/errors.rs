//! The one place where application errors become pages: 404, 403, 409, 422, 429 and 500
//! pages, and a redirect to sign-in when the session is gone.

use crate::error::error_chain;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use knead_app::AppError;
use knead_domain::FieldErrors;

/// What a page handler answers: the page, or an error shown by [`error_page`].
pub(crate) type PageResult = Result<Response, PageError>;

/// An error on its way to becoming a page.
#[derive(Debug)]
pub(crate) struct PageError(AppError);

impl From<AppError> for PageError {
    fn from(error: AppError) -> Self {
        PageError(error)
    }
}

impl From<askama::Error> for PageError {
    fn from(error: askama::Error) -> Self {
        PageError(AppError::internal(error))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(self.0)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    message: String,
    details: Vec<String>,
}

/// An error on a page that is not the form's own to show.
pub(crate) fn error_page(error: AppError) -> Response {
    match error {
        AppError::Invalid(fields) => invalid_page(&fields),
        AppError::NotFound => not_found_page(),
        AppError::Conflict { message, .. } => problem(
            StatusCode::CONFLICT,
            "This could not be done",
            &message,
            Vec::new(),
        ),
        AppError::Unauthenticated => Redirect::to("/login").into_response(),
        AppError::Forbidden => forbidden_page(),
        AppError::Throttled {
            retry_after_seconds,
        } => throttled_page(retry_after_seconds),
        AppError::Internal(source) => internal_page(source.as_ref()),
    }
}

/// Invalid values outside any form: a query string, say. Field names are shown as words.
fn invalid_page(fields: &FieldErrors) -> Response {
    let details = fields
        .iter()
        .map(|(k, v)| format!("{} {v}", k.replace('_', " ")));
    let message = "Some of the values sent were not accepted.";
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Not accepted",
        message,
        details.collect(),
    )
}

/// The person gets a generic message; the log gets the whole chain.
fn internal_page(source: &(dyn std::error::Error + 'static)) -> Response {
    tracing::error!(error = %error_chain(source), "page failed");
    let message = "Knead could not finish this request. Try again in a moment; if it keeps \
                   happening, tell the person who looks after your Knead server.";
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        message,
        Vec::new(),
    )
}

fn not_found_page() -> Response {
    let message = "There is no page or record at this address. Check the link, or go back \
                   to the home page and look for it from there.";
    problem(StatusCode::NOT_FOUND, "Page not found", message, Vec::new())
}

fn forbidden_page() -> Response {
    let message = "Your role does not allow this. Ask the clinic's owner or a manager if you \
                   need to do it.";
    problem(StatusCode::FORBIDDEN, "Not allowed", message, Vec::new())
}

fn throttled_page(retry_after_seconds: i64) -> Response {
    let message = format!(
        "There have been too many attempts. Wait {} and try again.",
        wait_text(retry_after_seconds)
    );
    let mut response = problem(
        StatusCode::TOO_MANY_REQUESTS,
        "Please wait",
        &message,
        Vec::new(),
    );
    if let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// "15 minutes", "1 minute", rounded up so nobody comes back too early.
pub(crate) fn wait_text(seconds: i64) -> String {
    let minutes = (seconds.max(1) + 59) / 60;
    if minutes == 1 {
        "a minute".to_owned()
    } else {
        format!("{minutes} minutes")
    }
}

fn problem(
    status: StatusCode,
    title: &'static str,
    message: &str,
    details: Vec<String>,
) -> Response {
    let page = ErrorPage {
        title,
        message: message.to_owned(),
        details,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(error = %error, "error page failed to render");
            (status, title).into_response()
        }
    }
}

/// Addresses that match no route. The JSON API keeps its own error shape there.
pub(crate) async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        let error = crate::ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route");
        return error.into_response();
    }
    not_found_page()
}
