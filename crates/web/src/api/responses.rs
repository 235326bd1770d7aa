//! Responses: progress, one organisation's answers, saving, and the workflow from draft to accepted.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use serde_json::json;
use time::OffsetDateTime;
use uppfolj_model::{
    AnswerInput, Definitions, Organisation, QuestionRef, ResponseState, Round, RoundState,
    TransitionError, check_submission, response_form,
};
use uppfolj_store::{SaveError, WorkflowError};

use super::types::{
    AnswerInputJson, AnswerJson, Batch, ChangeJson, EventJson, HistoryJson, MessageJson, Problem,
    Progress, ResponseJson, ResponseQuestion, Saved, SavedAnswer, ScaleJson, StateJson,
};
use super::{ApiJson, find_organisation, key, require_coordinator, round_documents, visible_round};
use crate::AppState;
use crate::auth::Caller;
use crate::error::Failure;

/// Each organisation's progress in a round, as far as the caller may see.
#[utoipa::path(get, path = "/api/v1/rounds/{round}/responses", tag = "svar",
    params(("round" = String, Path, description = "The round's key")),
    responses((status = 200, body = [Progress]), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn progress(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Json<Vec<Progress>>, Failure> {
    let (definitions, index) = visible_round(&state, &caller, &round).await?;
    let round = &definitions.rounds[index];
    let documents = round_documents(&definitions, round);
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
        rows.push(Progress {
            organisation: organisation.key.to_string(),
            name: organisation.name.clone(),
            state: response_state.as_str().into(),
            answered: summary.map_or(0, |s| s.answered),
            assigned,
            last_activity: summary.map(|s| s.updated_at.clone()),
            days_left: (!finished).then(|| (round.closes - today).whole_days()),
        });
    }
    Ok(Json(rows))
}

/// Finds the round and organisation and checks that the caller may read the response.
async fn readable(
    state: &AppState,
    caller: &Caller,
    round: &str,
    organisation: &str,
) -> Result<
    (
        Arc<Definitions>,
        usize,
        Organisation,
        uppfolj_store::ResponseStatus,
    ),
    Failure,
> {
    let (definitions, index) = visible_round(state, caller, round).await?;
    let organisation = find_organisation(&definitions, organisation)?.clone();
    let round = &definitions.rounds[index];
    let status = state
        .store
        .response_status(&round.key, &organisation.key)
        .await?;
    if !caller
        .actor
        .may_read(&organisation.key, round.state, status.state)
    {
        return Err(Failure::forbidden(
            true,
            format!(
                "du har inte tillgång till svaret från {}",
                organisation.name
            ),
        ));
    }
    Ok((definitions, index, organisation, status))
}

/// One organisation's response: the questions assigned to it in report order, its answers with
/// their versions, the state, and the previous round's answers.
#[utoipa::path(get, path = "/api/v1/rounds/{round}/responses/{organisation}", tag = "svar",
    params(("round" = String, Path, description = "The round's key"), ("organisation" = String, Path, description = "The organisation's key")),
    responses((status = 200, body = ResponseJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn response(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
) -> Result<Json<ResponseJson>, Failure> {
    let (definitions, index) = visible_round(&state, &caller, &round).await?;
    let round = &definitions.rounds[index];
    let organisation = find_organisation(&definitions, &organisation)?;
    let (status, answers) = state
        .store
        .response(&round.key, &organisation.key, &definitions.scales)
        .await?;
    if !caller
        .actor
        .may_read(&organisation.key, round.state, status.state)
    {
        return Err(Failure::forbidden(
            true,
            format!(
                "du har inte tillgång till svaret från {}",
                organisation.name
            ),
        ));
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
    let empty = HashMap::new();
    let (previous_round, previous_answers) = match &previous {
        Some((name, _, answers)) => (Some(name.clone()), answers),
        None => (None, &empty),
    };
    let documents = round_documents(&definitions, round);
    let refs: Vec<_> = documents.iter().collect();
    let form = response_form(
        round,
        &refs,
        &definitions.scales,
        organisation,
        &answers,
        previous_answers,
    );
    Ok(Json(ResponseJson {
        round: round.key.to_string(),
        organisation: organisation.key.to_string(),
        state: status.state.as_str().into(),
        message: status.message,
        previous_round,
        questions: form
            .iter()
            .map(|f| ResponseQuestion {
                id: f.reference.to_string(),
                heading: f.heading.numbered(),
                text: f.question.text.clone(),
                guidance: f.question.guidance.clone(),
                scale: ScaleJson::from(f.scale),
                answer: f.answer.map(|a| AnswerJson::new(a, f.scale)),
                previous: f.previous.map(|a| AnswerJson::new(a, f.scale)),
            })
            .collect(),
    }))
}

fn may_answer(caller: &Caller, organisation: &str) -> Result<(), Failure> {
    let key = key(organisation, "organisationen")?;
    if caller.actor.may_answer_for(&key) {
        Ok(())
    } else {
        Err(Failure::forbidden(
            true,
            format!("du svarar inte för organisationen «{organisation}»"),
        ))
    }
}

/// Turns a refused save into problem details; a conflict shows the saved answer beside yours.
async fn save_failure(
    state: &AppState,
    error: SaveError,
    question: &QuestionRef,
    yours: &AnswerInput,
) -> Failure {
    let SaveError::Conflict { current } = &error else {
        return error.into();
    };
    let scale = match state.store.definitions().await {
        Ok(definitions) => definitions
            .documents
            .iter()
            .find(|d| d.key == question.document)
            .and_then(|d| d.question(&question.question))
            .and_then(|q| {
                definitions
                    .scales
                    .iter()
                    .find(|s| s.key == q.scale)
                    .cloned()
            }),
        Err(_) => None,
    };
    let current = match (current, &scale) {
        (Some(answer), Some(scale)) => json!(AnswerJson::new(answer, scale)),
        _ => json!(null),
    };
    Failure::conflict(
        format!(
            "frågan «{question}» har sparats av någon annan sedan du hämtade den; välj vilket svar som ska gälla"
        ),
        json!({
            "question": question.to_string(),
            "current": current,
            "yours": { "answer": yours.value, "comment": yours.comment, "version": yours.version },
        }),
    )
}

/// Saves one answer. `version` must be the version you saw (0 if unanswered); otherwise 409 with
/// both texts. Durable when answered with 200.
#[utoipa::path(put, path = "/api/v1/rounds/{round}/responses/{organisation}/answers/{document}/{question}", tag = "svar",
    request_body = AnswerInputJson,
    params(("round" = String, Path, description = "The round's key"), ("organisation" = String, Path, description = "The organisation's key"),
        ("document" = String, Path, description = "The document's key"), ("question" = String, Path, description = "The question's key")),
    responses((status = 200, body = AnswerJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation, document, question)): Path<(String, String, String, String)>,
    ApiJson(body): ApiJson<AnswerInputJson>,
) -> Result<Json<SavedAnswer>, Failure> {
    may_answer(&caller, &organisation)?;
    let (round, organisation) = (
        key(&round, "omgången")?,
        key(&organisation, "organisationen")?,
    );
    let reference = QuestionRef {
        document: key(&document, "dokumentet")?,
        question: key(&question, "frågan")?,
    };
    let input = AnswerInput {
        value: body.answer,
        comment: body.comment,
        version: body.version,
    };
    match state
        .store
        .save_answer(
            &round,
            &organisation,
            &reference,
            &input,
            caller.actor.email.as_str(),
        )
        .await
    {
        Ok(saved) => Ok(Json(saved_answer(&saved))),
        Err(error) => Err(save_failure(&state, error, &reference, &input).await),
    }
}

fn saved_answer(saved: &uppfolj_store::SavedAnswer) -> SavedAnswer {
    SavedAnswer {
        question: saved.answer.question.to_string(),
        answer: AnswerJson::new(&saved.answer, &saved.scale),
    }
}

/// Saves several answers of one response, all or nothing.
#[utoipa::path(put, path = "/api/v1/rounds/{round}/responses/{organisation}/answers", tag = "svar", request_body = Batch,
    params(("round" = String, Path, description = "The round's key"), ("organisation" = String, Path, description = "The organisation's key")),
    responses((status = 200, body = Saved), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn save_batch(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
    ApiJson(body): ApiJson<Batch>,
) -> Result<Json<Saved>, Failure> {
    may_answer(&caller, &organisation)?;
    let (round, organisation) = (
        key(&round, "omgången")?,
        key(&organisation, "organisationen")?,
    );
    let mut inputs = Vec::with_capacity(body.answers.len());
    for (i, item) in body.answers.into_iter().enumerate() {
        let reference = QuestionRef::parse(&item.question).ok_or_else(|| {
            Failure::bad_request(
                &format!("answers[{i}].question"),
                format!("«{}» ska skrivas dokument/fråga", item.question),
            )
        })?;
        inputs.push((
            reference,
            AnswerInput {
                value: item.answer,
                comment: item.comment,
                version: item.version,
            },
        ));
    }
    if inputs.is_empty() {
        return Err(Failure::bad_request("answers", "listan med svar är tom"));
    }
    match state
        .store
        .save_answers(&round, &organisation, &inputs, caller.actor.email.as_str())
        .await
    {
        Ok(saved) => Ok(Json(Saved {
            answers: saved.iter().map(saved_answer).collect(),
        })),
        Err((i, error)) => {
            let (question, input) = &inputs[i];
            let mut failure = save_failure(&state, error, question, input).await;
            failure.extra["index"] = json!(i);
            if let Some(field) = failure.extra.get("field").and_then(|f| f.as_str()) {
                failure.extra["field"] = json!(format!("answers[{i}].{field}"));
            }
            Err(failure)
        }
    }
}

/// The round, the organisation and the questions it must answer, for the submit check.
async fn submit_context(
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
/// listing each problem. A submitted response is locked for the respondent.
#[utoipa::path(post, path = "/api/v1/rounds/{round}/responses/{organisation}/submit", tag = "svar",
    params(("round" = String, Path, description = "The round's key"), ("organisation" = String, Path, description = "The organisation's key")),
    responses((status = 200, body = StateJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
) -> Result<Json<StateJson>, Failure> {
    may_answer(&caller, &organisation)?;
    let (definitions, round, organisation) = submit_context(&state, &round, &organisation).await?;
    let status = state
        .store
        .response_status(&round.key, &organisation.key)
        .await?;
    if !(round.state == RoundState::Open || (round.state == RoundState::Closed && status.reopened))
    {
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
    let assigned: Vec<_> = response_form(
        &round,
        &refs,
        &definitions.scales,
        &organisation,
        &empty,
        &empty,
    )
    .into_iter()
    .map(|f| (f.reference, f.question, f.scale))
    .collect();
    let next = state
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
        .await?;
    Ok(Json(StateJson {
        state: next.as_str().into(),
    }))
}

/// Returns a submitted response to the organisation for completion, with a message.
#[utoipa::path(post, path = "/api/v1/rounds/{round}/responses/{organisation}/return", tag = "svar", request_body = MessageJson,
    params(("round" = String, Path, description = "The round's key"), ("organisation" = String, Path, description = "The organisation's key")),
    responses((status = 200, body = StateJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn send_back(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
    ApiJson(body): ApiJson<MessageJson>,
) -> Result<Json<StateJson>, Failure> {
    let message = checked_message(&body.message)?;
    coordinate(
        &state,
        &caller,
        &round,
        &organisation,
        message,
        false,
        ResponseState::send_back,
    )
    .await
}

/// Accepts a submitted response.
#[utoipa::path(post, path = "/api/v1/rounds/{round}/responses/{organisation}/accept", tag = "svar",
    params(("round" = String, Path, description = "The round's key"), ("organisation" = String, Path, description = "The organisation's key")),
    responses((status = 200, body = StateJson), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn accept(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
) -> Result<Json<StateJson>, Failure> {
    coordinate(
        &state,
        &caller,
        &round,
        &organisation,
        "",
        false,
        ResponseState::accept,
    )
    .await
}

/// Reopens a closed round for one organisation, so that it can complete its response.
#[utoipa::path(post, path = "/api/v1/rounds/{round}/responses/{organisation}/reopen", tag = "svar", request_body = MessageJson,
    params(("round" = String, Path, description = "The round's key"), ("organisation" = String, Path, description = "The organisation's key")),
    responses((status = 200, body = StateJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn reopen(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
    ApiJson(body): ApiJson<MessageJson>,
) -> Result<Json<StateJson>, Failure> {
    let message = checked_message(&body.message)?;
    coordinate(
        &state,
        &caller,
        &round,
        &organisation,
        message,
        true,
        |current| match current {
            ResponseState::Submitted | ResponseState::Accepted => current.send_back(),
            other => Ok(other),
        },
    )
    .await
}

/// A coordinator's change of a response's state, with a message to the organisation; `reopen`
/// also lets the organisation answer in the closed round.
async fn coordinate(
    state: &AppState,
    caller: &Caller,
    round: &str,
    organisation: &str,
    message: &str,
    reopen: bool,
    decide: impl FnOnce(ResponseState) -> Result<ResponseState, TransitionError>,
) -> Result<Json<StateJson>, Failure> {
    require_coordinator(caller)?;
    let (_, round, organisation) = submit_context(state, round, organisation).await?;
    if reopen && round.state != RoundState::Closed {
        return Err(Failure::conflict(
            "bara en stängd omgång kan öppnas igen för en organisation",
            json!({}),
        ));
    }
    let by = caller.actor.email.as_str();
    let next = state
        .store
        .change_response(
            &round.key,
            &organisation.key,
            by,
            message,
            reopen,
            |current, _| Ok(decide(current)?),
        )
        .await?;
    Ok(Json(StateJson {
        state: next.as_str().into(),
    }))
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

/// Narrows a response's history to one answer.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// `document/question`: only this answer's changes.
    question: Option<String>,
}

/// Every change of the response's answers and states, oldest first; `?question=document/question`
/// narrows the answer changes to one answer.
#[utoipa::path(get, path = "/api/v1/rounds/{round}/responses/{organisation}/history", tag = "svar",
    params(("round" = String, Path, description = "The round's key"), ("organisation" = String, Path, description = "The organisation's key"),
        HistoryQuery),
    responses((status = 200, body = HistoryJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<HistoryJson>, Failure> {
    let only = match &query.question {
        Some(text) => Some(QuestionRef::parse(text).ok_or_else(|| {
            Failure::bad_request("question", format!("«{text}» ska skrivas dokument/fråga"))
        })?),
        None => None,
    };
    let (definitions, index, organisation, _) =
        readable(&state, &caller, &round, &organisation).await?;
    let round = &definitions.rounds[index].key;
    let mut changes = state.store.answer_history(round, &organisation.key).await?;
    if let Some(only) = &only {
        changes.retain(|c| &c.question == only);
    }
    let events = state
        .store
        .response_events(round, &organisation.key)
        .await?;
    let rfc3339 = |t: OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    Ok(Json(HistoryJson {
        changes: changes
            .into_iter()
            .map(|c| ChangeJson {
                question: c.question.to_string(),
                version: c.version,
                old_answer: c.old_value,
                old_comment: c.old_comment,
                new_answer: c.new_value,
                new_comment: c.new_comment,
                changed_by: c.changed_by,
                changed_at: rfc3339(c.changed_at),
            })
            .collect(),
        events: events
            .into_iter()
            .map(|e| EventJson {
                state: e.state.as_str().into(),
                message: e.message,
                changed_by: e.changed_by,
                changed_at: e.changed_at,
            })
            .collect(),
    }))
}
