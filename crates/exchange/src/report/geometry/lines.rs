//! Lines from glyphs: what stands on one baseline of one page, and the text, words and runs of a
//! line.

use super::page::{Glyph, Metrics, Page};

/// Glyphs on one baseline of one page, left to right.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    pub page: usize,
    pub baseline: f32,
    /// The largest text size on the line.
    pub size: f32,
    pub glyphs: Vec<Glyph>,
}

/// Characters a PDF carries that are not text: soft hyphens, word joiners, byte order marks,
/// zero-width spaces; and control characters.
fn invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{2060}' | '\u{feff}' | '\u{200b}') || c.is_control()
}

fn is_blank(glyph: &Glyph) -> bool {
    glyph
        .text
        .chars()
        .all(|c| c.is_whitespace() || invisible(c))
}

/// The text of glyphs standing in a row: a space where the gap between two is wider than a
/// space's share of an em, or where the PDF drew one.
pub(crate) fn join(glyphs: &[Glyph], metrics: Metrics) -> String {
    let mut out = String::new();
    let mut space = false;
    let mut end: Option<f32> = None;
    for glyph in glyphs {
        if is_blank(glyph) {
            space = true;
            continue;
        }
        if let Some(end) = end
            && (space || glyph.x - end > metrics.space * glyph.size)
            && !out.is_empty()
        {
            out.push(' ');
        }
        space = false;
        out.extend(glyph.text.chars().filter(|c| !invisible(*c)));
        end = Some(glyph.x + glyph.width);
    }
    out
}

impl Line {
    pub fn text(&self, metrics: Metrics) -> String {
        join(&self.glyphs, metrics)
    }

    fn ink(&self) -> impl Iterator<Item = &Glyph> {
        self.glyphs.iter().filter(|g| !is_blank(g))
    }

    /// Where the line's first visible glyph starts.
    pub fn x0(&self) -> f32 {
        self.ink().next().map_or(0.0, |g| g.x)
    }

    /// Where the line's last visible glyph ends.
    pub fn x1(&self) -> f32 {
        self.ink().last().map_or(0.0, |g| g.x + g.width)
    }

    pub fn is_empty(&self) -> bool {
        self.ink().next().is_none()
    }

    /// Where each word of the line starts and ends.
    pub fn words(&self, metrics: Metrics) -> Vec<(f32, f32)> {
        let mut out: Vec<(f32, f32)> = Vec::new();
        let mut open = false;
        for glyph in &self.glyphs {
            if is_blank(glyph) {
                open = false;
                continue;
            }
            let end = glyph.x + glyph.width;
            match out.last_mut() {
                Some(word) if open && glyph.x - word.1 <= metrics.space * glyph.size => {
                    word.1 = word.1.max(end)
                }
                _ => out.push((glyph.x, end)),
            }
            open = true;
        }
        out
    }

    /// The words that start left of `x`, and those that start from `x` on, as lines of their
    /// own (each with its own baseline: two columns' lines may stand a little apart). A word
    /// goes by where it starts, since a grid of characters may let it run past the boundary.
    pub fn split(&self, x: f32, metrics: Metrics) -> (Line, Line) {
        let (mut left, mut right) = (Vec::new(), Vec::new());
        let mut in_left = true;
        let mut end: Option<f32> = None;
        for glyph in &self.glyphs {
            let starts_word =
                is_blank(glyph) || end.is_none_or(|end| glyph.x - end > metrics.space * glyph.size);
            if starts_word && !is_blank(glyph) {
                in_left = glyph.x < x;
            }
            end = (!is_blank(glyph)).then_some(glyph.x + glyph.width);
            if in_left {
                left.push(glyph.clone());
            } else {
                right.push(glyph.clone());
            }
        }
        (Line::of(self.page, left), Line::of(self.page, right))
    }

    /// A line of `glyphs` (left to right), on the baseline most of them stand on.
    fn of(page: usize, glyphs: Vec<Glyph>) -> Line {
        let mut baselines: Vec<f32> = glyphs.iter().map(|g| g.baseline).collect();
        baselines.sort_by(f32::total_cmp);
        Line {
            page,
            baseline: baselines.get(baselines.len() / 2).copied().unwrap_or(0.0),
            size: glyphs.iter().map(|g| g.size).fold(0.0, f32::max),
            glyphs,
        }
    }

    /// The width of the line's first word: what the line before would have needed room for.
    pub fn first_word_width(&self) -> f32 {
        let mut ink = self.glyphs.iter().skip_while(|g| is_blank(g));
        let Some(first) = ink.next() else {
            return 0.0;
        };
        let mut end = first.x + first.width;
        for glyph in ink {
            if is_blank(glyph) || glyph.x - end > 0.18 * glyph.size {
                break;
            }
            end = glyph.x + glyph.width;
        }
        end - first.x
    }

    /// Runs of glyphs separated by gaps wider than `ems` ems: the parts of a line that stand
    /// apart, such as a footer's address and its page number.
    pub fn chunks(&self, ems: f32, metrics: Metrics) -> Vec<String> {
        let mut out: Vec<Vec<Glyph>> = Vec::new();
        let mut end: Option<f32> = None;
        for glyph in self.ink() {
            match end {
                Some(end) if glyph.x - end <= ems * glyph.size => {
                    out.last_mut().expect("a run is open").push(glyph.clone())
                }
                _ => out.push(vec![glyph.clone()]),
            }
            end = Some(glyph.x + glyph.width);
        }
        out.iter().map(|g| join(g, metrics)).collect()
    }
}

/// The lines of every page, top to bottom.
pub(crate) fn lines(pages: &[Page]) -> Vec<Line> {
    let mut out = Vec::new();
    for page in pages {
        let mut glyphs: Vec<&Glyph> = page
            .glyphs
            .iter()
            .filter(|g| g.size > 0.0 && g.x.is_finite() && g.baseline.is_finite())
            .collect();
        glyphs.sort_by(|a, b| a.baseline.total_cmp(&b.baseline).then(a.x.total_cmp(&b.x)));
        let mut current: Vec<Glyph> = Vec::new();
        let mut baseline = f32::NAN;
        let mut flush = |current: &mut Vec<Glyph>| {
            current.sort_by(|a, b| a.x.total_cmp(&b.x));
            let line = Line::of(page.number, std::mem::take(current));
            if !line.is_empty() {
                out.push(line);
            }
        };
        for glyph in glyphs {
            // Two columns' lines may stand a few points apart; a line's own glyphs do not.
            let tolerance = 0.2 * glyph.size;
            if !current.is_empty() && (glyph.baseline - baseline).abs() > tolerance {
                flush(&mut current);
            }
            if current.is_empty() {
                baseline = glyph.baseline;
            }
            current.push(glyph.clone());
        }
        flush(&mut current);
    }
    out
}
