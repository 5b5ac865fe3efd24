//! Shared test helpers.

pub mod browser;
