//! The compilation of a round as a page, its body rendered by the report crate (the summary,
//! each document and section, each question with a chart, the organisations, the flags and the
//! trend), and as a PDF.
//!
//! Published rounds are also served without login under `/publicerat`: the page, the PDF and
//! the open data (CSV, JSON and their description), made from submitted answers only and
//! without withheld comments.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use uppfolj_app::reports::round_compilation;
use uppfolj_exchange::compilation::{TableFormat, sheets};
use uppfolj_model::compilation::Compilation;
use uppfolj_model::{Audience, Key, Round, RoundState};
use uppfolj_report::{CompilationFormat, CompilationView, compilation_file};

use crate::auth::Caller;
use crate::error::WebError;
use crate::layout::{Nav, download, page};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for format in TableFormat::ALL {
        let path = format!("/omgangar/{{round}}/sammanstallning.{}", format.extension());
        router = router.route(
            &path,
            get(
                move |State(state): State<AppState>, caller: Caller, Path(round): Path<String>| {
                    tables(state, caller, round, format)
                },
            ),
        );
    }
    router
        .route("/omgangar/{round}/sammanstallning", get(show))
        .route("/omgangar/{round}/sammanstallning.pdf", get(pdf))
        .route("/sammanstallning", get(latest))
        .route("/publicerat", get(published))
        .route("/publicerat/sammanstallning.schema.json", get(schema))
        .route("/publicerat/{round}", get(published_page))
        .route(
            "/publicerat/{round}/sammanstallning.pdf",
            get(published_pdf),
        )
        .route("/publicerat/{round}/data/{file}", get(open_data))
}

#[derive(Template)]
#[template(path = "compilation.html")]
struct CompilationPage {
    nav: Option<Nav>,
    round: String,
    /// The compilation's body, rendered by the report crate.
    body: String,
}

/// The compilation as a page, within the site's layout.
fn compilation_page(
    nav: Option<Nav>,
    c: &Compilation,
    view: &CompilationView,
) -> Result<Response, WebError> {
    let body =
        uppfolj_report::compilation_html(c, view).map_err(|e| WebError::Render(e.to_string()))?;
    Ok(page(
        CompilationPage {
            nav,
            round: c.round.clone(),
            body,
        },
        StatusCode::OK,
    ))
}

/// A round the caller may see, and the audience they read its compilation as; 404 for a round
/// they may not see, 403 for a respondent's or reader's look before publication.
async fn readable_round(
    state: &AppState,
    caller: &Caller,
    round: &str,
) -> Result<(Key, RoundState), WebError> {
    let not_found = || WebError::NotFound(format!("omgången «{round}»"));
    let key = Key::parse(round).map_err(|_| not_found())?;
    let definitions = state.store.definitions().await?;
    let round_state = definitions
        .rounds
        .iter()
        .find(|r| r.key == key && caller.actor.may_see_round(r.state))
        .map(|r| r.state)
        .ok_or_else(not_found)?;
    if !caller.actor.may_read_compilation(round_state) {
        return Err(WebError::Forbidden(
            "sammanställningen visas när omgången är publicerad".into(),
        ));
    }
    Ok((key, round_state))
}

/// A published round, for anyone: 404 for every other round, so that the public cannot tell an
/// unpublished round from one that does not exist.
async fn published_round(state: &AppState, round: &str) -> Result<Key, WebError> {
    let not_found = || WebError::NotFound(format!("den publicerade omgången «{round}»"));
    let key = Key::parse(round).map_err(|_| not_found())?;
    let definitions = state.store.definitions().await?;
    definitions
        .rounds
        .iter()
        .any(|r| r.key == key && r.state == RoundState::Published)
        .then_some(key)
        .ok_or_else(not_found)
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    let (key, round_state) = readable_round(&state, &caller, &round).await?;
    let c = round_compilation(&state.store, &key, caller.actor.compilation_audience()).await?;
    let view = CompilationView {
        state: format!("Omgången är {}.", round_state.predicate()),
        files: Some(format!("/omgangar/{key}")),
        spreadsheets: true,
        open_data: vec![],
        back: Some((format!("/omgangar/{key}"), "Tillbaka till omgången")),
    };
    compilation_page(caller.nav(), &c, &view)
}

/// The main menu's «Sammanställning»: the newest round whose compilation the caller may read,
/// or the published ones when there is none.
async fn latest(State(state): State<AppState>, caller: Caller) -> Result<Response, WebError> {
    let definitions = state.store.definitions().await?;
    let newest = definitions
        .rounds
        .iter()
        .filter(|r| r.state != RoundState::Draft)
        .filter(|r| {
            caller.actor.may_see_round(r.state) && caller.actor.may_read_compilation(r.state)
        })
        .max_by_key(|r| (r.year, r.opens));
    Ok(match newest {
        Some(round) => Redirect::to(&format!("/omgangar/{}/sammanstallning", round.key)),
        None => Redirect::to("/publicerat"),
    }
    .into_response())
}

async fn pdf(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    let (key, _) = readable_round(&state, &caller, &round).await?;
    let c = round_compilation(&state.store, &key, caller.actor.compilation_audience()).await?;
    pdf_download(c, &key).await
}

/// The compilation's tables as a workbook or as CSV in a ZIP archive; semicolons, as Swedish
/// Excel reads CSV.
async fn tables(
    state: AppState,
    caller: Caller,
    round: String,
    format: TableFormat,
) -> Result<Response, WebError> {
    let (key, _) = readable_round(&state, &caller, &round).await?;
    let c = round_compilation(&state.store, &key, caller.actor.compilation_audience()).await?;
    let file = uppfolj_exchange::compilation::tables(&sheets(&c), format, b';')
        .map_err(|e| WebError::Render(e.to_string()))?;
    let name = format!("sammanstallning-{key}.{}", format.extension());
    Ok(download(file, format.media_type(), &name))
}

/// The compilation typeset, off the threads that serve requests (a large round takes seconds).
async fn pdf_download(c: Compilation, round: &Key) -> Result<Response, WebError> {
    let today = time::OffsetDateTime::now_utc().date();
    let format = CompilationFormat::Pdf;
    let pdf = tokio::task::spawn_blocking(move || compilation_file(&c, format, today))
        .await
        .map_err(|e| WebError::Render(e.to_string()))?
        .map_err(|e| WebError::Render(e.to_string()))?;
    Ok(download(
        pdf,
        format.media_type(),
        &format!("sammanstallning-{round}.pdf"),
    ))
}

/// The rounds published, newest first, with links to their compilations and open data.
#[derive(Template)]
#[template(path = "published.html")]
struct PublishedPage {
    nav: Option<Nav>,
    rounds: Vec<Round>,
    /// Per round, its documents' council reports: key and title.
    reports: Vec<Vec<(String, String)>>,
}

async fn published(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let definitions = state.store.definitions().await?;
    let mut rounds: Vec<Round> = definitions
        .rounds
        .iter()
        .filter(|r| r.state == RoundState::Published)
        .cloned()
        .collect();
    rounds.sort_by_key(|r| std::cmp::Reverse(r.year));
    let reports = rounds
        .iter()
        .map(|r| {
            r.documents
                .iter()
                .filter_map(|key| definitions.documents.iter().find(|d| &d.key == key))
                .map(|d| (d.key.to_string(), d.title.clone()))
                .collect()
        })
        .collect();
    Ok(Html(
        PublishedPage {
            nav: None,
            rounds,
            reports,
        }
        .render()
        .map_err(|e| WebError::Render(e.to_string()))?,
    ))
}

async fn published_page(
    State(state): State<AppState>,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    let key = published_round(&state, &round).await?;
    let c = round_compilation(&state.store, &key, Audience::Public).await?;
    let view = CompilationView {
        state: "Omgången är publicerad.".into(),
        files: Some(format!("/publicerat/{key}")),
        spreadsheets: false,
        open_data: open_data_files(&c),
        back: Some(("/publicerat".into(), "Alla publicerade sammanställningar")),
    };
    compilation_page(None, &c, &view)
}

async fn published_pdf(
    State(state): State<AppState>,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    let key = published_round(&state, &round).await?;
    let c = round_compilation(&state.store, &key, Audience::Public).await?;
    pdf_download(c, &key).await
}

/// The JSON Schema of `sammanstallning.json`, beside it in every round's open data (and for
/// all rounds at `/publicerat/sammanstallning.schema.json`).
const SCHEMA_FILE: &str = "sammanstallning.schema.json";

/// The open data files of a published compilation and what each holds.
fn open_data_files(c: &Compilation) -> Vec<(String, &'static str)> {
    let mut files = vec![
        (
            "datapackage.json".to_owned(),
            "Beskrivning av filerna och kolumnerna (Frictionless Data)",
        ),
        (
            "sammanstallning.json".to_owned(),
            "Hela sammanställningen som JSON",
        ),
        (
            SCHEMA_FILE.to_owned(),
            "Beskrivning av JSON-filen (JSON Schema)",
        ),
    ];
    files.extend(
        uppfolj_exchange::compilation::sheets(c)
            .into_iter()
            .map(|sheet| (format!("{}.csv", sheet.file), sheet.description)),
    );
    files
}

/// One open data file of a published round: the metadata, the JSON, or a table as CSV.
async fn open_data(
    State(state): State<AppState>,
    Path((round, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let key = published_round(&state, &round).await?;
    let c = round_compilation(&state.store, &key, Audience::Public).await?;
    let sheets = uppfolj_exchange::compilation::sheets(&c);
    let json = |body: Vec<u8>| ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    match file.as_str() {
        "sammanstallning.json" => Ok(json(uppfolj_report::compilation_json(&c))),
        SCHEMA_FILE => Ok(schema().await),
        "datapackage.json" => {
            let title = format!("Sammanställning – {}", c.round);
            let created = time::OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
                .format(&time::format_description::well_known::Rfc3339)
                .map_err(|e| WebError::Render(e.to_string()))?;
            let about = uppfolj_exchange::compilation::Publication {
                name: key.as_str(),
                title: &title,
                created: &created,
                json_file: "sammanstallning.json",
                json_schema: SCHEMA_FILE,
            };
            let package = uppfolj_exchange::compilation::data_package(&sheets, &about);
            Ok(json(
                serde_json::to_vec_pretty(&package).map_err(|e| WebError::Render(e.to_string()))?,
            ))
        }
        _ => {
            let sheet = file
                .strip_suffix(".csv")
                .and_then(|name| sheets.iter().find(|s| s.file == name))
                .ok_or_else(|| WebError::NotFound(format!("filen «{file}»")))?;
            let csv = uppfolj_exchange::compilation::open_csv(sheet)
                .map_err(|e| WebError::Render(e.to_string()))?;
            Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response())
        }
    }
}

async fn schema() -> Response {
    (
        [(header::CONTENT_TYPE, "application/schema+json")],
        uppfolj_report::COMPILATION_SCHEMA,
    )
        .into_response()
}
