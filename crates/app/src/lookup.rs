//! Finding what a request names — a round the person may see, an organisation, a question — so
//! that every use case, and so the API and the pages, refuse alike.

use std::sync::Arc;

use uppfolj_model::{Actor, Definitions, Key, Organisation, QuestionRef, Round};
use uppfolj_store::Store;

use crate::LookupError;

/// Parses a name from a path as a key; anything else names nothing that exists.
pub fn key(text: &str, what: &str) -> Result<Key, LookupError> {
    Key::parse(text).map_err(|_| LookupError::NotFound(format!("{what} «{text}»")))
}

/// Parses a question's names, `{document}/{question}`.
pub fn question_ref(document: &str, question: &str) -> Result<QuestionRef, LookupError> {
    Ok(QuestionRef {
        document: key(document, "dokumentet")?,
        question: key(question, "frågan")?,
    })
}

/// The stored round `round`, to change and store again.
pub fn stored_round(definitions: &Definitions, round: &Key) -> Result<Round, LookupError> {
    definitions
        .rounds
        .iter()
        .find(|r| &r.key == round)
        .cloned()
        .ok_or_else(|| LookupError::NotFound(format!("omgången «{round}»")))
}

/// Loads the definitions and finds a round `actor` may see; its index in them.
pub async fn visible_round(
    store: &Store,
    actor: &Actor,
    round: &str,
) -> Result<(Arc<Definitions>, usize), LookupError> {
    let key = key(round, "omgången")?;
    let definitions = store.definitions().await?;
    let index = definitions
        .rounds
        .iter()
        .position(|r| r.key == key)
        .ok_or_else(|| LookupError::NotFound(format!("omgången «{round}»")))?;
    if !actor.may_see_round(definitions.rounds[index].state) {
        return Err(LookupError::Forbidden(format!(
            "du har inte tillgång till omgången «{round}»"
        )));
    }
    Ok((definitions, index))
}

/// The organisation keyed `organisation`.
pub fn find_organisation<'a>(
    definitions: &'a Definitions,
    organisation: &str,
) -> Result<&'a Organisation, LookupError> {
    definitions
        .organisations
        .iter()
        .find(|o| o.key.as_str() == organisation)
        .ok_or_else(|| LookupError::NotFound(format!("organisationen «{organisation}»")))
}

/// Refuses anyone but a coordinator.
pub fn require_coordinator(actor: &Actor) -> Result<(), LookupError> {
    if actor.may_manage() {
        Ok(())
    } else {
        Err(LookupError::Forbidden(
            "bara samordnare får göra detta".into(),
        ))
    }
}
