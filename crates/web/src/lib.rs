//! The web server: the JSON API under `/api/v1` and server-rendered pages in Swedish.
//!
//! Handlers are thin: they parse the request, check who asks, call a use case of
//! `uppfolj_app` (or the store for what only one page does), and render; an error from a use
//! case becomes problem details or a Swedish page in `error.rs`. Every route that shows or
//! changes data takes a [`auth::Caller`], so none can be reached without logging in.

mod api;
mod auth;
mod error;
mod forms;
mod instruments;
mod layout;
mod metrics;
mod pages;
mod state;
mod theme;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use uppfolj_store::Store;

pub use api::ApiDoc;
pub use error::{Failure, WebError};
pub use instruments::MetricsAccess;
pub use state::{AppState, WebConfig};
pub use theme::{Accent, Logo, Theme, ThemeError};

/// Every route of the application, with security headers on every response.
pub fn router(state: AppState) -> Router {
    api::router()
        .merge(pages::router())
        .route("/metrics", axum::routing::get(metrics::show))
        .fallback(unknown_path)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(middleware::from_fn_with_state(
            state.config.theme.clone(),
            theme::scope,
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(request_id))
        .with_state(state)
}

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being answered, for error pages: the one line an operator needs to
/// find it in the logs.
pub(crate) fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Gives every request an id — in its log lines, in the `x-request-id` response header and on
/// error pages — and logs it once answered, with its status and how long it took.
async fn request_id(request: Request, next: Next) -> Response {
    use tracing::Instrument;
    let id = format!("{:016x}", rand::random::<u64>());
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let started = std::time::Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(request))
        .instrument(span.clone())
        .await;
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "answered"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// A 404 in the form the asker expects: problem details under `/api`, a page elsewhere.
async fn unknown_path(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        Failure::not_found("det finns ingen sådan adress i API:t").into_response()
    } else {
        WebError::NotFound("sidan".into()).into_response()
    }
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    response
}

/// A bound server, ready to run. Binding comes first, so a caller can ask for port 0 and learn
/// the port (and so its public address) before serving.
pub struct Application {
    listener: TcpListener,
    store: Store,
}

impl Application {
    /// Binds `addr`.
    pub async fn bind(store: Store, addr: SocketAddr) -> std::io::Result<Application> {
        Ok(Application {
            listener: TcpListener::bind(addr).await?,
            store,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then finishes the requests under way.
    pub async fn run_until(
        self,
        config: WebConfig,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = router(AppState::new(self.store, config));
        axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}
