//! `/metrics` in Prometheus' text format, read only from the configured addresses or with the
//! configured bearer token, and the layer that counts and times every request.

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use uppfolj_app::secrets::same_secret;

use crate::auth::client_address;
use crate::state::AppState;

/// Counts every request by the route that answered it (its pattern, so that ids do not make
/// new series, written `/omgangar/:round` as braces trip up some scrapers' parsers), its method
/// and status, and times it.
pub(crate) async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || "okänd".to_owned(),
        |p| p.as_str().replace('{', ":").replace('}', ""),
    );
    let method = request.method().as_str().to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    state.metrics.answered(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// `GET /metrics`: for the configured addresses, or anyone with the token.
pub(crate) async fn show(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
) -> Response {
    let access = &state.config.metrics;
    let client = client_address(
        peer.map(|p| p.0.0.ip()),
        &headers,
        &state.config.trusted_proxies,
    );
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let by_token =
        matches!((bearer, &access.token), (Some(given), Some(token)) if same_secret(given, token));
    let by_address = client.is_some_and(|c| access.allow.contains(&c));
    if !(by_token || by_address) {
        return (
            StatusCode::FORBIDDEN,
            "Mätvärdena visas bara för de adresser som är inställda (metrics_allow) eller med rätt token (metrics_token).\n",
        )
            .into_response();
    }
    (
        [(header::CONTENT_TYPE, prometheus::TEXT_FORMAT)],
        state.metrics.render(&state.store),
    )
        .into_response()
}
