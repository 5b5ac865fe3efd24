//! The booking policy, weekly hours, time off and extra shifts, closures and holidays.

use crate::{App, AppError, Staff, record};
use knead_domain::Permission;
use knead_domain::appointment::{BookingPolicy, BookingPolicyInput};
use knead_domain::booking::{
    self, ExceptionInput, ExceptionKind, HoursInput, local_text, weekday_name,
};
use knead_domain::ids::{LocationId, PractitionerId};
use knead_domain::schedule::{self, WeeklyBlock};
use knead_domain::values::{self, Province};
use knead_store::schedule::{
    self as store, ClosureRow, ExceptionRow, HolidayChange, HoursRow, PolicyVersionRow,
};
use knead_store::{StoreError, setup as setup_store};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;

/// A practitioner's weekly hours at one location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HoursView {
    pub practitioner_id: String,
    pub location_id: String,
    pub blocks: Vec<BlockView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BlockView {
    pub weekday: &'static str,
    pub start: String,
    pub end: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExceptionView {
    pub id: String,
    pub practitioner_id: String,
    pub location_id: Option<String>,
    pub kind: String,
    pub start: String,
    pub end: String,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClosureView {
    pub id: String,
    pub location_id: String,
    pub start: String,
    pub end: String,
    pub reason: Option<String>,
}

/// A statutory holiday as the clinic applies it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct HolidayView {
    pub date: String,
    pub name: String,
    /// Whether the clinic is closed that day.
    pub closed: bool,
    /// `computed` from the province's rules, or `clinic` when the clinic added or changed it.
    pub source: &'static str,
}

/// A saved version of the booking policy: when, and by whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyVersion {
    pub policy: BookingPolicy,
    /// Epoch seconds.
    pub saved_at: i64,
    /// Who saved it, in words: a staff member's name, "API token Robot", "the command line".
    pub saved_by: String,
}

impl PolicyVersion {
    fn from_row(row: PolicyVersionRow) -> PolicyVersion {
        let saved_by = match (row.actor_kind.as_deref(), row.actor_name) {
            (Some("user"), Some(name)) => name,
            (Some("api_token"), Some(name)) => format!("API token {name}"),
            (Some("cli"), _) => "the command line".to_owned(),
            (Some("setup"), _) => "the clinic's set-up".to_owned(),
            _ => "someone no longer known".to_owned(),
        };
        PolicyVersion {
            policy: row.policy,
            saved_at: row.created_at,
            saved_by,
        }
    }
}

fn hhmm(time: jiff::civil::Time) -> String {
    time.strftime("%H:%M").to_string()
}

pub(crate) fn block_of(row: &HoursRow) -> Result<WeeklyBlock, AppError> {
    let corrupt =
        |what: &str| AppError::Internal(format!("stored hours {}: {what}", row.id).into());
    Ok(WeeklyBlock {
        weekday: booking::weekday(&row.weekday.to_string()).map_err(|_| corrupt("weekday"))?,
        start: booking::clock_time(&row.start_time).map_err(|_| corrupt("start"))?,
        end: booking::clock_time(&row.end_time).map_err(|_| corrupt("end"))?,
    })
}

fn exception_view(row: ExceptionRow) -> ExceptionView {
    ExceptionView {
        id: row.id,
        practitioner_id: row.practitioner_id.to_string(),
        location_id: row.location_id.map(|l| l.to_string()),
        kind: row.kind,
        start: row.starts_local,
        end: row.ends_local,
        reason: row.reason,
    }
}

fn closure_view(row: ClosureRow) -> ClosureView {
    ClosureView {
        id: row.id,
        location_id: row.location_id.to_string(),
        start: row.starts_local,
        end: row.ends_local,
        reason: row.reason,
    }
}

impl App {
    /// The booking rules in force (version 0, the defaults, until the clinic saves its own).
    pub async fn booking_policy(&self, staff: &Staff) -> Result<BookingPolicy, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let mut conn = self.store.read().await?;
        Ok(store::current_policy(&mut conn, &staff.clinic_id)
            .await?
            .unwrap_or_default())
    }

    /// Saves new booking rules as the next policy version.
    pub async fn update_booking_policy(
        &self,
        staff: &Staff,
        input: &BookingPolicyInput,
    ) -> Result<BookingPolicy, AppError> {
        staff.require(Permission::ManageSetup)?;
        let mut policy = input.parse()?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        policy.version = store::insert_policy(&mut tx, &staff.clinic_id, &policy, now).await?;
        let entity = ("booking_policy", &*policy.version.to_string());
        let detail = json!(policy);
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "booking_policy.saved",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, version = policy.version, "booking policy saved");
        Ok(policy)
    }

    /// The saved policy versions, newest first, at most `limit` of them. Version 0 (the
    /// defaults) is never saved, so a clinic that never changed its rules has none.
    pub async fn booking_policy_history(
        &self,
        staff: &Staff,
        limit: i64,
    ) -> Result<Vec<PolicyVersion>, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let mut conn = self.store.read().await?;
        let rows = store::policy_history(&mut conn, &staff.clinic_id, limit).await?;
        Ok(rows.into_iter().map(PolicyVersion::from_row).collect())
    }

    /// Weekly hours of one practitioner, per location.
    pub async fn hours(
        &self,
        staff: &Staff,
        practitioner: &PractitionerId,
    ) -> Result<Vec<HoursView>, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let mut conn = self.store.read().await?;
        let found =
            setup_store::get_practitioner(&mut conn, &staff.clinic_id, practitioner).await?;
        let practitioner = found.ok_or(AppError::NotFound)?;
        let rows = store::hours(&mut conn, &staff.clinic_id, Some(&practitioner.id), None).await?;
        let mut views = Vec::new();
        for location in &practitioner.fields.location_ids {
            let mut blocks = Vec::new();
            for row in rows.iter().filter(|r| &r.location_id == location) {
                let block = block_of(row)?;
                let weekday = weekday_name(block.weekday);
                blocks.push(BlockView {
                    weekday,
                    start: hhmm(block.start),
                    end: hhmm(block.end),
                });
            }
            let (practitioner_id, location_id) =
                (practitioner.id.to_string(), location.to_string());
            views.push(HoursView {
                practitioner_id,
                location_id,
                blocks,
            });
        }
        Ok(views)
    }

    /// Weekly hours of everyone who works at `location`, one view a practitioner with hours
    /// there, in one look-up (the day view draws every column from it).
    pub async fn location_hours(
        &self,
        staff: &Staff,
        location: &LocationId,
    ) -> Result<Vec<HoursView>, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let mut conn = self.store.read().await?;
        let rows = store::hours(&mut conn, &staff.clinic_id, None, Some(location)).await?;
        let mut views: Vec<HoursView> = Vec::new();
        for row in &rows {
            let block = block_of(row)?;
            let block = BlockView {
                weekday: weekday_name(block.weekday),
                start: hhmm(block.start),
                end: hhmm(block.end),
            };
            match views.last_mut() {
                Some(view) if view.practitioner_id == row.practitioner_id.as_str() => {
                    view.blocks.push(block);
                }
                _ => views.push(HoursView {
                    practitioner_id: row.practitioner_id.to_string(),
                    location_id: location.to_string(),
                    blocks: vec![block],
                }),
            }
        }
        Ok(views)
    }

    /// Replaces a practitioner's weekly hours at one of their locations.
    pub async fn set_hours(
        &self,
        staff: &Staff,
        practitioner: &PractitionerId,
        location: &LocationId,
        input: &HoursInput,
    ) -> Result<HoursView, AppError> {
        staff.require(Permission::ManageSetup)?;
        let blocks = input.parse()?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let found = setup_store::get_practitioner(&mut tx, &staff.clinic_id, practitioner).await?;
        let found = found.ok_or(AppError::NotFound)?;
        if !found.fields.location_ids.contains(location) {
            return Err(AppError::invalid(
                "location_id",
                "is not one of this practitioner's locations",
            ));
        }
        let rows: Vec<HoursRow> = blocks
            .iter()
            .map(|b| HoursRow {
                id: LocationId::generate().to_string(),
                practitioner_id: practitioner.clone(),
                location_id: location.clone(),
                weekday: i64::from(b.weekday.to_monday_one_offset()),
                start_time: hhmm(b.start),
                end_time: hhmm(b.end),
            })
            .collect();
        store::replace_hours(&mut tx, &staff.clinic_id, practitioner, location, &rows).await?;
        let views: Vec<BlockView> = blocks
            .iter()
            .map(|b| BlockView {
                weekday: weekday_name(b.weekday),
                start: hhmm(b.start),
                end: hhmm(b.end),
            })
            .collect();
        let detail = json!({ "location_id": location, "blocks": views });
        let entity = ("practitioner", practitioner.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "hours.set",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let (practitioner_id, location_id) = (practitioner.to_string(), location.to_string());
        Ok(HoursView {
            practitioner_id,
            location_id,
            blocks: views,
        })
    }

    /// Adds time off or an extra shift.
    pub async fn add_exception(
        &self,
        staff: &Staff,
        input: &ExceptionInput,
    ) -> Result<ExceptionView, AppError> {
        staff.require(Permission::ManageSetup)?;
        let kind = ExceptionKind::parse(input.kind.as_deref().unwrap_or(""))
            .map_err(|e| AppError::invalid("kind", e.0))?;
        let fields = booking::span(&input.start, &input.end, &input.reason)?;
        let practitioner =
            PractitionerId::from_string(input.practitioner_id.clone().unwrap_or_default());
        let location = input
            .location_id
            .clone()
            .filter(|l| !l.trim().is_empty())
            .map(LocationId::from_string);
        if kind == ExceptionKind::ExtraShift {
            let Some(_) = &location else {
                return Err(AppError::invalid(
                    "location_id",
                    "is required for an extra shift",
                ));
            };
            if fields.span.start.date() != fields.span.end.date() {
                return Err(AppError::invalid(
                    "end",
                    "an extra shift ends on the day it starts",
                ));
            }
        }
        let row = ExceptionRow {
            id: LocationId::generate().to_string(),
            practitioner_id: practitioner.clone(),
            location_id: location,
            kind: kind.as_str().to_owned(),
            starts_local: local_text(fields.span.start),
            ends_local: local_text(fields.span.end),
            reason: fields.reason,
        };
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        store::insert_exception(&mut tx, &staff.clinic_id, &row, now)
            .await
            .map_err(|e| match e {
                StoreError::ForeignKey { .. } => AppError::invalid(
                    "practitioner_id",
                    "names a practitioner or location that does not exist in this clinic",
                ),
                other => other.into(),
            })?;
        let detail = json!({ "kind": row.kind, "start": row.starts_local, "end": row.ends_local });
        let entity = ("schedule_exception", row.id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "exception.added",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(exception_view(row))
    }

    pub async fn remove_exception(&self, staff: &Staff, id: &str) -> Result<(), AppError> {
        staff.require(Permission::ManageSetup)?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        if !store::delete_exception(&mut tx, &staff.clinic_id, id).await? {
            return Err(AppError::NotFound);
        }
        let entity = ("schedule_exception", id);
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "exception.removed",
            entity,
            json!({}),
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Exceptions touching the local dates `from..=to` (any practitioner when `None`).
    pub async fn exceptions(
        &self,
        staff: &Staff,
        practitioner: Option<&PractitionerId>,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> Result<Vec<ExceptionView>, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let (from, until) = local_bounds(from, to)?;
        let mut conn = self.store.read().await?;
        let rows =
            store::exceptions(&mut conn, &staff.clinic_id, practitioner, &from, &until).await?;
        Ok(rows.into_iter().map(exception_view).collect())
    }

    /// Closes a location for part of a day or whole days.
    pub async fn add_closure(
        &self,
        staff: &Staff,
        location: &LocationId,
        start: &Option<String>,
        end: &Option<String>,
        reason: &Option<String>,
    ) -> Result<ClosureView, AppError> {
        staff.require(Permission::ManageSetup)?;
        let fields = booking::span(start, end, reason)?;
        let row = ClosureRow {
            id: LocationId::generate().to_string(),
            location_id: location.clone(),
            starts_local: local_text(fields.span.start),
            ends_local: local_text(fields.span.end),
            reason: fields.reason,
        };
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        if setup_store::get_location(&mut tx, &staff.clinic_id, location)
            .await?
            .is_none()
        {
            return Err(AppError::NotFound);
        }
        store::insert_closure(&mut tx, &staff.clinic_id, &row, now).await?;
        let detail =
            json!({ "location_id": location, "start": row.starts_local, "end": row.ends_local });
        let entity = ("location_closure", row.id.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "closure.added",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(closure_view(row))
    }

    pub async fn remove_closure(&self, staff: &Staff, id: &str) -> Result<(), AppError> {
        staff.require(Permission::ManageSetup)?;
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        if !store::delete_closure(&mut tx, &staff.clinic_id, id).await? {
            return Err(AppError::NotFound);
        }
        let entity = ("location_closure", id);
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "closure.removed",
            entity,
            json!({}),
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    pub async fn closures(
        &self,
        staff: &Staff,
        location: Option<&LocationId>,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> Result<Vec<ClosureView>, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let (from, until) = local_bounds(from, to)?;
        let mut conn = self.store.read().await?;
        let rows = store::closures(&mut conn, &staff.clinic_id, location, &from, &until).await?;
        Ok(rows.into_iter().map(closure_view).collect())
    }

    /// The statutory holidays of `province` in `year` as this clinic applies them.
    pub async fn holidays(
        &self,
        staff: &Staff,
        province: &str,
        year: i16,
    ) -> Result<Vec<HolidayView>, AppError> {
        staff.require(Permission::ViewSchedule)?;
        let province = Province::parse(province).map_err(|e| AppError::invalid("province", e.0))?;
        let mut conn = self.store.read().await?;
        let changes = store::holiday_changes(&mut conn, &staff.clinic_id, province.code()).await?;
        Ok(holiday_views(province, year, &changes))
    }

    /// Adds a closed day to the clinic's holidays, or opens on a computed one (`closed` false).
    pub async fn change_holiday(
        &self,
        staff: &Staff,
        province: &str,
        day: &str,
        name: &str,
        closed: bool,
    ) -> Result<(), AppError> {
        staff.require(Permission::ManageSetup)?;
        let province = Province::parse(province).map_err(|e| AppError::invalid("province", e.0))?;
        let day = booking::date(day).map_err(|e| AppError::invalid("date", e.0))?;
        let name = values::optional_text(name).map_err(|e| AppError::invalid("name", e.0))?;
        let change = HolidayChange {
            province: province.code().to_owned(),
            day: day.to_string(),
            name: name.unwrap_or_else(|| "Clinic holiday".into()),
            closed,
        };
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        store::upsert_holiday_change(&mut tx, &staff.clinic_id, &change).await?;
        let detail = json!({ "province": change.province, "date": change.day, "closed": closed });
        let entity = ("holiday", change.day.as_str());
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "holiday.changed",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Undoes the clinic's change to `day`'s holiday in `province`: an added closed day goes,
    /// a computed holiday the clinic opened on closes again.
    pub async fn undo_holiday_change(
        &self,
        staff: &Staff,
        province: &str,
        day: &str,
    ) -> Result<(), AppError> {
        staff.require(Permission::ManageSetup)?;
        let province = Province::parse(province).map_err(|e| AppError::invalid("province", e.0))?;
        let day = booking::date(day).map_err(|e| AppError::invalid("date", e.0))?;
        let day = day.to_string();
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        if !store::delete_holiday_change(&mut tx, &staff.clinic_id, province.code(), &day).await? {
            return Err(AppError::NotFound);
        }
        let detail = json!({ "province": province.code(), "date": day });
        record(
            &mut tx,
            &staff.clinic_id,
            &staff.actor(),
            "holiday.change_undone",
            ("holiday", day.as_str()),
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

/// The local text bounds `[from 00:00, to+1 00:00)` for querying stored local spans.
pub(crate) fn local_bounds(
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> Result<(String, String), AppError> {
    let until = to
        .tomorrow()
        .map_err(|_| AppError::invalid("to", "is too far in the future"))?;
    let midnight = jiff::civil::Time::midnight();
    Ok((
        local_text(from.to_datetime(midnight)),
        local_text(until.to_datetime(midnight)),
    ))
}

fn holiday_views(province: Province, year: i16, changes: &[HolidayChange]) -> Vec<HolidayView> {
    let mut views: Vec<HolidayView> = schedule::holidays(province, year)
        .into_iter()
        .filter(|h| !h.optional)
        .map(|h| HolidayView {
            date: h.date.to_string(),
            name: h.name_en.to_owned(),
            closed: true,
            source: "computed",
        })
        .collect();
    let prefix = format!("{year:04}-");
    for change in changes.iter().filter(|c| c.day.starts_with(&prefix)) {
        views.retain(|v| v.date != change.day);
        let view = HolidayView {
            date: change.day.clone(),
            name: change.name.clone(),
            closed: change.closed,
            source: "clinic",
        };
        views.push(view);
    }
    views.sort_by(|a, b| a.date.cmp(&b.date));
    views
}

/// The local dates the clinic is closed for holidays in `province` over `years`.
pub(crate) fn closed_days(
    province: Province,
    years: &[i16],
    changes: &[HolidayChange],
) -> BTreeSet<jiff::civil::Date> {
    years
        .iter()
        .flat_map(|year| holiday_views(province, *year, changes))
        .filter(|v| v.closed)
        .filter_map(|v| v.date.parse().ok())
        .collect()
}
