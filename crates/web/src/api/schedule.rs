//! Scheduling over the API: open slots, appointments and series, the booking policy,
//! weekly hours, exceptions, closures and holidays.

use super::{ApiJson, ListBody};
use crate::auth::ApiStaff;
use crate::error::{ErrorBody, ErrorDetail};
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use knead_app::scheduling::{
    AppointmentQuery, AvailabilityQuery, ClosureView, ExceptionView, HolidayView, HoursView,
    SeriesInput, SeriesMode, SeriesOutcome,
};
use knead_domain::appointment::{BookingPolicy, BookingPolicyInput, Source};
use knead_domain::booking::{
    AppointmentView, BookingInput, CancelInput, ExceptionInput, HoursInput, RescheduleInput,
    StatusInput,
};
use knead_domain::ids::{LocationId, PractitionerId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

type ApiResult<T> = Result<T, ApiError>;

/// One open time: `start` and `end` in RFC 3339 with the location's offset.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SlotBody {
    #[schema(example = "2026-03-09T09:00:00-04:00")]
    pub start: String,
    pub end: String,
    pub practitioner_id: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AvailabilityParams {
    pub service_id: Option<String>,
    pub location_id: Option<String>,
    /// Leave out for every practitioner who gives the service there.
    pub practitioner_id: Option<String>,
    /// First local date, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last local date, inclusive.
    pub to: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/availability", tag = "scheduling", params(AvailabilityParams),
    responses((status = 200, body = ListBody<SlotBody>), (status = 422, body = ErrorBody)))]
pub(crate) async fn availability(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(p): Query<AvailabilityParams>,
) -> ApiResult<Json<ListBody<SlotBody>>> {
    let query = AvailabilityQuery {
        service_id: p.service_id,
        location_id: p.location_id,
        practitioner_id: p.practitioner_id,
        from: p.from,
        to: p.to,
    };
    let slots = s.app.availability(&staff, &query).await?;
    let items = slots
        .into_iter()
        .map(|slot| SlotBody {
            start: slot.start_text,
            end: slot.end_text,
            practitioner_id: slot.practitioner_id.to_string(),
        })
        .collect();
    Ok(Json(ListBody {
        items,
        next_cursor: None,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AppointmentParams {
    pub location_id: Option<String>,
    pub practitioner_id: Option<String>,
    pub patient_id: Option<String>,
    /// First local date, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last local date, inclusive.
    pub to: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/appointments", tag = "scheduling", params(AppointmentParams),
    responses((status = 200, body = ListBody<AppointmentView>), (status = 422, body = ErrorBody)))]
pub(crate) async fn list_appointments(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(p): Query<AppointmentParams>,
) -> ApiResult<Json<ListBody<AppointmentView>>> {
    let query = AppointmentQuery {
        location_id: p.location_id,
        practitioner_id: p.practitioner_id,
        patient_id: p.patient_id,
        from: p.from,
        to: p.to,
    };
    let items = s.app.appointments(&staff, &query).await?;
    Ok(Json(ListBody {
        items,
        next_cursor: None,
    }))
}

#[utoipa::path(post, path = "/api/v1/appointments", tag = "scheduling", request_body = BookingInput,
    responses((status = 201, body = AppointmentView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn book(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<BookingInput>,
) -> ApiResult<(StatusCode, Json<AppointmentView>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.book(&staff, &input, Source::Api).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/appointments/{id}", tag = "scheduling",
    params(("id" = String, Path)),
    responses((status = 200, body = AppointmentView), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_appointment(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> ApiResult<Json<AppointmentView>> {
    Ok(Json(s.app.appointment(&staff, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/reschedule", tag = "scheduling",
    request_body = RescheduleInput, params(("id" = String, Path)),
    responses((status = 200, body = AppointmentView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn reschedule(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RescheduleInput>,
) -> ApiResult<Json<AppointmentView>> {
    Ok(Json(s.app.reschedule(&staff, &id, &input).await?))
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/cancel", tag = "scheduling",
    request_body = CancelInput, params(("id" = String, Path)),
    responses((status = 200, body = AppointmentView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn cancel(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CancelInput>,
) -> ApiResult<Json<AppointmentView>> {
    Ok(Json(s.app.cancel(&staff, &id, &input).await?))
}

#[utoipa::path(post, path = "/api/v1/appointments/{id}/status", tag = "scheduling",
    request_body = StatusInput, params(("id" = String, Path)),
    responses((status = 200, body = AppointmentView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn set_status(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<StatusInput>,
) -> ApiResult<Json<AppointmentView>> {
    Ok(Json(s.app.set_status(&staff, &id, &input).await?))
}

/// One occurrence of a series plan.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct OccurrenceBody {
    pub start: String,
    pub end: String,
    /// True when that day's clocks skipped the series' time and the occurrence moved.
    pub moved_by_clock_change: bool,
    pub conflict: Option<String>,
    pub appointment: Option<AppointmentView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SeriesBody {
    /// Set once something was booked.
    pub series_id: Option<String>,
    pub mode: SeriesMode,
    pub occurrences: Vec<OccurrenceBody>,
    /// Present (with code `series_conflicts`) when `all` met a conflict and booked nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

impl From<SeriesOutcome> for SeriesBody {
    fn from(o: SeriesOutcome) -> Self {
        let occurrences = o
            .occurrences
            .into_iter()
            .map(|p| OccurrenceBody {
                start: p.start,
                end: p.end,
                moved_by_clock_change: p.moved_by_clock_change,
                conflict: p.conflict,
                appointment: p.appointment,
            })
            .collect();
        SeriesBody {
            series_id: o.series_id,
            mode: o.mode,
            occurrences,
            error: None,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/appointment-series", tag = "scheduling",
    request_body = SeriesInput,
    responses((status = 200, description = "preview", body = SeriesBody),
        (status = 201, description = "booked", body = SeriesBody),
        (status = 409, description = "`all` met conflicts; nothing booked", body = SeriesBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn book_series(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<SeriesInput>,
) -> ApiResult<Response> {
    let outcome = s.app.book_series(&staff, &input).await?;
    let mode = outcome.mode;
    let booked = outcome.series_id.is_some();
    let mut body = SeriesBody::from(outcome);
    let status = match (mode, booked) {
        (SeriesMode::Preview, _) => StatusCode::OK,
        (_, true) => StatusCode::CREATED,
        (_, false) => {
            let conflicts = body
                .occurrences
                .iter()
                .filter(|o| o.conflict.is_some())
                .count();
            body.error = Some(ErrorDetail {
                code: "series_conflicts".into(),
                message: format!("{conflicts} occurrence(s) conflict; nothing was booked"),
                fields: BTreeMap::new(),
            });
            StatusCode::CONFLICT
        }
    };
    Ok((status, Json(body)).into_response())
}

#[utoipa::path(get, path = "/api/v1/booking-policy", tag = "scheduling",
    responses((status = 200, body = BookingPolicy)))]
pub(crate) async fn get_policy(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
) -> ApiResult<Json<BookingPolicy>> {
    Ok(Json(s.app.booking_policy(&staff).await?))
}

#[utoipa::path(put, path = "/api/v1/booking-policy", tag = "scheduling",
    request_body = BookingPolicyInput,
    responses((status = 200, body = BookingPolicy), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_policy(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<BookingPolicyInput>,
) -> ApiResult<Json<BookingPolicy>> {
    Ok(Json(s.app.update_booking_policy(&staff, &input).await?))
}

#[utoipa::path(get, path = "/api/v1/practitioners/{id}/hours", tag = "scheduling",
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<HoursView>), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_hours(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<HoursView>>> {
    Ok(Json(
        s.app
            .hours(&staff, &PractitionerId::from_string(id))
            .await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/practitioners/{id}/hours/{location_id}", tag = "scheduling",
    request_body = HoursInput, params(("id" = String, Path), ("location_id" = String, Path)),
    responses((status = 200, body = HoursView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn put_hours(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path((id, location)): Path<(String, String)>,
    ApiJson(input): ApiJson<HoursInput>,
) -> ApiResult<Json<HoursView>> {
    let practitioner = PractitionerId::from_string(id);
    let location = LocationId::from_string(location);
    Ok(Json(
        s.app
            .set_hours(&staff, &practitioner, &location, &input)
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SpanParams {
    pub practitioner_id: Option<String>,
    /// First local date, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last local date, inclusive.
    pub to: Option<String>,
}

fn dates(p: &SpanParams) -> ApiResult<(jiff::civil::Date, jiff::civil::Date)> {
    let read = |field: &str, raw: &Option<String>| {
        knead_domain::booking::date(raw.as_deref().unwrap_or(""))
            .map_err(|e| ApiError::field("invalid", field, e.0))
    };
    Ok((read("from", &p.from)?, read("to", &p.to)?))
}

#[utoipa::path(get, path = "/api/v1/schedule-exceptions", tag = "scheduling", params(SpanParams),
    responses((status = 200, body = ListBody<ExceptionView>), (status = 422, body = ErrorBody)))]
pub(crate) async fn list_exceptions(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(p): Query<SpanParams>,
) -> ApiResult<Json<ListBody<ExceptionView>>> {
    let (from, to) = dates(&p)?;
    let practitioner = p
        .practitioner_id
        .clone()
        .filter(|v| !v.is_empty())
        .map(PractitionerId::from_string);
    let items = s
        .app
        .exceptions(&staff, practitioner.as_ref(), from, to)
        .await?;
    Ok(Json(ListBody {
        items,
        next_cursor: None,
    }))
}

#[utoipa::path(post, path = "/api/v1/schedule-exceptions", tag = "scheduling",
    request_body = ExceptionInput,
    responses((status = 201, body = ExceptionView), (status = 422, body = ErrorBody)))]
pub(crate) async fn add_exception(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<ExceptionInput>,
) -> ApiResult<(StatusCode, Json<ExceptionView>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.app.add_exception(&staff, &input).await?),
    ))
}

#[utoipa::path(delete, path = "/api/v1/schedule-exceptions/{id}", tag = "scheduling",
    params(("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_exception(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.remove_exception(&staff, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A closure of a location, in its local time.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ClosureInput {
    /// Local `YYYY-MM-DDTHH:MM`, or a date for the start of that day.
    #[schema(example = "2026-12-24T13:00")]
    pub start: Option<String>,
    /// Local `YYYY-MM-DDTHH:MM`, or a date for the end of that whole day.
    #[schema(example = "2026-12-26")]
    pub end: Option<String>,
    pub reason: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/locations/{id}/closures", tag = "scheduling",
    params(("id" = String, Path), SpanParams),
    responses((status = 200, body = ListBody<ClosureView>), (status = 422, body = ErrorBody)))]
pub(crate) async fn list_closures(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    Query(p): Query<SpanParams>,
) -> ApiResult<Json<ListBody<ClosureView>>> {
    let (from, to) = dates(&p)?;
    let location = LocationId::from_string(id);
    s.app.location(&staff, &location).await?;
    let items = s.app.closures(&staff, Some(&location), from, to).await?;
    Ok(Json(ListBody {
        items,
        next_cursor: None,
    }))
}

#[utoipa::path(post, path = "/api/v1/locations/{id}/closures", tag = "scheduling",
    request_body = ClosureInput, params(("id" = String, Path)),
    responses((status = 201, body = ClosureView), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn add_closure(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ClosureInput>,
) -> ApiResult<(StatusCode, Json<ClosureView>)> {
    let location = LocationId::from_string(id);
    let closure = s
        .app
        .add_closure(&staff, &location, &input.start, &input.end, &input.reason)
        .await?;
    Ok((StatusCode::CREATED, Json(closure)))
}

#[utoipa::path(delete, path = "/api/v1/closures/{id}", tag = "scheduling",
    params(("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_closure(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.remove_closure(&staff, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct HolidayParams {
    #[param(example = "ON")]
    pub province: Option<String>,
    #[param(value_type = Option<i64>, example = 2026)]
    pub year: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/holidays", tag = "scheduling", params(HolidayParams),
    responses((status = 200, body = ListBody<HolidayView>), (status = 422, body = ErrorBody)))]
pub(crate) async fn list_holidays(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(p): Query<HolidayParams>,
) -> ApiResult<Json<ListBody<HolidayView>>> {
    let raw = p.year.unwrap_or_default();
    let year: i16 = raw
        .trim()
        .parse()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| ApiError::field("invalid", "year", format!("'{raw}' is not a year")))?;
    let items = s
        .app
        .holidays(&staff, p.province.as_deref().unwrap_or(""), year)
        .await?;
    Ok(Json(ListBody {
        items,
        next_cursor: None,
    }))
}

/// Close on a day (a clinic holiday), or open on a computed holiday (`closed: false`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct HolidayInput {
    pub name: Option<String>,
    pub closed: bool,
}

#[utoipa::path(put, path = "/api/v1/holidays/{province}/{date}", tag = "scheduling",
    request_body = HolidayInput, params(("province" = String, Path), ("date" = String, Path)),
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_holiday(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path((province, date)): Path<(String, String)>,
    ApiJson(input): ApiJson<HolidayInput>,
) -> ApiResult<StatusCode> {
    let name = input.name.unwrap_or_default();
    s.app
        .change_holiday(&staff, &province, &date, &name, input.closed)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
