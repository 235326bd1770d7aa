//! The read-only pages: rounds, and a round's documents with their numbered questions.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;
use uppfolj_model::text::swedish_cmp;
use uppfolj_model::{
    Entry, Key, Organisation, ResponseState, Role, Round, RoundState, number_round,
};

use super::days_left;
use crate::auth::Caller;
use crate::responses::progress;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(start))
        .route("/omgangar/{round}", get(round))
}

/// A response the caller answers for, on the start page.
struct ToAnswer {
    round: Round,
    organisation: Organisation,
    state: ResponseState,
    answered: usize,
    assigned: usize,
    /// Days left or late, in words; `None` once submitted or accepted.
    deadline: Option<String>,
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    csrf: String,
    rounds: Vec<Round>,
    to_answer: Vec<ToAnswer>,
    documents: Vec<(String, &'static str, usize)>,
    organisations: usize,
    /// Whether the caller manages rounds: links to managing them, and the hint on an empty list.
    manage: bool,
}

async fn start(State(state): State<AppState>, caller: Caller) -> Result<Html<String>, WebError> {
    let definitions = state.store.definitions().await?;
    let documents = definitions
        .documents
        .iter()
        .map(|d| {
            (
                d.title.clone(),
                d.kind.as_str(),
                d.current().all_questions().count(),
            )
        })
        .collect();
    let mut to_answer = Vec::new();
    if caller.actor.role == Role::Uppgiftslamnare {
        for round in definitions
            .rounds
            .iter()
            .filter(|r| r.state == RoundState::Open && caller.actor.may_see_round(r.state))
        {
            for row in progress(&state, &caller, &definitions, round).await? {
                if caller.actor.may_answer_for(&row.organisation.key) {
                    to_answer.push(ToAnswer {
                        round: round.clone(),
                        organisation: row.organisation,
                        state: row.state,
                        answered: row.answered,
                        assigned: row.assigned,
                        deadline: row.days_left.map(days_left),
                    });
                }
            }
        }
    }
    let page = StartPage {
        csrf: caller.session.map(|s| s.csrf).unwrap_or_default(),
        to_answer,
        rounds: definitions
            .rounds
            .iter()
            .filter(|r| caller.actor.may_see_round(r.state))
            .cloned()
            .collect(),
        documents,
        organisations: definitions.organisations.len(),
        manage: caller.actor.may_manage(),
    };
    Ok(Html(
        page.render().map_err(|e| WebError::Render(e.to_string()))?,
    ))
}

#[derive(Deserialize)]
struct RoundQuery {
    organisation: Option<String>,
}

/// One line of the round page.
enum Line {
    Heading {
        level: usize,
        number: String,
        text: String,
    },
    Question {
        text: String,
        guidance: Vec<String>,
        audience: Option<String>,
        options: String,
        assigned_to: usize,
    },
}

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    round: Round,
    lines: Vec<Line>,
    organisations: Vec<(Organisation, usize)>,
    chosen: Option<Organisation>,
    questions: usize,
    /// Whether the caller may read the round's compilation, to link to it.
    compilation: bool,
    /// Whether the caller answers for the chosen organisation, to link to its form.
    answers_for_chosen: bool,
    /// Whether the caller manages rounds, to link to this one's management.
    manage: bool,
}

async fn round(
    State(state): State<AppState>,
    caller: Caller,
    Path(round_key): Path<String>,
    Query(query): Query<RoundQuery>,
) -> Result<Html<String>, WebError> {
    let not_found = || WebError::NotFound(format!("omgången «{round_key}»"));
    let key = Key::parse(&round_key).map_err(|_| not_found())?;
    let definitions = state.store.definitions().await?;
    let round = definitions
        .rounds
        .iter()
        .find(|r| r.key == key && caller.actor.may_see_round(r.state))
        .cloned()
        .ok_or_else(not_found)?;
    let chosen = match &query.organisation {
        None => None,
        Some(text) if text.is_empty() => None,
        Some(text) => Some(
            definitions
                .organisations
                .iter()
                .find(|o| o.key.as_str() == text)
                .cloned()
                .ok_or_else(|| WebError::NotFound(format!("organisationen «{text}»")))?,
        ),
    };
    let documents: Vec<_> = round
        .documents
        .iter()
        .filter_map(|k| definitions.documents.iter().find(|d| &d.key == k))
        .map(|d| d.current())
        .collect();
    let scales: HashMap<_, _> = definitions.scales.iter().map(|s| (&s.key, s)).collect();
    let active: Vec<&Organisation> = definitions
        .organisations
        .iter()
        .filter(|o| o.active)
        .collect();
    let document_refs: Vec<_> = documents.iter().collect();
    let entries = number_round(&document_refs, |q| {
        chosen.as_ref().is_none_or(|o| round.is_assigned(q, o))
    });
    let mut questions = 0;
    let lines = entries
        .into_iter()
        .map(|entry| match entry {
            Entry::Heading(h) => Line::Heading {
                level: (h.level + 1).min(6),
                number: h.number,
                text: h.text,
            },
            Entry::Question {
                reference,
                question,
            } => {
                questions += 1;
                Line::Question {
                    text: question.text.clone(),
                    guidance: question.guidance.clone(),
                    audience: question.audience.clone(),
                    options: scales.get(&question.scale).map_or_else(String::new, |s| {
                        let labels: Vec<&str> =
                            s.options().iter().map(|o| o.label.as_str()).collect();
                        if labels.is_empty() {
                            s.name.clone()
                        } else {
                            labels.join(" / ")
                        }
                    }),
                    assigned_to: active
                        .iter()
                        .filter(|o| round.is_assigned(&reference, o))
                        .count(),
                }
            }
        })
        .collect();
    let mut organisations: Vec<(Organisation, usize)> = active
        .iter()
        .map(|o| {
            let count = round.assigned_questions(&documents, o).len();
            ((*o).clone(), count)
        })
        .collect();
    organisations.sort_by(|a, b| swedish_cmp(&a.0.name, &b.0.name));
    let page = RoundPage {
        compilation: caller.actor.may_read_compilation(round.state),
        answers_for_chosen: chosen
            .as_ref()
            .is_some_and(|o| caller.actor.may_answer_for(&o.key)),
        manage: caller.actor.may_manage(),
        round,
        lines,
        organisations,
        chosen,
        questions,
    };
    Ok(Html(
        page.render().map_err(|e| WebError::Render(e.to_string()))?,
    ))
}
