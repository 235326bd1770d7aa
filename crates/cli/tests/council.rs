//! The council report end to end on both backends: indicator values imported from a Kolada
//! response and from a Swedish Excel CSV (all or nothing), and `report council` in every format
//! with every part — the summary's words, the narratives, the assessments with the answers
//! behind them, the indicator table and a chart per indicator, vector in the PDF — and the Word
//! file as LibreOffice reads it.

use std::path::Path;
use std::process::Command;

use time::OffsetDateTime;
use uppfolj_model::Key;
use uppfolj_model::assessment::{Assessment, Narrative};
use uppfolj_model::indicator::{Direction, Indicator, KoladaRef, Reading};
use uppfolj_store::testing::TestDb;
use uppfolj_store::{Backend, Store};

use crate::common::{goteborg_dir, ok, uppfolj};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn council_report_on_sqlite() {
    the_council_report_shows_every_part_in_every_format(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn council_report_on_postgres() {
    the_council_report_shows_every_part_in_every_format(Backend::Postgres).await;
}

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

const DOCUMENT: &str = "trygghetsprogram";

fn indicators() -> [Indicator; 2] {
    let base = |k: &str, name: &str, direction, section: &str| Indicator {
        key: key(k),
        name: name.into(),
        source: "Trygghetsundersökningen".into(),
        unit: "%".into(),
        direction,
        section: Some(key(section)),
        baseline: Some(Reading {
            year: 2021,
            value: 60.0,
        }),
        target: Some(Reading {
            year: 2026,
            value: 70.0,
        }),
        kolada: None,
        example: true,
        values: Vec::new(),
    };
    let mut kolada = base(
        "trygga-kvall",
        "Andel trygga en kväll",
        Direction::Higher,
        "malomrade-3",
    );
    kolada.kolada = Some(KoladaRef {
        kpi: "N07402".into(),
        municipality: "1480".into(),
    });
    let mut fewer = base(
        "utsatta",
        "Andel utsatta för brott",
        Direction::Lower,
        "malomrade-4",
    );
    fewer.baseline = Some(Reading {
        year: 2021,
        value: 25.0,
    });
    fewer.target = Some(Reading {
        year: 2026,
        value: 20.0,
    });
    [kolada, fewer]
}

/// Göteborg's definitions, Intraservice's answers from the seed, two indicators without values,
/// two assessments and a narrative.
async fn setup(url: &str, store: &Store) {
    ok(uppfolj(
        url,
        &["import", "definitions", goteborg_dir().to_str().unwrap()],
    ));
    let seed = goteborg_dir().join("reports/intraservice-2025.txt");
    ok(uppfolj(
        url,
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
    // The Göteborg files bring the demo's example indicators, assessments and texts; the test's
    // own replace some of them at their stored versions.
    let (round, document) = (key("2025"), key(DOCUMENT));
    let stored = store.indicators(&document).await.unwrap();
    for indicator in indicators() {
        let version = stored
            .iter()
            .find(|v| v.indicator.key == indicator.key)
            .map(|v| v.version);
        store
            .save_indicator(&document, &indicator, version)
            .await
            .unwrap();
    }
    let assessed = store.assessments(&round, &document).await.unwrap();
    let at = OffsetDateTime::now_utc();
    for (subject, level, motivation) in [
        (
            "strategi-1-1",
            "i-enlighet",
            "Arbetet följer strategin väl.",
        ),
        (
            "strategi-3-1",
            "stort-utvecklingsbehov",
            "Flera nämnder saknar **plan**.",
        ),
    ] {
        let assessment = Assessment {
            subject: key(subject),
            level: key(level),
            motivation: motivation.into(),
            assessed_by: "samordnare@exempel.se".into(),
            assessed_at: at,
            version: 0,
        };
        let version = assessed
            .iter()
            .find(|a| a.subject == assessment.subject)
            .map_or(0, |a| a.version);
        store
            .save_assessment(&round, &document, &assessment, version)
            .await
            .unwrap();
    }
    let written = store.narratives(&round, &document).await.unwrap();
    let section = key("malomrade-1");
    let narrative = Narrative {
        since_adoption: "Lägesbilderna har blivit fler.\n\n- Alla stadsområden\n- Bolagen".into(),
        ahead: "Metoden ska bli gemensam.".into(),
        version: written
            .iter()
            .find(|n| n.section == section)
            .map_or(0, |n| n.version),
        section,
    };
    store
        .save_narrative(&round, &document, &narrative, "a@b.se", at)
        .await
        .unwrap();
}

const KOLADA: &str = r#"{"count": 3, "values": [
  {"kpi": "N07402", "municipality": "1480", "period": 2022,
   "values": [{"count": 1, "gender": "T", "status": "", "value": 61.5},
              {"count": 1, "gender": "K", "status": "", "value": 58.0}]},
  {"kpi": "N07402", "municipality": "1480", "period": 2023,
   "values": [{"count": 1, "gender": "T", "status": "", "value": 64.25}]},
  {"kpi": "N07402", "municipality": "1480", "period": 2024,
   "values": [{"count": 1, "gender": "T", "status": "", "value": null}]},
  {"kpi": "N00002", "municipality": "1480", "period": 2023,
   "values": [{"count": 1, "gender": "T", "status": "", "value": 9.0}]}
], "next_page": null}"#;

async fn values(store: &Store, indicator: &str) -> Vec<(i32, f64)> {
    store
        .indicators(&key(DOCUMENT))
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.indicator.key.as_str() == indicator)
        .unwrap()
        .indicator
        .values
        .iter()
        .map(|r| (r.year, r.value))
        .collect()
}

fn report(url: &str, format: &str, dir: &Path) -> Vec<u8> {
    let out = dir.join(format!("rapport.{format}"));
    ok(uppfolj(
        url,
        &[
            "report",
            "council",
            "--round",
            "2025",
            "--document",
            DOCUMENT,
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    std::fs::read(out).unwrap()
}

async fn the_council_report_shows_every_part_in_every_format(backend: Backend) {
    let db = TestDb::new(backend).await;
    setup(&db.url, &db.store).await;
    let dir = tempfile::tempdir().unwrap();

    // Kolada: the totals of the indicator that refers to the KPI; null and other KPIs left out.
    let kolada = dir.path().join("kolada.json");
    std::fs::write(&kolada, KOLADA).unwrap();
    let read = ok(uppfolj(
        &db.url,
        &[
            "import",
            "indicator-values",
            kolada.to_str().unwrap(),
            "--document",
            DOCUMENT,
        ],
    ));
    assert!(read.contains("2 värden"), "{read}");
    assert_eq!(
        values(&db.store, "trygga-kvall").await,
        [(2022, 61.5), (2023, 64.25)]
    );
    let log = ok(uppfolj(&db.url, &["audit", "--json"]));
    assert!(
        log.contains("indicator_values_imported") && log.contains("indikatorer/trygghetsprogram"),
        "the import is in the audit log: {log}"
    );

    // A CSV as Swedish Excel saves it; a bad one is refused whole, naming line and column.
    let csv = dir.path().join("värden.csv");
    std::fs::write(
        &csv,
        "\u{feff}Indikator;År;Värde\r\nutsatta;2022;24,5\r\nutsatta;2024;22\r\ntrygga-kvall;2024;66,0\r\n",
    )
    .unwrap();
    ok(uppfolj(
        &db.url,
        &[
            "import",
            "indicator-values",
            csv.to_str().unwrap(),
            "--document",
            DOCUMENT,
        ],
    ));
    assert_eq!(
        values(&db.store, "utsatta").await,
        [(2022, 24.5), (2024, 22.0)]
    );
    let bad = dir.path().join("fel.csv");
    std::fs::write(&bad, "indikator;år;värde\nutsatta;2025;1\nutsatta;20x5;2\n").unwrap();
    let refused = uppfolj(
        &db.url,
        &[
            "import",
            "indicator-values",
            bad.to_str().unwrap(),
            "--document",
            DOCUMENT,
        ],
    );
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("rad 3") && message.contains("20x5"),
        "{message}"
    );
    assert_eq!(
        values(&db.store, "utsatta").await,
        [(2022, 24.5), (2024, 22.0)],
        "nothing of a refused file is stored"
    );
    let unknown = dir.path().join("okand.csv");
    std::fs::write(&unknown, "indikator;år;värde\nfinns-inte;2025;1\n").unwrap();
    let refused = uppfolj(
        &db.url,
        &[
            "import",
            "indicator-values",
            unknown.to_str().unwrap(),
            "--document",
            DOCUMENT,
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("finns-inte"));

    // Markdown: every part, in words.
    let md = String::from_utf8(report(&db.url, "md", dir.path())).unwrap();
    for part in [
        "# Uppföljning Göteborgs Stads trygghetsskapande",
        "## Sammanfattning",
        "| Nr | Strategi | Bedömning |",
        "Arbetar i enlighet med strategin |",
        "Stort utvecklingsbehov |",
        "Ej bedömd |",
        "### Utveckling sedan antagandet",
        "Lägesbilderna har blivit fler.",
        "- Alla stadsområden",
        "Flera nämnder saknar **plan**.",
        "Svar: Ja 1",
        "_Ingen text ännu._",
        "| Andel trygga en kväll | Trygghetsundersökningen | 60 % (2021) | 66 % (2024) | 70 % (2026) | I fas med målet |",
        "| Andel utsatta för brott | Trygghetsundersökningen | 25 % (2021) | 22 % (2024) | 20 % (2026) | I fas med målet |",
        "exempeldata",
    ] {
        assert!(md.contains(part), "{part:?} missing in:\n{md}");
    }

    // HTML: the summary's words beside the colour, and a chart per indicator with its text.
    let html = String::from_utf8(report(&db.url, "html", dir.path())).unwrap();
    assert!(html.contains("<html lang=\"sv\">"));
    assert!(
        html.contains("class=\"level level-best\">Arbetar i enlighet med strategin</td>"),
        "{html}"
    );
    assert_eq!(
        html.matches("<svg").count(),
        4,
        "one chart per indicator: the test's two and the demo's other two"
    );
    assert!(html.contains("<desc id=\"diagram-trygga-kvall-d\">Andel trygga en kväll. Värden per år – 2022: 61,5 %; 2023: 64,25 %; 2024: 66 %."), "{html}");

    // PDF: the same parts, and the charts' words as text, so vector rather than pictures.
    let pdf = report(&db.url, "pdf", dir.path());
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    for part in [
        "Sammanfattning",
        "Arbetar i enlighet med strategin",
        "Stort utvecklingsbehov",
        "Utveckling sedan antagandet",
        "Lägesbilderna har blivit fler.",
        "Andel utsatta för brott",
        ": Andel utsatta för brott\n",
        "exempeldata",
    ] {
        assert!(text.contains(part), "{part:?} missing in the PDF:\n{text}");
    }
    let (images, alternatives) = pdf_images_and_alternatives(&pdf);
    assert_eq!(images, 0, "the charts are vector graphics, not pictures");
    assert!(
        alternatives
            .iter()
            .any(|a| a.starts_with("Andel trygga en kväll. Värden per år – 2022: 61,5 %")),
        "each chart has its description as alternative text: {alternatives:?}"
    );

    // Word: headings and tables as LibreOffice reads them.
    let docx = report(&db.url, "docx", dir.path());
    assert!(docx.starts_with(b"PK"));
    if Path::new("/usr/bin/libreoffice").exists() || std::env::var_os("CI_LIBREOFFICE").is_some() {
        let file = dir.path().join("rapport.docx");
        let html = libreoffice_html(&file);
        assert!(html.contains("Sammanfattning"), "{html}");
        assert!(html.contains("<h1"), "Word headings: {html}");
        assert!(html.contains("<table"), "Word tables: {html}");
        assert!(html.contains("Stort utvecklingsbehov"), "{html}");
        assert!(html.contains("Andel trygga en kväll"), "{html}");
    }
}

/// How many raster images a PDF holds, and the alternative texts of its tagged figures.
fn pdf_images_and_alternatives(pdf: &[u8]) -> (usize, Vec<String>) {
    let document = lopdf::Document::load_mem(pdf).unwrap();
    let mut images = 0;
    let mut alternatives = Vec::new();
    for object in document.objects.values() {
        let dictionary = match object {
            lopdf::Object::Dictionary(d) => d,
            lopdf::Object::Stream(s) => &s.dict,
            _ => continue,
        };
        if dictionary
            .get(b"Subtype")
            .and_then(|s| s.as_name())
            .is_ok_and(|n| n == b"Image")
        {
            images += 1;
        }
        if let Ok(alt) = dictionary.get(b"Alt").and_then(lopdf::decode_text_string) {
            alternatives.push(alt);
        }
    }
    (images, alternatives)
}

/// The Word file converted to HTML by LibreOffice, headless, with a profile of its own.
fn libreoffice_html(file: &Path) -> String {
    let out = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let converted = Command::new("libreoffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "html", "--outdir"])
        .arg(out.path())
        .arg(file)
        .output()
        .expect("LibreOffice runs");
    assert!(
        converted.status.success(),
        "{}",
        String::from_utf8_lossy(&converted.stderr)
    );
    let name = file.file_stem().unwrap().to_str().unwrap();
    std::fs::read_to_string(out.path().join(format!("{name}.html"))).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_files_on_sqlite() {
    definition_files_carry_indicators_assessments_and_texts(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_files_on_postgres() {
    definition_files_carry_indicators_assessments_and_texts(Backend::Postgres).await;
}

/// Where `needle` stands in `text`, as `line:column` (1-based), for checking where an error
/// points.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the file"));
    text[..at].lines().count() + usize::from(text[..at].ends_with('\n'))
}

/// Indicators with their values sit in the document's file, assessments and goal-area texts in
/// the round's: imported with the definitions (the same files twice change nothing), exported
/// back so that a fresh database gets the same, a bad reference refused at its line with
/// nothing stored; and the compilation's JSON lists the assessments as its schema says.
async fn definition_files_carry_indicators_assessments_and_texts(backend: Backend) {
    let db = TestDb::new(backend).await;
    let (round, document) = (key("2025"), key(DOCUMENT));
    let goteborg = goteborg_dir();
    let said = ok(uppfolj(
        &db.url,
        &["import", "definitions", goteborg.to_str().unwrap()],
    ));
    assert!(
        said.contains("3 indikatorer ändrade, 4 bedömningar och 2 målområdestexter ändrade"),
        "{said}"
    );
    let indicators = db.store.indicators(&document).await.unwrap();
    let keys: Vec<&str> = indicators
        .iter()
        .map(|v| v.indicator.key.as_str())
        .collect();
    assert_eq!(keys, ["lokal-lagesbild", "trygga-kvall", "vald-per-100000"]);
    let violence = &indicators[2].indicator;
    assert_eq!(violence.direction, Direction::Lower);
    assert_eq!(violence.section, Some(key("malomrade-4")));
    assert_eq!(
        (violence.baseline, violence.target),
        (
            Some(Reading {
                year: 2021,
                value: 1480.0
            }),
            Some(Reading {
                year: 2026,
                value: 1300.0
            })
        )
    );
    assert_eq!(
        values(&db.store, "vald-per-100000").await,
        [(2022, 1455.0), (2023, 1470.0), (2024, 1490.0)]
    );
    assert!(violence.example);
    let assessments = db.store.assessments(&round, &document).await.unwrap();
    assert_eq!(assessments.len(), 4);
    assert_eq!(assessments[0].subject, key("strategi-1-1"));
    assert_eq!(assessments[0].level, key("i-enlighet"));
    assert_eq!(
        assessments[0].assessed_by, "kommandoraden@uppfolj.invalid",
        "without a name in the file the importer assessed"
    );
    let narratives = db.store.narratives(&round, &document).await.unwrap();
    assert!(
        narratives[0].ahead.starts_with("- Gemensam metod"),
        "{narratives:?}"
    );

    // The same files again: nothing changes, not even a version an open form carries.
    let again = ok(uppfolj(
        &db.url,
        &["import", "definitions", goteborg.to_str().unwrap()],
    ));
    assert!(!again.contains("kommunstyrelsen"), "{again}");
    assert_eq!(db.store.indicators(&document).await.unwrap(), indicators);
    assert_eq!(
        db.store.assessments(&round, &document).await.unwrap(),
        assessments
    );

    // Export: the files hold it all, and a fresh database reads them back the same.
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("export");
    ok(uppfolj(
        &db.url,
        &["export", "definitions", "--out", exported.to_str().unwrap()],
    ));
    let document_file =
        std::fs::read_to_string(exported.join("documents/trygghetsprogram.toml")).unwrap();
    assert!(document_file.contains("[[document.indicator]]\nkey = \"vald-per-100000\""));
    assert!(
        document_file.contains("values = { 2022 = 1455.0, 2023 = 1470.0, 2024 = 1490.0 }"),
        "{document_file}"
    );
    let round_file = std::fs::read_to_string(exported.join("rounds/2025.toml")).unwrap();
    assert!(
        round_file.contains(
            "[[round.assessment]]\ndocument = \"trygghetsprogram\"\nsubject = \"strategi-1-1\""
        ),
        "{round_file}"
    );
    assert!(round_file.contains("assessed_by = \"kommandoraden@uppfolj.invalid\""));
    assert!(round_file.contains("[[round.narrative]]"));
    let fresh = TestDb::new(backend).await;
    ok(uppfolj(
        &fresh.url,
        &["import", "definitions", exported.to_str().unwrap()],
    ));
    let strip = |list: Vec<uppfolj_store::VersionedIndicator>| -> Vec<Indicator> {
        list.into_iter().map(|v| v.indicator).collect()
    };
    assert_eq!(
        strip(fresh.store.indicators(&document).await.unwrap()),
        strip(indicators.clone())
    );
    let moved = fresh.store.assessments(&round, &document).await.unwrap();
    let what = |list: &[Assessment]| -> Vec<(Key, Key, String, String, i64)> {
        list.iter()
            .map(|a| {
                (
                    a.subject.clone(),
                    a.level.clone(),
                    a.motivation.clone(),
                    a.assessed_by.clone(),
                    a.assessed_at.unix_timestamp(),
                )
            })
            .collect()
    };
    assert_eq!(
        what(&moved),
        what(&assessments),
        "who assessed and when kept"
    );
    assert_eq!(
        fresh.store.narratives(&round, &document).await.unwrap(),
        narratives
    );

    // A level off the scale and a strategy the document lacks: refused at their lines, whole.
    let broken = round_file
        .replacen("level = \"i-enlighet\"", "level = \"utmarkt\"", 1)
        .replacen(
            "subject = \"strategi-2-1\"",
            "subject = \"strategi-9-9\"",
            1,
        );
    let broken_file = exported.join("rounds/2025.toml");
    std::fs::write(&broken_file, &broken).unwrap();
    std::fs::write(
        exported.join("documents/trygghetsprogram.toml"),
        document_file.replacen("2023 = 1470.0", "2023 = 1.0", 1),
    )
    .unwrap();
    let refused = uppfolj(
        &db.url,
        &["import", "definitions", exported.to_str().unwrap()],
    );
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    let level_line = line_of(&broken, "level = \"utmarkt\"");
    let subject_line = line_of(&broken, "subject = \"strategi-9-9\"");
    assert!(
        message.contains(&format!("2025.toml:{level_line}:"))
            && message.contains("«utmarkt» är inte en nivå"),
        "{message}"
    );
    assert!(
        message.contains(&format!("2025.toml:{subject_line}:"))
            && message.contains("«strategi-9-9» är inte en strategi"),
        "{message}"
    );
    assert_eq!(
        values(&db.store, "vald-per-100000").await,
        [(2022, 1455.0), (2023, 1470.0), (2024, 1490.0)],
        "nothing of refused files is stored, not even what was right in them"
    );

    // The compilation's JSON lists the assessments in words, as the schema says.
    let out = dir.path().join("sammanstallning.json");
    ok(uppfolj(
        &db.url,
        &[
            "report",
            "compilation",
            "--round",
            "2025",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap();
    let listed = json["assessments"].as_array().unwrap();
    assert_eq!(listed.len(), 4);
    assert_eq!(listed[1]["subject"], "strategi-1-2");
    assert_eq!(listed[1]["label"], "Mindre utvecklingsarbete kvarstår");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(goteborg.join("../../schemas/compilation.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
