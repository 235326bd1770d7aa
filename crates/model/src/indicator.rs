//! Indicators (*indikatorer*): the measures a steering document names to tell whether its goals
//! are being reached, with a baseline at adoption, a target and a value per year.
//!
//! The status rule, also in `docs/council-report.md`: an indicator with no value or no target
//! has *no data*. Otherwise it is *on track* when its latest value has reached the target, or
//! when it has come at least as far from the baseline towards the target as the years since the
//! baseline are of the years from baseline to target (a straight line from baseline to target);
//! else it is *off track*. Without a baseline only reaching the target counts.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Key, Path, Problem};

/// Whether more or less of an indicator is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Higher,
    Lower,
}

impl Direction {
    /// The word used in files and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }

    /// Reads the stored word back.
    pub fn parse(text: &str) -> Option<Direction> {
        [Direction::Higher, Direction::Lower]
            .into_iter()
            .find(|d| d.as_str() == text)
    }

    /// What the direction means, for people.
    pub fn label(self) -> &'static str {
        match self {
            Direction::Higher => "Högre är bättre",
            Direction::Lower => "Lägre är bättre",
        }
    }

    /// Whether `a` is at least as good as `b`.
    fn at_least(self, a: f64, b: f64) -> bool {
        match self {
            Direction::Higher => a >= b,
            Direction::Lower => a <= b,
        }
    }
}

/// A value in a year: a baseline, a target or a measurement.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub year: i32,
    pub value: f64,
}

/// Where an indicator's values can be fetched from in Kolada, the municipalities' open database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KoladaRef {
    /// The KPI's id, such as `N07402`.
    pub kpi: String,
    /// The municipality's four-digit id, such as `1480` for Göteborg.
    pub municipality: String,
}

/// One indicator of a steering document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub key: Key,
    pub name: String,
    /// Where the values come from (*Källa*): a survey, a register, Kolada.
    pub source: String,
    /// The unit values are in (*%*, *antal per 100 000 invånare*); empty for a plain number.
    pub unit: String,
    pub direction: Direction,
    /// The goal area it measures, when it belongs to one rather than the whole document.
    pub section: Option<Key>,
    /// The value when the document was adopted.
    pub baseline: Option<Reading>,
    pub target: Option<Reading>,
    pub kolada: Option<KoladaRef>,
    /// Made-up values for a demonstration, printed as such.
    pub example: bool,
    /// Measured values, one per year, oldest first.
    pub values: Vec<Reading>,
}

/// Whether an indicator is heading for its target; the rule is in this module's documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorStatus {
    OnTrack,
    OffTrack,
    NoData,
}

impl IndicatorStatus {
    /// What the status means, in words beside its colour.
    pub fn label(self) -> &'static str {
        match self {
            IndicatorStatus::OnTrack => "I fas med målet",
            IndicatorStatus::OffTrack => "Inte i fas med målet",
            IndicatorStatus::NoData => "Underlag saknas",
        }
    }
}

/// The largest magnitude accepted for a value: beyond it a number is a typing error, and far
/// beyond it a float loses the precision people read.
pub const MAX_VALUE: f64 = 1e12;

impl Indicator {
    /// The most recent measured value.
    pub fn latest(&self) -> Option<Reading> {
        self.values.iter().copied().max_by_key(|r| r.year)
    }

    /// The value measured in `year`.
    pub fn value_in(&self, year: i32) -> Option<f64> {
        self.values.iter().find(|r| r.year == year).map(|r| r.value)
    }

    /// The indicator's status by the rule in this module's documentation.
    pub fn status(&self) -> IndicatorStatus {
        let (Some(latest), Some(target)) = (self.latest(), self.target) else {
            return IndicatorStatus::NoData;
        };
        let direction = self.direction;
        if direction.at_least(latest.value, target.value) {
            return IndicatorStatus::OnTrack;
        }
        let on_path = self.baseline.is_some_and(|baseline| {
            let span = target.year - baseline.year;
            if span <= 0 || latest.year <= baseline.year {
                return false;
            }
            let elapsed = f64::from((latest.year - baseline.year).min(span)) / f64::from(span);
            let expected = baseline.value + (target.value - baseline.value) * elapsed;
            direction.at_least(latest.value, expected)
        });
        if on_path {
            IndicatorStatus::OnTrack
        } else {
            IndicatorStatus::OffTrack
        }
    }

    /// Sets the value of `year`, replacing one already there; keeps the values in year order.
    pub fn set_value(&mut self, reading: Reading) {
        self.values.retain(|r| r.year != reading.year);
        self.values.push(reading);
        self.values.sort_by_key(|r| r.year);
    }

    /// What is wrong with the indicator, each problem at its field.
    pub fn validate(&self, at: &Path) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(Problem::new(
                at.field("name"),
                "indikatorn måste ha ett namn",
            ));
        }
        let kolada = self.kolada.as_ref();
        for (field, what, line) in [
            ("name", "namnet", self.name.as_str()),
            ("source", "källan", self.source.as_str()),
            ("unit", "enheten", self.unit.as_str()),
            (
                "kolada",
                "Koladas nyckeltal",
                kolada.map_or("", |k| k.kpi.as_str()),
            ),
            (
                "kolada",
                "Koladas kommun-id",
                kolada.map_or("", |k| k.municipality.as_str()),
            ),
        ] {
            if let Some(message) = line_problem(what, line) {
                problems.push(Problem::new(at.field(field), message));
            }
        }
        for (field, reading) in [("baseline", self.baseline), ("target", self.target)] {
            if let Some(reading) = reading {
                problems.extend(reading_problem(at.field(field), reading));
            }
        }
        if let (Some(baseline), Some(target)) = (self.baseline, self.target)
            && target.year < baseline.year
        {
            problems.push(Problem::new(
                at.field("target"),
                format!(
                    "målåret {} är före utgångsåret {}",
                    target.year, baseline.year
                ),
            ));
        }
        for (i, reading) in self.values.iter().enumerate() {
            problems.extend(reading_problem(at.item("values", i), *reading));
        }
        let mut years: Vec<i32> = self.values.iter().map(|r| r.year).collect();
        years.sort_unstable();
        if let Some(twice) = years.windows(2).find(|w| w[0] == w[1]) {
            problems.push(Problem::new(
                at.field("values"),
                format!("året {} har två värden", twice[0]),
            ));
        }
        if let Some(kolada) = &self.kolada
            && (kolada.kpi.trim().is_empty() || kolada.municipality.trim().is_empty())
        {
            problems.push(Problem::new(
                at.field("kolada"),
                "Kolada behöver både nyckeltalets id och kommunens id",
            ));
        }
        problems
    }
}

/// The longest indicator name, source, unit or Kolada id accepted: a line, not a text.
pub const MAX_LINE_CHARS: usize = 500;

/// What is wrong with one of an indicator's one-line fields: too long, or holding a control
/// character, which no editor shows, a report's table cannot hold and PostgreSQL refuses (NUL).
pub fn line_problem(what: &str, line: &str) -> Option<String> {
    if line.chars().count() > MAX_LINE_CHARS {
        return Some(format!("{what} får vara högst {MAX_LINE_CHARS} tecken"));
    }
    line.chars()
        .enumerate()
        .find(|(_, c)| c.is_control())
        .map(|(at, c)| crate::text::control_character_message(what, (at + 1, c)))
}

/// The years a value may be given for: wide enough for any follow-up, narrow enough to catch a
/// value typed into the year's field.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

fn reading_problem(at: Path, reading: Reading) -> Option<Problem> {
    reading.problem().map(|message| Problem::new(at, message))
}

impl Reading {
    /// What is wrong with the year or the value, if anything.
    pub fn problem(&self) -> Option<String> {
        if !YEARS.contains(&self.year) {
            return Some(format!(
                "året {} är inte ett årtal mellan 1900 och 2200",
                self.year
            ));
        }
        if !self.value.is_finite() || self.value.abs() > MAX_VALUE {
            return Some(format!("värdet för {} är inte ett rimligt tal", self.year));
        }
        None
    }
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({})",
            crate::scale::format_number(self.value),
            self.year
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn indicator(direction: Direction) -> Indicator {
        Indicator {
            key: Key::parse("andel-trygga").unwrap(),
            name: "Andel som känner sig trygga".into(),
            source: "Trygghetsundersökningen".into(),
            unit: "%".into(),
            direction,
            section: None,
            baseline: Some(Reading {
                year: 2022,
                value: 50.0,
            }),
            target: Some(Reading {
                year: 2026,
                value: 70.0,
            }),
            kolada: None,
            example: false,
            values: Vec::new(),
        }
    }

    fn with(mut i: Indicator, values: &[(i32, f64)]) -> Indicator {
        for &(year, value) in values {
            i.set_value(Reading { year, value });
        }
        i
    }

    #[test]
    fn a_control_character_or_an_overlong_line_is_refused_at_its_field() {
        let mut i = indicator(Direction::Higher);
        i.source = "Trygghets\u{0}undersökningen".into();
        i.unit = "%".repeat(MAX_LINE_CHARS + 1);
        let found: Vec<String> = i
            .validate(&Path::root())
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(
            found,
            [
                "source: källan innehåller ett styrtecken (U+0000) vid tecken 10; ta bort det",
                "unit: enheten får vara högst 500 tecken",
            ]
        );
    }

    #[test]
    fn an_indicator_without_values_or_target_has_no_data() {
        assert_eq!(
            indicator(Direction::Higher).status(),
            IndicatorStatus::NoData
        );
        let mut no_target = with(indicator(Direction::Higher), &[(2024, 60.0)]);
        no_target.target = None;
        assert_eq!(no_target.status(), IndicatorStatus::NoData);
    }

    #[test]
    fn higher_is_better_is_on_track_at_or_ahead_of_the_straight_line_to_the_target() {
        // Halfway in time (2024 of 2022–2026): the line expects 60.
        let ahead = with(indicator(Direction::Higher), &[(2024, 61.0)]);
        assert_eq!(ahead.status(), IndicatorStatus::OnTrack);
        let exactly = with(indicator(Direction::Higher), &[(2024, 60.0)]);
        assert_eq!(exactly.status(), IndicatorStatus::OnTrack);
        let behind = with(indicator(Direction::Higher), &[(2023, 70.0), (2024, 55.0)]);
        assert_eq!(
            behind.status(),
            IndicatorStatus::OffTrack,
            "the latest counts"
        );
        let reached = with(indicator(Direction::Higher), &[(2023, 75.0)]);
        assert_eq!(reached.status(), IndicatorStatus::OnTrack);
    }

    #[test]
    fn lower_is_better_reverses_every_comparison() {
        let mut i = indicator(Direction::Lower);
        i.baseline = Some(Reading {
            year: 2022,
            value: 20.0,
        });
        i.target = Some(Reading {
            year: 2026,
            value: 10.0,
        });
        // Halfway: the line expects 15.
        assert_eq!(
            with(i.clone(), &[(2024, 14.0)]).status(),
            IndicatorStatus::OnTrack
        );
        assert_eq!(
            with(i.clone(), &[(2024, 16.0)]).status(),
            IndicatorStatus::OffTrack
        );
        assert_eq!(
            with(i.clone(), &[(2023, 9.0)]).status(),
            IndicatorStatus::OnTrack
        );
        // Past the target year only the target counts.
        assert_eq!(with(i, &[(2028, 11.0)]).status(), IndicatorStatus::OffTrack);
    }

    #[test]
    fn without_a_baseline_only_reaching_the_target_is_on_track() {
        let mut i = with(indicator(Direction::Higher), &[(2025, 69.0)]);
        i.baseline = None;
        assert_eq!(i.status(), IndicatorStatus::OffTrack);
        i.set_value(Reading {
            year: 2026,
            value: 70.0,
        });
        assert_eq!(i.status(), IndicatorStatus::OnTrack);
    }

    #[test]
    fn a_value_in_the_baseline_year_is_judged_by_the_target_alone() {
        let i = with(indicator(Direction::Higher), &[(2022, 50.0)]);
        assert_eq!(i.status(), IndicatorStatus::OffTrack);
    }

    #[test]
    fn validation_names_each_field_that_is_wrong() {
        let mut i = indicator(Direction::Higher);
        i.name = " ".into();
        i.target = Some(Reading {
            year: 2020,
            value: f64::NAN,
        });
        i.values = vec![
            Reading {
                year: 2023,
                value: 1.0,
            },
            Reading {
                year: 2023,
                value: 2.0,
            },
            Reading {
                year: 20,
                value: 2.0,
            },
        ];
        let shown: Vec<String> = i
            .validate(&Path::root())
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
        assert!(shown.iter().any(|s| s.starts_with("name:")), "{shown:?}");
        assert!(shown.iter().any(|s| s.contains("inte ett rimligt tal")));
        assert!(shown.iter().any(|s| s.contains("före utgångsåret")));
        assert!(shown.iter().any(|s| s.contains("året 2023 har två värden")));
        assert!(shown.iter().any(|s| s.contains("året 20 är inte")));
    }
}
