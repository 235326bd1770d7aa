//! The compilation as tables for people who continue in Excel or LibreOffice: one sheet per view
//! (questions, sections, organisations, comments, trend, flags), in long form so that each row is
//! one fact and pivot tables work.

use rust_xlsxwriter::{Format, Workbook};
use uppfolj_model::Compilation;

/// One cell: text, or a number that a spreadsheet can sum.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Number(n) => uppfolj_model::scale::format_number(*n),
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Number(n as f64)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(n)
    }
}

/// One view of the compilation.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    /// The sheet's name, also the CSV file's (`fragor.csv`).
    pub name: &'static str,
    pub file: &'static str,
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<Cell>>,
}

/// A share rounded to four decimals (a tenth of a percent point is as exact as anyone reads).
fn share(count: usize, of: usize) -> Cell {
    let share = if of == 0 {
        0.0
    } else {
        count as f64 / of as f64
    };
    Cell::Number((share * 10_000.0).round() / 10_000.0)
}

/// Every view of the compilation, in the order the sheets appear.
pub fn sheets(c: &Compilation) -> Vec<Sheet> {
    let mut questions = Vec::new();
    let mut comments = Vec::new();
    for q in &c.questions {
        for option in &q.tally.options {
            questions.push(vec![
                q.section.as_str().into(),
                q.text.as_str().into(),
                q.tally.assigned.into(),
                q.tally.answered.into(),
                option.label.as_str().into(),
                option.count.into(),
                share(option.count, q.tally.answered),
            ]);
        }
        for comment in &q.comments {
            comments.push(vec![
                q.section.as_str().into(),
                q.text.as_str().into(),
                comment.organisation.as_str().into(),
                comment.answer.clone().unwrap_or_default().into(),
                comment.text.as_str().into(),
            ]);
        }
    }
    let chosen = |t: &uppfolj_model::compilation::Tally| t.options.iter().map(|o| o.count).sum();
    let parts = c
        .parts
        .iter()
        .map(|p| {
            vec![
                p.number.as_str().into(),
                p.heading.as_str().into(),
                p.level.into(),
                p.tally.assigned.into(),
                p.tally.answered.into(),
                p.tally.positive.into(),
                share(p.tally.positive, chosen(&p.tally)),
                p.status.label().into(),
            ]
        })
        .collect();
    let organisations = c
        .organisations
        .iter()
        .map(|o| {
            vec![
                o.name.as_str().into(),
                o.state.label().into(),
                o.tally.assigned.into(),
                o.tally.answered.into(),
                o.tally.positive.into(),
                share(o.tally.positive, chosen(&o.tally)),
            ]
        })
        .collect();
    let mut trend = Vec::new();
    for t in &c.trend {
        for year in &t.years {
            for (label, share) in &year.shares {
                trend.push(vec![
                    t.text.as_str().into(),
                    year.round.as_str().into(),
                    (year.year as f64).into(),
                    year.answered.into(),
                    label.as_str().into(),
                    Cell::Number((share * 10_000.0).round() / 10_000.0),
                ]);
            }
        }
    }
    let flags = c
        .flags
        .iter()
        .map(|f| {
            vec![
                f.organisation.as_str().into(),
                f.question.clone().unwrap_or_default().into(),
                f.kind.label().into(),
            ]
        })
        .collect();
    vec![
        Sheet {
            name: "Frågor",
            file: "fragor",
            header: &[
                "avsnitt",
                "fråga",
                "tilldelade",
                "besvarade",
                "svar",
                "antal",
                "andel",
            ],
            rows: questions,
        },
        Sheet {
            name: "Avsnitt",
            file: "avsnitt",
            header: &[
                "nummer",
                "rubrik",
                "nivå",
                "tilldelade",
                "besvarade",
                "positiva",
                "andel positiva",
                "status",
            ],
            rows: parts,
        },
        Sheet {
            name: "Organisationer",
            file: "organisationer",
            header: &[
                "organisation",
                "status",
                "tilldelade",
                "besvarade",
                "positiva",
                "andel positiva",
            ],
            rows: organisations,
        },
        Sheet {
            name: "Kommentarer",
            file: "kommentarer",
            header: &["avsnitt", "fråga", "organisation", "svar", "kommentar"],
            rows: comments,
        },
        Sheet {
            name: "Utveckling",
            file: "utveckling",
            header: &["fråga", "omgång", "år", "besvarade", "svar", "andel"],
            rows: trend,
        },
        Sheet {
            name: "Att titta på",
            file: "att-titta-pa",
            header: &["organisation", "fråga", "vad"],
            rows: flags,
        },
    ]
}

/// A sheet as CSV for Swedish Excel: UTF-8 with a byte-order mark and `delimiter` between cells.
pub fn csv(sheet: &Sheet, delimiter: u8) -> Result<Vec<u8>, csv::Error> {
    crate::answers::excel_csv(
        sheet.header,
        sheet.rows.iter().map(|row| row.iter().map(Cell::text)),
        delimiter,
    )
}

/// Every sheet in one workbook, each with a bold, frozen header row, a filter and readable
/// column widths; numbers are numbers, shares formatted as percentages.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let wrapped = Format::new().set_text_wrap();
    let percent = Format::new().set_num_format("0%");
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet.name)?;
        for (column, title) in sheet.header.iter().enumerate() {
            worksheet.write_string_with_format(0, column as u16, *title, &bold)?;
            let width = if matches!(*title, "fråga" | "kommentar" | "rubrik") {
                60.0
            } else {
                (title.chars().count() as f64 + 4.0).max(14.0)
            };
            worksheet.set_column_width(column as u16, width)?;
        }
        for (i, row) in sheet.rows.iter().enumerate() {
            for (column, cell) in row.iter().enumerate() {
                let (r, col) = (i as u32 + 1, column as u16);
                match cell {
                    Cell::Text(text) => {
                        worksheet.write_string_with_format(r, col, text, &wrapped)?;
                    }
                    Cell::Number(n) if sheet.header[column].starts_with("andel") => {
                        worksheet.write_number_with_format(r, col, *n, &percent)?;
                    }
                    Cell::Number(n) => {
                        worksheet.write_number(r, col, *n)?;
                    }
                }
            }
        }
        worksheet.set_freeze_panes(1, 0)?;
        worksheet.autofilter(0, 0, sheet.rows.len() as u32, sheet.header.len() as u16 - 1)?;
    }
    workbook.save_to_buffer()
}
