//! The Prometheus instruments: requests by route and status, their latency, answer saves and
//! how many requests each commit held (group commit on SQLite), the database pool, and the
//! build; and who may read them. A leaf: `metrics` serves them at `/metrics`.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};
use uppfolj_store::Store;

/// Who may read `/metrics`.
#[derive(Clone, Debug)]
pub struct MetricsAccess {
    /// Client addresses that may read without a token.
    pub allow: Vec<IpAddr>,
    /// A bearer token that lets any address read.
    pub token: Option<String>,
}

impl Default for MetricsAccess {
    /// The machine itself only.
    fn default() -> MetricsAccess {
        MetricsAccess {
            allow: vec![
                IpAddr::from([127, 0, 0, 1]),
                IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]),
            ],
            token: None,
        }
    }
}

/// The instruments, registered once per server.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    saves: IntCounter,
    commits: Histogram,
    connections: IntGauge,
    idle: IntGauge,
}

impl Metrics {
    /// Registers every instrument, and has `store` report its commits to them.
    pub fn new(store: &Store) -> Arc<Metrics> {
        let registry =
            Registry::new_custom(Some("uppfolj".into()), None).expect("a valid metrics prefix");
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests answered, by route and status",
            ),
            &["route", "method", "status"],
        )
        .expect("valid labels");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer an HTTP request, by route",
            )
            .buckets(vec![
                0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["route"],
        )
        .expect("valid labels");
        let saves = IntCounter::new(
            "answer_saves_total",
            "Requests whose answer saves were committed",
        )
        .expect("a valid name");
        let commits = Histogram::with_opts(
            HistogramOpts::new(
                "answer_commit_requests",
                "How many requests' saves one commit held (group commit on SQLite)",
            )
            .buckets(vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0]),
        )
        .expect("valid buckets");
        let connections = IntGauge::new("database_connections", "Connections the pool holds")
            .expect("a valid name");
        let idle = IntGauge::new("database_connections_idle", "Idle connections in the pool")
            .expect("a valid name");
        let build = IntGaugeVec::new(
            Opts::new("build_info", "The running version of Uppfölj"),
            &["version", "backend"],
        )
        .expect("valid labels");
        let backend = format!("{:?}", store.backend()).to_lowercase();
        build
            .with_label_values(&[env!("CARGO_PKG_VERSION"), backend.as_str()])
            .set(1);
        for instrument in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(saves.clone()),
            Box::new(commits.clone()),
            Box::new(connections.clone()),
            Box::new(idle.clone()),
            Box::new(build),
        ] {
            registry.register(instrument).expect("each instrument once");
        }
        let metrics = Arc::new(Metrics {
            registry,
            requests,
            latency,
            saves,
            commits,
            connections,
            idle,
        });
        let observed = metrics.clone();
        store.observe_commits(move |requests| {
            observed.saves.inc_by(requests as u64);
            observed.commits.observe(requests as f64);
        });
        metrics
    }

    /// Counts an answered request.
    pub(crate) fn answered(&self, route: &str, method: &str, status: u16, took: Duration) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[route])
            .observe(took.as_secs_f64());
    }

    /// Everything in Prometheus' text format, with the pool read now.
    pub(crate) fn render(&self, store: &Store) -> Vec<u8> {
        let (connections, idle) = store.connections();
        self.connections.set(i64::from(connections));
        self.idle.set(i64::try_from(idle).unwrap_or(i64::MAX));
        let mut out = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut out)
            .expect("metrics encode as text");
        out
    }
}
