//! What definition files say about the council report beside the definitions proper: per
//! document how it is assessed and its indicators with their yearly values, per round the
//! assessments and the goal areas' texts. Kept apart from [`Definitions`] because these are
//! stored and versioned one by one, as the coordinators' pages edit them; checked against the
//! definitions as a whole, so that a file naming a strategy that is not there is refused at its
//! line before anything is stored.

use std::collections::{HashMap, HashSet};

use time::OffsetDateTime;

use crate::assessment::{
    AssessAt, AssessmentScale, AssessmentSettings, DEFAULT_SCALE, MAX_TEXT_CHARS,
};
use crate::indicator::{Indicator, line_problem};
use crate::text::{control_character, control_character_message};
use crate::{Definitions, Document, Key, Path, Problem};

/// The council report's material of the files read, or of the whole database for an export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CouncilData {
    pub documents: Vec<DocumentData>,
    pub rounds: Vec<RoundData>,
}

/// A document's assessment settings and indicators, as its file gives them.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentData {
    pub document: Key,
    /// `None` when the file does not say: what is stored stays.
    pub settings: Option<AssessmentSettings>,
    pub indicators: Vec<Indicator>,
}

/// A round's assessments and goal-area texts, as its file gives them.
#[derive(Clone, Debug, PartialEq)]
pub struct RoundData {
    pub round: Key,
    pub assessments: Vec<FiledAssessment>,
    pub narratives: Vec<FiledNarrative>,
}

/// An assessment in a round's file. Who made it and when are kept when the file says (an
/// export says), and are the importer and the time of import otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct FiledAssessment {
    pub document: Key,
    pub subject: Key,
    pub level: Key,
    pub motivation: String,
    pub assessed_by: Option<String>,
    pub assessed_at: Option<OffsetDateTime>,
}

/// A goal area's texts in a round's file.
#[derive(Clone, Debug, PartialEq)]
pub struct FiledNarrative {
    pub document: Key,
    pub section: Key,
    pub since_adoption: String,
    pub ahead: String,
}

/// Which part of a [`CouncilData`] a problem belongs to, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataRef {
    Document(usize),
    Round(usize),
}

/// What is wrong with a coordinator's text (a motivation, a narrative), if anything: too long,
/// or holding a control character that no editor shows.
pub fn text_problem(what: &str, text: &str) -> Option<String> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return Some(format!("{what} får vara högst {MAX_TEXT_CHARS} tecken"));
    }
    control_character(&text.replace("\r\n", "\n")).map(|at| control_character_message(what, at))
}

/// A motivation or goal-area text as it is stored: Unix line ends (a form or a file saved on
/// Windows sends others) and no blank lines around it, so that an unchanged text compares equal.
pub fn tidy_text(text: &str) -> String {
    text.replace("\r\n", "\n").trim().to_owned()
}

/// Whether `scale` may be a document's assessment scale: the standard, or a choice scale.
pub fn assessable_scale(definitions: &Definitions, scale: &Key) -> bool {
    scale.as_str() == DEFAULT_SCALE
        || definitions
            .scales
            .iter()
            .any(|s| &s.key == scale && AssessmentScale::from_answer_scale(s).is_some())
}

impl CouncilData {
    /// Checks every part against `definitions` (the files' merged with what is stored);
    /// `stored` gives the assessment settings of documents whose files do not set them.
    /// Returns every problem found, each at its path below the file's `document` or `round`.
    pub fn validate(
        &self,
        definitions: &Definitions,
        stored: &HashMap<Key, AssessmentSettings>,
    ) -> Vec<(DataRef, Problem)> {
        let mut problems = Vec::new();
        let mut settings = stored.clone();
        for (i, data) in self.documents.iter().enumerate() {
            let mut add = |path: Path, message: String| {
                problems.push((DataRef::Document(i), Problem::new(path, message)));
            };
            let Some(document) = definitions
                .documents
                .iter()
                .find(|d| d.key == data.document)
            else {
                add(
                    Path::root(),
                    format!("dokumentet «{}» finns inte", data.document),
                );
                continue;
            };
            if let Some(given) = &data.settings {
                if !assessable_scale(definitions, &given.scale) {
                    add(
                        Path::root().field("assessment").field("scale"),
                        format!(
                            "«{}» är varken standardskalan «{DEFAULT_SCALE}» eller en \
                             svarsskala med alternativ",
                            given.scale
                        ),
                    );
                }
                settings.insert(data.document.clone(), given.clone());
            }
            let mut keys = HashSet::new();
            for (j, indicator) in data.indicators.iter().enumerate() {
                let at = Path::root().item("indicator", j);
                for problem in indicator.validate(&at) {
                    add(problem.path, problem.message);
                }
                if !keys.insert(&indicator.key) {
                    add(
                        at.field("key"),
                        format!("indikatorn «{}» finns redan i filen", indicator.key),
                    );
                }
                if let Some(section) = &indicator.section
                    && document.section(section).is_none()
                {
                    add(
                        at.field("section"),
                        format!("«{section}» är inte ett avsnitt i dokumentet"),
                    );
                }
            }
        }
        for (i, data) in self.rounds.iter().enumerate() {
            let mut add = |path: Path, message: String| {
                problems.push((DataRef::Round(i), Problem::new(path, message)));
            };
            let Some(round) = definitions.rounds.iter().find(|r| r.key == data.round) else {
                add(
                    Path::root(),
                    format!("omgången «{}» finns inte", data.round),
                );
                continue;
            };
            let asked = |key: &Key| -> Result<&Document, String> {
                if !round.documents.contains(key) {
                    return Err(format!("omgången «{}» följer inte upp «{key}»", round.key));
                }
                definitions
                    .documents
                    .iter()
                    .find(|d| &d.key == key)
                    .ok_or_else(|| format!("dokumentet «{key}» finns inte"))
            };
            let mut assessed = HashSet::new();
            for (j, filed) in data.assessments.iter().enumerate() {
                let at = Path::root().item("assessment", j);
                let document = match asked(&filed.document) {
                    Ok(document) => document,
                    Err(message) => {
                        add(at.field("document"), message);
                        continue;
                    }
                };
                let chosen = settings.get(&filed.document).cloned().unwrap_or_default();
                let found = match chosen.at {
                    AssessAt::Question => document.question(&filed.subject).is_some(),
                    AssessAt::Section => document.section(&filed.subject).is_some(),
                };
                if !found {
                    let what = match chosen.at {
                        AssessAt::Question => "en strategi (fråga)",
                        AssessAt::Section => "ett målområde (avsnitt)",
                    };
                    add(
                        at.field("subject"),
                        format!(
                            "«{}» är inte {what} i «{}», som bedöms per {}",
                            filed.subject,
                            filed.document,
                            chosen.at.as_str()
                        ),
                    );
                }
                if !assessed.insert((&filed.document, &filed.subject)) {
                    add(
                        at.field("subject"),
                        format!(
                            "«{}/{}» är redan bedömd i filen",
                            filed.document, filed.subject
                        ),
                    );
                }
                let scale = AssessmentScale::chosen(&definitions.scales, chosen.scale.as_str());
                if scale.position(&filed.level).is_none() {
                    let levels: Vec<&str> = scale.levels.iter().map(|l| l.key.as_str()).collect();
                    add(
                        at.field("level"),
                        format!(
                            "«{}» är inte en nivå på skalan «{}» ({})",
                            filed.level,
                            scale.key,
                            levels.join(", ")
                        ),
                    );
                }
                if let Some(message) = text_problem("motiveringen", &filed.motivation) {
                    add(at.field("motivation"), message);
                }
                if let Some(by) = &filed.assessed_by
                    && let Some(message) = line_problem("den som bedömde", by)
                {
                    add(at.field("assessed_by"), message);
                }
            }
            let mut written = HashSet::new();
            for (j, filed) in data.narratives.iter().enumerate() {
                let at = Path::root().item("narrative", j);
                let document = match asked(&filed.document) {
                    Ok(document) => document,
                    Err(message) => {
                        add(at.field("document"), message);
                        continue;
                    }
                };
                if document.section(&filed.section).is_none() {
                    add(
                        at.field("section"),
                        format!(
                            "«{}» är inte ett målområde i «{}»",
                            filed.section, filed.document
                        ),
                    );
                }
                if !written.insert((&filed.document, &filed.section)) {
                    add(
                        at.field("section"),
                        format!(
                            "«{}/{}» har redan texter i filen",
                            filed.document, filed.section
                        ),
                    );
                }
                for (field, what, text) in [
                    (
                        "since_adoption",
                        "texten om utvecklingen sedan antagandet",
                        &filed.since_adoption,
                    ),
                    ("ahead", "texten om frågor framåt", &filed.ahead),
                ] {
                    if let Some(message) = text_problem(what, text) {
                        add(at.field(field), message);
                    }
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::tests::{document, key, question, section};
    use crate::indicator::Direction;
    use crate::indicator::tests::indicator;
    use crate::round::tests::round;

    fn definitions() -> Definitions {
        let doc = document(
            "program",
            vec![section("mal-1", None, vec![question("strategi-1")], vec![])],
        );
        let mut round = round(vec![]);
        round.documents = vec![key("program")];
        Definitions {
            documents: vec![doc],
            rounds: vec![round],
            ..Definitions::default()
        }
    }

    fn assessment(subject: &str, level: &str) -> FiledAssessment {
        FiledAssessment {
            document: key("program"),
            subject: key(subject),
            level: key(level),
            motivation: "Motivering".into(),
            assessed_by: None,
            assessed_at: None,
        }
    }

    fn round_data(assessments: Vec<FiledAssessment>) -> CouncilData {
        CouncilData {
            rounds: vec![RoundData {
                round: key("2025"),
                assessments,
                narratives: vec![],
            }],
            ..CouncilData::default()
        }
    }

    fn messages(data: &CouncilData, stored: &HashMap<Key, AssessmentSettings>) -> Vec<String> {
        data.validate(&definitions(), stored)
            .into_iter()
            .map(|(_, p)| p.to_string())
            .collect()
    }

    #[test]
    fn an_assessment_of_a_strategy_on_the_standard_scale_is_accepted() {
        let data = round_data(vec![assessment("strategi-1", "i-enlighet")]);
        assert_eq!(messages(&data, &HashMap::new()), Vec::<String>::new());
    }

    #[test]
    fn an_unknown_subject_a_level_off_the_scale_and_a_second_assessment_are_each_named() {
        let data = round_data(vec![
            assessment("strategi-9", "i-enlighet"),
            assessment("strategi-1", "utmarkt"),
            assessment("strategi-1", "i-enlighet"),
        ]);
        let found = messages(&data, &HashMap::new());
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("assessment[0].subject: «strategi-9» är inte"));
        assert!(found[1].starts_with("assessment[1].level: «utmarkt» är inte en nivå"));
        assert!(found[2].contains("redan bedömd"));
    }

    #[test]
    fn a_document_assessed_per_goal_area_takes_sections_as_subjects_from_stored_settings() {
        let stored = HashMap::from([(
            key("program"),
            AssessmentSettings {
                at: AssessAt::Section,
                ..AssessmentSettings::default()
            },
        )]);
        let data = round_data(vec![assessment("mal-1", "ej-paborjat")]);
        assert_eq!(messages(&data, &stored), Vec::<String>::new());
        let data = round_data(vec![assessment("strategi-1", "ej-paborjat")]);
        assert_eq!(messages(&data, &stored).len(), 1);
    }

    #[test]
    fn an_indicator_in_an_unknown_section_or_twice_and_an_unknown_scale_are_refused() {
        let mut wrong = indicator(Direction::Higher);
        wrong.section = Some(key("mal-9"));
        let data = CouncilData {
            documents: vec![DocumentData {
                document: key("program"),
                settings: Some(AssessmentSettings {
                    at: AssessAt::Question,
                    scale: key("saknas"),
                }),
                indicators: vec![indicator(Direction::Higher), wrong],
            }],
            ..CouncilData::default()
        };
        let found = messages(&data, &HashMap::new());
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("assessment.scale:"));
        assert!(found[1].starts_with("indicator[1].key:"));
        assert!(found[2].starts_with("indicator[1].section:"));
    }

    #[test]
    fn a_narrative_for_a_document_the_round_does_not_follow_up_is_refused() {
        let mut data = round_data(vec![]);
        data.rounds[0].narratives.push(FiledNarrative {
            document: key("annat"),
            section: key("mal-1"),
            since_adoption: "Text".into(),
            ahead: "Tab\u{7}".into(),
        });
        data.rounds[0].narratives.push(FiledNarrative {
            document: key("program"),
            section: key("mal-1"),
            since_adoption: String::new(),
            ahead: "Klock\u{7}a".into(),
        });
        let found = messages(&data, &HashMap::new());
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("narrative[0].document: omgången «2025» följer inte upp"));
        assert!(found[1].starts_with("narrative[1].ahead:"));
    }
}
