//! A whole configuration — scales, organisations, documents, rounds — checked as one, so that a
//! reference from one file to another is caught before anything is stored.

use std::collections::{HashMap, HashSet};

use crate::{AnswerScale, Document, Key, Organisation, Path, Problem, Round};

/// Everything a coordinator defines, as read from files or from the database.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Definitions {
    pub scales: Vec<AnswerScale>,
    pub organisations: Vec<Organisation>,
    pub documents: Vec<Document>,
    pub rounds: Vec<Round>,
}

/// Which object of a [`Definitions`] a problem belongs to, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectRef {
    Scale(usize),
    Organisation(usize),
    Document(usize),
    Round(usize),
}

impl Definitions {
    /// Adds the objects of `existing` whose keys this set does not define, after this set's own,
    /// so that positions in `self` stay valid. Used to check files against what is already stored.
    pub fn with_fallback(mut self, existing: Definitions) -> Definitions {
        fn extend<T>(ours: &mut Vec<T>, theirs: Vec<T>, key: impl Fn(&T) -> &Key) {
            let defined: HashSet<Key> = ours.iter().map(|t| key(t).clone()).collect();
            ours.extend(theirs.into_iter().filter(|t| !defined.contains(key(t))));
        }
        extend(&mut self.scales, existing.scales, |s| &s.key);
        extend(&mut self.organisations, existing.organisations, |o| &o.key);
        extend(&mut self.documents, existing.documents, |d| &d.key);
        extend(&mut self.rounds, existing.rounds, |r| &r.key);
        self
    }

    /// Checks every object and every reference between them. Returns every problem found.
    pub fn validate(&self) -> Vec<(ObjectRef, Problem)> {
        let mut problems = Vec::new();
        let root = Path::root();

        unique(
            &self.scales,
            |s| s.key.as_str(),
            "svarsskalan",
            ObjectRef::Scale,
            &mut problems,
        );
        for (i, scale) in self.scales.iter().enumerate() {
            problems.extend(
                scale
                    .validate(&root)
                    .into_iter()
                    .map(|p| (ObjectRef::Scale(i), p)),
            );
        }

        unique(
            &self.organisations,
            |o| o.key.as_str(),
            "organisationsnyckeln",
            ObjectRef::Organisation,
            &mut problems,
        );
        let mut names = HashSet::new();
        for (i, organisation) in self.organisations.iter().enumerate() {
            problems.extend(
                organisation
                    .validate(&root)
                    .into_iter()
                    .map(|p| (ObjectRef::Organisation(i), p)),
            );
            if !names.insert(organisation.name.trim().to_lowercase()) {
                problems.push((
                    ObjectRef::Organisation(i),
                    Problem::new(
                        root.field("name"),
                        format!("organisationen «{}» finns redan", organisation.name),
                    ),
                ));
            }
        }

        let scales: HashMap<&Key, &AnswerScale> = self.scales.iter().map(|s| (&s.key, s)).collect();
        unique(
            &self.documents,
            |d| d.key.as_str(),
            "dokumentnyckeln",
            ObjectRef::Document,
            &mut problems,
        );
        for (i, document) in self.documents.iter().enumerate() {
            let options = |key: &Key| {
                scales
                    .get(key)
                    .map(|s| s.options().iter().map(|o| &o.key).collect())
            };
            problems.extend(
                document
                    .validate(options)
                    .into_iter()
                    .map(|p| (ObjectRef::Document(i), p)),
            );
        }

        // Each document's question keys, read once: a round may target every question.
        let documents: HashMap<&Key, HashSet<&Key>> = self
            .documents
            .iter()
            .map(|d| (&d.key, d.all_questions().map(|q| &q.key).collect()))
            .collect();
        let organisations: HashSet<&Key> = self.organisations.iter().map(|o| &o.key).collect();
        unique(
            &self.rounds,
            |r| r.key.as_str(),
            "omgångsnyckeln",
            ObjectRef::Round,
            &mut problems,
        );
        for (i, round) in self.rounds.iter().enumerate() {
            let object = ObjectRef::Round(i);
            problems.extend(round.validate(&root).into_iter().map(|p| (object, p)));
            for (j, key) in round.documents.iter().enumerate() {
                if !documents.contains_key(key) {
                    problems.push((
                        object,
                        Problem::new(
                            root.item("documents", j),
                            format!("dokumentet «{key}» finns inte"),
                        ),
                    ));
                }
            }
            for (j, target) in round.targets.iter().enumerate() {
                let here = root.item("target", j);
                // A target on a retired question stays, without effect: a round that opened
                // with the question still asks it, and restoring it brings the limit back.
                let found = documents
                    .get(&target.question.document)
                    .is_some_and(|questions| questions.contains(&target.question.question));
                if documents.contains_key(&target.question.document) && !found {
                    problems.push((
                        object,
                        Problem::new(
                            here.field("question"),
                            format!("frågan «{}» finns inte", target.question),
                        ),
                    ));
                }
                for (k, organisation) in target.organisations.iter().enumerate() {
                    if !organisations.contains(organisation) {
                        problems.push((
                            object,
                            Problem::new(
                                here.item("organisations", k),
                                format!("organisationen «{organisation}» finns inte"),
                            ),
                        ));
                    }
                }
            }
            for (j, extension) in round.extensions.iter().enumerate() {
                if !organisations.contains(&extension.organisation) {
                    problems.push((
                        object,
                        Problem::new(
                            root.item("extension", j).field("organisation"),
                            format!("organisationen «{}» finns inte", extension.organisation),
                        ),
                    ));
                }
            }
        }
        problems
    }
}

fn unique<T>(
    items: &[T],
    key: impl Fn(&T) -> &str,
    what: &str,
    object: fn(usize) -> ObjectRef,
    problems: &mut Vec<(ObjectRef, Problem)>,
) {
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        if !seen.insert(key(item)) {
            problems.push((
                object(i),
                Problem::new(
                    Path::root().field("key"),
                    format!("{what} «{}» används redan", key(item)),
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrganisationKind::Namnd;
    use crate::document::tests::{document, key, question, section};
    use crate::round::tests::{org, round};
    use crate::scale::tests::choice;
    use crate::{QuestionRef, Target};

    fn valid() -> Definitions {
        Definitions {
            scales: vec![choice("ja-nej", &[("ja", "Ja"), ("nej", "Nej")])],
            organisations: vec![org("sn", Namnd), org("ks", Namnd)],
            documents: vec![document(
                "d",
                vec![section(
                    "s",
                    None,
                    vec![question("q1"), question("q2")],
                    vec![],
                )],
            )],
            rounds: vec![round(vec![Target {
                question: QuestionRef {
                    document: key("d"),
                    question: key("q2"),
                },
                organisations: vec![key("sn")],
                kinds: vec![],
            }])],
        }
    }

    fn described(defs: &Definitions) -> Vec<String> {
        defs.validate()
            .into_iter()
            .map(|(object, problem)| format!("{object:?} {problem}"))
            .collect()
    }

    #[test]
    fn a_consistent_configuration_has_no_problems() {
        assert_eq!(described(&valid()), Vec::<String>::new());
    }

    #[test]
    fn broken_references_across_objects_are_all_reported() {
        let mut defs = valid();
        defs.organisations.push(org("sn", Namnd));
        defs.documents[0].sections[0].questions[0].scale = key("okand");
        defs.rounds[0].documents.push(key("saknas"));
        defs.rounds[0].targets[0]
            .organisations
            .push(key("okand-org"));
        defs.rounds[0].targets.push(Target {
            question: QuestionRef {
                document: key("d"),
                question: key("q9"),
            },
            organisations: vec![key("ks")],
            kinds: vec![],
        });
        assert_eq!(
            described(&defs),
            [
                "Organisation(2) key: organisationsnyckeln «sn» används redan",
                "Organisation(2) name: organisationen «SN» finns redan",
                "Document(0) section[0].question[0].scale: svarsskalan «okand» finns inte",
                "Round(0) documents[1]: dokumentet «saknas» finns inte",
                "Round(0) target[0].organisations[1]: organisationen «okand-org» finns inte",
                "Round(0) target[1].question: frågan «d/q9» finns inte",
            ]
        );
    }

    #[test]
    fn a_target_on_a_retired_question_is_kept_without_a_problem() {
        let mut defs = valid();
        defs.documents[0].sections[0].questions[1].retired = true;
        assert_eq!(described(&defs), Vec::<String>::new());
    }

    #[test]
    fn fallback_fills_in_what_the_files_do_not_define_and_keeps_positions() {
        let stored = valid();
        let mut files = Definitions::default();
        let mut renamed = org("ks", Namnd);
        renamed.name = "Kommunstyrelsen".into();
        files.organisations.push(renamed);
        let merged = files.with_fallback(stored);
        let names: Vec<&str> = merged
            .organisations
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        assert_eq!(names, ["Kommunstyrelsen", "SN"]);
        assert_eq!(merged.documents.len(), 1);
        assert!(merged.validate().is_empty());
    }
}
