//! What every page shares around its content: the site header for a signed-in person, the
//! rendering of a template as a response, and how sentences, dates and deadlines are written.
//! The lowest module of the web crate: errors, forms and pages build on it.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use uppfolj_model::Answer;

/// What the site header shows a signed-in person on every page: who they are, where they may
/// go, and a way to log out.
pub struct Nav {
    pub email: String,
    pub csrf: String,
    /// Whether the coordinators' pages are linked.
    pub manage: bool,
}

/// Renders a page with a status; pages with answers on them are not stored by browsers. A
/// template that cannot render is a fault of the program, logged and told as such.
pub fn page(template: impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "a page could not be rendered");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Sidan kunde inte visas. Försök igen om en stund; felet är loggat.",
            )
                .into_response()
        }
    }
}

/// A message written to follow a colon (as problem details and the model's are) as a sentence of
/// its own, for a page.
/// A file to save, under `name`.
pub fn download(file: Vec<u8>, media_type: &str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        file,
    )
        .into_response()
}

pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect::<String>() + ".")
        .unwrap_or_default()
}

/// When an answer was saved and by whom: «Sparat 2026-11-26 14:03 av anna@goteborg.se».
pub fn saved(answer: &Answer) -> String {
    format!(
        "Sparat {} av {}",
        uppfolj_model::text::swedish_time(answer.changed_at),
        answer.changed_by
    )
}

/// Days to a deadline in words: «3 dagar kvar», «sista dagen i dag», «2 dagar sent».
pub fn days_left(days: i64) -> String {
    match days {
        0 => "sista dagen i dag".to_owned(),
        1 => "1 dag kvar".to_owned(),
        -1 => "1 dag sent".to_owned(),
        d if d > 1 => format!("{d} dagar kvar"),
        d => format!("{} dagar sent", -d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_are_told_in_days_left_or_late() {
        let told: Vec<String> = [3, 1, 0, -1, -4].into_iter().map(days_left).collect();
        assert_eq!(
            told,
            [
                "3 dagar kvar",
                "1 dag kvar",
                "sista dagen i dag",
                "1 dag sent",
                "4 dagar sent"
            ]
        );
    }

    #[test]
    fn a_message_becomes_a_sentence() {
        assert_eq!(capitalised("välj en roll"), "Välj en roll.");
        assert_eq!(capitalised(""), "");
    }
}
