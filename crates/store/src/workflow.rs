//! A response's way from draft to accepted: submit, return with a message, accept, reopen.

use std::collections::HashMap;

use uppfolj_model::{
    Answer, AnswerInput, AnswerScale, AnswerValue, Key, QuestionRef, ResponseState, RoundState,
};

use crate::error::{SaveError, StoreError, WorkflowError};
use crate::responses::{load_answers, packed_answers, stored_answer, write_answer};
use crate::rounds::remember_question;
use crate::rows::{AnswerRow, now, parse_time, response_state, stored_key, stored_scale, unpack};
use crate::saving::SavedAnswer;
use crate::store::Store;

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
        let row = sqlx::query_as::<_, (String, i64, Option<String>)>(
            "SELECT p.state, p.reopened, (SELECT e.message FROM response_events e \
             WHERE e.response_id = p.id AND e.state = 'returned' ORDER BY e.id DESC LIMIT 1) \
             FROM responses p JOIN rounds r ON r.id = p.round_id \
             JOIN organisations o ON o.id = p.organisation_id WHERE r.key = $1 AND o.key = $2",
        )
        .bind(round.as_str())
        .bind(organisation.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some((state, reopened, message)) = row else {
            return Ok(ResponseStatus {
                state: ResponseState::NotStarted,
                message: None,
                reopened: false,
            });
        };
        Ok(ResponseStatus {
            state: response_state(&state)?,
            message: message.filter(|m| !m.is_empty()),
            reopened: reopened != 0,
        })
    }

    /// A response's state and answers in one query of one row; `scales` (from the definitions)
    /// read the values. The answers come packed as JSON, because SQLite's driver hands rows over
    /// from its worker thread one at a time, which costs more than the query.
    pub async fn response(
        &self,
        round: &Key,
        organisation: &Key,
        scales: &[AnswerScale],
    ) -> Result<(ResponseStatus, HashMap<QuestionRef, Answer>), StoreError> {
        let answers = packed_answers(
            self.backend,
            "d.key, q.key, s.key, a.value, a.comment, a.version, a.withheld, a.changed_by, a.changed_at",
        );
        let row = sqlx::query_as::<_, (String, i64, Option<String>, String)>(&format!(
            "SELECT p.state, p.reopened, (SELECT e.message FROM response_events e \
             WHERE e.response_id = p.id AND e.state = 'returned' ORDER BY e.id DESC LIMIT 1), {answers} \
             FROM responses p JOIN rounds r ON r.id = p.round_id JOIN organisations o ON o.id = p.organisation_id \
             WHERE r.key = $1 AND o.key = $2"
        ))
        .bind(round.as_str())
        .bind(organisation.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some((state, reopened, message, packed)) = row else {
            return Ok((
                ResponseStatus {
                    state: ResponseState::NotStarted,
                    message: None,
                    reopened: false,
                },
                HashMap::new(),
            ));
        };
        let status = ResponseStatus {
            state: response_state(&state)?,
            message: message.filter(|m| !m.is_empty()),
            reopened: reopened != 0,
        };
        type Packed = (
            String,
            String,
            String,
            Option<String>,
            String,
            i64,
            i64,
            String,
            String,
        );
        let packed: Vec<Packed> = unpack(&packed, &format!("svaren för {organisation}"))?;
        let mut answers = HashMap::with_capacity(packed.len());
        for (document, question, scale, value, comment, version, withheld, by, at) in packed {
            let scale = scales
                .iter()
                .find(|s| s.key.as_str() == scale)
                .ok_or_else(|| StoreError::Corrupt(format!("svarsskalan {scale} saknas")))?;
            let reference = QuestionRef {
                document: stored_key(&document)?,
                question: stored_key(&question)?,
            };
            let answer = Answer {
                question: reference.clone(),
                value: value.and_then(|v| AnswerValue::from_stored(scale, &v)),
                comment,
                version,
                withheld: withheld != 0,
                changed_by: by,
                changed_at: parse_time(&at)?,
            };
            answers.insert(reference, answer);
        }
        Ok((status, answers))
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
        let next = decide(response_state(&state)?, &answers)?;
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
                    state: response_state(&state)?,
                    message,
                    changed_by,
                    changed_at,
                })
            })
            .collect()
    }

    /// The organisation's answers in the latest earlier round (by year) in which it answered,
    /// with that round's name and key: what "last year's answer" shows. One query.
    pub async fn previous_answers(
        &self,
        round: &Key,
        organisation: &Key,
    ) -> Result<Option<(String, Key, HashMap<QuestionRef, Answer>)>, StoreError> {
        let rows = sqlx::query_as::<_, PreviousRow>(
            "SELECT r.key AS round_key, r.name AS round_name, d.key AS document, q.key AS question, \
             s.key AS scale_key, s.name AS scale_name, s.definition AS scale_definition, a.value, a.comment, \
             a.version, a.withheld, a.changed_by, a.changed_at \
             FROM answers a JOIN responses p ON p.id = a.response_id JOIN rounds r ON r.id = p.round_id \
             JOIN questions q ON q.id = a.question_id JOIN documents d ON d.id = q.document_id \
             JOIN scales s ON s.id = q.scale_id \
             WHERE p.id = (SELECT p2.id FROM responses p2 JOIN rounds r2 ON r2.id = p2.round_id \
               JOIN organisations o2 ON o2.id = p2.organisation_id \
               WHERE o2.key = $2 AND r2.year < (SELECT year FROM rounds WHERE key = $1) \
               AND EXISTS (SELECT 1 FROM answers a2 WHERE a2.response_id = p2.id) \
               ORDER BY r2.year DESC LIMIT 1)",
        )
        .bind(round.as_str())
        .bind(organisation.as_str())
        .fetch_all(&self.pool)
        .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let (name, key) = (first.round_name.clone(), stored_key(&first.round_key)?);
        let mut answers = HashMap::new();
        for row in rows {
            let reference = QuestionRef {
                document: stored_key(&row.document)?,
                question: stored_key(&row.question)?,
            };
            let scale = stored_scale(&row.scale_key, row.scale_name, &row.scale_definition)?;
            answers.insert(reference.clone(), row.answer.answer(reference, &scale)?);
        }
        Ok(Some((name, key, answers)))
    }
}

/// One answer of an earlier round, with that round's key and name.
#[derive(sqlx::FromRow)]
struct PreviousRow {
    round_key: String,
    round_name: String,
    document: String,
    question: String,
    scale_key: String,
    scale_name: String,
    scale_definition: String,
    #[sqlx(flatten)]
    answer: AnswerRow,
}

impl Store {
    /// Marks an answer's comment as not for publication, or for publication again, whatever the
    /// state of the round and the response: a coordinator may have to withhold a comment after
    /// the round was published. Guarded by the answer's version like a save, and kept in its
    /// history.
    pub async fn set_withheld(
        &self,
        round: &Key,
        organisation: &Key,
        question: &QuestionRef,
        withheld: bool,
        version: i64,
        by: &str,
    ) -> Result<SavedAnswer, SaveError> {
        let mut tx = self.write_transaction().await?;
        let found: Option<(i64, i64, String, String, String)> = sqlx::query_as(
            "SELECT p.id, q.id, s.key, s.name, s.definition FROM responses p \
             JOIN rounds r ON r.id = p.round_id JOIN organisations o ON o.id = p.organisation_id \
             JOIN documents d ON d.key = $3 JOIN questions q ON q.document_id = d.id AND q.key = $4 \
             JOIN scales s ON s.id = q.scale_id WHERE r.key = $1 AND o.key = $2",
        )
        .bind(round.as_str())
        .bind(organisation.as_str())
        .bind(question.document.as_str())
        .bind(question.question.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let no_answer = || {
            SaveError::from(StoreError::NotFound(format!(
                "svaret på frågan «{question}» från «{organisation}» i omgången «{round}»"
            )))
        };
        let (response_id, question_id, scale_key, scale_name, definition) =
            found.ok_or_else(no_answer)?;
        let scale = stored_scale(&scale_key, scale_name, &definition)?;
        let previous = stored_answer(&mut tx, response_id, question_id)
            .await
            .map_err(StoreError::from)?
            .ok_or_else(no_answer)?;
        if previous.version != version {
            let current = previous.answer(question.clone(), &scale)?;
            return Err(SaveError::Conflict {
                current: Some(Box::new(current)),
            });
        }
        let input = AnswerInput {
            value: previous.value.clone(),
            comment: previous.comment.clone(),
            version,
            withheld,
        };
        let at = now();
        let stored = previous.value.clone();
        let written = write_answer(
            &mut tx,
            (response_id, question_id),
            Some(previous),
            stored.as_deref(),
            &input,
            (by, &at),
        )
        .await
        .map_err(StoreError::from)?;
        let Some(version) = written else {
            return Err(SaveError::Conflict { current: None });
        };
        tx.commit().await.map_err(StoreError::from)?;
        let answer = Answer {
            question: question.clone(),
            value: stored.and_then(|v| AnswerValue::from_stored(&scale, &v)),
            comment: input.comment,
            version,
            withheld,
            changed_by: by.to_owned(),
            changed_at: parse_time(&at)?,
        };
        Ok(SavedAnswer { answer, scale })
    }

    /// Stores answers taken from an earlier report as the organisation's submitted response, in
    /// one transaction. Unlike a respondent's save it needs no open round and no version: the
    /// report is the record. Answers equal to what is stored are left alone, so importing the same
    /// report twice changes nothing. `asked` is every question the report held, in its order: a
    /// round that has opened remembers them as asked. Returns how many answers changed.
    pub async fn import_answers(
        &self,
        round: &Key,
        organisation: &Key,
        answers: &[(QuestionRef, AnswerInput)],
        asked: &[QuestionRef],
        by: &str,
    ) -> Result<usize, (usize, SaveError)> {
        let at = now();
        let fail = |i: usize| move |e: sqlx::Error| (i, SaveError::Store(e.into()));
        let mut tx = self.write_transaction().await.map_err(|e| (0, e.into()))?;
        let ids: Option<(i64, i64, String)> = sqlx::query_as(
            "SELECT r.id, o.id, r.state FROM rounds r, organisations o WHERE r.key = $1 AND o.key = $2",
        )
        .bind(round.as_str())
        .bind(organisation.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(fail(0))?;
        let (round_id, organisation_id, round_state) = ids.ok_or_else(|| {
            (
                0,
                StoreError::NotFound(format!(
                    "omgången «{round}» eller organisationen «{organisation}»"
                ))
                .into(),
            )
        })?;
        let (response_id, state): (i64, String) = sqlx::query_as(
            "INSERT INTO responses (round_id, organisation_id, state, updated_at) VALUES ($1, $2, 'not_started', $3) \
             ON CONFLICT (round_id, organisation_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING id, state",
        )
        .bind(round_id)
        .bind(organisation_id)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await
        .map_err(fail(0))?;
        if round_state != RoundState::Draft.as_str() {
            for question in asked {
                let id: Option<i64> = sqlx::query_scalar(
                    "SELECT q.id FROM questions q JOIN documents d ON d.id = q.document_id \
                     WHERE d.key = $1 AND q.key = $2",
                )
                .bind(question.document.as_str())
                .bind(question.question.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(fail(0))?;
                let id = id.ok_or_else(|| {
                    (
                        0,
                        StoreError::NotFound(format!("frågan «{question}»")).into(),
                    )
                })?;
                remember_question(&mut tx, round_id, id)
                    .await
                    .map_err(|e| (0, e.into()))?;
            }
        }
        let mut changed = 0;
        for (i, (question, input)) in answers.iter().enumerate() {
            let found: Option<(i64, String, String, String)> = sqlx::query_as(
                "SELECT q.id, s.key, s.name, s.definition FROM questions q JOIN documents d ON d.id = q.document_id \
                 JOIN scales s ON s.id = q.scale_id WHERE d.key = $1 AND q.key = $2",
            )
            .bind(question.document.as_str())
            .bind(question.question.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(fail(i))?;
            let (question_id, scale_key, scale_name, definition) = found.ok_or_else(|| {
                (
                    i,
                    StoreError::NotFound(format!("frågan «{question}»")).into(),
                )
            })?;
            let scale =
                stored_scale(&scale_key, scale_name, &definition).map_err(|e| (i, e.into()))?;
            let value = input
                .check(&scale)
                .map_err(|e| (i, SaveError::Invalid(e)))?;
            let stored = value.as_ref().map(AnswerValue::to_stored);
            let previous = stored_answer(&mut tx, response_id, question_id)
                .await
                .map_err(fail(i))?;
            if previous.as_ref().is_some_and(|p| {
                p.value == stored
                    && p.comment == input.comment
                    && (p.withheld != 0) == input.withheld
            }) {
                continue;
            }
            let written = write_answer(
                &mut tx,
                (response_id, question_id),
                previous,
                stored.as_deref(),
                input,
                (by, &at),
            )
            .await
            .map_err(fail(i))?;
            if written.is_none() {
                return Err((i, SaveError::Conflict { current: None }));
            }
            changed += 1;
        }
        let state = response_state(&state).map_err(|e| (0, e.into()))?;
        if !matches!(state, ResponseState::Submitted | ResponseState::Accepted) {
            sqlx::query("UPDATE responses SET state = 'submitted' WHERE id = $1")
                .bind(response_id)
                .execute(&mut *tx)
                .await
                .map_err(fail(0))?;
            sqlx::query(
                "INSERT INTO response_events (response_id, state, message, changed_by, changed_at) VALUES ($1, 'submitted', $2, $3, $4)",
            )
            .bind(response_id)
            .bind("inläst ur en tidigare rapport")
            .bind(by)
            .bind(&at)
            .execute(&mut *tx)
            .await
            .map_err(fail(0))?;
        }
        tx.commit().await.map_err(fail(0))?;
        Ok(changed)
    }
}
