//! A page as the geometry reader sees it (glyphs and rules where they stand), the distances
//! that tell what belongs together, and the warnings a reading gives. Every step of the reader
//! builds on these.

/// A glyph as it stands on its page, in points from the page's top left corner.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Glyph {
    pub x: f32,
    pub width: f32,
    pub baseline: f32,
    /// The text size the glyph is set in.
    pub size: f32,
    /// What it reads as: usually one character, sometimes a ligature's several.
    pub text: String,
}

/// A straight horizontal or vertical line drawn on the page: a table's border.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rule {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rule {
    /// The rule from `a` to `b` when it is horizontal or vertical (ordered left to right, top
    /// to bottom); `None` for slanted lines and dots.
    pub fn between(a: (f32, f32), b: (f32, f32)) -> Option<Rule> {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        let horizontal = y1 - y0 < 1.0 && x1 - x0 >= 3.0;
        let vertical = x1 - x0 < 1.0 && y1 - y0 >= 3.0;
        (horizontal || vertical).then_some(Rule { x0, y0, x1, y1 })
    }

    pub fn is_horizontal(&self) -> bool {
        self.y1 - self.y0 < 1.0
    }
}

/// One page: its glyphs and rules, in any order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Page {
    /// 1-based, as people count pages.
    pub number: usize,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
}

/// How far apart things may stand and still belong together; PDFs and character grids differ.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Metrics {
    /// How far (in ems) a right-column glyph may stand left of the column's heading.
    pub column_slack: f32,
    /// How far (in ems) a heading stands left of a table's text at least.
    pub heading_indent: f32,
    /// A gap between glyphs wider than this (in ems) is a space.
    pub space: f32,
    /// Lines farther apart than this times the usual line distance are separate paragraphs.
    pub paragraph_gap: f32,
    /// How much of a column's width a line's end may be off by: the next word must fit in the
    /// rest for the line to have ended a paragraph.
    pub fit_slack: f32,
    /// Whether the page is a character grid (layout text): its widths are estimated from the
    /// text, and a line of one column between two of the other's is the grid's rounding, not
    /// a paragraph's spacing.
    pub grid: bool,
}

impl Metrics {
    pub const PDF: Metrics = Metrics {
        column_slack: 0.5,
        heading_indent: 0.25,
        space: 0.18,
        paragraph_gap: 1.12,
        fit_slack: 0.0,
        grid: false,
    };
}

/// What was read but not understood: said to the person importing, not an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub page: usize,
    pub message: String,
}
