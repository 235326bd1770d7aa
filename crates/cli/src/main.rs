//! `uppfolj`: the web server and the command line in one binary.

mod goteborg;
mod synthetic;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use uppfolj_app::{accounts, secrets};
use uppfolj_exchange::{Diagnostic, answers, definitions, report};
use uppfolj_model::{Audience, Document, Email, Key, QuestionRef, Role, RoundState};
use uppfolj_report::OrganisationReport;
use uppfolj_store::{Store, mask};
use uppfolj_web::{Application, WebConfig};

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
    /// Adressen som användarna når Uppfölj på, för länkar (standard: http://ADRESS från --bind).
    #[arg(long, env = "UPPFOLJ_PUBLIC_URL", global = true)]
    public_url: Option<String>,
    /// Skicka kakor utan Secure-flaggan: bara för vanlig HTTP i ett betrott nät.
    #[arg(long, env = "UPPFOLJ_INSECURE_COOKIES", global = true)]
    insecure_cookies: bool,
    /// E-postserver för påminnelser och meddelanden, t.ex. smtp://smtp.stad.se:25,
    /// smtp://namn:lösenord@smtp.stad.se:587?tls=required eller smtps://…; utan den skickas ingen e-post.
    #[arg(long, env = "UPPFOLJ_SMTP_URL", global = true)]
    smtp_url: Option<String>,
    /// Proxyer (lastbalanserare) vars Forwarded- och X-Forwarded-For-huvuden anger klientens
    /// adress, kommaseparerade; från andra adresser litar Uppfölj inte på dem.
    #[arg(
        long,
        env = "UPPFOLJ_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    trusted_proxy: Vec<std::net::IpAddr>,
    /// Avsändare för e-posten.
    #[arg(
        long,
        env = "UPPFOLJ_MAIL_FROM",
        default_value = "Uppfölj <uppfolj@localhost>",
        global = true
    )]
    mail_from: String,
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
    /// Skapar syntetiska data för mätningar: organisationer, ett styrdokument med frågor och
    /// en omgång per år där alla har svarat (den senaste ger sammanställningen, de tidigare
    /// utvecklingen).
    Generate {
        /// Antal organisationer.
        #[arg(long, default_value_t = 300)]
        organisations: usize,
        /// Antal frågor.
        #[arg(long, default_value_t = 60)]
        questions: usize,
        /// Antal omgångar, en per år.
        #[arg(long, default_value_t = 6)]
        rounds: usize,
        /// Den senaste omgångens år.
        #[arg(long, default_value_t = 2025)]
        year: i32,
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
    /// Tar fram rapporter.
    #[command(subcommand)]
    Report(Report),
    /// Hanterar användare.
    #[command(subcommand)]
    User(User),
    /// Hanterar API-token för skript (Authorization: Bearer …).
    #[command(subcommand)]
    Token(Token),
}

#[derive(Subcommand)]
enum Report {
    /// En organisations rapport för en omgång: varje styrdokument och avsnitt med numrerade
    /// rubriker, och under varje avsnitt frågorna med svar och kommentar.
    Organisation {
        /// Omgångens nyckel.
        #[arg(long)]
        round: String,
        /// Organisationens nyckel eller namn.
        #[arg(long)]
        organisation: String,
        /// pdf (tillgänglig PDF/UA), html (en sida som går att skriva ut) eller md (Markdown).
        #[arg(long, value_enum, default_value = "pdf")]
        format: ReportFormat,
        /// Filen att skriva.
        #[arg(long)]
        out: PathBuf,
    },
    /// Rapporten för varje organisation som omgången ställer frågor till, en fil per
    /// organisation (organisationens nyckel som filnamn).
    Organisations {
        /// Omgångens nyckel.
        #[arg(long)]
        round: String,
        /// pdf, html eller md.
        #[arg(long, value_enum, default_value = "pdf")]
        format: ReportFormat,
        /// Mappen att skriva till; skapas om den saknas.
        #[arg(long)]
        out: PathBuf,
    },
    /// Sammanställningen av en omgång: svaren per fråga, avsnitt, dokument och organisation,
    /// utvecklingen sedan tidigare omgångar och det som samordnaren bör titta närmare på.
    Compilation {
        /// Omgångens nyckel.
        #[arg(long)]
        round: String,
        /// pdf (tillgänglig PDF/UA), html (en sida), md (Markdown) eller json (siffrorna för
        /// andra verktyg).
        #[arg(long, value_enum, default_value = "pdf")]
        format: CompilationFormat,
        /// Den publicerade versionen: bara inskickade svar, utan kommentarer som inte är
        /// avsedda för publicering och utan det som samordnaren bör titta på.
        #[arg(long)]
        public: bool,
        /// Filen att skriva.
        #[arg(long)]
        out: PathBuf,
    },
}

/// The formats a compilation can be written in.
#[derive(Clone, Copy, clap::ValueEnum)]
enum CompilationFormat {
    Pdf,
    Html,
    Md,
    Json,
}

/// The formats a report can be written in.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Pdf,
    Html,
    Md,
}

impl ReportFormat {
    fn render(self, report: &OrganisationReport) -> Result<Vec<u8>> {
        Ok(match self {
            ReportFormat::Pdf => report.pdf()?,
            ReportFormat::Html => report.html()?.into_bytes(),
            ReportFormat::Md => report.markdown().into_bytes(),
        })
    }

    fn extension(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Html => "html",
            ReportFormat::Md => "md",
        }
    }
}

/// Renders the reports on every core (typesetting is CPU-bound) and writes one file each.
fn write_reports(
    reports: &[OrganisationReport],
    format: ReportFormat,
    dir: &std::path::Path,
) -> Result<()> {
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(report) = reports.get(i) else {
                            return Ok(());
                        };
                        let path = dir.join(format!(
                            "{}.{}",
                            report.organisation_key,
                            format.extension()
                        ));
                        std::fs::write(&path, format.render(report)?)
                            .with_context(|| format!("kan inte skriva {}", path.display()))?;
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("a report worker panicked"))
    })
}

#[derive(Subcommand)]
enum User {
    /// Skapar en användare. Utan lösenord skrivs en engångslänk för första inloggningen ut.
    Add {
        /// E-postadressen, som också är inloggningsnamnet.
        email: String,
        /// samordnare, uppgiftslamnare eller lasare.
        #[arg(long)]
        role: String,
        /// Organisationens nyckel eller namn; upprepa för flera. Krävs för uppgiftslämnare.
        #[arg(long = "organisation")]
        organisations: Vec<String>,
        /// Läs lösenordet från standard in (första raden).
        #[arg(long)]
        password_stdin: bool,
    },
    /// Listar alla användare.
    List,
}

#[derive(Subcommand)]
enum Token {
    /// Skapar en API-token och skriver ut den ensam på standard ut.
    Create {
        /// Användarens e-postadress.
        #[arg(long)]
        user: String,
        /// Ett namn som säger vad token används till.
        #[arg(long, default_value = "kommandorad")]
        name: String,
    },
    /// Listar API-token (aldrig själva hemligheten).
    List,
    /// Återkallar en API-token.
    Revoke {
        /// Tokens nummer, från `token list`.
        id: i64,
    },
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
    /// Läser in en tidigare rapport (PDF eller text ur rapportens PDF) som organisationens svar i en
    /// omgång. Dokument, avsnitt, frågor, organisationen och omgången skapas där de saknas och
    /// matchas mot befintliga på sin text, så att åren går att jämföra. Samma rapport två gånger
    /// ändrar ingenting.
    Report {
        /// Rapporten: en PDF, eller texten som pdftotext eller en annan PDF-läsare ger.
        file: PathBuf,
        /// Organisationens nyckel eller namn; skapas om den saknas.
        #[arg(long)]
        organisation: String,
        /// Omgångens nyckel, namn eller år; ett år som saknas skapar «Uppföljning ÅR».
        #[arg(long)]
        round: String,
        /// Visa vad som skulle sparas, utan att spara något.
        #[arg(long)]
        dry_run: bool,
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
    /// Skriver svaren i en omgång, en rad per tilldelad fråga: omgång, organisation, dokument,
    /// avsnitt, fråga, vägledning, svar, kommentar, status.
    Answers {
        /// Omgångens nyckel.
        #[arg(long)]
        round: String,
        /// Bara denna organisation (nyckel eller namn).
        #[arg(long)]
        organisation: Option<String>,
        /// csv (för Excel: UTF-8 med BOM), xlsx eller json.
        #[arg(long, value_enum)]
        format: AnswersFormat,
        /// Fältavgränsare i CSV: ; (standard, som svenska Excel vill ha) eller ,.
        #[arg(long, default_value = ";")]
        delimiter: char,
        /// Filen att skriva.
        #[arg(long)]
        out: PathBuf,
    },
    /// Skriver sammanställningen av en omgång som tabeller: frågor, avsnitt, organisationer,
    /// kommentarer, utveckling över tid och det som bör granskas.
    Compilation {
        /// Omgångens nyckel.
        #[arg(long)]
        round: String,
        /// xlsx (en arbetsbok med ett blad per tabell, för Excel), ods (detsamma för
        /// LibreOffice) eller csv (en fil per tabell i mappen --out).
        #[arg(long, value_enum)]
        format: CompilationExport,
        /// Den publicerade versionen: bara inskickade svar, utan kommentarer som inte är
        /// avsedda för publicering.
        #[arg(long)]
        public: bool,
        /// Fältavgränsare i CSV: ; (standard, som svenska Excel vill ha) eller ,.
        #[arg(long, default_value = ";")]
        delimiter: char,
        /// Filen (xlsx) eller mappen (csv) att skriva.
        #[arg(long)]
        out: PathBuf,
    },
}

/// The formats a compilation can be exported in.
#[derive(Clone, Copy, clap::ValueEnum)]
enum CompilationExport {
    Csv,
    Xlsx,
    Ods,
}

/// The formats answers can be exported in.
#[derive(Clone, Copy, clap::ValueEnum)]
enum AnswersFormat {
    Csv,
    Xlsx,
    Json,
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
    let web = Web {
        public_url: cli.public_url.clone(),
        insecure_cookies: cli.insecure_cookies,
        trusted_proxies: cli.trusted_proxy.clone(),
        mailer: cli
            .smtp_url
            .as_deref()
            .map(|url| uppfolj_app::mail::Mailer::new(url, &cli.mail_from))
            .transpose()?,
    };
    match cli.command {
        Command::Init => {
            let url = database_url(&cli.database_url, &cli.data_dir);
            open(&url).await?;
            println!("Databasen {} är klar att använda.", mask(&url));
            Ok(())
        }
        Command::Serve { bind } => {
            let url = database_url(&cli.database_url, &cli.data_dir);
            serve(open(&url).await?, &web, bind, || {}).await
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
            let accounts = demo_accounts(&store).await?;
            demo_answers(&store).await?;
            let served = serve(store, &web, bind, || {
                let mut out = std::io::stdout();
                let _ = writeln!(out, "Logga in som (lösenord «{DEMO_PASSWORD}»):");
                for (email, what) in &accounts {
                    let _ = writeln!(out, "  {email:<40} {what}");
                }
            })
            .await;
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
                .check((*store.definitions().await?).clone())
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
        Command::User(User::Add {
            email,
            role,
            organisations,
            password_stdin,
        }) => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            let email = Email::parse(&email).map_err(anyhow::Error::msg)?;
            let role = Role::parse(&role)
                .context("rollen ska vara samordnare, uppgiftslamnare eller lasare")?;
            let mut keys = Vec::new();
            for organisation in &organisations {
                keys.push(organisation_key(&store, organisation).await?);
            }
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .context("kan inte läsa lösenordet från standard in")?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let public_url = web
                .public_url
                .clone()
                .unwrap_or_else(|| "http://127.0.0.1:8080".into());
            let link = accounts::add_user(
                &store,
                &public_url,
                &email,
                role,
                &keys,
                password.as_deref(),
            )
            .await?;
            match link {
                Some(link) => println!(
                    "Användaren {email} är skapad. Länk för första inloggningen (giltig 7 dagar):\n{link}"
                ),
                None => println!("Användaren {email} är skapad."),
            }
            Ok(())
        }
        Command::User(User::List) => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            for user in store.users().await? {
                let organisations: Vec<&str> =
                    user.organisations.iter().map(|k| k.as_str()).collect();
                println!(
                    "{}\t{}\t{}",
                    user.email,
                    user.role.as_str(),
                    organisations.join(",")
                );
            }
            Ok(())
        }
        Command::Token(Token::Create { user, name }) => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            let email = Email::parse(&user).map_err(anyhow::Error::msg)?;
            let record = store
                .user_by_email(&email)
                .await?
                .with_context(|| format!("användaren {email} finns inte"))?;
            let token = secrets::new_secret("upf_");
            store
                .create_token(record.id, &name, &secrets::secret_hash(&token))
                .await?;
            println!("{token}");
            Ok(())
        }
        Command::Token(Token::List) => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            for token in store.tokens(None).await? {
                let state = if token.revoked {
                    "återkallad"
                } else {
                    "aktiv"
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    token.id, token.email, token.name, token.created_at, state
                );
            }
            Ok(())
        }
        Command::Token(Token::Revoke { id }) => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            if !store.revoke_token(id, None).await? {
                anyhow::bail!("token {id} finns inte eller är redan återkallad");
            }
            println!("Token {id} är återkallad.");
            Ok(())
        }
        Command::Import(Import::Report {
            file,
            organisation,
            round,
            dry_run,
        }) => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            import_report(&store, &file, &organisation, &round, dry_run).await
        }
        Command::Export(Export::Compilation {
            round,
            format,
            public,
            delimiter,
            out,
        }) => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            let round = round_key(&round)?;
            let compilation =
                uppfolj_app::reports::round_compilation(&store, &round, audience(public)).await?;
            let sheets = uppfolj_exchange::compilation::sheets(&compilation);
            match format {
                CompilationExport::Xlsx => {
                    std::fs::write(&out, uppfolj_exchange::compilation::xlsx(&sheets)?)
                        .with_context(|| format!("kan inte skriva {}", out.display()))?;
                }
                CompilationExport::Ods => {
                    std::fs::write(&out, uppfolj_exchange::compilation::ods(&sheets)?)
                        .with_context(|| format!("kan inte skriva {}", out.display()))?;
                }
                CompilationExport::Csv => {
                    if !matches!(delimiter, ';' | ',' | '\t') {
                        anyhow::bail!("avgränsaren ska vara ; , eller tab");
                    }
                    std::fs::create_dir_all(&out)
                        .with_context(|| format!("kan inte skapa mappen {}", out.display()))?;
                    for sheet in &sheets {
                        let path = out.join(format!("{}.csv", sheet.file));
                        let bytes = uppfolj_exchange::compilation::csv(sheet, delimiter as u8)?;
                        std::fs::write(&path, bytes)
                            .with_context(|| format!("kan inte skriva {}", path.display()))?;
                    }
                }
            }
            println!(
                "Skrev {} till {}.",
                count(sheets.len(), "tabell", "tabeller"),
                out.display()
            );
            Ok(())
        }
        Command::Export(Export::Answers {
            round,
            organisation,
            format,
            delimiter,
            out,
        }) => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            let only = match &organisation {
                Some(o) => Some(organisation_key(&store, o).await?),
                None => None,
            };
            let rows = answer_rows(&store, &round, only.as_ref()).await?;
            let bytes = match format {
                AnswersFormat::Csv => {
                    if !matches!(delimiter, ';' | ',' | '\t') {
                        anyhow::bail!("avgränsaren ska vara ; , eller tab");
                    }
                    answers::csv(&rows, delimiter as u8)?
                }
                AnswersFormat::Xlsx => answers::xlsx(&rows)?,
                AnswersFormat::Json => answers::json(&rows),
            };
            std::fs::write(&out, bytes)
                .with_context(|| format!("kan inte skriva {}", out.display()))?;
            println!(
                "Skrev {} till {}.",
                count(rows.len(), "rad", "rader"),
                out.display()
            );
            Ok(())
        }
        Command::Report(Report::Organisation {
            round,
            organisation,
            format,
            out,
        }) => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            let organisation = organisation_key(&store, &organisation).await?;
            let round = round_key(&round)?;
            let report =
                uppfolj_app::reports::organisation_report(&store, &round, &organisation, true)
                    .await?;
            std::fs::write(&out, format.render(&report)?)
                .with_context(|| format!("kan inte skriva {}", out.display()))?;
            println!("Skrev {}.", out.display());
            Ok(())
        }
        Command::Generate {
            organisations,
            questions,
            rounds,
            year,
        } => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            let size = synthetic::Size {
                organisations,
                questions,
                rounds,
            };
            let definitions = synthetic::definitions(size, year);
            store.apply_definitions(&definitions).await?;
            for (r, round) in definitions.rounds.iter().enumerate() {
                for (o, organisation) in definitions.organisations.iter().enumerate() {
                    let answers = synthetic::answers(size, o + 1, r);
                    let asked: Vec<QuestionRef> = answers.iter().map(|(q, _)| q.clone()).collect();
                    store
                        .import_answers(
                            &round.key,
                            &organisation.key,
                            &answers,
                            &asked,
                            "syntetiska data",
                        )
                        .await
                        .map_err(|(_, e)| e)?;
                }
            }
            println!(
                "Skapade {} med {} frågor och {}; senaste omgången: {}.",
                count(organisations, "organisation", "organisationer"),
                questions,
                count(rounds, "omgång", "omgångar"),
                definitions.rounds.last().map_or("–", |r| r.key.as_str())
            );
            Ok(())
        }
        Command::Report(Report::Compilation {
            round,
            format,
            public,
            out,
        }) => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            let round = round_key(&round)?;
            let compilation =
                uppfolj_app::reports::round_compilation(&store, &round, audience(public)).await?;
            let bytes = match format {
                CompilationFormat::Pdf => {
                    let today = time::OffsetDateTime::now_utc().date();
                    uppfolj_report::compilation_pdf(&compilation, today)?
                }
                CompilationFormat::Html => {
                    uppfolj_web::compilation_document(compilation)?.into_bytes()
                }
                CompilationFormat::Md => {
                    uppfolj_report::compilation_markdown(&compilation).into_bytes()
                }
                CompilationFormat::Json => uppfolj_report::compilation_json(&compilation),
            };
            std::fs::write(&out, bytes)
                .with_context(|| format!("kan inte skriva {}", out.display()))?;
            println!("Skrev {}.", out.display());
            Ok(())
        }
        Command::Report(Report::Organisations { round, format, out }) => {
            let store = open(&database_url(&cli.database_url, &cli.data_dir)).await?;
            let round = round_key(&round)?;
            let reports = uppfolj_app::reports::round_reports(&store, &round).await?;
            std::fs::create_dir_all(&out)
                .with_context(|| format!("kan inte skapa mappen {}", out.display()))?;
            write_reports(&reports, format, &out)?;
            println!(
                "Skrev {} till {}.",
                count(reports.len(), "rapport", "rapporter"),
                out.display()
            );
            Ok(())
        }
        Command::Export(Export::Definitions { out }) => {
            let url = database_url(&cli.database_url, &cli.data_dir);
            let store = open(&url).await?;
            let files = definitions::export(&*store.definitions().await?);
            let written = definitions::write_files(&out, &files)
                .with_context(|| format!("kan inte skriva till {}", out.display()))?;
            println!("Skrev {} filer till {}.", written.len(), out.display());
            Ok(())
        }
    }
}

/// The password of every demo account; the demo is for trying, never for real data.
const DEMO_PASSWORD: &str = "uppfolj-demo";

/// One account per role, respondents for Intraservice (the seed's organisation) and a
/// socialnämnd. Accounts that already exist are left as they are.
async fn demo_accounts(store: &Store) -> Result<Vec<(String, &'static str)>> {
    let accounts: [(&str, Role, &[&str], &str); 4] = [
        (
            "samordnare@demo.uppfolj.se",
            Role::Samordnare,
            &[],
            "samordnare",
        ),
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

/// Finds an organisation by key or by name (any case).
/// Who a compilation is for: the coordinator running the command, or with `--public` the public.
fn audience(public: bool) -> Audience {
    if public {
        Audience::Public
    } else {
        Audience::Coordinators
    }
}

/// A round's key as given on the command line; a malformed one cannot name a round.
fn round_key(given: &str) -> Result<Key> {
    Key::parse(given).map_err(|_| anyhow::anyhow!("omgången «{given}» finns inte"))
}

async fn organisation_key(store: &Store, given: &str) -> Result<Key> {
    let organisations = store.organisations().await?;
    organisations
        .iter()
        .find(|o| o.key.as_str() == given || o.name.to_lowercase() == given.trim().to_lowercase())
        .map(|o| o.key.clone())
        .with_context(|| format!("organisationen «{given}» finns inte"))
}

/// Reads an earlier report and stores it as the organisation's response; see `import report`.
async fn import_report(
    store: &Store,
    file: &std::path::Path,
    organisation: &str,
    round: &str,
    dry_run: bool,
) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("kan inte läsa {}", file.display()))?;
    let reading = report::read(&bytes).map_err(|e| match e {
        report::ReadError::Layout {
            from_pdf: false,
            error:
                report::ParseError {
                    place: report::Place::Line(line),
                    message,
                },
        } => anyhow::anyhow!("{}:{line}: {message}", file.display()),
        other => anyhow::anyhow!("{}: {other}", file.display()),
    })?;
    let report = reading.report;
    for warning in &reading.warnings {
        eprintln!(
            "{}: varning: sida {}: {}",
            file.display(),
            warning.page,
            warning.message
        );
    }
    let existing = store.definitions().await?;
    let plan = report::plan_import(&report, &existing, organisation, round)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let problems = plan
        .definitions
        .clone()
        .with_fallback((*existing).clone())
        .validate();
    if let Some((_, problem)) = problems.first() {
        anyhow::bail!(
            "{}: rapporten ger en ogiltig definition: {problem}",
            file.display()
        );
    }
    let mut out = std::io::stdout();
    for created in &plan.created {
        let _ = writeln!(
            out,
            "{} {created}",
            if dry_run { "Skulle skapa" } else { "Skapar" }
        );
    }
    for changed in &plan.changed {
        let _ = writeln!(
            out,
            "{} {changed}",
            if dry_run { "Skulle ändra" } else { "Ändrar" }
        );
    }
    if dry_run {
        let _ = writeln!(
            out,
            "Skulle spara {} svar för {} i omgången {}. Inget sparades.",
            plan.answers.len(),
            plan.organisation,
            plan.round
        );
        return Ok(());
    }
    store.apply_definitions(&plan.definitions).await?;
    let changed = store
        .import_answers(
            &plan.round,
            &plan.organisation,
            &plan.answers,
            &plan.asked,
            &format!("import av {}", file.display()),
        )
        .await
        .map_err(|(i, e)| anyhow::anyhow!("svar {} i {}: {e}", i + 1, file.display()))?;
    if plan.new_round {
        store.set_round_state(&plan.round, RoundState::Open).await?;
        store
            .set_round_state(&plan.round, RoundState::Closed)
            .await?;
    }
    let _ = writeln!(
        out,
        "Inläst: {} ur rapporten för {} i omgången {} ({} ändrade).",
        count(plan.answers.len(), "svar", "svar"),
        plan.organisation,
        plan.round,
        changed
    );
    Ok(())
}

/// The answer rows of a round, for every active organisation or only `only`.
async fn answer_rows(
    store: &Store,
    round: &str,
    only: Option<&Key>,
) -> Result<Vec<answers::AnswerRow>> {
    let definitions = store.definitions().await?;
    let round = definitions
        .rounds
        .iter()
        .find(|r| r.key.as_str() == round)
        .with_context(|| format!("omgången «{round}» finns inte"))?;
    let mut responses = answers::Responses::new();
    for organisation in answers::exported_organisations(&definitions, only) {
        let (status, answers) = store
            .response(&round.key, &organisation.key, &definitions.scales)
            .await?;
        responses.insert(organisation.key.clone(), (status.state, answers));
    }
    Ok(answers::answer_rows(&definitions, round, only, &responses))
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

/// The settings `serve` and `demo` take besides the address.
struct Web {
    public_url: Option<String>,
    insecure_cookies: bool,
    trusted_proxies: Vec<std::net::IpAddr>,
    mailer: Option<uppfolj_app::mail::Mailer>,
}

/// Serves until stopped; `announce` runs once the address is known, after the line with it.
async fn serve(store: Store, web: &Web, bind: SocketAddr, announce: impl FnOnce()) -> Result<()> {
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
