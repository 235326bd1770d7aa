//! Synthetic data for measurements: many organisations, one document with many questions, and
//! several yearly rounds answered by everyone, deterministic for a given size.

use uppfolj_model::{
    AnswerInput, AnswerOption, AnswerScale, CommentRule, Definitions, Document, DocumentKind, Key,
    Organisation, OrganisationKind, Period, Question, QuestionRef, Round, RoundState, ScaleKind,
    Section,
};

/// The size of a synthetic data set.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub organisations: usize,
    pub questions: usize,
    /// Yearly rounds, the last one the current; the others give the trend.
    pub rounds: usize,
}

/// Questions per section of the synthetic document.
const PER_SECTION: usize = 10;

fn key(text: &str) -> Key {
    Key::parse(text).expect("synthetic keys are valid")
}

/// The rounds' years, oldest first, ending with `last`.
pub fn years(size: Size, last: i32) -> Vec<i32> {
    (0..size.rounds as i32)
        .map(|i| last - size.rounds as i32 + 1 + i)
        .collect()
}

/// Scales, organisations, the document and the rounds.
pub fn definitions(size: Size, last: i32) -> Definitions {
    let options = ["Ja", "Delvis", "Nej"]
        .iter()
        .map(|label| AnswerOption {
            key: key(&label.to_lowercase()),
            label: (*label).to_owned(),
            neutral: false,
        })
        .collect();
    let scale = AnswerScale {
        key: key("syntet-ja-delvis-nej"),
        name: "Ja / Delvis / Nej".into(),
        kind: ScaleKind::Choice { options },
    };
    let organisations = (1..=size.organisations)
        .map(|i| Organisation {
            key: key(&format!("syntet-org-{i}")),
            name: format!("Syntetisk nämnd {i}"),
            short_name: None,
            kind: OrganisationKind::Namnd,
            active: true,
        })
        .collect();
    let sections = (0..size.questions.div_ceil(PER_SECTION))
        .map(|s| Section {
            key: key(&format!("omrade-{}", s + 1)),
            label: Some(format!("Målområde {}", s + 1)),
            title: format!("Syntetiskt mål {}", s + 1),
            questions: (s * PER_SECTION..((s + 1) * PER_SECTION).min(size.questions))
                .map(|q| Question {
                    key: key(&format!("fraga-{}", q + 1)),
                    text: format!("Har ni arbetat med åtgärd {}?", q + 1),
                    guidance: vec![format!("Strategi {}: Staden ska arbeta med det.", q + 1)],
                    audience: None,
                    scale: scale.key.clone(),
                    comment: CommentRule::RequiredFor(vec![key("nej"), key("delvis")]),
                    retired: false,
                })
                .collect(),
            sections: vec![],
            retired: false,
        })
        .collect();
    let document = Document {
        key: key("syntetiskt-program"),
        title: "Syntetiskt program för mätningar".into(),
        report_heading: None,
        kind: DocumentKind::Program,
        period: Period {
            from: last - size.rounds as i32,
            to: last + 1,
        },
        sections,
    };
    let rounds = years(size, last)
        .into_iter()
        .map(|year| Round {
            key: key(&format!("syntet-{year}")),
            name: format!("Syntetisk uppföljning {year}"),
            year,
            opens: time::Date::from_calendar_date(year + 1, time::Month::January, 10)
                .expect("a valid date"),
            closes: time::Date::from_calendar_date(year + 1, time::Month::February, 28)
                .expect("a valid date"),
            documents: vec![document.key.clone()],
            targets: vec![],
            state: RoundState::Closed,
            thresholds: Default::default(),
            asked: None,
            extensions: vec![],
        })
        .collect();
    Definitions {
        scales: vec![scale],
        organisations,
        documents: vec![document],
        rounds,
    }
}

/// One organisation's answers in one round: mostly *Ja*, drifting by year, with a comment on
/// every answer that needs one and on some others.
pub fn answers(size: Size, organisation: usize, round: usize) -> Vec<(QuestionRef, AnswerInput)> {
    (0..size.questions)
        .map(|q| {
            // A small multiplicative hash: deterministic, and different per organisation,
            // question and year.
            let h =
                (organisation as u64 * 2_654_435_761 + q as u64 * 40_503 + round as u64 * 69_069)
                    % 100;
            let value = match h {
                0..=64 => "ja",
                65..=84 => "delvis",
                _ => "nej",
            };
            let comment = if value != "ja" || h.is_multiple_of(7) {
                format!("Kommentar om åtgärd {} från nämnd {organisation}.", q + 1)
            } else {
                String::new()
            };
            (
                QuestionRef {
                    document: key("syntetiskt-program"),
                    question: key(&format!("fraga-{}", q + 1)),
                },
                AnswerInput {
                    value: Some(value.into()),
                    comment,
                    version: 0,
                    withheld: false,
                },
            )
        })
        .collect()
}
