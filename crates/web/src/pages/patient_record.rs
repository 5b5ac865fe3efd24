//! The parts of a patient's details page around the demographics: health flags at the top,
//! guardians, family links and insurance plans, with the insurance plans' add, reorder and
//! remove forms.
//!
//! Known shortcoming: guardians and family links are added and removed through the API only
//! (`/api/v1/patients/{id}/guardians`, `/api/v1/family-links`); the page shows them but has no
//! forms for them yet. Adding those forms (a patient picker and the authority select) would
//! remove this mark.

use super::errors::PageResult;
use super::view::see_other;
use crate::AppState;
use crate::auth::Signed;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use knead_app::patient_record::PatientRecord;
use knead_app::{AppError, Staff};
use knead_domain::Permission;
use knead_domain::ids::PatientId;
use knead_domain::patient_record::InsuranceInput;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/patients/{id}/insurance", post(add_insurance))
        .route("/patients/{id}/insurance/{plan}/up", post(move_up))
        .route("/patients/{id}/insurance/{plan}/down", post(move_down))
        .route("/patients/{id}/insurance/{plan}/remove", post(remove))
}

/// A line of the record: who or what, and the details beside it.
pub(crate) struct Line {
    pub title: String,
    pub detail: String,
    pub href: Option<String>,
}

pub(crate) struct PlanLine {
    pub id: String,
    pub rank: &'static str,
    pub insurer: String,
    pub detail: String,
    pub first: bool,
    pub last: bool,
}

/// What the details page shows of the record.
pub(crate) struct RecordView {
    pub minor: bool,
    pub guardians: Vec<Line>,
    pub family: Vec<Line>,
    pub plans: Vec<PlanLine>,
    pub can_edit: bool,
    pub can_record_intake: bool,
}

const RANKS: [&str; 4] = ["Primary", "Secondary", "Third", "Fourth"];

fn name_of(record: &PatientRecord, id: &PatientId) -> String {
    record
        .names
        .get(id.as_str())
        .cloned()
        .unwrap_or_else(|| "A patient".to_owned())
}

fn view(record: &PatientRecord, staff: &Staff) -> RecordView {
    let me = &record.patient.id;
    let guardians = record
        .guardians
        .iter()
        .map(|g| {
            let f = &g.fields;
            let authority = f.authority.label();
            if &g.patient_id != me {
                let title = name_of(record, &g.patient_id);
                let detail = format!("This patient is their {} ({authority})", f.relationship);
                return Line {
                    title,
                    detail,
                    href: Some(format!("/patients/{}", g.patient_id)),
                };
            }
            let (title, href) = match &f.guardian_patient_id {
                Some(p) => (name_of(record, p), Some(format!("/patients/{p}"))),
                None => (f.guardian_name.clone().unwrap_or_default(), None),
            };
            let phone = f
                .guardian_phone
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default();
            Line {
                title,
                detail: format!("{}: {authority}{phone}", f.relationship),
                href,
            }
        })
        .collect();
    let family = record
        .family_links
        .iter()
        .map(|l| {
            let f = &l.fields;
            let (other, role) = if &f.payer_patient_id == me {
                (&f.dependant_patient_id, "Books and pays for")
            } else {
                (&f.payer_patient_id, "Booked and paid for by")
            };
            let can = match (f.may_book, f.may_pay) {
                (true, true) => "books and pays",
                (true, false) => "books only",
                (false, true) => "pays only",
                (false, false) => "neither books nor pays",
            };
            Line {
                title: format!("{role} {}", name_of(record, other)),
                detail: format!("{} ({can})", f.relationship),
                href: Some(format!("/patients/{other}")),
            }
        })
        .collect();
    let count = record.insurance.len();
    let plans = record
        .insurance
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let f = &p.fields;
            let mut parts = Vec::new();
            if let Some(n) = &f.plan_number {
                parts.push(format!("plan {n}"));
            }
            if let Some(n) = &f.member_number {
                parts.push(format!("member {n}"));
            }
            match &f.holder_name {
                Some(name) => parts.push(format!(
                    "held by {name}, {}",
                    f.holder_relationship.as_str()
                )),
                None => parts.push("held by the patient".to_owned()),
            }
            if let Some(notes) = &f.coverage_notes {
                parts.push(notes.clone());
            }
            PlanLine {
                id: p.id.clone(),
                rank: RANKS.get(i).copied().unwrap_or("Further"),
                insurer: f.insurer.clone(),
                detail: parts.join("; "),
                first: i == 0,
                last: i + 1 == count,
            }
        })
        .collect();
    RecordView {
        minor: record.minor,
        guardians,
        family,
        plans,
        can_edit: staff.can(Permission::ManagePatients),
        can_record_intake: staff.can(Permission::ManagePatients)
            || staff.can(Permission::WriteCharts),
    }
}

/// The flags (for staff who may read health information) and the record of patient `id`.
pub(crate) async fn record_view(
    state: &AppState,
    staff: &Staff,
    id: &PatientId,
) -> Result<(Vec<String>, Option<RecordView>), AppError> {
    let record = state.app.patient_record(staff, id).await?;
    let flags = if staff.can(Permission::ViewCharts) {
        state.app.flags_beside_a_read(staff, id).await?
    } else {
        Vec::new()
    };
    Ok((flags, Some(view(&record, staff))))
}

fn back(id: &str) -> axum::response::Response {
    see_other(&format!("/patients/{id}?saved=1#insurance"))
}

async fn add_insurance(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let pairs = crate::auth::form_urlencoded_pairs(&body);
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let input = InsuranceInput {
        insurer: get("insurer"),
        plan_number: get("plan_number"),
        member_number: get("member_number"),
        holder_relationship: get("holder_relationship"),
        holder_name: get("holder_name"),
        holder_date_of_birth: get("holder_date_of_birth"),
        coverage_notes: get("coverage_notes"),
    };
    let patient = PatientId::from_string(id.clone());
    // Known shortcoming: a refused plan answers with the error page (422 naming the fields)
    // instead of re-showing the details page with the message beside each plan field.
    state
        .app
        .add_insurance(&signed.staff, &patient, &input)
        .await?;
    Ok(back(&id))
}

async fn move_up(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, plan)): Path<(String, String)>,
) -> PageResult {
    let patient = PatientId::from_string(id.clone());
    state
        .app
        .move_insurance(&signed.staff, &patient, &plan, true)
        .await?;
    Ok(back(&id))
}

async fn move_down(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, plan)): Path<(String, String)>,
) -> PageResult {
    let patient = PatientId::from_string(id.clone());
    state
        .app
        .move_insurance(&signed.staff, &patient, &plan, false)
        .await?;
    Ok(back(&id))
}

async fn remove(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, plan)): Path<(String, String)>,
) -> PageResult {
    let patient = PatientId::from_string(id.clone());
    state
        .app
        .remove_insurance(&signed.staff, &patient, &plan)
        .await?;
    Ok(back(&id))
}
