//! What both readers of a report share: the error they give, and the house style's rules for
//! text (how wrapped lines join, what a heading number, a page number and an audience note look
//! like, how numbered headings nest).

use std::fmt;

use super::ParsedSection;

/// Why a text or a PDF could not be read as a report, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub place: Place,
    pub message: String,
}

/// Where in a report a problem is: a line of a text, or a page of a PDF with the first words
/// there, which a person finds by reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// 1-based line of the text.
    Line(usize),
    /// 1-based page, and the first words of what could not be read (may be empty).
    Page { page: usize, words: String },
    /// Under a numbered heading, at the first words of what was refused.
    Section { number: String, words: String },
    /// The report as a whole.
    Report,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(line) => write!(f, "rad {line}"),
            Place::Page { page, words } if words.is_empty() => write!(f, "sida {page}"),
            Place::Page { page, words } => write!(f, "sida {page}, vid «{words}»"),
            Place::Section { number, words } => write!(f, "under rubrik {number}, vid «{words}»"),
            Place::Report => write!(f, "rapporten"),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

impl std::error::Error for ParseError {}

/// The first words of a text, to say where something stands.
pub(crate) fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(8).collect();
    let mut out = words.join(" ");
    if text.split_whitespace().count() > 8 {
        out.push_str(" …");
    }
    out
}

/// The text with each run of whitespace made one space, and none at either end.
pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Joins the lines of a wrapped paragraph or heading with spaces, whitespace collapsed; but a
/// number range broken after its dash (`2023–` / `2026`), and a word broken after a slash
/// (`forum/` / `samverkansgrupper`), are joined as they were before the break.
pub(crate) fn join_lines<S: AsRef<str>>(lines: &[S]) -> String {
    let mut out = String::new();
    for line in lines {
        let line = collapse(line.as_ref());
        if line.is_empty() {
            continue;
        }
        let mut tail = out.chars().rev();
        let (last, before) = (tail.next(), tail.next());
        let range_broken = matches!(last, Some('–' | '-'))
            && before.is_some_and(|c| c.is_ascii_digit())
            && line.starts_with(|c: char| c.is_ascii_digit());
        let slash_broken = last == Some('/') && before.is_some_and(|c| !c.is_whitespace());
        if !out.is_empty() && !range_broken && !slash_broken {
            out.push(' ');
        }
        out.push_str(&line);
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

/// `1.2.3 Rest of line` → ("1.2.3", "Rest of line").
pub(crate) fn numbered(text: &str) -> Option<(String, String)> {
    let (number, rest) = text.split_once(' ')?;
    let valid = !number.is_empty()
        && number.split('.').all(|part| {
            !part.is_empty() && part.len() <= 3 && part.chars().all(|c| c.is_ascii_digit())
        });
    (valid && !rest.trim().is_empty()).then(|| (number.to_owned(), rest.trim().to_owned()))
}

/// Whether `next` can follow `previous` in a numbered outline: a first child, or the next sibling
/// of the heading or of one of its ancestors.
pub(crate) fn follows(previous: Option<&str>, next: &str) -> bool {
    let Some(previous) = previous else {
        return next == "1";
    };
    if next == format!("{previous}.1") {
        return true;
    }
    let parts: Vec<u32> = previous.split('.').filter_map(|p| p.parse().ok()).collect();
    (1..=parts.len()).any(|depth| {
        let mut candidate = parts[..depth].to_vec();
        candidate[depth - 1] += 1;
        candidate
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(".")
            == next
    })
}

/// `Fråga? (samtliga nämnder och styrelser)` → ("Fråga?", Some("samtliga nämnder och styrelser")).
pub(crate) fn split_audience(text: &str) -> (String, Option<String>) {
    if let Some(open) = text.rfind("? (").filter(|_| text.ends_with(')')) {
        let audience = text[open + 3..text.len() - 1].trim();
        if !audience.is_empty() && !audience.contains(['(', ')']) {
            return (text[..=open].to_owned(), Some(audience.to_owned()));
        }
    }
    (text.to_owned(), None)
}

/// Puts a flat list of numbered sections into a tree by their numbers.
pub(crate) fn nest(flat: Vec<ParsedSection>) -> Vec<ParsedSection> {
    fn insert(into: &mut Vec<ParsedSection>, section: ParsedSection) {
        match into.last_mut() {
            Some(parent) if section.number.starts_with(&format!("{}.", parent.number)) => {
                insert(&mut parent.sections, section)
            }
            _ => into.push(section),
        }
    }
    let mut roots = Vec::new();
    for section in flat {
        insert(&mut roots, section);
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_as_in_an_outline() {
        let table = [
            (None, "1", true),
            (None, "2", false),
            (Some("1"), "1.1", true),
            (Some("1.1"), "1.2", true),
            (Some("1.2.3"), "2", true),
            (Some("1.2.3"), "1.3", true),
            (Some("1.2.3"), "3", false),
            (Some("1.2"), "1.2.2", false),
        ];
        for (previous, next, expected) in table {
            assert_eq!(follows(previous, next), expected, "{previous:?} → {next}");
        }
    }

    #[test]
    fn audience_notes_are_split_from_the_question() {
        assert_eq!(
            split_audience("Deltar ni? (samtliga nämnder och styrelser)"),
            (
                "Deltar ni?".into(),
                Some("samtliga nämnder och styrelser".into())
            )
        );
        assert_eq!(
            split_audience("Har ni gjort X (t.ex. Y)?"),
            ("Har ni gjort X (t.ex. Y)?".into(), None)
        );
    }

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
}
