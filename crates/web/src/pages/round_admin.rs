//! The coordinator's pages for running a round: create one (by default as a copy of last
//! year's), and manage it — open, close and publish it, follow every organisation's progress,
//! and set the thresholds of the compilation's status. The same rules as the API's.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use time::Duration;
use uppfolj_app::lookup::{find_organisation, require_coordinator, visible_round};
use uppfolj_app::mail;
use uppfolj_app::responses::{ProgressRow, progress};
use uppfolj_app::rounds::{self, NewRoundInput};
use uppfolj_app::{RoundError, RoundField};
use uppfolj_exchange::compilation::XLSX_MEDIA_TYPE;
use uppfolj_model::{Document, Key, Organisation, Round, RoundState};

use crate::auth::Caller;
use crate::error::WebError;
use crate::forms::{FieldErrors, Form, check_csrf};
use crate::layout::{Nav, days_left, download, page};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/omgangar/ny", get(new_round).post(create))
        .route("/omgangar/{round}/hantera", get(manage))
        .route("/omgangar/{round}/status", post(change_state))
        .route("/omgangar/{round}/stang", get(confirm_close))
        .route("/omgangar/{round}/publicera", get(confirm_publish))
        .route("/omgangar/{round}/granser", post(set_thresholds))
        .route("/omgangar/{round}/paminn", post(remind))
        .route("/omgangar/{round}/svar.csv", get(answers_csv))
        .route("/omgangar/{round}/svar.xlsx", get(answers_xlsx))
        .route("/omgangar/{round}/rapporter.zip", get(reports_zip))
}

/// The new-round form as posted; a field left out reads as empty and is refused as such.
#[derive(Default, Deserialize)]
#[serde(default)]
struct NewRoundForm {
    csrf: String,
    namn: String,
    nyckel: String,
    ar: String,
    oppnar: String,
    stanger: String,
    /// The round to copy, or empty to start from the documents ticked.
    kopiera: String,
    dokument: Vec<String>,
}

/// A change of the round's state: the state to move to, as stored (`open`, `closed`, …).
#[derive(Default, Deserialize)]
#[serde(default)]
struct StateForm {
    csrf: String,
    status: String,
    /// `ja` when the coordinator ticked the box that confirms closing or publishing.
    bekrafta: String,
}

/// The thresholds as written, in percent.
#[derive(Default, Deserialize)]
#[serde(default)]
struct ThresholdsForm {
    csrf: String,
    gron: String,
    gul: String,
    inskickade: String,
}

/// The organisations to remind, by key.
#[derive(Default, Deserialize)]
#[serde(default)]
struct RemindForm {
    csrf: String,
    organisation: Vec<String>,
    /// Set when sent from the start page's board: its filter, to go back to as it was.
    fran_start: Option<String>,
    status: String,
    typ: String,
    /// `ja` from «Påminn alla»: every organisation the board shows that has not submitted.
    alla: String,
}

/// The new-round form's field that shows a refusal of the round's `field`.
fn form_field(field: RoundField) -> &'static str {
    match field {
        RoundField::Name => "namn",
        RoundField::Year => "ar",
        RoundField::Opens => "oppnar",
        RoundField::Closes => "stanger",
        RoundField::Documents | RoundField::Targets => "dokument",
        RoundField::Key | RoundField::Thresholds | RoundField::State | RoundField::Extensions => {
            "nyckel"
        }
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
    errors: FieldErrors,
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
            nav: caller.nav(),
            csrf: caller.csrf(),
            rounds,
            documents,
            values,
            errors: FieldErrors::default(),
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
    Form(form): Form<NewRoundForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let values = NewRoundValues {
        name: form.namn,
        key: form.nyckel.trim().to_owned(),
        year: form.ar.trim().to_owned(),
        opens: form.oppnar.trim().to_owned(),
        closes: form.stanger.trim().to_owned(),
        copy_from: form.kopiera,
    };
    let chosen = form.dokument;
    let mut errors = FieldErrors::default();
    match values.year.parse::<i32>() {
        Err(_) => errors.add("ar", format!("«{}» är inte ett år", values.year)),
        Ok(_) if values.name.trim().is_empty() => errors.add("namn", "omgången behöver ett namn"),
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
                Ok(round) => {
                    return Ok(
                        Redirect::to(&format!("/omgangar/{}/hantera", round.key)).into_response()
                    );
                }
                Err(RoundError::Invalid { field, problems }) => {
                    errors.add(form_field(field), problems.join("; "));
                }
                Err(taken @ RoundError::KeyTaken(_)) => errors.add("nyckel", taken.to_string()),
                Err(other) => return Err(other.into()),
            }
        }
    }
    let definitions = state.store.definitions().await?;
    let mut rounds = definitions.rounds.clone();
    rounds.sort_by_key(|r| std::cmp::Reverse(r.year));
    Ok(page(
        NewRoundPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            rounds,
            documents: document_choices(&definitions.documents, &chosen),
            values,
            errors,
        },
        StatusCode::BAD_REQUEST,
    ))
}

/// A state the round may move to, with the button that moves it.
struct Transition {
    state: &'static str,
    label: &'static str,
    explanation: &'static str,
    /// The page that asks to confirm the move first, for closing and publishing.
    confirm: Option<&'static str>,
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
        confirm: confirmation_path(to),
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
    submitted_share: String,
    error: Option<String>,
    /// Whether e-mail can be sent, to offer reminders.
    mail: bool,
    /// What the last reminders reached, or why they failed.
    notice: Option<String>,
    mail_error: Option<String>,
    /// The round's name or dates were just changed.
    edited: bool,
    /// The round's documents, key and title, each with its council report.
    documents: Vec<(String, String)>,
}

impl ManagePage<'_> {
    fn deadline(&self, row: &ProgressRow) -> String {
        row.days_left.map(days_left).unwrap_or_default()
    }
}

/// What the management page says after a change made elsewhere (`?andrad=ja`).
#[derive(Default, Deserialize)]
#[serde(default)]
struct Shown {
    andrad: Option<String>,
}

async fn manage(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
    Query(shown): Query<Shown>,
) -> Result<Response, WebError> {
    let outcome = Outcome {
        edited: shown.andrad.is_some(),
        ..Outcome::default()
    };
    manage_page(&state, &caller, &round, outcome, StatusCode::OK).await
}

/// What the management page reports after a refused change or a round of reminders.
#[derive(Default)]
struct Outcome {
    /// Refused thresholds as written, and why.
    thresholds: Option<(String, String, String, String)>,
    notice: Option<String>,
    mail_error: Option<String>,
    /// The round's name or dates were just changed.
    edited: bool,
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
    let (green, yellow, submitted_share, error) = match outcome.thresholds {
        Some((green, yellow, submitted, message)) => (green, yellow, submitted, Some(message)),
        None => (
            percent(round.thresholds.green),
            percent(round.thresholds.yellow),
            percent(round.thresholds.submitted),
            None,
        ),
    };
    Ok(page(
        ManagePage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            round,
            transitions: transitions(round.state),
            rows,
            submitted,
            green,
            yellow,
            submitted_share,
            error,
            mail: state.app.settings.mailer.is_some(),
            notice: outcome.notice,
            mail_error: outcome.mail_error,
            edited: outcome.edited,
            documents: round
                .documents
                .iter()
                .filter_map(|key| definitions.documents.iter().find(|d| &d.key == key))
                .map(|d| (d.key.to_string(), d.title.clone()))
                .collect(),
        },
        status,
    ))
}

async fn change_state(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
    Form(form): Form<StateForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let next = RoundState::parse(&form.status);
    if let Some(next) = next.filter(|s| s.asks_confirmation() && form.bekrafta != "ja") {
        let mut errors = FieldErrors::default();
        errors.add(
            "bekrafta",
            "Kryssa i rutan för att bekräfta att du vill gå vidare.",
        );
        return confirm_page(&state, &caller, &round, next, errors).await;
    }
    rounds::change_state(&state.app, &caller.actor, &round, &form.status).await?;
    Ok(Redirect::to(&format!("/omgangar/{round}/hantera")).into_response())
}

/// Every organisation's answers in the round, as `export answers` writes them: CSV for Excel
/// (semicolons, a byte-order mark) or a workbook. Coordinators only.
async fn answers_csv(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    let (key, rows) = answer_rows(&state, &caller, &round).await?;
    let file =
        uppfolj_exchange::answers::csv(&rows, b';').map_err(|e| WebError::Render(e.to_string()))?;
    Ok(download(
        file,
        "text/csv; charset=utf-8",
        &format!("svar-{key}.csv"),
    ))
}

async fn answers_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    let (key, rows) = answer_rows(&state, &caller, &round).await?;
    let file =
        uppfolj_exchange::answers::xlsx(&rows).map_err(|e| WebError::Render(e.to_string()))?;
    Ok(download(file, XLSX_MEDIA_TYPE, &format!("svar-{key}.xlsx")))
}

/// Every organisation's report as a PDF, in one ZIP archive (a file per organisation asked,
/// named by its key). Coordinators only; typeset off the threads that serve requests.
async fn reports_zip(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let (definitions, index) = visible_round(&state.store, &caller.actor, &round).await?;
    let key = definitions.rounds[index].key.clone();
    let reports = uppfolj_app::reports::round_reports(&state.store, &key).await?;
    let round = key.clone();
    let file = tokio::task::spawn_blocking(move || {
        let pdfs = reports
            .iter()
            .map(|r| {
                Ok((
                    format!("rapport-{round}-{}.pdf", r.organisation_key),
                    r.pdf()?,
                ))
            })
            .collect::<Result<Vec<_>, uppfolj_report::ReportError>>()
            .map_err(|e| e.to_string())?;
        uppfolj_exchange::zip::archive(pdfs.iter().map(|(n, b)| (n.as_str(), b.as_slice())))
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| WebError::Render(e.to_string()))?
    .map_err(WebError::Render)?;
    Ok(download(
        file,
        "application/zip",
        &format!("rapporter-{key}.zip"),
    ))
}

async fn answer_rows(
    state: &AppState,
    caller: &Caller,
    round: &str,
) -> Result<(Key, Vec<uppfolj_exchange::answers::AnswerRow>), WebError> {
    require_coordinator(&caller.actor)?;
    let (definitions, index) = visible_round(&state.store, &caller.actor, round).await?;
    let key = definitions.rounds[index].key.clone();
    let rows = uppfolj_app::reports::answer_rows(&state.store, &key, None).await?;
    Ok((key, rows))
}

/// The page that asks to confirm closing or publishing a round, by its last path segment.
fn confirmation_path(to: RoundState) -> Option<&'static str> {
    match to {
        RoundState::Closed => Some("stang"),
        RoundState::Published => Some("publicera"),
        RoundState::Draft | RoundState::Open => None,
    }
}

/// Closing or publishing a round, asked before it is done: what it leaves behind in numbers,
/// and a box to tick.
#[derive(Template)]
#[template(path = "confirm_state.html")]
struct ConfirmPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    change: rounds::StateChange,
    errors: FieldErrors,
}

async fn confirm_close(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    confirm_page(
        &state,
        &caller,
        &round,
        RoundState::Closed,
        FieldErrors::default(),
    )
    .await
}

async fn confirm_publish(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    confirm_page(
        &state,
        &caller,
        &round,
        RoundState::Published,
        FieldErrors::default(),
    )
    .await
}

async fn confirm_page(
    state: &AppState,
    caller: &Caller,
    round: &str,
    next: RoundState,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let change = rounds::state_change(&state.app, &caller.actor, round, next).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(page(
        ConfirmPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            change,
            errors,
        },
        status,
    ))
}

async fn set_thresholds(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
    Form(form): Form<ThresholdsForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let share = |text: &str| {
        text.trim()
            .replace(',', ".")
            .parse::<f64>()
            .map(|p| p / 100.0)
    };
    let refused = match (share(&form.gron), share(&form.gul), share(&form.inskickade)) {
        (Ok(green), Ok(yellow), Ok(submitted)) => {
            match rounds::set_thresholds(
                &state.app,
                &caller.actor,
                &round,
                green,
                yellow,
                submitted,
            )
            .await
            {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/omgangar/{round}/hantera")).into_response());
                }
                Err(RoundError::Invalid { problems, .. }) => problems.join("; "),
                Err(other) => return Err(other.into()),
            }
        }
        _ => "gränserna ska anges i procent, till exempel 75, 50 och 50".to_owned(),
    };
    let outcome = Outcome {
        thresholds: Some((form.gron, form.gul, form.inskickade, refused)),
        ..Outcome::default()
    };
    manage_page(&state, &caller, &round, outcome, StatusCode::BAD_REQUEST).await
}

/// Sends reminders to the organisations ticked, and shows what they reached.
async fn remind(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
    Form(form): Form<RemindForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    require_coordinator(&caller.actor)?;
    let (definitions, index) = visible_round(&state.store, &caller.actor, &round).await?;
    let mut keys = form.organisation.clone();
    if form.alla == "ja" {
        let shown = super::rounds::BoardFilter::new(&form.status, &form.typ);
        keys = progress(
            &state.app,
            &caller.actor,
            &definitions,
            &definitions.rounds[index],
        )
        .await?
        .into_iter()
        .filter(|row| !row.state.is_submitted() && shown.admits_progress(row))
        .map(|row| row.organisation.key.to_string())
        .collect();
    }
    let chosen: Vec<&Organisation> = keys
        .iter()
        .map(|key| find_organisation(&definitions, key))
        .collect::<Result<_, _>>()?;
    let mut outcome = Outcome::default();
    let mut status = StatusCode::OK;
    if chosen.is_empty() {
        outcome.mail_error = Some("Kryssa för minst en organisation att påminna.".into());
        status = StatusCode::BAD_REQUEST;
    } else {
        match mail::remind(
            &state.app,
            &caller.actor,
            &definitions.rounds[index],
            &chosen,
        )
        .await
        {
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
                // From the board, back to the board as it was filtered, saying what was sent.
                if form.fran_start.is_some() {
                    let back = serde_html_form::to_string([
                        ("status", form.status.as_str()),
                        ("typ", form.typ.as_str()),
                        ("paminnelse", notice.as_str()),
                    ])
                    .unwrap_or_default();
                    return Ok(Redirect::to(&format!("/?{back}#tackning")).into_response());
                }
                outcome.notice = Some(notice);
            }
            Err(e) => {
                outcome.mail_error = Some(format!("Påminnelsen kunde inte skickas: {e}"));
                status = StatusCode::BAD_GATEWAY;
            }
        }
    }
    manage_page(&state, &caller, &round, outcome, status).await
}
