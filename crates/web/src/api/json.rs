//! The API's JSON bodies and query strings: one that cannot be read is refused with problem
//! details in Swedish that say what is wrong and where.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::Failure;

/// A JSON body whose rejection is a problem detail in Swedish naming what is wrong and where.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Failure;

    async fn from_request(request: Request, state: &S) -> Result<Self, Failure> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_failure(&rejection)),
        }
    }
}

/// A query string whose rejection is a problem detail naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(rejection) => {
                let detail = source_text(&rejection);
                let (field, message) = match detail.split_once(": ") {
                    Some((name, message)) if !name.contains(' ') => (name.to_owned(), message),
                    _ => ("query".to_owned(), detail.as_str()),
                };
                Err(Failure::bad_request(
                    &field,
                    format!(
                        "fel i adressens parameter «{field}»: {}",
                        uppfolj_model::text::serde_message_in_swedish(message)
                    ),
                ))
            }
        }
    }
}

fn json_failure(rejection: &JsonRejection) -> Failure {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return Failure::too_large();
    }
    match rejection {
        JsonRejection::MissingJsonContentType(_) => Failure::bad_request(
            "Content-Type",
            "skicka JSON med Content-Type: application/json",
        ),
        JsonRejection::JsonSyntaxError(e) => Failure::bad_request(
            "body",
            format!("ogiltig JSON: {}", where_in_json(&source_text(e))),
        ),
        JsonRejection::JsonDataError(e) => {
            let detail = source_text(e);
            let (field, message): (String, String) = match detail.split_once(": ") {
                Some((path, message)) if !path.contains(' ') => (path.into(), message.into()),
                _ => ("body".into(), detail.clone()),
            };
            Failure::bad_request(
                &field,
                format!("fel i JSON vid «{field}»: {}", where_in_json(&message)),
            )
        }
        other => Failure::bad_request(
            "body",
            format!("kan inte läsa kroppen: {}", other.body_text()),
        ),
    }
}

/// The innermost cause's text: serde_json's own message with its position.
fn source_text(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text = s.to_string();
        source = s.source();
    }
    text
}

/// serde_json's message in Swedish, with its position as "rad, kolumn".
fn where_in_json(message: &str) -> String {
    let (text, position) = match message.rsplit_once(" at line ") {
        Some((text, position)) => (text, Some(position.replace(" column ", ", kolumn "))),
        None => (message, None),
    };
    let text = uppfolj_model::text::serde_message_in_swedish(text);
    match position {
        Some(position) => format!("{text} (rad {position})"),
        None => text,
    }
}
