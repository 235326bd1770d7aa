//! Pages from the text `pdftotext -layout` gives: it keeps each line of the page and places
//! text by column, so a character's column and line stand in for its place on the page. Pages
//! are separated by form feeds.

use super::page::{Glyph, Metrics, Page};

/// Points a grid cell stands for: a character is half an em wide, a line 1.2 ems high.
const SIZE: f32 = 2.0;
const LINE: f32 = 2.4;

/// Distances for a character grid: columns drift by a character or two between lines.
pub(crate) const METRICS: Metrics = Metrics {
    column_slack: 1.0,
    heading_indent: 0.25,
    space: 0.18,
    paragraph_gap: 1.12,
    // A character's cell is not its width: proportional text reaches a column's end at 10 %
    // fewer or more characters.
    fit_slack: 0.3,
    grid: true,
};

/// The width of `text` in a proportional typeface, in character cells: Helvetica's widths (the
/// metrics most office typefaces share), where an average lowercase letter takes one cell.
/// A grid places each word where its first letter stood, but a line's length in characters is
/// not its width: «minimum» is narrower than «WWWWWWW».
pub(crate) fn estimated_width(text: &str) -> f32 {
    text.chars()
        .map(|c| {
            let thousandths = match c {
                ' ' | 'f' | 't' | '.' | ',' | ':' | ';' | '/' | '!' | 'I' => 278,
                'i' | 'j' | 'l' | '\'' => 222,
                'r' | '(' | ')' | '-' => 333,
                'c' | 'k' | 's' | 'v' | 'x' | 'y' | 'z' | 'J' => 500,
                'm' | 'M' => 833,
                'w' | 'C' | 'D' | 'H' | 'N' | 'R' | 'U' => 722,
                'G' | 'O' | 'Q' | 'Ö' => 778,
                'W' => 944,
                '%' => 889,
                'F' | 'T' | 'Z' => 611,
                'A' | 'B' | 'E' | 'K' | 'P' | 'S' | 'V' | 'X' | 'Y' | 'Å' | 'Ä' => 667,
                'L' => 556,
                _ => 556,
            };
            thousandths as f32 / 500.0
        })
        .sum()
}

/// Whether `text` is laid out by `pdftotext -layout`: some line holds text in two columns far
/// apart, the first beginning with a table's question heading.
pub(crate) fn is_layout(text: &str) -> bool {
    text.lines().any(|line| {
        let trimmed = line.trim_start();
        trimmed.starts_with("Uppföljningsfrågor") && trimmed.contains("   ") && {
            let rest = trimmed["Uppföljningsfrågor".len()..].trim_start();
            rest.starts_with("Svar")
        }
    })
}

/// The pages of layout text.
pub(crate) fn pages(text: &str) -> Vec<Page> {
    text.split('\u{c}')
        .enumerate()
        .map(|(i, page)| {
            let mut glyphs = Vec::new();
            let lines: Vec<&str> = page.lines().collect();
            for (row, line) in lines.iter().enumerate() {
                let mut column = 0;
                for c in line.chars() {
                    if c == '\t' {
                        column = (column / 8 + 1) * 8;
                        continue;
                    }
                    if !c.is_whitespace() {
                        glyphs.push(Glyph {
                            x: column as f32,
                            width: 1.0,
                            baseline: (row + 1) as f32 * LINE,
                            size: SIZE,
                            text: c.to_string(),
                        });
                    }
                    column += 1;
                }
            }
            Page {
                number: i + 1,
                height: (lines.len() + 1) as f32 * LINE,
                glyphs,
                rules: Vec::new(),
            }
        })
        .filter(|p| !p.glyphs.is_empty())
        .collect()
}
