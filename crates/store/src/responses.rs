//! Responses and answers: saving with version checks, and the history of every change.

use std::collections::HashMap;

use uppfolj_model::{
    Answer, AnswerChange, AnswerInput, AnswerScale, AnswerValue, AnswersByQuestion, Given, Key,
    QuestionRef, ResponseData, ResponseState, RoundState,
};

use sqlx::AnyConnection;

use crate::definitions::{stored_key, stored_scale};
use crate::writer::SaveJob;
use crate::{Backend, SaveError, Store, StoreError, now, parse_time};

/// One organisation's response in a round, as far as progress is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseSummary {
    pub organisation: Key,
    pub state: ResponseState,
    pub answered: usize,
    /// The last save or state change, RFC 3339.
    pub updated_at: String,
}

/// A saved answer with the scale it was read by, so that callers can show its label.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedAnswer {
    pub answer: Answer,
    pub scale: AnswerScale,
}

impl Store {
    /// Saves one answer. The save is refused as a conflict when `input.version` is not the
    /// answer's current version (someone saved in between), and the previous value goes into the
    /// history. Durable when this returns: the transaction has committed.
    pub async fn save_answer(
        &self,
        round: &Key,
        organisation: &Key,
        question: &QuestionRef,
        input: &AnswerInput,
        by: &str,
    ) -> Result<SavedAnswer, SaveError> {
        let inputs = [(question.clone(), input.clone())];
        let mut saved = self
            .save_answers(round, organisation, &inputs, by)
            .await
            .map_err(|(_, e)| e)?;
        Ok(saved.remove(0))
    }

    /// Saves several answers of one response all or nothing: if any is refused, none is stored.
    /// Returns the saved answers, or the position of the refused one and why.
    ///
    /// On SQLite the saves of concurrent requests are queued to one writer that commits them
    /// together (group commit), so that many saves share one fsync; each request's saves still
    /// stand or fall together. On PostgreSQL each request commits on its own connection.
    pub async fn save_answers(
        &self,
        round: &Key,
        organisation: &Key,
        inputs: &[(QuestionRef, AnswerInput)],
        by: &str,
    ) -> Result<Vec<SavedAnswer>, (usize, SaveError)> {
        let job = SaveJob {
            round: round.clone(),
            organisation: organisation.clone(),
            inputs: inputs.to_vec(),
            by: by.to_owned(),
        };
        match &self.writer {
            Some(writer) => writer.submit(job).await,
            None => {
                let mut tx = self.write_transaction().await.map_err(|e| (0, e.into()))?;
                let saved = job.run(&mut tx).await?;
                tx.commit()
                    .await
                    .map_err(|e| (0, StoreError::from(e).into()))?;
                Ok(saved)
            }
        }
    }

    /// The answers an organisation has given in a round, by question.
    pub async fn answers(
        &self,
        round: &Key,
        organisation: &Key,
    ) -> Result<HashMap<QuestionRef, Answer>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        load_answers(&mut conn, round, organisation).await
    }

    /// Every saved change of an organisation's answers in a round, oldest first.
    pub async fn answer_history(
        &self,
        round: &Key,
        organisation: &Key,
    ) -> Result<Vec<AnswerChange>, StoreError> {
        let rows = sqlx::query_as::<_, (String, String, i64, Option<String>, String, Option<String>, String, i64, String, String)>(
            "SELECT d.key, q.key, h.version, h.old_value, h.old_comment, h.new_value, h.new_comment, h.withheld, h.changed_by, h.changed_at \
             FROM answer_history h JOIN responses p ON p.id = h.response_id \
             JOIN rounds r ON r.id = p.round_id JOIN organisations o ON o.id = p.organisation_id \
             JOIN questions q ON q.id = h.question_id JOIN documents d ON d.id = q.document_id \
             WHERE r.key = $1 AND o.key = $2 ORDER BY h.id",
        )
        .bind(round.as_str())
        .bind(organisation.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(
                    document,
                    question,
                    version,
                    old_value,
                    old_comment,
                    new_value,
                    new_comment,
                    withheld,
                    by,
                    at,
                )| {
                    Ok(AnswerChange {
                        question: QuestionRef {
                            document: stored_key(&document)?,
                            question: stored_key(&question)?,
                        },
                        version,
                        old_value,
                        old_comment,
                        new_value,
                        new_comment,
                        withheld: withheld != 0,
                        changed_by: by,
                        changed_at: parse_time(&at)?,
                    })
                },
            )
            .collect()
    }

    /// Each organisation's response state and number of answered questions in a round.
    /// Organisations that have not started have no entry.
    pub async fn responses(&self, round: &Key) -> Result<Vec<ResponseSummary>, StoreError> {
        let rows = sqlx::query_as::<_, (String, String, i64, String)>(
            "SELECT o.key, p.state, (SELECT COUNT(*) FROM answers a WHERE a.response_id = p.id AND a.value IS NOT NULL), p.updated_at \
             FROM responses p JOIN rounds r ON r.id = p.round_id JOIN organisations o ON o.id = p.organisation_id \
             WHERE r.key = $1 ORDER BY o.position",
        )
        .bind(round.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(organisation, state, answered, updated_at)| {
                Ok(ResponseSummary {
                    organisation: stored_key(&organisation)?,
                    state: ResponseState::parse(&state)
                        .ok_or_else(|| StoreError::Corrupt(format!("svarets status {state}")))?,
                    answered: answered as usize,
                    updated_at,
                })
            })
            .collect()
    }
}

/// An answer as stored in one row of `answers`.
#[derive(sqlx::FromRow)]
pub(crate) struct AnswerRow {
    pub(crate) value: Option<String>,
    pub(crate) comment: String,
    pub(crate) version: i64,
    pub(crate) withheld: i64,
    pub(crate) changed_by: String,
    pub(crate) changed_at: String,
}

/// A stored answer with its question and scale.
#[derive(sqlx::FromRow)]
struct LoadedAnswer {
    document: String,
    question: String,
    scale_key: String,
    scale_name: String,
    scale_definition: String,
    #[sqlx(flatten)]
    answer: AnswerRow,
}

impl AnswerRow {
    pub(crate) fn answer(
        self,
        question: QuestionRef,
        scale: &AnswerScale,
    ) -> Result<Answer, StoreError> {
        Ok(Answer {
            question,
            value: self.value.and_then(|v| AnswerValue::from_stored(scale, &v)),
            comment: self.comment,
            version: self.version,
            withheld: self.withheld != 0,
            changed_by: self.changed_by,
            changed_at: parse_time(&self.changed_at)?,
        })
    }
}

impl Store {
    /// Every response of a round with what it answered, in one query whatever the number of
    /// organisations: what a compilation reads. Each response's answers come packed as one JSON
    /// array, because SQLite's driver hands rows over from its worker thread one at a time,
    /// which costs more than the rest of a compilation. Answers are read by the scales given
    /// (the definitions' own).
    pub async fn round_responses(
        &self,
        round: &Key,
        scales: &[AnswerScale],
    ) -> Result<Vec<ResponseData>, StoreError> {
        let answers = packed_answers(
            self.backend,
            "d.key, q.key, s.key, a.value, a.comment, a.withheld",
        );
        let rows = sqlx::query_as::<_, (String, String, String)>(&format!(
            "SELECT o.key, p.state, {answers} FROM responses p JOIN rounds r ON r.id = p.round_id \
             JOIN organisations o ON o.id = p.organisation_id WHERE r.key = $1 ORDER BY o.position"
        ))
        .bind(round.as_str())
        .fetch_all(&self.pool)
        .await?;
        let scales: HashMap<&str, &AnswerScale> =
            scales.iter().map(|s| (s.key.as_str(), s)).collect();
        type Packed = (String, String, String, Option<String>, String, i64);
        let mut responses = Vec::with_capacity(rows.len());
        for (organisation, state, packed) in rows {
            let packed: Vec<Packed> = serde_json::from_str(&packed)
                .map_err(|e| StoreError::Corrupt(format!("svaren för {organisation}: {e}")))?;
            let mut answers = AnswersByQuestion::default();
            answers.reserve(packed.len());
            for (document, question, scale, value, comment, withheld) in packed {
                let scale = scales
                    .get(scale.as_str())
                    .ok_or_else(|| StoreError::Corrupt(format!("svarsskalan {scale}")))?;
                let reference = QuestionRef {
                    document: stored_key(&document)?,
                    question: stored_key(&question)?,
                };
                let value = value.and_then(|v| AnswerValue::from_stored(scale, &v));
                let withheld = withheld != 0;
                answers.insert(
                    reference,
                    Given {
                        value,
                        comment,
                        withheld,
                    },
                );
            }
            responses.push(ResponseData {
                organisation: stored_key(&organisation)?,
                state: ResponseState::parse(&state)
                    .ok_or_else(|| StoreError::Corrupt(format!("svarets status {state}")))?,
                answers,
            });
        }
        Ok(responses)
    }
}

/// A subquery giving the answers of response `p` as one JSON array of arrays of `columns` (over
/// `answers a`, `questions q`, `documents d` and `scales s`); `[]` when there are none.
pub(crate) fn packed_answers(backend: Backend, columns: &str) -> String {
    let from = "FROM answers a JOIN questions q ON q.id = a.question_id \
                JOIN documents d ON d.id = q.document_id JOIN scales s ON s.id = q.scale_id \
                WHERE a.response_id = p.id";
    match backend {
        Backend::Sqlite => format!("(SELECT json_group_array(json_array({columns})) {from})"),
        Backend::Postgres => {
            format!("(SELECT COALESCE(json_agg(json_build_array({columns}))::text, '[]') {from})")
        }
    }
}

/// The answers of one response, read on the caller's connection (inside its transaction, if any).
pub(crate) async fn load_answers(
    conn: &mut sqlx::AnyConnection,
    round: &Key,
    organisation: &Key,
) -> Result<HashMap<QuestionRef, Answer>, StoreError> {
    let rows = sqlx::query_as::<_, LoadedAnswer>(
        "SELECT d.key AS document, q.key AS question, s.key AS scale_key, s.name AS scale_name, \
         s.definition AS scale_definition, a.value, a.comment, a.version, a.withheld, a.changed_by, a.changed_at \
         FROM answers a JOIN responses p ON p.id = a.response_id \
         JOIN rounds r ON r.id = p.round_id JOIN organisations o ON o.id = p.organisation_id \
         JOIN questions q ON q.id = a.question_id JOIN documents d ON d.id = q.document_id \
         JOIN scales s ON s.id = q.scale_id WHERE r.key = $1 AND o.key = $2",
    )
    .bind(round.as_str())
    .bind(organisation.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let mut answers = HashMap::new();
    for row in rows {
        let reference = QuestionRef {
            document: stored_key(&row.document)?,
            question: stored_key(&row.question)?,
        };
        let scale = stored_scale(&row.scale_key, row.scale_name, &row.scale_definition)?;
        answers.insert(reference.clone(), row.answer.answer(reference, &scale)?);
    }
    Ok(answers)
}

/// One save inside the caller's transaction; see [`Store::save_answer`].
pub(crate) async fn save_one(
    conn: &mut AnyConnection,
    round: &Key,
    organisation: &Key,
    question: &QuestionRef,
    input: &AnswerInput,
    by: &str,
) -> Result<SavedAnswer, SaveError> {
    // One query finds the round, organisation, question, scale and targeting; the reasons for a
    // miss are looked up only on that (rare) path.
    let found = sqlx::query_as::<_, SaveContext>(
        "SELECT r.id AS round_id, r.state AS round_state, o.id AS organisation_id, o.kind AS organisation_kind, \
         o.active AS active, q.id AS question_id, s.key AS scale_key, s.name AS scale_name, \
         s.definition AS scale_definition, t.kinds AS target_kinds, \
         CASE WHEN EXISTS (SELECT 1 FROM round_target_organisations m WHERE m.round_id = r.id \
           AND m.question_id = q.id AND m.organisation_id = o.id) THEN 1 ELSE 0 END AS listed \
         FROM rounds r \
         JOIN organisations o ON o.key = $2 \
         JOIN documents d ON d.key = $3 \
         JOIN round_documents rd ON rd.round_id = r.id AND rd.document_id = d.id \
         JOIN questions q ON q.document_id = d.id AND q.key = $4 \
         JOIN scales s ON s.id = q.scale_id \
         LEFT JOIN round_targets t ON t.round_id = r.id AND t.question_id = q.id \
         LEFT JOIN round_questions rq ON rq.round_id = r.id AND rq.question_id = q.id \
         WHERE r.key = $1 AND (rq.question_id IS NOT NULL OR (r.state = 'draft' AND q.retired = 0))",
    )
    .bind(round.as_str())
    .bind(organisation.as_str())
    .bind(question.document.as_str())
    .bind(question.question.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(StoreError::from)?;
    let Some(found) = found else {
        return Err(missing(conn, round, organisation, question).await);
    };
    let round_state = RoundState::parse(&found.round_state).unwrap_or(RoundState::Draft);
    let (round_id, organisation_id, question_id) =
        (found.round_id, found.organisation_id, found.question_id);
    let assigned = found.active != 0
        && match &found.target_kinds {
            None => true,
            Some(kinds) => {
                let kinds: Vec<String> = serde_json::from_str(kinds).unwrap_or_default();
                found.listed != 0 || kinds.contains(&found.organisation_kind)
            }
        };
    if !assigned {
        return Err(SaveError::NotAssigned);
    }
    let scale = stored_scale(&found.scale_key, found.scale_name, &found.scale_definition)?;
    let value = input.check(&scale).map_err(SaveError::Invalid)?;

    let changed_at = now();
    // Writing the row takes its lock (PostgreSQL) before the state is read, so a save and a
    // submit of the same response cannot interleave.
    let (response_id, state, reopened) = sqlx::query_as::<_, (i64, String, i64)>(
        "INSERT INTO responses (round_id, organisation_id, state, updated_at) VALUES ($1, $2, 'not_started', $3) \
         ON CONFLICT (round_id, organisation_id) DO UPDATE SET updated_at = excluded.updated_at \
         RETURNING id, state, reopened",
    )
    .bind(round_id)
    .bind(organisation_id)
    .bind(&changed_at)
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::from)?;
    let open =
        round_state == RoundState::Open || (round_state == RoundState::Closed && reopened != 0);
    if !open {
        return Err(SaveError::RoundNotOpen(round_state));
    }
    let state = ResponseState::parse(&state)
        .ok_or_else(|| StoreError::Corrupt(format!("svarets status {state}")))?;
    let next_state = state.after_save()?;

    let previous = stored_answer(conn, response_id, question_id)
        .await
        .map_err(StoreError::from)?;
    let current_version = previous.as_ref().map_or(0, |p| p.version);
    if current_version != input.version {
        let current = previous
            .map(|p| p.answer(question.clone(), &scale).map(Box::new))
            .transpose()?;
        return Err(SaveError::Conflict { current });
    }
    let stored = value.as_ref().map(AnswerValue::to_stored);
    let Some(version) = write_answer(
        conn,
        (response_id, question_id),
        previous,
        stored.as_deref(),
        input,
        (by, &changed_at),
    )
    .await
    .map_err(StoreError::from)?
    else {
        // Another instance saved between our read and our write (PostgreSQL, READ COMMITTED).
        return Err(SaveError::Conflict { current: None });
    };
    if next_state != state {
        sqlx::query("UPDATE responses SET state = $1 WHERE id = $2")
            .bind(next_state.as_str())
            .bind(response_id)
            .execute(&mut *conn)
            .await
            .map_err(StoreError::from)?;
    }
    let answer = Answer {
        question: question.clone(),
        value,
        comment: input.comment.clone(),
        version,
        withheld: input.withheld,
        changed_by: by.to_owned(),
        changed_at: parse_time(&changed_at)?,
    };
    Ok(SavedAnswer { answer, scale })
}

/// The answer stored for a question of a response, if any.
pub(crate) async fn stored_answer(
    conn: &mut AnyConnection,
    response_id: i64,
    question_id: i64,
) -> Result<Option<AnswerRow>, sqlx::Error> {
    sqlx::query_as::<_, AnswerRow>(
        "SELECT value, comment, version, withheld, changed_by, changed_at FROM answers \
         WHERE response_id = $1 AND question_id = $2",
    )
    .bind(response_id)
    .bind(question_id)
    .fetch_optional(&mut *conn)
    .await
}

/// Writes the next version of an answer (`previous`'s plus one) and its history entry, if the
/// stored version is still `previous`'s; returns the new version, or `None` when someone wrote in
/// between. `stored` is the value as stored, `(by, at)` who writes and when.
pub(crate) async fn write_answer(
    conn: &mut AnyConnection,
    (response_id, question_id): (i64, i64),
    previous: Option<AnswerRow>,
    stored: Option<&str>,
    input: &AnswerInput,
    (by, at): (&str, &str),
) -> Result<Option<i64>, sqlx::Error> {
    let current_version = previous.as_ref().map_or(0, |p| p.version);
    let version = current_version + 1;
    let written = sqlx::query(
        "INSERT INTO answers (response_id, question_id, value, comment, version, changed_by, changed_at, withheld) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $9) \
         ON CONFLICT (response_id, question_id) DO UPDATE SET value = excluded.value, comment = excluded.comment, \
         version = excluded.version, changed_by = excluded.changed_by, changed_at = excluded.changed_at, \
         withheld = excluded.withheld \
         WHERE answers.version = $8",
    )
    .bind(response_id)
    .bind(question_id)
    .bind(stored)
    .bind(&input.comment)
    .bind(version)
    .bind(by)
    .bind(at)
    .bind(current_version)
    .bind(i64::from(input.withheld))
    .execute(&mut *conn)
    .await?;
    if written.rows_affected() != 1 {
        return Ok(None);
    }
    let (old_value, old_comment) = previous.map_or((None, String::new()), |p| (p.value, p.comment));
    sqlx::query(
        "INSERT INTO answer_history (response_id, question_id, version, old_value, old_comment, new_value, \
         new_comment, changed_by, changed_at, withheld) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(response_id)
    .bind(question_id)
    .bind(version)
    .bind(old_value)
    .bind(old_comment)
    .bind(stored)
    .bind(&input.comment)
    .bind(by)
    .bind(at)
    .bind(i64::from(input.withheld))
    .execute(&mut *conn)
    .await?;
    Ok(Some(version))
}

/// What a save needs to know about its round, organisation and question, in one row.
#[derive(sqlx::FromRow)]
struct SaveContext {
    round_id: i64,
    round_state: String,
    organisation_id: i64,
    organisation_kind: String,
    active: i64,
    question_id: i64,
    scale_key: String,
    scale_name: String,
    scale_definition: String,
    target_kinds: Option<String>,
    listed: i64,
}

/// Why a save found nothing: which of round, organisation and question is missing.
async fn missing(
    conn: &mut AnyConnection,
    round: &Key,
    organisation: &Key,
    question: &QuestionRef,
) -> SaveError {
    let lookup = async {
        let round_found: Option<i64> = sqlx::query_scalar("SELECT id FROM rounds WHERE key = $1")
            .bind(round.as_str())
            .fetch_optional(&mut *conn)
            .await?;
        let organisation_found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM organisations WHERE key = $1")
                .bind(organisation.as_str())
                .fetch_optional(&mut *conn)
                .await?;
        Ok::<_, sqlx::Error>(match (round_found, organisation_found) {
            (None, _) => format!("omgången «{round}»"),
            (_, None) => format!("organisationen «{organisation}»"),
            _ => format!("frågan «{question}» i omgången «{round}»"),
        })
    };
    match lookup.await {
        Ok(what) => StoreError::NotFound(what).into(),
        Err(e) => StoreError::from(e).into(),
    }
}
