//! Answers out, for people who continue in Excel or other tools: one row per assigned question.

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;
use uppfolj_model::{
    Answer, AnswerScale, Definitions, Document, Entry, Key, Organisation, QuestionRef,
    ResponseState, Round, number_round,
};

use crate::delimited::{neutralised, write_csv};

/// The columns, in order, as headed in files.
pub const COLUMNS: [&str; 9] = [
    "omgång",
    "organisation",
    "dokument",
    "avsnitt",
    "fråga",
    "vägledning",
    "svar",
    "kommentar",
    "status",
];

/// One assigned question of one organisation, with its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AnswerRow {
    pub round: String,
    pub organisation: String,
    /// The document's numbered heading (`1 Uppföljning …`).
    pub document: String,
    /// The numbered heading of the section the question stands under.
    pub section: String,
    pub question: String,
    /// Guidance paragraphs, separated by a blank line.
    pub guidance: String,
    /// The answer as people read it; empty when not answered.
    pub answer: String,
    pub comment: String,
    /// The response's state, in Swedish.
    pub state: String,
}

impl AnswerRow {
    fn cells(&self) -> [&str; 9] {
        [
            &self.round,
            &self.organisation,
            &self.document,
            &self.section,
            &self.question,
            &self.guidance,
            &self.answer,
            &self.comment,
            &self.state,
        ]
    }
}

/// Each organisation's response to a round, by organisation key: its state and its answers.
pub type Responses = HashMap<Key, (ResponseState, HashMap<QuestionRef, Answer>)>;

/// The organisations whose answers are exported: every active one, or only `only`, active or
/// not, so that a former organisation's answers can still be taken out. The caller loads the
/// responses of exactly these for [`answer_rows`].
pub fn exported_organisations<'a>(
    definitions: &'a Definitions,
    only: Option<&'a Key>,
) -> impl Iterator<Item = &'a Organisation> {
    definitions
        .organisations
        .iter()
        .filter(move |o| only.map_or(o.active, |key| &o.key == key))
}

/// The rows of a round: for each organisation [`exported_organisations`] picks, in the order
/// defined, every question assigned to it, in report order, under the round's documents as they
/// stand now (without retired sections and questions). `responses` holds each organisation's
/// state and answers; an organisation without one has not started.
pub fn answer_rows(
    definitions: &Definitions,
    round: &Round,
    only: Option<&Key>,
    responses: &Responses,
) -> Vec<AnswerRow> {
    let documents: Vec<Document> = round
        .documents
        .iter()
        .filter_map(|k| definitions.documents.iter().find(|d| &d.key == k))
        .map(Document::current)
        .collect();
    let documents: Vec<&Document> = documents.iter().collect();
    let scales: HashMap<&Key, &AnswerScale> =
        definitions.scales.iter().map(|s| (&s.key, s)).collect();
    let mut rows = Vec::new();
    for organisation in exported_organisations(definitions, only) {
        let (state, answers) = match responses.get(&organisation.key) {
            Some((state, answers)) => (*state, Some(answers)),
            None => (ResponseState::NotStarted, None),
        };
        let (mut document, mut section) = (String::new(), String::new());
        for entry in number_round(&documents, |q| round.is_assigned(q, organisation)) {
            match entry {
                Entry::Heading(h) if h.level == 1 => {
                    (document, section) = (h.numbered(), String::new())
                }
                Entry::Heading(h) => section = h.numbered(),
                Entry::Question {
                    reference,
                    question,
                } => {
                    let answer = answers.and_then(|a| a.get(&reference));
                    let value = answer.and_then(|a| a.value.as_ref());
                    rows.push(AnswerRow {
                        round: round.name.clone(),
                        organisation: organisation.name.clone(),
                        document: document.clone(),
                        section: section.clone(),
                        question: question.text.clone(),
                        guidance: question.guidance.join("\n\n"),
                        answer: value
                            .map(|v| {
                                scales
                                    .get(&question.scale)
                                    .map_or_else(|| v.to_string(), |s| s.display(v))
                            })
                            .unwrap_or_default(),
                        comment: answer.map(|a| a.comment.clone()).unwrap_or_default(),
                        state: state.label().into(),
                    });
                }
            }
        }
    }
    rows
}

/// CSV for Swedish Excel: UTF-8 with a byte-order mark, `delimiter` between fields (`;` is what
/// Excel expects where the decimal sign is a comma), a header row, every field quoted as needed,
/// and no field that Excel would evaluate as a formula.
pub fn csv(rows: &[AnswerRow], delimiter: u8) -> Result<Vec<u8>, csv::Error> {
    let rows = rows
        .iter()
        .map(|row| row.cells().map(|cell| neutralised(cell).into_owned()));
    write_csv(&COLUMNS, rows, delimiter, true)
}

/// JSON: an array of objects with the fields of [`AnswerRow`].
pub fn json(rows: &[AnswerRow]) -> Vec<u8> {
    serde_json::to_vec_pretty(rows).expect("rows serialise")
}

/// An Excel workbook: one sheet, a frozen bold header row, widths that fit the columns, and
/// wrapped text for the long ones.
pub fn xlsx(rows: &[AnswerRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Svar")?;
    let bold = Format::new().set_bold();
    let wrapped = Format::new().set_text_wrap();
    for (column, title) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *title, &bold)?;
    }
    let widths = [18.0, 30.0, 40.0, 40.0, 50.0, 60.0, 12.0, 60.0, 14.0];
    for (column, width) in widths.iter().enumerate() {
        sheet.set_column_width(column as u16, *width)?;
    }
    for (i, row) in rows.iter().enumerate() {
        for (column, cell) in row.cells().iter().enumerate() {
            sheet.write_string_with_format(i as u32 + 1, column as u16, *cell, &wrapped)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, COLUMNS.len() as u16 - 1)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;
    use uppfolj_model::AnswerValue;

    use super::*;
    use crate::definitions::{self, SourceFile};

    const FILES: [(&str, &str); 4] = [
        (
            "scales.toml",
            r#"
[[scale]]
key = "ja-nej"
name = "Ja / Nej"
kind = "choice"
options = [{ key = "ja", label = "Ja" }, { key = "nej", label = "Nej" }]
"#,
        ),
        (
            "organisations.toml",
            r#"
[[organisation]]
key = "arkiv"
name = "Arkivnämnden"
kind = "nämnd"

[[organisation]]
key = "bolaget"
name = "Bolaget AB"
kind = "bolag"

[[organisation]]
key = "gamla"
name = "Gamla nämnden"
kind = "nämnd"
active = false
"#,
        ),
        (
            "documents/plan.toml",
            r#"
[document]
key = "plan"
title = "Planen"
kind = "plan"
period = { from = 2024, to = 2026 }

[[document.section]]
key = "forsta"
title = "Första avsnittet"

[[document.section.question]]
key = "alla"
text = "Gäller alla?"
guidance = ["Ett stycke.", "Ett till."]
scale = "ja-nej"

[[document.section.question]]
key = "bolag"
text = "Bara bolagen?"
scale = "ja-nej"

[[document.section.question]]
key = "gammal"
text = "Utgången fråga?"
scale = "ja-nej"
"#,
        ),
        (
            "rounds/2025.toml",
            r#"
[round]
key = "2025"
name = "Uppföljning 2025"
year = 2025
opens = 2025-11-01
closes = 2026-01-31
documents = ["plan"]

[[round.target]]
question = "plan/bolag"
kinds = ["bolag"]
"#,
        ),
    ];

    fn definitions() -> Definitions {
        let files = FILES
            .iter()
            .map(|(path, text)| SourceFile {
                path: (*path).into(),
                text: (*text).to_owned(),
            })
            .collect();
        let mut definitions = definitions::parse(files)
            .and_then(|parsed| parsed.check(Definitions::default()))
            .expect("the test definitions are valid");
        definitions.documents[0].sections[0].questions[2].retired = true;
        definitions
    }

    fn key(text: &str) -> Key {
        Key::parse(text).unwrap()
    }

    fn answer(question: &str, choice: &str, comment: &str) -> (QuestionRef, Answer) {
        let question = QuestionRef {
            document: key("plan"),
            question: key(question),
        };
        let answer = Answer {
            question: question.clone(),
            value: Some(AnswerValue::Choice(key(choice))),
            comment: comment.into(),
            version: 1,
            withheld: false,
            changed_by: "test".into(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        };
        (question, answer)
    }

    /// (organisation, section, question, answer, comment, state) of each row.
    fn summary(rows: &[AnswerRow]) -> Vec<[&str; 6]> {
        rows.iter()
            .map(|r| {
                [
                    r.organisation.as_str(),
                    r.section.as_str(),
                    r.question.as_str(),
                    r.answer.as_str(),
                    r.comment.as_str(),
                    r.state.as_str(),
                ]
            })
            .collect()
    }

    #[test]
    fn every_active_organisation_gets_its_assigned_current_questions() {
        let definitions = definitions();
        let round = &definitions.rounds[0];
        let responses = Responses::from([(
            key("bolaget"),
            (
                ResponseState::Submitted,
                HashMap::from([answer("bolag", "nej", "Inte än.")]),
            ),
        )]);
        let rows = answer_rows(&definitions, round, None, &responses);
        let (not_started, sent) = (
            ResponseState::NotStarted.label(),
            ResponseState::Submitted.label(),
        );
        assert_eq!(
            summary(&rows),
            [
                [
                    "Arkivnämnden",
                    "1.1 Första avsnittet",
                    "Gäller alla?",
                    "",
                    "",
                    not_started
                ],
                [
                    "Bolaget AB",
                    "1.1 Första avsnittet",
                    "Gäller alla?",
                    "",
                    "",
                    sent
                ],
                [
                    "Bolaget AB",
                    "1.1 Första avsnittet",
                    "Bara bolagen?",
                    "Nej",
                    "Inte än.",
                    sent
                ],
            ]
        );
        assert_eq!(rows[0].round, "Uppföljning 2025");
        assert_eq!(rows[0].document, "1 Planen");
        assert_eq!(rows[0].guidance, "Ett stycke.\n\nEtt till.");
    }

    #[test]
    fn one_organisation_can_be_picked_even_a_former_one() {
        let definitions = definitions();
        let only = key("arkiv");
        let picked: Vec<&str> = exported_organisations(&definitions, Some(&only))
            .map(|o| o.key.as_str())
            .collect();
        assert_eq!(picked, ["arkiv"]);
        let former = key("gamla");
        let picked: Vec<&str> = exported_organisations(&definitions, Some(&former))
            .map(|o| o.key.as_str())
            .collect();
        assert_eq!(picked, ["gamla"]);
        let all: Vec<&str> = exported_organisations(&definitions, None)
            .map(|o| o.key.as_str())
            .collect();
        assert_eq!(all, ["arkiv", "bolaget"]);

        let responses = Responses::from([(
            key("arkiv"),
            (
                ResponseState::Draft,
                HashMap::from([answer("alla", "ja", "")]),
            ),
        )]);
        let rows = answer_rows(
            &definitions,
            &definitions.rounds[0],
            Some(&only),
            &responses,
        );
        assert_eq!(
            summary(&rows),
            [[
                "Arkivnämnden",
                "1.1 Första avsnittet",
                "Gäller alla?",
                "Ja",
                "",
                ResponseState::Draft.label()
            ]]
        );
    }
}
