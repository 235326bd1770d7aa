//! Editing a section's label and title. They are names: the new wording shows wherever the
//! section does, also in rounds that have opened; its questions are not touched.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uppfolj_model::{AuditAction, Document, Section};
use uppfolj_store::StoreError;

use serde::Deserialize;
use uppfolj_app::lookup::key;

use super::common::{Numbers, conflict, coordinator_definitions, find_document, tree_path};
use crate::auth::Caller;
use crate::error::WebError;
use crate::forms::{ConflictRow, FieldErrors, Form, check_csrf};
use crate::layout::{Nav, page};
use crate::state::AppState;

/// The section form as posted, with the version it was made from.
#[derive(Deserialize)]
pub(super) struct SectionForm {
    #[serde(default)]
    csrf: String,
    version: i64,
    #[serde(default)]
    etikett: String,
    #[serde(default)]
    rubrik: String,
}

#[derive(Template)]
#[template(path = "section_edit.html")]
struct SectionPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    document: &'a Document,
    section: &'a Section,
    /// «avsnitt 1.2».
    name: String,
    version: i64,
    label: String,
    title: String,
    errors: FieldErrors,
}

fn find<'a>(document: &'a Document, section: &str) -> Result<&'a Section, WebError> {
    let wanted = key(section, "avsnittet")?;
    document
        .section(&wanted)
        .ok_or_else(|| WebError::NotFound(format!("avsnittet «{section}»")))
}

pub(super) async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, section)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let definitions = coordinator_definitions(&state, &caller).await?;
    let document = find_document(&definitions, &document)?;
    let section = find(document, &section)?;
    let versions = state.store.document_versions(&document.key).await?;
    Ok(page(
        SectionPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            document,
            section,
            name: Numbers::of(document).section(&section.key),
            version: versions
                .sections
                .get(&section.key)
                .copied()
                .unwrap_or_default(),
            label: section.label.clone().unwrap_or_default(),
            title: section.title.clone(),
            errors: FieldErrors::default(),
        },
        StatusCode::OK,
    ))
}

pub(super) async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path((document, section)): Path<(String, String)>,
    Form(form): Form<SectionForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let definitions = coordinator_definitions(&state, &caller).await?;
    let document = find_document(&definitions, &document)?;
    let stored = find(document, &section)?;
    let seen = form.version;
    let (label, title) = (form.etikett.trim(), form.rubrik.trim());
    let label = (!label.is_empty()).then_some(label);
    let edited = Section {
        label: label.map(str::to_owned),
        title: title.to_owned(),
        ..stored.clone()
    };
    let mut errors = FieldErrors::default();
    errors.problems(
        &edited.field_problems(&uppfolj_model::Path::root()),
        &[("label", "etikett"), ("title", "rubrik")],
        "rubrik",
    );
    if errors.is_empty() {
        let outcome = state
            .store
            .edit_section(&document.key, &stored.key, seen, label, title)
            .await;
        if outcome.is_ok() {
            let before = serde_json::json!({ "label": stored.label, "title": stored.title });
            let after = serde_json::json!({ "label": label, "title": title });
            let subject = format!("styrdokument/{}/{}", document.key, stored.key);
            let action = AuditAction::SectionChanged;
            caller
                .audit(&state, action, &subject, Some(&before), Some(&after))
                .await;
        }
        return match outcome {
            Ok(()) => Ok(Redirect::to(&tree_path(
                &document.key,
                "avsnitt-andrat",
                &format!("avsnitt-{}", stored.key),
            ))
            .into_response()),
            Err(StoreError::Changed) => {
                let definitions = state.store.definitions().await?;
                let now = definitions
                    .documents
                    .iter()
                    .find(|d| d.key == document.key)
                    .and_then(|d| d.section(&stored.key).cloned())
                    .unwrap_or_else(|| stored.clone());
                let or_dash = |l: Option<&String>| l.cloned().unwrap_or_else(|| "–".into());
                let mut rows = vec![
                    ConflictRow {
                        label: "Etikett",
                        stored: or_dash(now.label.as_ref()),
                        yours: or_dash(edited.label.as_ref()),
                        multiline: true,
                    },
                    ConflictRow {
                        label: "Rubrik",
                        stored: now.title.clone(),
                        yours: edited.title.clone(),
                        multiline: true,
                    },
                ];
                if now.retired {
                    rows.push(ConflictRow {
                        label: "Status",
                        stored: "Utgånget".into(),
                        yours: "I bruk".into(),
                        multiline: true,
                    });
                }
                Ok(conflict(
                    &caller,
                    "avsnittet",
                    rows,
                    format!("/styrdokument/{}/avsnitt/{}", document.key, stored.key),
                    &document.key,
                ))
            }
            Err(e) => Err(e.into()),
        };
    }
    errors.order(&["etikett", "rubrik"]);
    Ok(page(
        SectionPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            document,
            section: stored,
            name: Numbers::of(document).section(&stored.key),
            version: seen,
            label: form.etikett.clone(),
            title: form.rubrik.clone(),
            errors,
        },
        StatusCode::BAD_REQUEST,
    ))
}
