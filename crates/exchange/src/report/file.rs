//! Reading a report file as it comes: the text a PDF extractor gave, or the PDF itself.
//!
//! A PDF that Uppfölj made carries the report's content as an attached JSON file, which is read
//! back exactly. Any other PDF — the city's earlier tool's, say — is read through its text, with
//! the same parser as extracted text files.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;

use super::{ParseError, ParsedQuestion, ParsedReport, ParsedSection, parse, parse::nest};

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
    /// The PDF's attached content is not a valid report.
    Attachment(String),
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
            } => write!(f, "PDF:ens text, {error}"),
            ReadError::Layout { error, .. } => write!(f, "{error}"),
            ReadError::Pdf(message) => write!(f, "PDF:en kan inte läsas: {message}"),
            ReadError::Attachment(message) => {
                write!(f, "PDF:ens bifogade {ATTACHMENT} är ogiltig: {message}")
            }
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads a report file: a PDF (by its `%PDF` signature) or UTF-8 text.
pub fn read(bytes: &[u8]) -> Result<ParsedReport, ReadError> {
    if bytes.starts_with(b"%PDF") {
        return read_pdf(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    parse(text).map_err(|error| ReadError::Layout {
        from_pdf: false,
        error,
    })
}

/// Reads a report PDF: its attached content if it has one, otherwise its text.
pub fn read_pdf(bytes: &[u8]) -> Result<ParsedReport, ReadError> {
    let document = lopdf::Document::load_mem(bytes).map_err(|e| ReadError::Pdf(e.to_string()))?;
    if let Some(json) = attachment(&document, ATTACHMENT) {
        return from_json(&json);
    }
    let text = extract_text(bytes)?;
    parse(&text).map_err(|error| ReadError::Layout {
        from_pdf: true,
        error,
    })
}

/// The text of a PDF in reading order. The extractor panics on some malformed files; that is
/// a file it cannot read, not a crash.
fn extract_text(bytes: &[u8]) -> Result<String, ReadError> {
    std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes))
        .map_err(|_| ReadError::Pdf("texten går inte att läsa ut".into()))?
        .map_err(|e| ReadError::Pdf(e.to_string()))
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
fn from_json(json: &[u8]) -> Result<ParsedReport, ReadError> {
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
