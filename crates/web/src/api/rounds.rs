//! Rounds: listing, the outline with questions, and the coordinator's management.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::json;
use time::Date;
use uppfolj_model::compilation::StatusThresholds;
use uppfolj_model::{
    CommentRule, Definitions, Entry, OrganisationKind, QuestionRef, Round, RoundState, Target,
    number_round,
};

use super::types::{
    HeadingJson, NewRound, Problem, QuestionJson, RoundDetail, RoundStateChange, RoundSummary,
    ScaleJson, TargetJson, ThresholdsJson,
};
use super::{ApiJson, key, require_coordinator, round_documents, visible_round};
use crate::AppState;
use crate::auth::Caller;
use crate::error::Failure;

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
    let (definitions, index) = visible_round(&state, &caller, &round).await?;
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
        headings,
    }))
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
    require_coordinator(&caller)?;
    let round_key = uppfolj_model::Key::parse(&body.key)
        .map_err(|e| Failure::bad_request("key", e.to_string()))?;
    let definitions = state.store.definitions().await?;
    if definitions.rounds.iter().any(|r| r.key == round_key) {
        return Err(Failure::conflict(
            format!("omgången «{round_key}» finns redan"),
            json!({ "field": "key" }),
        ));
    }
    let (documents, targets, copied) = match &body.copy_from {
        Some(source) => {
            let source = definitions
                .rounds
                .iter()
                .find(|r| r.key.as_str() == source)
                .ok_or_else(|| Failure::not_found(format!("omgången «{source}» finns inte")))?;
            (
                source.documents.clone(),
                source.targets.clone(),
                source.thresholds,
            )
        }
        None => {
            let keys = body
                .documents
                .iter()
                .map(|d| {
                    uppfolj_model::Key::parse(d)
                        .map_err(|e| Failure::bad_request("documents", e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            (keys, vec![], StatusThresholds::default())
        }
    };
    let thresholds = match &body.status {
        Some(status) => thresholds(status)?,
        None => copied,
    };
    let round = Round {
        key: round_key,
        name: body.name.trim().to_owned(),
        year: body.year,
        opens: date(&body.opens, "opens")?,
        closes: date(&body.closes, "closes")?,
        documents,
        targets,
        state: RoundState::Draft,
        thresholds,
    };
    store_round(&state, &definitions, round.clone()).await?;
    Ok((StatusCode::CREATED, Json(RoundSummary::from(&round))))
}

/// Checks a round against everything stored and stores it; problems become one 400 naming the first field.
async fn store_round(
    state: &AppState,
    existing: &Definitions,
    round: Round,
) -> Result<(), Failure> {
    let single = Definitions {
        rounds: vec![round],
        ..Definitions::default()
    };
    let problems = single.clone().with_fallback(existing.clone()).validate();
    if let Some((_, problem)) = problems
        .iter()
        .find(|(object, _)| *object == uppfolj_model::ObjectRef::Round(0))
    {
        let all: Vec<String> = problems.iter().map(|(_, p)| p.to_string()).collect();
        let mut failure = Failure::bad_request(&problem.path.to_string(), all.join("; "));
        failure.extra["problems"] = json!(all);
        return Err(failure);
    }
    state.store.apply_definitions(&single).await?;
    Ok(())
}

fn thresholds(status: &ThresholdsJson) -> Result<StatusThresholds, Failure> {
    StatusThresholds::new(status.green, status.yellow)
        .map_err(|message| Failure::bad_request("status", message))
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
    require_coordinator(&caller)?;
    let round_key = key(&round, "omgången")?;
    let definitions = state.store.definitions().await?;
    let mut round = definitions
        .rounds
        .iter()
        .find(|r| r.key == round_key)
        .cloned()
        .ok_or_else(|| Failure::not_found(format!("omgången «{round_key}» finns inte")))?;
    round.thresholds = thresholds(&body)?;
    store_round(&state, &definitions, round.clone()).await?;
    Ok(Json(RoundSummary::from(&round)))
}

fn date(text: &str, field: &str) -> Result<Date, Failure> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| Failure::bad_request(field, format!("«{text}» är inte ett datum (ÅÅÅÅ-MM-DD)")))
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
    require_coordinator(&caller)?;
    let round = key(&round, "omgången")?;
    let next = RoundState::parse(&body.state).ok_or_else(|| {
        Failure::bad_request(
            "state",
            "status ska vara draft, open, closed eller published",
        )
    })?;
    state.store.set_round_state(&round, next).await?;
    Ok(Json(RoundSummary::from(&state.store.round(&round).await?)))
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
    require_coordinator(&caller)?;
    let reference = QuestionRef {
        document: key(&document, "dokumentet")?,
        question: key(&question, "frågan")?,
    };
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
    require_coordinator(&caller)?;
    let reference = QuestionRef {
        document: key(&document, "dokumentet")?,
        question: key(&question, "frågan")?,
    };
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
    let mut round = definitions
        .rounds
        .iter()
        .find(|r| r.key == round_key)
        .cloned()
        .ok_or_else(|| Failure::not_found(format!("omgången «{round_key}» finns inte")))?;
    let exists = round.documents.contains(&question.document)
        && definitions
            .documents
            .iter()
            .find(|d| d.key == question.document)
            .and_then(|d| d.current().question(&question.question).cloned())
            .is_some();
    if !exists {
        return Err(Failure::not_found(format!(
            "frågan «{question}» finns inte i omgången"
        )));
    }
    round.targets.retain(|t| t.question != question);
    round.targets.extend(target);
    store_round(state, &definitions, round.clone()).await?;
    Ok(Json(RoundSummary::from(&round)))
}
