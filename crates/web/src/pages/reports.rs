//! Report downloads from the web: an organisation's report as an HTML page, a PDF or a Markdown
//! file, for those who may read the response.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use uppfolj_model::Key;

use crate::auth::Caller;
use crate::{AppState, Failure, WebError};
use uppfolj_app::reports::organisation_report;

pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/svar/{organisation}/{file}", get(report))
}

async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Path((round, organisation, file)): Path<(String, String, String)>,
) -> Result<Response, Response> {
    let not_found = |what: String| WebError::NotFound(what).into_response();
    let round = Key::parse(&round).map_err(|_| not_found(format!("omgången «{round}»")))?;
    let organisation = Key::parse(&organisation)
        .map_err(|_| not_found(format!("organisationen «{organisation}»")))?;
    let withheld_shown = caller.actor.sees_withheld(&organisation);
    let report = organisation_report(&state.store, &round, &organisation, withheld_shown)
        .await
        .map_err(|e| WebError::from(e).into_response())?;
    let round_state = state
        .store
        .round(&round)
        .await
        .map_err(|e| WebError::from(e).into_response())?
        .state;
    if !caller
        .actor
        .may_read(&organisation, round_state, report.state)
    {
        return Err(
            Failure::forbidden(false, "du har inte tillgång till den här rapporten")
                .into_response(),
        );
    }
    match file.as_str() {
        "rapport.html" => {
            let html = report
                .html()
                .map_err(|e| WebError::Render(e.to_string()).into_response())?;
            // The report is a standalone page with its own styles and no script.
            let policy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
            Ok((
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CONTENT_SECURITY_POLICY, policy),
                ],
                html,
            )
                .into_response())
        }
        "rapport.pdf" => {
            // Typesetting is CPU-bound work of some tens of milliseconds; keep it off the
            // threads that serve requests.
            let pdf = tokio::task::spawn_blocking(move || report.pdf())
                .await
                .map_err(|e| WebError::Render(e.to_string()).into_response())?
                .map_err(|e| WebError::Render(e.to_string()).into_response())?;
            let disposition =
                format!("attachment; filename=\"rapport-{round}-{organisation}.pdf\"");
            Ok((
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                pdf,
            )
                .into_response())
        }
        "rapport.docx" => {
            let docx = uppfolj_report::organisation_docx(&report)
                .map_err(|e| WebError::Render(e.to_string()).into_response())?;
            Ok(crate::layout::download(
                docx,
                uppfolj_report::CouncilFormat::Docx.media_type(),
                &format!("rapport-{round}-{organisation}.docx"),
            ))
        }
        "rapport.md" => {
            let disposition = format!("attachment; filename=\"rapport-{round}-{organisation}.md\"");
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "text/markdown; charset=utf-8".to_owned(),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                report.markdown(),
            )
                .into_response())
        }
        _ => Err(not_found(format!("filen «{file}»"))),
    }
}
