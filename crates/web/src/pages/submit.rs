//! Submitting a response: the page lists every problem the submit check finds, each linked to its
//! question, and offers the button once there are none. Submitting runs the same check as the API.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use uppfolj_model::{ResponseState, Round};

use super::addresses::{field_id, question_id, response_path};
use crate::auth::Caller;
use crate::forms::{Confirmation, Form, check_csrf};
use crate::layout::capitalised;
use crate::layout::{Nav, page};
use crate::{AppState, WebError};
use uppfolj_app::ResponseError;
use uppfolj_app::responses::{self, ResponseView, load, may_answer};
use uppfolj_store::WorkflowError;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/omgangar/{round}/svar/{organisation}/skicka-in",
        get(show).post(submit),
    )
}

#[derive(Template)]
#[template(path = "submit.html")]
struct SubmitPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    round: &'a Round,
    organisation: &'a str,
    base: String,
    state: ResponseState,
    takes_answers: bool,
    /// Each problem's link to its question and its message.
    problems: Vec<(String, String)>,
}

fn render(caller: &Caller, view: &ResponseView, status: StatusCode) -> Response {
    let round = view.round();
    let base = response_path(round.key.as_str(), view.organisation.key.as_str());
    let problems = view
        .problems()
        .into_iter()
        .map(|p| {
            (
                format!("{base}#{}-{}", field_id(p.field), question_id(&p.question)),
                capitalised(&p.message),
            )
        })
        .collect();
    page(
        SubmitPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            round,
            organisation: &view.organisation.name,
            state: view.status.state,
            takes_answers: view.round_takes_answers(),
            problems,
            base,
        },
        status,
    )
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
) -> Result<Response, WebError> {
    may_answer(&caller.actor, &organisation)?;
    let view = load(&state.app, &caller.actor, &round, &organisation).await?;
    Ok(render(&caller, &view, StatusCode::OK))
}

async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
    Form(form): Form<Confirmation>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    match responses::submit(&state.app, &caller.actor, &round, &organisation).await {
        Ok(_) => Ok(Redirect::to(&response_path(&round, &organisation)).into_response()),
        Err(ResponseError::Workflow(WorkflowError::Incomplete(_))) => {
            let view = load(&state.app, &caller.actor, &round, &organisation).await?;
            Ok(render(&caller, &view, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(failure) => Err(failure.into()),
    }
}
