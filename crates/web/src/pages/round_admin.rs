//! The coordinator's pages for running a round: create one (by default as a copy of last
//! year's), and manage it — open, close and publish it, follow every organisation's progress,
//! and set the thresholds of the compilation's status. The same rules as the API's.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use time::Duration;
use uppfolj_model::{Document, Organisation, Round, RoundState};

use super::{Nav, check_csrf, csrf, days_left, page};
use crate::auth::Caller;
use crate::error::Failure;
use crate::{AppState, WebError};
use uppfolj_app::RoundError;
use uppfolj_app::lookup::{find_organisation, require_coordinator, visible_round};
use uppfolj_app::mail;
use uppfolj_app::responses::{ProgressRow, progress};
use uppfolj_app::rounds::{self, NewRoundInput};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/omgangar/ny", get(new_round).post(create))
        .route("/omgangar/{round}/hantera", get(manage).post(act))
}

/// A form's fields as posted, in order; repeated names (the document checkboxes) stay apart.
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// A refused input shown at its field: the field's id and the message.
struct FieldError {
    field: &'static str,
    message: String,
}

impl FieldError {
    /// Places a refusal from the shared rules at the form field it concerns.
    fn at(named: &str, message: String) -> FieldError {
        let field = [
            ("key", "nyckel"),
            ("name", "namn"),
            ("year", "ar"),
            ("opens", "oppnar"),
            ("closes", "stanger"),
            ("documents", "dokument"),
        ]
        .into_iter()
        .find(|(api, _)| named.contains(api))
        .map_or("nyckel", |(_, id)| id);
        FieldError { field, message }
    }
}

#[derive(Template)]
#[template(path = "new_round.html")]
struct NewRoundPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    /// Rounds to copy, newest first.
    rounds: Vec<Round>,
    documents: Vec<(String, String, bool)>,
    values: NewRoundValues,
    error: Option<FieldError>,
}

impl NewRoundPage<'_> {
    fn invalid(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|e| e.field == field)
    }
}

/// What the form shows in its fields.
struct NewRoundValues {
    name: String,
    key: String,
    year: String,
    opens: String,
    closes: String,
    copy_from: String,
}

async fn new_round(State(state): State<AppState>, caller: Caller) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let definitions = state.store.definitions().await?;
    let mut rounds = definitions.rounds.clone();
    rounds.sort_by_key(|r| std::cmp::Reverse(r.year));
    // Next year's round by default: last year's copied, its dates a year on.
    let values = match rounds.first() {
        Some(last) => {
            let year = last.year + 1;
            NewRoundValues {
                name: format!("Uppföljning {year}"),
                key: year.to_string(),
                year: year.to_string(),
                opens: (last.opens + Duration::weeks(52)).to_string(),
                closes: (last.closes + Duration::weeks(52)).to_string(),
                copy_from: last.key.to_string(),
            }
        }
        None => NewRoundValues {
            name: String::new(),
            key: String::new(),
            year: String::new(),
            opens: String::new(),
            closes: String::new(),
            copy_from: String::new(),
        },
    };
    let documents = document_choices(&definitions.documents, &[]);
    Ok(page(
        NewRoundPage {
            nav: Nav::of(&caller),
            csrf: csrf(&caller),
            rounds,
            documents,
            values,
            error: None,
        },
        StatusCode::OK,
    ))
}

fn document_choices(documents: &[Document], chosen: &[String]) -> Vec<(String, String, bool)> {
    documents
        .iter()
        .map(|d| {
            let key = d.key.to_string();
            let checked = chosen.contains(&key);
            (key, d.title.clone(), checked)
        })
        .collect()
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&caller, field(&fields, "csrf"))?;
    require_coordinator(&caller.actor)?;
    let chosen: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "dokument")
        .map(|(_, v)| v.clone())
        .collect();
    let values = NewRoundValues {
        name: field(&fields, "namn").to_owned(),
        key: field(&fields, "nyckel").trim().to_owned(),
        year: field(&fields, "ar").trim().to_owned(),
        opens: field(&fields, "oppnar").trim().to_owned(),
        closes: field(&fields, "stanger").trim().to_owned(),
        copy_from: field(&fields, "kopiera").to_owned(),
    };
    let made = match values.year.parse::<i32>() {
        Err(_) => Err(FieldError {
            field: "ar",
            message: format!("«{}» är inte ett år", values.year),
        }),
        Ok(_) if values.name.trim().is_empty() => Err(FieldError {
            field: "namn",
            message: "omgången behöver ett namn".into(),
        }),
        Ok(year) => {
            let input = NewRoundInput {
                key: values.key.clone(),
                name: values.name.clone(),
                year,
                opens: values.opens.clone(),
                closes: values.closes.clone(),
                copy_from: (!values.copy_from.is_empty()).then(|| values.copy_from.clone()),
                documents: chosen.clone(),
                thresholds: None,
            };
            match rounds::create(&state.app, &caller.actor, input).await {
                Ok(round) => Ok(round),
                Err(RoundError::Invalid { field, problems }) => {
                    Err(FieldError::at(&field, problems.join("; ")))
                }
                Err(e @ RoundError::KeyTaken(_)) => Err(FieldError::at("key", e.to_string())),
                Err(e) => return Err(e.into()),
            }
        }
    };
    match made {
        Ok(round) => Ok(Redirect::to(&format!("/omgangar/{}/hantera", round.key)).into_response()),
        Err(error) => {
            let definitions = state.store.definitions().await?;
            let mut rounds = definitions.rounds.clone();
            rounds.sort_by_key(|r| std::cmp::Reverse(r.year));
            Ok(page(
                NewRoundPage {
                    nav: Nav::of(&caller),
                    csrf: csrf(&caller),
                    rounds,
                    documents: document_choices(&definitions.documents, &chosen),
                    values,
                    error: Some(error),
                },
                StatusCode::BAD_REQUEST,
            ))
        }
    }
}

/// A state the round may move to, with the button that moves it.
struct Transition {
    state: &'static str,
    label: &'static str,
    explanation: &'static str,
}

fn transitions(from: RoundState) -> Vec<Transition> {
    [
        (
            RoundState::Open,
            if from == RoundState::Closed { "Öppna omgången igen" } else { "Öppna omgången" },
            "Organisationerna kan svara till och med sista dagen.",
        ),
        (
            RoundState::Closed,
            "Stäng omgången",
            "Inga fler svar tas emot, utom från organisationer som du öppnar igen för.",
        ),
        (
            RoundState::Published,
            "Publicera sammanställningen",
            "Sammanställningen blir läsbar för alla utan inloggning, med öppna data. Det går inte att ångra.",
        ),
    ]
    .into_iter()
    .filter(|(to, _, _)| from.may_become(*to))
    .map(|(to, label, explanation)| Transition {
        state: to.as_str(),
        label,
        explanation,
    })
    .collect()
}

#[derive(Template)]
#[template(path = "manage_round.html")]
struct ManagePage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    round: &'a Round,
    transitions: Vec<Transition>,
    rows: Vec<ProgressRow>,
    submitted: usize,
    /// The thresholds as whole percentages, as the form shows them.
    green: String,
    yellow: String,
    error: Option<String>,
    /// Whether e-mail can be sent, to offer reminders.
    mail: bool,
    /// What the last reminders reached, or why they failed.
    notice: Option<String>,
    mail_error: Option<String>,
}

impl ManagePage<'_> {
    fn deadline(&self, row: &ProgressRow) -> String {
        row.days_left.map(days_left).unwrap_or_default()
    }
}

async fn manage(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    manage_page(&state, &caller, &round, Outcome::default(), StatusCode::OK).await
}

/// What the management page reports after a refused change or a round of reminders.
#[derive(Default)]
struct Outcome {
    /// Refused thresholds as written, and why.
    thresholds: Option<(String, String, String)>,
    notice: Option<String>,
    mail_error: Option<String>,
}

async fn manage_page(
    state: &AppState,
    caller: &Caller,
    round: &str,
    outcome: Outcome,
    status: StatusCode,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let (definitions, index) = visible_round(&state.store, &caller.actor, round).await?;
    let round = &definitions.rounds[index];
    let rows = progress(&state.app, &caller.actor, &definitions, round).await?;
    let submitted = rows.iter().filter(|r| r.state.is_submitted()).count();
    let percent = |share: f64| format!("{:.0}", share * 100.0);
    let (green, yellow, error) = match outcome.thresholds {
        Some((green, yellow, message)) => (green, yellow, Some(message)),
        None => (
            percent(round.thresholds.green),
            percent(round.thresholds.yellow),
            None,
        ),
    };
    Ok(page(
        ManagePage {
            nav: Nav::of(caller),
            csrf: csrf(caller),
            round,
            transitions: transitions(round.state),
            rows,
            submitted,
            green,
            yellow,
            error,
            mail: state.app.settings.mailer.is_some(),
            notice: outcome.notice,
            mail_error: outcome.mail_error,
        },
        status,
    ))
}

async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&caller, field(&fields, "csrf"))?;
    match field(&fields, "atgard") {
        "status" => {
            rounds::change_state(&state.app, &caller.actor, &round, field(&fields, "status"))
                .await?;
        }
        "granser" => {
            let (green, yellow) = (field(&fields, "gron"), field(&fields, "gul"));
            let share = |text: &str| {
                text.trim()
                    .replace(',', ".")
                    .parse::<f64>()
                    .map(|p| p / 100.0)
            };
            let set = match (share(green), share(yellow)) {
                (Ok(g), Ok(y)) => {
                    match rounds::set_thresholds(&state.app, &caller.actor, &round, g, y).await {
                        Ok(_) => Ok(()),
                        Err(RoundError::Invalid { problems, .. }) => Err(problems.join("; ")),
                        Err(other) => return Err(other.into()),
                    }
                }
                _ => Err("gränserna ska anges i procent, till exempel 75 och 50".to_owned()),
            };
            if let Err(message) = set {
                let outcome = Outcome {
                    thresholds: Some((green.to_owned(), yellow.to_owned(), message)),
                    ..Outcome::default()
                };
                return manage_page(&state, &caller, &round, outcome, StatusCode::BAD_REQUEST)
                    .await;
            }
        }
        "paminn" => return remind(&state, &caller, &round, &fields).await,
        other => {
            return Err(Failure::bad_request("atgard", format!("okänd åtgärd «{other}»")).into());
        }
    }
    Ok(Redirect::to(&format!("/omgangar/{round}/hantera")).into_response())
}

/// Sends reminders to the organisations ticked, and shows what they reached.
async fn remind(
    state: &AppState,
    caller: &Caller,
    round: &str,
    fields: &Fields,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let (definitions, index) = visible_round(&state.store, &caller.actor, round).await?;
    let chosen: Vec<&Organisation> = fields
        .iter()
        .filter(|(k, _)| k == "organisation")
        .map(|(_, key)| find_organisation(&definitions, key))
        .collect::<Result<_, _>>()?;
    let mut outcome = Outcome::default();
    let mut status = StatusCode::OK;
    if chosen.is_empty() {
        outcome.mail_error = Some("Kryssa för minst en organisation att påminna.".into());
        status = StatusCode::BAD_REQUEST;
    } else {
        match mail::remind(&state.app, &definitions.rounds[index], &chosen).await {
            Ok(reached) => {
                let mut notice = format!(
                    "Påminnelsen skickades till {} {} på {} {}.",
                    reached.people,
                    if reached.people == 1 {
                        "person"
                    } else {
                        "personer"
                    },
                    reached.organisations,
                    if reached.organisations == 1 {
                        "organisation"
                    } else {
                        "organisationer"
                    },
                );
                if !reached.without_respondents.is_empty() {
                    notice.push_str(&format!(
                        " Ingen svarar för {}: lägg till en uppgiftslämnare.",
                        reached.without_respondents.join(", ")
                    ));
                }
                outcome.notice = Some(notice);
            }
            Err(e) => {
                outcome.mail_error = Some(format!("Påminnelsen kunde inte skickas: {e}"));
                status = StatusCode::BAD_GATEWAY;
            }
        }
    }
    manage_page(state, caller, round, outcome, status).await
}
