//! One harness for every test that touches a database: each test gets a fresh one.
//!
//! SQLite tests get a new file in the temp folder. PostgreSQL tests get a newly created
//! database on the server named by `KNEAD_TEST_POSTGRES_URL` (default: the local server as
//! `postgres`), dropped when the test ends. When that server cannot be reached the PostgreSQL
//! twin of a test is skipped with a message, unless `KNEAD_REQUIRE_POSTGRES=1` (as in CI), in
//! which case it fails.

use knead_store::{Backend, Store};
use std::path::PathBuf;

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A fresh, migrated database for one test.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

impl TestDb {
    pub fn backend(&self) -> Backend {
        self.store.backend()
    }

    /// A new SQLite file in the temp folder, migrated.
    pub async fn sqlite() -> TestDb {
        let path =
            std::env::temp_dir().join(format!("knead-test-{}.sqlite3", uuid::Uuid::now_v7()));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let store = Store::connect(&url)
            .await
            .expect("open a temporary SQLite database");
        store
            .migrate()
            .await
            .expect("migrate the temporary SQLite database");
        TestDb {
            store,
            url,
            cleanup: Cleanup::File(path),
        }
    }

    /// A new PostgreSQL database, migrated; `None` (with a message) when the server is absent
    /// and not required.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var("KNEAD_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES.to_owned());
        let name = format!("knead_test_{}", uuid::Uuid::now_v7().simple());
        if let Err(error) = create_database(&admin_url, &name).await {
            if postgres_required() {
                panic!("KNEAD_REQUIRE_POSTGRES is set but PostgreSQL is unusable: {error}");
            }
            eprintln!("skipped: PostgreSQL at {admin_url} is not available ({error})");
            return None;
        }
        let url = with_database(&admin_url, &name);
        let store = Store::connect(&url)
            .await
            .expect("connect to the new test database");
        store
            .migrate()
            .await
            .expect("migrate the new test database");
        Some(TestDb {
            store,
            url,
            cleanup: Cleanup::Database { admin_url, name },
        })
    }
}

fn postgres_required() -> bool {
    std::env::var("KNEAD_REQUIRE_POSTGRES").is_ok_and(|v| v == "1" || v == "true")
}

/// Replaces the database name at the end of a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let root = match base.rfind('/') {
        Some(slash) if slash > "postgres://".len() => &base[..slash],
        _ => base,
    };
    match query {
        Some(query) => format!("{root}/{name}?{query}"),
        None => format!("{root}/{name}"),
    }
}

async fn admin_connection(admin_url: &str) -> Result<sqlx::AnyConnection, sqlx::Error> {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let connect = sqlx::AnyConnection::connect(admin_url);
    match tokio::time::timeout(std::time::Duration::from_secs(5), connect).await {
        Ok(result) => result,
        Err(_) => Err(sqlx::Error::PoolTimedOut),
    }
}

async fn create_database(admin_url: &str, name: &str) -> Result<(), sqlx::Error> {
    let mut admin = admin_connection(admin_url).await?;
    // The name is generated above from a UUID, never from input.
    let sql = format!("CREATE DATABASE {name}");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut admin)
        .await?;
    Ok(())
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Cleanup::Database { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let store = self.store.clone();
                // Drop runs inside the test's runtime, which cannot be blocked on, so the
                // database is dropped from a thread with a runtime of its own.
                let dropper = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(runtime) = runtime {
                        runtime.block_on(async move {
                            store.close().await;
                            if let Ok(mut admin) = admin_connection(&admin_url).await {
                                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                                let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                                    .execute(&mut admin)
                                    .await;
                            }
                        });
                    }
                });
                let _ = dropper.join();
            }
        }
    }
}

/// Declares each listed `async fn name(db: TestDb)` as two tests, `sqlite::name` and
/// `postgres::name`, each with a fresh database.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::TestDb::sqlite().await).await;
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(db) = $crate::TestDb::postgres().await {
                        super::$name(db).await;
                    }
                }
            )*
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_in_postgres_urls() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "t2"),
            "postgres://u:p@h/t2?sslmode=disable"
        );
    }
}
