//! A round's life: draft, open, closed, published.

use uppfolj_model::{Key, RoundState};

use crate::{Store, StoreError};

impl Store {
    /// Moves a round to `next` if the workflow allows it from where it is.
    pub async fn set_round_state(&self, round: &Key, next: RoundState) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let current: String = sqlx::query_scalar("SELECT state FROM rounds WHERE key = $1")
            .bind(round.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("omgången «{round}»")))?;
        let current = RoundState::parse(&current)
            .ok_or_else(|| StoreError::Corrupt(format!("omgångens status {current}")))?;
        if current == next {
            return Ok(());
        }
        if !current.may_become(next) {
            return Err(StoreError::Rule(format!(
                "omgången «{round}» är {} och kan inte bli {}",
                current.label().to_lowercase(),
                next.label().to_lowercase()
            )));
        }
        sqlx::query("UPDATE rounds SET state = $1 WHERE key = $2")
            .bind(next.as_str())
            .bind(round.as_str())
            .execute(&mut *tx)
            .await?;
        crate::definitions::bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}
