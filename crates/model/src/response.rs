//! Responses (*svar*): one organisation's answers in one round, and the rules for submitting them.

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{AnswerScale, AnswerValue, Question, QuestionRef};

/// The longest comment accepted. Long enough for a real account, short enough to be read.
pub const MAX_COMMENT_CHARS: usize = 10_000;

/// How far an organisation has come with its response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseState {
    NotStarted,
    Draft,
    Submitted,
    Returned,
    Accepted,
}

/// Why a response cannot move to the state asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("svaret har status {} och kan inte {}", .from.label(), .action)]
pub struct TransitionError {
    pub from: ResponseState,
    pub action: &'static str,
}

impl ResponseState {
    pub const ALL: [ResponseState; 5] = [
        ResponseState::NotStarted,
        ResponseState::Draft,
        ResponseState::Submitted,
        ResponseState::Returned,
        ResponseState::Accepted,
    ];

    /// The word stored in the database and used by the API.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseState::NotStarted => "not_started",
            ResponseState::Draft => "draft",
            ResponseState::Submitted => "submitted",
            ResponseState::Returned => "returned",
            ResponseState::Accepted => "accepted",
        }
    }

    /// Reads the stored word back.
    pub fn parse(text: &str) -> Option<ResponseState> {
        ResponseState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The Swedish word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            ResponseState::NotStarted => "Ej påbörjad",
            ResponseState::Draft => "Utkast",
            ResponseState::Submitted => "Inskickad",
            ResponseState::Returned => "Återskickad",
            ResponseState::Accepted => "Godkänd",
        }
    }

    /// The state as a sentence says it after «svaret är» (*svaret* is neuter, the labels are
    /// not): «inte påbörjat», «ett utkast», «inskickat», «återskickat», «godkänt».
    pub fn predicate(self) -> &'static str {
        match self {
            ResponseState::NotStarted => "inte påbörjat",
            ResponseState::Draft => "ett utkast",
            ResponseState::Submitted => "inskickat",
            ResponseState::Returned => "återskickat",
            ResponseState::Accepted => "godkänt",
        }
    }

    /// Whether the respondent may still change answers.
    pub fn is_editable(self) -> bool {
        matches!(
            self,
            ResponseState::NotStarted | ResponseState::Draft | ResponseState::Returned
        )
    }

    /// Whether the organisation has handed the response in (and it was not returned since): only
    /// then are its answers the organisation's word, fit to publish.
    pub fn is_submitted(self) -> bool {
        matches!(self, ResponseState::Submitted | ResponseState::Accepted)
    }

    /// The state after an answer is saved: a first save starts the draft, a returned response stays returned.
    pub fn after_save(self) -> Result<ResponseState, TransitionError> {
        match self {
            ResponseState::NotStarted => Ok(ResponseState::Draft),
            ResponseState::Draft | ResponseState::Returned => Ok(self),
            from => Err(TransitionError {
                from,
                action: "ändras",
            }),
        }
    }

    /// Submitting locks the response for the respondent.
    pub fn submit(self) -> Result<ResponseState, TransitionError> {
        match self {
            ResponseState::NotStarted | ResponseState::Draft | ResponseState::Returned => {
                Ok(ResponseState::Submitted)
            }
            from => Err(TransitionError {
                from,
                action: "skickas in",
            }),
        }
    }

    /// The coordinator returns a submitted response for completion.
    pub fn send_back(self) -> Result<ResponseState, TransitionError> {
        match self {
            ResponseState::Submitted | ResponseState::Accepted => Ok(ResponseState::Returned),
            from => Err(TransitionError {
                from,
                action: "återskickas",
            }),
        }
    }

    /// The coordinator accepts a submitted response.
    pub fn accept(self) -> Result<ResponseState, TransitionError> {
        match self {
            ResponseState::Submitted => Ok(ResponseState::Accepted),
            from => Err(TransitionError {
                from,
                action: "godkännas",
            }),
        }
    }
}

impl fmt::Display for ResponseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One question's answer as it stands, with the version that guards concurrent edits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub question: QuestionRef,
    pub value: Option<AnswerValue>,
    pub comment: String,
    /// Starts at 1 with the first save and grows by one with every save; a save must name the
    /// version it was made from, so a save made from stale data is a conflict, not an overwrite.
    pub version: i64,
    /// The comment is not for publication (it touches on secrecy, say): published views leave
    /// it out and say that a comment was withheld.
    #[serde(default)]
    pub withheld: bool,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

impl Answer {
    /// The answer as those outside its organisation and the central office read it: a withheld
    /// comment's text left out (the mark that there was one stays).
    pub fn published(&self) -> Answer {
        Answer {
            comment: if self.withheld {
                String::new()
            } else {
                self.comment.clone()
            },
            ..self.clone()
        }
    }
}

/// One entry of an answer's history: the value before and after a save.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerChange {
    pub question: QuestionRef,
    pub version: i64,
    pub old_value: Option<String>,
    pub old_comment: String,
    pub new_value: Option<String>,
    pub new_comment: String,
    /// Whether the comment was withheld from publication after the change.
    #[serde(default)]
    pub withheld: bool,
    pub changed_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub changed_at: OffsetDateTime,
}

/// What a respondent sends to save one answer.
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerInput {
    /// The answer as given: an option's key or label, a text, or a number; `None` or empty
    /// for no answer (a comment alone may be saved).
    pub value: Option<String>,
    pub comment: String,
    /// The version the respondent saw; 0 when the question had no answer yet.
    pub version: i64,
    /// The comment is not for publication; see [`Answer::withheld`].
    pub withheld: bool,
}

/// The part of an [`AnswerInput`] that a refusal concerns, so that a form can mark that field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputField {
    Answer,
    Comment,
    Version,
}

impl InputField {
    /// The field's name in the API's JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            InputField::Answer => "answer",
            InputField::Comment => "comment",
            InputField::Version => "version",
        }
    }
}

/// Why an input was refused before anything was stored, tied to the field it concerns.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    pub field: InputField,
    pub message: String,
}

impl AnswerInput {
    /// Checks an input against its question's scale before anything is stored, and returns the
    /// answer read by the scale.
    pub fn check(&self, scale: &AnswerScale) -> Result<Option<AnswerValue>, InputError> {
        let refuse = |field, message: String| Err(InputError { field, message });
        if self.comment.chars().count() > MAX_COMMENT_CHARS {
            return refuse(
                InputField::Comment,
                format!("kommentaren får vara högst {MAX_COMMENT_CHARS} tecken"),
            );
        }
        if let Some(found) = crate::text::control_character(&self.comment) {
            return refuse(
                InputField::Comment,
                crate::text::control_character_message("kommentaren", found),
            );
        }
        if self.version < 0 {
            return refuse(
                InputField::Version,
                "versionen kan inte vara negativ".into(),
            );
        }
        match self.value.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(given) => scale
                .parse_value(given)
                .map(Some)
                .or_else(|e| refuse(InputField::Answer, e.to_string())),
        }
    }
}

/// Something that stops a response from being submitted, tied to its question and the field to
/// mend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmitProblem {
    pub question: QuestionRef,
    pub field: InputField,
    pub message: String,
}

/// Where one question stands before submission: the form counts and filters by it, the submit
/// check lists what is not [`QuestionStatus::Done`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuestionStatus {
    Unanswered,
    /// Answered, but not as it can be submitted: `field` to mend, and what the question lacks as
    /// a predicate («behöver en kommentar när svaret är Nej»).
    NeedsAttention {
        field: InputField,
        message: String,
    },
    Done,
}

impl QuestionStatus {
    /// The status of `question` answered with `answer` (or not at all).
    pub fn of(question: &Question, scale: &AnswerScale, answer: Option<&Answer>) -> QuestionStatus {
        let Some(value) = answer.and_then(|a| a.value.as_ref()) else {
            return QuestionStatus::Unanswered;
        };
        let attention = |field, message| QuestionStatus::NeedsAttention { field, message };
        if !scale.accepts(value) {
            return attention(
                InputField::Answer,
                "har ett svar som inte längre passar svarsskalan; välj ett nytt svar".into(),
            );
        }
        let option = match value {
            AnswerValue::Choice(key) => Some(key),
            _ => None,
        };
        let comment_given = answer.is_some_and(|a| !a.comment.trim().is_empty());
        if question.comment.requires_comment(option) && !comment_given {
            let message = match option {
                Some(_) => format!(
                    "behöver en kommentar när svaret är {}",
                    scale.display(value)
                ),
                None => "behöver en kommentar".into(),
            };
            return attention(InputField::Comment, message);
        }
        QuestionStatus::Done
    }

    /// A state to act on before submitting, though the question has an answer.
    pub fn needs_attention(&self) -> bool {
        matches!(self, QuestionStatus::NeedsAttention { .. })
    }
}

/// Checks a whole response before submission: every assigned question answered, every comment
/// rule met. Lists every problem, in the order of `assigned` (the report's order).
pub fn check_submission(
    assigned: &[(QuestionRef, &Question, &AnswerScale)],
    answers: &HashMap<QuestionRef, Answer>,
) -> Vec<SubmitProblem> {
    assigned
        .iter()
        .filter_map(|(reference, question, scale)| {
            let (field, message) = match QuestionStatus::of(question, scale, answers.get(reference))
            {
                QuestionStatus::Done => return None,
                QuestionStatus::Unanswered => (
                    InputField::Answer,
                    format!("«{}» är inte besvarad", question.text),
                ),
                QuestionStatus::NeedsAttention { field, message } => {
                    (field, format!("«{}» {message}", question.text))
                }
            };
            Some(SubmitProblem {
                question: reference.clone(),
                field,
                message,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CommentRule;
    use crate::document::tests::{key, question};
    use crate::scale::tests::ja_nej_ej;

    fn answer(q: &QuestionRef, value: Option<&str>, comment: &str) -> Answer {
        Answer {
            question: q.clone(),
            value: value.map(|v| AnswerValue::Choice(key(v))),
            comment: comment.into(),
            version: 1,
            withheld: false,
            changed_by: "anna@example.se".into(),
            changed_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn submission_lists_every_missing_answer_and_missing_comment_in_order() {
        let scale = ja_nej_ej();
        let mut q1 = question("q1");
        q1.comment = CommentRule::RequiredFor(vec![key("nej"), key("ej-aktuellt")]);
        let mut q2 = question("q2");
        q2.comment = CommentRule::Required;
        let q3 = question("q3");
        let q4 = q1.clone();
        let refs: Vec<QuestionRef> = ["q1", "q2", "q3", "q4"]
            .iter()
            .map(|k| QuestionRef {
                document: key("d"),
                question: key(k),
            })
            .collect();
        let assigned = vec![
            (refs[0].clone(), &q1, &scale),
            (refs[1].clone(), &q2, &scale),
            (refs[2].clone(), &q3, &scale),
            (refs[3].clone(), &q4, &scale),
        ];
        let answers: HashMap<_, _> = [
            (refs[0].clone(), answer(&refs[0], Some("nej"), "  ")),
            (refs[1].clone(), answer(&refs[1], Some("ja"), "")),
            (
                refs[2].clone(),
                answer(&refs[2], None, "en kommentar utan svar"),
            ),
            (refs[3].clone(), answer(&refs[3], Some("ja"), "")),
        ]
        .into();
        let messages: Vec<String> = check_submission(&assigned, &answers)
            .into_iter()
            .map(|p| p.message)
            .collect();
        assert_eq!(
            messages,
            [
                "«Fråga q1?» behöver en kommentar när svaret är Nej",
                "«Fråga q2?» behöver en kommentar när svaret är Ja",
                "«Fråga q3?» är inte besvarad",
            ]
        );
    }

    #[test]
    fn a_complete_response_has_no_problems() {
        let scale = ja_nej_ej();
        let q = question("q1");
        let r = QuestionRef {
            document: key("d"),
            question: key("q1"),
        };
        let answers = [(r.clone(), answer(&r, Some("ja"), ""))].into();
        assert!(check_submission(&[(r, &q, &scale)], &answers).is_empty());
    }

    #[test]
    fn response_states_follow_the_workflow() {
        use ResponseState::*;
        assert_eq!(NotStarted.after_save(), Ok(Draft));
        assert_eq!(Returned.after_save(), Ok(Returned));
        assert!(Submitted.after_save().is_err());
        assert_eq!(Draft.submit(), Ok(Submitted));
        assert_eq!(Returned.submit(), Ok(Submitted));
        assert!(Accepted.submit().is_err());
        assert_eq!(Submitted.accept(), Ok(Accepted));
        assert!(Draft.accept().is_err());
        assert_eq!(Submitted.send_back(), Ok(Returned));
        assert_eq!(Accepted.send_back(), Ok(Returned));
        assert!(Draft.send_back().is_err());
        assert_eq!(
            Submitted.after_save().unwrap_err().to_string(),
            "svaret har status Inskickad och kan inte ändras"
        );
    }

    #[test]
    fn input_checks_scale_comment_length_and_version() {
        let scale = ja_nej_ej();
        let ok = AnswerInput {
            value: Some("Ja".into()),
            comment: "å".repeat(MAX_COMMENT_CHARS),
            version: 0,
            withheld: false,
        };
        assert_eq!(ok.check(&scale), Ok(Some(AnswerValue::Choice(key("ja")))));
        let blank = AnswerInput {
            value: Some(" ".into()),
            ..ok.clone()
        };
        assert_eq!(blank.check(&scale), Ok(None));
        let long = AnswerInput {
            comment: "å".repeat(MAX_COMMENT_CHARS + 1),
            ..ok.clone()
        };
        let refused = long.check(&scale).unwrap_err();
        assert!(refused.message.contains("10000"));
        assert_eq!(refused.field, InputField::Comment);
        let foreign = AnswerInput {
            value: Some("delvis".into()),
            ..ok.clone()
        };
        assert_eq!(
            foreign.check(&scale).unwrap_err(),
            InputError {
                field: InputField::Answer,
                message: "«delvis» är inte ett svarsalternativ; välj ett av: Ja, Nej, Ej aktuellt"
                    .into()
            }
        );
        let negative = AnswerInput { version: -1, ..ok };
        assert!(negative.check(&scale).is_err());
    }
}
