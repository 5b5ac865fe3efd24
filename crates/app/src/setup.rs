//! The clinic's setup: its profile, locations, rooms, practitioners and services.

use crate::{App, AppError, Staff, record};
use knead_domain::Permission;
use knead_domain::ids::{LocationId, PractitionerId, RoomId, ServiceId};
use knead_domain::setup::{
    ClinicInput, Location, LocationInput, Practitioner, PractitionerInput, Room, RoomInput,
    Service, ServiceInput,
};
use knead_store::clinics::{self, ClinicRecord};
use knead_store::{Page, PageRequest, StoreError, setup as store};
use serde_json::json;

/// Maps a foreign-key failure on a link table to the input field that named a bad id.
fn unknown_reference(error: StoreError, field: &str, what: &str) -> AppError {
    match error {
        StoreError::ForeignKey { .. } => AppError::invalid(
            field,
            format!("names a {what} that does not exist in this clinic"),
        ),
        other => other.into(),
    }
}

impl App {
    pub async fn clinic(&self, staff: &Staff) -> Result<ClinicRecord, AppError> {
        staff.require(Permission::ViewSetup)?;
        let mut conn = self.store.read().await?;
        clinics::get(&mut conn, &staff.clinic_id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn update_clinic(
        &self,
        staff: &Staff,
        input: &ClinicInput,
    ) -> Result<ClinicRecord, AppError> {
        staff.require(Permission::ManageSetup)?;
        let profile = input.parse()?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        if !clinics::update_profile(&mut tx, &staff.clinic_id, &profile).await? {
            return Err(AppError::NotFound);
        }
        let entity = ("clinic", staff.clinic_id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "clinic.updated",
            entity,
            json!(profile),
            now,
        )
        .await?;
        let clinic = clinics::get(&mut tx, &staff.clinic_id)
            .await?
            .ok_or(AppError::NotFound)?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, "clinic profile updated");
        Ok(clinic)
    }

    // ---- locations ---------------------------------------------------------------------

    pub async fn create_location(
        &self,
        staff: &Staff,
        input: &LocationInput,
    ) -> Result<Location, AppError> {
        staff.require(Permission::ManageSetup)?;
        let fields = input.parse()?;
        let id = LocationId::generate();
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        store::insert_location(&mut tx, &staff.clinic_id, &id, &fields, now).await?;
        let entity = ("location", id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "location.created",
            entity,
            json!(fields),
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, location_id = %id, "location created");
        Ok(Location { id, fields })
    }

    pub async fn update_location(
        &self,
        staff: &Staff,
        id: &LocationId,
        input: &LocationInput,
    ) -> Result<Location, AppError> {
        staff.require(Permission::ManageSetup)?;
        let fields = input.parse()?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        if !store::update_location(&mut tx, &staff.clinic_id, id, &fields, now).await? {
            return Err(AppError::NotFound);
        }
        let entity = ("location", id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "location.updated",
            entity,
            json!(fields),
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Location {
            id: id.clone(),
            fields,
        })
    }

    pub async fn location(&self, staff: &Staff, id: &LocationId) -> Result<Location, AppError> {
        staff.require(Permission::ViewSetup)?;
        let mut conn = self.store.read().await?;
        store::get_location(&mut conn, &staff.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn locations(
        &self,
        staff: &Staff,
        page: &PageRequest,
    ) -> Result<Page<Location>, AppError> {
        staff.require(Permission::ViewSetup)?;
        let mut conn = self.store.read().await?;
        Ok(store::list_locations(&mut conn, &staff.clinic_id, page).await?)
    }

    // ---- rooms -------------------------------------------------------------------------

    pub async fn create_room(
        &self,
        staff: &Staff,
        location: &LocationId,
        input: &RoomInput,
    ) -> Result<Room, AppError> {
        staff.require(Permission::ManageSetup)?;
        let fields = input.parse()?;
        let id = RoomId::generate();
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        if store::get_location(&mut tx, &staff.clinic_id, location)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound);
        }
        store::insert_room(&mut tx, &staff.clinic_id, location, &id, &fields).await?;
        let detail =
            json!({ "location_id": location, "name": fields.name, "active": fields.active });
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "room.created",
            ("room", id.as_str()),
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Room {
            id,
            location_id: location.clone(),
            name: fields.name,
            active: fields.active,
        })
    }

    pub async fn update_room(
        &self,
        staff: &Staff,
        id: &RoomId,
        input: &RoomInput,
    ) -> Result<Room, AppError> {
        staff.require(Permission::ManageSetup)?;
        let fields = input.parse()?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        if !store::update_room(&mut tx, &staff.clinic_id, id, &fields).await? {
            return Err(AppError::NotFound);
        }
        let detail = json!({ "name": fields.name, "active": fields.active });
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "room.updated",
            ("room", id.as_str()),
            detail,
            now,
        )
        .await?;
        let room = store::get_room(&mut tx, &staff.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(room)
    }

    pub async fn room(&self, staff: &Staff, id: &RoomId) -> Result<Room, AppError> {
        staff.require(Permission::ViewSetup)?;
        let mut conn = self.store.read().await?;
        store::get_room(&mut conn, &staff.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn rooms(
        &self,
        staff: &Staff,
        location: Option<&LocationId>,
        page: &PageRequest,
    ) -> Result<Page<Room>, AppError> {
        staff.require(Permission::ViewSetup)?;
        let mut conn = self.store.read().await?;
        Ok(store::list_rooms(&mut conn, &staff.clinic_id, location, page).await?)
    }

    // ---- practitioners -----------------------------------------------------------------

    pub async fn create_practitioner(
        &self,
        staff: &Staff,
        input: &PractitionerInput,
    ) -> Result<Practitioner, AppError> {
        staff.require(Permission::ManageSetup)?;
        let fields = input.parse()?;
        let id = PractitionerId::generate();
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        store::insert_practitioner(&mut tx, &staff.clinic_id, &id, &fields, now)
            .await
            .map_err(|e| unknown_reference(e, "location_ids", "location"))?;
        let entity = ("practitioner", id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "practitioner.created",
            entity,
            json!(fields),
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, practitioner_id = %id, "practitioner created");
        Ok(Practitioner { id, fields })
    }

    pub async fn update_practitioner(
        &self,
        staff: &Staff,
        id: &PractitionerId,
        input: &PractitionerInput,
    ) -> Result<Practitioner, AppError> {
        staff.require(Permission::ManageSetup)?;
        let fields = input.parse()?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let updated = store::update_practitioner(&mut tx, &staff.clinic_id, id, &fields, now)
            .await
            .map_err(|e| unknown_reference(e, "location_ids", "location"))?;
        if !updated {
            return Err(AppError::NotFound);
        }
        let entity = ("practitioner", id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "practitioner.updated",
            entity,
            json!(fields),
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Practitioner {
            id: id.clone(),
            fields,
        })
    }

    pub async fn practitioner(
        &self,
        staff: &Staff,
        id: &PractitionerId,
    ) -> Result<Practitioner, AppError> {
        staff.require(Permission::ViewSetup)?;
        let mut conn = self.store.read().await?;
        store::get_practitioner(&mut conn, &staff.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn practitioners(
        &self,
        staff: &Staff,
        page: &PageRequest,
    ) -> Result<Page<Practitioner>, AppError> {
        staff.require(Permission::ViewSetup)?;
        let mut conn = self.store.read().await?;
        Ok(store::list_practitioners(&mut conn, &staff.clinic_id, page).await?)
    }

    // ---- services ----------------------------------------------------------------------

    pub async fn create_service(
        &self,
        staff: &Staff,
        input: &ServiceInput,
    ) -> Result<Service, AppError> {
        staff.require(Permission::ManageSetup)?;
        let fields = input.parse()?;
        let id = ServiceId::generate();
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        store::insert_service(&mut tx, &staff.clinic_id, &id, &fields, now)
            .await
            .map_err(|e| unknown_reference(e, "practitioner_ids", "practitioner"))?;
        let entity = ("service", id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "service.created",
            entity,
            json!(fields),
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, service_id = %id, "service created");
        Ok(Service { id, fields })
    }

    pub async fn update_service(
        &self,
        staff: &Staff,
        id: &ServiceId,
        input: &ServiceInput,
    ) -> Result<Service, AppError> {
        staff.require(Permission::ManageSetup)?;
        let fields = input.parse()?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let updated = store::update_service(&mut tx, &staff.clinic_id, id, &fields, now)
            .await
            .map_err(|e| unknown_reference(e, "practitioner_ids", "practitioner"))?;
        if !updated {
            return Err(AppError::NotFound);
        }
        let entity = ("service", id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "service.updated",
            entity,
            json!(fields),
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Service {
            id: id.clone(),
            fields,
        })
    }

    pub async fn service(&self, staff: &Staff, id: &ServiceId) -> Result<Service, AppError> {
        staff.require(Permission::ViewSetup)?;
        let mut conn = self.store.read().await?;
        store::get_service(&mut conn, &staff.clinic_id, id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub async fn services(
        &self,
        staff: &Staff,
        page: &PageRequest,
    ) -> Result<Page<Service>, AppError> {
        staff.require(Permission::ViewSetup)?;
        let mut conn = self.store.read().await?;
        Ok(store::list_services(&mut conn, &staff.clinic_id, page).await?)
    }
}
