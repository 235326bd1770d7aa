//! Reading a report from the text a PDF extractor gives.
//!
//! The text has the report's structure, but not cleanly: table headers and page numbers repeat
//! wherever a page breaks, headings wrap over several lines, and the PDF outline follows at the
//! end as tab-indented lines. Within a table, a line holding only a space separates a question
//! from its guidance paragraphs and an answer from its comment, while an empty line ends a cell;
//! answers stand alone on a line indented by a space. The parser follows those marks, not the
//! words, so comments that begin with *Ja* or *Nej* stay comments.

use super::common::{
    self, ParseError, Place, collapse, follows, join_lines, nest, numbered, split_audience,
};
use super::{ParsedQuestion, ParsedReport, ParsedSection};

/// The table header that the report repeats on every page.
const TABLE_HEADER: &str = "Uppföljningsfrågor Svarsalternativ med kommentar";
/// The longest text taken for an answer; anything longer on its own indented line is prose.
const MAX_ANSWER_CHARS: usize = 40;

/// One line of the text, numbered, with invisible characters removed.
#[derive(Clone, Debug)]
struct Line {
    number: usize,
    text: String,
}

impl Line {
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// A line of spaces only: the in-cell separator.
    fn is_space(&self) -> bool {
        self.is_blank() && !self.text.is_empty()
    }
}

/// Reads a report. Every heading of the outline (or, without one, every numbered heading) becomes
/// a section; the questions under it are read from its table.
pub fn parse(text: &str) -> Result<ParsedReport, ParseError> {
    let lines: Vec<Line> = text
        .lines()
        .enumerate()
        .map(|(i, l)| Line {
            number: i + 1,
            text: l.replace(['\u{2060}', '\u{ad}', '\u{feff}', '\r'], ""),
        })
        .filter(|l| collapse(&l.text) != TABLE_HEADER && !is_page_number(&l.text))
        .collect();
    let (body, outline) = split_outline(&lines);
    let headings = find_headings(body, &outline)?;
    if headings.is_empty() {
        return Err(ParseError {
            place: Place::Line(1),
            message: "hittade inga numrerade rubriker (1, 1.1 …); är det en uppföljningsrapport?"
                .into(),
        });
    }
    let mut flat = Vec::new();
    for (i, heading) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map_or(body.len(), |next| next.start);
        let questions = read_questions(&body[heading.end..end])?;
        flat.push(ParsedSection {
            number: heading.number.clone(),
            heading: heading.text.clone(),
            questions,
            sections: vec![],
        });
    }
    Ok(ParsedReport {
        documents: nest(flat),
    })
}

/// A page number standing alone on a line (`3 / 9`, `Sida 3 av 9`); a bare number may be an
/// answer's text here, so it is kept.
fn is_page_number(text: &str) -> bool {
    let t = collapse(text);
    !t.chars().all(|c| c.is_ascii_digit()) && common::is_page_number(&t)
}

/// A heading's number and text as the outline gives them.
#[derive(Clone, Debug)]
struct OutlineEntry {
    number: String,
    text: String,
}

/// Splits off the PDF outline at the end: tab-indented numbered lines.
fn split_outline(lines: &[Line]) -> (&[Line], Vec<OutlineEntry>) {
    let mut start = lines.len();
    for (i, line) in lines.iter().enumerate().rev() {
        if line.is_blank() {
            continue;
        }
        if line.text.starts_with('\t') && numbered(line.text.trim()).is_some() {
            start = i;
        } else {
            break;
        }
    }
    let outline = lines[start..]
        .iter()
        .filter_map(|l| numbered(l.text.trim()))
        .map(|(number, text)| OutlineEntry {
            number,
            text: collapse(&text),
        })
        .collect();
    (&lines[..start], outline)
}

/// A heading found in the body: which lines it spans.
struct Found {
    number: String,
    text: String,
    start: usize,
    end: usize,
}

fn find_headings(body: &[Line], outline: &[OutlineEntry]) -> Result<Vec<Found>, ParseError> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let next_expected = outline.get(found.len());
        let heading = match next_expected {
            Some(expected) => match_outline(body, i, expected),
            None if outline.is_empty() => {
                match_numbered(body, i, found.last().map(|f: &Found| f.number.as_str()))
            }
            None => None,
        };
        match heading {
            Some(heading) => {
                i = heading.end;
                found.push(heading);
            }
            None => i += 1,
        }
    }
    if let Some(missing) = outline.get(found.len()) {
        let line = body.last().map_or(1, |l| l.number);
        return Err(ParseError {
            place: Place::Line(line),
            message: format!(
                "rubriken «{} {}» ur innehållsförteckningen står inte i texten",
                missing.number, missing.text
            ),
        });
    }
    Ok(found)
}

/// Matches the expected outline heading starting at line `i`, joining wrapped lines.
fn match_outline(body: &[Line], i: usize, expected: &OutlineEntry) -> Option<Found> {
    let (number, first) = numbered(body[i].text.trim())?;
    if number != expected.number {
        return None;
    }
    let mut text = collapse(&first);
    let mut end = i + 1;
    while text != expected.text {
        if !expected.text.starts_with(&text) {
            return None;
        }
        let next = body.get(end)?;
        if !next.is_blank() {
            text = join_lines(&[&text, &next.text]);
        }
        end += 1;
    }
    Some(Found {
        number,
        text,
        start: i,
        end,
    })
}

/// Without an outline: a line that starts with the next plausible number begins a heading, which
/// runs to the end of its paragraph.
fn match_numbered(body: &[Line], i: usize, previous: Option<&str>) -> Option<Found> {
    let (number, first) = numbered(body[i].text.trim())?;
    if !follows(previous, &number) {
        return None;
    }
    let mut text = first;
    let mut end = i + 1;
    while let Some(next) = body.get(end).filter(|l| !l.is_blank()) {
        text = format!("{text} {}", next.text);
        end += 1;
    }
    Some(Found {
        number,
        text: collapse(&text),
        start: i,
        end,
    })
}

/// A paragraph of a table cell, and whether a space-only line follows it (more of the same row).
#[derive(Debug)]
struct Paragraph {
    line: usize,
    lines: Vec<String>,
    then_space: bool,
}

impl Paragraph {
    fn text(&self) -> String {
        join_lines(&self.lines)
    }

    /// An answer: one short line indented by a space, followed by a space-only line (or by the
    /// end of the section, where the next heading follows at once).
    fn is_answer(&self, last: bool) -> bool {
        self.lines.len() == 1
            && self.lines[0].starts_with([' ', '\u{a0}'])
            && (self.then_space || last)
            && self.lines[0].trim().chars().count() <= MAX_ANSWER_CHARS
    }
}

fn paragraphs(lines: &[Line]) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    let mut current: Option<Paragraph> = None;
    for line in lines {
        if line.is_blank() {
            if let Some(mut paragraph) = current.take() {
                paragraph.then_space = line.is_space();
                out.push(paragraph);
            } else if let Some(last) = out.last_mut().filter(|_| line.is_space()) {
                last.then_space = true;
            }
        } else {
            current
                .get_or_insert_with(|| Paragraph {
                    line: line.number,
                    lines: vec![],
                    then_space: false,
                })
                .lines
                .push(line.text.clone());
        }
    }
    out.extend(current);
    out
}

/// Reads the questions of one section's table.
fn read_questions(lines: &[Line]) -> Result<Vec<ParsedQuestion>, ParseError> {
    let paragraphs = paragraphs(lines);
    let answer_at = |i: usize| {
        paragraphs
            .get(i)
            .is_some_and(|p| p.is_answer(i + 1 == paragraphs.len()))
    };
    let mut questions = Vec::new();
    let mut i = 0;
    while i < paragraphs.len() {
        let question = &paragraphs[i];
        if answer_at(i) {
            return Err(ParseError {
                place: Place::Line(question.line),
                message: format!("svaret «{}» står utan fråga", question.text()),
            });
        }
        let (text, audience) = split_audience(&question.text());
        let mut parsed = ParsedQuestion {
            text,
            audience,
            ..ParsedQuestion::default()
        };
        let mut more = question.then_space;
        i += 1;
        while more && i < paragraphs.len() && !answer_at(i) {
            parsed.guidance.push(paragraphs[i].text());
            more = paragraphs[i].then_space;
            i += 1;
        }
        if answer_at(i) {
            parsed.answer = Some(paragraphs[i].text());
            i += 1;
            let mut comment = Vec::new();
            while let Some(paragraph) = paragraphs.get(i) {
                let last = i + 1 == paragraphs.len();
                if (paragraph.then_space && !last) || answer_at(i) {
                    break;
                }
                comment.push(paragraph.text());
                i += 1;
            }
            parsed.comment = comment.join("\n\n");
        }
        questions.push(parsed);
    }
    Ok(questions)
}
