//! Consents, the lockbox, commercial-message consent and consent wordings over the API.
//!
//! Missing here: the clinic's consent rules (implied-consent periods, sensitive areas) are
//! read and saved only on the settings page, and no route lists a wording's older versions.

use super::ApiJson;
use crate::auth::ApiStaff;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use knead_domain::casl::{Channel, Decision};
use knead_domain::consent::{
    Consent, ConsentInput, EndingInput, LockboxBlock, LockboxInput, Wording,
};
use knead_domain::ids::PatientId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A patient's consents (history included, newest first) and lockbox blocks.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ConsentsBody {
    pub consents: Vec<Consent>,
    /// Blocks in force and lifted ones.
    pub lockbox: Vec<LockboxBlock>,
}

#[utoipa::path(get, path = "/api/v1/patients/{id}/consents", tag = "consents",
    params(("id" = String, Path)),
    responses((status = 200, body = ConsentsBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn list_consents(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<ConsentsBody>, ApiError> {
    let view = s
        .app
        .patient_consents(&staff, &PatientId::from_string(id))
        .await?;
    Ok(Json(ConsentsBody {
        consents: view.consents,
        lockbox: view.lockbox,
    }))
}

#[utoipa::path(post, path = "/api/v1/patients/{id}/consents", tag = "consents",
    params(("id" = String, Path)), request_body = ConsentInput,
    responses((status = 201, body = Consent), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn record_consent(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ConsentInput>,
) -> Result<(StatusCode, Json<Consent>), ApiError> {
    let patient = PatientId::from_string(id);
    let consent = s.app.record_consent(&staff, &patient, &input).await?;
    Ok((StatusCode::CREATED, Json(consent)))
}

#[utoipa::path(post, path = "/api/v1/patients/{id}/consents/{consent_id}/withdrawal",
    tag = "consents", params(("id" = String, Path), ("consent_id" = String, Path)),
    request_body = EndingInput,
    responses((status = 200, body = Consent), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn withdraw_consent(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path((id, consent)): Path<(String, String)>,
    ApiJson(input): ApiJson<EndingInput>,
) -> Result<Json<Consent>, ApiError> {
    let patient = PatientId::from_string(id);
    let consent = s
        .app
        .withdraw_consent(&staff, &patient, &consent, &input)
        .await?;
    Ok(Json(consent))
}

/// Which channel and which day to judge.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct MessagingQuery {
    /// `email` or `sms` (required).
    pub channel: Option<String>,
    /// `YYYY-MM-DD`; today when left out.
    pub on: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/patients/{id}/messaging-consent", tag = "consents",
    params(("id" = String, Path), MessagingQuery),
    responses((status = 200, body = Decision), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn messaging_consent(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    Query(q): Query<MessagingQuery>,
) -> Result<Json<Decision>, ApiError> {
    let raw = q.channel.as_deref().unwrap_or("").trim();
    let channel = match raw {
        "" => Err(ApiError::field("invalid", "channel", "is required")),
        raw => Channel::parse(raw).ok_or_else(|| {
            ApiError::field("invalid", "channel", format!("'{raw}' is not email or sms"))
        }),
    }?;
    let on = match q.on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(raw) => raw.parse().map_err(|_| {
            ApiError::field(
                "invalid",
                "on",
                format!("'{raw}' is not a date like 2026-12-03"),
            )
        })?,
        None => s.app.consent_today(),
    };
    let patient = PatientId::from_string(id);
    Ok(Json(
        s.app
            .messaging_consent(&staff, &patient, channel, on)
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/patients/{id}/lockbox", tag = "consents",
    params(("id" = String, Path)), request_body = LockboxInput,
    responses((status = 201, body = LockboxBlock), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn add_lockbox_block(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<LockboxInput>,
) -> Result<(StatusCode, Json<LockboxBlock>), ApiError> {
    let patient = PatientId::from_string(id);
    let block = s.app.add_lockbox_block(&staff, &patient, &input).await?;
    Ok((StatusCode::CREATED, Json(block)))
}

#[utoipa::path(post, path = "/api/v1/patients/{id}/lockbox/{block_id}/lift", tag = "consents",
    params(("id" = String, Path), ("block_id" = String, Path)), request_body = EndingInput,
    responses((status = 200, body = LockboxBlock), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn lift_lockbox_block(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path((id, block)): Path<(String, String)>,
    ApiJson(input): ApiJson<EndingInput>,
) -> Result<Json<LockboxBlock>, ApiError> {
    let patient = PatientId::from_string(id);
    let block = s
        .app
        .lift_lockbox_block(&staff, &patient, &block, &input)
        .await?;
    Ok(Json(block))
}

#[utoipa::path(get, path = "/api/v1/consent-wordings", tag = "consents",
    responses((status = 200, body = Vec<Wording>)))]
pub(crate) async fn list_wordings(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
) -> Result<Json<Vec<Wording>>, ApiError> {
    Ok(Json(s.app.consent_wordings(&staff).await?))
}

/// A new version of one kind's wording.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct WordingInput {
    #[schema(example = "treatment")]
    pub kind: String,
    pub body: String,
}

#[utoipa::path(post, path = "/api/v1/consent-wordings", tag = "consents",
    request_body = WordingInput,
    responses((status = 201, body = Wording), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn revise_wording(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<WordingInput>,
) -> Result<(StatusCode, Json<Wording>), ApiError> {
    let wording = s
        .app
        .revise_consent_wording(&staff, &input.kind, &input.body)
        .await?;
    Ok((StatusCode::CREATED, Json(wording)))
}
