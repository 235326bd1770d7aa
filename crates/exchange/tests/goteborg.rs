//! The Göteborg data set reproduces the seed report: its headings, numbered as the seed numbers
//! them, and Intraservice's 17 questions with their exact texts, in order, under their headings.

use std::path::Path;

use uppfolj_exchange::definitions;
use uppfolj_model::{Definitions, Entry, Key, number_round};

const SEED: &str = include_str!("../../../data/goteborg/reports/intraservice-2025.txt");

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn goteborg() -> Definitions {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg");
    definitions::parse(definitions::read_files(&[dir]).unwrap())
        .unwrap()
        .check(Definitions::default())
        .unwrap()
}

/// The seed's body (before the PDF outline) and the outline's lines.
fn seed_parts() -> (String, Vec<String>) {
    let outline_start = SEED.find("\n\t1 ").expect("the seed ends with its outline");
    let outline = SEED[outline_start..]
        .lines()
        .filter(|l| l.starts_with('\t'))
        .map(collapse)
        .collect();
    (collapse(&SEED[..outline_start]), outline)
}

#[test]
fn the_round_outline_is_the_seeds_outline() {
    let defs = goteborg();
    let round = &defs.rounds[0];
    let documents: Vec<_> = round
        .documents
        .iter()
        .map(|k| defs.documents.iter().find(|d| &d.key == k).unwrap())
        .collect();
    let headings: Vec<String> = number_round(&documents, |_| false)
        .into_iter()
        .filter_map(|e| match e {
            Entry::Heading(h) => Some(collapse(&h.numbered())),
            Entry::Question { .. } => None,
        })
        .collect();
    let (_, outline) = seed_parts();
    assert_eq!(headings, outline);
}

#[test]
fn intraservice_gets_exactly_the_seeds_17_questions_in_order_under_their_headings() {
    let defs = goteborg();
    let round = &defs.rounds[0];
    let intraservice = defs
        .organisations
        .iter()
        .find(|o| o.key == Key::parse("intraservice").unwrap())
        .unwrap();
    let documents: Vec<_> = round
        .documents
        .iter()
        .map(|k| defs.documents.iter().find(|d| &d.key == k).unwrap())
        .collect();
    let entries = number_round(&documents, |q| round.is_assigned(q, intraservice));
    let (body, _) = seed_parts();

    let mut cursor = 0;
    let mut section_end = body.len();
    let mut questions = 0;
    for (i, entry) in entries.iter().enumerate() {
        match entry {
            Entry::Heading(h) => {
                let heading = collapse(&h.numbered());
                let at = body[cursor..]
                    .find(&heading)
                    .unwrap_or_else(|| panic!("heading «{heading}» in the seed"));
                cursor += at + heading.len();
                section_end = entries[i + 1..]
                    .iter()
                    .find_map(|e| match e {
                        Entry::Heading(next) => body[cursor..]
                            .find(&collapse(&next.numbered()))
                            .map(|p| cursor + p),
                        Entry::Question { .. } => None,
                    })
                    .unwrap_or(body.len());
            }
            Entry::Question { question, .. } => {
                questions += 1;
                let mut printed = collapse(&question.text);
                if let Some(audience) = &question.audience {
                    printed = format!("{printed} ({audience})");
                }
                for paragraph in &question.guidance {
                    printed = format!("{printed} {}", collapse(paragraph));
                }
                let at = body[cursor..]
                    .find(&printed)
                    .unwrap_or_else(|| panic!("«{printed}» follows in the seed"));
                assert!(
                    cursor + at < section_end,
                    "«{}» stands under its own heading",
                    question.text
                );
                cursor += at + printed.len();
            }
        }
    }
    assert_eq!(questions, 17);
}

#[test]
fn targeted_questions_reach_only_the_named_organisations() {
    let defs = goteborg();
    let round = &defs.rounds[0];
    let count = |key: &str| {
        let organisation = defs
            .organisations
            .iter()
            .find(|o| o.key.as_str() == key)
            .unwrap();
        round
            .assigned_questions(&defs.documents, organisation)
            .len()
    };
    assert_eq!(count("intraservice"), 17);
    assert!(
        count("socialnamnden-centrum") > 30,
        "a socialnämnd answers most of the action plan"
    );
    assert_eq!(
        count("forskolenamnden"),
        17 + 3,
        "insats 1:2, 2:3 and tystnad 1:2"
    );
}
