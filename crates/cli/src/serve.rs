//! `serve` and `demo`: the web server until a signal stops it, the demo with Göteborg's data
//! and an account per role.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use uppfolj_app::mail::Mailer;
use uppfolj_app::secrets;
use uppfolj_model::{Document, Email, Key, Role, RoundState};
use uppfolj_store::{Store, mask};
use uppfolj_web::{Application, MetricsAccess, WebConfig};

use crate::common::diagnostics_error;
use crate::goteborg;

/// The flags of `serve`.
#[derive(Args)]
pub struct Serve {
    /// Adress att lyssna på (standard: 127.0.0.1:8080).
    #[arg(long)]
    pub bind: Option<SocketAddr>,
}

/// The flags of `demo`.
#[derive(Args)]
pub struct Demo {
    /// Adress att lyssna på (standard: 127.0.0.1:8080).
    #[arg(long)]
    pub bind: Option<SocketAddr>,
    /// Läser bara in demodata i databasen (DATABASE_URL) och avslutar, utan att starta
    /// webbservern: för mätningar och prov.
    #[arg(long)]
    pub load_only: bool,
}

/// `healthcheck`: where the server to ask listens.
#[derive(clap::Args)]
pub struct Healthcheck {
    /// Adressen servern lyssnar på (som serve --bind); 0.0.0.0 frågas på 127.0.0.1.
    #[arg(long)]
    pub bind: Option<SocketAddr>,
}

/// Asks the running server's `/healthz`, as a container's health check does: success when it
/// answers 200 within five seconds, an error naming what it answered otherwise.
pub fn healthcheck(bind: SocketAddr) -> Result<()> {
    use std::io::Read;
    let mut address = bind;
    if address.ip().is_unspecified() {
        address.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let timeout = std::time::Duration::from_secs(5);
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)
        .with_context(|| format!("servern på {address} svarar inte"))?;
    stream.set_read_timeout(Some(timeout))?;
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )?;
    let mut reply = String::new();
    stream
        .read_to_string(&mut reply)
        .with_context(|| format!("servern på {address} svarade inte klart"))?;
    let status = reply.lines().next().unwrap_or_default();
    let body = reply.split("\r\n\r\n").nth(1).unwrap_or_default().trim();
    if status.split_whitespace().nth(1) == Some("200") {
        println!("{body}");
        Ok(())
    } else {
        anyhow::bail!("servern på {address} mår inte bra: {status} {body}")
    }
}

/// The settings `serve` and `demo` take besides the address; `user add` uses the public URL for
/// its link.
pub struct Web {
    pub public_url: Option<String>,
    pub insecure_cookies: bool,
    pub trusted_proxies: Vec<IpAddr>,
    pub mailer: Option<Mailer>,
    pub theme: std::sync::Arc<uppfolj_web::Theme>,
    /// Where `serve` and `demo` listen.
    pub bind: SocketAddr,
    /// Who may read `/metrics`.
    pub metrics: MetricsAccess,
    /// Single sign-on, when set up.
    pub sso: Option<uppfolj_app::oidc::SsoSettings>,
}

impl Web {
    /// The use cases' settings, for the commands that run them outside the server; without a
    /// public address, links point at the default one.
    pub fn settings(&self) -> uppfolj_app::Settings {
        uppfolj_app::Settings {
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned()),
            mailer: self.mailer.clone(),
        }
    }
}

/// Serves until stopped; `announce` runs once the address is known, after the line with it.
pub async fn serve(store: Store, web: &Web, announce: impl FnOnce()) -> Result<()> {
    let bind = web.bind;
    let app = Application::bind(store.clone(), bind)
        .await
        .with_context(|| format!("kan inte lyssna på {bind}"))?;
    let addr = app.local_addr()?;
    let config = WebConfig {
        public_url: web
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}")),
        secure_cookies: !web.insecure_cookies,
        mailer: web.mailer.clone(),
        trusted_proxies: web.trusted_proxies.clone(),
        theme: web.theme.clone(),
        metrics: web.metrics.clone(),
        sso: web.sso.clone(),
    };
    tracing::info!(%addr, "listening");
    println!(
        "Uppfölj är igång: öppna {}/",
        config.public_url.trim_end_matches('/')
    );
    announce();
    app.run_until(config, shutdown_signal()).await?;
    store.close().await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, so that a stopped server finishes its requests first.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

/// The password of every demo account; the demo is for trying, never for real data.
const DEMO_PASSWORD: &str = "uppfolj-demo";

/// The demo's coordinator, who is also named as the author of its example assessments.
const DEMO_COORDINATOR: &str = "samordnare@demo.uppfolj.se";

/// Where the demo keeps its data: `DATABASE_URL` if given, else a SQLite file in a scratch
/// folder, returned too so that [`demo`] removes it when it stops.
pub fn demo_database(given: Option<String>) -> Result<(String, Option<PathBuf>)> {
    match given {
        Some(url) => Ok((url, None)),
        None => {
            let dir = scratch_dir()?;
            Ok((
                format!("sqlite://{}", dir.join("demo.db").display()),
                Some(dir),
            ))
        }
    }
}

/// Loads Göteborg's data (with the council report's examples) into `store` (at `url`), opens
/// its round, adds the demo accounts and Intraservice's answers, and (unless `load_only`) serves
/// until stopped; then removes the `scratch` folder.
pub async fn demo(
    store: Store,
    url: &str,
    scratch: Option<PathBuf>,
    web: &Web,
    load_only: bool,
) -> Result<()> {
    let (definitions, council) =
        goteborg::definitions().map_err(|problems| diagnostics_error(&problems))?;
    let now = time::OffsetDateTime::now_utc();
    let (summary, _) = store
        .import_definitions(&definitions, &council, DEMO_COORDINATOR, now)
        .await?;
    for round in &definitions.rounds {
        if store.round(&round.key).await?.state == RoundState::Draft {
            store.set_round_state(&round.key, RoundState::Open).await?;
        }
    }
    tracing::info!(
        database = %mask(url),
        organisations = summary.organisations,
        questions = summary.questions,
        "demo data loaded"
    );
    let accounts = demo_accounts(&store).await?;
    demo_answers(&store).await?;
    let served = if load_only {
        Ok(())
    } else {
        serve(store, web, || {
            let mut out = std::io::stdout();
            let _ = writeln!(out, "Logga in som (lösenord «{DEMO_PASSWORD}»):");
            for (email, what) in &accounts {
                let _ = writeln!(out, "  {email:<40} {what}");
            }
        })
        .await
    };
    if let Some(dir) = scratch {
        let _ = std::fs::remove_dir_all(dir);
    }
    served
}

/// One account per role, respondents for Intraservice (the seed's organisation) and a
/// socialnämnd. Accounts that already exist are left as they are.
async fn demo_accounts(store: &Store) -> Result<Vec<(String, &'static str)>> {
    let accounts: [(&str, Role, &[&str], &str); 4] = [
        (DEMO_COORDINATOR, Role::Samordnare, &[], "samordnare"),
        (
            "intraservice@demo.uppfolj.se",
            Role::Uppgiftslamnare,
            &["intraservice"],
            "uppgiftslämnare, Nämnden för Intraservice",
        ),
        (
            "sn-centrum@demo.uppfolj.se",
            Role::Uppgiftslamnare,
            &["socialnamnden-centrum"],
            "uppgiftslämnare, Socialnämnden Centrum",
        ),
        ("lasare@demo.uppfolj.se", Role::Lasare, &[], "läsare"),
    ];
    let mut made = Vec::new();
    for (email, role, organisations, what) in accounts {
        let email = Email::parse(email).map_err(anyhow::Error::msg)?;
        let organisations: Vec<Key> = organisations
            .iter()
            .map(|o| Key::parse(o))
            .collect::<Result<_, _>>()?;
        if store.user_by_email(&email).await?.is_none() {
            let hash = secrets::hash_password(DEMO_PASSWORD).map_err(anyhow::Error::msg)?;
            store
                .create_user(&email, role, &organisations, Some(&hash))
                .await?;
        }
        made.push((email.to_string(), what));
    }
    Ok(made)
}

/// Gives Nämnden för Intraservice the answers of the seed report, unless it has answered already.
async fn demo_answers(store: &Store) -> Result<()> {
    let (round, intraservice) = (Key::parse("2025")?, Key::parse("intraservice")?);
    if !store.answers(&round, &intraservice).await?.is_empty() {
        return Ok(());
    }
    let definitions = store.definitions().await?;
    let documents: Vec<&Document> = definitions.documents.iter().collect();
    let answers = goteborg::intraservice_answers(&documents)?;
    store
        .save_answers(&round, &intraservice, &answers, "rapport 2025 (import)")
        .await
        .map_err(|(i, e)| anyhow::anyhow!("svar {} ur rapporten för Intraservice: {e}", i + 1))?;
    Ok(())
}

/// A folder that lives as long as the process: the demo's database is thrown away on exit.
fn scratch_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("uppfolj-demo-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("kan inte tömma {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("kan inte skapa {}", dir.display()))?;
    Ok(dir)
}
