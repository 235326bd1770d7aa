//! Copying a whole database into another: backups (always a SQLite file, whichever backend they
//! come from, so that one file restores into either), restores into an empty database, and the
//! move from SQLite to PostgreSQL. Both sides are at this binary's schema version (opening a store
//! migrates it), so the same tables and columns exist on both.

use std::path::Path;

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::backend::Backend;
use crate::error::StoreError;
use crate::store::Store;

/// Every table, parents before the tables that refer to them. A new migration's table must be
/// added here: a test compares this list with the schema.
pub const TABLES: [&str; 31] = [
    "meta",
    "scales",
    "organisations",
    "documents",
    "sections",
    "questions",
    "rounds",
    "round_documents",
    "round_targets",
    "round_target_organisations",
    "round_sections",
    "round_questions",
    "round_extensions",
    "responses",
    "answers",
    "answer_history",
    "users",
    "user_organisations",
    "sessions",
    "api_tokens",
    "login_links",
    "login_attempts",
    "response_events",
    "reminders",
    "audit_log",
    "oidc_logins",
    "assessment_settings",
    "indicators",
    "indicator_values",
    "assessments",
    "narratives",
];

/// Tables a copy leaves out: who is logged in and who failed to, which matter only to the
/// running server; everybody logs in again after a restore or a move.
const TRANSIENT: [&str; 3] = ["sessions", "login_attempts", "oidc_logins"];

/// How many rows of each table a copy wrote, in [`TABLES`]' order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopySummary {
    pub tables: Vec<(String, u64)>,
}

impl CopySummary {
    /// Rows in all.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// A column's kind, which decides how its values are bound: both backends are typed by the
/// declared type, and PostgreSQL refuses a text parameter for a number column.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Integer,
    Real,
    Text,
}

/// A value read from one side, to be written on the other.
enum Value {
    Integer(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
}

impl Store {
    /// Takes a consistent copy of the whole database into a new SQLite file at `file` while the
    /// server may be running: SQLite's `VACUUM INTO`, or a copy read in one snapshot from
    /// PostgreSQL. The file must not exist.
    pub async fn backup(&self, file: &Path) -> Result<CopySummary, StoreError> {
        if file.exists() {
            return Err(StoreError::Rule(format!(
                "{} finns redan; välj ett nytt filnamn",
                file.display()
            )));
        }
        let path = file
            .to_str()
            .ok_or_else(|| StoreError::Rule(format!("{} är inte UTF-8", file.display())))?;
        // The copy is made in a scratch file first, transient rows removed, and then written out
        // whole by `VACUUM INTO`: one self-contained file, with no write-ahead log beside it.
        let scratch = tempfile::tempdir().map_err(|e| {
            StoreError::Rule(format!("kan inte skapa en tillfällig mapp för kopian: {e}"))
        })?;
        let scratch_file = scratch.path().join("kopia.db");
        let scratch_url = format!("sqlite://{}", scratch_file.display());
        let (copy, summary) = match self.backend {
            Backend::Sqlite => {
                sqlx::query("VACUUM INTO $1")
                    .bind(scratch_file.to_string_lossy().as_ref())
                    .execute(&self.pool)
                    .await?;
                let copy = Store::connect(&scratch_url).await?;
                let mut tx = copy.write_transaction().await?;
                for table in TRANSIENT {
                    sqlx::query(&format!("DELETE FROM {table}"))
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                let summary = copy.count_rows().await?;
                (copy, summary)
            }
            Backend::Postgres => {
                let copy = Store::open(&scratch_url).await?;
                let summary = self.copy_into(&copy).await?;
                (copy, summary)
            }
        };
        let written = sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&copy.pool)
            .await;
        copy.close().await;
        written?;
        Ok(summary)
    }

    /// Copies every row (but the transient ones) into `target`, which must hold no data, in one
    /// transaction there: either all of it arrives or nothing does. Reads one snapshot of this
    /// database. Returns the rows written per table, checked against the rows read.
    pub async fn copy_into(&self, target: &Store) -> Result<CopySummary, StoreError> {
        let filled = target.filled_tables().await?;
        if !filled.is_empty() {
            return Err(StoreError::Rule(format!(
                "måldatabasen är inte tom (tabellerna {} har rader); återställ bara till en ny databas",
                filled.join(", ")
            )));
        }
        let mut source = match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?
            }
        };
        let mut tx = target.write_transaction().await?;
        if target.backend == Backend::Sqlite {
            sqlx::query("PRAGMA defer_foreign_keys = ON")
                .execute(&mut *tx)
                .await?;
        }
        // Migrations fill `meta`; every other table was just seen empty.
        sqlx::query("DELETE FROM meta").execute(&mut *tx).await?;
        let mut tables = Vec::new();
        for table in TABLES {
            let written = if TRANSIENT.contains(&table) {
                0
            } else {
                let columns = target.columns(&mut tx, table).await?;
                let rows = read_rows(&mut source, self.backend, table, &columns).await?;
                write_rows(&mut tx, target.backend, table, &columns, &rows).await?
            };
            tables.push((table.to_owned(), written));
        }
        if target.backend == Backend::Postgres {
            restart_identities(&mut tx).await?;
        }
        // A server already running on the target reloads its definitions.
        crate::store::bump_definitions(&mut tx).await?;
        tx.commit().await?;
        source.commit().await?;
        let summary = CopySummary { tables };
        let counted = target.count_rows().await?;
        if counted != summary {
            return Err(StoreError::Corrupt(format!(
                "kopian har inte lika många rader som källan: {:?} mot {:?}",
                counted.tables, summary.tables
            )));
        }
        Ok(summary)
    }

    /// Rows per table (transient tables counted as empty, as a copy leaves them).
    pub async fn count_rows(&self) -> Result<CopySummary, StoreError> {
        let mut tables = Vec::new();
        for table in TABLES {
            let n: i64 = if TRANSIENT.contains(&table) {
                0
            } else {
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                    .fetch_one(&self.pool)
                    .await?
            };
            tables.push((table.to_owned(), u64::try_from(n).unwrap_or(0)));
        }
        Ok(CopySummary { tables })
    }

    /// Tables with data: every table but `meta`, which migrations fill.
    async fn filled_tables(&self) -> Result<Vec<&'static str>, StoreError> {
        let mut filled = Vec::new();
        for table in TABLES.into_iter().filter(|t| *t != "meta") {
            let any: Option<i64> = sqlx::query_scalar(&format!("SELECT 1 FROM {table} LIMIT 1"))
                .fetch_optional(&self.pool)
                .await?;
            if any.is_some() {
                filled.push(table);
            }
        }
        Ok(filled)
    }

    /// The table's columns and their kinds, as declared.
    async fn columns(
        &self,
        tx: &mut Transaction<'static, Any>,
        table: &str,
    ) -> Result<Vec<(String, Kind)>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
            Backend::Postgres => {
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position"
            }
        };
        let rows: Vec<(String, String)> =
            sqlx::query_as(sql).bind(table).fetch_all(&mut **tx).await?;
        if rows.is_empty() {
            return Err(StoreError::Corrupt(format!("tabellen {table} saknas")));
        }
        Ok(rows
            .into_iter()
            .map(|(name, declared)| {
                let declared = declared.to_uppercase();
                let kind = if declared.contains("INT") {
                    Kind::Integer
                } else if declared.contains("DOUBLE") || declared.contains("REAL") {
                    Kind::Real
                } else {
                    Kind::Text
                };
                (name, kind)
            })
            .collect())
    }

    /// The tables the schema has, for the test that [`TABLES`] names them all.
    #[cfg(feature = "testing")]
    pub async fn schema_tables(&self) -> Result<Vec<String>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'"
            }
        };
        Ok(sqlx::query_scalar(sql).fetch_all(&self.pool).await?)
    }
}

/// Every row of `table`, in the order of its first column (parents before children where a table
/// refers to itself, as ids grow).
async fn read_rows(
    source: &mut Transaction<'static, Any>,
    backend: Backend,
    table: &str,
    columns: &[(String, Kind)],
) -> Result<Vec<Vec<Value>>, StoreError> {
    let names: Vec<String> = columns
        .iter()
        .map(|(name, kind)| match (backend, kind) {
            // Read as text where the declared type says text, whatever SQLite stored.
            (Backend::Sqlite, Kind::Text) => format!("CAST({name} AS TEXT)"),
            _ => name.clone(),
        })
        .collect();
    let sql = format!(
        "SELECT {} FROM {table} ORDER BY {}",
        names.join(", "),
        columns[0].0
    );
    let rows: Vec<AnyRow> = sqlx::query(&sql).fetch_all(&mut **source).await?;
    rows.iter()
        .map(|row| {
            columns
                .iter()
                .enumerate()
                .map(|(i, (_, kind))| {
                    Ok(match kind {
                        Kind::Integer => Value::Integer(row.try_get(i)?),
                        Kind::Real => Value::Real(row.try_get(i)?),
                        Kind::Text => Value::Text(row.try_get(i)?),
                    })
                })
                .collect::<Result<Vec<Value>, sqlx::Error>>()
        })
        .collect::<Result<_, _>>()
        .map_err(StoreError::from)
}

/// Inserts `rows` many at a time; returns how many.
async fn write_rows(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    table: &str,
    columns: &[(String, Kind)],
    rows: &[Vec<Value>],
) -> Result<u64, StoreError> {
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    // Both backends take thousands of parameters in one statement; stay well below.
    let per_statement = (4000 / columns.len()).max(1);
    let overriding = match backend {
        Backend::Postgres if names.contains(&"id") => " OVERRIDING SYSTEM VALUE",
        _ => "",
    };
    for chunk in rows.chunks(per_statement) {
        let mut n = 0;
        let tuples: Vec<String> = chunk
            .iter()
            .map(|row| {
                let places: Vec<String> = row
                    .iter()
                    .map(|_| {
                        n += 1;
                        format!("${n}")
                    })
                    .collect();
                format!("({})", places.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({}){overriding} VALUES {}",
            names.join(", "),
            tuples.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for value in chunk.iter().flatten() {
            query = match value {
                Value::Integer(v) => query.bind(*v),
                Value::Real(v) => query.bind(*v),
                Value::Text(v) => query.bind(v.clone()),
            };
        }
        query.execute(&mut **tx).await?;
    }
    Ok(rows.len() as u64)
}

/// Moves every identity column's sequence past the ids copied in, so that the next row made
/// gets a fresh id.
async fn restart_identities(tx: &mut Transaction<'static, Any>) -> Result<(), StoreError> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'",
    )
    .fetch_all(&mut **tx)
    .await?;
    for table in tables {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
             COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
