//! PDF typesetting with typst used as a library.
//!
//! Reports are written as typst markup by the report layer; this crate compiles that markup in a
//! closed world — the markup, the data files it reads, and the fonts bundled with typst (which
//! carry Swedish letters) — and exports a tagged PDF that conforms to PDF/UA-1, as the public
//! sector must publish accessible documents. Nothing is read from the disk or the network.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

/// Why a document could not be typeset.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The markup has an error; a bug in the template, since data enters only as JSON.
    #[error("PDF:en kunde inte sättas: {0}")]
    Typeset(String),
    /// A file name given to [`render`] is not a valid path inside the document's world.
    #[error("ogiltigt filnamn för PDF:en: {0}")]
    FileName(String),
}

/// The fonts and the standard library, loaded once per process: parsing the bundled fonts takes
/// longer than typesetting a report.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// One compilation: the main markup and the files it may read.
struct Document {
    main: FileId,
    source: Source,
    files: HashMap<FileId, Bytes>,
    today: time::Date,
}

impl World for Document {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            return Ok(self.source.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.into()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_without_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            self.today.month().into(),
            self.today.day(),
        )
    }
}

fn file_id(name: &str) -> Result<FileId, PdfError> {
    let path = VirtualPath::new(name).map_err(|_| PdfError::FileName(name.into()))?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

/// Typesets `markup` to a PDF/UA-1 document. `files` are the data the markup reads by name (for
/// example with `json("report.json")`); `today` is the date `datetime.today()` gives.
pub fn render(
    markup: &str,
    files: &[(&str, Vec<u8>)],
    today: time::Date,
) -> Result<Vec<u8>, PdfError> {
    let main = file_id("main.typ")?;
    let mut data = HashMap::new();
    for (name, bytes) in files {
        data.insert(file_id(name)?, Bytes::new(bytes.clone()));
    }
    let world = Document {
        main,
        source: Source::new(main, markup.into()),
        files: data,
        today,
    };
    let document: PagedDocument = typst::compile(&world).output.map_err(diagnostics)?;
    let standards = PdfStandards::new(&[PdfStandard::Ua_1])
        .map_err(|e| PdfError::Typeset(e.message().to_string()))?;
    let options = PdfOptions {
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(diagnostics)
}

fn diagnostics(errors: impl IntoIterator<Item = SourceDiagnostic>) -> PdfError {
    let messages: Vec<String> = errors
        .into_iter()
        .map(|d| {
            let hints: Vec<&str> = d.hints.iter().map(|h| h.v.as_str()).collect();
            if hints.is_empty() {
                d.message.to_string()
            } else {
                format!("{} ({})", d.message, hints.join("; "))
            }
        })
        .collect();
    PdfError::Typeset(messages.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_swedish_text_to_a_pdf() {
        let markup = "#set document(title: [Prov])\n#set text(lang: \"sv\")\n= Åtgärder för ökad trygghet\nÄr det så?";
        let pdf = render(markup, &[], time::macros::date!(2026 - 01 - 01)).expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn a_markup_error_is_reported_not_panicked() {
        let error = render("#let x = ", &[], time::macros::date!(2026 - 01 - 01)).unwrap_err();
        assert!(matches!(error, PdfError::Typeset(_)), "{error}");
    }

    #[test]
    fn data_files_are_readable_by_name() {
        let markup =
            "#set document(title: [Data])\n#set text(lang: \"sv\")\n= Data\n#json(\"d.json\").name";
        let pdf = render(
            markup,
            &[("d.json", r#"{"name":"Göteborg"}"#.as_bytes().to_vec())],
            time::macros::date!(2026 - 01 - 01),
        )
        .expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
