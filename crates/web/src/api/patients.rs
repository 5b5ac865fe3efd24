//! Patients over the API: create, read, update, list and search.

use super::{ApiJson, ListBody, ListQuery};
use crate::auth::ApiStaff;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use knead_domain::ids::PatientId;
use knead_domain::setup::{Patient, PatientInput};
use serde::Deserialize;
use utoipa::IntoParams;

/// Search words: every word must match a name, the email or the phone's digits.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchQuery {
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/patients", tag = "patients", params(ListQuery, SearchQuery),
    responses((status = 200, body = ListBody<Patient>)))]
pub(crate) async fn list_patients(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(list): Query<ListQuery>,
    Query(search): Query<SearchQuery>,
) -> Result<Json<ListBody<Patient>>, ApiError> {
    let query = search.q.unwrap_or_default();
    Ok(ListBody::of(
        s.app.search_patients(&staff, &query, &list.page()?).await?,
        |p| p,
    ))
}

#[utoipa::path(post, path = "/api/v1/patients", tag = "patients", request_body = PatientInput,
    responses((status = 201, body = Patient), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_patient(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<PatientInput>,
) -> Result<(StatusCode, Json<Patient>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.create_patient(&staff, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/patients/{id}", tag = "patients", params(("id" = String, Path)),
    responses((status = 200, body = Patient), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_patient(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<Patient>, ApiError> {
    Ok(Json(
        s.app
            .view_patient(&staff, &PatientId::from_string(id))
            .await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/patients/{id}", tag = "patients", request_body = PatientInput,
    params(("id" = String, Path)),
    responses((status = 200, body = Patient), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_patient(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PatientInput>,
) -> Result<Json<Patient>, ApiError> {
    Ok(Json(
        s.app
            .update_patient(&staff, &PatientId::from_string(id), &input)
            .await?,
    ))
}
