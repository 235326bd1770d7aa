//! The answer form for one round and organisation: the round's documents with their numbered
//! headings in report order, each assigned question as a form of its own (answer options as
//! radio buttons, a comment, last round's answer with a button to take it over, and whether it is
//! saved). Read-only for those who may read but not answer, and once the response is submitted.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use time::OffsetDateTime;
use uppfolj_model::form::take_over;
use uppfolj_model::{
    AnswerInput, AnswerScale, Document, Entry, FormQuestion, InputError, Organisation, QuestionRef,
    QuestionStatus, ResponseState, Round, ScaleKind, number_round,
};

use super::addresses::{field_id, question_id, response_path};
use crate::auth::Caller;
use crate::layout::capitalised;
use crate::layout::{Nav, days_left, page, saved};
use crate::{AppState, WebError};
use uppfolj_app::responses::{ResponseView, load};

pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/svar/{organisation}", get(show))
}

/// What the form says after «Ta över alla»: how many answers it took over.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Shown {
    overtagna: Option<usize>,
    /// Which questions to show: all, or only `obesvarade` or `atgarda`.
    visa: Option<String>,
}

/// The questions the form shows: all, or those still to do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    Unanswered,
    NeedsAttention,
}

impl Filter {
    fn parse(visa: Option<&str>) -> Filter {
        match visa {
            Some("obesvarade") => Filter::Unanswered,
            Some("atgarda") => Filter::NeedsAttention,
            _ => Filter::All,
        }
    }

    fn shows(self, status: &QuestionStatus) -> bool {
        match self {
            Filter::All => true,
            Filter::Unanswered => *status == QuestionStatus::Unanswered,
            Filter::NeedsAttention => status.needs_attention(),
        }
    }
}

/// A question's status as the page's markup names it (`data-status`), for the script that keeps
/// the progress line current.
pub(super) fn status_name(status: &QuestionStatus) -> &'static str {
    match status {
        QuestionStatus::Unanswered => "obesvarad",
        QuestionStatus::NeedsAttention { .. } => "atgarda",
        QuestionStatus::Done => "klar",
    }
}

/// What the form says at a question that needs attention.
pub(super) fn attention_notice(status: &QuestionStatus) -> Option<String> {
    match status {
        QuestionStatus::NeedsAttention { message, .. } => Some(format!("Frågan {message}.")),
        _ => None,
    }
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
    Query(shown): Query<Shown>,
) -> Result<Response, WebError> {
    let view = load(&state.app, &caller.actor, &round, &organisation).await?;
    let filter = Filter::parse(shown.visa.as_deref());
    Ok(page(
        form_page(&caller, &view, None, shown.overtagna, filter),
        StatusCode::OK,
    ))
}

/// A save refused before anything was stored, shown on the form at its question and field.
pub(super) struct Refused {
    pub question: QuestionRef,
    pub input: AnswerInput,
    pub error: InputError,
}

/// One line of the form: a numbered heading or a question.
enum Line {
    Heading {
        level: usize,
        number: String,
        text: String,
        /// The heading's id, for the contents to link to.
        id: String,
    },
    Question(Box<QuestionView>),
}

/// One answer option as a radio button.
struct Choice {
    key: String,
    label: String,
    checked: bool,
}

/// Last round's answer beside a question.
struct Previous {
    label: Option<String>,
    comment: String,
}

struct QuestionView {
    /// Unique on the page; the question's section is `fraga-{id}`.
    id: String,
    /// The question's number in the round, as every view shows it.
    number: String,
    /// `obesvarad`, `atgarda` or `klar` ([`status_name`]).
    status: &'static str,
    /// What the question lacks before the response can be submitted, though answered.
    attention: Option<String>,
    action: String,
    text: String,
    audience: Option<String>,
    guidance: Vec<String>,
    /// The options of a choice scale; empty for a text or number answer.
    choices: Vec<Choice>,
    /// The answer as text, for a text or number scale.
    free_value: String,
    unit: Option<String>,
    comment: String,
    comment_rule: Option<String>,
    /// The comment is not for publication.
    withheld: bool,
    version: i64,
    /// «Sparat 2026-11-26 14:03 av …» or «Ej besvarad».
    saved: String,
    /// The stored answer's label, for the read-only form.
    label: Option<String>,
    previous: Option<Previous>,
    /// The field a refused save concerns (`svar` or `kommentar`) and why.
    error: Option<(&'static str, String)>,
}

impl QuestionView {
    fn invalid(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|(f, _)| *f == field)
    }
}

#[derive(Template)]
#[template(path = "answer_form.html")]
struct FormPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    round: &'a Round,
    organisation: &'a Organisation,
    base: String,
    state: ResponseState,
    message: Option<&'a str>,
    editable: bool,
    takes_answers: bool,
    reviewer: bool,
    previous_round: Option<&'a str>,
    answered: usize,
    /// Answered, but a required comment is missing (or the answer no longer fits its scale).
    needs_attention: usize,
    total: usize,
    /// The organisation's last day: the round's, or its extension.
    closes: time::Date,
    deadline: String,
    lines: Vec<Line>,
    /// The sections with questions, for the contents: the heading, and done of asked under it.
    contents: Vec<ContentsEntry>,
    filter: Filter,
    /// A refused save: the field's id and the message, for the summary at the top.
    refused: Option<(String, String)>,
    /// How many unanswered questions «Ta över alla» would fill from last round.
    takeable: usize,
    /// How many it just took over.
    taken_over: Option<usize>,
}

/// A heading in the form's contents, with how many of the questions under it are done.
struct ContentsEntry {
    id: String,
    level: usize,
    heading: String,
    done: usize,
    asked: usize,
}

/// Renders the form; a refused save shows what was posted with its error at the question.
pub(super) fn render(
    caller: &Caller,
    view: &ResponseView,
    refused: Option<Refused>,
    status: StatusCode,
) -> Response {
    page(form_page(caller, view, refused, None, Filter::All), status)
}

fn form_page<'a>(
    caller: &'a Caller,
    view: &'a ResponseView,
    refused: Option<Refused>,
    taken_over: Option<usize>,
    filter: Filter,
) -> FormPage<'a> {
    let round = view.round();
    let base = response_path(round.key.as_str(), view.organisation.key.as_str());
    let editable = caller.actor.may_answer_for(&view.organisation.key)
        && view.status.state.is_editable()
        && view.round_takes_answers();
    let form = view.form();
    let mut lines = Vec::new();
    let mut summary = None;
    let refs: Vec<_> = view.documents.iter().collect();
    let assigned: HashSet<&QuestionRef> = form.iter().map(|f| &f.reference).collect();
    for entry in number_round(&refs, |q| assigned.contains(q)) {
        match entry {
            Entry::Heading(h) => lines.push(Line::Heading {
                level: (h.level + 1).min(6),
                id: heading_id(&h.number),
                number: h.number,
                text: h.text,
            }),
            Entry::Question { reference, .. } => {
                let Some(f) = form.iter().find(|f| f.reference == reference) else {
                    continue;
                };
                let status = f.status();
                if !filter.shows(&status) {
                    continue;
                }
                let id = question_id(&reference);
                let mut question = QuestionView {
                    number: f.number.clone(),
                    status: status_name(&status),
                    attention: attention_notice(&status),
                    action: format!(
                        "{base}/fragor/{}/{}",
                        reference.document, reference.question
                    ),
                    text: f.question.text.clone(),
                    audience: f.question.audience.clone(),
                    guidance: f.question.guidance.clone(),
                    choices: Vec::new(),
                    free_value: String::new(),
                    unit: match &f.scale.kind {
                        ScaleKind::Number { unit } => Some(unit.clone()),
                        _ => None,
                    },
                    comment: f.answer.map(|a| a.comment.clone()).unwrap_or_default(),
                    comment_rule: comment_rule(f.question, f.scale),
                    withheld: f.answer.is_some_and(|a| a.withheld),
                    version: f.answer.map_or(0, |a| a.version),
                    saved: f.answer.map_or_else(|| "Ej besvarad".to_owned(), saved),
                    label: f
                        .answer
                        .and_then(|a| a.value.as_ref())
                        .map(|v| f.scale.display(v)),
                    previous: f.previous.map(|p| Previous {
                        label: p.value.as_ref().map(|v| f.scale.display(v)),
                        comment: p.comment.clone(),
                    }),
                    error: None,
                    id,
                };
                let stored = f
                    .answer
                    .and_then(|a| a.value.as_ref())
                    .map(|v| v.to_stored());
                let mut chosen = stored.clone();
                question.free_value = stored.unwrap_or_default();
                if let Some(r) = refused.as_ref().filter(|r| r.question == reference) {
                    let given = r.input.value.clone().unwrap_or_default();
                    chosen = f.scale.parse_value(&given).ok().map(|v| v.to_stored());
                    question.free_value = given;
                    question.comment = r.input.comment.clone();
                    let field = field_id(r.error.field);
                    let message = capitalised(&r.error.message);
                    summary = Some((format!("{field}-{}", question.id), message.clone()));
                    question.error = Some((field, message));
                }
                question.choices = choices(f.scale, chosen.as_deref());
                lines.push(Line::Question(Box::new(question)));
            }
        }
    }
    let contents = contents(&refs, &form);
    if filter != Filter::All {
        drop_empty_headings(&mut lines);
    }
    let today = OffsetDateTime::now_utc().date();
    let closes = round.closes_for(&view.organisation.key);
    let takeable = if editable && view.round_takes_answers() {
        take_over(&form).len()
    } else {
        0
    };
    FormPage {
        nav: caller.nav(),
        csrf: caller.csrf(),
        round,
        organisation: &view.organisation,
        state: view.status.state,
        message: view.status.message.as_deref(),
        editable,
        takes_answers: view.round_takes_answers(),
        reviewer: caller.actor.may_manage(),
        previous_round: view.previous_round.as_deref(),
        answered: view.answered(),
        needs_attention: form.iter().filter(|f| f.status().needs_attention()).count(),
        total: form.len(),
        contents,
        filter,
        closes,
        deadline: days_left((closes - today).whole_days()),
        lines,
        refused: summary,
        base,
        takeable,
        taken_over,
    }
}

/// The id of a numbered heading on the form, for the contents to link to.
fn heading_id(number: &str) -> String {
    format!("avsnitt-{}", number.replace('.', "-"))
}

/// The form's contents: every heading with questions under it (at any depth), and how many of
/// those are done; from all the form's questions, whatever the filter shows.
fn contents(documents: &[&Document], form: &[FormQuestion<'_>]) -> Vec<ContentsEntry> {
    let done: HashMap<&QuestionRef, bool> = form
        .iter()
        .map(|f| (&f.reference, f.status() == QuestionStatus::Done))
        .collect();
    let mut entries: Vec<ContentsEntry> = Vec::new();
    let mut enclosing: Vec<usize> = Vec::new();
    for entry in number_round(documents, |q| done.contains_key(q)) {
        match entry {
            Entry::Heading(h) => {
                enclosing.retain(|&i| entries[i].level < h.level);
                enclosing.push(entries.len());
                entries.push(ContentsEntry {
                    id: heading_id(&h.number),
                    level: h.level,
                    heading: h.numbered(),
                    done: 0,
                    asked: 0,
                });
            }
            Entry::Question { reference, .. } => {
                let finished = done.get(&reference).copied().unwrap_or(false);
                for &i in &enclosing {
                    entries[i].asked += 1;
                    entries[i].done += usize::from(finished);
                }
            }
        }
    }
    entries.retain(|e| e.asked > 0);
    entries
}

/// Leaves out the headings under which the filter shows no question.
fn drop_empty_headings(lines: &mut Vec<Line>) {
    let keep: Vec<bool> = (0..lines.len())
        .map(|i| match &lines[i] {
            Line::Question(_) => true,
            Line::Heading { level, .. } => lines[i + 1..]
                .iter()
                .take_while(|l| !matches!(l, Line::Heading { level: below, .. } if below <= level))
                .any(|l| matches!(l, Line::Question(_))),
        })
        .collect();
    let mut keep = keep.into_iter();
    lines.retain(|_| keep.next().unwrap_or(true));
}

fn choices(scale: &AnswerScale, chosen: Option<&str>) -> Vec<Choice> {
    scale
        .options()
        .iter()
        .map(|o| Choice {
            key: o.key.to_string(),
            label: o.label.clone(),
            checked: chosen == Some(o.key.as_str()),
        })
        .collect()
}

/// The comment rule in words, shown under the comment's label.
fn comment_rule(question: &uppfolj_model::Question, scale: &AnswerScale) -> Option<String> {
    match &question.comment {
        uppfolj_model::CommentRule::Optional => None,
        uppfolj_model::CommentRule::Required => Some("Kommentar krävs.".to_owned()),
        uppfolj_model::CommentRule::RequiredFor(options) => {
            let labels: Vec<&str> = scale
                .options()
                .iter()
                .filter(|o| options.contains(&o.key))
                .map(|o| o.label.as_str())
                .collect();
            Some(format!(
                "Kommentar krävs om svaret är {}.",
                labels.join(" eller ")
            ))
        }
    }
}
