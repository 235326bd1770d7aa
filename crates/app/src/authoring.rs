//! A steering document's questions from an authoring file (XLSForm, LimeSurvey, SurveyJS) and
//! out as one: the same checks on the pages as on the command line, and nothing stored unless
//! everything holds.

use std::path::Path;

use uppfolj_exchange::Diagnostic;
use uppfolj_exchange::authoring::{self, QuestionSet, surveyjs, xlsform};
use uppfolj_model::{Actor, AuditAction, Key};
use uppfolj_store::StoreError;

use crate::lookup::key;
use crate::{App, audit};

/// Why an authoring file was not stored.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("bara samordnare får läsa in styrdokument")]
    NotCoordinator,
    /// Every problem found in the file, with its place; nothing was stored.
    #[error("{} problem hittades; inget sparades", .0.len())]
    Problems(Vec<Diagnostic>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an import stored.
pub struct Imported {
    pub document: Key,
    pub title: String,
    pub questions: usize,
}

/// Reads `bytes` (named `file` in messages), checks the document it holds with everything
/// stored, and stores it: a new document, or a new version of one with the same key. Made from
/// the settings as read, so that a change made meanwhile is a conflict.
pub async fn import(
    app: &App,
    actor: &Actor,
    file: &str,
    bytes: &[u8],
) -> Result<Imported, ImportError> {
    if !actor.may_manage() {
        return Err(ImportError::NotCoordinator);
    }
    let (seen, stored) = app.store.definitions_at().await?;
    let checked =
        authoring::import(Path::new(file), bytes, &stored).map_err(ImportError::Problems)?;
    let document = &checked.documents[0];
    let imported = Imported {
        document: document.key.clone(),
        title: document.title.clone(),
        questions: document.all_questions().count(),
    };
    app.store
        .apply_definitions_unless_changed(&checked, seen)
        .await?;
    let subject = format!("styrdokument/{}", imported.document);
    let after = serde_json::json!({ "file": file, "questions": imported.questions });
    let (email, action) = (actor.email.as_str(), AuditAction::DefinitionsImported);
    audit::record(&app.store, email, action, &subject, None, Some(&after)).await;
    Ok(imported)
}

/// The authoring formats a document is written out in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    XlsForm,
    SurveyJs,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::XlsForm => "xlsx",
            ExportFormat::SurveyJs => "json",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            ExportFormat::XlsForm => uppfolj_exchange::compilation::XLSX_MEDIA_TYPE,
            ExportFormat::SurveyJs => "application/json",
        }
    }
}

/// Why a document could not be written out.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Lookup(#[from] crate::LookupError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The workbook could not hold the document (a text longer than a cell takes, say).
    #[error("arbetsboken kunde inte skrivas: {0}")]
    Workbook(String),
}

/// A stored document as an authoring file, for a coordinator: the bytes and the file's name.
pub async fn export(
    app: &App,
    actor: &Actor,
    document: &str,
    format: ExportFormat,
) -> Result<(String, Vec<u8>), ExportError> {
    if !actor.may_manage() {
        return Err(crate::LookupError::Forbidden(
            "bara samordnare får ladda ner styrdokumentens frågor".into(),
        )
        .into());
    }
    let document = key(document, "styrdokumentet")?;
    let stored = app.store.definitions().await?;
    let set = QuestionSet::of(&stored, &document)
        .ok_or_else(|| crate::LookupError::NotFound(format!("styrdokumentet «{document}»")))?;
    let bytes = match format {
        ExportFormat::XlsForm => {
            xlsform::write(&set).map_err(|e| ExportError::Workbook(e.to_string()))?
        }
        ExportFormat::SurveyJs => surveyjs::write(&set).into_bytes(),
    };
    Ok((format!("{document}.{}", format.extension()), bytes))
}
