//! The JSON API under `/api/v1`: the same rules as the pages, problem details on failure, and an
//! OpenAPI 3.1 description generated from these handlers.

mod admin;
mod responses;
mod rounds;
pub mod types;

use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

use crate::AppState;
use crate::error::Failure;
use uppfolj_app::lookup::{key, require_coordinator, visible_round};
use uppfolj_app::reports::round_documents;

/// Every `/api/v1` route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/me", get(admin::me))
        .route(
            "/api/v1/me/sessions",
            axum::routing::delete(admin::logout_everywhere),
        )
        .route("/api/v1/organisations", get(admin::organisations))
        .route("/api/v1/users", get(admin::users).post(admin::create_user))
        .route(
            "/api/v1/tokens",
            get(admin::tokens).post(admin::create_token),
        )
        .route(
            "/api/v1/tokens/{id}",
            axum::routing::delete(admin::revoke_token),
        )
        .route("/api/v1/rounds", get(rounds::list).post(rounds::create))
        .route("/api/v1/rounds/{round}", get(rounds::detail))
        .route("/api/v1/rounds/{round}/state", post(rounds::change_state))
        .route("/api/v1/rounds/{round}/status", put(rounds::set_thresholds))
        .route(
            "/api/v1/rounds/{round}/targets/{document}/{question}",
            put(rounds::set_target).delete(rounds::remove_target),
        )
        .route("/api/v1/rounds/{round}/responses", get(responses::progress))
        .route(
            "/api/v1/rounds/{round}/responses/{organisation}",
            get(responses::response),
        )
        .route(
            "/api/v1/rounds/{round}/responses/{organisation}/answers",
            put(responses::save_batch),
        )
        .route(
            "/api/v1/rounds/{round}/responses/{organisation}/answers/{document}/{question}",
            put(responses::save),
        )
        .route(
            "/api/v1/rounds/{round}/responses/{organisation}/answers/{document}/{question}/withheld",
            put(responses::withhold),
        )
        .route(
            "/api/v1/rounds/{round}/responses/{organisation}/submit",
            post(responses::submit),
        )
        .route(
            "/api/v1/rounds/{round}/responses/{organisation}/return",
            post(responses::send_back),
        )
        .route(
            "/api/v1/rounds/{round}/responses/{organisation}/accept",
            post(responses::accept),
        )
        .route(
            "/api/v1/rounds/{round}/responses/{organisation}/reopen",
            post(responses::reopen),
        )
        .route(
            "/api/v1/rounds/{round}/responses/{organisation}/history",
            get(responses::history),
        )
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Uppfölj API", description = "Uppföljning av styrdokument: omgångar, svar och arbetsflöde."),
    paths(
        admin::me, admin::logout_everywhere, admin::organisations, admin::users, admin::create_user,
        admin::tokens, admin::create_token, admin::revoke_token,
        rounds::list, rounds::create, rounds::detail, rounds::change_state, rounds::set_thresholds, rounds::set_target, rounds::remove_target,
        responses::progress, responses::response, responses::save, responses::withhold, responses::save_batch, responses::submit,
        responses::send_back, responses::accept, responses::reopen, responses::history,
    ),
    modifiers(&BearerAuth),
    security(("token" = []), ("session" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        ApiDoc::openapi().to_pretty_json().unwrap_or_default(),
    )
        .into_response()
}

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

fn json_failure(rejection: &JsonRejection) -> Failure {
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
