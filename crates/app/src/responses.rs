//! Responses: each organisation's progress and the coordinators' coverage board, loading one
//! organisation's response with last round's answers for someone who may read it, the submit
//! check, submitting, the coordinator's decisions and the history.

use std::collections::HashMap;
use std::sync::Arc;

use time::OffsetDateTime;
use uppfolj_model::{
    Actor, Answer, AnswerChange, AnswerScale, Definitions, Document, FormQuestion, Key,
    Organisation, Question, QuestionRef, ResponseState, Round, RoundState, SubmitProblem,
    TransitionError, check_submission, response_form,
};
use uppfolj_store::{HistoryWindow, ResponseEvent, ResponseStatus, StoreError, WorkflowError};

use crate::lookup::{find_organisation, key, require_coordinator, stored_round, visible_round};
use crate::reports::round_documents;
use crate::{App, LookupError, ResponseError};

/// One organisation's progress in a round.
pub struct ProgressRow {
    pub organisation: Organisation,
    pub state: ResponseState,
    pub answered: usize,
    pub assigned: usize,
    /// The last save or state change, RFC 3339.
    pub last_activity: Option<String>,
    /// Days until the round closes, negative when late; `None` once submitted or accepted.
    pub days_left: Option<i64>,
}

/// Each active organisation's progress in a round it asks something of, as far as `actor`
/// may read the responses.
pub async fn progress(
    app: &App,
    actor: &Actor,
    definitions: &Definitions,
    round: &Round,
) -> Result<Vec<ProgressRow>, StoreError> {
    let documents = round_documents(definitions, round);
    let summaries: HashMap<_, _> = app
        .store
        .responses(&round.key)
        .await?
        .into_iter()
        .map(|s| (s.organisation.clone(), s))
        .collect();
    let today = OffsetDateTime::now_utc().date();
    let mut rows = Vec::new();
    for organisation in definitions.organisations.iter().filter(|o| o.active) {
        let summary = summaries.get(&organisation.key);
        let response_state = summary.map_or(ResponseState::NotStarted, |s| s.state);
        let assigned = round.assigned_questions(&documents, organisation).len();
        if assigned == 0 || !actor.may_read(&organisation.key, round.state, response_state) {
            continue;
        }
        let finished = matches!(
            response_state,
            ResponseState::Submitted | ResponseState::Accepted
        );
        rows.push(ProgressRow {
            organisation: organisation.clone(),
            state: response_state,
            answered: summary.map_or(0, |s| s.answered),
            assigned,
            last_activity: summary.map(|s| s.updated_at.clone()),
            days_left: (!finished)
                .then(|| (round.closes_for(&organisation.key) - today).whole_days()),
        });
    }
    Ok(rows)
}

/// One organisation's line on the coordinator's coverage board: its progress, and for each of
/// the round's documents, in order, how many of its assigned questions have an answer.
pub struct CoverageRow {
    pub progress: ProgressRow,
    /// Answered and assigned per document; `(0, 0)` where the document asks it nothing.
    pub documents: Vec<(usize, usize)>,
    /// When the organisation was last reminded to answer the round.
    pub last_reminded: Option<OffsetDateTime>,
}

/// The coverage board: [`progress`] broken down by document.
pub async fn coverage(
    app: &App,
    actor: &Actor,
    definitions: &Definitions,
    round: &Round,
) -> Result<Vec<CoverageRow>, ResponseError> {
    let rows = progress(app, actor, definitions, round).await?;
    let mut reminded = app.store.last_reminders(&round.key).await?;
    let documents = round_documents(definitions, round);
    let answered: HashMap<Key, Vec<QuestionRef>> = app
        .store
        .round_responses(&round.key, &definitions.scales)
        .await?
        .into_iter()
        .map(|r| {
            let given = r
                .answers
                .iter()
                .filter(|(_, given)| given.value.is_some())
                .map(|(question, _)| question.clone())
                .collect();
            (r.organisation, given)
        })
        .collect();
    Ok(rows
        .into_iter()
        .map(|progress| {
            let given = answered.get(&progress.organisation.key);
            let documents = documents
                .iter()
                .map(|document| {
                    let assigned = round
                        .assigned_questions(std::slice::from_ref(document), &progress.organisation);
                    let done = assigned
                        .iter()
                        .filter(|q| given.is_some_and(|g| g.contains(q)))
                        .count();
                    (done, assigned.len())
                })
                .collect();
            CoverageRow {
                last_reminded: reminded.remove(&progress.organisation.key),
                progress,
                documents,
            }
        })
        .collect())
}

/// One organisation's response in a round, loaded for someone who may read it.
pub struct ResponseView {
    pub definitions: Arc<Definitions>,
    index: usize,
    pub organisation: Organisation,
    pub status: ResponseStatus,
    pub answers: HashMap<QuestionRef, Answer>,
    /// The name of the latest earlier round the organisation answered, if any.
    pub previous_round: Option<String>,
    /// The organisation's answers in that round; empty without one.
    pub previous: HashMap<QuestionRef, Answer>,
    /// The round's documents as asked, in report order.
    pub documents: Arc<[Document]>,
}

impl ResponseView {
    pub fn round(&self) -> &Round {
        &self.definitions.rounds[self.index]
    }

    /// The questions assigned to the organisation in report order, with answers and last round's.
    pub fn form(&self) -> Vec<FormQuestion<'_>> {
        let refs: Vec<&Document> = self.documents.iter().collect();
        response_form(
            self.round(),
            &refs,
            &self.definitions.scales,
            &self.organisation,
            &self.answers,
            &self.previous,
        )
    }

    /// How many of the assigned questions have an answer (a comment alone is not one).
    pub fn answered(&self) -> usize {
        self.form()
            .iter()
            .filter(|f| f.answer.is_some_and(|a| a.value.is_some()))
            .count()
    }

    /// How many answered questions need attention before submission (see
    /// [`uppfolj_model::QuestionStatus`]).
    pub fn needs_attention(&self) -> usize {
        self.form()
            .iter()
            .filter(|f| f.status().needs_attention())
            .count()
    }

    /// What stops the response from being submitted now: the check that submitting runs.
    pub fn problems(&self) -> Vec<SubmitProblem> {
        check_submission(&assigned(&self.form()), &self.answers)
    }

    /// Whether the organisation may answer in the round now (see
    /// [`uppfolj_model::Round::takes_answers`]).
    pub fn round_takes_answers(&self) -> bool {
        self.round().takes_answers(self.status.reopened)
    }
}

/// The questions a submit checks, from a form.
fn assigned<'a>(form: &[FormQuestion<'a>]) -> Vec<(QuestionRef, &'a Question, &'a AnswerScale)> {
    form.iter()
        .map(|f| (f.reference.clone(), f.question, f.scale))
        .collect()
}

fn refused_reading(organisation: &Organisation) -> ResponseError {
    ResponseError::Forbidden(format!(
        "du har inte tillgång till svaret från {}",
        organisation.name
    ))
}

/// Loads a response with last round's answers, if `actor` may read it.
pub async fn load(
    app: &App,
    actor: &Actor,
    round: &str,
    organisation: &str,
) -> Result<ResponseView, ResponseError> {
    let (definitions, index) = visible_round(&app.store, actor, round).await?;
    let round = &definitions.rounds[index];
    let organisation = find_organisation(&definitions, organisation)?.clone();
    let (status, answers) = app
        .store
        .response(&round.key, &organisation.key, &definitions.scales)
        .await?;
    if !actor.may_read(&organisation.key, round.state, status.state) {
        return Err(refused_reading(&organisation));
    }
    // Last year's answers exist only if an earlier round does.
    let previous = if definitions.rounds.iter().any(|r| r.year < round.year) {
        app.store
            .previous_answers(&round.key, &organisation.key)
            .await?
    } else {
        None
    };
    let (previous_round, mut previous) = match previous {
        Some((name, _, answers)) => (Some(name), answers),
        None => (None, HashMap::new()),
    };
    let mut answers = answers;
    if !actor.sees_withheld(&organisation.key) {
        for answer in answers.values_mut().chain(previous.values_mut()) {
            *answer = answer.published();
        }
    }
    let documents = app.round_documents(&definitions, index);
    Ok(ResponseView {
        index,
        organisation,
        status,
        answers,
        previous_round,
        previous,
        documents,
        definitions,
    })
}

/// The organisation's key, if `actor` may answer for it.
pub fn may_answer(actor: &Actor, organisation: &str) -> Result<Key, ResponseError> {
    let key = key(organisation, "organisationen")?;
    if actor.may_answer_for(&key) {
        Ok(key)
    } else {
        Err(ResponseError::Forbidden(format!(
            "du svarar inte för organisationen «{organisation}»"
        )))
    }
}

/// The round and organisation a change of state concerns.
async fn context(
    app: &App,
    round: &str,
    organisation: &str,
) -> Result<(Arc<Definitions>, Round, Organisation), LookupError> {
    let round_key = key(round, "omgången")?;
    let definitions = app.store.definitions().await?;
    let round = stored_round(&definitions, &round_key)?;
    let organisation = find_organisation(&definitions, organisation)?.clone();
    Ok((definitions, round, organisation))
}

/// Submits a response: every assigned question answered and every comment rule met, or 422
/// listing each problem. The check runs on the answers as locked for the change.
pub async fn submit(
    app: &App,
    actor: &Actor,
    round: &str,
    organisation: &str,
) -> Result<ResponseState, ResponseError> {
    may_answer(actor, organisation)?;
    let (definitions, round, organisation) = context(app, round, organisation).await?;
    let status = app
        .store
        .response_status(&round.key, &organisation.key)
        .await?;
    if !round.takes_answers(status.reopened) {
        return Err(ResponseError::NotOpen(round.state.predicate().into()));
    }
    let documents = round_documents(&definitions, &round);
    let refs: Vec<_> = documents.iter().collect();
    let empty = HashMap::new();
    let form = response_form(
        &round,
        &refs,
        &definitions.scales,
        &organisation,
        &empty,
        &empty,
    );
    let assigned = assigned(&form);
    Ok(app
        .store
        .change_response(
            &round.key,
            &organisation.key,
            actor.email.as_str(),
            "",
            false,
            |current, answers| {
                let next = current.submit()?;
                let problems = check_submission(&assigned, answers);
                if problems.is_empty() {
                    Ok(next)
                } else {
                    Err(WorkflowError::Incomplete(problems))
                }
            },
        )
        .await?)
}

/// What a coordinator decides about a response.
pub enum Decision<'a> {
    Accept,
    /// Back to the organisation for completion, with a message saying why.
    Return(&'a str),
    /// Lets the organisation answer in the closed round again, with a message.
    Reopen(&'a str),
}

/// A coordinator's decision about a response; a return or reopening needs a message.
pub async fn decide(
    app: &App,
    actor: &Actor,
    round: &str,
    organisation: &str,
    decision: Decision<'_>,
) -> Result<ResponseState, ResponseError> {
    type Rule = fn(ResponseState) -> Result<ResponseState, TransitionError>;
    let notify = !matches!(decision, Decision::Accept);
    let (message, reopen, rule): (&str, bool, Rule) = match decision {
        Decision::Accept => ("", false, ResponseState::accept),
        Decision::Return(message) => (checked_message(message)?, false, ResponseState::send_back),
        Decision::Reopen(message) => (checked_message(message)?, true, |current| match current {
            ResponseState::Submitted | ResponseState::Accepted => current.send_back(),
            other => Ok(other),
        }),
    };
    require_coordinator(actor)?;
    let (_, round, organisation) = context(app, round, organisation).await?;
    if reopen && round.state != RoundState::Closed {
        return Err(ResponseError::Refused(
            "bara en stängd omgång kan öppnas igen för en organisation".into(),
        ));
    }
    let next = app
        .store
        .change_response(
            &round.key,
            &organisation.key,
            actor.email.as_str(),
            message,
            reopen,
            |current, _| Ok(rule(current)?),
        )
        .await?;
    if notify {
        // The decision stands whether or not the e-mail goes out; a failure is the relay's.
        let base = app.settings.public_url.trim_end_matches('/');
        let body = format!(
            "Hej!\n\nSvaret från {} i {} har skickats tillbaka för komplettering med det här \
             meddelandet:\n\n{message}\n\nSvaret: {base}/omgangar/{}/svar/{}\n\nHälsningar\nUppfölj",
            organisation.name, round.name, round.key, organisation.key
        );
        let subject = format!("Komplettera svaret: {}", round.name);
        if let Err(e) =
            crate::mail::notify_respondents(app, &organisation.key, &subject, &body).await
        {
            tracing::warn!(error = %e, "the notice of a returned response was not sent");
        }
    }
    Ok(next)
}

fn checked_message(message: &str) -> Result<&str, ResponseError> {
    let invalid = |message: String| ResponseError::Invalid {
        field: "message".into(),
        message,
    };
    let message = message.trim();
    if message.is_empty() {
        return Err(invalid("skriv ett meddelande till organisationen".into()));
    }
    if message.chars().count() > uppfolj_model::MAX_COMMENT_CHARS {
        return Err(invalid("meddelandet är för långt".into()));
    }
    if let Some(found) = uppfolj_model::text::control_character(message) {
        return Err(invalid(uppfolj_model::text::control_character_message(
            "meddelandet",
            found,
        )));
    }
    Ok(message)
}

/// How many answer changes a page of a response's history holds; the state changes are few
/// and always shown whole.
pub const HISTORY_PAGE: i64 = 100;

/// A page of a response's history: changes of its answers (one answer's, or every answer's),
/// oldest first, and every change of its state.
pub struct History {
    pub definitions: Arc<Definitions>,
    index: usize,
    pub organisation: Organisation,
    pub changes: Vec<AnswerChange>,
    /// This page, from 1, of `pages` (at least 1), and how many answer changes there are in all.
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub events: Vec<ResponseEvent>,
}

impl History {
    pub fn round(&self) -> &Round {
        &self.definitions.rounds[self.index]
    }
}

/// Loads page `page` (from 1) of a response's history, of one answer's changes when `question`
/// names one, if `actor` may read the response.
pub async fn history(
    app: &App,
    actor: &Actor,
    round: &str,
    organisation: &str,
    question: Option<QuestionRef>,
    page: i64,
) -> Result<History, ResponseError> {
    if page < 1 {
        return Err(ResponseError::Invalid {
            field: "page".into(),
            message: "sidan ska vara 1 eller mer".into(),
        });
    }
    let (definitions, index) = visible_round(&app.store, actor, round).await?;
    let organisation = find_organisation(&definitions, organisation)?.clone();
    let round = &definitions.rounds[index];
    let status = app
        .store
        .response_status(&round.key, &organisation.key)
        .await?;
    if !actor.may_read_history(&organisation.key, round.state, status.state) {
        return Err(refused_reading(&organisation));
    }
    let window = HistoryWindow {
        question,
        offset: (page - 1).saturating_mul(HISTORY_PAGE),
        limit: HISTORY_PAGE,
    };
    let found = app
        .store
        .answer_history(&round.key, &organisation.key, &window)
        .await?;
    let events = app
        .store
        .response_events(&round.key, &organisation.key)
        .await?;
    Ok(History {
        index,
        organisation,
        changes: found.changes,
        page,
        pages: ((found.total + HISTORY_PAGE - 1) / HISTORY_PAGE).max(1),
        total: found.total,
        events,
        definitions,
    })
}
