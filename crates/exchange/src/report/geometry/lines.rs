//! Lines from glyphs, and the removal of what is not the report's content: the page header and
//! footer (text printed at the same place on most pages, whatever its page number or date),
//! page numbers, and the table of contents (entries ending in dot leaders and a page number).

use std::collections::HashMap;

use super::{Glyph, Metrics, Page};

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
    fn chunks(&self, ems: f32, metrics: Metrics) -> Vec<String> {
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

/// A line's text with its digits masked, so that «Sida 3 av 9» and «Sida 4 av 9» compare equal.
fn masked(text: &str) -> String {
    let mut out = String::new();
    for c in text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
    {
        if !c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('#') {
            out.push('#');
        }
    }
    out
}

/// A page number as printed alone: `3`, `3 / 9`, `3/9`, `Sida 3 av 9`, `- 3 -`, `Page 3 of 9`.
pub(crate) fn is_page_number(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit());
    let fraction = |s: &str| {
        s.split_once('/')
            .is_some_and(|(a, b)| digits(a) && digits(b))
    };
    match words.as_slice() {
        [n] => digits(n) || fraction(n),
        [a, "/", b] | [a, "av", b] | [a, "of", b] => digits(a) && digits(b),
        ["-", n, "-"] | ["–", n, "–"] => digits(n),
        [w, n] => {
            matches!(w.to_lowercase().as_str(), "sida" | "page" | "s.")
                && (digits(n) || fraction(n))
        }
        [w, a, "av" | "of" | "/", b] => {
            matches!(w.to_lowercase().as_str(), "sida" | "page") && digits(a) && digits(b)
        }
        _ => false,
    }
}

/// A table of contents entry: text, then dot leaders (or a wide gap), then a page number.
fn is_toc_entry(line: &Line, metrics: Metrics) -> bool {
    let text = line.text(metrics);
    let trimmed = text.trim_end();
    let before = trimmed.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = trimmed.len() - before.len();
    if !(1..=4).contains(&digits) {
        return false;
    }
    let leaders = before
        .chars()
        .rev()
        .take_while(|c| *c == '.' || *c == ' ' || *c == '…')
        .filter(|c| *c != ' ')
        .count();
    leaders >= 3 || (leaders >= 1 && before.ends_with('…')) || {
        let chunks = line.chunks(3.0, metrics);
        chunks.len() >= 2 && super::table::heading_number(&text).is_some()
    }
}

/// Whether the line stands in the top or bottom eighth of its page, where headers and footers go.
fn in_margin(line: &Line, page_height: f32) -> bool {
    line.baseline < page_height / 8.0 || line.baseline > page_height * 7.0 / 8.0
}

/// The lines that carry the report: without page headers and footers, page numbers and the
/// table of contents.
pub(crate) fn without_furniture(lines: Vec<Line>, pages: &[Page], metrics: Metrics) -> Vec<Line> {
    let heights: HashMap<usize, f32> = pages.iter().map(|p| (p.number, p.height)).collect();
    let height = |line: &Line| heights.get(&line.page).copied().unwrap_or(842.0);
    // Text repeated in the margins of at least half the pages (and of two at least).
    let mut seen: HashMap<String, Vec<(usize, f32)>> = HashMap::new();
    for line in lines.iter().filter(|l| in_margin(l, height(l))) {
        seen.entry(masked(&line.text(metrics)))
            .or_default()
            .push((line.page, line.baseline));
    }
    let needed = pages.len().div_ceil(2).max(2);
    let running = |line: &Line| {
        seen.get(&masked(&line.text(metrics)))
            .is_some_and(|places| {
                let mut on: Vec<usize> = places
                    .iter()
                    .filter(|(_, b)| (b - line.baseline).abs() <= 0.5 * line.size.max(2.0))
                    .map(|(p, _)| *p)
                    .collect();
                on.dedup();
                on.len() >= needed
            })
    };
    // A bare number counts only at the foot: at the top of a page it may be a heading's last
    // line («2026» of «… 2022–» / «2026»).
    let page_number = |line: &Line| {
        let text = line.text(metrics);
        let bare = text.chars().all(|c| c.is_ascii_digit());
        in_margin(line, height(line))
            && (!bare || line.baseline > height(line) / 2.0)
            && (is_page_number(&text) || {
                let chunks = line.chunks(2.0, metrics);
                chunks.len() >= 2
                    && (is_page_number(&chunks[0]) || is_page_number(&chunks[chunks.len() - 1]))
            })
    };
    let kept: Vec<Line> = lines
        .into_iter()
        .filter(|l| {
            super::table::is_table_header(l, metrics)
                || !(page_number(l) || in_margin(l, height(l)) && running(l))
        })
        .collect();
    without_contents(kept, metrics)
}

/// Drops the table of contents: each entry, the wrapped first lines of long entries, and its
/// title when it stands just before the first entry.
fn without_contents(lines: Vec<Line>, metrics: Metrics) -> Vec<Line> {
    let mut entry: Vec<bool> = lines.iter().map(|l| is_toc_entry(l, metrics)).collect();
    // An entry too long for its leaders ends in its page number alone; it stands among others.
    let ends_in_page = |line: &Line| {
        let text = line.text(metrics);
        let last = text.rsplit(' ').next().unwrap_or("");
        super::table::heading_number(&text).is_some()
            && (1..=4).contains(&last.len())
            && last.chars().all(|c| c.is_ascii_digit())
    };
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..lines.len() {
            let beside = |j: Option<usize>| {
                j.and_then(|j| lines.get(j).map(|l| (j, l)))
                    .is_some_and(|(j, l)| entry[j] && l.page == lines[i].page)
            };
            if !entry[i]
                && ends_in_page(&lines[i])
                && (beside(i.checked_sub(1)) || beside(Some(i + 1)))
            {
                entry[i] = true;
                changed = true;
            }
        }
    }
    let mut drop = entry.clone();
    for i in 0..lines.len() {
        if !entry[i] {
            continue;
        }
        let text = lines[i].text(metrics);
        // A wrapped entry: its first lines carry the number, the last the page.
        let mut j = i;
        if super::table::heading_number(&text).is_none() {
            while j > 0 && !drop[j - 1] && lines[j - 1].page == lines[i].page {
                j -= 1;
                drop[j] = true;
                if super::table::heading_number(&lines[j].text(metrics)).is_some() {
                    break;
                }
            }
        }
        // The title: «Innehåll» and the like, just before the first entry.
        if j > 0 && !drop[j - 1] && lines[j - 1].page == lines[i].page {
            let title = lines[j - 1].text(metrics).to_lowercase();
            if title.starts_with("innehåll") || title == "contents" || title == "innehåll" {
                drop[j - 1] = true;
            }
        }
    }
    lines
        .into_iter()
        .zip(drop)
        .filter(|(_, d)| !d)
        .map(|(l, _)| l)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_recognised_in_their_usual_forms() {
        for yes in [
            "3",
            "3 / 9",
            "12/56",
            "Sida 3 av 9",
            "- 3 -",
            "Page 3 of 9",
            "Sida 4",
        ] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in [
            "1:1 Samtliga",
            "2 av 5 förvaltningar",
            "Ja/Nej",
            "1.1 Mål",
            "2025 års",
        ] {
            assert!(!is_page_number(no), "{no}");
        }
    }

    #[test]
    fn digits_are_masked_so_that_running_lines_compare_equal() {
        assert_eq!(masked("Sida 3 av  9"), masked("Sida 10 av 12"));
        assert_eq!(masked("12/5/26, 6:39 PM"), "#/#/#, #:# PM");
    }
}
