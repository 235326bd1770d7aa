//! The coordinator's matrix of a round's questions × organisations: who answers what. One form
//! of checkboxes, saved all at once, refused as a whole if someone changed the settings meanwhile.

use std::collections::HashSet;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use uppfolj_app::RoundError;
use uppfolj_app::lookup::{require_coordinator, visible_round};
use uppfolj_app::reports::round_documents;
use uppfolj_app::rounds;
use uppfolj_model::numbering::{numbered_questions, question_numbers};
use uppfolj_model::text::swedish_key;
use uppfolj_model::{Definitions, Document, Key, Organisation, QuestionRef, Round, RoundState};
use uppfolj_store::StoreError;

use crate::auth::Caller;
use crate::error::{Failure, WebError};
use crate::forms::{Form, check_csrf};
use crate::layout::{Nav, capitalised, page};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/tilldelning", get(show).post(save))
}

/// The matrix as posted: the settings' change counter the page was built from, and a
/// `question-organisation` pair of indices per ticked cell.
#[derive(Deserialize)]
struct AssignmentForm {
    #[serde(default)]
    csrf: String,
    seen: i64,
    #[serde(default)]
    v: Vec<String>,
    /// An «Alla/inga» button pressed instead of saving: `fraga-{column}` or `org-{row}`.
    vaxla: Option<String>,
}

/// What an «Alla/inga» button flips: a question's column or an organisation's row.
enum Toggle {
    Column(usize),
    Row(usize),
}

impl Toggle {
    fn parse(value: &str) -> Option<Toggle> {
        match value.split_once('-')? {
            ("fraga", i) => i.parse().ok().map(Toggle::Column),
            ("org", i) => i.parse().ok().map(Toggle::Row),
            _ => None,
        }
    }
}

/// A column of the matrix: one question, headed by its section's report number.
struct Column {
    reference: QuestionRef,
    /// `1.2.1`, or `1.2.1 b` where a section asks more than one question.
    label: String,
    heading: String,
    text: String,
}

/// A row of the matrix: one active organisation and the questions it answers.
struct Row {
    /// The row's place in the matrix, which names its cells in the form.
    index: usize,
    organisation: Organisation,
    cells: Vec<bool>,
}

impl Row {
    fn count(&self) -> usize {
        self.cells.iter().filter(|c| **c).count()
    }
}

/// The organisations of one kind, as a group of rows.
struct Group {
    label: &'static str,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "assignment.html")]
struct AssignmentPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    round: &'a Round,
    columns: Vec<Column>,
    groups: Vec<Group>,
    /// The settings' change counter the page was built from; a save from an older page is refused.
    seen: i64,
    /// Whether the round still takes changes to its assignment (draft or open).
    editable: bool,
    saved: bool,
    /// The matrix shows ticks changed by «Alla/inga» that are not stored yet.
    unsaved: bool,
    error: Option<String>,
}

impl AssignmentPage<'_> {
    /// Shows `chosen` (question, organisation) in the cells instead of what is stored.
    fn show_chosen(&mut self, columns: &[Column], chosen: &HashSet<(QuestionRef, Key)>) {
        for row in self.groups.iter_mut().flat_map(|g| &mut g.rows) {
            for (cell, column) in row.cells.iter_mut().zip(columns) {
                *cell = chosen.contains(&(column.reference.clone(), row.organisation.key.clone()));
            }
        }
    }

    /// How many organisations answer the question in a column.
    fn column_count(&self, column: &usize) -> usize {
        self.groups
            .iter()
            .flat_map(|g| &g.rows)
            .filter(|r| r.cells[*column])
            .count()
    }

    fn organisation_count(&self) -> usize {
        self.groups.iter().map(|g| g.rows.len()).sum()
    }
}

/// The round's questions in report order, each with its number in the round.
fn columns(documents: &[Document]) -> Vec<Column> {
    let refs: Vec<&Document> = documents.iter().collect();
    let mut numbers = question_numbers(&refs);
    numbered_questions(&refs, |_| true)
        .into_iter()
        .map(|found| Column {
            label: numbers.remove(&found.reference).unwrap_or_default(),
            reference: found.reference,
            heading: found.heading.text,
            text: found.question.text.clone(),
        })
        .collect()
}

/// The active organisations grouped by kind, each group sorted the Swedish way.
fn organisations(definitions: &Definitions) -> Vec<Organisation> {
    let mut active: Vec<Organisation> = definitions
        .organisations
        .iter()
        .filter(|o| o.active)
        .cloned()
        .collect();
    active.sort_by_cached_key(|o| (o.kind, swedish_key(&o.name)));
    active
}

fn build<'a>(
    caller: &'a Caller,
    definitions: &Definitions,
    round: &'a Round,
    seen: i64,
) -> AssignmentPage<'a> {
    let columns = columns(&round_documents(definitions, round));
    let mut groups: Vec<Group> = Vec::new();
    for (index, organisation) in organisations(definitions).into_iter().enumerate() {
        let cells: Vec<bool> = columns
            .iter()
            .map(|c| round.is_assigned(&c.reference, &organisation))
            .collect();
        let label = organisation.kind.plural();
        let row = Row {
            index,
            organisation,
            cells,
        };
        match groups.last_mut() {
            Some(group) if group.label == label => group.rows.push(row),
            _ => groups.push(Group {
                label,
                rows: vec![row],
            }),
        }
    }
    AssignmentPage {
        nav: caller.nav(),
        csrf: caller.csrf(),
        round,
        columns,
        groups,
        seen,
        editable: matches!(round.state, RoundState::Draft | RoundState::Open),
        saved: false,
        unsaved: false,
        error: None,
    }
}

#[derive(Deserialize)]
struct Shown {
    #[serde(default)]
    sparat: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
    Query(shown): Query<Shown>,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let (seen, _) = state.store.definitions_at().await?;
    let (definitions, index) = visible_round(&state.store, &caller.actor, &round).await?;
    let mut page_data = build(&caller, &definitions, &definitions.rounds[index], seen);
    page_data.saved = shown.sparat.is_some();
    Ok(page(page_data, StatusCode::OK))
}

async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
    Form(form): Form<AssignmentForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let (definitions, index) = visible_round(&state.store, &caller.actor, &round).await?;
    let stored = &definitions.rounds[index];
    let columns = columns(&round_documents(&definitions, stored));
    let organisations = organisations(&definitions);
    let mut chosen: HashSet<(QuestionRef, Key)> = HashSet::new();
    for cell in &form.v {
        let picked = cell.split_once('-').and_then(|(q, o)| {
            let question = columns.get(q.parse::<usize>().ok()?)?;
            let organisation = organisations.get(o.parse::<usize>().ok()?)?;
            Some((question.reference.clone(), organisation.key.clone()))
        });
        let picked = picked.ok_or_else(|| {
            Failure::bad_request("v", format!("«{cell}» är ingen ruta i tilldelningen"))
        })?;
        chosen.insert(picked);
    }
    if let Some(value) = &form.vaxla {
        let toggle = Toggle::parse(value).ok_or_else(|| {
            Failure::bad_request("vaxla", format!("«{value}» är ingen rad eller kolumn"))
        })?;
        let cells: Vec<(QuestionRef, Key)> = match toggle {
            Toggle::Column(i) => {
                let column = columns.get(i).ok_or_else(|| {
                    Failure::bad_request("vaxla", format!("kolumn {i} finns inte"))
                })?;
                organisations
                    .iter()
                    .map(|o| (column.reference.clone(), o.key.clone()))
                    .collect()
            }
            Toggle::Row(i) => {
                let organisation = organisations
                    .get(i)
                    .ok_or_else(|| Failure::bad_request("vaxla", format!("rad {i} finns inte")))?;
                columns
                    .iter()
                    .map(|c| (c.reference.clone(), organisation.key.clone()))
                    .collect()
            }
        };
        let all = cells.iter().all(|cell| chosen.contains(cell));
        for cell in cells {
            if all {
                chosen.remove(&cell);
            } else {
                chosen.insert(cell);
            }
        }
        let mut shown = build(&caller, &definitions, stored, form.seen);
        shown.show_chosen(&columns, &chosen);
        shown.unsaved = true;
        return Ok(page(shown, StatusCode::OK));
    }
    match rounds::assign(&state.app, &caller.actor, &round, &chosen, form.seen).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/omgangar/{round}/tilldelning?sparat=1")).into_response())
        }
        Err(RoundError::Unasked(unasked)) => {
            let labels: Vec<&str> = columns
                .iter()
                .filter(|c| unasked.contains(&c.reference))
                .map(|c| c.label.as_str())
                .collect();
            let mut refused = build(&caller, &definitions, stored, form.seen);
            refused.show_chosen(&columns, &chosen);
            refused.error = Some(format!(
                "Varje fråga måste ställas till minst en organisation. Ingen är vald för {}.",
                labels.join(", ")
            ));
            Ok(page(refused, StatusCode::BAD_REQUEST))
        }
        Err(RoundError::Store(StoreError::Changed)) => {
            let (seen, _) = state.store.definitions_at().await?;
            let (definitions, index) = visible_round(&state.store, &caller.actor, &round).await?;
            let mut current = build(&caller, &definitions, &definitions.rounds[index], seen);
            current.error = Some(format!(
                "{} Tabellen visar nu det som är sparat.",
                capitalised(&StoreError::Changed.to_string())
            ));
            Ok(page(current, StatusCode::CONFLICT))
        }
        Err(other) => Err(other.into()),
    }
}
