//! The JSON the API speaks. Field names are English; texts are the stored Swedish texts.

use serde::{Deserialize, Serialize};
use uppfolj_model::{Actor, Answer, AnswerScale, Organisation, Round, ScaleKind};
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
