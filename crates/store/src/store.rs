//! The handle on the database that every other file of the store extends: connecting, the
//! schema's migrations, write transactions, and the counter that tells every instance its copy of
//! the definitions is stale.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, ConnectOptions, Executor, Transaction};
use uppfolj_model::Definitions;

use crate::backend::Backend;
use crate::error::StoreError;
use crate::writer::{CommitObserver, Writer};

/// The definitions as loaded at a version of the `meta` counter.
type CachedDefinitions = (i64, Arc<Definitions>);

/// A handle on the database; cheap to clone and share between requests.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// The group-commit writer for answer saves (SQLite only).
    pub(crate) writer: Option<Writer>,
    /// The definitions as last loaded, with the version they were loaded at.
    pub(crate) cache: Arc<RwLock<Option<CachedDefinitions>>>,
    /// Held while the definitions are reloaded, so that concurrent requests load them once.
    pub(crate) reload: Arc<tokio::sync::Mutex<()>>,
    pub(crate) commits: CommitObserver,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Connects to `sqlite://FILE` or `postgres://…`. A SQLite file and its folder are created
    /// when missing; SQLite runs in WAL mode with `synchronous=FULL`, so that a save is on disk
    /// before it is acknowledged.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, url, database_file) = if url.starts_with("sqlite:") {
            let (url, file) = sqlite_url(url)?;
            (Backend::Sqlite, url, Some(file))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned(), None)
        } else {
            return Err(StoreError::UnsupportedUrl(mask(url)));
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(|source| StoreError::Connect {
                url: mask(&url),
                source,
            })?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Reads through a memory map share the operating system's page cache
                        // across connections instead of copying pages into each one's cache.
                        // Temporary tables and statement journals stay in memory instead of in
                        // files created and deleted for each multi-row write. No connection
                        // checkpoints when it commits: the writer's checkpointer does, beside
                        // the writes (see `writer`).
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA mmap_size = 268435456; \
                             PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 0;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Connect {
                url: mask(&url),
                source,
            })?;
        let commits = CommitObserver::default();
        let writer = match &database_file {
            Some(path) => Some(Writer::start(path, pool.clone(), commits.clone())?),
            None => None,
        };
        Ok(Store {
            pool,
            backend,
            writer,
            cache: Arc::default(),
            reload: Arc::default(),
            commits,
        })
    }

    /// Connects and brings the schema up to date: what `uppfolj init` and every start do.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Applies the migrations this binary knows and the database has not seen.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await.map_err(StoreError::Migrate)
    }

    /// Whether the database answers and has every migration this binary knows, for health checks:
    /// the newest migration applied and the newest known.
    pub async fn schema_versions(&self) -> Result<(i64, i64), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        let known = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        let applied: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok((applied.unwrap_or(0), known))
    }

    /// Calls `observe` after every commit of answers with how many requests' saves it held;
    /// only the first observer given is kept.
    pub fn observe_commits(&self, observe: impl Fn(usize) + Send + Sync + 'static) {
        self.commits.set(observe);
    }

    /// The connections the pool holds, and how many of them are idle.
    pub fn connections(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead of one failing
    /// when it upgrades from reading to writing.
    pub(crate) async fn write_transaction(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Closes every connection, waiting for work under way.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Marks the definitions as changed, for every instance's cache; call inside the changing
/// transaction.
pub(crate) async fn bump_definitions(tx: &mut Transaction<'static, Any>) -> Result<(), StoreError> {
    sqlx::query("UPDATE meta SET value = value + 1 WHERE key = 'definitions'")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds `mode=rwc` so that a missing SQLite file is created, and creates its folder. Returns the
/// URL for the pool and the file's path (percent-decoded, as sqlx reads it) for the writer.
fn sqlite_url(url: &str) -> Result<(String, PathBuf), StoreError> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::UnsupportedUrl(
            "sqlite-databasen måste vara en fil (sqlite://sökväg/till/uppfolj.db)".into(),
        ));
    }
    let file = PathBuf::from(
        percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .map_err(|_| {
                StoreError::UnsupportedUrl(format!(
                    "{path} (sökvägen är inte giltig UTF-8 när %-koderna är avkodade)"
                ))
            })?
            .into_owned(),
    );
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| {
            StoreError::UnsupportedUrl(format!("kan inte skapa mappen {}: {e}", parent.display()))
        })?;
    }
    let url = match query {
        "" => format!("sqlite://{path}?mode=rwc"),
        q if q.contains("mode=") => format!("sqlite://{path}?{q}"),
        q => format!("sqlite://{path}?{q}&mode=rwc"),
    };
    Ok((url, file))
}

/// The URL with any password replaced, fit for logs and error messages.
pub fn mask(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_in_urls() {
        assert_eq!(
            mask("postgres://app:hemligt@db:5432/uppfolj"),
            "postgres://app:***@db:5432/uppfolj"
        );
        assert_eq!(
            mask("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(mask("sqlite://data/uppfolj.db"), "sqlite://data/uppfolj.db");
    }

    #[test]
    fn sqlite_urls_create_the_file_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/u.db");
        let (url, path) = sqlite_url(&format!("sqlite://{}", file.display())).unwrap();
        assert_eq!(url, format!("sqlite://{}?mode=rwc", file.display()));
        assert_eq!(path, file);
        assert!(file.parent().unwrap().is_dir());
        assert!(sqlite_url("sqlite::memory:").is_err());
        assert!(
            sqlite_url("sqlite://x.db?mode=ro")
                .unwrap()
                .0
                .ends_with("?mode=ro")
        );
    }

    #[test]
    fn sqlite_paths_are_percent_decoded_as_sqlx_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let encoded = format!("sqlite://{}/mina%20svar/u.db", dir.path().display());
        let (_, path) = sqlite_url(&encoded).unwrap();
        assert_eq!(path, dir.path().join("mina svar/u.db"));
        assert!(dir.path().join("mina svar").is_dir());
    }
}
