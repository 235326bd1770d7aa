//! Reading a report file as it comes: a PDF, the text `pdftotext -layout` gives for one, or the
//! running text of the city's earlier tool (the seed's layout).
//!
//! A PDF that Uppfölj made carries the report's content as an attached JSON file, which is read
//! back exactly. Any other PDF is read by where its text stands ([`super::geometry`]), as is
//! layout text; running text is read by the seed's line rules ([`super::parse`]).

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;

use super::common::{ParseError, Place, collapse, first_words, nest};
use super::geometry::{self, Warning};
use super::parse::parse;
use super::{ParsedQuestion, ParsedReport, ParsedSection};

/// No real question is this long: longer means rows or columns ran together.
pub const MAX_QUESTION_CHARS: usize = 400;

/// The name under which an Uppfölj PDF attaches its content.
pub const ATTACHMENT: &str = "uppfolj-rapport.json";
/// The format tag of that content; other JSON is not taken for a report.
pub const FORMAT: &str = "uppfolj-organisationsrapport/1";

/// Why a report file could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The text is not UTF-8; `offset` is the first invalid byte.
    NotUtf8 { offset: usize },
    /// The text, or the PDF's text, does not follow the report layout.
    Layout { from_pdf: bool, error: ParseError },
    /// The PDF itself cannot be read.
    Pdf(String),
    /// The PDF is encrypted: its text cannot be read without the password.
    Encrypted,
    /// The PDF has no text to read: a scanned image, say.
    NoText,
    /// The file is larger than any report, in pages, characters or content.
    TooLarge(&'static str),
    /// The PDF's attached content is not a valid report.
    Attachment(String),
    /// The text lists a table's columns one after the other (as `pdftotext` without `-layout`
    /// gives them), so which answer belongs to which question is lost.
    ColumnsLost,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotUtf8 { offset } => write!(
                f,
                "filen är varken en PDF eller text i UTF-8 (ogiltig byte vid position {offset})"
            ),
            ReadError::Layout {
                from_pdf: true,
                error,
            } => write!(f, "PDF:en, {error}"),
            ReadError::Layout { error, .. } => write!(f, "{error}"),
            ReadError::Pdf(message) => write!(f, "PDF:en kan inte läsas: {message}"),
            ReadError::Encrypted => write!(
                f,
                "PDF:en är krypterad och kan inte läsas; spara den utan lösenord och försök igen"
            ),
            ReadError::NoText => write!(
                f,
                "PDF:en innehåller ingen text, bara bilder (en inskannad rapport?); \
                 Uppfölj läser rapporter vars text går att markera"
            ),
            ReadError::TooLarge(what) => write!(
                f,
                "filen är för stor för en uppföljningsrapport (för många {what})"
            ),
            ReadError::Attachment(message) => {
                write!(f, "PDF:ens bifogade {ATTACHMENT} är ogiltig: {message}")
            }
            ReadError::ColumnsLost => write!(
                f,
                "texten har tappat tabellernas kolumner: frågorna och svaren står i den ordning \
                 pdftotext utan -layout ger dem, så vilket svar som hör till vilken fråga går inte \
                 att avgöra. Läs in PDF:en själv, eller texten från «pdftotext -layout»"
            ),
        }
    }
}

impl std::error::Error for ReadError {}

/// A report as read, with what was read but not understood.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reading {
    pub report: ParsedReport,
    pub warnings: Vec<Warning>,
}

/// Reads a report file: a PDF (by its `%PDF` signature), the JSON an Uppfölj PDF attaches, or
/// UTF-8 text. A "question" longer than any real one is refused: rows or columns ran together.
pub fn read(bytes: &[u8]) -> Result<Reading, ReadError> {
    let reading = read_any(bytes)?;
    let from_pdf = bytes.starts_with(b"%PDF");
    let refuse = |place: Place, message: String| ReadError::Layout {
        from_pdf,
        error: ParseError { place, message },
    };
    let questions = reading.report.questions();
    if let Some((section, question)) = questions
        .iter()
        .find(|(_, q)| q.text.chars().count() > MAX_QUESTION_CHARS)
    {
        return Err(refuse(
            Place::Section {
                number: section.number.clone(),
                words: first_words(&question.text),
            },
            format!(
                "en «fråga» på {} tecken, längre än någon verklig fråga ({MAX_QUESTION_CHARS}); \
                 raderna har inte gått att skilja åt",
                question.text.chars().count()
            ),
        ));
    }
    Ok(reading)
}

/// Whether text lists a table's column headings on lines of their own: the running text
/// `pdftotext` gives without `-layout`, column after column.
fn columns_lost(text: &str) -> bool {
    let collapsed = |line: &str| collapse(line).to_lowercase();
    text.lines().any(|l| collapsed(l) == "uppföljningsfrågor")
        && !text
            .lines()
            .any(|l| collapsed(l).starts_with("uppföljningsfrågor svar"))
}

fn read_any(bytes: &[u8]) -> Result<Reading, ReadError> {
    if bytes.starts_with(b"%PDF") {
        return read_pdf(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    if text.trim_start().starts_with('{') && text.contains(FORMAT) {
        return Ok(Reading {
            report: from_json(bytes)?,
            warnings: vec![],
        });
    }
    if geometry::text::is_layout(text) {
        let pages = geometry::text::pages(text);
        let (report, warnings) =
            geometry::read(&pages, &[], geometry::text::METRICS).map_err(|error| {
                ReadError::Layout {
                    from_pdf: false,
                    error,
                }
            })?;
        return Ok(Reading { report, warnings });
    }
    if columns_lost(text) {
        return Err(ReadError::ColumnsLost);
    }
    let report = parse(text).map_err(|error| ReadError::Layout {
        from_pdf: false,
        error,
    })?;
    Ok(Reading {
        report,
        warnings: vec![],
    })
}

/// Reads a report PDF: its attached content if it has one, otherwise its pages.
pub fn read_pdf(bytes: &[u8]) -> Result<Reading, ReadError> {
    // The PDF parser is not ours; a file that makes it panic is a file it cannot read.
    std::panic::catch_unwind(|| read_pdf_unguarded(bytes))
        .unwrap_or_else(|_| Err(ReadError::Pdf("filen är trasig".into())))
}

fn read_pdf_unguarded(bytes: &[u8]) -> Result<Reading, ReadError> {
    geometry::pdf::check_inflation(bytes).map_err(pdf_error)?;
    let document = lopdf::Document::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => ReadError::Encrypted,
        other => ReadError::Pdf(other.to_string()),
    })?;
    if document.is_encrypted() && document.encryption_state.is_none() {
        return Err(ReadError::Encrypted);
    }
    if let Some(json) = attachment(&document, ATTACHMENT) {
        return Ok(Reading {
            report: from_json(&json)?,
            warnings: vec![],
        });
    }
    let pages = geometry::pdf::pages(&document).map_err(pdf_error)?;
    if pages.iter().all(|p| p.glyphs.is_empty()) {
        return Err(ReadError::NoText);
    }
    let outline = geometry::pdf::outline(&document);
    let (report, warnings) = geometry::read(&pages, &outline, geometry::page::Metrics::PDF)
        .map_err(|error| ReadError::Layout {
            from_pdf: true,
            error,
        })?;
    Ok(Reading { report, warnings })
}

fn pdf_error(error: geometry::pdf::PdfError) -> ReadError {
    match error {
        geometry::pdf::PdfError::TooLarge(what) => ReadError::TooLarge(what),
        geometry::pdf::PdfError::Broken(message) => ReadError::Pdf(message),
    }
}

/// The content of the embedded file named `name`, found by its file specification.
fn attachment(document: &lopdf::Document, name: &str) -> Option<Vec<u8>> {
    document.objects.values().find_map(|object| {
        let spec = object.as_dict().ok()?;
        if spec.get(b"Type").and_then(|t| t.as_name()).ok()? != b"Filespec" {
            return None;
        }
        let file_name = spec.get(b"UF").or_else(|_| spec.get(b"F")).ok()?;
        if pdf_string(file_name.as_str().ok()?) != name {
            return None;
        }
        let embedded = spec.get_deref(b"EF", document).ok()?.as_dict().ok()?;
        let stream = embedded.get_deref(b"F", document).ok()?.as_stream().ok()?;
        stream
            .decompressed_content()
            .ok()
            .or_else(|| Some(stream.content.clone()))
    })
}

/// A PDF text string: UTF-16BE with a byte order mark, or (for names like ours) plain bytes.
fn pdf_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[derive(Deserialize)]
struct JsonReport {
    format: String,
    lines: Vec<JsonLine>,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum JsonLine {
    Heading { number: String, text: String },
    Table { rows: Vec<JsonRow> },
}

#[derive(Deserialize)]
struct JsonRow {
    text: String,
    audience: Option<String>,
    #[serde(default)]
    guidance: Vec<String>,
    answer: Option<String>,
    #[serde(default)]
    comment: String,
}

/// A report from the JSON an Uppfölj PDF carries: the same headings and rows the PDF shows.
pub fn from_json(json: &[u8]) -> Result<ParsedReport, ReadError> {
    let report: JsonReport =
        serde_json::from_slice(json).map_err(|e| ReadError::Attachment(e.to_string()))?;
    if report.format != FORMAT {
        return Err(ReadError::Attachment(format!(
            "okänt format «{}», väntade «{FORMAT}»",
            report.format
        )));
    }
    let mut flat: Vec<ParsedSection> = Vec::new();
    for line in report.lines {
        match line {
            JsonLine::Heading { number, text } => flat.push(ParsedSection {
                number,
                heading: text,
                ..ParsedSection::default()
            }),
            JsonLine::Table { rows } => {
                let section = flat.last_mut().ok_or_else(|| {
                    ReadError::Attachment("en tabell står före första rubriken".into())
                })?;
                section
                    .questions
                    .extend(rows.into_iter().map(|row| ParsedQuestion {
                        text: row.text,
                        audience: row.audience,
                        guidance: row.guidance,
                        answer: row.answer,
                        comment: row.comment,
                    }));
            }
        }
    }
    let numbers: HashSet<&str> = flat.iter().map(|s| s.number.as_str()).collect();
    if numbers.len() != flat.len() {
        return Err(ReadError::Attachment(
            "samma rubriknummer förekommer två gånger".into(),
        ));
    }
    Ok(ParsedReport {
        documents: nest(flat),
    })
}
