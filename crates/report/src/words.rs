//! The words every format of the council report prints alike: the summary's column, a level's
//! words, the answer counts, values with their unit and year, and a chart's text alternative.

use std::fmt::Write;

use uppfolj_model::assessment::AssessAt;
use uppfolj_model::compilation::Tally;
use uppfolj_model::council::{Assessed, CouncilReport};
use uppfolj_model::indicator::{Indicator, Reading};
use uppfolj_model::scale::format_number;

/// What the summary's middle column is called: the strategies, or the goal areas.
pub fn subject_word(report: &CouncilReport) -> &'static str {
    match report.at {
        AssessAt::Question => "Strategi",
        AssessAt::Section => "Målområde",
    }
}

/// A level's words, or that there is no assessment yet.
pub fn level_words(assessed: Option<&Assessed>) -> &str {
    assessed.map_or("Ej bedömd", |a| a.label.as_str())
}

/// The answers behind an assessment in one line: «Svar: Ja 12, Nej 3 – 15 av 18 tillfrågade
/// har svarat.»
pub fn counts_line(tally: &Tally) -> String {
    let options: Vec<String> = tally
        .options
        .iter()
        .filter(|o| o.count > 0)
        .map(|o| format!("{} {}", o.label, o.count))
        .collect();
    let given = if options.is_empty() {
        "inga".to_owned()
    } else {
        options.join(", ")
    };
    format!(
        "Svar: {given} – {} av {} tillfrågade har svarat.",
        tally.answered, tally.assigned
    )
}

/// A value with its unit and year: «24,5 % (2021)»; «–» when there is none.
pub fn reading_text(reading: Option<Reading>, unit: &str) -> String {
    match reading {
        Some(r) => format!("{} ({})", value_text(r.value, unit), r.year),
        None => "–".into(),
    }
}

/// A value with its unit, as every format of the council report prints it: «24,5 %», «3».
pub(crate) fn value_text(value: f64, unit: &str) -> String {
    match unit.trim() {
        "" => format_number(value),
        unit => format!("{} {unit}", format_number(value)),
    }
}

/// What an indicator's chart shows, in words: its text alternative.
pub fn chart_description(indicator: &Indicator) -> String {
    let mut text = format!("{}. ", indicator.name);
    if indicator.values.is_empty() {
        text.push_str("Inga värden ännu.");
    } else {
        let values: Vec<String> = indicator
            .values
            .iter()
            .map(|r| format!("{}: {}", r.year, value_text(r.value, &indicator.unit)))
            .collect();
        let _ = write!(text, "Värden per år – {}.", values.join("; "));
    }
    if let Some(b) = indicator.baseline {
        let _ = write!(
            text,
            " Utgångsvärde {}.",
            reading_text(Some(b), &indicator.unit)
        );
    }
    if let Some(t) = indicator.target {
        let _ = write!(text, " Mål {}.", reading_text(Some(t), &indicator.unit));
    }
    let _ = write!(
        text,
        " {}. Status: {}.",
        indicator.direction.label(),
        indicator.status().label()
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_have_a_decimal_comma_and_their_unit() {
        assert_eq!(value_text(24.5, "%"), "24,5 %");
        assert_eq!(value_text(3.0, " "), "3");
    }
}
