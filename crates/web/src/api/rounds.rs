//! Rounds: listing, the outline with questions, and the coordinator's management.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use uppfolj_model::{CommentRule, Entry, OrganisationKind, QuestionRef, Target, number_round};

use super::json::ApiJson;
use super::types::{
    HeadingJson, NewRound, Problem, QuestionJson, RoundChange, RoundDetail, RoundStateChange,
    RoundSummary, ScaleJson, TargetJson, ThresholdsJson,
};
use crate::AppState;
use crate::auth::Caller;
use crate::error::Failure;
use uppfolj_app::lookup::{key, require_coordinator, visible_round};
use uppfolj_app::lookup::{question_ref, stored_round};
use uppfolj_app::reports::round_documents;
use uppfolj_app::rounds::{self, NewRoundInput, RoundEdit};

/// The rounds the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/rounds", tag = "omgångar",
    responses((status = 200, body = [RoundSummary]), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<RoundSummary>>, Failure> {
    let definitions = state.store.definitions().await?;
    Ok(Json(
        definitions
            .rounds
            .iter()
            .filter(|r| caller.actor.may_see_round(r.state))
            .map(RoundSummary::from)
            .collect(),
    ))
}

/// A round with its documents, numbered headings and questions.
#[utoipa::path(get, path = "/api/v1/rounds/{round}", tag = "omgångar",
    params(("round" = String, Path, description = "The round's key")),
    responses((status = 200, body = RoundDetail), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Json<RoundDetail>, Failure> {
    let (version, _) = state.store.definitions_at().await?;
    let (definitions, index) = visible_round(&state.store, &caller.actor, &round).await?;
    let round = &definitions.rounds[index];
    let documents = round_documents(&definitions, round);
    let refs: Vec<_> = documents.iter().collect();
    let mut headings: Vec<HeadingJson> = Vec::new();
    for entry in number_round(&refs, |_| true) {
        match entry {
            Entry::Heading(h) => headings.push(HeadingJson {
                number: h.number,
                level: h.level,
                text: h.text,
                questions: vec![],
            }),
            Entry::Question {
                reference,
                question,
            } => {
                let Some(scale) = definitions.scales.iter().find(|s| s.key == question.scale)
                else {
                    continue;
                };
                let (rule, required_for) = match &question.comment {
                    CommentRule::Optional => ("optional", vec![]),
                    CommentRule::Required => ("required", vec![]),
                    CommentRule::RequiredFor(keys) => (
                        "required_for",
                        keys.iter().map(ToString::to_string).collect(),
                    ),
                };
                if let Some(heading) = headings.last_mut() {
                    heading.questions.push(QuestionJson {
                        id: reference.to_string(),
                        text: question.text.clone(),
                        guidance: question.guidance.clone(),
                        audience: question.audience.clone(),
                        scale: ScaleJson::from(scale),
                        comment_rule: rule.into(),
                        comment_required_for: required_for,
                    });
                }
            }
        }
    }
    Ok(Json(RoundDetail {
        round: RoundSummary::from(round),
        version,
        headings,
    }))
}

/// Changes a round's name, dates or per-organisation extensions while it is a draft or open.
#[utoipa::path(patch, path = "/api/v1/rounds/{round}", tag = "omgångar", request_body = RoundChange,
    params(("round" = String, Path, description = "The round's key")),
    responses((status = 200, body = RoundSummary), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn change(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
    ApiJson(body): ApiJson<RoundChange>,
) -> Result<Json<RoundSummary>, Failure> {
    let (definitions, index) = visible_round(&state.store, &caller.actor, &round).await?;
    let stored = &definitions.rounds[index];
    let edit = RoundEdit {
        name: body.name.unwrap_or_else(|| stored.name.clone()),
        opens: body.opens.unwrap_or_else(|| stored.opens.to_string()),
        closes: body.closes.unwrap_or_else(|| stored.closes.to_string()),
        extensions: match body.extensions {
            Some(given) => given
                .into_iter()
                .map(|e| (e.organisation, e.closes))
                .collect(),
            None => stored
                .extensions
                .iter()
                .map(|e| (e.organisation.to_string(), e.closes.to_string()))
                .collect(),
        },
        past_dates_confirmed: body.confirm_past_dates,
    };
    let round = rounds::edit(&state.app, &caller.actor, &round, edit, body.version).await?;
    Ok(Json(RoundSummary::from(&round)))
}

/// Creates a round, empty or as a copy of another (last year's): same documents and targeting.
#[utoipa::path(post, path = "/api/v1/rounds", tag = "omgångar", request_body = NewRound,
    responses((status = 201, body = RoundSummary), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewRound>,
) -> Result<(StatusCode, Json<RoundSummary>), Failure> {
    let input = NewRoundInput {
        key: body.key,
        name: body.name,
        year: body.year,
        opens: body.opens,
        closes: body.closes,
        copy_from: body.copy_from,
        documents: body.documents,
        thresholds: body.status.map(|s| (s.green, s.yellow, s.submitted)),
    };
    let round = rounds::create(&state.app, &caller.actor, input).await?;
    Ok((StatusCode::CREATED, Json(RoundSummary::from(&round))))
}

/// Sets the shares of *Ja* from which the compilation calls a section green or yellow.
#[utoipa::path(put, path = "/api/v1/rounds/{round}/status", tag = "omgångar", request_body = ThresholdsJson,
    params(("round" = String, Path, description = "The round's key")),
    responses((status = 200, body = RoundSummary), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn set_thresholds(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
    ApiJson(body): ApiJson<ThresholdsJson>,
) -> Result<Json<RoundSummary>, Failure> {
    let round = rounds::set_thresholds(
        &state.app,
        &caller.actor,
        &round,
        body.green,
        body.yellow,
        body.submitted,
    )
    .await?;
    Ok(Json(RoundSummary::from(&round)))
}

/// Opens, closes or publishes a round.
#[utoipa::path(post, path = "/api/v1/rounds/{round}/state", tag = "omgångar", request_body = RoundStateChange,
    params(("round" = String, Path, description = "The round's key")),
    responses((status = 200, body = RoundSummary), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn change_state(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
    ApiJson(body): ApiJson<RoundStateChange>,
) -> Result<Json<RoundSummary>, Failure> {
    let round = rounds::change_state(&state.app, &caller.actor, &round, &body.state).await?;
    Ok(Json(RoundSummary::from(&round)))
}

/// Limits a question in a round to the organisations and kinds given.
#[utoipa::path(put, path = "/api/v1/rounds/{round}/targets/{document}/{question}", tag = "omgångar", request_body = TargetJson,
    params(("round" = String, Path, description = "The round's key"), ("document" = String, Path, description = "The document's key"),
        ("question" = String, Path, description = "The question's key")),
    responses((status = 200, body = RoundSummary), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn set_target(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, document, question)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<TargetJson>,
) -> Result<Json<RoundSummary>, Failure> {
    require_coordinator(&caller.actor)?;
    let reference = question_ref(&document, &question)?;
    let organisations = body
        .organisations
        .iter()
        .map(|o| {
            uppfolj_model::Key::parse(o)
                .map_err(|e| Failure::bad_request("organisations", e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let kinds = body
        .kinds
        .iter()
        .map(|k| {
            OrganisationKind::parse(k).ok_or_else(|| {
                Failure::bad_request("kinds", format!("okänd organisationstyp «{k}»"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let target = Target {
        question: reference,
        organisations,
        kinds,
    };
    retarget(&state, &round, target.question.clone(), Some(target)).await
}

/// Removes a question's limits: every active organisation gets it.
#[utoipa::path(delete, path = "/api/v1/rounds/{round}/targets/{document}/{question}", tag = "omgångar",
    params(("round" = String, Path, description = "The round's key"), ("document" = String, Path, description = "The document's key"),
        ("question" = String, Path, description = "The question's key")),
    responses((status = 200, body = RoundSummary), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_target(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, document, question)): Path<(String, String, String)>,
) -> Result<Json<RoundSummary>, Failure> {
    require_coordinator(&caller.actor)?;
    let reference = question_ref(&document, &question)?;
    retarget(&state, &round, reference, None).await
}

async fn retarget(
    state: &AppState,
    round: &str,
    question: QuestionRef,
    target: Option<Target>,
) -> Result<Json<RoundSummary>, Failure> {
    let round_key = key(round, "omgången")?;
    let definitions = state.store.definitions().await?;
    let mut round = stored_round(&definitions, &round_key)?;
    let exists = round_documents(&definitions, &round)
        .iter()
        .any(|d| d.key == question.document && d.question(&question.question).is_some());
    if !exists {
        return Err(Failure::not_found(format!(
            "frågan «{question}» finns inte i omgången"
        )));
    }
    round.targets.retain(|t| t.question != question);
    round.targets.extend(target);
    rounds::store_round(&state.app, &definitions, round.clone(), None).await?;
    Ok(Json(RoundSummary::from(&round)))
}
