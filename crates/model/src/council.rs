//! The follow-up report a steering document's owner gives the executive board
//! (*uppföljningsrapport*): per goal area its narrative, per strategy or goal area the central
//! office's assessment with the answers behind it, and the document's indicators. Assembled here
//! from the round's compilation and what the coordinators wrote; the report layer prints it and
//! the coordinators' page shows it beside the assessment form.

use std::collections::HashMap;

use serde::Serialize;

use crate::assessment::{
    AssessAt, Assessment, AssessmentScale, Evidence, Narrative, Suggestion, Tone, suggest,
};
use crate::compilation::QuestionSummary;
use crate::indicator::{Indicator, IndicatorStatus};
use crate::numbering::{numbered_questions, question_labels};
use crate::{Compilation, Document, Key, Period, QuestionRef, number_round};

/// What a council report is assembled from.
#[derive(Clone, Copy)]
pub struct CouncilInput<'a> {
    /// The document as the round asked it.
    pub document: &'a Document,
    pub round_name: &'a str,
    pub year: i32,
    /// The round's compilation for the report's audience.
    pub compilation: &'a Compilation,
    pub at: AssessAt,
    pub scale: &'a AssessmentScale,
    pub assessments: &'a [Assessment],
    /// The previous round's assessments of the same document, with that round's name.
    pub previous: Option<(&'a str, &'a [Assessment])>,
    pub narratives: &'a [Narrative],
    pub indicators: &'a [Indicator],
}

/// The whole report, in the order it is read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CouncilReport {
    pub document: Key,
    /// The document's report heading.
    pub title: String,
    pub period: Period,
    pub round: String,
    pub year: i32,
    pub at: AssessAt,
    pub scale: AssessmentScale,
    pub goal_areas: Vec<GoalArea>,
    /// The indicators of the whole document (those of a goal area stand under it as well).
    pub indicators: Vec<IndicatorRow>,
    /// Some indicator's values are made up for a demonstration.
    pub example_data: bool,
    /// The previous round's name, when it had assessments.
    pub previous_round: Option<String>,
}

/// A section that asks questions directly: what the narrative and (by setting) the assessment
/// are written for.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalArea {
    pub key: Key,
    pub number: String,
    pub heading: String,
    pub narrative: Narrative,
    /// The strategies, or the goal area itself, that are assessed.
    pub subjects: Vec<Subject>,
    pub indicators: Vec<IndicatorRow>,
}

/// One thing assessed: a strategy (question) or a goal area, with the answers behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Subject {
    pub key: Key,
    pub number: String,
    /// The strategy's words (the question's first guidance paragraph) or the goal area's heading.
    pub title: String,
    pub questions: Vec<QuestionSummary>,
    pub evidence: Evidence,
    pub assessment: Option<Assessed>,
    pub previous: Option<Assessed>,
    pub suggestion: Option<Suggestion>,
}

/// An assessment with its level's words and tone.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessed {
    pub assessment: Assessment,
    pub label: String,
    pub tone: Tone,
}

/// An indicator as the report prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorRow {
    pub indicator: Indicator,
    pub status: IndicatorStatus,
    pub status_label: &'static str,
}

impl IndicatorRow {
    fn of(indicator: &Indicator) -> IndicatorRow {
        let status = indicator.status();
        IndicatorRow {
            indicator: indicator.clone(),
            status,
            status_label: status.label(),
        }
    }
}

impl CouncilReport {
    /// Every subject in report order, for the summary table.
    pub fn subjects(&self) -> impl Iterator<Item = &Subject> {
        self.goal_areas.iter().flat_map(|g| g.subjects.iter())
    }

    /// The subject with `key`.
    pub fn subject(&self, key: &Key) -> Option<&Subject> {
        self.subjects().find(|s| &s.key == key)
    }
}

/// Assembles the report. Goal areas are the document's sections that ask questions directly, in
/// the document's order; numbers are the report's own, the document being 1.
pub fn council_report(input: &CouncilInput<'_>) -> CouncilReport {
    let document = input.document;
    let refs = [document];
    let summaries: HashMap<&QuestionRef, &QuestionSummary> = input
        .compilation
        .questions
        .iter()
        .filter(|q| q.question.document == document.key)
        .map(|q| (&q.question, q))
        .collect();
    let turned: HashMap<&QuestionRef, usize> = input
        .compilation
        .trend
        .iter()
        .map(|t| (&t.question, t.changes.iter().filter(|c| c.worse).count()))
        .collect();
    let labels: HashMap<QuestionRef, String> = question_labels(&number_round(&refs, |_| true))
        .into_iter()
        .collect();
    let assessed = |list: &[Assessment], key: &Key| {
        list.iter().find(|a| &a.subject == key).map(|a| Assessed {
            label: input
                .scale
                .label(&a.level)
                .map_or_else(|| a.level.to_string(), str::to_owned),
            tone: input.scale.tone(&a.level).unwrap_or(Tone::Worst),
            assessment: a.clone(),
        })
    };
    let subject = |key: &Key, number: String, title: String, questions: Vec<QuestionSummary>| {
        let mut evidence = Evidence::default();
        for q in &questions {
            evidence.tally.add(&q.tally);
            evidence.turned_negative += turned.get(&q.question).copied().unwrap_or(0);
        }
        Subject {
            key: key.clone(),
            number,
            suggestion: suggest(input.scale, &evidence),
            assessment: assessed(input.assessments, key),
            previous: input.previous.and_then(|(_, list)| assessed(list, key)),
            title,
            questions,
            evidence,
        }
    };

    let mut goal_areas: Vec<GoalArea> = Vec::new();
    for under in numbered_questions(&refs, |_| true) {
        let section = under
            .heading
            .section
            .clone()
            .expect("a question stands in a section");
        if goal_areas.last().is_none_or(|g| g.key != section) {
            goal_areas.push(GoalArea {
                narrative: input
                    .narratives
                    .iter()
                    .find(|n| n.section == section)
                    .cloned()
                    .unwrap_or_else(|| Narrative::empty(section.clone())),
                indicators: input
                    .indicators
                    .iter()
                    .filter(|i| i.section.as_ref() == Some(&section))
                    .map(IndicatorRow::of)
                    .collect(),
                key: section,
                number: under.heading.number.clone(),
                heading: under.heading.text.clone(),
                subjects: Vec::new(),
            });
        }
        let area = goal_areas.last_mut().expect("pushed above");
        let summary = summaries.get(&under.reference).map(|s| (*s).clone());
        match input.at {
            AssessAt::Question => {
                let title = under
                    .question
                    .guidance
                    .first()
                    .cloned()
                    .unwrap_or_else(|| under.question.text.clone());
                let number = labels
                    .get(&under.reference)
                    .cloned()
                    .unwrap_or_else(|| area.number.clone());
                area.subjects.push(subject(
                    &under.question.key,
                    number,
                    title,
                    summary.into_iter().collect(),
                ));
            }
            AssessAt::Section => {
                if area.subjects.is_empty() {
                    area.subjects.push(subject(
                        &area.key,
                        area.number.clone(),
                        area.heading.clone(),
                        Vec::new(),
                    ));
                }
                if let Some(summary) = summary {
                    let s = &mut area.subjects[0];
                    s.evidence.tally.add(&summary.tally);
                    s.evidence.turned_negative +=
                        turned.get(&summary.question).copied().unwrap_or(0);
                    s.suggestion = suggest(input.scale, &s.evidence);
                    s.questions.push(summary);
                }
            }
        }
    }

    CouncilReport {
        document: document.key.clone(),
        title: document.heading().to_owned(),
        period: document.period,
        round: input.round_name.to_owned(),
        year: input.year,
        at: input.at,
        scale: input.scale.clone(),
        goal_areas,
        indicators: input.indicators.iter().map(IndicatorRow::of).collect(),
        example_data: input.indicators.iter().any(|i| i.example),
        previous_round: input
            .previous
            .filter(|(_, list)| !list.is_empty())
            .map(|(name, _)| name.to_owned()),
    }
}
