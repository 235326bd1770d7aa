//! SurveyJS JSON (the survey model SurveyJS Creator saves): pages and panels are sections, a
//! `radiogroup` is a question on a choice scale, a `comment` after it is its comment, an element's
//! `description` its guidance; a `text` element is a free-text question (a number with
//! `inputType: "number"`).
//!
//! What SurveyJS has no property for — the document's key, kind and period, section labels,
//! scale keys and names, neutral options, audiences — Uppfölj writes under `uppfolj` keys, which
//! SurveyJS ignores, so that its own files read back unchanged. A file made elsewhere gets keys
//! from element names, one shared scale per option list, and the kind *program* for the current
//! year (a number is counted in *st*). Other element types (checkbox, matrix, rating, file …) are refused, each named.

use serde_json::{Map, Value, json};
use uppfolj_model::{
    AnswerOption, AnswerScale, CommentRule, Document, DocumentKind, Key, Period, Question,
    ScaleKind, Section,
};

use super::set::{Problem, QuestionSet, Scales, UniqueKeys};

/// The document as SurveyJS JSON: one page per top-level section.
pub fn write(set: &QuestionSet) -> String {
    let document = &set.document;
    let scales: Vec<Value> = set.scales.iter().map(scale_json).collect();
    let pages: Vec<Value> = document
        .sections
        .iter()
        .filter(|s| !s.retired)
        .map(|s| {
            let mut page = container(s, set);
            page.remove("type");
            Value::Object(page)
        })
        .collect();
    let mut about = json!({
        "key": document.key.as_str(),
        "kind": document.kind.as_str(),
        "period": { "from": document.period.from, "to": document.period.to },
        "scales": scales,
    });
    if let Some(heading) = &document.report_heading {
        about["report_heading"] = json!(heading);
    }
    let survey = json!({
        "title": document.title,
        "locale": "sv",
        "uppfolj": about,
        "pages": pages,
    });
    serde_json::to_string_pretty(&survey).expect("JSON values serialise") + "\n"
}

fn scale_json(scale: &AnswerScale) -> Value {
    let mut value = json!({ "key": scale.key.as_str(), "name": scale.name });
    match &scale.kind {
        ScaleKind::Choice { options } => {
            value["kind"] = json!("choice");
            value["options"] = options
                .iter()
                .map(|o| {
                    let mut option = json!({ "key": o.key.as_str(), "label": o.label });
                    if o.neutral {
                        option["neutral"] = json!(true);
                    }
                    option
                })
                .collect();
        }
        ScaleKind::Text => value["kind"] = json!("text"),
        ScaleKind::Number { unit } => {
            value["kind"] = json!("number");
            value["unit"] = json!(unit);
        }
    }
    value
}

/// A section as a panel (a page once its `type` is taken away).
fn container(section: &Section, set: &QuestionSet) -> Map<String, Value> {
    let mut elements = Vec::new();
    for question in section.questions.iter().filter(|q| !q.retired) {
        elements.extend(question_elements(question, set));
    }
    for child in section.sections.iter().filter(|s| !s.retired) {
        elements.push(Value::Object(container(child, set)));
    }
    let mut panel = Map::new();
    panel.insert("type".into(), json!("panel"));
    panel.insert("name".into(), json!(section.key.as_str()));
    panel.insert(
        "title".into(),
        json!(uppfolj_model::numbering::section_heading(section)),
    );
    if let Some(label) = &section.label {
        panel.insert("uppfolj".into(), json!({ "label": label }));
    }
    panel.insert("elements".into(), Value::Array(elements));
    panel
}

/// A question, and its comment box after it.
fn question_elements(question: &Question, set: &QuestionSet) -> Vec<Value> {
    let scale = set.scales.iter().find(|s| s.key == question.scale);
    let mut element = json!({
        "name": question.key.as_str(),
        "title": question.text,
        "isRequired": true,
    });
    match scale.map(|s| &s.kind) {
        Some(ScaleKind::Choice { options }) => {
            element["type"] = json!("radiogroup");
            element["choices"] = options
                .iter()
                .map(|o| json!({ "value": o.key.as_str(), "text": o.label }))
                .collect();
        }
        Some(ScaleKind::Number { .. }) => {
            element["type"] = json!("text");
            element["inputType"] = json!("number");
        }
        _ => element["type"] = json!("text"),
    }
    if !question.guidance.is_empty() {
        element["description"] = json!(question.guidance.join("\n\n"));
    }
    let mut about = json!({ "scale": question.scale.as_str() });
    if let Some(audience) = &question.audience {
        about["audience"] = json!(audience);
    }
    element["uppfolj"] = about;
    let mut comment = json!({
        "type": "comment",
        "name": format!("{}-kommentar", question.key),
        "title": "Kommentar",
    });
    match &question.comment {
        CommentRule::Optional => {}
        CommentRule::Required => comment["isRequired"] = json!(true),
        CommentRule::RequiredFor(options) => {
            let listed: Vec<String> = options.iter().map(|o| format!("'{o}'")).collect();
            comment["requiredIf"] = json!(format!(
                "{{{}}} anyof [{}]",
                question.key,
                listed.join(", ")
            ));
        }
    }
    vec![element, comment]
}

/// Reads SurveyJS JSON into a document with its scales, or every problem found.
pub fn read(text: &str) -> Result<QuestionSet, Vec<Problem>> {
    let survey: Value = serde_json::from_str(text).map_err(|e| {
        vec![Problem::new(
            format!("rad {}, kolumn {}", e.line(), e.column()),
            format!("filen är inte giltig JSON: {e}"),
        )]
    })?;
    let mut reader = Reader::default();
    let Some(pages) = survey.get("pages").and_then(Value::as_array) else {
        return Err(vec![Problem::new(
            "",
            "filen är inte en SurveyJS-enkät: den saknar listan «pages»",
        )]);
    };
    let about = survey.get("uppfolj");
    if let Some(scales) = about
        .and_then(|a| a.get("scales"))
        .and_then(Value::as_array)
    {
        for (i, scale) in scales.iter().enumerate() {
            reader.named_scale(scale, &format!("uppfolj.scales[{i}]"));
        }
    }
    let title = text_of(survey.get("title"))
        .unwrap_or_default()
        .trim()
        .to_owned();
    if title.is_empty() {
        reader.problem(
            "title",
            "enkäten saknar titel («title»), som blir styrdokumentets namn",
        );
    }
    let mut sections = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        if let Some(section) = reader.section(page, &format!("pages[{i}]")) {
            sections.push(section);
        }
    }
    fn asks(section: &Section) -> bool {
        !section.questions.is_empty() || section.sections.iter().any(asks)
    }
    if !sections.iter().any(asks) && reader.problems.is_empty() {
        reader.problem("pages", "enkäten har inga frågor som Uppfölj kan ställa");
    }
    let document = reader.document(about, title, sections);
    if !reader.problems.is_empty() {
        return Err(reader.problems);
    }
    Ok(QuestionSet {
        document: document.expect("a document whenever there were no problems"),
        scales: reader.scales.into_scales(),
    })
}

/// A title or text as SurveyJS writes it: a string, or one per locale (`{"default": …, "sv": …}`).
fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Object(locales) => ["sv", "default"]
            .iter()
            .find_map(|l| locales.get(*l))
            .or_else(|| locales.values().next())
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

#[derive(Default)]
struct Reader {
    problems: Vec<Problem>,
    scales: Scales,
    /// Scale keys the file's `uppfolj.scales` named.
    named: Vec<Key>,
    sections: UniqueKeys,
    questions: UniqueKeys,
}

impl Reader {
    fn problem(&mut self, place: &str, message: impl Into<String>) {
        self.problems.push(Problem::new(place, message));
    }

    fn named_scale(&mut self, value: &Value, place: &str) {
        let key = value
            .get("key")
            .and_then(Value::as_str)
            .and_then(|k| Key::parse(k).ok());
        let name = value
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = match value.get("kind").and_then(Value::as_str) {
            Some("choice") => {
                let options: Option<Vec<AnswerOption>> = value
                    .get("options")
                    .and_then(Value::as_array)
                    .map(|options| {
                        options
                            .iter()
                            .map(|o| {
                                Some(AnswerOption {
                                    key: Key::parse(o.get("key")?.as_str()?).ok()?,
                                    label: o.get("label")?.as_str()?.to_owned(),
                                    neutral: o
                                        .get("neutral")
                                        .and_then(Value::as_bool)
                                        .unwrap_or(false),
                                })
                            })
                            .collect()
                    })
                    .unwrap_or(None);
                options.map(|options| ScaleKind::Choice { options })
            }
            Some("text") => Some(ScaleKind::Text),
            Some("number") => Some(ScaleKind::Number {
                unit: value
                    .get("unit")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .into(),
            }),
            _ => None,
        };
        match (key, kind) {
            (Some(key), Some(kind)) => {
                self.named.push(key.clone());
                self.scales.named(AnswerScale {
                    key,
                    name: name.to_owned(),
                    kind,
                });
            }
            _ => self.problem(
                place,
                "svarsskalan ska ha «key», «name», «kind» (choice, text eller number) och för choice «options» med «key» och «label»",
            ),
        }
    }

    fn section(&mut self, value: &Value, place: &str) -> Option<Section> {
        let name = value
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let heading = text_of(value.get("title")).unwrap_or_else(|| name.to_owned());
        let label = value
            .get("uppfolj")
            .and_then(|u| u.get("label"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let title = match &label {
            Some(label) => heading
                .strip_prefix(&format!("{label}: "))
                .unwrap_or(&heading)
                .to_owned(),
            None => heading.clone(),
        };
        let wanted = Key::parse(name)
            .ok()
            .or_else(|| Key::slugify(name))
            .or_else(|| Key::slugify(&heading));
        let Some(wanted) = wanted else {
            self.problem(
                place,
                "avsnittet saknar både namn («name») och rubrik («title»)",
            );
            return None;
        };
        let key = self.sections.take(wanted);
        let mut section = Section {
            key,
            label,
            title,
            questions: vec![],
            sections: vec![],
            retired: false,
        };
        let elements = value
            .get("elements")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut i = 0;
        while i < elements.len() {
            let here = format!("{place}.elements[{i}]");
            let element = &elements[i];
            let kind = element
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default();
            match kind {
                "panel" => {
                    if let Some(child) = self.section(element, &here) {
                        section.sections.push(child);
                    }
                }
                "radiogroup" | "dropdown" | "boolean" | "text" => {
                    let follows = elements.get(i + 1).filter(|next| {
                        next.get("type").and_then(Value::as_str) == Some("comment")
                    });
                    if let Some(question) = self.question(element, follows, &here) {
                        section.questions.push(question);
                    }
                    if follows.is_some() {
                        i += 1;
                    }
                }
                "comment" => {
                    if let Some(question) = self.question(element, None, &here) {
                        section.questions.push(question);
                    }
                }
                "html" | "expression" | "image" => {}
                other => self.problem(
                    &here,
                    format!(
                        "elementtypen «{other}» har ingen motsvarighet i Uppfölj; använd radiogroup, dropdown, boolean, text eller comment"
                    ),
                ),
            }
            i += 1;
        }
        Some(section)
    }

    fn question(
        &mut self,
        element: &Value,
        comment: Option<&Value>,
        place: &str,
    ) -> Option<Question> {
        let name = element
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let text = text_of(element.get("title")).unwrap_or_else(|| name.to_owned());
        let Some(wanted) = Key::parse(name).ok().or_else(|| Key::slugify(name)) else {
            self.problem(place, "frågan saknar namn («name»)");
            return None;
        };
        let about = element.get("uppfolj");
        let named_scale = about
            .and_then(|u| u.get("scale"))
            .and_then(Value::as_str)
            .and_then(|k| Key::parse(k).ok())
            .filter(|k| self.named.contains(k));
        let scale = match named_scale {
            Some(key) => key,
            None => self.scale_of(element, place)?,
        };
        let guidance = text_of(element.get("description"))
            .map(|d| {
                d.replace("\r\n", "\n")
                    .split("\n\n")
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Some(Question {
            key: self.questions.take(wanted),
            text: text.trim().to_owned(),
            guidance,
            audience: about
                .and_then(|u| u.get("audience"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            scale,
            comment: comment.map_or(CommentRule::Optional, comment_rule),
            retired: false,
        })
    }

    /// The scale an element's own properties make.
    fn scale_of(&mut self, element: &Value, place: &str) -> Option<Key> {
        match element.get("type").and_then(Value::as_str) {
            Some("boolean") => Some(
                self.scales
                    .choice(vec![option("ja", "Ja"), option("nej", "Nej")]),
            ),
            Some("text") if element.get("inputType").and_then(Value::as_str) == Some("number") => {
                Some(self.scales.number("st"))
            }
            Some("text") | Some("comment") => Some(self.scales.text()),
            _ => {
                let choices = element.get("choices").and_then(Value::as_array);
                let options: Option<Vec<AnswerOption>> = choices.map(|choices| {
                    choices
                        .iter()
                        .filter_map(|c| {
                            let (value, label) = match c {
                                Value::Object(_) => {
                                    let value = c.get("value").map(|v| match v {
                                        Value::String(s) => s.clone(),
                                        other => other.to_string(),
                                    })?;
                                    let label =
                                        text_of(c.get("text")).unwrap_or_else(|| value.clone());
                                    (value, label)
                                }
                                Value::String(s) => (s.clone(), s.clone()),
                                other => (other.to_string(), other.to_string()),
                            };
                            Some(AnswerOption {
                                key: Key::parse(&value).ok().or_else(|| Key::slugify(&value))?,
                                label,
                                neutral: false,
                            })
                        })
                        .collect()
                });
                match options.filter(|o: &Vec<AnswerOption>| !o.is_empty()) {
                    Some(options) => Some(self.scales.choice(options)),
                    None => {
                        self.problem(place, "frågan har inga svarsalternativ («choices»)");
                        None
                    }
                }
            }
        }
    }

    fn document(
        &mut self,
        about: Option<&Value>,
        title: String,
        sections: Vec<Section>,
    ) -> Option<Document> {
        let about_str = |field: &str| about.and_then(|a| a.get(field)).and_then(Value::as_str);
        let key = about_str("key")
            .and_then(|k| Key::parse(k).ok())
            .or_else(|| Key::slugify(&title));
        let Some(key) = key else {
            if !title.is_empty() {
                self.problem(
                    "title",
                    "titeln ger ingen nyckel; lägg till bokstäver eller siffror",
                );
            }
            return None;
        };
        let kind = about_str("kind")
            .and_then(DocumentKind::parse)
            .unwrap_or(DocumentKind::Program);
        let year = time::OffsetDateTime::now_utc().year();
        let period = about
            .and_then(|a| a.get("period"))
            .and_then(|p| {
                Some(Period {
                    from: i32::try_from(p.get("from")?.as_i64()?).ok()?,
                    to: i32::try_from(p.get("to")?.as_i64()?).ok()?,
                })
            })
            .unwrap_or(Period {
                from: year,
                to: year,
            });
        Some(Document {
            key,
            title,
            report_heading: about_str("report_heading").map(str::to_owned),
            kind,
            period,
            sections,
        })
    }
}

fn option(key: &str, label: &str) -> AnswerOption {
    AnswerOption {
        key: Key::parse(key).expect("a key written here"),
        label: label.into(),
        neutral: false,
    }
}

/// The comment rule a comment element says: required always, for some answers
/// (`requiredIf: "{q} anyof ['nej', 'delvis']"` or `= 'nej'`), or not at all.
fn comment_rule(comment: &Value) -> CommentRule {
    if comment.get("isRequired").and_then(Value::as_bool) == Some(true) {
        return CommentRule::Required;
    }
    let Some(condition) = comment.get("requiredIf").and_then(Value::as_str) else {
        return CommentRule::Optional;
    };
    let options: Vec<Key> = condition
        .split('\'')
        .skip(1)
        .step_by(2)
        .filter_map(|quoted| Key::parse(quoted).ok())
        .collect();
    if options.is_empty() {
        CommentRule::Optional
    } else {
        CommentRule::RequiredFor(options)
    }
}
