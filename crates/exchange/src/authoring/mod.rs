//! Question sets in the formats people already write them in — XLSForm workbooks (ODK,
//! KoboToolbox), LimeSurvey structure files, SurveyJS JSON — read into one steering document with
//! the answer scales it uses, and written back out.
//!
//! A reader is all or nothing: it returns the document or every problem it found, each placed as
//! the format places things (a sheet, row and column; an XML element; a JSON path), in Swedish.
//! What a format cannot say (keys, document kind and period, neutral options) is kept where the
//! format leaves room for it, so that a file Uppfölj wrote reads back as the same document.

pub mod lss;
mod set;
pub mod surveyjs;
pub mod xlsform;

use uppfolj_model::Definitions;

pub use set::{Problem, QuestionSet, Scales, UniqueKeys, fallback_key, unique};

/// The authoring formats, as recognised from a file's content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    XlsForm,
    LimeSurvey,
    SurveyJs,
}

impl Format {
    /// The format of a file by its content, not its name; `None` for anything else (a TOML
    /// definition file, say).
    pub fn detect(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(b"PK\x03\x04") {
            return Some(Format::XlsForm);
        }
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
        let head = head.trim_start_matches('\u{feff}').trim_start();
        if head.starts_with('<') && head.contains("LimeSurveyDocType") {
            return Some(Format::LimeSurvey);
        }
        if head.starts_with('{') {
            return Some(Format::SurveyJs);
        }
        None
    }

    /// Reads a file of this format.
    pub fn read(self, bytes: &[u8]) -> Result<QuestionSet, Vec<Problem>> {
        let text = || {
            std::str::from_utf8(bytes)
                .map_err(|_| vec![Problem::new("", "filen är inte UTF-8-kodad text")])
        };
        match self {
            Format::XlsForm => xlsform::read(bytes),
            Format::LimeSurvey => lss::read(text()?),
            Format::SurveyJs => surveyjs::read(text()?),
        }
    }
}

/// Reads an authoring file and checks its document with what is stored: the definitions to
/// store, or every problem, each with the file's name. Nothing is stored here; a caller stores
/// the result only when there were no problems.
pub fn import(
    file: &std::path::Path,
    bytes: &[u8],
    stored: &Definitions,
) -> Result<Definitions, Vec<crate::Diagnostic>> {
    let located = |problems: Vec<String>| {
        problems
            .into_iter()
            .map(|p| crate::Diagnostic::whole(file.to_owned(), p))
            .collect::<Vec<_>>()
    };
    let Some(format) = Format::detect(bytes) else {
        return Err(located(vec![
            "filen är varken en XLSForm-arbetsbok, en LimeSurvey-enkät (.lss) eller SurveyJS-JSON"
                .into(),
        ]));
    };
    let set = format
        .read(bytes)
        .map_err(|problems| located(problems.iter().map(ToString::to_string).collect()))?;
    let definitions = set.fitted(&stored.scales).into_definitions();
    let problems: Vec<String> = definitions
        .clone()
        .with_fallback(stored.clone())
        .validate()
        .into_iter()
        .map(|(_, problem)| problem.to_string())
        .collect();
    if problems.is_empty() {
        Ok(definitions)
    } else {
        Err(located(problems))
    }
}
