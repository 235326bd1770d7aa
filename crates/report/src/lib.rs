//! Reports rendered from the model: an organisation's answers in a round in the house style of
//! the seed report — every steering document a numbered heading, every section shown, and per
//! section with questions a two-column table *Uppföljningsfrågor | Svarsalternativ med kommentar*
//! — the city-wide compilation of a round, and the council report of a steering document.
//!
//! Everything here is a pure function of model values; the caller loads them.

mod compilation;
mod compilation_html;
mod council;
mod docx;
pub mod narrative;
mod organisation;
mod words;

pub use compilation::{
    PUBLISHED_NOTE, compilation_json, compilation_markdown, compilation_pdf, percent,
};
pub use compilation_html::{CompilationView, compilation_document, compilation_html};
pub use council::{
    CouncilFormat, council_document, council_file, council_html, council_markdown, council_pdf,
    indicator_chart,
};
pub use docx::{council_docx, organisation_docx};
pub use words::{chart_description, counts_line, level_words, reading_text, subject_word};

/// The one stylesheet of Uppfölj's HTML: served with the pages, and inside the HTML files made
/// for reading on their own.
pub const STYLESHEET: &str = include_str!("../assets/uppfolj.css");

/// The files a compilation is made into, for the pages' downloads and the command line alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompilationFormat {
    Pdf,
    Html,
    Markdown,
    Json,
}

impl CompilationFormat {
    /// The file's media type, for a download.
    pub fn media_type(self) -> &'static str {
        match self {
            CompilationFormat::Pdf => "application/pdf",
            CompilationFormat::Html => "text/html; charset=utf-8",
            CompilationFormat::Markdown => "text/markdown; charset=utf-8",
            CompilationFormat::Json => "application/json",
        }
    }
}

/// The compilation as a file of `format`; a PDF says it was printed `today`. Typesetting a PDF
/// of a large round takes seconds: call it off the threads that serve requests.
pub fn compilation_file(
    c: &uppfolj_model::compilation::Compilation,
    format: CompilationFormat,
    today: time::Date,
) -> Result<Vec<u8>, ReportError> {
    Ok(match format {
        CompilationFormat::Pdf => compilation_pdf(c, today)?,
        CompilationFormat::Html => compilation_document(c)?.into_bytes(),
        CompilationFormat::Markdown => compilation_markdown(c).into_bytes(),
        CompilationFormat::Json => compilation_json(c),
    })
}

/// The JSON schema that [`compilation_json`]'s output follows, kept in the repository's
/// `schemas/` folder and served with the open data.
pub const COMPILATION_SCHEMA: &str = include_str!("../../../schemas/compilation.schema.json");
pub use organisation::{OrganisationReport, ReportLine, ReportQuestion};

/// The JSON a PDF template typesets, with every text made [`uppfolj_pdf::printable`]: one
/// respondent's character that no font has must not stop the city's documents.
fn printable_json(mut value: serde_json::Value) -> Vec<u8> {
    fn walk(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => {
                if let std::borrow::Cow::Owned(shown) = uppfolj_pdf::printable(text) {
                    *text = shown;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            serde_json::Value::Object(fields) => fields.values_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    serde_json::to_vec(&value).expect("a JSON value serialises")
}

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("rapporten kunde inte sättas: {0}")]
    Render(#[from] askama::Error),
    #[error(transparent)]
    Pdf(#[from] uppfolj_pdf::PdfError),
    #[error("Word-filen kunde inte skrivas: {0}")]
    Docx(String),
}
