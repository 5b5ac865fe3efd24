//! Typed identifiers. An id of one kind cannot be passed where another is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id (UUIDv7 text).
            pub fn generate() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }

            /// Wraps an id read from storage or a URL; ids are opaque, so any text is accepted.
            pub fn from_string(raw: impl Into<String>) -> Self {
                $name(raw.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}

id_type!(
    /// A clinic (organization): the tenant every row belongs to.
    ClinicId,
    /// A staff member who signs in.
    UserId,
    LocationId,
    RoomId,
    PractitionerId,
    ServiceId,
    PatientId,
    /// An API token (not the secret itself).
    TokenId,
);
