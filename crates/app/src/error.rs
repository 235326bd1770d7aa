//! What the use cases refuse, in the domain's words. The web layer turns each error into
//! problem details for the API and into a Swedish page or form error for people, once; the
//! command line prints its message.

use uppfolj_model::{Answer, AnswerScale, Key, QuestionRef};
use uppfolj_store::{SaveError, StoreError, WorkflowError};

/// Something a request names that does not exist, or that the person asking may not see.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// What was named, in words: «omgången «2030»».
    #[error("{0} finns inte")]
    NotFound(String),
    /// Why the person may not see it.
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a response could not be read, saved, submitted or decided on.
#[derive(Debug, thiserror::Error)]
pub enum ResponseError {
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// The person may not do this with the response; says why.
    #[error("{0}")]
    Forbidden(String),
    /// The round does not take answers now; holds the round's state in words.
    #[error("omgången är {0} och tar inte emot svar")]
    NotOpen(String),
    /// A field of what was sent is refused.
    #[error("{message}")]
    Invalid { field: String, message: String },
    /// A rule of the workflow stops the change; says which.
    #[error("{0}")]
    Refused(String),
    /// Someone else saved the answer since the version the save was made from; nothing was
    /// saved.
    #[error("frågan «{}» har sparats av någon annan sedan du hämtade den; välj vilket svar som ska gälla", .0.question)]
    Conflict(Box<AnswerConflict>),
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    /// A save refused by the store's checks (input, round, lock, targeting); conflicts come as
    /// [`ResponseError::Conflict`].
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An answer saved by someone else in between: what is stored now, with its scale to show it
/// by (`None` when the question has left the definitions).
#[derive(Debug)]
pub struct AnswerConflict {
    pub question: QuestionRef,
    pub current: Option<Answer>,
    pub scale: Option<AnswerScale>,
}

/// Why a round could not be created or changed.
#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// Only coordinators manage rounds.
    #[error("bara samordnare får göra detta")]
    NotCoordinator,
    #[error("omgången «{0}» finns redan")]
    KeyTaken(Key),
    /// The round is closed or published; who answers what, and when, is settled. Holds the state
    /// in words and what could not be changed.
    #[error("omgången är {state} och {what} kan inte längre ändras")]
    Settled { state: String, what: &'static str },
    /// Dates changed to days already past, in words; stored only once the coordinator confirms.
    #[error("{} har redan passerat; bekräfta för att spara ändå", past.join(", "))]
    PastDates { past: Vec<String> },
    /// Questions an assignment would ask of nobody, in report order; nothing changed.
    #[error("varje fråga måste ställas till minst en organisation")]
    Unasked(Vec<QuestionRef>),
    /// A field is refused; `problems` lists every problem found, the first at `field`.
    #[error("{}", problems.join("; "))]
    Invalid {
        field: RoundField,
        problems: Vec<String>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RoundError {
    /// One refused field.
    pub(crate) fn invalid(field: RoundField, message: impl Into<String>) -> RoundError {
        RoundError::Invalid {
            field,
            problems: vec![message.into()],
        }
    }
}

/// The part of a round a refusal concerns, so that the API can name it and a page can show the
/// refusal at its form field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoundField {
    Key,
    Name,
    Year,
    Opens,
    Closes,
    Documents,
    Targets,
    Thresholds,
    State,
    Extensions,
}

impl RoundField {
    /// The field's name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundField::Key => "key",
            RoundField::Name => "name",
            RoundField::Year => "year",
            RoundField::Opens => "opens",
            RoundField::Closes => "closes",
            RoundField::Documents => "documents",
            RoundField::Targets => "targets",
            RoundField::Thresholds => "thresholds",
            RoundField::State => "state",
            RoundField::Extensions => "extensions",
        }
    }

    /// The field a problem with a round's definition concerns, by the first step of its path
    /// (`closes`, `targets[2].question`).
    pub(crate) fn of(path: &uppfolj_model::Path) -> RoundField {
        let first = path.0.iter().find_map(|step| match step {
            uppfolj_model::Step::Field(name) => Some(*name),
            uppfolj_model::Step::Index(_) => None,
        });
        match first {
            Some("name") => RoundField::Name,
            Some("year") => RoundField::Year,
            Some("opens") => RoundField::Opens,
            Some("closes") => RoundField::Closes,
            Some("documents") => RoundField::Documents,
            Some("targets") | Some("target") => RoundField::Targets,
            Some("status") | Some("thresholds") => RoundField::Thresholds,
            Some("state") => RoundField::State,
            Some("extension") | Some("extensions") => RoundField::Extensions,
            _ => RoundField::Key,
        }
    }
}
