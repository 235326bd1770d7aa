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

/// Fonts beside typst's own, so that a comment in any common script, or with an emoji, can be
/// set: Noto Sans (Latin, Greek, Cyrillic), Arabic, Hebrew, two symbol fonts and the emoji
/// (SIL Open Font License; `fonts/LICENSE.md`).
static EXTRA_FONTS: [&[u8]; 11] = [
    include_bytes!("../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../fonts/NotoSans-Italic.ttf"),
    include_bytes!("../fonts/NotoSans-BoldItalic.ttf"),
    include_bytes!("../fonts/NotoSansArabic-Regular.ttf"),
    include_bytes!("../fonts/NotoSansArabic-Bold.ttf"),
    include_bytes!("../fonts/NotoSansHebrew-Regular.ttf"),
    include_bytes!("../fonts/NotoSansHebrew-Bold.ttf"),
    include_bytes!("../fonts/NotoColorEmoji.ttf"),
    include_bytes!("../fonts/NotoSansSymbols-Regular.ttf"),
    include_bytes!("../fonts/NotoSansSymbols2-Regular.ttf"),
];

/// The reports' typeface (`crates/report/templates/*.typ`): typst sets a grapheme in it when it
/// has the grapheme's first character, and in the first other font that has it otherwise.
pub const TYPEFACE: &str = "Libertinus Serif";

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .chain(EXTRA_FONTS.iter().copied())
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

/// Characters with no visible form of their own (the Unicode property Default_Ignorable_Code_Point):
/// joiners, direction marks, variation selectors, byte order marks, soft hyphens, tags.
fn invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0xFFF0..=0xFFF8
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0000..=0xE0FFF
    )
}

/// What a PDF can show of `text`, so that no respondent's text stops a report: line breaks and
/// tabs stay; other control characters go. Each grapheme (a letter with its accents, an emoji
/// with its modifiers) is set in one font, the one typst picks for its first character; what
/// that font lacks is left out when it has no visible form of its own (a zero-width joiner, a
/// byte order mark) or marks the letter (an accent), and a first character no font has is
/// shown as «�». The PDF/UA-1 standard forbids text no font can show.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_segmentation::UnicodeSegmentation;
    let plain = |c: char| matches!(c, '\n' | '\t') || (c.is_ascii() && !c.is_ascii_control());
    if text.chars().all(plain) {
        return std::borrow::Cow::Borrowed(text);
    }
    let fonts = &SHARED.fonts;
    let has = |font: &Font, c: char| font.info().coverage.contains(c as u32);
    let mut out = String::with_capacity(text.len());
    for grapheme in text.graphemes(true) {
        let chars: Vec<char> = grapheme
            .chars()
            .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
            .collect();
        let Some(&base) = chars.first() else {
            continue;
        };
        if chars.iter().all(|c| plain(*c)) {
            out.extend(&chars);
            continue;
        }
        let typeface = fonts.iter().filter(|f| f.info().family == TYPEFACE);
        let others = fonts.iter().filter(|f| f.info().family != TYPEFACE);
        match typeface.chain(others).find(|font| has(font, base)) {
            Some(font) => out.extend(chars.iter().filter(|c| has(font, **c))),
            None if chars.iter().all(|c| invisible(*c)) => {}
            None => out.push(REPLACEMENT),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Shown for a character no bundled font has (Noto Sans has it).
const REPLACEMENT: char = '\u{FFFD}';

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
    fn emoji_and_other_scripts_are_set() {
        let markup = "#set document(title: [Prov])\n#set text(lang: \"sv\", font: \"Libertinus Serif\")\n= Rubrik\nBra 👍🏽 👨‍👩‍👧 مرحبا שלום Ω Ж ★ ☎";
        let pdf = render(markup, &[], time::macros::date!(2026 - 01 - 01)).expect("renders");
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn text_no_font_can_show_is_replaced_or_left_out() {
        assert_eq!(printable("Ja, så är det."), "Ja, så är det.");
        assert_eq!(printable("a\u{0}b\u{7}c\nd\te"), "abc\nd\te");
        assert_eq!(
            printable("👍🏽 👨\u{200D}👩"),
            "👍🏽 👨\u{200D}👩",
            "the emoji font has these"
        );
        assert_eq!(printable("\u{F0000}"), "\u{FFFD}", "private use");
        assert_eq!(printable("\u{0378}"), "\u{FFFD}", "unassigned");
        assert_eq!(printable("\u{E0041}x"), "x", "a tag character has no form");
        assert_eq!(
            printable("1\u{20DD}"),
            "1",
            "a mark no font has with its letter"
        );
        assert_eq!(
            printable("e\u{301}"),
            "e\u{301}",
            "a mark the letter's font has"
        );
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
