//! What the use cases refuse, in the domain's words. The web layer turns each error into
//! problem details for the API and into a Swedish page or form error for people, once; the
//! command line prints its message.

use uppfolj_model::Key;
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
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error(transparent)]
    Store(#[from] StoreError),
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
    /// A field is refused; `problems` lists every problem found, the first at `field`.
    #[error("{}", problems.join("; "))]
    Invalid {
        field: String,
        problems: Vec<String>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl RoundError {
    /// One refused field.
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> RoundError {
        RoundError::Invalid {
            field: field.to_owned(),
            problems: vec![message.into()],
        }
    }
}
