//! Responses and answers: saving with version checks, and the history of every change.

use std::collections::HashMap;

use sqlx::AnyConnection;
use uppfolj_model::{
    Answer, AnswerChange, AnswerInput, AnswerScale, AnswerValue, AnswersByQuestion, Given, Key,
    QuestionRef, ResponseData, ResponseState,
};

use crate::backend::{Backend, packed};
use crate::error::{SaveError, StoreError};
use crate::rows::{
    AnswerRow, STORED_ANSWER, parse_time, response_state, shared_rows, stored_key, stored_scale,
    unpack,
};
use crate::saving::{Refusal, SaveJob, SavedAnswer, answer_upsert, history_insert};
use crate::store::Store;

/// One organisation's response in a round, as far as progress is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseSummary {
    pub organisation: Key,
    pub state: ResponseState,
    pub answered: usize,
    /// The last save or state change, RFC 3339.
    pub updated_at: String,
}

/// Which of a response's answer changes to read: one answer's or every answer's, and a page of
/// them (`offset` changes in, at most `limit`), so that a long history is read a page at a time.
#[derive(Clone, Debug)]
pub struct HistoryWindow {
    pub question: Option<QuestionRef>,
    pub offset: i64,
    pub limit: i64,
}

impl HistoryWindow {
    /// Every change of every answer.
    pub fn all() -> HistoryWindow {
        HistoryWindow {
            question: None,
            offset: 0,
            limit: i64::MAX,
        }
    }
}

/// A page of answer changes, oldest first, and how many changes the window holds in all.
#[derive(Clone, Debug)]
pub struct HistoryPage {
    pub changes: Vec<AnswerChange>,
    pub total: i64,
}

/// How often a save on PostgreSQL is run again after losing a race to a concurrent change of the
/// same response, before it is answered as a conflict. Each lost race means that another request
/// committed, so more is seldom needed.
const RACES: usize = 5;

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
    /// stand or fall together. On PostgreSQL each request commits on its own connection, and is
    /// run again when a concurrent save or state change got in between its read and its write.
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
        if let Some(writer) = &self.writer {
            return writer.submit(job).await;
        }
        for _ in 0..RACES {
            let mut tx = self.write_transaction().await.map_err(|e| (0, e.into()))?;
            match job.run(&mut tx, self.backend).await {
                Ok(saved) => {
                    tx.commit()
                        .await
                        .map_err(|e| (0, StoreError::from(e).into()))?;
                    self.commits.committed(1);
                    return Ok(saved);
                }
                Err(Refusal::Refused(i, error)) => return Err((i, error)),
                Err(Refusal::Failed(error)) => return Err((0, error)),
                // Dropping the transaction rolls it back; the next run reads what won.
                Err(Refusal::Raced) => {}
            }
        }
        Err((0, SaveError::Conflict { current: None }))
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

    /// The saved changes of an organisation's answers in a round that `window` picks, oldest
    /// first, and how many it picks in all.
    pub async fn answer_history(
        &self,
        round: &Key,
        organisation: &Key,
        window: &HistoryWindow,
    ) -> Result<HistoryPage, StoreError> {
        const FROM: &str = "FROM answer_history h JOIN responses p ON p.id = h.response_id \
             JOIN rounds r ON r.id = p.round_id JOIN organisations o ON o.id = p.organisation_id \
             JOIN questions q ON q.id = h.question_id JOIN documents d ON d.id = q.document_id \
             WHERE r.key = $1 AND o.key = $2";
        let only = if window.question.is_some() {
            " AND d.key = $3 AND q.key = $4"
        } else {
            ""
        };
        let (document, question) = window
            .question
            .as_ref()
            .map(|q| (q.document.as_str(), q.question.as_str()))
            .unwrap_or_default();
        let count = format!("SELECT COUNT(*) {FROM}{only}");
        let mut counted = sqlx::query_scalar::<_, i64>(&count)
            .bind(round.as_str())
            .bind(organisation.as_str());
        if window.question.is_some() {
            counted = counted.bind(document).bind(question);
        }
        let total = counted.fetch_one(&self.pool).await?;
        let (limit, offset) = if window.question.is_some() {
            ("$5", "$6")
        } else {
            ("$3", "$4")
        };
        let select = format!(
            "SELECT d.key, q.key, h.version, h.old_value, h.old_comment, h.new_value, h.new_comment, \
             h.withheld, h.changed_by, h.changed_at {FROM}{only} ORDER BY h.id LIMIT {limit} OFFSET {offset}"
        );
        let mut query = sqlx::query_as::<
            _,
            (
                String,
                String,
                i64,
                Option<String>,
                String,
                Option<String>,
                String,
                i64,
                String,
                String,
            ),
        >(&select)
        .bind(round.as_str())
        .bind(organisation.as_str());
        if window.question.is_some() {
            query = query.bind(document).bind(question);
        }
        let rows = query
            .bind(window.limit)
            .bind(window.offset)
            .fetch_all(&self.pool)
            .await?;
        let changes = rows
            .into_iter()
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
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(HistoryPage { changes, total })
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
                    state: response_state(&state)?,
                    answered: answered as usize,
                    updated_at,
                })
            })
            .collect()
    }
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
            let packed: Vec<Packed> = unpack(&packed, &format!("svaren för {organisation}"))?;
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
                state: response_state(&state)?,
                answers,
            });
        }
        Ok(responses)
    }
}

/// A subquery giving the answers of response `p` as one JSON array of arrays of `columns` (over
/// `answers a`, `questions q`, `documents d` and `scales s`); `[]` when there are none.
pub(crate) fn packed_answers(backend: Backend, columns: &str) -> String {
    packed(
        backend,
        columns,
        "FROM answers a JOIN questions q ON q.id = a.question_id \
         JOIN documents d ON d.id = q.document_id JOIN scales s ON s.id = q.scale_id \
         WHERE a.response_id = p.id",
    )
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

/// The answer stored for a question of a response, if any.
pub(crate) async fn stored_answer(
    conn: &mut AnyConnection,
    response_id: i64,
    question_id: i64,
) -> Result<Option<AnswerRow>, sqlx::Error> {
    sqlx::query_as::<_, AnswerRow>(STORED_ANSWER)
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
    let written = sqlx::query(&answer_upsert(&shared_rows(1, 5)))
        .bind(response_id)
        .bind(by)
        .bind(at)
        .bind(question_id)
        .bind(stored)
        .bind(&input.comment)
        .bind(version)
        .bind(i64::from(input.withheld))
        .execute(&mut *conn)
        .await?;
    if written.rows_affected() != 1 {
        return Ok(None);
    }
    let (old_value, old_comment) = previous.map_or((None, String::new()), |p| (p.value, p.comment));
    sqlx::query(&history_insert(&shared_rows(1, 7)))
        .bind(response_id)
        .bind(by)
        .bind(at)
        .bind(question_id)
        .bind(version)
        .bind(old_value)
        .bind(old_comment)
        .bind(stored)
        .bind(&input.comment)
        .bind(i64::from(input.withheld))
        .execute(&mut *conn)
        .await?;
    Ok(Some(version))
}
