//! Saving answers: one question, several at once (all or nothing), and a coordinator's marking
//! of a comment as not for publication. Whoever saves, from a page, the form's script or the
//! API, goes through here, and a save made from a stale version comes back as an
//! [`AnswerConflict`] with what is stored now.

use std::collections::HashMap;

use uppfolj_model::{Actor, AnswerInput, AuditAction, QuestionRef, QuestionStatus, form};
use uppfolj_store::{SaveError, SavedAnswer};

use crate::audit;
use crate::lookup::{key, require_coordinator};
use crate::responses::{load, may_answer};
use crate::{AnswerConflict, App, LookupError, ResponseError};

/// Saves one answer for an organisation `actor` answers for. Durable when it returns.
pub async fn save_answer(
    app: &App,
    actor: &Actor,
    round: &str,
    organisation: &str,
    question: &QuestionRef,
    input: &AnswerInput,
) -> Result<SavedAnswer, ResponseError> {
    let organisation = may_answer(actor, organisation)?;
    let round = key(round, "omgången")?;
    match app
        .store
        .save_answer(&round, &organisation, question, input, actor.email.as_str())
        .await
    {
        Ok(saved) => Ok(saved),
        Err(error) => Err(refused(app, error, question).await),
    }
}

/// Where a question stands after `saved` (a required comment now missing, say), so that the
/// form can say so at the question at once rather than only when submitting.
pub async fn status_after(
    app: &App,
    round: &str,
    saved: &SavedAnswer,
) -> Result<QuestionStatus, ResponseError> {
    let definitions = app.store.definitions().await?;
    let round = key(round, "omgången")?;
    let index = definitions
        .rounds
        .iter()
        .position(|r| r.key == round)
        .ok_or_else(|| LookupError::NotFound(format!("omgången «{round}»")))?;
    let reference = &saved.answer.question;
    // The documents as the round asked them, derived once per loaded set of definitions: this
    // runs after every save the form's script makes.
    let documents = app.round_documents(&definitions, index);
    let question = documents
        .iter()
        .find(|d| d.key == reference.document)
        .and_then(|d| d.question(&reference.question))
        .ok_or_else(|| LookupError::NotFound(format!("frågan «{reference}»")))?;
    Ok(QuestionStatus::of(
        question,
        &saved.scale,
        Some(&saved.answer),
    ))
}

/// Saves several answers of one response, all or nothing, each question at most once (so that a
/// request holds at most the response's questions); a refusal says which input (by index) was
/// refused.
pub async fn save_answers(
    app: &App,
    actor: &Actor,
    round: &str,
    organisation: &str,
    inputs: &[(QuestionRef, AnswerInput)],
) -> Result<Vec<SavedAnswer>, (usize, ResponseError)> {
    let organisation = may_answer(actor, organisation).map_err(|e| (0, e))?;
    let round = key(round, "omgången").map_err(|e| (0, e.into()))?;
    let mut seen = HashMap::with_capacity(inputs.len());
    for (index, (question, _)) in inputs.iter().enumerate() {
        if let Some(first) = seen.insert(question, index) {
            return Err((
                index,
                ResponseError::Invalid {
                    field: "question".into(),
                    message: format!(
                        "frågan «{question}» står redan som nummer {} i listan; varje fråga sparas en gång per anrop",
                        first + 1
                    ),
                },
            ));
        }
    }
    match app
        .store
        .save_answers(&round, &organisation, inputs, actor.email.as_str())
        .await
    {
        Ok(saved) => Ok(saved),
        Err((index, error)) => Err((index, refused(app, error, &inputs[index].0).await)),
    }
}

/// Takes over last round's answers for every question not yet answered ([`form::take_over`]),
/// all in one batch or none. Returns how many were taken over.
pub async fn take_over_all(
    app: &App,
    actor: &Actor,
    round: &str,
    organisation: &str,
) -> Result<usize, ResponseError> {
    let view = load(app, actor, round, organisation).await?;
    let inputs = form::take_over(&view.form());
    if inputs.is_empty() {
        return Ok(0);
    }
    save_answers(app, actor, round, organisation, &inputs)
        .await
        .map(|saved| saved.len())
        .map_err(|(_, error)| error)
}

/// What «Ta över» saves for one question: last round's answer, comment and withheld mark, made
/// from the `version` the person saw, so that saving it is a save like any other (a change made
/// since is a conflict).
pub async fn taken_over(
    app: &App,
    actor: &Actor,
    round: &str,
    organisation: &str,
    question: &QuestionRef,
    version: i64,
) -> Result<AnswerInput, ResponseError> {
    let view = load(app, actor, round, organisation).await?;
    view.form()
        .iter()
        .find(|f| &f.reference == question)
        .ok_or_else(|| LookupError::NotFound(format!("frågan «{question}»")))?
        .taken_over(version)
        .ok_or_else(|| ResponseError::Invalid {
            field: "question".into(),
            message: "det finns inget svar från förra omgången att ta över".into(),
        })
}

/// Marks a comment as not for publication, or for publication again: coordinators only, in any
/// state of the round, also after publication. `version` guards against concurrent edits as in
/// a save.
pub async fn withhold(
    app: &App,
    actor: &Actor,
    round: &str,
    organisation: &str,
    question: &QuestionRef,
    withheld: bool,
    version: i64,
) -> Result<SavedAnswer, ResponseError> {
    require_coordinator(actor)?;
    let (round, organisation) = (
        key(round, "omgången")?,
        key(organisation, "organisationen")?,
    );
    match app
        .store
        .set_withheld(
            &round,
            &organisation,
            question,
            withheld,
            version,
            actor.email.as_str(),
        )
        .await
    {
        Ok(saved) => {
            let subject = format!("omgång/{round}/{organisation}/{question}");
            let (email, action) = (actor.email.as_str(), AuditAction::WithheldMarked);
            audit::record(&app.store, email, action, &subject, None, Some(&withheld)).await;
            Ok(saved)
        }
        Err(error) => Err(refused(app, error, question).await),
    }
}

/// A refused save as the use case's error: a conflict carries what is stored now, with the scale
/// to show it by.
async fn refused(app: &App, error: SaveError, question: &QuestionRef) -> ResponseError {
    let SaveError::Conflict { current } = error else {
        return error.into();
    };
    let scale = app.store.definitions().await.ok().and_then(|definitions| {
        let asked = definitions
            .documents
            .iter()
            .find(|d| d.key == question.document)?
            .question(&question.question)?
            .scale
            .clone();
        definitions.scales.iter().find(|s| s.key == asked).cloned()
    });
    ResponseError::Conflict(Box::new(AnswerConflict {
        question: question.clone(),
        current: current.map(|a| *a),
        scale,
    }))
}
