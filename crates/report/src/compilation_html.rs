//! The compilation as HTML: the summary first, then each document and section, each question
//! with a bar chart of its answers, the organisations, the flags and the trend. Charts are
//! inline SVG with a text alternative, and every number is also in a table. The same body is a
//! page of the web server and, in a document of its own with the styles inside, a file.

use askama::Template;
use uppfolj_model::Audience;
use uppfolj_model::compilation::{Compilation, OptionCount, QuestionTrend, Status, Tally};

use crate::compilation::{PUBLISHED_NOTE, percent};
use crate::{ReportError, STYLESHEET};

/// What a view of the compilation adds around the numbers.
#[derive(Default)]
pub struct CompilationView {
    /// What the page says about the round's state, e.g. «Omgången är stängd.».
    pub state: String,
    /// Where this view's downloads are (`/omgangar/2025`, `/publicerat/2025`);
    /// `None` in a file on its own.
    pub files: Option<String>,
    /// Whether the compilation is offered as spreadsheets (`.xlsx`, `.ods`, CSV in a ZIP) beside
    /// the PDF.
    pub spreadsheets: bool,
    /// The open data files (only on the published view): file name and what it holds.
    pub open_data: Vec<(String, &'static str)>,
    /// The way back, and its text.
    pub back: Option<(String, &'static str)>,
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
        Status::None | Status::Pending => "status-none",
    }
}

#[derive(Template)]
#[template(path = "compilation.html")]
struct Body<'a> {
    c: &'a Compilation,
    view: &'a CompilationView,
}

impl Body<'_> {
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
}

/// The compilation's body, for a page around it.
pub fn compilation_html(c: &Compilation, view: &CompilationView) -> Result<String, ReportError> {
    Ok(Body { c, view }.render()?)
}

#[derive(Template)]
#[template(path = "compilation_document.html")]
struct Document<'a> {
    c: &'a Compilation,
    stylesheet: &'static str,
    body: String,
}

/// The compilation as one HTML file with its styles inside and no links into the application.
pub fn compilation_document(c: &Compilation) -> Result<String, ReportError> {
    let body = compilation_html(c, &CompilationView::default())?;
    Ok(Document {
        c,
        stylesheet: STYLESHEET,
        body,
    }
    .render()?)
}
