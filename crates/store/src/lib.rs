//! Knead's storage layer: one SQL code path over sqlx's `Any` driver, for SQLite (the
//! embedded default) and PostgreSQL (for hosts that run several app servers).
//!
//! Queries use the dialect both accept and only portable column types (see the migrations).
//! Every query on clinic-owned data takes the clinic's id; nothing here knows about HTTP.

pub mod appointments;
pub mod audit;
pub mod auth;
pub mod clinics;
pub mod consents;
mod error;
pub mod imports;
pub mod notes;
pub mod outbox;
pub mod patient_record;
pub mod patients;
mod rows;
pub mod schedule;
pub mod setup;
pub mod signin;
pub mod staff;

pub use error::StoreError;

use sqlx::AnyConnection;
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool};
use std::time::Duration;

/// A transaction on a pooled connection.
pub type Tx = sqlx::Transaction<'static, Any>;
/// What every query function takes: a plain connection or a transaction's.
pub type Conn = AnyConnection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names, or `None` for an unsupported scheme.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The database, whichever backend it is.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://...`). SQLite files are put
    /// in WAL mode so readers never wait for the writer.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url).ok_or_else(|| StoreError::UnsupportedUrl {
            scheme: url.split(':').next().unwrap_or_default().to_owned(),
        })?;
        let max_connections = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(StoreError::Connect)?;
        if backend == Backend::Sqlite {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        Ok(Store { pool, backend })
    }

    /// Applies the embedded migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await.map_err(StoreError::Migrate)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so concurrent writers queue on the busy timeout instead of
    /// failing with "database is locked" when a read turns into a write.
    pub async fn write(&self) -> Result<Tx, StoreError> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<sqlx::pool::PoolConnection<Any>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Keyset pagination over time-ordered ids: at most `limit` rows after `after`.
#[derive(Clone, Debug, Default)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<String>,
}

/// One page of a list and the cursor for the next, if there is more.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` fetched rows; the extra row only signals "more".
    pub(crate) fn from_rows(mut items: Vec<T>, limit: i64, id: impl Fn(&T) -> String) -> Page<T> {
        let limit = usize::try_from(limit).unwrap_or(0);
        let more = items.len() > limit;
        items.truncate(limit);
        let next_cursor = if more { items.last().map(id) } else { None };
        Page { items, next_cursor }
    }
}
