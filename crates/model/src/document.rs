//! Steering documents (*styrdokument*): a tree of sections holding follow-up questions.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::key::MAX_KEY_LEN;
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

    /// The word as it begins a heading or a column: «Handlingsplan».
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Program => "Program",
            DocumentKind::Handlingsplan => "Handlingsplan",
            DocumentKind::Plan => "Plan",
            DocumentKind::Policy => "Policy",
            DocumentKind::Riktlinje => "Riktlinje",
            DocumentKind::Strategi => "Strategi",
        }
    }
}

/// Names for documents shown side by side where a whole title would not fit, such as a table's
/// columns on a phone: the kind and the period («Handlingsplan 2023–2026»), or the title for a
/// document that those two would not tell apart from another one shown.
pub fn short_names(documents: &[Document]) -> Vec<String> {
    let short: Vec<String> = documents
        .iter()
        .map(|d| format!("{} {}", d.kind.label(), d.period))
        .collect();
    short
        .iter()
        .zip(documents)
        .map(|(name, document)| {
            if short.iter().filter(|other| *other == name).count() > 1 {
                document.title.clone()
            } else {
                name.clone()
            }
        })
        .collect()
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

/// The sections and questions a round asked, in the order they stood when it opened. A round
/// that has opened shows these, also after they are edited into new versions, moved or retired.
/// It lives beside [`Document::as_asked`], which reads it, so that documents need not import
/// rounds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asked {
    /// Every section shown, as (document, section), in the order they stood.
    pub sections: Vec<(Key, Key)>,
    /// Every question asked, in the order they stood.
    pub questions: Vec<QuestionRef>,
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
                .map(|s| {
                    s.with_children(
                        s.questions.iter().filter(|q| !q.retired).cloned().collect(),
                        prune(&s.sections),
                    )
                })
                .collect()
        }
        self.with_sections(prune(&self.sections))
    }

    /// A copy of the document's own fields over other sections: cloning the whole tree only to
    /// replace it cost more than anything else in serving a response.
    fn with_sections(&self, sections: Vec<Section>) -> Document {
        Document {
            key: self.key.clone(),
            title: self.title.clone(),
            report_heading: self.report_heading.clone(),
            kind: self.kind,
            period: self.period,
            sections,
        }
    }

    /// The document as a round asked it: only the sections and questions in `asked`, in the
    /// order they stood then, none of them retired (they were current when the round opened).
    pub fn as_asked(&self, asked: &Asked) -> Document {
        let sections: HashMap<&Key, usize> = asked
            .sections
            .iter()
            .enumerate()
            .filter(|(_, (document, _))| document == &self.key)
            .map(|(i, (_, section))| (section, i))
            .collect();
        let questions: HashMap<&Key, usize> = asked
            .questions
            .iter()
            .enumerate()
            .filter(|(_, q)| q.document == self.key)
            .map(|(i, q)| (&q.question, i))
            .collect();
        fn keep(
            sections: &[Section],
            asked_sections: &HashMap<&Key, usize>,
            asked_questions: &HashMap<&Key, usize>,
        ) -> Vec<Section> {
            let mut kept: Vec<(usize, Section)> = sections
                .iter()
                .filter_map(|s| {
                    let place = *asked_sections.get(&s.key)?;
                    let mut questions: Vec<(usize, Question)> = s
                        .questions
                        .iter()
                        .filter_map(|q| {
                            let place = *asked_questions.get(&q.key)?;
                            Some((
                                place,
                                Question {
                                    retired: false,
                                    ..q.clone()
                                },
                            ))
                        })
                        .collect();
                    questions.sort_by_key(|(place, _)| *place);
                    Some((
                        place,
                        s.with_children(
                            questions.into_iter().map(|(_, q)| q).collect(),
                            keep(&s.sections, asked_sections, asked_questions),
                        ),
                    ))
                })
                .collect();
            kept.sort_by_key(|(place, _)| *place);
            kept.into_iter().map(|(_, s)| s).collect()
        }
        self.with_sections(keep(&self.sections, &sections, &questions))
    }

    /// Finds a section by key at any depth, retired or not.
    pub fn section(&self, key: &Key) -> Option<&Section> {
        fn find<'a>(sections: &'a [Section], key: &Key) -> Option<&'a Section> {
            sections.iter().find_map(|s| {
                (&s.key == key)
                    .then_some(s)
                    .or_else(|| find(&s.sections, key))
            })
        }
        find(&self.sections, key)
    }

    /// Problems with the document's own fields (title, report heading, period), without its tree.
    pub fn field_problems(&self) -> Vec<Problem> {
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
        problems.extend(crate::text::control_problem(
            root.field("title"),
            "titeln",
            &self.title,
        ));
        if let Some(heading) = &self.report_heading {
            problems.extend(crate::text::control_problem(
                root.field("report_heading"),
                "rubriken",
                heading,
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
        problems
    }

    /// Checks the document on its own. Scales are checked by [`crate::Definitions::validate`],
    /// which knows them; `scale_options` gives the option keys of a scale for comment rules.
    pub fn validate<'s>(
        &self,
        scale_options: impl Fn(&Key) -> Option<Vec<&'s Key>>,
    ) -> Vec<Problem> {
        let mut problems = self.field_problems();
        let root = Path::root();
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
            self.problems.extend(section.field_problems(&here));
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
        self.problems
            .extend(question.problems(here, self.scale_options));
    }
}

impl Section {
    /// A current copy of the section's own fields over other children (see
    /// [`Document::with_sections`]); only current sections are copied, so it is never retired.
    fn with_children(&self, questions: Vec<Question>, sections: Vec<Section>) -> Section {
        Section {
            key: self.key.clone(),
            label: self.label.clone(),
            title: self.title.clone(),
            questions,
            sections,
            retired: false,
        }
    }

    /// Problems with the section's own fields (title, label), placed under `at`.
    pub fn field_problems(&self, at: &Path) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.title.trim().is_empty() {
            problems.push(Problem::new(at.field("title"), "avsnittet saknar rubrik"));
        }
        if self.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
            problems.push(Problem::new(
                at.field("label"),
                "etiketten är tom; ta bort raden eller skriv en etikett",
            ));
        }
        problems.extend(crate::text::control_problem(
            at.field("title"),
            "rubriken",
            &self.title,
        ));
        if let Some(label) = &self.label {
            problems.extend(crate::text::control_problem(
                at.field("label"),
                "etiketten",
                label,
            ));
        }
        problems
    }
}

impl Question {
    /// Problems with the question's own fields (text, guidance, scale, comment rule), placed under
    /// `at`; `scale_options` gives the option keys of a scale, `None` for an unknown scale.
    pub fn problems<'s>(
        &self,
        at: &Path,
        scale_options: impl Fn(&Key) -> Option<Vec<&'s Key>>,
    ) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.text.trim().is_empty() {
            problems.push(Problem::new(at.field("text"), "frågan saknar text"));
        }
        if self.guidance.iter().any(|g| g.trim().is_empty()) {
            problems.push(Problem::new(
                at.field("guidance"),
                "ett stycke i vägledningen är tomt",
            ));
        }
        problems.extend(crate::text::control_problem(
            at.field("text"),
            "frågan",
            &self.text,
        ));
        for paragraph in &self.guidance {
            problems.extend(crate::text::control_problem(
                at.field("guidance"),
                "vägledningen",
                paragraph,
            ));
        }
        if let Some(audience) = &self.audience {
            problems.extend(crate::text::control_problem(
                at.field("audience"),
                "målgruppen",
                audience,
            ));
        }
        match scale_options(&self.scale) {
            None => problems.push(Problem::new(
                at.field("scale"),
                format!("svarsskalan «{}» finns inte", self.scale),
            )),
            Some(options) => {
                if let CommentRule::RequiredFor(required) = &self.comment {
                    if required.is_empty() {
                        problems.push(Problem::new(
                            at.field("comment"),
                            "required_for behöver minst ett svarsalternativ",
                        ));
                    }
                    for key in required.iter().filter(|k| !options.contains(k)) {
                        problems.push(Problem::new(
                            at.field("comment"),
                            format!("svarsskalan «{}» har inget alternativ «{key}»", self.scale),
                        ));
                    }
                }
            }
        }
        problems
    }

    /// The key of the next version of a question keyed `key`: `key-v2`, or `…-v3` after `…-v2`,
    /// skipping any taken; within the key length limit.
    pub fn next_version_key(key: &Key, taken: impl Fn(&Key) -> bool) -> Key {
        let text = key.as_str();
        let version = text.rsplit_once("-v").and_then(|(base, n)| {
            let digits = !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit());
            let n: u32 = n.parse().ok().filter(|_| digits)?;
            (n >= 2 && !base.is_empty()).then_some((base, n + 1))
        });
        let (base, from) = version.unwrap_or((text, 2));
        (from..)
            .map(|n| {
                let suffix = format!("-v{n}");
                let mut base = base.to_owned();
                base.truncate(MAX_KEY_LEN - suffix.len());
                let base = base.trim_end_matches('-');
                Key::parse(&format!("{base}{suffix}"))
                    .expect("a key with a version suffix is a key")
            })
            .find(|candidate| !taken(candidate))
            .expect("some version number is free")
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

    #[test]
    fn short_names_are_kind_and_period_unless_that_leaves_two_alike() {
        let mut plan = document("plan", vec![]);
        plan.kind = DocumentKind::Handlingsplan;
        plan.period = Period {
            from: 2023,
            to: 2026,
        };
        let programme = document("program", vec![]);
        let other_programme = document("annat", vec![]);
        assert_eq!(
            short_names(&[plan.clone(), programme.clone()]),
            ["Handlingsplan 2023–2026", "Program 2022–2026"]
        );
        assert_eq!(
            short_names(&[plan, programme, other_programme]),
            [
                "Handlingsplan 2023–2026",
                "Dokument program",
                "Dokument annat"
            ]
        );
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
    fn a_document_as_asked_keeps_what_the_round_asked_in_its_order_then() {
        let mut replaced = question("q1");
        replaced.retired = true;
        let mut gone = section("gone", None, vec![question("q3")], vec![]);
        gone.retired = true;
        let doc = document(
            "d",
            vec![
                section("b", None, vec![question("q2")], vec![]),
                section("a", None, vec![question("q1-v2"), replaced], vec![]),
                gone,
                section("new", None, vec![question("q4")], vec![]),
            ],
        );
        let asked = Asked {
            sections: vec![
                (key("d"), key("a")),
                (key("d"), key("b")),
                (key("d"), key("gone")),
            ],
            questions: ["q1", "q2", "q3"]
                .map(|q| QuestionRef {
                    document: key("d"),
                    question: key(q),
                })
                .to_vec(),
        };
        let shown = doc.as_asked(&asked);
        let outline: Vec<(&str, Vec<&str>)> = shown
            .sections
            .iter()
            .map(|s| {
                (
                    s.key.as_str(),
                    s.questions.iter().map(|q| q.key.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            outline,
            [("a", vec!["q1"]), ("b", vec!["q2"]), ("gone", vec!["q3"])],
            "the old order, the old version, the retired section; nothing added since"
        );
        assert!(shown.all_questions().all(|q| !q.retired));
        assert!(shown.sections.iter().all(|s| !s.retired));
    }

    #[test]
    fn a_new_version_of_a_question_gets_the_next_free_version_key() {
        let taken = |taken: &'static [&'static str]| move |k: &Key| taken.contains(&k.as_str());
        let table: [(&str, &[&str], &str); 5] = [
            ("insats-3-2", &[], "insats-3-2-v2"),
            ("insats-3-2-v2", &[], "insats-3-2-v3"),
            ("insats-3-2", &["insats-3-2-v2"], "insats-3-2-v3"),
            ("tv-v1", &[], "tv-v1-v2"),
            ("a-v09", &[], "a-v09-v2"),
        ];
        for (old, others, next) in table {
            assert_eq!(
                Question::next_version_key(&key(old), taken(others)).as_str(),
                next,
                "{old}"
            );
        }
        let long = key(&"a".repeat(64));
        let next = Question::next_version_key(&long, |_| false);
        assert_eq!(next.as_str().len(), 64);
        assert!(next.as_str().ends_with("a-v2"));
    }

    #[test]
    fn question_refs_read_document_slash_question() {
        let r = QuestionRef::parse("handlingsplan-gang/insats-3-2").unwrap();
        assert_eq!(r.to_string(), "handlingsplan-gang/insats-3-2");
        assert_eq!(QuestionRef::parse("no-slash"), None);
        assert_eq!(QuestionRef::parse("A/b"), None);
    }
}
