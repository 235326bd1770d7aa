//! `uppfolj`: the web server and the command line in one binary. This file parses the command
//! line, opens the store once and hands each command to the file of its group.

mod audit;
mod common;
mod config;
mod database;
mod exports;
mod generate;
mod goteborg;
mod imports;
mod reports;
mod rounds;
mod serve;
mod synthetic;
mod tokens;
mod users;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use uppfolj_app::mail::Mailer;
use uppfolj_store::{Store, mask};
use uppfolj_web::{Accent, Logo, Theme};

/// Serving a response allocates and frees many small strings (the questions' texts, the JSON);
/// mimalloc does that in a fraction of the time the system allocator takes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Uppfölj – årlig uppföljning av kommunens styrdokument.
///
/// Samordnare definierar dokument och frågor, nämnder och bolag svarar, och rapporter tas fram ur
/// svaren. Databasen väljs med DATABASE_URL: sqlite://FIL (standard: en fil i datamappen) eller
/// postgres://… när flera app-instanser delar en databas.
#[derive(Parser)]
#[command(name = "uppfolj", version)]
struct Cli {
    /// Inställningsfil (TOML) med samma namn som nedan, t.ex. bind = "0.0.0.0:8080"; miljövariabler
    /// (UPPFOLJ_NAMN) och flaggor går före filen. Se uppfolj.example.toml.
    #[arg(long, env = "UPPFOLJ_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// Databas: sqlite://FIL eller postgres://ANVÄNDARE@VÄRD/DATABAS (även DATABASE_URL).
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Mapp för Uppföljs egna filer; SQLite-databasen hamnar här om inget annat anges
    /// (standard: uppfolj-data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Adressen som användarna når Uppfölj på, för länkar (standard: http://ADRESS från --bind).
    #[arg(long, global = true)]
    public_url: Option<String>,
    /// Skicka kakor utan Secure-flaggan: bara för vanlig HTTP i ett betrott nät.
    #[arg(long, global = true)]
    insecure_cookies: bool,
    /// E-postserver för påminnelser och meddelanden, t.ex. smtp://smtp.stad.se:25,
    /// smtp://namn:lösenord@smtp.stad.se:587?tls=required eller smtps://…; utan den skickas ingen e-post.
    #[arg(long, global = true)]
    smtp_url: Option<String>,
    /// Proxyer (lastbalanserare) vars Forwarded- och X-Forwarded-For-huvuden anger klientens
    /// adress, kommaseparerade; från andra adresser litar Uppfölj inte på dem.
    #[arg(long, value_delimiter = ',', global = true)]
    trusted_proxy: Vec<std::net::IpAddr>,
    /// Avsändare för e-posten (standard: «STAD – Uppfölj <uppfolj@localhost>» med --city-name).
    #[arg(long, global = true)]
    mail_from: Option<String>,
    /// Stadens eller kommunens namn, som sidhuvudet visar bredvid Uppfölj (demon: Göteborgs Stad).
    #[arg(long, global = true)]
    city_name: Option<String>,
    /// Logotyp i sidhuvudet: en SVG-, PNG- eller JPEG-fil på högst 512 kB.
    #[arg(long, global = true)]
    logo: Option<PathBuf>,
    /// Accentfärg för länkar och knappar, #rrggbb; måste ha minst 4,5:1 kontrast mot vitt.
    #[arg(long, global = true)]
    accent_colour: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// Every command, each handled in the file of the same name.
#[derive(Subcommand)]
enum Command {
    /// Skapar databasen eller uppdaterar dess schema; ändrar inga data.
    Init,
    /// Startar en demo: Göteborgs tre styrdokument, 41 organisationer och en öppen omgång
    /// «Uppföljning 2025», i en ny SQLite-databas (eller i DATABASE_URL om den är satt).
    Demo(serve::Demo),
    /// Skapar syntetiska data för mätningar: organisationer, ett styrdokument med frågor och
    /// en omgång per år där alla har svarat (den senaste ger sammanställningen, de tidigare
    /// utvecklingen).
    Generate(generate::Generate),
    /// Startar webbservern mot databasen.
    Serve(serve::Serve),
    /// Frågar en körande server om den mår bra (GET /healthz): slutstatus 0 om den svarar 200,
    /// för containrars hälsokontroll.
    Healthcheck(serve::Healthcheck),
    /// Läser in filer till databasen.
    #[command(subcommand)]
    Import(imports::Import),
    /// Skriver ut data ur databasen till filer.
    #[command(subcommand)]
    Export(exports::Export),
    /// Tar fram rapporter.
    #[command(subcommand)]
    Report(reports::Report),
    /// Öppnar, stänger och publicerar omgångar, och listar dem.
    #[command(subcommand)]
    Round(rounds::RoundCommand),
    /// Hanterar användare.
    #[command(subcommand)]
    User(users::User),
    /// Hanterar API-token för skript (Authorization: Bearer …).
    #[command(subcommand)]
    Token(tokens::Token),
    /// Skriver ut inställningarna som gäller (fil, miljö och flaggor sammanvägda), med
    /// hemligheter dolda och varifrån varje värde kommer.
    Config,
    /// Visar loggen över administrativa händelser och inloggningar, nyast först.
    Audit(audit::Audit),
    /// Tar en säkerhetskopia av hela databasen till en ny SQLite-fil medan servern kör
    /// (inloggningar och sessioner tas inte med). Fungerar från SQLite och PostgreSQL.
    Backup {
        /// Filen att skriva; den får inte finnas.
        file: PathBuf,
    },
    /// Återställer en säkerhetskopia (från backup) till databasen, som måste vara tom.
    Restore {
        /// Säkerhetskopian; den ändras inte.
        file: PathBuf,
    },
    /// Kopierar allt till en annan, tom databas, t.ex. från SQLite till PostgreSQL, och
    /// kontrollerar att varje tabell fick lika många rader.
    MigrateTo {
        /// Måldatabasen: postgres://… eller sqlite://FIL.
        url: String,
    },
}

impl Cli {
    /// The settings given as flags, for the top layer; a subcommand's `--bind` is one of them.
    fn flags(&self) -> config::Flags {
        let bind = match &self.command {
            Command::Serve(serve) => serve.bind,
            Command::Demo(demo) => demo.bind,
            Command::Healthcheck(check) => check.bind,
            _ => None,
        };
        config::Flags {
            database_url: self.database_url.clone(),
            data_dir: self.data_dir.clone(),
            bind,
            public_url: self.public_url.clone(),
            insecure_cookies: self.insecure_cookies.then_some(true),
            smtp_url: self.smtp_url.clone(),
            mail_from: self.mail_from.clone(),
            trusted_proxies: (!self.trusted_proxy.is_empty()).then(|| self.trusted_proxy.clone()),
            city_name: self.city_name.clone(),
            logo: self.logo.clone(),
            accent_colour: self.accent_colour.clone(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let loaded = match config::load(cli.config.as_deref(), cli.flags()) {
        Ok(loaded) => loaded,
        Err(error) => {
            eprintln!("fel: inställningarna: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&loaded.settings.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // One JSON object per line for log collectors; text for people otherwise.
    if loaded.settings.log_format == config::LogFormat::Json {
        logs.json().init();
    } else {
        logs.init();
    }
    for unknown in &loaded.unknown {
        tracing::warn!(setting = %unknown, "okänd inställning, hoppas över");
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("fel: kan inte starta: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, loaded)) {
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

/// Opens the store every command works on, once, and runs the command against it.
async fn run(cli: Cli, loaded: config::Loaded) -> Result<()> {
    if let Command::Config = cli.command {
        print!("{}", loaded.describe()?);
        return Ok(());
    }
    let settings = loaded.settings;
    let theme = theme(&settings, matches!(cli.command, Command::Demo(_)))?;
    let mail_from = settings
        .mail_from
        .clone()
        .unwrap_or_else(|| match &theme.city {
            Some(city) => format!("{city} – Uppfölj <uppfolj@localhost>"),
            None => "Uppfölj <uppfolj@localhost>".to_owned(),
        });
    let web = serve::Web {
        mailer: settings
            .smtp_url
            .as_deref()
            .map(|url| Mailer::new(url, &mail_from))
            .transpose()?,
        public_url: settings.public_url.clone(),
        insecure_cookies: settings.insecure_cookies,
        trusted_proxies: settings.trusted_proxies.clone(),
        theme: std::sync::Arc::new(theme),
        bind: settings.bind,
        metrics: uppfolj_web::MetricsAccess {
            allow: settings.metrics_allow.clone(),
            token: settings.metrics_token.clone(),
        },
        sso: settings.single_sign_on()?,
    };
    if let Command::Healthcheck(_) = cli.command {
        return serve::healthcheck(settings.bind);
    }
    let (url, scratch) = match &cli.command {
        Command::Demo(_) => serve::demo_database(settings.database_url)?,
        _ => (
            database_url(settings.database_url, &settings.data_dir),
            None,
        ),
    };
    let store = Store::open(&url).await?;
    match cli.command {
        // Opening the store created or migrated the database: that is all `init` does.
        Command::Init => {
            println!("Databasen {} är klar att använda.", mask(&url));
            Ok(())
        }
        Command::Demo(demo) => serve::demo(store, &url, scratch, &web, demo.load_only).await,
        Command::Generate(generate) => generate::run(&store, generate).await,
        Command::Serve(_) => serve::serve(store, &web, || {}).await,
        Command::Healthcheck(_) | Command::Config => {
            unreachable!("answered before the database is opened")
        }
        Command::Import(import) => imports::run(&store, import).await,
        Command::Export(export) => exports::run(&store, export).await,
        Command::Report(report) => reports::run(&store, report).await,
        Command::Round(round) => rounds::run(&store, web.settings(), round).await,
        Command::User(user) => users::run(&store, user, web.public_url.as_deref()).await,
        Command::Token(token) => tokens::run(&store, token).await,
        Command::Audit(filters) => audit::run(&store, filters).await,
        Command::Backup { file } => database::backup(&store, &file).await,
        Command::Restore { file } => database::restore(&store, &url, &file).await,
        Command::MigrateTo { url: target } => database::migrate_to(&store, &target).await,
    }
}

/// The city's look from the settings; the demo is Göteborg's unless told otherwise.
fn theme(settings: &config::Settings, demo: bool) -> Result<Theme> {
    let logo = match &settings.logo {
        Some(path) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("kan inte läsa logotypen {}", path.display()))?;
            Some(Logo::from_bytes(bytes)?)
        }
        None => None,
    };
    Ok(Theme {
        city: settings
            .city_name
            .clone()
            .or_else(|| demo.then(|| "Göteborgs Stad".to_owned())),
        logo,
        accent: settings
            .accent_colour
            .as_deref()
            .map(Accent::parse)
            .transpose()?,
    })
}

/// `DATABASE_URL` if given, else a SQLite file in the data folder.
fn database_url(given: Option<String>, data_dir: &Path) -> String {
    given.unwrap_or_else(|| format!("sqlite://{}", data_dir.join("uppfolj.db").display()))
}
