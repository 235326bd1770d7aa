use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use uppfolj_store::StoreError;

/// What can go wrong in a request, turned into a Swedish page with the right status.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0} finns inte")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("sidan kunde inte visas: {0}")]
    Render(String),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            WebError::NotFound(_) | WebError::Store(StoreError::NotFound(_)) => {
                (StatusCode::NOT_FOUND, "Sidan finns inte", self.to_string())
            }
            WebError::Store(_) | WebError::Render(_) => {
                tracing::error!(error = ?self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Något gick fel",
                    "Ett fel uppstod i servern. Försök igen om en stund; felet är loggat."
                        .to_owned(),
                )
            }
        };
        let page = ErrorPage { title, message };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, title.to_owned()).into_response(),
        }
    }
}
