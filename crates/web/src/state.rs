//! What every handler reaches: the application's use cases, its store, and the web's settings.

use std::sync::Arc;

use uppfolj_app::App;
use uppfolj_app::oidc::Provider;
use uppfolj_app::oidc::SsoSettings;
use uppfolj_store::Store;

use crate::instruments::{Metrics, MetricsAccess};

/// Settings the web layer needs beyond the database.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The address people use to reach Uppfölj, for links in e-mails and on the command line.
    pub public_url: String,
    /// Mark cookies `Secure` (sent over HTTPS and to localhost only). Turn off only for plain
    /// HTTP on a trusted network.
    pub secure_cookies: bool,
    /// The SMTP relay for reminders and notices; `None` sends nothing.
    pub mailer: Option<uppfolj_app::mail::Mailer>,
    /// Proxies (load balancers) whose `Forwarded` and `X-Forwarded-For` headers name the client;
    /// from any other peer those headers are ignored, as anyone can send them.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The city's name, logo and colour on every page.
    pub theme: std::sync::Arc<crate::theme::Theme>,
    /// Who may read `/metrics`.
    pub metrics: MetricsAccess,
    /// Single sign-on with the city's identity provider, when set up.
    pub sso: Option<SsoSettings>,
}

/// The state a router serves from.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub store: Store,
    pub config: WebConfig,
    pub metrics: Arc<Metrics>,
    /// The identity provider, when single sign-on is set up.
    pub sso: Option<Arc<Provider>>,
}

impl AppState {
    /// The state over `store`, with the use cases' settings taken from `config`.
    pub fn new(store: Store, config: WebConfig) -> AppState {
        let settings = uppfolj_app::Settings {
            public_url: config.public_url.clone(),
            mailer: config.mailer.clone(),
        };
        let sso = config.sso.clone().map(|sso| {
            let provider = Provider::new(sso, &config.public_url)
                .expect("an HTTP client for the identity provider");
            Arc::new(provider)
        });
        AppState {
            app: App::new(store.clone(), settings),
            metrics: Metrics::new(&store),
            sso,
            store,
            config,
        }
    }
}
