//! What the document pages share: finding the document a path names for a coordinator, the
//! report's numbers of its sections and questions, the question form's fields, keys written or
//! made from a name, and the conflict page for a change made on a stale page.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use uppfolj_app::lookup::require_coordinator;
use uppfolj_model::numbering::{Entry, question_labels};
use uppfolj_model::{
    CommentRule, Definitions, Document, Key, Question, ScaleKind, Step, number_round,
};

use crate::auth::Caller;
use crate::error::WebError;
use crate::forms::{ConflictPage, ConflictRow, FieldErrors};
use crate::state::AppState;

/// The address of a document's tree, with a confirmation and the item to scroll to.
pub(super) fn tree_path(document: &Key, saved: &str, anchor: &str) -> String {
    format!("/styrdokument/{document}?sparat={saved}#{anchor}")
}

/// The document a path names, among the definitions loaded.
pub(super) fn find_document<'a>(
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
pub(super) async fn coordinator_definitions(
    state: &AppState,
    caller: &Caller,
) -> Result<Arc<Definitions>, WebError> {
    require_coordinator(&caller.actor)?;
    Ok(state.store.definitions().await?)
}

/// The report's numbers of a document's sections and questions, as when the document comes
/// first in a round: sections by key (`1.2`), questions by key (`1.2 a`). Retired ones have none.
pub(super) struct Numbers {
    pub sections: HashMap<Key, String>,
    pub questions: HashMap<Key, String>,
}

impl Numbers {
    pub fn of(document: &Document) -> Numbers {
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
    pub fn section(&self, key: &Key) -> String {
        match self.sections.get(key) {
            Some(number) => format!("avsnitt {number}"),
            None => format!("avsnitt {key}"),
        }
    }

    /// How buttons and headings name a question: «fråga 1.2 a», or by key when retired.
    pub fn question(&self, key: &Key) -> String {
        match self.questions.get(key) {
            Some(label) => format!("fråga {label}"),
            None => format!("fråga {key}"),
        }
    }
}

/// An answer scale to choose, by key and name.
pub(super) struct ScaleChoice {
    pub key: String,
    pub name: String,
}

/// An answer option that may require a comment, from any choice scale.
pub(super) struct OptionChoice {
    pub key: String,
    pub label: String,
}

pub(super) fn scale_choices(definitions: &Definitions) -> Vec<ScaleChoice> {
    definitions
        .scales
        .iter()
        .map(|s| ScaleChoice {
            key: s.key.to_string(),
            name: s.name.clone(),
        })
        .collect()
}

pub(super) fn option_choices(definitions: &Definitions) -> Vec<OptionChoice> {
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
pub(super) struct QuestionForm {
    pub prefix: &'static str,
    pub text: String,
    /// One paragraph a line.
    pub guidance: String,
    pub audience: String,
    pub scale: String,
    /// `valfri`, `kravs` or `vid-svar`.
    pub comment: String,
    pub required_for: Vec<String>,
}

/// A question's fields as a form posts them; a field left out reads as empty.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct PostedQuestion {
    pub text: String,
    pub vagledning: String,
    pub malgrupp: String,
    pub skala: String,
    pub kommentar: String,
    /// The options that require a comment, ticked.
    pub kommentar_vid: Vec<String>,
}

impl QuestionForm {
    pub fn empty(prefix: &'static str, definitions: &Definitions) -> QuestionForm {
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

    pub fn of(prefix: &'static str, question: &Question) -> QuestionForm {
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

    pub fn posted(prefix: &'static str, posted: PostedQuestion) -> QuestionForm {
        QuestionForm {
            prefix,
            text: posted.text,
            guidance: posted.vagledning,
            audience: posted.malgrupp,
            scale: posted.skala,
            comment: posted.kommentar,
            required_for: posted.kommentar_vid,
        }
    }

    /// The id of one of the form's fields.
    pub fn id(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    pub fn requires(&self, option: &str) -> bool {
        self.required_for.iter().any(|o| o == option)
    }

    /// The question as written, under `key`, checked by the model's rules; refusals are added
    /// to `errors` at their fields.
    pub fn question(
        &self,
        key: Key,
        definitions: &Definitions,
        errors: &mut FieldErrors,
    ) -> Option<Question> {
        let before = errors.count();
        let scale = Key::parse(self.scale.trim()).ok();
        let mut keys = Vec::new();
        for option in &self.required_for {
            match Key::parse(option) {
                Ok(key) => keys.push(key),
                Err(e) => errors.refuse(self.id("kommentar"), e.to_string()),
            }
        }
        let comment = match self.comment.as_str() {
            "kravs" => CommentRule::Required,
            "vid-svar" if keys.is_empty() => {
                errors.refuse(
                    self.id("kommentar"),
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
            errors.refuse(self.id("skala"), "välj en svarsskala i listan");
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
        (errors.count() == before).then_some(question)
    }
}

/// A key as written, or made from a name when left empty; refusals are added to `errors` at
/// `id`. `taken` says whether a key is in use already.
pub(super) fn new_key(
    written: &str,
    name: &str,
    taken: impl Fn(&Key) -> bool,
    what: &str,
    id: &str,
    errors: &mut FieldErrors,
) -> Option<Key> {
    let written = written.trim();
    let key = if written.is_empty() {
        match Key::slugify(name) {
            Some(key) => key,
            None => {
                if !name.trim().is_empty() {
                    errors.refuse(
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
                errors.refuse(id, e.to_string());
                return None;
            }
        }
    };
    if taken(&key) {
        errors.refuse(
            id,
            format!("{what} «{key}» används redan; skriv en annan nyckel"),
        );
        return None;
    }
    Some(key)
}

/// The 409 page for a form made from an older version: nothing was saved; it shows what is
/// stored now beside what was written, and where to start again. `what` names what changed:
/// «frågan», «avsnittet», «dokumentets uppgifter».
pub(super) fn conflict(
    caller: &Caller,
    what: &str,
    rows: Vec<ConflictRow>,
    again: String,
    document: &Key,
) -> axum::response::Response {
    ConflictPage {
        nav: caller.nav(),
        title: format!("Någon annan har ändrat {what} under tiden"),
        explanation: format!(
            "Din ändring är inte sparad, eftersom {what} har ändrats sedan du öppnade sidan. Jämför och gör om ändringen om den fortfarande behövs."
        ),
        yours: "Din ändring",
        rows,
        stored_note: None,
        keep: None,
        back: (again, "Börja om från det som är sparat nu"),
        also: Some((format!("/styrdokument/{document}"), "Tillbaka till dokumentet")),
    }
    .response()
}

/// How a comment rule reads: «Valfri kommentar», «Kommentar krävs vid Nej, Delvis».
pub(super) fn comment_rule_text(rule: &CommentRule, definitions: &Definitions) -> String {
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

pub(super) fn scale_name(key: &Key, definitions: &Definitions) -> String {
    definitions
        .scales
        .iter()
        .find(|s| &s.key == key)
        .map_or_else(|| key.to_string(), |s| s.name.clone())
}
