//! The demo clinic: `knead demo` and `knead serve --demo` fill an empty database with an
//! invented clinic that looks lived in, so that a person trying Knead sees a real week.
//!
//! Everything is made through the same use cases the pages call, so every rule holds (hours,
//! no overlaps, status moves, cancellation policy) and every change is audited. What is
//! invented follows from the seed and from the clock's "now": two runs with the same seed and
//! the same clock invent the same clinic, apart from generated ids and the owner's password,
//! which is random so that a demo left on a reachable host is not open to everyone.

mod calendar;
mod clinic;
mod history;
mod names;
mod rng;

use crate::{App, AppError};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use knead_domain::appointment::Status;
use knead_domain::ids::{ClinicId, UserId};
use rng::Rng;

/// The sign-in the demo creates for the clinic's owner.
pub const OWNER_EMAIL: &str = "owner@demo.knead.invalid";

/// How many patients the demo invents.
const PATIENTS: usize = 300;

/// What the demo made, and the owner's password, which is shown once and stored only hashed.
#[derive(Clone)]
pub struct DemoSummary {
    pub clinic_id: ClinicId,
    pub clinic_name: String,
    pub owner_id: UserId,
    pub owner_email: String,
    pub owner_password: String,
    pub locations: usize,
    pub rooms: usize,
    pub practitioners: usize,
    pub services: usize,
    pub patients: usize,
    /// Appointments that started before now, by final status, in [`Status::ALL`] order.
    pub past: Vec<(Status, usize)>,
    /// Appointments from now on that still hold their time.
    pub upcoming: usize,
    /// Appointments from now on that their patients cancelled.
    pub upcoming_cancelled: usize,
    /// Standing (recurring) series.
    pub series: usize,
}

/// Hand-written so the password never reaches a log.
impl std::fmt::Debug for DemoSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoSummary")
            .field("clinic_id", &self.clinic_id)
            .field("owner_id", &self.owner_id)
            .finish_non_exhaustive()
    }
}

impl DemoSummary {
    /// All appointments made before now.
    pub fn past_total(&self) -> usize {
        self.past.iter().map(|(_, n)| n).sum()
    }
}

/// The refusal when the database already holds a clinic.
fn already_set_up() -> AppError {
    AppError::Conflict {
        code: "already_set_up",
        message: "this database already holds a clinic; the demo fills only an empty one".into(),
    }
}

/// `date` moved by `days` (negative for earlier).
pub(crate) fn shift(date: Date, days: i64) -> Result<Date, AppError> {
    date.checked_add(jiff::Span::new().days(days))
        .map_err(AppError::internal)
}

/// A password to type by hand: 18 letters and digits without look-alikes, in three groups.
fn fresh_password() -> Result<String, AppError> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 18];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(e.to_string().into()))?;
    let mut password = String::new();
    for (i, byte) in bytes.iter().enumerate() {
        if i > 0 && i % 6 == 0 {
            password.push('-');
        }
        password.push(char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]));
    }
    Ok(password)
}

impl App {
    /// Fills an empty database with the demo clinic invented from `seed`, relative to the
    /// clock's now. Refuses (`already_set_up`) when any clinic exists, before writing.
    ///
    /// Each step is its own transaction, as when a person sets a clinic up by hand; a run
    /// that is interrupted leaves a partly made clinic, which a fresh database replaces.
    pub async fn create_demo_clinic(&self, seed: u64) -> Result<DemoSummary, AppError> {
        if !self.needs_first_setup().await? {
            return Err(already_set_up());
        }
        let password = fresh_password()?;
        let signup = clinic::owner_signup(OWNER_EMAIL, &password);
        let signed_in = self.first_setup(&signup).await.map_err(|e| match e {
            AppError::Conflict { .. } => already_set_up(),
            other => other,
        })?;
        self.sign_out(&signed_in.session_token).await?;
        let staff = signed_in.staff;
        let today = self.today_in(clinic::HOME_ZONE)?;

        let mut setup = clinic::build(self, &staff, today).await?;
        let patients = self
            .invent_patients(&staff, &mut setup, seed, today)
            .await?;
        let booked = calendar::book(self, &staff, &setup, Rng::split(seed, 2), today).await?;
        let mut rng = Rng::split(seed, 3);
        let tally = history::settle(self, &staff, booked.appointments, &mut rng).await?;

        let summary = DemoSummary {
            clinic_id: staff.clinic_id.clone(),
            clinic_name: clinic::CLINIC_NAME.to_owned(),
            owner_id: staff.user_id.clone(),
            owner_email: OWNER_EMAIL.to_owned(),
            owner_password: password,
            locations: setup.sites.len(),
            rooms: setup.room_count(),
            practitioners: setup.therapists.len(),
            services: setup.services.len(),
            patients,
            past: Status::ALL.into_iter().zip(tally.past).collect(),
            upcoming: tally.upcoming,
            upcoming_cancelled: tally.upcoming_cancelled,
            series: booked.series,
        };
        tracing::info!(
            clinic_id = %summary.clinic_id, user_id = %summary.owner_id,
            patients, past = summary.past_total(), upcoming = summary.upcoming,
            "demo clinic created"
        );
        Ok(summary)
    }

    fn today_in(&self, zone: &str) -> Result<Date, AppError> {
        let tz = TimeZone::get(zone).map_err(AppError::internal)?;
        Ok(self.clock.now().to_zoned_datetime(tz).date())
    }

    /// Creates the invented patients and files each under the location near them.
    async fn invent_patients(
        &self,
        staff: &crate::Staff,
        setup: &mut clinic::Setup,
        seed: u64,
        today: Date,
    ) -> Result<usize, AppError> {
        let towns = clinic::towns();
        let invented = names::patients(&mut Rng::split(seed, 1), PATIENTS, &towns);
        for person in &invented {
            let patient = self.create_patient(staff, &person.input).await?;
            let site = &mut setup.sites[person.town];
            if names::may_be_expecting(&person.input, today.year()) {
                site.expecting.push(patient.id.clone());
            }
            site.patients.push(patient.id);
        }
        Ok(invented.len())
    }
}
