//! The clinic's setup over the API: clinic, locations, rooms, practitioners, services.

use super::{ApiJson, ListBody, ListQuery};
use crate::auth::ApiStaff;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use knead_app::ClinicRecord;
use knead_domain::ids::{LocationId, PractitionerId, RoomId, ServiceId};
use knead_domain::setup::{
    ClinicInput, ClinicProfile, Location, LocationInput, Practitioner, PractitionerInput, Room,
    RoomInput, Service, ServiceInput,
};
use serde::Serialize;
use utoipa::ToSchema;

/// The clinic as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClinicBody {
    pub id: String,
    /// Used in public URLs (`/book/{slug}/...`).
    pub slug: String,
    #[serde(flatten)]
    pub profile: ClinicProfile,
}

impl From<ClinicRecord> for ClinicBody {
    fn from(c: ClinicRecord) -> Self {
        ClinicBody {
            id: c.id.to_string(),
            slug: c.slug,
            profile: c.profile,
        }
    }
}

type ApiResult<T> = Result<T, ApiError>;

#[utoipa::path(get, path = "/api/v1/clinic", tag = "clinic",
    responses((status = 200, body = ClinicBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn get_clinic(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
) -> ApiResult<Json<ClinicBody>> {
    Ok(Json(s.app.clinic(&staff).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/clinic", tag = "clinic", request_body = ClinicInput,
    responses((status = 200, body = ClinicBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_clinic(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<ClinicInput>,
) -> ApiResult<Json<ClinicBody>> {
    Ok(Json(s.app.update_clinic(&staff, &input).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/locations", tag = "locations", params(ListQuery),
    responses((status = 200, body = ListBody<Location>)))]
pub(crate) async fn list_locations(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<ListBody<Location>>> {
    Ok(ListBody::of(
        s.app.locations(&staff, &q.page()?).await?,
        |l| l,
    ))
}

#[utoipa::path(post, path = "/api/v1/locations", tag = "locations", request_body = LocationInput,
    responses((status = 201, body = Location), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_location(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<LocationInput>,
) -> ApiResult<(StatusCode, Json<Location>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.create_location(&staff, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/locations/{id}", tag = "locations",
    params(("id" = String, Path)),
    responses((status = 200, body = Location), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_location(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> ApiResult<Json<Location>> {
    Ok(Json(
        s.app.location(&staff, &LocationId::from_string(id)).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/locations/{id}", tag = "locations", request_body = LocationInput,
    params(("id" = String, Path)),
    responses((status = 200, body = Location), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_location(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<LocationInput>,
) -> ApiResult<Json<Location>> {
    Ok(Json(
        s.app
            .update_location(&staff, &LocationId::from_string(id), &input)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/locations/{id}/rooms", tag = "rooms",
    params(("id" = String, Path), ListQuery),
    responses((status = 200, body = ListBody<Room>), (status = 404, body = ErrorBody)))]
pub(crate) async fn list_location_rooms(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<ListBody<Room>>> {
    let location = LocationId::from_string(id);
    s.app.location(&staff, &location).await?;
    Ok(ListBody::of(
        s.app.rooms(&staff, Some(&location), &q.page()?).await?,
        |r| r,
    ))
}

#[utoipa::path(post, path = "/api/v1/locations/{id}/rooms", tag = "rooms", request_body = RoomInput,
    params(("id" = String, Path)),
    responses((status = 201, body = Room), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_room(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RoomInput>,
) -> ApiResult<(StatusCode, Json<Room>)> {
    let room = s
        .app
        .create_room(&staff, &LocationId::from_string(id), &input)
        .await?;
    Ok((StatusCode::CREATED, Json(room)))
}

#[utoipa::path(get, path = "/api/v1/rooms", tag = "rooms", params(ListQuery),
    responses((status = 200, body = ListBody<Room>)))]
pub(crate) async fn list_rooms(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<ListBody<Room>>> {
    Ok(ListBody::of(
        s.app.rooms(&staff, None, &q.page()?).await?,
        |r| r,
    ))
}

#[utoipa::path(get, path = "/api/v1/rooms/{id}", tag = "rooms", params(("id" = String, Path)),
    responses((status = 200, body = Room), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_room(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> ApiResult<Json<Room>> {
    Ok(Json(s.app.room(&staff, &RoomId::from_string(id)).await?))
}

#[utoipa::path(put, path = "/api/v1/rooms/{id}", tag = "rooms", request_body = RoomInput,
    params(("id" = String, Path)),
    responses((status = 200, body = Room), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_room(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RoomInput>,
) -> ApiResult<Json<Room>> {
    Ok(Json(
        s.app
            .update_room(&staff, &RoomId::from_string(id), &input)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/practitioners", tag = "practitioners", params(ListQuery),
    responses((status = 200, body = ListBody<Practitioner>)))]
pub(crate) async fn list_practitioners(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<ListBody<Practitioner>>> {
    Ok(ListBody::of(
        s.app.practitioners(&staff, &q.page()?).await?,
        |p| p,
    ))
}

#[utoipa::path(post, path = "/api/v1/practitioners", tag = "practitioners",
    request_body = PractitionerInput,
    responses((status = 201, body = Practitioner), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_practitioner(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<PractitionerInput>,
) -> ApiResult<(StatusCode, Json<Practitioner>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.create_practitioner(&staff, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/practitioners/{id}", tag = "practitioners",
    params(("id" = String, Path)),
    responses((status = 200, body = Practitioner), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_practitioner(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> ApiResult<Json<Practitioner>> {
    Ok(Json(
        s.app
            .practitioner(&staff, &PractitionerId::from_string(id))
            .await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/practitioners/{id}", tag = "practitioners",
    request_body = PractitionerInput, params(("id" = String, Path)),
    responses((status = 200, body = Practitioner), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_practitioner(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<PractitionerInput>,
) -> ApiResult<Json<Practitioner>> {
    let id = PractitionerId::from_string(id);
    Ok(Json(s.app.update_practitioner(&staff, &id, &input).await?))
}

#[utoipa::path(get, path = "/api/v1/services", tag = "services", params(ListQuery),
    responses((status = 200, body = ListBody<Service>)))]
pub(crate) async fn list_services(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<ListBody<Service>>> {
    Ok(ListBody::of(
        s.app.services(&staff, &q.page()?).await?,
        |x| x,
    ))
}

#[utoipa::path(post, path = "/api/v1/services", tag = "services", request_body = ServiceInput,
    responses((status = 201, body = Service), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_service(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<ServiceInput>,
) -> ApiResult<(StatusCode, Json<Service>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.create_service(&staff, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/services/{id}", tag = "services", params(("id" = String, Path)),
    responses((status = 200, body = Service), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_service(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> ApiResult<Json<Service>> {
    Ok(Json(
        s.app.service(&staff, &ServiceId::from_string(id)).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/services/{id}", tag = "services", request_body = ServiceInput,
    params(("id" = String, Path)),
    responses((status = 200, body = Service), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_service(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ServiceInput>,
) -> ApiResult<Json<Service>> {
    Ok(Json(
        s.app
            .update_service(&staff, &ServiceId::from_string(id), &input)
            .await?,
    ))
}
