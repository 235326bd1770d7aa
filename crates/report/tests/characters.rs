//! One respondent's text never breaks the city's documents: comments with a character of every
//! Unicode general category, right-to-left text, emoji and the longest comment allowed render in
//! every report format, and the PDF's attachment keeps every character as written.

use std::collections::HashMap;
use std::path::Path;

use time::macros::date;
use uppfolj_exchange::definitions;
use uppfolj_model::{
    AnswerValue, Audience, CompilationInput, Definitions, Document, Given, Key, MAX_COMMENT_CHARS,
    QuestionRef, ResponseData, ResponseState, compile,
};
use uppfolj_report::{
    OrganisationReport, ReportLine, ReportQuestion, compilation_json, compilation_markdown,
    compilation_pdf,
};

/// A character of each general category, by its two-letter name (surrogates, Cs, cannot stand
/// in a Rust string).
const CATEGORIES: [(&str, &str); 29] = [
    ("Lu", "Ä"),
    ("Ll", "ß"),
    ("Lt", "ǅ"),
    ("Lm", "ʰ"),
    ("Lo", "中ཀ"),
    ("Mn", "e\u{301}"),
    ("Mc", "क\u{903}"),
    ("Me", "1\u{20DD}"),
    ("Nd", "٣"),
    ("Nl", "Ⅻ"),
    ("No", "½"),
    ("Pc", "_"),
    ("Pd", "–"),
    ("Ps", "("),
    ("Pe", ")"),
    ("Pi", "«"),
    ("Pf", "»"),
    ("Po", "!"),
    ("Sm", "∑"),
    ("Sc", "€"),
    ("Sk", "^"),
    ("So", "👍🏽 👨\u{200D}👩\u{200D}👧 ☎"),
    ("Zs", "\u{2003}"),
    ("Zl", "\u{2028}"),
    ("Zp", "\u{2029}"),
    ("Cc", "\u{0}\u{7}\u{1B}"),
    ("Cf", "\u{200D}\u{200F}\u{FEFF}\u{AD}\u{E0041}"),
    ("Co", "\u{E000}\u{F0000}"),
    ("Cn", "\u{378}\u{10FFFF}"),
];

const RIGHT_TO_LEFT: &str = "مرحبا بالعالم — שלום עולם";

fn comments() -> Vec<String> {
    let mut comments: Vec<String> = CATEGORIES
        .iter()
        .map(|(category, text)| format!("{category}: {text} slut."))
        .collect();
    comments.push(RIGHT_TO_LEFT.to_owned());
    let longest = "Lång kommentar 👍 مرحبا. ".repeat(MAX_COMMENT_CHARS / 24);
    comments.push(longest.chars().take(MAX_COMMENT_CHARS).collect());
    comments
}

fn report() -> OrganisationReport {
    let rows = comments()
        .into_iter()
        .enumerate()
        .map(|(i, comment)| ReportQuestion {
            text: format!("Fråga {i}: {}?", CATEGORIES.get(i).map_or("text", |c| c.1)),
            audience: None,
            guidance: vec![format!("Vägledning {}", RIGHT_TO_LEFT)],
            answer: Some("Ja".into()),
            comment,
        })
        .collect();
    OrganisationReport {
        round: "Uppföljning 2025 👍".into(),
        organisation: "Nämnden för Intraservice".into(),
        organisation_key: Key::parse("intraservice").unwrap(),
        state: ResponseState::Submitted,
        printed: date!(2026 - 02 - 01),
        lines: vec![
            ReportLine::Heading {
                number: "1".into(),
                level: 1,
                text: "Program \u{7} 中".into(),
            },
            ReportLine::Table { rows },
        ],
    }
}

#[test]
fn an_organisations_report_renders_every_character_in_every_format() {
    let report = report();
    let pdf = report.pdf().expect("the PDF is set, PDF/UA-1");
    let read = uppfolj_exchange::report::read(&pdf).unwrap().report;
    let read: Vec<String> = read
        .questions()
        .into_iter()
        .map(|(_, q)| q.comment.clone())
        .collect();
    assert_eq!(read, comments(), "the attachment keeps every character");
    let html = report.html().unwrap();
    assert!(html.contains(RIGHT_TO_LEFT) && html.contains("👍🏽"));
    let markdown = report.markdown();
    assert!(markdown.contains(RIGHT_TO_LEFT) && markdown.contains("👍🏽"));
    let json: serde_json::Value = serde_json::from_slice(&report.json()).unwrap();
    assert_eq!(json["lines"][1]["rows"][25]["comment"], comments()[25]);
}

fn goteborg() -> Definitions {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    definitions::parse(definitions::read_files(&[dir]).unwrap())
        .unwrap()
        .check(Definitions::default())
        .unwrap()
}

#[test]
fn a_compilation_renders_every_character_in_every_format() {
    let definitions = goteborg();
    let round = &definitions.rounds[0];
    let documents: Vec<&Document> = round
        .documents
        .iter()
        .filter_map(|k| definitions.documents.iter().find(|d| &d.key == k))
        .collect();
    let questions: Vec<QuestionRef> = documents
        .iter()
        .flat_map(|d| {
            d.all_questions().map(|q| QuestionRef {
                document: d.key.clone(),
                question: q.key.clone(),
            })
        })
        .collect();
    let mut answers: HashMap<QuestionRef, Given> = HashMap::new();
    for (question, comment) in questions.iter().zip(comments()) {
        answers.insert(
            question.clone(),
            Given {
                value: Some(AnswerValue::Choice(Key::parse("ja").unwrap())),
                comment,
                withheld: false,
            },
        );
    }
    let responses = [ResponseData {
        organisation: Key::parse("intraservice").unwrap(),
        state: ResponseState::Submitted,
        answers: answers.into_iter().collect(),
    }];
    let compilation = compile(&CompilationInput {
        round,
        documents: &documents,
        scales: &definitions.scales,
        organisations: &definitions.organisations,
        responses: &responses,
        earlier: &[],
        audience: Audience::Coordinators,
        today: date!(2026 - 02 - 01),
    });
    let pdf = compilation_pdf(&compilation, date!(2026 - 02 - 01)).expect("set, PDF/UA-1");
    assert!(pdf.starts_with(b"%PDF-"));
    let markdown = compilation_markdown(&compilation);
    assert!(markdown.contains(RIGHT_TO_LEFT));
    let json: serde_json::Value = serde_json::from_slice(&compilation_json(&compilation)).unwrap();
    assert!(json.to_string().contains("👍🏽"));
}
