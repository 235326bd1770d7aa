//! Fresh databases for tests: a temporary SQLite file, or a PostgreSQL schema of its own, so that
//! tests run in parallel without seeing each other's data.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::backend::Backend;
use crate::error::StoreError;
use crate::store::Store;

/// The tables a copy writes, in order, for the test that they are all the schema has.
pub use crate::transfer::TABLES;

/// Where tests find PostgreSQL; `UPPFOLJ_TEST_POSTGRES` overrides it.
pub fn postgres_url() -> String {
    std::env::var("UPPFOLJ_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A database that exists for one test.
pub struct TestDb {
    pub store: Store,
    /// The URL that reaches this database, for starting the real binary against it.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A migrated, empty database on `backend`. PostgreSQL must be reachable: a test that cannot
    /// reach it fails, it is never skipped.
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary folder");
                let url = format!("sqlite://{}", dir.path().join("uppfolj.db").display());
                let store = Store::open(&url).await.expect("SQLite opens");
                TestDb {
                    store,
                    url,
                    _dir: Some(dir),
                }
            }
            Backend::Postgres => {
                let base = postgres_url();
                let schema = unique_name();
                let admin = Store::connect(&base).await.unwrap_or_else(|e| {
                    panic!("PostgreSQL must run at {base} for the tests: {e:?}")
                });
                admin
                    .execute_raw(&format!("CREATE SCHEMA {schema}"))
                    .await
                    .expect("a fresh schema");
                admin.close().await;
                let separator = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
                let store = Store::open(&url).await.expect("PostgreSQL opens");
                TestDb {
                    store,
                    url,
                    _dir: None,
                }
            }
        }
    }
}

fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "t_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl Store {
    /// Runs a statement as is; for test set-up only.
    pub async fn execute_raw(&self, sql: &str) -> Result<(), StoreError> {
        sqlx::raw_sql(sql).execute(&self.pool).await?;
        Ok(())
    }
}
