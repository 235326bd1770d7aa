//! The coordinators' pages for steering documents: the list and a new document, a document's
//! tree of sections and questions with small forms to add, move, retire and restore, and a page
//! each to edit the document's own fields, a section and a question. Coordinators only; every
//! post carries the CSRF token, and every edit the version it was made from, so that a stale form
//! is a conflict page instead of an overwrite.

mod document_edit;
mod list;
mod question_edit;
mod section_edit;
mod tree;

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use uppfolj_model::numbering::{Entry, question_labels};
use uppfolj_model::{
    CommentRule, Definitions, Document, Key, Problem, Question, ScaleKind, Step, number_round,
};

use super::{Nav, page};
use crate::auth::Caller;
use crate::error::capitalised;
use crate::{AppState, WebError};
use uppfolj_app::lookup::require_coordinator;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/styrdokument", get(list::show).post(list::create))
        .route("/styrdokument/{document}", get(tree::show).post(tree::act))
        .route(
            "/styrdokument/{document}/uppgifter",
            get(document_edit::show).post(document_edit::save),
        )
        .route(
            "/styrdokument/{document}/avsnitt/{section}",
            get(section_edit::show).post(section_edit::save),
        )
        .route(
            "/styrdokument/{document}/fragor/{question}",
            get(question_edit::show).post(question_edit::save),
        )
}

/// A form's fields as posted, in order; repeated names (checkboxes) stay apart.
type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The form's version field; a form without one cannot be checked, so it is refused.
fn version(fields: &Fields) -> Result<i64, WebError> {
    field(fields, "version").parse().map_err(|_| {
        crate::error::Failure::bad_request(
            "version",
            "formuläret saknar sin version; ladda om sidan",
        )
        .into()
    })
}

/// The address of a document's tree, with a confirmation and the item to scroll to.
fn tree_path(document: &Key, saved: &str, anchor: &str) -> String {
    format!("/styrdokument/{document}?sparat={saved}#{anchor}")
}

/// Refused input: one message per form field, by the field's id.
#[derive(Default)]
struct Errors(Vec<(String, String)>);

impl Errors {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .push((field.to_owned(), capitalised(&message.into())));
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn count(&self) -> usize {
        self.0.len()
    }

    /// Every refusal as (field id, message), in the order of the form's fields.
    fn list(&self) -> &[(String, String)] {
        &self.0
    }

    /// Puts the refusals in the order the fields have on the form, for the summary.
    fn order(&mut self, ids: &[&str]) {
        self.0
            .sort_by_key(|(id, _)| ids.iter().position(|i| i == id).unwrap_or(ids.len()));
    }

    /// The message at a field, for the template.
    fn at(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn invalid(&self, field: &str) -> bool {
        self.at(field).is_some()
    }

    /// Places the model's problems at their form fields: the last named step of a problem's
    /// path, looked up in `fields` (model name → field id); anything else goes to `otherwise`.
    fn problems(&mut self, problems: &[Problem], fields: &[(&str, &str)], otherwise: &str) {
        for problem in problems {
            let named = problem.path.0.iter().rev().find_map(|step| match step {
                Step::Field(name) => Some(*name),
                Step::Index(_) => None,
            });
            let id = named
                .and_then(|name| fields.iter().find(|(model, _)| *model == name))
                .map_or(otherwise, |(_, id)| id);
            self.add(id, problem.message.clone());
        }
    }
}

/// The document a path names, among the definitions loaded.
fn find_document<'a>(
    definitions: &'a Definitions,
    document: &str,
) -> Result<&'a Document, WebError> {
    definitions
        .documents
        .iter()
        .find(|d| d.key.as_str() == document)
        .ok_or_else(|| WebError::NotFound(format!("styrdokumentet «{document}»")))
}

/// The definitions as stored now, after the caller is known to be a coordinator.
async fn coordinator_definitions(
    state: &AppState,
    caller: &Caller,
) -> Result<Arc<Definitions>, WebError> {
    require_coordinator(&caller.actor)?;
    Ok(state.store.definitions().await?)
}

/// The report's numbers of a document's sections and questions, as when the document comes
/// first in a round: sections by key (`1.2`), questions by key (`1.2 a`). Retired ones have none.
struct Numbers {
    sections: HashMap<Key, String>,
    questions: HashMap<Key, String>,
}

impl Numbers {
    fn of(document: &Document) -> Numbers {
        let current = document.current();
        let entries = number_round(&[&current], |_| true);
        let sections = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Heading(h) => h.section.clone().map(|k| (k, h.number.clone())),
                Entry::Question { .. } => None,
            })
            .collect();
        let questions = question_labels(&entries)
            .into_iter()
            .map(|(r, label)| (r.question, label))
            .collect();
        Numbers {
            sections,
            questions,
        }
    }

    /// How buttons and headings name a section: «avsnitt 1.2», or by key when retired.
    fn section(&self, key: &Key) -> String {
        match self.sections.get(key) {
            Some(number) => format!("avsnitt {number}"),
            None => format!("avsnitt {key}"),
        }
    }

    /// How buttons and headings name a question: «fråga 1.2 a», or by key when retired.
    fn question(&self, key: &Key) -> String {
        match self.questions.get(key) {
            Some(label) => format!("fråga {label}"),
            None => format!("fråga {key}"),
        }
    }
}

/// An answer scale to choose, by key and name.
struct ScaleChoice {
    key: String,
    name: String,
}

/// An answer option that may require a comment, from any choice scale.
struct OptionChoice {
    key: String,
    label: String,
}

fn scale_choices(definitions: &Definitions) -> Vec<ScaleChoice> {
    definitions
        .scales
        .iter()
        .map(|s| ScaleChoice {
            key: s.key.to_string(),
            name: s.name.clone(),
        })
        .collect()
}

fn option_choices(definitions: &Definitions) -> Vec<OptionChoice> {
    let mut options: Vec<OptionChoice> = Vec::new();
    for scale in &definitions.scales {
        if let ScaleKind::Choice { options: choices } = &scale.kind {
            for option in choices {
                if !options.iter().any(|o| o.key == option.key.as_str()) {
                    options.push(OptionChoice {
                        key: option.key.to_string(),
                        label: option.label.clone(),
                    });
                }
            }
        }
    }
    options
}

/// A question's fields as the form shows and posts them. `prefix` keeps the ids apart when the
/// form shares a page with another.
struct QuestionForm {
    prefix: &'static str,
    text: String,
    /// One paragraph a line.
    guidance: String,
    audience: String,
    scale: String,
    /// `valfri`, `kravs` or `vid-svar`.
    comment: String,
    required_for: Vec<String>,
}

impl QuestionForm {
    fn empty(prefix: &'static str, definitions: &Definitions) -> QuestionForm {
        QuestionForm {
            prefix,
            text: String::new(),
            guidance: String::new(),
            audience: String::new(),
            scale: definitions
                .scales
                .first()
                .map(|s| s.key.to_string())
                .unwrap_or_default(),
            comment: "valfri".into(),
            required_for: vec![],
        }
    }

    fn of(prefix: &'static str, question: &Question) -> QuestionForm {
        let (comment, required_for) = match &question.comment {
            CommentRule::Optional => ("valfri", vec![]),
            CommentRule::Required => ("kravs", vec![]),
            CommentRule::RequiredFor(keys) => {
                ("vid-svar", keys.iter().map(ToString::to_string).collect())
            }
        };
        QuestionForm {
            prefix,
            text: question.text.clone(),
            guidance: question.guidance.join("\n"),
            audience: question.audience.clone().unwrap_or_default(),
            scale: question.scale.to_string(),
            comment: comment.into(),
            required_for,
        }
    }

    fn posted(prefix: &'static str, fields: &Fields) -> QuestionForm {
        QuestionForm {
            prefix,
            text: field(fields, "text").to_owned(),
            guidance: field(fields, "vagledning").to_owned(),
            audience: field(fields, "malgrupp").to_owned(),
            scale: field(fields, "skala").to_owned(),
            comment: field(fields, "kommentar").to_owned(),
            required_for: fields
                .iter()
                .filter(|(k, _)| k == "kommentar_vid")
                .map(|(_, v)| v.clone())
                .collect(),
        }
    }

    /// The id of one of the form's fields.
    fn id(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn requires(&self, option: &str) -> bool {
        self.required_for.iter().any(|o| o == option)
    }

    /// The question as written, under `key`, checked by the model's rules; refusals are added
    /// to `errors` at their fields.
    fn question(
        &self,
        key: Key,
        definitions: &Definitions,
        errors: &mut Errors,
    ) -> Option<Question> {
        let before = errors.0.len();
        let scale = Key::parse(self.scale.trim()).ok();
        let mut keys = Vec::new();
        for option in &self.required_for {
            match Key::parse(option) {
                Ok(key) => keys.push(key),
                Err(e) => errors.add(&self.id("kommentar"), e.to_string()),
            }
        }
        let comment = match self.comment.as_str() {
            "kravs" => CommentRule::Required,
            "vid-svar" if keys.is_empty() => {
                errors.add(
                    &self.id("kommentar"),
                    "kryssa för vilka svar som kräver en kommentar",
                );
                CommentRule::Optional
            }
            "vid-svar" => CommentRule::RequiredFor(keys),
            _ => CommentRule::Optional,
        };
        let audience = self.audience.trim();
        let question = Question {
            key,
            text: self.text.trim().to_owned(),
            guidance: self
                .guidance
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            audience: (!audience.is_empty()).then(|| audience.to_owned()),
            // A placeholder where no scale was chosen; its problem is replaced below.
            scale: scale
                .clone()
                .unwrap_or_else(|| Key::parse("saknas").expect("a key")),
            comment,
            retired: false,
        };
        let options = |scale: &Key| {
            definitions
                .scales
                .iter()
                .find(|s| &s.key == scale)
                .map(|s| s.options().iter().map(|o| &o.key).collect())
        };
        let mut problems = question.problems(&uppfolj_model::Path::root(), options);
        if scale.is_none() {
            problems.retain(|p| !p.path.0.contains(&Step::Field("scale")));
            errors.add(&self.id("skala"), "välj en svarsskala i listan");
        }
        errors.problems(
            &problems,
            &[
                ("text", &self.id("text")),
                ("guidance", &self.id("vagledning")),
                ("scale", &self.id("skala")),
                ("comment", &self.id("kommentar")),
            ],
            &self.id("text"),
        );
        (errors.0.len() == before).then_some(question)
    }
}

/// A key as written, or made from a name when left empty; refusals are added to `errors` at
/// `id`. `taken` says whether a key is in use already.
fn new_key(
    written: &str,
    name: &str,
    taken: impl Fn(&Key) -> bool,
    what: &str,
    id: &str,
    errors: &mut Errors,
) -> Option<Key> {
    let written = written.trim();
    let key = if written.is_empty() {
        match Key::slugify(name) {
            Some(key) => key,
            None => {
                if !name.trim().is_empty() {
                    errors.add(
                        id,
                        "det gick inte att göra en nyckel av texten; skriv en nyckel",
                    );
                }
                return None;
            }
        }
    } else {
        match Key::parse(written) {
            Ok(key) => key,
            Err(e) => {
                errors.add(id, e.to_string());
                return None;
            }
        }
    };
    if taken(&key) {
        errors.add(
            id,
            format!("{what} «{key}» används redan; skriv en annan nyckel"),
        );
        return None;
    }
    Some(key)
}

/// One line of a conflict: a field, what is stored now and what the coordinator wrote.
struct ConflictRow {
    field: &'static str,
    stored: String,
    yours: String,
}

#[derive(Template)]
#[template(path = "document_conflict.html")]
struct ConflictPage {
    nav: Option<Nav>,
    /// What was being changed: «frågan», «avsnittet», «dokumentets uppgifter».
    what: String,
    rows: Vec<ConflictRow>,
    /// Where to make the change again, on what is stored now.
    again: String,
    document: String,
}

/// The 409 page for a form made from an older version: nothing was saved; it shows what is
/// stored now beside what was written, and where to start again.
fn conflict(
    caller: &Caller,
    what: impl Into<String>,
    rows: Vec<ConflictRow>,
    again: String,
    document: &Key,
) -> Response {
    page(
        ConflictPage {
            nav: Nav::of(caller),
            what: what.into(),
            rows,
            again,
            document: document.to_string(),
        },
        StatusCode::CONFLICT,
    )
}

/// How a comment rule reads: «Valfri kommentar», «Kommentar krävs vid Nej, Delvis».
fn comment_rule_text(rule: &CommentRule, definitions: &Definitions) -> String {
    match rule {
        CommentRule::Optional => "Valfri kommentar".into(),
        CommentRule::Required => "Kommentar krävs".into(),
        CommentRule::RequiredFor(keys) => {
            let options = option_choices(definitions);
            let labels: Vec<&str> = keys
                .iter()
                .map(|k| {
                    options
                        .iter()
                        .find(|o| o.key == k.as_str())
                        .map_or(k.as_str(), |o| o.label.as_str())
                })
                .collect();
            format!("Kommentar krävs vid {}", labels.join(", "))
        }
    }
}

fn scale_name(key: &Key, definitions: &Definitions) -> String {
    definitions
        .scales
        .iter()
        .find(|s| &s.key == key)
        .map_or_else(|| key.to_string(), |s| s.name.clone())
}
