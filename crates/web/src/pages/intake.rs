//! The "Health history" tab: the patient's flags, the intakes they completed (each with the
//! exact questions of the form version it answered), and the form the desk fills in with the
//! patient. Reading answers is audited by the application; handlers log ids at most.

use super::errors::PageResult;
use super::patient_tabs::{PatientTab, PatientTabLink, patient_tabs};
use super::view::{Chrome, Section, chrome, render, see_other};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use knead_app::AppError;
use knead_app::patient_record::{FormRecord, IntakeRecord};
use knead_domain::FieldErrors;
use knead_domain::Permission;
use knead_domain::ids::PatientId;
use knead_domain::intake::{Question, QuestionKind};
use serde::Deserialize;
use std::collections::BTreeMap;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/patients/{id}/intake", get(show).post(record))
}

#[derive(Debug, Default, Deserialize)]
struct IntakeQuery {
    form: Option<String>,
    saved: Option<String>,
}

/// One question of the form being filled, with what was typed and its problem.
pub(crate) struct Field {
    pub name: String,
    pub id: String,
    pub label: String,
    pub kind: &'static str,
    pub required: bool,
    pub choices: Vec<String>,
    pub value: String,
    pub error: Option<String>,
}

/// A completed intake as shown: each question of its version beside its answer.
pub(crate) struct Completed {
    pub when: String,
    pub form: String,
    pub version: i64,
    pub rows: Vec<(String, String)>,
    pub flags: Vec<String>,
}

#[derive(Template)]
#[template(path = "intake.html")]
struct IntakePage {
    chrome: Chrome,
    id: String,
    name: String,
    tabs: Vec<PatientTabLink>,
    saved: bool,
    can_view: bool,
    flags: Vec<String>,
    completed: Vec<Completed>,
    forms: Vec<(String, String)>,
    form_id: Option<String>,
    fields: Vec<Field>,
    problems: Vec<(String, String)>,
}

fn fields(
    form: &FormRecord,
    values: &BTreeMap<String, String>,
    errors: &FieldErrors,
) -> Vec<Field> {
    form.content
        .questions
        .iter()
        .map(|q: &Question| {
            let name = format!("answers.{}", q.key);
            let error = errors.get(&name).map(|m| {
                if m.starts_with('\'') {
                    m.to_owned()
                } else {
                    format!("This answer {m}")
                }
            });
            Field {
                id: format!("answer-{}", q.key),
                label: q.label.clone(),
                kind: q.kind.as_str(),
                required: q.required,
                choices: q.choices.clone(),
                value: values.get(&name).cloned().unwrap_or_default(),
                error,
                name,
            }
        })
        .collect()
}

fn completed(intake: IntakeRecord) -> Completed {
    let when = jiff::Timestamp::from_second(intake.recorded_at)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default();
    let rows = intake
        .form
        .questions
        .iter()
        .map(|q| {
            let answer = intake.answers.get(&q.key).cloned().unwrap_or_default();
            let answer = match (q.kind, answer.as_str()) {
                (_, "") => "Not answered".to_owned(),
                (QuestionKind::YesNo, "yes") => "Yes".to_owned(),
                (QuestionKind::YesNo, "no") => "No".to_owned(),
                _ => answer,
            };
            (q.label.clone(), answer)
        })
        .collect();
    Completed {
        when,
        form: intake.form.name,
        version: intake.form_version,
        rows,
        flags: intake.flags,
    }
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<IntakeQuery>,
) -> PageResult {
    let saved = q.saved.is_some();
    page(
        &state,
        &signed,
        id,
        q.form,
        BTreeMap::new(),
        FieldErrors::new(),
        saved,
    )
    .await
}

async fn record(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let pairs = crate::auth::form_urlencoded_pairs(&body);
    let form_id = pairs
        .iter()
        .find(|(n, _)| n == "form_id")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let values: BTreeMap<String, String> = pairs
        .into_iter()
        .filter(|(n, _)| n.starts_with("answers."))
        .collect();
    let answers = values
        .iter()
        .map(|(n, v)| (n.trim_start_matches("answers.").to_owned(), v.clone()))
        .collect();
    let patient = PatientId::from_string(id.clone());
    let result = state
        .app
        .record_intake(&signed.staff, &patient, &form_id, &answers)
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/patients/{id}/intake?saved=1"))),
        Err(AppError::Invalid(errors)) => {
            page(&state, &signed, id, Some(form_id), values, errors, false).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn page(
    state: &AppState,
    signed: &Signed,
    id: String,
    chosen: Option<String>,
    values: BTreeMap<String, String>,
    errors: FieldErrors,
    saved: bool,
) -> PageResult {
    let staff = &signed.staff;
    let patient_id = PatientId::from_string(id.clone());
    let patient = state.app.patient(staff, &patient_id).await?;
    let can_view = staff.can(Permission::ViewCharts);
    let can_record = staff.can(Permission::ManagePatients) || staff.can(Permission::WriteCharts);
    if !can_view && !can_record {
        return Err(AppError::Forbidden.into());
    }
    let (flags, completed) = if can_view {
        let flags = state.app.flags_beside_a_read(staff, &patient_id).await?;
        let intakes = state.app.patient_intakes(staff, &patient_id).await?;
        (flags, intakes.into_iter().map(completed).collect())
    } else {
        (Vec::new(), Vec::new())
    };
    let forms: Vec<FormRecord> = if can_record {
        let all = state.app.intake_forms(staff).await?;
        all.into_iter().filter(|f| f.active).collect()
    } else {
        Vec::new()
    };
    let current = chosen
        .as_deref()
        .and_then(|c| forms.iter().find(|f| f.id == c))
        .or(forms.first());
    let fields = current.map_or_else(Vec::new, |f| fields(f, &values, &errors));
    let mut problems: Vec<(String, String)> = fields
        .iter()
        .filter_map(|f| {
            f.error
                .as_ref()
                .map(|e| (f.id.clone(), format!("{}: {e}", f.label)))
        })
        .collect();
    if let Some(message) = errors.get("form_id") {
        problems.push(("intake-form".to_owned(), format!("Form {message}")));
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let chrome = chrome(state, signed, Section::Patients).await?;
    render(
        status,
        &IntakePage {
            chrome,
            tabs: patient_tabs(staff, &id, PatientTab::HealthHistory),
            name: patient.fields.display_name(),
            id,
            saved,
            can_view,
            flags,
            completed,
            form_id: current.map(|f| f.id.clone()),
            forms: forms
                .iter()
                .map(|f| (f.id.clone(), f.content.name.clone()))
                .collect(),
            fields,
            problems,
        },
    )
}
