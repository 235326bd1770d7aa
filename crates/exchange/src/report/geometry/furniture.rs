//! The removal of what is not the report's content: the page header and footer (text printed
//! at the same place on most pages, whatever its page number or date), page numbers, and the
//! table of contents (entries ending in dot leaders and a page number). Table headers and heading
//! numbers are told apart from these as [`table`] reads them, which is why this step imports
//! `table` and not the other way round.

use std::collections::HashMap;

use super::lines::Line;
use super::page::{Metrics, Page};
use super::table;
use crate::report::common::is_page_number;

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
        chunks.len() >= 2 && table::heading_number(&text).is_some()
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
            table::is_table_header(l, metrics)
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
        table::heading_number(&text).is_some()
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
        if table::heading_number(&text).is_none() {
            while j > 0 && !drop[j - 1] && lines[j - 1].page == lines[i].page {
                j -= 1;
                drop[j] = true;
                if table::heading_number(&lines[j].text(metrics)).is_some() {
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
    fn digits_are_masked_so_that_running_lines_compare_equal() {
        assert_eq!(masked("Sida 3 av  9"), masked("Sida 10 av 12"));
        assert_eq!(masked("12/5/26, 6:39 PM"), "#/#/#, #:# PM");
    }
}
