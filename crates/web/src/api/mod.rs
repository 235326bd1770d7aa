//! The JSON API under `/api/v1`: the same rules as the pages, problem details on failure, and an
//! OpenAPI 3.1 description generated from these handlers.

mod admin;
mod council;
mod json;
mod responses;
mod rounds;
pub mod types;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use utoipa::OpenApi;

use crate::state::AppState;

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
        .route(
            "/api/v1/rounds/{round}",
            get(rounds::detail).patch(rounds::change),
        )
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
        .route(
            "/api/v1/rounds/{round}/council/{document}",
            get(council::report),
        )
        .route(
            "/api/v1/rounds/{round}/council/{document}/assessments/{subject}",
            put(council::assess),
        )
        .route(
            "/api/v1/rounds/{round}/council/{document}/narratives/{section}",
            put(council::narrate),
        )
        .route(
            "/api/v1/documents/{document}/indicators",
            get(council::indicators),
        )
        .route(
            "/api/v1/documents/{document}/indicators/{indicator}",
            put(council::save_indicator),
        )
        .route(
            "/api/v1/documents/{document}/assessment-settings",
            get(council::assessment_settings).put(council::set_assessment_settings),
        )
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Uppfölj API", description = "Uppföljning av styrdokument: omgångar, svar, arbetsflöde och uppföljningsrapporten."),
    paths(
        admin::me, admin::logout_everywhere, admin::organisations, admin::users, admin::create_user,
        admin::tokens, admin::create_token, admin::revoke_token,
        rounds::list, rounds::create, rounds::detail, rounds::change, rounds::change_state, rounds::set_thresholds, rounds::set_target, rounds::remove_target,
        responses::progress, responses::response, responses::save, responses::withhold, responses::save_batch, responses::submit,
        responses::send_back, responses::accept, responses::reopen, responses::history,
        council::report, council::assess, council::narrate, council::indicators, council::save_indicator,
        council::assessment_settings, council::set_assessment_settings,
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
