//! `report organisation`, `report organisations` and `report compilation`: the documents people
//! read, written as PDF, HTML, Markdown or (the compilation) JSON.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use clap::Subcommand;
use uppfolj_model::Compilation;
use uppfolj_report::OrganisationReport;
use uppfolj_store::Store;

use crate::common::{audience, count, organisation_key, round_key, write_file};

/// The `report` commands.
#[derive(Subcommand)]
pub enum Report {
    /// En organisations rapport för en omgång: varje styrdokument och avsnitt med numrerade
    /// rubriker, och under varje avsnitt frågorna med svar och kommentar.
    Organisation {
        /// Omgångens nyckel.
        #[arg(long)]
        round: String,
        /// Organisationens nyckel eller namn.
        #[arg(long)]
        organisation: String,
        /// pdf (tillgänglig PDF/UA), docx (Word), html (en sida som går att skriva ut) eller md
        /// (Markdown).
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
        /// pdf, docx, html eller md.
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
    /// Uppföljningsrapporten till kommunstyrelsen för ett styrdokument i en omgång: omslag,
    /// sammanfattning av bedömningarna, per målområde texterna, bedömningarna med svaren bakom
    /// dem och indikatorerna, och varje indikator med diagram.
    Council {
        /// Omgångens nyckel.
        #[arg(long)]
        round: String,
        /// Styrdokumentets nyckel.
        #[arg(long)]
        document: String,
        /// pdf (tillgänglig PDF/UA), docx (Word), html (en sida) eller md (Markdown).
        #[arg(long, value_enum, default_value = "pdf")]
        format: CouncilFormat,
        /// Den publicerade versionen: bara inskickade svar; omgången måste vara publicerad.
        #[arg(long)]
        public: bool,
        /// Filen att skriva.
        #[arg(long)]
        out: PathBuf,
    },
}

/// The formats the council report can be written in.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CouncilFormat {
    Pdf,
    Docx,
    Html,
    Md,
}

impl From<CouncilFormat> for uppfolj_report::CouncilFormat {
    fn from(format: CouncilFormat) -> uppfolj_report::CouncilFormat {
        match format {
            CouncilFormat::Pdf => uppfolj_report::CouncilFormat::Pdf,
            CouncilFormat::Docx => uppfolj_report::CouncilFormat::Docx,
            CouncilFormat::Html => uppfolj_report::CouncilFormat::Html,
            CouncilFormat::Md => uppfolj_report::CouncilFormat::Markdown,
        }
    }
}

/// The formats a report can be written in.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    Pdf,
    Docx,
    Html,
    Md,
}

impl ReportFormat {
    /// The report as the bytes of a file in this format.
    fn render(self, report: &OrganisationReport) -> Result<Vec<u8>> {
        Ok(match self {
            ReportFormat::Pdf => report.pdf()?,
            ReportFormat::Docx => uppfolj_report::organisation_docx(report)?,
            ReportFormat::Html => report.html()?.into_bytes(),
            ReportFormat::Md => report.markdown().into_bytes(),
        })
    }

    /// The file name extension of this format, for `report organisations`.
    fn extension(self) -> &'static str {
        match self {
            ReportFormat::Pdf => "pdf",
            ReportFormat::Docx => "docx",
            ReportFormat::Html => "html",
            ReportFormat::Md => "md",
        }
    }
}

/// The formats a compilation can be written in.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CompilationFormat {
    Pdf,
    Html,
    Md,
    Json,
}

impl CompilationFormat {
    /// The compilation as the bytes of a file in this format.
    fn render(self, compilation: Compilation) -> Result<Vec<u8>> {
        let format = match self {
            CompilationFormat::Pdf => uppfolj_report::CompilationFormat::Pdf,
            CompilationFormat::Html => uppfolj_report::CompilationFormat::Html,
            CompilationFormat::Md => uppfolj_report::CompilationFormat::Markdown,
            CompilationFormat::Json => uppfolj_report::CompilationFormat::Json,
        };
        let today = time::OffsetDateTime::now_utc().date();
        Ok(uppfolj_report::compilation_file(
            &compilation,
            format,
            today,
        )?)
    }
}

/// Runs a `report` command.
pub async fn run(store: &Store, command: Report) -> Result<()> {
    match command {
        Report::Organisation {
            round,
            organisation,
            format,
            out,
        } => {
            let organisation = organisation_key(store, &organisation).await?;
            let round = round_key(&round)?;
            let report =
                uppfolj_app::reports::organisation_report(store, &round, &organisation, true)
                    .await?;
            write_file(&out, format.render(&report)?)?;
            println!("Skrev {}.", out.display());
        }
        Report::Organisations { round, format, out } => {
            let round = round_key(&round)?;
            let reports = uppfolj_app::reports::round_reports(store, &round).await?;
            std::fs::create_dir_all(&out)
                .with_context(|| format!("kan inte skapa mappen {}", out.display()))?;
            write_reports(&reports, format, &out)?;
            println!(
                "Skrev {} till {}.",
                count(reports.len(), "rapport", "rapporter"),
                out.display()
            );
        }
        Report::Compilation {
            round,
            format,
            public,
            out,
        } => {
            let round = round_key(&round)?;
            let compilation =
                uppfolj_app::reports::round_compilation(store, &round, audience(public)).await?;
            write_file(&out, format.render(compilation)?)?;
            println!("Skrev {}.", out.display());
        }
        Report::Council {
            round,
            document,
            format,
            public,
            out,
        } => {
            let round = round_key(&round)?;
            let document = uppfolj_app::lookup::key(&document, "dokumentet")?;
            let report =
                uppfolj_app::council::report(store, &round, &document, audience(public)).await?;
            let today = time::OffsetDateTime::now_utc().date();
            write_file(
                &out,
                uppfolj_report::council_file(&report, format.into(), today)?,
            )?;
            println!("Skrev {}.", out.display());
        }
    }
    Ok(())
}

/// Renders the reports on every core (typesetting is CPU-bound) and writes one file each.
fn write_reports(reports: &[OrganisationReport], format: ReportFormat, dir: &Path) -> Result<()> {
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(report) = reports.get(i) else {
                            return Ok(());
                        };
                        let path = dir.join(format!(
                            "{}.{}",
                            report.organisation_key,
                            format.extension()
                        ));
                        write_file(&path, format.render(report)?)?;
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().expect("a report worker panicked"))
    })
}
