//! Reports as offices make them (`data/test-reports/pdf/`, made by its `make.sh`): written in
//! Word style and saved as PDF by LibreOffice, printed from a browser by Chromium, and Uppfölj's
//! own PDF without its attachment; each also as `pdftotext -layout` text. Every one must read
//! back to the content it was made from (`sources/*.json`), word for word.

use std::path::{Path, PathBuf};

use uppfolj_exchange::report::{self, ParsedReport};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/test-reports/pdf")
}

fn sources() -> Vec<(String, ParsedReport)> {
    let mut out: Vec<_> = std::fs::read_dir(dir().join("sources"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let report = report::from_json(&std::fs::read(&p).unwrap()).unwrap();
            (name, report)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 4, "the test material is there");
    out
}

/// How exactly a file must read back: to the paragraph, or to the word in guidance and comments
/// where the file cannot tell where paragraphs begin: layout text of a borderless table whose
/// paragraphs are spaced by less than a line (a grid of characters rounds such spacing to
/// nothing or to a blank line), and paragraphs that end at the foot of a page.
#[derive(Clone, Copy, PartialEq)]
enum Exact {
    Paragraphs,
    Words,
}

fn check(file: &str, expected: &ParsedReport) {
    // This long report has paragraphs that end exactly at the foot of a page, where a page
    // break hides whether the next page begins a new one (docs/architecture.md, «Reading
    // reports»): its words must read back exactly, its paragraphs as well as can be told.
    let exact = if file.starts_with("exempelstaden-kommunstyrelsen") {
        Exact::Words
    } else {
        Exact::Paragraphs
    };
    check_as(file, expected, exact)
}

fn check_as(file: &str, expected: &ParsedReport, exact: Exact) {
    let bytes = std::fs::read(dir().join(file)).unwrap();
    let read = report::read(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
    let got = read.report;
    let headings = |r: &ParsedReport| {
        fn walk(s: &report::ParsedSection, out: &mut Vec<String>) {
            out.push(format!("{} {}", s.number, s.heading));
            s.sections.iter().for_each(|c| walk(c, out));
        }
        let mut out = Vec::new();
        r.documents.iter().for_each(|d| walk(d, &mut out));
        out
    };
    assert_eq!(headings(&got), headings(expected), "{file}: headings");
    let got_questions = got.questions();
    let expected_questions = expected.questions();
    for (i, ((gs, g), (es, e))) in got_questions.iter().zip(&expected_questions).enumerate() {
        assert_eq!(
            gs.number, es.number,
            "{file}: question {i} under its heading"
        );
        if exact == Exact::Words {
            let words = |q: &report::ParsedQuestion| {
                let text = format!("{} {}", q.guidance.join(" "), q.comment);
                text.split_whitespace()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                words(g),
                words(e),
                "{file}: question {i}: guidance and comment"
            );
            let without = |q: &report::ParsedQuestion| report::ParsedQuestion {
                guidance: vec![],
                comment: String::new(),
                ..q.clone()
            };
            assert_eq!(without(g), without(e), "{file}: question {i}");
        } else {
            assert_eq!(g, e, "{file}: question {i}");
        }
    }
    assert_eq!(
        got_questions.len(),
        expected_questions.len(),
        "{file}: questions"
    );
    assert!(read.warnings.is_empty(), "{file}: {:?}", read.warnings);
}

#[test]
fn word_documents_saved_as_pdf_by_libreoffice_read_back_exactly() {
    for (name, expected) in sources() {
        check(&format!("{name}-word.pdf"), &expected);
    }
}

#[test]
fn borderless_word_documents_on_letter_paper_read_back_exactly() {
    for (name, expected) in sources() {
        check(&format!("{name}-word-plain.pdf"), &expected);
    }
}

#[test]
fn uppfolj_pdfs_without_their_attachment_read_back_exactly() {
    for (name, expected) in sources() {
        check(&format!("{name}-uppfolj.pdf"), &expected);
    }
}

#[test]
fn reports_printed_by_chromium_read_back_exactly() {
    for (name, expected) in sources() {
        check(&format!("{name}-chromium.pdf"), &expected);
    }
}

#[test]
fn pdftotext_layout_text_of_every_kind_reads_back_exactly() {
    for (name, expected) in sources() {
        for kind in ["word", "uppfolj", "chromium"] {
            check(&format!("{name}-{kind}-layout.txt"), &expected);
        }
        check_as(
            &format!("{name}-word-plain-layout.txt"),
            &expected,
            Exact::Words,
        );
    }
}

#[test]
fn pdfs_that_are_not_reports_are_refused_with_why() {
    let refusal = |file: &str| {
        let bytes = std::fs::read(dir().join(file)).unwrap();
        report::read(&bytes).unwrap_err()
    };
    let letter = refusal("not-a-report-letter.pdf");
    assert!(
        letter
            .to_string()
            .contains("hittade inga numrerade rubriker"),
        "{letter}"
    );
    assert_eq!(
        refusal("not-a-report-scanned.pdf"),
        report::ReadError::NoText
    );
    assert!(
        refusal("not-a-report-scanned.pdf")
            .to_string()
            .contains("ingen text")
    );
    assert_eq!(
        refusal("not-a-report-encrypted.pdf"),
        report::ReadError::Encrypted
    );
}

#[test]
fn plain_pdftotext_text_is_refused_because_its_columns_are_lost() {
    for (name, _) in sources() {
        for kind in ["word", "word-plain", "uppfolj", "chromium"] {
            let file = format!("{name}-{kind}.txt");
            let bytes = std::fs::read(dir().join(&file)).unwrap();
            assert_eq!(
                report::read(&bytes).unwrap_err(),
                report::ReadError::ColumnsLost,
                "{file}"
            );
        }
    }
}

#[test]
fn a_report_without_answers_is_refused_rather_than_imported_empty() {
    let empty = "1 Dokument\n\n1.1 Avsnitt\n\nUppföljningsfrågor Svarsalternativ med kommentar\n\n\
                 Har ni gjort det?\n \nStrategi 1:1 Det ska göras.\n\n";
    let read = report::read(empty.as_bytes()).unwrap().report;
    let refused = report::plan_import(
        &read,
        &uppfolj_model::Definitions::default(),
        "Nämnden",
        "2024",
    )
    .unwrap_err();
    assert_eq!(
        refused,
        "rapporten har inga svar (1 fråga under 2 rubriker); bara ifyllda rapporter läses in"
    );
}
