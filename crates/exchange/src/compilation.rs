//! The compilation as tables for people who continue in Excel or LibreOffice: one sheet per view
//! (questions, sections, organisations, comments, trend, flags), in long form so that each row is
//! one fact and pivot tables work.

use rust_xlsxwriter::{Format, Workbook};
use uppfolj_model::{Audience, Compilation};

use crate::delimited::{neutralised, write_csv};

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
    /// The sheet's name in a workbook.
    pub name: &'static str,
    /// The CSV file's name without `.csv`, also the open data resource's.
    pub file: &'static str,
    /// What one row is, for the open data's description.
    pub description: &'static str,
    pub columns: &'static [Column],
    pub rows: Vec<Vec<Cell>>,
}

/// A column: its header, what it holds, and its type, so that open data can describe it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub description: &'static str,
    pub kind: ColumnKind,
}

/// What a column's cells are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    Text,
    Count,
    /// A share between 0 and 1, shown as a percentage.
    Share,
}

impl Column {
    /// A readable width in characters: wide for running text, else the header's.
    fn width(&self) -> f64 {
        if matches!(self.name, "fråga" | "kommentar" | "rubrik") {
            60.0
        } else {
            (self.name.chars().count() as f64 + 4.0).max(14.0)
        }
    }
}

const fn text(name: &'static str, description: &'static str) -> Column {
    Column {
        name,
        description,
        kind: ColumnKind::Text,
    }
}

const fn count(name: &'static str, description: &'static str) -> Column {
    Column {
        name,
        description,
        kind: ColumnKind::Count,
    }
}

const fn share_of(name: &'static str, description: &'static str) -> Column {
    Column {
        name,
        description,
        kind: ColumnKind::Share,
    }
}

const SECTION: Column = text(
    "avsnitt",
    "Avsnittets nummer i sammanställningen, t.ex. 1.2",
);
const NUMBER: Column = text(
    "nummer",
    "Frågans nummer i omgången, t.ex. 1.2.1 a, som på alla sidor i Uppfölj",
);
const QUESTION: Column = text("fråga", "Frågans text");
const ORGANISATION: Column = text("organisation", "Nämndens, styrelsens eller bolagets namn");
const ASSIGNED: Column = count(
    "tilldelade",
    "Antal gånger frågan ställdes: en organisation räknas en gång per fråga",
);
const ANSWERED: Column = count("besvarade", "Antal av de tilldelade som besvarades");
const POSITIVE: Column = count("positiva", "Antal svar med det positiva alternativet (Ja)");
const POSITIVE_SHARE: Column = share_of(
    "andel positiva",
    "Andel positiva svar av de besvarade flervalsfrågorna, mellan 0 och 1",
);

/// A share rounded to four decimals (a tenth of a percent point is as exact as anyone reads).
fn share(count: usize, of: usize) -> Cell {
    let share = if of == 0 {
        0.0
    } else {
        count as f64 / of as f64
    };
    Cell::Number((share * 10_000.0).round() / 10_000.0)
}

const QUESTION_COLUMNS: &[Column] = &[
    SECTION,
    NUMBER,
    QUESTION,
    ASSIGNED,
    ANSWERED,
    text("svar", "Svarsalternativet, t.ex. Ja eller Nej"),
    count("antal", "Antal organisationer som valde alternativet"),
    share_of(
        "andel",
        "Alternativets andel av de besvarade, mellan 0 och 1",
    ),
];

const PART_COLUMNS: &[Column] = &[
    text("nummer", "Rubrikens nummer, t.ex. 1 eller 1.2"),
    text("rubrik", "Styrdokumentets eller avsnittets rubrik"),
    count(
        "nivå",
        "Rubriknivå: 1 för styrdokument, 2 och djupare för avsnitt",
    ),
    ASSIGNED,
    ANSWERED,
    POSITIVE,
    POSITIVE_SHARE,
    text(
        "status",
        "Grön, gul eller röd efter andelen positiva svar och omgångens gränser",
    ),
];

const ORGANISATION_COLUMNS: &[Column] = &[
    ORGANISATION,
    text(
        "status",
        "Svarets status: Ej påbörjad, Utkast, Inskickad, Återskickad eller Godkänd",
    ),
    ASSIGNED,
    ANSWERED,
    POSITIVE,
    POSITIVE_SHARE,
];

const COMMENT_COLUMNS: &[Column] = &[
    SECTION,
    NUMBER,
    QUESTION,
    ORGANISATION,
    text(
        "svar",
        "Svaret kommentaren hör till; tomt om frågan inte besvarades",
    ),
    text(
        "kommentar",
        "Kommentaren; tom i publicerade data om den är undanhållen",
    ),
    text(
        "undanhållen",
        "ja om kommentaren inte är avsedd för publicering (t.ex. av sekretesskäl), annars nej",
    ),
];

const TREND_COLUMNS: &[Column] = &[
    QUESTION,
    text("omgång", "Omgångens namn"),
    count("år", "Året som följdes upp"),
    ANSWERED,
    text("svar", "Svarsalternativet"),
    share_of(
        "andel",
        "Alternativets andel av de besvarade det året, mellan 0 och 1",
    ),
];

const FLAG_COLUMNS: &[Column] = &[
    ORGANISATION,
    text(
        "fråga",
        "Frågan det gäller; tomt när det gäller hela svaret",
    ),
    text("vad", "Vad som bör granskas"),
];

/// Every view of the compilation, in the order the sheets appear.
pub fn sheets(c: &Compilation) -> Vec<Sheet> {
    let mut questions = Vec::new();
    let mut comments = Vec::new();
    for q in &c.questions {
        for option in &q.tally.options {
            questions.push(vec![
                q.section.as_str().into(),
                q.number.as_str().into(),
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
                q.number.as_str().into(),
                q.text.as_str().into(),
                comment.organisation.as_str().into(),
                comment.answer.clone().unwrap_or_default().into(),
                comment.text.as_str().into(),
                if comment.withheld { "ja" } else { "nej" }.into(),
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
    let mut sheets = vec![
        Sheet {
            name: "Frågor",
            file: "fragor",
            description: "En rad per fråga och svarsalternativ: hur många som fick frågan, svarade och valde alternativet",
            columns: QUESTION_COLUMNS,
            rows: questions,
        },
        Sheet {
            name: "Avsnitt",
            file: "avsnitt",
            description: "En rad per styrdokument (nivå 1) och avsnitt, med alla frågor under det sammanräknade",
            columns: PART_COLUMNS,
            rows: parts,
        },
        Sheet {
            name: "Organisationer",
            file: "organisationer",
            description: "En rad per organisation som fick frågor i omgången",
            columns: ORGANISATION_COLUMNS,
            rows: organisations,
        },
        Sheet {
            name: "Kommentarer",
            file: "kommentarer",
            description: "En rad per kommentar, med frågan, organisationen och svaret den hör till",
            columns: COMMENT_COLUMNS,
            rows: comments,
        },
        Sheet {
            name: "Utveckling",
            file: "utveckling",
            description: "En rad per fråga, omgång och svarsalternativ för frågor som ställts i flera omgångar",
            columns: TREND_COLUMNS,
            rows: trend,
        },
    ];
    if c.audience == Audience::Coordinators {
        sheets.push(Sheet {
            name: "Att titta på",
            file: "att-titta-pa",
            description: "Det som samordnaren bör titta närmare på innan sammanställningen går vidare",
            columns: FLAG_COLUMNS,
            rows: flags,
        });
    }
    sheets
}

/// The files the compilation's tables are downloaded as: one workbook, or every table as CSV in
/// a ZIP archive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    Xlsx,
    Ods,
    CsvZip,
}

impl TableFormat {
    pub const ALL: [TableFormat; 3] = [TableFormat::Xlsx, TableFormat::Ods, TableFormat::CsvZip];

    /// What the file name ends with, after the dot.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Xlsx => "xlsx",
            TableFormat::Ods => "ods",
            TableFormat::CsvZip => "csv.zip",
        }
    }

    /// The format a file name asks for by its ending (`sammanstallning.csv.zip`).
    pub fn from_file_name(name: &str) -> Option<TableFormat> {
        Self::ALL.into_iter().find(|f| {
            name.strip_suffix(f.extension())
                .is_some_and(|n| n.ends_with('.'))
        })
    }

    pub fn media_type(self) -> &'static str {
        match self {
            TableFormat::Xlsx => XLSX_MEDIA_TYPE,
            TableFormat::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            TableFormat::CsvZip => "application/zip",
        }
    }
}

/// The media type of an Excel workbook, for every download that is one.
pub const XLSX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Why the tables could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TablesError {
    #[error("arbetsboken kunde inte skrivas: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("kalkylbladet kunde inte skrivas: {0}")]
    Ods(#[from] spreadsheet_ods::OdsError),
    #[error("CSV-filen kunde inte skrivas: {0}")]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Zip(#[from] crate::zip::ZipError),
}

/// Every sheet in one file of `format`; CSV tables separated by `delimiter`, one file per sheet.
pub fn tables(
    sheets: &[Sheet],
    format: TableFormat,
    delimiter: u8,
) -> Result<Vec<u8>, TablesError> {
    Ok(match format {
        TableFormat::Xlsx => xlsx(sheets)?,
        TableFormat::Ods => ods(sheets)?,
        TableFormat::CsvZip => {
            let files = sheets
                .iter()
                .map(|sheet| Ok((format!("{}.csv", sheet.file), csv(sheet, delimiter)?)))
                .collect::<Result<Vec<_>, csv::Error>>()?;
            crate::zip::archive(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())))?
        }
    })
}

/// A sheet as CSV for Swedish Excel: UTF-8 with a byte-order mark and `delimiter` between cells.
pub fn csv(sheet: &Sheet, delimiter: u8) -> Result<Vec<u8>, csv::Error> {
    write_csv(&header(sheet), cells(sheet), delimiter, true)
}

/// A sheet as open data: CSV as RFC 4180 has it (commas, UTF-8 without a byte-order mark), with
/// numbers written with a decimal point so that any tool reads them.
pub fn open_csv(sheet: &Sheet) -> Result<Vec<u8>, csv::Error> {
    let rows = sheet.rows.iter().map(|row| {
        row.iter().map(|cell| match cell {
            Cell::Text(text) => neutralised(text).into_owned(),
            Cell::Number(n) => n.to_string(),
        })
    });
    write_csv(&header(sheet), rows, b',', false)
}

fn cells(sheet: &Sheet) -> impl Iterator<Item = impl Iterator<Item = String>> {
    sheet.rows.iter().map(|row| {
        row.iter().map(|cell| match cell {
            Cell::Text(text) => neutralised(text).into_owned(),
            Cell::Number(_) => cell.text(),
        })
    })
}

/// What open data says about itself beside the tables.
#[derive(Clone, Debug)]
pub struct Publication<'a> {
    /// A name for machines: lower case, digits and `-` (the round's key).
    pub name: &'a str,
    pub title: &'a str,
    /// When the data was made, RFC 3339.
    pub created: &'a str,
    /// The file with the whole compilation as JSON, and the JSON Schema it follows, each a path
    /// beside `datapackage.json`.
    pub json_file: &'a str,
    pub json_schema: &'a str,
}

/// The open data's metadata as a Frictionless Data package (`datapackage.json`): every CSV file
/// with each column's name, type and meaning (a Table Schema), and the JSON file, so that people
/// and tools can use the data without asking. A package's `schema` is a Table Schema, which the
/// JSON is not: its JSON Schema is named in `jsonSchema` instead, a path inside the package.
pub fn data_package(sheets: &[Sheet], about: &Publication<'_>) -> serde_json::Value {
    let mut resources: Vec<serde_json::Value> = sheets
        .iter()
        .map(|sheet| {
            let fields: Vec<serde_json::Value> = sheet
                .columns
                .iter()
                .map(|column| {
                    let kind = match column.kind {
                        ColumnKind::Text => "string",
                        ColumnKind::Count => "integer",
                        ColumnKind::Share => "number",
                    };
                    serde_json::json!({
                        "name": column.name,
                        "type": kind,
                        "description": column.description,
                    })
                })
                .collect();
            serde_json::json!({
                "name": sheet.file,
                "title": sheet.name,
                "description": sheet.description,
                "path": format!("{}.csv", sheet.file),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": { "delimiter": ",", "header": true },
                "schema": { "fields": fields },
            })
        })
        .collect();
    resources.push(serde_json::json!({
        "name": "sammanstallning",
        "title": "Hela sammanställningen",
        "description": "Alla siffror och kommentarer i sammanställningen i ett JSON-dokument",
        "path": about.json_file,
        "format": "json",
        "mediatype": "application/json",
        "encoding": "utf-8",
        "jsonSchema": about.json_schema,
    }));
    serde_json::json!({
        "name": about.name,
        "title": about.title,
        "description": "Svaren från kommunens nämnder, styrelser och bolag på uppföljningen av styrdokumenten, sammanställda. Bara inskickade svar ingår; kommentarer som inte är avsedda för publicering är utelämnade.",
        "created": about.created,
        "resources": resources,
    })
}

fn header(sheet: &Sheet) -> Vec<&'static str> {
    sheet.columns.iter().map(|c| c.name).collect()
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
        for (i, column) in sheet.columns.iter().enumerate() {
            worksheet.write_string_with_format(0, i as u16, column.name, &bold)?;
            worksheet.set_column_width(i as u16, column.width())?;
        }
        for (i, row) in sheet.rows.iter().enumerate() {
            for (column, cell) in row.iter().enumerate() {
                let (r, col) = (i as u32 + 1, column as u16);
                match cell {
                    Cell::Text(text) => {
                        worksheet.write_string_with_format(r, col, text, &wrapped)?;
                    }
                    Cell::Number(n) if sheet.columns[column].kind == ColumnKind::Share => {
                        worksheet.write_number_with_format(r, col, *n, &percent)?;
                    }
                    Cell::Number(n) => {
                        worksheet.write_number(r, col, *n)?;
                    }
                }
            }
        }
        worksheet.set_freeze_panes(1, 0)?;
        worksheet.autofilter(
            0,
            0,
            sheet.rows.len() as u32,
            sheet.columns.len() as u16 - 1,
        )?;
    }
    workbook.save_to_buffer()
}

/// Every sheet in one OpenDocument spreadsheet (LibreOffice's own format), laid out as the XLSX
/// workbook: a bold header row, readable column widths, shares as percentages.
pub fn ods(sheets: &[Sheet]) -> Result<Vec<u8>, spreadsheet_ods::OdsError> {
    use spreadsheet_ods::{CellStyle, Length, Value, ValueFormatPercentage, WorkBook};

    let mut book = WorkBook::new_empty();
    let mut percent = ValueFormatPercentage::new_empty();
    percent.part_number().min_integer_digits(1).build();
    percent.part_text("%").build();
    let percent = book.add_percentage_format(percent);
    let percent = book.add_cellstyle(CellStyle::new("andel", &percent));
    let mut bold = CellStyle::new_empty();
    bold.set_font_bold();
    let bold = book.add_cellstyle(bold);
    for sheet in sheets {
        let mut table = spreadsheet_ods::Sheet::new(sheet.name);
        for (i, column) in sheet.columns.iter().enumerate() {
            table.set_styled_value(0, i as u32, column.name, &bold);
            // A character is about 0.2 cm wide in the default font.
            table.set_col_width(i as u32, Length::Cm(column.width() * 0.2));
        }
        for (i, row) in sheet.rows.iter().enumerate() {
            for (column, cell) in row.iter().enumerate() {
                let (r, col) = (i as u32 + 1, column as u32);
                match cell {
                    Cell::Text(text) => table.set_value(r, col, text.as_str()),
                    Cell::Number(n) if sheet.columns[column].kind == ColumnKind::Share => {
                        table.set_styled_value(r, col, Value::Percentage(*n), &percent);
                    }
                    Cell::Number(n) => table.set_value(r, col, *n),
                }
            }
        }
        book.push_sheet(table);
    }
    spreadsheet_ods::write_ods_buf(&mut book, Vec::new())
}
