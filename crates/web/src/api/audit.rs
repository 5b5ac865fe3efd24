//! The audit trail over the API: a patient's access log and the clinic-wide search. Both
//! need `ViewAudit`; reading either is itself recorded.

use super::{ListBody, ListQuery};
use crate::auth::ApiStaff;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, Query, State};
use knead_app::access::{AuditEntry, AuditPage, AuditQuery};
use knead_domain::ids::PatientId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditEntryBody {
    /// Position in the clinic's chain.
    pub seq: i64,
    /// When, RFC 3339 with the clinic's offset.
    pub at: String,
    /// The IANA zone `at` is on.
    pub time_zone: String,
    /// `user`, `api_token`, `cli` or `setup`.
    pub actor_kind: String,
    /// The staff member's id, when one did it (directly, not through a token).
    pub actor_id: Option<String>,
    /// Who, in words.
    pub by: String,
    /// Such as `patient.viewed`.
    pub action: String,
    /// The action in plain words.
    pub what: String,
    /// What the entry is filed under: `patient`, `patient_list`, `appointment`…
    pub entity: String,
    pub entity_id: String,
    /// The network address the request came from, when known.
    pub address: Option<String>,
    /// Ids and counts only.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

fn body(entry: AuditEntry, zone: &str) -> AuditEntryBody {
    AuditEntryBody {
        seq: entry.seq,
        at: entry
            .at
            .timestamp()
            .display_with_offset(entry.at.offset())
            .to_string(),
        time_zone: zone.to_owned(),
        actor_kind: entry.actor_kind,
        actor_id: entry.actor_id,
        by: entry.by,
        action: entry.action,
        what: entry.what,
        entity: entry.entity,
        entity_id: entry.entity_id,
        address: entry.address,
        detail: entry.detail,
    }
}

fn list(page: AuditPage) -> Json<ListBody<AuditEntryBody>> {
    let zone = page.zone;
    Json(ListBody {
        items: page.entries.into_iter().map(|e| body(e, &zone)).collect(),
        next_cursor: page.next_cursor,
    })
}

/// What the audit search looks for; every field is optional.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditSearch {
    /// A patient's id: entries filed under them, and patient lists that showed them.
    pub patient: Option<String>,
    /// A staff member's id: their entries, also through their API tokens.
    pub staff: Option<String>,
    /// An action, such as `patient.viewed`.
    pub action: Option<String>,
    /// First day, `YYYY-MM-DD` on the clinic's clock.
    pub from: Option<String>,
    /// Last day, included.
    pub until: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/patients/{id}/access", tag = "audit",
    params(("id" = String, Path), ListQuery),
    responses((status = 200, body = ListBody<AuditEntryBody>), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn patient_access(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Path(id): Path<String>,
    Query(page): Query<ListQuery>,
) -> Result<Json<ListBody<AuditEntryBody>>, ApiError> {
    let id = PatientId::from_string(id);
    let log = s.app.patient_access_log(&staff, &id, &page.page()?).await?;
    Ok(list(log))
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(ListQuery, AuditSearch),
    responses((status = 200, body = ListBody<AuditEntryBody>), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn search_audit(
    State(s): State<AppState>,
    ApiStaff(staff): ApiStaff,
    Query(page): Query<ListQuery>,
    Query(search): Query<AuditSearch>,
) -> Result<Json<ListBody<AuditEntryBody>>, ApiError> {
    let query = AuditQuery {
        patient: search.patient,
        staff: search.staff,
        action: search.action,
        from: search.from,
        until: search.until,
    };
    Ok(list(
        s.app.search_audit(&staff, &query, &page.page()?).await?,
    ))
}
