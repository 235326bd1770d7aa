//! The Göteborg data set, built into the binary so that `uppfolj demo` runs from any folder.

use uppfolj_exchange::Diagnostic;
use uppfolj_exchange::definitions::{self, SourceFile};
use uppfolj_exchange::report;
use uppfolj_model::indicator::{Direction, Indicator, Reading};
use uppfolj_model::{AnswerInput, Definitions, Document, Key, QuestionRef};

macro_rules! data_files {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../../data/goteborg/", $name)))),*]
    };
}

const FILES: [(&str, &str); 6] = data_files!(
    "scales.toml",
    "organisations.toml",
    "documents/trygghetsprogram.toml",
    "documents/handlingsplan-gang.toml",
    "documents/tystnadskulturer.toml",
    "rounds/2025.toml",
);

/// Göteborg's scales, organisations, three steering documents and the round *Uppföljning 2025*.
pub fn definitions() -> Result<Definitions, Vec<Diagnostic>> {
    let files = FILES
        .iter()
        .map(|(name, text)| SourceFile {
            path: format!("data/goteborg/{name}").into(),
            text: (*text).to_owned(),
        })
        .collect();
    definitions::parse(files)?.check(Definitions::default())
}

/// The seed report: Nämnden för Intraservice's answers in the 2025 follow-up, as text extracted
/// from the PDF the city's current tool made.
const INTRASERVICE_2025: &str =
    include_str!("../../../data/goteborg/reports/intraservice-2025.txt");

/// Intraservice's answers from the seed report, paired with the round's questions, so that the
/// demo shows a response as a real organisation wrote it.
pub fn intraservice_answers(
    documents: &[&Document],
) -> anyhow::Result<Vec<(QuestionRef, AnswerInput)>> {
    let report = report::parse(INTRASERVICE_2025)
        .map_err(|e| anyhow::anyhow!("rapporten för Intraservice: {e}"))?;
    report::answers_for(&report, documents).map_err(anyhow::Error::msg)
}

/// Made-up indicators of the trygghetsprogram over three years, so that the demo's council
/// report shows every part. Each is marked as example data and printed so.
pub fn example_indicators() -> Vec<Indicator> {
    let reading = |year, value| Reading { year, value };
    let indicator =
        |key: &str, name: &str, source: &str, unit: &str, direction, section: &str| Indicator {
            key: Key::parse(key).expect("a valid key"),
            name: name.into(),
            source: source.into(),
            unit: unit.into(),
            direction,
            section: Some(Key::parse(section).expect("a valid key")),
            baseline: None,
            target: None,
            kolada: None,
            example: true,
            values: Vec::new(),
        };
    let with = |mut i: Indicator, baseline, target, values: [Reading; 3]| {
        i.baseline = Some(baseline);
        i.target = Some(target);
        values.into_iter().for_each(|r| i.set_value(r));
        i
    };
    vec![
        with(
            indicator(
                "lokal-lagesbild",
                "Andel nämnder och bolag med en aktuell lokal lägesbild",
                "Stadens egen uppföljning",
                "%",
                Direction::Higher,
                "malomrade-1",
            ),
            reading(2021, 40.0),
            reading(2026, 100.0),
            [
                reading(2022, 55.0),
                reading(2023, 70.0),
                reading(2024, 78.0),
            ],
        ),
        with(
            indicator(
                "trygga-kvall",
                "Andel invånare som känner sig trygga utomhus i sitt bostadsområde sent en kväll",
                "Stadens trygghetsundersökning",
                "%",
                Direction::Higher,
                "malomrade-3",
            ),
            reading(2021, 64.0),
            reading(2026, 72.0),
            [
                reading(2022, 65.0),
                reading(2023, 66.5),
                reading(2024, 67.0),
            ],
        ),
        with(
            indicator(
                "vald-per-100000",
                "Anmälda våldsbrott per 100 000 invånare",
                "Brottsförebyggande rådets statistik",
                "per 100 000 invånare",
                Direction::Lower,
                "malomrade-4",
            ),
            reading(2021, 1480.0),
            reading(2026, 1300.0),
            [
                reading(2022, 1455.0),
                reading(2023, 1470.0),
                reading(2024, 1490.0),
            ],
        ),
    ]
}

/// A few of the central office's assessments in round 2025 (strategy, level, motivation) and the
/// narratives of two goal areas (section, since adoption, ahead), as a coordinator might write
/// them.
pub const EXAMPLE_ASSESSMENTS: [(&str, &str, &str); 4] = [
    (
        "strategi-1-1",
        "i-enlighet",
        "De flesta nämnder och bolag arbetar utifrån lokala lägesbilder och målgruppsanalyser.",
    ),
    (
        "strategi-1-2",
        "mindre-utveckling",
        "Kompetensinsatser pågår men når ännu inte alla utförare.",
    ),
    (
        "strategi-2-1",
        "stort-utvecklingsbehov",
        "Samverkansforum finns centralt men saknas i flera stadsområden.",
    ),
    (
        "strategi-3-1",
        "mindre-utveckling",
        "Arbetet med trygga offentliga miljöer har kommit i gång; uppföljningen behöver bli mer systematisk.",
    ),
];

/// The example narratives: goal area, *Utveckling sedan antagandet*, *Frågor och utveckling
/// framåt* (Markdown).
pub const EXAMPLE_NARRATIVES: [(&str, &str, &str); 2] = [
    (
        "malomrade-1",
        "Sedan programmet antogs har de flesta nämnder tagit fram **lokala lägesbilder**.\n\nKunskapsunderlagen används i högre grad i planeringen.",
        "- Gemensam metod för målgruppsanalyser\n- Bättre spridning av forskning till utförarna",
    ),
    (
        "malomrade-3",
        "Tryggheten i bostadsområdena har ökat något enligt trygghetsundersökningen.",
        "Fortsatt fokus på platser där otryggheten är störst.",
    ),
];
