//! Rounds (*uppföljningsomgångar*): one year's follow-up of some documents by the organisations.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::thresholds::StatusThresholds;
use crate::{Document, Key, Organisation, OrganisationKind, Path, Problem, QuestionRef};

/// What a round asked, also reachable here beside the round that keeps it; defined in
/// [`crate::document`] so that [`Document::as_asked`] can read it without importing rounds.
pub use crate::document::Asked;

/// One follow-up: which documents, who answers what, and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Round {
    pub key: Key,
    pub name: String,
    /// The year followed up (answers about 2025 are given in 2026).
    pub year: i32,
    pub opens: Date,
    pub closes: Date,
    /// The documents followed up, in report order.
    pub documents: Vec<Key>,
    /// Questions limited to some organisations; every other question goes to every active one.
    pub targets: Vec<Target>,
    pub state: RoundState,
    /// Where the compilation's status per section turns green or yellow; set per round, as the
    /// executive board's expectations change.
    #[serde(default)]
    pub thresholds: StatusThresholds,
    /// What the round asked when it opened; `None` while it is a draft, which shows its documents
    /// as they stand. Kept so that editing a document never changes an opened round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<Asked>,
    /// Organisations given a later last day than the round's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
}

/// A later last day for one organisation (*förlängd svarstid*): a board that meets after the
/// round's deadline answers after its meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub organisation: Key,
    pub closes: Date,
}

/// Limits one question to listed organisations and/or organisation kinds. With neither, the
/// question is asked of nobody in the round: a round brought in from earlier reports asked each
/// organisation only what its report held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub question: QuestionRef,
    pub organisations: Vec<Key>,
    pub kinds: Vec<OrganisationKind>,
}

impl Target {
    /// Whether the target names the organisation, by key or by kind; whether it is active is
    /// the round's to ask.
    pub fn includes(&self, organisation: &Key, kind: OrganisationKind) -> bool {
        self.organisations.contains(organisation) || self.kinds.contains(&kind)
    }
}

/// Round keys the site's own addresses use under `/omgangar/` (`/omgangar/ny` is the new-round
/// form), so no round may take them.
pub const RESERVED_KEYS: [&str; 1] = ["ny"];

/// Where a round is in its year: prepared, answered, closed for answers, published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoundState {
    Draft,
    Open,
    Closed,
    Published,
}

impl RoundState {
    pub const ALL: [RoundState; 4] = [
        RoundState::Draft,
        RoundState::Open,
        RoundState::Closed,
        RoundState::Published,
    ];

    /// The word stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundState::Draft => "draft",
            RoundState::Open => "open",
            RoundState::Closed => "closed",
            RoundState::Published => "published",
        }
    }

    /// Reads the stored word back.
    pub fn parse(text: &str) -> Option<RoundState> {
        RoundState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The Swedish word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            RoundState::Draft => "Utkast",
            RoundState::Open => "Öppen",
            RoundState::Closed => "Stängd",
            RoundState::Published => "Publicerad",
        }
    }

    /// The state as a sentence says it after «omgången är»: «ett utkast», «öppen», «stängd»,
    /// «publicerad».
    pub fn predicate(self) -> &'static str {
        match self {
            RoundState::Draft => "ett utkast",
            RoundState::Open => "öppen",
            RoundState::Closed => "stängd",
            RoundState::Published => "publicerad",
        }
    }

    /// Whether a coordinator confirms the move to this state first: closing stops every
    /// organisation mid-answer, and publishing cannot be undone.
    pub fn asks_confirmation(self) -> bool {
        matches!(self, RoundState::Closed | RoundState::Published)
    }

    /// The states a round may move to next. Reopening a closed round is allowed (late answers);
    /// a published round is final.
    pub fn may_become(self, next: RoundState) -> bool {
        use RoundState::*;
        matches!(
            (self, next),
            (Draft, Open) | (Open, Closed) | (Closed, Open) | (Closed, Published)
        )
    }
}

impl fmt::Display for RoundState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Round {
    /// The round's documents as its respondents see them, in the round's order: as asked when
    /// it opened, or for a draft as they stand now without retired sections and questions.
    pub fn documents_as_asked(&self, all: &[Document]) -> Vec<Document> {
        self.documents
            .iter()
            .filter_map(|k| all.iter().find(|d| &d.key == k))
            .map(|d| match &self.asked {
                Some(asked) => d.as_asked(asked),
                None => d.current(),
            })
            .collect()
    }

    /// The last day `organisation` has to answer: its extension, or the round's.
    pub fn closes_for(&self, organisation: &Key) -> Date {
        self.extensions
            .iter()
            .find(|e| &e.organisation == organisation)
            .map_or(self.closes, |e| e.closes.max(self.closes))
    }

    /// The dates of this round (opening, last day, extensions) that are before `today` and were
    /// not so in `before` (the round as stored): what an edit should warn about, in words.
    pub fn new_past_dates(&self, before: &Round, today: Date) -> Vec<String> {
        let mut past = Vec::new();
        if self.opens < today && self.opens != before.opens {
            past.push(format!("öppnar {}", self.opens));
        }
        if self.closes < today && self.closes != before.closes {
            past.push(format!("sista dag {}", self.closes));
        }
        for extension in &self.extensions {
            let unchanged = before.extensions.contains(extension);
            if extension.closes < today && !unchanged {
                past.push(format!(
                    "förlängd svarstid för «{}» till {}",
                    extension.organisation, extension.closes
                ));
            }
        }
        past
    }

    /// Whether the round takes answers now: it is open, or closed and `reopened` for the
    /// organisation answering.
    pub fn takes_answers(&self, reopened: bool) -> bool {
        self.state == RoundState::Open || (self.state == RoundState::Closed && reopened)
    }

    /// Whether `organisation` is to answer `question` in this round.
    pub fn is_assigned(&self, question: &QuestionRef, organisation: &Organisation) -> bool {
        if !organisation.active {
            return false;
        }
        match self.targets.iter().find(|t| &t.question == question) {
            None => true,
            Some(target) => target.includes(&organisation.key, organisation.kind),
        }
    }

    /// Makes `organisation` asked exactly the `held` questions among `questions` (the round's):
    /// an earlier report shows what its organisation was asked. A held question it is not asked
    /// gets the organisation added to its target; any other question it is asked stops being
    /// asked of it, so that a question asked of everyone becomes one asked of every other
    /// active organisation, and a kind is spelt out as its organisations. Returns how many of
    /// `questions` changed whether they are asked of it. One pass over each list, so that a
    /// report with many thousand questions imports in time proportional to its length.
    pub fn ask_only(
        &mut self,
        organisation: &Organisation,
        held: &[QuestionRef],
        questions: &[QuestionRef],
        organisations: &[Organisation],
    ) -> usize {
        let held: HashSet<&QuestionRef> = held.iter().collect();
        let mut position: HashMap<QuestionRef, usize> = self
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| (t.question.clone(), i))
            .collect();
        let mut changed = 0;
        for question in questions {
            let at = position.get(question).copied();
            let asked =
                at.is_none_or(|i| self.targets[i].includes(&organisation.key, organisation.kind));
            let wanted = held.contains(question);
            if asked == wanted {
                continue;
            }
            changed += 1;
            if wanted {
                if let Some(i) = at {
                    self.targets[i].organisations.push(organisation.key.clone());
                }
                continue;
            }
            let i = at.unwrap_or_else(|| {
                self.targets.push(Target {
                    question: question.clone(),
                    organisations: vec![],
                    kinds: OrganisationKind::ALL.to_vec(),
                });
                position.insert(question.clone(), self.targets.len() - 1);
                self.targets.len() - 1
            });
            let target = &mut self.targets[i];
            for kind in std::mem::take(&mut target.kinds) {
                let members = organisations.iter().filter(|o| {
                    o.active && o.kind == kind && !target.organisations.contains(&o.key)
                });
                target
                    .organisations
                    .extend(members.map(|o| o.key.clone()).collect::<Vec<_>>());
            }
            target.organisations.retain(|k| k != &organisation.key);
        }
        changed
    }

    /// Asks each of `questions` of nobody: where a round brought in from reports starts.
    pub fn ask_nobody(&mut self, questions: &[QuestionRef]) {
        let unasked: HashSet<&QuestionRef> = questions.iter().collect();
        self.targets.retain(|t| !unasked.contains(&t.question));
        self.targets.extend(questions.iter().map(|question| Target {
            question: question.clone(),
            organisations: vec![],
            kinds: vec![],
        }));
    }

    /// The questions of `documents` that `organisation` is to answer, in document order.
    pub fn assigned_questions(
        &self,
        documents: &[Document],
        organisation: &Organisation,
    ) -> Vec<QuestionRef> {
        documents
            .iter()
            .flat_map(|d| {
                d.all_questions().map(|q| QuestionRef {
                    document: d.key.clone(),
                    question: q.key.clone(),
                })
            })
            .filter(|q| self.is_assigned(q, organisation))
            .collect()
    }

    /// Sets who answers each of `questions` to the organisations chosen in a matrix of questions
    /// × `organisations` (the active ones). A question chosen for every one of them gets no target,
    /// so that an organisation added later gets it too; any other gets the chosen list, replacing
    /// rules by kind. Questions chosen for nobody are refused, in order, and nothing changes.
    pub fn assign(
        &mut self,
        questions: &[QuestionRef],
        organisations: &[Organisation],
        chosen: &HashSet<(QuestionRef, Key)>,
    ) -> Result<(), Vec<QuestionRef>> {
        let active: Vec<&Organisation> = organisations.iter().filter(|o| o.active).collect();
        let mut targets = Vec::new();
        let mut unasked = Vec::new();
        for question in questions {
            let picked: Vec<Key> = active
                .iter()
                .filter(|o| chosen.contains(&(question.clone(), o.key.clone())))
                .map(|o| o.key.clone())
                .collect();
            if picked.is_empty() {
                unasked.push(question.clone());
            } else if picked.len() < active.len() {
                targets.push(Target {
                    question: question.clone(),
                    organisations: picked,
                    kinds: vec![],
                });
            }
        }
        if !unasked.is_empty() {
            return Err(unasked);
        }
        self.targets.retain(|t| !questions.contains(&t.question));
        self.targets.extend(targets);
        Ok(())
    }

    /// Checks the round's own fields and that its targets are not contradictory; references to
    /// documents, questions and organisations are checked by [`crate::Definitions::validate`].
    pub fn validate(&self, at: &Path) -> Vec<Problem> {
        let mut problems = Vec::new();
        if RESERVED_KEYS.contains(&self.key.as_str()) {
            problems.push(Problem::new(
                at.field("key"),
                format!(
                    "nyckeln «{}» är upptagen av en sida i Uppfölj; välj en annan",
                    self.key
                ),
            ));
        }
        if self.name.trim().is_empty() {
            problems.push(Problem::new(at.field("name"), "omgången saknar namn"));
        }
        problems.extend(crate::text::control_problem(
            at.field("name"),
            "namnet",
            &self.name,
        ));
        if !(1900..=2200).contains(&self.year) {
            problems.push(Problem::new(
                at.field("year"),
                format!("året {} är inte rimligt", self.year),
            ));
        }
        if self.closes < self.opens {
            problems.push(Problem::new(
                at.field("closes"),
                format!(
                    "omgången stänger ({}) innan den öppnar ({})",
                    self.closes, self.opens
                ),
            ));
        }
        let mut extended = HashSet::new();
        for (i, extension) in self.extensions.iter().enumerate() {
            let here = at.item("extension", i);
            if !extended.insert(&extension.organisation) {
                problems.push(Problem::new(
                    here.field("organisation"),
                    format!(
                        "«{}» har redan en förlängd svarstid i omgången",
                        extension.organisation
                    ),
                ));
            }
            if extension.closes <= self.closes {
                problems.push(Problem::new(
                    here.field("closes"),
                    format!(
                        "den förlängda svarstiden ({}) ska vara senare än omgångens sista dag ({})",
                        extension.closes, self.closes
                    ),
                ));
            }
        }
        let mut documents = HashSet::new();
        for (i, document) in self.documents.iter().enumerate() {
            if !documents.insert(document) {
                problems.push(Problem::new(
                    at.item("documents", i),
                    format!("dokumentet «{document}» står redan med i omgången"),
                ));
            }
        }
        if self.documents.is_empty() {
            problems.push(Problem::new(
                at.field("documents"),
                "omgången följer inte upp något dokument",
            ));
        }
        let mut targeted = HashSet::new();
        for (i, target) in self.targets.iter().enumerate() {
            let here = at.item("target", i);
            if !targeted.insert(&target.question) {
                problems.push(Problem::new(
                    here.field("question"),
                    format!(
                        "frågan «{}» har redan en målgrupp i omgången",
                        target.question
                    ),
                ));
            }
            if !documents.contains(&target.question.document) {
                problems.push(Problem::new(
                    here.field("question"),
                    format!(
                        "dokumentet «{}» följs inte upp i omgången",
                        target.question.document
                    ),
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::document::tests::key;

    pub fn org(k: &str, kind: OrganisationKind) -> Organisation {
        Organisation {
            key: key(k),
            name: k.to_uppercase(),
            short_name: None,
            kind,
            active: true,
        }
    }

    pub fn round(targets: Vec<Target>) -> Round {
        Round {
            key: key("2025"),
            name: "Uppföljning 2025".into(),
            year: 2025,
            opens: time::macros::date!(2026 - 01 - 12),
            closes: time::macros::date!(2026 - 02 - 27),
            documents: vec![key("d")],
            targets,
            state: RoundState::Draft,
            thresholds: Default::default(),
            asked: None,
            extensions: vec![],
        }
    }

    fn q(k: &str) -> QuestionRef {
        QuestionRef {
            document: key("d"),
            question: key(k),
        }
    }

    #[test]
    fn a_matrix_lists_who_answers_and_drops_the_limit_when_everyone_does() {
        let organisations = [
            org("sn", OrganisationKind::Namnd),
            org("fn", OrganisationKind::Namnd),
            org("bo", OrganisationKind::Bolag),
        ];
        let mut round = round(vec![Target {
            question: q("a"),
            organisations: vec![],
            kinds: vec![OrganisationKind::Bolag],
        }]);
        let pick = |pairs: &[(&str, &str)]| -> HashSet<(QuestionRef, Key)> {
            pairs.iter().map(|(qk, o)| (q(qk), key(o))).collect()
        };
        let chosen = pick(&[("a", "sn"), ("a", "fn"), ("a", "bo"), ("b", "fn")]);
        round
            .assign(&[q("a"), q("b")], &organisations, &chosen)
            .unwrap();
        assert_eq!(
            round.targets,
            [Target {
                question: q("b"),
                organisations: vec![key("fn")],
                kinds: vec![],
            }]
        );
        assert!(round.is_assigned(&q("a"), &organisations[2]));
        assert!(!round.is_assigned(&q("b"), &organisations[0]));
    }

    #[test]
    fn an_imported_report_asks_its_organisation_exactly_what_it_held() {
        let organisations = [
            org("sn", OrganisationKind::Namnd),
            org("fn", OrganisationKind::Namnd),
            org("bo", OrganisationKind::Bolag),
        ];
        let questions = [q("everyone"), q("companies"), q("listed"), q("nobody")];
        let mut round = round(vec![
            Target {
                question: q("companies"),
                organisations: vec![],
                kinds: vec![OrganisationKind::Bolag],
            },
            Target {
                question: q("listed"),
                organisations: vec![key("sn"), key("fn")],
                kinds: vec![],
            },
            Target {
                question: q("nobody"),
                organisations: vec![],
                kinds: vec![],
            },
        ]);
        let held = [q("companies"), q("nobody")];
        assert!(round.ask_only(&organisations[0], &held, &questions, &organisations) > 0);
        let asked = |round: &Round, o: &Organisation| -> Vec<String> {
            questions
                .iter()
                .filter(|q| round.is_assigned(q, o))
                .map(|q| q.question.to_string())
                .collect()
        };
        assert_eq!(asked(&round, &organisations[0]), ["companies", "nobody"]);
        assert_eq!(asked(&round, &organisations[1]), ["everyone", "listed"]);
        assert_eq!(asked(&round, &organisations[2]), ["everyone", "companies"]);
        assert_eq!(
            round.ask_only(&organisations[0], &held, &questions, &organisations),
            0,
            "the same report again changes nothing"
        );
        let mut fresh = self::round(vec![]);
        fresh.ask_nobody(&questions);
        assert!(organisations.iter().all(|o| asked(&fresh, o).is_empty()));
        assert!(
            fresh.validate(&Path::root()).is_empty(),
            "asked of nobody is valid"
        );
    }

    #[test]
    fn a_round_may_not_take_a_key_the_site_uses_for_a_page() {
        let mut taken = round(vec![]);
        taken.key = key("ny");
        let problems = taken.validate(&Path::root());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("«ny» är upptagen"));
    }

    #[test]
    fn a_matrix_that_asks_a_question_of_nobody_is_refused_unchanged() {
        let organisations = [org("sn", OrganisationKind::Namnd)];
        let mut round = round(vec![]);
        let chosen: HashSet<(QuestionRef, Key)> = [(q("a"), key("sn"))].into();
        let refused = round.assign(&[q("a"), q("b"), q("c")], &organisations, &chosen);
        assert_eq!(refused, Err(vec![q("b"), q("c")]));
        assert!(round.targets.is_empty());
    }

    #[test]
    fn assignment_defaults_to_every_active_organisation() {
        let round = round(vec![
            Target {
                question: q("to-one"),
                organisations: vec![key("sn")],
                kinds: vec![],
            },
            Target {
                question: q("to-companies"),
                organisations: vec![key("ks")],
                kinds: vec![OrganisationKind::Bolag],
            },
        ]);
        let sn = org("sn", OrganisationKind::Namnd);
        let ks = org("ks", OrganisationKind::Styrelse);
        let bolag = org("hamn", OrganisationKind::Bolag);
        let mut retired = org("gone", OrganisationKind::Namnd);
        retired.active = false;

        let table = [
            ("all", &sn, true),
            ("all", &bolag, true),
            ("all", &retired, false),
            ("to-one", &sn, true),
            ("to-one", &ks, false),
            ("to-companies", &bolag, true),
            ("to-companies", &ks, true),
            ("to-companies", &sn, false),
        ];
        for (question, organisation, expected) in table {
            assert_eq!(
                round.is_assigned(&q(question), organisation),
                expected,
                "{question} → {}",
                organisation.key
            );
        }
    }

    #[test]
    fn validation_finds_dates_and_duplicate_or_stray_targets() {
        let mut r = round(vec![
            Target {
                question: q("a"),
                organisations: vec![key("x")],
                kinds: vec![],
            },
            Target {
                question: q("a"),
                organisations: vec![],
                kinds: vec![],
            },
            Target {
                question: QuestionRef {
                    document: key("other"),
                    question: key("b"),
                },
                organisations: vec![key("x")],
                kinds: vec![],
            },
        ]);
        r.closes = time::macros::date!(2026 - 01 - 01);
        r.documents.push(key("d"));
        let paths: Vec<String> = r
            .validate(&Path::root())
            .iter()
            .map(|p| p.path.to_string())
            .collect();
        assert_eq!(
            paths,
            [
                "closes",
                "documents[1]",
                "target[1].question",
                "target[2].question"
            ]
        );
    }

    #[test]
    fn a_draft_shows_its_documents_as_they_stand_and_an_opened_round_as_it_asked_them() {
        use crate::Asked;
        use crate::document::tests::{document, question, section};
        let mut old = question("a");
        old.retired = true;
        let documents = [document(
            "d",
            vec![section("s", None, vec![question("a-v2"), old], vec![])],
        )];
        let keys = |round: &Round| -> Vec<String> {
            round
                .documents_as_asked(&documents)
                .iter()
                .flat_map(|d| {
                    d.all_questions()
                        .map(|q| q.key.to_string())
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        let mut r = round(vec![]);
        assert_eq!(keys(&r), ["a-v2"]);
        r.state = RoundState::Open;
        r.asked = Some(Asked {
            sections: vec![(key("d"), key("s"))],
            questions: vec![q("a")],
        });
        assert_eq!(keys(&r), ["a"]);
    }

    #[test]
    fn round_states_move_forward_and_closed_may_reopen() {
        use RoundState::*;
        assert!(Draft.may_become(Open));
        assert!(Closed.may_become(Open));
        assert!(Closed.may_become(Published));
        assert!(!Draft.may_become(Published));
        assert!(!Published.may_become(Open));
        assert!(!Open.may_become(Draft));
    }
}
