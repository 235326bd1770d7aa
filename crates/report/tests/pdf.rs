//! The organisation report as PDF: what the public sector's accessibility rules and the house
//! style ask of it, checked by reading the PDF back with lopdf and pdf-extract.

use lopdf::{Document, Object};
use time::macros::date;
use uppfolj_model::{Key, ResponseState};
use uppfolj_report::{OrganisationReport, ReportLine, ReportQuestion};

/// A report long enough to run over several pages: one document, two sections, 40 questions.
fn long_report() -> OrganisationReport {
    let question = |i: usize| ReportQuestion {
        text: format!("Har ni genomfört åtgärd {i}?"),
        audience: None,
        guidance: vec![format!("Strategi {i}: Staden ska göra något åt saken.")],
        answer: (!i.is_multiple_of(5)).then(|| "Ja".to_owned()),
        comment: format!("Vi har gjort det här under året.\n\nOch mer därtill ({i})."),
    };
    OrganisationReport {
        round: "Uppföljning 2025".into(),
        organisation: "Nämnden för Intraservice".into(),
        organisation_key: Key::parse("intraservice").unwrap(),
        state: ResponseState::Accepted,
        printed: date!(2026 - 02 - 01),
        lines: vec![
            ReportLine::Heading {
                number: "1".into(),
                level: 1,
                text: "Trygghetsprogrammet".into(),
            },
            ReportLine::Heading {
                number: "1.1".into(),
                level: 2,
                text: "Målområde 1: Öka kunskapen".into(),
            },
            ReportLine::Table {
                rows: (1..=40).map(question).collect(),
            },
            ReportLine::Heading {
                number: "1.2".into(),
                level: 2,
                text: "Målområde 2: Öka samverkan".into(),
            },
        ],
    }
}

fn catalog(document: &Document) -> &lopdf::Dictionary {
    document.catalog().expect("a catalog")
}

#[test]
fn the_pdf_declares_swedish_a_title_tags_and_pdf_ua_1() {
    let pdf = long_report().pdf().unwrap();
    let document = Document::load_mem(&pdf).unwrap();
    let catalog = catalog(&document);
    let lang = catalog.get(b"Lang").unwrap().as_str().unwrap();
    assert!(
        lang.starts_with(b"sv"),
        "{:?}",
        String::from_utf8_lossy(lang)
    );
    let marked = catalog
        .get_deref(b"MarkInfo", &document)
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"Marked")
        .unwrap()
        .as_bool()
        .unwrap();
    assert!(marked, "tagged PDF");
    assert!(catalog.get(b"StructTreeRoot").is_ok());
    let metadata = catalog
        .get_deref(b"Metadata", &document)
        .unwrap()
        .as_stream()
        .unwrap();
    let xmp = String::from_utf8_lossy(&metadata.content).into_owned();
    assert!(
        xmp.contains("pdfuaid:part>1<") || xmp.contains("pdfuaid:part=\"1\""),
        "{xmp}"
    );
    assert!(xmp.contains("Uppföljning 2025 – Nämnden för Intraservice"));
}

#[test]
fn the_outline_mirrors_the_numbered_headings() {
    let pdf = long_report().pdf().unwrap();
    let document = Document::load_mem(&pdf).unwrap();
    let outlines = catalog(&document)
        .get_deref(b"Outlines", &document)
        .unwrap()
        .as_dict()
        .unwrap();
    let mut titles = Vec::new();
    let mut next = outlines.get(b"First").ok().cloned();
    let mut stack = Vec::new();
    while let Some(Object::Reference(id)) = next {
        let item = document.get_dictionary(id).unwrap();
        let title = item.get(b"Title").unwrap().as_str().unwrap();
        titles.push(lopdf::decode_text_string(&Object::string_literal(title.to_vec())).unwrap());
        if let Ok(child) = item.get(b"First") {
            stack.push(item.get(b"Next").ok().cloned());
            next = Some(child.clone());
            continue;
        }
        next = item.get(b"Next").ok().cloned();
        while next.is_none() {
            match stack.pop() {
                Some(sibling) => next = sibling,
                None => break,
            }
        }
    }
    let headings: Vec<&String> = titles
        .iter()
        .filter(|t| !t.starts_with("Innehåll"))
        .collect();
    assert_eq!(
        headings,
        [
            "1 Trygghetsprogrammet",
            "1.1 Målområde 1: Öka kunskapen",
            "1.2 Målområde 2: Öka samverkan"
        ]
    );
}

#[test]
fn the_table_header_repeats_on_every_page_the_table_runs_over() {
    let pdf = long_report().pdf().unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    assert!(pages.len() >= 5, "cover, contents and several table pages");
    assert!(pages[0].contains("Nämnden för Intraservice") && pages[0].contains("2026-02-01"));
    assert!(pages[0].contains("Inskickat och godkänt."));
    let table_pages: Vec<&String> = pages
        .iter()
        .filter(|p| p.contains("Har ni genomfört åtgärd"))
        .collect();
    assert!(table_pages.len() >= 2, "the table runs over pages");
    for page in &table_pages {
        assert!(
            page.contains("Uppföljningsfrågor") && page.contains("Svarsalternativ med kommentar"),
            "{page}"
        );
    }
    let text = pages.concat();
    assert!(text.contains("Ej besvarad"), "unanswered questions say so");
    for page in pages.iter().skip(1) {
        assert!(
            page.contains(&format!("av {}", pages.len())),
            "page numbers"
        );
    }
}
