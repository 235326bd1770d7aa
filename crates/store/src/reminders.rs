//! When each organisation was last reminded to answer a round: kept so that a coordinator does
//! not remind the same board twice in a day without knowing.

use std::collections::HashMap;

use time::OffsetDateTime;
use uppfolj_model::Key;

use crate::error::StoreError;
use crate::rows::{now, parse_time, stored_key};
use crate::store::Store;

impl Store {
    /// Records that `organisation` was reminded in `round` by `by`, now.
    pub async fn record_reminder(
        &self,
        round: &Key,
        organisation: &Key,
        by: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let written = sqlx::query(
            "INSERT INTO reminders (round_id, organisation_id, sent_at, sent_by) \
             SELECT r.id, o.id, $3, $4 FROM rounds r, organisations o WHERE r.key = $1 AND o.key = $2 \
             ON CONFLICT (round_id, organisation_id) DO UPDATE SET sent_at = excluded.sent_at, sent_by = excluded.sent_by",
        )
        .bind(round.as_str())
        .bind(organisation.as_str())
        .bind(now())
        .bind(by)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if written == 0 {
            return Err(StoreError::NotFound(format!(
                "omgången «{round}» eller organisationen «{organisation}»"
            )));
        }
        tx.commit().await?;
        Ok(())
    }

    /// When each organisation was last reminded in `round`.
    pub async fn last_reminders(
        &self,
        round: &Key,
    ) -> Result<HashMap<Key, OffsetDateTime>, StoreError> {
        sqlx::query_as::<_, (String, String)>(
            "SELECT o.key, m.sent_at FROM reminders m JOIN rounds r ON r.id = m.round_id \
             JOIN organisations o ON o.id = m.organisation_id WHERE r.key = $1",
        )
        .bind(round.as_str())
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|(organisation, at)| Ok((stored_key(&organisation)?, parse_time(&at)?)))
        .collect()
    }
}
