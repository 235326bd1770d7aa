//! The coordinator's review of a response: accept it, return it for completion with a message,
//! or reopen the closed round for the organisation. The same decisions as the API's.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use uppfolj_model::{ResponseState, Round, RoundState};

use super::addresses::response_path;
use crate::auth::Caller;
use crate::forms::{Form, check_csrf};
use crate::layout::capitalised;
use crate::layout::{Nav, page};
use crate::{AppState, WebError};
use uppfolj_app::ResponseError;
use uppfolj_app::lookup::require_coordinator;
use uppfolj_app::responses::{Decision, ResponseView, decide, load};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/omgangar/{round}/svar/{organisation}/granska",
        get(show).post(review),
    )
}

/// What a refused decision concerns: the decision's form and why, with the message as written.
struct Refusal {
    decision: String,
    error: String,
    message: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    round: &'a Round,
    organisation: &'a str,
    base: String,
    state: ResponseState,
    message: Option<&'a str>,
    answered: usize,
    total: usize,
    refusal: Option<Refusal>,
}

impl ReviewPage<'_> {
    fn may_accept(&self) -> bool {
        self.state == ResponseState::Submitted
    }

    fn may_return(&self) -> bool {
        matches!(
            self.state,
            ResponseState::Submitted | ResponseState::Accepted
        )
    }

    fn may_reopen(&self) -> bool {
        self.round.state == RoundState::Closed
    }

    /// The refusal's text for one decision's form, if it was that one.
    fn error_for(&self, decision: &str) -> Option<&str> {
        self.refusal
            .as_ref()
            .filter(|r| r.decision == decision)
            .map(|r| r.error.as_str())
    }

    fn written_for(&self, decision: &str) -> &str {
        self.refusal
            .as_ref()
            .filter(|r| r.decision == decision)
            .map_or("", |r| r.message.as_str())
    }
}

fn render(
    caller: &Caller,
    view: &ResponseView,
    refusal: Option<Refusal>,
    status: StatusCode,
) -> Response {
    let round = view.round();
    let form = view.form();
    page(
        ReviewPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            round,
            organisation: &view.organisation.name,
            base: response_path(round.key.as_str(), view.organisation.key.as_str()),
            state: view.status.state,
            message: view.status.message.as_deref(),
            answered: view.answered(),
            total: form.len(),
            refusal,
        },
        status,
    )
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let view = load(&state.app, &caller.actor, &round, &organisation).await?;
    Ok(render(&caller, &view, None, StatusCode::OK))
}

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    csrf: String,
    /// `godkann`, `aterskicka` or `oppna-igen`.
    #[serde(default)]
    beslut: String,
    #[serde(default)]
    meddelande: String,
}

async fn review(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation)): Path<(String, String)>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let message = form.meddelande.replace("\r\n", "\n");
    let decision = match form.beslut.as_str() {
        "godkann" => Decision::Accept,
        "aterskicka" => Decision::Return(&message),
        "oppna-igen" => Decision::Reopen(&message),
        other => return Err(WebError::NotFound(format!("beslutet «{other}»"))),
    };
    match decide(&state.app, &caller.actor, &round, &organisation, decision).await {
        Ok(_) => Ok(
            Redirect::to(&format!("{}/granska", response_path(&round, &organisation)))
                .into_response(),
        ),
        Err(refused @ ResponseError::Invalid { .. }) => {
            let view = load(&state.app, &caller.actor, &round, &organisation).await?;
            let refusal = Refusal {
                decision: form.beslut,
                error: capitalised(&refused.to_string()),
                message,
            };
            Ok(render(
                &caller,
                &view,
                Some(refusal),
                StatusCode::BAD_REQUEST,
            ))
        }
        Err(failure) => Err(failure.into()),
    }
}
