//! Organisation reports in the house style of Göteborg's current tool: numbered headings per
//! steering document and section, and per section a table *Uppföljningsfrågor | Svarsalternativ
//! med kommentar* with each question, its guidance, the answer and the comment.
//!
//! [`read`] takes a report file as it comes: a PDF (read by the geometry of its pages), the
//! layout text `pdftotext -layout` gives, or the running text of the seed; [`parse`] reads the
//! last.
//!
//! Imports point one way: the report's shape, here; then `common`, what both readers share
//! (their error and the house style's text rules); then the two readers, `parse` for running
//! text and `geometry` for pages; then `file`, which picks a reader for a file. `import` needs
//! only the shape.

mod common;
mod file;
mod geometry;
mod import;
mod parse;

pub use common::{ParseError, Place};
pub use file::{
    ATTACHMENT, FORMAT, MAX_QUESTION_CHARS, ReadError, Reading, from_json, read, read_pdf,
};
pub use geometry::Warning;
pub use import::{IMPORT_SCALE, ImportPlan, plan_import};
pub use parse::parse;

/// A report as read: its numbered headings in order, with the questions under each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedReport {
    /// Level 1: the steering documents, each with its sections.
    pub documents: Vec<ParsedSection>,
}

/// A numbered heading and what stands under it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedSection {
    /// `1`, `1.1`, `2.3` … as printed.
    pub number: String,
    /// The heading without its number, lines joined.
    pub heading: String,
    pub questions: Vec<ParsedQuestion>,
    pub sections: Vec<ParsedSection>,
}

/// One row of a report's table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedQuestion {
    pub text: String,
    /// The audience note printed in parentheses after the question, if any.
    pub audience: Option<String>,
    /// Paragraphs under the question: the strategy or insats, the expected result.
    pub guidance: Vec<String>,
    /// The answer as printed (*Ja*, *Nej*, *Delvis* …); `None` when the question was not answered.
    pub answer: Option<String>,
    /// The comment, paragraphs separated by a blank line.
    pub comment: String,
}

impl ParsedReport {
    /// How many numbered headings the report has.
    pub fn headings(&self) -> usize {
        fn count(section: &ParsedSection) -> usize {
            1 + section.sections.iter().map(count).sum::<usize>()
        }
        self.documents.iter().map(count).sum()
    }

    /// Every question in report order, with the numbers of the headings above it.
    pub fn questions(&self) -> Vec<(&ParsedSection, &ParsedQuestion)> {
        fn walk<'a>(
            section: &'a ParsedSection,
            out: &mut Vec<(&'a ParsedSection, &'a ParsedQuestion)>,
        ) {
            out.extend(section.questions.iter().map(|q| (section, q)));
            for child in &section.sections {
                walk(child, out);
            }
        }
        let mut out = Vec::new();
        for document in &self.documents {
            walk(document, &mut out);
        }
        out
    }
}

/// A text with its whitespace collapsed and lower-cased: how a report's text is matched to a
/// stored one.
fn normal(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Pairs every question of a report with the question of `documents` that has its text
/// (whitespace and case aside), in report order; the first document's wins where two have it.
/// A question the documents lack is an error that names it.
pub fn matched<'a>(
    report: &'a ParsedReport,
    documents: &[&uppfolj_model::Document],
) -> Result<Vec<(uppfolj_model::QuestionRef, &'a ParsedQuestion)>, String> {
    let mut by_text = std::collections::HashMap::new();
    for document in documents {
        for question in document.all_questions().filter(|q| !q.retired) {
            by_text
                .entry(normal(&question.text))
                .or_insert_with(|| uppfolj_model::QuestionRef {
                    document: document.key.clone(),
                    question: question.key.clone(),
                });
        }
    }
    report
        .questions()
        .into_iter()
        .map(|(section, parsed)| {
            by_text
                .get(&normal(&parsed.text))
                .map(|reference| (reference.clone(), parsed))
                .ok_or_else(|| {
                    format!(
                        "frågan «{}» under {} {} finns inte i omgångens dokument",
                        parsed.text, section.number, section.heading
                    )
                })
        })
        .collect()
}

/// The answers of a report to save, in report order: those with an answer or a comment.
pub fn answers_for(
    report: &ParsedReport,
    documents: &[&uppfolj_model::Document],
) -> Result<Vec<(uppfolj_model::QuestionRef, uppfolj_model::AnswerInput)>, String> {
    Ok(matched(report, documents)?
        .into_iter()
        .filter(|(_, parsed)| parsed.answer.is_some() || !parsed.comment.is_empty())
        .map(|(reference, parsed)| {
            let input = uppfolj_model::AnswerInput {
                value: parsed.answer.clone(),
                comment: parsed.comment.clone(),
                version: 0,
                withheld: false,
            };
            (reference, input)
        })
        .collect())
}
