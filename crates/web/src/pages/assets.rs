//! What the pages load besides themselves, embedded in the binary: the stylesheet (the report
//! crate's, which the HTML files carry inside) and the answer form's small script; and the
//! health check a load balancer asks.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health))
        .route("/halsa", get(health))
        .route("/assets/uppfolj.css", get(stylesheet))
        .route("/assets/uppfolj.js", get(script))
        .route("/assets/tema.css", get(theme_stylesheet))
        .route("/assets/logo", get(logo))
}

/// For load balancers and monitoring: 200 when the database answers and its schema is this
/// program's, 503 otherwise, with what was found as JSON.
async fn health(State(state): State<AppState>) -> Response {
    match state.store.schema_versions().await {
        Ok((applied, known)) if applied == known => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok", "schema": applied })),
        )
            .into_response(),
        Ok((applied, known)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "fel",
                "database": "ok",
                "schema": applied,
                "detail": format!(
                    "databasens schema är version {applied}, programmets {known}; kör uppfolj init med rätt version"
                ),
            })),
        )
            .into_response(),
        Err(e) => {
            tracing::error!("health check: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "fel", "database": "svarar inte" })),
            )
                .into_response()
        }
    }
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        uppfolj_report::STYLESHEET,
    )
}

/// The answer form's small enhancement: each question saves as it changes. Everything works
/// without it.
const SCRIPT: &str = include_str!("../../assets/uppfolj.js");

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
}

/// The city's colours, loaded after Uppfölj's stylesheet.
async fn theme_stylesheet(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        state.config.theme.stylesheet(),
    )
}

/// The city's logo, or 404 without one.
async fn logo(State(state): State<AppState>) -> Response {
    match state.config.theme.logo() {
        Some((bytes, media_type)) => {
            ([(header::CONTENT_TYPE, media_type)], bytes.to_vec()).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
