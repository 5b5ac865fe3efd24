//! Locations and their rooms: the list, a form to add a location, and each location's page,
//! which edits it and lists its rooms with a small form per room.

use super::clinic::{ADDRESS_LABELS, with_address};
use super::errors::PageResult;
use super::form::{Form, Labels};
use super::view::{
    Chrome, PageQuery, Section, action, chrome, everything, heading, render, see_other,
};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use knead_app::AppError;
use knead_domain::ids::{LocationId, RoomId};
use knead_domain::setup::{Location, LocationFields, LocationInput, Room, RoomInput};

const LABELS: Labels = &[
    ("name", "Name"),
    ADDRESS_LABELS[0],
    ADDRESS_LABELS[1],
    ADDRESS_LABELS[2],
    ADDRESS_LABELS[3],
    ADDRESS_LABELS[4],
    ("time_zone", "Time zone"),
    ("phone", "Phone"),
    ("slot_step_minutes", "Booking grid step"),
    ("active", "Active"),
];

const ROOM_LABELS: Labels = &[("name", "Room name"), ("active", "In use")];

const NEW_ROOM_LABELS: Labels = &[("name", "New room")];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/locations", get(list).post(create))
        .route("/locations/new", get(new))
        .route("/locations/{id}", get(edit).post(update))
        .route("/locations/{id}/rooms", post(add_room))
        .route("/rooms/{id}", post(update_room))
}

#[derive(Template)]
#[template(path = "locations.html")]
struct ListPage {
    chrome: Chrome,
    locations: Vec<Location>,
    next: Option<String>,
}

/// A room on its location's page, with its own small form.
struct RoomRow {
    id: String,
    name: String,
    form: Form,
}

#[derive(Template)]
#[template(path = "location.html")]
struct LocationPage {
    chrome: Chrome,
    form: Form,
    /// `None` while the location is being added.
    id: Option<String>,
    rooms: Vec<RoomRow>,
    new_room: Form,
    saved: Option<&'static str>,
}

impl LocationPage {
    fn heading(&self) -> String {
        heading(
            self.id.as_deref(),
            self.form.value_or("name", "Location"),
            "Add a location",
        )
    }

    fn action(&self) -> String {
        action("/locations", self.id.as_deref())
    }

    /// The form whose problems the summary at the top lists.
    fn problem_form(&self) -> &Form {
        let rooms = self.rooms.iter().map(|r| &r.form);
        std::iter::once(&self.form)
            .chain(std::iter::once(&self.new_room))
            .chain(rooms)
            .find(|f| f.has_problems())
            .unwrap_or(&self.form)
    }
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let page = state.app.locations(&signed.staff, &q.page()?).await?;
    let chrome = chrome(&state, &signed, Section::Locations).await?;
    let next = page.next_cursor;
    render(
        StatusCode::OK,
        &ListPage {
            chrome,
            locations: page.items,
            next,
        },
    )
}

async fn new(State(state): State<AppState>, signed: Signed) -> PageResult {
    let clinic = state.app.clinic(&signed.staff).await?;
    let form = Form::new(LABELS)
        .with_some("province", clinic.profile.province.map(|p| p.code()))
        .with("slot_step_minutes", 15)
        .with("active", true);
    let page = location_page(&state, &signed, None, form).await?;
    render(StatusCode::OK, &page)
}

async fn create(State(state): State<AppState>, signed: Signed, body: Bytes) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let input = location_input(&form);
    let result = state.app.create_location(&signed.staff, &input).await;
    match result {
        Ok(location) => Ok(see_other(&format!(
            "/locations/{}?saved=location",
            location.id
        ))),
        Err(error) => {
            let form = form.rejected(error)?;
            render(
                form.status(),
                &location_page(&state, &signed, None, form).await?,
            )
        }
    }
}

async fn edit(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let id = LocationId::from_string(id);
    let location = state.app.location(&signed.staff, &id).await?;
    let form = location_form(&location.fields);
    let mut page = location_page(&state, &signed, Some(&id), form).await?;
    page.saved = saved_message(q.saved());
    render(StatusCode::OK, &page)
}

async fn update(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = LocationId::from_string(id);
    let form = Form::posted(LABELS, &body);
    let input = location_input(&form);
    let result = state.app.update_location(&signed.staff, &id, &input).await;
    match result {
        Ok(_) => Ok(see_other(&format!("/locations/{id}?saved=location"))),
        Err(error) => {
            let form = form.rejected(error)?;
            render(
                form.status(),
                &location_page(&state, &signed, Some(&id), form).await?,
            )
        }
    }
}

async fn add_room(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let id = LocationId::from_string(id);
    let form = Form::posted(NEW_ROOM_LABELS, &body).prefixed("new-room-");
    let input = RoomInput {
        name: form.text("name"),
        active: None,
    };
    match state.app.create_room(&signed.staff, &id, &input).await {
        Ok(_) => Ok(see_other(&format!(
            "/locations/{id}?saved=room_added#rooms"
        ))),
        Err(error) => {
            let new_room = form.rejected(error)?;
            let status = new_room.status();
            let mut page = stored_location_page(&state, &signed, &id).await?;
            page.new_room = new_room;
            render(status, &page)
        }
    }
}

async fn update_room(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let room = state
        .app
        .room(&signed.staff, &RoomId::from_string(id))
        .await?;
    let form = Form::posted(ROOM_LABELS, &body).prefixed(room_prefix(&room));
    let input = RoomInput {
        name: form.text("name"),
        active: form.flag("active"),
    };
    let location = room.location_id.clone();
    match state.app.update_room(&signed.staff, &room.id, &input).await {
        Ok(_) => Ok(see_other(&format!(
            "/locations/{location}?saved=room#rooms"
        ))),
        Err(error) => {
            let form = form.rejected(error)?;
            let status = form.status();
            let mut page = stored_location_page(&state, &signed, &location).await?;
            if let Some(row) = page.rooms.iter_mut().find(|r| r.id == room.id.as_str()) {
                row.form = form;
            }
            render(status, &page)
        }
    }
}

/// The page of a stored location, its form filled from the record.
async fn stored_location_page(
    state: &AppState,
    signed: &Signed,
    id: &LocationId,
) -> Result<LocationPage, AppError> {
    let location = state.app.location(&signed.staff, id).await?;
    location_page(state, signed, Some(id), location_form(&location.fields)).await
}

async fn location_page(
    state: &AppState,
    signed: &Signed,
    id: Option<&LocationId>,
    form: Form,
) -> Result<LocationPage, AppError> {
    let rooms = match id {
        Some(id) => {
            state
                .app
                .rooms(&signed.staff, Some(id), &everything()?)
                .await?
                .items
        }
        None => Vec::new(),
    };
    Ok(LocationPage {
        chrome: chrome(state, signed, Section::Locations).await?,
        form,
        id: id.map(|id| id.to_string()),
        rooms: rooms.iter().map(room_row).collect(),
        new_room: Form::new(NEW_ROOM_LABELS).prefixed("new-room-"),
        saved: None,
    })
}

fn room_row(room: &Room) -> RoomRow {
    let form = Form::new(ROOM_LABELS)
        .prefixed(room_prefix(room))
        .with("name", &room.name)
        .with("active", room.active);
    RoomRow {
        id: room.id.to_string(),
        name: room.name.clone(),
        form,
    }
}

fn room_prefix(room: &Room) -> String {
    format!("room-{}-", room.id)
}

fn saved_message(saved: Option<&str>) -> Option<&'static str> {
    match saved? {
        "location" => Some("Location saved."),
        "room_added" => Some("Room added."),
        "room" => Some("Room saved."),
        _ => None,
    }
}

fn location_form(f: &LocationFields) -> Form {
    let form = with_address(Form::new(LABELS).with("name", &f.name), &f.address);
    form.with("province", f.province.code())
        .with("time_zone", f.time_zone.as_str())
        .with_some("phone", f.phone.as_ref())
        .with("slot_step_minutes", f.slot_step_minutes)
        .with("active", f.active)
}

fn location_input(form: &Form) -> LocationInput {
    LocationInput {
        name: form.text("name"),
        address_line1: form.text("address_line1"),
        address_line2: form.text("address_line2"),
        city: form.text("city"),
        province: form.text("province"),
        postal_code: form.text("postal_code"),
        time_zone: form.text("time_zone"),
        phone: form.text("phone"),
        slot_step_minutes: form.text("slot_step_minutes"),
        active: form.flag("active"),
    }
}
