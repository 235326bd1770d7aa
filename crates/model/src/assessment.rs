//! The central office's assessments (*bedömningar*): per strategy or per goal area and round, a
//! level on a scale with a motivation, and the narrative per goal area that the council report
//! prints. The scale is data — a choice scale whose options run from best to worst — so that a
//! city can use its own words; Göteborg's four levels are the default.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::compilation::{AssessmentSummary, Tally};
use crate::{AnswerOption, AnswerScale, Key, ScaleKind};

/// The key of the default scale, and of a stored scale that replaces it.
pub const DEFAULT_SCALE: &str = "bedomning";

/// The levels an assessment can take, best first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AssessmentScale {
    pub key: Key,
    pub name: String,
    pub levels: Vec<AnswerOption>,
}

/// Where on a scale a level stands, for its colour: the best, good, poor, the worst. A scale of
/// any length is spread over these four.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    Best,
    Good,
    Poor,
    Worst,
}

impl Tone {
    /// The word in class names and in the reports' templates.
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Best => "best",
            Tone::Good => "good",
            Tone::Poor => "poor",
            Tone::Worst => "worst",
        }
    }

    /// The colour printed beside the level's words (a hex RGB without `#`), light enough for
    /// black text.
    pub fn colour(self) -> &'static str {
        match self {
            Tone::Best => "B7E1B5",
            Tone::Good => "E6EDA8",
            Tone::Poor => "F7D08A",
            Tone::Worst => "F2A8A0",
        }
    }
}

impl AssessmentScale {
    /// Göteborg's four levels from its programme follow-ups.
    pub fn standard() -> AssessmentScale {
        let level = |key: &str, label: &str| AnswerOption {
            key: Key::parse(key).expect("a valid key"),
            label: label.into(),
            neutral: false,
        };
        AssessmentScale {
            key: Key::parse(DEFAULT_SCALE).expect("a valid key"),
            name: "Bedömning".into(),
            levels: vec![
                level("i-enlighet", "Arbetar i enlighet med strategin"),
                level("mindre-utveckling", "Mindre utvecklingsarbete kvarstår"),
                level("stort-utvecklingsbehov", "Stort utvecklingsbehov"),
                level("ej-paborjat", "Arbetet ej påbörjat"),
            ],
        }
    }

    /// The scale a city defined as a choice scale, best option first; `None` for another kind.
    pub fn from_answer_scale(scale: &AnswerScale) -> Option<AssessmentScale> {
        match &scale.kind {
            ScaleKind::Choice { options } if !options.is_empty() => Some(AssessmentScale {
                key: scale.key.clone(),
                name: scale.name.clone(),
                levels: options.clone(),
            }),
            _ => None,
        }
    }

    /// The scale to use: a stored scale under `key` if it is a choice scale, else the standard.
    pub fn chosen(scales: &[AnswerScale], key: &str) -> AssessmentScale {
        scales
            .iter()
            .filter(|s| s.key.as_str() == key)
            .find_map(AssessmentScale::from_answer_scale)
            .unwrap_or_else(AssessmentScale::standard)
    }

    /// The level's position, best first.
    pub fn position(&self, level: &Key) -> Option<usize> {
        self.levels.iter().position(|l| &l.key == level)
    }

    /// The level's words.
    pub fn label(&self, level: &Key) -> Option<&str> {
        self.levels
            .iter()
            .find(|l| &l.key == level)
            .map(|l| l.label.as_str())
    }

    /// The level's tone: its position spread over the four tones.
    pub fn tone(&self, level: &Key) -> Option<Tone> {
        let at = self.position(level)?;
        let last = self.levels.len().saturating_sub(1).max(1);
        Some(match (at * 3 + last / 2) / last {
            0 => Tone::Best,
            1 => Tone::Good,
            2 => Tone::Poor,
            _ => Tone::Worst,
        })
    }
}

/// What an assessment is given for: each strategy (question), or each goal area (section).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssessAt {
    #[default]
    Question,
    Section,
}

impl AssessAt {
    /// The word used in files and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AssessAt::Question => "question",
            AssessAt::Section => "section",
        }
    }

    /// Reads the stored word back.
    pub fn parse(text: &str) -> Option<AssessAt> {
        [AssessAt::Question, AssessAt::Section]
            .into_iter()
            .find(|a| a.as_str() == text)
    }
}

/// How a document is assessed: at which level and on which scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssessmentSettings {
    pub at: AssessAt,
    /// The key of the scale ([`DEFAULT_SCALE`] for the standard, or a stored choice scale's).
    pub scale: Key,
}

impl Default for AssessmentSettings {
    fn default() -> AssessmentSettings {
        AssessmentSettings {
            at: AssessAt::Question,
            scale: Key::parse(DEFAULT_SCALE).expect("a valid key"),
        }
    }
}

/// The central office's assessment of one strategy or goal area in a round.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessment {
    /// The question or section key, by [`AssessAt`].
    pub subject: Key,
    pub level: Key,
    pub motivation: String,
    /// The coordinator's e-mail address.
    pub assessed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub assessed_at: OffsetDateTime,
    /// Starts at 1; a save names the version it replaces, and a stale one is refused.
    pub version: i64,
}

/// A document's assessments as the round's compilation lists them, in `scale`'s words (by key
/// for a level the scale no longer has, as the council report prints it).
pub fn summaries(
    document: &Key,
    scale: &AssessmentScale,
    assessments: &[Assessment],
) -> Vec<AssessmentSummary> {
    assessments
        .iter()
        .map(|a| AssessmentSummary {
            document: document.clone(),
            subject: a.subject.clone(),
            level: a.level.clone(),
            label: scale
                .label(&a.level)
                .map_or_else(|| a.level.to_string(), str::to_owned),
            motivation: a.motivation.clone(),
        })
        .collect()
}

/// What a goal area's text in the council report says for a round.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Narrative {
    pub section: Key,
    /// *Utveckling sedan antagandet*, Markdown.
    pub since_adoption: String,
    /// *Frågor och utveckling framåt*, Markdown.
    pub ahead: String,
    /// 0 before the first save.
    pub version: i64,
}

impl Narrative {
    /// A goal area's narrative before anyone has written it.
    pub fn empty(section: Key) -> Narrative {
        Narrative {
            section,
            since_adoption: String::new(),
            ahead: String::new(),
            version: 0,
        }
    }

    /// Whether nothing is written yet.
    pub fn is_blank(&self) -> bool {
        self.since_adoption.trim().is_empty() && self.ahead.trim().is_empty()
    }
}

/// The longest motivation or narrative text accepted: several pages, well past any real one.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// The numbers behind a suggestion, for one strategy or goal area.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Evidence {
    pub tally: Tally,
    /// Organisations that answered the positive option last round and another one now.
    pub turned_negative: usize,
}

/// A level drafted from the answers, with why; shown beside the form, never stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestion {
    pub level: Key,
    pub motivation: String,
}

/// Drafts a level from the answers: the positive share picks one of the scale's levels in equal
/// steps (on Göteborg's four: above 75 % the best, above 50 % the second, above 25 % the third,
/// else the last), and any organisation that went from the positive answer to another since last
/// round moves it one level down. Nothing answered gives no suggestion.
pub fn suggest(scale: &AssessmentScale, evidence: &Evidence) -> Option<Suggestion> {
    let tally = &evidence.tally;
    let share = tally.positive_share()?;
    let levels = scale.levels.len();
    let from_share = (((1.0 - share) * levels as f64).floor() as usize).min(levels - 1);
    let at = if evidence.turned_negative > 0 {
        (from_share + 1).min(levels - 1)
    } else {
        from_share
    };
    let chosen: usize = tally
        .options
        .iter()
        .filter(|o| !o.neutral)
        .map(|o| o.count)
        .sum();
    let mut why = format!(
        "{} av {} organisationer som tagit ställning svarade ja ({} %).",
        tally.positive,
        chosen,
        (share * 100.0).round()
    );
    if evidence.turned_negative > 0 {
        why.push_str(&format!(
            " {} har gått från ja till ett annat svar sedan förra omgången.",
            evidence.turned_negative
        ));
    }
    let unanswered = tally.assigned.saturating_sub(tally.answered);
    if unanswered > 0 {
        why.push_str(&format!(
            " {unanswered} av {} har inte svarat.",
            tally.assigned
        ));
    }
    Some(Suggestion {
        level: scale.levels[at].key.clone(),
        motivation: why,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compilation::OptionCount;

    fn tally(ja: usize, nej: usize, ej_aktuellt: usize, assigned: usize) -> Tally {
        let option = |key: &str, count, neutral| OptionCount {
            key: Key::parse(key).unwrap(),
            label: key.into(),
            count,
            neutral,
        };
        Tally {
            assigned,
            answered: ja + nej + ej_aktuellt,
            options: vec![
                option("ja", ja, false),
                option("nej", nej, false),
                option("ej-aktuellt", ej_aktuellt, true),
            ],
            positive: ja,
        }
    }

    fn suggested(ja: usize, nej: usize, turned: usize) -> String {
        let evidence = Evidence {
            tally: tally(ja, nej, 0, ja + nej),
            turned_negative: turned,
        };
        suggest(&AssessmentScale::standard(), &evidence)
            .unwrap()
            .level
            .to_string()
    }

    #[test]
    fn the_positive_share_picks_the_level_in_equal_steps() {
        assert_eq!(suggested(10, 0, 0), "i-enlighet");
        assert_eq!(suggested(8, 2, 0), "i-enlighet");
        assert_eq!(
            suggested(3, 1, 0),
            "mindre-utveckling",
            "75 % is not above 75 %"
        );
        assert_eq!(suggested(6, 4, 0), "mindre-utveckling");
        assert_eq!(suggested(1, 1, 0), "stort-utvecklingsbehov");
        assert_eq!(suggested(3, 7, 0), "stort-utvecklingsbehov");
        assert_eq!(suggested(1, 9, 0), "ej-paborjat");
        assert_eq!(suggested(0, 5, 0), "ej-paborjat");
    }

    #[test]
    fn an_answer_turned_from_ja_moves_the_suggestion_one_level_down() {
        assert_eq!(suggested(10, 0, 1), "mindre-utveckling");
        assert_eq!(
            suggested(0, 5, 2),
            "ej-paborjat",
            "never past the last level"
        );
    }

    #[test]
    fn the_motivation_gives_the_numbers_and_neutral_answers_stay_out_of_the_share() {
        let evidence = Evidence {
            tally: tally(6, 2, 4, 15),
            turned_negative: 1,
        };
        let s = suggest(&AssessmentScale::standard(), &evidence).unwrap();
        assert_eq!(
            s.level.as_str(),
            "stort-utvecklingsbehov",
            "6 of 8 is 75 %, the second level, and one turned"
        );
        assert!(s.motivation.contains("6 av 8"), "{}", s.motivation);
        assert!(s.motivation.contains("75 %"), "{}", s.motivation);
        assert!(
            s.motivation.contains("1 har gått från ja"),
            "{}",
            s.motivation
        );
        assert!(
            s.motivation.contains("3 av 15 har inte svarat"),
            "{}",
            s.motivation
        );
    }

    #[test]
    fn nothing_answered_gives_no_suggestion() {
        let evidence = Evidence {
            tally: tally(0, 0, 2, 5),
            turned_negative: 0,
        };
        assert_eq!(suggest(&AssessmentScale::standard(), &evidence), None);
    }

    #[test]
    fn a_scale_of_any_length_spreads_over_the_four_tones() {
        let standard = AssessmentScale::standard();
        let tones: Vec<Tone> = standard
            .levels
            .iter()
            .map(|l| standard.tone(&l.key).unwrap())
            .collect();
        assert_eq!(tones, [Tone::Best, Tone::Good, Tone::Poor, Tone::Worst]);
        let mut two = standard.clone();
        two.levels.truncate(2);
        let tones: Vec<Tone> = two
            .levels
            .iter()
            .map(|l| two.tone(&l.key).unwrap())
            .collect();
        assert_eq!(tones, [Tone::Best, Tone::Worst]);
    }

    #[test]
    fn a_stored_choice_scale_replaces_the_standard_and_another_kind_does_not() {
        let own = crate::scale::tests::choice("bedomning", &[("gron", "Grön"), ("rod", "Röd")]);
        let chosen = AssessmentScale::chosen(std::slice::from_ref(&own), DEFAULT_SCALE);
        assert_eq!(chosen.levels.len(), 2);
        let text = AnswerScale {
            key: Key::parse("bedomning").unwrap(),
            name: "Fritext".into(),
            kind: ScaleKind::Text,
        };
        assert_eq!(
            AssessmentScale::chosen(&[text], DEFAULT_SCALE),
            AssessmentScale::standard()
        );
    }
}
