//! Exact money: integer cents, parsed from and written as decimal strings (`"95.50"`).

use crate::Invalid;
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// An amount in Canadian cents. Never a binary float.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money {
    cents: i64,
}

/// The largest amount a price field accepts: one million dollars.
const MAX_CENTS: i64 = 100_000_000;

impl Money {
    pub const fn from_cents(cents: i64) -> Self {
        Money { cents }
    }

    pub const fn cents(self) -> i64 {
        self.cents
    }

    /// Parses a non-negative price such as `95`, `95.5` or `95.50`. More than two decimals
    /// are refused rather than rounded, so nobody's price changes silently.
    pub fn parse_price(raw: &str) -> Result<Money, Invalid> {
        let text = raw.trim().trim_start_matches('$');
        if text.is_empty() {
            return Err(Invalid::new("is required"));
        }
        let amount = Decimal::from_str(text)
            .map_err(|_| Invalid::new(format!("'{raw}' is not an amount such as 95.50")))?;
        if amount.is_sign_negative() {
            return Err(Invalid::new("must not be negative"));
        }
        if amount.normalize().scale() > 2 {
            return Err(Invalid::new("has more than two decimal places"));
        }
        let cents = (amount * Decimal::ONE_HUNDRED).trunc();
        match i64::try_from(cents) {
            Ok(cents) if cents <= MAX_CENTS => Ok(Money { cents }),
            _ => Err(Invalid::new("is too large")),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.cents < 0 { "-" } else { "" };
        let abs = self.cents.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn prices_parse_to_exact_cents() {
        assert_eq!(Money::parse_price("95.50").unwrap().cents(), 9550);
        assert_eq!(Money::parse_price("95.5").unwrap().cents(), 9550);
        assert_eq!(Money::parse_price("$120").unwrap().cents(), 12000);
        assert_eq!(Money::parse_price("0").unwrap().cents(), 0);
    }

    #[test]
    fn bad_prices_say_what_is_wrong() {
        assert_eq!(
            Money::parse_price("-5").unwrap_err().0,
            "must not be negative"
        );
        assert!(Money::parse_price("abc").unwrap_err().0.contains("'abc'"));
        assert!(
            Money::parse_price("1.005")
                .unwrap_err()
                .0
                .contains("two decimal")
        );
        assert_eq!(Money::parse_price(" ").unwrap_err().0, "is required");
        assert_eq!(
            Money::parse_price("99999999999").unwrap_err().0,
            "is too large"
        );
    }

    proptest! {
        #[test]
        fn cents_round_trip_through_text(cents in 0i64..=MAX_CENTS) {
            let money = Money::from_cents(cents);
            prop_assert_eq!(Money::parse_price(&money.to_string()).unwrap(), money);
        }
    }
}
