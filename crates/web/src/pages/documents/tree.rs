//! A document's tree: its sections and questions numbered as in the report, each with small
//! forms to edit, move up or down, retire or restore it, and forms to add a section or a question.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uppfolj_model::numbering::section_heading;
use uppfolj_model::{Definitions, Document, Key, Section};
use uppfolj_store::{Direction, DocumentVersions, StoreError};

use super::{
    ConflictRow, Errors, Fields, Numbers, OptionChoice, QuestionForm, ScaleChoice,
    comment_rule_text, conflict, coordinator_definitions, field, find_document, new_key,
    option_choices, scale_choices, scale_name, tree_path, version,
};
use crate::auth::Caller;
use crate::error::Failure;
use crate::pages::{Nav, check_csrf, csrf, page};
use crate::{AppState, WebError};

/// A section as the tree shows it.
struct SectionView {
    key: String,
    heading: String,
    /// The report's number; none for a retired section.
    number: Option<String>,
    /// How its buttons name it: «avsnitt 1.2».
    name: String,
    /// The heading's level, h3 to h6.
    level: usize,
    retired: bool,
    version: i64,
    first: bool,
    last: bool,
    questions: Vec<QuestionView>,
    /// For a retired section: how many questions it holds, with those of its sections.
    held: usize,
}

/// A question as the tree shows it.
struct QuestionView {
    key: String,
    label: Option<String>,
    name: String,
    text: String,
    guidance: Vec<String>,
    audience: Option<String>,
    scale: String,
    comment: String,
    retired: bool,
    version: i64,
    first: bool,
    last: bool,
}

/// What the add-a-section form shows in its fields.
struct SectionValues {
    parent: String,
    label: String,
    title: String,
    key: String,
}

#[derive(Template)]
#[template(path = "document.html")]
struct TreePage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    document: &'a Document,
    kind: String,
    questions: usize,
    sections: Vec<SectionView>,
    /// Where a section may be added: (parent key or empty for the top, shown).
    parents: Vec<(String, String)>,
    /// Sections a question may be added to: (key, shown).
    targets: Vec<(String, String)>,
    scales: Vec<ScaleChoice>,
    options: Vec<OptionChoice>,
    notice: Option<String>,
    errors: Errors,
    section_values: SectionValues,
    /// The add-a-question form: its fields, the section chosen and the key written.
    form: QuestionForm,
    question_section: String,
    question_key: String,
}

/// The sections of a tree in reading order, with their questions.
fn views(
    document: &Document,
    definitions: &Definitions,
    versions: &DocumentVersions,
    numbers: &Numbers,
) -> Vec<SectionView> {
    fn held(section: &Section) -> usize {
        section.questions.len() + section.sections.iter().map(held).sum::<usize>()
    }
    fn walk(
        sections: &[Section],
        depth: usize,
        context: (&Definitions, &DocumentVersions, &Numbers),
        out: &mut Vec<SectionView>,
    ) {
        let (definitions, versions, numbers) = context;
        let active: Vec<&Key> = sections
            .iter()
            .filter(|s| !s.retired)
            .map(|s| &s.key)
            .collect();
        for section in sections {
            let questions_active: Vec<&Key> = section
                .questions
                .iter()
                .filter(|q| !q.retired)
                .map(|q| &q.key)
                .collect();
            let mut questions: Vec<QuestionView> = section
                .questions
                .iter()
                .map(|q| QuestionView {
                    key: q.key.to_string(),
                    label: numbers.questions.get(&q.key).cloned(),
                    name: numbers.question(&q.key),
                    text: q.text.clone(),
                    guidance: q.guidance.clone(),
                    audience: q.audience.clone(),
                    scale: scale_name(&q.scale, definitions),
                    comment: comment_rule_text(&q.comment, definitions),
                    retired: q.retired,
                    version: versions.questions.get(&q.key).copied().unwrap_or_default(),
                    first: questions_active.first() == Some(&&q.key),
                    last: questions_active.last() == Some(&&q.key),
                })
                .collect();
            // Retired questions follow the active ones.
            questions.sort_by_key(|q| q.retired);
            out.push(SectionView {
                key: section.key.to_string(),
                heading: section_heading(section),
                number: numbers.sections.get(&section.key).cloned(),
                name: numbers.section(&section.key),
                level: (depth + 3).min(6),
                retired: section.retired,
                version: versions
                    .sections
                    .get(&section.key)
                    .copied()
                    .unwrap_or_default(),
                first: active.first() == Some(&&section.key),
                last: active.last() == Some(&&section.key),
                questions: if section.retired { vec![] } else { questions },
                held: held(section),
            });
            if !section.retired {
                walk(&section.sections, depth + 1, context, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &document.sections,
        0,
        (definitions, versions, numbers),
        &mut out,
    );
    out
}

/// The confirmation after a change, from the address it redirected to.
#[derive(Deserialize)]
pub(super) struct Shown {
    #[serde(default)]
    sparat: Option<String>,
    #[serde(default)]
    fraga: Option<String>,
}

fn notice(shown: &Shown) -> Option<String> {
    let text = match shown.sparat.as_deref()? {
        "skapat" => "Styrdokumentet är skapat. Lägg till avsnitt och frågor nedan.".to_owned(),
        "uppgifter" => "Dokumentets uppgifter är sparade.".to_owned(),
        "avsnitt" => "Avsnittet är tillagt.".to_owned(),
        "avsnitt-andrat" => "Avsnittet är ändrat.".to_owned(),
        "fraga" => "Frågan är tillagd.".to_owned(),
        "fraga-andrad" => "Frågan är ändrad.".to_owned(),
        "ny-version" => format!(
            "Frågan hade redan använts, så ändringen sparades som en ny version med nyckeln «{}». \
             Omgångar som har använt frågan behåller den gamla lydelsen.",
            shown.fraga.as_deref().unwrap_or("")
        ),
        "flyttat" => "Flyttat.".to_owned(),
        "utgatt" => "Markerat som utgånget. Det följer inte med i nya omgångar men finns kvar \
                     i omgångar som redan har öppnats, och du kan återställa det."
            .to_owned(),
        "aterstallt" => "Återställt.".to_owned(),
        _ => return None,
    };
    Some(text)
}

/// The tree page as it stands, with empty forms.
async fn build<'a>(
    state: &AppState,
    caller: &'a Caller,
    definitions: &'a Definitions,
    document: &'a Document,
) -> Result<TreePage<'a>, WebError> {
    let versions = state.store.document_versions(&document.key).await?;
    let numbers = Numbers::of(document);
    let sections = views(document, definitions, &versions, &numbers);
    let active: Vec<&SectionView> = sections.iter().filter(|s| !s.retired).collect();
    let shown =
        |s: &SectionView| format!("{} {}", s.number.as_deref().unwrap_or_default(), s.heading);
    let mut parents = vec![(String::new(), "Överst i dokumentet".to_owned())];
    parents.extend(
        active
            .iter()
            .map(|s| (s.key.clone(), format!("Under {}", shown(s)))),
    );
    let targets = active.iter().map(|s| (s.key.clone(), shown(s))).collect();
    Ok(TreePage {
        nav: Nav::of(caller),
        csrf: csrf(caller),
        document,
        kind: document.kind.label().to_owned(),
        questions: document.current().all_questions().count(),
        sections,
        parents,
        targets,
        scales: scale_choices(definitions),
        options: option_choices(definitions),
        notice: None,
        errors: Errors::default(),
        section_values: SectionValues {
            parent: String::new(),
            label: String::new(),
            title: String::new(),
            key: String::new(),
        },
        form: QuestionForm::empty("ny-fraga-", definitions),
        question_section: String::new(),
        question_key: String::new(),
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
    Query(shown): Query<Shown>,
) -> Result<Response, WebError> {
    let definitions = coordinator_definitions(&state, &caller).await?;
    let document = find_document(&definitions, &document)?;
    let mut shown_page = build(&state, &caller, &definitions, document).await?;
    shown_page.notice = notice(&shown);
    Ok(page(shown_page, StatusCode::OK))
}

pub(super) async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    check_csrf(&caller, field(&fields, "csrf"))?;
    let definitions = coordinator_definitions(&state, &caller).await?;
    let document = find_document(&definitions, &document)?;
    let key = &document.key;
    let section = || item(&fields, "avsnitt", "avsnittet");
    let question = || item(&fields, "fraga", "frågan");
    let store = &state.store;
    let done = match field(&fields, "atgard") {
        "nytt-avsnitt" => {
            return add_section(&state, &caller, &definitions, document, &fields).await;
        }
        "ny-fraga" => return add_question(&state, &caller, &definitions, document, &fields).await,
        "upp" | "ned" => {
            let direction = if field(&fields, "atgard") == "upp" {
                Direction::Up
            } else {
                Direction::Down
            };
            if fields.iter().any(|(k, _)| k == "fraga") {
                let question = question()?;
                store.move_question(key, &question, direction).await?;
                tree_path(key, "flyttat", &format!("fraga-{question}"))
            } else {
                let section = section()?;
                store.move_section(key, &section, direction).await?;
                tree_path(key, "flyttat", &format!("avsnitt-{section}"))
            }
        }
        atgard @ ("utga" | "aterstall") => {
            let retire = atgard == "utga";
            let version = version(&fields)?;
            let named = fields.iter().any(|(k, _)| k == "fraga");
            let (changed, item, anchor, what) = if named {
                let question = question()?;
                let changed = store
                    .set_question_retired(key, &question, version, retire)
                    .await;
                let anchor = format!("fraga-{question}");
                (changed, question, anchor, "frågan")
            } else {
                let section = section()?;
                let changed = store
                    .set_section_retired(key, &section, version, retire)
                    .await;
                let anchor = format!("avsnitt-{section}");
                (changed, section, anchor, "avsnittet")
            };
            match changed {
                Ok(()) => tree_path(key, if retire { "utgatt" } else { "aterstallt" }, &anchor),
                Err(StoreError::Changed) => {
                    let now = state.store.definitions().await?;
                    let retired = now.documents.iter().find(|d| &d.key == key).and_then(|d| {
                        if named {
                            d.question(&item).map(|q| q.retired)
                        } else {
                            d.section(&item).map(|s| s.retired)
                        }
                    });
                    let status =
                        |retired: bool| if retired { "Utgången" } else { "I bruk" }.to_owned();
                    let rows = vec![ConflictRow {
                        field: "Status",
                        stored: retired.map(status).unwrap_or_default(),
                        yours: status(retire),
                    }];
                    return Ok(conflict(
                        &caller,
                        what,
                        rows,
                        format!("/styrdokument/{key}#{anchor}"),
                        key,
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        other => {
            return Err(Failure::bad_request("atgard", format!("okänd åtgärd «{other}»")).into());
        }
    };
    Ok(Redirect::to(&done).into_response())
}

/// The key of the section or question a small form names.
fn item(fields: &Fields, name: &str, what: &str) -> Result<Key, WebError> {
    let text = field(fields, name);
    Key::parse(text).map_err(|_| WebError::NotFound(format!("{what} «{text}»")))
}

async fn add_section(
    state: &AppState,
    caller: &Caller,
    definitions: &Definitions,
    document: &Document,
    fields: &Fields,
) -> Result<Response, WebError> {
    let values = SectionValues {
        parent: field(fields, "placering").to_owned(),
        label: field(fields, "etikett").to_owned(),
        title: field(fields, "rubrik").to_owned(),
        key: field(fields, "nyckel").to_owned(),
    };
    let mut errors = Errors::default();
    let parent = match values.parent.as_str() {
        "" => None,
        text => match Key::parse(text)
            .ok()
            .filter(|k| document.section(k).is_some_and(|s| !s.retired))
        {
            Some(key) => Some(key),
            None => {
                errors.add("nytt-avsnitt-placering", "välj var avsnittet ska ligga");
                None
            }
        },
    };
    let label = values.label.trim();
    let label = (!label.is_empty()).then_some(label);
    let title = values.title.trim();
    let checked = Section {
        key: Key::parse("avsnitt").expect("a key"),
        label: label.map(str::to_owned),
        title: title.to_owned(),
        questions: vec![],
        sections: vec![],
        retired: false,
    };
    errors.problems(
        &checked.field_problems(&uppfolj_model::Path::root()),
        &[
            ("title", "nytt-avsnitt-rubrik"),
            ("label", "nytt-avsnitt-etikett"),
        ],
        "nytt-avsnitt-rubrik",
    );
    let key = new_key(
        &values.key,
        title,
        |k| document.section(k).is_some(),
        "avsnittsnyckeln",
        "nytt-avsnitt-nyckel",
        &mut errors,
    );
    if let (Some(key), true) = (&key, errors.is_empty()) {
        match state
            .store
            .add_section(&document.key, parent.as_ref(), key, label, title)
            .await
        {
            Ok(()) => {
                return Ok(Redirect::to(&tree_path(
                    &document.key,
                    "avsnitt",
                    &format!("avsnitt-{key}"),
                ))
                .into_response());
            }
            Err(StoreError::Rule(message)) => errors.add("nytt-avsnitt-nyckel", message),
            Err(e) => return Err(e.into()),
        }
    }
    errors.order(&[
        "nytt-avsnitt-placering",
        "nytt-avsnitt-etikett",
        "nytt-avsnitt-rubrik",
        "nytt-avsnitt-nyckel",
    ]);
    let mut refused = build(state, caller, definitions, document).await?;
    refused.errors = errors;
    refused.section_values = values;
    Ok(page(refused, StatusCode::BAD_REQUEST))
}

async fn add_question(
    state: &AppState,
    caller: &Caller,
    definitions: &Definitions,
    document: &Document,
    fields: &Fields,
) -> Result<Response, WebError> {
    let form = QuestionForm::posted("ny-fraga-", fields);
    let chosen = field(fields, "avsnitt").to_owned();
    let written_key = field(fields, "nyckel").to_owned();
    let mut errors = Errors::default();
    let section = Key::parse(&chosen)
        .ok()
        .filter(|k| document.section(k).is_some_and(|s| !s.retired));
    if section.is_none() {
        errors.add("ny-fraga-avsnitt", "välj vilket avsnitt frågan hör till");
    }
    let key = new_key(
        &written_key,
        &form.text,
        |k| document.question(k).is_some(),
        "frågenyckeln",
        "ny-fraga-nyckel",
        &mut errors,
    );
    let question = form.question(
        key.clone()
            .unwrap_or_else(|| Key::parse("fraga").expect("a key")),
        definitions,
        &mut errors,
    );
    if let (Some(section), Some(question), Some(key), true) =
        (section, question, &key, errors.is_empty())
    {
        match state
            .store
            .add_question(&document.key, &section, &question)
            .await
        {
            Ok(()) => {
                return Ok(Redirect::to(&tree_path(
                    &document.key,
                    "fraga",
                    &format!("fraga-{key}"),
                ))
                .into_response());
            }
            Err(StoreError::Rule(message)) => errors.add("ny-fraga-nyckel", message),
            Err(e) => return Err(e.into()),
        }
    }
    errors.order(&[
        "ny-fraga-avsnitt",
        "ny-fraga-text",
        "ny-fraga-vagledning",
        "ny-fraga-malgrupp",
        "ny-fraga-skala",
        "ny-fraga-kommentar",
        "ny-fraga-nyckel",
    ]);
    let mut refused = build(state, caller, definitions, document).await?;
    refused.errors = errors;
    refused.form = form;
    refused.question_section = chosen;
    refused.question_key = written_key;
    Ok(page(refused, StatusCode::BAD_REQUEST))
}
