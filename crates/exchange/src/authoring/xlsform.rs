//! XLSForm, the workbook ODK, KoboToolbox and many other tools read: a `survey` sheet (one row
//! per question, `begin_group`/`end_group` around each section), a `choices` sheet (the answer
//! options per list) and a `settings` sheet. A question is `select_one <list>` (or `text`,
//! `decimal`), its guidance the `hint`, and its comment a `text` row after it whose `required`
//! says the comment rule (`yes`, or `selected(${q}, 'nej')` for some answers).
//!
//! What XLSForm has no column for — the document's kind and period, section labels, scale names,
//! neutral options, audiences — Uppfölj keeps on an extra sheet, `uppfolj`, which other tools
//! ignore, so that a workbook Uppfölj wrote reads back as the same document. Element names are
//! the keys (a key that starts with a digit gets a leading `_`, as XML names need).

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use uppfolj_model::{
    AnswerOption, AnswerScale, CommentRule, Document, DocumentKind, Key, Period, Question,
    ScaleKind, Section,
};

use super::set::{Problem, QuestionSet, Scales, UniqueKeys};

/// The label of the comment row that follows each question.
const COMMENT_LABEL: &str = "Kommentar";
/// The suffix of a comment row's name: `strategi-1-1_kommentar`.
const COMMENT_SUFFIX: &str = "_kommentar";

/// A key as an XLSForm name: XML names cannot start with a digit.
fn xml_name(key: &Key) -> String {
    if key.as_str().starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{key}")
    } else {
        key.to_string()
    }
}

/// A name read back as a key: `_2025` is `2025`; other names are made keys.
fn key_of_name(name: &str) -> Option<Key> {
    let name = name.trim();
    Key::parse(name.strip_prefix('_').unwrap_or(name))
        .ok()
        .or_else(|| Key::slugify(name))
}

/// The workbook: `survey`, `choices`, `settings` and `uppfolj`.
pub fn write(set: &QuestionSet) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let mut survey: Vec<[String; 5]> = Vec::new();
    let mut extra: Vec<[String; 4]> = Vec::new();
    let document = &set.document;
    let row = |kind: &str, key: &str, field: &str, value: &str| {
        [
            kind.to_owned(),
            key.to_owned(),
            field.to_owned(),
            value.to_owned(),
        ]
    };
    extra.push(row(
        "dokument",
        document.key.as_str(),
        "typ",
        document.kind.as_str(),
    ));
    extra.push(row(
        "dokument",
        document.key.as_str(),
        "från",
        &document.period.from.to_string(),
    ));
    extra.push(row(
        "dokument",
        document.key.as_str(),
        "till",
        &document.period.to.to_string(),
    ));
    if let Some(heading) = &document.report_heading {
        extra.push(row(
            "dokument",
            document.key.as_str(),
            "rapportrubrik",
            heading,
        ));
    }
    for scale in &set.scales {
        extra.push(row("skala", scale.key.as_str(), "namn", &scale.name));
        match &scale.kind {
            ScaleKind::Choice { options } => {
                for option in options.iter().filter(|o| o.neutral) {
                    let id = format!("{}/{}", scale.key, option.key);
                    extra.push(row("alternativ", &id, "neutral", "ja"));
                }
            }
            ScaleKind::Text => extra.push(row("skala", scale.key.as_str(), "typ", "text")),
            ScaleKind::Number { unit } => {
                extra.push(row("skala", scale.key.as_str(), "typ", "tal"));
                extra.push(row("skala", scale.key.as_str(), "enhet", unit));
            }
        }
    }
    for section in document.sections.iter().filter(|s| !s.retired) {
        survey_rows(section, set, &mut survey, &mut extra);
    }

    let sheet = book.add_worksheet();
    sheet.set_name("survey")?;
    for (c, title) in ["type", "name", "label", "hint", "required"]
        .iter()
        .enumerate()
    {
        sheet.write_string_with_format(0, c as u16, *title, &bold)?;
    }
    for (r, cells) in survey.iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string_with_format(r as u32 + 1, c as u16, cell, &wrap)?;
            }
        }
    }
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 28)?;
    sheet.set_column_width(2, 60)?;
    sheet.set_column_width(3, 60)?;
    sheet.set_column_width(4, 40)?;
    sheet.set_freeze_panes(1, 0)?;

    let choices = book.add_worksheet();
    choices.set_name("choices")?;
    for (c, title) in ["list_name", "name", "label"].iter().enumerate() {
        choices.write_string_with_format(0, c as u16, *title, &bold)?;
    }
    let mut r = 1;
    for scale in &set.scales {
        if let ScaleKind::Choice { options } = &scale.kind {
            for option in options {
                choices.write_string(r, 0, xml_name(&scale.key))?;
                choices.write_string(r, 1, option.key.as_str())?;
                choices.write_string(r, 2, &option.label)?;
                r += 1;
            }
        }
    }
    choices.set_column_width(0, 24)?;
    choices.set_column_width(2, 24)?;

    let settings = book.add_worksheet();
    settings.set_name("settings")?;
    for (c, (title, value)) in [
        ("form_title", document.title.clone()),
        ("form_id", xml_name(&document.key)),
        ("default_language", "Svenska (sv)".to_owned()),
    ]
    .iter()
    .enumerate()
    {
        settings.write_string_with_format(0, c as u16, *title, &bold)?;
        settings.write_string(1, c as u16, value)?;
    }

    let uppfolj = book.add_worksheet();
    uppfolj.set_name("uppfolj")?;
    for (c, title) in ["typ", "nyckel", "fält", "värde"].iter().enumerate() {
        uppfolj.write_string_with_format(0, c as u16, *title, &bold)?;
    }
    for (r, cells) in extra.iter().enumerate() {
        for (c, cell) in cells.iter().enumerate() {
            uppfolj.write_string(r as u32 + 1, c as u16, cell)?;
        }
    }
    uppfolj.set_column_width(1, 32)?;
    uppfolj.set_column_width(3, 60)?;
    book.save_to_buffer()
}

fn survey_rows(
    section: &Section,
    set: &QuestionSet,
    survey: &mut Vec<[String; 5]>,
    extra: &mut Vec<[String; 4]>,
) {
    let name = xml_name(&section.key);
    survey.push([
        "begin_group".into(),
        name.clone(),
        uppfolj_model::numbering::section_heading(section),
        String::new(),
        String::new(),
    ]);
    if let Some(label) = &section.label {
        extra.push([
            "avsnitt".into(),
            section.key.to_string(),
            "etikett".into(),
            label.clone(),
        ]);
    }
    for question in section.questions.iter().filter(|q| !q.retired) {
        let name = xml_name(&question.key);
        let kind = match set
            .scales
            .iter()
            .find(|s| s.key == question.scale)
            .map(|s| &s.kind)
        {
            Some(ScaleKind::Choice { .. }) => format!("select_one {}", xml_name(&question.scale)),
            Some(ScaleKind::Number { .. }) => "decimal".into(),
            _ => "text".into(),
        };
        if !kind.starts_with("select_one") {
            extra.push([
                "fråga".into(),
                question.key.to_string(),
                "skala".into(),
                question.scale.to_string(),
            ]);
        }
        if let Some(audience) = &question.audience {
            extra.push([
                "fråga".into(),
                question.key.to_string(),
                "målgrupp".into(),
                audience.clone(),
            ]);
        }
        survey.push([
            kind,
            name.clone(),
            question.text.clone(),
            question.guidance.join("\n\n"),
            "yes".into(),
        ]);
        let required = match &question.comment {
            CommentRule::Optional => String::new(),
            CommentRule::Required => "yes".into(),
            CommentRule::RequiredFor(options) => options
                .iter()
                .map(|o| format!("selected(${{{name}}}, '{o}')"))
                .collect::<Vec<_>>()
                .join(" or "),
        };
        survey.push([
            "text".into(),
            format!("{name}{COMMENT_SUFFIX}"),
            COMMENT_LABEL.into(),
            String::new(),
            required,
        ]);
    }
    for child in section.sections.iter().filter(|s| !s.retired) {
        survey_rows(child, set, survey, extra);
    }
    survey.push([
        "end_group".into(),
        name,
        String::new(),
        String::new(),
        String::new(),
    ]);
}

/// A sheet as rows of text, with its header's columns by name (`label::Svenska (sv)` is found
/// as `label`).
struct Sheet {
    name: &'static str,
    rows: Vec<Vec<String>>,
    columns: HashMap<String, usize>,
}

impl Sheet {
    fn read(book: &mut Xlsx<Cursor<&[u8]>>, name: &'static str) -> Option<Sheet> {
        let actual = book
            .sheet_names()
            .into_iter()
            .find(|n| n.trim().eq_ignore_ascii_case(name))?;
        let range = book.worksheet_range(&actual).ok()?;
        let mut rows: Vec<Vec<String>> = range
            .rows()
            .map(|row| row.iter().map(cell_text).collect())
            .collect();
        let header = if rows.is_empty() {
            vec![]
        } else {
            rows.remove(0)
        };
        let mut columns = HashMap::new();
        for (i, title) in header.iter().enumerate() {
            let title = title.trim().to_lowercase();
            let base = title
                .split("::")
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned();
            columns.entry(base).or_insert(i);
        }
        Some(Sheet {
            name,
            rows,
            columns,
        })
    }

    fn get<'a>(&self, row: &'a [String], column: &str) -> &'a str {
        self.columns
            .get(column)
            .and_then(|&i| row.get(i))
            .map_or("", |s| s.trim())
    }

    /// «bladet survey, rad 12, kolumnen type»: rows counted as the spreadsheet shows them.
    fn place(&self, index: usize, column: &str) -> String {
        format!("bladet {}, rad {}, kolumnen {column}", self.name, index + 2)
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        other => other.to_string(),
    }
}

/// Reads an XLSForm workbook into a document with its scales, or every problem found.
pub fn read(bytes: &[u8]) -> Result<QuestionSet, Vec<Problem>> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        vec![Problem::new(
            "",
            format!("filen är ingen Excel-arbetsbok (.xlsx) som kan läsas: {e}"),
        )]
    })?;
    let Some(survey) = Sheet::read(&mut book, "survey") else {
        return Err(vec![Problem::new(
            "",
            "arbetsboken saknar bladet «survey», som XLSForm har frågorna på",
        )]);
    };
    let mut reader = WorkbookReader::default();
    for column in ["type", "name", "label"] {
        if !survey.columns.contains_key(column) {
            reader.problem(
                format!("bladet survey, rad 1, kolumnen {column}"),
                format!("bladet survey saknar kolumnen «{column}»"),
            );
        }
    }
    if !reader.problems.is_empty() {
        return Err(reader.problems);
    }
    if let Some(extra) = Sheet::read(&mut book, "uppfolj") {
        reader.extra(&extra);
    }
    if let Some(choices) = Sheet::read(&mut book, "choices") {
        reader.choices(&choices);
    }
    let settings = Sheet::read(&mut book, "settings");
    let sections = reader.survey(&survey);
    let document = reader.document(settings.as_ref(), sections);
    if !reader.problems.is_empty() {
        return Err(reader.problems);
    }
    let mut scales = reader.scales.into_scales();
    let order = &reader.scale_order;
    scales.sort_by_key(|s| {
        order
            .iter()
            .position(|k| k == s.key.as_str())
            .unwrap_or(order.len())
    });
    Ok(QuestionSet {
        document: document.expect("a document whenever there were no problems"),
        scales,
    })
}

#[derive(Default)]
struct WorkbookReader {
    problems: Vec<Problem>,
    /// (typ, nyckel, fält) → värde from the `uppfolj` sheet.
    extra: HashMap<(String, String, String), String>,
    /// The scales the `uppfolj` sheet names, in its order: the order they are returned in.
    scale_order: Vec<String>,
    /// Option lists by list name, in the sheet's order.
    lists: HashMap<String, Vec<AnswerOption>>,
    scales: Scales,
    /// The list names made scales already.
    used: HashMap<String, Key>,
    sections: UniqueKeys,
    questions: UniqueKeys,
}

impl WorkbookReader {
    fn problem(&mut self, place: String, message: impl Into<String>) {
        self.problems.push(Problem::new(place, message));
    }

    fn extra_value(&self, kind: &str, key: &str, field: &str) -> Option<&String> {
        self.extra
            .get(&(kind.to_owned(), key.to_owned(), field.to_owned()))
    }

    fn extra(&mut self, sheet: &Sheet) {
        for row in &sheet.rows {
            let key = (
                sheet.get(row, "typ").to_owned(),
                sheet.get(row, "nyckel").to_owned(),
                sheet.get(row, "fält").to_owned(),
            );
            if key.0 == "skala" && key.2 == "namn" {
                self.scale_order.push(key.1.clone());
            }
            self.extra.insert(key, sheet.get(row, "värde").to_owned());
        }
    }

    fn choices(&mut self, sheet: &Sheet) {
        for (i, row) in sheet.rows.iter().enumerate() {
            let list = sheet.get(row, "list_name");
            let name = sheet.get(row, "name");
            if list.is_empty() && name.is_empty() {
                continue;
            }
            let Some(key) = key_of_name(name) else {
                self.problem(
                    sheet.place(i, "name"),
                    format!("«{name}» kan inte bli ett svarsalternativs nyckel"),
                );
                continue;
            };
            let label = match sheet.get(row, "label") {
                "" => name.to_owned(),
                label => label.to_owned(),
            };
            self.lists
                .entry(list.to_owned())
                .or_default()
                .push(AnswerOption {
                    key,
                    label,
                    neutral: false,
                });
        }
    }

    /// The scale of `select_one list`, made from its options once.
    fn list_scale(&mut self, list: &str, place: String) -> Option<Key> {
        if let Some(key) = self.used.get(list) {
            return Some(key.clone());
        }
        let Some(options) = self.lists.get(list).cloned() else {
            self.problem(
                place,
                format!("listan «{list}» finns inte på bladet choices"),
            );
            return None;
        };
        let Some(key) = key_of_name(list) else {
            self.problem(
                place,
                format!("«{list}» kan inte bli en svarsskalas nyckel"),
            );
            return None;
        };
        let options = options
            .into_iter()
            .map(|mut o| {
                o.neutral = self
                    .extra_value("alternativ", &format!("{key}/{}", o.key), "neutral")
                    .is_some_and(|v| v == "ja");
                o
            })
            .collect::<Vec<_>>();
        let name = self
            .extra_value("skala", key.as_str(), "namn")
            .cloned()
            .unwrap_or_else(|| {
                options
                    .iter()
                    .map(|o| o.label.as_str())
                    .collect::<Vec<_>>()
                    .join(" / ")
            });
        self.scales.named(AnswerScale {
            key: key.clone(),
            name,
            kind: ScaleKind::Choice { options },
        });
        self.used.insert(list.to_owned(), key.clone());
        Some(key)
    }

    /// The scale of a `text` or `decimal`/`integer` question: the one the `uppfolj` sheet
    /// names, else a shared free-text or number scale.
    fn other_scale(&mut self, question: &str, number: bool) -> Key {
        if let Some(key) = self
            .extra_value("fråga", question, "skala")
            .and_then(|k| Key::parse(k).ok())
        {
            let name = self.extra_value("skala", key.as_str(), "namn").cloned();
            let unit = self.extra_value("skala", key.as_str(), "enhet").cloned();
            let kind = match (number, unit) {
                (true, unit) => ScaleKind::Number {
                    unit: unit.unwrap_or_else(|| "st".into()),
                },
                (false, _) => ScaleKind::Text,
            };
            self.scales.named(AnswerScale {
                key: key.clone(),
                name: name.unwrap_or_else(|| key.to_string()),
                kind,
            });
            return key;
        }
        if number {
            self.scales.number("st")
        } else {
            self.scales.text()
        }
    }

    fn survey(&mut self, sheet: &Sheet) -> Vec<Section> {
        // Open groups, innermost last; questions outside every group go to a section of their own.
        let mut open: Vec<Section> = Vec::new();
        let mut top: Vec<Section> = Vec::new();
        let mut loose: Vec<Question> = Vec::new();
        let mut i = 0;
        while i < sheet.rows.len() {
            let row = &sheet.rows[i];
            let kind = sheet.get(row, "type").to_lowercase();
            let kind = kind.split_whitespace().collect::<Vec<_>>().join(" ");
            let name = sheet.get(row, "name");
            let label = sheet.get(row, "label");
            match kind.as_str() {
                "" => {}
                "begin_group" | "begin group" | "begin_repeat" | "begin repeat" => {
                    if kind.contains("repeat") {
                        self.problem(
                            sheet.place(i, "type"),
                            "upprepade grupper (begin_repeat) har ingen motsvarighet i Uppfölj",
                        );
                    }
                    let Some(wanted) = key_of_name(name).or_else(|| Key::slugify(label)) else {
                        self.problem(sheet.place(i, "name"), "gruppen saknar namn");
                        i += 1;
                        continue;
                    };
                    let key = self.sections.take(wanted);
                    let label_of = self
                        .extra_value("avsnitt", key.as_str(), "etikett")
                        .cloned();
                    let heading = if label.is_empty() { name } else { label };
                    let title = match &label_of {
                        Some(l) => heading
                            .strip_prefix(&format!("{l}: "))
                            .unwrap_or(heading)
                            .to_owned(),
                        None => heading.to_owned(),
                    };
                    open.push(Section {
                        key,
                        label: label_of,
                        title,
                        questions: vec![],
                        sections: vec![],
                        retired: false,
                    });
                }
                "end_group" | "end group" | "end_repeat" | "end repeat" => match open.pop() {
                    Some(done) => match open.last_mut() {
                        Some(parent) => parent.sections.push(done),
                        None => top.push(done),
                    },
                    None => {
                        self.problem(sheet.place(i, "type"), "end_group utan en begin_group före")
                    }
                },
                "note" | "calculate" | "hidden" | "start" | "end" | "today" | "deviceid"
                | "username" | "email" | "audit" | "phonenumber" | "simserial" | "subscriberid"
                | "start-geopoint" => {}
                _ => {
                    let comment = sheet.rows.get(i + 1).filter(|next| {
                        let next_kind = sheet.get(next, "type").to_lowercase();
                        let next_name = sheet.get(next, "name");
                        let next_label = sheet.get(next, "label");
                        next_kind == "text"
                            && !kind.starts_with("text")
                            && (next_name == format!("{name}{COMMENT_SUFFIX}")
                                || next_label.to_lowercase().starts_with("kommentar"))
                    });
                    if let Some(question) = self.question(sheet, i, &kind, comment) {
                        match open.last_mut() {
                            Some(section) => section.questions.push(question),
                            None => loose.push(question),
                        }
                    }
                    if comment.is_some() {
                        i += 1;
                    }
                }
            }
            i += 1;
        }
        if let Some(unclosed) = open.first() {
            self.problem(
                format!("bladet survey, gruppen «{}»", unclosed.key),
                "gruppen avslutas aldrig med end_group",
            );
        }
        if !loose.is_empty() {
            top.insert(
                0,
                Section {
                    key: self.sections.take(Key::parse("fragor").expect("a key")),
                    label: None,
                    title: "Frågor".into(),
                    questions: loose,
                    sections: vec![],
                    retired: false,
                },
            );
        }
        top
    }

    fn question(
        &mut self,
        sheet: &Sheet,
        i: usize,
        kind: &str,
        comment: Option<&Vec<String>>,
    ) -> Option<Question> {
        let row = &sheet.rows[i];
        let name = sheet.get(row, "name");
        let Some(wanted) = key_of_name(name) else {
            self.problem(sheet.place(i, "name"), "frågan saknar namn");
            return None;
        };
        let key_text = wanted.to_string();
        let scale = if let Some(list) = kind.strip_prefix("select_one ") {
            self.list_scale(list.trim(), sheet.place(i, "type"))?
        } else {
            match kind {
                "text" => self.other_scale(&key_text, false),
                "decimal" | "integer" => self.other_scale(&key_text, true),
                other => {
                    let what = other.split_whitespace().next().unwrap_or(other);
                    self.problem(
                        sheet.place(i, "type"),
                        format!(
                            "frågetypen «{what}» har ingen motsvarighet i Uppfölj; använd select_one, text, integer eller decimal"
                        ),
                    );
                    return None;
                }
            }
        };
        let hint = sheet.get(row, "hint");
        let rule = match comment {
            None => CommentRule::Optional,
            Some(comment) => {
                let required = sheet.get(comment, "required");
                let lower = required.to_lowercase();
                if matches!(lower.as_str(), "yes" | "true" | "true()" | "ja") {
                    CommentRule::Required
                } else if lower.contains("selected(") {
                    let options: Vec<Key> = required
                        .split('\'')
                        .skip(1)
                        .step_by(2)
                        .filter_map(|o| Key::parse(o).ok())
                        .collect();
                    CommentRule::RequiredFor(options)
                } else {
                    CommentRule::Optional
                }
            }
        };
        let label = sheet.get(row, "label");
        Some(Question {
            text: if label.is_empty() {
                name.to_owned()
            } else {
                label.to_owned()
            },
            guidance: hint
                .replace("\r\n", "\n")
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            audience: self.extra_value("fråga", &key_text, "målgrupp").cloned(),
            key: self.questions.take(wanted),
            scale,
            comment: rule,
            retired: false,
        })
    }

    fn document(&mut self, settings: Option<&Sheet>, sections: Vec<Section>) -> Option<Document> {
        let setting = |column: &str| {
            settings
                .and_then(|s| s.rows.first().map(|row| s.get(row, column).to_owned()))
                .unwrap_or_default()
        };
        let title = setting("form_title");
        let id = setting("form_id");
        if title.is_empty() && id.is_empty() {
            self.problem(
                "bladet settings, rad 2, kolumnen form_title".into(),
                "arbetsboken saknar form_title, som blir styrdokumentets namn",
            );
            return None;
        }
        let key = key_of_name(&id).or_else(|| Key::slugify(&title))?;
        if sections.is_empty() {
            self.problem(
                "bladet survey".into(),
                "arbetsboken har inga frågor som Uppfölj kan ställa",
            );
        }
        let year = time::OffsetDateTime::now_utc().year();
        let number = |field: &str| {
            self.extra_value("dokument", key.as_str(), field)
                .and_then(|v| v.parse::<i32>().ok())
                .unwrap_or(year)
        };
        Some(Document {
            title: if title.is_empty() { id.clone() } else { title },
            report_heading: self
                .extra_value("dokument", key.as_str(), "rapportrubrik")
                .cloned(),
            kind: self
                .extra_value("dokument", key.as_str(), "typ")
                .and_then(|k| DocumentKind::parse(k))
                .unwrap_or(DocumentKind::Program),
            period: Period {
                from: number("från"),
                to: number("till"),
            },
            key,
            sections,
        })
    }
}
