//! Editing steering documents in place: a document's own fields, its sections and questions —
//! add, edit, move among siblings, retire and restore. Each change is one write transaction that
//! marks the definitions as changed, and every edit form's version is checked, so that a stale
//! form is refused instead of overwriting what someone else saved.
//!
//! A question that a round has used — answered in it, or asked by a round that has opened — is
//! never changed under that round: editing it stores a new version under a new key in its place,
//! retires the old one and moves the draft rounds' targeting to the new one.

use std::collections::HashMap;

use sqlx::{Any, Transaction};
use uppfolj_model::{DocumentKind, Key, Period, Question, RoundState};

use crate::error::StoreError;
use crate::rows::{comment_rule, round_state, stored_key, text_list};
use crate::store::{Store, bump_definitions};

/// A document's own fields, as a coordinator edits them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DocumentFields {
    pub title: String,
    pub report_heading: Option<String>,
    pub kind: DocumentKind,
    pub period: Period,
}

/// The versions of a document and of each of its sections and questions, read fresh (not from
/// the cached definitions) for the forms that edit them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentVersions {
    pub document: i64,
    pub sections: HashMap<Key, i64>,
    pub questions: HashMap<Key, i64>,
}

/// A round that uses a question: an edit of the question becomes a new version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundUse {
    pub round: Key,
    pub name: String,
    pub state: RoundState,
}

/// What an edit of a question did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuestionEdit {
    /// The question was unused and now reads as edited.
    InPlace,
    /// The question was used; the edit is a new question under this key in its place, and the
    /// old one is retired.
    NewVersion(Key),
}

/// Which way to move a section or question among its siblings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Store {
    /// Creates an empty document; its key must be free.
    pub async fn create_document(
        &self,
        key: &Key,
        fields: &DocumentFields,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM documents WHERE key = $1")
            .bind(key.as_str())
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Rule(format!(
                "dokumentnyckeln «{key}» används redan"
            )));
        }
        sqlx::query(
            "INSERT INTO documents (key, title, report_heading, kind, period_from, period_to, version) \
             VALUES ($1, $2, $3, $4, $5, $6, 1)",
        )
        .bind(key.as_str())
        .bind(&fields.title)
        .bind(fields.report_heading.as_deref())
        .bind(fields.kind.as_str())
        .bind(i64::from(fields.period.from))
        .bind(i64::from(fields.period.to))
        .execute(&mut *tx)
        .await?;
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a document's own fields, if it is still at `version`.
    pub async fn edit_document(
        &self,
        key: &Key,
        version: i64,
        fields: &DocumentFields,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        document_id(&mut tx, key).await?;
        let changed = sqlx::query(
            "UPDATE documents SET title = $1, report_heading = $2, kind = $3, period_from = $4, \
             period_to = $5, version = version + 1 WHERE key = $6 AND version = $7",
        )
        .bind(&fields.title)
        .bind(fields.report_heading.as_deref())
        .bind(fields.kind.as_str())
        .bind(i64::from(fields.period.from))
        .bind(i64::from(fields.period.to))
        .bind(key.as_str())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::Changed);
        }
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The current versions of a document and its parts.
    pub async fn document_versions(&self, document: &Key) -> Result<DocumentVersions, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let (id, version): (i64, i64) =
            sqlx::query_as("SELECT id, version FROM documents WHERE key = $1")
                .bind(document.as_str())
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("dokumentet «{document}»")))?;
        let mut versions = DocumentVersions {
            document: version,
            ..DocumentVersions::default()
        };
        for (key, version) in sqlx::query_as::<_, (String, i64)>(
            "SELECT key, version FROM sections WHERE document_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        {
            versions.sections.insert(stored_key(&key)?, version);
        }
        for (key, version) in sqlx::query_as::<_, (String, i64)>(
            "SELECT key, version FROM questions WHERE document_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        {
            versions.questions.insert(stored_key(&key)?, version);
        }
        Ok(versions)
    }

    /// Adds a section last under `parent`, or last at the top of the document; its key must be
    /// free among the document's sections.
    pub async fn add_section(
        &self,
        document: &Key,
        parent: Option<&Key>,
        key: &Key,
        label: Option<&str>,
        title: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let document_id = document_id(&mut tx, document).await?;
        let parent_id = match parent {
            Some(parent) => Some(section_row(&mut tx, document_id, parent).await?.id),
            None => None,
        };
        if section_row(&mut tx, document_id, key).await.is_ok() {
            return Err(StoreError::Rule(format!(
                "avsnittsnyckeln «{key}» används redan i dokumentet"
            )));
        }
        sqlx::query(
            "INSERT INTO sections (document_id, parent_id, key, label, title, position, retired, version) \
             VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(MAX(position), 0) + 1 FROM sections WHERE document_id = $6), 0, 1)",
        )
        .bind(document_id)
        .bind(parent_id)
        .bind(key.as_str())
        .bind(label)
        .bind(title)
        .bind(document_id)
        .execute(&mut *tx)
        .await?;
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a section's label and title, if it is still at `version`.
    pub async fn edit_section(
        &self,
        document: &Key,
        section: &Key,
        version: i64,
        label: Option<&str>,
        title: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let document_id = document_id(&mut tx, document).await?;
        let row = section_row(&mut tx, document_id, section).await?;
        let changed = sqlx::query(
            "UPDATE sections SET label = $1, title = $2, version = version + 1 WHERE id = $3 AND version = $4",
        )
        .bind(label)
        .bind(title)
        .bind(row.id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::Changed);
        }
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Retires a section (with everything under it, as far as new rounds are concerned) or
    /// restores it, if it is still at `version`. Rounds that have opened keep showing it.
    pub async fn set_section_retired(
        &self,
        document: &Key,
        section: &Key,
        version: i64,
        retired: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let document_id = document_id(&mut tx, document).await?;
        let row = section_row(&mut tx, document_id, section).await?;
        let changed = sqlx::query(
            "UPDATE sections SET retired = $1, version = version + 1 WHERE id = $2 AND version = $3",
        )
        .bind(i64::from(retired))
        .bind(row.id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::Changed);
        }
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Swaps a section with the nearest section in `direction` under the same parent that is not
    /// retired; at either end nothing moves.
    pub async fn move_section(
        &self,
        document: &Key,
        section: &Key,
        direction: Direction,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let document_id = document_id(&mut tx, document).await?;
        let row = section_row(&mut tx, document_id, section).await?;
        let siblings: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, position FROM sections WHERE document_id = $1 \
             AND COALESCE(parent_id, 0) = COALESCE($2, 0) AND (retired = 0 OR id = $3) ORDER BY position",
        )
        .bind(document_id)
        .bind(row.parent_id)
        .bind(row.id)
        .fetch_all(&mut *tx)
        .await?;
        swap(&mut tx, "sections", &siblings, row.id, direction).await?;
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a question last in a section; its key must be free among the document's questions.
    pub async fn add_question(
        &self,
        document: &Key,
        section: &Key,
        question: &Question,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let document_id = document_id(&mut tx, document).await?;
        let section = section_row(&mut tx, document_id, section).await?;
        if question_row(&mut tx, document_id, &question.key)
            .await
            .is_ok()
        {
            return Err(StoreError::Rule(format!(
                "frågenyckeln «{}» används redan i dokumentet",
                question.key
            )));
        }
        let position: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM questions WHERE document_id = $1",
        )
        .bind(document_id)
        .fetch_one(&mut *tx)
        .await?;
        insert_question(&mut tx, document_id, section.id, question, position).await?;
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes the question keyed `question.key` read as `question` (text, guidance, audience,
    /// scale, comment rule; its key and retired flag are not changed), if it is still at
    /// `version`. An unused question changes in place. A used one is kept as it is for the rounds
    /// that used it: the edit becomes a new question with the next version key in its place, the
    /// old one is retired, and draft rounds' targets move to the new one.
    pub async fn edit_question(
        &self,
        document: &Key,
        question: &Question,
        version: i64,
    ) -> Result<QuestionEdit, StoreError> {
        let mut tx = self.write_transaction().await?;
        let document_id = document_id(&mut tx, document).await?;
        let old = question_row(&mut tx, document_id, &question.key).await?;
        if old.version != version {
            return Err(StoreError::Changed);
        }
        if old.retired != 0 {
            return Err(StoreError::Rule(format!(
                "frågan «{}» är utgången; återställ den innan du ändrar den",
                question.key
            )));
        }
        let used = !rounds_using(&mut tx, old.id).await?.is_empty();
        let edit = if used {
            let taken: Vec<String> =
                sqlx::query_scalar("SELECT key FROM questions WHERE document_id = $1")
                    .bind(document_id)
                    .fetch_all(&mut *tx)
                    .await?;
            let key = Question::next_version_key(&question.key, |k| {
                taken.iter().any(|t| t == k.as_str())
            });
            // The old version steps aside (last among its siblings, retired) before the new one
            // takes its place; the conditional update also settles a race between two editors.
            let retired = sqlx::query(
                "UPDATE questions SET retired = 1, version = version + 1, \
                 position = (SELECT MAX(position) + 1 FROM questions WHERE document_id = $1) \
                 WHERE id = $2 AND version = $3",
            )
            .bind(document_id)
            .bind(old.id)
            .bind(version)
            .execute(&mut *tx)
            .await?;
            if retired.rows_affected() == 0 {
                return Err(StoreError::Changed);
            }
            let new = Question {
                key: key.clone(),
                retired: false,
                ..question.clone()
            };
            let new_id =
                insert_question(&mut tx, document_id, old.section_id, &new, old.position).await?;
            move_draft_targets(&mut tx, old.id, new_id).await?;
            QuestionEdit::NewVersion(key)
        } else {
            let scale_id = scale_id(&mut tx, &question.scale).await?;
            let changed = sqlx::query(
                "UPDATE questions SET text = $1, guidance = $2, audience = $3, scale_id = $4, \
                 comment_rule = $5, version = version + 1 WHERE id = $6 AND version = $7",
            )
            .bind(&question.text)
            .bind(text_list(&question.guidance))
            .bind(question.audience.as_deref())
            .bind(scale_id)
            .bind(comment_rule(&question.comment))
            .bind(old.id)
            .bind(version)
            .execute(&mut *tx)
            .await?;
            if changed.rows_affected() == 0 {
                return Err(StoreError::Changed);
            }
            QuestionEdit::InPlace
        };
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(edit)
    }

    /// Retires a question or restores it, if it is still at `version`. Rounds that have opened
    /// keep asking it; draft rounds leave it out while it is retired.
    pub async fn set_question_retired(
        &self,
        document: &Key,
        question: &Key,
        version: i64,
        retired: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let document_id = document_id(&mut tx, document).await?;
        let row = question_row(&mut tx, document_id, question).await?;
        let changed = sqlx::query(
            "UPDATE questions SET retired = $1, version = version + 1 WHERE id = $2 AND version = $3",
        )
        .bind(i64::from(retired))
        .bind(row.id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::Changed);
        }
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Swaps a question with the nearest question in `direction` in its section that is not
    /// retired; at either end nothing moves.
    pub async fn move_question(
        &self,
        document: &Key,
        question: &Key,
        direction: Direction,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let document_id = document_id(&mut tx, document).await?;
        let row = question_row(&mut tx, document_id, question).await?;
        let siblings: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, position FROM questions WHERE section_id = $1 AND (retired = 0 OR id = $2) \
             ORDER BY position",
        )
        .bind(row.section_id)
        .bind(row.id)
        .fetch_all(&mut *tx)
        .await?;
        swap(&mut tx, "questions", &siblings, row.id, direction).await?;
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The rounds that use a question, newest first: those with an answer to it, and those that
    /// have opened and ask it (or limit it to some organisations).
    pub async fn question_use(
        &self,
        document: &Key,
        question: &Key,
    ) -> Result<Vec<RoundUse>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let document_id = document_id(&mut tx, document).await?;
        let row = question_row(&mut tx, document_id, question).await?;
        let uses = rounds_using(&mut tx, row.id).await?;
        tx.commit().await?;
        Ok(uses)
    }
}

/// A stored section's place in its document.
#[derive(sqlx::FromRow)]
struct SectionRow {
    id: i64,
    parent_id: Option<i64>,
}

/// A stored question's place and state.
#[derive(sqlx::FromRow)]
struct QuestionRow {
    id: i64,
    section_id: i64,
    position: i64,
    version: i64,
    retired: i64,
}

/// The id of the document `key` inside a transaction; a missing one is [`StoreError::NotFound`].
pub(crate) async fn document_id(
    tx: &mut Transaction<'static, Any>,
    key: &Key,
) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT id FROM documents WHERE key = $1")
        .bind(key.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("dokumentet «{key}»")))
}

async fn section_row(
    tx: &mut Transaction<'static, Any>,
    document_id: i64,
    key: &Key,
) -> Result<SectionRow, StoreError> {
    sqlx::query_as("SELECT id, parent_id FROM sections WHERE document_id = $1 AND key = $2")
        .bind(document_id)
        .bind(key.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("avsnittet «{key}»")))
}

async fn question_row(
    tx: &mut Transaction<'static, Any>,
    document_id: i64,
    key: &Key,
) -> Result<QuestionRow, StoreError> {
    sqlx::query_as(
        "SELECT id, section_id, position, version, retired FROM questions \
         WHERE document_id = $1 AND key = $2",
    )
    .bind(document_id)
    .bind(key.as_str())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("frågan «{key}»")))
}

async fn scale_id(tx: &mut Transaction<'static, Any>, scale: &Key) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT id FROM scales WHERE key = $1")
        .bind(scale.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("svarsskalan «{scale}»")))
}

/// Inserts a question, not retired, at version 1; returns its id.
async fn insert_question(
    tx: &mut Transaction<'static, Any>,
    document_id: i64,
    section_id: i64,
    question: &Question,
    position: i64,
) -> Result<i64, StoreError> {
    let scale_id = scale_id(tx, &question.scale).await?;
    Ok(sqlx::query_scalar(
        "INSERT INTO questions (document_id, section_id, key, text, guidance, audience, scale_id, \
         comment_rule, position, retired, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 1) \
         RETURNING id",
    )
    .bind(document_id)
    .bind(section_id)
    .bind(question.key.as_str())
    .bind(&question.text)
    .bind(text_list(&question.guidance))
    .bind(question.audience.as_deref())
    .bind(scale_id)
    .bind(comment_rule(&question.comment))
    .bind(position)
    .fetch_one(&mut **tx)
    .await?)
}

/// The rounds that use a question: see [`Store::question_use`].
async fn rounds_using(
    tx: &mut Transaction<'static, Any>,
    question_id: i64,
) -> Result<Vec<RoundUse>, StoreError> {
    sqlx::query_as::<_, (String, String, String)>(
        "SELECT r.key, r.name, r.state FROM rounds r WHERE \
         (r.state <> 'draft' AND (EXISTS (SELECT 1 FROM round_questions rq WHERE rq.round_id = r.id AND rq.question_id = $1) \
           OR EXISTS (SELECT 1 FROM round_targets t WHERE t.round_id = r.id AND t.question_id = $2))) \
         OR EXISTS (SELECT 1 FROM answers a JOIN responses p ON p.id = a.response_id \
           WHERE p.round_id = r.id AND a.question_id = $3) \
         ORDER BY r.year DESC, r.key",
    )
    .bind(question_id)
    .bind(question_id)
    .bind(question_id)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|(round, name, state)| {
        Ok(RoundUse {
            round: stored_key(&round)?,
            name,
            state: round_state(&state)?,
        })
    })
    .collect()
}

/// Hands the targets of draft rounds, with their organisation lists and kinds, from an old
/// version of a question to the new one; rounds that have opened keep theirs.
async fn move_draft_targets(
    tx: &mut Transaction<'static, Any>,
    old: i64,
    new: i64,
) -> Result<(), StoreError> {
    let drafts = "SELECT id FROM rounds WHERE state = 'draft'";
    sqlx::query(&format!(
        "INSERT INTO round_targets (round_id, question_id, position, kinds) \
         SELECT round_id, $1, position, kinds FROM round_targets \
         WHERE question_id = $2 AND round_id IN ({drafts})"
    ))
    .bind(new)
    .bind(old)
    .execute(&mut **tx)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO round_target_organisations (round_id, question_id, organisation_id, position) \
         SELECT round_id, $1, organisation_id, position FROM round_target_organisations \
         WHERE question_id = $2 AND round_id IN ({drafts})"
    ))
    .bind(new)
    .bind(old)
    .execute(&mut **tx)
    .await?;
    for table in ["round_target_organisations", "round_targets"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE question_id = $1 AND round_id IN ({drafts})"
        ))
        .bind(old)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Swaps the positions of `id` and its neighbour in `direction` among `siblings` (id, position,
/// in order).
async fn swap(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    siblings: &[(i64, i64)],
    id: i64,
    direction: Direction,
) -> Result<(), StoreError> {
    let Some(at) = siblings.iter().position(|(sibling, _)| *sibling == id) else {
        return Ok(());
    };
    let neighbour = match direction {
        Direction::Up => at.checked_sub(1),
        Direction::Down => Some(at + 1).filter(|n| *n < siblings.len()),
    };
    let Some(neighbour) = neighbour else {
        return Ok(());
    };
    let ((a, a_position), (b, b_position)) = (siblings[at], siblings[neighbour]);
    for (row, position) in [(a, b_position), (b, a_position)] {
        sqlx::query(&format!("UPDATE {table} SET position = $1 WHERE id = $2"))
            .bind(position)
            .bind(row)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
