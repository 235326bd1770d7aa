//! The audit log for coordinators: every recorded administrative action, newest first, filtered
//! by action, actor and subject, a page at a time.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use uppfolj_app::lookup::require_coordinator;
use uppfolj_model::AuditAction;
use uppfolj_model::text::swedish_time;
use uppfolj_store::AuditFilter;

use crate::auth::Caller;
use crate::error::Failure;
use crate::layout::{Nav, page};
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new().route("/logg", get(show))
}

/// Entries per page.
const PAGE: u32 = 100;

/// One entry as shown.
struct Row {
    at: String,
    actor: String,
    action: &'static str,
    subject: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    actions: Vec<(&'static str, &'static str)>,
    filter_action: String,
    filter_actor: String,
    filter_subject: String,
    filtered: bool,
    entries: Vec<Row>,
    /// The address of the next (older) page, when there is one.
    next: Option<String>,
}

/// The filters as the form sends them: `?handelse=login_failed&vem=anna&vad=omgång/2025&fore=12`.
#[derive(serde::Deserialize, Default)]
struct Shown {
    #[serde(default)]
    handelse: String,
    #[serde(default)]
    vem: String,
    #[serde(default)]
    vad: String,
    fore: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Query(shown): Query<Shown>,
) -> Result<Response, WebError> {
    require_coordinator(&caller.actor)?;
    let action = match shown.handelse.trim() {
        "" => None,
        code => Some(AuditAction::from_code(code).ok_or_else(|| {
            Failure::bad_request(
                "handelse",
                format!("händelsen «{code}» finns inte i loggen"),
            )
        })?),
    };
    let before = match shown.fore.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) => Some(id.parse::<i64>().map_err(|_| {
            Failure::bad_request("fore", format!("«{id}» är inte ett nummer i loggen"))
        })?),
    };
    let text = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    let filter = AuditFilter {
        action,
        actor: text(&shown.vem),
        subject: text(&shown.vad),
        before,
        limit: PAGE + 1,
    };
    let mut entries = state.store.audit_log(&filter).await?;
    let more = entries.len() > PAGE as usize;
    entries.truncate(PAGE as usize);
    let next = match (more, entries.last()) {
        (true, Some(last)) => {
            let query = serde_html_form::to_string([
                ("handelse", shown.handelse.trim()),
                ("vem", shown.vem.trim()),
                ("vad", shown.vad.trim()),
                ("fore", &last.id.to_string()),
            ])
            .map_err(|e| WebError::Render(e.to_string()))?;
            Some(format!("/logg?{query}"))
        }
        _ => None,
    };
    let filtered = filter.action.is_some() || filter.actor.is_some() || filter.subject.is_some();
    let json = |value: Option<String>| value.unwrap_or_else(|| "–".to_owned());
    Ok(page(
        AuditPage {
            nav: caller.nav(),
            actions: AuditAction::ALL
                .iter()
                .map(|a| (a.code(), a.label()))
                .collect(),
            filter_action: shown.handelse.trim().to_owned(),
            filter_actor: shown.vem,
            filter_subject: shown.vad,
            filtered,
            entries: entries
                .into_iter()
                .map(|e| Row {
                    at: swedish_time(e.at),
                    actor: e.actor,
                    action: e.action.label(),
                    subject: e.subject,
                    before: json(e.before),
                    after: json(e.after),
                })
                .collect(),
            next,
        },
        StatusCode::OK,
    ))
}
