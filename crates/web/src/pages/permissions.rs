//! The clinic's permission settings: a grid of what each role may do, every cell marked when
//! it differs from Knead's default, saved as one form. Locked cells (the owner managing
//! staff, every role reading the setup) show ticked and cannot be changed.

use super::errors::PageResult;
use super::form::{Form, Labels};
use super::options::role_label;
use super::view::{Chrome, PageQuery, Section, chrome, render, see_other};
use crate::AppState;
use crate::auth::{Signed, form_urlencoded_pairs};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use knead_app::staff::PermissionGrid;
use knead_domain::permissions::is_locked;
use knead_domain::{Permission, Role};

const LABELS: Labels = &[];

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/settings/permissions", get(show).post(save))
}

/// What a permission lets a person do, in the grid's words.
pub(crate) fn permission_label(permission: Permission) -> &'static str {
    match permission {
        Permission::ViewSetup => "See the clinic's setup",
        Permission::ManageSetup => "Change locations, practitioners and services",
        Permission::ViewPatients => "See patients' details",
        Permission::ManagePatients => "Add and change patients",
        Permission::ExportPatients => "Export the patient list",
        Permission::ViewSchedule => "See the schedule",
        Permission::ManageAppointments => "Book, move and cancel appointments",
        Permission::ViewCharts => "Read clinical records",
        Permission::WriteCharts => "Write and sign clinical records",
        Permission::ManageConsents => "Record and withdraw consents",
        Permission::ViewAudit => "Read the audit trail",
        Permission::ManageTokens => "Manage API tokens",
        Permission::ManageStaff => "Manage staff and permissions",
    }
}

/// One cell of the grid.
struct Cell {
    name: String,
    role: &'static str,
    allowed: bool,
    default: bool,
    locked: bool,
}

struct Line {
    label: &'static str,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "permissions.html")]
struct PermissionsPage {
    chrome: Chrome,
    roles: Vec<&'static str>,
    lines: Vec<Line>,
    form: Form,
    saved: Option<&'static str>,
}

fn lines(grid: &PermissionGrid) -> Vec<Line> {
    Permission::ALL
        .into_iter()
        .map(|permission| Line {
            label: permission_label(permission),
            cells: Role::ALL
                .into_iter()
                .map(|role| Cell {
                    name: format!("{}.{}", role.as_str(), permission.as_str()),
                    role: role_label(role),
                    allowed: grid.allows(role, permission),
                    default: role.allows(permission),
                    locked: is_locked(role, permission),
                })
                .collect(),
        })
        .collect()
}

async fn show(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let grid = state.app.permission_grid(&signed.staff).await?;
    let saved = q
        .saved()
        .map(|_| "Permissions saved. They apply from the next request.");
    page(&state, &signed, &grid, Form::new(LABELS), saved).await
}

async fn save(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let pairs = form_urlencoded_pairs(&body);
    let allowed: Vec<(Role, Permission)> = pairs
        .iter()
        .filter_map(|(name, _)| {
            let (role, permission) = name.split_once('.')?;
            Some((Role::parse(role)?, Permission::parse(permission)?))
        })
        .collect();
    match state.app.set_permissions(&signed.staff, &allowed).await {
        Ok(_) => Ok(see_other("/settings/permissions?saved=1")),
        Err(error) => {
            let form = Form::posted(LABELS, &body).rejected(error)?;
            let grid = state.app.permission_grid(&signed.staff).await?;
            page(&state, &signed, &grid, form, None).await
        }
    }
}

async fn page(
    state: &AppState,
    signed: &Signed,
    grid: &PermissionGrid,
    form: Form,
    saved: Option<&'static str>,
) -> PageResult {
    let chrome = chrome(state, signed, Section::Staff).await?;
    let status = if form.has_problems() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = PermissionsPage {
        chrome,
        roles: Role::ALL.into_iter().map(role_label).collect(),
        lines: lines(grid),
        form,
        saved,
    };
    render(status, &page)
}
