//! Word files (DOCX) of the council report and of an organisation's report, for those who go on
//! editing the text in Word: real heading styles (*heading 1–3*, so that the navigation pane and
//! a table of contents work), real tables whose header row repeats on every page, Swedish as the
//! document's language, and no text as images — a colour always stands beside its words.
//!
//! Lists in the coordinators' Markdown become real Word lists (a numbering part with a bullet
//! list and, per numbered list, a decimal list that starts at 1).

use std::borrow::Cow;
use std::io::Cursor;

use docx_rust::Docx;
use docx_rust::content_type::{ContentTypes, OverrideContentType};
use docx_rust::core::{Core, CoreNamespace};
use docx_rust::document::{
    AbstractNum, AbstractNumId, Body, BodyContent, Document, Level, LevelJustification,
    LevelOverride, LevelStart, LevelText, MultiLevelType, Num, NumFmt, Numbering, PPr, Paragraph,
    Run, StartOverride, Table, TableCell, TableCellContent, TableGrid, TableRow, Text, TextSpace,
};
use docx_rust::formatting::{
    BorderStyle, BottomBorder, CharacterProperty, Fonts, Indent, InsideHorizonBorder,
    InsideVerticalBorder, JustificationVal, KeepLines, KeepNext, Lang, LeftBorder, OnOffOnlyType,
    OutlineLvl, PageBreakBefore, PageMargin, PageSize, ParagraphProperty, RightBorder,
    SectionProperty, Shading, ShadingStyle, Size, Spacing, TableBorders, TableCellProperty,
    TableCellWidth, TableProperty, TableRowProperty, TableWidth, TableWidthUnit, TopBorder,
};
use docx_rust::styles::{
    BasedOn, DefaultStyle, Next, QFormat, Style, StyleName, StyleType, Styles,
};
use time::Date;
use uppfolj_model::assessment::AssessAt;
use uppfolj_model::council::{Assessed, CouncilReport, GoalArea, IndicatorRow, Subject};

use crate::narrative::{self, Block};
use crate::words::{counts_line, level_words, reading_text, subject_word, value_text};
use crate::{OrganisationReport, ReportError, ReportLine, ReportQuestion};

/// The council report as a Word document: a cover, the summary table of every assessment, per
/// goal area its narrative and assessments, and the indicators with their yearly values as
/// tables (the Word file carries no charts). `printed` is the day the cover says it was printed.
pub fn council_docx(report: &CouncilReport, printed: Date) -> Result<Vec<u8>, ReportError> {
    let mut doc = Builder::default();
    doc.paragraph(Some("Title"), vec![plain(&report.title)]);
    doc.paragraph(Some("Subtitle"), vec![plain("Uppföljningsrapport")]);
    doc.paragraph(
        None,
        vec![plain(&format!(
            "Uppföljningsomgång: {} ({})",
            report.round, report.year
        ))],
    );
    doc.paragraph(
        None,
        vec![plain(&format!("Dokumentet gäller {}.", report.period))],
    );
    doc.paragraph(
        None,
        vec![plain(&format!("Utskriven {}.", swedish_date(printed)))],
    );
    if report.example_data {
        doc.paragraph(
            None,
            vec![italic(
                "Indikatorernas värden är exempeldata för en demonstration, inte uppmätta värden.",
            )],
        );
    }

    doc.push(heading(1, "Sammanfattning").page_break_before());
    let rows = report
        .subjects()
        .map(|s| {
            vec![
                cell(vec![para(None, vec![plain(&s.number)])]),
                cell(vec![para(None, vec![plain(&s.title)])]),
                cell(vec![assessment_paragraph(s.assessment.as_ref())]),
            ]
        })
        .collect();
    doc.table(
        &[1100, 5312, 3000],
        &["Nr", subject_word(report), "Bedömning"],
        rows,
    );

    for area in &report.goal_areas {
        goal_area(&mut doc, report, area);
    }

    doc.push(heading(1, "Indikatorer"));
    if report.indicators.is_empty() {
        doc.paragraph(None, vec![plain("Dokumentet har inga indikatorer.")]);
    } else {
        indicator_table(&mut doc, &report.indicators);
        for row in &report.indicators {
            let indicator = &row.indicator;
            doc.push(heading(2, &indicator.name));
            let mut about = format!("{}.", indicator.direction.label());
            if indicator.example {
                about.push_str(" Värdena är exempeldata.");
            }
            doc.paragraph(None, vec![plain(&about)]);
            if indicator.values.is_empty() {
                doc.paragraph(None, vec![italic("Inga värden ännu.")]);
            } else {
                let rows = indicator
                    .values
                    .iter()
                    .map(|r| {
                        vec![
                            cell(vec![para(None, vec![plain(&r.year.to_string())])]),
                            cell(vec![para(
                                None,
                                vec![plain(&value_text(r.value, &indicator.unit))],
                            )]),
                        ]
                    })
                    .collect();
                doc.table(&[2000, 3000], &["År", "Värde"], rows);
            }
        }
    }
    doc.finish(&report.title)
}

/// One organisation's report as a Word document in the house style of its PDF: the round as
/// title, every steering document and section as a numbered heading, and under a section the
/// two-column table *Uppföljningsfrågor | Svarsalternativ med kommentar*.
pub fn organisation_docx(report: &OrganisationReport) -> Result<Vec<u8>, ReportError> {
    let mut doc = Builder::default();
    doc.paragraph(Some("Title"), vec![plain(&report.round)]);
    doc.paragraph(Some("Subtitle"), vec![plain(&report.organisation)]);
    doc.paragraph(
        None,
        vec![plain(&format!(
            "{} Utskriven {}.",
            report.state_note(),
            swedish_date(report.printed)
        ))],
    );
    for line in &report.lines {
        match line {
            ReportLine::Heading {
                number,
                level,
                text,
            } => doc.push(heading(*level, &numbered(number, text))),
            ReportLine::Table { rows } => {
                let rows = rows.iter().map(question_row).collect();
                doc.table(
                    &[4706, 4706],
                    &["Uppföljningsfrågor", "Svarsalternativ med kommentar"],
                    rows,
                );
            }
        }
    }
    doc.finish(&report.title())
}

/// A goal area: its narrative, the assessment of each subject and its indicators.
fn goal_area(doc: &mut Builder, report: &CouncilReport, area: &GoalArea) {
    doc.push(heading(1, &numbered(&area.number, &area.heading)));
    for (title, text) in [
        (
            "Utveckling sedan antagandet",
            &area.narrative.since_adoption,
        ),
        ("Frågor och utveckling framåt", &area.narrative.ahead),
    ] {
        doc.push(heading(2, title));
        if !doc.markdown(text) {
            doc.paragraph(None, vec![italic("Ingen text ännu.")]);
        }
    }
    doc.push(heading(2, "Bedömning"));
    for subject in &area.subjects {
        // Assessed per goal area, the subject is the goal area itself, already the heading.
        if report.at == AssessAt::Question {
            doc.push(heading(3, &numbered(&subject.number, &subject.title)));
        }
        assessment(doc, report, subject);
    }
    if !area.indicators.is_empty() {
        doc.push(heading(2, "Indikatorer"));
        indicator_table(doc, &area.indicators);
    }
}

/// A subject's assessment, its motivation, the answers behind it and last round's level.
fn assessment(doc: &mut Builder, report: &CouncilReport, subject: &Subject) {
    let mut runs = vec![plain("Bedömning: ")];
    match &subject.assessment {
        Some(assessed) => runs.push(shaded(bold(&assessed.label), assessed.tone.colour())),
        None => runs.push(bold(level_words(None))),
    }
    doc.paragraph(None, runs);
    if let Some(assessed) = &subject.assessment {
        doc.markdown(&assessed.assessment.motivation);
    }
    doc.paragraph(None, vec![plain(&counts_line(&subject.evidence.tally))]);
    if let Some(previous) = &subject.previous {
        let round = report
            .previous_round
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        doc.paragraph(
            None,
            vec![
                plain(&format!("Förra omgången{round}: ")),
                bold(&previous.label),
            ],
        );
    }
}

/// The summary table's assessment: the level's words on its colour, or that there is none.
fn assessment_paragraph(assessed: Option<&Assessed>) -> Paragraph<'static> {
    match assessed {
        Some(a) => para(None, vec![plain(&a.label)]).shaded(a.tone.colour()),
        None => para(None, vec![italic(level_words(None))]),
    }
}

/// The indicators' table: name, source, baseline, latest value, target and status.
fn indicator_table(doc: &mut Builder, rows: &[IndicatorRow]) {
    let text = |t: &str| cell(vec![para(None, vec![plain(t)])]);
    let rows = rows
        .iter()
        .map(|row| {
            let i = &row.indicator;
            vec![
                text(&i.name),
                text(&i.source),
                text(&reading_text(i.baseline, &i.unit)),
                text(&reading_text(i.latest(), &i.unit)),
                text(&reading_text(i.target, &i.unit)),
                text(row.status_label),
            ]
        })
        .collect();
    doc.table(
        &[2412, 1500, 1400, 1400, 1300, 1400],
        &[
            "Indikator",
            "Källa",
            "Utgångsvärde",
            "Senaste värde",
            "Mål",
            "Status",
        ],
        rows,
    );
}

/// A value with its unit, with a decimal comma: «24,5 %».
/// A question's row: the question, its audience and guidance; the answer and the comment.
fn question_row(q: &ReportQuestion) -> Vec<TableCell<'static>> {
    let mut first = vec![bold(&q.text)];
    if let Some(audience) = &q.audience {
        first.push(plain(&format!(" ({audience})")));
    }
    let mut question = vec![para(None, first)];
    question.extend(q.guidance.iter().map(|g| para(None, vec![plain(g)])));
    let mut answer = vec![match &q.answer {
        Some(a) => para(None, vec![bold(a)]),
        None => para(None, vec![italic("Ej besvarad")]),
    }];
    answer.extend(
        q.comment
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                // A single line break in a comment stays a line break.
                let mut run = Run::default();
                for (i, line) in p.lines().enumerate() {
                    if i > 0 {
                        run = run.push_break(None);
                    }
                    run = run.push_text(text(line));
                }
                para(None, vec![run])
            }),
    );
    vec![cell(question), cell(answer)]
}

/// The text width of an A4 page with the margins of [`section`], in twentieths of a point.
const TEXT_WIDTH: isize = 11906 - 2 * 1247;

/// The page: A4 with the margins of the PDF's house style (2.2 cm, 2.4 cm at the bottom).
fn section() -> SectionProperty<'static> {
    SectionProperty {
        page_size: Some(PageSize {
            weight: 11906,
            height: 16838,
        }),
        page_margin: Some(PageMargin {
            top: Some(1247),
            right: Some(1247),
            bottom: Some(1361),
            left: Some(1247),
            header: Some(709),
            footer: Some(709),
            gutter: Some(0),
        }),
        ..Default::default()
    }
}

/// The abstract list definitions: bullets, and numbers with a full stop.
const BULLETS_ABSTRACT: isize = 0;
const NUMBERS_ABSTRACT: isize = 1;
/// The list instance every bullet list uses; numbered lists get their own, to start at 1.
const BULLETS: isize = 1;

/// A document being written: its body, and the list instances its numbered lists use.
struct Builder {
    body: Vec<BodyContent<'static>>,
    numbering: Numbering<'static>,
}

impl Default for Builder {
    fn default() -> Builder {
        let level = |format: &'static str, text: &'static str| Level {
            i_level: Some(0),
            start: Some(LevelStart { value: Some(1) }),
            number_format: Some(NumFmt {
                value: format.into(),
            }),
            level_text: Some(LevelText {
                value: Some(text.into()),
            }),
            justification: Some(LevelJustification {
                value: JustificationVal::Left,
            }),
            p_pr: Some(PPr {
                indent: Some(Indent {
                    left: Some(720),
                    hanging: Some(360),
                    ..Default::default()
                }),
            }),
            r_pr: Vec::new(),
        };
        let list = |id: isize, level: Level<'static>| AbstractNum {
            abstract_num_id: Some(id),
            nsid: None,
            multi_level_type: Some(MultiLevelType {
                value: "singleLevel".into(),
            }),
            levels: vec![level],
        };
        Builder {
            body: Vec::new(),
            numbering: Numbering {
                abstract_numberings: vec![
                    list(BULLETS_ABSTRACT, level("bullet", "•")),
                    list(NUMBERS_ABSTRACT, level("decimal", "%1.")),
                ],
                numberings: vec![Num {
                    num_id: Some(BULLETS),
                    abstract_num_id: Some(AbstractNumId {
                        value: Some(BULLETS_ABSTRACT),
                    }),
                    level_overrides: Vec::new(),
                }],
            },
        }
    }
}

impl Builder {
    fn push(&mut self, content: impl Into<BodyContent<'static>>) {
        self.body.push(content.into());
    }

    fn paragraph(&mut self, style: Option<&'static str>, runs: Vec<Run<'static>>) {
        self.push(para(style, runs));
    }

    /// Writes a Markdown text's paragraphs and lists; whether it had any.
    fn markdown(&mut self, markdown: &str) -> bool {
        let blocks = narrative::blocks(markdown);
        for block in &blocks {
            match block {
                Block::Paragraph { runs } => {
                    self.paragraph(None, runs.iter().map(markdown_run).collect())
                }
                Block::List { ordered, items } => {
                    let list = if *ordered {
                        self.numbered_list()
                    } else {
                        BULLETS
                    };
                    for item in items {
                        let property = ParagraphProperty::default()
                            .style_id("ListParagraph")
                            .numbering((list, 0));
                        self.push(
                            para(None, item.iter().map(markdown_run).collect()).property(property),
                        );
                    }
                }
            }
        }
        !blocks.is_empty()
    }

    /// A new numbered list instance, starting at 1.
    fn numbered_list(&mut self) -> isize {
        let id = self.numbering.numberings.len() as isize + 1;
        self.numbering.numberings.push(Num {
            num_id: Some(id),
            abstract_num_id: Some(AbstractNumId {
                value: Some(NUMBERS_ABSTRACT),
            }),
            level_overrides: vec![LevelOverride {
                i_level: Some(0),
                start_override: Some(StartOverride { value: Some(1) }),
            }],
        });
        id
    }

    /// A table as wide as the page's text, `widths` (twentieths of a point) adding up to at
    /// most [`TEXT_WIDTH`], with `header` as a bold header row that Word repeats on every page.
    fn table(&mut self, widths: &[isize], header: &[&str], rows: Vec<Vec<TableCell<'static>>>) {
        debug_assert!(widths.iter().sum::<isize>() <= TEXT_WIDTH);
        debug_assert_eq!(widths.len(), header.len());
        let sized = |cell: TableCell<'static>, width: isize| {
            cell.property(TableCellProperty::default().wide(TableCellWidth {
                value: Some(width),
                unit: Some(TableWidthUnit::Dxa),
            }))
        };
        let mut table = Table::default().property(
            TableProperty::default()
                .width(TableWidth {
                    value: Some(widths.iter().sum()),
                    unit: Some(TableWidthUnit::Dxa),
                })
                .borders(borders()),
        );
        table.grids = TableGrid::from(widths.to_vec());
        let mut head = TableRow::default()
            .property(TableRowProperty::default().table_header(OnOffOnlyType::On));
        for (text, width) in header.iter().zip(widths) {
            head = head.push_cell(sized(cell(vec![para(None, vec![bold(text)])]), *width));
        }
        table = table.push_row(head);
        for cells in rows {
            let mut row = TableRow::default();
            for (cell, width) in cells.into_iter().zip(widths) {
                row = row.push_cell(sized(cell, *width));
            }
            table = table.push_row(row);
        }
        self.push(table);
    }

    /// The document as a DOCX package, with `title` in its properties.
    fn finish(self, title: &str) -> Result<Vec<u8>, ReportError> {
        let mut body = self.body;
        body.push(section().into());
        let mut content_types = ContentTypes::default();
        // No application properties are written, so their part is not declared; the list
        // definitions are.
        content_types
            .overrides
            .retain(|o| o.part != "/docProps/app.xml");
        content_types.overrides.push(OverrideContentType {
            part: "/word/numbering.xml".into(),
            ty: "application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"
                .into(),
        });
        let mut docx = Docx {
            core: Some(Core::CoreNamespace(CoreNamespace {
                title: Some(Cow::Owned(text(title).text.into_owned())),
                creator: Some("Uppfölj".into()),
                language: Some("sv-SE".into()),
                ..Default::default()
            })),
            content_types,
            document: Document {
                body: Body { content: body },
            },
            styles: styles(),
            numbering: Some(self.numbering),
            ..Default::default()
        };
        let mut out = Cursor::new(Vec::new());
        docx.write(&mut out)
            .map_err(|e| ReportError::Docx(e.to_string()))?;
        Ok(out.into_inner())
    }
}

/// Thin grey lines around and between every cell, as in the PDF.
fn borders() -> TableBorders<'static> {
    macro_rules! line {
        ($side:ident) => {
            Some($side {
                style: BorderStyle::Single,
                color: Some("969696".into()),
                size: Some(4),
                ..Default::default()
            })
        };
    }
    TableBorders {
        top: line!(TopBorder),
        left: line!(LeftBorder),
        bottom: line!(BottomBorder),
        right: line!(RightBorder),
        inside_horizon: line!(InsideHorizonBorder),
        inside_vertical: line!(InsideVerticalBorder),
    }
}

/// The styles: Swedish text in Word's body font; headings 1–3 under Word's own names and ids,
/// with outline levels, so that Word treats them as its built-in headings; a title, a subtitle
/// and list paragraphs.
fn styles() -> Styles<'static> {
    let character = |size: isize, bold: bool| {
        let property = CharacterProperty::default().size(size);
        if bold { property.bold(true) } else { property }
    };
    let paragraph = |id: &'static str, name: &'static str| {
        let mut style = Style::new(StyleType::Paragraph, id).name(StyleName::from(name));
        style.base = Some(BasedOn {
            value: "Normal".into(),
        });
        style.next = Some(Next {
            value: "Normal".into(),
        });
        style.q_format = Some(QFormat { value: None });
        style
    };
    let heading = |level: isize, size: isize, before: isize| {
        let mut style = paragraph(HEADINGS[level as usize], HEADING_NAMES[level as usize]);
        style.paragraph = Some(ParagraphProperty {
            keep_next: Some(KeepNext { value: None }),
            keep_lines: Some(KeepLines { value: None }),
            spacing: Some(Spacing {
                before: Some(before),
                after: Some(120),
                ..Default::default()
            }),
            outline_lvl: Some(OutlineLvl { value: level }),
            ..Default::default()
        });
        style.character = Some(character(size, true));
        style
    };

    let mut normal = Style::new(StyleType::Paragraph, "Normal").name(StyleName::from("Normal"));
    normal.default = Some(true);
    normal.q_format = Some(QFormat { value: None });

    let mut title = paragraph("Title", "Title");
    title.paragraph = Some(ParagraphProperty {
        spacing: Some(Spacing {
            before: Some(2400),
            after: Some(240),
            ..Default::default()
        }),
        ..Default::default()
    });
    title.character = Some(character(52, true));

    let mut subtitle = paragraph("Subtitle", "Subtitle");
    subtitle.paragraph = Some(ParagraphProperty {
        spacing: Some(Spacing {
            after: Some(360),
            ..Default::default()
        }),
        ..Default::default()
    });
    subtitle.character = Some(character(30, false));

    let mut list = paragraph("ListParagraph", "List Paragraph");
    list.next = None;
    list.paragraph = Some(ParagraphProperty {
        spacing: Some(Spacing {
            after: Some(60),
            ..Default::default()
        }),
        ..Default::default()
    });

    let mut styles = Styles::new();
    styles.default(DefaultStyle {
        character: CharacterProperty {
            fonts: Some(
                Fonts::default()
                    .ascii("Calibri")
                    .h_ansi("Calibri")
                    .east_asia("Calibri")
                    .custom("Calibri"),
            ),
            size: Some(Size::from(22isize)),
            lang: Some(Lang::default().val("sv-SE")),
            ..Default::default()
        }
        .into(),
        paragraph: ParagraphProperty {
            spacing: Some(Spacing {
                after: Some(120),
                line: Some(264),
                line_rule: Some("auto".parse().expect("a line rule")),
                ..Default::default()
            }),
            ..Default::default()
        }
        .into(),
    });
    styles.push(normal);
    styles.push(title);
    styles.push(subtitle);
    styles.push(heading(0, 32, 480));
    styles.push(heading(1, 26, 360));
    styles.push(heading(2, 23, 240));
    styles.push(list);
    styles
}

/// Word's ids and (lower-case, built-in) names of its first three heading styles.
const HEADINGS: [&str; 3] = ["Heading1", "Heading2", "Heading3"];
const HEADING_NAMES: [&str; 3] = ["heading 1", "heading 2", "heading 3"];

/// A heading at `level` (1 and up; deeper than 3 is set as 3).
fn heading(level: usize, text: &str) -> Paragraph<'static> {
    let style = HEADINGS[level.clamp(1, 3) - 1];
    para(Some(style), vec![plain(text)])
}

/// «1.2 Text», or the text alone when it has no number.
fn numbered(number: &str, text: &str) -> String {
    if number.trim().is_empty() {
        text.to_owned()
    } else {
        format!("{number} {text}")
    }
}

fn para(style: Option<&'static str>, runs: Vec<Run<'static>>) -> Paragraph<'static> {
    let mut paragraph = Paragraph::default();
    if let Some(style) = style {
        paragraph = paragraph.property(ParagraphProperty::default().style_id(style));
    }
    runs.into_iter().fold(paragraph, Paragraph::push)
}

/// What is set on a paragraph after it is made.
trait ParagraphExt {
    fn page_break_before(self) -> Self;
    fn shaded(self, colour: &str) -> Self;
}

impl ParagraphExt for Paragraph<'static> {
    fn page_break_before(mut self) -> Self {
        self.property
            .get_or_insert_with(Default::default)
            .page_break_before = Some(PageBreakBefore { value: None });
        self
    }

    fn shaded(mut self, colour: &str) -> Self {
        self.property.get_or_insert_with(Default::default).shading = Some(shading(colour));
        self
    }
}

fn shading(colour: &str) -> Shading<'static> {
    Shading {
        style: Some(ShadingStyle::Clear),
        color: Some("auto".into()),
        fill: Some(colour.to_owned().into()),
        ..Default::default()
    }
}

fn cell(paragraphs: Vec<Paragraph<'static>>) -> TableCell<'static> {
    let mut content: Vec<TableCellContent<'static>> = paragraphs
        .into_iter()
        .map(TableCellContent::Paragraph)
        .collect();
    if content.is_empty() {
        // A cell must end with a paragraph.
        content.push(TableCellContent::Paragraph(Paragraph::default()));
    }
    TableCell {
        property: TableCellProperty::default(),
        content,
    }
}

fn styled(words: &str, bold: bool, italic: bool) -> Run<'static> {
    let mut run = Run::default();
    if bold || italic {
        let mut property = CharacterProperty::default();
        if bold {
            property = property.bold(true);
        }
        if italic {
            property = property.italics(true);
        }
        run = run.property(property);
    }
    run.push_text(text(words))
}

fn plain(text: &str) -> Run<'static> {
    styled(text, false, false)
}

fn bold(text: &str) -> Run<'static> {
    styled(text, true, false)
}

fn italic(text: &str) -> Run<'static> {
    styled(text, false, true)
}

/// The run on a colour: the words stay, the colour is beside them.
fn shaded(mut run: Run<'static>, colour: &str) -> Run<'static> {
    run.property.get_or_insert_with(Default::default).shading = Some(shading(colour));
    run
}

fn markdown_run(run: &narrative::Run) -> Run<'static> {
    styled(&run.text, run.strong, run.emphasis)
}

/// Text as XML 1.0 can carry it, spaces kept: control characters (which would make Word refuse
/// the file) become spaces.
fn text(text: &str) -> Text<'static> {
    let clean: String = text
        .chars()
        .map(|c| match c {
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => ' ',
            c => c,
        })
        .collect();
    Text::from((clean, TextSpace::Preserve))
}

/// «5 december 2026».
fn swedish_date(date: Date) -> String {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[usize::from(u8::from(date.month())) - 1],
        date.year()
    )
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn dates_are_written_the_swedish_way() {
        assert_eq!(swedish_date(date!(2026 - 12 - 05)), "5 december 2026");
        assert_eq!(swedish_date(date!(2025 - 01 - 31)), "31 januari 2025");
    }

    #[test]
    fn control_characters_do_not_reach_the_xml() {
        assert_eq!(text("a\u{7}b\tc").text, "a b c");
    }
}
