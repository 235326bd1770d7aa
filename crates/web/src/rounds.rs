//! Managing rounds as the API and the pages both do it: creating one (or copying last year's),
//! moving it through its states, and setting the compilation's status thresholds. One place, so
//! that JSON and HTML follow the same rules and refuse alike.

use serde_json::json;
use time::Date;
use uppfolj_model::compilation::StatusThresholds;
use uppfolj_model::{Definitions, Key, ObjectRef, Round, RoundState};

use crate::AppState;
use crate::auth::Caller;
use crate::error::Failure;
use crate::lookup::{key, require_coordinator, stored_round};

/// A new round as asked for: its fields as written, to be checked here.
pub(crate) struct NewRoundInput {
    pub key: String,
    pub name: String,
    pub year: i32,
    /// YYYY-MM-DD.
    pub opens: String,
    pub closes: String,
    /// Copy documents, targeting and thresholds from this round.
    pub copy_from: Option<String>,
    /// Document keys in report order, when not copying.
    pub documents: Vec<String>,
    /// Green and yellow shares; copied or the defaults when `None`.
    pub thresholds: Option<(f64, f64)>,
}

/// Creates a round as a draft, empty or as a copy of another. Fields are named as in the API.
pub(crate) async fn create(
    state: &AppState,
    caller: &Caller,
    input: NewRoundInput,
) -> Result<Round, Failure> {
    require_coordinator(caller)?;
    let round_key =
        Key::parse(&input.key).map_err(|e| Failure::bad_request("key", e.to_string()))?;
    let definitions = state.store.definitions().await?;
    if definitions.rounds.iter().any(|r| r.key == round_key) {
        return Err(Failure::conflict(
            format!("omgången «{round_key}» finns redan"),
            json!({ "field": "key" }),
        ));
    }
    let (documents, targets, copied) = match &input.copy_from {
        Some(source) => {
            let source = definitions
                .rounds
                .iter()
                .find(|r| r.key.as_str() == source)
                .ok_or_else(|| Failure::not_found(format!("omgången «{source}» finns inte")))?;
            (
                source.documents.clone(),
                source.targets.clone(),
                source.thresholds,
            )
        }
        None => {
            let keys = input
                .documents
                .iter()
                .map(|d| {
                    Key::parse(d).map_err(|e| Failure::bad_request("documents", e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            (keys, vec![], StatusThresholds::default())
        }
    };
    let thresholds = match input.thresholds {
        Some((green, yellow)) => thresholds(green, yellow)?,
        None => copied,
    };
    let round = Round {
        key: round_key,
        name: input.name.trim().to_owned(),
        year: input.year,
        opens: date(&input.opens, "opens")?,
        closes: date(&input.closes, "closes")?,
        documents,
        targets,
        state: RoundState::Draft,
        thresholds,
        asked: None,
    };
    store_round(state, &definitions, round.clone(), None).await?;
    Ok(round)
}

/// Opens, closes or publishes a round (`state` as stored: open, closed, published, draft).
pub(crate) async fn change_state(
    state: &AppState,
    caller: &Caller,
    round: &str,
    next: &str,
) -> Result<Round, Failure> {
    require_coordinator(caller)?;
    let round = key(round, "omgången")?;
    let next = RoundState::parse(next).ok_or_else(|| {
        Failure::bad_request(
            "state",
            "status ska vara draft, open, closed eller published",
        )
    })?;
    state.store.set_round_state(&round, next).await?;
    Ok(state.store.round(&round).await?)
}

/// Sets the shares of *Ja* from which the compilation calls a section green or yellow.
pub(crate) async fn set_thresholds(
    state: &AppState,
    caller: &Caller,
    round: &str,
    green: f64,
    yellow: f64,
) -> Result<Round, Failure> {
    require_coordinator(caller)?;
    let round_key = key(round, "omgången")?;
    let definitions = state.store.definitions().await?;
    let mut round = stored_round(&definitions, &round_key)?;
    round.thresholds = thresholds(green, yellow)?;
    store_round(state, &definitions, round.clone(), None).await?;
    Ok(round)
}

/// Checks a round against everything stored and stores it; problems become one 400 naming the
/// first field. Given the settings' change counter a form was built from (`seen`), a change made
/// since is a 409 and nothing is stored.
pub(crate) async fn store_round(
    state: &AppState,
    existing: &Definitions,
    round: Round,
    seen: Option<i64>,
) -> Result<(), Failure> {
    let single = Definitions {
        rounds: vec![round],
        ..Definitions::default()
    };
    let problems = single.clone().with_fallback(existing.clone()).validate();
    if let Some((_, problem)) = problems
        .iter()
        .find(|(object, _)| *object == ObjectRef::Round(0))
    {
        let all: Vec<String> = problems.iter().map(|(_, p)| p.to_string()).collect();
        let mut failure = Failure::bad_request(&problem.path.to_string(), all.join("; "));
        failure.extra["problems"] = json!(all);
        return Err(failure);
    }
    match seen {
        Some(seen) => {
            state
                .store
                .apply_definitions_unless_changed(&single, seen)
                .await?
        }
        None => state.store.apply_definitions(&single).await?,
    };
    Ok(())
}

fn thresholds(green: f64, yellow: f64) -> Result<StatusThresholds, Failure> {
    StatusThresholds::new(green, yellow).map_err(|message| Failure::bad_request("status", message))
}

fn date(text: &str, field: &str) -> Result<Date, Failure> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| Failure::bad_request(field, format!("«{text}» är inte ett datum (ÅÅÅÅ-MM-DD)")))
}
