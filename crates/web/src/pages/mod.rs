//! Server-rendered pages: logging in and out, the rounds, a response's form, submission, review
//! and history, reports and compilations, organisations, users and each user's own account.
//! Every form posts without JavaScript.

mod account;
mod answer_form;
mod answer_save;
mod assignment;
pub mod compilation;
mod documents;
mod forms;
mod history;
mod organisations;
mod reports;
mod review;
mod round_admin;
mod rounds;
mod session;
mod submit;
mod users;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use uppfolj_model::{Answer, QuestionRef};

use crate::auth::Caller;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(rounds::router())
        .merge(session::router())
        .merge(answer_form::router())
        .merge(answer_save::router())
        .merge(submit::router())
        .merge(review::router())
        .merge(round_admin::router())
        .merge(assignment::router())
        .merge(history::router())
        .merge(reports::router())
        .merge(compilation::router())
        .merge(organisations::router())
        .merge(users::router())
        .merge(account::router())
        .merge(documents::router())
        .route("/halsa", get(health))
        .route("/assets/uppfolj.css", get(stylesheet))
        .route("/assets/uppfolj.js", get(script))
}

async fn health() -> &'static str {
    "ok"
}

/// The one stylesheet, embedded in the binary.
const STYLESHEET: &str = include_str!("../../assets/uppfolj.css");

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
}

/// What the site header shows a signed-in person on every page: who they are, where they may
/// go, and a way to log out.
pub struct Nav {
    pub email: String,
    pub csrf: String,
    /// Whether the coordinators' pages are linked.
    pub manage: bool,
}

impl Nav {
    /// The header for a caller with a browser session; token callers have no forms to log out with.
    pub fn of(caller: &Caller) -> Option<Nav> {
        caller.session.as_ref().map(|session| Nav {
            email: caller.actor.email.to_string(),
            csrf: session.csrf.clone(),
            manage: caller.actor.may_manage(),
        })
    }
}

/// The answer form's small enhancement, embedded in the binary: each question saves as it
/// changes. Everything works without it.
const SCRIPT: &str = include_str!("../../assets/uppfolj.js");

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}

/// The token a page's forms carry; empty for a caller without a session (a token has no forms).
fn csrf(caller: &Caller) -> &str {
    caller.session.as_ref().map_or("", |s| s.csrf.as_str())
}

/// Refuses a form post whose CSRF token is not the session's (or that came without a session).
fn check_csrf(caller: &Caller, given: &str) -> Result<(), WebError> {
    if caller.csrf_ok(given) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Formuläret hade gått ut. Ladda om sidan och försök igen.".into(),
        ))
    }
}

/// Renders a page with a status; pages with answers on them are not stored by browsers.
fn page(template: impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => WebError::Render(e.to_string()).into_response(),
    }
}

/// The address of an organisation's response in a round, from which its pages hang.
fn response_path(round: &str, organisation: &str) -> String {
    format!("/omgangar/{round}/svar/{organisation}")
}

/// The id of a question on the form, unique because keys have no `_`; its section is `fraga-…`.
fn question_id(question: &QuestionRef) -> String {
    format!("{}_{}", question.document, question.question)
}

/// When an answer was saved and by whom: «Sparat 2026-11-26 14:03 av anna@goteborg.se».
fn saved(answer: &Answer) -> String {
    format!(
        "Sparat {} av {}",
        uppfolj_model::text::swedish_time(answer.changed_at),
        answer.changed_by
    )
}

/// Days to a deadline in words: «3 dagar kvar», «sista dagen i dag», «2 dagar sent».
fn days_left(days: i64) -> String {
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
}
