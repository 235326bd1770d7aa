//! Editing a document's own fields: title, heading in the report, kind and period. Its key
//! stays, since files, addresses and rounds refer to it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uppfolj_model::{AuditAction, Document};
use uppfolj_store::{DocumentFields, StoreError};

use super::common::{conflict, coordinator_definitions, find_document, tree_path};
use super::list::{DocumentForm, DocumentValues, kinds};
use crate::auth::Caller;
use crate::error::{Failure, WebError};
use crate::forms::{ConflictRow, FieldErrors, Form, check_csrf};
use crate::layout::{Nav, page};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "document_edit.html")]
struct DocumentPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    document: &'a Document,
    version: i64,
    kinds: Vec<(&'static str, String)>,
    values: DocumentValues,
    errors: FieldErrors,
}

fn values(document: &Document) -> DocumentValues {
    DocumentValues {
        title: document.title.clone(),
        report_heading: document.report_heading.clone().unwrap_or_default(),
        kind: document.kind.as_str().to_owned(),
        from: document.period.from.to_string(),
        to: document.period.to.to_string(),
        key: document.key.to_string(),
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
) -> Result<Response, WebError> {
    let definitions = coordinator_definitions(&state, &caller).await?;
    let document = find_document(&definitions, &document)?;
    let versions = state.store.document_versions(&document.key).await?;
    Ok(page(
        DocumentPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            document,
            version: versions.document,
            kinds: kinds(),
            values: values(document),
            errors: FieldErrors::default(),
        },
        StatusCode::OK,
    ))
}

/// A document's fields as the conflict page compares them.
fn described(fields: &DocumentFields) -> [(&'static str, String); 4] {
    [
        ("Titel", fields.title.clone()),
        (
            "Rubrik i rapporten",
            fields.report_heading.clone().unwrap_or_else(|| "–".into()),
        ),
        ("Typ", fields.kind.label().to_owned()),
        ("Gäller", fields.period.to_string()),
    ]
}

pub(super) async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
    Form(form): Form<DocumentForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let definitions = coordinator_definitions(&state, &caller).await?;
    let document = find_document(&definitions, &document)?;
    let seen = form.version.ok_or_else(|| {
        Failure::bad_request("version", "formuläret saknar sin version; ladda om sidan")
    })?;
    let written = DocumentValues {
        title: form.titel,
        report_heading: form.rubrik,
        kind: form.typ,
        from: form.fran,
        to: form.till,
        key: document.key.to_string(),
    };
    let mut errors = FieldErrors::default();
    if let Some(checked) = written.fields(&mut errors) {
        return match state
            .store
            .edit_document(&document.key, seen, &checked)
            .await
        {
            Ok(()) => {
                let before = DocumentFields {
                    title: document.title.clone(),
                    report_heading: document.report_heading.clone(),
                    kind: document.kind,
                    period: document.period,
                };
                let subject = format!("styrdokument/{}", document.key);
                let action = AuditAction::DocumentChanged;
                caller
                    .audit(&state, action, &subject, Some(&before), Some(&checked))
                    .await;
                Ok(
                    Redirect::to(&tree_path(&document.key, "uppgifter", "innehall"))
                        .into_response(),
                )
            }
            Err(StoreError::Changed) => {
                let definitions = state.store.definitions().await?;
                let now = definitions
                    .documents
                    .iter()
                    .find(|d| d.key == document.key)
                    .unwrap_or(document);
                let now = DocumentFields {
                    title: now.title.clone(),
                    report_heading: now.report_heading.clone(),
                    kind: now.kind,
                    period: now.period,
                };
                let rows = described(&now)
                    .into_iter()
                    .zip(described(&checked))
                    .map(|((label, stored), (_, yours))| ConflictRow {
                        label,
                        stored,
                        yours,
                        multiline: true,
                    })
                    .collect();
                Ok(conflict(
                    &caller,
                    "dokumentets uppgifter",
                    rows,
                    format!("/styrdokument/{}/uppgifter", document.key),
                    &document.key,
                ))
            }
            Err(e) => Err(e.into()),
        };
    }
    errors.order(&["titel", "typ", "fran", "till", "rubrik"]);
    Ok(page(
        DocumentPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            document,
            version: seen,
            kinds: kinds(),
            values: written,
            errors,
        },
        StatusCode::BAD_REQUEST,
    ))
}
