//! Responses as the API and the pages both handle them: progress, loading one organisation's
//! response with last round's answers, the submit check, submitting, the coordinator's decisions
//! and the history. One place, so that JSON and HTML follow the same rules and refuse alike.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;
use time::OffsetDateTime;
use uppfolj_model::{
    Answer, AnswerChange, AnswerScale, Definitions, Document, FormQuestion, Key, Organisation,
    Question, QuestionRef, ResponseState, Round, RoundState, SubmitProblem, TransitionError,
    check_submission, response_form,
};
use uppfolj_store::{ResponseEvent, ResponseStatus, WorkflowError};

use crate::AppState;
use crate::auth::Caller;
use crate::error::Failure;
use crate::lookup::{find_organisation, key, require_coordinator, visible_round};
use crate::reports::round_documents;

/// One organisation's progress in a round.
pub(crate) struct ProgressRow {
    pub organisation: Organisation,
    pub state: ResponseState,
    pub answered: usize,
    pub assigned: usize,
    /// The last save or state change, RFC 3339.
    pub last_activity: Option<String>,
    /// Days until the round closes, negative when late; `None` once submitted or accepted.
    pub days_left: Option<i64>,
}

/// Each active organisation's progress in a round it asks something of, as far as the caller
/// may read the responses.
pub(crate) async fn progress(
    state: &AppState,
    caller: &Caller,
    definitions: &Definitions,
    round: &Round,
) -> Result<Vec<ProgressRow>, Failure> {
    let documents = round_documents(definitions, round);
    let summaries: HashMap<_, _> = state
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
        if assigned == 0
            || !caller
                .actor
                .may_read(&organisation.key, round.state, response_state)
        {
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
            days_left: (!finished).then(|| (round.closes - today).whole_days()),
        });
    }
    Ok(rows)
}

/// One organisation's line on the coordinator's coverage board: its progress, and for each of
/// the round's documents, in order, how many of its assigned questions have an answer.
pub(crate) struct CoverageRow {
    pub progress: ProgressRow,
    /// Answered and assigned per document; `(0, 0)` where the document asks it nothing.
    pub documents: Vec<(usize, usize)>,
}

/// The coverage board: [`progress`] broken down by document.
pub(crate) async fn coverage(
    state: &AppState,
    caller: &Caller,
    definitions: &Definitions,
    round: &Round,
) -> Result<Vec<CoverageRow>, Failure> {
    let rows = progress(state, caller, definitions, round).await?;
    let documents = round_documents(definitions, round);
    let answered: HashMap<Key, Vec<QuestionRef>> = state
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
                progress,
                documents,
            }
        })
        .collect())
}

/// One organisation's response in a round, loaded for someone who may read it.
pub(crate) struct ResponseView {
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

    /// What stops the response from being submitted now: the check that submitting runs.
    pub fn problems(&self) -> Vec<SubmitProblem> {
        check_submission(&assigned(&self.form()), &self.answers)
    }

    /// Whether the organisation may answer in the round now: it is open, or closed and reopened
    /// for this organisation.
    pub fn round_takes_answers(&self) -> bool {
        takes_answers(self.round(), &self.status)
    }
}

fn takes_answers(round: &Round, status: &ResponseStatus) -> bool {
    round.state == RoundState::Open || (round.state == RoundState::Closed && status.reopened)
}

/// The questions a submit checks, from a form.
fn assigned<'a>(form: &[FormQuestion<'a>]) -> Vec<(QuestionRef, &'a Question, &'a AnswerScale)> {
    form.iter()
        .map(|f| (f.reference.clone(), f.question, f.scale))
        .collect()
}

fn refused_reading(organisation: &Organisation) -> Failure {
    Failure::forbidden(
        true,
        format!(
            "du har inte tillgång till svaret från {}",
            organisation.name
        ),
    )
}

/// Loads a response with last round's answers, if the caller may read it.
pub(crate) async fn load(
    state: &AppState,
    caller: &Caller,
    round: &str,
    organisation: &str,
) -> Result<ResponseView, Failure> {
    let (definitions, index) = visible_round(state, caller, round).await?;
    let round = &definitions.rounds[index];
    let organisation = find_organisation(&definitions, organisation)?.clone();
    let (status, answers) = state
        .store
        .response(&round.key, &organisation.key, &definitions.scales)
        .await?;
    if !caller
        .actor
        .may_read(&organisation.key, round.state, status.state)
    {
        return Err(refused_reading(&organisation));
    }
    // Last year's answers exist only if an earlier round does.
    let previous = if definitions.rounds.iter().any(|r| r.year < round.year) {
        state
            .store
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
    if !caller.actor.sees_withheld(&organisation.key) {
        for answer in answers.values_mut().chain(previous.values_mut()) {
            *answer = answer.published();
        }
    }
    let documents = state.round_documents.of(&definitions, index);
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

/// The organisation's key, if the caller may answer for it; 403 otherwise.
pub(crate) fn may_answer(caller: &Caller, organisation: &str) -> Result<Key, Failure> {
    let key = key(organisation, "organisationen")?;
    if caller.actor.may_answer_for(&key) {
        Ok(key)
    } else {
        Err(Failure::forbidden(
            true,
            format!("du svarar inte för organisationen «{organisation}»"),
        ))
    }
}

/// The round and organisation a change of state concerns.
async fn context(
    state: &AppState,
    round: &str,
    organisation: &str,
) -> Result<(Arc<Definitions>, Round, Organisation), Failure> {
    let round_key = key(round, "omgången")?;
    let definitions = state.store.definitions().await?;
    let round = definitions
        .rounds
        .iter()
        .find(|r| r.key == round_key)
        .cloned()
        .ok_or_else(|| Failure::not_found(format!("omgången «{round_key}» finns inte")))?;
    let organisation = find_organisation(&definitions, organisation)?.clone();
    Ok((definitions, round, organisation))
}

/// Submits a response: every assigned question answered and every comment rule met, or 422
/// listing each problem. The check runs on the answers as locked for the change.
pub(crate) async fn submit(
    state: &AppState,
    caller: &Caller,
    round: &str,
    organisation: &str,
) -> Result<ResponseState, Failure> {
    may_answer(caller, organisation)?;
    let (definitions, round, organisation) = context(state, round, organisation).await?;
    let status = state
        .store
        .response_status(&round.key, &organisation.key)
        .await?;
    if !takes_answers(&round, &status) {
        return Err(Failure::conflict(
            format!(
                "omgången är {} och tar inte emot svar",
                round.state.label().to_lowercase()
            ),
            json!({}),
        ));
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
    Ok(state
        .store
        .change_response(
            &round.key,
            &organisation.key,
            caller.actor.email.as_str(),
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
pub(crate) enum Decision<'a> {
    Accept,
    /// Back to the organisation for completion, with a message saying why.
    Return(&'a str),
    /// Lets the organisation answer in the closed round again, with a message.
    Reopen(&'a str),
}

/// A coordinator's decision about a response; a return or reopening needs a message.
pub(crate) async fn decide(
    state: &AppState,
    caller: &Caller,
    round: &str,
    organisation: &str,
    decision: Decision<'_>,
) -> Result<ResponseState, Failure> {
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
    require_coordinator(caller)?;
    let (_, round, organisation) = context(state, round, organisation).await?;
    if reopen && round.state != RoundState::Closed {
        return Err(Failure::conflict(
            "bara en stängd omgång kan öppnas igen för en organisation",
            json!({}),
        ));
    }
    let next = state
        .store
        .change_response(
            &round.key,
            &organisation.key,
            caller.actor.email.as_str(),
            message,
            reopen,
            |current, _| Ok(rule(current)?),
        )
        .await?;
    if notify {
        // The decision stands whether or not the e-mail goes out; a failure is the relay's.
        let base = state.config.public_url.trim_end_matches('/');
        let body = format!(
            "Hej!\n\nSvaret från {} i {} har skickats tillbaka för komplettering med det här \
             meddelandet:\n\n{message}\n\nSvaret: {base}/omgangar/{}/svar/{}\n\nHälsningar\nUppfölj",
            organisation.name, round.name, round.key, organisation.key
        );
        let subject = format!("Komplettera svaret: {}", round.name);
        if let Err(e) =
            crate::mail::notify_respondents(state, &organisation.key, &subject, &body).await
        {
            tracing::warn!(error = %e, "the notice of a returned response was not sent");
        }
    }
    Ok(next)
}

fn checked_message(message: &str) -> Result<&str, Failure> {
    let message = message.trim();
    if message.is_empty() {
        return Err(Failure::bad_request(
            "message",
            "skriv ett meddelande till organisationen",
        ));
    }
    if message.chars().count() > uppfolj_model::MAX_COMMENT_CHARS {
        return Err(Failure::bad_request("message", "meddelandet är för långt"));
    }
    Ok(message)
}

/// A response's history: every change of its answers and of its state, oldest first.
pub(crate) struct History {
    pub definitions: Arc<Definitions>,
    index: usize,
    pub organisation: Organisation,
    pub changes: Vec<AnswerChange>,
    pub events: Vec<ResponseEvent>,
}

impl History {
    pub fn round(&self) -> &Round {
        &self.definitions.rounds[self.index]
    }
}

/// Loads a response's history, if the caller may read the response.
pub(crate) async fn history(
    state: &AppState,
    caller: &Caller,
    round: &str,
    organisation: &str,
) -> Result<History, Failure> {
    let (definitions, index) = visible_round(state, caller, round).await?;
    let organisation = find_organisation(&definitions, organisation)?.clone();
    let round = &definitions.rounds[index];
    let status = state
        .store
        .response_status(&round.key, &organisation.key)
        .await?;
    if !caller
        .actor
        .may_read_history(&organisation.key, round.state, status.state)
    {
        return Err(refused_reading(&organisation));
    }
    let changes = state
        .store
        .answer_history(&round.key, &organisation.key)
        .await?;
    let events = state
        .store
        .response_events(&round.key, &organisation.key)
        .await?;
    Ok(History {
        index,
        organisation,
        changes,
        events,
        definitions,
    })
}
