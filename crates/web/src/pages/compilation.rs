//! The compilation of a round as a page: the summary first, then each document and section,
//! each question with a bar chart of its answers, the organisations, the flags and the trend.
//! Charts are inline SVG with a text alternative, and every number is also in a table.
//!
//! Published rounds are also served without login under `/publicerat`: the page, the PDF and
//! the open data (CSV, JSON and their description), made from submitted answers only and
//! without withheld comments.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use uppfolj_model::compilation::{Compilation, OptionCount, QuestionTrend, Status, Tally};
use uppfolj_model::{Audience, Key, Round, RoundState};
use uppfolj_report::{PUBLISHED_NOTE, percent};

use super::Nav;
use crate::auth::Caller;
use crate::{AppState, WebError};
use uppfolj_app::reports::round_compilation;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/omgangar/{round}/sammanstallning", get(page))
        .route("/omgangar/{round}/sammanstallning.pdf", get(pdf))
        .route("/publicerat", get(published))
        .route("/publicerat/sammanstallning.schema.json", get(schema))
        .route("/publicerat/{round}", get(published_page))
        .route(
            "/publicerat/{round}/sammanstallning.pdf",
            get(published_pdf),
        )
        .route("/publicerat/{round}/data/{file}", get(open_data))
}

/// The width in SVG units of a bar for a share of 100 %.
const BAR_WIDTH: f64 = 300.0;

/// One bar of a question's chart.
struct Bar {
    label: String,
    count: usize,
    percent: String,
    width: f64,
    y: usize,
    colour: &'static str,
}

/// One line of a trend chart: an option's share per round.
struct TrendLine {
    label: String,
    points: String,
    colour: &'static str,
}

/// Colours for options in scale order, chosen to keep 3:1 contrast against white; the label is
/// always printed too.
const COLOURS: [&str; 5] = ["#1b6e3a", "#a3261d", "#8a5a00", "#4a5563", "#2b4fa3"];

fn colour(i: usize) -> &'static str {
    COLOURS[i % COLOURS.len()]
}

fn bars(options: &[OptionCount], answered: &usize) -> Vec<Bar> {
    let answered = *answered;
    options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let share = if answered == 0 {
                0.0
            } else {
                o.count as f64 / answered as f64
            };
            Bar {
                label: o.label.clone(),
                count: o.count,
                percent: percent(share),
                width: (share * BAR_WIDTH).round(),
                y: i * 26,
                colour: colour(i),
            }
        })
        .collect()
}

fn trend_lines(trend: &QuestionTrend) -> Vec<TrendLine> {
    let Some(first) = trend.years.first() else {
        return vec![];
    };
    let step = if trend.years.len() > 1 {
        BAR_WIDTH / (trend.years.len() - 1) as f64
    } else {
        0.0
    };
    (0..first.shares.len())
        .map(|i| TrendLine {
            label: first.shares[i].0.clone(),
            points: trend
                .years
                .iter()
                .enumerate()
                .map(|(x, year)| {
                    format!(
                        "{:.0},{:.0}",
                        40.0 + x as f64 * step,
                        110.0 - year.shares[i].1 * 100.0
                    )
                })
                .collect::<Vec<_>>()
                .join(" "),
            colour: colour(i),
        })
        .collect()
}

fn pct(share: &f64) -> String {
    percent(*share)
}

fn positive_share(tally: &Tally) -> String {
    tally.positive_share().map_or_else(|| "–".into(), percent)
}

fn status_class(status: &Status) -> &'static str {
    match status {
        Status::Green => "status-green",
        Status::Yellow => "status-yellow",
        Status::Red => "status-red",
        Status::None => "status-none",
    }
}

#[derive(Template)]
#[template(path = "compilation.html")]
struct CompilationPage {
    nav: Option<Nav>,
    c: Compilation,
    /// What the page says about the round's state, e.g. «Omgången är stängd.».
    state: String,
    /// Where the downloads of this view are: `/omgangar/2025/sammanstallning` or
    /// `/publicerat/2025`.
    files: String,
    /// The open data files (only on the published view): file name and what it holds.
    open_data: Vec<(String, &'static str)>,
    back: (String, &'static str),
    /// A file on its own (styles inline, no links into the app) rather than a page served here.
    standalone: bool,
}

impl CompilationPage {
    fn share(&self, count: &usize, of: &usize) -> String {
        if *of == 0 {
            "–".into()
        } else {
            percent(*count as f64 / *of as f64)
        }
    }

    /// Whether this is the coordinators' view, with the quality flags.
    fn internal(&self) -> bool {
        self.c.audience == Audience::Coordinators
    }

    fn note(&self) -> &'static str {
        PUBLISHED_NOTE
    }

    fn stylesheet(&self) -> &'static str {
        super::STYLESHEET
    }

    fn render_html(&self) -> Result<Html<String>, WebError> {
        Ok(Html(
            self.render().map_err(|e| WebError::Render(e.to_string()))?,
        ))
    }
}

/// The compilation as one HTML file with its styles inside, for `report compilation --format
/// html`: the page as served, without links into the application.
pub fn compilation_document(c: Compilation) -> Result<String, WebError> {
    CompilationPage {
        nav: None,
        state: String::new(),
        files: String::new(),
        open_data: vec![],
        back: (String::new(), ""),
        standalone: true,
        c,
    }
    .render()
    .map_err(|e| WebError::Render(e.to_string()))
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

async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Html<String>, WebError> {
    let (key, round_state) = readable_round(&state, &caller, &round).await?;
    let c = round_compilation(&state.store, &key, caller.actor.compilation_audience()).await?;
    CompilationPage {
        nav: Nav::of(&caller),
        c,
        state: format!("Omgången är {}.", round_state.label().to_lowercase()),
        files: format!("/omgangar/{key}/sammanstallning"),
        open_data: vec![],
        back: (format!("/omgangar/{key}"), "Tillbaka till omgången"),
        standalone: false,
    }
    .render_html()
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

/// The compilation typeset, off the threads that serve requests (a large round takes seconds).
async fn pdf_download(c: Compilation, round: &Key) -> Result<Response, WebError> {
    let today = time::OffsetDateTime::now_utc().date();
    let pdf = tokio::task::spawn_blocking(move || uppfolj_report::compilation_pdf(&c, today))
        .await
        .map_err(|e| WebError::Render(e.to_string()))?
        .map_err(|e| WebError::Render(e.to_string()))?;
    let disposition = format!("attachment; filename=\"sammanstallning-{round}.pdf\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        pdf,
    )
        .into_response())
}

/// The rounds published, newest first, with links to their compilations and open data.
#[derive(Template)]
#[template(path = "published.html")]
struct PublishedPage {
    nav: Option<Nav>,
    rounds: Vec<Round>,
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
    Ok(Html(
        PublishedPage { nav: None, rounds }
            .render()
            .map_err(|e| WebError::Render(e.to_string()))?,
    ))
}

async fn published_page(
    State(state): State<AppState>,
    Path(round): Path<String>,
) -> Result<Html<String>, WebError> {
    let key = published_round(&state, &round).await?;
    let c = round_compilation(&state.store, &key, Audience::Public).await?;
    let open_data = open_data_files(&c);
    CompilationPage {
        nav: None,
        c,
        state: "Omgången är publicerad.".into(),
        files: format!("/publicerat/{key}"),
        open_data,
        back: ("/publicerat".into(), "Alla publicerade sammanställningar"),
        standalone: false,
    }
    .render_html()
}

async fn published_pdf(
    State(state): State<AppState>,
    Path(round): Path<String>,
) -> Result<Response, WebError> {
    let key = published_round(&state, &round).await?;
    let c = round_compilation(&state.store, &key, Audience::Public).await?;
    pdf_download(c, &key).await
}

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
                json_schema: "/publicerat/sammanstallning.schema.json",
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
