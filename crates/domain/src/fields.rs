//! Field-level validation errors, collected so a form can show every problem at once.

use std::collections::BTreeMap;
use std::fmt;

/// One or more fields were rejected. Keys are the field names as the API spells them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors {
    fields: BTreeMap<String, String>,
}

/// The error a single parser returns: what is wrong, without the field name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(message: impl Into<String>) -> Self {
        Invalid(message.into())
    }
}

impl FieldErrors {
    pub fn new() -> Self {
        FieldErrors::default()
    }

    /// An error set holding one field.
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    /// Records the outcome of parsing one field, returning the value when it parsed.
    pub fn check<T>(&mut self, field: &str, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(Invalid(message)) => {
                self.add(field, message);
                None
            }
        }
    }

    /// Adds every error of `other`, each field name prefixed (`registrations[0].number`).
    pub fn nest(&mut self, prefix: &str, other: FieldErrors) {
        for (field, message) in other.fields {
            self.add(&format!("{prefix}.{field}"), message);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `Ok(value)` when no field failed; the collected errors otherwise.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        write!(f, "{}", parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

/// Serde helper for input fields: accepts a string, a number or a boolean and keeps it as
/// text, so that "text where a number belongs" reaches the field's own parser and gets a
/// message naming the field, on forms and JSON alike.
// Known shortcoming: the JSON API is as loose as the forms: a number where a name belongs is
// taken as its digits, and "yes" or "on" as true. A strict API would refuse a JSON value of the
// wrong type, naming the field and the type expected.
pub mod loose {
    use serde::de::{self, Deserializer, Visitor};
    use std::fmt;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        d.deserialize_any(LooseVisitor)
    }

    struct LooseVisitor;

    impl<'de> Visitor<'de> for LooseVisitor {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string, a number or a boolean")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(LooseVisitor)
        }
    }
}
