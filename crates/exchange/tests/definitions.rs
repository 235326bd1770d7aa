//! Definition files: parsing, cross-file checks with located messages, and stable export.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use uppfolj_exchange::definitions::{self, SourceFile};
use uppfolj_model::council_data::CouncilData;
use uppfolj_model::{CommentRule, Definitions};

fn goteborg_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg")
}

fn load(paths: &[PathBuf]) -> Definitions {
    let files = definitions::read_files(paths).expect("files are readable");
    let parsed = definitions::parse(files).unwrap_or_else(|e| panic!("parse failed: {e:#?}"));
    parsed
        .check(Definitions::default())
        .unwrap_or_else(|e| panic!("check failed: {e:#?}"))
}

fn source(name: &str, text: &str) -> SourceFile {
    SourceFile {
        path: name.into(),
        text: text.to_owned(),
    }
}

fn problems(files: Vec<SourceFile>) -> Vec<String> {
    match definitions::parse(files) {
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
        Ok(parsed) => match parsed.check(Definitions::default()) {
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
            Ok(_) => vec![],
        },
    }
}

#[test]
fn the_goteborg_data_set_is_valid() {
    let defs = load(&[goteborg_dir()]);
    assert_eq!(defs.organisations.len(), 41);
    assert_eq!(defs.documents.len(), 3);
    assert_eq!(defs.rounds.len(), 1);
    assert_eq!(defs.rounds[0].name, "Uppföljning 2025");
}

#[test]
fn files_can_be_given_in_any_order_and_folders_and_files_mixed() {
    let dir = goteborg_dir();
    let forward = load(&[
        dir.join("rounds"),
        dir.join("documents"),
        dir.join("organisations.toml"),
        dir.join("scales.toml"),
    ]);
    let whole = load(std::slice::from_ref(&dir));
    assert_eq!(
        definitions::export(&forward, &CouncilData::default()),
        definitions::export(&whole, &CouncilData::default())
    );
}

#[test]
fn export_then_parse_then_export_is_identical() {
    let first = definitions::export(&load(&[goteborg_dir()]), &CouncilData::default());
    let files = first
        .iter()
        .map(|(path, text)| SourceFile {
            path: path.clone(),
            text: text.clone(),
        })
        .collect();
    let again = definitions::parse(files)
        .unwrap()
        .check(Definitions::default())
        .unwrap();
    assert_eq!(definitions::export(&again, &CouncilData::default()), first);
    let names: Vec<String> = first.iter().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "scales.toml",
            "organisations.toml",
            "documents/handlingsplan-gang.toml",
            "documents/trygghetsprogram.toml",
            "documents/tystnadskulturer.toml",
            "rounds/2025.toml"
        ]
    );
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let found = problems(vec![source(
        "orgs.toml",
        "[[organisation]]\nkey = \"a\"\nname = \"A\nkind = \"nämnd\"\n",
    )]);
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("orgs.toml:3:"), "{}", found[0]);
}

#[test]
fn shape_errors_are_in_swedish_and_located() {
    let found = problems(vec![source(
        "orgs.toml",
        "[[organisation]]\nkey = \"a\"\nname = \"A\"\nkind = \"nämd\"\n",
    )]);
    assert_eq!(
        found,
        [
            "orgs.toml:4:8: okänt värde «nämd»; tillåtna värden: «nämnd», «styrelse», «bolag», «förvaltning»"
        ]
    );
    let found = problems(vec![source(
        "d.toml",
        "[document]\nkey = \"d\"\ntitel = \"D\"\n",
    )]);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("d.toml:3:1: okänt fält «titel»"),
        "{}",
        found[0]
    );
}

#[test]
fn every_problem_across_files_is_reported_at_its_place() {
    let scales = "[[scale]]\nkey = \"ja-nej\"\nname = \"Ja/Nej\"\nkind = \"choice\"\noptions = [{ key = \"ja\", label = \"Ja\" }, { key = \"nej\", label = \"Nej\" }]\n";
    let document = r#"[document]
key = "plan"
title = "Planen"
kind = "plan"
period = { from = 2025, to = 2023 }

[[document.section]]
key = "Fel Nyckel"
title = "Avsnitt"

[[document.section.question]]
key = "q1"
text = "Fråga?"
scale = "ja-nej"
comment = { required_for = ["delvis"] }

[[document.section.question]]
key = "q2"
text = "Fråga två?"
scale = "saknas"
"#;
    let round = r#"[round]
key = "2025"
name = "Uppföljning 2025"
year = 2025
opens = 2026-01-12
closes = 2026-02-27
documents = ["plan", "okand"]

[[round.target]]
question = "plan/q1"
organisations = ["ingen-sadan"]
"#;
    let found = problems(vec![
        source("scales.toml", scales),
        source("plan.toml", document),
        source("round.toml", round),
    ]);
    // The key error stops the section, so its questions are checked once the key is fixed.
    assert_eq!(
        found,
        [
            "plan.toml:8:7: nyckeln «Fel Nyckel» får bara innehålla a–z, 0–9 och bindestreck, och börja med en bokstav eller siffra"
        ]
    );

    let fixed = document.replace("Fel Nyckel", "avsnitt");
    let found = problems(vec![
        source("scales.toml", scales),
        source("plan.toml", &fixed),
        source("round.toml", round),
    ]);
    assert_eq!(
        found,
        [
            "plan.toml:5:10: giltighetstiden slutar (2023) innan den börjar (2025)",
            "plan.toml:15:11: svarsskalan «ja-nej» har inget alternativ «delvis»",
            "plan.toml:20:9: svarsskalan «saknas» finns inte",
            "round.toml:7:22: dokumentet «okand» finns inte",
            "round.toml:11:18: organisationen «ingen-sadan» finns inte",
        ]
    );
}

#[test]
fn files_are_checked_against_what_is_already_stored() {
    let stored = load(&[goteborg_dir()]);
    let round = r#"[round]
key = "2026"
name = "Uppföljning 2026"
year = 2026
opens = 2027-01-11
closes = 2027-02-26
documents = ["trygghetsprogram"]

[[round.target]]
question = "trygghetsprogram/strategi-3-3"
organisations = ["stadsbyggnadsnamnden"]
kinds = ["bolag"]
"#;
    let parsed = definitions::parse(vec![source("2026.toml", round)]).unwrap();
    let defs = parsed
        .check(stored)
        .expect("references resolve against the stored set");
    assert_eq!(defs.rounds.len(), 1);
    assert!(
        defs.documents.is_empty(),
        "only what the files define is returned for storing"
    );
}

#[test]
fn comment_rules_are_read_in_all_three_forms() {
    let text = r#"[[scale]]
key = "jn"
name = "JN"
kind = "choice"
options = [{ key = "ja", label = "Ja" }, { key = "nej", label = "Nej" }]

[document]
key = "d"
title = "D"
kind = "plan"
period = { from = 2023, to = 2025 }

[[document.section]]
key = "s"
title = "S"

[[document.section.question]]
key = "a"
text = "A?"
scale = "jn"

[[document.section.question]]
key = "b"
text = "B?"
scale = "jn"
comment = "required"

[[document.section.question]]
key = "c"
text = "C?"
scale = "jn"
comment = { required_for = ["nej"] }
"#;
    let defs = definitions::parse(vec![source("d.toml", text)])
        .unwrap()
        .check(Definitions::default())
        .unwrap();
    let rules: Vec<&CommentRule> = defs.documents[0]
        .all_questions()
        .map(|q| &q.comment)
        .collect();
    assert!(matches!(
        rules[..],
        [
            CommentRule::Optional,
            CommentRule::Required,
            CommentRule::RequiredFor(_)
        ]
    ));
    let bad = text.replace("comment = \"required\"", "comment = \"ibland\"");
    let found = problems(vec![source("d.toml", &bad)]);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("d.toml:26:11: okänt värde «ibland»"),
        "{}",
        found[0]
    );
}

#[test]
fn missing_paths_and_non_utf8_files_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"name = \"N\xe4mnden\"\n").unwrap();
    let missing = dir.path().join("saknas");
    let errors = definitions::read_files(&[latin1, missing]).unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.ends_with("saknas: filen eller mappen finns inte")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("latin1.toml: filen är inte UTF-8")),
        "{text:?}"
    );
}

#[test]
fn the_examples_in_the_format_documentation_are_valid() {
    let doc = include_str!("../../../docs/definitions.md");
    let blocks: Vec<SourceFile> = doc
        .split("```toml\n")
        .skip(1)
        .enumerate()
        .map(|(i, rest)| {
            source(
                &format!("docs/definitions.md#exempel-{}", i + 1),
                rest.split("```").next().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        blocks.len(),
        4,
        "scales, organisations, a document and a round"
    );
    let parsed = definitions::parse(blocks).unwrap_or_else(|e| panic!("{e:#?}"));
    // The examples refer to the Göteborg set (organisations, the action plan), as a real file would.
    let council = parsed
        .check_council(&load(&[goteborg_dir()]), &HashMap::new())
        .unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(
        (
            council.documents[0].indicators.len(),
            council.rounds[0].assessments.len(),
            council.rounds[0].narratives.len()
        ),
        (1, 1, 1)
    );
    let defs = parsed
        .check(load(&[goteborg_dir()]))
        .unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(
        (
            defs.scales.len(),
            defs.organisations.len(),
            defs.documents.len(),
            defs.rounds.len()
        ),
        (3, 1, 1, 1)
    );
}

#[test]
fn a_round_sets_its_status_thresholds_and_bad_ones_are_located() {
    let round = |status: &str| {
        format!(
            "[round]\nkey = \"2026\"\nname = \"Uppföljning 2026\"\nyear = 2026\nopens = 2027-01-11\n\
             closes = 2027-02-26\ndocuments = [\"trygghetsprogram\"]\n{status}"
        )
    };
    let parsed = definitions::parse(vec![source(
        "rounds/2026.toml",
        &round("\n[round.status]\ngreen = 0.8\nyellow = 0.6\n"),
    )])
    .unwrap()
    .check(load(&[goteborg_dir()]))
    .unwrap();
    let ours = parsed
        .rounds
        .iter()
        .find(|r| r.key.as_str() == "2026")
        .unwrap();
    assert_eq!((ours.thresholds.green, ours.thresholds.yellow), (0.8, 0.6));
    let exported = definitions::export(&parsed, &CouncilData::default());
    let (_, text) = exported
        .iter()
        .find(|(path, _)| path.ends_with("2026.toml"))
        .unwrap();
    assert!(
        text.contains("[round.status]\ngreen = 0.8\nyellow = 0.6"),
        "{text}"
    );

    let found = match definitions::parse(vec![source(
        "rounds/2026.toml",
        &round("\n[round.status]\ngreen = 0.5\nyellow = 0.6\n"),
    )]) {
        Err(problems) => problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        Ok(_) => vec![],
    };
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("rounds/2026.toml:") && found[0].contains("gul"),
        "{}",
        found[0]
    );
}

#[test]
fn a_rounds_extended_last_days_are_read_exported_and_checked_where_they_stand() {
    let round = |extensions: &str| {
        format!(
            "[round]\nkey = \"2026\"\nname = \"Uppföljning 2026\"\nyear = 2026\nopens = 2027-01-11\n\
             closes = 2027-02-26\ndocuments = [\"trygghetsprogram\"]\n{extensions}"
        )
    };
    let extended =
        round("\n[[round.extension]]\norganisation = \"intraservice\"\ncloses = 2027-03-12\n");
    let parsed = definitions::parse(vec![source("rounds/2026.toml", &extended)])
        .unwrap()
        .check(load(&[goteborg_dir()]))
        .unwrap();
    let ours = parsed
        .rounds
        .iter()
        .find(|r| r.key.as_str() == "2026")
        .unwrap();
    let intraservice = uppfolj_model::Key::parse("intraservice").unwrap();
    assert_eq!(ours.closes_for(&intraservice).to_string(), "2027-03-12");
    let exported = definitions::export(&parsed, &CouncilData::default());
    let (_, text) = exported
        .iter()
        .find(|(path, _)| path.ends_with("2026.toml"))
        .unwrap();
    assert!(
        text.contains("[[round.extension]]\norganisation = \"intraservice\"\ncloses = 2027-03-12"),
        "{text}"
    );
    let again = definitions::parse(vec![source("rounds/2026.toml", text)])
        .unwrap()
        .check(load(&[goteborg_dir()]))
        .unwrap();
    assert_eq!(again.rounds, parsed.rounds, "exported as read");

    let found = problems(vec![source(
        "rounds/2026.toml",
        &round("\n[[round.extension]]\norganisation = \"okand\"\ncloses = 2027-02-01\n"),
    )]);
    assert!(
        found.iter().any(|p| p.starts_with("rounds/2026.toml:11:")
            && p.contains("ska vara senare än omgångens sista dag")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.starts_with("rounds/2026.toml:10:")
            && p.contains("organisationen «okand» finns inte")),
        "{found:?}"
    );
}

/// The council report's parts of a document's and a round's files are read with their values by
/// year and exported the same way; a year that is no number, a time without a zone and a
/// goal area the document lacks are each named at their line.
#[test]
fn indicators_and_assessments_are_read_exported_and_checked_where_they_stand() {
    let stored = load(&[goteborg_dir()]);
    let document =
        std::fs::read_to_string(goteborg_dir().join("documents/trygghetsprogram.toml")).unwrap();
    let round = std::fs::read_to_string(goteborg_dir().join("rounds/2025.toml")).unwrap();
    let parsed = definitions::parse(vec![
        source("trygghetsprogram.toml", &document),
        source("2025.toml", &round),
    ])
    .unwrap();
    let council = parsed
        .check_council(&stored, &HashMap::new())
        .unwrap_or_else(|e| panic!("{e:#?}"));
    let values: Vec<(i32, f64)> = council.documents[0].indicators[1]
        .values
        .iter()
        .map(|r| (r.year, r.value))
        .collect();
    assert_eq!(values, [(2022, 65.0), (2023, 66.5), (2024, 67.0)]);
    let exported = definitions::export(&stored, &council);
    let files: Vec<SourceFile> = exported
        .iter()
        .map(|(path, text)| source(&path.display().to_string(), text))
        .collect();
    let again = definitions::parse(files).unwrap();
    assert_eq!(
        again.check_council(&stored, &HashMap::new()).unwrap(),
        council,
        "an export reads back as it was"
    );

    let broken_document = document
        .replacen("values = { 2022 = 55.0", "values = { tjugo = 55.0", 1)
        .replacen("section = \"malomrade-4\"", "section = \"malomrade-9\"", 1);
    let broken_round = format!(
        "{round}\n[[round.assessment]]\ndocument = \"trygghetsprogram\"\nsubject = \"strategi-4-4\"\n\
         level = \"i-enlighet\"\nassessed_at = 2026-11-30\n"
    );
    let found = problems_with_council(vec![
        source("trygghetsprogram.toml", &broken_document),
        source("2025.toml", &broken_round),
    ]);
    let line = |text: &str, needle: &str| text[..text.find(needle).unwrap()].lines().count() + 1;
    assert_eq!(
        found,
        [
            format!(
                "trygghetsprogram.toml:{}:10: «tjugo» är inte ett årtal; skriv t.ex. values = {{ 2024 = 12.5 }}",
                line(&broken_document, "values = { tjugo")
            ),
            format!(
                "2025.toml:{}:15: «2026-11-30» ska vara en tidpunkt med tidszon, t.ex. 2026-11-30T14:05:00Z",
                line(&broken_round, "assessed_at = 2026-11-30\n")
            ),
        ],
        "shape problems stop before the checks"
    );
    let broken_round = broken_round.replace("assessed_at = 2026-11-30\n", "");
    let broken_document = broken_document.replacen("tjugo", "2022", 1);
    let found = problems_with_council(vec![
        source("trygghetsprogram.toml", &broken_document),
        source("2025.toml", &broken_round),
    ]);
    assert_eq!(
        found,
        [format!(
            "trygghetsprogram.toml:{}:11: «malomrade-9» är inte ett avsnitt i dokumentet",
            line(&broken_document, "section = \"malomrade-9\"")
        )],
    );
}

fn problems_with_council(files: Vec<SourceFile>) -> Vec<String> {
    match definitions::parse(files) {
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
        Ok(parsed) => match parsed.check_council(&load(&[goteborg_dir()]), &HashMap::new()) {
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
            Ok(_) => vec![],
        },
    }
}
