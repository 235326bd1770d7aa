//! Steering documents (*styrdokument*): a tree of sections holding follow-up questions.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Key, Path, Problem};

/// A steering document adopted by the city council, as far as the follow-up needs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub key: Key,
    pub title: String,
    /// The heading the report prints for the document, when it differs from the title
    /// (Göteborg prints *Uppföljning …* for its programme).
    pub report_heading: Option<String>,
    pub kind: DocumentKind,
    pub period: Period,
    pub sections: Vec<Section>,
}

/// What sort of steering document this is; the city's own vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    Program,
    Handlingsplan,
    Plan,
    Policy,
    Riktlinje,
    Strategi,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::Program,
        DocumentKind::Handlingsplan,
        DocumentKind::Plan,
        DocumentKind::Policy,
        DocumentKind::Riktlinje,
        DocumentKind::Strategi,
    ];

    /// The word used in files and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Program => "program",
            DocumentKind::Handlingsplan => "handlingsplan",
            DocumentKind::Plan => "plan",
            DocumentKind::Policy => "policy",
            DocumentKind::Riktlinje => "riktlinje",
            DocumentKind::Strategi => "strategi",
        }
    }

    /// Reads the stored word back.
    pub fn parse(text: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// The years a document is in force, both inclusive (2022–2026).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: i32,
    pub to: i32,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.from, self.to)
    }
}

/// A node of a document's tree: a goal area, focus area or part (*målområde*, *fokusområde*).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub key: Key,
    /// The document's own label, such as *Målområde 1*; printed before the title.
    pub label: Option<String>,
    pub title: String,
    pub questions: Vec<Question>,
    pub sections: Vec<Section>,
    /// Retired sections stay for the answers that refer to them but are left out of new rounds.
    pub retired: bool,
}

/// A follow-up question (*uppföljningsfråga*).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub key: Key,
    pub text: String,
    /// Paragraphs under the question: the strategy or insats followed up, the expected result.
    pub guidance: Vec<String>,
    /// Who the question is meant for, as printed (*samtliga nämnder och styrelser*).
    pub audience: Option<String>,
    pub scale: Key,
    pub comment: CommentRule,
    pub retired: bool,
}

/// Whether a comment must accompany an answer; checked when a response is submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentRule {
    #[default]
    Optional,
    Required,
    /// Required when the answer is one of these options (typically *Nej* and *Delvis*).
    RequiredFor(Vec<Key>),
}

impl CommentRule {
    /// Whether an answer with this option key needs a comment.
    pub fn requires_comment(&self, answer: Option<&Key>) -> bool {
        match self {
            CommentRule::Optional => false,
            CommentRule::Required => true,
            CommentRule::RequiredFor(options) => answer.is_some_and(|a| options.contains(a)),
        }
    }
}

/// Names a question across the whole configuration: `document/question`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QuestionRef {
    pub document: Key,
    pub question: Key,
}

impl QuestionRef {
    /// Reads `document/question`.
    pub fn parse(text: &str) -> Option<QuestionRef> {
        let (document, question) = text.split_once('/')?;
        Some(QuestionRef {
            document: Key::parse(document).ok()?,
            question: Key::parse(question).ok()?,
        })
    }
}

impl fmt::Display for QuestionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.document, self.question)
    }
}

impl Document {
    /// The heading printed in reports.
    pub fn heading(&self) -> &str {
        self.report_heading.as_deref().unwrap_or(&self.title)
    }

    /// Every question in document order, flat.
    pub fn all_questions(&self) -> impl Iterator<Item = &Question> {
        fn walk<'a>(sections: &'a [Section], out: &mut Vec<&'a Question>) {
            for section in sections {
                out.extend(&section.questions);
                walk(&section.sections, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.sections, &mut out);
        out.into_iter()
    }

    /// Finds a question by key, retired or not.
    pub fn question(&self, key: &Key) -> Option<&Question> {
        self.all_questions().find(|q| &q.key == key)
    }

    /// The document without retired sections and questions: what a new round shows.
    pub fn current(&self) -> Document {
        fn prune(sections: &[Section]) -> Vec<Section> {
            sections
                .iter()
                .filter(|s| !s.retired)
                .map(|s| Section {
                    questions: s.questions.iter().filter(|q| !q.retired).cloned().collect(),
                    sections: prune(&s.sections),
                    ..s.clone()
                })
                .collect()
        }
        Document {
            sections: prune(&self.sections),
            ..self.clone()
        }
    }

    /// Checks the document on its own. Scales are checked by [`crate::Definitions::validate`],
    /// which knows them; `scale_options` gives the option keys of a scale for comment rules.
    pub fn validate<'s>(
        &self,
        scale_options: impl Fn(&Key) -> Option<Vec<&'s Key>>,
    ) -> Vec<Problem> {
        let mut problems = Vec::new();
        let root = Path::root();
        if self.title.trim().is_empty() {
            problems.push(Problem::new(root.field("title"), "dokumentet saknar titel"));
        }
        if self
            .report_heading
            .as_deref()
            .is_some_and(|h| h.trim().is_empty())
        {
            problems.push(Problem::new(
                root.field("report_heading"),
                "rubriken är tom; ta bort raden eller skriv en rubrik",
            ));
        }
        if self.period.from > self.period.to {
            problems.push(Problem::new(
                root.field("period"),
                format!(
                    "giltighetstiden slutar ({}) innan den börjar ({})",
                    self.period.to, self.period.from
                ),
            ));
        }
        let mut section_keys = HashSet::new();
        let mut question_keys = HashSet::new();
        let mut ctx = Walk {
            problems: &mut problems,
            section_keys: &mut section_keys,
            question_keys: &mut question_keys,
            scale_options: &scale_options,
        };
        ctx.sections(&self.sections, &root);
        problems
    }
}

struct Walk<'a, 's, F: Fn(&Key) -> Option<Vec<&'s Key>>> {
    problems: &'a mut Vec<Problem>,
    section_keys: &'a mut HashSet<Key>,
    question_keys: &'a mut HashSet<Key>,
    scale_options: &'a F,
}

impl<'s, F: Fn(&Key) -> Option<Vec<&'s Key>>> Walk<'_, 's, F> {
    fn sections(&mut self, sections: &[Section], at: &Path) {
        for (i, section) in sections.iter().enumerate() {
            let here = at.item("section", i);
            if !self.section_keys.insert(section.key.clone()) {
                self.problems.push(Problem::new(
                    here.field("key"),
                    format!(
                        "avsnittsnyckeln «{}» används redan i dokumentet",
                        section.key
                    ),
                ));
            }
            if section.title.trim().is_empty() {
                self.problems
                    .push(Problem::new(here.field("title"), "avsnittet saknar rubrik"));
            }
            if section
                .label
                .as_deref()
                .is_some_and(|l| l.trim().is_empty())
            {
                self.problems.push(Problem::new(
                    here.field("label"),
                    "etiketten är tom; ta bort raden eller skriv en etikett",
                ));
            }
            for (j, question) in section.questions.iter().enumerate() {
                self.question(question, &here.item("question", j));
            }
            self.sections(&section.sections, &here);
        }
    }

    fn question(&mut self, question: &Question, here: &Path) {
        if !self.question_keys.insert(question.key.clone()) {
            self.problems.push(Problem::new(
                here.field("key"),
                format!("frågenyckeln «{}» används redan i dokumentet", question.key),
            ));
        }
        if question.text.trim().is_empty() {
            self.problems
                .push(Problem::new(here.field("text"), "frågan saknar text"));
        }
        if question.guidance.iter().any(|g| g.trim().is_empty()) {
            self.problems.push(Problem::new(
                here.field("guidance"),
                "ett stycke i vägledningen är tomt",
            ));
        }
        match (self.scale_options)(&question.scale) {
            None => self.problems.push(Problem::new(
                here.field("scale"),
                format!("svarsskalan «{}» finns inte", question.scale),
            )),
            Some(options) => {
                if let CommentRule::RequiredFor(required) = &question.comment {
                    if required.is_empty() {
                        self.problems.push(Problem::new(
                            here.field("comment"),
                            "required_for behöver minst ett svarsalternativ",
                        ));
                    }
                    for key in required.iter().filter(|k| !options.contains(k)) {
                        self.problems.push(Problem::new(
                            here.field("comment"),
                            format!(
                                "svarsskalan «{}» har inget alternativ «{key}»",
                                question.scale
                            ),
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn key(text: &str) -> Key {
        Key::parse(text).unwrap()
    }

    pub fn question(k: &str) -> Question {
        Question {
            key: key(k),
            text: format!("Fråga {k}?"),
            guidance: vec![],
            audience: None,
            scale: key("ja-nej"),
            comment: CommentRule::Optional,
            retired: false,
        }
    }

    pub fn section(
        k: &str,
        label: Option<&str>,
        questions: Vec<Question>,
        sections: Vec<Section>,
    ) -> Section {
        Section {
            key: key(k),
            label: label.map(Into::into),
            title: format!("Avsnitt {k}"),
            questions,
            sections,
            retired: false,
        }
    }

    pub fn document(k: &str, sections: Vec<Section>) -> Document {
        Document {
            key: key(k),
            title: format!("Dokument {k}"),
            report_heading: None,
            kind: DocumentKind::Program,
            period: Period {
                from: 2022,
                to: 2026,
            },
            sections,
        }
    }

    fn ja_nej(scale: &Key) -> Option<Vec<&'static Key>> {
        static JA: std::sync::LazyLock<Key> = std::sync::LazyLock::new(|| key("ja"));
        static NEJ: std::sync::LazyLock<Key> = std::sync::LazyLock::new(|| key("nej"));
        (scale.as_str() == "ja-nej").then(|| vec![&*JA, &*NEJ])
    }

    #[test]
    fn a_well_formed_document_has_no_problems() {
        let doc = document(
            "d",
            vec![section(
                "a",
                Some("Målområde 1"),
                vec![question("q1")],
                vec![section("b", None, vec![question("q2")], vec![])],
            )],
        );
        assert_eq!(doc.validate(ja_nej), vec![]);
    }

    #[test]
    fn validation_reports_every_problem_with_its_path() {
        let mut bad_scale = question("q2");
        bad_scale.scale = key("saknas");
        let mut bad_rule = question("q3");
        bad_rule.comment = CommentRule::RequiredFor(vec![key("delvis")]);
        let mut doc = document(
            "d",
            vec![
                section("a", None, vec![question("q1"), question("q1")], vec![]),
                section(
                    "a",
                    None,
                    vec![],
                    vec![section("c", None, vec![bad_scale, bad_rule], vec![])],
                ),
            ],
        );
        doc.period = Period {
            from: 2026,
            to: 2022,
        };
        let found: Vec<String> = doc
            .validate(ja_nej)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            [
                "period: giltighetstiden slutar (2022) innan den börjar (2026)",
                "section[0].question[1].key: frågenyckeln «q1» används redan i dokumentet",
                "section[1].key: avsnittsnyckeln «a» används redan i dokumentet",
                "section[1].section[0].question[0].scale: svarsskalan «saknas» finns inte",
                "section[1].section[0].question[1].comment: svarsskalan «ja-nej» har inget alternativ «delvis»",
            ]
        );
    }

    #[test]
    fn comment_rule_decides_by_answer() {
        let rule = CommentRule::RequiredFor(vec![key("nej")]);
        assert!(rule.requires_comment(Some(&key("nej"))));
        assert!(!rule.requires_comment(Some(&key("ja"))));
        assert!(!rule.requires_comment(None));
        assert!(CommentRule::Required.requires_comment(None));
        assert!(!CommentRule::Optional.requires_comment(Some(&key("nej"))));
    }

    #[test]
    fn current_leaves_out_retired_sections_and_questions() {
        let mut gone = question("gone");
        gone.retired = true;
        let mut old = section("old", None, vec![question("q9")], vec![]);
        old.retired = true;
        let doc = document(
            "d",
            vec![section("a", None, vec![question("q1"), gone], vec![]), old],
        );
        let current = doc.current();
        let keys: Vec<&str> = current.all_questions().map(|q| q.key.as_str()).collect();
        assert_eq!(keys, ["q1"]);
    }

    #[test]
    fn question_refs_read_document_slash_question() {
        let r = QuestionRef::parse("handlingsplan-gang/insats-3-2").unwrap();
        assert_eq!(r.to_string(), "handlingsplan-gang/insats-3-2");
        assert_eq!(QuestionRef::parse("no-slash"), None);
        assert_eq!(QuestionRef::parse("A/b"), None);
    }
}
