//! Saving one question of the answer form: a plain form post carrying the version the form was
//! made from. Saved, it goes back to the question; refused input is shown at its field with
//! nothing saved; a save made from a stale version shows both texts and lets the person choose.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::json;
use uppfolj_model::{AnswerInput, InputField, QuestionRef};
use uppfolj_store::{SaveError, SavedAnswer};

use super::answer_form::{self, Refused};
use super::{Nav, check_csrf, csrf, page, question_id, response_path, saved};
use crate::auth::Caller;
use crate::error::capitalised;
use crate::{AppState, WebError};
use uppfolj_app::lookup::{key, question_ref};
use uppfolj_app::responses::{ResponseView, load, may_answer};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/omgangar/{round}/svar/{organisation}/fragor/{document}/{question}",
        post(save),
    )
}

/// One question's form as posted.
#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    csrf: String,
    /// The chosen option's key, or the text or number; absent when no option is chosen.
    svar: Option<String>,
    #[serde(default)]
    kommentar: String,
    #[serde(default)]
    version: i64,
    /// Present (`ja`) when the comment is not for publication.
    ej_publicera: Option<String>,
}

/// Whether the post came from the form's script, which wants a short JSON reply to show beside
/// the question instead of a page.
fn from_script(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation, document, question)): Path<(String, String, String, String)>,
    headers: HeaderMap,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let organisation_key = may_answer(&caller.actor, &organisation)?;
    let reference = question_ref(&document, &question)?;
    // Browsers send line breaks as CRLF; store them as typed.
    let input = AnswerInput {
        value: form.svar,
        comment: form.kommentar.replace("\r\n", "\n"),
        version: form.version,
        withheld: form.ej_publicera.is_some(),
    };
    let saved = state
        .store
        .save_answer(
            &key(&round, "omgången")?,
            &organisation_key,
            &reference,
            &input,
            caller.actor.email.as_str(),
        )
        .await;
    if from_script(&headers) {
        return Ok(script_reply(saved));
    }
    match saved {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}#fraga-{}",
            response_path(&round, &organisation),
            question_id(&reference)
        ))
        .into_response()),
        Err(SaveError::Invalid(error)) => {
            let view = load(&state.app, &caller.actor, &round, &organisation).await?;
            let refused = Refused {
                question: reference,
                input,
                error,
            };
            Ok(answer_form::render(
                &caller,
                &view,
                Some(refused),
                StatusCode::BAD_REQUEST,
            ))
        }
        Err(SaveError::Conflict { .. }) => {
            let view = load(&state.app, &caller.actor, &round, &organisation).await?;
            conflict(&caller, &view, &reference, &input)
        }
        Err(other) => Err(crate::Failure::from(other).into()),
    }
}

/// The reply to the form's script: the new version and «Sparat …» on success; otherwise the
/// message to show, and for refused input the field it concerns. A conflict is only announced:
/// the script then leaves the question to a plain post, which shows both texts.
fn script_reply(saved: Result<SavedAnswer, SaveError>) -> Response {
    match saved {
        Ok(saved) => Json(json!({
            "version": saved.answer.version,
            "saved": super::saved(&saved.answer),
        }))
        .into_response(),
        Err(SaveError::Invalid(error)) => (
            StatusCode::BAD_REQUEST,
            Json(json!({
                "field": match error.field {
                    InputField::Answer => "svar",
                    InputField::Comment => "kommentar",
                    InputField::Version => "version",
                },
                "message": capitalised(&error.to_string()),
            })),
        )
            .into_response(),
        Err(SaveError::Conflict { .. }) => (
            StatusCode::CONFLICT,
            Json(json!({
                "message": "Någon annan har sparat ett nytt svar på frågan under tiden. Tryck på Spara för att se båda texterna och välja.",
            })),
        )
            .into_response(),
        Err(other) => {
            let failure = crate::Failure::from(other);
            (failure.status, Json(json!({ "message": capitalised(&failure.detail) })))
                .into_response()
        }
    }
}

/// The conflict page: what you wrote beside what is stored now.
#[derive(Template)]
#[template(path = "conflict.html")]
struct ConflictPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    action: String,
    back: String,
    question: &'a str,
    /// Your answer: the value as posted, its label, and your comment.
    yours_value: String,
    yours_label: Option<String>,
    yours_comment: &'a str,
    yours_withheld: bool,
    /// The stored answer's label, comment and who saved it when.
    theirs_label: Option<String>,
    theirs_comment: String,
    theirs_saved: String,
    version: i64,
}

fn conflict(
    caller: &Caller,
    view: &ResponseView,
    reference: &QuestionRef,
    input: &AnswerInput,
) -> Result<Response, WebError> {
    let form = view.form();
    let asked = form
        .iter()
        .find(|f| &f.reference == reference)
        .ok_or_else(|| WebError::NotFound(format!("frågan «{reference}»")))?;
    let base = response_path(view.round().key.as_str(), view.organisation.key.as_str());
    let yours_value = input.value.clone().unwrap_or_default();
    let current = asked.answer;
    let template = ConflictPage {
        nav: Nav::of(caller),
        csrf: csrf(caller),
        action: format!(
            "{base}/fragor/{}/{}",
            reference.document, reference.question
        ),
        back: format!("{base}#fraga-{}", question_id(reference)),
        question: &asked.question.text,
        yours_label: asked
            .scale
            .parse_value(&yours_value)
            .ok()
            .map(|v| asked.scale.display(&v)),
        yours_value,
        yours_comment: &input.comment,
        yours_withheld: input.withheld,
        theirs_label: current
            .and_then(|a| a.value.as_ref())
            .map(|v| asked.scale.display(v)),
        theirs_comment: current.map(|a| a.comment.clone()).unwrap_or_default(),
        theirs_saved: current.map_or_else(String::new, saved),
        version: current.map_or(0, |a| a.version),
    };
    Ok(page(template, StatusCode::CONFLICT))
}
