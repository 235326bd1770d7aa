//! What a PDF's pages show: every glyph with the place it stands, and the straight rules drawn
//! (a table's borders). A small interpreter of the content streams' text, path and XObject
//! operators over lopdf's objects; fonts are decoded by lopdf (ToUnicode maps, the standard
//! encodings and glyph-name differences), widths read here from the font dictionaries.
//!
//! Everything it does is bounded — pages, operators, glyphs, decompressed bytes, nesting of
//! forms — so that a hostile file costs a known amount of time and memory.

use std::collections::HashMap;
use std::io::Read;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId};

use super::page::{Glyph, Page, Rule};

/// At most this many pages are read; a report has tens.
const MAX_PAGES: usize = 2_000;
/// Decompressed content of one page (all its streams and forms) at most.
const MAX_CONTENT_BYTES: usize = 32 << 20;
/// Decompressed content of all pages together at most: a form drawn on every page counts each
/// time, so that a shared stream cannot multiply the work by the pages.
const MAX_DOCUMENT_CONTENT_BYTES: usize = 256 << 20;
/// What any one stream of the file may inflate to when loaded, and all of them together: a
/// report's streams are kilobytes, a photograph's a few megabytes.
pub(crate) const MAX_STREAM_INFLATED: u64 = 64 << 20;
pub(crate) const MAX_FILE_INFLATED: u64 = 512 << 20;
/// Glyphs in the whole document at most (a 100-page report has about 300 000).
const MAX_GLYPHS: usize = 4_000_000;
/// Forms drawn inside forms at most this deep.
const MAX_FORM_DEPTH: usize = 8;
/// Rules (lines and thin rectangles) per page at most.
const MAX_RULES: usize = 50_000;
/// A filled rectangle at most this thin (in points) is a rule, not a shaded area.
const RULE_THICKNESS: f32 = 2.5;

/// Why a PDF's pages could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PdfError {
    /// A limit above was reached: the file is not a report, or is built to exhaust the reader.
    TooLarge(&'static str),
    /// The page tree or a page's content is broken.
    Broken(String),
}

/// Reads every page of `document`.
pub(crate) fn pages(document: &Document) -> Result<Vec<Page>, PdfError> {
    let page_ids = document.get_pages();
    if page_ids.len() > MAX_PAGES {
        return Err(PdfError::TooLarge("sidor"));
    }
    let mut fonts = FontCache::default();
    let mut spent = Spent::default();
    let mut pages = Vec::with_capacity(page_ids.len());
    for (number, id) in page_ids {
        let page = read_page(document, id, number as usize, &mut fonts, &mut spent)?;
        pages.push(page);
    }
    Ok(pages)
}

/// Refuses a file with a stream that inflates beyond [`MAX_STREAM_INFLATED`], or streams that
/// together inflate beyond [`MAX_FILE_INFLATED`], before lopdf loads it: lopdf inflates object
/// streams, cross-reference streams and attachments whole, so a small file could otherwise ask
/// for gigabytes. Every `stream` keyword's data is inflated into a counter, not kept, so the check
/// itself costs no memory; data that is not zlib (images in JPEG, unpacked streams) stops at its
/// first bytes.
pub(crate) fn check_inflation(bytes: &[u8]) -> Result<(), PdfError> {
    const KEYWORD: &[u8] = b"stream";
    let mut inflater = flate2::Decompress::new(true);
    let mut buffer = vec![0; 1 << 16];
    let mut total = 0;
    let mut from = 0;
    while let Some(found) = find(&bytes[from..], KEYWORD) {
        let at = from + found;
        from = at + KEYWORD.len();
        if bytes[..at].ends_with(b"end") {
            continue;
        }
        let mut data = &bytes[from..];
        data = data.strip_prefix(b"\r").unwrap_or(data);
        data = data.strip_prefix(b"\n").unwrap_or(data);
        // zlib's two-byte header: deflate, and a check that makes it a multiple of 31.
        let zlib = matches!(data, [method, flags, ..]
            if method & 0x0f == 8 && (u16::from(*method) << 8 | u16::from(*flags)) % 31 == 0);
        if !zlib {
            continue;
        }
        let budget = MAX_STREAM_INFLATED.min(MAX_FILE_INFLATED - total);
        let inflated = inflated_size(&mut inflater, &mut buffer, data, budget + 1);
        if inflated > budget {
            return Err(PdfError::TooLarge("byte när PDF:ens innehåll packas upp"));
        }
        total += inflated;
    }
    Ok(())
}

/// How many bytes `data` inflates to as zlib, counting at most `limit`: a stream that is not
/// zlib, or is damaged, counts what came out before the damage, as lopdf would keep it. One
/// inflater and buffer serve every stream, so that a file of many streams costs no allocations.
fn inflated_size(
    inflater: &mut flate2::Decompress,
    buffer: &mut [u8],
    data: &[u8],
    limit: u64,
) -> u64 {
    inflater.reset(true);
    loop {
        let before = (inflater.total_in(), inflater.total_out());
        let input = &data[before.0 as usize..];
        let status = inflater.decompress(input, buffer, flate2::FlushDecompress::None);
        let progressed = (inflater.total_in(), inflater.total_out()) != before;
        match status {
            Ok(flate2::Status::Ok | flate2::Status::BufError)
                if progressed && inflater.total_out() < limit => {}
            _ => return inflater.total_out().min(limit),
        }
    }
}

/// Where `needle` first stands in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The titles of the PDF's outline (its bookmarks), in reading order; empty when it has none.
/// Walked here rather than by lopdf, whose walk follows a `/Next` that points back forever: every
/// item is read once, and the walk stops at [`MAX_OUTLINE`] items or [`MAX_FORM_DEPTH`] levels.
pub(crate) fn outline(document: &Document) -> Vec<String> {
    let mut titles = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let first = document
        .catalog()
        .ok()
        .and_then(|catalog| catalog.get(b"Outlines").ok())
        .and_then(|outlines| resolve_dict(document, outlines))
        .and_then(|outlines| outlines.get(b"First").ok());
    if let Some(first) = first {
        outline_items(document, first, 0, &mut seen, &mut titles);
    }
    titles
}

/// The most outline items read; a real report's bookmarks are its headings, a few hundred.
const MAX_OUTLINE: usize = 10_000;

/// Reads the outline items from `item` on along `/Next`, each followed by its children.
fn outline_items<'a>(
    document: &'a Document,
    mut item: &'a Object,
    depth: usize,
    seen: &mut std::collections::HashSet<ObjectId>,
    titles: &mut Vec<String>,
) {
    loop {
        if titles.len() >= MAX_OUTLINE || depth > MAX_FORM_DEPTH {
            return;
        }
        if let Ok(id) = item.as_reference()
            && !seen.insert(id)
        {
            return;
        }
        let Some(dict) = resolve_dict(document, item) else {
            return;
        };
        if let Some(title) = dict
            .get(b"Title")
            .ok()
            .and_then(|t| resolve(document, t))
            .and_then(|t| lopdf::decode_text_string(t).ok())
        {
            titles.push(title);
        }
        if let Ok(first) = dict.get(b"First") {
            outline_items(document, first, depth + 1, seen, titles);
        }
        match dict.get(b"Next") {
            Ok(next) => item = next,
            Err(_) => return,
        }
    }
}

/// An object, or the one a reference points to.
fn resolve<'a>(document: &'a Document, object: &'a Object) -> Option<&'a Object> {
    match object.as_reference() {
        Ok(id) => document.get_object(id).ok(),
        Err(_) => Some(object),
    }
}

/// A dictionary, given directly or by reference.
fn resolve_dict<'a>(document: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    resolve(document, object).and_then(|o| o.as_dict().ok())
}

/// An affine matrix `[a b c d e f]` as PDF writes them (row vectors: `p' = p × M`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    fn translation(x: f32, y: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    /// `self` applied first, then `then`.
    fn then(self, then: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = then.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (x * a + y * c + e, x * b + y * d + f)
    }

    /// Whether text drawn with this matrix stands upright (no rotation or skew to speak of).
    fn upright(self) -> bool {
        let [a, b, c, d, ..] = self.0;
        a > 0.0 && d > 0.0 && b.abs() < 0.01 * a && c.abs() < 0.01 * d
    }
}

/// A font as the text operators need it: how many bytes a code takes, its decoding and widths.
struct Font<'a> {
    two_bytes: bool,
    encoding: Option<Encoding<'a>>,
    /// Widths in thousandths of the text size, by code.
    widths: HashMap<u32, f32>,
    default_width: f32,
}

impl Font<'_> {
    fn decode(&self, code: u32) -> String {
        let bytes: &[u8] = if self.two_bytes {
            &[(code >> 8) as u8, code as u8]
        } else {
            &[code as u8]
        };
        match &self.encoding {
            Some(encoding) => encoding.bytes_to_string(bytes).unwrap_or_default(),
            None => String::new(),
        }
    }

    fn width(&self, code: u32) -> f32 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }
}

/// Fonts by their object (or, for direct dictionaries, by their resource name and page).
#[derive(Default)]
struct FontCache<'a> {
    fonts: HashMap<FontKey, std::rc::Rc<Font<'a>>>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
enum FontKey {
    Object(ObjectId),
    Direct(usize, Vec<u8>),
}

fn number(object: &Object) -> Option<f32> {
    match object {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn deref<'a>(document: &'a Document, object: &'a Object) -> &'a Object {
    document
        .dereference(object)
        .map(|(_, o)| o)
        .unwrap_or(object)
}

fn load_font<'a>(document: &'a Document, dict: &'a Dictionary) -> Font<'a> {
    let subtype = dict
        .get(b"Subtype")
        .and_then(Object::as_name)
        .unwrap_or(b"");
    let encoding = dict.get_font_encoding(document).ok();
    let mut widths = HashMap::new();
    if subtype == b"Type0" {
        let descendant = dict
            .get(b"DescendantFonts")
            .map(|o| deref(document, o))
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .map(|o| deref(document, o))
            .and_then(|o| o.as_dict().ok());
        let mut default_width = 1000.0;
        if let Some(descendant) = descendant {
            default_width = descendant
                .get(b"DW")
                .ok()
                .and_then(number)
                .unwrap_or(1000.0);
            if let Ok(w) = descendant
                .get(b"W")
                .map(|o| deref(document, o))
                .and_then(Object::as_array)
            {
                cid_widths(document, w, &mut widths);
            }
        }
        return Font {
            two_bytes: true,
            encoding,
            widths,
            default_width,
        };
    }
    // Type 3 glyph widths are in glyph space, scaled by the font matrix.
    let scale = if subtype == b"Type3" {
        dict.get(b"FontMatrix")
            .map(|o| deref(document, o))
            .and_then(Object::as_array)
            .ok()
            .and_then(|m| m.first())
            .and_then(number)
            .map_or(1.0, |a| a * 1000.0)
    } else {
        1.0
    };
    let first = dict.get(b"FirstChar").ok().and_then(number).unwrap_or(0.0) as u32;
    if let Ok(array) = dict
        .get(b"Widths")
        .map(|o| deref(document, o))
        .and_then(Object::as_array)
    {
        for (i, w) in array.iter().take(256).enumerate() {
            if let Some(w) = number(deref(document, w)) {
                widths.insert(first + i as u32, w * scale);
            }
        }
    }
    let missing = dict
        .get(b"FontDescriptor")
        .map(|o| deref(document, o))
        .and_then(Object::as_dict)
        .ok()
        .and_then(|d| d.get(b"MissingWidth").ok())
        .and_then(number);
    Font {
        two_bytes: false,
        encoding,
        widths,
        // The standard 14 fonts come without widths; half an em is near their average.
        default_width: missing.unwrap_or(500.0),
    }
}

/// A CIDFont's `W` array: `c [w1 w2 …]` and `cfirst clast w`.
fn cid_widths(document: &Document, array: &[Object], widths: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while i < array.len() && widths.len() < 1 << 17 {
        let Some(first) = number(deref(document, &array[i])) else {
            return;
        };
        let first = first as u32;
        match array.get(i + 1).map(|o| deref(document, o)) {
            Some(Object::Array(list)) => {
                for (j, w) in list.iter().enumerate() {
                    if let Some(w) = number(deref(document, w)) {
                        widths.insert(first + j as u32, w);
                    }
                }
                i += 2;
            }
            Some(last) => {
                let (Some(last), Some(w)) = (
                    number(last),
                    array
                        .get(i + 2)
                        .map(|o| deref(document, o))
                        .and_then(number),
                ) else {
                    return;
                };
                let last = (last as u32).min(first.saturating_add(1 << 16));
                for code in first..=last {
                    widths.insert(code, w);
                }
                i += 3;
            }
            None => return,
        }
    }
}

/// The part of the graphics state the reader follows.
#[derive(Clone)]
struct State<'a> {
    ctm: Matrix,
    font: Option<std::rc::Rc<Font<'a>>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

/// One page's interpretation: its state stacks, the path being built, and what it found.
struct Painter<'a, 'c> {
    document: &'a Document,
    fonts: &'c mut FontCache<'a>,
    page_number: usize,
    /// Maps PDF user space to the page's top-down coordinates.
    page: Matrix,
    state: State<'a>,
    stack: Vec<State<'a>>,
    text_matrix: Matrix,
    line_matrix: Matrix,
    path: Vec<Segment>,
    current: (f32, f32),
    start: (f32, f32),
    glyphs: Vec<Glyph>,
    rules: Vec<Rule>,
    spent: &'c mut Spent,
    content_bytes: usize,
}

/// What reading the document's pages has used so far, against its limits.
#[derive(Default)]
struct Spent {
    glyphs: usize,
    content_bytes: usize,
}

#[derive(Clone, Copy)]
enum Segment {
    Line((f32, f32), (f32, f32)),
    Rect((f32, f32), (f32, f32)),
}

fn read_page<'a>(
    document: &'a Document,
    id: ObjectId,
    page_number: usize,
    fonts: &mut FontCache<'a>,
    spent: &mut Spent,
) -> Result<Page, PdfError> {
    let page_dict = document
        .get_dictionary(id)
        .map_err(|e| PdfError::Broken(e.to_string()))?;
    let media_box = inherited(document, id, b"MediaBox")
        .and_then(|o| o.as_array().ok())
        .and_then(|a| {
            let v: Vec<f32> = a
                .iter()
                .filter_map(|o| number(deref(document, o)))
                .collect();
            (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
        })
        .unwrap_or([0.0, 0.0, 595.0, 842.0]);
    let [llx, lly, urx, ury] = media_box;
    let left = llx.min(urx);
    let (bottom, top) = (lly.min(ury), lly.max(ury));
    let resources = inherited(document, id, b"Resources").and_then(|o| o.as_dict().ok());
    let mut painter = Painter {
        document,
        fonts,
        page_number,
        page: Matrix([1.0, 0.0, 0.0, -1.0, -left, top]),
        state: State {
            ctm: Matrix::IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        },
        stack: Vec::new(),
        text_matrix: Matrix::IDENTITY,
        line_matrix: Matrix::IDENTITY,
        path: Vec::new(),
        current: (0.0, 0.0),
        start: (0.0, 0.0),
        glyphs: Vec::new(),
        rules: Vec::new(),
        spent,
        content_bytes: 0,
    };
    let mut content = Vec::new();
    let streams = match page_dict.get(b"Contents").map(|o| deref(document, o)) {
        Ok(Object::Array(parts)) => parts.iter().map(|o| deref(document, o)).collect(),
        Ok(object) => vec![object],
        Err(_) => vec![],
    };
    for stream in streams {
        if let Ok(stream) = stream.as_stream() {
            let data = painter.decompress(stream)?;
            content.extend_from_slice(&data);
            content.push(b'\n');
        }
    }
    painter.run(&content, resources, 0)?;
    Ok(Page {
        number: page_number,
        height: top - bottom,
        glyphs: painter.glyphs,
        rules: painter.rules,
    })
}

/// A page attribute that may be inherited from the page tree.
fn inherited<'a>(document: &'a Document, id: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = document.get_dictionary(id).ok()?;
    for _ in 0..64 {
        if let Ok(value) = node.get(key) {
            return Some(deref(document, value));
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        node = document.get_dictionary(parent).ok()?;
    }
    None
}

impl<'a> Painter<'a, '_> {
    /// A stream's content, decompressed with the page's byte budget.
    fn decompress(&mut self, stream: &lopdf::Stream) -> Result<Vec<u8>, PdfError> {
        let budget = MAX_CONTENT_BYTES
            .saturating_sub(self.content_bytes)
            .min(MAX_DOCUMENT_CONTENT_BYTES.saturating_sub(self.spent.content_bytes));
        let filters = stream.filters().unwrap_or_default();
        let data = if filters.is_empty() {
            stream.content.clone()
        } else if filters == [b"FlateDecode".as_slice()] {
            let mut out = Vec::new();
            let decoder = flate2::read::ZlibDecoder::new(stream.content.as_slice());
            // A damaged stream gives what inflated before the damage, as readers do.
            let _ = decoder.take(budget as u64 + 1).read_to_end(&mut out);
            out
        } else {
            stream.decompressed_content().unwrap_or_default()
        };
        self.content_bytes += data.len();
        self.spent.content_bytes += data.len();
        if data.len() > budget {
            return Err(PdfError::TooLarge("innehåll på en sida"));
        }
        Ok(data)
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) -> Result<(), PdfError> {
        let Ok(content) = Content::decode(content) else {
            return Ok(());
        };
        for operation in &content.operations {
            self.operate(operation, resources, depth)?;
        }
        Ok(())
    }

    fn operate(
        &mut self,
        operation: &Operation,
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) -> Result<(), PdfError> {
        let n = |i: usize| operation.operands.get(i).and_then(number).unwrap_or(0.0);
        match operation.operator.as_str() {
            "q" if self.stack.len() < 256 => self.stack.push(self.state.clone()),
            "Q" => {
                if let Some(state) = self.stack.pop() {
                    self.state = state;
                }
            }
            "cm" => {
                let m = Matrix([n(0), n(1), n(2), n(3), n(4), n(5)]);
                self.state.ctm = m.then(self.state.ctm);
            }
            "BT" => {
                self.text_matrix = Matrix::IDENTITY;
                self.line_matrix = Matrix::IDENTITY;
            }
            "Tf" => {
                self.state.size = n(1);
                self.state.font = operation
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|name| self.font(resources, name));
            }
            "Tc" => self.state.char_spacing = n(0),
            "Tw" => self.state.word_spacing = n(0),
            "Tz" => self.state.scale = n(0) / 100.0,
            "TL" => self.state.leading = n(0),
            "Ts" => self.state.rise = n(0),
            "Td" => self.next_line(n(0), n(1)),
            "TD" => {
                self.state.leading = -n(1);
                self.next_line(n(0), n(1));
            }
            "Tm" => {
                self.line_matrix = Matrix([n(0), n(1), n(2), n(3), n(4), n(5)]);
                self.text_matrix = self.line_matrix;
            }
            "T*" => self.next_line(0.0, -self.state.leading),
            "Tj" => {
                if let Some(Object::String(bytes, _)) = operation.operands.first() {
                    self.show(bytes)?;
                }
            }
            "'" => {
                self.next_line(0.0, -self.state.leading);
                if let Some(Object::String(bytes, _)) = operation.operands.first() {
                    self.show(bytes)?;
                }
            }
            "\"" => {
                self.state.word_spacing = n(0);
                self.state.char_spacing = n(1);
                self.next_line(0.0, -self.state.leading);
                if let Some(Object::String(bytes, _)) = operation.operands.get(2) {
                    self.show(bytes)?;
                }
            }
            "TJ" => {
                if let Some(Object::Array(items)) = operation.operands.first() {
                    for item in items {
                        match item {
                            Object::String(bytes, _) => self.show(bytes)?,
                            other => {
                                if let Some(adjust) = number(other) {
                                    let tx = -adjust / 1000.0 * self.state.size * self.state.scale;
                                    self.text_matrix =
                                        Matrix::translation(tx, 0.0).then(self.text_matrix);
                                }
                            }
                        }
                    }
                }
            }
            "m" => {
                self.current = (n(0), n(1));
                self.start = self.current;
            }
            "l" => {
                let to = (n(0), n(1));
                self.path.push(Segment::Line(self.current, to));
                self.current = to;
            }
            "c" => self.current = (n(4), n(5)),
            "v" | "y" => self.current = (n(2), n(3)),
            "h" => {
                if self.current != self.start {
                    self.path.push(Segment::Line(self.current, self.start));
                }
                self.current = self.start;
            }
            "re" => {
                let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                self.path.push(Segment::Rect((x, y), (x + w, y + h)));
                self.current = (x, y);
                self.start = self.current;
            }
            "S" | "s" => self.paint(true),
            "f" | "F" | "f*" => self.paint(false),
            "B" | "B*" | "b" | "b*" => self.paint(true),
            "n" => self.path.clear(),
            "Do" => {
                if depth < MAX_FORM_DEPTH
                    && let Some(name) = operation.operands.first().and_then(|o| o.as_name().ok())
                {
                    self.form(resources, name, depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn next_line(&mut self, x: f32, y: f32) {
        self.line_matrix = Matrix::translation(x, y).then(self.line_matrix);
        self.text_matrix = self.line_matrix;
    }

    fn font(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
    ) -> Option<std::rc::Rc<Font<'a>>> {
        let document = self.document;
        let fonts = resources?
            .get(b"Font")
            .map(|o| deref(document, o))
            .ok()?
            .as_dict()
            .ok()?;
        let entry = fonts.get(name).ok()?;
        let key = match entry {
            Object::Reference(id) => FontKey::Object(*id),
            _ => FontKey::Direct(self.page_number, name.to_vec()),
        };
        if let Some(font) = self.fonts.fonts.get(&key) {
            return Some(font.clone());
        }
        let dict = deref(document, entry).as_dict().ok()?;
        let font = std::rc::Rc::new(load_font(document, dict));
        self.fonts.fonts.insert(key, font.clone());
        Some(font)
    }

    /// Shows a string: one glyph per character code, each moved on by its width.
    fn show(&mut self, bytes: &[u8]) -> Result<(), PdfError> {
        let Some(font) = self.state.font.clone() else {
            return Ok(());
        };
        let step = if font.two_bytes { 2 } else { 1 };
        for code_bytes in bytes.chunks(step) {
            let code = code_bytes
                .iter()
                .fold(0u32, |acc, b| acc << 8 | u32::from(*b));
            let width = font.width(code) / 1000.0;
            let state = &self.state;
            let render = Matrix([
                state.size * state.scale,
                0.0,
                0.0,
                state.size,
                0.0,
                state.rise,
            ])
            .then(self.text_matrix)
            .then(state.ctm)
            .then(self.page);
            // The page matrix flips y, so upright text has a negative d here.
            let flipped = Matrix([
                render.0[0],
                render.0[1],
                render.0[2],
                -render.0[3],
                render.0[4],
                render.0[5],
            ]);
            if flipped.upright() {
                let (x, baseline) = render.apply(0.0, 0.0);
                let (x_end, _) = render.apply(width, 0.0);
                let text = font.decode(code);
                if !text.is_empty() {
                    self.spent.glyphs += 1;
                    if self.spent.glyphs > MAX_GLYPHS {
                        return Err(PdfError::TooLarge("tecken"));
                    }
                    self.glyphs.push(Glyph {
                        x,
                        width: (x_end - x).max(0.0),
                        baseline,
                        size: flipped.0[3],
                        text,
                    });
                }
            }
            let mut advance = width * state.size + state.char_spacing;
            if step == 1 && code == 32 {
                advance += state.word_spacing;
            }
            let tx = advance * state.scale;
            self.text_matrix = Matrix::translation(tx, 0.0).then(self.text_matrix);
        }
        Ok(())
    }

    /// Keeps the path's horizontal and vertical strokes, and thin filled rectangles, as rules.
    fn paint(&mut self, stroke: bool) {
        let to_page = self.state.ctm.then(self.page);
        for segment in std::mem::take(&mut self.path) {
            if self.rules.len() >= MAX_RULES {
                return;
            }
            match segment {
                Segment::Line(a, b) if stroke => {
                    let (a, b) = (to_page.apply(a.0, a.1), to_page.apply(b.0, b.1));
                    if let Some(rule) = Rule::between(a, b) {
                        self.rules.push(rule);
                    }
                }
                Segment::Rect(a, b) => {
                    let (a, b) = (to_page.apply(a.0, a.1), to_page.apply(b.0, b.1));
                    let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
                    let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
                    if y1 - y0 <= RULE_THICKNESS {
                        let y = (y0 + y1) / 2.0;
                        self.rules.extend(Rule::between((x0, y), (x1, y)));
                    } else if x1 - x0 <= RULE_THICKNESS {
                        let x = (x0 + x1) / 2.0;
                        self.rules.extend(Rule::between((x, y0), (x, y1)));
                    } else if stroke {
                        for (p, q) in [
                            ((x0, y0), (x1, y0)),
                            ((x0, y1), (x1, y1)),
                            ((x0, y0), (x0, y1)),
                            ((x1, y0), (x1, y1)),
                        ] {
                            self.rules.extend(Rule::between(p, q));
                        }
                    }
                }
                Segment::Line(..) => {}
            }
        }
    }

    /// Draws a form XObject: its own content in its own resources, under its matrix.
    fn form(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        depth: usize,
    ) -> Result<(), PdfError> {
        let document = self.document;
        let Some(stream) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .map(|o| deref(document, o))
            .and_then(|o| o.as_dict().ok())
            .and_then(|x| x.get(name).ok())
            .map(|o| deref(document, o))
            .and_then(|o| o.as_stream().ok())
        else {
            return Ok(());
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return Ok(());
        }
        let matrix = stream
            .dict
            .get(b"Matrix")
            .map(|o| deref(document, o))
            .and_then(Object::as_array)
            .ok()
            .map(|a| {
                a.iter()
                    .filter_map(|o| number(deref(document, o)))
                    .collect::<Vec<_>>()
            })
            .filter(|v| v.len() == 6)
            .map_or(Matrix::IDENTITY, |v| {
                Matrix([v[0], v[1], v[2], v[3], v[4], v[5]])
            });
        let inner = stream
            .dict
            .get(b"Resources")
            .map(|o| deref(document, o))
            .and_then(Object::as_dict)
            .ok()
            .or(resources);
        let data = self.decompress(stream)?;
        let saved = (self.state.clone(), self.text_matrix, self.line_matrix);
        self.state.ctm = matrix.then(self.state.ctm);
        self.run(&data, inner, depth + 1)?;
        (self.state, self.text_matrix, self.line_matrix) = saved;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use lopdf::{Document, Object, dictionary};

    use super::outline;

    #[test]
    fn an_outline_that_points_back_is_read_once() {
        let mut document = Document::with_version("1.7");
        let (first, second) = (document.new_object_id(), document.new_object_id());
        let outlines = document.add_object(dictionary! {
            "Type" => "Outlines",
            "First" => Object::Reference(first),
        });
        let item = |title: &str, next| {
            dictionary! {
                "Title" => Object::string_literal(title),
                "Parent" => Object::Reference(outlines),
                "Next" => Object::Reference(next),
            }
        };
        document
            .objects
            .insert(first, item("Inledning", second).into());
        document
            .objects
            .insert(second, item("Avsnitt 1", first).into());
        let catalog = document.add_object(dictionary! {
            "Type" => "Catalog",
            "Outlines" => Object::Reference(outlines),
        });
        document.trailer.set("Root", catalog);
        assert_eq!(outline(&document), ["Inledning", "Avsnitt 1"]);
    }
}
