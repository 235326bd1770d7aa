//! One request's answer saves as a set: a fixed number of queries whatever the number of answers.
//! One query reads everything the checks need (round, organisation, response, and per question
//! its scale, targeting and stored answer); every check is made in Rust before anything is
//! written; then one statement writes the response, one the answers and one their history. A
//! refused request has written nothing, so the group-commit writer needs no savepoint per request.
//!
//! The group-commit writer (SQLite) goes one step further with `run_together`: the jobs of a
//! whole commit are read with one statement and written with three, their data passed as one
//! JSON parameter each, because every statement is a hand-over to the driver's worker thread and
//! those hand-overs, not SQLite, were most of a commit's time.

use std::collections::HashMap;

use serde::Deserialize;
use sqlx::AnyConnection;
use uppfolj_model::{
    AnswerInput, AnswerScale, AnswerValue, Key, QuestionRef, ResponseState, RoundState,
};

use crate::definitions::{stored_key, stored_scale};
use crate::responses::{AnswerRow, SavedAnswer, packed};
use crate::{Backend, SaveError, StoreError, now, parse_time};

/// Rows per multi-row statement: at most 8 parameters a row, far below SQLite's limit of 32 766
/// parameters a statement (PostgreSQL's is 65 535), however many answers one request carries.
const ROWS_PER_STATEMENT: usize = 1000;

/// One request's saves: all of one response, stored together or not at all.
#[derive(Clone, Debug)]
pub(crate) struct SaveJob {
    pub round: Key,
    pub organisation: Key,
    pub inputs: Vec<(QuestionRef, AnswerInput)>,
    pub by: String,
}

/// Why a job stored nothing.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// A check refused the save at this position before anything was written: the transaction
    /// is as it was before the job.
    Refused(usize, SaveError),
    /// A conditional write found that someone changed the response or an answer after the job
    /// read it (PostgreSQL, READ COMMITTED). Writes may have been made: roll back, then run the
    /// job again, when it reads what the other one wrote.
    Raced,
    /// A write failed. Writes may have been made: roll back.
    Failed(SaveError),
}

/// What became of one job of a commit: its saved answers, or the position of the refused input
/// and why.
pub(crate) type JobOutcome = Result<Vec<SavedAnswer>, (usize, SaveError)>;

impl SaveJob {
    /// Checks and stores the job's saves on `conn`, inside the caller's transaction: the path of
    /// a request that commits on its own (PostgreSQL); SQLite's writer uses `run_together`.
    pub async fn run(
        &self,
        conn: &mut AnyConnection,
        backend: Backend,
    ) -> Result<Vec<SavedAnswer>, Refusal> {
        let Some((first, _)) = self.inputs.first() else {
            return Ok(Vec::new());
        };
        let Some(found) = read(conn, backend, self)
            .await
            .map_err(|e| Refusal::Refused(0, e.into()))?
        else {
            return Err(Refusal::Refused(
                0,
                missing(conn, &self.round, &self.organisation, first).await,
            ));
        };
        let at = now();
        let plan = self
            .check(&found, &at)
            .map_err(|(i, e)| Refusal::Refused(i, e))?;
        plan.write(conn, &found, &self.by, &at).await?;
        Ok(plan.saved)
    }

    /// Checks and stores the saves of many jobs, of distinct responses, with a fixed number of
    /// statements: one read, then one write each for responses, answers and history. SQLite
    /// only, inside the group-commit writer's `BEGIN IMMEDIATE` transaction: the write lock is
    /// held from the read on, so nothing can change between a job's checks and its writes, and
    /// the writes need no conditions beyond the answers' versions. Each job gets its outcome; a
    /// refused job has written nothing. `Err` when a write failed: the transaction may hold part
    /// of the jobs, so it must be rolled back.
    pub async fn run_together(
        conn: &mut AnyConnection,
        jobs: &[&SaveJob],
    ) -> Result<Vec<JobOutcome>, SaveError> {
        let mut found = read_together(conn, jobs).await?;
        let at = now();
        let mut outcomes: Vec<JobOutcome> = Vec::with_capacity(jobs.len());
        let mut checked: Vec<(usize, Found, Plan)> = Vec::with_capacity(jobs.len());
        for (index, job) in jobs.iter().enumerate() {
            let Some((first, _)) = job.inputs.first() else {
                outcomes.push(Ok(Vec::new()));
                continue;
            };
            let Some(context) = found.remove(&index) else {
                let why = missing(conn, &job.round, &job.organisation, first).await;
                outcomes.push(Err((0, why)));
                continue;
            };
            match job.check(&context, &at) {
                Ok(plan) => {
                    checked.push((index, context, plan));
                    outcomes.push(Ok(Vec::new()));
                }
                Err(refused) => outcomes.push(Err(refused)),
            }
        }
        write_together(conn, jobs, &checked, &at).await?;
        for (index, _, plan) in checked {
            outcomes[index] = Ok(plan.saved);
        }
        Ok(outcomes)
    }

    /// Every check of every save, in the order of the inputs and, per input, in the order of a
    /// single save: the question, its targeting, the input, the round, the response's state,
    /// the version. Saves of the same question later in the job see the earlier ones.
    fn check(&self, found: &Found, at: &str) -> Result<Plan, (usize, SaveError)> {
        let changed_at = parse_time(at).map_err(|e| (0, e.into()))?;
        let open = found.round_state == RoundState::Open
            || (found.round_state == RoundState::Closed && found.reopened);
        let mut state = found.state;
        let mut scales: HashMap<&str, AnswerScale> = HashMap::new();
        let mut stored: HashMap<i64, AnswerRow> = HashMap::new();
        let mut plan = Plan {
            state: ResponseState::NotStarted,
            writes: Vec::with_capacity(self.inputs.len()),
            saved: Vec::with_capacity(self.inputs.len()),
        };
        for (i, (question, input)) in self.inputs.iter().enumerate() {
            let refuse = |e: SaveError| (i, e);
            let asked = found.questions.get(question).ok_or_else(|| {
                refuse(
                    StoreError::NotFound(format!(
                        "frågan «{question}» i omgången «{}»",
                        self.round
                    ))
                    .into(),
                )
            })?;
            if !found.assigned(asked) {
                return Err(refuse(SaveError::NotAssigned));
            }
            let scale = match scales.get(asked.scale_key.as_str()) {
                Some(scale) => scale.clone(),
                None => {
                    let scale = stored_scale(
                        &asked.scale_key,
                        asked.scale_name.clone(),
                        &asked.scale_definition,
                    )
                    .map_err(|e| refuse(e.into()))?;
                    scales.insert(&asked.scale_key, scale.clone());
                    scale
                }
            };
            let value = input
                .check(&scale)
                .map_err(|e| refuse(SaveError::Invalid(e)))?;
            if !open {
                return Err(refuse(SaveError::RoundNotOpen(found.round_state)));
            }
            let now_state = state.ok_or_else(|| {
                refuse(StoreError::Corrupt(format!("svarets status {}", found.stored_state)).into())
            })?;
            let next_state = now_state.after_save().map_err(|e| refuse(e.into()))?;
            state = Some(next_state);
            plan.state = next_state;

            let previous = match stored.remove(&asked.question_id) {
                Some(row) => Some(row),
                None => asked.stored.clone(),
            };
            let current_version = previous.as_ref().map_or(0, |p| p.version);
            if current_version != input.version {
                let current = previous
                    .map(|p| p.answer(question.clone(), &scale).map(Box::new))
                    .transpose()
                    .map_err(|e| refuse(e.into()))?;
                return Err(refuse(SaveError::Conflict { current }));
            }
            let version = current_version + 1;
            let stored_value = value.as_ref().map(AnswerValue::to_stored);
            let (old_value, old_comment) =
                previous.map_or((None, String::new()), |p| (p.value, p.comment));
            stored.insert(
                asked.question_id,
                AnswerRow {
                    value: stored_value.clone(),
                    comment: input.comment.clone(),
                    version,
                    withheld: i64::from(input.withheld),
                    changed_by: self.by.clone(),
                    changed_at: at.to_owned(),
                },
            );
            plan.writes.push(Write {
                question_id: asked.question_id,
                version,
                value: stored_value,
                comment: input.comment.clone(),
                withheld: input.withheld,
                old_value,
                old_comment,
            });
            plan.saved.push(SavedAnswer {
                answer: uppfolj_model::Answer {
                    question: question.clone(),
                    value,
                    comment: input.comment.clone(),
                    version,
                    withheld: input.withheld,
                    changed_by: self.by.clone(),
                    changed_at,
                },
                scale,
            });
        }
        Ok(plan)
    }
}

/// What one query read for a job: the round, the organisation, its response (if started) and
/// each asked question that exists in the round.
struct Found {
    round_id: i64,
    round_state: RoundState,
    organisation_id: i64,
    organisation_kind: String,
    active: bool,
    /// The response's state as stored (`not started` when there is none); `None` if unreadable.
    state: Option<ResponseState>,
    /// The state as stored, for the write's check that it has not changed since.
    stored_state: String,
    reopened: bool,
    questions: HashMap<QuestionRef, Asked>,
}

impl Found {
    /// The read's context for a response, before its questions are added.
    fn new(row: &ContextRow, questions: usize) -> Found {
        let stored_state = row
            .response_state
            .clone()
            .unwrap_or_else(|| ResponseState::NotStarted.as_str().to_owned());
        Found {
            round_id: row.round_id,
            round_state: RoundState::parse(&row.round_state).unwrap_or(RoundState::Draft),
            organisation_id: row.organisation_id,
            organisation_kind: row.organisation_kind.clone(),
            active: row.active != 0,
            state: ResponseState::parse(&stored_state),
            stored_state,
            reopened: row.reopened.unwrap_or(0) != 0,
            questions: HashMap::with_capacity(questions),
        }
    }

    /// Adds the asked questions packed in a read's JSON array.
    fn add_questions(&mut self, packed: &str) -> Result<(), StoreError> {
        let packed: Vec<PackedQuestion> = serde_json::from_str(packed)
            .map_err(|e| StoreError::Corrupt(format!("frågorna att spara: {e}")))?;
        for p in packed {
            let reference = QuestionRef {
                document: stored_key(&p.document)?,
                question: stored_key(&p.question)?,
            };
            let stored = p.version.map(|version| AnswerRow {
                value: p.value,
                comment: p.comment.unwrap_or_default(),
                version,
                withheld: p.withheld.unwrap_or(0),
                changed_by: p.changed_by.unwrap_or_default(),
                changed_at: p.changed_at.unwrap_or_default(),
            });
            self.questions.insert(
                reference,
                Asked {
                    question_id: p.question_id,
                    scale_key: p.scale_key,
                    scale_name: p.scale_name,
                    scale_definition: p.scale_definition,
                    target_kinds: p.target_kinds,
                    listed: p.listed != 0,
                    stored,
                },
            );
        }
        Ok(())
    }

    /// Whether the question goes to the organisation in this round: an active organisation, and
    /// a question either untargeted or targeted to the organisation or its kind.
    fn assigned(&self, asked: &Asked) -> bool {
        self.active
            && match &asked.target_kinds {
                None => true,
                Some(kinds) => {
                    let kinds: Vec<String> = serde_json::from_str(kinds).unwrap_or_default();
                    asked.listed || kinds.contains(&self.organisation_kind)
                }
            }
    }
}

/// One asked question of the round, with its stored answer.
struct Asked {
    question_id: i64,
    scale_key: String,
    scale_name: String,
    scale_definition: String,
    target_kinds: Option<String>,
    /// The organisation is named in the question's targeting.
    listed: bool,
    stored: Option<AnswerRow>,
}

/// An asked question as packed in the read's JSON array, column by column.
#[derive(Deserialize)]
struct PackedQuestion {
    document: String,
    question: String,
    question_id: i64,
    scale_key: String,
    scale_name: String,
    scale_definition: String,
    target_kinds: Option<String>,
    listed: i64,
    value: Option<String>,
    comment: Option<String>,
    version: Option<i64>,
    withheld: Option<i64>,
    changed_by: Option<String>,
    changed_at: Option<String>,
}

/// The read's row: round, organisation, response, and the asked questions packed as JSON (one
/// row whatever their number, since SQLite's driver hands rows over one at a time).
#[derive(sqlx::FromRow)]
struct ContextRow {
    round_id: i64,
    round_state: String,
    organisation_id: i64,
    organisation_kind: String,
    active: i64,
    response_state: Option<String>,
    reopened: Option<i64>,
    questions: String,
}

/// Reads what the job's checks need in one query (one per `ROWS_PER_STATEMENT` distinct
/// questions); `None` when the round or the organisation does not exist.
async fn read(
    conn: &mut AnyConnection,
    backend: Backend,
    job: &SaveJob,
) -> Result<Option<Found>, StoreError> {
    let mut distinct: Vec<&QuestionRef> = Vec::with_capacity(job.inputs.len());
    let mut seen = std::collections::HashSet::with_capacity(job.inputs.len());
    for (question, _) in &job.inputs {
        if seen.insert(question) {
            distinct.push(question);
        }
    }
    let mut found: Option<Found> = None;
    for chunk in distinct.chunks(ROWS_PER_STATEMENT) {
        let sql = read_sql(backend, chunk.len());
        let mut query = sqlx::query_as::<_, ContextRow>(&sql)
            .bind(job.round.as_str())
            .bind(job.organisation.as_str());
        for question in chunk {
            query = query
                .bind(question.document.as_str())
                .bind(question.question.as_str());
        }
        let Some(row) = query.fetch_optional(&mut *conn).await? else {
            return Ok(None);
        };
        found
            .get_or_insert_with(|| Found::new(&row, distinct.len()))
            .add_questions(&row.questions)?;
    }
    Ok(found)
}

/// The read for `count` questions, bound as `$3, $4` (document, question), `$5, $6`, …
fn read_sql(backend: Backend, count: usize) -> String {
    let wanted = placeholders(count, 2, 3);
    let questions = packed(
        backend,
        ASKED_COLUMNS,
        &asked_from("wanted w", "w.document", "w.question"),
    );
    format!(
        "WITH wanted (document, question) AS (VALUES {wanted}) \
         SELECT {CONTEXT_COLUMNS}, {questions} AS questions \
         FROM rounds r JOIN organisations o ON o.key = $2 \
         LEFT JOIN responses p ON p.round_id = r.id AND p.organisation_id = o.id \
         WHERE r.key = $1"
    )
}

/// The context a save's checks need: round, organisation and response (`r`, `o`, `p`).
const CONTEXT_COLUMNS: &str = "r.id AS round_id, r.state AS round_state, \
    o.id AS organisation_id, o.kind AS organisation_kind, o.active AS active, \
    p.state AS response_state, p.reopened AS reopened";

/// An asked question's columns, in the order of `PackedQuestion`.
const ASKED_COLUMNS: &str = "d.key, q.key, q.id, s.key, s.name, s.definition, t.kinds, \
    CASE WHEN EXISTS (SELECT 1 FROM round_target_organisations m WHERE m.round_id = r.id \
      AND m.question_id = q.id AND m.organisation_id = o.id) THEN 1 ELSE 0 END, \
    a.value, a.comment, a.version, a.withheld, a.changed_by, a.changed_at";

/// The asked questions of round `r` for response `p`: those named by the rows of `wanted`
/// (whose `document` and `question` expressions give their keys) that exist in the round.
fn asked_from(wanted: &str, document: &str, question: &str) -> String {
    format!(
        "FROM {wanted} JOIN documents d ON d.key = {document} \
         JOIN round_documents rd ON rd.round_id = r.id AND rd.document_id = d.id \
         JOIN questions q ON q.document_id = d.id AND q.key = {question} \
         JOIN scales s ON s.id = q.scale_id \
         LEFT JOIN round_targets t ON t.round_id = r.id AND t.question_id = q.id \
         LEFT JOIN round_questions rq ON rq.round_id = r.id AND rq.question_id = q.id \
         LEFT JOIN answers a ON a.response_id = p.id AND a.question_id = q.id \
         WHERE rq.question_id IS NOT NULL OR (r.state = 'draft' AND q.retired = 0)"
    )
}

/// A `ContextRow` of a read for many jobs, with the job's position.
#[derive(sqlx::FromRow)]
struct JobContextRow {
    job: i64,
    #[sqlx(flatten)]
    context: ContextRow,
}

/// Reads what the checks of many jobs need in one statement (SQLite): the jobs go in as one
/// JSON array of `{round, organisation, questions: [[document, question], …]}`, and each job
/// whose round and organisation exist comes back as a row. Keyed by the job's position.
async fn read_together(
    conn: &mut AnyConnection,
    jobs: &[&SaveJob],
) -> Result<HashMap<usize, Found>, StoreError> {
    let wanted: Vec<serde_json::Value> = jobs
        .iter()
        .map(|job| {
            let questions: Vec<[&str; 2]> = job
                .inputs
                .iter()
                .map(|(q, _)| [q.document.as_str(), q.question.as_str()])
                .collect();
            serde_json::json!({
                "round": job.round.as_str(),
                "organisation": job.organisation.as_str(),
                "questions": questions,
            })
        })
        .collect();
    let sql = format!(
        "WITH jobs AS (SELECT j.key AS job, j.value ->> '$.round' AS round_key, \
         j.value ->> '$.organisation' AS organisation_key, j.value -> '$.questions' AS wanted \
         FROM json_each($1) j) \
         SELECT jobs.job AS job, {CONTEXT_COLUMNS}, {questions} AS questions \
         FROM jobs JOIN rounds r ON r.key = jobs.round_key \
         JOIN organisations o ON o.key = jobs.organisation_key \
         LEFT JOIN responses p ON p.round_id = r.id AND p.organisation_id = o.id",
        questions = packed(
            Backend::Sqlite,
            ASKED_COLUMNS,
            &asked_from("json_each(jobs.wanted) w", "w.value ->> 0", "w.value ->> 1"),
        ),
    );
    let rows = sqlx::query_as::<_, JobContextRow>(&sql)
        .bind(serde_json::Value::Array(wanted).to_string())
        .fetch_all(&mut *conn)
        .await?;
    let mut found = HashMap::with_capacity(rows.len());
    for row in rows {
        let index = usize::try_from(row.job)
            .ok()
            .filter(|&i| i < jobs.len())
            .ok_or_else(|| StoreError::Corrupt(format!("sparjobb nummer {}", row.job)))?;
        let mut context = Found::new(&row.context, jobs[index].inputs.len());
        context.add_questions(&row.context.questions)?;
        found.insert(index, context);
    }
    Ok(found)
}

/// `count` rows of `width` parameters each, numbered from `first`: `($3, $4), ($5, $6)`.
fn placeholders(count: usize, width: usize, first: usize) -> String {
    let mut sql = String::with_capacity(count * width * 6);
    for row in 0..count {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..width {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(first + row * width + column).to_string());
        }
        sql.push(')');
    }
    sql
}

/// The checked job: the response's state after it, what to write, and what to answer.
struct Plan {
    state: ResponseState,
    /// One per input, in their order.
    writes: Vec<Write>,
    saved: Vec<SavedAnswer>,
}

/// One answer to write, with the values it replaces for its history.
struct Write {
    question_id: i64,
    version: i64,
    value: Option<String>,
    comment: String,
    withheld: bool,
    old_value: Option<String>,
    old_comment: String,
}

/// How a written answer replaces the stored one: only from the version before it, so that a
/// save that lost a race writes nothing and the count of rows written tells.
const ANSWER_UPSERT: &str = "ON CONFLICT (response_id, question_id) DO UPDATE SET \
    value = excluded.value, comment = excluded.comment, version = excluded.version, \
    changed_by = excluded.changed_by, changed_at = excluded.changed_at, \
    withheld = excluded.withheld WHERE answers.version = excluded.version - 1";

impl Plan {
    /// Writes the response, the answers and their history.
    async fn write(
        &self,
        conn: &mut AnyConnection,
        found: &Found,
        by: &str,
        at: &str,
    ) -> Result<(), Refusal> {
        let failed = |e: sqlx::Error| Refusal::Failed(StoreError::from(e).into());
        // Writing the response first takes its row lock (PostgreSQL) before any answer is
        // written, and only if its state is still the one the checks saw; so a save and a submit
        // of the same response cannot interleave (the later one waits for the earlier's commit
        // and then finds the state changed).
        let response_id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO responses (round_id, organisation_id, state, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (round_id, organisation_id) DO UPDATE SET state = excluded.state, \
             updated_at = excluded.updated_at WHERE responses.state = $5 AND responses.reopened = $6 \
             RETURNING id",
        )
        .bind(found.round_id)
        .bind(found.organisation_id)
        .bind(self.state.as_str())
        .bind(at)
        .bind(&found.stored_state)
        .bind(i64::from(found.reopened))
        .fetch_optional(&mut *conn)
        .await
        .map_err(failed)?;
        let response_id = response_id.ok_or(Refusal::Raced)?;

        // A question saved more than once in the job is written once per round of writes, each
        // conditional on the version the one before wrote.
        let mut rounds: Vec<Vec<&Write>> = Vec::new();
        let mut times: HashMap<i64, usize> = HashMap::with_capacity(self.writes.len());
        for write in &self.writes {
            let time = times.entry(write.question_id).or_insert(0);
            if rounds.len() == *time {
                rounds.push(Vec::new());
            }
            rounds[*time].push(write);
            *time += 1;
        }
        for writes in &rounds {
            for chunk in writes.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO answers (response_id, changed_by, changed_at, question_id, value, comment, \
                     version, withheld) VALUES {} {ANSWER_UPSERT}",
                    shared_rows(chunk.len(), 5)
                );
                let mut query = sqlx::query(&sql).bind(response_id).bind(by).bind(at);
                for write in chunk {
                    query = query
                        .bind(write.question_id)
                        .bind(write.value.as_deref())
                        .bind(&write.comment)
                        .bind(write.version)
                        .bind(i64::from(write.withheld));
                }
                let written = query.execute(&mut *conn).await.map_err(failed)?;
                if written.rows_affected() != chunk.len() as u64 {
                    // Someone saved one of these answers between the read and this write.
                    return Err(Refusal::Raced);
                }
            }
        }
        for chunk in self.writes.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO answer_history (response_id, changed_by, changed_at, question_id, version, \
                 old_value, old_comment, new_value, new_comment, withheld) VALUES {}",
                shared_rows(chunk.len(), 7)
            );
            let mut query = sqlx::query(&sql).bind(response_id).bind(by).bind(at);
            for write in chunk {
                query = query
                    .bind(write.question_id)
                    .bind(write.version)
                    .bind(write.old_value.as_deref())
                    .bind(&write.old_comment)
                    .bind(write.value.as_deref())
                    .bind(&write.comment)
                    .bind(i64::from(write.withheld));
            }
            query.execute(&mut *conn).await.map_err(failed)?;
        }
        Ok(())
    }
}

/// Writes the checked jobs of `run_together`: one statement for their responses, one for their
/// answers, one for the answers' history, each taking its rows as one JSON array (SQLite).
async fn write_together(
    conn: &mut AnyConnection,
    jobs: &[&SaveJob],
    checked: &[(usize, Found, Plan)],
    at: &str,
) -> Result<(), SaveError> {
    if checked.is_empty() {
        return Ok(());
    }
    let responses: Vec<serde_json::Value> = checked
        .iter()
        .map(|(_, found, plan)| {
            serde_json::json!([found.round_id, found.organisation_id, plan.state.as_str()])
        })
        .collect();
    let written: Vec<(i64, i64, i64)> = sqlx::query_as(
        "INSERT INTO responses (round_id, organisation_id, state, updated_at) \
         SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, $2 FROM json_each($1) j WHERE true \
         ON CONFLICT (round_id, organisation_id) DO UPDATE SET state = excluded.state, \
         updated_at = excluded.updated_at \
         RETURNING id, round_id, organisation_id",
    )
    .bind(serde_json::Value::Array(responses).to_string())
    .bind(at)
    .fetch_all(&mut *conn)
    .await
    .map_err(StoreError::from)?;
    let ids: HashMap<(i64, i64), i64> = written
        .into_iter()
        .map(|(id, round, organisation)| ((round, organisation), id))
        .collect();

    let mut answers = Vec::new();
    let mut history = Vec::new();
    for (index, found, plan) in checked {
        let response = ids
            .get(&(found.round_id, found.organisation_id))
            .ok_or_else(|| StoreError::Corrupt("ett sparat svar fick inget id".into()))?;
        let by = jobs[*index].by.as_str();
        for write in &plan.writes {
            answers.push(serde_json::json!([
                response,
                write.question_id,
                write.value,
                write.comment,
                write.version,
                i64::from(write.withheld),
                by,
            ]));
            history.push(serde_json::json!([
                response,
                write.question_id,
                write.version,
                write.old_value,
                write.old_comment,
                write.value,
                write.comment,
                i64::from(write.withheld),
                by,
            ]));
        }
    }
    // The rows go in the order of the jobs' inputs, so that a question saved twice in one job is
    // first inserted, then updated from the version its first save wrote.
    let count = answers.len() as u64;
    let stored = sqlx::query(&format!(
        "INSERT INTO answers (response_id, question_id, value, comment, version, withheld, \
         changed_by, changed_at) \
         SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, \
         j.value ->> 5, j.value ->> 6, $2 FROM json_each($1) j WHERE true ORDER BY j.key \
         {ANSWER_UPSERT}"
    ))
    .bind(serde_json::Value::Array(answers).to_string())
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::from)?;
    if stored.rows_affected() != count {
        return Err(StoreError::Corrupt(format!(
            "{} av {count} svar skrevs; inget sparades",
            stored.rows_affected()
        ))
        .into());
    }
    sqlx::query(
        "INSERT INTO answer_history (response_id, question_id, version, old_value, old_comment, \
         new_value, new_comment, withheld, changed_by, changed_at) \
         SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, \
         j.value ->> 5, j.value ->> 6, j.value ->> 7, j.value ->> 8, $2 \
         FROM json_each($1) j ORDER BY j.key",
    )
    .bind(serde_json::Value::Array(history).to_string())
    .bind(at)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::from)?;
    Ok(())
}

/// `count` rows that start with the three parameters all rows share (`$1, $2, $3`: response,
/// author, time) followed by `own` parameters each, numbered from `$4`.
fn shared_rows(count: usize, own: usize) -> String {
    placeholders(count, own, 4).replace('(', "($1, $2, $3, ")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_of_parameters() {
        assert_eq!(placeholders(2, 2, 3), "($3, $4), ($5, $6)");
        assert_eq!(placeholders(1, 3, 1), "($1, $2, $3)");
        assert_eq!(
            shared_rows(2, 2),
            "($1, $2, $3, $4, $5), ($1, $2, $3, $6, $7)"
        );
    }
}
