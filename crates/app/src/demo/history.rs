//! What became of the demo's appointments: most past visits completed, some no-shows and
//! cancellations, the latest one still in the room and one the desk has not marked yet; a few
//! future bookings cancelled by their patients. Every change goes through the status and
//! cancellation use cases, which decide by the clinic's policy whether a cancellation is late.

use super::rng::Rng;
use crate::{App, AppError, Staff};
use knead_domain::appointment::Status;
use knead_domain::booking::{AppointmentView, CancelInput, StatusInput};

/// Why the clinic called a visit off. A cancellation after the start can only be the
/// clinic's, or the policy counts it late.
const CLINIC_REASONS: &[&str] = &[
    "Therapist unwell",
    "Therapist called away for a family matter",
    "Room out of service for repairs",
];

const LATE_REASONS: &[&str] = &[
    "Called the same morning: feeling unwell",
    "Held up at work",
    "Child home sick",
    "Car trouble",
];

const EARLY_REASONS: &[&str] = &[
    "Travelling that week",
    "Schedule conflict",
    "Will rebook after a busy month",
];

/// How many appointments ended in each status, by their position in [`Status::ALL`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub past: [usize; 6],
    pub upcoming: usize,
    pub upcoming_cancelled: usize,
}

impl Tally {
    fn count_past(&mut self, status: Status) {
        if let Some(i) = Status::ALL.iter().position(|s| *s == status) {
            self.past[i] += 1;
        }
    }
}

/// The statuses of `count` past appointments, most recent first: the latest is still in
/// the room (arrived), the one before has not been marked yet (booked), the rest mostly
/// completed. Every one of the six statuses appears once there are at least six.
pub(crate) fn past_outcomes(count: usize, rng: &mut Rng) -> Vec<Status> {
    let usual = [
        Status::Completed,
        Status::NoShow,
        Status::Cancelled,
        Status::LateCancelled,
    ];
    let mut outcomes: Vec<Status> = (0..count)
        .map(|i| match i {
            0 => Status::Arrived,
            1 => Status::Booked,
            _ => usual[rng.weighted(&[82, 5, 6, 7])],
        })
        .collect();
    let missing = usual.iter().any(|status| !outcomes.contains(status));
    if missing && count >= 6 {
        outcomes[count - usual.len()..].copy_from_slice(&usual);
    }
    outcomes
}

/// Gives past appointments their outcome and cancels a few future ones.
pub(crate) async fn settle(
    app: &App,
    staff: &Staff,
    mut appointments: Vec<AppointmentView>,
    rng: &mut Rng,
) -> Result<Tally, AppError> {
    let now = app.clock().now().as_second();
    appointments.sort_by_key(|a| std::cmp::Reverse(a.starts_at));
    let (past, future): (Vec<_>, Vec<_>) =
        appointments.into_iter().partition(|a| a.starts_at < now);
    let mut tally = Tally::default();
    let outcomes = past_outcomes(past.len(), rng);
    for (appointment, outcome) in past.iter().zip(outcomes) {
        let status = give_outcome(app, staff, appointment, outcome, rng).await?;
        tally.count_past(status);
    }
    for appointment in &future {
        let keep = appointment.series_id.is_some() || !rng.chance(5);
        let status = if keep {
            appointment.status
        } else {
            let reason = rng.pick(EARLY_REASONS);
            cancel(app, staff, appointment, false, reason).await?
        };
        if status.occupies() {
            tally.upcoming += 1;
        } else {
            tally.upcoming_cancelled += 1;
        }
    }
    Ok(tally)
}

/// Moves a booked appointment to `outcome` the way the desk would; returns where it ended.
async fn give_outcome(
    app: &App,
    staff: &Staff,
    appointment: &AppointmentView,
    outcome: Status,
    rng: &mut Rng,
) -> Result<Status, AppError> {
    let steps: &[Status] = match outcome {
        Status::Booked => &[],
        Status::Arrived => &[Status::Arrived],
        Status::Completed => &[Status::Arrived, Status::Completed],
        Status::NoShow => &[Status::NoShow],
        Status::Cancelled => {
            let reason = *rng.pick(CLINIC_REASONS);
            return cancel(app, staff, appointment, true, reason).await;
        }
        Status::LateCancelled => {
            let reason = *rng.pick(LATE_REASONS);
            return cancel(app, staff, appointment, false, reason).await;
        }
    };
    let mut status = appointment.status;
    for step in steps {
        let input = StatusInput {
            status: Some(step.as_str().to_owned()),
            reason: None,
        };
        status = app.set_status(staff, &appointment.id, &input).await?.status;
    }
    Ok(status)
}

async fn cancel(
    app: &App,
    staff: &Staff,
    appointment: &AppointmentView,
    by_clinic: bool,
    reason: &str,
) -> Result<Status, AppError> {
    let input = CancelInput {
        reason: Some(reason.to_owned()),
        by_clinic: Some(by_clinic.to_string()),
    };
    Ok(app.cancel(staff, &appointment.id, &input).await?.status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_past_visits_are_in_the_room_and_unmarked() {
        let outcomes = past_outcomes(50, &mut Rng::new(1));

        assert_eq!(outcomes[0], Status::Arrived);
        assert_eq!(outcomes[1], Status::Booked);
    }

    #[test]
    fn every_status_appears_even_in_a_short_history() {
        for seed in 0..50 {
            let outcomes = past_outcomes(6, &mut Rng::new(seed));

            for status in Status::ALL {
                assert!(outcomes.contains(&status), "seed {seed}: no {status:?}");
            }
        }
    }

    #[test]
    fn most_past_visits_are_completed() {
        let outcomes = past_outcomes(400, &mut Rng::new(2));

        let completed = outcomes.iter().filter(|s| **s == Status::Completed).count();

        assert!(completed > 280, "{completed} of 400 completed");
    }
}
