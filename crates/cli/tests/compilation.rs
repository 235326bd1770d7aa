//! `uppfolj report compilation`, end to end on both backends: counts per question, section and
//! document checked against numbers computed here from the imported report texts, and the trend
//! across a round imported from a report and the next.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use uppfolj_store::Backend;
use uppfolj_store::testing::TestDb;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn uppfolj(url: &str, args: &[&str]) -> String {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("UPPFOLJ_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn import(url: &str, file: &Path, organisation: &str, round: &str) {
    uppfolj(
        url,
        &[
            "import",
            "report",
            file.to_str().unwrap(),
            "--organisation",
            organisation,
            "--round",
            round,
        ],
    );
}

fn compilation(url: &str, round: &str, dir: &Path) -> Value {
    let out = dir.join(format!("sammanstallning-{round}.json"));
    uppfolj(
        url,
        &[
            "report",
            "compilation",
            "--round",
            round,
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap()
}

/// Miljönämnden's two test reports, as the rounds 2024 and 2025.
fn import_miljonamnden(url: &str) {
    for year in ["2024", "2025"] {
        import(
            url,
            &repo(&format!(
                "data/test-reports/exempelstaden-miljonamnden-{year}.txt"
            )),
            "Miljönämnden",
            year,
        );
    }
}

/// The answer lines of a report in the seed's layout: a line of one word indented by a space.
fn set_answers(text: &str, change: impl Fn(usize, &str) -> Option<&'static str>) -> String {
    let mut n = 0;
    text.lines()
        .map(|line| {
            let word = line.trim();
            if line.starts_with(' ') && ["Ja", "Nej"].contains(&word) {
                n += 1;
                match change(n, word) {
                    Some(new) => format!(" {new} "),
                    None => line.to_owned(),
                }
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn counts_per_question_section_and_document_are_right(backend: Backend) {
    let db = TestDb::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let seed =
        std::fs::read_to_string(repo("data/goteborg/reports/intraservice-2025.txt")).unwrap();
    let reports = [
        ("Nämnden för Intraservice", seed.clone()),
        // Every third answer turned to Delvis, every fifth flipped.
        (
            "Kulturnämnden",
            set_answers(&seed, |n, word| match (n % 3, n % 5, word) {
                (0, _, _) => Some("Delvis"),
                (_, 0, "Ja") => Some("Nej"),
                (_, 0, _) => Some("Ja"),
                _ => None,
            }),
        ),
        // All Ja.
        ("Arkivnämnden", set_answers(&seed, |_, _| Some("Ja"))),
    ];
    for (i, (organisation, text)) in reports.iter().enumerate() {
        let file = dir.path().join(format!("{i}.txt"));
        std::fs::write(&file, text).unwrap();
        import(&db.url, &file, organisation, "2025");
    }

    // Expected, from the texts: per question (in report order) the answers given.
    let parsed: Vec<_> = reports
        .iter()
        .map(|(_, text)| uppfolj_exchange::report::parse(text).unwrap())
        .collect();
    let questions: Vec<(String, String)> = parsed[0]
        .questions()
        .iter()
        .map(|(s, q)| (s.number.clone(), q.text.clone()))
        .collect();
    let answers: Vec<Vec<String>> = (0..questions.len())
        .map(|i| {
            parsed
                .iter()
                .map(|p| p.questions()[i].1.answer.clone().unwrap())
                .collect()
        })
        .collect();

    let json = compilation(&db.url, "2025", dir.path());
    let got = json["questions"].as_array().unwrap();
    assert_eq!(got.len(), questions.len());
    for (i, question) in got.iter().enumerate() {
        assert_eq!(question["text"], questions[i].1.as_str());
        assert_eq!(question["section"], questions[i].0.as_str());
        assert_eq!(question["tally"]["assigned"], 3);
        assert_eq!(question["tally"]["answered"], 3);
        for option in question["tally"]["options"].as_array().unwrap() {
            let label = option["label"].as_str().unwrap();
            let expected = answers[i].iter().filter(|a| *a == label).count();
            assert_eq!(option["count"], expected, "{label} of question {i}");
        }
    }

    // Per part: the questions under it, by number.
    let mut expected: HashMap<String, (usize, usize)> = HashMap::new();
    for (i, (section, _)) in questions.iter().enumerate() {
        let parts = section.split('.').count();
        for depth in 1..=parts {
            let part = section.split('.').take(depth).collect::<Vec<_>>().join(".");
            let entry = expected.entry(part).or_default();
            entry.0 += 3;
            entry.1 += answers[i].iter().filter(|a| *a == "Ja").count();
        }
    }
    for part in json["parts"].as_array().unwrap() {
        let number = part["number"].as_str().unwrap();
        let (answered, positive) = expected.get(number).copied().unwrap_or_default();
        assert_eq!(part["tally"]["answered"], answered, "answered in {number}");
        assert_eq!(part["tally"]["positive"], positive, "Ja in {number}");
    }
    let documents: usize = json["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["level"] == 1)
        .count();
    assert_eq!(documents, 3);
    assert_eq!(json["total"]["answered"], 3 * questions.len());
    let all_ja = &json["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Arkivnämnden")
        .unwrap()["tally"];
    assert_eq!(all_ja["positive"], questions.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn counts_per_question_section_and_document_are_right_sqlite() {
    counts_per_question_section_and_document_are_right(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread")]
async fn counts_per_question_section_and_document_are_right_postgres() {
    counts_per_question_section_and_document_are_right(Backend::Postgres).await
}

async fn the_trend_spans_a_round_imported_from_a_report_and_the_next(backend: Backend) {
    let db = TestDb::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    import_miljonamnden(&db.url);
    let json = compilation(&db.url, "2025", dir.path());
    let trend = json["trend"].as_array().unwrap();
    let of = |text: &str| {
        trend
            .iter()
            .find(|t| t["text"] == text)
            .unwrap_or_else(|| panic!("no trend for {text}: {trend:?}"))
    };
    let emissions = of("Har ni minskat era utsläpp?");
    let years: Vec<i64> = emissions["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, [2024, 2025]);
    let share = |trend: &Value, year: usize, label: &str| {
        trend["years"][year]["shares"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s[0] == label)
            .unwrap()[1]
            .as_f64()
            .unwrap()
    };
    assert_eq!(share(emissions, 0, "Delvis"), 1.0);
    assert_eq!(share(emissions, 1, "Ja"), 1.0);
    assert_eq!(
        emissions["changes"][0],
        serde_json::json!({"organisation": "Miljönämnden", "before": "Delvis", "after": "Ja", "worse": false})
    );
    let plan = of("Har ni en plan?");
    assert_eq!(
        plan["changes"][0],
        serde_json::json!({"organisation": "Miljönämnden", "before": "Ja", "after": "Delvis", "worse": true}),
        "Ja to something else is flagged"
    );
    let flags: Vec<(&str, &str)> = json["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap(),
                f["question"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        flags.contains(&("negative_without_comment", "Mäter ni luftkvaliteten?")),
        "{flags:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_trend_spans_a_round_imported_from_a_report_and_the_next_sqlite() {
    the_trend_spans_a_round_imported_from_a_report_and_the_next(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_trend_spans_a_round_imported_from_a_report_and_the_next_postgres() {
    the_trend_spans_a_round_imported_from_a_report_and_the_next(Backend::Postgres).await
}

/// The PDF for the executive board carries the numbers, the trend and every comment.
#[tokio::test(flavor = "multi_thread")]
async fn the_compilation_typesets_to_a_pdf_with_every_comment_in_an_appendix() {
    let db = TestDb::new(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    import_miljonamnden(&db.url);
    let out = dir.path().join("sammanstallning.pdf");
    uppfolj(
        &db.url,
        &[
            "report",
            "compilation",
            "--round",
            "2025",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "PDF is the default format");
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Sammanställning – Uppföljning 2025",
        "Läget per dokument och avsnitt",
        "Utvecklingen över tid",
        "Bilaga: kommentarerna per fråga",
        "Planen är antagen men inte budgeterad.",
        "Miljönämnden: Ja → Delvis (försämring)",
    ] {
        assert!(text.contains(expected), "«{expected}» in {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_synthetic_rounds_compile_with_a_trend_over_every_year() {
    let db = TestDb::new(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let said = uppfolj(
        &db.url,
        &[
            "generate",
            "--organisations",
            "4",
            "--questions",
            "12",
            "--rounds",
            "3",
            "--year",
            "2024",
        ],
    );
    assert!(said.contains("Skapade 4 organisationer med 12 frågor och 3 omgångar"));
    let json = compilation(&db.url, "syntet-2024", dir.path());
    assert_eq!(json["organisations"].as_array().unwrap().len(), 4);
    assert_eq!(json["questions"].as_array().unwrap().len(), 12);
    assert_eq!(
        json["total"]["answered"], 48,
        "everyone answered everything"
    );
    let years: Vec<i64> = json["trend"][0]["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, [2022, 2023, 2024]);
}

/// The export's question table says what the JSON says, row by row; the XLSX and ODS workbooks
/// have a sheet per view, and open in LibreOffice where it is installed (CI installs it).
#[tokio::test(flavor = "multi_thread")]
async fn the_compilation_exports_as_csv_tables_and_xlsx_and_ods_workbooks() {
    let db = TestDb::new(Backend::Postgres).await;
    let dir = tempfile::tempdir().unwrap();
    import_miljonamnden(&db.url);
    let json = compilation(&db.url, "2025", dir.path());
    let tables = dir.path().join("tabeller");
    let said = uppfolj(
        &db.url,
        &[
            "export",
            "compilation",
            "--round",
            "2025",
            "--format",
            "csv",
            "--out",
            tables.to_str().unwrap(),
        ],
    );
    assert_eq!(
        said.trim(),
        format!("Skrev 6 tabeller till {}.", tables.display())
    );
    let text = std::fs::read_to_string(tables.join("fragor.csv")).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let rows: Vec<(String, String, usize)> = reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[2].to_owned(), r[5].to_owned(), r[6].parse().unwrap()))
        .collect();
    let mut expected = Vec::new();
    for q in json["questions"].as_array().unwrap() {
        for option in q["tally"]["options"].as_array().unwrap() {
            expected.push((
                q["text"].as_str().unwrap().to_owned(),
                option["label"].as_str().unwrap().to_owned(),
                option["count"].as_u64().unwrap() as usize,
            ));
        }
    }
    assert_eq!(rows, expected);
    assert!(
        std::fs::read_to_string(tables.join("utveckling.csv"))
            .unwrap()
            .contains("Har ni en plan?;Uppföljning 2024;2024;1;Ja;1")
    );

    let workbook = dir.path().join("sammanstallning.xlsx");
    uppfolj(
        &db.url,
        &[
            "export",
            "compilation",
            "--round",
            "2025",
            "--format",
            "xlsx",
            "--out",
            workbook.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&workbook).unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip container");
    let names = String::from_utf8_lossy(&bytes);
    assert!(names.contains("xl/worksheets/sheet6.xml") && !names.contains("sheet7.xml"));
    let spreadsheet = dir.path().join("ods").join("sammanstallning.ods");
    std::fs::create_dir_all(spreadsheet.parent().unwrap()).unwrap();
    uppfolj(
        &db.url,
        &[
            "export",
            "compilation",
            "--round",
            "2025",
            "--format",
            "ods",
            "--out",
            spreadsheet.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&spreadsheet).unwrap();
    assert!(
        bytes.starts_with(b"PK")
            && String::from_utf8_lossy(&bytes[..100])
                .contains("mimetypeapplication/vnd.oasis.opendocument.spreadsheet"),
        "an OpenDocument spreadsheet"
    );
    if Path::new("/usr/bin/libreoffice").exists() || std::env::var_os("CI_LIBREOFFICE").is_some() {
        for file in [&workbook, &spreadsheet] {
            let first_sheet = libreoffice_first_sheet(file);
            assert!(
                first_sheet.starts_with(
                    "\"avsnitt\",\"nummer\",\"fråga\",\"tilldelade\",\"besvarade\",\"svar\",\"antal\",\"andel\""
                ),
                "{}: {first_sheet}",
                file.display()
            );
            assert!(
                first_sheet.contains("\"Har ni minskat era utsläpp?\",1,1,\"Ja\",1,100%"),
                "numbers stay numbers and shares percentages in {}: {first_sheet}",
                file.display()
            );
        }
    }
}

/// The first sheet of a workbook as LibreOffice reads it, converted to CSV next to it.
fn libreoffice_first_sheet(file: &Path) -> String {
    let dir = file.parent().unwrap();
    let converted = Command::new("libreoffice")
        // Comma-separated, double-quoted, UTF-8 (76), first line as is.
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(dir)
        .arg(file)
        .env("HOME", dir)
        .output()
        .expect("libreoffice runs");
    assert!(converted.status.success(), "{converted:?}");
    std::fs::read_to_string(file.with_extension("csv")).unwrap()
}

/// The compilation's JSON, for coordinators and as published, follows the schema kept in the
/// repository; the schema is strict enough to reject a document that lacks a part.
#[tokio::test(flavor = "multi_thread")]
async fn the_json_follows_the_schema_in_the_repository() {
    let db = TestDb::new(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    import_miljonamnden(&db.url);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo("schemas/compilation.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).expect("the schema is valid");
    let internal = compilation(&db.url, "2025", dir.path());
    assert!(
        !internal["trend"].as_array().unwrap().is_empty(),
        "a trend to check too"
    );
    let published = dir.path().join("publicerad.json");
    uppfolj(
        &db.url,
        &[
            "report",
            "compilation",
            "--round",
            "2025",
            "--format",
            "json",
            "--public",
            "--out",
            published.to_str().unwrap(),
        ],
    );
    let published: Value = serde_json::from_slice(&std::fs::read(published).unwrap()).unwrap();
    assert_eq!(published["audience"], "public");
    for document in [&internal, &published] {
        let errors: Vec<String> = validator
            .iter_errors(document)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    let mut broken = internal.clone();
    broken.as_object_mut().unwrap().remove("total");
    broken["parts"][0]["status"] = "lila".into();
    assert_eq!(validator.iter_errors(&broken).count(), 2);

    let html = dir.path().join("sammanstallning.html");
    uppfolj(
        &db.url,
        &[
            "report",
            "compilation",
            "--round",
            "2025",
            "--format",
            "html",
            "--out",
            html.to_str().unwrap(),
        ],
    );
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains("<html lang=\"sv\">") && html.contains("<style>"));
    assert!(
        !html.contains("/assets/"),
        "a file on its own, styles inside"
    );
    assert!(html.contains("Har ni minskat era utsläpp?"));
}
