//! One request's answer saves as a set. Everything the checks need (round, organisation,
//! response, and per question its scale, targeting and stored answer) is read first; every check
//! is made in Rust before anything is written; then the response, the answers and their history
//! are written. A refused request has written nothing, so the group-commit writer needs no
//! savepoint per request.
//!
//! Two paths read and write, and both hand what they read to the same `SaveJob::check`, where the
//! model's rules decide: the round as read (`Found::round`) says with `Round::is_assigned` whether
//! a question goes to the organisation and with `Round::takes_answers` whether it takes answers
//! now; the input checks itself against its scale, and the response's state says whether a save
//! may change it. PostgreSQL (`SaveJob::run`) reads with one query and writes with three
//! multi-row statements whatever the number of answers, each request in its own transaction.
//! SQLite's group-commit writer (`SaveJob::run_sqlite`) runs the jobs of a whole commit one after
//! the other on its own connection, with prepared statements a row at a time: there a statement
//! costs microseconds, while every statement through sqlx's driver is a hand-over to its worker
//! thread. Both write with the same statements (`answer_upsert`, `history_insert`).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock};

use rusqlite::OptionalExtension;
use serde::Deserialize;
use sqlx::AnyConnection;
use uppfolj_model::{
    Answer, AnswerInput, AnswerScale, AnswerValue, Key, Organisation, OrganisationKind,
    QuestionRef, ResponseState, Round, Target,
};

use crate::backend::{Backend, packed};
use crate::catalogue::{ASKED_WHERE, Catalogue, ROUND_QUESTIONS};
use crate::error::{SaveError, StoreError};
use crate::rows::{
    AnswerRow, ROUND_COLUMNS, RoundRow, STORED_ANSWER, now, parse_time, placeholders,
    response_state, shared_rows, stored_key, stored_organisation, stored_scale, target_kinds,
    unpack,
};

/// Rows per multi-row statement: at most 8 parameters a row, far below SQLite's limit of 32 766
/// parameters a statement (PostgreSQL's is 65 535), however many answers one request carries.
const ROWS_PER_STATEMENT: usize = 1000;

/// A saved answer with the scale it was read by, so that callers can show its label.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedAnswer {
    pub answer: Answer,
    pub scale: AnswerScale,
}

/// Writes answers, given as `rows` of parameters in the order response, author, time (the three
/// every row of a request shares), question, value, comment, version, withheld: a new answer, or
/// the next version of a stored one only from the version before it, so that a save that lost a
/// race writes nothing and the count of rows written tells. Every write of an answer uses it.
pub(crate) fn answer_upsert(rows: &str) -> String {
    format!(
        "INSERT INTO answers (response_id, changed_by, changed_at, question_id, value, comment, \
         version, withheld) VALUES {rows} ON CONFLICT (response_id, question_id) DO UPDATE SET \
         value = excluded.value, comment = excluded.comment, version = excluded.version, \
         changed_by = excluded.changed_by, changed_at = excluded.changed_at, \
         withheld = excluded.withheld WHERE answers.version = excluded.version - 1"
    )
}

/// Adds the history entries of answer writes, given as `rows` of parameters in the order
/// response, author, time, question, version, old value, old comment, new value, new comment,
/// withheld. Every write of an answer adds one.
pub(crate) fn history_insert(rows: &str) -> String {
    format!(
        "INSERT INTO answer_history (response_id, changed_by, changed_at, question_id, version, \
         old_value, old_comment, new_value, new_comment, withheld) VALUES {rows}"
    )
}

/// One request's saves: all of one response, stored together or not at all.
#[derive(Clone, Debug)]
pub(crate) struct SaveJob {
    pub round: Key,
    pub organisation: Key,
    pub inputs: Vec<(QuestionRef, AnswerInput)>,
    pub by: String,
}

/// What became of one job: its saved answers, or the position of the refused input and why.
pub(crate) type JobOutcome = Result<Vec<SavedAnswer>, (usize, SaveError)>;

/// Why a job stored nothing (PostgreSQL).
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

impl SaveJob {
    /// Checks and stores the job's saves on `conn`, inside the caller's transaction: the path of
    /// a request that commits on its own (PostgreSQL); SQLite's writer uses `run_sqlite`.
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
                missing_from(conn, &self.round, &self.organisation, first).await,
            ));
        };
        let at = now();
        let plan = self
            .check(&found, &at)
            .map_err(|(i, e)| Refusal::Refused(i, e))?;
        plan.write(conn, &found, &self.by, &at).await?;
        Ok(plan.saved)
    }

    /// Checks and stores the job's saves on SQLite's writer connection, inside its
    /// `BEGIN IMMEDIATE` transaction: the write lock is held from the read on, so nothing can
    /// change between the checks and the writes. Jobs of one commit run one after the other, so
    /// a job reads what the jobs before it wrote. A refused job has written nothing; `Err` when
    /// a write failed, which may have left part of the job in the transaction.
    pub fn run_sqlite(
        &self,
        conn: &rusqlite::Connection,
        catalogue: &mut Catalogue,
    ) -> Result<JobOutcome, StoreError> {
        let Some((first, _)) = self.inputs.first() else {
            return Ok(Ok(Vec::new()));
        };
        let found = match self.read_sqlite(conn, catalogue, first) {
            Ok(found) => found,
            Err(refused) => return Ok(Err((0, refused))),
        };
        let at = now();
        let plan = match self.check(&found, &at) {
            Ok(plan) => plan,
            Err(refused) => return Ok(Err(refused)),
        };
        plan.write_sqlite(conn, &found, &self.by, &at)?;
        Ok(Ok(plan.saved))
    }

    /// What the job's checks need, read on SQLite's writer connection, or why nothing can be
    /// saved.
    fn read_sqlite(
        &self,
        conn: &rusqlite::Connection,
        catalogue: &mut Catalogue,
        first: &QuestionRef,
    ) -> Result<Found, SaveError> {
        let database = |e: rusqlite::Error| SaveError::from(StoreError::from(e));
        if let Some(found) = read_sqlite(conn, catalogue, self)? {
            return Ok(found);
        }
        let round = exists_sqlite(conn, "rounds", &self.round).map_err(database)?;
        let organisation =
            exists_sqlite(conn, "organisations", &self.organisation).map_err(database)?;
        Err(missing(round, organisation, &self.round, &self.organisation, first).into())
    }

    /// Every check of every save, in the order of the inputs and, per input, in the order of a
    /// single save: the question, its targeting, the input, the round, the response's state,
    /// the version. Saves of the same question later in the job see the earlier ones. The rules
    /// are the model's, asked of what was read.
    fn check(&self, found: &Found, at: &str) -> Result<Plan, (usize, SaveError)> {
        let changed_at = parse_time(at).map_err(|e| (0, e.into()))?;
        let open = found.round.takes_answers(found.reopened);
        // The response's state after the saves checked so far; read from the stored one at the
        // first save that gets this far.
        let mut state: Option<ResponseState> = None;
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
            if !found.round.is_assigned(question, &found.organisation) {
                return Err(refuse(SaveError::NotAssigned));
            }
            let scale = &asked.scale;
            let value = input
                .check(scale)
                .map_err(|e| refuse(SaveError::Invalid(e)))?;
            if !open {
                return Err(refuse(SaveError::RoundNotOpen(found.round.state)));
            }
            let now_state = match state {
                Some(state) => state,
                None => response_state(&found.stored_state).map_err(|e| refuse(e.into()))?,
            };
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
                    .map(|p| p.answer(question.clone(), scale).map(Box::new))
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
                answer: Answer {
                    question: question.clone(),
                    value,
                    comment: input.comment.clone(),
                    version,
                    withheld: input.withheld,
                    changed_by: self.by.clone(),
                    changed_at,
                },
                scale: AnswerScale::clone(scale),
            });
        }
        Ok(plan)
    }
}

/// What one read found for a job, on either path: the round, the organisation, its response (if
/// started) and each asked question that exists in the round.
struct Found {
    round_id: i64,
    /// The round as the model's rules read it: its own row, with the targets of the job's
    /// questions as far as they concern the organisation (whether they name it, and their
    /// kinds). Its documents and what it asked are not read: the read finds the questions the
    /// round asks (`ASKED_WHERE`).
    round: Round,
    organisation_id: i64,
    organisation: Organisation,
    /// The response's state as stored (`not started` when there is none), for the checks and for
    /// the write's check that it has not changed since.
    stored_state: String,
    reopened: bool,
    questions: HashMap<QuestionRef, Asked>,
}

impl Found {
    /// The read's context for the job's response, before its questions are added.
    fn new(job: &SaveJob, row: ContextRow) -> Result<Found, StoreError> {
        Ok(Found {
            round_id: row.round_id,
            round: row.round.round(job.round.clone())?,
            organisation_id: row.organisation_id,
            organisation: stored_organisation(
                job.organisation.clone(),
                row.organisation_name,
                row.organisation_short_name,
                &row.organisation_kind,
                row.active,
            )?,
            stored_state: row
                .response_state
                .unwrap_or_else(|| ResponseState::NotStarted.as_str().to_owned()),
            reopened: row.reopened.unwrap_or(0) != 0,
            questions: HashMap::with_capacity(job.inputs.len()),
        })
    }

    /// Adds an asked question with its targeting as stored: the organisation kinds when the
    /// round targets it, and whether the targeting names the organisation.
    fn add(
        &mut self,
        question: QuestionRef,
        asked: Asked,
        kinds: Option<Vec<OrganisationKind>>,
        named: bool,
    ) {
        if let Some(kinds) = kinds {
            let organisations = if named {
                vec![self.organisation.key.clone()]
            } else {
                Vec::new()
            };
            self.round.targets.push(Target {
                question: question.clone(),
                organisations,
                kinds,
            });
        }
        self.questions.insert(question, asked);
    }

    /// Adds the asked questions packed in a read's JSON array (PostgreSQL).
    fn add_packed(&mut self, packed: &str) -> Result<(), StoreError> {
        let packed: Vec<AskedRow> = unpack(packed, "frågorna att spara")?;
        let mut scales: HashMap<String, Arc<AnswerScale>> = HashMap::new();
        for row in packed {
            let reference = QuestionRef {
                document: stored_key(&row.document)?,
                question: stored_key(&row.question)?,
            };
            let scale = match scales.get(&row.scale_key) {
                Some(scale) => scale.clone(),
                None => {
                    let scale = Arc::new(stored_scale(
                        &row.scale_key,
                        row.scale_name,
                        &row.scale_definition,
                    )?);
                    scales.insert(row.scale_key, scale.clone());
                    scale
                }
            };
            let stored = row.version.map(|version| AnswerRow {
                value: row.value,
                comment: row.comment.unwrap_or_default(),
                version,
                withheld: row.withheld.unwrap_or(0),
                changed_by: row.changed_by.unwrap_or_default(),
                changed_at: row.changed_at.unwrap_or_default(),
            });
            let asked = Asked {
                question_id: row.question_id,
                scale,
                stored,
            };
            let kinds = row.target_kinds.as_deref().map(target_kinds).transpose()?;
            self.add(reference, asked, kinds, row.listed != 0);
        }
        Ok(())
    }
}

/// One asked question of the round, with its stored answer.
struct Asked {
    question_id: i64,
    scale: Arc<AnswerScale>,
    stored: Option<AnswerRow>,
}

/// An asked question as packed in the read's JSON array, in the order of `ASKED_COLUMNS`.
#[derive(Deserialize)]
struct AskedRow {
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

/// Round, organisation and response as read, in the order of `context_columns`.
#[derive(sqlx::FromRow)]
struct ContextRow {
    round_id: i64,
    #[sqlx(flatten)]
    round: RoundRow,
    organisation_id: i64,
    organisation_name: String,
    organisation_short_name: Option<String>,
    organisation_kind: String,
    active: i64,
    response_id: Option<i64>,
    response_state: Option<String>,
    reopened: Option<i64>,
}

impl ContextRow {
    /// The same row read on SQLite's writer connection.
    fn from_sqlite(row: &rusqlite::Row<'_>) -> Result<ContextRow, rusqlite::Error> {
        Ok(ContextRow {
            round_id: row.get(0)?,
            round: RoundRow::from_sqlite(row, 1)?,
            organisation_id: row.get(9)?,
            organisation_name: row.get(10)?,
            organisation_short_name: row.get(11)?,
            organisation_kind: row.get(12)?,
            active: row.get(13)?,
            response_id: row.get(14)?,
            response_state: row.get(15)?,
            reopened: row.get(16)?,
        })
    }
}

/// The context a save's checks need: round, organisation and response (`r`, `o`, `p`), in the
/// order of `ContextRow`.
fn context_columns() -> String {
    format!(
        "r.id AS round_id, {ROUND_COLUMNS}, o.id AS organisation_id, \
         o.name AS organisation_name, o.short_name AS organisation_short_name, \
         o.kind AS organisation_kind, o.active AS active, \
         p.id AS response_id, p.state AS response_state, p.reopened AS reopened"
    )
}

/// The read's row: the context, and the asked questions packed as JSON (one row whatever their
/// number).
#[derive(sqlx::FromRow)]
struct PackedRow {
    #[sqlx(flatten)]
    context: ContextRow,
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
    let mut seen = HashSet::with_capacity(job.inputs.len());
    for (question, _) in &job.inputs {
        if seen.insert(question) {
            distinct.push(question);
        }
    }
    let mut found: Option<Found> = None;
    for chunk in distinct.chunks(ROWS_PER_STATEMENT) {
        let sql = read_sql(backend, chunk.len());
        let mut query = sqlx::query_as::<_, PackedRow>(&sql)
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
        match &mut found {
            Some(found) => found.add_packed(&row.questions)?,
            None => {
                let mut first = Found::new(job, row.context)?;
                first.add_packed(&row.questions)?;
                found = Some(first);
            }
        }
    }
    Ok(found)
}

/// The read for `count` questions, bound as `$3, $4` (document, question), `$5, $6`, …
fn read_sql(backend: Backend, count: usize) -> String {
    let wanted = placeholders(count, 2, 3);
    let questions = packed(
        backend,
        ASKED_COLUMNS,
        &format!(
            "FROM wanted w, {ROUND_QUESTIONS} \
             LEFT JOIN answers a ON a.response_id = p.id AND a.question_id = q.id \
             WHERE rd.round_id = r.id AND d.key = w.document AND q.key = w.question \
             AND {ASKED_WHERE}"
        ),
    );
    format!(
        "WITH wanted (document, question) AS (VALUES {wanted}) \
         SELECT {}, {questions} AS questions \
         FROM rounds r JOIN organisations o ON o.key = $2 \
         LEFT JOIN responses p ON p.round_id = r.id AND p.organisation_id = o.id \
         WHERE r.key = $1",
        context_columns()
    )
}

/// An asked question's columns, in the order of `AskedRow`.
const ASKED_COLUMNS: &str = "d.key, q.key, q.id, s.key, s.name, s.definition, t.kinds, \
    CASE WHEN EXISTS (SELECT 1 FROM round_target_organisations m WHERE m.round_id = r.id \
      AND m.question_id = q.id AND m.organisation_id = o.id) THEN 1 ELSE 0 END, \
    a.value, a.comment, a.version, a.withheld, a.changed_by, a.changed_at";

/// The context's read on SQLite's writer connection, prepared once per connection.
static SQLITE_CONTEXT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM rounds r JOIN organisations o ON o.key = ?2 \
         LEFT JOIN responses p ON p.round_id = r.id AND p.organisation_id = o.id \
         WHERE r.key = ?1",
        context_columns()
    )
});

/// Reads what the job's checks need on SQLite's writer connection: a row for the context, the
/// round's questions from the writer's catalogue, and a row for each stored answer, with
/// statements prepared once per connection. `None` when the round or the organisation does not
/// exist.
fn read_sqlite(
    conn: &rusqlite::Connection,
    catalogue: &mut Catalogue,
    job: &SaveJob,
) -> Result<Option<Found>, StoreError> {
    let context = conn
        .prepare_cached(&SQLITE_CONTEXT)?
        .query_row(
            (job.round.as_str(), job.organisation.as_str()),
            ContextRow::from_sqlite,
        )
        .optional()?;
    let Some(context) = context else {
        return Ok(None);
    };
    let (round_id, organisation_id, response_id) = (
        context.round_id,
        context.organisation_id,
        context.response_id,
    );
    let mut found = Found::new(job, context)?;
    let round = catalogue.round(conn, round_id)?;
    let mut answer = conn.prepare_cached(STORED_ANSWER)?;
    for (question, _) in &job.inputs {
        if found.questions.contains_key(question) {
            continue;
        }
        let Some(asked) = round.get(question) else {
            continue;
        };
        let stored = match response_id {
            None => None,
            Some(response_id) => answer
                .query_row((response_id, asked.question_id), AnswerRow::from_sqlite)
                .optional()?,
        };
        found.add(
            question.clone(),
            Asked {
                question_id: asked.question_id,
                scale: asked.scale.clone(),
                stored,
            },
            asked.target_kinds.clone(),
            asked.listed.contains(&organisation_id),
        );
    }
    Ok(Some(found))
}

/// Whether `table` has a row with `key` (SQLite's writer connection).
fn exists_sqlite(
    conn: &rusqlite::Connection,
    table: &str,
    key: &Key,
) -> Result<bool, rusqlite::Error> {
    conn.prepare_cached(&format!("SELECT 1 FROM {table} WHERE key = ?1"))?
        .exists([key.as_str()])
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

/// The answer write and the history entry of one answer, on SQLite's writer connection.
static SQLITE_ANSWER: LazyLock<String> = LazyLock::new(|| answer_upsert(&shared_rows(1, 5)));
static SQLITE_HISTORY: LazyLock<String> = LazyLock::new(|| history_insert(&shared_rows(1, 7)));

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
                let sql = answer_upsert(&shared_rows(chunk.len(), 5));
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
            let sql = history_insert(&shared_rows(chunk.len(), 7));
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

    /// Writes the response, the answers and their history on SQLite's writer connection, a row
    /// at a time in the order of the inputs, so that a question saved twice in one job is first
    /// written, then updated from the version its first save wrote.
    fn write_sqlite(
        &self,
        conn: &rusqlite::Connection,
        found: &Found,
        by: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        let response_id: i64 = conn
            .prepare_cached(
                "INSERT INTO responses (round_id, organisation_id, state, updated_at) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (round_id, organisation_id) DO UPDATE SET \
                 state = excluded.state, updated_at = excluded.updated_at RETURNING id",
            )?
            .query_row(
                (
                    found.round_id,
                    found.organisation_id,
                    self.state.as_str(),
                    at,
                ),
                |row| row.get(0),
            )?;
        let mut answer = conn.prepare_cached(&SQLITE_ANSWER)?;
        let mut history = conn.prepare_cached(&SQLITE_HISTORY)?;
        for write in &self.writes {
            let withheld = i64::from(write.withheld);
            let written = answer.execute((
                response_id,
                by,
                at,
                write.question_id,
                write.value.as_deref(),
                &write.comment,
                write.version,
                withheld,
            ))?;
            if written != 1 {
                // The write lock has been held since the read: only a database changed behind
                // SQLite's back gets here.
                return Err(StoreError::Corrupt(format!(
                    "svaret på fråga {} hade inte versionen {}",
                    write.question_id,
                    write.version - 1
                )));
            }
            history.execute((
                response_id,
                by,
                at,
                write.question_id,
                write.version,
                write.old_value.as_deref(),
                &write.old_comment,
                write.value.as_deref(),
                &write.comment,
                withheld,
            ))?;
        }
        Ok(())
    }
}

/// Why a save found nothing, on PostgreSQL: which of round, organisation and question is
/// missing.
async fn missing_from(
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
        Ok::<_, sqlx::Error>((round_found.is_some(), organisation_found.is_some()))
    };
    match lookup.await {
        Ok((round_found, organisation_found)) => missing(
            round_found,
            organisation_found,
            round,
            organisation,
            question,
        )
        .into(),
        Err(e) => StoreError::from(e).into(),
    }
}

/// Why a save found nothing, given whether its round and its organisation exist.
fn missing(
    round_found: bool,
    organisation_found: bool,
    round: &Key,
    organisation: &Key,
    question: &QuestionRef,
) -> StoreError {
    StoreError::NotFound(match (round_found, organisation_found) {
        (false, _) => format!("omgången «{round}»"),
        (_, false) => format!("organisationen «{organisation}»"),
        _ => format!("frågan «{question}» i omgången «{round}»"),
    })
}
