//! Responses: progress, one organisation's answers, saving, and the workflow from draft to accepted.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::json;
use time::OffsetDateTime;
use uppfolj_model::{AnswerInput, QuestionRef};

use super::json::{ApiJson, ApiQuery};
use super::types::{
    AnswerInputJson, AnswerJson, Batch, ChangeJson, EventJson, HistoryJson, MessageJson, Problem,
    Progress, ResponseJson, ResponseQuestion, Saved, SavedAnswer, ScaleJson, StateJson,
    Withholding,
};
use crate::AppState;
use crate::auth::Caller;
use crate::error::Failure;
use uppfolj_app::ResponseError;
use uppfolj_app::lookup::question_ref;
use uppfolj_app::lookup::visible_round;
use uppfolj_app::responses::{self as shared, Decision};
use uppfolj_app::saving;

/// Each organisation's progress in a round, as far as the caller may see.
#[utoipa::path(get, path = "/api/v1/rounds/{round}/responses", tag = "svar",
    params(("round" = String, Path, description = "The round's key")),
    responses((status = 200, body = [Progress]), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn progress(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Json<Vec<Progress>>, Failure> {
    let (definitions, index) = visible_round(&state.store, &caller.actor, &round).await?;
    let rows = shared::progress(
        &state.app,
        &caller.actor,
        &definitions,
        &definitions.rounds[index],
    )
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| Progress {
                organisation: row.organisation.key.to_string(),
                name: row.organisation.name,
                state: row.state.as_str().into(),
                answered: row.answered,
                assigned: row.assigned,
                last_activity: row.last_activity,
                days_left: row.days_left,
            })
            .collect(),
    ))
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
    let view = shared::load(&state.app, &caller.actor, &round, &organisation).await?;
    Ok(Json(ResponseJson {
        round: view.round().key.to_string(),
        organisation: view.organisation.key.to_string(),
        state: view.status.state.as_str().into(),
        message: view.status.message.clone(),
        previous_round: view.previous_round.clone(),
        questions: view
            .form()
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

/// Turns a refused save into problem details; a conflict shows the saved answer beside yours.
fn save_failure(error: ResponseError, yours: serde_json::Value) -> Failure {
    let ResponseError::Conflict(conflict) = &error else {
        return error.into();
    };
    let current = match (&conflict.current, &conflict.scale) {
        (Some(answer), Some(scale)) => json!(AnswerJson::new(answer, scale)),
        _ => json!(null),
    };
    Failure::conflict(
        error.to_string(),
        json!({
            "question": conflict.question.to_string(),
            "current": current,
            "yours": yours,
        }),
    )
}

/// The answer a refused save tried to store, shown beside the stored one in a conflict.
fn yours(input: &AnswerInput) -> serde_json::Value {
    json!({
        "answer": input.value,
        "comment": input.comment,
        "version": input.version,
        "withheld": input.withheld,
    })
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
    let reference = question_ref(&document, &question)?;
    let input = AnswerInput {
        value: body.answer,
        comment: body.comment,
        version: body.version,
        withheld: body.withheld,
    };
    match saving::save_answer(
        &state.app,
        &caller.actor,
        &round,
        &organisation,
        &reference,
        &input,
    )
    .await
    {
        Ok(saved) => Ok(Json(saved_answer(&saved))),
        Err(error) => Err(save_failure(error, yours(&input))),
    }
}

/// Marks a comment as not for publication, or for publication again (coordinators, in any state
/// of the round, also after publication). `version` guards against concurrent edits as in a save.
#[utoipa::path(put, path = "/api/v1/rounds/{round}/responses/{organisation}/answers/{document}/{question}/withheld", tag = "svar",
    request_body = Withholding,
    params(("round" = String, Path, description = "The round's key"), ("organisation" = String, Path, description = "The organisation's key"),
        ("document" = String, Path, description = "The document's key"), ("question" = String, Path, description = "The question's key")),
    responses((status = 200, body = AnswerJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn withhold(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation, document, question)): Path<(String, String, String, String)>,
    ApiJson(body): ApiJson<Withholding>,
) -> Result<Json<SavedAnswer>, Failure> {
    let reference = question_ref(&document, &question)?;
    let saved = saving::withhold(
        &state.app,
        &caller.actor,
        &round,
        &organisation,
        &reference,
        body.withheld,
        body.version,
    )
    .await;
    match saved {
        Ok(saved) => Ok(Json(saved_answer(&saved))),
        Err(error) => {
            let yours = json!({ "withheld": body.withheld, "version": body.version });
            Err(save_failure(error, yours))
        }
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
    shared::may_answer(&caller.actor, &organisation)?;
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
                withheld: item.withheld,
            },
        ));
    }
    if inputs.is_empty() {
        return Err(Failure::bad_request("answers", "listan med svar är tom"));
    }
    match saving::save_answers(&state.app, &caller.actor, &round, &organisation, &inputs).await {
        Ok(saved) => Ok(Json(Saved {
            answers: saved.iter().map(saved_answer).collect(),
        })),
        Err((i, error)) => {
            let input = &inputs[i].1;
            let mut failure = save_failure(error, yours(input));
            failure.extra["index"] = json!(i);
            if let Some(field) = failure.extra.get("field").and_then(|f| f.as_str()) {
                failure.extra["field"] = json!(format!("answers[{i}].{field}"));
            }
            Err(failure)
        }
    }
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
    let next = shared::submit(&state.app, &caller.actor, &round, &organisation).await?;
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
    decide(
        &state,
        &caller,
        &round,
        &organisation,
        Decision::Return(&body.message),
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
    decide(&state, &caller, &round, &organisation, Decision::Accept).await
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
    decide(
        &state,
        &caller,
        &round,
        &organisation,
        Decision::Reopen(&body.message),
    )
    .await
}

/// A coordinator's decision, answered with the response's new state.
async fn decide(
    state: &AppState,
    caller: &Caller,
    round: &str,
    organisation: &str,
    decision: Decision<'_>,
) -> Result<Json<StateJson>, Failure> {
    let next = shared::decide(&state.app, &caller.actor, round, organisation, decision).await?;
    Ok(Json(StateJson {
        state: next.as_str().into(),
    }))
}

/// Narrows a response's history to one answer, and picks a page of it.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// `document/question`: only this answer's changes.
    question: Option<String>,
    /// The page of answer changes, from 1 (the oldest); each holds at most 100.
    page: Option<i64>,
}

/// The changes of the response's answers, oldest first and 100 a page (`?page=2` for the next;
/// `pages` says how many there are), and every change of its state; `?question=document/question`
/// narrows the answer changes to one answer.
#[utoipa::path(get, path = "/api/v1/rounds/{round}/responses/{organisation}/history", tag = "svar",
    params(("round" = String, Path, description = "The round's key"), ("organisation" = String, Path, description = "The organisation's key"),
        HistoryQuery),
    responses((status = 200, body = HistoryJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> Result<Json<HistoryJson>, Failure> {
    let only = match &query.question {
        Some(text) => Some(QuestionRef::parse(text).ok_or_else(|| {
            Failure::bad_request("question", format!("«{text}» ska skrivas dokument/fråga"))
        })?),
        None => None,
    };
    let history = shared::history(
        &state.app,
        &caller.actor,
        &round,
        &organisation,
        only,
        query.page.unwrap_or(1),
    )
    .await?;
    let (changes, events) = (history.changes, history.events);
    let rfc3339 = |t: OffsetDateTime| {
        t.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    Ok(Json(HistoryJson {
        page: history.page,
        pages: history.pages,
        total: history.total,
        changes: changes
            .into_iter()
            .map(|c| ChangeJson {
                question: c.question.to_string(),
                version: c.version,
                old_answer: c.old_value,
                old_comment: c.old_comment,
                new_answer: c.new_value,
                new_comment: c.new_comment,
                withheld: c.withheld,
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
