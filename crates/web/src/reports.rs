//! Loading what a report needs; shared by the report pages and the command line.

use time::OffsetDateTime;
use uppfolj_model::{Document, Key};
use uppfolj_report::OrganisationReport;
use uppfolj_store::{Store, StoreError};

/// An organisation's report for a round, from what is stored now.
pub async fn organisation_report(
    store: &Store,
    round: &Key,
    organisation: &Key,
) -> Result<OrganisationReport, StoreError> {
    let definitions = store.definitions().await?;
    let round = definitions
        .rounds
        .iter()
        .find(|r| &r.key == round)
        .ok_or_else(|| StoreError::NotFound(format!("omgången «{round}»")))?;
    let organisation = definitions
        .organisations
        .iter()
        .find(|o| &o.key == organisation)
        .ok_or_else(|| StoreError::NotFound(format!("organisationen «{organisation}»")))?;
    let (status, answers) = store
        .response(&round.key, &organisation.key, &definitions.scales)
        .await?;
    let documents: Vec<Document> = round
        .documents
        .iter()
        .filter_map(|k| definitions.documents.iter().find(|d| &d.key == k))
        .map(Document::current)
        .collect();
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
