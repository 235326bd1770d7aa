//! What the council report is made of beyond the answers: a document's assessment settings and
//! indicators with their yearly values, and per round the assessments and the goal areas'
//! narratives. Assessments, narratives and indicators carry versions: a save names the version
//! it was made from and is refused when someone saved in between.

use std::collections::HashMap;

use sqlx::{Any, AnyConnection, Transaction};
use time::OffsetDateTime;
use uppfolj_model::assessment::{AssessAt, Assessment, AssessmentSettings, Narrative};
use uppfolj_model::council_data::{
    CouncilData, DocumentData, FiledAssessment, FiledNarrative, RoundData,
};
use uppfolj_model::indicator::{Direction, Indicator, KoladaRef, Reading};
use uppfolj_model::{Definitions, Key};

use crate::documents::document_id;
use crate::error::StoreError;
use crate::rows::{format_time, parse_time, stored_key};
use crate::store::Store;

type IndicatorRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<f64>,
    Option<i64>,
    Option<f64>,
    Option<String>,
    Option<String>,
    i64,
    i64,
);

/// An indicator with the version an edit form carries.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionedIndicator {
    pub indicator: Indicator,
    pub version: i64,
}

fn year(value: Option<i64>) -> Result<Option<i32>, StoreError> {
    value
        .map(|y| i32::try_from(y).map_err(|_| StoreError::Corrupt(format!("året {y}"))))
        .transpose()
}

fn reading(year_value: Option<i64>, value: Option<f64>) -> Result<Option<Reading>, StoreError> {
    Ok(match (year(year_value)?, value) {
        (Some(year), Some(value)) => Some(Reading { year, value }),
        _ => None,
    })
}

async fn round_and_document(
    tx: &mut Transaction<'static, Any>,
    round: &Key,
    document: &Key,
) -> Result<(i64, i64), StoreError> {
    let round_id: i64 = sqlx::query_scalar("SELECT id FROM rounds WHERE key = $1")
        .bind(round.as_str())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("omgången «{round}»")))?;
    Ok((round_id, document_id(tx, document).await?))
}

impl Store {
    /// How `document` is assessed; the default (per strategy, the standard scale) until set.
    pub async fn assessment_settings(
        &self,
        document: &Key,
    ) -> Result<AssessmentSettings, StoreError> {
        Ok(self
            .stored_assessment_settings()
            .await?
            .remove(document)
            .unwrap_or_default())
    }

    /// The assessment settings set for documents, by document; the others have the default.
    pub async fn stored_assessment_settings(
        &self,
    ) -> Result<HashMap<Key, AssessmentSettings>, StoreError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT d.key, s.assess_at, s.scale FROM assessment_settings s \
             JOIN documents d ON d.id = s.document_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(document, at, scale)| {
                let settings = AssessmentSettings {
                    at: AssessAt::parse(&at)
                        .ok_or_else(|| StoreError::Corrupt(format!("bedömningsnivån «{at}»")))?,
                    scale: stored_key(&scale)?,
                };
                Ok((stored_key(&document)?, settings))
            })
            .collect()
    }

    /// Everything the council report is made of beside the answers, for every document and
    /// round of `definitions`: what an export of the definition files writes.
    pub async fn council_data(&self, definitions: &Definitions) -> Result<CouncilData, StoreError> {
        let settings = self.stored_assessment_settings().await?;
        let mut conn = self.pool.acquire().await?;
        let mut data = CouncilData::default();
        for document in &definitions.documents {
            let indicators: Vec<Indicator> = read_indicators(&mut conn, &document.key)
                .await?
                .into_iter()
                .map(|v| v.indicator)
                .collect();
            let settings = settings.get(&document.key).cloned();
            if settings.is_some() || !indicators.is_empty() {
                data.documents.push(DocumentData {
                    document: document.key.clone(),
                    settings,
                    indicators,
                });
            }
        }
        for round in &definitions.rounds {
            let mut filed = RoundData {
                round: round.key.clone(),
                assessments: Vec::new(),
                narratives: Vec::new(),
            };
            for document in &round.documents {
                for a in read_assessments(&mut conn, &round.key, document).await? {
                    filed.assessments.push(FiledAssessment {
                        document: document.clone(),
                        subject: a.subject,
                        level: a.level,
                        motivation: a.motivation,
                        assessed_by: Some(a.assessed_by),
                        assessed_at: Some(a.assessed_at),
                    });
                }
                for n in read_narratives(&mut conn, &round.key, document).await? {
                    if !n.is_blank() {
                        filed.narratives.push(FiledNarrative {
                            document: document.clone(),
                            section: n.section,
                            since_adoption: n.since_adoption,
                            ahead: n.ahead,
                        });
                    }
                }
            }
            if !filed.assessments.is_empty() || !filed.narratives.is_empty() {
                data.rounds.push(filed);
            }
        }
        Ok(data)
    }

    /// Sets how `document` is assessed.
    pub async fn set_assessment_settings(
        &self,
        document: &Key,
        settings: &AssessmentSettings,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_transaction().await?;
        let id = document_id(&mut tx, document).await?;
        sqlx::query(
            "INSERT INTO assessment_settings (document_id, assess_at, scale) VALUES ($1, $2, $3) \
             ON CONFLICT (document_id) DO UPDATE SET assess_at = $2, scale = $3",
        )
        .bind(id)
        .bind(settings.at.as_str())
        .bind(settings.scale.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The indicators of `document` in their order, each with its values and version.
    pub async fn indicators(&self, document: &Key) -> Result<Vec<VersionedIndicator>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        read_indicators(&mut conn, document).await
    }

    /// Adds `indicator` after the document's others (`version` `None`), or replaces the one
    /// with its key if that is still at `version`; its values are replaced by the indicator's.
    /// Returns the new version.
    pub async fn save_indicator(
        &self,
        document: &Key,
        indicator: &Indicator,
        version: Option<i64>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_transaction().await?;
        let document_id = document_id(&mut tx, document).await?;
        let new_version = write_indicator(&mut tx, document_id, indicator, version).await?;
        tx.commit().await?;
        Ok(new_version)
    }

    /// Sets yearly values of indicators of `document` by key, keeping the years not named: what
    /// an import of a CSV or Kolada file does. Every indicator must exist; nothing is stored
    /// otherwise. Returns how many values were written.
    pub async fn set_indicator_values(
        &self,
        document: &Key,
        values: &[(Key, Reading)],
    ) -> Result<usize, StoreError> {
        let mut tx = self.write_transaction().await?;
        let document_id = document_id(&mut tx, document).await?;
        for (key, reading) in values {
            let id: i64 = sqlx::query_scalar(
                "UPDATE indicators SET version = version + 1 \
                 WHERE document_id = $1 AND key = $2 RETURNING id",
            )
            .bind(document_id)
            .bind(key.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                StoreError::NotFound(format!("indikatorn «{key}» i dokumentet «{document}»"))
            })?;
            sqlx::query("DELETE FROM indicator_values WHERE indicator_id = $1 AND year = $2")
                .bind(id)
                .bind(i64::from(reading.year))
                .execute(&mut *tx)
                .await?;
            insert_values(&mut tx, id, std::slice::from_ref(reading)).await?;
        }
        tx.commit().await?;
        Ok(values.len())
    }

    /// The assessments of `document` in `round`.
    pub async fn assessments(
        &self,
        round: &Key,
        document: &Key,
    ) -> Result<Vec<Assessment>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        read_assessments(&mut conn, round, document).await
    }

    /// Stores an assessment if the one stored is still at `version` (0: none yet). Returns it as
    /// stored; a stale version is [`StoreError::Stale`] and stores nothing.
    pub async fn save_assessment(
        &self,
        round: &Key,
        document: &Key,
        assessment: &Assessment,
        version: i64,
    ) -> Result<Assessment, StoreError> {
        let mut tx = self.write_transaction().await?;
        let (round_id, document_id) = round_and_document(&mut tx, round, document).await?;
        match write_assessment(&mut tx, round_id, document_id, assessment, version).await? {
            Some(new_version) => {
                tx.commit().await?;
                Ok(Assessment {
                    version: new_version,
                    ..assessment.clone()
                })
            }
            None => Err(StoreError::Stale(format!(
                "bedömningen av «{}»",
                assessment.subject
            ))),
        }
    }

    /// The narratives of `document`'s goal areas in `round`.
    pub async fn narratives(
        &self,
        round: &Key,
        document: &Key,
    ) -> Result<Vec<Narrative>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        read_narratives(&mut conn, round, document).await
    }

    /// Stores a goal area's narrative if the one stored is still at `narrative.version` (0:
    /// none yet). Returns the new version; a stale one is [`StoreError::Stale`].
    pub async fn save_narrative(
        &self,
        round: &Key,
        document: &Key,
        narrative: &Narrative,
        by: &str,
        at: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write_transaction().await?;
        let (round_id, document_id) = round_and_document(&mut tx, round, document).await?;
        match write_narrative(&mut tx, round_id, document_id, narrative, by, at).await? {
            Some(new_version) => {
                tx.commit().await?;
                Ok(new_version)
            }
            None => Err(StoreError::Stale(format!(
                "texten om «{}»",
                narrative.section
            ))),
        }
    }
}

async fn insert_values(
    tx: &mut Transaction<'static, Any>,
    indicator_id: i64,
    values: &[Reading],
) -> Result<(), StoreError> {
    for r in values {
        sqlx::query("INSERT INTO indicator_values (indicator_id, year, value) VALUES ($1, $2, $3)")
            .bind(indicator_id)
            .bind(i64::from(r.year))
            .bind(r.value)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The indicators of `document`, read on `conn` (the pool's, or a transaction's).
async fn read_indicators(
    conn: &mut AnyConnection,
    document: &Key,
) -> Result<Vec<VersionedIndicator>, StoreError> {
    let rows: Vec<IndicatorRow> = sqlx::query_as(
        "SELECT i.id, i.key, i.name, i.source, i.unit, i.direction, i.section_key, \
                i.baseline_year, i.baseline_value, i.target_year, i.target_value, \
                i.kolada_kpi, i.kolada_municipality, i.example, i.version \
         FROM indicators i JOIN documents d ON d.id = i.document_id \
         WHERE d.key = $1 ORDER BY i.position",
    )
    .bind(document.as_str())
    .fetch_all(&mut *conn)
    .await?;
    let values: Vec<(i64, i64, f64)> = sqlx::query_as(
        "SELECT v.indicator_id, v.year, v.value FROM indicator_values v \
         JOIN indicators i ON i.id = v.indicator_id JOIN documents d ON d.id = i.document_id \
         WHERE d.key = $1 ORDER BY v.year",
    )
    .bind(document.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(
            |(
                id,
                key,
                name,
                source,
                unit,
                direction,
                section,
                baseline_year,
                baseline_value,
                target_year,
                target_value,
                kpi,
                municipality,
                example,
                version,
            )| {
                let mut readings = Vec::new();
                for (_, year_value, value) in values.iter().filter(|v| v.0 == id) {
                    if let Some(r) = reading(Some(*year_value), Some(*value))? {
                        readings.push(r);
                    }
                }
                Ok(VersionedIndicator {
                    indicator: Indicator {
                        key: stored_key(&key)?,
                        name,
                        source,
                        unit,
                        direction: Direction::parse(&direction).ok_or_else(|| {
                            StoreError::Corrupt(format!("riktningen «{direction}»"))
                        })?,
                        section: section.as_deref().map(stored_key).transpose()?,
                        baseline: reading(baseline_year, baseline_value)?,
                        target: reading(target_year, target_value)?,
                        kolada: kpi
                            .zip(municipality)
                            .map(|(kpi, municipality)| KoladaRef { kpi, municipality }),
                        example: example != 0,
                        values: readings,
                    },
                    version,
                })
            },
        )
        .collect()
}

/// Adds or replaces an indicator as [`Store::save_indicator`] does, inside `tx`.
async fn write_indicator(
    tx: &mut Transaction<'static, Any>,
    document_id: i64,
    indicator: &Indicator,
    version: Option<i64>,
) -> Result<i64, StoreError> {
    let existing: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, version FROM indicators WHERE document_id = $1 AND key = $2")
            .bind(document_id)
            .bind(indicator.key.as_str())
            .fetch_optional(&mut **tx)
            .await?;
    let fields = "name = $3, source = $4, unit = $5, direction = $6, section_key = $7, \
                  baseline_year = $8, baseline_value = $9, target_year = $10, \
                  target_value = $11, kolada_kpi = $12, kolada_municipality = $13, \
                  example = $14";
    let statement = match (existing, version) {
        (None, None) => "INSERT INTO indicators (document_id, key, name, source, unit, direction, \
             section_key, baseline_year, baseline_value, target_year, target_value, \
             kolada_kpi, kolada_municipality, example, position, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             (SELECT COALESCE(MAX(position), 0) + 1 FROM indicators WHERE document_id = $1), \
             1) RETURNING id, version"
            .to_owned(),
        (Some((_, current)), Some(expected)) if current == expected => format!(
            "UPDATE indicators SET {fields}, version = version + 1 \
             WHERE document_id = $1 AND key = $2 AND version = $15 RETURNING id, version"
        ),
        (Some(_), None) => {
            return Err(StoreError::Rule(format!(
                "det finns redan en indikator med nyckeln «{}»",
                indicator.key
            )));
        }
        (None, Some(_)) => {
            return Err(StoreError::NotFound(format!(
                "indikatorn «{}»",
                indicator.key
            )));
        }
        (Some(_), Some(_)) => {
            return Err(StoreError::Stale(format!(
                "indikatorn «{}»",
                indicator.name
            )));
        }
    };
    let split = |r: Option<Reading>| (r.map(|r| i64::from(r.year)), r.map(|r| r.value));
    let (baseline_year, baseline_value) = split(indicator.baseline);
    let (target_year, target_value) = split(indicator.target);
    let mut query = sqlx::query_as::<_, (i64, i64)>(&statement)
        .bind(document_id)
        .bind(indicator.key.as_str())
        .bind(&indicator.name)
        .bind(&indicator.source)
        .bind(&indicator.unit)
        .bind(indicator.direction.as_str())
        .bind(indicator.section.as_ref().map(Key::as_str))
        .bind(baseline_year)
        .bind(baseline_value)
        .bind(target_year)
        .bind(target_value)
        .bind(indicator.kolada.as_ref().map(|k| k.kpi.as_str()))
        .bind(indicator.kolada.as_ref().map(|k| k.municipality.as_str()))
        .bind(i64::from(indicator.example));
    if let Some(version) = version {
        query = query.bind(version);
    }
    let (id, new_version) = query.fetch_one(&mut **tx).await?;
    sqlx::query("DELETE FROM indicator_values WHERE indicator_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    insert_values(tx, id, &indicator.values).await?;
    Ok(new_version)
}

/// Stores an assessment inside `tx` if the one stored is at `version` (0: none); returns the
/// new version, or `None` when it was stale.
async fn write_assessment(
    tx: &mut Transaction<'static, Any>,
    round_id: i64,
    document_id: i64,
    assessment: &Assessment,
    version: i64,
) -> Result<Option<i64>, StoreError> {
    let stored = sqlx::query_scalar::<_, i64>(
        "INSERT INTO assessments (round_id, document_id, subject, level, motivation, \
         assessed_by, assessed_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1) \
         ON CONFLICT (round_id, document_id, subject) DO UPDATE \
         SET level = $4, motivation = $5, assessed_by = $6, assessed_at = $7, \
             version = assessments.version + 1 \
         WHERE assessments.version = $8 RETURNING version",
    )
    .bind(round_id)
    .bind(document_id)
    .bind(assessment.subject.as_str())
    .bind(assessment.level.as_str())
    .bind(&assessment.motivation)
    .bind(&assessment.assessed_by)
    .bind(format_time(assessment.assessed_at))
    .bind(version)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(stored.filter(|new| *new == version + 1))
}

/// Stores a narrative inside `tx` if the one stored is at `narrative.version` (0: none);
/// returns the new version, or `None` when it was stale.
async fn write_narrative(
    tx: &mut Transaction<'static, Any>,
    round_id: i64,
    document_id: i64,
    narrative: &Narrative,
    by: &str,
    at: OffsetDateTime,
) -> Result<Option<i64>, StoreError> {
    let stored = sqlx::query_scalar::<_, i64>(
        "INSERT INTO narratives (round_id, document_id, section_key, since_adoption, ahead, \
         edited_by, edited_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1) \
         ON CONFLICT (round_id, document_id, section_key) DO UPDATE \
         SET since_adoption = $4, ahead = $5, edited_by = $6, edited_at = $7, \
             version = narratives.version + 1 \
         WHERE narratives.version = $8 RETURNING version",
    )
    .bind(round_id)
    .bind(document_id)
    .bind(narrative.section.as_str())
    .bind(&narrative.since_adoption)
    .bind(&narrative.ahead)
    .bind(by)
    .bind(format_time(at))
    .bind(narrative.version)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(stored.filter(|new| *new == narrative.version + 1))
}

/// The assessments of `document` in `round`, read on `conn`.
async fn read_assessments(
    conn: &mut AnyConnection,
    round: &Key,
    document: &Key,
) -> Result<Vec<Assessment>, StoreError> {
    let rows: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT a.subject, a.level, a.motivation, a.assessed_by, a.assessed_at, a.version \
         FROM assessments a JOIN rounds r ON r.id = a.round_id \
         JOIN documents d ON d.id = a.document_id \
         WHERE r.key = $1 AND d.key = $2 ORDER BY a.subject",
    )
    .bind(round.as_str())
    .bind(document.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(subject, level, motivation, by, at, version)| {
            Ok(Assessment {
                subject: stored_key(&subject)?,
                level: stored_key(&level)?,
                motivation,
                assessed_by: by,
                assessed_at: parse_time(&at)?,
                version,
            })
        })
        .collect()
}

/// The narratives of `document`'s goal areas in `round`, read on `conn`.
async fn read_narratives(
    conn: &mut AnyConnection,
    round: &Key,
    document: &Key,
) -> Result<Vec<Narrative>, StoreError> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT n.section_key, n.since_adoption, n.ahead, n.version \
         FROM narratives n JOIN rounds r ON r.id = n.round_id \
         JOIN documents d ON d.id = n.document_id \
         WHERE r.key = $1 AND d.key = $2 ORDER BY n.section_key",
    )
    .bind(round.as_str())
    .bind(document.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(section, since_adoption, ahead, version)| {
            Ok(Narrative {
                section: stored_key(&section)?,
                since_adoption,
                ahead,
                version,
            })
        })
        .collect()
}

/// What storing definition files' council material changed, for the person who ran it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CouncilSummary {
    pub indicators: usize,
    pub assessments: usize,
    pub narratives: usize,
}

/// Stores checked council material inside `tx`, by key: an indicator's fields and the years
/// its file names (other years stay), a document's settings when its file gives them, and
/// assessments and texts; what is already as the file says is left at its version, so that
/// importing the same files twice changes nothing and no open form goes stale for nothing.
/// Who assessed and when are the file's, or `by` and `at`.
pub(crate) async fn store_council(
    tx: &mut Transaction<'static, Any>,
    data: &CouncilData,
    by: &str,
    at: OffsetDateTime,
) -> Result<CouncilSummary, StoreError> {
    let mut summary = CouncilSummary::default();
    for filed in &data.documents {
        let document_id = document_id(tx, &filed.document).await?;
        if let Some(settings) = &filed.settings {
            sqlx::query(
                "INSERT INTO assessment_settings (document_id, assess_at, scale) \
                 VALUES ($1, $2, $3) \
                 ON CONFLICT (document_id) DO UPDATE SET assess_at = $2, scale = $3",
            )
            .bind(document_id)
            .bind(settings.at.as_str())
            .bind(settings.scale.as_str())
            .execute(&mut **tx)
            .await?;
        }
        let stored = read_indicators(tx, &filed.document).await?;
        for indicator in &filed.indicators {
            let current = stored.iter().find(|v| v.indicator.key == indicator.key);
            let mut merged = indicator.clone();
            if let Some(current) = current {
                merged.values = current.indicator.values.clone();
                indicator.values.iter().for_each(|r| merged.set_value(*r));
                if merged == current.indicator {
                    continue;
                }
            }
            write_indicator(tx, document_id, &merged, current.map(|v| v.version)).await?;
            summary.indicators += 1;
        }
    }
    for filed in &data.rounds {
        for document in filed
            .assessments
            .iter()
            .map(|a| &a.document)
            .chain(filed.narratives.iter().map(|n| &n.document))
            .collect::<std::collections::BTreeSet<_>>()
        {
            let (round_id, document_id) = round_and_document(tx, &filed.round, document).await?;
            let assessments = read_assessments(tx, &filed.round, document).await?;
            for a in filed.assessments.iter().filter(|a| &a.document == document) {
                let current = assessments.iter().find(|c| c.subject == a.subject);
                if current.is_some_and(|c| c.level == a.level && c.motivation == a.motivation) {
                    continue;
                }
                let assessment = Assessment {
                    subject: a.subject.clone(),
                    level: a.level.clone(),
                    motivation: a.motivation.clone(),
                    assessed_by: a.assessed_by.clone().unwrap_or_else(|| by.to_owned()),
                    assessed_at: a.assessed_at.unwrap_or(at),
                    version: 0,
                };
                let version = current.map_or(0, |c| c.version);
                // Someone saved between the read and the write (PostgreSQL lets them): the
                // whole import is refused rather than storing one without the other.
                write_assessment(tx, round_id, document_id, &assessment, version)
                    .await?
                    .ok_or_else(|| {
                        StoreError::Stale(format!("bedömningen av «{}»", assessment.subject))
                    })?;
                summary.assessments += 1;
            }
            let narratives = read_narratives(tx, &filed.round, document).await?;
            for n in filed.narratives.iter().filter(|n| &n.document == document) {
                let current = narratives.iter().find(|c| c.section == n.section);
                if current
                    .is_some_and(|c| c.since_adoption == n.since_adoption && c.ahead == n.ahead)
                {
                    continue;
                }
                let narrative = Narrative {
                    section: n.section.clone(),
                    since_adoption: n.since_adoption.clone(),
                    ahead: n.ahead.clone(),
                    version: current.map_or(0, |c| c.version),
                };
                write_narrative(tx, round_id, document_id, &narrative, by, at)
                    .await?
                    .ok_or_else(|| StoreError::Stale(format!("texten om «{}»", n.section)))?;
                summary.narratives += 1;
            }
        }
    }
    Ok(summary)
}
