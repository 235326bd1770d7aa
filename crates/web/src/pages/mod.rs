//! Server-rendered pages: logging in and out, the rounds, reports and compilations.

pub mod compilation;
mod reports;
mod rounds;
mod session;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(rounds::router())
        .merge(session::router())
        .merge(reports::router())
        .merge(compilation::router())
        .route("/halsa", get(health))
        .route("/assets/uppfolj.css", get(stylesheet))
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
