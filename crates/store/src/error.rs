use uppfolj_model::{Answer, InputError, RoundState, SubmitProblem, TransitionError};

/// Why the store could not do what was asked. Messages are for the person running Uppfölj.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DATABASE_URL «{0}» stöds inte; använd sqlite://FIL eller postgres://…")]
    UnsupportedUrl(String),
    #[error("kan inte ansluta till databasen {url}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("databasens schema kunde inte uppdateras")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("databasfel")]
    Database(#[from] sqlx::Error),
    /// From the connection SQLite's group-commit writer has of its own.
    #[error("databasfel")]
    Sqlite(#[from] rusqlite::Error),
    #[error("kan inte starta tråden som skriver svaren")]
    WriterThread(#[source] std::io::Error),
    /// A commit of saves failed; none of its saves were kept.
    #[error("databasfel när svaren skrevs, inget av dem sparades: {0}")]
    NotWritten(String),
    #[error("oväntat innehåll i databasen: {0}")]
    Corrupt(String),
    #[error("{0} finns inte")]
    NotFound(String),
    #[error("{0}")]
    Rule(String),
    /// Someone changed the definitions after the caller read them; nothing was stored.
    #[error(
        "någon annan har ändrat inställningarna under tiden; ladda om sidan och gör om ändringen"
    )]
    Changed,
    /// Someone saved `0` (in words: «bedömningen av …») after the version the save was made
    /// from; nothing was stored.
    #[error("{0} har sparats av någon annan under tiden; ladda om sidan och gör om ändringen")]
    Stale(String),
}

/// Why an answer was not saved. Each case is something the respondent can act on.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Someone else saved in between; `current` is what they saved.
    #[error("någon annan har sparat ett nytt svar under tiden (version {})", .current.as_ref().map_or(0, |a| a.version))]
    Conflict { current: Option<Box<Answer>> },
    #[error("omgången är {} och tar inte emot svar", .0.label().to_lowercase())]
    RoundNotOpen(RoundState),
    #[error(transparent)]
    Locked(#[from] TransitionError),
    #[error("frågan är inte ställd till den här organisationen i omgången")]
    NotAssigned,
    #[error(transparent)]
    Invalid(InputError),
}

/// Why a response could not change state.
#[derive(Debug, thiserror::Error)]
pub enum WorkflowError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// Submit found problems; each names its question.
    #[error("svaret kan inte skickas in: {} problem", .0.len())]
    Incomplete(Vec<SubmitProblem>),
    #[error("{0}")]
    Refused(String),
}
