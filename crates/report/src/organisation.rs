//! One organisation's report for one round.

use std::collections::HashMap;
use std::fmt::Write;

use askama::Template;
use time::Date;
use uppfolj_model::{
    Answer, AnswerScale, Document, Entry, Key, Organisation, QuestionRef, ResponseState, Round,
    number_round,
};

use uppfolj_exchange::report as report_file;

use crate::ReportError;

/// What a report shows, in reading order.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OrganisationReport {
    pub round: String,
    pub organisation: String,
    /// Names the report's files.
    pub organisation_key: Key,
    #[serde(serialize_with = "state_label")]
    pub state: ResponseState,
    /// The day the report was made.
    #[serde(serialize_with = "iso_date")]
    pub printed: Date,
    pub lines: Vec<ReportLine>,
}

/// A numbered heading, or the table of questions under the heading before it.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ReportLine {
    Heading {
        number: String,
        level: usize,
        text: String,
    },
    Table {
        rows: Vec<ReportQuestion>,
    },
}

/// One row of a section's table.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReportQuestion {
    pub text: String,
    pub audience: Option<String>,
    pub guidance: Vec<String>,
    /// The answer as people read it (*Ja*, *Nej* …); `None` when not answered.
    pub answer: Option<String>,
    pub comment: String,
}

impl OrganisationReport {
    /// Collects the report: every heading of the round's documents, and under each section the
    /// questions assigned to the organisation with its answers.
    pub fn new(
        round: &Round,
        documents: &[&Document],
        scales: &[AnswerScale],
        organisation: &Organisation,
        state: ResponseState,
        answers: &HashMap<QuestionRef, Answer>,
        printed: Date,
    ) -> OrganisationReport {
        let scales: HashMap<&Key, &AnswerScale> = scales.iter().map(|s| (&s.key, s)).collect();
        let mut lines: Vec<ReportLine> = Vec::new();
        for entry in number_round(documents, |q| round.is_assigned(q, organisation)) {
            match entry {
                Entry::Heading(h) => lines.push(ReportLine::Heading {
                    number: h.number,
                    level: h.level,
                    text: h.text,
                }),
                Entry::Question {
                    reference,
                    question,
                } => {
                    let answer = answers.get(&reference);
                    let row = ReportQuestion {
                        text: question.text.clone(),
                        audience: question.audience.clone(),
                        guidance: question.guidance.clone(),
                        answer: answer.and_then(|a| a.value.as_ref()).map(|v| {
                            scales
                                .get(&question.scale)
                                .map_or_else(|| v.to_string(), |s| s.display(v))
                        }),
                        comment: answer.map(|a| a.comment.clone()).unwrap_or_default(),
                    };
                    match lines.last_mut() {
                        Some(ReportLine::Table { rows }) => rows.push(row),
                        _ => lines.push(ReportLine::Table { rows: vec![row] }),
                    }
                }
            }
        }
        OrganisationReport {
            round: round.name.clone(),
            organisation: organisation.name.clone(),
            organisation_key: organisation.key.clone(),
            state,
            printed,
            lines,
        }
    }

    /// The title: round and organisation.
    pub fn title(&self) -> String {
        format!("{} – {}", self.round, self.organisation)
    }

    /// What the report says of the response's state.
    pub fn state_note(&self) -> String {
        match self.state {
            ResponseState::NotStarted | ResponseState::Draft | ResponseState::Returned => {
                format!(
                    "Utkast – svaret är inte inskickat ({}).",
                    self.state.label().to_lowercase()
                )
            }
            ResponseState::Submitted => "Inskickat, ännu inte godkänt.".into(),
            ResponseState::Accepted => "Inskickat och godkänt.".into(),
        }
    }

    /// The report as Markdown text.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# {}\n\n{} Utskriven {}.\n",
            self.title(),
            self.state_note(),
            self.printed
        );
        for line in &self.lines {
            match line {
                ReportLine::Heading {
                    number,
                    level,
                    text,
                } => {
                    let _ = writeln!(out, "{} {number} {text}\n", "#".repeat((level + 1).min(6)));
                }
                ReportLine::Table { rows } => {
                    for row in rows {
                        let audience = row
                            .audience
                            .as_deref()
                            .map(|a| format!(" ({a})"))
                            .unwrap_or_default();
                        let _ = writeln!(out, "**{}**{audience}\n", row.text);
                        for paragraph in &row.guidance {
                            let _ = writeln!(out, "{paragraph}\n");
                        }
                        match &row.answer {
                            Some(answer) => {
                                let _ = writeln!(out, "Svar: **{answer}**\n");
                            }
                            None => out.push_str("Svar: *Ej besvarad*\n\n"),
                        }
                        if !row.comment.is_empty() {
                            let _ = writeln!(out, "{}\n", row.comment);
                        }
                    }
                }
            }
        }
        out
    }

    /// The report as one accessible HTML page that prints well.
    pub fn html(&self) -> Result<String, ReportError> {
        Ok(HtmlReport { report: self }.render()?)
    }

    /// The report's content as JSON: what the PDF template typesets, and what the PDF carries as
    /// an attachment so that the report can be read back exactly.
    pub fn json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(&self.json_value()).expect("a JSON value serialises")
    }

    fn json_value(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).expect("a report serialises");
        value["title"] = self.title().into();
        value["state_note"] = self.state_note().into();
        value["format"] = report_file::FORMAT.into();
        value
    }

    /// The report as a tagged, accessible PDF (PDF/UA-1) in the house style, with the report's
    /// JSON attached as [`report_file::ATTACHMENT`], which import reads back exactly: the pages
    /// show what the fonts can ([`crate::printable_json`]), the attachment every character.
    pub fn pdf(&self) -> Result<Vec<u8>, ReportError> {
        Ok(uppfolj_pdf::render(
            ORGANISATION_TYPST,
            &[
                ("report.json", crate::printable_json(self.json_value())),
                ("attachment.json", self.json()),
            ],
            self.printed,
        )?)
    }
}

/// The house style as typst markup; it reads the report from `report.json`.
const ORGANISATION_TYPST: &str = include_str!("../templates/organisation.typ");

fn iso_date<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

fn state_label<S: serde::Serializer>(state: &ResponseState, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(state.label())
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct HtmlReport<'a> {
    report: &'a OrganisationReport,
}
