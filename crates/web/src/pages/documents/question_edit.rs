//! Editing one question. The page says beforehand which rounds use the question and that the
//! change will then be saved as a new version, which those rounds never show.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uppfolj_model::{AuditAction, Definitions, Document, Question, RoundState};
use uppfolj_store::{QuestionEdit, RoundUse, StoreError};

use serde::Deserialize;
use uppfolj_app::lookup::key;

use super::common::{
    Numbers, OptionChoice, PostedQuestion, QuestionForm, ScaleChoice, comment_rule_text, conflict,
    coordinator_definitions, find_document, option_choices, scale_choices, scale_name, tree_path,
};
use crate::auth::Caller;
use crate::error::WebError;
use crate::forms::{ConflictRow, FieldErrors, Form, check_csrf};
use crate::layout::{Nav, page};
use crate::state::AppState;

/// The question form as posted, with the version it was made from.
#[derive(Deserialize)]
pub(super) struct QuestionEditForm {
    #[serde(default)]
    csrf: String,
    version: i64,
    #[serde(default)]
    text: String,
    #[serde(default)]
    vagledning: String,
    #[serde(default)]
    malgrupp: String,
    #[serde(default)]
    skala: String,
    #[serde(default)]
    kommentar: String,
    #[serde(default)]
    kommentar_vid: Vec<String>,
}

#[derive(Template)]
#[template(path = "question_edit.html")]
struct QuestionPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    document: &'a Document,
    question: &'a Question,
    /// «fråga 1.2 a».
    name: String,
    version: i64,
    /// Rounds that use the question, newest first; an edit then becomes a new version.
    uses: Vec<RoundUse>,
    /// Draft rounds that follow the document up and so get the edit.
    drafts: Vec<String>,
    scales: Vec<ScaleChoice>,
    options: Vec<OptionChoice>,
    form: QuestionForm,
    errors: FieldErrors,
}

impl QuestionPage<'_> {
    /// A round and its state as the page names it: «Uppföljning 2025 (öppen)».
    fn round(&self, used: &RoundUse) -> String {
        format!("{} ({})", used.name, used.state.label().to_lowercase())
    }
}

fn find<'a>(document: &'a Document, question: &str) -> Result<&'a Question, WebError> {
    let wanted = key(question, "frågan")?;
    document
        .question(&wanted)
        .ok_or_else(|| WebError::NotFound(format!("frågan «{question}»")))
}

async fn build<'a>(
    state: &AppState,
    caller: &'a Caller,
    definitions: &'a Definitions,
    document: &'a Document,
    question: &'a Question,
) -> Result<QuestionPage<'a>, WebError> {
    let versions = state.store.document_versions(&document.key).await?;
    let uses = state
        .store
        .question_use(&document.key, &question.key)
        .await?;
    let drafts = definitions
        .rounds
        .iter()
        .filter(|r| r.state == RoundState::Draft && r.documents.contains(&document.key))
        .map(|r| r.name.clone())
        .collect();
    Ok(QuestionPage {
        nav: caller.nav(),
        csrf: caller.csrf(),
        document,
        question,
        name: Numbers::of(document).question(&question.key),
        version: versions
            .questions
            .get(&question.key)
            .copied()
            .unwrap_or_default(),
        uses,
        drafts,
        scales: scale_choices(definitions),
        options: option_choices(definitions),
        form: QuestionForm::of("", question),
        errors: FieldErrors::default(),
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, question)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let definitions = coordinator_definitions(&state, &caller).await?;
    let document = find_document(&definitions, &document)?;
    let question = find(document, &question)?;
    let page_data = build(&state, &caller, &definitions, document, question).await?;
    Ok(page(page_data, StatusCode::OK))
}

pub(super) async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, question)): Path<(String, String)>,
    Form(posted): Form<QuestionEditForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &posted.csrf)?;
    let definitions = coordinator_definitions(&state, &caller).await?;
    let document = find_document(&definitions, &document)?;
    let stored = find(document, &question)?;
    let seen = posted.version;
    let form = QuestionForm::posted(
        "",
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
    if let Some(edited) = form.question(stored.key.clone(), &definitions, &mut errors) {
        let outcome = state
            .store
            .edit_question(&document.key, &edited, seen)
            .await;
        if outcome.is_ok() {
            let subject = format!("styrdokument/{}/{}", document.key, stored.key);
            let action = AuditAction::QuestionChanged;
            caller
                .audit(&state, action, &subject, Some(stored), Some(&edited))
                .await;
        }
        return match outcome {
            Ok(QuestionEdit::InPlace) => Ok(Redirect::to(&tree_path(
                &document.key,
                "fraga-andrad",
                &format!("fraga-{}", stored.key),
            ))
            .into_response()),
            Ok(QuestionEdit::NewVersion(new)) => Ok(Redirect::to(&format!(
                "/styrdokument/{}?sparat=ny-version&fraga={new}#fraga-{new}",
                document.key
            ))
            .into_response()),
            Err(StoreError::Changed) => {
                let definitions = state.store.definitions().await?;
                let now = definitions
                    .documents
                    .iter()
                    .find(|d| d.key == document.key)
                    .and_then(|d| d.question(&stored.key).cloned())
                    .unwrap_or_else(|| stored.clone());
                Ok(conflict(
                    &caller,
                    "frågan",
                    rows(&now, &edited, &definitions),
                    format!("/styrdokument/{}/fragor/{}", document.key, stored.key),
                    &document.key,
                ))
            }
            Err(e) => Err(e.into()),
        };
    }
    errors.order(&["text", "vagledning", "malgrupp", "skala", "kommentar"]);
    let mut refused = build(&state, &caller, &definitions, document, stored).await?;
    refused.form = form;
    refused.version = seen;
    refused.errors = errors;
    Ok(page(refused, StatusCode::BAD_REQUEST))
}

/// The question as stored now beside the refused edit, field by field.
fn rows(now: &Question, yours: &Question, definitions: &Definitions) -> Vec<ConflictRow> {
    let or_dash = |text: Option<&String>| text.cloned().unwrap_or_else(|| "–".into());
    let mut rows = vec![
        ConflictRow {
            label: "Frågetext",
            stored: now.text.clone(),
            yours: yours.text.clone(),
            multiline: true,
        },
        ConflictRow {
            label: "Vägledning",
            stored: now.guidance.join("\n"),
            yours: yours.guidance.join("\n"),
            multiline: true,
        },
        ConflictRow {
            label: "Målgrupp",
            stored: or_dash(now.audience.as_ref()),
            yours: or_dash(yours.audience.as_ref()),
            multiline: true,
        },
        ConflictRow {
            label: "Svarsskala",
            stored: scale_name(&now.scale, definitions),
            yours: scale_name(&yours.scale, definitions),
            multiline: true,
        },
        ConflictRow {
            label: "Kommentar",
            stored: comment_rule_text(&now.comment, definitions),
            yours: comment_rule_text(&yours.comment, definitions),
            multiline: true,
        },
    ];
    if now.retired {
        rows.push(ConflictRow {
            label: "Status",
            stored: "Utgången".into(),
            yours: "I bruk".into(),
            multiline: true,
        });
    }
    rows
}
