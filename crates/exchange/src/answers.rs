//! Answers out, for people who continue in Excel or other tools: one row per assigned question.

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;
use uppfolj_model::{
    Answer, AnswerScale, Document, Entry, Key, Organisation, QuestionRef, ResponseState, Round,
    number_round,
};

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

/// The rows of a round: for each organisation in the order given, every question assigned to it,
/// in report order. `responses` holds each organisation's state and answers.
pub fn answer_rows(
    round: &Round,
    documents: &[&Document],
    scales: &[AnswerScale],
    organisations: &[&Organisation],
    responses: &HashMap<Key, (ResponseState, HashMap<QuestionRef, Answer>)>,
) -> Vec<AnswerRow> {
    let scales: HashMap<&Key, &AnswerScale> = scales.iter().map(|s| (&s.key, s)).collect();
    let mut rows = Vec::new();
    for organisation in organisations {
        let (state, answers) = match responses.get(&organisation.key) {
            Some((state, answers)) => (*state, Some(answers)),
            None => (ResponseState::NotStarted, None),
        };
        let (mut document, mut section) = (String::new(), String::new());
        for entry in number_round(documents, |q| round.is_assigned(q, organisation)) {
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
/// Excel expects where the decimal sign is a comma), a header row, every field quoted as needed.
pub fn csv(rows: &[AnswerRow], delimiter: u8) -> Result<Vec<u8>, csv::Error> {
    write_csv(&COLUMNS, rows.iter().map(AnswerRow::cells), delimiter, true)
}

/// CSV in UTF-8 with a header row and `delimiter` between cells; with a byte-order mark, which
/// Swedish Excel needs to read UTF-8, or without, as open data should be.
pub(crate) fn write_csv<R, C>(
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
    delimiter: u8,
    byte_order_mark: bool,
) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator<Item = C>,
    C: AsRef<[u8]>,
{
    let mut out = if byte_order_mark {
        "\u{feff}".as_bytes().to_vec()
    } else {
        Vec::new()
    };
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(&mut out);
        writer.write_record(header)?;
        for row in rows {
            writer.write_record(row)?;
        }
        writer.flush()?;
    }
    Ok(out)
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
