//! Saving one question of the answer form: a plain form post carrying the version the form was
//! made from. Saved, it goes back to the question; refused input is shown at its field with
//! nothing saved; a save made from a stale version shows both texts and lets the person choose.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use uppfolj_app::ResponseError;
use uppfolj_app::lookup::question_ref;
use uppfolj_app::responses::{ResponseView, load};
use uppfolj_app::saving;
use uppfolj_model::{AnswerInput, QuestionRef, QuestionStatus};
use uppfolj_store::{SaveError, SavedAnswer};

use super::addresses::{field_id, question_id, response_path};
use super::answer_form::{self, Refused, attention_notice, status_name};
use super::session::{Carried, login_to_continue};
use crate::auth::Caller;
use crate::error::{Failure, WebError};
use crate::forms::{Confirmation, ConflictPage, ConflictRow, Form, Keep, check_csrf};
use crate::layout::{capitalised, saved as saved_line};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/omgangar/{round}/svar/{organisation}/fragor/{document}/{question}",
            post(save),
        )
        .route(
            "/omgangar/{round}/svar/{organisation}/fragor/{document}/{question}/ta-over",
            post(take_over),
        )
        .route(
            "/omgangar/{round}/svar/{organisation}/ta-over-alla",
            post(take_over_all),
        )
}

/// «Ta över» for one question, pressed in its form: last round's answer and comment saved from
/// the version the form shows, then back to the question like any save.
async fn take_over(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation, document, question)): Path<(String, String, String, String)>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let reference = question_ref(&document, &question)?;
    let input = saving::taken_over(
        &state.app,
        &caller.actor,
        &round,
        &organisation,
        &reference,
        form.version,
    )
    .await?;
    let saved = saving::save_answer(
        &state.app,
        &caller.actor,
        &round,
        &organisation,
        &reference,
        &input,
    )
    .await;
    answered(
        &state,
        &caller,
        &round,
        &organisation,
        reference,
        input,
        saved,
    )
    .await
}

/// «Ta över alla»: last round's answers to every question not yet answered, in one go; back to
/// the form, which says how many.
async fn take_over_all(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
    Form(form): Form<Confirmation>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let taken = saving::take_over_all(&state.app, &caller.actor, &round, &organisation).await?;
    Ok(Redirect::to(&format!(
        "{}?overtagna={taken}",
        response_path(&round, &organisation)
    ))
    .into_response())
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
    caller: Result<Caller, Failure>,
    Path((round, organisation, document, question)): Path<(String, String, String, String)>,
    headers: HeaderMap,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let caller = match caller {
        Ok(caller) => caller,
        // The script is told in words, so that it keeps the text and says how to go on; a plain
        // post gets the login page carrying what was posted, to send again once logged in.
        Err(failure) if failure.status == StatusCode::UNAUTHORIZED => {
            if from_script(&headers) {
                return Ok(logged_out());
            }
            let till = format!(
                "{}/fragor/{document}/{question}",
                response_path(&round, &organisation)
            );
            return Ok(login_to_continue(&state, carried(till, form)));
        }
        Err(failure) => return Err(failure.into()),
    };
    check_csrf(&caller, &form.csrf)?;
    let reference = question_ref(&document, &question)?;
    // Browsers send line breaks as CRLF; store them as typed.
    let input = AnswerInput {
        value: form.svar,
        comment: form.kommentar.replace("\r\n", "\n"),
        version: form.version,
        withheld: form.ej_publicera.is_some(),
    };
    let saved = saving::save_answer(
        &state.app,
        &caller.actor,
        &round,
        &organisation,
        &reference,
        &input,
    )
    .await;
    if from_script(&headers) {
        let status = match &saved {
            Ok(saved) => Some(saving::status_after(&state.app, &round, saved).await?),
            Err(_) => None,
        };
        return Ok(script_reply(saved, status));
    }
    answered(
        &state,
        &caller,
        &round,
        &organisation,
        reference,
        input,
        saved,
    )
    .await
}

/// After a plain post's save: back to the question, or the form with the refusal at its field,
/// or both texts to choose between on a conflict.
async fn answered(
    state: &AppState,
    caller: &Caller,
    round: &str,
    organisation: &str,
    reference: QuestionRef,
    input: AnswerInput,
    saved: Result<SavedAnswer, ResponseError>,
) -> Result<Response, WebError> {
    match saved {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}#fraga-{}",
            response_path(round, organisation),
            question_id(&reference)
        ))
        .into_response()),
        Err(ResponseError::Save(SaveError::Invalid(error))) => {
            let view = load(&state.app, &caller.actor, round, organisation).await?;
            let refused = Refused {
                question: reference,
                input,
                error,
            };
            Ok(answer_form::render(
                caller,
                &view,
                Some(refused),
                StatusCode::BAD_REQUEST,
            ))
        }
        Err(ResponseError::Conflict(_)) => {
            let view = load(&state.app, &caller.actor, round, organisation).await?;
            conflict(caller, &view, &reference, &input)
        }
        Err(other) => Err(other.into()),
    }
}

/// What a question's form posted, but its CSRF token, to carry through a new login.
fn carried(till: String, form: AnswerForm) -> Carried {
    let mut fields = vec![
        ("version".to_owned(), form.version.to_string()),
        ("kommentar".to_owned(), form.kommentar),
    ];
    if let Some(answer) = form.svar {
        fields.push(("svar".to_owned(), answer));
    }
    if let Some(withheld) = form.ej_publicera {
        fields.push(("ej_publicera".to_owned(), withheld));
    }
    Carried { till, fields }
}

/// The reply to the form's script when the session has ended.
fn logged_out() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({
            "message": "Du har loggats ut, och frågan är inte sparad. Det du skrev finns kvar i den här webbläsaren: logga in igen och öppna formuläret, så kan du spara det.",
            "login": "/logga-in",
        })),
    )
        .into_response()
}

/// The reply to the form's script: the new version and «Sparat …» on success; otherwise the
/// message to show, and for refused input the field it concerns. A conflict is only announced:
/// the script then leaves the question to a plain post, which shows both texts.
fn script_reply(
    saved: Result<SavedAnswer, ResponseError>,
    status: Option<QuestionStatus>,
) -> Response {
    match saved {
        Ok(saved) => Json(json!({
            "version": saved.answer.version,
            "saved": saved_line(&saved.answer),
            "status": status.as_ref().map(status_name),
            "attention": status.as_ref().and_then(attention_notice),
        }))
        .into_response(),
        Err(ResponseError::Save(SaveError::Invalid(error))) => (
            StatusCode::BAD_REQUEST,
            Json(json!({
                "field": field_id(error.field),
                "message": capitalised(&error.to_string()),
            })),
        )
            .into_response(),
        Err(ResponseError::Conflict(_)) => (
            StatusCode::CONFLICT,
            Json(json!({
                "message": "Någon annan har sparat ett nytt svar på frågan under tiden. Tryck på Spara för att se båda texterna och välja.",
            })),
        )
            .into_response(),
        Err(other) => {
            let failure = Failure::from(other);
            (failure.status, Json(json!({ "message": capitalised(&failure.detail) })))
                .into_response()
        }
    }
}

/// The conflict page: what you wrote beside what is stored now, with a button that keeps yours
/// and a link back to the stored answer.
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
    let or_dash = |text: &str| {
        if text.is_empty() {
            "–".to_owned()
        } else {
            text.to_owned()
        }
    };
    let mut fields = vec![
        ("version", current.map_or(0, |a| a.version).to_string()),
        ("svar", yours_value.clone()),
        ("kommentar", input.comment.clone()),
    ];
    if input.withheld {
        fields.push(("ej_publicera", "ja".to_owned()));
    }
    Ok(ConflictPage {
        nav: caller.nav(),
        title: "Någon annan har sparat ett svar under tiden".into(),
        explanation: format!(
            "Ditt svar på «{}» är inte sparat, eftersom svaret har ändrats sedan du öppnade formuläret. Välj vilket svar som ska gälla.",
            asked.question.text
        ),
        yours: "Ditt svar",
        rows: vec![
            ConflictRow {
                label: "Svar",
                stored: current
                    .and_then(|a| a.value.as_ref())
                    .map_or_else(|| "Ej besvarad".to_owned(), |v| asked.scale.display(v)),
                yours: asked
                    .scale
                    .parse_value(&yours_value)
                    .ok()
                    .map_or_else(|| "Inget svar valt".to_owned(), |v| asked.scale.display(&v)),
                multiline: false,
            },
            ConflictRow {
                label: "Kommentar",
                stored: or_dash(current.map_or("", |a| a.comment.as_str())),
                yours: or_dash(&input.comment),
                multiline: true,
            },
        ],
        stored_note: current.map(saved_line),
        keep: Some(Keep {
            action: format!(
                "{base}/fragor/{}/{}",
                reference.document, reference.question
            ),
            csrf: caller.csrf().to_owned(),
            fields,
            label: "Behåll mitt svar",
        }),
        back: (
            format!("{base}#fraga-{}", question_id(reference)),
            "Använd det sparade svaret",
        ),
        also: None,
    }
    .response())
}
