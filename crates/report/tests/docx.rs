//! The Word files: real heading styles under Word's own names (so that the navigation pane and a
//! table of contents work), real tables whose header row repeats on every page, Swedish as the
//! document's language. Checked in the package's XML, and by converting the files to HTML with
//! LibreOffice, which reads them as a word processor does.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use time::macros::{date, datetime};
use uppfolj_model::Key;
use uppfolj_model::ResponseState;
use uppfolj_model::assessment::{AssessAt, Assessment, AssessmentScale, Evidence, Narrative, Tone};
use uppfolj_model::compilation::{OptionCount, Tally};
use uppfolj_model::council::{Assessed, CouncilReport, GoalArea, IndicatorRow, Subject};
use uppfolj_model::document::Period;
use uppfolj_model::indicator::{Direction, Indicator, Reading};
use uppfolj_report::{
    OrganisationReport, ReportLine, ReportQuestion, council_docx, organisation_docx,
};

fn key(text: &str) -> Key {
    Key::parse(text).unwrap()
}

fn assessed(level: &str, label: &str, tone: Tone, motivation: &str) -> Assessed {
    Assessed {
        assessment: Assessment {
            subject: key("kartlagga"),
            level: key(level),
            motivation: motivation.into(),
            assessed_by: "samordnare@example.se".into(),
            assessed_at: datetime!(2026-11-20 10:00 UTC),
            version: 1,
        },
        label: label.into(),
        tone,
    }
}

/// A report of one goal area with two strategies, one assessed and one not, and an indicator.
fn council_report() -> CouncilReport {
    let option = |k: &str, label: &str, count, neutral| OptionCount {
        key: key(k),
        label: label.into(),
        count,
        neutral,
    };
    let indicator = Indicator {
        key: key("andel-trygga"),
        name: "Andel som känner sig trygga".into(),
        source: "Trygghetsundersökningen".into(),
        unit: "%".into(),
        direction: Direction::Higher,
        section: Some(key("kunskap")),
        baseline: Some(Reading {
            year: 2021,
            value: 20.0,
        }),
        target: Some(Reading {
            year: 2026,
            value: 30.0,
        }),
        kolada: None,
        example: true,
        values: vec![
            Reading {
                year: 2023,
                value: 22.0,
            },
            Reading {
                year: 2024,
                value: 24.5,
            },
        ],
    };
    let row = IndicatorRow {
        status: indicator.status(),
        status_label: indicator.status().label(),
        indicator,
    };
    CouncilReport {
        document: key("trygghet"),
        title: "Program för en trygg stad".into(),
        period: Period {
            from: 2022,
            to: 2026,
        },
        round: "Uppföljning 2026".into(),
        year: 2026,
        at: AssessAt::Question,
        scale: AssessmentScale::standard(),
        goal_areas: vec![GoalArea {
            key: key("kunskap"),
            number: "1.1".into(),
            heading: "Målområde 1: Öka kunskapen".into(),
            narrative: Narrative {
                section: key("kunskap"),
                since_adoption: "Arbetet har **kommit igång**.\n\n- kartläggning\n- utbildning"
                    .into(),
                ahead: String::new(),
                version: 1,
            },
            subjects: vec![
                Subject {
                    key: key("kartlagga"),
                    number: "1.1.1".into(),
                    title: "Staden ska kartlägga otryggheten".into(),
                    questions: Vec::new(),
                    evidence: Evidence {
                        tally: Tally {
                            assigned: 18,
                            answered: 16,
                            options: vec![
                                option("ja", "Ja", 12, false),
                                option("nej", "Nej", 3, false),
                                option("ej-aktuellt", "Ej aktuellt", 1, true),
                            ],
                            positive: 12,
                        },
                        turned_negative: 0,
                    },
                    assessment: Some(assessed(
                        "mindre-utveckling",
                        "Mindre utvecklingsarbete kvarstår",
                        Tone::Good,
                        "Tolv av femton arbetar *redan* så.",
                    )),
                    previous: Some(assessed(
                        "stort-utvecklingsbehov",
                        "Stort utvecklingsbehov",
                        Tone::Poor,
                        "",
                    )),
                    suggestion: None,
                },
                Subject {
                    key: key("utbilda"),
                    number: "1.1.2".into(),
                    title: "Staden ska utbilda sin personal".into(),
                    questions: Vec::new(),
                    evidence: Evidence::default(),
                    assessment: None,
                    previous: None,
                    suggestion: None,
                },
            ],
            indicators: vec![row.clone()],
        }],
        indicators: vec![row],
        example_data: true,
        previous_round: Some("Uppföljning 2025".into()),
    }
}

/// One document, a section with two questions, one answered with a comment; a fourth-level
/// heading, which Word shows as a third.
fn organisation_report() -> OrganisationReport {
    OrganisationReport {
        round: "Uppföljning 2026".into(),
        organisation: "Nämnden för Intraservice".into(),
        organisation_key: key("intraservice"),
        state: ResponseState::Accepted,
        printed: date!(2026 - 12 - 05),
        lines: vec![
            ReportLine::Heading {
                number: "1".into(),
                level: 1,
                text: "Program för en trygg stad".into(),
            },
            ReportLine::Heading {
                number: "1.1".into(),
                level: 2,
                text: "Målområde 1: Öka kunskapen".into(),
            },
            ReportLine::Heading {
                number: "1.1.1".into(),
                level: 3,
                text: "Fokusområde: Kartläggning".into(),
            },
            ReportLine::Table {
                rows: vec![
                    ReportQuestion {
                        text: "Har ni kartlagt otryggheten?".into(),
                        audience: Some("Alla nämnder".into()),
                        guidance: vec!["Strategi 1: Staden ska kartlägga otryggheten.".into()],
                        answer: Some("Ja".into()),
                        comment: "Vi gjorde en enkät.\n\nOch trygghetsvandringar.".into(),
                    },
                    ReportQuestion {
                        text: "Har ni utbildat personalen?".into(),
                        audience: None,
                        guidance: Vec::new(),
                        answer: None,
                        comment: String::new(),
                    },
                ],
            },
            ReportLine::Heading {
                number: "1.1.1.1".into(),
                level: 4,
                text: "Underområde".into(),
            },
        ],
    }
}

/// A part of the DOCX package, as text.
fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip package");
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the package"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// What every Word file declares: the three heading styles under Word's names with outline
/// levels, Swedish as the default language, and a title and language in the core properties.
fn assert_word_styles_and_swedish(docx: &[u8], title: &str) {
    let styles = part(docx, "word/styles.xml");
    for (level, id) in ["Heading1", "Heading2", "Heading3"].iter().enumerate() {
        let start = styles
            .find(&format!("w:styleId=\"{id}\""))
            .unwrap_or_else(|| panic!("style {id}: {styles}"));
        let style = &styles[start..start + styles[start..].find("</w:style>").unwrap()];
        assert!(
            style.contains(&format!("<w:name w:val=\"heading {}\"/>", level + 1)),
            "{style}"
        );
        assert!(
            style.contains(&format!("<w:outlineLvl w:val=\"{level}\"/>")),
            "{style}"
        );
    }
    assert!(styles.contains("w:styleId=\"Title\""), "{styles}");
    let defaults = &styles[styles.find("<w:rPrDefault>").expect("run defaults")
        ..styles.find("</w:rPrDefault>").unwrap()];
    assert!(defaults.contains("<w:lang w:val=\"sv-SE\"/>"), "{defaults}");
    let core = part(docx, "docProps/core.xml");
    assert!(
        core.contains(&format!("<dc:title>{title}</dc:title>")),
        "{core}"
    );
    assert!(core.contains("<dc:language>sv-SE</dc:language>"), "{core}");
}

#[test]
fn the_council_docx_has_word_headings_repeated_table_headers_and_is_swedish() {
    let docx = council_docx(&council_report(), date!(2026 - 12 - 05)).unwrap();
    assert_word_styles_and_swedish(&docx, "Program för en trygg stad");
    let document = part(&docx, "word/document.xml");
    for style in ["Title", "Heading1", "Heading2", "Heading3"] {
        assert!(
            document.contains(&format!("<w:pStyle w:val=\"{style}\"/>")),
            "{style}"
        );
    }
    // Summary, the goal area's indicators, all indicators and one indicator's years.
    assert_eq!(document.matches("<w:tbl>").count(), 4);
    assert_eq!(
        document.matches("<w:tblHeader w:val=\"on\"/>").count(),
        4,
        "every table's header row repeats"
    );
    assert!(
        document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"),
        "A4"
    );
    for text in [
        "Uppföljningsrapport",
        "Uppföljningsomgång: Uppföljning 2026 (2026)",
        "Dokumentet gäller 2022–2026.",
        "Utskriven 5 december 2026.",
        "exempeldata",
        "Svar: Ja 12, Nej 3, Ej aktuellt 1 – 16 av 18 tillfrågade har svarat.",
        "Förra omgången (Uppföljning 2025): ",
        "24,5 % (2024)",
        "Ingen text ännu.",
    ] {
        assert!(document.contains(text), "{text}");
    }
    // The level's colour is beside its words, in the summary and at the strategy.
    let colour = Tone::Good.colour();
    assert_eq!(document.matches(&format!("w:fill=\"{colour}\"")).count(), 2);
    assert_eq!(
        document
            .matches("Mindre utvecklingsarbete kvarstår")
            .count(),
        2
    );
    assert!(document.contains("Ej bedömd"));
    let numbering = part(&docx, "word/numbering.xml");
    assert!(
        numbering.contains("<w:numFmt w:val=\"bullet\"/>"),
        "{numbering}"
    );
    assert!(
        part(&docx, "[Content_Types].xml").contains("/word/numbering.xml"),
        "the list definitions are declared"
    );
}

#[test]
fn the_organisation_docx_has_word_headings_and_the_two_column_table_with_a_repeated_header() {
    let report = organisation_report();
    let docx = organisation_docx(&report).unwrap();
    assert_word_styles_and_swedish(&docx, &report.title());
    let document = part(&docx, "word/document.xml");
    for (style, count) in [
        ("Title", 1),
        ("Heading1", 1),
        ("Heading2", 1),
        ("Heading3", 2),
    ] {
        assert_eq!(
            document
                .matches(&format!("<w:pStyle w:val=\"{style}\"/>"))
                .count(),
            count,
            "{style}: a fourth level is set as the third"
        );
    }
    assert_eq!(document.matches("<w:tblHeader w:val=\"on\"/>").count(), 1);
    for text in [
        "Uppföljningsfrågor",
        "Svarsalternativ med kommentar",
        "Nämnden för Intraservice",
        "Inskickat och godkänt. Utskriven 5 december 2026.",
        " (Alla nämnder)",
        "Ej besvarad",
    ] {
        assert!(document.contains(text), "{text}");
    }
}

/// The file converted to HTML by LibreOffice: when it is installed, or when `CI_LIBREOFFICE`
/// says it must be (then its absence fails the test).
fn libreoffice_html(docx: &[u8]) -> Option<String> {
    if !Path::new("/usr/bin/libreoffice").exists() && std::env::var_os("CI_LIBREOFFICE").is_none() {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rapport.docx");
    std::fs::write(&file, docx).unwrap();
    // A profile of its own, so that tests converting at the same time do not share one.
    let profile = dir.path().join("profil");
    let converted = Command::new("libreoffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "html", "--outdir"])
        .arg(dir.path())
        .arg(&file)
        .env("HOME", dir.path())
        .output()
        .expect("libreoffice runs");
    assert!(converted.status.success(), "{converted:?}");
    let html = std::fs::read_to_string(file.with_extension("html"))
        .unwrap_or_else(|e| panic!("{e}: {converted:?}"));
    Some(html)
}

/// The text of every `<tag …>…</tag>`, tags within taken away and spaces collapsed.
fn elements(html: &str, tag: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = find_tag(rest, tag) {
        let inner = &rest[start..];
        let Some(open_end) = inner.find('>') else {
            break;
        };
        let close = format!("</{tag}>");
        let Some(end) = inner.to_ascii_lowercase().find(&close) else {
            break;
        };
        found.push(text_of(&inner[open_end + 1..end]));
        rest = &inner[end + close.len()..];
    }
    found
}

/// Where `<tag` starts as a whole tag name (`<td` is not `<tdx`).
fn find_tag(html: &str, tag: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let mut from = 0;
    while let Some(at) = lower[from..].find(&open) {
        let at = from + at;
        match lower.as_bytes().get(at + open.len()) {
            Some(b'>' | b' ' | b'\n' | b'\t' | b'\r') => return Some(at),
            _ => from = at + open.len(),
        }
    }
    None
}

/// Markup's text: tags away, the entities LibreOffice writes decoded, spaces collapsed.
fn text_of(markup: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in markup.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let mut decoded = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        let entity = &rest[at..];
        let Some(end) = entity.find(';') else {
            decoded.push_str(entity);
            rest = "";
            break;
        };
        let name = &entity[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "nbsp" => Some(' '),
            _ => name
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => decoded.push(c),
            None => decoded.push_str(&entity[..=end]),
        }
        rest = &entity[end + 1..];
    }
    decoded.push_str(rest);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each table's rows, each row's cells as text.
fn tables(html: &str) -> Vec<Vec<Vec<String>>> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<table") {
        let start = from + start;
        let end = start + lower[start..].find("</table>").expect("a table ends");
        let table = &html[start..end];
        let rows = table
            .split("<tr")
            .skip(1)
            .map(|row| {
                elements(&format!("<tr{row}"), "td")
                    .into_iter()
                    .chain(elements(&format!("<tr{row}"), "th"))
                    .collect()
            })
            .collect();
        found.push(rows);
        from = end;
    }
    found
}

/// The items of every bullet list, as text (LibreOffice leaves `<li>` unclosed).
fn bullet_items(html: &str) -> Vec<String> {
    html.split("<ul")
        .skip(1)
        .flat_map(|list| {
            let list = &list[..list.find("</ul>").expect("a list ends")];
            list.split("<li")
                .skip(1)
                .map(|item| text_of(&item[item.find('>').expect("a tag ends") + 1..]))
        })
        .collect()
}

#[test]
fn libreoffice_reads_the_council_docx_headings_as_headings_and_its_tables_as_tables() {
    let docx = council_docx(&council_report(), date!(2026 - 12 - 05)).unwrap();
    let Some(html) = libreoffice_html(&docx) else {
        return;
    };
    let h1 = elements(&html, "h1");
    for text in [
        "Sammanfattning",
        "1.1 Målområde 1: Öka kunskapen",
        "Indikatorer",
    ] {
        assert!(h1.iter().any(|h| h == text), "{text} in {h1:?}");
    }
    let h2 = elements(&html, "h2");
    for text in [
        "Utveckling sedan antagandet",
        "Frågor och utveckling framåt",
        "Bedömning",
        "Indikatorer",
        "Andel som känner sig trygga",
    ] {
        assert!(h2.iter().any(|h| h == text), "{text} in {h2:?}");
    }
    let h3 = elements(&html, "h3");
    assert_eq!(
        h3,
        [
            "1.1.1 Staden ska kartlägga otryggheten",
            "1.1.2 Staden ska utbilda sin personal"
        ]
    );
    let tables = tables(&html);
    assert_eq!(tables.len(), 4, "{tables:?}");
    assert_eq!(
        html.matches("<thead>").count(),
        4,
        "each header row is read as the table's repeated header"
    );
    assert_eq!(tables[0][0], ["Nr", "Strategi", "Bedömning"]);
    assert_eq!(
        tables[0][1],
        [
            "1.1.1",
            "Staden ska kartlägga otryggheten",
            "Mindre utvecklingsarbete kvarstår"
        ]
    );
    assert_eq!(
        tables[0][2],
        ["1.1.2", "Staden ska utbilda sin personal", "Ej bedömd"]
    );
    assert_eq!(
        tables[2][0],
        [
            "Indikator",
            "Källa",
            "Utgångsvärde",
            "Senaste värde",
            "Mål",
            "Status"
        ]
    );
    assert_eq!(
        tables[2][1][2..5],
        ["20 % (2021)", "24,5 % (2024)", "30 % (2026)"]
    );
    assert_eq!(
        tables[3],
        [["År", "Värde"], ["2023", "22 %"], ["2024", "24,5 %"]]
    );
    assert_eq!(
        bullet_items(&html),
        ["kartläggning", "utbildning"],
        "a real list"
    );
}

#[test]
fn libreoffice_reads_the_organisation_docx_headings_and_two_column_table() {
    let docx = organisation_docx(&organisation_report()).unwrap();
    let Some(html) = libreoffice_html(&docx) else {
        return;
    };
    assert!(
        elements(&html, "h1").contains(&"1 Program för en trygg stad".to_owned()),
        "{html}"
    );
    assert_eq!(elements(&html, "h2"), ["1.1 Målområde 1: Öka kunskapen"]);
    assert_eq!(
        elements(&html, "h3"),
        ["1.1.1 Fokusområde: Kartläggning", "1.1.1.1 Underområde"]
    );
    let tables = tables(&html);
    assert_eq!(tables.len(), 1, "{tables:?}");
    assert_eq!(html.matches("<thead>").count(), 1, "a repeated header");
    assert_eq!(
        tables[0][0],
        ["Uppföljningsfrågor", "Svarsalternativ med kommentar"]
    );
    assert_eq!(
        tables[0][1],
        [
            "Har ni kartlagt otryggheten? (Alla nämnder) Strategi 1: Staden ska kartlägga otryggheten.",
            "Ja Vi gjorde en enkät. Och trygghetsvandringar."
        ]
    );
    assert_eq!(tables[0][2], ["Har ni utbildat personalen?", "Ej besvarad"]);
}
