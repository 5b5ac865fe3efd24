//! The demo's appointments: a few standing series, then four weeks of history and three weeks
//! ahead, each therapist's day filled to between half and seven tenths of their hours.
//!
//! Open times come from the application itself: [`App::availability`] asked by a planner
//! whose clock stands before the history starts, so past days are offered as well. The
//! planner sees the hours, breaks, time off and statutory holidays the clinic set; each
//! booking made here is then held in a diary so that the next one avoids the practitioner,
//! the room and the patient it took. The database's own no-overlap rules still guard every
//! insert: a booking they refuse is a bug here and stops the demo.

use super::clinic::{PRENATAL, Setup, Site, Therapist};
use super::rng::Rng;
use super::shift;
use crate::scheduling::{AvailabilityQuery, OpenSlot, SeriesInput};
use crate::{App, AppError, Clock, Staff};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use knead_domain::appointment::Source;
use knead_domain::booking::{AppointmentView, BookingInput};
use knead_domain::ids::PatientId;
use knead_domain::schedule::{DateRange, Interval, overlaps};
use knead_domain::setup::Service;
use std::collections::BTreeMap;

/// Days of history before today, and days booked after it.
const HISTORY_DAYS: i64 = 28;
const AHEAD_DAYS: i64 = 20;

/// Recorded on each past booking: the application asks for a reason to book in the past.
pub(crate) const HISTORY_REASON: &str = "demo history";

/// Slots starting this soon are left free, so that no booking turns into a past one while
/// the demo is still running.
const MARGIN_MINUTES: i64 = 15;

/// Patients drawn from the first few of a location's list come back often, as regulars do.
const REGULARS: usize = 40;

/// A standing appointment: therapist and location by position, service by index.
struct SeriesPlan {
    therapist: usize,
    site: usize,
    service: usize,
    every_weeks: u32,
    count: u32,
    /// The first occurrence falls in the week starting this many days from today.
    days_ahead: i64,
}

const SERIES: [SeriesPlan; 2] = [
    SeriesPlan {
        therapist: 0,
        site: 0,
        service: 2,
        every_weeks: 1,
        count: 8,
        days_ahead: 2,
    },
    SeriesPlan {
        therapist: 3,
        site: 1,
        service: PRENATAL,
        every_weeks: 2,
        count: 5,
        days_ahead: 1,
    },
];

/// Occupied intervals by id (practitioner, room or patient), as booked so far.
#[derive(Default)]
struct Diary(BTreeMap<String, Vec<Interval>>);

impl Diary {
    fn is_free(&self, id: &str, span: Interval) -> bool {
        self.0.get(id).is_none_or(|held| !overlaps(span, held))
    }

    fn hold(&mut self, id: &str, span: Interval) {
        self.0.entry(id.to_owned()).or_default().push(span);
    }
}

/// The open slots of one service, with the local date each starts on.
struct Offer {
    service: usize,
    slots: Vec<(Date, OpenSlot)>,
}

/// What the demo booked: every appointment, and how many standing series.
pub(crate) struct Booked {
    pub appointments: Vec<AppointmentView>,
    pub series: usize,
}

/// Books the series and the weeks around `today` (the clinic's local date).
pub(crate) async fn book(
    app: &App,
    staff: &Staff,
    setup: &Setup,
    rng: Rng,
    today: Date,
) -> Result<Booked, AppError> {
    let mut desk = Desk {
        app,
        staff,
        setup,
        now: app.clock().now(),
        rng,
        diary: Diary::default(),
        booked: Vec::new(),
    };
    let mut series = 0;
    for plan in &SERIES {
        series += usize::from(desk.book_series(plan, today).await?);
    }
    let range = DateRange::new(shift(today, -HISTORY_DAYS)?, shift(today, AHEAD_DAYS)?)?;
    for therapist in &setup.therapists {
        for site in &therapist.sites {
            desk.fill_weeks(therapist, *site, range).await?;
        }
    }
    Ok(Booked {
        appointments: desk.booked,
        series,
    })
}

struct Desk<'a> {
    app: &'a App,
    staff: &'a Staff,
    setup: &'a Setup,
    now: Timestamp,
    rng: Rng,
    diary: Diary,
    booked: Vec<AppointmentView>,
}

impl Desk<'_> {
    /// A reader of the same database whose clock stands before the history, so that past
    /// days are offered like future ones. It only reads.
    fn planner(&self) -> Result<App, AppError> {
        let back = SignedDuration::from_hours(24 * (HISTORY_DAYS + 2));
        let then = self.now.checked_sub(back).map_err(AppError::internal)?;
        Ok(App::new(self.app.store().clone(), Clock::fixed(then)))
    }

    fn query(
        &self,
        therapist: &Therapist,
        site: usize,
        service: usize,
        range: DateRange,
    ) -> AvailabilityQuery {
        AvailabilityQuery {
            service_id: Some(self.setup.services[service].id.to_string()),
            location_id: Some(self.setup.sites[site].location.id.to_string()),
            practitioner_id: Some(therapist.id.to_string()),
            from: Some(range.from().to_string()),
            to: Some(range.to().to_string()),
        }
    }

    async fn offers(
        &self,
        therapist: &Therapist,
        site: usize,
        range: DateRange,
    ) -> Result<Vec<Offer>, AppError> {
        let planner = self.planner()?;
        let tz = &self.setup.sites[site].tz;
        let mut offers = Vec::new();
        for &service in &therapist.services {
            let query = self.query(therapist, site, service, range);
            let slots = planner.availability(self.staff, &query).await?;
            let slots = slots
                .into_iter()
                .map(|slot| (slot.start.to_zoned_datetime(tz.clone()).date(), slot))
                .collect();
            offers.push(Offer { service, slots });
        }
        Ok(offers)
    }

    async fn fill_weeks(
        &mut self,
        therapist: &Therapist,
        site: usize,
        range: DateRange,
    ) -> Result<(), AppError> {
        let offers = self.offers(therapist, site, range).await?;
        let weights = self.setup.weights(&therapist.services);
        for day in range.days() {
            let hours = therapist.minutes_on(site, day.weekday());
            let target = hours * self.rng.between(50, 70) / 100;
            let mut held = 0;
            let mut misses = 0;
            while held < target && misses < 8 {
                let offer = &offers[self.rng.weighted(&weights)];
                match self.book_one(therapist, site, offer, day).await? {
                    Some(minutes) => held += minutes,
                    None => misses += 1,
                }
            }
        }
        Ok(())
    }

    /// The interval a service starting at `slot` occupies, buffers included.
    fn occupied(&self, service: &Service, slot: &OpenSlot) -> Result<Interval, AppError> {
        let before = SignedDuration::from_mins(service.fields.buffer_before_minutes);
        let after = SignedDuration::from_mins(service.fields.buffer_after_minutes);
        let start = slot.start.checked_sub(before).map_err(AppError::internal)?;
        let end = slot.end.checked_add(after).map_err(AppError::internal)?;
        Ok(Interval::new(start, end))
    }

    /// Too close to now to book either as history or as a future booking.
    fn in_margin(&self, slot: &OpenSlot) -> bool {
        let margin = SignedDuration::from_mins(MARGIN_MINUTES);
        slot.start >= self.now && self.now.checked_add(margin).is_ok_and(|m| slot.start < m)
    }

    fn free_room(&self, therapist: &Therapist, site: &Site, span: Interval) -> Option<usize> {
        let count = site.rooms.len();
        (0..count)
            .map(|k| (therapist.usual_room + k) % count)
            .find(|r| self.diary.is_free(site.rooms[*r].as_str(), span))
    }

    fn free_patient(&mut self, site: &Site, service: usize, span: Interval) -> Option<PatientId> {
        let pool = if service == PRENATAL {
            &site.expecting
        } else {
            &site.patients
        };
        for _ in 0..6 {
            let within = if self.rng.chance(35) {
                pool.len().min(REGULARS)
            } else {
                pool.len()
            };
            let patient = pool.get(self.rng.below(within))?;
            if self.diary.is_free(patient.as_str(), span) {
                return Some(patient.clone());
            }
        }
        None
    }

    /// Books one open slot of `offer` on `day`, chosen at random; the minutes it occupies,
    /// or `None` when nothing fits.
    async fn book_one(
        &mut self,
        therapist: &Therapist,
        site_index: usize,
        offer: &Offer,
        day: Date,
    ) -> Result<Option<i64>, AppError> {
        let site = &self.setup.sites[site_index];
        let service = &self.setup.services[offer.service];
        let mut open = Vec::new();
        for (date, slot) in &offer.slots {
            let span = self.occupied(service, slot)?;
            let free = *date == day
                && !self.in_margin(slot)
                && self.diary.is_free(therapist.id.as_str(), span)
                && self.free_room(therapist, site, span).is_some();
            if free {
                open.push((slot, span));
            }
        }
        if open.is_empty() {
            return Ok(None);
        }
        let (slot, span) = open[self.rng.below(open.len())];
        let Some(patient) = self.free_patient(site, offer.service, span) else {
            return Ok(None);
        };
        let room = self
            .free_room(therapist, site, span)
            .map(|r| site.rooms[r].clone());
        let input = BookingInput {
            patient_id: Some(patient.to_string()),
            practitioner_id: Some(therapist.id.to_string()),
            service_id: Some(service.id.to_string()),
            location_id: Some(site.location.id.to_string()),
            room_id: room.as_ref().map(|r| r.to_string()),
            start: Some(slot.start_text.clone()),
            note: None,
            override_reason: (slot.start < self.now).then(|| HISTORY_REASON.to_owned()),
        };
        let source = if self.rng.chance(30) {
            Source::Online
        } else {
            Source::Desk
        };
        let view = self.app.book(self.staff, &input, source).await?;
        self.hold(&view, span);
        Ok(Some(span.minutes()))
    }

    fn hold(&mut self, view: &AppointmentView, span: Interval) {
        let ids = [
            Some(&view.practitioner_id),
            Some(&view.patient_id),
            view.room_id.as_ref(),
        ];
        for id in ids.into_iter().flatten() {
            self.diary.hold(id, span);
        }
        self.booked.push(view.clone());
    }

    /// Books a standing series at an open time in the week `days_ahead` from today, only on
    /// its free dates; false when that week has no open time.
    async fn book_series(&mut self, plan: &SeriesPlan, today: Date) -> Result<bool, AppError> {
        let therapist = &self.setup.therapists[plan.therapist];
        let first = shift(today, plan.days_ahead)?;
        let range = DateRange::new(first, shift(first, 6)?)?;
        let query = self.query(therapist, plan.site, plan.service, range);
        let slots = self.app.availability(self.staff, &query).await?;
        if slots.is_empty() {
            return Ok(false);
        }
        let slot = &slots[self.rng.below(slots.len())];
        let site = &self.setup.sites[plan.site];
        let pool = if plan.service == PRENATAL {
            &site.expecting
        } else {
            &site.patients
        };
        let Some(patient) = pool.first() else {
            return Ok(false);
        };
        let input = SeriesInput {
            patient_id: Some(patient.to_string()),
            practitioner_id: Some(therapist.id.to_string()),
            service_id: Some(self.setup.services[plan.service].id.to_string()),
            location_id: Some(site.location.id.to_string()),
            room_id: Some(site.rooms[therapist.usual_room % site.rooms.len()].to_string()),
            start: Some(slot.start_text.clone()),
            every_weeks: Some(plan.every_weeks.to_string()),
            count: Some(plan.count.to_string()),
            mode: Some("free_only".to_owned()),
            ..SeriesInput::default()
        };
        let outcome = self.app.book_series(self.staff, &input).await?;
        let service = &self.setup.services[plan.service];
        for view in outcome
            .occurrences
            .into_iter()
            .filter_map(|o| o.appointment)
        {
            let span = self.occupied_view(service, &view)?;
            self.hold(&view, span);
        }
        Ok(outcome.series_id.is_some())
    }

    fn occupied_view(
        &self,
        service: &Service,
        view: &AppointmentView,
    ) -> Result<Interval, AppError> {
        let at = |epoch| Timestamp::from_second(epoch).map_err(AppError::internal);
        let slot = OpenSlot {
            start: at(view.starts_at)?,
            end: at(view.ends_at)?,
            start_text: view.start.clone(),
            end_text: view.end.clone(),
            practitioner_id: knead_domain::ids::PractitionerId::from_string(&view.practitioner_id),
        };
        self.occupied(service, &slot)
    }
}
