//! The JSON the API speaks. Field names are English; texts are the stored Swedish texts.

use serde::{Deserialize, Serialize};
use uppfolj_model::assessment::{Assessment, Narrative, Tone};
use uppfolj_model::council::{Assessed, CouncilReport, IndicatorRow, Subject};
use uppfolj_model::indicator::{Indicator, IndicatorStatus, Reading};
use uppfolj_model::{Actor, Answer, AnswerScale, Key, Organisation, Round, ScaleKind};
use utoipa::ToSchema;

/// RFC 9457 problem details; further members depend on the problem (`field`, `problems`, `current`).
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[schema(example = "urn:uppfolj:problem:conflict")]
    pub r#type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub email: String,
    /// samordnare, uppgiftslamnare or lasare.
    pub role: String,
    /// Organisation keys: answered for (respondent) or granted (reader).
    pub organisations: Vec<String>,
}

impl From<&Actor> for Me {
    fn from(actor: &Actor) -> Me {
        Me {
            email: actor.email.to_string(),
            role: actor.role.as_str().into(),
            organisations: actor
                .organisations
                .iter()
                .map(ToString::to_string)
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationJson {
    pub key: String,
    pub name: String,
    pub short_name: Option<String>,
    /// nämnd, styrelse, bolag or förvaltning.
    pub kind: String,
    pub active: bool,
}

impl From<&Organisation> for OrganisationJson {
    fn from(o: &Organisation) -> OrganisationJson {
        OrganisationJson {
            key: o.key.to_string(),
            name: o.name.clone(),
            short_name: o.short_name.clone(),
            kind: o.kind.as_str().into(),
            active: o.active,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RoundSummary {
    pub key: String,
    pub name: String,
    pub year: i32,
    /// YYYY-MM-DD.
    pub opens: String,
    pub closes: String,
    /// draft, open, closed or published.
    pub state: String,
    pub status: ThresholdsJson,
    /// Organisations with a later last day than the round's.
    pub extensions: Vec<ExtensionJson>,
}

/// A later last day for one organisation.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionJson {
    /// The organisation's key.
    pub organisation: String,
    /// YYYY-MM-DD, later than the round's last day.
    pub closes: String,
}

/// A change of a round's name, dates or extensions; what is left out stays as it is.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundChange {
    /// The round's `version` as read (GET /api/v1/rounds/{round}); a change since is 409.
    pub version: i64,
    pub name: Option<String>,
    /// YYYY-MM-DD.
    pub opens: Option<String>,
    pub closes: Option<String>,
    /// Replaces every extension when given; `[]` removes them all.
    pub extensions: Option<Vec<ExtensionJson>>,
    /// Store a date changed to a day already past; without it such a change is 422.
    #[serde(default)]
    pub confirm_past_dates: bool,
}

impl From<&Round> for RoundSummary {
    fn from(r: &Round) -> RoundSummary {
        RoundSummary {
            key: r.key.to_string(),
            name: r.name.clone(),
            year: r.year,
            opens: r.opens.to_string(),
            closes: r.closes.to_string(),
            state: r.state.as_str().into(),
            status: ThresholdsJson {
                green: r.thresholds.green,
                yellow: r.thresholds.yellow,
                submitted: r.thresholds.submitted,
            },
            extensions: r
                .extensions
                .iter()
                .map(|e| ExtensionJson {
                    organisation: e.organisation.to_string(),
                    closes: e.closes.to_string(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RoundDetail {
    #[serde(flatten)]
    pub round: RoundSummary,
    /// The settings' change counter this was read at, to send back with a change.
    pub version: i64,
    /// The round's outline in report order: numbered headings with their questions.
    pub headings: Vec<HeadingJson>,
}

#[derive(Serialize, ToSchema)]
pub struct HeadingJson {
    /// 1, 1.1, 1.1.1 …
    pub number: String,
    /// 1 for a document, 2 for its sections, and so on.
    pub level: usize,
    pub text: String,
    pub questions: Vec<QuestionJson>,
}

#[derive(Serialize, ToSchema)]
pub struct QuestionJson {
    /// `document/question`.
    pub id: String,
    pub text: String,
    pub guidance: Vec<String>,
    pub audience: Option<String>,
    pub scale: ScaleJson,
    /// optional, required, or required_for.
    pub comment_rule: String,
    /// For required_for: the option keys that need a comment.
    pub comment_required_for: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ScaleJson {
    pub key: String,
    pub name: String,
    /// choice, text or number.
    pub kind: String,
    pub options: Vec<OptionJson>,
    pub unit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct OptionJson {
    pub key: String,
    pub label: String,
}

impl From<&AnswerScale> for ScaleJson {
    fn from(s: &AnswerScale) -> ScaleJson {
        let (kind, unit) = match &s.kind {
            ScaleKind::Choice { .. } => ("choice", None),
            ScaleKind::Text => ("text", None),
            ScaleKind::Number { unit } => ("number", Some(unit.clone())),
        };
        ScaleJson {
            key: s.key.to_string(),
            name: s.name.clone(),
            kind: kind.into(),
            options: s
                .options()
                .iter()
                .map(|o| OptionJson {
                    key: o.key.to_string(),
                    label: o.label.clone(),
                })
                .collect(),
            unit,
        }
    }
}

/// One organisation's progress in a round.
#[derive(Serialize, ToSchema)]
pub struct Progress {
    pub organisation: String,
    pub name: String,
    /// not_started, draft, submitted, returned or accepted.
    pub state: String,
    pub answered: usize,
    pub assigned: usize,
    /// Last save or state change (RFC 3339), if any.
    pub last_activity: Option<String>,
    /// Days until the round closes; negative when late. None once submitted or accepted.
    pub days_left: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AnswerJson {
    /// Option key, text or number as text; null when only a comment is saved.
    pub answer: Option<String>,
    /// The option's label (Ja, Nej …) or the value as shown.
    pub label: Option<String>,
    pub comment: String,
    /// The comment is not for publication: published compilations leave it out.
    pub withheld: bool,
    pub version: i64,
    pub changed_by: String,
    pub changed_at: String,
}

impl AnswerJson {
    pub fn new(answer: &Answer, scale: &AnswerScale) -> AnswerJson {
        AnswerJson {
            answer: answer.value.as_ref().map(|v| v.to_stored()),
            label: answer.value.as_ref().map(|v| scale.display(v)),
            comment: answer.comment.clone(),
            withheld: answer.withheld,
            version: answer.version,
            changed_by: answer.changed_by.clone(),
            changed_at: answer
                .changed_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ResponseJson {
    pub round: String,
    pub organisation: String,
    pub state: String,
    /// The coordinator's message when the response was returned for completion.
    pub message: Option<String>,
    /// The round whose answers `previous` shows, if any.
    pub previous_round: Option<String>,
    pub questions: Vec<ResponseQuestion>,
}

#[derive(Serialize, ToSchema)]
pub struct ResponseQuestion {
    /// `document/question`; the path of its answer is `answers/{document}/{question}`.
    pub id: String,
    /// The numbered heading the question stands under.
    pub heading: String,
    pub text: String,
    pub guidance: Vec<String>,
    pub scale: ScaleJson,
    pub answer: Option<AnswerJson>,
    pub previous: Option<AnswerJson>,
}

/// One answer to save. `version` is the version you saw: 0 for a question not answered yet.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInputJson {
    /// An option's key or label, a text or a number; null or "" for no answer.
    pub answer: Option<String>,
    #[serde(default)]
    pub comment: String,
    pub version: i64,
    /// Mark the comment as not for publication (secrecy, say); false when left out.
    #[serde(default)]
    pub withheld: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchItem {
    /// `document/question`.
    pub question: String,
    pub answer: Option<String>,
    #[serde(default)]
    pub comment: String,
    pub version: i64,
    /// Mark the comment as not for publication; false when left out.
    #[serde(default)]
    pub withheld: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    pub answers: Vec<BatchItem>,
}

#[derive(Serialize, ToSchema)]
pub struct Saved {
    pub answers: Vec<SavedAnswer>,
}

#[derive(Serialize, ToSchema)]
pub struct SavedAnswer {
    pub question: String,
    #[serde(flatten)]
    pub answer: AnswerJson,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageJson {
    /// Shown to the respondent.
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct StateJson {
    pub state: String,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryJson {
    /// This page of answer changes, from 1, of `pages`; `total` answer changes in all.
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub changes: Vec<ChangeJson>,
    pub events: Vec<EventJson>,
}

#[derive(Serialize, ToSchema)]
pub struct ChangeJson {
    pub question: String,
    pub version: i64,
    pub old_answer: Option<String>,
    pub old_comment: String,
    pub new_answer: Option<String>,
    pub new_comment: String,
    /// Whether the comment was withheld from publication after the change.
    pub withheld: bool,
    pub changed_by: String,
    pub changed_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct EventJson {
    pub state: String,
    pub message: String,
    pub changed_by: String,
    pub changed_at: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRound {
    pub key: String,
    pub name: String,
    pub year: i32,
    /// YYYY-MM-DD.
    pub opens: String,
    pub closes: String,
    /// Copy documents and targeting from this round (last year's).
    pub copy_from: Option<String>,
    /// Document keys, in report order; required unless `copy_from` is given.
    #[serde(default)]
    pub documents: Vec<String>,
    /// The compilation's status thresholds; copied with `copy_from`, else 0.75 and 0.5.
    pub status: Option<ThresholdsJson>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withholding {
    /// true: the comment is not for publication; false: it may be published again.
    pub withheld: bool,
    /// The answer's version as the caller saw it.
    pub version: i64,
}

/// The shares of the positive answer (Ja) from which a section's status is green or yellow, and
/// the share of organisations that must have submitted before any status is shown.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThresholdsJson {
    /// Between 0 and 1, for example 0.75.
    pub green: f64,
    /// Between 0 and 1 and not above `green`, for example 0.5.
    pub yellow: f64,
    /// Between 0 and 1; 0.5 (half of the organisations asked) when left out.
    #[serde(default = "half")]
    pub submitted: f64,
}

fn half() -> f64 {
    uppfolj_model::compilation::StatusThresholds::default().submitted
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundStateChange {
    /// open, closed or published.
    pub state: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetJson {
    /// Organisation keys.
    #[serde(default)]
    pub organisations: Vec<String>,
    /// Organisation kinds: nämnd, styrelse, bolag, förvaltning.
    #[serde(default)]
    pub kinds: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    /// samordnare, uppgiftslamnare or lasare.
    pub role: String,
    #[serde(default)]
    pub organisations: Vec<String>,
    /// Without a password the answer carries a one-time first-login link.
    pub password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    pub email: String,
    /// A one-time link for setting the first password, valid for 7 days.
    pub login_link: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    /// Shown once; store it safely.
    pub token: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenJson {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub created_at: String,
    pub revoked: bool,
}

/// A steering document's council report in a round, as coordinators work on it: the answers'
/// counts, the suggestions, what is assessed and written so far, with the versions a save sends
/// back.
#[derive(Serialize, ToSchema)]
pub struct CouncilReportJson {
    /// The document's key.
    pub document: String,
    /// The document's report heading.
    pub title: String,
    /// The round's key.
    pub round: String,
    pub round_name: String,
    pub year: i32,
    /// question: each strategy is assessed; section: each goal area.
    pub at: String,
    pub scale: AssessmentScaleJson,
    /// The previous round's name, when it had assessments (each subject's `previous`).
    pub previous_round: Option<String>,
    /// Some indicator's values are made up for a demonstration.
    pub example_data: bool,
    pub goal_areas: Vec<GoalAreaJson>,
    /// Every indicator of the document; those of a goal area stand under it as well.
    pub indicators: Vec<IndicatorJson>,
}

/// The levels an assessment can take, best first.
#[derive(Serialize, ToSchema)]
pub struct AssessmentScaleJson {
    pub key: String,
    pub name: String,
    pub levels: Vec<LevelJson>,
}

/// One level of the scale, with the tone that colours it in the reports.
#[derive(Serialize, ToSchema)]
pub struct LevelJson {
    pub key: String,
    pub label: String,
    /// best, good, poor or worst: where on the scale it stands, for its colour.
    pub tone: String,
}

/// A section that asks questions directly: its narrative, and what is assessed in it.
#[derive(Serialize, ToSchema)]
pub struct GoalAreaJson {
    pub key: String,
    pub number: String,
    pub title: String,
    pub narrative: NarrativeJson,
    /// Its strategies, or the goal area itself when the document is assessed per goal area.
    pub subjects: Vec<SubjectJson>,
    pub indicators: Vec<IndicatorJson>,
}

/// A goal area's texts; saved with `PUT …/narratives/{section}` from `version`.
#[derive(Serialize, ToSchema)]
pub struct NarrativeJson {
    /// *Utveckling sedan antagandet*, Markdown.
    pub since_adoption: String,
    /// *Frågor och utveckling framåt*, Markdown.
    pub ahead: String,
    /// 0 before the first save.
    pub version: i64,
}

impl From<&Narrative> for NarrativeJson {
    fn from(n: &Narrative) -> NarrativeJson {
        NarrativeJson {
            since_adoption: n.since_adoption.clone(),
            ahead: n.ahead.clone(),
            version: n.version,
        }
    }
}

/// A strategy or goal area with the answers behind it; assessed with
/// `PUT …/assessments/{key}` from its assessment's version (0 when there is none).
#[derive(Serialize, ToSchema)]
pub struct SubjectJson {
    pub key: String,
    pub number: String,
    /// The strategy's words, or the goal area's heading.
    pub title: String,
    pub counts: CountsJson,
    pub assessment: Option<AssessedJson>,
    /// The previous round's assessment of the same subject.
    pub previous: Option<AssessedJson>,
    /// A level drafted from the answers; never stored.
    pub suggestion: Option<SuggestionJson>,
}

/// How the organisations asked answered the subject's questions.
#[derive(Serialize, ToSchema)]
pub struct CountsJson {
    pub assigned: usize,
    pub answered: usize,
    /// Answered with the positive option (Ja).
    pub positive: usize,
    pub options: Vec<OptionCountJson>,
    /// Organisations that answered Ja last round and another option now.
    pub turned_negative: usize,
}

/// How many answers gave one option.
#[derive(Serialize, ToSchema)]
pub struct OptionCountJson {
    pub key: String,
    pub label: String,
    pub count: usize,
}

/// A stored assessment.
#[derive(Serialize, ToSchema)]
pub struct AssessmentJson {
    /// The strategy's (question's) or goal area's (section's) key.
    pub subject: String,
    /// The level's key.
    pub level: String,
    pub motivation: String,
    pub assessed_by: String,
    /// RFC 3339.
    pub assessed_at: String,
    /// Starts at 1; send it back with the next save.
    pub version: i64,
}

impl From<&Assessment> for AssessmentJson {
    fn from(a: &Assessment) -> AssessmentJson {
        AssessmentJson {
            subject: a.subject.to_string(),
            level: a.level.to_string(),
            motivation: a.motivation.clone(),
            assessed_by: a.assessed_by.clone(),
            assessed_at: a
                .assessed_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            version: a.version,
        }
    }
}

/// An assessment in the report, with its level's words and tone.
#[derive(Serialize, ToSchema)]
pub struct AssessedJson {
    #[serde(flatten)]
    pub assessment: AssessmentJson,
    pub label: String,
    /// best, good, poor or worst.
    pub tone: String,
}

impl From<&Assessed> for AssessedJson {
    fn from(a: &Assessed) -> AssessedJson {
        AssessedJson {
            assessment: AssessmentJson::from(&a.assessment),
            label: a.label.clone(),
            tone: a.tone.as_str().into(),
        }
    }
}

/// A level drafted from the answers, to start an assessment from; never stored.
#[derive(Serialize, ToSchema)]
pub struct SuggestionJson {
    pub level: String,
    /// Why, from the counts.
    pub motivation: String,
}

impl CouncilReportJson {
    /// The report of the round keyed `round`.
    pub fn new(round: &Key, report: &CouncilReport) -> CouncilReportJson {
        let subject = |s: &Subject| SubjectJson {
            key: s.key.to_string(),
            number: s.number.clone(),
            title: s.title.clone(),
            counts: CountsJson {
                assigned: s.evidence.tally.assigned,
                answered: s.evidence.tally.answered,
                positive: s.evidence.tally.positive,
                options: s
                    .evidence
                    .tally
                    .options
                    .iter()
                    .map(|o| OptionCountJson {
                        key: o.key.to_string(),
                        label: o.label.clone(),
                        count: o.count,
                    })
                    .collect(),
                turned_negative: s.evidence.turned_negative,
            },
            assessment: s.assessment.as_ref().map(AssessedJson::from),
            previous: s.previous.as_ref().map(AssessedJson::from),
            suggestion: s.suggestion.as_ref().map(|g| SuggestionJson {
                level: g.level.to_string(),
                motivation: g.motivation.clone(),
            }),
        };
        let rows = |rows: &[IndicatorRow]| -> Vec<IndicatorJson> {
            rows.iter()
                .map(|r| IndicatorJson::from(&r.indicator))
                .collect()
        };
        let scale = &report.scale;
        CouncilReportJson {
            document: report.document.to_string(),
            title: report.title.clone(),
            round: round.to_string(),
            round_name: report.round.clone(),
            year: report.year,
            at: report.at.as_str().into(),
            scale: AssessmentScaleJson {
                key: scale.key.to_string(),
                name: scale.name.clone(),
                levels: scale
                    .levels
                    .iter()
                    .map(|l| LevelJson {
                        key: l.key.to_string(),
                        label: l.label.clone(),
                        tone: scale.tone(&l.key).map_or("", Tone::as_str).into(),
                    })
                    .collect(),
            },
            previous_round: report.previous_round.clone(),
            example_data: report.example_data,
            goal_areas: report
                .goal_areas
                .iter()
                .map(|g| GoalAreaJson {
                    key: g.key.to_string(),
                    number: g.number.clone(),
                    title: g.heading.clone(),
                    narrative: NarrativeJson::from(&g.narrative),
                    subjects: g.subjects.iter().map(subject).collect(),
                    indicators: rows(&g.indicators),
                })
                .collect(),
            indicators: rows(&report.indicators),
        }
    }
}

/// A value in a year: a baseline, a target or a measurement.
#[derive(Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingJson {
    /// 1900–2200.
    pub year: i32,
    pub value: f64,
}

impl From<Reading> for ReadingJson {
    fn from(r: Reading) -> ReadingJson {
        ReadingJson {
            year: r.year,
            value: r.value,
        }
    }
}

/// Where an indicator's values can be fetched from in Kolada.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KoladaJson {
    /// The KPI's id, such as N07402.
    pub kpi: String,
    /// The municipality's id, such as 1480.
    pub municipality: String,
}

/// An indicator with its status.
#[derive(Serialize, ToSchema)]
pub struct IndicatorJson {
    pub key: String,
    pub name: String,
    pub source: String,
    pub unit: String,
    /// higher or lower: which values are better.
    pub direction: String,
    /// The goal area's key, when it measures one rather than the whole document.
    pub section: Option<String>,
    pub baseline: Option<ReadingJson>,
    pub target: Option<ReadingJson>,
    pub kolada: Option<KoladaJson>,
    /// Made-up values for a demonstration.
    pub example: bool,
    /// One per year, oldest first.
    pub values: Vec<ReadingJson>,
    /// on_track, off_track or no_data.
    pub status: String,
    pub status_label: String,
}

impl From<&Indicator> for IndicatorJson {
    fn from(i: &Indicator) -> IndicatorJson {
        let status = i.status();
        IndicatorJson {
            key: i.key.to_string(),
            name: i.name.clone(),
            source: i.source.clone(),
            unit: i.unit.clone(),
            direction: i.direction.as_str().into(),
            section: i.section.as_ref().map(ToString::to_string),
            baseline: i.baseline.map(ReadingJson::from),
            target: i.target.map(ReadingJson::from),
            kolada: i.kolada.as_ref().map(|k| KoladaJson {
                kpi: k.kpi.clone(),
                municipality: k.municipality.clone(),
            }),
            example: i.example,
            values: i.values.iter().copied().map(ReadingJson::from).collect(),
            status: match status {
                IndicatorStatus::OnTrack => "on_track",
                IndicatorStatus::OffTrack => "off_track",
                IndicatorStatus::NoData => "no_data",
            }
            .into(),
            status_label: status.label().into(),
        }
    }
}

/// An indicator with the version an edit sends back.
#[derive(Serialize, ToSchema)]
pub struct VersionedIndicatorJson {
    #[serde(flatten)]
    pub indicator: IndicatorJson,
    pub version: i64,
}

/// An indicator to store: new (`version` left out or null) or an edit of the stored one at
/// `version`. Its values replace the stored ones.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInputJson {
    pub name: String,
    #[serde(default)]
    pub source: String,
    /// Empty for a plain number.
    #[serde(default)]
    pub unit: String,
    /// higher or lower: which values are better.
    pub direction: String,
    /// A goal area's key; null or left out for the whole document.
    pub section: Option<String>,
    pub baseline: Option<ReadingJson>,
    pub target: Option<ReadingJson>,
    pub kolada: Option<KoladaJson>,
    #[serde(default)]
    pub example: bool,
    /// At most one per year.
    #[serde(default)]
    pub values: Vec<ReadingJson>,
    /// The version read (GET …/indicators); null or left out to add a new indicator.
    pub version: Option<i64>,
}

/// An assessment to save. `version` is the one read: 0 when the subject has none yet.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInputJson {
    /// A level's key on the document's scale (the report's `scale.levels`).
    pub level: String,
    #[serde(default)]
    pub motivation: String,
    pub version: i64,
}

/// A goal area's texts to save. `version` is the one read: 0 before the first save.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NarrativeInputJson {
    #[serde(default)]
    pub since_adoption: String,
    #[serde(default)]
    pub ahead: String,
    pub version: i64,
}

/// The version a save stored: send it with the next.
#[derive(Serialize, ToSchema)]
pub struct VersionJson {
    pub version: i64,
}

/// How a document is assessed in its council report.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentSettingsJson {
    /// question (per strategy) or section (per goal area).
    pub at: String,
    /// The scale's key: bedomning for the standard, or one of the choice scales.
    pub scale: String,
}

/// How a document is assessed, with the scales it may be assessed on.
#[derive(Serialize, ToSchema)]
pub struct AssessmentSettingsView {
    /// question (per strategy) or section (per goal area).
    pub at: String,
    /// The scale's key.
    pub scale: String,
    pub scales: Vec<ScaleChoiceJson>,
}

/// A scale a document may be assessed on: the standard, or one of the city's choice scales.
#[derive(Serialize, ToSchema)]
pub struct ScaleChoiceJson {
    pub key: String,
    pub name: String,
}
