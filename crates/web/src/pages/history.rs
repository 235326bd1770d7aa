//! A response's history: every change of every answer with who, when, and the value and comment
//! before and after, per question in report order; and the response's way through the workflow.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uppfolj_model::{AnswerChange, AnswerValue, Entry, Round, number_round, question_numbers};

use super::addresses::{question_id, response_path};
use crate::auth::Caller;
use crate::layout::{Nav, page};
use crate::{AppState, WebError};
use uppfolj_app::reports::round_documents;
use uppfolj_app::responses::history;
use uppfolj_model::text::swedish_time;

pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/svar/{organisation}/historik", get(show))
}

/// One change as shown: values as their labels.
struct Change {
    version: i64,
    at: String,
    by: String,
    old_answer: String,
    old_comment: String,
    new_answer: String,
    new_comment: String,
}

/// A question with its changes, oldest first.
struct QuestionChanges {
    id: String,
    number: String,
    text: String,
    changes: Vec<Change>,
}

struct Event {
    at: String,
    by: String,
    state: &'static str,
    message: String,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage<'a> {
    nav: Option<Nav>,
    round: &'a Round,
    organisation: &'a str,
    base: String,
    questions: Vec<QuestionChanges>,
    events: Vec<Event>,
    /// This page of the answers' changes and how many there are, and the changes in all.
    page: i64,
    pages: i64,
    total: i64,
}

/// Which page of the changes to show: `?sida=2`.
#[derive(serde::Deserialize)]
struct Shown {
    sida: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
    Query(shown): Query<Shown>,
) -> Result<Response, WebError> {
    let wanted = match shown.sida.as_deref() {
        None => 1,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| WebError::NotFound(format!("sidan «{text}» av historiken")))?,
    };
    let found = history(
        &state.app,
        &caller.actor,
        &round,
        &organisation,
        None,
        wanted,
    )
    .await?;
    let round = found.round();
    let documents = round_documents(&found.definitions, round);
    let refs: Vec<_> = documents.iter().collect();
    let mut numbers = question_numbers(&refs);
    let mut questions = Vec::new();
    for entry in number_round(&refs, |q| found.changes.iter().any(|c| &c.question == q)) {
        match entry {
            Entry::Heading(_) => {}
            Entry::Question {
                reference,
                question,
            } => {
                let scale = found
                    .definitions
                    .scales
                    .iter()
                    .find(|s| s.key == question.scale);
                let label = |value: &Option<String>| match value {
                    None => "Ej besvarad".to_owned(),
                    Some(stored) => scale
                        .and_then(|s| AnswerValue::from_stored(s, stored).map(|v| s.display(&v)))
                        .unwrap_or_else(|| stored.clone()),
                };
                let changes = found
                    .changes
                    .iter()
                    .filter(|c| c.question == reference)
                    .map(|c: &AnswerChange| Change {
                        version: c.version,
                        at: swedish_time(c.changed_at),
                        by: c.changed_by.clone(),
                        old_answer: label(&c.old_value),
                        old_comment: c.old_comment.clone(),
                        new_answer: label(&c.new_value),
                        new_comment: c.new_comment.clone(),
                    })
                    .collect();
                questions.push(QuestionChanges {
                    id: question_id(&reference),
                    number: numbers.remove(&reference).unwrap_or_default(),
                    text: question.text.clone(),
                    changes,
                });
            }
        }
    }
    let events = found
        .events
        .iter()
        .map(|e| Event {
            at: OffsetDateTime::parse(&e.changed_at, &Rfc3339)
                .map_or_else(|_| e.changed_at.clone(), swedish_time),
            by: e.changed_by.clone(),
            state: e.state.label(),
            message: e.message.clone(),
        })
        .collect();
    Ok(page(
        HistoryPage {
            nav: caller.nav(),
            round,
            organisation: &found.organisation.name,
            base: response_path(round.key.as_str(), found.organisation.key.as_str()),
            questions,
            events,
            page: found.page,
            pages: found.pages,
            total: found.total,
        },
        StatusCode::OK,
    ))
}
