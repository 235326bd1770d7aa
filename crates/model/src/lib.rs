//! The follow-up domain as plain data and pure functions.
//!
//! Everything a rule depends on lives here so that it can be tested without a database, a web
//! server or a file system: what a valid steering document looks like, which organisation gets
//! which question, how report headings are numbered, when a response may be submitted.
//!
//! Imports point one way: a module names only modules listed before it in `problem`, `key`,
//! `text`, `scale`, `organisation`, `document`, `thresholds`, `round`, `numbering`, `response`,
//! `compilation`, `form`, `definitions`, `access` (`throttle` and `audit` stand apart). A type two modules
//! share lives in the lower one, which is why `Asked` is in `document` and `StatusThresholds` in
//! `thresholds`.

pub mod access;
pub mod assessment;
pub mod audit;
pub mod compilation;
pub mod council;
pub mod council_data;
pub mod definitions;
pub mod document;
pub mod form;
pub mod indicator;
pub mod key;
pub mod numbering;
pub mod organisation;
pub mod problem;
pub mod response;
pub mod round;
pub mod scale;
pub mod text;
pub mod thresholds;
pub mod throttle;

pub use access::{Actor, Email, Role};
pub use audit::{AuditAction, AuditEntry};
pub use compilation::{
    AnswersByQuestion, Audience, Compilation, CompilationInput, EarlierRound, Given, ResponseData,
    compile,
};
pub use definitions::{Definitions, ObjectRef};
pub use document::{
    Asked, CommentRule, Document, DocumentKind, Period, Question, QuestionRef, Section, short_names,
};
pub use form::{FormQuestion, response_form};
pub use key::{Key, KeyError};
pub use numbering::{Entry, Heading, number_round, question_numbers};
pub use organisation::{Organisation, OrganisationKind};
pub use problem::{Path, Problem, Step};
pub use response::{
    Answer, AnswerChange, AnswerInput, InputError, InputField, MAX_COMMENT_CHARS, QuestionStatus,
    ResponseState, SubmitProblem, TransitionError, check_submission,
};
pub use round::{Extension, Round, RoundState, Target};
pub use scale::{AnswerOption, AnswerScale, AnswerValue, ScaleKind, ValueError};
