//! `export definitions --format xlsform|surveyjs` and `import definitions` of those files,
//! through the real binary on both backends: each Göteborg document comes back exactly as it
//! went out, a question set made elsewhere is added, and a bad file stores nothing.

use crate::common;

use std::path::Path;

use common::{goteborg_dir, ok, uppfolj};
use uppfolj_store::Backend;
use uppfolj_store::testing::TestDb;

/// The definitions as TOML files, relative path → text.
fn toml_export(url: &str, dir: &Path) -> Vec<(String, String)> {
    ok(uppfolj(
        url,
        &["export", "definitions", "--out", dir.to_str().unwrap()],
    ));
    let mut files = Vec::new();
    for sub in ["", "documents", "rounds"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap().flatten() {
            if entry.path().is_file() {
                files.push((
                    format!("{sub}/{}", entry.file_name().to_string_lossy()),
                    std::fs::read_to_string(entry.path()).unwrap(),
                ));
            }
        }
    }
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread")]
async fn every_document_comes_back_from_xlsform_and_surveyjs_as_it_went_on_both_backends() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend).await;
        let dir = tempfile::tempdir().unwrap();
        ok(uppfolj(
            &db.url,
            &["import", "definitions", goteborg_dir().to_str().unwrap()],
        ));
        let before = toml_export(&db.url, &dir.path().join("before"));
        for (format, extension) in [("xlsform", "xlsx"), ("surveyjs", "json")] {
            let out = dir.path().join(format);
            let said = ok(uppfolj(
                &db.url,
                &[
                    "export",
                    "definitions",
                    "--format",
                    format,
                    "--out",
                    out.to_str().unwrap(),
                ],
            ));
            assert_eq!(
                said.trim(),
                format!("Skrev 3 filer till {}.", out.display())
            );
            let files: Vec<String> = ["handlingsplan-gang", "trygghetsprogram", "tystnadskulturer"]
                .iter()
                .map(|d| out.join(format!("{d}.{extension}")).display().to_string())
                .collect();
            let mut args = vec!["import", "definitions"];
            args.extend(files.iter().map(String::as_str));
            let read = ok(uppfolj(&db.url, &args));
            assert!(read.contains("3 styrdokument med 35 frågor"), "{read}");
            let after = toml_export(&db.url, &dir.path().join(format!("after-{format}")));
            assert_eq!(after, before, "{format} on {backend:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_authoring_file_is_reported_and_nothing_is_stored() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::new(backend).await;
        let dir = tempfile::tempdir().unwrap();
        ok(uppfolj(
            &db.url,
            &["import", "definitions", goteborg_dir().to_str().unwrap()],
        ));
        let before = toml_export(&db.url, &dir.path().join("before"));
        let good = dir.path().join("bra.json");
        std::fs::write(
            &good,
            r#"{"title": "Ny plan", "pages": [{"name": "a", "elements": [
                {"type": "radiogroup", "name": "q", "title": "Fråga?", "choices": ["Ja", "Nej"]}]}]}"#,
        )
        .unwrap();
        let bad = dir.path().join("dålig.json");
        std::fs::write(&bad, r#"{"title": "X", "pages": [{"name": "a", "elements": [{"type": "matrix", "name": "m"}]}]}"#).unwrap();
        let refused = uppfolj(
            &db.url,
            &[
                "import",
                "definitions",
                good.to_str().unwrap(),
                bad.to_str().unwrap(),
            ],
        );
        assert_eq!(refused.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.starts_with(&format!(
                "{}: pages[0].elements[0]: elementtypen «matrix» har ingen motsvarighet i Uppfölj",
                bad.display()
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains("fel: 1 problem hittades; inget sparades"),
            "{stderr}"
        );
        assert_eq!(toml_export(&db.url, &dir.path().join("after")), before);

        // A file of each kind that is not what it says: a workbook that is not one, broken XML.
        let fake = dir.path().join("fel.xlsx");
        std::fs::write(&fake, b"PK\x03\x04inte en arbetsbok").unwrap();
        let broken =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../exchange/tests/data/lss/trasig.lss");
        for (file, said) in [
            (
                &fake,
                "filen är ingen Excel-arbetsbok (.xlsx) som kan läsas",
            ),
            (&broken, "rad "),
        ] {
            let refused = uppfolj(
                &db.url,
                &[
                    "import",
                    "definitions",
                    good.to_str().unwrap(),
                    file.to_str().unwrap(),
                ],
            );
            assert_eq!(refused.status.code(), Some(1));
            let stderr = String::from_utf8_lossy(&refused.stderr);
            assert!(
                stderr.starts_with(&format!("{}: {said}", file.display())),
                "{stderr}"
            );
        }
        assert_eq!(toml_export(&db.url, &dir.path().join("still")), before);

        let added = ok(uppfolj(
            &db.url,
            &["import", "definitions", good.to_str().unwrap()],
        ));
        assert!(added.contains("1 styrdokument med 1 fråga"), "{added}");
        let stored = toml_export(&db.url, &dir.path().join("added"));
        let plan = stored
            .iter()
            .find(|(path, _)| path == "documents/ny-plan.toml")
            .expect("the new document is stored");
        assert!(
            plan.1.contains("scale = \"ja-nej\""),
            "the stored Ja / Nej scale is reused: {}",
            plan.1
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_limesurvey_survey_is_recognised_by_its_content_and_read_in() {
    let db = TestDb::new(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    ok(uppfolj(
        &db.url,
        &["import", "definitions", goteborg_dir().to_str().unwrap()],
    ));
    // Named .txt on purpose: the format is known by what the file holds.
    let survey = dir.path().join("enkat.txt");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../exchange/tests/data/lss/aldres_valfard_ls6.lss"),
        &survey,
    )
    .unwrap();
    let said = ok(uppfolj(
        &db.url,
        &["import", "definitions", survey.to_str().unwrap()],
    ));
    assert!(said.contains("1 styrdokument"), "{said}");
    let files = toml_export(&db.url, &dir.path().join("out"));
    assert_eq!(
        files
            .iter()
            .filter(|(path, _)| path.starts_with("documents/"))
            .count(),
        4,
        "the three Göteborg documents and the survey"
    );
}
