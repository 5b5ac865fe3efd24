//! Knead's application layer: the use cases that pages, the API and the CLI all call.
//!
//! Each use case checks who is asking, validates input into domain values, writes in one
//! transaction together with its audit event, and returns domain records or an [`AppError`].

pub mod access;
pub mod auth;
pub mod consents;
pub mod demo;
mod error;
pub mod import;
pub mod notes;
pub mod outbox;
pub mod patient_import;
pub mod patient_record;
pub mod patients;
pub mod scheduling;
mod secrets;
pub mod setup;
pub mod signin;
pub mod staff;

pub use secrets::same_secret;

/// A new random secret (64 hex characters), for tokens the web layer hands out itself,
/// such as the CSRF cookie shown before sign-in.
pub fn fresh_secret() -> String {
    secrets::random_secret("")
}

pub use error::AppError;
pub use knead_store::auth::TokenRecord;
pub use knead_store::clinics::ClinicRecord;
pub use knead_store::{Backend, Page, PageRequest, Store};

use knead_domain::Permission;
use knead_domain::Role;
use knead_domain::ids::{ClinicId, TokenId, UserId};
use knead_domain::permissions::PermissionSet;
use knead_store::audit::{self, Actor, NewEvent};
use knead_store::{Conn, StoreError};
use std::sync::Arc;

/// Where "now" comes from. Production reads the system clock; tests pin it.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> jiff::Timestamp + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(jiff::Timestamp::now))
    }

    pub fn fixed(at: jiff::Timestamp) -> Clock {
        Clock(Arc::new(move || at))
    }

    pub fn now(&self) -> jiff::Timestamp {
        (self.0)()
    }

    /// Now as stored: whole UTC epoch seconds.
    pub fn epoch(&self) -> i64 {
        self.now().as_second()
    }
}

/// Rules for sign-in and sessions. Defaults suit a small clinic; all are settings.
#[derive(Clone, Debug)]
pub struct AuthPolicy {
    /// How long a sign-in lasts before the person must sign in again.
    pub session_seconds: i64,
    /// Failed sign-ins allowed per email inside `throttle_window_seconds`.
    pub max_failures_per_email: i64,
    /// Failed sign-ins allowed per network address inside the window.
    pub max_failures_per_ip: i64,
    pub throttle_window_seconds: i64,
    pub min_password_chars: usize,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        AuthPolicy {
            session_seconds: 12 * 3600,
            max_failures_per_email: 5,
            max_failures_per_ip: 30,
            throttle_window_seconds: 15 * 60,
            min_password_chars: 10,
        }
    }
}

/// The application: the store, the clock and the policies every use case reads.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Clock,
    auth_policy: AuthPolicy,
}

impl App {
    pub fn new(store: Store, clock: Clock) -> App {
        App {
            store,
            clock,
            auth_policy: AuthPolicy::default(),
        }
    }

    pub fn with_auth_policy(mut self, policy: AuthPolicy) -> App {
        self.auth_policy = policy;
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Whether the database answers, for `/healthz`.
    pub async fn healthy(&self) -> Result<(), AppError> {
        Ok(self.store.ping().await?)
    }
}

/// How a staff member reached us.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    Session,
    Token(TokenId),
}

/// A signed-in staff member (or an API token acting for one): whose clinic every request
/// sees, and what they may do there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Staff {
    pub clinic_id: ClinicId,
    pub user_id: UserId,
    pub name: String,
    pub role: Role,
    pub via: Via,
    /// The network address the request came from, recorded with every audit event; `None`
    /// when the caller is not a network request.
    pub address: Option<String>,
    /// What the role may do in this clinic: the defaults with the clinic's changes, loaded
    /// with the session or token.
    pub permissions: PermissionSet,
}

impl Staff {
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.permissions.contains(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }

    /// The same staff member, asking from network address `address`.
    pub fn from_address(mut self, address: impl Into<String>) -> Staff {
        self.address = Some(address.into());
        self
    }

    /// Who the audit trail names for this staff member's actions, with their address.
    pub(crate) fn actor(&self) -> Actor {
        let (kind, id) = match &self.via {
            Via::Session => ("user", self.user_id.to_string()),
            Via::Token(token) => ("api_token", token.to_string()),
        };
        Actor {
            kind,
            id: Some(id),
            address: self.address.clone(),
        }
    }
}

/// Appends one audit event for `staff`'s change to `entity`.
async fn record(
    conn: &mut Conn,
    clinic: &ClinicId,
    actor: &Actor,
    action: &str,
    entity: (&str, &str),
    detail: serde_json::Value,
    now: i64,
) -> Result<(), StoreError> {
    let (entity, entity_id) = entity;
    let event = NewEvent {
        actor,
        action,
        entity,
        entity_id,
        detail: detail.to_string(),
    };
    audit::append(conn, clinic, event, now).await.map(|_| ())
}

/// A list request as the API and pages give it: `limit` defaults to 50 and is capped at 500.
pub fn page_request(limit: Option<i64>, cursor: Option<String>) -> Result<PageRequest, AppError> {
    let limit = limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(AppError::invalid("limit", "must be between 1 and 500"));
    }
    Ok(PageRequest {
        limit,
        after: cursor.filter(|c| !c.is_empty()),
    })
}
