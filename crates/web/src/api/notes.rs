//! Treatment notes over the API: a patient's chart, notes (create, read, update while a
//! draft, sign, amend), note templates and the clinic's chart settings.

use super::{ApiJson, ListBody};
use crate::auth::ApiStaff;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiff::tz::TimeZone;
use knead_app::notes::{Amendment, Note as NoteRow, NoteView, TemplateRow};
use knead_domain::booking::rfc3339_in;
use knead_domain::ids::PatientId;
use knead_domain::notes::{
    BodyMark, BodyMarkInput, ChartSettings, ChartSettingsInput, NoteContent, NoteContentInput,
    NoteId, NoteSection, NoteStatus, SharingPolicy, TemplateId, TemplateInput, TemplateSection,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

type ApiResult<T> = Result<T, ApiError>;

/// A note as listed on the chart.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NoteSummary {
    id: String,
    appointment_id: String,
    patient_id: String,
    practitioner_id: String,
    /// The visit's start on the location's clock.
    visit_start: String,
    time_zone: String,
    status: NoteStatus,
    author_name: String,
    signed_at: Option<String>,
    late_entry: bool,
    amendment_count: i64,
}

/// Sections and marks of a note at one point in its history.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ContentBody {
    sections: Vec<NoteSection>,
    marks: Vec<BodyMark>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AmendmentBody {
    id: String,
    reason: String,
    author_id: String,
    author_name: String,
    created_at: String,
    content: ContentBody,
}

/// A note: the text as written and signed (`original`), its amendments oldest first, and
/// the text as it now reads (`current`, the last amendment's or the original).
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NoteBody {
    #[serde(flatten)]
    summary: NoteSummary,
    template_id: String,
    template_version: i64,
    author_id: String,
    signed_by: Option<String>,
    signer_name: Option<String>,
    /// The late-entry threshold in force when the note was signed.
    late_threshold_hours: Option<i64>,
    original: ContentBody,
    amendments: Vec<AmendmentBody>,
    current: ContentBody,
}

fn content(c: &NoteContent) -> ContentBody {
    ContentBody {
        sections: c.sections.clone(),
        marks: c.marks.clone(),
    }
}

fn summary(n: &NoteRow) -> NoteSummary {
    let zone = TimeZone::get(&n.time_zone).unwrap_or(TimeZone::UTC);
    NoteSummary {
        id: n.id.to_string(),
        appointment_id: n.appointment_id.clone(),
        patient_id: n.patient_id.to_string(),
        practitioner_id: n.practitioner_id.to_string(),
        visit_start: rfc3339_in(n.visit_at, &zone),
        time_zone: n.time_zone.clone(),
        status: n.status,
        author_name: n.author_name.clone(),
        signed_at: n.signed_at.map(|at| rfc3339_in(at, &zone)),
        late_entry: n.late_entry,
        amendment_count: n.amendment_count,
    }
}

fn body(view: &NoteView) -> NoteBody {
    let n = &view.note;
    let zone = TimeZone::get(&n.time_zone).unwrap_or(TimeZone::UTC);
    let amendment = |a: &Amendment| AmendmentBody {
        id: a.id.to_string(),
        reason: a.reason.clone(),
        author_id: a.author_id.to_string(),
        author_name: a.author_name.clone(),
        created_at: rfc3339_in(a.created_at, &zone),
        content: content(&a.content),
    };
    NoteBody {
        summary: summary(n),
        template_id: n.template_id.to_string(),
        template_version: n.template_version,
        author_id: n.author_id.to_string(),
        signed_by: n.signed_by.as_ref().map(ToString::to_string),
        signer_name: n.signer_name.clone(),
        late_threshold_hours: n.late_threshold_hours,
        original: content(&n.content),
        amendments: view.amendments.iter().map(amendment).collect(),
        current: content(view.current()),
    }
}

#[utoipa::path(get, path = "/api/v1/patients/{id}/notes", tag = "charting",
    params(("id" = String, Path)),
    responses((status = 200, body = ListBody<NoteSummary>), (status = 404, body = ErrorBody)))]
pub(crate) async fn list_notes(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> ApiResult<Json<ListBody<NoteSummary>>> {
    // KNOWN SHORTCOMING: the chart answers every note at once (`next_cursor` is always null);
    // a patient with years of weekly visits would want `limit` and `cursor` here.
    let chart = s.app.chart(&staff, &PatientId::from_string(id)).await?;
    Ok(Json(ListBody {
        items: chart.notes.iter().map(summary).collect(),
        next_cursor: None,
    }))
}

/// A new note for an appointment's visit; sections and marks may be left out (blank draft).
// No Debug: the body holds clinical text.
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewNoteInput {
    appointment_id: String,
    /// The template to write from; the clinic's SOAP template when absent.
    #[serde(default)]
    template_id: Option<String>,
    #[serde(default)]
    sections: Vec<String>,
    #[serde(default)]
    marks: Vec<BodyMarkInput>,
}

#[utoipa::path(post, path = "/api/v1/notes", tag = "charting", request_body = NewNoteInput,
    responses((status = 201, body = NoteBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_note(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<NewNoteInput>,
) -> ApiResult<(StatusCode, Json<NoteBody>)> {
    let template = input.template_id.map(TemplateId::from_string);
    let content = NoteContentInput {
        sections: input.sections,
        marks: input.marks,
    };
    let note = s
        .app
        .start_note(&staff, &input.appointment_id, template.as_ref(), &content)
        .await?;
    let view = s.app.note(&staff, &note.id).await?;
    Ok((StatusCode::CREATED, Json(body(&view))))
}

#[utoipa::path(get, path = "/api/v1/notes/{id}", tag = "charting", params(("id" = String, Path)),
    responses((status = 200, body = NoteBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_note(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> ApiResult<Json<NoteBody>> {
    let view = s.app.note(&staff, &NoteId::from_string(id)).await?;
    Ok(Json(body(&view)))
}

/// A draft's new content. On `PUT` absent fields are emptied; on `PATCH` they are kept.
// No Debug: the body holds clinical text.
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoteUpdate {
    #[serde(default)]
    sections: Option<Vec<String>>,
    #[serde(default)]
    marks: Option<Vec<BodyMarkInput>>,
}

#[utoipa::path(put, path = "/api/v1/notes/{id}", tag = "charting", request_body = NoteUpdate,
    params(("id" = String, Path)),
    responses((status = 200, body = NoteBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the note is signed (code note_signed)", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn put_note(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NoteUpdate>,
) -> ApiResult<Json<NoteBody>> {
    let id = NoteId::from_string(id);
    let sections = Some(input.sections.unwrap_or_default());
    let marks = Some(input.marks.unwrap_or_default());
    s.app.update_note(&staff, &id, sections, marks).await?;
    Ok(Json(body(&s.app.note(&staff, &id).await?)))
}

#[utoipa::path(patch, path = "/api/v1/notes/{id}", tag = "charting", request_body = NoteUpdate,
    params(("id" = String, Path)),
    responses((status = 200, body = NoteBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the note is signed (code note_signed)", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn patch_note(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<NoteUpdate>,
) -> ApiResult<Json<NoteBody>> {
    let id = NoteId::from_string(id);
    s.app
        .update_note(&staff, &id, input.sections, input.marks)
        .await?;
    Ok(Json(body(&s.app.note(&staff, &id).await?)))
}

#[utoipa::path(post, path = "/api/v1/notes/{id}/sign", tag = "charting",
    params(("id" = String, Path)),
    responses((status = 200, body = NoteBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub(crate) async fn sign_note(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
) -> ApiResult<Json<NoteBody>> {
    let id = NoteId::from_string(id);
    s.app.sign_note(&staff, &id).await?;
    Ok(Json(body(&s.app.note(&staff, &id).await?)))
}

/// An amendment: why, and the whole content as it should now read.
// No Debug: the body holds clinical text.
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AmendInput {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    sections: Vec<String>,
    #[serde(default)]
    marks: Vec<BodyMarkInput>,
}

#[utoipa::path(post, path = "/api/v1/notes/{id}/amendments", tag = "charting",
    request_body = AmendInput, params(("id" = String, Path)),
    responses((status = 201, body = NoteBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn amend_note(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AmendInput>,
) -> ApiResult<(StatusCode, Json<NoteBody>)> {
    let content = NoteContentInput {
        sections: input.sections,
        marks: input.marks,
    };
    let id = NoteId::from_string(id);
    let view = s
        .app
        .amend_note(&staff, &id, &input.reason, &content)
        .await?;
    Ok((StatusCode::CREATED, Json(body(&view))))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TemplateBody {
    id: String,
    version: i64,
    name: String,
    sections: Vec<TemplateSection>,
    /// Knead's own SOAP template.
    seeded: bool,
}

fn template_body(t: TemplateRow) -> TemplateBody {
    TemplateBody {
        id: t.current.template_id.to_string(),
        version: t.current.version,
        name: t.current.name,
        sections: t.current.sections,
        seeded: t.seeded,
    }
}

#[utoipa::path(get, path = "/api/v1/note-templates", tag = "charting",
    responses((status = 200, body = ListBody<TemplateBody>)))]
pub(crate) async fn list_templates(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
) -> ApiResult<Json<ListBody<TemplateBody>>> {
    let list = s.app.note_templates(&staff).await?;
    Ok(Json(ListBody {
        items: list.into_iter().map(template_body).collect(),
        next_cursor: None,
    }))
}

#[utoipa::path(post, path = "/api/v1/note-templates", tag = "charting",
    request_body = TemplateInput,
    responses((status = 201, body = TemplateBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_template(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<TemplateInput>,
) -> ApiResult<(StatusCode, Json<TemplateBody>)> {
    let made = s.app.create_template(&staff, &input).await?;
    Ok((StatusCode::CREATED, Json(template_body(made))))
}

#[utoipa::path(put, path = "/api/v1/note-templates/{id}", tag = "charting",
    request_body = TemplateInput, params(("id" = String, Path)),
    responses((status = 200, description = "saved as a new version", body = TemplateBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_template(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TemplateInput>,
) -> ApiResult<Json<TemplateBody>> {
    let id = TemplateId::from_string(id);
    let saved = s.app.update_template(&staff, &id, &input).await?;
    Ok(Json(template_body(saved)))
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ChartSettingsBody {
    sharing_policy: SharingPolicy,
    late_entry_hours: i64,
}

fn settings_body(c: ChartSettings) -> ChartSettingsBody {
    ChartSettingsBody {
        sharing_policy: c.policy,
        late_entry_hours: c.late_entry_hours,
    }
}

#[utoipa::path(get, path = "/api/v1/chart-settings", tag = "charting",
    responses((status = 200, body = ChartSettingsBody)))]
pub(crate) async fn get_chart_settings(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
) -> ApiResult<Json<ChartSettingsBody>> {
    Ok(Json(settings_body(s.app.chart_settings(&staff).await?)))
}

#[utoipa::path(put, path = "/api/v1/chart-settings", tag = "charting",
    request_body = ChartSettingsInput,
    responses((status = 200, body = ChartSettingsBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn put_chart_settings(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    ApiJson(input): ApiJson<ChartSettingsInput>,
) -> ApiResult<Json<ChartSettingsBody>> {
    let saved = s.app.save_chart_settings(&staff, &input).await?;
    Ok(Json(settings_body(saved)))
}
