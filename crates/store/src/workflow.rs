//! A response's way from draft to accepted: submit, return with a message, accept, reopen.

use std::collections::HashMap;

use uppfolj_model::{Answer, Key, QuestionRef, ResponseState};

use crate::responses::load_answers;
use crate::{Store, StoreError, WorkflowError, now};

/// Where a response stands, with the coordinator's latest message to the respondent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseStatus {
    pub state: ResponseState,
    /// The message of the latest return for completion, shown to the respondent.
    pub message: Option<String>,
    /// A coordinator reopened the closed round for this organisation.
    pub reopened: bool,
}

/// One change of a response's state, for its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseEvent {
    pub state: ResponseState,
    pub message: String,
    pub changed_by: String,
    pub changed_at: String,
}

impl Store {
    /// The state of an organisation's response; *not started* when it has none yet.
    pub async fn response_status(
        &self,
        round: &Key,
        organisation: &Key,
    ) -> Result<ResponseStatus, StoreError> {
        let row = sqlx::query_as::<_, (i64, String, i64)>(
            "SELECT p.id, p.state, p.reopened FROM responses p JOIN rounds r ON r.id = p.round_id \
             JOIN organisations o ON o.id = p.organisation_id WHERE r.key = $1 AND o.key = $2",
        )
        .bind(round.as_str())
        .bind(organisation.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, state, reopened)) = row else {
            return Ok(ResponseStatus {
                state: ResponseState::NotStarted,
                message: None,
                reopened: false,
            });
        };
        let message: Option<String> = sqlx::query_scalar(
            "SELECT message FROM response_events WHERE response_id = $1 AND state = 'returned' ORDER BY id DESC LIMIT 1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(ResponseStatus {
            state: parse_state(&state)?,
            message: message.filter(|m| !m.is_empty()),
            reopened: reopened != 0,
        })
    }

    /// Changes a response's state in one transaction: `decide` sees the current state and answers
    /// and returns the new state (or why not). The row is locked first, so a save cannot slip in
    /// between the check and the change. `reopen` also lets the organisation answer in a closed round.
    pub async fn change_response(
        &self,
        round: &Key,
        organisation: &Key,
        by: &str,
        message: &str,
        reopen: bool,
        decide: impl FnOnce(
            ResponseState,
            &HashMap<QuestionRef, Answer>,
        ) -> Result<ResponseState, WorkflowError>,
    ) -> Result<ResponseState, WorkflowError> {
        let mut tx = self.write_transaction().await?;
        let at = now();
        let ids: Option<(i64, i64)> = sqlx::query_as(
            "SELECT r.id, o.id FROM rounds r, organisations o WHERE r.key = $1 AND o.key = $2",
        )
        .bind(round.as_str())
        .bind(organisation.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let (round_id, organisation_id) = ids.ok_or_else(|| {
            StoreError::NotFound(format!(
                "omgången «{round}» eller organisationen «{organisation}»"
            ))
        })?;
        sqlx::query(
            "INSERT INTO responses (round_id, organisation_id, state, updated_at) VALUES ($1, $2, 'not_started', $3) \
             ON CONFLICT (round_id, organisation_id) DO NOTHING",
        )
        .bind(round_id)
        .bind(organisation_id)
        .bind(&at)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let (response_id, state): (i64, String) = sqlx::query_as(
            "UPDATE responses SET updated_at = $3 WHERE round_id = $1 AND organisation_id = $2 RETURNING id, state",
        )
        .bind(round_id)
        .bind(organisation_id)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let answers = load_answers(&mut tx, round, organisation).await?;
        let next = decide(parse_state(&state)?, &answers)?;
        sqlx::query("UPDATE responses SET state = $1, reopened = CASE WHEN $2 = 1 THEN 1 ELSE reopened END WHERE id = $3")
            .bind(next.as_str())
            .bind(i64::from(reopen))
            .bind(response_id)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        sqlx::query(
            "INSERT INTO response_events (response_id, state, message, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(response_id)
        .bind(next.as_str())
        .bind(message)
        .bind(by)
        .bind(&at)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(next)
    }

    /// Every state change of a response, oldest first.
    pub async fn response_events(
        &self,
        round: &Key,
        organisation: &Key,
    ) -> Result<Vec<ResponseEvent>, StoreError> {
        let rows = sqlx::query_as::<_, (String, String, String, String)>(
            "SELECT e.state, e.message, e.changed_by, e.changed_at FROM response_events e \
             JOIN responses p ON p.id = e.response_id JOIN rounds r ON r.id = p.round_id \
             JOIN organisations o ON o.id = p.organisation_id WHERE r.key = $1 AND o.key = $2 ORDER BY e.id",
        )
        .bind(round.as_str())
        .bind(organisation.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(state, message, changed_by, changed_at)| {
                Ok(ResponseEvent {
                    state: parse_state(&state)?,
                    message,
                    changed_by,
                    changed_at,
                })
            })
            .collect()
    }

    /// The organisation's answers in the latest earlier round (by year) in which it answered,
    /// with that round's name: what "last year's answer" shows.
    pub async fn previous_answers(
        &self,
        round: &Key,
        organisation: &Key,
    ) -> Result<Option<(String, Key, HashMap<QuestionRef, Answer>)>, StoreError> {
        let earlier: Option<(String, String)> = sqlx::query_as(
            "SELECT r.key, r.name FROM rounds r JOIN responses p ON p.round_id = r.id \
             JOIN organisations o ON o.id = p.organisation_id \
             WHERE o.key = $2 AND r.year < (SELECT year FROM rounds WHERE key = $1) \
             AND EXISTS (SELECT 1 FROM answers a WHERE a.response_id = p.id) \
             ORDER BY r.year DESC LIMIT 1",
        )
        .bind(round.as_str())
        .bind(organisation.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some((key, name)) = earlier else {
            return Ok(None);
        };
        let key = crate::definitions::stored_key(&key)?;
        let answers = self.answers(&key, organisation).await?;
        Ok(Some((name, key, answers)))
    }
}

fn parse_state(text: &str) -> Result<ResponseState, StoreError> {
    ResponseState::parse(text).ok_or_else(|| StoreError::Corrupt(format!("svarets status {text}")))
}
