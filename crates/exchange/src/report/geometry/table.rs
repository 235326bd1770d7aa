//! The numbered headings and, under each, the table *Uppföljningsfrågor | Svarsalternativ med
//! kommentar*, read by geometry.
//!
//! - A table starts at its header line; the header's second column heading gives the column
//!   boundary (on each page, as the header repeats there). It runs to the next heading: a
//!   numbered line that follows the numbering and stands left of the table's text.
//! - Rows are divided by the table's horizontal rules when it has them. Without rules, a row
//!   starts where a question and a short answer start side by side, or where the question
//!   column starts a question (a paragraph ending in «?», with an optional audience note) beside
//!   an empty answer column.
//! - A row cut by a page break goes on at the top of the next page: a first segment there is
//!   the previous row's when its question cell is empty, or when the previous row reached the
//!   foot of its page and the answer column does not start with an answer.
//! - Within a cell, paragraphs are divided where the space between two lines is wider than the
//!   usual line distance, or where the next line's first word would have fitted on the line
//!   before (so the line ended a paragraph rather than wrapped).
//! - The question column holds the question, then the guidance paragraphs; the answer column
//!   the answer (a short line of its own; *Ej besvarad* means none), then the comment.

use std::collections::HashMap;

use super::lines::{Line, join};
use super::page::{Metrics, Page, Warning};
use crate::report::common::{
    ParseError, Place, collapse, first_words, follows, join_lines, nest, numbered, split_audience,
};
use crate::report::{ParsedQuestion, ParsedReport, ParsedSection};

/// The longest answer printed on a line of its own; anything longer is prose.
const MAX_ANSWER_CHARS: usize = 40;
/// What an unanswered question's answer cell says in Uppfölj's own reports.
const UNANSWERED: &str = "ej besvarad";

/// The heading number a line starts with, if any: `1`, `1.2`, `1.2.3`.
pub(crate) fn heading_number(text: &str) -> Option<String> {
    numbered(text.trim()).map(|(number, _)| number)
}

/// Where a table's two column headings start, when `line` is a table header.
fn header_columns(line: &Line, metrics: Metrics) -> Option<(f32, f32)> {
    let glyphs: Vec<_> = line
        .glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .collect();
    // The widest gap splits the two column headings.
    let (split, _) = glyphs
        .windows(2)
        .enumerate()
        .map(|(i, w)| (i + 1, w[1].x - (w[0].x + w[0].width)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let left: Vec<_> = glyphs[..split].iter().map(|g| (*g).clone()).collect();
    let right: Vec<_> = glyphs[split..].iter().map(|g| (*g).clone()).collect();
    let (left_text, right_text) = (
        join(&left, metrics).to_lowercase(),
        join(&right, metrics).to_lowercase(),
    );
    let short = |t: &str| t.split_whitespace().count() <= 5;
    (left_text.contains("fråg")
        && right_text.contains("svar")
        && short(&left_text)
        && short(&right_text))
    .then(|| (left[0].x, right[0].x))
}

/// Whether a line is a table header; these repeat on every page and are not page furniture.
pub(crate) fn is_table_header(line: &Line, metrics: Metrics) -> bool {
    header_columns(line, metrics).is_some()
}

/// One line of one column of a table.
#[derive(Clone, Debug)]
struct CellLine {
    page: usize,
    baseline: f32,
    size: f32,
    text: String,
    /// From the start of the column on its page.
    end: f32,
    first_word: f32,
}

impl CellLine {
    fn new(line: &Line, column_start: f32, metrics: Metrics) -> CellLine {
        let text = line.text(metrics);
        let (end, first_word) = if !metrics.grid {
            (line.x1() - column_start, line.first_word_width())
        } else {
            let first = text.split_whitespace().next().unwrap_or("");
            (
                line.x0() - column_start + super::text::estimated_width(&text),
                super::text::estimated_width(first),
            )
        };
        CellLine {
            page: line.page,
            baseline: line.baseline,
            size: line.size,
            text,
            end,
            first_word,
        }
    }

    fn key(&self) -> (usize, f32) {
        (self.page, self.baseline)
    }
}

fn before(a: (usize, f32), b: (usize, f32)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
}

/// A table being read: its columns' lines and where it stands on each page.
#[derive(Default)]
struct Table {
    /// Where the question column's heading (and text) starts.
    left_x: f32,
    /// Per page: the column boundary, and the header's baseline.
    pages: Vec<(usize, f32, f32)>,
    /// The table's lines as read, both columns.
    lines: Vec<Line>,
    left: Vec<CellLine>,
    right: Vec<CellLine>,
}

impl Table {
    /// Divides the lines into the two columns. On each page the boundary is the gutter no word
    /// crosses, found from the answer column's heading leftwards: a heading may stand right of
    /// the column's text (centred, or moved by a grid of characters).
    fn divide(&mut self, metrics: Metrics) {
        let grids = if metrics.grid {
            self.grid_columns(metrics)
        } else {
            HashMap::new()
        };
        // A grid has no gutter to find: its lines divide one by one (`grid_split`).
        for entry in self.pages.iter_mut().filter(|_| !metrics.grid) {
            let (page, heading_x, _) = *entry;
            let words: Vec<(f32, f32)> = self
                .lines
                .iter()
                .filter(|l| l.page == page)
                .flat_map(|l| l.words(metrics))
                .collect();
            let crossed = |x: f32| words.iter().any(|(a, b)| *a < x && x < *b);
            let mut starts: Vec<f32> = words
                .iter()
                .map(|(a, _)| *a)
                .filter(|a| *a <= heading_x && *a > self.left_x)
                .collect();
            starts.push(heading_x);
            starts.sort_by(|a, b| b.total_cmp(a));
            if let Some(gutter) = starts.into_iter().map(|a| a - 0.01).find(|x| !crossed(*x)) {
                entry.1 = gutter;
            }
        }
        let lines = std::mem::take(&mut self.lines);
        let grid_of = |line: &Line| {
            self.pages
                .iter()
                .rev()
                .find(|(p, ..)| *p <= line.page)
                .and_then(|(p, ..)| grids.get(p))
        };
        let clear: Vec<Option<f32>> = lines
            .iter()
            .map(|l| grid_of(l).and_then(|g| g.clear_start(l, metrics)))
            .collect();
        for (i, line) in lines.iter().enumerate() {
            let boundary = self.boundary(line.page);
            let at = match grid_of(line) {
                Some(grid) => {
                    let near = (1..=4)
                        .flat_map(|d| [i.checked_sub(d), Some(i + d)])
                        .flatten()
                        .filter(|&j| lines.get(j).is_some_and(|l| l.page == line.page))
                        .find_map(|j| clear[j]);
                    grid.split(line, metrics, near)
                }
                None => boundary,
            };
            let (left, right) = line.split(at, metrics);
            if !left.is_empty() {
                self.left.push(CellLine::new(&left, self.left_x, metrics));
            }
            if !right.is_empty() {
                let start = right.x0().min(self.boundary(line.page));
                let start = self.boundary(line.page).min(start);
                self.right.push(CellLine::new(&right, start, metrics));
            }
        }
    }

    fn boundary(&self, page: usize) -> f32 {
        self.pages
            .iter()
            .rev()
            .find(|(p, ..)| *p <= page)
            .or(self.pages.first())
            .map_or(0.0, |(_, b, _)| *b)
    }

    fn header_on(&self, page: usize) -> Option<f32> {
        self.pages
            .iter()
            .find(|(p, ..)| *p == page)
            .map(|(_, _, y)| *y)
    }
}

/// How the lines of a character grid's table divide into its columns on one page. A grid moves
/// a column's start by a character or two from line to line, and where the question column's
/// text runs long it leaves a single space between the columns.
#[derive(Clone, Copy, Debug)]
struct GridColumns {
    /// Where most lines of the answer column alone start.
    common: f32,
    /// Where the leftmost of them starts.
    leftmost: f32,
    /// Where the answer column's heading starts.
    heading: f32,
    /// The estimated width of the longest line of the question column alone.
    left_reach: f32,
}

impl GridColumns {
    fn window(&self, size: f32) -> (f32, f32) {
        (
            self.leftmost.min(self.heading) - 1.5 * size,
            self.common.max(self.heading) + 1.5 * size,
        )
    }

    /// Where `line` divides: at a word near the column's start set apart by two spaces or
    /// more; failing that, at the word nearest the usual start, unless that word stands left of
    /// the usual start and the whole line fits the question column's width.
    /// Where the answer column starts on `line` for certain: a line of the column alone, or a
    /// word set apart by two spaces or more near the column's start.
    fn clear_start(&self, line: &Line, metrics: Metrics) -> Option<f32> {
        let words = line.words(metrics);
        let (low, _) = self.window(line.size);
        let first = words.first()?;
        if first.0 >= low {
            return Some(first.0);
        }
        words
            .windows(2)
            .filter(|w| w[1].0 >= low && w[1].0 - w[0].1 >= line.size)
            .map(|w| w[1].0)
            .min_by(|a, b| (a - self.common).abs().total_cmp(&(b - self.common).abs()))
    }

    /// Where `line` divides; `near` is where the answer column starts on the nearest lines that
    /// show it clearly (a column's lines mostly start together).
    fn split(&self, line: &Line, metrics: Metrics, near: Option<f32>) -> f32 {
        let target = near.unwrap_or(self.common);
        let words = line.words(metrics);
        let (low, high) = self.window(line.size);
        let Some(first) = words.first() else {
            return low;
        };
        if first.0 >= low {
            return first.0 - 0.01;
        }
        let left_width = |until: f32| {
            let glyphs: Vec<_> = line
                .glyphs
                .iter()
                .filter(|g| g.x < until)
                .cloned()
                .collect();
            first.0 + super::text::estimated_width(&join(&glyphs, metrics))
        };
        let fits = |until: f32| left_width(until) <= self.left_reach * 1.08;
        let nearest = |candidates: Vec<(f32, f32)>| {
            candidates
                .into_iter()
                .min_by(|a, b| (a.0 - target).abs().total_cmp(&(b.0 - target).abs()))
                .map(|(start, _)| start - 0.01)
        };
        let gaps: Vec<(f32, f32)> = words
            .windows(2)
            .map(|w| (w[1].0, w[1].0 - w[0].1))
            .filter(|(start, _)| *start >= low)
            .collect();
        let apart: Vec<_> = gaps
            .iter()
            .copied()
            .filter(|(_, gap)| *gap >= line.size)
            .collect();
        let candidates: Vec<_> = gaps
            .into_iter()
            .filter(|(start, _)| *start <= high)
            .collect();
        if let Some(split) = nearest(apart) {
            return split;
        }
        match nearest(candidates) {
            Some(split) if split < target - 0.5 * line.size && fits(f32::INFINITY) => f32::INFINITY,
            Some(split) => split,
            None => f32::INFINITY,
        }
    }
}

impl Table {
    /// How the grid's lines divide on each page of the table.
    fn grid_columns(&self, metrics: Metrics) -> HashMap<usize, GridColumns> {
        let mut out: HashMap<usize, GridColumns> = HashMap::new();
        for &(page, heading, _) in &self.pages {
            let mut counts: HashMap<i32, usize> = HashMap::new();
            for line in self.lines.iter().filter(|l| l.page == page) {
                let first = line.words(metrics).first().map(|(start, _)| *start);
                if let Some(start) = first.filter(|s| *s > self.left_x + 8.0 * line.size) {
                    *counts.entry(start.round() as i32).or_default() += 1;
                }
            }
            let leftmost = counts.keys().min().map_or(heading, |x| *x as f32);
            let common = counts
                .into_iter()
                .max_by_key(|(x, n)| (*n, -x))
                .map_or(heading, |(x, _)| x as f32);
            out.insert(
                page,
                GridColumns {
                    common,
                    leftmost,
                    heading,
                    left_reach: 0.0,
                },
            );
        }
        // The question column's width, from its lines that stand alone.
        let left_reach = self
            .lines
            .iter()
            .filter_map(|line| {
                let columns = out.get(&line.page)?;
                let (low, _) = columns.window(line.size);
                let words = line.words(metrics);
                let alone = words.len() > 1 && words.iter().all(|(_, end)| *end < low);
                alone.then(|| line.x0() + super::text::estimated_width(&line.text(metrics)))
            })
            .fold(0.0, f32::max);
        for columns in out.values_mut() {
            columns.left_reach = left_reach;
        }
        out
    }
}

struct Reader {
    metrics: Metrics,
    /// The outline's numbered entries still to be found.
    outline: std::collections::VecDeque<(String, String)>,
    had_outline: bool,
    flat: Vec<ParsedSection>,
    table: Option<Table>,
    /// Every table read, with the index of the heading it stands under.
    tables: Vec<(usize, Table)>,
    warnings: Vec<Warning>,
}

/// Reads headings and tables from the body's lines.
pub(crate) fn read(
    lines: &[Line],
    pages: &[Page],
    outline: &[String],
    metrics: Metrics,
) -> Result<(ParsedReport, Vec<Warning>), ParseError> {
    let numbered_outline: std::collections::VecDeque<(String, String)> = outline
        .iter()
        .filter_map(|t| numbered(&collapse(t)))
        .map(|(n, t)| (n, collapse(&t)))
        .collect();
    let mut reader = Reader {
        metrics,
        had_outline: !numbered_outline.is_empty(),
        outline: numbered_outline,
        flat: Vec::new(),
        table: None,
        tables: Vec::new(),
        warnings: Vec::new(),
    };
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if let Some((left, right)) = header_columns(line, metrics) {
            if reader.flat.is_empty() {
                return Err(error(line, metrics, "en tabell står före första rubriken"));
            }
            let table = reader.table.get_or_insert_with(|| Table {
                left_x: left,
                ..Table::default()
            });
            table.pages.push((line.page, right, line.baseline));
            i += 1;
            continue;
        }
        if let Some(end) = reader.heading(lines, i)? {
            i = end;
            continue;
        }
        if let Some(table) = &mut reader.table {
            table.lines.push(line.clone());
        } else if !reader.flat.is_empty() {
            reader.warnings.push(Warning {
                page: line.page,
                message: format!(
                    "texten «{}» står utanför rapportens tabeller och lästes inte in",
                    first_words(&line.text(metrics))
                ),
            });
        }
        i += 1;
    }
    reader.close_table();
    if let Some((number, text)) = reader.outline.front() {
        return Err(ParseError {
            place: Place::Page {
                page: lines.last().map_or(1, |l| l.page),
                words: String::new(),
            },
            message: format!("rubriken «{number} {text}» ur PDF:ens bokmärken står inte i texten"),
        });
    }
    if reader.flat.is_empty() {
        return Err(ParseError {
            place: Place::Page {
                page: 1,
                words: String::new(),
            },
            message: "hittade inga numrerade rubriker (1, 1.1 …); är det en uppföljningsrapport?"
                .into(),
        });
    }
    let layout = Layout::of(&reader.tables, lines, metrics);
    for (section, table) in &reader.tables {
        let questions = rows(table, pages, &layout)?;
        reader.flat[*section].questions.extend(questions);
    }
    Ok((
        ParsedReport {
            documents: nest(reader.flat),
        },
        reader.warnings,
    ))
}

fn error(line: &Line, metrics: Metrics, message: &str) -> ParseError {
    ParseError {
        place: Place::Page {
            page: line.page,
            words: first_words(&line.text(metrics)),
        },
        message: message.to_owned(),
    }
}

impl Reader {
    /// Reads the heading that starts at `lines[i]`, if one does; returns the index after it.
    fn heading(&mut self, lines: &[Line], i: usize) -> Result<Option<usize>, ParseError> {
        let line = &lines[i];
        let metrics = self.metrics;
        let Some((number, first)) = numbered(&line.text(metrics)) else {
            return Ok(None);
        };
        // Inside a table, a heading stands left of the table's text; where it does not (a table
        // without cell padding), it must stand alone on its line and be followed by a table
        // header or the next heading, as headings are.
        let among_cells = self
            .table
            .as_ref()
            .is_some_and(|table| line.x0() >= table.left_x - metrics.heading_indent * line.size);
        // … and it has nothing in the answer column: no word there set apart from the rest.
        if among_cells && let Some(table) = &self.table {
            let boundary = table.boundary(line.page) - metrics.column_slack * line.size;
            let words = line.words(metrics);
            if words
                .windows(2)
                .any(|w| w[1].0 >= boundary && w[1].0 - w[0].1 >= line.size)
            {
                return Ok(None);
            }
        }
        let previous = self.flat.last().map(|s| s.number.as_str());
        let mut text = collapse(&first);
        let mut end = i + 1;
        if self.had_outline {
            let Some((expected_number, expected)) = self.outline.front().cloned() else {
                return Ok(None);
            };
            if number != expected_number || !expected.starts_with(&text) {
                return Ok(None);
            }
            while text != expected {
                let Some(next) = lines.get(end).filter(|n| n.page == line.page) else {
                    return Ok(None);
                };
                let joined = join_lines(&[text.clone(), next.text(metrics)]);
                if !expected.starts_with(&joined) {
                    return Ok(None);
                }
                text = joined;
                end += 1;
            }
            self.outline.pop_front();
        } else {
            if !follows(previous, &number) {
                return Ok(None);
            }
            let mut last = line;
            while let Some(next) = lines.get(end) {
                let gap = next.baseline - last.baseline;
                let continues = next.page == line.page
                    && gap > 0.0
                    && gap <= 1.6 * line.size
                    && (next.size - line.size).abs() <= 0.15 * line.size
                    && next.x0() >= line.x0() - metrics.column_slack * line.size
                    && !is_table_header(next, metrics)
                    && numbered(&next.text(metrics)).is_none();
                if !continues {
                    break;
                }
                text = join_lines(&[text, next.text(metrics)]);
                last = next;
                end += 1;
            }
        }
        if among_cells {
            let confirmed = match lines.get(end) {
                None => true,
                Some(next) => {
                    is_table_header(next, metrics)
                        || numbered(&next.text(metrics))
                            .is_some_and(|(n, _)| follows(Some(&number), &n))
                }
            };
            if !confirmed {
                return Ok(None);
            }
        }
        self.close_table();
        self.flat.push(ParsedSection {
            number,
            heading: text,
            questions: vec![],
            sections: vec![],
        });
        Ok(Some(end))
    }

    /// Files the open table under the last heading; its rows are read once every table is
    /// known, since all tables of a report share the column widths and line distances.
    fn close_table(&mut self) {
        if let Some(mut table) = self.table.take() {
            table.divide(self.metrics);
            self.tables.push((self.flat.len() - 1, table));
        }
    }
}

/// The table's two columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    /// *Uppföljningsfrågor*: the question and its guidance.
    Questions,
    /// *Svarsalternativ med kommentar*: the answer and the comment.
    Answers,
}

/// A paragraph of a cell: its lines' texts and where it starts.
#[derive(Clone, Debug)]
struct Paragraph {
    start: (usize, f32),
    lines: Vec<String>,
}

impl Paragraph {
    fn text(&self) -> String {
        join_lines(&self.lines)
    }

    /// A short line of its own, worded as an answer rather than as a sentence.
    fn is_answer(&self) -> bool {
        self.lines.len() == 1 && answer_shaped(&self.text())
    }
}

/// Worded as an answer (*Ja*, *Ej aktuellt*, *Delvis genomfört*) rather than as a sentence: a
/// few words, capitalised, without a sentence's punctuation.
fn answer_shaped(text: &str) -> bool {
    text.chars().count() <= MAX_ANSWER_CHARS
        && text.split_whitespace().count() <= 3
        && text.starts_with(|c: char| c.is_uppercase())
        && !text.contains(['.', ',', ':', ';'])
}

/// What all tables of a report share: the distance between lines of a paragraph, how far each
/// column's lines reach, and where the pages' text ends.
struct Layout {
    metrics: Metrics,
    /// In ems: the lower quartile of the distances between neighbouring lines of a column.
    pitch: f32,
    left_reach: f32,
    right_reach: f32,
    /// The lowest baseline of any body line: the foot of the pages' text.
    foot: f32,
}

impl Layout {
    fn of(tables: &[(usize, Table)], lines: &[Line], metrics: Metrics) -> Layout {
        let columns = || tables.iter().flat_map(|(_, t)| [&t.left, &t.right]);
        let mut ratios: Vec<f32> = columns()
            .flat_map(|lines| lines.windows(2))
            .filter(|w| w[0].page == w[1].page)
            .map(|w| (w[1].baseline - w[0].baseline) / w[0].size.max(w[1].size))
            .filter(|r| (0.8..=3.0).contains(r))
            .collect();
        ratios.sort_by(f32::total_cmp);
        // How far lines of more than one word reach (a single long word may overflow): the
        // longest but for a tenth, which a word in the wrong column may have lengthened.
        let reach = |column: &dyn Fn(&Table) -> &Vec<CellLine>| {
            let mut ends: Vec<f32> = tables
                .iter()
                .flat_map(|(_, t)| column(t))
                .filter(|l| l.text.split_whitespace().count() > 1)
                .map(|l| l.end)
                .collect();
            ends.sort_by(f32::total_cmp);
            ends.get(ends.len() * 9 / 10).copied().unwrap_or(0.0)
        };
        Layout {
            metrics,
            pitch: ratios.get(ratios.len() / 4).copied().unwrap_or(1.2),
            left_reach: reach(&|t| &t.left),
            right_reach: reach(&|t| &t.right),
            foot: lines.iter().map(|l| l.baseline).fold(0.0, f32::max),
        }
    }

    /// Whether the line after `a` in a column stands apart from it: on a later page, or farther
    /// than a paragraph's lines.
    fn apart(&self, a: &CellLine, b: &CellLine) -> bool {
        a.page != b.page
            || b.baseline - a.baseline
                > self.pitch * a.size.max(b.size) * self.metrics.paragraph_gap
    }

    /// The answer column's lines that stand as answers: worded as one, and a paragraph of
    /// their own (a comment starts a blank line below its answer), unless the next row's answer
    /// follows at once.
    fn answer_lines(&self, lines: &[CellLine]) -> Vec<(usize, f32)> {
        (0..lines.len())
            .filter(|&i| {
                answer_shaped(&lines[i].text)
                    && lines
                        .get(i + 1)
                        .is_none_or(|n| self.apart(&lines[i], n) || answer_shaped(&n.text))
            })
            .map(|i| lines[i].key())
            .collect()
    }

    /// Divides a column's lines into paragraphs, also where `breaks` says a row begins.
    fn paragraphs(
        &self,
        lines: &[CellLine],
        column: Column,
        reach: f32,
        breaks: &dyn Fn(&CellLine, &CellLine) -> bool,
    ) -> Vec<Paragraph> {
        let metrics = self.metrics;
        let room = reach * (1.0 - metrics.fit_slack);
        let mut out: Vec<Paragraph> = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let new = match i.checked_sub(1).map(|p| &lines[p]) {
                None => true,
                Some(previous) => {
                    let size = previous.size.max(line.size);
                    let gap = previous.page == line.page && self.apart(previous, line);
                    // Over a page break, where the spacing between paragraphs is lost: a paragraph
                    // goes on with a word in lower case; it ended where it left room for another
                    // line above the foot of the page; and in the question column, whose
                    // paragraphs are a sentence or two (a strategy, an expected result), where a
                    // sentence ends at the foot. In the answer column a comment runs on then.
                    let sentence_ended = previous.text.ends_with(['.', '!', '?', ':']);
                    let ended_above_foot = previous.page != line.page
                        && !line.text.starts_with(char::is_lowercase)
                        && (previous.baseline < self.foot - 0.9 * self.pitch * size
                            || (column == Column::Questions && sentence_ended));
                    let fits = previous.end + metrics.space * 1.4 * size + line.first_word <= room;
                    breaks(previous, line) || gap || ended_above_foot || fits
                }
            };
            if new {
                out.push(Paragraph {
                    start: line.key(),
                    lines: vec![],
                });
            }
            out.last_mut()
                .expect("a paragraph is open")
                .lines
                .push(line.text.clone());
        }
        out
    }
}

/// The table's horizontal rules that cross both columns, per page, top to bottom.
fn row_rules(table: &Table, pages: &[Page]) -> HashMap<usize, Vec<f32>> {
    let mut out: HashMap<usize, Vec<f32>> = HashMap::new();
    for &(page_number, boundary, header) in &table.pages {
        let Some(page) = pages.iter().find(|p| p.number == page_number) else {
            continue;
        };
        let mut rules: Vec<_> = page.rules.iter().filter(|r| r.is_horizontal()).collect();
        rules.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
        // Collinear pieces (a border drawn cell by cell) make one rule.
        let mut merged: Vec<(f32, f32, f32)> = Vec::new();
        for rule in rules {
            match merged.last_mut() {
                Some((y, _, x1)) if (rule.y0 - *y).abs() < 1.0 && rule.x0 <= *x1 + 3.0 => {
                    *x1 = x1.max(rule.x1)
                }
                _ => merged.push((rule.y0, rule.x0, rule.x1)),
            }
        }
        let ys: Vec<f32> = merged
            .into_iter()
            .filter(|(y, x0, x1)| *y > header && *x0 <= table.left_x && *x1 >= boundary + 10.0)
            .map(|(y, ..)| y)
            .collect();
        out.entry(page_number).or_default().extend(ys);
    }
    for ys in out.values_mut() {
        ys.sort_by(f32::total_cmp);
        ys.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    }
    out
}

/// Where each row starts.
fn row_starts(table: &Table, pages: &[Page], layout: &Layout) -> Vec<(usize, f32)> {
    let rules = row_rules(table, pages);
    let has_rules = table.left.iter().chain(&table.right).any(|l| {
        rules
            .get(&l.page)
            .is_some_and(|ys| ys.iter().any(|y| *y > l.baseline))
    });
    // An answer may stand first on a page, after a comment that ran to the foot of the last.
    let page_break = |a: &CellLine, b: &CellLine| a.page != b.page;
    let right = layout.paragraphs(
        &table.right,
        Column::Answers,
        layout.right_reach,
        &page_break,
    );
    if has_rules {
        // Segments between rules; the first on a later page may go on with the row before.
        let mut segments: Vec<(usize, f32)> = Vec::new();
        for line in table.left.iter().chain(&table.right) {
            let top = rules
                .get(&line.page)
                .and_then(|ys| ys.iter().rev().find(|y| **y < line.baseline))
                .copied()
                .unwrap_or_else(|| table.header_on(line.page).unwrap_or(0.0));
            if !segments.contains(&(line.page, top)) {
                segments.push((line.page, top));
            }
        }
        segments.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut starts: Vec<(usize, f32)> = Vec::new();
        for (i, segment) in segments.iter().enumerate() {
            let next = segments.get(i + 1).copied();
            let inside =
                |key: (usize, f32)| !before(key, *segment) && next.is_none_or(|n| before(key, n));
            let continues = i > 0 && segments[i - 1].0 < segment.0 && {
                let left_empty = !table.left.iter().any(|l| inside(l.key()));
                let answer_first = right
                    .iter()
                    .find(|p| inside(p.start))
                    .is_some_and(|p| p.is_answer() && paragraph_at_row_top(p, &table.left));
                let previous_reached_foot = table
                    .left
                    .iter()
                    .chain(&table.right)
                    .filter(|l| l.page == segments[i - 1].0)
                    .map(|l| l.baseline)
                    .fold(0.0, f32::max)
                    >= layout.foot
                        - 2.5 * layout.pitch * table.left.first().map_or(10.0, |l| l.size);
                left_empty || (previous_reached_foot && !answer_first)
            };
            if !continues {
                starts.push(*segment);
            }
        }
        return starts;
    }
    // Without rules: rows start where a question and an answer start side by side, or where a
    // question stands beside an empty answer column.
    let level =
        |a: (usize, f32), b: (usize, f32), size: f32| a.0 == b.0 && (a.1 - b.1).abs() <= 0.3 * size;
    let answers = layout.answer_lines(&table.right);
    let aligned: Vec<(usize, f32)> = table
        .left
        .iter()
        .filter(|l| answers.iter().any(|a| level(*a, l.key(), l.size)))
        .map(CellLine::key)
        .collect();
    let at_aligned = |_: &CellLine, line: &CellLine| aligned.contains(&line.key());
    let left = layout.paragraphs(
        &table.left,
        Column::Questions,
        layout.left_reach,
        &at_aligned,
    );
    let mut starts = Vec::new();
    for (i, paragraph) in left.iter().enumerate() {
        let size = table
            .left
            .iter()
            .find(|l| l.key() == paragraph.start)
            .map_or(10.0, |l| l.size);
        let beside_nothing = !table
            .right
            .iter()
            .any(|r| level(r.key(), paragraph.start, size));
        if i == 0
            || aligned.contains(&paragraph.start)
            || (beside_nothing && is_question(&paragraph.lines))
        {
            starts.push(paragraph.start);
        }
    }
    starts
}

/// Whether an answer-column paragraph stands level with the start of a question-column line.
fn paragraph_at_row_top(paragraph: &Paragraph, left: &[CellLine]) -> bool {
    left.iter().any(|l| {
        l.page == paragraph.start.0 && (l.baseline - paragraph.start.1).abs() <= 0.3 * l.size
    })
}

/// Whether the lines end inside an audience note: «… verksamheter? (samtliga nämnder och».
fn open_note(lines: &[String]) -> bool {
    let text = join_lines(lines);
    text.rfind("? (").is_some_and(|i| !text[i..].contains(')'))
}

/// Whether lines read as a question: one ending in «?», possibly followed by an audience note
/// in parentheses.
fn is_question(lines: &[String]) -> bool {
    question_end(lines).is_some()
}

/// The number of lines the question takes, when a line ends it with «?» (or with an audience
/// note after the «?»).
fn question_end(lines: &[String]) -> Option<usize> {
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        text = join_lines(&[&text, line]);
        if text.ends_with(')') && split_audience(&text).1.is_some() {
            return Some(i + 1);
        }
        let open = open_note(&lines[..=i]);
        if text.ends_with('?') || open {
            // An audience note may follow on the next lines: «(samtliga nämnder)».
            let mut with_note = text.clone();
            for (j, more) in lines.iter().enumerate().skip(i + 1) {
                if j == i + 1 && !open && !more.trim_start().starts_with('(') {
                    break;
                }
                with_note = join_lines(&[&with_note, more]);
                if split_audience(&with_note).1.is_some() {
                    return Some(j + 1);
                }
            }
            return Some(i + 1);
        }
    }
    None
}

/// Reads a table's rows.
fn rows(table: &Table, pages: &[Page], layout: &Layout) -> Result<Vec<ParsedQuestion>, ParseError> {
    let starts = row_starts(table, pages, layout);

    let row_of = |key: (usize, f32)| starts.iter().rposition(|s| !before(key, *s));
    let breaks = |a: &CellLine, b: &CellLine| row_of(a.key()) != row_of(b.key());
    let left = layout.paragraphs(&table.left, Column::Questions, layout.left_reach, &breaks);
    let right = layout.paragraphs(&table.right, Column::Answers, layout.right_reach, &breaks);
    let mut rows: Vec<(Vec<Paragraph>, Vec<Paragraph>)> = vec![(vec![], vec![]); starts.len()];
    for paragraph in left {
        match row_of(paragraph.start) {
            Some(row) => rows[row].0.push(paragraph),
            None => {
                return Err(cell_error(
                    &paragraph,
                    "texten står ovanför tabellens första rad",
                ));
            }
        }
    }
    for paragraph in right {
        match row_of(paragraph.start) {
            Some(row) => rows[row].1.push(paragraph),
            None => {
                return Err(cell_error(
                    &paragraph,
                    "texten står ovanför tabellens första rad",
                ));
            }
        }
    }
    let mut out = Vec::new();
    for (left, right) in rows {
        if left.is_empty() && right.is_empty() {
            continue;
        }
        let Some(first) = left.first() else {
            return Err(cell_error(
                &right[0],
                "svaret står på en rad utan fråga; frågekolumnen är tom",
            ));
        };
        // An audience note may run on into what looked like the next paragraph.
        let mut question_lines = first.lines.clone();
        let mut rest: Vec<Paragraph> = left[1..].to_vec();
        while open_note(&question_lines) && !rest.is_empty() {
            question_lines.push(rest[0].lines.remove(0));
            if rest[0].lines.is_empty() {
                rest.remove(0);
            }
        }
        let mut guidance: Vec<String> = Vec::new();
        if let Some(end) = question_end(&question_lines).filter(|e| *e < question_lines.len()) {
            guidance.push(join_lines(&question_lines[end..]));
            question_lines.truncate(end);
        }
        let (text, audience) = split_audience(&join_lines(&question_lines));
        guidance.extend(rest.iter().map(Paragraph::text));
        let (answer, comment) = match right.split_first() {
            Some((answer, rest))
                if answer.is_answer() && paragraph_at_row_top(answer, &table.left) =>
            {
                let value = answer.text();
                let value = (value.to_lowercase() != UNANSWERED).then_some(value);
                (value, rest)
            }
            _ => (None, &right[..]),
        };
        out.push(ParsedQuestion {
            text,
            audience,
            guidance,
            answer,
            comment: comment
                .iter()
                .map(Paragraph::text)
                .collect::<Vec<_>>()
                .join("\n\n"),
        });
    }
    Ok(out)
}

fn cell_error(paragraph: &Paragraph, message: &str) -> ParseError {
    ParseError {
        place: Place::Page {
            page: paragraph.start.0,
            words: first_words(&paragraph.text()),
        },
        message: message.to_owned(),
    }
}
