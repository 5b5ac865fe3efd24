//! Knead's domain: the values and rules every front door shares.
//!
//! Nothing here performs I/O or reads a clock. Input arrives as loose text, is parsed once into
//! the types below (each `parse` names the field it rejects), and is trusted afterwards.

pub mod appointment;
pub mod booking;
pub mod casl;
pub mod consent;
pub mod fields;
pub mod ids;
pub mod intake;
pub mod money;
pub mod notes;
pub mod patient_record;
pub mod permissions;
pub mod role;
pub mod schedule;
pub mod setup;
pub mod values;

pub use fields::{FieldErrors, Invalid};
pub use money::Money;
pub use permissions::PermissionSet;
pub use role::{Permission, Role};
