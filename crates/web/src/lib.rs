//! The web server: routes, server-rendered pages in Swedish.
//!
//! Handlers are thin: they parse the request, call the store or the model, and render a template.

mod error;
mod pages;

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use uppfolj_store::Store;

pub use error::WebError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    pages::router().with_state(state)
}

/// A bound server, ready to run. Binding happens in `build`, so a test can ask for port 0 and
/// learn the port before serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Binds `addr` and prepares the routes.
    pub async fn build(store: Store, addr: SocketAddr) -> std::io::Result<Application> {
        let listener = TcpListener::bind(addr).await?;
        Ok(Application {
            listener,
            router: router(AppState { store }),
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then finishes the requests under way.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
    }
}
