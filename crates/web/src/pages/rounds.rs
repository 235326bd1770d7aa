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
    Entry, Key, Organisation, OrganisationKind, ResponseState, Role, Round, RoundState,
    number_round,
};

use crate::auth::Caller;
use crate::layout::{Nav, days_left};
use crate::{AppState, WebError};
use uppfolj_app::reports::round_documents;
use uppfolj_app::responses::{CoverageRow, ProgressRow, coverage, load, progress};

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
    /// Answered, but a required comment missing: to mend before submitting.
    needs_attention: usize,
    assigned: usize,
    /// The organisation's last day: the round's, or its extension.
    closes: time::Date,
    /// Days left or late, in words; `None` once submitted or accepted.
    deadline: Option<String>,
}

/// The coordinator's coverage board for the current round: organisations × documents, filtered.
struct Board {
    round: Round,
    /// Each document's title and the short name its column shows.
    documents: Vec<(String, String)>,
    rows: Vec<CoverageRow>,
    /// How many organisations the round asks anything of, before filtering.
    total: usize,
    /// The filters as chosen: a response state (or `ej-klara`), an organisation kind.
    status: String,
    kind: String,
    /// Whether e-mail can be sent, to offer reminders.
    mail: bool,
    csrf: String,
    /// How many organisations are in each response state, before filtering: value, label, count.
    counts: Vec<(&'static str, &'static str, usize)>,
    /// What the reminder just sent reached, in words.
    reminded: Option<String>,
}

impl Board {
    /// The state filter's choices: value and label.
    fn states(&self) -> Vec<(&'static str, &'static str)> {
        let mut states = vec![("", "Alla"), ("ej-klara", "Inte inskickade")];
        states.extend(ResponseState::ALL.iter().map(|s| (s.as_str(), s.label())));
        states
    }

    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        let mut kinds = vec![("", "Alla")];
        kinds.extend(
            OrganisationKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.plural())),
        );
        kinds
    }

    /// When the organisation was last reminded, or a dash.
    fn reminded_at(&self, row: &CoverageRow) -> String {
        row.last_reminded
            .map_or_else(|| "–".to_owned(), uppfolj_model::text::swedish_time)
    }

    /// How many organisations shown have not submitted: whom «Påminn alla» reaches.
    fn unsubmitted_shown(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| !r.progress.state.is_submitted())
            .count()
    }

    fn deadline(&self, row: &CoverageRow) -> String {
        row.progress.days_left.map(days_left).unwrap_or_default()
    }

    /// A cell's look: everything answered, some, or nothing yet (the text says the same).
    fn cell_class(&self, cell: &(usize, usize)) -> &'static str {
        match cell {
            (_, 0) => "cell-none",
            (done, of) if done == of => "cell-done",
            (0, _) => "cell-empty",
            _ => "cell-partly",
        }
    }
}

/// The board's filters, from the query string.
#[derive(Deserialize)]
pub(super) struct BoardFilter {
    #[serde(default)]
    status: String,
    #[serde(default)]
    typ: String,
    /// What a reminder sent from the board reached, to say so on coming back.
    paminnelse: Option<String>,
}

impl BoardFilter {
    /// The filter a reminder form carried back from the board.
    pub(super) fn new(status: &str, typ: &str) -> BoardFilter {
        BoardFilter {
            status: status.to_owned(),
            typ: typ.to_owned(),
            paminnelse: None,
        }
    }

    fn admits(&self, row: &CoverageRow) -> bool {
        self.admits_progress(&row.progress)
    }

    /// Whether the board shows an organisation with this progress.
    pub(super) fn admits_progress(&self, progress: &ProgressRow) -> bool {
        let state = progress.state;
        let by_state = match self.status.as_str() {
            "" => true,
            "ej-klara" => !state.is_submitted(),
            chosen => state.as_str() == chosen,
        };
        by_state && (self.typ.is_empty() || progress.organisation.kind.as_str() == self.typ)
    }
}

/// The round a coordinator follows now: the open one closing last, else the latest by year.
fn current_round(rounds: &[Round]) -> Option<&Round> {
    rounds
        .iter()
        .filter(|r| r.state == RoundState::Open)
        .max_by_key(|r| r.closes)
        .or_else(|| rounds.iter().max_by_key(|r| r.year))
}

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    nav: Option<Nav>,
    board: Option<Board>,
    rounds: Vec<Round>,
    to_answer: Vec<ToAnswer>,
    documents: Vec<(String, &'static str, usize)>,
    organisations: usize,
    /// Whether the caller manages rounds: links to managing them, and the hint on an empty list.
    manage: bool,
}

async fn start(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<BoardFilter>,
) -> Result<Html<String>, WebError> {
    let definitions = state.store.definitions().await?;
    let mut board = None;
    if caller.actor.may_manage()
        && let Some(round) = current_round(&definitions.rounds)
    {
        let rows = coverage(&state.app, &caller.actor, &definitions, round).await?;
        let total = rows.len();
        let counts = ResponseState::ALL
            .iter()
            .map(|s| {
                let n = rows.iter().filter(|r| r.progress.state == *s).count();
                (s.as_str(), s.label(), n)
            })
            .collect();
        board = Some(Board {
            round: round.clone(),
            documents: {
                let documents = round_documents(&definitions, round);
                let short = uppfolj_model::short_names(&documents);
                documents.into_iter().map(|d| d.title).zip(short).collect()
            },
            rows: rows.into_iter().filter(|r| filter.admits(r)).collect(),
            total,
            status: filter.status.clone(),
            kind: filter.typ.clone(),
            mail: state.config.mailer.is_some(),
            csrf: caller.csrf().to_owned(),
            counts,
            reminded: filter.paminnelse.clone(),
        });
    }
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
            for row in progress(&state.app, &caller.actor, &definitions, round).await? {
                if caller.actor.may_answer_for(&row.organisation.key) {
                    let view = load(
                        &state.app,
                        &caller.actor,
                        round.key.as_str(),
                        row.organisation.key.as_str(),
                    )
                    .await?;
                    to_answer.push(ToAnswer {
                        needs_attention: view.needs_attention(),
                        closes: round.closes_for(&row.organisation.key),
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
        nav: caller.nav(),
        board,
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
    nav: Option<Nav>,
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
    let documents = round_documents(&definitions, &round);
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
        nav: caller.nav(),
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
