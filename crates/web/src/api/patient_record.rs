//! The patient record over the API: the record with guardians, family links and insurance
//! plans; intake forms (each save a new version); intakes and the flags they raise.

use super::ApiJson;
use crate::auth::ApiStaff;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use knead_app::patient_record::{FormRecord, IntakeRecord, PatientRecord};
use knead_domain::ids::PatientId;
use knead_domain::intake::{Answers, FormContent, FormInput};
use knead_domain::patient_record::{
    FamilyLinkFields, FamilyLinkInput, GuardianFields, GuardianInput, InsuranceFields,
    InsuranceInput,
};
use knead_domain::setup::Patient;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub(crate) struct GuardianBody {
    id: String,
    #[schema(value_type = String)]
    patient_id: PatientId,
    #[serde(flatten)]
    fields: GuardianFields,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct FamilyLinkBody {
    id: String,
    #[serde(flatten)]
    fields: FamilyLinkFields,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct InsuranceBody {
    id: String,
    /// 1 is primary, 2 secondary, and so on.
    position: i64,
    #[serde(flatten)]
    fields: InsuranceFields,
}

/// A patient with everything around the demographics.
#[derive(Serialize, ToSchema)]
pub(crate) struct RecordBody {
    patient: Patient,
    /// Under the age of majority of the patient's province (or the clinic's).
    minor: bool,
    guardians: Vec<GuardianBody>,
    family_links: Vec<FamilyLinkBody>,
    insurance: Vec<InsuranceBody>,
}

impl From<PatientRecord> for RecordBody {
    fn from(r: PatientRecord) -> Self {
        RecordBody {
            patient: r.patient,
            minor: r.minor,
            guardians: r
                .guardians
                .into_iter()
                .map(|g| GuardianBody {
                    id: g.id,
                    patient_id: g.patient_id,
                    fields: g.fields,
                })
                .collect(),
            family_links: r
                .family_links
                .into_iter()
                .map(|l| FamilyLinkBody {
                    id: l.id,
                    fields: l.fields,
                })
                .collect(),
            insurance: r
                .insurance
                .into_iter()
                .map(|p| InsuranceBody {
                    id: p.id,
                    position: p.position,
                    fields: p.fields,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct CreatedBody {
    id: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrderBody {
    /// Every plan of the patient, primary first.
    plan_ids: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct FormBody {
    id: String,
    version: i64,
    active: bool,
    #[serde(flatten)]
    content: FormContent,
}

impl From<FormRecord> for FormBody {
    fn from(f: FormRecord) -> Self {
        FormBody {
            id: f.id,
            version: f.version,
            active: f.active,
            content: f.content,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IntakeInput {
    form_id: String,
    /// Answers by question key (`q1`); yes/no as `yes` or `no`, dates as `YYYY-MM-DD`.
    #[serde(default)]
    answers: BTreeMap<String, String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct FlagsBody {
    flags: Vec<String>,
}

/// A completed intake with the exact questions of the version it answered.
#[derive(Serialize, ToSchema)]
pub(crate) struct IntakeBody {
    id: String,
    form_id: String,
    form_version: i64,
    form: FormContent,
    answers: Answers,
    flags: Vec<String>,
    /// RFC 3339, UTC.
    recorded_at: String,
    recorded_by: String,
}

impl From<IntakeRecord> for IntakeBody {
    fn from(i: IntakeRecord) -> Self {
        let at = jiff::Timestamp::from_second(i.recorded_at).unwrap_or_default();
        IntakeBody {
            id: i.id,
            form_id: i.form_id,
            form_version: i.form_version,
            form: i.form,
            answers: i.answers,
            flags: i.flags,
            recorded_at: at.to_string(),
            recorded_by: i.recorded_by,
        }
    }
}

fn patient(id: String) -> PatientId {
    PatientId::from_string(id)
}

#[utoipa::path(get, path = "/api/v1/patients/{id}/record", tag = "patient record",
    params(("id" = String, Path)),
    responses((status = 200, body = RecordBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_record(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<RecordBody>, ApiError> {
    Ok(Json(
        s.app.patient_record(&staff, &patient(id)).await?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/patients/{id}/guardians", tag = "patient record",
    params(("id" = String, Path)), request_body = GuardianInput,
    responses((status = 201, body = CreatedBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn add_guardian(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<GuardianInput>,
) -> Result<(StatusCode, Json<CreatedBody>), ApiError> {
    let id = s.app.add_guardian(&staff, &patient(id), &input).await?;
    Ok((StatusCode::CREATED, Json(CreatedBody { id })))
}

#[utoipa::path(delete, path = "/api/v1/patients/{id}/guardians/{guardian_id}",
    tag = "patient record", params(("id" = String, Path), ("guardian_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_guardian(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path((id, guardian)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    s.app
        .remove_guardian(&staff, &patient(id), &guardian)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/family-links", tag = "patient record",
    request_body = FamilyLinkInput,
    responses((status = 201, body = CreatedBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn add_family_link(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<FamilyLinkInput>,
) -> Result<(StatusCode, Json<CreatedBody>), ApiError> {
    let id = s.app.add_family_link(&staff, &input).await?;
    Ok((StatusCode::CREATED, Json(CreatedBody { id })))
}

#[utoipa::path(delete, path = "/api/v1/patients/{id}/family-links/{link_id}",
    tag = "patient record", params(("id" = String, Path), ("link_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_family_link(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path((id, link)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    s.app
        .remove_family_link(&staff, &patient(id), &link)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/patients/{id}/insurance", tag = "patient record",
    params(("id" = String, Path)), request_body = InsuranceInput,
    responses((status = 201, body = CreatedBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn add_insurance(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<InsuranceInput>,
) -> Result<(StatusCode, Json<CreatedBody>), ApiError> {
    let id = s.app.add_insurance(&staff, &patient(id), &input).await?;
    Ok((StatusCode::CREATED, Json(CreatedBody { id })))
}

#[utoipa::path(put, path = "/api/v1/patients/{id}/insurance/order", tag = "patient record",
    params(("id" = String, Path)), request_body = OrderBody,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn order_insurance(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(order): ApiJson<OrderBody>,
) -> Result<StatusCode, ApiError> {
    s.app
        .reorder_insurance(&staff, &patient(id), &order.plan_ids)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/patients/{id}/insurance/{plan_id}",
    tag = "patient record", params(("id" = String, Path), ("plan_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_insurance(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path((id, plan)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    s.app.remove_insurance(&staff, &patient(id), &plan).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/intake-forms", tag = "intake",
    responses((status = 200, body = Vec<FormBody>)))]
pub(crate) async fn list_forms(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
) -> Result<Json<Vec<FormBody>>, ApiError> {
    let forms = s.app.intake_forms(&staff).await?;
    Ok(Json(forms.into_iter().map(FormBody::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/intake-forms", tag = "intake", request_body = FormInput,
    responses((status = 201, body = FormBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_form(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<FormInput>,
) -> Result<(StatusCode, Json<FormBody>), ApiError> {
    let form = s.app.save_intake_form(&staff, None, &input, true).await?;
    Ok((StatusCode::CREATED, Json(form.into())))
}

#[utoipa::path(get, path = "/api/v1/intake-forms/{form_id}", tag = "intake",
    params(("form_id" = String, Path)),
    responses((status = 200, body = FormBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_form(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(form_id): Path<String>,
) -> Result<Json<FormBody>, ApiError> {
    Ok(Json(s.app.intake_form(&staff, &form_id).await?.into()))
}

/// Saves the form as its next version; intakes already answered keep theirs.
#[utoipa::path(put, path = "/api/v1/intake-forms/{form_id}", tag = "intake",
    params(("form_id" = String, Path)), request_body = FormInput,
    responses((status = 200, body = FormBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn put_form(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(form_id): Path<String>,
    ApiJson(input): ApiJson<FormInput>,
) -> Result<Json<FormBody>, ApiError> {
    let form = s
        .app
        .save_intake_form(&staff, Some(&form_id), &input, true)
        .await?;
    Ok(Json(form.into()))
}

/// Reads the patient's answers: audited as `intake.viewed`.
#[utoipa::path(get, path = "/api/v1/patients/{id}/intakes", tag = "intake",
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<IntakeBody>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn list_intakes(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<Vec<IntakeBody>>, ApiError> {
    let intakes = s.app.patient_intakes(&staff, &patient(id)).await?;
    Ok(Json(intakes.into_iter().map(IntakeBody::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/patients/{id}/intakes", tag = "intake",
    params(("id" = String, Path)), request_body = IntakeInput,
    responses((status = 201, body = FlagsBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn record_intake(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<IntakeInput>,
) -> Result<(StatusCode, Json<FlagsBody>), ApiError> {
    let flags = s
        .app
        .record_intake(&staff, &patient(id), &input.form_id, &input.answers)
        .await?;
    Ok((StatusCode::CREATED, Json(FlagsBody { flags })))
}

#[utoipa::path(get, path = "/api/v1/patients/{id}/flags", tag = "intake",
    params(("id" = String, Path)),
    responses((status = 200, body = FlagsBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_flags(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> Result<Json<FlagsBody>, ApiError> {
    let flags = s.app.patient_flags(&staff, &patient(id)).await?;
    Ok(Json(FlagsBody { flags }))
}
