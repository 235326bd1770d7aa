//! What the council report stores, on both backends: assessments and narratives refused on a
//! stale version, indicators kept with their values, values set by an import, and settings.

use std::path::Path;

use time::OffsetDateTime;
use uppfolj_exchange::definitions;
use uppfolj_model::assessment::{AssessAt, Assessment, AssessmentSettings, Narrative};
use uppfolj_model::indicator::{Direction, Indicator, KoladaRef, Reading};
use uppfolj_model::{Definitions, Key};
use uppfolj_store::{Store, StoreError};

on_both_backends!(
    an_assessment_saved_from_a_stale_version_is_refused_and_changes_nothing,
    a_narrative_saved_from_a_stale_version_is_refused,
    an_indicator_keeps_its_values_and_an_edit_needs_its_version,
    imported_values_replace_only_their_years_and_an_unknown_indicator_stores_nothing,
    assessment_settings_default_to_strategies_on_the_standard_scale,
);

const DOCUMENT: &str = "trygghetsprogram";

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

async fn goteborg(store: &Store) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    let defs = definitions::parse(definitions::read_files(&[dir]).unwrap())
        .unwrap()
        .check(Definitions::default())
        .unwrap();
    store.apply_definitions(&defs).await.unwrap();
}

fn assessment(level: &str, motivation: &str) -> Assessment {
    Assessment {
        subject: key("strategi-1-1"),
        level: key(level),
        motivation: motivation.into(),
        assessed_by: "samordnare@goteborg.se".into(),
        assessed_at: OffsetDateTime::now_utc().replace_nanosecond(0).unwrap(),
        version: 0,
    }
}

async fn an_assessment_saved_from_a_stale_version_is_refused_and_changes_nothing(store: &Store) {
    goteborg(store).await;
    let (round, document) = (key("2025"), key(DOCUMENT));
    let first = store
        .save_assessment(&round, &document, &assessment("i-enlighet", "Bra."), 0)
        .await
        .unwrap();
    assert_eq!(first.version, 1);
    let second = store
        .save_assessment(
            &round,
            &document,
            &assessment("mindre-utveckling", "Nja."),
            1,
        )
        .await
        .unwrap();
    assert_eq!(second.version, 2);
    for stale in [0, 1, 5] {
        let refused = store
            .save_assessment(
                &round,
                &document,
                &assessment("ej-paborjat", "Sent."),
                stale,
            )
            .await;
        assert!(
            matches!(refused, Err(StoreError::Stale(ref what)) if what.contains("strategi-1-1")),
            "version {stale}: {refused:?}"
        );
    }
    let stored = store.assessments(&round, &document).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].level.as_str(), "mindre-utveckling");
    assert_eq!(stored[0].motivation, "Nja.");
    assert_eq!(stored[0].version, 2);
    assert_eq!(stored[0].assessed_at, second.assessed_at);
    assert!(
        store
            .assessments(&key("2024"), &document)
            .await
            .unwrap()
            .is_empty(),
        "assessments belong to their round"
    );
}

async fn a_narrative_saved_from_a_stale_version_is_refused(store: &Store) {
    goteborg(store).await;
    let (round, document) = (key("2025"), key(DOCUMENT));
    let mut narrative = Narrative::empty(key("malomrade-1"));
    narrative.since_adoption = "Stycke ett.\n\n- en punkt".into();
    let now = OffsetDateTime::now_utc();
    let v1 = store
        .save_narrative(&round, &document, &narrative, "a@b.se", now)
        .await
        .unwrap();
    assert_eq!(v1, 1);
    narrative.ahead = "Framåt.".into();
    let refused = store
        .save_narrative(&round, &document, &narrative, "c@d.se", now)
        .await;
    assert!(matches!(refused, Err(StoreError::Stale(_))), "{refused:?}");
    narrative.version = 1;
    assert_eq!(
        store
            .save_narrative(&round, &document, &narrative, "c@d.se", now)
            .await
            .unwrap(),
        2
    );
    let stored = store.narratives(&round, &document).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].since_adoption, "Stycke ett.\n\n- en punkt");
    assert_eq!(stored[0].ahead, "Framåt.");
    assert_eq!(stored[0].version, 2);
}

fn indicator() -> Indicator {
    Indicator {
        key: key("utsatt-for-brott"),
        name: "Andel utsatta för brott".into(),
        source: "Nationella trygghetsundersökningen".into(),
        unit: "%".into(),
        direction: Direction::Lower,
        section: Some(key("malomrade-3")),
        baseline: Some(Reading {
            year: 2021,
            value: 24.5,
        }),
        target: Some(Reading {
            year: 2026,
            value: 20.0,
        }),
        kolada: Some(KoladaRef {
            kpi: "N07402".into(),
            municipality: "1480".into(),
        }),
        example: true,
        values: vec![
            Reading {
                year: 2022,
                value: 24.0,
            },
            Reading {
                year: 2023,
                value: 23.25,
            },
        ],
    }
}

async fn an_indicator_keeps_its_values_and_an_edit_needs_its_version(store: &Store) {
    goteborg(store).await;
    let document = key(DOCUMENT);
    assert_eq!(
        store
            .save_indicator(&document, &indicator(), None)
            .await
            .unwrap(),
        1
    );
    let mut plain = indicator();
    plain.key = key("anmalda-brott");
    plain.baseline = None;
    plain.target = None;
    plain.kolada = None;
    plain.section = None;
    plain.values.clear();
    store.save_indicator(&document, &plain, None).await.unwrap();
    let stored = store.indicators(&document).await.unwrap();
    assert_eq!(stored.len(), 2, "in the order added");
    assert_eq!(stored[0].indicator, indicator());
    assert_eq!(stored[1].indicator, plain);

    let taken = store.save_indicator(&document, &indicator(), None).await;
    assert!(matches!(taken, Err(StoreError::Rule(_))), "{taken:?}");
    let mut edited = indicator();
    edited.name = "Utsatta för brott".into();
    edited.values.pop();
    assert_eq!(
        store
            .save_indicator(&document, &edited, Some(1))
            .await
            .unwrap(),
        2
    );
    let stale = store.save_indicator(&document, &indicator(), Some(1)).await;
    assert!(matches!(stale, Err(StoreError::Stale(_))), "{stale:?}");
    let stored = store.indicators(&document).await.unwrap();
    assert_eq!(stored[0].indicator, edited);
    assert_eq!(stored[0].version, 2);
}

async fn imported_values_replace_only_their_years_and_an_unknown_indicator_stores_nothing(
    store: &Store,
) {
    goteborg(store).await;
    let document = key(DOCUMENT);
    store
        .save_indicator(&document, &indicator(), None)
        .await
        .unwrap();
    let reading = |year, value| Reading { year, value };
    let written = store
        .set_indicator_values(
            &document,
            &[
                (key("utsatt-for-brott"), reading(2023, 22.0)),
                (key("utsatt-for-brott"), reading(2024, 21.0)),
            ],
        )
        .await
        .unwrap();
    assert_eq!(written, 2);
    let unknown = store
        .set_indicator_values(
            &document,
            &[
                (key("utsatt-for-brott"), reading(2025, 1.0)),
                (key("finns-inte"), reading(2025, 1.0)),
            ],
        )
        .await;
    assert!(
        matches!(unknown, Err(StoreError::NotFound(ref what)) if what.contains("finns-inte")),
        "{unknown:?}"
    );
    let stored = store.indicators(&document).await.unwrap();
    assert_eq!(
        stored[0].indicator.values,
        [
            reading(2022, 24.0),
            reading(2023, 22.0),
            reading(2024, 21.0)
        ]
    );
}

async fn assessment_settings_default_to_strategies_on_the_standard_scale(store: &Store) {
    goteborg(store).await;
    let document = key(DOCUMENT);
    assert_eq!(
        store.assessment_settings(&document).await.unwrap(),
        AssessmentSettings::default()
    );
    let by_section = AssessmentSettings {
        at: AssessAt::Section,
        scale: key("egen-skala"),
    };
    store
        .set_assessment_settings(&document, &by_section)
        .await
        .unwrap();
    store
        .set_assessment_settings(&document, &by_section)
        .await
        .unwrap();
    assert_eq!(
        store.assessment_settings(&document).await.unwrap(),
        by_section
    );
}
