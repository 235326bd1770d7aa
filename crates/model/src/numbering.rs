//! Report numbering: headings are numbered by their position in a round (1, 1.1, 1.1.1, 2.3 …).
//!
//! The steering document's own labels (*Målområde 1*, *insats 3:2*) are part of the heading text or
//! the question's guidance; the numbers here are the report's own, so they change when a round
//! follows up other documents or a document gains a section.

use std::collections::HashMap;

use crate::{Document, Key, Question, QuestionRef, Section};

/// A numbered heading: a document (level 1) or a section (level 2 and deeper).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// `1`, `1.2`, `1.2.3` …
    pub number: String,
    /// 1 for a document, 2 for its top sections, and so on.
    pub level: usize,
    pub text: String,
    /// The section's key; `None` for a document's heading.
    pub section: Option<Key>,
}

impl Heading {
    /// The heading as printed: `1.1.1 Målområde 1: Öka kunskapen`.
    pub fn numbered(&self) -> String {
        format!("{} {}", self.number, self.text)
    }
}

/// One line of a round's outline, in report order.
#[derive(Clone, Debug, PartialEq)]
pub enum Entry<'a> {
    Heading(Heading),
    Question {
        reference: QuestionRef,
        question: &'a Question,
    },
}

/// Numbers the documents of a round in order and lists every heading, with the questions for
/// which `include` holds under their section. Every heading is listed even when none of its
/// questions is included: a report shows the whole structure, also where an organisation had no
/// questions.
pub fn number_round<'a>(
    documents: &[&'a Document],
    include: impl Fn(&QuestionRef) -> bool,
) -> Vec<Entry<'a>> {
    let mut entries = Vec::new();
    for (i, document) in documents.iter().enumerate() {
        let number = (i + 1).to_string();
        entries.push(Entry::Heading(Heading {
            number: number.clone(),
            level: 1,
            text: document.heading().to_owned(),
            section: None,
        }));
        number_sections(
            document,
            &document.sections,
            &number,
            2,
            &include,
            &mut entries,
        );
    }
    entries
}

/// A question with the numbered heading of the section it stands under.
#[derive(Clone, Debug, PartialEq)]
pub struct UnderHeading<'a> {
    pub heading: Heading,
    pub reference: QuestionRef,
    pub question: &'a Question,
}

/// The questions of [`number_round`]'s outline, each with its section's heading, for the views
/// that list questions rather than the whole structure (the answer form, the assignment matrix).
pub fn numbered_questions<'a>(
    documents: &[&'a Document],
    include: impl Fn(&QuestionRef) -> bool,
) -> Vec<UnderHeading<'a>> {
    let mut heading: Option<Heading> = None;
    let mut questions = Vec::new();
    for entry in number_round(documents, include) {
        match entry {
            Entry::Heading(h) => heading = Some(h),
            Entry::Question {
                reference,
                question,
            } => questions.push(UnderHeading {
                heading: heading
                    .clone()
                    .expect("a question stands under its document's heading at least"),
                reference,
                question,
            }),
        }
    }
    questions
}

fn number_sections<'a>(
    document: &'a Document,
    sections: &'a [Section],
    parent: &str,
    level: usize,
    include: &impl Fn(&QuestionRef) -> bool,
    entries: &mut Vec<Entry<'a>>,
) {
    for (i, section) in sections.iter().enumerate() {
        let number = format!("{parent}.{}", i + 1);
        entries.push(Entry::Heading(Heading {
            number: number.clone(),
            level,
            text: section_heading(section),
            section: Some(section.key.clone()),
        }));
        for question in &section.questions {
            let reference = QuestionRef {
                document: document.key.clone(),
                question: question.key.clone(),
            };
            if include(&reference) {
                entries.push(Entry::Question {
                    reference,
                    question,
                });
            }
        }
        number_sections(
            document,
            &section.sections,
            &number,
            level + 1,
            include,
            entries,
        );
    }
}

/// A label for each question of an outline, in order: its section's number, with a letter where
/// the section asks more than one (`1.2.1`, or `1.2.1 a`, `1.2.1 b`).
pub fn question_labels(entries: &[Entry]) -> Vec<(QuestionRef, String)> {
    fn add_letters(labels: &mut [(QuestionRef, String)]) {
        if labels.len() > 1 {
            for (letter, (_, label)) in ('a'..='z').cycle().zip(labels) {
                *label = format!("{label} {letter}");
            }
        }
    }
    let mut labels: Vec<(QuestionRef, String)> = Vec::new();
    let mut number = "";
    let mut start = 0;
    for entry in entries {
        match entry {
            Entry::Heading(h) => {
                add_letters(&mut labels[start..]);
                start = labels.len();
                number = &h.number;
            }
            Entry::Question { reference, .. } => {
                labels.push((reference.clone(), number.to_owned()));
            }
        }
    }
    add_letters(&mut labels[start..]);
    labels
}

/// The number every view shows for each of a round's questions (form, assignment matrix,
/// compilation, history): [`question_labels`] over the round's whole outline, so that an
/// organisation asked only some of the questions sees the numbers the compilation prints.
pub fn question_numbers(documents: &[&Document]) -> HashMap<QuestionRef, String> {
    question_labels(&number_round(documents, |_| true))
        .into_iter()
        .collect()
}

/// A section's heading text: its label and title, `Målområde 1: Öka kunskapen`, or the title alone.
pub fn section_heading(section: &Section) -> String {
    match &section.label {
        Some(label) => format!("{label}: {}", section.title),
        None => section.title.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::tests::{document, question, section};

    fn outline(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| match e {
                Entry::Heading(h) => h.numbered(),
                Entry::Question { reference, .. } => format!("  {reference}"),
            })
            .collect()
    }

    #[test]
    fn headings_are_numbered_by_position_at_every_depth() {
        let first = document(
            "a",
            vec![
                section(
                    "p1",
                    None,
                    vec![],
                    vec![
                        section("m1", Some("Målområde 1"), vec![question("q1")], vec![]),
                        section("m2", Some("Målområde 2"), vec![], vec![]),
                    ],
                ),
                section(
                    "p2",
                    None,
                    vec![question("q2")],
                    vec![section(
                        "m3",
                        None,
                        vec![],
                        vec![section("deep", None, vec![question("q3")], vec![])],
                    )],
                ),
            ],
        );
        let second = document(
            "b",
            vec![section("f1", Some("Fokusområde 1"), vec![], vec![])],
        );
        let third = document("c", vec![]);
        let entries = number_round(&[&first, &second, &third], |_| true);
        assert_eq!(
            outline(&entries),
            [
                "1 Dokument a",
                "1.1 Avsnitt p1",
                "1.1.1 Målområde 1: Avsnitt m1",
                "  a/q1",
                "1.1.2 Målområde 2: Avsnitt m2",
                "1.2 Avsnitt p2",
                "  a/q2",
                "1.2.1 Avsnitt m3",
                "1.2.1.1 Avsnitt deep",
                "  a/q3",
                "2 Dokument b",
                "2.1 Fokusområde 1: Avsnitt f1",
                "3 Dokument c",
            ]
        );
    }

    #[test]
    fn excluded_questions_leave_their_headings_in_place() {
        let doc = document(
            "a",
            vec![
                section("s1", None, vec![question("q1")], vec![]),
                section("s2", None, vec![question("q2")], vec![]),
            ],
        );
        let entries = number_round(&[&doc], |r| r.question.as_str() == "q2");
        assert_eq!(
            outline(&entries),
            ["1 Dokument a", "1.1 Avsnitt s1", "1.2 Avsnitt s2", "  a/q2"]
        );
    }

    #[test]
    fn questions_are_labelled_by_section_with_a_letter_where_there_are_several() {
        let doc = document(
            "a",
            vec![
                section("s1", None, vec![question("q1"), question("q2")], vec![]),
                section(
                    "s2",
                    None,
                    vec![question("q3")],
                    vec![section(
                        "s3",
                        None,
                        vec![question("q4"), question("q5")],
                        vec![],
                    )],
                ),
            ],
        );
        let labels: Vec<String> = question_labels(&number_round(&[&doc], |_| true))
            .into_iter()
            .map(|(r, label)| format!("{label} {}", r.question))
            .collect();
        assert_eq!(
            labels,
            ["1.1 a q1", "1.1 b q2", "1.2 q3", "1.2.1 a q4", "1.2.1 b q5"]
        );
    }

    #[test]
    fn a_report_heading_replaces_the_title() {
        let mut doc = document("a", vec![]);
        doc.report_heading = Some("Uppföljning Dokument a".into());
        let entries = number_round(&[&doc], |_| true);
        assert_eq!(outline(&entries), ["1 Uppföljning Dokument a"]);
    }
}
