//! Loading what a report or a compilation needs; shared by the pages and the command line.

use time::OffsetDateTime;
use uppfolj_exchange::answers::{self, AnswerRow, Responses};
use uppfolj_model::assessment::{AssessmentScale, summaries};
use uppfolj_model::text::swedish_cmp;
use uppfolj_model::{
    Audience, Compilation, CompilationInput, Definitions, Document, EarlierRound, Key,
    Organisation, Round, RoundState, compile,
};
use uppfolj_report::OrganisationReport;
use uppfolj_store::{Store, StoreError};

/// The rows of `export answers` for a round — every active organisation's, or only `only`'s —
/// with each response loaded as it is stored now.
pub async fn answer_rows(
    store: &Store,
    round: &Key,
    only: Option<&Key>,
) -> Result<Vec<AnswerRow>, StoreError> {
    let definitions = store.definitions().await?;
    let round = find_round(&definitions, round)?;
    let mut responses = Responses::new();
    for organisation in answers::exported_organisations(&definitions, only) {
        let (status, answers) = store
            .response(&round.key, &organisation.key, &definitions.scales)
            .await?;
        responses.insert(organisation.key.clone(), (status.state, answers));
    }
    Ok(answers::answer_rows(&definitions, round, only, &responses))
}

/// One organisation's report for a round, from what is stored now; `withheld_shown` says whether comments withheld from publication
/// keep their text (for the central office and the organisation) or are left out (for readers).
pub async fn organisation_report(
    store: &Store,
    round: &Key,
    organisation: &Key,
    withheld_shown: bool,
) -> Result<OrganisationReport, StoreError> {
    let definitions = store.definitions().await?;
    let round = find_round(&definitions, round)?;
    let organisation = definitions
        .organisations
        .iter()
        .find(|o| &o.key == organisation)
        .ok_or_else(|| StoreError::NotFound(format!("organisationen «{organisation}»")))?;
    let documents = round_documents(&definitions, round);
    report(
        store,
        &definitions,
        round,
        &documents,
        organisation,
        withheld_shown,
    )
    .await
}

/// The report of every active organisation that the round asks something, in Swedish order of
/// their names: what a coordinator sends out after a round.
pub async fn round_reports(
    store: &Store,
    round: &Key,
) -> Result<Vec<OrganisationReport>, StoreError> {
    let definitions = store.definitions().await?;
    let round = find_round(&definitions, round)?;
    let documents = round_documents(&definitions, round);
    let mut organisations: Vec<&Organisation> = definitions
        .organisations
        .iter()
        .filter(|o| o.active && !round.assigned_questions(&documents, o).is_empty())
        .collect();
    organisations.sort_by(|a, b| swedish_cmp(&a.name, &b.name));
    let mut reports = Vec::with_capacity(organisations.len());
    for organisation in organisations {
        reports.push(report(store, &definitions, round, &documents, organisation, true).await?);
    }
    Ok(reports)
}

/// The compilation of a round for `audience`, with the trend over the earlier rounds (by year):
/// for the public only the published ones.
pub async fn round_compilation(
    store: &Store,
    round: &Key,
    audience: Audience,
) -> Result<Compilation, StoreError> {
    let earlier =
        |r: &Round| audience == Audience::Coordinators || r.state == RoundState::Published;
    let definitions = store.definitions().await?;
    let round = find_round(&definitions, round)?;
    let documents = round_documents(&definitions, round);
    let refs: Vec<&Document> = documents.iter().collect();
    let mut before: Vec<&Round> = definitions
        .rounds
        .iter()
        .filter(|r| r.year < round.year && earlier(r))
        .collect();
    before.sort_by_key(|r| r.year);
    // The rounds load side by side: on PostgreSQL the server builds them on every core.
    let mut loads = tokio::task::JoinSet::new();
    for (i, key) in before
        .iter()
        .map(|r| &r.key)
        .chain([&round.key])
        .enumerate()
    {
        let (store, key, scales) = (store.clone(), key.clone(), definitions.scales.clone());
        loads.spawn(async move { (i, store.round_responses(&key, &scales).await) });
    }
    let mut loaded = Vec::with_capacity(before.len() + 1);
    while let Some(done) = loads.join_next().await {
        let (i, responses) = done.map_err(|e| StoreError::Corrupt(e.to_string()))?;
        loaded.push((i, responses?));
    }
    loaded.sort_by_key(|(i, _)| *i);
    let (_, responses) = loaded.pop().expect("the round itself was loaded");
    let rounds: Vec<EarlierRound> = before
        .iter()
        .zip(loaded)
        .map(|(r, (_, responses))| EarlierRound {
            name: r.name.clone(),
            year: r.year,
            responses,
        })
        .collect();
    let mut compilation = compile(&CompilationInput {
        round,
        documents: &refs,
        scales: &definitions.scales,
        organisations: &definitions.organisations,
        responses: &responses,
        earlier: &rounds,
        audience,
        today: time::OffsetDateTime::now_utc().date(),
    });
    let settings = store.stored_assessment_settings().await?;
    for document in &round.documents {
        let chosen = settings.get(document).cloned().unwrap_or_default();
        let scale = AssessmentScale::chosen(&definitions.scales, chosen.scale.as_str());
        let assessments = store.assessments(&round.key, document).await?;
        compilation
            .assessments
            .extend(summaries(document, &scale, &assessments));
    }
    Ok(compilation)
}

fn find_round<'a>(definitions: &'a Definitions, round: &Key) -> Result<&'a Round, StoreError> {
    definitions
        .rounds
        .iter()
        .find(|r| &r.key == round)
        .ok_or_else(|| StoreError::NotFound(format!("omgången «{round}»")))
}

/// The round's documents in the round's order, as the round asked them: a round that has opened
/// keeps the sections and questions it opened with, whatever was edited since.
pub fn round_documents(definitions: &Definitions, round: &Round) -> Vec<Document> {
    round.documents_as_asked(&definitions.documents)
}

async fn report(
    store: &Store,
    definitions: &Definitions,
    round: &Round,
    documents: &[Document],
    organisation: &Organisation,
    withheld_shown: bool,
) -> Result<OrganisationReport, StoreError> {
    let (status, mut answers) = store
        .response(&round.key, &organisation.key, &definitions.scales)
        .await?;
    if !withheld_shown {
        for answer in answers.values_mut() {
            *answer = answer.published();
        }
    }
    let refs: Vec<&Document> = documents.iter().collect();
    Ok(OrganisationReport::new(
        round,
        &refs,
        &definitions.scales,
        organisation,
        status.state,
        &answers,
        OffsetDateTime::now_utc().date(),
    ))
}
