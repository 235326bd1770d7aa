//! Storing and loading the whole configuration: scales, organisations, documents, rounds.

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::{Any, AnyConnection, Transaction};
use time::OffsetDateTime;
use uppfolj_model::council_data::CouncilData;
use uppfolj_model::{
    CommentRule, Definitions, Document, DocumentKind, Extension, Key, Organisation, Period,
    Question, QuestionRef, Round, RoundState, Section, Target,
};

use crate::backend::Backend;
use crate::council::{CouncilSummary, store_council};
use crate::error::StoreError;
use crate::rounds::{load_asked, remember_asked};
use crate::rows::{
    ROUND_COLUMNS, RoundRow, comment_rule, stored_date, stored_key, stored_organisation,
    stored_scale, target_kinds, text_list,
};
use crate::store::{Store, bump_definitions};

/// What an import changed, for the person who ran it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApplySummary {
    pub scales: usize,
    pub organisations: usize,
    pub documents: usize,
    pub questions: usize,
    pub rounds: usize,
}

impl Store {
    /// Stores checked definitions in one transaction: objects are matched by key, so importing
    /// the same files twice changes nothing. Sections and questions a document no longer lists are
    /// retired, not deleted, since answers may refer to them.
    pub async fn apply_definitions(
        &self,
        definitions: &Definitions,
    ) -> Result<ApplySummary, StoreError> {
        let mut tx = self.write_transaction().await?;
        let summary = store_definitions(&mut tx, definitions).await?;
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Stores definitions and what their files say for the council report in one transaction,
    /// all or nothing: what `uppfolj import definitions` does. `by` and `at` are who imports
    /// and when, for assessments and texts whose files do not say.
    pub async fn import_definitions(
        &self,
        definitions: &Definitions,
        council: &CouncilData,
        by: &str,
        at: OffsetDateTime,
    ) -> Result<(ApplySummary, CouncilSummary), StoreError> {
        let mut tx = self.write_transaction().await?;
        let summary = store_definitions(&mut tx, definitions).await?;
        bump_definitions(&mut tx).await?;
        let council = store_council(&mut tx, council, by, at).await?;
        tx.commit().await?;
        Ok((summary, council))
    }

    /// Stores definitions as [`Store::apply_definitions`] does, unless any definition has changed
    /// since they were read at `seen` (see [`Store::definitions_at`]): a form built on what the
    /// coordinator saw does not overwrite what someone else changed meanwhile.
    pub async fn apply_definitions_unless_changed(
        &self,
        definitions: &Definitions,
        seen: i64,
    ) -> Result<ApplySummary, StoreError> {
        let mut tx = self.write_transaction().await?;
        let bumped = sqlx::query(
            "UPDATE meta SET value = value + 1 WHERE key = 'definitions' AND value = $1",
        )
        .bind(seen)
        .execute(&mut *tx)
        .await?;
        if bumped.rows_affected() == 0 {
            return Err(StoreError::Changed);
        }
        let summary = store_definitions(&mut tx, definitions).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Every definition, retired sections and questions included. Served from a copy in memory
    /// that is reloaded when any instance has changed definitions or a round's state since.
    pub async fn definitions(&self) -> Result<Arc<Definitions>, StoreError> {
        Ok(self.definitions_at().await?.1)
    }

    /// The definitions with the change counter they were read at (or an earlier one), to hand to
    /// [`Store::apply_definitions_unless_changed`].
    pub async fn definitions_at(&self) -> Result<(i64, Arc<Definitions>), StoreError> {
        let version: i64 = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'definitions'")
            .fetch_one(&self.pool)
            .await?;
        let cached = self
            .cache
            .read()
            .expect("the cache lock is never poisoned")
            .clone();
        if let Some(current) = cached.filter(|(at, _)| *at == version) {
            return Ok(current);
        }
        // One load at a time: requests that arrive meanwhile wait and take its result.
        let _loading = self.reload.lock().await;
        let cached = self
            .cache
            .read()
            .expect("the cache lock is never poisoned")
            .clone();
        if let Some(current) = cached.filter(|(at, _)| *at >= version) {
            return Ok(current);
        }
        let version: i64 = sqlx::query_scalar("SELECT value FROM meta WHERE key = 'definitions'")
            .fetch_one(&self.pool)
            .await?;
        let definitions = Arc::new(self.load_definitions().await?);
        *self
            .cache
            .write()
            .expect("the cache lock is never poisoned") = Some((version, definitions.clone()));
        Ok((version, definitions))
    }

    /// Reads every definition in one read transaction, so that the copy is consistent, on one
    /// connection, so that concurrent loads cannot exhaust the pool.
    async fn load_definitions(&self) -> Result<Definitions, StoreError> {
        let mut conn = match self.backend {
            Backend::Sqlite => self.pool.begin().await?,
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        };
        let scales = sqlx::query_as::<_, (String, String, String)>(
            "SELECT key, name, definition FROM scales ORDER BY position",
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(key, name, definition)| stored_scale(&key, name, &definition))
        .collect::<Result<Vec<_>, StoreError>>()?;
        let organisations = load_organisations(&mut conn).await?;

        let documents = sqlx::query_as::<_, (i64, String, String, Option<String>, String, i64, i64)>(
            "SELECT id, key, title, report_heading, kind, period_from, period_to FROM documents ORDER BY key",
        )
        .fetch_all(&mut *conn)
        .await?;
        let sections = sqlx::query_as::<_, SectionRow>(
            "SELECT id, document_id, parent_id, key, label, title, retired FROM sections ORDER BY position",
        )
        .fetch_all(&mut *conn)
        .await?;
        let questions = sqlx::query_as::<_, (i64, String, String, String, Option<String>, String, String, i64)>(
            "SELECT q.section_id, q.key, q.text, q.guidance, q.audience, s.key, q.comment_rule, q.retired \
             FROM questions q JOIN scales s ON s.id = q.scale_id ORDER BY q.position",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut questions_by_section: HashMap<i64, Vec<Question>> = HashMap::new();
        for (section_id, key, text, guidance, audience, scale, comment, retired) in questions {
            let question = Question {
                key: stored_key(&key)?,
                text,
                guidance: serde_json::from_str(&guidance)
                    .map_err(|e| StoreError::Corrupt(format!("vägledning {key}: {e}")))?,
                audience,
                scale: stored_key(&scale)?,
                comment: serde_json::from_str::<CommentRule>(&comment)
                    .map_err(|e| StoreError::Corrupt(format!("kommentarsregel {key}: {e}")))?,
                retired: retired != 0,
            };
            questions_by_section
                .entry(section_id)
                .or_default()
                .push(question);
        }
        let mut children: HashMap<(i64, Option<i64>), Vec<&SectionRow>> = HashMap::new();
        for row in &sections {
            children
                .entry((row.document_id, row.parent_id))
                .or_default()
                .push(row);
        }
        fn build(
            document: i64,
            parent: Option<i64>,
            children: &HashMap<(i64, Option<i64>), Vec<&SectionRow>>,
            questions: &mut HashMap<i64, Vec<Question>>,
        ) -> Result<Vec<Section>, StoreError> {
            let mut out = Vec::new();
            for row in children.get(&(document, parent)).into_iter().flatten() {
                out.push(Section {
                    key: stored_key(&row.key)?,
                    label: row.label.clone(),
                    title: row.title.clone(),
                    questions: questions.remove(&row.id).unwrap_or_default(),
                    sections: build(document, Some(row.id), children, questions)?,
                    retired: row.retired != 0,
                });
            }
            Ok(out)
        }
        let mut loaded = Vec::new();
        for (id, key, title, report_heading, kind, from, to) in documents {
            loaded.push(Document {
                sections: build(id, None, &children, &mut questions_by_section)?,
                key: stored_key(&key)?,
                title,
                report_heading,
                kind: DocumentKind::parse(&kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("dokumenttypen {kind}")))?,
                period: Period {
                    from: from as i32,
                    to: to as i32,
                },
            });
        }
        let mut rounds = Vec::new();
        for key in load_round_keys(&mut conn).await? {
            rounds.push(load_round(&mut conn, &key).await?);
        }
        conn.commit().await?;
        Ok(Definitions {
            scales,
            organisations,
            documents: loaded,
            rounds,
        })
    }

    /// Every organisation, in the order they were defined.
    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        load_organisations(&mut *self.pool.acquire().await?).await
    }

    /// Keys of every round, newest year first.
    pub async fn round_keys(&self) -> Result<Vec<Key>, StoreError> {
        load_round_keys(&mut *self.pool.acquire().await?).await
    }

    /// One round with its documents and targets.
    pub async fn round(&self, key: &Key) -> Result<Round, StoreError> {
        load_round(&mut *self.pool.acquire().await?, key).await
    }
}

async fn load_organisations(conn: &mut AnyConnection) -> Result<Vec<Organisation>, StoreError> {
    sqlx::query_as::<_, (String, String, Option<String>, String, i64)>(
        "SELECT key, name, short_name, kind, active FROM organisations ORDER BY position",
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(key, name, short_name, kind, active)| {
        stored_organisation(stored_key(&key)?, name, short_name, &kind, active)
    })
    .collect()
}

async fn load_round_keys(conn: &mut AnyConnection) -> Result<Vec<Key>, StoreError> {
    sqlx::query_scalar::<_, String>("SELECT key FROM rounds ORDER BY year DESC, key")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|k| stored_key(k))
        .collect()
}

async fn load_round(conn: &mut AnyConnection, key: &Key) -> Result<Round, StoreError> {
    let row = sqlx::query_as::<_, IdentifiedRound>(&format!(
        "SELECT r.id AS id, {ROUND_COLUMNS} FROM rounds r WHERE r.key = $1"
    ))
    .bind(key.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("omgången «{key}»")))?;
    let id = row.id;
    let mut round = row.round.round(key.clone())?;
    round.documents = sqlx::query_scalar::<_, String>(
        "SELECT d.key FROM round_documents rd JOIN documents d ON d.id = rd.document_id \
         WHERE rd.round_id = $1 ORDER BY rd.position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|d| stored_key(d))
    .collect::<Result<_, _>>()?;
    let targets = sqlx::query_as::<_, (i64, String, String, String)>(
        "SELECT t.question_id, d.key, q.key, t.kinds FROM round_targets t \
         JOIN questions q ON q.id = t.question_id JOIN documents d ON d.id = q.document_id \
         WHERE t.round_id = $1 ORDER BY t.position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let members = sqlx::query_as::<_, (i64, String)>(
        "SELECT m.question_id, o.key FROM round_target_organisations m \
         JOIN organisations o ON o.id = m.organisation_id WHERE m.round_id = $1 ORDER BY m.position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut by_question: HashMap<i64, Vec<Key>> = HashMap::new();
    for (question, organisation) in members {
        by_question
            .entry(question)
            .or_default()
            .push(stored_key(&organisation)?);
    }
    round.targets = targets
        .into_iter()
        .map(|(question_id, document, question, kinds)| {
            Ok(Target {
                question: QuestionRef {
                    document: stored_key(&document)?,
                    question: stored_key(&question)?,
                },
                organisations: by_question.remove(&question_id).unwrap_or_default(),
                kinds: target_kinds(&kinds)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    if round.state != RoundState::Draft {
        round.asked = Some(load_asked(conn, id).await?);
    }
    round.extensions = sqlx::query_as::<_, (String, String)>(
        "SELECT o.key, e.closes_on FROM round_extensions e \
         JOIN organisations o ON o.id = e.organisation_id WHERE e.round_id = $1 ORDER BY o.key",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(organisation, closes)| {
        Ok(Extension {
            organisation: stored_key(&organisation)?,
            closes: stored_date(&closes)?,
        })
    })
    .collect::<Result<_, StoreError>>()?;
    Ok(round)
}

/// A round's own row with its id.
#[derive(sqlx::FromRow)]
struct IdentifiedRound {
    id: i64,
    #[sqlx(flatten)]
    round: RoundRow,
}

/// A stored section, before the tree is put together.
#[derive(sqlx::FromRow)]
struct SectionRow {
    id: i64,
    document_id: i64,
    parent_id: Option<i64>,
    key: String,
    label: Option<String>,
    title: String,
    retired: i64,
}

/// Writes definitions matched by key into an open write transaction; the caller bumps the
/// change counter.
async fn store_definitions(
    tx: &mut Transaction<'static, Any>,
    definitions: &Definitions,
) -> Result<ApplySummary, StoreError> {
    let mut summary = ApplySummary::default();
    for scale in &definitions.scales {
        let stored = serde_json::to_string(&scale.kind).expect("scale kinds serialise");
        sqlx::query(
            "INSERT INTO scales (key, name, definition, position) \
             VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position), 0) + 1 FROM scales)) \
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, definition = excluded.definition",
        )
        .bind(scale.key.as_str())
        .bind(&scale.name)
        .bind(stored)
        .execute(&mut **tx)
        .await?;
        summary.scales += 1;
    }
    for organisation in &definitions.organisations {
        sqlx::query(
            "INSERT INTO organisations (key, name, short_name, kind, active, position) \
             VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(position), 0) + 1 FROM organisations)) \
             ON CONFLICT (key) DO UPDATE SET name = excluded.name, short_name = excluded.short_name, \
             kind = excluded.kind, active = excluded.active, \
             version = organisations.version + CASE WHEN organisations.name = excluded.name \
             AND COALESCE(organisations.short_name, '') = COALESCE(excluded.short_name, '') \
             AND organisations.kind = excluded.kind AND organisations.active = excluded.active THEN 0 ELSE 1 END",
        )
        .bind(organisation.key.as_str())
        .bind(&organisation.name)
        .bind(organisation.short_name.as_deref())
        .bind(organisation.kind.as_str())
        .bind(i64::from(organisation.active))
        .execute(&mut **tx)
        .await?;
        summary.organisations += 1;
    }
    let scale_ids = ids(tx, "SELECT key, id FROM scales").await?;
    for document in &definitions.documents {
        summary.questions += store_document(tx, document, &scale_ids).await?;
        summary.documents += 1;
    }
    for round in &definitions.rounds {
        store_round(tx, round).await?;
        summary.rounds += 1;
    }
    Ok(summary)
}

async fn ids(
    tx: &mut Transaction<'static, Any>,
    sql: &str,
) -> Result<HashMap<String, i64>, StoreError> {
    Ok(sqlx::query_as::<_, (String, i64)>(sql)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect())
}

/// Upserts a document and its tree; returns how many questions it holds.
async fn store_document(
    tx: &mut Transaction<'static, Any>,
    document: &Document,
    scale_ids: &HashMap<String, i64>,
) -> Result<usize, StoreError> {
    let document_id: i64 = sqlx::query_scalar(
        "INSERT INTO documents (key, title, report_heading, kind, period_from, period_to) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (key) DO UPDATE SET title = excluded.title, report_heading = excluded.report_heading, \
         kind = excluded.kind, period_from = excluded.period_from, period_to = excluded.period_to RETURNING id",
    )
    .bind(document.key.as_str())
    .bind(&document.title)
    .bind(document.report_heading.as_deref())
    .bind(document.kind.as_str())
    .bind(i64::from(document.period.from))
    .bind(i64::from(document.period.to))
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("UPDATE sections SET retired = 1 WHERE document_id = $1")
        .bind(document_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE questions SET retired = 1 WHERE document_id = $1")
        .bind(document_id)
        .execute(&mut **tx)
        .await?;
    let mut position = 0;
    let mut questions = 0;
    let mut stack: Vec<(Option<i64>, &Section)> =
        document.sections.iter().rev().map(|s| (None, s)).collect();
    while let Some((parent, section)) = stack.pop() {
        position += 1;
        let section_id: i64 = sqlx::query_scalar(
            "INSERT INTO sections (document_id, parent_id, key, label, title, position, retired) \
             VALUES ($1, $2, $3, $4, $5, $6, 0) \
             ON CONFLICT (document_id, key) DO UPDATE SET parent_id = excluded.parent_id, label = excluded.label, \
             title = excluded.title, position = excluded.position, retired = 0 RETURNING id",
        )
        .bind(document_id)
        .bind(parent)
        .bind(section.key.as_str())
        .bind(section.label.as_deref())
        .bind(&section.title)
        .bind(position)
        .fetch_one(&mut **tx)
        .await?;
        for question in &section.questions {
            position += 1;
            let scale_id = scale_ids
                .get(question.scale.as_str())
                .ok_or_else(|| StoreError::NotFound(format!("svarsskalan «{}»", question.scale)))?;
            sqlx::query(
                "INSERT INTO questions (document_id, section_id, key, text, guidance, audience, scale_id, comment_rule, position, retired) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0) \
                 ON CONFLICT (document_id, key) DO UPDATE SET section_id = excluded.section_id, text = excluded.text, \
                 guidance = excluded.guidance, audience = excluded.audience, scale_id = excluded.scale_id, \
                 comment_rule = excluded.comment_rule, position = excluded.position, retired = 0",
            )
            .bind(document_id)
            .bind(section_id)
            .bind(question.key.as_str())
            .bind(&question.text)
            .bind(text_list(&question.guidance))
            .bind(question.audience.as_deref())
            .bind(*scale_id)
            .bind(comment_rule(&question.comment))
            .bind(position)
            .execute(&mut **tx)
            .await?;
            questions += 1;
        }
        stack.extend(section.sections.iter().rev().map(|s| (Some(section_id), s)));
    }
    Ok(questions)
}

/// Upserts a round's definition; its state is left as it is (a new round starts as a draft). A
/// document added to a round that has opened is remembered as it stands now.
async fn store_round(tx: &mut Transaction<'static, Any>, round: &Round) -> Result<(), StoreError> {
    let (round_id, state): (i64, String) = sqlx::query_as(
        "INSERT INTO rounds (key, name, year, opens_on, closes_on, state, status_green, status_yellow, status_submitted) \
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8) \
         ON CONFLICT (key) DO UPDATE SET name = excluded.name, year = excluded.year, \
         opens_on = excluded.opens_on, closes_on = excluded.closes_on, \
         status_green = excluded.status_green, status_yellow = excluded.status_yellow, \
         status_submitted = excluded.status_submitted RETURNING id, state",
    )
    .bind(round.key.as_str())
    .bind(&round.name)
    .bind(i64::from(round.year))
    .bind(round.opens.to_string())
    .bind(round.closes.to_string())
    .bind(round.thresholds.green)
    .bind(round.thresholds.yellow)
    .bind(round.thresholds.submitted)
    .fetch_one(&mut **tx)
    .await?;
    let before: Vec<i64> =
        sqlx::query_scalar("SELECT document_id FROM round_documents WHERE round_id = $1")
            .bind(round_id)
            .fetch_all(&mut **tx)
            .await?;
    let mut added = Vec::new();
    for table in [
        "round_target_organisations",
        "round_targets",
        "round_documents",
        "round_extensions",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE round_id = $1"))
            .bind(round_id)
            .execute(&mut **tx)
            .await?;
    }
    let documents = ids(tx, "SELECT key, id FROM documents").await?;
    let organisations = ids(tx, "SELECT key, id FROM organisations").await?;
    for (position, key) in round.documents.iter().enumerate() {
        let document_id = documents
            .get(key.as_str())
            .ok_or_else(|| StoreError::NotFound(format!("dokumentet «{key}»")))?;
        sqlx::query(
            "INSERT INTO round_documents (round_id, document_id, position) VALUES ($1, $2, $3)",
        )
        .bind(round_id)
        .bind(*document_id)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?;
        if !before.contains(document_id) {
            added.push(*document_id);
        }
    }
    if state != RoundState::Draft.as_str() {
        remember_asked(tx, round_id, &added).await?;
    }
    for (position, target) in round.targets.iter().enumerate() {
        let question_id: i64 = sqlx::query_scalar(
            "SELECT q.id FROM questions q JOIN documents d ON d.id = q.document_id WHERE d.key = $1 AND q.key = $2",
        )
        .bind(target.question.document.as_str())
        .bind(target.question.question.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("frågan «{}»", target.question)))?;
        sqlx::query("INSERT INTO round_targets (round_id, question_id, position, kinds) VALUES ($1, $2, $3, $4)")
            .bind(round_id)
            .bind(question_id)
            .bind(position as i64)
            .bind(serde_json::to_string(&target.kinds).expect("kinds serialise"))
            .execute(&mut **tx)
            .await?;
        for (member, organisation) in target.organisations.iter().enumerate() {
            let organisation_id = organisations
                .get(organisation.as_str())
                .ok_or_else(|| StoreError::NotFound(format!("organisationen «{organisation}»")))?;
            sqlx::query(
                "INSERT INTO round_target_organisations (round_id, question_id, organisation_id, position) VALUES ($1, $2, $3, $4)",
            )
            .bind(round_id)
            .bind(question_id)
            .bind(*organisation_id)
            .bind(member as i64)
            .execute(&mut **tx)
            .await?;
        }
    }
    for extension in &round.extensions {
        let organisation_id = organisations
            .get(extension.organisation.as_str())
            .ok_or_else(|| {
                StoreError::NotFound(format!("organisationen «{}»", extension.organisation))
            })?;
        sqlx::query(
            "INSERT INTO round_extensions (round_id, organisation_id, closes_on) VALUES ($1, $2, $3)",
        )
        .bind(round_id)
        .bind(*organisation_id)
        .bind(extension.closes.to_string())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
