//! The council report (*uppföljningsrapport*) of a steering document in a round, as Markdown,
//! HTML (a page of its own, or the body of a web page), PDF and Word. Every format prints the
//! same parts in the same order: a cover, a summary of every assessment, per goal area its
//! narrative, assessments with the answers behind them and indicators, and all indicators with
//! a chart each. A colour never stands alone: the words of a level or a status are beside it.

use std::fmt::Write;

use askama::Template;
use uppfolj_model::council::{CouncilReport, IndicatorRow, Subject};
use uppfolj_model::indicator::{Indicator, IndicatorStatus};
use uppfolj_model::scale::format_number;

use crate::narrative::{Block, Run, blocks};
use crate::words::{
    chart_description, counts_line, level_words, reading_text, subject_word, value_text,
};
use crate::{ReportError, STYLESHEET};

/// The files a council report is made into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CouncilFormat {
    Pdf,
    Docx,
    Html,
    Markdown,
}

impl CouncilFormat {
    /// Reads a format's name as the command line and the addresses give it.
    pub fn parse(text: &str) -> Option<CouncilFormat> {
        match text {
            "pdf" => Some(CouncilFormat::Pdf),
            "docx" => Some(CouncilFormat::Docx),
            "html" => Some(CouncilFormat::Html),
            "md" => Some(CouncilFormat::Markdown),
            _ => None,
        }
    }

    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            CouncilFormat::Pdf => "pdf",
            CouncilFormat::Docx => "docx",
            CouncilFormat::Html => "html",
            CouncilFormat::Markdown => "md",
        }
    }

    /// The file's media type, for a download.
    pub fn media_type(self) -> &'static str {
        match self {
            CouncilFormat::Pdf => "application/pdf",
            CouncilFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            CouncilFormat::Html => "text/html; charset=utf-8",
            CouncilFormat::Markdown => "text/markdown; charset=utf-8",
        }
    }
}

/// The report as a file of `format`, printed `today`.
pub fn council_file(
    report: &CouncilReport,
    format: CouncilFormat,
    today: time::Date,
) -> Result<Vec<u8>, ReportError> {
    Ok(match format {
        CouncilFormat::Pdf => council_pdf(report, today)?,
        CouncilFormat::Docx => crate::council_docx(report, today)?,
        CouncilFormat::Html => council_document(report)?.into_bytes(),
        CouncilFormat::Markdown => council_markdown(report).into_bytes(),
    })
}

/// An indicator's values per year as a line chart against its target, in SVG, with its text
/// alternative as the chart's title and description.
pub fn indicator_chart(indicator: &Indicator, id: &str) -> String {
    const W: f64 = 520.0;
    const H: f64 = 230.0;
    const LEFT: f64 = 64.0;
    const RIGHT: f64 = 24.0;
    const TOP: f64 = 20.0;
    const BOTTOM: f64 = 40.0;
    let mut years: Vec<i32> = indicator.values.iter().map(|r| r.year).collect();
    years.extend(indicator.baseline.map(|r| r.year));
    years.extend(indicator.target.map(|r| r.year));
    let mut numbers: Vec<f64> = indicator.values.iter().map(|r| r.value).collect();
    numbers.extend(indicator.baseline.map(|r| r.value));
    numbers.extend(indicator.target.map(|r| r.value));
    let (first, last) = (
        years.iter().copied().min().unwrap_or(2000),
        years.iter().copied().max().unwrap_or(2000),
    );
    let (low, high) = numbers
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    let (low, high) = if numbers.is_empty() {
        (0.0, 1.0)
    } else if (high - low).abs() < f64::EPSILON {
        (low - 1.0, high + 1.0)
    } else {
        let pad = (high - low) * 0.12;
        (low - pad, high + pad)
    };
    let x = |year: i32| {
        let span = f64::from((last - first).max(1));
        LEFT + (W - LEFT - RIGHT) * f64::from(year - first) / span
    };
    let y = |value: f64| TOP + (H - TOP - BOTTOM) * (high - value) / (high - low);
    let description = chart_description(indicator);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" \
         height=\"{H}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" \
         font-family=\"Libertinus Serif, serif\" font-size=\"12\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(&indicator.name),
        escape(&description)
    );
    let _ = write!(
        svg,
        "<line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#4a5563\"/>\
         <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{b}\" stroke=\"#4a5563\"/>",
        b = H - BOTTOM,
        r = W - RIGHT
    );
    for (value, anchor) in [(high, "top"), (low, "bottom")] {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" dominant-baseline=\"{}\" \
             fill=\"#1f2937\">{}</text>",
            LEFT - 6.0,
            y(value),
            if anchor == "top" { "hanging" } else { "auto" },
            escape(&format_number(if high - low > 10.0 {
                value.round()
            } else {
                (value * 10.0).round() / 10.0
            }))
        );
    }
    let step = usize::try_from((last - first) / 8 + 1).unwrap_or(1);
    for year in (first..=last).step_by(step) {
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#1f2937\">{year}</text>",
            x(year),
            H - BOTTOM + 18.0
        );
    }
    if let Some(target) = indicator.target {
        let ty = y(target.value);
        let _ = write!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"{ty:.1}\" x2=\"{r}\" y2=\"{ty:.1}\" stroke=\"#1b6e3a\" \
             stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\
             <text x=\"{r}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#1b6e3a\">Mål {}</text>",
            ty - 5.0,
            escape(&reading_text(Some(target), &indicator.unit)),
            r = W - RIGHT
        );
    }
    if let Some(baseline) = indicator.baseline {
        let _ = write!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"#8a5a00\"/>",
            x(baseline.year) - 4.0,
            y(baseline.value) - 4.0
        );
    }
    if !indicator.values.is_empty() {
        let points: Vec<String> = indicator
            .values
            .iter()
            .map(|r| format!("{:.1},{:.1}", x(r.year), y(r.value)))
            .collect();
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#2b4fa3\" stroke-width=\"2.5\"/>",
            points.join(" ")
        );
        for r in &indicator.values {
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#2b4fa3\"/>",
                x(r.year),
                y(r.value)
            );
        }
    }
    let _ = write!(
        svg,
        "<text x=\"{LEFT}\" y=\"{}\" fill=\"#1f2937\">● Värde  ■ Utgångsvärde  – – Mål</text></svg>",
        H - 4.0
    );
    svg
}

/// `text` with the characters that mean something in HTML and XML written as entities.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A coordinator's Markdown text as Markdown of the report's own: paragraphs and lists only,
/// so that a heading written in a text cannot break the report's outline.
fn markdown_text(text: &str, out: &mut String) {
    let shown = blocks(text);
    if shown.is_empty() {
        out.push_str("_Ingen text ännu._\n\n");
        return;
    }
    let runs = |runs: &[Run]| {
        runs.iter()
            .map(|r| match (r.strong, r.emphasis) {
                (true, true) => format!("***{}***", r.text.trim()),
                (true, false) => format!("**{}**", r.text.trim()),
                (false, true) => format!("*{}*", r.text.trim()),
                (false, false) => r.text.clone(),
            })
            .collect::<String>()
    };
    for block in &shown {
        match block {
            Block::Paragraph { runs: r } => {
                out.push_str(&runs(r));
                out.push_str("\n\n");
            }
            Block::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    if *ordered {
                        let _ = writeln!(out, "{}. {}", i + 1, runs(item));
                    } else {
                        let _ = writeln!(out, "- {}", runs(item));
                    }
                }
                out.push('\n');
            }
        }
    }
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn indicator_table_markdown(rows: &[IndicatorRow], out: &mut String) {
    out.push_str("| Indikator | Källa | Utgångsvärde | Senaste värde | Mål | Status |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for row in rows {
        let i = &row.indicator;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&i.name),
            cell(&i.source),
            cell(&reading_text(i.baseline, &i.unit)),
            cell(&reading_text(i.latest(), &i.unit)),
            cell(&reading_text(i.target, &i.unit)),
            row.status_label
        );
    }
    out.push('\n');
}

fn subject_markdown(report: &CouncilReport, s: &Subject, out: &mut String) {
    let _ = writeln!(out, "#### {} {}\n", s.number, s.title);
    let _ = writeln!(
        out,
        "**Bedömning:** {}\n",
        level_words(s.assessment.as_ref())
    );
    if let Some(a) = &s.assessment {
        markdown_text(&a.assessment.motivation, out);
    }
    let _ = writeln!(out, "{}\n", counts_line(&s.evidence.tally));
    if let (Some(previous), Some(round)) = (&s.previous, &report.previous_round) {
        let _ = writeln!(out, "Förra omgången ({round}): {}\n", previous.label);
    }
}

/// The report as Markdown.
pub fn council_markdown(report: &CouncilReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", report.title);
    let _ = writeln!(
        out,
        "Uppföljningsrapport – {} ({}). Programperiod {}.\n",
        report.round, report.year, report.period
    );
    if report.example_data {
        out.push_str("> Indikatorernas värden är exempeldata, inte uppmätta värden.\n\n");
    }
    out.push_str("## Sammanfattning\n\n");
    let _ = writeln!(out, "| Nr | {} | Bedömning |", subject_word(report));
    out.push_str("|---|---|---|\n");
    for s in report.subjects() {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            s.number,
            cell(&s.title),
            level_words(s.assessment.as_ref())
        );
    }
    out.push('\n');
    for area in &report.goal_areas {
        let _ = writeln!(out, "## {} {}\n", area.number, area.heading);
        out.push_str("### Utveckling sedan antagandet\n\n");
        markdown_text(&area.narrative.since_adoption, &mut out);
        out.push_str("### Frågor och utveckling framåt\n\n");
        markdown_text(&area.narrative.ahead, &mut out);
        out.push_str("### Bedömning\n\n");
        for s in &area.subjects {
            subject_markdown(report, s, &mut out);
        }
        if !area.indicators.is_empty() {
            out.push_str("### Indikatorer\n\n");
            indicator_table_markdown(&area.indicators, &mut out);
        }
    }
    out.push_str("## Indikatorer\n\n");
    if report.indicators.is_empty() {
        out.push_str("Dokumentet har inga indikatorer.\n\n");
    } else {
        indicator_table_markdown(&report.indicators, &mut out);
        for row in &report.indicators {
            let _ = writeln!(out, "### {}\n", row.indicator.name);
            let _ = writeln!(out, "{}\n", chart_description(&row.indicator));
        }
    }
    out
}

/// A text's blocks as HTML.
fn html_text(text: &str) -> String {
    let shown = blocks(text);
    if shown.is_empty() {
        return "<p><em>Ingen text ännu.</em></p>".into();
    }
    let runs = |runs: &[Run]| {
        runs.iter()
            .map(|r| match (r.strong, r.emphasis) {
                (true, true) => format!("<strong><em>{}</em></strong>", escape(&r.text)),
                (true, false) => format!("<strong>{}</strong>", escape(&r.text)),
                (false, true) => format!("<em>{}</em>", escape(&r.text)),
                (false, false) => escape(&r.text),
            })
            .collect::<String>()
    };
    let mut out = String::new();
    for block in &shown {
        match block {
            Block::Paragraph { runs: r } => {
                let _ = write!(out, "<p>{}</p>", runs(r));
            }
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                let _ = write!(out, "<{tag}>");
                for item in items {
                    let _ = write!(out, "<li>{}</li>", runs(item));
                }
                let _ = write!(out, "</{tag}>");
            }
        }
    }
    out
}

/// A subject as the HTML template shows it.
struct SubjectView {
    id: String,
    number: String,
    title: String,
    level: String,
    tone: &'static str,
    motivation: Option<String>,
    counts: String,
    previous: Option<String>,
}

/// An indicator as the HTML template shows it.
struct IndicatorView {
    name: String,
    source: String,
    baseline: String,
    latest: String,
    target: String,
    status: &'static str,
    status_class: &'static str,
    chart: String,
}

/// A goal area as the HTML template shows it.
struct AreaView {
    id: String,
    number: String,
    heading: String,
    since_adoption: String,
    ahead: String,
    subjects: Vec<SubjectView>,
    indicators: Vec<IndicatorView>,
}

fn subject_view(report: &CouncilReport, s: &Subject) -> SubjectView {
    SubjectView {
        id: format!("bedomning-{}", s.key),
        number: s.number.clone(),
        title: s.title.clone(),
        level: level_words(s.assessment.as_ref()).to_owned(),
        tone: s.assessment.as_ref().map_or("none", |a| a.tone.as_str()),
        motivation: s
            .assessment
            .as_ref()
            .map(|a| html_text(&a.assessment.motivation)),
        counts: counts_line(&s.evidence.tally),
        previous: s.previous.as_ref().and_then(|p| {
            report
                .previous_round
                .as_ref()
                .map(|round| format!("Förra omgången ({round}): {}", p.label))
        }),
    }
}

fn indicator_view(row: &IndicatorRow, id: &str) -> IndicatorView {
    let i = &row.indicator;
    IndicatorView {
        name: i.name.clone(),
        source: i.source.clone(),
        baseline: reading_text(i.baseline, &i.unit),
        latest: reading_text(i.latest(), &i.unit),
        target: reading_text(i.target, &i.unit),
        status: row.status_label,
        status_class: match row.status {
            IndicatorStatus::OnTrack => "green",
            IndicatorStatus::OffTrack => "red",
            IndicatorStatus::NoData => "none",
        },
        chart: indicator_chart(i, id),
    }
}

/// The report's body as HTML: a web page's main content, or a file's with [`council_document`].
#[derive(Template)]
#[template(path = "council.html")]
struct CouncilBody<'a> {
    r: &'a CouncilReport,
    subject_word: &'static str,
    summary: Vec<SubjectView>,
    areas: Vec<AreaView>,
    indicators: Vec<IndicatorView>,
}

/// The report as the body of an HTML page (from its first heading).
pub fn council_html(report: &CouncilReport) -> Result<String, ReportError> {
    let areas = report
        .goal_areas
        .iter()
        .map(|area| AreaView {
            id: format!("omrade-{}", area.key),
            number: area.number.clone(),
            heading: area.heading.clone(),
            since_adoption: html_text(&area.narrative.since_adoption),
            ahead: html_text(&area.narrative.ahead),
            subjects: area
                .subjects
                .iter()
                .map(|s| subject_view(report, s))
                .collect(),
            indicators: area
                .indicators
                .iter()
                .map(|row| {
                    indicator_view(row, &format!("diagram-{}-{}", area.key, row.indicator.key))
                })
                .collect(),
        })
        .collect();
    Ok(CouncilBody {
        r: report,
        subject_word: subject_word(report),
        summary: report.subjects().map(|s| subject_view(report, s)).collect(),
        areas,
        indicators: report
            .indicators
            .iter()
            .map(|row| indicator_view(row, &format!("diagram-{}", row.indicator.key)))
            .collect(),
    }
    .render()?)
}

/// The report as an HTML file of its own, with the styles inside.
pub fn council_document(report: &CouncilReport) -> Result<String, ReportError> {
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLESHEET}</style>\n</head>\n<body>\n\
         <main id=\"innehall\">\n{}\n</main>\n</body>\n</html>\n",
        escape(&format!("{} – {}", report.title, report.round)),
        council_html(report)?
    ))
}

/// The report as a tagged PDF; each chart is the SVG of [`indicator_chart`], set as vector
/// graphics with its description as the alternative text.
pub fn council_pdf(report: &CouncilReport, printed: time::Date) -> Result<Vec<u8>, ReportError> {
    let mut files = Vec::new();
    let mut value = serde_json::to_value(report).expect("a report serialises");
    let text = |t: &str| serde_json::to_value(blocks(t)).expect("blocks serialise");
    if let Some(areas) = value["goal_areas"].as_array_mut() {
        for (area, model) in areas.iter_mut().zip(&report.goal_areas) {
            area["since_adoption"] = text(&model.narrative.since_adoption);
            area["ahead"] = text(&model.narrative.ahead);
            area["indicators"] = model.indicators.iter().map(indicator_json).collect();
            if let Some(subjects) = area["subjects"].as_array_mut() {
                for (subject, s) in subjects.iter_mut().zip(&model.subjects) {
                    subject["level_words"] = level_words(s.assessment.as_ref()).into();
                    subject["counts"] = counts_line(&s.evidence.tally).into();
                    subject["colour"] = s
                        .assessment
                        .as_ref()
                        .map_or("FFFFFF", |a| a.tone.colour())
                        .into();
                    subject["motivation"] = s
                        .assessment
                        .as_ref()
                        .map_or(serde_json::Value::Null, |a| text(&a.assessment.motivation));
                }
            }
        }
    }
    for (i, row) in report.indicators.iter().enumerate() {
        let name = format!("chart-{i}.svg");
        let svg = indicator_chart(&row.indicator, &format!("c{i}"));
        files.push((name.clone(), svg.into_bytes()));
        let mut shown = indicator_json(row);
        shown["chart"] = name.into();
        value["indicators"][i] = shown;
    }
    value["subject_word"] = subject_word(report).into();
    value["summary"] = report
        .subjects()
        .map(|s| {
            serde_json::json!({
                "number": s.number,
                "title": s.title,
                "level_words": level_words(s.assessment.as_ref()),
                "colour": s.assessment.as_ref().map_or("FFFFFF", |a| a.tone.colour()),
            })
        })
        .collect::<Vec<_>>()
        .into();
    value["period_text"] = report.period.to_string().into();
    let mut all: Vec<(&str, Vec<u8>)> = vec![("council.json", crate::printable_json(value))];
    all.extend(files.iter().map(|(n, b)| (n.as_str(), b.clone())));
    Ok(uppfolj_pdf::render(COUNCIL_TYPST, &all, printed)?)
}

/// An indicator's texts for the PDF's tables.
fn indicator_json(row: &IndicatorRow) -> serde_json::Value {
    let i = &row.indicator;
    serde_json::json!({
        "name": i.name,
        "source": i.source,
        "status_label": row.status_label,
        "status": row.status,
        "alt": chart_description(i),
        "baseline_text": reading_text(i.baseline, &i.unit),
        "latest_text": reading_text(i.latest(), &i.unit),
        "target_text": reading_text(i.target, &i.unit),
        "values_text": i
            .values
            .iter()
            .map(|r| [r.year.to_string(), value_text(r.value, &i.unit)])
            .collect::<Vec<_>>(),
    })
}

/// The council report's layout as typst markup; it reads `council.json` and the charts.
const COUNCIL_TYPST: &str = include_str!("../templates/council.typ");
