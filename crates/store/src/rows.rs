//! Stored rows and columns to model values and back, written once for the whole store: keys,
//! times, dates, states, kinds, scales and text lists; a round's, an organisation's and an
//! answer's own row; packed rows; and the numbered parameters of multi-row statements. A column
//! that does not read as its model value is corrupt data, never a person's mistake.

use serde::de::DeserializeOwned;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use uppfolj_model::compilation::StatusThresholds;
use uppfolj_model::{
    Answer, AnswerScale, AnswerValue, CommentRule, Email, Key, Organisation, OrganisationKind,
    QuestionRef, ResponseState, Role, Round, RoundState, ScaleKind,
};

use crate::error::StoreError;

/// The current time as stored.
pub(crate) fn now() -> String {
    format_time(OffsetDateTime::now_utc())
}

/// A time as stored: RFC 3339 text, which both backends keep and compare alike.
pub(crate) fn format_time(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).expect("times format as RFC 3339")
}

/// A stored time read back.
pub(crate) fn parse_time(text: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| StoreError::Corrupt(format!("tidpunkten «{text}»: {e}")))
}

/// A stored key read back.
pub(crate) fn stored_key(text: &str) -> Result<Key, StoreError> {
    Key::parse(text).map_err(|e| StoreError::Corrupt(format!("nyckeln «{text}»: {e}")))
}

/// A stored date (`2026-01-12`) read back.
pub(crate) fn stored_date(text: &str) -> Result<Date, StoreError> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|e| StoreError::Corrupt(format!("datumet «{text}»: {e}")))
}

/// A scale as stored: its definition is the model's `ScaleKind` as JSON.
pub(crate) fn stored_scale(
    key: &str,
    name: String,
    definition: &str,
) -> Result<AnswerScale, StoreError> {
    let kind: ScaleKind = serde_json::from_str(definition)
        .map_err(|e| StoreError::Corrupt(format!("svarsskalan {key}: {e}")))?;
    Ok(AnswerScale {
        key: stored_key(key)?,
        name,
        kind,
    })
}

/// A stored e-mail address (a user's login name) read back.
pub(crate) fn stored_email(text: &str) -> Result<Email, StoreError> {
    Email::parse(text).map_err(StoreError::Corrupt)
}

/// A stored role read back.
pub(crate) fn stored_role(text: &str) -> Result<Role, StoreError> {
    Role::parse(text).ok_or_else(|| StoreError::Corrupt(format!("rollen {text}")))
}

/// A stored round state read back.
pub(crate) fn round_state(text: &str) -> Result<RoundState, StoreError> {
    RoundState::parse(text).ok_or_else(|| StoreError::Corrupt(format!("omgångens status {text}")))
}

/// A stored response state read back.
pub(crate) fn response_state(text: &str) -> Result<ResponseState, StoreError> {
    ResponseState::parse(text).ok_or_else(|| StoreError::Corrupt(format!("svarets status {text}")))
}

/// The organisation kinds of a question's targeting, as stored (a JSON array of kinds).
pub(crate) fn target_kinds(text: &str) -> Result<Vec<OrganisationKind>, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("frågans målgrupp «{text}»: {e}")))
}

/// A question's guidance as stored: a JSON array of paragraphs.
pub(crate) fn text_list(paragraphs: &[String]) -> String {
    serde_json::to_string(paragraphs).expect("text lists serialise")
}

/// A question's comment rule as stored (JSON).
pub(crate) fn comment_rule(rule: &CommentRule) -> String {
    serde_json::to_string(rule).expect("comment rules serialise")
}

/// Rows packed as one JSON array by [`crate::backend::packed`], read back; `what` names them in
/// the error.
pub(crate) fn unpack<T: DeserializeOwned>(packed: &str, what: &str) -> Result<Vec<T>, StoreError> {
    serde_json::from_str(packed).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// An organisation from its own row; the caller has read its key.
pub(crate) fn stored_organisation(
    key: Key,
    name: String,
    short_name: Option<String>,
    kind: &str,
    active: i64,
) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        key,
        name,
        short_name,
        kind: OrganisationKind::parse(kind)
            .ok_or_else(|| StoreError::Corrupt(format!("organisationstypen {kind}")))?,
        active: active != 0,
    })
}

/// A round's own columns, from `rounds r`, in the order of [`RoundRow`].
pub(crate) const ROUND_COLUMNS: &str = "r.name AS name, r.year AS year, \
    r.opens_on AS opens_on, r.closes_on AS closes_on, r.state AS state, \
    r.status_green AS status_green, r.status_yellow AS status_yellow, \
    r.status_submitted AS status_submitted";

/// A round's own row, as [`ROUND_COLUMNS`] reads it.
#[derive(sqlx::FromRow)]
pub(crate) struct RoundRow {
    pub(crate) name: String,
    pub(crate) year: i64,
    pub(crate) opens_on: String,
    pub(crate) closes_on: String,
    pub(crate) state: String,
    pub(crate) status_green: f64,
    pub(crate) status_yellow: f64,
    pub(crate) status_submitted: f64,
}

impl RoundRow {
    /// The same row read on SQLite's writer connection, from column `first` on.
    pub(crate) fn from_sqlite(
        row: &rusqlite::Row<'_>,
        first: usize,
    ) -> Result<RoundRow, rusqlite::Error> {
        Ok(RoundRow {
            name: row.get(first)?,
            year: row.get(first + 1)?,
            opens_on: row.get(first + 2)?,
            closes_on: row.get(first + 3)?,
            state: row.get(first + 4)?,
            status_green: row.get(first + 5)?,
            status_yellow: row.get(first + 6)?,
            status_submitted: row.get(first + 7)?,
        })
    }

    /// The round keyed `key` as far as its own row tells: no documents, no targets and nothing
    /// asked until the caller reads them from their tables.
    pub(crate) fn round(self, key: Key) -> Result<Round, StoreError> {
        Ok(Round {
            key,
            name: self.name,
            year: self.year as i32,
            opens: stored_date(&self.opens_on)?,
            closes: stored_date(&self.closes_on)?,
            documents: Vec::new(),
            targets: Vec::new(),
            state: round_state(&self.state)?,
            thresholds: StatusThresholds::new(
                self.status_green,
                self.status_yellow,
                self.status_submitted,
            )
            .map_err(StoreError::Corrupt)?,
            asked: None,
            extensions: vec![],
        })
    }
}

/// Reads the answer a response holds to a question, bound as `$1` (response) and `$2`
/// (question), into an [`AnswerRow`]. SQLite reads `$1` as a parameter named by its number, so
/// the writer's connection binds this text by position too.
pub(crate) const STORED_ANSWER: &str = "SELECT value, comment, version, withheld, changed_by, \
    changed_at FROM answers WHERE response_id = $1 AND question_id = $2";

/// An answer as stored in one row of `answers`.
#[derive(Clone, sqlx::FromRow)]
pub(crate) struct AnswerRow {
    pub(crate) value: Option<String>,
    pub(crate) comment: String,
    pub(crate) version: i64,
    pub(crate) withheld: i64,
    pub(crate) changed_by: String,
    pub(crate) changed_at: String,
}

impl AnswerRow {
    /// The same row read on SQLite's writer connection, in the order of [`STORED_ANSWER`].
    pub(crate) fn from_sqlite(row: &rusqlite::Row<'_>) -> Result<AnswerRow, rusqlite::Error> {
        Ok(AnswerRow {
            value: row.get(0)?,
            comment: row.get(1)?,
            version: row.get(2)?,
            withheld: row.get(3)?,
            changed_by: row.get(4)?,
            changed_at: row.get(5)?,
        })
    }

    /// The answer this row holds to `question`, its value read by `scale`.
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

/// `count` rows of `width` parameters each, numbered from `first`: `($3, $4), ($5, $6)`.
pub(crate) fn placeholders(count: usize, width: usize, first: usize) -> String {
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

/// `count` rows that start with the three parameters all rows share (`$1, $2, $3`: response,
/// author, time) followed by `own` parameters each, numbered from `$4`.
pub(crate) fn shared_rows(count: usize, own: usize) -> String {
    placeholders(count, own, 4).replace('(', "($1, $2, $3, ")
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
