//! The council report's use cases: assembling a document's report for a round, and the
//! coordinators' saves of assessments, narratives, indicators and their values. Every save is
//! checked here against the document and its scale, refused when made from a stale version, and
//! recorded in the audit log, whichever way it came.

use std::sync::Arc;

use time::OffsetDateTime;
use uppfolj_model::assessment::{
    AssessAt, Assessment, AssessmentScale, AssessmentSettings, Narrative,
};
use uppfolj_model::council::{CouncilInput, CouncilReport, council_report};
use uppfolj_model::council_data::{assessable_scale, text_problem, tidy_text};
use uppfolj_model::indicator::{Indicator, Reading};
use uppfolj_model::{Actor, Audience, AuditAction, Definitions, Document, Key, Path, RoundState};
use uppfolj_store::{Store, StoreError, VersionedIndicator};

use crate::lookup::{key, require_coordinator, stored_round};
use crate::reports::{round_compilation, round_documents};
use crate::{App, LookupError, audit};

/// Why a council report could not be made or a save was refused.
#[derive(Debug, thiserror::Error)]
pub enum CouncilError {
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// A field of what was sent is refused: which one, and why.
    #[error("{message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &'static str, message: impl Into<String>) -> CouncilError {
    CouncilError::Invalid {
        field,
        message: message.into(),
    }
}

/// The document `document` as round `round` asked it, with the round's definitions.
fn asked(
    definitions: &Definitions,
    round: &Key,
    document: &Key,
) -> Result<(uppfolj_model::Round, Document), LookupError> {
    let round = stored_round(definitions, round)?;
    let document = round_documents(definitions, &round)
        .into_iter()
        .find(|d| &d.key == document)
        .ok_or_else(|| {
            LookupError::NotFound(format!(
                "dokumentet «{document}» i omgången «{}»",
                round.key
            ))
        })?;
    Ok((round, document))
}

/// The council report of `document` in `round` for `audience`: the public sees only what a
/// published round shows, and only earlier published rounds' assessments.
pub async fn report(
    store: &Store,
    round: &Key,
    document: &Key,
    audience: Audience,
) -> Result<CouncilReport, CouncilError> {
    let definitions = store.definitions().await?;
    let (round, document) = asked(&definitions, round, document)?;
    if audience == Audience::Public && round.state != RoundState::Published {
        return Err(
            LookupError::NotFound(format!("en publicerad rapport för «{}»", round.key)).into(),
        );
    }
    let settings = store.assessment_settings(&document.key).await?;
    let scale = AssessmentScale::chosen(&definitions.scales, settings.scale.as_str());
    let compilation = round_compilation(store, &round.key, audience).await?;
    let previous_round = definitions
        .rounds
        .iter()
        .filter(|r| r.year < round.year && r.documents.contains(&document.key))
        .filter(|r| audience == Audience::Coordinators || r.state == RoundState::Published)
        .max_by_key(|r| r.year);
    let previous = match previous_round {
        Some(r) => Some((
            r.name.as_str(),
            store.assessments(&r.key, &document.key).await?,
        )),
        None => None,
    };
    let assessments = store.assessments(&round.key, &document.key).await?;
    let narratives = store.narratives(&round.key, &document.key).await?;
    let indicators: Vec<Indicator> = store
        .indicators(&document.key)
        .await?
        .into_iter()
        .map(|v| v.indicator)
        .collect();
    Ok(council_report(&CouncilInput {
        document: &document,
        round_name: &round.name,
        year: round.year,
        compilation: &compilation,
        at: settings.at,
        scale: &scale,
        assessments: &assessments,
        previous: previous
            .as_ref()
            .map(|(name, list)| (*name, list.as_slice())),
        narratives: &narratives,
        indicators: &indicators,
    }))
}

/// An assessment as a form or the API sends it.
pub struct AssessmentInput {
    pub subject: String,
    pub level: String,
    pub motivation: String,
    /// The version the form was made from; 0 when there was no assessment.
    pub version: i64,
}

/// Checks a coordinator's text: not too long, no control characters.
fn text(field: &'static str, what: &str, value: &str) -> Result<String, CouncilError> {
    match text_problem(what, value) {
        Some(message) => Err(invalid(field, message)),
        None => Ok(tidy_text(value)),
    }
}

/// Stores a coordinator's assessment of a strategy or goal area of `document` in `round`.
pub async fn save_assessment(
    app: &App,
    actor: &Actor,
    round: &str,
    document: &str,
    input: AssessmentInput,
) -> Result<Assessment, CouncilError> {
    require_coordinator(actor)?;
    known_version(input.version)?;
    let (round, document) = (key(round, "omgången")?, key(document, "dokumentet")?);
    let definitions = app.store.definitions().await?;
    let (round, document) = asked(&definitions, &round, &document)?;
    let settings = app.store.assessment_settings(&document.key).await?;
    let subject = Key::parse(&input.subject)
        .ok()
        .filter(|s| match settings.at {
            AssessAt::Question => document.question(s).is_some(),
            AssessAt::Section => document.section(s).is_some(),
        });
    let Some(subject) = subject else {
        return Err(invalid(
            "subject",
            format!(
                "«{}» är inte en strategi eller ett målområde i dokumentet",
                input.subject
            ),
        ));
    };
    let scale = AssessmentScale::chosen(&definitions.scales, settings.scale.as_str());
    let level = Key::parse(&input.level)
        .ok()
        .filter(|l| scale.position(l).is_some())
        .ok_or_else(|| {
            let allowed: Vec<&str> = scale.levels.iter().map(|l| l.label.as_str()).collect();
            invalid(
                "level",
                format!("välj en bedömning: {}", allowed.join(", ")),
            )
        })?;
    let assessment = Assessment {
        subject,
        level,
        motivation: text("motivation", "motiveringen", &input.motivation)?,
        assessed_by: actor.email.to_string(),
        assessed_at: OffsetDateTime::now_utc(),
        version: input.version,
    };
    let saved = app
        .store
        .save_assessment(&round.key, &document.key, &assessment, input.version)
        .await?;
    let subject = format!("bedomning/{}/{}/{}", round.key, document.key, saved.subject);
    let action = AuditAction::AssessmentSaved;
    audit::record(
        &app.store,
        actor.email.as_str(),
        action,
        &subject,
        None,
        Some(&saved),
    )
    .await;
    Ok(saved)
}

/// A goal area's narrative as a form or the API sends it.
pub struct NarrativeInput {
    pub section: String,
    pub since_adoption: String,
    pub ahead: String,
    pub version: i64,
}

/// Stores a goal area's narrative for `round`; returns its new version.
pub async fn save_narrative(
    app: &App,
    actor: &Actor,
    round: &str,
    document: &str,
    input: NarrativeInput,
) -> Result<i64, CouncilError> {
    require_coordinator(actor)?;
    known_version(input.version)?;
    let (round, document) = (key(round, "omgången")?, key(document, "dokumentet")?);
    let definitions = app.store.definitions().await?;
    let (round, document) = asked(&definitions, &round, &document)?;
    let section = Key::parse(&input.section)
        .ok()
        .filter(|s| document.section(s).is_some())
        .ok_or_else(|| {
            invalid(
                "section",
                format!("«{}» är inte ett målområde i dokumentet", input.section),
            )
        })?;
    let narrative = Narrative {
        section,
        since_adoption: text(
            "since_adoption",
            "texten om utvecklingen sedan antagandet",
            &input.since_adoption,
        )?,
        ahead: text("ahead", "texten om frågor framåt", &input.ahead)?,
        version: input.version,
    };
    let version = app
        .store
        .save_narrative(
            &round.key,
            &document.key,
            &narrative,
            actor.email.as_str(),
            OffsetDateTime::now_utc(),
        )
        .await?;
    let subject = format!("text/{}/{}/{}", round.key, document.key, narrative.section);
    let after = serde_json::json!({
        "since_adoption": narrative.since_adoption,
        "ahead": narrative.ahead,
        "version": version,
    });
    let action = AuditAction::NarrativeSaved;
    audit::record(
        &app.store,
        actor.email.as_str(),
        action,
        &subject,
        None,
        Some(&after),
    )
    .await;
    Ok(version)
}

/// How `document` is assessed, with the scales it may be assessed on: the standard and every
/// choice scale (key and name).
pub async fn assessment_settings(
    app: &App,
    actor: &Actor,
    document: &str,
) -> Result<(AssessmentSettings, Vec<(Key, String)>), CouncilError> {
    let (definitions, document) = edited_document(app, actor, document).await?;
    let standard = AssessmentScale::standard();
    let mut scales = vec![(standard.key.clone(), standard.name)];
    scales.extend(
        definitions
            .scales
            .iter()
            .filter(|s| s.key != standard.key)
            .filter_map(AssessmentScale::from_answer_scale)
            .map(|s| (s.key, s.name)),
    );
    Ok((app.store.assessment_settings(&document.key).await?, scales))
}

/// The document a coordinator's page or call edits, as it stands now, with the definitions it
/// is part of; only coordinators edit documents.
async fn edited_document(
    app: &App,
    actor: &Actor,
    document: &str,
) -> Result<(Arc<Definitions>, Document), CouncilError> {
    require_coordinator(actor)?;
    let document = key(document, "dokumentet")?;
    let definitions = app.store.definitions().await?;
    let found = definitions
        .documents
        .iter()
        .find(|d| d.key == document)
        .ok_or_else(|| LookupError::NotFound(format!("dokumentet «{document}»")))?
        .current();
    Ok((definitions, found))
}

/// Sets whether `document` is assessed per strategy or per goal area, and on which scale. Earlier
/// assessments stay stored under what they assessed; the report shows those that match.
pub async fn set_assessment_settings(
    app: &App,
    actor: &Actor,
    document: &str,
    at: &str,
    scale: &str,
) -> Result<(), CouncilError> {
    let (definitions, document) = edited_document(app, actor, document).await?;
    let at = AssessAt::parse(at).ok_or_else(|| {
        invalid(
            "at",
            "välj om dokumentet bedöms per strategi eller per målområde",
        )
    })?;
    let scale = Key::parse(scale)
        .ok()
        .filter(|k| assessable_scale(&definitions, k))
        .ok_or_else(|| {
            invalid(
                "scale",
                format!("«{scale}» är inte en svarsskala med alternativ"),
            )
        })?;
    let settings = AssessmentSettings { at, scale };
    app.store
        .set_assessment_settings(&document.key, &settings)
        .await?;
    let subject = format!("styrdokument/{}/bedomning", document.key);
    let after = serde_json::json!({ "at": settings.at.as_str(), "scale": settings.scale });
    let action = AuditAction::AssessmentSettingsChanged;
    audit::record(
        &app.store,
        actor.email.as_str(),
        action,
        &subject,
        None,
        Some(&after),
    )
    .await;
    Ok(())
}

/// The indicators of a document, for its page and its form.
pub async fn indicators(
    app: &App,
    actor: &Actor,
    document: &str,
) -> Result<(Document, Vec<VersionedIndicator>), CouncilError> {
    let (_, found) = edited_document(app, actor, document).await?;
    let stored = app.store.indicators(&found.key).await?;
    Ok((found, stored))
}

/// Stores an indicator of `document`: a new one (`version` `None`) or an edit of the one with
/// its key at `version`. Its goal area, if any, must be one of the document's sections.
pub async fn save_indicator(
    app: &App,
    actor: &Actor,
    document: &str,
    indicator: &Indicator,
    version: Option<i64>,
) -> Result<i64, CouncilError> {
    let (_, found) = edited_document(app, actor, document).await?;
    if let Some(version) = version {
        known_version(version)?;
    }
    if let Some(problem) = indicator.validate(&Path::root()).into_iter().next() {
        let field = match problem.path.to_string().split(['.', '[']).next() {
            Some("name") => "name",
            Some("source") => "source",
            Some("unit") => "unit",
            Some("baseline") => "baseline",
            Some("target") => "target",
            Some("values") => "values",
            Some("kolada") => "kolada",
            _ => "indicator",
        };
        return Err(invalid(field, problem.message));
    }
    if let Some(section) = &indicator.section
        && found.section(section).is_none()
    {
        return Err(invalid(
            "section",
            format!("«{section}» är inte ett avsnitt i dokumentet"),
        ));
    }
    let stored = app
        .store
        .save_indicator(&found.key, indicator, version)
        .await?;
    let subject = format!("indikator/{}/{}", found.key, indicator.key);
    let action = AuditAction::IndicatorSaved;
    audit::record(
        &app.store,
        actor.email.as_str(),
        action,
        &subject,
        None,
        Some(indicator),
    )
    .await;
    Ok(stored)
}

/// Sets yearly values of a document's indicators, as read from an imported file; every value is
/// checked before any is stored. Returns how many were written.
pub async fn import_values(
    store: &Store,
    document: &Key,
    values: &[(Key, Reading)],
) -> Result<usize, CouncilError> {
    for (indicator, reading) in values {
        if let Some(problem) = reading.problem() {
            return Err(invalid("values", format!("{indicator}: {problem}")));
        }
    }
    Ok(store.set_indicator_values(document, values).await?)
}

/// Checks the version a save was made from: 0 (nothing stored yet) or a stored one. A negative
/// number cannot be one, and the store would count past the largest.
fn known_version(version: i64) -> Result<(), CouncilError> {
    if (0..i64::MAX).contains(&version) {
        Ok(())
    } else {
        Err(invalid(
            "version",
            format!("«{version}» är ingen version: skicka den du läste, 0 för en ny"),
        ))
    }
}
