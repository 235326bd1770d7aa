//! Answer scales: what a respondent may answer. Scales are data, so a city can add its own.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Key, Path, Problem};

/// A named set of allowed answers, shared by many questions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerScale {
    pub key: Key,
    pub name: String,
    pub kind: ScaleKind,
}

/// The shape of an answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ScaleKind {
    /// One of a fixed list of options (*Ja*, *Nej*, *Delvis*, *Ej aktuellt* …).
    Choice { options: Vec<AnswerOption> },
    /// Free text.
    Text,
    /// A number with a unit (*st*, *kr*, *%*).
    Number { unit: String },
}

/// One option of a choice scale. The key is what is stored; the label is what people read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerOption {
    pub key: Key,
    pub label: String,
    /// An option that takes no side (*Ej aktuellt*): the compilation shows it, but leaves it out
    /// of the positive share and never flags it as a negative answer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub neutral: bool,
}

/// A given answer, already checked against its scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum AnswerValue {
    Choice(Key),
    Text(String),
    Number(f64),
}

/// Why an answer does not fit its scale.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    #[error("«{given}» är inte ett svarsalternativ; välj ett av: {allowed}")]
    UnknownOption { given: String, allowed: String },
    #[error("«{0}» är inte ett tal")]
    NotANumber(String),
    #[error("svaret får vara högst {max} tecken")]
    TooLong { max: usize },
}

/// The longest free-text answer accepted; long prose belongs in the comment.
pub const MAX_TEXT_ANSWER_CHARS: usize = 2_000;

impl AnswerScale {
    /// Checks a scale on its own: a choice needs two or more options with distinct keys and labels.
    pub fn validate(&self, at: &Path) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(Problem::new(at.field("name"), "skalan saknar namn"));
        }
        problems.extend(crate::text::control_problem(
            at.field("name"),
            "namnet",
            &self.name,
        ));
        match &self.kind {
            ScaleKind::Choice { options } => {
                if options.len() < 2 {
                    problems.push(Problem::new(
                        at.field("options"),
                        "en flervalsskala behöver minst två svarsalternativ",
                    ));
                }
                let mut keys = HashSet::new();
                let mut labels = HashSet::new();
                for (i, option) in options.iter().enumerate() {
                    let here = at.item("options", i);
                    if !keys.insert(&option.key) {
                        problems.push(Problem::new(
                            here.field("key"),
                            format!("svarsalternativet «{}» finns redan i skalan", option.key),
                        ));
                    }
                    problems.extend(crate::text::control_problem(
                        here.field("label"),
                        "svarsalternativet",
                        &option.label,
                    ));
                    if option.label.trim().is_empty() {
                        problems.push(Problem::new(
                            here.field("label"),
                            "svarsalternativet saknar text",
                        ));
                    } else if !labels.insert(option.label.to_lowercase()) {
                        problems.push(Problem::new(
                            here.field("label"),
                            format!(
                                "texten «{}» används redan av ett annat alternativ",
                                option.label
                            ),
                        ));
                    }
                }
            }
            ScaleKind::Number { unit } if unit.trim().is_empty() => {
                problems.push(Problem::new(
                    at.field("unit"),
                    "en talskala behöver en enhet",
                ));
            }
            ScaleKind::Number { .. } | ScaleKind::Text => {}
        }
        problems
    }

    /// The options of a choice scale; empty for text and number scales.
    pub fn options(&self) -> &[AnswerOption] {
        match &self.kind {
            ScaleKind::Choice { options } => options,
            _ => &[],
        }
    }

    /// Whether `key` names one of this scale's options.
    pub fn has_option(&self, key: &Key) -> bool {
        self.options().iter().any(|o| &o.key == key)
    }

    /// The label people read for a stored answer.
    pub fn display(&self, value: &AnswerValue) -> String {
        match value {
            AnswerValue::Choice(key) => self
                .options()
                .iter()
                .find(|o| &o.key == key)
                .map_or_else(|| key.to_string(), |o| o.label.clone()),
            AnswerValue::Text(text) => text.clone(),
            AnswerValue::Number(n) => match &self.kind {
                ScaleKind::Number { unit } => format!("{} {unit}", format_number(*n)),
                _ => format_number(*n),
            },
        }
    }

    /// Reads an answer as a person or a form gives it: an option's key or label (any case), a
    /// text, or a number with a decimal comma or point.
    pub fn parse_value(&self, given: &str) -> Result<AnswerValue, ValueError> {
        let trimmed = given.trim();
        match &self.kind {
            ScaleKind::Choice { options } => options
                .iter()
                .find(|o| {
                    o.key.as_str() == trimmed || o.label.to_lowercase() == trimmed.to_lowercase()
                })
                .map(|o| AnswerValue::Choice(o.key.clone()))
                .ok_or_else(|| ValueError::UnknownOption {
                    given: trimmed.to_owned(),
                    allowed: options
                        .iter()
                        .map(|o| o.label.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                }),
            ScaleKind::Text => {
                if trimmed.chars().count() > MAX_TEXT_ANSWER_CHARS {
                    Err(ValueError::TooLong {
                        max: MAX_TEXT_ANSWER_CHARS,
                    })
                } else {
                    Ok(AnswerValue::Text(trimmed.to_owned()))
                }
            }
            ScaleKind::Number { .. } => trimmed
                .replace(',', ".")
                .replace([' ', '\u{a0}'], "")
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(AnswerValue::Number)
                .ok_or_else(|| ValueError::NotANumber(trimmed.to_owned())),
        }
    }

    /// Checks a stored value against this scale (a scale may have changed since).
    pub fn accepts(&self, value: &AnswerValue) -> bool {
        match (&self.kind, value) {
            (ScaleKind::Choice { .. }, AnswerValue::Choice(key)) => self.has_option(key),
            (ScaleKind::Text, AnswerValue::Text(_))
            | (ScaleKind::Number { .. }, AnswerValue::Number(_)) => true,
            _ => false,
        }
    }
}

impl AnswerValue {
    /// The value as stored: the option key, the text, or the number.
    pub fn to_stored(&self) -> String {
        match self {
            AnswerValue::Choice(key) => key.to_string(),
            AnswerValue::Text(text) => text.clone(),
            AnswerValue::Number(n) => n.to_string(),
        }
    }

    /// Reads a stored value back; `None` when it does not fit the scale any longer.
    pub fn from_stored(scale: &AnswerScale, stored: &str) -> Option<AnswerValue> {
        let value = match &scale.kind {
            ScaleKind::Choice { .. } => AnswerValue::Choice(Key::parse(stored).ok()?),
            ScaleKind::Text => AnswerValue::Text(stored.to_owned()),
            ScaleKind::Number { .. } => AnswerValue::Number(stored.parse().ok()?),
        };
        scale.accepts(&value).then_some(value)
    }
}

impl fmt::Display for AnswerValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_stored())
    }
}

/// Formats a number the Swedish way: decimal comma, no trailing zeros.
pub fn format_number(n: f64) -> String {
    let text = if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    };
    text.replace('.', ",")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn choice(key: &str, labels: &[(&str, &str)]) -> AnswerScale {
        AnswerScale {
            key: Key::parse(key).unwrap(),
            name: key.to_owned(),
            kind: ScaleKind::Choice {
                options: labels
                    .iter()
                    .map(|(k, l)| AnswerOption {
                        key: Key::parse(k).unwrap(),
                        label: (*l).to_owned(),
                        neutral: *k == "ej-aktuellt",
                    })
                    .collect(),
            },
        }
    }

    pub fn ja_nej_ej() -> AnswerScale {
        choice(
            "ja-nej-ej-aktuellt",
            &[("ja", "Ja"), ("nej", "Nej"), ("ej-aktuellt", "Ej aktuellt")],
        )
    }

    #[test]
    fn choice_accepts_key_or_label_in_any_case_and_names_the_options_otherwise() {
        let scale = ja_nej_ej();
        let ej = AnswerValue::Choice(Key::parse("ej-aktuellt").unwrap());
        assert_eq!(scale.parse_value("ej-aktuellt"), Ok(ej.clone()));
        assert_eq!(scale.parse_value(" Ej aktuellt "), Ok(ej.clone()));
        assert_eq!(scale.parse_value("EJ AKTUELLT"), Ok(ej));
        let err = scale.parse_value("Kanske").unwrap_err();
        assert_eq!(
            err.to_string(),
            "«Kanske» är inte ett svarsalternativ; välj ett av: Ja, Nej, Ej aktuellt"
        );
    }

    #[test]
    fn number_scale_reads_decimal_comma_and_spaces() {
        let scale = AnswerScale {
            key: Key::parse("antal").unwrap(),
            name: "Antal".into(),
            kind: ScaleKind::Number { unit: "st".into() },
        };
        assert_eq!(
            scale.parse_value("1 234,5"),
            Ok(AnswerValue::Number(1234.5))
        );
        assert!(matches!(
            scale.parse_value("tolv"),
            Err(ValueError::NotANumber(_))
        ));
        assert!(matches!(
            scale.parse_value("inf"),
            Err(ValueError::NotANumber(_))
        ));
        assert_eq!(scale.display(&AnswerValue::Number(12.0)), "12 st");
        assert_eq!(scale.display(&AnswerValue::Number(2.5)), "2,5 st");
    }

    #[test]
    fn stored_values_round_trip_and_stale_options_are_dropped() {
        let scale = ja_nej_ej();
        let nej = scale.parse_value("Nej").unwrap();
        assert_eq!(
            AnswerValue::from_stored(&scale, &nej.to_stored()),
            Some(nej)
        );
        assert_eq!(AnswerValue::from_stored(&scale, "delvis"), None);
    }

    #[test]
    fn validation_lists_every_problem_of_a_scale() {
        let mut scale = choice("s", &[("ja", "Ja"), ("ja", "ja")]);
        scale.name = " ".into();
        let problems = scale.validate(&Path::root());
        let paths: Vec<String> = problems.iter().map(|p| p.path.to_string()).collect();
        assert_eq!(paths, ["name", "options[1].key", "options[1].label"]);

        let one = choice("s", &[("ja", "Ja")]);
        assert_eq!(one.validate(&Path::root())[0].path.to_string(), "options");
        let unitless = AnswerScale {
            key: Key::parse("n").unwrap(),
            name: "N".into(),
            kind: ScaleKind::Number { unit: "".into() },
        };
        assert_eq!(unitless.validate(&Path::root())[0].path.to_string(), "unit");
    }
}
