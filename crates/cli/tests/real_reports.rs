//! Earlier years' reports as offices make them (`data/test-reports/pdf/`), through `uppfolj import
//! report` on both backends: several organisations' reports make one round that asks each
//! organisation exactly what its report held, in its order; every kind of file matches the
//! Göteborg set's questions; and a file that is not a report changes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use uppfolj_exchange::report::{self, ParsedReport};
use uppfolj_store::Backend;
use uppfolj_store::testing::TestDb;

fn material(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/test-reports/pdf")
        .join(name)
}

fn uppfolj(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("UPPFOLJ_LOG", "warn")
        .output()
        .unwrap()
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn source(name: &str) -> ParsedReport {
    report::from_json(&std::fs::read(material(&format!("sources/{name}.json"))).unwrap()).unwrap()
}

const ORGANISATIONS: [(&str, &str, &str); 3] = [
    (
        "exempelstaden-miljonamnden-2024",
        "Miljönämnden",
        "miljonamnden",
    ),
    (
        "exempelstaden-kulturnamnden-2024",
        "Kulturnämnden",
        "kulturnamnden",
    ),
    (
        "exempelstaden-trafiknamnden-2024",
        "Trafiknämnden",
        "trafiknamnden",
    ),
];

async fn reports_of_three_organisations_ask_each_only_what_its_report_held(backend: Backend) {
    let db = TestDb::new(backend).await;
    for (name, organisation, _) in ORGANISATIONS {
        let file = material(&format!("{name}-word.pdf"));
        ok(uppfolj(
            &db.url,
            &[
                "import",
                "report",
                file.to_str().unwrap(),
                "--organisation",
                organisation,
                "--round",
                "2024",
            ],
        ));
    }
    let out = tempfile::tempdir().unwrap();
    for (name, _, key) in ORGANISATIONS {
        // The organisation's report, typeset by Uppfölj and read back from its attachment,
        // holds what the imported report held, in the same order, and nothing else.
        let pdf = out.path().join(format!("{key}.pdf"));
        ok(uppfolj(
            &db.url,
            &[
                "report",
                "organisation",
                "--round",
                "2024",
                "--organisation",
                key,
                "--format",
                "pdf",
                "--out",
                pdf.to_str().unwrap(),
            ],
        ));
        let rendered = report::read(&std::fs::read(&pdf).unwrap()).unwrap().report;
        let expected = source(name);
        let rows = |r: &ParsedReport| {
            r.questions()
                .into_iter()
                .map(|(s, q)| (s.number.clone(), q.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(rows(&rendered), rows(&expected), "{key}'s report");
    }

    let answers = out.path().join("svar.json");
    ok(uppfolj(
        &db.url,
        &[
            "export",
            "answers",
            "--round",
            "2024",
            "--format",
            "json",
            "--out",
            answers.to_str().unwrap(),
        ],
    ));
    let answers: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&answers).unwrap()).unwrap();
    for (name, organisation, _) in ORGANISATIONS {
        let exported = answers
            .iter()
            .filter(|row| row["organisation"] == organisation)
            .count();
        assert_eq!(
            exported,
            source(name).questions().len(),
            "{organisation}: one row per question its report held"
        );
    }

    let compilation = out.path().join("sammanstallning.json");
    ok(uppfolj(
        &db.url,
        &[
            "report",
            "compilation",
            "--round",
            "2024",
            "--format",
            "json",
            "--out",
            compilation.to_str().unwrap(),
        ],
    ));
    let compilation: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&compilation).unwrap()).unwrap();
    let holding = |text: &str| {
        ORGANISATIONS
            .iter()
            .filter(|(name, ..)| source(name).questions().iter().any(|(_, q)| q.text == text))
            .count()
    };
    let questions = compilation["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 11, "every question some report held");
    for question in questions {
        let text = question["text"].as_str().unwrap();
        assert_eq!(
            question["tally"]["assigned"].as_u64().unwrap() as usize,
            holding(text),
            "asked of «{text}»"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn reports_of_three_organisations_ask_each_only_what_its_report_held_sqlite() {
    reports_of_three_organisations_ask_each_only_what_its_report_held(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread")]
async fn reports_of_three_organisations_ask_each_only_what_its_report_held_postgres() {
    reports_of_three_organisations_ask_each_only_what_its_report_held(Backend::Postgres).await
}

/// Everything the database holds that a person could see: definitions and answers.
fn exports(url: &str, dir: &Path) -> Vec<(String, Vec<u8>)> {
    let definitions = dir.join("definitions");
    let _ = std::fs::remove_dir_all(&definitions);
    ok(uppfolj(
        url,
        &[
            "export",
            "definitions",
            "--out",
            definitions.to_str().unwrap(),
        ],
    ));
    let answers = dir.join("svar.json");
    ok(uppfolj(
        url,
        &[
            "export",
            "answers",
            "--round",
            "2025",
            "--format",
            "json",
            "--out",
            answers.to_str().unwrap(),
        ],
    ));
    let mut files = vec![("svar.json".to_owned(), std::fs::read(&answers).unwrap())];
    let mut stack = vec![definitions];
    while let Some(path) = stack.pop() {
        for entry in std::fs::read_dir(path).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

async fn files_that_are_not_reports_are_refused_and_change_nothing(backend: Backend) {
    let db = TestDb::new(backend).await;
    let goteborg = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    ok(uppfolj(
        &db.url,
        &["import", "definitions", goteborg.to_str().unwrap()],
    ));
    let seed = goteborg.join("reports/intraservice-2025.txt");
    ok(uppfolj(
        &db.url,
        &[
            "import",
            "report",
            seed.to_str().unwrap(),
            "--organisation",
            "intraservice",
            "--round",
            "2025",
        ],
    ));
    let dir = tempfile::tempdir().unwrap();
    let before = exports(&db.url, dir.path());
    let refused = [
        ("not-a-report-letter.pdf", "hittade inga numrerade rubriker"),
        ("not-a-report-scanned.pdf", "innehåller ingen text"),
        ("not-a-report-encrypted.pdf", "är krypterad"),
        (
            "goteborg-intraservice-2025-word.txt",
            "texten har tappat tabellernas kolumner",
        ),
    ];
    for (file, why) in refused {
        let output = uppfolj(
            &db.url,
            &[
                "import",
                "report",
                material(file).to_str().unwrap(),
                "--organisation",
                "intraservice",
                "--round",
                "2025",
            ],
        );
        assert!(!output.status.success(), "{file} is refused");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(said.contains(why), "{file}: {said}");
        assert_eq!(
            exports(&db.url, dir.path()),
            before,
            "{file} changed nothing"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn files_that_are_not_reports_are_refused_and_change_nothing_sqlite() {
    files_that_are_not_reports_are_refused_and_change_nothing(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread")]
async fn files_that_are_not_reports_are_refused_and_change_nothing_postgres() {
    files_that_are_not_reports_are_refused_and_change_nothing(Backend::Postgres).await
}

/// The seed's report as Word, Chromium and Uppfölj made it, as PDF and as `pdftotext -layout`
/// text, matches the Göteborg set's 17 questions by text and stores the seed's answers.
async fn every_kind_of_report_file_matches_the_goteborg_questions(backend: Backend) {
    let goteborg = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    let expected = source("goteborg-intraservice-2025");
    for kind in ["word", "chromium", "uppfolj"] {
        for file in [
            format!("goteborg-intraservice-2025-{kind}.pdf"),
            format!("goteborg-intraservice-2025-{kind}-layout.txt"),
        ] {
            let db = TestDb::new(backend).await;
            ok(uppfolj(
                &db.url,
                &["import", "definitions", goteborg.to_str().unwrap()],
            ));
            let said = ok(uppfolj(
                &db.url,
                &[
                    "import",
                    "report",
                    material(&file).to_str().unwrap(),
                    "--organisation",
                    "intraservice",
                    "--round",
                    "2025",
                ],
            ));
            assert!(!said.contains("Skapar"), "{file}: {said}");
            assert!(said.contains("Inläst: 17 svar"), "{file}: {said}");
            let round = uppfolj_model::Key::parse("2025").unwrap();
            let organisation = uppfolj_model::Key::parse("intraservice").unwrap();
            let stored = db.store.answers(&round, &organisation).await.unwrap();
            let mut comments: Vec<&str> = stored.values().map(|a| a.comment.as_str()).collect();
            let mut wanted: Vec<&str> = expected
                .questions()
                .iter()
                .map(|(_, q)| q.comment.as_str())
                .collect();
            comments.sort();
            wanted.sort();
            assert_eq!(comments, wanted, "{file}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_report_file_matches_the_goteborg_questions_sqlite() {
    every_kind_of_report_file_matches_the_goteborg_questions(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_report_file_matches_the_goteborg_questions_postgres() {
    every_kind_of_report_file_matches_the_goteborg_questions(Backend::Postgres).await
}
