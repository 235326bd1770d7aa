//! What the pages load besides themselves, embedded in the binary: the stylesheet (the report
//! crate's, which the HTML files carry inside) and the answer form's small script; and the
//! health check a load balancer asks.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/halsa", get(health))
        .route("/assets/uppfolj.css", get(stylesheet))
        .route("/assets/uppfolj.js", get(script))
}

async fn health() -> &'static str {
    "ok"
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
