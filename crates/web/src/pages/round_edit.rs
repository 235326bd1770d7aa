//! Changing a round's name, dates and per-organisation extended last days while it is a draft
//! or open. The form carries the settings' change counter it was made from, so that a change
//! made meanwhile is a conflict, not an overwrite; a date changed to a day already past is
//! stored only once the coordinator ticks that they know.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use uppfolj_app::lookup::{require_coordinator, visible_round};
use uppfolj_app::reports::round_documents;
use uppfolj_app::rounds::{self, RoundEdit};
use uppfolj_app::{RoundError, RoundField};
use uppfolj_model::{Definitions, Round, RoundState};
use uppfolj_store::StoreError;

use crate::auth::Caller;
use crate::error::WebError;
use crate::forms::{FieldErrors, Form, check_csrf};
use crate::layout::{Nav, capitalised, page};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/andra", get(show).post(save))
}

/// The form as posted: one `organisation` (hidden) and one `forlangd` per row, in the same order.
#[derive(Default, Deserialize)]
#[serde(default)]
struct EditForm {
    csrf: String,
    seen: i64,
    namn: String,
    oppnar: String,
    stanger: String,
    organisation: Vec<String>,
    forlangd: Vec<String>,
    /// `ja` when the coordinator confirms dates already past.
    bekrafta: String,
}

/// One organisation asked something in the round, with its extended last day as written.
struct ExtensionRow {
    key: String,
    name: String,
    closes: String,
}

#[derive(Template)]
#[template(path = "round_edit.html")]
struct EditPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    round: &'a Round,
    seen: i64,
    name: String,
    opens: String,
    closes: String,
    rows: Vec<ExtensionRow>,
    errors: FieldErrors,
    /// Dates already past, in words, to confirm.
    past: Vec<String>,
    /// Why the form shows what is stored now instead of what was posted.
    conflict: Option<String>,
}

/// The form with the round as stored.
fn stored_page<'a>(
    caller: &'a Caller,
    definitions: &Definitions,
    round: &'a Round,
    seen: i64,
) -> EditPage<'a> {
    let rows = organisations(definitions, round)
        .into_iter()
        .map(|(key, name)| ExtensionRow {
            closes: round
                .extensions
                .iter()
                .find(|e| e.organisation.as_str() == key)
                .map(|e| e.closes.to_string())
                .unwrap_or_default(),
            key,
            name,
        })
        .collect();
    EditPage {
        nav: caller.nav(),
        csrf: caller.csrf(),
        round,
        seen,
        name: round.name.clone(),
        opens: round.opens.to_string(),
        closes: round.closes.to_string(),
        rows,
        errors: FieldErrors::default(),
        past: vec![],
        conflict: None,
    }
}

/// The active organisations the round asks anything of, by key and name, in Swedish order.
fn organisations(definitions: &Definitions, round: &Round) -> Vec<(String, String)> {
    let documents = round_documents(definitions, round);
    let mut asked: Vec<(String, String)> = definitions
        .organisations
        .iter()
        .filter(|o| o.active && !round.assigned_questions(&documents, o).is_empty())
        .map(|o| (o.key.to_string(), o.name.clone()))
        .collect();
    asked.sort_by(|a, b| uppfolj_model::text::swedish_cmp(&a.1, &b.1));
    asked
}

/// Refuses a round that can no longer be changed before showing or taking the form.
fn changeable(round: &Round) -> Result<(), WebError> {
    if matches!(round.state, RoundState::Draft | RoundState::Open) {
        return Ok(());
    }
    Err(RoundError::Settled {
        state: round.state.predicate().into(),
        what: "dess namn och datum",
    }
    .into())
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let (seen, _) = state.store.definitions_at().await?;
    let (definitions, index) = visible_round(&state.store, &caller.actor, &round).await?;
    let round = &definitions.rounds[index];
    changeable(round)?;
    Ok(page(
        stored_page(&caller, &definitions, round, seen),
        StatusCode::OK,
    ))
}

async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
    Form(form): Form<EditForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    if form.organisation.len() != form.forlangd.len() {
        return Err(crate::error::Failure::bad_request(
            "forlangd",
            "formuläret ska ha en förlängd sista dag (eller en tom ruta) per organisation",
        )
        .into());
    }
    let extensions: Vec<(String, String)> = form
        .organisation
        .iter()
        .zip(&form.forlangd)
        .filter(|(_, closes)| !closes.trim().is_empty())
        .map(|(organisation, closes)| (organisation.clone(), closes.trim().to_owned()))
        .collect();
    let edit = RoundEdit {
        name: form.namn.clone(),
        opens: form.oppnar.trim().to_owned(),
        closes: form.stanger.trim().to_owned(),
        extensions,
        past_dates_confirmed: form.bekrafta == "ja",
    };
    let refusal = match rounds::edit(&state.app, &caller.actor, &round, edit, form.seen).await {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/omgangar/{round}/hantera?andrad=ja")).into_response(),
            );
        }
        Err(refusal) => refusal,
    };
    let (definitions, index) = visible_round(&state.store, &caller.actor, &round).await?;
    let stored = &definitions.rounds[index];
    if let RoundError::Store(StoreError::Changed) = refusal {
        let (seen, _) = state.store.definitions_at().await?;
        let mut current = stored_page(&caller, &definitions, stored, seen);
        current.conflict = Some(format!(
            "{} Formuläret visar nu det som är sparat; gör dina ändringar igen.",
            capitalised(&StoreError::Changed.to_string())
        ));
        return Ok(page(current, StatusCode::CONFLICT));
    }
    let mut posted = stored_page(&caller, &definitions, stored, form.seen);
    posted.name = form.namn;
    posted.opens = form.oppnar;
    posted.closes = form.stanger;
    for row in &mut posted.rows {
        if let Some(i) = form.organisation.iter().position(|o| *o == row.key) {
            row.closes = form.forlangd[i].clone();
        }
    }
    let status = match refusal {
        RoundError::PastDates { past } => {
            posted.past = past;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        RoundError::Invalid { field, problems } => {
            let id = match field {
                RoundField::Name => "namn",
                RoundField::Opens => "oppnar",
                RoundField::Closes => "stanger",
                _ => "forlangd",
            };
            posted.errors.refuse(id, &problems[0]);
            StatusCode::BAD_REQUEST
        }
        other => return Err(other.into()),
    };
    Ok(page(posted, status))
}
