//! Errors at the edge: a Swedish HTML page for people, RFC 9457 problem details for the API.
//! Internal causes are logged, never shown.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::{Value, json};
use uppfolj_app::accounts::{AccountError, TokenError};
use uppfolj_app::council::CouncilError;
use uppfolj_app::organisations::OrganisationChangeError;
use uppfolj_app::{LookupError, ResponseError, RoundError};
use uppfolj_store::{AccountChangeError, OrganisationError, SaveError, StoreError, WorkflowError};

use crate::layout::{Nav, capitalised};

/// What can go wrong in a page request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0} finns inte")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A page the caller may not see; the message says why.
    #[error("{0}")]
    Forbidden(String),
    #[error("sidan kunde inte visas: {0}")]
    Render(String),
    /// A refusal from a check the pages share with the API, shown as a page.
    #[error("{}", .0.detail)]
    Refused(Failure),
}

impl From<Failure> for WebError {
    fn from(failure: Failure) -> WebError {
        WebError::Refused(failure)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    nav: Option<Nav>,
    title: &'a str,
    message: String,
}

fn error_page(status: StatusCode, title: &str, message: String) -> Response {
    match (ErrorPage {
        nav: None,
        title,
        message,
    })
    .render()
    {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, title.to_owned()).into_response(),
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::Refused(mut failure) => {
                failure.api = false;
                failure.into_response()
            }
            WebError::NotFound(_) | WebError::Store(StoreError::NotFound(_)) => {
                error_page(StatusCode::NOT_FOUND, "Sidan finns inte", self.to_string())
            }
            WebError::Forbidden(_) => {
                error_page(StatusCode::FORBIDDEN, "Ingen åtkomst", self.to_string())
            }
            WebError::Store(_) | WebError::Render(_) => {
                tracing::error!(error = ?self, "request failed");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Något gick fel",
                    "Ett fel uppstod i servern. Försök igen om en stund; felet är loggat."
                        .to_owned(),
                )
            }
        }
    }
}

/// A refused or failed request, rendered as problem details under `/api` and as a page elsewhere.
#[derive(Debug)]
pub struct Failure {
    pub api: bool,
    pub status: StatusCode,
    /// A short, stable name for the kind of problem (the problem's `type` ends with it).
    pub kind: &'static str,
    pub title: &'static str,
    pub detail: String,
    /// Further members of the problem object: the field, the current answer, the problem list.
    pub extra: Value,
}

impl Failure {
    fn new(
        api: bool,
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Failure {
        Failure {
            api,
            status,
            kind,
            title,
            detail: detail.into(),
            extra: json!({}),
        }
    }

    pub fn unauthenticated(api: bool) -> Failure {
        Failure::new(
            api,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Inloggning krävs",
            "logga in eller ange en giltig API-token",
        )
    }

    pub fn forbidden(api: bool, detail: impl Into<String>) -> Failure {
        Failure::new(
            api,
            StatusCode::FORBIDDEN,
            "forbidden",
            "Åtkomst nekad",
            detail,
        )
    }

    pub fn not_found(detail: impl Into<String>) -> Failure {
        Failure::new(
            true,
            StatusCode::NOT_FOUND,
            "not-found",
            "Finns inte",
            detail,
        )
    }

    /// Bad input, naming the field it concerns.
    pub fn bad_request(field: &str, detail: impl Into<String>) -> Failure {
        let mut failure = Failure::new(
            true,
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Felaktig indata",
            detail,
        );
        failure.extra = json!({ "field": field });
        failure
    }

    pub fn conflict(detail: impl Into<String>, extra: Value) -> Failure {
        let mut failure = Failure::new(true, StatusCode::CONFLICT, "conflict", "Konflikt", detail);
        failure.extra = extra;
        failure
    }

    pub fn unprocessable(detail: impl Into<String>, extra: Value) -> Failure {
        let mut failure = Failure::new(
            true,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable",
            "Kan inte genomföras",
            detail,
        );
        failure.extra = extra;
        failure
    }

    /// A body over the server's limit (axum's default, 2 MB): nothing of it was read.
    pub fn too_large() -> Failure {
        Failure::new(
            true,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "För stor",
            "det som skickades är större än 2 MB och lästes inte",
        )
    }

    pub fn too_many(detail: impl Into<String>) -> Failure {
        Failure::new(
            true,
            StatusCode::TOO_MANY_REQUESTS,
            "locked",
            "För många försök",
            detail,
        )
    }

    fn internal(cause: &dyn std::fmt::Debug) -> Failure {
        tracing::error!(error = ?cause, "request failed");
        Failure::new(
            true,
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internt fel",
            "ett fel uppstod i servern; försök igen om en stund (felet är loggat)",
        )
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Failure {
        match error {
            StoreError::NotFound(what) => Failure::not_found(format!("{what} finns inte")),
            StoreError::Rule(message) => Failure::conflict(message, json!({})),
            StoreError::Changed => Failure::conflict(StoreError::Changed.to_string(), json!({})),
            StoreError::Stale(_) => Failure::conflict(error.to_string(), json!({})),
            other => Failure::internal(&other),
        }
    }
}

impl From<OrganisationError> for Failure {
    fn from(error: OrganisationError) -> Failure {
        match error {
            OrganisationError::Store(e) => e.into(),
            OrganisationError::KeyTaken(_) => Failure::bad_request("key", error.to_string()),
            OrganisationError::NameTaken(_) => Failure::bad_request("name", error.to_string()),
            OrganisationError::Changed(_) => Failure::conflict(error.to_string(), json!({})),
        }
    }
}

impl From<OrganisationChangeError> for Failure {
    fn from(error: OrganisationChangeError) -> Failure {
        match error {
            OrganisationChangeError::Lookup(e) => e.into(),
            OrganisationChangeError::Refused(e) => e.into(),
        }
    }
}

impl From<AccountChangeError> for Failure {
    fn from(error: AccountChangeError) -> Failure {
        match error {
            AccountChangeError::Store(e) => e.into(),
            AccountChangeError::LastCoordinator(_) | AccountChangeError::Changed(_) => {
                Failure::conflict(error.to_string(), json!({}))
            }
        }
    }
}

impl From<WorkflowError> for Failure {
    fn from(error: WorkflowError) -> Failure {
        match error {
            WorkflowError::Store(e) => e.into(),
            WorkflowError::Transition(e) => Failure::conflict(e.to_string(), json!({})),
            WorkflowError::Refused(message) => Failure::conflict(message, json!({})),
            WorkflowError::Incomplete(problems) => Failure::unprocessable(
                format!(
                    "svaret kan inte skickas in: {} problem att åtgärda",
                    problems.len()
                ),
                json!({ "problems": problems.iter().map(|p| json!({
                    "question": p.question.to_string(),
                    "field": p.field.as_str(),
                    "message": p.message,
                })).collect::<Vec<_>>() }),
            ),
        }
    }
}

impl From<SaveError> for Failure {
    fn from(error: SaveError) -> Failure {
        match error {
            SaveError::Store(e) => e.into(),
            SaveError::Invalid(e) => Failure::bad_request(e.field.as_str(), e.message),
            SaveError::NotAssigned => Failure::forbidden(true, error.to_string()),
            SaveError::RoundNotOpen(_) | SaveError::Locked(_) => {
                Failure::conflict(error.to_string(), json!({}))
            }
            SaveError::Conflict { .. } => Failure::conflict(error.to_string(), json!({})),
        }
    }
}

impl From<LookupError> for Failure {
    fn from(error: LookupError) -> Failure {
        match error {
            LookupError::NotFound(_) => Failure::not_found(error.to_string()),
            LookupError::Forbidden(message) => Failure::forbidden(true, message),
            LookupError::Store(e) => e.into(),
        }
    }
}

impl From<ResponseError> for Failure {
    fn from(error: ResponseError) -> Failure {
        match error {
            ResponseError::Lookup(e) => e.into(),
            ResponseError::Forbidden(message) => Failure::forbidden(true, message),
            ResponseError::Conflict(ref conflict) => Failure::conflict(
                error.to_string(),
                json!({ "question": conflict.question.to_string() }),
            ),
            ResponseError::NotOpen(_) | ResponseError::Refused(_) => {
                Failure::conflict(error.to_string(), json!({}))
            }
            ResponseError::Invalid { field, message } => Failure::bad_request(&field, message),
            ResponseError::Workflow(e) => e.into(),
            ResponseError::Save(e) => e.into(),
            ResponseError::Store(e) => e.into(),
        }
    }
}

impl From<RoundError> for Failure {
    fn from(error: RoundError) -> Failure {
        match error {
            RoundError::Lookup(e) => e.into(),
            RoundError::NotCoordinator => Failure::forbidden(true, error.to_string()),
            RoundError::KeyTaken(_) => {
                Failure::conflict(error.to_string(), json!({ "field": "key" }))
            }
            RoundError::Settled { .. } => Failure::conflict(error.to_string(), json!({})),
            RoundError::PastDates { ref past } => {
                Failure::unprocessable(error.to_string(), json!({ "past_dates": past }))
            }
            RoundError::Unasked(ref questions) => Failure::unprocessable(
                error.to_string(),
                json!({ "questions": questions.iter().map(ToString::to_string).collect::<Vec<_>>() }),
            ),
            RoundError::Invalid {
                field,
                ref problems,
            } => {
                let mut failure = Failure::bad_request(field.as_str(), error.to_string());
                failure.extra["problems"] = json!(problems);
                failure
            }
            RoundError::Store(e) => e.into(),
        }
    }
}

impl From<CouncilError> for Failure {
    fn from(error: CouncilError) -> Failure {
        match error {
            CouncilError::Lookup(e) => e.into(),
            CouncilError::Invalid { field, message } => Failure::bad_request(field, message),
            CouncilError::Store(e) => e.into(),
        }
    }
}

impl From<CouncilError> for WebError {
    fn from(error: CouncilError) -> WebError {
        WebError::Refused(error.into())
    }
}

impl From<AccountError> for Failure {
    fn from(error: AccountError) -> Failure {
        match error {
            AccountError::Password(message) => Failure::bad_request("password", message),
            AccountError::Role(message) => Failure::bad_request("organisations", message),
            AccountError::Store(e) => e.into(),
        }
    }
}

impl From<TokenError> for Failure {
    fn from(error: TokenError) -> Failure {
        match error {
            TokenError::Name => Failure::bad_request("name", error.to_string()),
            TokenError::NotFound(_) => Failure::not_found(error.to_string()),
            TokenError::Store(e) => e.into(),
        }
    }
}

impl From<LookupError> for WebError {
    fn from(error: LookupError) -> WebError {
        WebError::Refused(error.into())
    }
}

impl From<ResponseError> for WebError {
    fn from(error: ResponseError) -> WebError {
        WebError::Refused(error.into())
    }
}

impl From<RoundError> for WebError {
    fn from(error: RoundError) -> WebError {
        WebError::Refused(error.into())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        if !self.api {
            if self.status == StatusCode::UNAUTHORIZED {
                return Redirect::to("/logga-in").into_response();
            }
            return error_page(self.status, self.title, capitalised(&self.detail));
        }
        let mut body = json!({
            "type": format!("urn:uppfolj:problem:{}", self.kind),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), self.extra.as_object()) {
            body.extend(extra.clone());
        }
        let mut response = (self.status, body.to_string()).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
