//! A document's tree: its sections and questions numbered as in the report, each with small
//! forms to edit, move up or down, retire or restore it, and forms to add a section or a question.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uppfolj_model::numbering::section_heading;
use uppfolj_model::{AuditAction, Definitions, Document, Key, Section};
use uppfolj_store::{Direction, DocumentVersions, StoreError};

use super::common::{
    Numbers, OptionChoice, PostedQuestion, QuestionForm, ScaleChoice, comment_rule_text, conflict,
    coordinator_definitions, find_document, new_key, option_choices, scale_choices, scale_name,
    tree_path,
};
use crate::auth::Caller;
use crate::error::WebError;
use crate::forms::{Confirmation, ConflictRow, FieldErrors, Form, check_csrf};
use crate::layout::{Nav, page};
use crate::state::AppState;

/// The add-a-section form as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct NewSectionForm {
    csrf: String,
    /// The parent section's key, or empty for the top of the document.
    placering: String,
    etikett: String,
    rubrik: String,
    nyckel: String,
}

/// The add-a-question form as posted.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct NewQuestionForm {
    csrf: String,
    avsnitt: String,
    nyckel: String,
    text: String,
    vagledning: String,
    malgrupp: String,
    skala: String,
    kommentar: String,
    kommentar_vid: Vec<String>,
}

/// A retirement or a restoration, with the version of the item it was made from.
#[derive(Deserialize)]
pub(super) struct VersionForm {
    #[serde(default)]
    csrf: String,
    version: i64,
}

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
    errors: FieldErrors,
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
        "inlast" => "Filen är inläst: styrdokumentet har avsnitten och frågorna nedan.".to_owned(),
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
        nav: caller.nav(),
        csrf: caller.csrf(),
        document,
        kind: document.kind.label().to_owned(),
        questions: document.current().all_questions().count(),
        sections,
        parents,
        targets,
        scales: scale_choices(definitions),
        options: option_choices(definitions),
        notice: None,
        errors: FieldErrors::default(),
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

pub(super) async fn section_up(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, section)): Path<(String, String)>,
    Form(form): Form<Confirmation>,
) -> Result<Response, WebError> {
    move_item(
        &state,
        &caller,
        &document,
        Item::Section(&section),
        Direction::Up,
        &form,
    )
    .await
}

pub(super) async fn section_down(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, section)): Path<(String, String)>,
    Form(form): Form<Confirmation>,
) -> Result<Response, WebError> {
    move_item(
        &state,
        &caller,
        &document,
        Item::Section(&section),
        Direction::Down,
        &form,
    )
    .await
}

pub(super) async fn question_up(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, question)): Path<(String, String)>,
    Form(form): Form<Confirmation>,
) -> Result<Response, WebError> {
    move_item(
        &state,
        &caller,
        &document,
        Item::Question(&question),
        Direction::Up,
        &form,
    )
    .await
}

pub(super) async fn question_down(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, question)): Path<(String, String)>,
    Form(form): Form<Confirmation>,
) -> Result<Response, WebError> {
    move_item(
        &state,
        &caller,
        &document,
        Item::Question(&question),
        Direction::Down,
        &form,
    )
    .await
}

pub(super) async fn retire_section(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, section)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    set_retired(
        &state,
        &caller,
        &document,
        Item::Section(&section),
        true,
        &form,
    )
    .await
}

pub(super) async fn restore_section(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, section)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    set_retired(
        &state,
        &caller,
        &document,
        Item::Section(&section),
        false,
        &form,
    )
    .await
}

pub(super) async fn retire_question(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, question)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    set_retired(
        &state,
        &caller,
        &document,
        Item::Question(&question),
        true,
        &form,
    )
    .await
}

pub(super) async fn restore_question(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, question)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    set_retired(
        &state,
        &caller,
        &document,
        Item::Question(&question),
        false,
        &form,
    )
    .await
}

/// A section or a question of the tree, by its key as the path names it.
#[derive(Clone, Copy)]
enum Item<'a> {
    Section(&'a str),
    Question(&'a str),
}

impl Item<'_> {
    /// The item's key, or a 404 naming what was not found.
    fn key(self) -> Result<Key, WebError> {
        let (text, what) = match self {
            Item::Section(text) => (text, "avsnittet"),
            Item::Question(text) => (text, "frågan"),
        };
        Key::parse(text).map_err(|_| WebError::NotFound(format!("{what} «{text}»")))
    }

    /// The id of the item in the tree, to scroll back to.
    fn anchor(self, key: &Key) -> String {
        match self {
            Item::Section(_) => format!("avsnitt-{key}"),
            Item::Question(_) => format!("fraga-{key}"),
        }
    }
}

/// Moves a section or question one step among its active siblings.
async fn move_item(
    state: &AppState,
    caller: &Caller,
    document: &str,
    item: Item<'_>,
    direction: Direction,
    form: &Confirmation,
) -> Result<Response, WebError> {
    check_csrf(caller, &form.csrf)?;
    let definitions = coordinator_definitions(state, caller).await?;
    let document = &find_document(&definitions, document)?.key;
    let key = item.key()?;
    let action = match item {
        Item::Section(_) => {
            state.store.move_section(document, &key, direction).await?;
            AuditAction::SectionMoved
        }
        Item::Question(_) => {
            state.store.move_question(document, &key, direction).await?;
            AuditAction::QuestionMoved
        }
    };
    let subject = format!("styrdokument/{document}/{key}");
    let after = serde_json::json!({ "direction": format!("{direction:?}").to_lowercase() });
    caller
        .audit(state, action, &subject, None, Some(&after))
        .await;
    Ok(Redirect::to(&tree_path(document, "flyttat", &item.anchor(&key))).into_response())
}

/// Retires or restores a section or question, made from the version the tree showed; a change
/// since is a conflict page.
async fn set_retired(
    state: &AppState,
    caller: &Caller,
    document: &str,
    item: Item<'_>,
    retire: bool,
    form: &VersionForm,
) -> Result<Response, WebError> {
    check_csrf(caller, &form.csrf)?;
    let definitions = coordinator_definitions(state, caller).await?;
    let document = &find_document(&definitions, document)?.key;
    let key = item.key()?;
    let changed = match item {
        Item::Section(_) => {
            state
                .store
                .set_section_retired(document, &key, form.version, retire)
                .await
        }
        Item::Question(_) => {
            state
                .store
                .set_question_retired(document, &key, form.version, retire)
                .await
        }
    };
    let anchor = item.anchor(&key);
    if changed.is_ok() {
        let action = match (item, retire) {
            (Item::Section(_), true) => AuditAction::SectionRetired,
            (Item::Section(_), false) => AuditAction::SectionRestored,
            (Item::Question(_), true) => AuditAction::QuestionRetired,
            (Item::Question(_), false) => AuditAction::QuestionRestored,
        };
        let subject = format!("styrdokument/{document}/{key}");
        caller.audit(state, action, &subject, None, None).await;
    }
    match changed {
        Ok(()) => Ok(Redirect::to(&tree_path(
            document,
            if retire { "utgatt" } else { "aterstallt" },
            &anchor,
        ))
        .into_response()),
        Err(StoreError::Changed) => {
            let now = state.store.definitions().await?;
            let stored = now.documents.iter().find(|d| &d.key == document);
            let (retired, what) = match item {
                Item::Section(_) => (
                    stored.and_then(|d| d.section(&key)).map(|s| s.retired),
                    "avsnittet",
                ),
                Item::Question(_) => (
                    stored.and_then(|d| d.question(&key)).map(|q| q.retired),
                    "frågan",
                ),
            };
            let status = |retired: bool| if retired { "Utgången" } else { "I bruk" }.to_owned();
            let rows = vec![ConflictRow {
                label: "Status",
                stored: retired.map(status).unwrap_or_default(),
                yours: status(retire),
                multiline: true,
            }];
            Ok(conflict(
                caller,
                what,
                rows,
                format!("/styrdokument/{document}#{anchor}"),
                document,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn add_section(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
    Form(form): Form<NewSectionForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let definitions = coordinator_definitions(&state, &caller).await?;
    let document = find_document(&definitions, &document)?;
    let values = SectionValues {
        parent: form.placering,
        label: form.etikett,
        title: form.rubrik,
        key: form.nyckel,
    };
    let mut errors = FieldErrors::default();
    let parent = match values.parent.as_str() {
        "" => None,
        text => match Key::parse(text)
            .ok()
            .filter(|k| document.section(k).is_some_and(|s| !s.retired))
        {
            Some(key) => Some(key),
            None => {
                errors.refuse("nytt-avsnitt-placering", "välj var avsnittet ska ligga");
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
                let subject = format!("styrdokument/{}/{key}", document.key);
                let after = serde_json::json!({ "parent": parent, "label": label, "title": title });
                let action = AuditAction::SectionAdded;
                caller
                    .audit(&state, action, &subject, None, Some(&after))
                    .await;
                return Ok(Redirect::to(&tree_path(
                    &document.key,
                    "avsnitt",
                    &format!("avsnitt-{key}"),
                ))
                .into_response());
            }
            Err(StoreError::Rule(message)) => errors.refuse("nytt-avsnitt-nyckel", message),
            Err(e) => return Err(e.into()),
        }
    }
    errors.order(&[
        "nytt-avsnitt-placering",
        "nytt-avsnitt-etikett",
        "nytt-avsnitt-rubrik",
        "nytt-avsnitt-nyckel",
    ]);
    let mut refused = build(&state, &caller, &definitions, document).await?;
    refused.errors = errors;
    refused.section_values = values;
    Ok(page(refused, StatusCode::BAD_REQUEST))
}

pub(super) async fn add_question(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
    Form(posted): Form<NewQuestionForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &posted.csrf)?;
    let definitions = coordinator_definitions(&state, &caller).await?;
    let definitions = &*definitions;
    let document = find_document(definitions, &document)?;
    let chosen = posted.avsnitt;
    let written_key = posted.nyckel;
    let form = QuestionForm::posted(
        "ny-fraga-",
        PostedQuestion {
            text: posted.text,
            vagledning: posted.vagledning,
            malgrupp: posted.malgrupp,
            skala: posted.skala,
            kommentar: posted.kommentar,
            kommentar_vid: posted.kommentar_vid,
        },
    );
    let mut errors = FieldErrors::default();
    let section = Key::parse(&chosen)
        .ok()
        .filter(|k| document.section(k).is_some_and(|s| !s.retired));
    if section.is_none() {
        errors.refuse("ny-fraga-avsnitt", "välj vilket avsnitt frågan hör till");
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
                let subject = format!("styrdokument/{}/{key}", document.key);
                let action = AuditAction::QuestionAdded;
                caller
                    .audit(&state, action, &subject, None, Some(&question))
                    .await;
                return Ok(Redirect::to(&tree_path(
                    &document.key,
                    "fraga",
                    &format!("fraga-{key}"),
                ))
                .into_response());
            }
            Err(StoreError::Rule(message)) => errors.refuse("ny-fraga-nyckel", message),
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
    let mut refused = build(&state, &caller, definitions, document).await?;
    refused.errors = errors;
    refused.form = form;
    refused.question_section = chosen;
    refused.question_key = written_key;
    Ok(page(refused, StatusCode::BAD_REQUEST))
}
