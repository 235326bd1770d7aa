//! The audit trail: rows are only added (the schema's triggers refuse changes), read newest
//! first, a page at a time, filtered by action, actor or subject.

use uppfolj_model::{AuditAction, AuditEntry};

use crate::error::StoreError;
use crate::rows::{now, parse_time};
use crate::store::Store;

/// Which entries to read: each given part must match; `before` pages back from an id.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    /// Part of the actor's address, case-insensitive.
    pub actor: Option<String>,
    /// Part of the subject, case-insensitive.
    pub subject: Option<String>,
    /// Only entries older than this id: the next page.
    pub before: Option<i64>,
    pub limit: u32,
}

impl Store {
    /// Adds an entry, now. `before` and `after` are JSON text.
    pub async fn record(
        &self,
        actor: &str,
        action: AuditAction,
        subject: &str,
        before: Option<String>,
        after: Option<String>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, before, after) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(now())
        .bind(actor)
        .bind(action.code())
        .bind(subject)
        .bind(before)
        .bind(after)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Entries matching `filter`, newest first.
    pub async fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, at, actor, action, subject, before, after FROM audit_log \
             WHERE ($1 = '' OR action = $1) \
             AND ($2 = '' OR LOWER(actor) LIKE '%' || LOWER($2) || '%') \
             AND ($3 = '' OR LOWER(subject) LIKE '%' || LOWER($3) || '%') \
             AND ($4 = 0 OR id < $4) \
             ORDER BY id DESC LIMIT $5",
        )
        .bind(filter.action.map_or("", AuditAction::code))
        .bind(filter.actor.as_deref().unwrap_or_default())
        .bind(filter.subject.as_deref().unwrap_or_default())
        .bind(filter.before.unwrap_or(0))
        .bind(i64::from(filter.limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, at, actor, action, subject, before, after)| {
                Ok(AuditEntry {
                    id,
                    at: parse_time(&at)?,
                    actor,
                    action: AuditAction::from_code(&action).ok_or_else(|| {
                        StoreError::Corrupt(format!("okänd händelse «{action}» i loggen"))
                    })?,
                    subject,
                    before,
                    after,
                })
            })
            .collect()
    }
}
