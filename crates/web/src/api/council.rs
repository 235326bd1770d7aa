//! The council report for coordinators: a document's report in a round, and saving its
//! assessments, goal-area texts, indicators and assessment settings. A save names the version it
//! was made from, as on the pages, and is recorded in the audit log as the pages record it.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use uppfolj_app::council::{self, AssessmentInput, CouncilError, NarrativeInput};
use uppfolj_app::lookup::{key, require_coordinator};
use uppfolj_model::council::CouncilReport;
use uppfolj_model::indicator::{Direction, Indicator, KoladaRef, Reading};
use uppfolj_model::{Audience, Key};
use uppfolj_store::StoreError;

use super::json::ApiJson;
use super::types::{
    AssessmentInputJson, AssessmentJson, AssessmentSettingsJson, AssessmentSettingsView,
    CouncilReportJson, IndicatorInputJson, IndicatorJson, NarrativeInputJson, NarrativeJson,
    Problem, ScaleChoiceJson, VersionJson, VersionedIndicatorJson,
};
use crate::AppState;
use crate::auth::Caller;
use crate::error::Failure;

/// The council report of a document in a round, as coordinators work on it: per goal area its
/// texts, per strategy (or goal area) the counts, the suggestion and the assessment, with the
/// versions to save from.
#[utoipa::path(get, path = "/api/v1/rounds/{round}/council/{document}", tag = "rapport",
    params(("round" = String, Path, description = "The round's key"), ("document" = String, Path, description = "The document's key")),
    responses((status = 200, body = CouncilReportJson), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, document)): Path<(String, String)>,
) -> Result<Json<CouncilReportJson>, Failure> {
    require_coordinator(&caller.actor)?;
    let (round, document) = (key(&round, "omgången")?, key(&document, "dokumentet")?);
    let report = council::report(&state.store, &round, &document, Audience::Coordinators).await?;
    Ok(Json(CouncilReportJson::new(&round, &report)))
}

/// Saves the assessment of a strategy (or a goal area, as the document's settings say).
/// `version` must be the one read (0 when there is none), else 409 and nothing is stored.
#[utoipa::path(put, path = "/api/v1/rounds/{round}/council/{document}/assessments/{subject}", tag = "rapport",
    request_body = AssessmentInputJson,
    params(("round" = String, Path, description = "The round's key"), ("document" = String, Path, description = "The document's key"),
        ("subject" = String, Path, description = "The strategy's (question's) or goal area's key")),
    responses((status = 200, body = AssessmentJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn assess(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, document, subject)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<AssessmentInputJson>,
) -> Result<Json<AssessmentJson>, Failure> {
    let input = AssessmentInput {
        subject: subject.clone(),
        level: body.level,
        motivation: body.motivation,
        version: body.version,
    };
    let yours =
        json!({ "level": input.level, "motivation": input.motivation, "version": input.version });
    let saved =
        match council::save_assessment(&state.app, &caller.actor, &round, &document, input).await {
            Err(CouncilError::Store(StoreError::Stale(what))) => {
                let report = stored_report(&state, &round, &document).await?;
                let current = Key::parse(&subject)
                    .ok()
                    .and_then(|s| report.subject(&s).and_then(|s| s.assessment.as_ref()))
                    .map(|a| AssessmentJson::from(&a.assessment));
                return Err(conflict(what, &subject, json!(current), yours));
            }
            other => other?,
        };
    Ok(Json(AssessmentJson::from(&saved)))
}

/// Saves a goal area's texts. `version` must be the one read (0 before the first save), else
/// 409 and nothing is stored.
#[utoipa::path(put, path = "/api/v1/rounds/{round}/council/{document}/narratives/{section}", tag = "rapport",
    request_body = NarrativeInputJson,
    params(("round" = String, Path, description = "The round's key"), ("document" = String, Path, description = "The document's key"),
        ("section" = String, Path, description = "The goal area's key")),
    responses((status = 200, body = VersionJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn narrate(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, document, section)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<NarrativeInputJson>,
) -> Result<Json<VersionJson>, Failure> {
    let input = NarrativeInput {
        section: section.clone(),
        since_adoption: body.since_adoption.clone(),
        ahead: body.ahead.clone(),
        version: body.version,
    };
    let version =
        match council::save_narrative(&state.app, &caller.actor, &round, &document, input).await {
            Err(CouncilError::Store(StoreError::Stale(what))) => {
                let report = stored_report(&state, &round, &document).await?;
                let current = report
                    .goal_areas
                    .iter()
                    .find(|g| g.key.as_str() == section)
                    .map(|g| NarrativeJson::from(&g.narrative));
                let yours = json!({
                    "since_adoption": body.since_adoption,
                    "ahead": body.ahead,
                    "version": body.version,
                });
                return Err(conflict(what, &section, json!(current), yours));
            }
            other => other?,
        };
    Ok(Json(VersionJson { version }))
}

/// The report as stored now, to show beside a save that came too late.
async fn stored_report(
    state: &AppState,
    round: &str,
    document: &str,
) -> Result<CouncilReport, Failure> {
    let (round, document) = (key(round, "omgången")?, key(document, "dokumentet")?);
    Ok(council::report(&state.store, &round, &document, Audience::Coordinators).await?)
}

/// A save made from a stale version: what is stored now (`current`, null when nothing is)
/// beside what was sent (`yours`), as the answers API shows them.
fn conflict(what: String, subject: &str, current: Value, yours: Value) -> Failure {
    Failure::conflict(
        StoreError::Stale(what).to_string(),
        json!({ "subject": subject, "current": current, "yours": yours }),
    )
}

/// A document's indicators in their order, each with its values, status and version.
#[utoipa::path(get, path = "/api/v1/documents/{document}/indicators", tag = "rapport",
    params(("document" = String, Path, description = "The document's key")),
    responses((status = 200, body = [VersionedIndicatorJson]), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn indicators(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
) -> Result<Json<Vec<VersionedIndicatorJson>>, Failure> {
    let (_, stored) = council::indicators(&state.app, &caller.actor, &document).await?;
    Ok(Json(
        stored
            .iter()
            .map(|v| VersionedIndicatorJson {
                indicator: IndicatorJson::from(&v.indicator),
                version: v.version,
            })
            .collect(),
    ))
}

/// Adds an indicator under the key in the path (`version` left out or null: 201), or edits the
/// stored one from `version` (200); either way its values are replaced by those sent. A key
/// already taken by another indicator, or an edit from a stale version, is 409.
#[utoipa::path(put, path = "/api/v1/documents/{document}/indicators/{indicator}", tag = "rapport",
    request_body = IndicatorInputJson,
    params(("document" = String, Path, description = "The document's key"), ("indicator" = String, Path, description = "The indicator's key: a–z, 0–9 and -")),
    responses((status = 200, body = VersionJson), (status = 201, body = VersionJson), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn save_indicator(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, indicator)): Path<(String, String)>,
    ApiJson(body): ApiJson<IndicatorInputJson>,
) -> Result<(StatusCode, Json<VersionJson>), Failure> {
    require_coordinator(&caller.actor)?;
    let version = body.version;
    let indicator = indicator_of(&indicator, body)?;
    let stored =
        council::save_indicator(&state.app, &caller.actor, &document, &indicator, version).await?;
    let status = match version {
        None => StatusCode::CREATED,
        Some(_) => StatusCode::OK,
    };
    Ok((status, Json(VersionJson { version: stored })))
}

/// The indicator a body describes under the path's key; its values in year order. What only
/// the document can tell (its goal areas) and the values' ranges are checked by the save.
fn indicator_of(key: &str, body: IndicatorInputJson) -> Result<Indicator, Failure> {
    let key = Key::parse(key).map_err(|e| Failure::bad_request("indicator", e.to_string()))?;
    let direction = Direction::parse(&body.direction).ok_or_else(|| {
        Failure::bad_request("direction", "riktningen ska vara «higher» eller «lower»")
    })?;
    let section = match body.section.as_deref() {
        Some(given) => Some(Key::parse(given).map_err(|_| {
            Failure::bad_request(
                "section",
                format!("«{given}» är inte ett avsnitt i dokumentet"),
            )
        })?),
        None => None,
    };
    let reading = |r: super::types::ReadingJson| Reading {
        year: r.year,
        value: r.value,
    };
    let mut values: Vec<Reading> = body.values.into_iter().map(reading).collect();
    values.sort_by_key(|r| r.year);
    Ok(Indicator {
        key,
        name: body.name.trim().to_owned(),
        source: body.source.trim().to_owned(),
        unit: body.unit.trim().to_owned(),
        direction,
        section,
        baseline: body.baseline.map(reading),
        target: body.target.map(reading),
        kolada: body.kolada.map(|k| KoladaRef {
            kpi: k.kpi.trim().to_owned(),
            municipality: k.municipality.trim().to_owned(),
        }),
        example: body.example,
        values,
    })
}

/// How a document is assessed in its council report, and the scales it may be assessed on.
#[utoipa::path(get, path = "/api/v1/documents/{document}/assessment-settings", tag = "rapport",
    params(("document" = String, Path, description = "The document's key")),
    responses((status = 200, body = AssessmentSettingsView), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn assessment_settings(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
) -> Result<Json<AssessmentSettingsView>, Failure> {
    let (settings, scales) =
        council::assessment_settings(&state.app, &caller.actor, &document).await?;
    Ok(Json(AssessmentSettingsView {
        at: settings.at.as_str().into(),
        scale: settings.scale.to_string(),
        scales: scales
            .into_iter()
            .map(|(key, name)| ScaleChoiceJson {
                key: key.to_string(),
                name,
            })
            .collect(),
    }))
}

/// Sets whether a document is assessed per strategy or per goal area, and on which scale.
/// Earlier assessments stay stored; the report shows those that match the settings.
#[utoipa::path(put, path = "/api/v1/documents/{document}/assessment-settings", tag = "rapport",
    request_body = AssessmentSettingsJson,
    params(("document" = String, Path, description = "The document's key")),
    responses((status = 200, body = AssessmentSettingsJson), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn set_assessment_settings(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
    ApiJson(body): ApiJson<AssessmentSettingsJson>,
) -> Result<Json<AssessmentSettingsJson>, Failure> {
    council::set_assessment_settings(&state.app, &caller.actor, &document, &body.at, &body.scale)
        .await?;
    Ok(Json(body))
}
