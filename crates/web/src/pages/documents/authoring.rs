//! A document's questions as an XLSForm workbook or SurveyJS JSON to download, and an authoring
//! file (XLSForm, LimeSurvey or SurveyJS) uploaded as a document, with the command line's checks
//! and its list of problems; nothing is stored unless everything holds.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use uppfolj_app::authoring::{self, ExportError, ExportFormat, ImportError};
use uppfolj_store::StoreError;

use super::list::list_page;
use crate::auth::Caller;
use crate::error::{Failure, WebError};
use crate::forms::check_csrf;
use crate::layout::{capitalised, download};
use crate::state::AppState;

/// `/styrdokument/{document}/fragor.xlsx`: the document as an XLSForm workbook.
pub(super) async fn xlsform(
    state: State<AppState>,
    caller: Caller,
    document: Path<String>,
) -> Result<Response, WebError> {
    file(state, caller, document, ExportFormat::XlsForm).await
}

/// `/styrdokument/{document}/fragor.json`: the document as SurveyJS JSON.
pub(super) async fn surveyjs(
    state: State<AppState>,
    caller: Caller,
    document: Path<String>,
) -> Result<Response, WebError> {
    file(state, caller, document, ExportFormat::SurveyJs).await
}

async fn file(
    State(state): State<AppState>,
    caller: Caller,
    Path(document): Path<String>,
    format: ExportFormat,
) -> Result<Response, WebError> {
    let (name, bytes) = authoring::export(&state.app, &caller.actor, &document, format)
        .await
        .map_err(|e| match e {
            ExportError::Lookup(e) => WebError::from(e),
            ExportError::Store(e) => WebError::from(e),
            ExportError::Workbook(message) => WebError::Render(message),
        })?;
    Ok(download(bytes, format.media_type(), &name))
}

/// The upload form's file field, and its CSRF token.
const FILE_FIELD: &str = "fil";

/// Reads an uploaded authoring file in as a document: to the document on success, back to the
/// list with every problem otherwise.
pub(super) async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| -> WebError {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Failure::too_large().into()
        } else {
            Failure::bad_request(
                FILE_FIELD,
                format!("filen kunde inte tas emot: {}", e.body_text()),
            )
            .into()
        }
    };
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("csrf") => csrf = field.text().await.map_err(unreadable)?,
            Some(FILE_FIELD) => {
                let name = field.file_name().unwrap_or("filen").to_owned();
                let bytes = field.bytes().await.map_err(unreadable)?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    check_csrf(&caller, &csrf)?;
    let Some((name, bytes)) = file.filter(|(_, bytes)| !bytes.is_empty()) else {
        return list_page(
            &state,
            &caller,
            vec!["Välj en fil att läsa in.".into()],
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    match authoring::import(&state.app, &caller.actor, &name, &bytes).await {
        Ok(imported) => Ok(Redirect::to(&format!(
            "/styrdokument/{}?sparat=inlast",
            imported.document
        ))
        .into_response()),
        Err(ImportError::Problems(problems)) => {
            let said = problems.iter().map(ToString::to_string).collect();
            list_page(&state, &caller, said, StatusCode::BAD_REQUEST).await
        }
        Err(ImportError::Store(StoreError::Changed)) => {
            let said = vec![capitalised(&StoreError::Changed.to_string())];
            list_page(&state, &caller, said, StatusCode::CONFLICT).await
        }
        Err(ImportError::NotCoordinator) => Err(WebError::Forbidden(
            "bara samordnare får läsa in styrdokument".into(),
        )),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}
