//! Helpers shared by the integration tests. Each test crate uses only some of them.
#![allow(dead_code)]

pub mod api;
pub mod browser;
pub mod pages;
pub mod setup;
pub mod smtp;
