//! Consent to receive commercial electronic messages under CASL (DOMAIN.md 1.2, 1.3, 1.7, 1.8).
//!
//! A patient's consent is kept per channel (email, SMS) as a history of records. Each record
//! is express (it lasts until withdrawn) or implied with its basis: an existing business
//! relationship from a purchase (a paid visit), or an inquiry. Implied consent runs out after
//! a period the clinic sets (defaults: 24 months after a purchase, 6 months after an inquiry),
//! and a newer purchase starts the clock again.
//!
//! [`may_send`] is the one question the messaging work asks before sending anything promotional
//! (newsletters, birthday greetings, "time to rebook" recalls): may this patient receive a
//! commercial message on this channel on this date, and if not, why not. Reminders,
//! confirmations and receipts are not commercial messages and do not ask it.
//!
//! Everything here is pure: the date to judge is passed in, so tests pin it.
//!
//! Not yet built: flagging implied consents that are about to run out (DOMAIN.md 1.8), and
//! new implied consent recorded automatically when a visit is paid for; staff record each
//! purchase or inquiry basis by hand on the Consents tab for now.

use jiff::civil::Date;
use jiff::{Span, ToSpan};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The electronic channel a consent covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Sms];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Email => "Email",
            Channel::Sms => "Text message (SMS)",
        }
    }

    pub fn parse(raw: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == raw.trim())
    }
}

/// Why a patient consented to commercial messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The patient opted in: lasts until withdrawn.
    Express,
    /// Implied by an existing business relationship: a purchase such as a paid visit.
    Purchase,
    /// Implied by the patient's inquiry or appointment request without a visit.
    Inquiry,
}

impl Basis {
    pub const ALL: [Basis; 3] = [Basis::Express, Basis::Purchase, Basis::Inquiry];

    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Express => "express",
            Basis::Purchase => "purchase",
            Basis::Inquiry => "inquiry",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Basis::Express => "Express consent (the patient opted in)",
            Basis::Purchase => "Implied: a purchase or paid visit",
            Basis::Inquiry => "Implied: an inquiry without a visit",
        }
    }

    pub fn parse(raw: &str) -> Option<Basis> {
        Basis::ALL.into_iter().find(|b| b.as_str() == raw.trim())
    }

    /// The last day consent given on `given_on` on this basis holds, or `None` for express
    /// consent, which does not run out.
    ///
    /// CASL counts a purchase "within the two years immediately before the day" a message is
    /// sent, so the anniversary itself is still inside: a visit on 2024-03-10 allows messages
    /// through 2026-03-10. A start on 29 February ends on 28 February of a common year.
    pub fn last_day(self, given_on: Date, periods: &Periods) -> Option<Date> {
        let months = match self {
            Basis::Express => return None,
            Basis::Purchase => periods.purchase_months,
            Basis::Inquiry => periods.inquiry_months,
        };
        Some(given_on.saturating_add(months_span(months)))
    }
}

fn months_span(months: i64) -> Span {
    months.clamp(0, 1200).months()
}

/// How long implied consent lasts, in months: clinic settings with CASL's periods as defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Periods {
    /// After a purchase (existing business relationship): 24 months by default.
    pub purchase_months: i64,
    /// After an inquiry: 6 months by default.
    pub inquiry_months: i64,
}

impl Default for Periods {
    fn default() -> Self {
        Periods {
            purchase_months: 24,
            inquiry_months: 6,
        }
    }
}

/// One consent record on one channel, as the rules need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub channel: Channel,
    pub basis: Basis,
    /// The day it was given (for implied consent, the day of the purchase or inquiry).
    pub given_on: Date,
    /// The day it was withdrawn (the patient unsubscribed), if it was.
    pub withdrawn_on: Option<Date>,
}

/// The answer of [`may_send`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Commercial messages may be sent. `until` is the last day they may (for implied
    /// consent); `None` means until withdrawn (express consent).
    Allowed {
        basis: Basis,
        #[schema(value_type = Option<String>)]
        until: Option<Date>,
    },
    /// No consent was ever given on this channel (as of that date).
    NeverGiven,
    /// The patient withdrew (unsubscribed) on that day; nothing given since.
    Withdrawn {
        #[schema(value_type = String)]
        on: Date,
    },
    /// Implied consent ran out: `last_day` was the last day it held.
    Expired {
        #[schema(value_type = String)]
        last_day: Date,
    },
}

impl Decision {
    pub fn allowed(&self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Allowed { until: None, .. } => f.write_str("allowed until withdrawn"),
            Decision::Allowed {
                until: Some(day), ..
            } => write!(f, "allowed through {day}"),
            Decision::NeverGiven => f.write_str("no consent was ever given"),
            Decision::Withdrawn { on } => write!(f, "consent was withdrawn on {on}"),
            Decision::Expired { last_day } => {
                write!(f, "implied consent expired after {last_day}")
            }
        }
    }
}

/// Whether a commercial electronic message may go to the patient whose consent history is
/// `records` on `channel` on day `on`, and if not, why not.
///
/// The rules, conservative where CASL leaves room:
/// - Only what had happened by `on` counts: a record given later, or a withdrawal dated
///   later, is ignored, so a past date is judged as it stood then.
/// - A withdrawal (unsubscribe) ends every consent on that channel given on or before its
///   day, even records that were not themselves marked withdrawn: "stop" means stop.
///   Only consent given on a later day counts again.
/// - Express consent in force allows sending with no end date.
/// - Implied consent in force allows sending through its last day ([`Basis::last_day`]);
///   of several, the one lasting longest wins, so a new purchase restarts the clock.
/// - Otherwise: `Expired` when implied consent given after the last withdrawal ran out,
///   `Withdrawn` when a withdrawal ended everything, `NeverGiven` when nothing was given.
pub fn may_send(records: &[Record], channel: Channel, on: Date, periods: &Periods) -> Decision {
    let known: Vec<&Record> = records
        .iter()
        .filter(|r| r.channel == channel && r.given_on <= on)
        .collect();
    let last_withdrawal = known
        .iter()
        .filter_map(|r| r.withdrawn_on)
        .filter(|day| *day <= on)
        .max();
    let standing: Vec<&&Record> = known
        .iter()
        .filter(|r| r.withdrawn_on.is_none_or(|day| day > on))
        .filter(|r| last_withdrawal.is_none_or(|day| r.given_on > day))
        .collect();
    if let Some(express) = standing.iter().find(|r| r.basis == Basis::Express) {
        return Decision::Allowed {
            basis: express.basis,
            until: None,
        };
    }
    let longest = standing
        .iter()
        .filter_map(|r| Some((r.basis.last_day(r.given_on, periods)?, r.basis)))
        .max_by_key(|(day, _)| *day);
    match (longest, last_withdrawal) {
        (Some((last_day, basis)), _) if last_day >= on => Decision::Allowed {
            basis,
            until: Some(last_day),
        },
        (Some((last_day, _)), _) => Decision::Expired { last_day },
        (None, Some(day)) => Decision::Withdrawn { on: day },
        (None, None) => Decision::NeverGiven,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn record(basis: Basis, given_on: Date) -> Record {
        Record {
            channel: Channel::Email,
            basis,
            given_on,
            withdrawn_on: None,
        }
    }

    fn email(records: &[Record], on: Date) -> Decision {
        may_send(records, Channel::Email, on, &Periods::default())
    }

    #[test]
    fn a_purchase_allows_messages_through_its_second_anniversary() {
        let visit = record(Basis::Purchase, date(2024, 3, 10));

        assert!(email(&[visit], date(2026, 3, 10)).allowed());
        assert_eq!(
            email(&[visit], date(2026, 3, 11)),
            Decision::Expired {
                last_day: date(2026, 3, 10)
            }
        );
    }

    #[test]
    fn an_inquiry_on_the_last_day_of_august_lasts_to_the_end_of_february() {
        let inquiry = record(Basis::Inquiry, date(2026, 8, 31));

        assert_eq!(
            Basis::Inquiry.last_day(date(2026, 8, 31), &Periods::default()),
            Some(date(2027, 2, 28))
        );
        assert!(email(&[inquiry], date(2027, 2, 28)).allowed());
        assert!(!email(&[inquiry], date(2027, 3, 1)).allowed());
    }

    #[test]
    fn nothing_on_the_channel_is_never_given() {
        let sms = Record {
            channel: Channel::Sms,
            ..record(Basis::Express, date(2026, 1, 5))
        };

        assert_eq!(email(&[sms], date(2026, 6, 1)), Decision::NeverGiven);
        assert_eq!(email(&[], date(2026, 6, 1)), Decision::NeverGiven);
    }

    #[test]
    fn an_unsubscribe_ends_implied_consent_not_marked_withdrawn_itself() {
        let visit = record(Basis::Purchase, date(2026, 1, 5));
        let express = Record {
            withdrawn_on: Some(date(2026, 2, 1)),
            ..record(Basis::Express, date(2025, 6, 1))
        };

        assert_eq!(
            email(&[visit, express], date(2026, 2, 1)),
            Decision::Withdrawn {
                on: date(2026, 2, 1)
            }
        );
        assert!(email(&[visit, express], date(2026, 1, 31)).allowed());
    }

    #[test]
    fn a_clinic_may_shorten_the_periods() {
        let periods = Periods {
            purchase_months: 12,
            inquiry_months: 3,
        };
        let visit = record(Basis::Purchase, date(2026, 1, 15));

        let decision = may_send(&[visit], Channel::Email, date(2027, 1, 16), &periods);

        assert_eq!(
            decision,
            Decision::Expired {
                last_day: date(2027, 1, 15)
            }
        );
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (0i32..3650).prop_map(|n| date(2020, 1, 1).saturating_add(n.days()))
    }

    fn any_basis() -> impl Strategy<Value = Basis> {
        prop_oneof![
            Just(Basis::Express),
            Just(Basis::Purchase),
            Just(Basis::Inquiry)
        ]
    }

    fn any_periods() -> impl Strategy<Value = Periods> {
        (1i64..60, 1i64..24).prop_map(|(purchase_months, inquiry_months)| Periods {
            purchase_months,
            inquiry_months,
        })
    }

    proptest! {
        #[test]
        fn implied_consent_holds_on_its_last_day_and_not_the_day_after(
            given in any_date(),
            purchase in any::<bool>(),
            periods in any_periods(),
        ) {
            let basis = if purchase { Basis::Purchase } else { Basis::Inquiry };
            let last = basis.last_day(given, &periods).unwrap();
            let records = [record(basis, given)];

            let on_last = may_send(&records, Channel::Email, last, &periods);
            let after = may_send(&records, Channel::Email, last.tomorrow().unwrap(), &periods);

            prop_assert_eq!(on_last, Decision::Allowed { basis, until: Some(last) });
            prop_assert_eq!(after, Decision::Expired { last_day: last });
        }

        #[test]
        fn implied_consent_holds_every_day_from_given_to_last(
            given in any_date(),
            offset in 0i32..2000,
            periods in any_periods(),
        ) {
            let last = Basis::Purchase.last_day(given, &periods).unwrap();
            let on = given.saturating_add(offset.days());
            let records = [record(Basis::Purchase, given)];

            let decision = may_send(&records, Channel::Email, on, &periods);

            prop_assert_eq!(decision.allowed(), on <= last);
        }

        #[test]
        fn express_consent_holds_from_its_day_until_withdrawn(
            given in any_date(),
            withdrawn_after in 0i32..2000,
            on_offset in -30i32..4000,
        ) {
            let withdrawn = given.saturating_add(withdrawn_after.days());
            let on = given.saturating_add(on_offset.days());
            let records = [Record {
                withdrawn_on: Some(withdrawn),
                ..record(Basis::Express, given)
            }];

            let decision = email(&records, on);

            let expected = if on < given {
                Decision::NeverGiven
            } else if on < withdrawn {
                Decision::Allowed { basis: Basis::Express, until: None }
            } else {
                Decision::Withdrawn { on: withdrawn }
            };
            prop_assert_eq!(decision, expected);
        }

        #[test]
        fn a_newer_purchase_restarts_the_clock(
            first in any_date(),
            gap in 1i32..900,
            periods in any_periods(),
        ) {
            let second = first.saturating_add(gap.days());
            let records = [record(Basis::Purchase, first), record(Basis::Purchase, second)];
            let last = Basis::Purchase.last_day(second, &periods).unwrap();

            let decision = may_send(&records, Channel::Email, last, &periods);

            let expected = Decision::Allowed { basis: Basis::Purchase, until: Some(last) };
            prop_assert_eq!(decision, expected);
        }

        #[test]
        fn after_an_unsubscribe_nothing_older_allows_sending(
            records in proptest::collection::vec((any_basis(), any_date()), 1..6),
            withdrawn in any_date(),
            later in 0i32..800,
        ) {
            let mut history: Vec<Record> =
                records.iter().map(|(basis, day)| record(*basis, *day)).collect();
            history.push(Record {
                withdrawn_on: Some(withdrawn),
                ..record(Basis::Express, withdrawn)
            });
            let on = withdrawn.saturating_add(later.days());

            let decision = email(&history, on);

            let newer = history.iter().any(|r| r.withdrawn_on.is_none() && r.given_on > withdrawn
                && r.given_on <= on);
            if !newer {
                prop_assert_eq!(decision, Decision::Withdrawn { on: withdrawn });
            }
        }
    }
}
