//! The steering documents: each with its kind, period and number of active questions, and a form
//! to create a new, empty one.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use uppfolj_model::text::swedish_cmp;
use uppfolj_model::{AuditAction, Definitions, Document, DocumentKind, Period};
use uppfolj_store::{DocumentFields, StoreError};

use super::common::{coordinator_definitions, new_key};
use crate::auth::Caller;
use crate::error::WebError;
use crate::forms::{FieldErrors, Form, check_csrf};
use crate::layout::{Nav, page};
use crate::state::AppState;

/// A document's own fields as the new-document and edit forms post them; a field left out reads
/// as empty and is refused as such.
#[derive(Default, Deserialize)]
#[serde(default)]
pub(super) struct DocumentForm {
    pub csrf: String,
    /// The version the edit form was made from; the new-document form has none.
    pub version: Option<i64>,
    pub titel: String,
    pub rubrik: String,
    pub typ: String,
    pub fran: String,
    pub till: String,
    pub nyckel: String,
}

/// One document in the list.
struct Row {
    key: String,
    title: String,
    kind: String,
    period: String,
    questions: usize,
}

/// The new document's fields as written.
pub(super) struct DocumentValues {
    pub title: String,
    pub report_heading: String,
    pub kind: String,
    pub from: String,
    pub to: String,
    pub key: String,
}

impl DocumentValues {
    /// Checks the fields with the model's rules and returns them as stored, or adds refusals to
    /// `errors` at their fields.
    pub fn fields(&self, errors: &mut FieldErrors) -> Option<DocumentFields> {
        let before = errors.count();
        let kind = DocumentKind::parse(&self.kind);
        if kind.is_none() {
            errors.refuse("typ", "välj vad för slags styrdokument det är");
        }
        let year = |text: &str, id: &str, errors: &mut FieldErrors| match text.trim().parse::<i32>()
        {
            Ok(year) if (1900..=2200).contains(&year) => Some(year),
            _ => {
                errors.refuse(id, format!("«{}» är inte ett årtal", text.trim()));
                None
            }
        };
        let from = year(&self.from, "fran", errors);
        let to = year(&self.to, "till", errors);
        let heading = self.report_heading.trim();
        let fields = DocumentFields {
            title: self.title.trim().to_owned(),
            report_heading: (!heading.is_empty()).then(|| heading.to_owned()),
            kind: kind.unwrap_or(DocumentKind::Program),
            period: Period {
                from: from.unwrap_or(0),
                to: to.unwrap_or(0),
            },
        };
        let document = Document {
            key: uppfolj_model::Key::parse("dokument").expect("a key"),
            title: fields.title.clone(),
            report_heading: fields.report_heading.clone(),
            kind: fields.kind,
            period: fields.period,
            sections: vec![],
        };
        let mut problems = document.field_problems();
        if from.is_none() || to.is_none() {
            problems.retain(|p| !p.path.to_string().starts_with("period"));
        }
        errors.problems(
            &problems,
            &[
                ("title", "titel"),
                ("report_heading", "rubrik"),
                ("period", "till"),
            ],
            "titel",
        );
        (errors.count() == before).then_some(fields)
    }
}

/// The kinds to choose from, as stored and as shown.
pub(super) fn kinds() -> Vec<(&'static str, String)> {
    DocumentKind::ALL
        .into_iter()
        .map(|k| (k.as_str(), k.label().to_owned()))
        .collect()
}

#[derive(Template)]
#[template(path = "documents.html")]
struct ListPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    rows: Vec<Row>,
    kinds: Vec<(&'static str, String)>,
    values: DocumentValues,
    errors: FieldErrors,
    /// Why an uploaded file was not read in: each problem with its place in the file.
    upload: Vec<String>,
}

fn rows(definitions: &Definitions) -> Vec<Row> {
    let mut documents: Vec<&Document> = definitions.documents.iter().collect();
    documents.sort_by(|a, b| swedish_cmp(&a.title, &b.title));
    documents
        .into_iter()
        .map(|d| Row {
            key: d.key.to_string(),
            title: d.title.clone(),
            kind: d.kind.label().to_owned(),
            period: d.period.to_string(),
            questions: d.current().all_questions().count(),
        })
        .collect()
}

pub(super) async fn show(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, WebError> {
    list_page(&state, &caller, vec![], StatusCode::OK).await
}

/// The list with the new-document form empty, and what an upload was refused for.
pub(super) async fn list_page(
    state: &AppState,
    caller: &Caller,
    upload: Vec<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let definitions = coordinator_definitions(state, caller).await?;
    let year = time::OffsetDateTime::now_utc().year();
    Ok(page(
        ListPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            rows: rows(&definitions),
            kinds: kinds(),
            values: DocumentValues {
                title: String::new(),
                report_heading: String::new(),
                kind: String::new(),
                from: year.to_string(),
                to: (year + 3).to_string(),
                key: String::new(),
            },
            errors: FieldErrors::default(),
            upload,
        },
        status,
    ))
}

pub(super) async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<DocumentForm>,
) -> Result<Response, WebError> {
    check_csrf(&caller, &form.csrf)?;
    let definitions = coordinator_definitions(&state, &caller).await?;
    let values = DocumentValues {
        title: form.titel,
        report_heading: form.rubrik,
        kind: form.typ,
        from: form.fran,
        to: form.till,
        key: form.nyckel,
    };
    let mut errors = FieldErrors::default();
    let checked = values.fields(&mut errors);
    let key = new_key(
        &values.key,
        &values.title,
        |k| definitions.documents.iter().any(|d| &d.key == k),
        "dokumentnyckeln",
        "nyckel",
        &mut errors,
    );
    if let (Some(checked), Some(key), true) = (checked, key, errors.is_empty()) {
        match state.store.create_document(&key, &checked).await {
            Ok(()) => {
                let subject = format!("styrdokument/{key}");
                let action = AuditAction::DocumentCreated;
                caller
                    .audit(&state, action, &subject, None, Some(&checked))
                    .await;
                return Ok(
                    Redirect::to(&format!("/styrdokument/{key}?sparat=skapat")).into_response()
                );
            }
            Err(StoreError::Rule(message)) => errors.refuse("nyckel", message),
            Err(e) => return Err(e.into()),
        }
    }
    errors.order(&["titel", "typ", "fran", "till", "rubrik", "nyckel"]);
    let definitions = state.store.definitions().await?;
    Ok(page(
        ListPage {
            nav: caller.nav(),
            csrf: caller.csrf(),
            rows: rows(&definitions),
            kinds: kinds(),
            values,
            errors,
            upload: vec![],
        },
        StatusCode::BAD_REQUEST,
    ))
}
