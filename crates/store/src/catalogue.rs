//! What each round asks, as SQLite's group-commit writer keeps it between commits: every question
//! with its parsed scale and its targeting, so that a save reads only its response and answers.
//! Rounds, questions, scales and targeting change only through the pool's connections, never
//! through the writer's, so the catalogue holds until another connection commits (SQLite's
//! `PRAGMA data_version` tells) and is read again then.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rusqlite::Connection;
use uppfolj_model::{AnswerScale, OrganisationKind, QuestionRef};

use crate::error::StoreError;
use crate::rows::{stored_key, stored_scale, target_kinds};

/// What a save's checks need of a question a round asks.
#[derive(Debug)]
pub(crate) struct CatalogueQuestion {
    pub question_id: i64,
    pub scale: Arc<AnswerScale>,
    /// The organisation kinds the question is targeted to; `None` when it goes to everyone.
    pub target_kinds: Option<Vec<OrganisationKind>>,
    /// The organisations the targeting names one by one.
    pub listed: HashSet<i64>,
}

/// The questions one round asks, by reference.
pub(crate) type RoundCatalogue = HashMap<QuestionRef, CatalogueQuestion>;

/// The rounds the writer has read, valid for one `data_version`.
#[derive(Debug, Default)]
pub(crate) struct Catalogue {
    data_version: Option<i64>,
    rounds: HashMap<i64, RoundCatalogue>,
}

impl Catalogue {
    /// Forgets every round if another connection has committed since they were read. Call it
    /// inside the writer's transaction, where no other connection can commit until it ends.
    pub fn refresh(&mut self, conn: &Connection) -> Result<(), rusqlite::Error> {
        let version: i64 = conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |row| row.get(0))?;
        if self.data_version != Some(version) {
            self.rounds.clear();
            self.data_version = Some(version);
        }
        Ok(())
    }

    /// The questions round `round_id` asks, read if not known.
    pub fn round(
        &mut self,
        conn: &Connection,
        round_id: i64,
    ) -> Result<&RoundCatalogue, StoreError> {
        Ok(match self.rounds.entry(round_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(unknown) => unknown.insert(read_round(conn, round_id)?),
        })
    }
}

/// Reads the questions a round asks with one statement, and the organisations its targeting
/// names with another.
fn read_round(conn: &Connection, round_id: i64) -> Result<RoundCatalogue, StoreError> {
    let mut listed: HashMap<i64, HashSet<i64>> = HashMap::new();
    let mut named = conn.prepare_cached(
        "SELECT question_id, organisation_id FROM round_target_organisations WHERE round_id = ?1",
    )?;
    let mut rows = named.query([round_id])?;
    while let Some(row) = rows.next()? {
        listed.entry(row.get(0)?).or_default().insert(row.get(1)?);
    }

    let mut statement = conn.prepare_cached(&format!(
        "SELECT d.key, q.key, q.id, s.key, s.name, s.definition, t.kinds \
         FROM rounds r, {ROUND_QUESTIONS} WHERE r.id = ?1 AND rd.round_id = r.id AND {ASKED_WHERE}"
    ))?;
    let mut rows = statement.query([round_id])?;
    let mut scales: HashMap<String, Arc<AnswerScale>> = HashMap::new();
    let mut round = RoundCatalogue::new();
    while let Some(row) = rows.next()? {
        let document: String = row.get(0)?;
        let question: String = row.get(1)?;
        let question_id: i64 = row.get(2)?;
        let scale_key: String = row.get(3)?;
        let scale = match scales.get(&scale_key) {
            Some(scale) => scale.clone(),
            None => {
                let scale = Arc::new(stored_scale(
                    &scale_key,
                    row.get(4)?,
                    &row.get::<_, String>(5)?,
                )?);
                scales.insert(scale_key, scale.clone());
                scale
            }
        };
        let target_kinds = row
            .get::<_, Option<String>>(6)?
            .map(|kinds| target_kinds(&kinds))
            .transpose()?;
        round.insert(
            QuestionRef {
                document: stored_key(&document)?,
                question: stored_key(&question)?,
            },
            CatalogueQuestion {
                question_id,
                scale,
                target_kinds,
                listed: listed.remove(&question_id).unwrap_or_default(),
            },
        );
    }
    Ok(round)
}

/// The questions of round `rd.round_id` (documents `d`, questions `q`, scales `s`), with their
/// targeting in the round (`t`) and, if the round asked them when it opened, `rq`.
pub(crate) const ROUND_QUESTIONS: &str = "round_documents rd \
    JOIN documents d ON d.id = rd.document_id \
    JOIN questions q ON q.document_id = d.id \
    JOIN scales s ON s.id = q.scale_id \
    LEFT JOIN round_targets t ON t.round_id = rd.round_id AND t.question_id = q.id \
    LEFT JOIN round_questions rq ON rq.round_id = rd.round_id AND rq.question_id = q.id";

/// Whether round `r` asks question `q`: it asked it when it opened or, while a draft, the
/// question is not retired.
pub(crate) const ASKED_WHERE: &str =
    "(rq.question_id IS NOT NULL OR (r.state = 'draft' AND q.retired = 0))";
