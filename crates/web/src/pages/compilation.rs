//! The compilation of a round as a page: the summary first, then each document and section,
//! each question with a bar chart of its answers, the organisations, the flags and the trend.
//! Charts are inline SVG with a text alternative, and every number is also in a table.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use uppfolj_model::compilation::{Compilation, OptionCount, QuestionTrend, Status, Tally};
use uppfolj_model::{Key, RoundState};
use uppfolj_report::percent;

use crate::auth::Caller;
use crate::reports::round_compilation;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/sammanstallning", get(page))
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
    round_key: Key,
    state: RoundState,
    c: Compilation,
}

impl CompilationPage {
    fn share(&self, count: &usize, of: &usize) -> String {
        if *of == 0 {
            "–".into()
        } else {
            percent(*count as f64 / *of as f64)
        }
    }
}

async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Path(round): Path<String>,
) -> Result<Html<String>, WebError> {
    let not_found = || WebError::NotFound(format!("omgången «{round}»"));
    let key = Key::parse(&round).map_err(|_| not_found())?;
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
    let actor = caller.actor.clone();
    let c = round_compilation(&state.store, &key, |r| actor.may_read_compilation(r.state)).await?;
    let page = CompilationPage {
        round_key: key,
        state: round_state,
        c,
    };
    Ok(Html(
        page.render().map_err(|e| WebError::Render(e.to_string()))?,
    ))
}
