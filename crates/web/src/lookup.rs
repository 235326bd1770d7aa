//! Finding what a request names — a round the caller may see, an organisation — and the checks
//! every path shares, so that the API and the pages refuse in the same way.

use std::sync::Arc;

use uppfolj_model::{Definitions, Key, Organisation, QuestionRef, Round};

use crate::AppState;
use crate::auth::Caller;
use crate::error::Failure;

/// Parses a path segment as a key; anything else names nothing that exists.
pub(crate) fn key(text: &str, what: &str) -> Result<Key, Failure> {
    Key::parse(text).map_err(|_| Failure::not_found(format!("{what} «{text}» finns inte")))
}

/// Parses a question's path segments, `{document}/{question}`.
pub(crate) fn question_ref(document: &str, question: &str) -> Result<QuestionRef, Failure> {
    Ok(QuestionRef {
        document: key(document, "dokumentet")?,
        question: key(question, "frågan")?,
    })
}

/// The stored round `round`, to change and store again.
pub(crate) fn stored_round(definitions: &Definitions, round: &Key) -> Result<Round, Failure> {
    definitions
        .rounds
        .iter()
        .find(|r| &r.key == round)
        .cloned()
        .ok_or_else(|| Failure::not_found(format!("omgången «{round}» finns inte")))
}

/// Loads the definitions and finds a round the caller may see.
pub(crate) async fn visible_round(
    state: &AppState,
    caller: &Caller,
    round: &str,
) -> Result<(Arc<Definitions>, usize), Failure> {
    let key = key(round, "omgången")?;
    let definitions = state.store.definitions().await?;
    let index = definitions
        .rounds
        .iter()
        .position(|r| r.key == key)
        .ok_or_else(|| Failure::not_found(format!("omgången «{round}» finns inte")))?;
    if !caller.actor.may_see_round(definitions.rounds[index].state) {
        return Err(Failure::forbidden(
            true,
            format!("du har inte tillgång till omgången «{round}»"),
        ));
    }
    Ok((definitions, index))
}

pub(crate) fn find_organisation<'a>(
    definitions: &'a Definitions,
    organisation: &str,
) -> Result<&'a Organisation, Failure> {
    definitions
        .organisations
        .iter()
        .find(|o| o.key.as_str() == organisation)
        .ok_or_else(|| Failure::not_found(format!("organisationen «{organisation}» finns inte")))
}

pub(crate) fn require_coordinator(caller: &Caller) -> Result<(), Failure> {
    if caller.actor.may_manage() {
        Ok(())
    } else {
        Err(Failure::forbidden(true, "bara samordnare får göra detta"))
    }
}
