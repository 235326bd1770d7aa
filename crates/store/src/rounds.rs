//! A round's life: draft, open, closed, published; and what it asked when it opened.

use sqlx::{Any, AnyConnection, Transaction};
use uppfolj_model::{Asked, Key, QuestionRef, RoundState};

use crate::error::StoreError;
use crate::rows::{round_state, stored_key};
use crate::store::{Store, bump_definitions};

impl Store {
    /// Moves a round to `next` if the workflow allows it from where it is. Opening a draft
    /// remembers what its documents hold now: the round shows that from then on.
    pub async fn set_round_state(&self, round: &Key, next: RoundState) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let (round_id, current): (i64, String) =
            sqlx::query_as("SELECT id, state FROM rounds WHERE key = $1")
                .bind(round.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("omgången «{round}»")))?;
        let current = round_state(&current)?;
        if current == next {
            return Ok(());
        }
        if !current.may_become(next) {
            return Err(StoreError::Rule(format!(
                "omgången «{round}» är {} och kan inte bli {}",
                current.predicate(),
                next.predicate()
            )));
        }
        sqlx::query("UPDATE rounds SET state = $1 WHERE key = $2")
            .bind(next.as_str())
            .bind(round.as_str())
            .execute(&mut *tx)
            .await?;
        if current == RoundState::Draft {
            let documents: Vec<i64> =
                sqlx::query_scalar("SELECT document_id FROM round_documents WHERE round_id = $1")
                    .bind(round_id)
                    .fetch_all(&mut *tx)
                    .await?;
            remember_asked(&mut tx, round_id, &documents).await?;
        }
        bump_definitions(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Remembers, for a round, the sections and questions that `documents` hold now (not retired,
/// under no retired section), at their present places. A document the round already remembers
/// is left as it was remembered.
pub(crate) async fn remember_asked(
    tx: &mut Transaction<'static, Any>,
    round_id: i64,
    documents: &[i64],
) -> Result<(), StoreError> {
    for &document_id in documents {
        let remembered: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM round_sections rs JOIN sections s ON s.id = rs.section_id \
             WHERE rs.round_id = $1 AND s.document_id = $2",
        )
        .bind(round_id)
        .bind(document_id)
        .fetch_one(&mut **tx)
        .await?;
        if remembered > 0 {
            continue;
        }
        sqlx::query(
            "INSERT INTO round_sections (round_id, section_id, position) \
             WITH RECURSIVE live (id) AS ( \
               SELECT id FROM sections WHERE document_id = $1 AND parent_id IS NULL AND retired = 0 \
               UNION ALL \
               SELECT s.id FROM sections s JOIN live l ON s.parent_id = l.id WHERE s.retired = 0) \
             SELECT $2, s.id, s.position FROM sections s JOIN live ON live.id = s.id",
        )
        .bind(document_id)
        .bind(round_id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO round_questions (round_id, question_id, position) \
             SELECT rs.round_id, q.id, q.position FROM round_sections rs \
             JOIN sections s ON s.id = rs.section_id JOIN questions q ON q.section_id = s.id \
             WHERE rs.round_id = $1 AND s.document_id = $2 AND q.retired = 0",
        )
        .bind(round_id)
        .bind(document_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Adds a question, with the sections above it, to what a round that has opened asked: an
/// imported report shows that the round asked the question. It takes its place after the
/// question before it in its section that the round asked, so the round keeps its own order.
pub(crate) async fn remember_question(
    conn: &mut AnyConnection,
    round_id: i64,
    question_id: i64,
) -> Result<(), StoreError> {
    let (section, position): (i64, i64) =
        sqlx::query_as("SELECT section_id, position FROM questions WHERE id = $1")
            .bind(question_id)
            .fetch_one(&mut *conn)
            .await?;
    let remembered: Option<i64> = sqlx::query_scalar(
        "SELECT question_id FROM round_questions WHERE round_id = $1 AND question_id = $2",
    )
    .bind(round_id)
    .bind(question_id)
    .fetch_optional(&mut *conn)
    .await?;
    if remembered.is_none() {
        // Where the round has the asked question before it, or else the first after it.
        let before: Option<i64> = sqlx::query_scalar(
            "SELECT rq.position FROM round_questions rq JOIN questions q ON q.id = rq.question_id \
             WHERE rq.round_id = $1 AND q.section_id = $2 AND q.position < $3 \
             ORDER BY q.position DESC LIMIT 1",
        )
        .bind(round_id)
        .bind(section)
        .bind(position)
        .fetch_optional(&mut *conn)
        .await?;
        let after: Option<i64> = sqlx::query_scalar(
            "SELECT rq.position FROM round_questions rq JOIN questions q ON q.id = rq.question_id \
             WHERE rq.round_id = $1 AND q.section_id = $2 AND q.position > $3 \
             ORDER BY q.position LIMIT 1",
        )
        .bind(round_id)
        .bind(section)
        .bind(position)
        .fetch_optional(&mut *conn)
        .await?;
        let place = match (before, after) {
            (Some(before), _) => before + 1,
            (None, Some(after)) => after,
            (None, None) => position,
        };
        sqlx::query(
            "UPDATE round_questions SET position = position + 1 WHERE round_id = $1 \
             AND position >= $2 AND question_id IN (SELECT id FROM questions WHERE section_id = $3)",
        )
        .bind(round_id)
        .bind(place)
        .bind(section)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO round_questions (round_id, question_id, position) VALUES ($1, $2, $3)",
        )
        .bind(round_id)
        .bind(question_id)
        .bind(place)
        .execute(&mut *conn)
        .await?;
    }
    let mut next = Some(section);
    while let Some(section) = next {
        let (parent, position): (Option<i64>, i64) =
            sqlx::query_as("SELECT parent_id, position FROM sections WHERE id = $1")
                .bind(section)
                .fetch_one(&mut *conn)
                .await?;
        sqlx::query(
            "INSERT INTO round_sections (round_id, section_id, position) VALUES ($1, $2, $3) \
             ON CONFLICT (round_id, section_id) DO NOTHING",
        )
        .bind(round_id)
        .bind(section)
        .bind(position)
        .execute(&mut *conn)
        .await?;
        next = parent;
    }
    Ok(())
}

/// What a round asked, in the order it stood then.
pub(crate) async fn load_asked(
    conn: &mut AnyConnection,
    round_id: i64,
) -> Result<Asked, StoreError> {
    let sections = sqlx::query_as::<_, (String, String)>(
        "SELECT d.key, s.key FROM round_sections rs JOIN sections s ON s.id = rs.section_id \
         JOIN documents d ON d.id = s.document_id WHERE rs.round_id = $1 ORDER BY rs.position, rs.section_id",
    )
    .bind(round_id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(document, section)| Ok((stored_key(&document)?, stored_key(&section)?)))
    .collect::<Result<Vec<_>, StoreError>>()?;
    let questions = sqlx::query_as::<_, (String, String)>(
        "SELECT d.key, q.key FROM round_questions rq JOIN questions q ON q.id = rq.question_id \
         JOIN documents d ON d.id = q.document_id WHERE rq.round_id = $1 ORDER BY rq.position, rq.question_id",
    )
    .bind(round_id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(document, question)| {
        Ok(QuestionRef {
            document: stored_key(&document)?,
            question: stored_key(&question)?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Asked {
        sections,
        questions,
    })
}
