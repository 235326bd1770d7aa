//! Managing rounds: creating one (or copying last year's), moving it through its states, and
//! setting the compilation's status thresholds.

use std::collections::HashSet;

use time::Date;
use uppfolj_model::compilation::StatusThresholds;
use uppfolj_model::{
    Actor, AuditAction, Definitions, Extension, Key, ObjectRef, QuestionRef, ResponseState, Round,
    RoundState,
};

use crate::audit;
use crate::lookup::{key, stored_round};
use crate::responses::progress;
use crate::{App, RoundError, RoundField};

/// A new round as asked for: its fields as written, to be checked here.
pub struct NewRoundInput {
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
    /// Green, yellow and submitted shares; copied or the defaults when `None`.
    pub thresholds: Option<(f64, f64, f64)>,
}

/// Creates a round as a draft, empty or as a copy of another. Fields are named as in the API.
pub async fn create(app: &App, actor: &Actor, input: NewRoundInput) -> Result<Round, RoundError> {
    require_coordinator(actor)?;
    let round_key =
        Key::parse(&input.key).map_err(|e| RoundError::invalid(RoundField::Key, e.to_string()))?;
    let definitions = app.store.definitions().await?;
    if definitions.rounds.iter().any(|r| r.key == round_key) {
        return Err(RoundError::KeyTaken(round_key));
    }
    let (documents, targets, copied) = match &input.copy_from {
        Some(source) => {
            let source = stored_round(&definitions, &key(source, "omgången")?)?;
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
                    Key::parse(d)
                        .map_err(|e| RoundError::invalid(RoundField::Documents, e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            (keys, vec![], StatusThresholds::default())
        }
    };
    let thresholds = match input.thresholds {
        Some((green, yellow, submitted)) => thresholds(green, yellow, submitted)?,
        None => copied,
    };
    let round = Round {
        key: round_key,
        name: input.name.trim().to_owned(),
        year: input.year,
        opens: date(&input.opens, RoundField::Opens)?,
        closes: date(&input.closes, RoundField::Closes)?,
        documents,
        targets,
        state: RoundState::Draft,
        thresholds,
        asked: None,
        extensions: vec![],
    };
    store_round(app, &definitions, round.clone(), None).await?;
    let subject = format!("omgång/{}", round.key);
    let action = AuditAction::RoundCreated;
    audit::record(
        &app.store,
        actor.email.as_str(),
        action,
        &subject,
        None,
        Some(&round),
    )
    .await;
    Ok(round)
}

/// A round's name, dates and extended last days as a coordinator changes them, as written.
pub struct RoundEdit {
    pub name: String,
    /// YYYY-MM-DD.
    pub opens: String,
    pub closes: String,
    /// Organisation keys with their later last day (YYYY-MM-DD).
    pub extensions: Vec<(String, String)>,
    /// Store even where a changed date is already past: the coordinator has been warned.
    pub past_dates_confirmed: bool,
}

/// Changes a round's name, dates and extensions while it is a draft or open. Made from the
/// settings' change counter `seen`: a change since is refused as a conflict. A date changed to a
/// day already past is refused as [`RoundError::PastDates`] until confirmed; nothing is stored
/// on any refusal.
pub async fn edit(
    app: &App,
    actor: &Actor,
    round: &str,
    edit: RoundEdit,
    seen: i64,
) -> Result<Round, RoundError> {
    require_coordinator(actor)?;
    let round_key = key(round, "omgången")?;
    let definitions = app.store.definitions().await?;
    let before = stored_round(&definitions, &round_key)?;
    if !matches!(before.state, RoundState::Draft | RoundState::Open) {
        return Err(RoundError::Settled {
            state: before.state.predicate().into(),
            what: "dess namn och datum",
        });
    }
    let mut round = before.clone();
    round.name = edit.name.trim().to_owned();
    round.opens = date(&edit.opens, RoundField::Opens)?;
    round.closes = date(&edit.closes, RoundField::Closes)?;
    round.extensions = edit
        .extensions
        .iter()
        .map(|(organisation, closes)| {
            Ok(Extension {
                organisation: Key::parse(organisation).map_err(|_| {
                    RoundError::invalid(
                        RoundField::Extensions,
                        format!("organisationen «{organisation}» finns inte"),
                    )
                })?,
                closes: date(closes, RoundField::Extensions)?,
            })
        })
        .collect::<Result<_, RoundError>>()?;
    let today = time::OffsetDateTime::now_utc().date();
    let past = round.new_past_dates(&before, today);
    if !past.is_empty() && !edit.past_dates_confirmed {
        return Err(RoundError::PastDates { past });
    }
    store_round(app, &definitions, round.clone(), Some(seen)).await?;
    let settings = |r: &Round| {
        serde_json::json!({
            "name": r.name, "opens": r.opens.to_string(), "closes": r.closes.to_string(),
            "extensions": r.extensions.iter()
                .map(|e| (e.organisation.to_string(), e.closes.to_string()))
                .collect::<Vec<_>>(),
        })
    };
    let (earlier, now) = (settings(&before), settings(&round));
    let subject = format!("omgång/{}", round.key);
    let email = actor.email.as_str();
    let action = AuditAction::RoundChanged;
    audit::record(
        &app.store,
        email,
        action,
        &subject,
        Some(&earlier),
        Some(&now),
    )
    .await;
    Ok(round)
}

/// Opens, closes or publishes a round (`state` as stored: open, closed, published, draft).
pub async fn change_state(
    app: &App,
    actor: &Actor,
    round: &str,
    next: &str,
) -> Result<Round, RoundError> {
    require_coordinator(actor)?;
    let round = key(round, "omgången")?;
    let next = RoundState::parse(next).ok_or_else(|| {
        RoundError::invalid(
            RoundField::State,
            "status ska vara draft, open, closed eller published",
        )
    })?;
    let before = app.store.round(&round).await?.state;
    app.store.set_round_state(&round, next).await?;
    let subject = format!("omgång/{round}");
    let email = actor.email.as_str();
    let action = AuditAction::RoundStateChanged;
    audit::record(
        &app.store,
        email,
        action,
        &subject,
        Some(&before),
        Some(&next),
    )
    .await;
    Ok(app.store.round(&round).await?)
}

/// What moving a round to another state leaves behind: the page that asks a coordinator to
/// confirm closing or publishing says it in numbers.
pub struct StateChange {
    pub round: Round,
    pub to: RoundState,
    /// Organisations asked something in the round.
    pub organisations: usize,
    pub submitted: usize,
    /// Started but not submitted (or returned for completion): not counted once closed.
    pub drafts: usize,
    pub not_started: usize,
    /// Days from today to the last day to answer: 0 on the last day itself, negative once it
    /// has passed.
    pub days_left: i64,
    /// Organisations not yet submitted whose extended last day has not passed: closing cuts
    /// their time short.
    pub extended: usize,
}

/// What moving `round` to `next` would leave behind, for a coordinator to confirm; refused like
/// the move itself when the round cannot make it.
pub async fn state_change(
    app: &App,
    actor: &Actor,
    round: &str,
    next: RoundState,
) -> Result<StateChange, RoundError> {
    require_coordinator(actor)?;
    let round_key = key(round, "omgången")?;
    let definitions = app.store.definitions().await?;
    let round = stored_round(&definitions, &round_key)?;
    if !round.state.may_become(next) {
        return Err(RoundError::invalid(
            RoundField::State,
            format!(
                "omgången är {} och kan inte bli {}",
                round.state.predicate(),
                next.predicate()
            ),
        ));
    }
    let rows = progress(app, actor, &definitions, &round).await?;
    let count = |wanted: fn(ResponseState) -> bool| rows.iter().filter(|r| wanted(r.state)).count();
    let today = time::OffsetDateTime::now_utc().date();
    Ok(StateChange {
        organisations: rows.len(),
        submitted: count(ResponseState::is_submitted),
        drafts: count(|s| matches!(s, ResponseState::Draft | ResponseState::Returned)),
        not_started: count(|s| s == ResponseState::NotStarted),
        days_left: (round.closes - today).whole_days(),
        extended: rows
            .iter()
            .filter(|r| {
                !r.state.is_submitted() && round.closes_for(&r.organisation.key) > round.closes
            })
            .filter(|r| round.closes_for(&r.organisation.key) >= today)
            .count(),
        to: next,
        round,
    })
}

/// Sets the shares of *Ja* from which the compilation calls a section green or yellow, and the
/// share of organisations that must have submitted before it shows any status.
pub async fn set_thresholds(
    app: &App,
    actor: &Actor,
    round: &str,
    green: f64,
    yellow: f64,
    submitted: f64,
) -> Result<Round, RoundError> {
    require_coordinator(actor)?;
    let round_key = key(round, "omgången")?;
    let definitions = app.store.definitions().await?;
    let mut round = stored_round(&definitions, &round_key)?;
    let before = round.thresholds;
    round.thresholds = thresholds(green, yellow, submitted)?;
    store_round(app, &definitions, round.clone(), None).await?;
    let subject = format!("omgång/{round_key}");
    let (email, after) = (actor.email.as_str(), round.thresholds);
    let action = AuditAction::ThresholdsChanged;
    audit::record(
        &app.store,
        email,
        action,
        &subject,
        Some(&before),
        Some(&after),
    )
    .await;
    Ok(round)
}

/// Sets who answers what in a round that is still a draft or open. `chosen` holds the ticked
/// cells, (question, organisation), of the round's questions × its active organisations; a
/// question ticked for all of them is asked of everyone, also of organisations added later.
/// Made from the settings' change counter `seen`: a change since is refused as a conflict
/// (`RoundError::Store(StoreError::Changed)`), and nothing is stored.
pub async fn assign(
    app: &App,
    actor: &Actor,
    round: &str,
    chosen: &HashSet<(QuestionRef, Key)>,
    seen: i64,
) -> Result<(), RoundError> {
    require_coordinator(actor)?;
    let round_key = key(round, "omgången")?;
    let definitions = app.store.definitions().await?;
    let mut round = stored_round(&definitions, &round_key)?;
    if !matches!(round.state, RoundState::Draft | RoundState::Open) {
        return Err(RoundError::Settled {
            state: round.state.predicate().into(),
            what: "dess tilldelning",
        });
    }
    let questions: Vec<QuestionRef> = round
        .documents_as_asked(&definitions.documents)
        .iter()
        .flat_map(|d| {
            d.all_questions().map(|q| QuestionRef {
                document: d.key.clone(),
                question: q.key.clone(),
            })
        })
        .collect();
    let before = round.targets.clone();
    round
        .assign(&questions, &definitions.organisations, chosen)
        .map_err(RoundError::Unasked)?;
    let after = round.targets.clone();
    store_round(app, &definitions, round, Some(seen)).await?;
    let subject = format!("omgång/{round_key}");
    let email = actor.email.as_str();
    let action = AuditAction::TargetingChanged;
    audit::record(
        &app.store,
        email,
        action,
        &subject,
        Some(&before),
        Some(&after),
    )
    .await;
    Ok(())
}

/// Checks a round against everything stored and stores it; problems are refused naming the first
/// field. Given the settings' change counter a form was built from (`seen`), a change made since
/// is refused as a conflict and nothing is stored.
pub async fn store_round(
    app: &App,
    existing: &Definitions,
    round: Round,
    seen: Option<i64>,
) -> Result<(), RoundError> {
    let single = Definitions {
        rounds: vec![round],
        ..Definitions::default()
    };
    let problems = single.clone().with_fallback(existing.clone()).validate();
    if let Some((_, problem)) = problems
        .iter()
        .find(|(object, _)| *object == ObjectRef::Round(0))
    {
        return Err(RoundError::Invalid {
            field: RoundField::of(&problem.path),
            problems: problems.iter().map(|(_, p)| p.to_string()).collect(),
        });
    }
    match seen {
        Some(seen) => {
            app.store
                .apply_definitions_unless_changed(&single, seen)
                .await?
        }
        None => app.store.apply_definitions(&single).await?,
    };
    Ok(())
}

fn thresholds(green: f64, yellow: f64, submitted: f64) -> Result<StatusThresholds, RoundError> {
    StatusThresholds::new(green, yellow, submitted)
        .map_err(|message| RoundError::invalid(RoundField::Thresholds, message))
}

fn date(text: &str, field: RoundField) -> Result<Date, RoundError> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| RoundError::invalid(field, format!("«{text}» är inte ett datum (ÅÅÅÅ-MM-DD)")))
}

/// Refuses anyone but a coordinator.
fn require_coordinator(actor: &Actor) -> Result<(), RoundError> {
    if actor.may_manage() {
        Ok(())
    } else {
        Err(RoundError::NotCoordinator)
    }
}
