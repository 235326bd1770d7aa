//! `uppfolj`: the web server and the command line in one binary.

mod goteborg;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use uppfolj_exchange::{Diagnostic, definitions};
use uppfolj_model::RoundState;
use uppfolj_store::{Store, mask};
use uppfolj_web::Application;

/// Uppfölj – årlig uppföljning av kommunens styrdokument.
///
/// Samordnare definierar dokument och frågor, nämnder och bolag svarar, och rapporter tas fram ur
/// svaren. Databasen väljs med DATABASE_URL: sqlite://FIL (standard: en fil i datamappen) eller
/// postgres://… när flera app-instanser delar en databas.
#[derive(Parser)]
#[command(name = "uppfolj", version)]
struct Cli {
    /// Databas: sqlite://FIL eller postgres://ANVÄNDARE@VÄRD/DATABAS.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    /// Mapp för Uppföljs egna filer; SQLite-databasen hamnar här om inget annat anges.
    #[arg(
        long,
        env = "UPPFOLJ_DATA_DIR",
        default_value = "uppfolj-data",
        global = true
    )]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Skapar databasen eller uppdaterar dess schema; ändrar inga data.
    Init,
    /// Startar en demo: Göteborgs tre styrdokument, 41 organisationer och en öppen omgång
    /// «Uppföljning 2025», i en ny SQLite-databas (eller i DATABASE_URL om den är satt).
    Demo {
        /// Adress att lyssna på.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
    /// Startar webbservern mot databasen.
    Serve {
        /// Adress att lyssna på.
        #[arg(long, env = "UPPFOLJ_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
    /// Läser in filer till databasen.
    #[command(subcommand)]
    Import(Import),
    /// Skriver ut data ur databasen till filer.
    #[command(subcommand)]
    Export(Export),
}

#[derive(Subcommand)]
enum Import {
    /// Läser in definitionsfiler (TOML): svarsskalor, organisationer, styrdokument, omgångar.
    /// Ange filer eller mappar, i valfri ordning. Allt kontrolleras innan något sparas; vid fel
    /// skrivs varje problem ut som fil:rad:kolumn och databasen lämnas orörd.
    Definitions {
        /// Filer eller mappar (alla *.toml under en mapp läses).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum Export {
    /// Skriver alla definitioner som TOML-filer: scales.toml, organisations.toml,
    /// documents/NYCKEL.toml och rounds/NYCKEL.toml.
    Definitions {
        /// Mapp att skriva till; skapas om den saknas.
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("UPPFOLJ_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("fel: kan inte starta: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("fel: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  orsak: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Init => {
            let url = database_url(&cli.database_url, &cli.data_dir);
            open(&url).await?;
            println!("Databasen {} är klar att använda.", mask(&url));
            Ok(())
        }
        Command::Serve { bind } => {
            let url = database_url(&cli.database_url, &cli.data_dir);
            serve(open(&url).await?, bind).await
        }
        Command::Demo { bind } => {
            let temporary = match &cli.database_url {
                Some(_) => None,
                None => Some(tempfile_dir()?),
            };
            let url = match (&cli.database_url, &temporary) {
                (Some(url), _) => url.clone(),
                (None, Some(dir)) => format!("sqlite://{}", dir.join("demo.db").display()),
                (None, None) => unreachable!("a temporary folder is made when no URL is given"),
            };
            let store = open(&url).await?;
            let definitions =
                goteborg::definitions().map_err(|problems| diagnostics_error(&problems))?;
            let summary = store.apply_definitions(&definitions).await?;
            for round in &definitions.rounds {
                if store.round(&round.key).await?.state == RoundState::Draft {
                    store.set_round_state(&round.key, RoundState::Open).await?;
                }
            }
            tracing::info!(
                database = %mask(&url),
                organisations = summary.organisations,
                questions = summary.questions,
                "demo data loaded"
            );
            let served = serve(store, bind).await;
            if let Some(dir) = temporary {
                let _ = std::fs::remove_dir_all(dir);
            }
            served
        }
        Command::Import(Import::Definitions { paths }) => {
            let url = database_url(&cli.database_url, &cli.data_dir);
            let store = open(&url).await?;
            let files = definitions::read_files(&paths).map_err(|p| diagnostics_error(&p))?;
            let parsed = definitions::parse(files).map_err(|p| diagnostics_error(&p))?;
            let checked = parsed
                .check(store.definitions().await?)
                .map_err(|p| diagnostics_error(&p))?;
            let s = store.apply_definitions(&checked).await?;
            println!(
                "Inläst: {}, {}, {} med {}, {}.",
                count(s.scales, "svarsskala", "svarsskalor"),
                count(s.organisations, "organisation", "organisationer"),
                count(s.documents, "styrdokument", "styrdokument"),
                count(s.questions, "fråga", "frågor"),
                count(s.rounds, "omgång", "omgångar"),
            );
            Ok(())
        }
        Command::Export(Export::Definitions { out }) => {
            let url = database_url(&cli.database_url, &cli.data_dir);
            let store = open(&url).await?;
            let files = definitions::export(&store.definitions().await?);
            let written = definitions::write_files(&out, &files)
                .with_context(|| format!("kan inte skriva till {}", out.display()))?;
            println!("Skrev {} filer till {}.", written.len(), out.display());
            Ok(())
        }
    }
}

/// "1 omgång", "2 omgångar".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `DATABASE_URL` if given, else a SQLite file in the data folder.
fn database_url(given: &Option<String>, data_dir: &std::path::Path) -> String {
    given
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("uppfolj.db").display()))
}

async fn open(url: &str) -> Result<Store> {
    Ok(Store::open(url).await?)
}

/// A folder that lives as long as the process: the demo's database is thrown away on exit.
fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("uppfolj-demo-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("kan inte tömma {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("kan inte skapa {}", dir.display()))?;
    Ok(dir)
}

fn diagnostics_error(problems: &[Diagnostic]) -> anyhow::Error {
    for problem in problems {
        eprintln!("{problem}");
    }
    anyhow::anyhow!("{} problem hittades; inget sparades", problems.len())
}

async fn serve(store: Store, bind: SocketAddr) -> Result<()> {
    let app = Application::build(store.clone(), bind)
        .await
        .with_context(|| format!("kan inte lyssna på {bind}"))?;
    let addr = app.local_addr()?;
    tracing::info!(%addr, "listening");
    println!("Uppfölj är igång: öppna http://{addr}/");
    app.run_until(shutdown_signal()).await?;
    store.close().await;
    Ok(())
}

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
