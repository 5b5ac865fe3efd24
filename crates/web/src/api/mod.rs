//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/openapi.json`.
//!
//! Every route takes a bearer token (`knead token create`), answers JSON in `snake_case`,
//! and reports errors as `{"error": {"code", "message", "fields"}}`.

mod audit;
mod consents;
mod notes;
mod patient_record;
mod patients;
mod schedule;
mod setup;
mod tokens;

use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::Json;
use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::routing::get;
use knead_app::{Page, PageRequest, page_request};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Knead API",
        description = "Practice management for massage therapy clinics. Times are RFC 3339 \
                       with the location's offset; money is a decimal string in CAD; lists \
                       page with `limit` and `cursor`."
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The API's routes and its OpenAPI document, built from the same handler list.
pub fn router() -> Router<AppState> {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(setup::get_clinic, setup::put_clinic))
        .routes(routes!(setup::list_locations, setup::create_location))
        .routes(routes!(setup::get_location, setup::put_location))
        .routes(routes!(setup::list_location_rooms, setup::create_room))
        .routes(routes!(setup::list_rooms))
        .routes(routes!(setup::get_room, setup::put_room))
        .routes(routes!(
            setup::list_practitioners,
            setup::create_practitioner
        ))
        .routes(routes!(setup::get_practitioner, setup::put_practitioner))
        .routes(routes!(setup::list_services, setup::create_service))
        .routes(routes!(setup::get_service, setup::put_service))
        .routes(routes!(patients::list_patients, patients::create_patient))
        .routes(routes!(patients::get_patient, patients::put_patient))
        .routes(routes!(audit::patient_access))
        .routes(routes!(audit::search_audit))
        .routes(routes!(patient_record::get_record))
        .routes(routes!(patient_record::add_guardian))
        .routes(routes!(patient_record::remove_guardian))
        .routes(routes!(patient_record::add_family_link))
        .routes(routes!(patient_record::remove_family_link))
        .routes(routes!(patient_record::add_insurance))
        .routes(routes!(patient_record::order_insurance))
        .routes(routes!(patient_record::remove_insurance))
        .routes(routes!(
            patient_record::list_forms,
            patient_record::create_form
        ))
        .routes(routes!(patient_record::get_form, patient_record::put_form))
        .routes(routes!(
            patient_record::list_intakes,
            patient_record::record_intake
        ))
        .routes(routes!(patient_record::get_flags))
        .routes(routes!(consents::list_consents, consents::record_consent))
        .routes(routes!(consents::withdraw_consent))
        .routes(routes!(consents::messaging_consent))
        .routes(routes!(consents::add_lockbox_block))
        .routes(routes!(consents::lift_lockbox_block))
        .routes(routes!(consents::list_wordings, consents::revise_wording))
        .routes(routes!(tokens::list_tokens, tokens::create_token))
        .routes(routes!(tokens::revoke_token))
        .routes(routes!(schedule::availability))
        .routes(routes!(schedule::list_appointments, schedule::book))
        .routes(routes!(schedule::get_appointment))
        .routes(routes!(schedule::reschedule))
        .routes(routes!(schedule::cancel))
        .routes(routes!(schedule::set_status))
        .routes(routes!(schedule::book_series))
        .routes(routes!(schedule::get_policy, schedule::put_policy))
        .routes(routes!(schedule::get_hours))
        .routes(routes!(schedule::put_hours))
        .routes(routes!(schedule::list_exceptions, schedule::add_exception))
        .routes(routes!(schedule::remove_exception))
        .routes(routes!(schedule::list_closures, schedule::add_closure))
        .routes(routes!(schedule::remove_closure))
        .routes(routes!(schedule::list_holidays))
        .routes(routes!(schedule::put_holiday))
        .routes(routes!(notes::list_notes))
        .routes(routes!(notes::create_note))
        .routes(routes!(notes::get_note, notes::put_note, notes::patch_note))
        .routes(routes!(notes::sign_note))
        .routes(routes!(notes::amend_note))
        .routes(routes!(notes::list_templates, notes::create_template))
        .routes(routes!(notes::put_template))
        .routes(routes!(
            notes::get_chart_settings,
            notes::put_chart_settings
        ))
        .split_for_parts();
    let document = Arc::new(document);
    router.route(
        "/api/openapi.json",
        get(move || async move { Json(document.as_ref().clone()) }),
    )
}

/// The OpenAPI document, for tests and tools that want it without a server.
pub fn openapi() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// A JSON body whose problems come back as API errors naming the field: 400 when it is not
/// JSON at all, 422 when a field is of the wrong shape or unknown, or the body is too large.
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::malformed(
                "send a JSON body with Content-Type: application/json",
            ));
        }
        let bytes = match axum::body::Bytes::from_request(request, state).await {
            Ok(bytes) => bytes,
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::field(
                    "body_too_large",
                    "body",
                    "is larger than the size limit",
                ));
            }
            Err(rejection) => return Err(ApiError::malformed(rejection.body_text())),
        };
        let deserializer = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(deserializer) {
            Ok(value) => Ok(ApiJson(value)),
            Err(error) => Err(json_error(error)),
        }
    }
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        return ApiError::malformed(format!("the body is not valid JSON: {inner}"));
    }
    let message = inner.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    let field = match message.strip_prefix("unknown field `") {
        Some(rest) => rest.split('`').next().unwrap_or("body").to_owned(),
        None if path == "." || path.is_empty() => "body".to_owned(),
        None => path,
    };
    ApiError::field("invalid", &field, message)
}

/// `?limit=&cursor=` on every list, plus `q` where a list can be searched.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// How many items, 1 to 500 (default 50).
    #[param(value_type = Option<i64>)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl ListQuery {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let limit = match self.limit.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
                ApiError::field("invalid", "limit", format!("'{raw}' is not a whole number"))
            })?),
        };
        Ok(page_request(limit, self.cursor.clone())?)
    }
}

/// A page of a list: `{"items": [...], "next_cursor": ...}`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ListBody<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> ListBody<T> {
    pub fn of<U>(page: Page<U>, map: impl Fn(U) -> T) -> Json<ListBody<T>> {
        Json(ListBody {
            items: page.items.into_iter().map(map).collect(),
            next_cursor: page.next_cursor,
        })
    }
}
