//! The Göteborg data set, built into the binary so that `uppfolj demo` runs from any folder.

use std::collections::HashMap;

use uppfolj_exchange::Diagnostic;
use uppfolj_exchange::definitions::{self, SourceFile};
use uppfolj_exchange::report;
use uppfolj_model::council_data::CouncilData;
use uppfolj_model::{AnswerInput, Definitions, Document, QuestionRef};

macro_rules! data_files {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../../data/goteborg/", $name)))),*]
    };
}

const FILES: [(&str, &str); 6] = data_files!(
    "scales.toml",
    "organisations.toml",
    "documents/trygghetsprogram.toml",
    "documents/handlingsplan-gang.toml",
    "documents/tystnadskulturer.toml",
    "rounds/2025.toml",
);

/// Göteborg's scales, organisations, three steering documents and the round *Uppföljning 2025*,
/// with the council report's examples: the trygghetsprogram's made-up indicators (marked as
/// example data) and a few of round 2025's assessments and goal-area texts.
pub fn definitions() -> Result<(Definitions, CouncilData), Vec<Diagnostic>> {
    let files = FILES
        .iter()
        .map(|(name, text)| SourceFile {
            path: format!("data/goteborg/{name}").into(),
            text: (*text).to_owned(),
        })
        .collect();
    let parsed = definitions::parse(files)?;
    let council = parsed.check_council(&Definitions::default(), &HashMap::new())?;
    Ok((parsed.check(Definitions::default())?, council))
}

/// The seed report: Nämnden för Intraservice's answers in the 2025 follow-up, as text extracted
/// from the PDF the city's current tool made.
const INTRASERVICE_2025: &str =
    include_str!("../../../data/goteborg/reports/intraservice-2025.txt");

/// Intraservice's answers from the seed report, paired with the round's questions, so that the
/// demo shows a response as a real organisation wrote it.
pub fn intraservice_answers(
    documents: &[&Document],
) -> anyhow::Result<Vec<(QuestionRef, AnswerInput)>> {
    let report = report::parse(INTRASERVICE_2025)
        .map_err(|e| anyhow::anyhow!("rapporten för Intraservice: {e}"))?;
    report::answers_for(&report, documents).map_err(anyhow::Error::msg)
}
