//! `import definitions`, `import report` and `import indicator-values`: definition files, earlier
//! reports and indicator values read into the database, checked in full before anything is saved.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use uppfolj_app::audit;
use uppfolj_exchange::{authoring, definitions, report};
use uppfolj_model::council_data::CouncilData;
use uppfolj_model::{AuditAction, Definitions, RoundState};
use uppfolj_store::{CouncilSummary, Store};

use crate::common::{OPERATOR, count, diagnostics_error};

/// The `import` commands.
#[derive(Subcommand)]
pub enum Import {
    /// Läser in definitionsfiler (TOML): svarsskalor, organisationer, styrdokument (med
    /// indikatorer och bedömningsinställningar), omgångar (med bedömningar och målområdestexter);
    /// eller ett styrdokuments frågor ur en XLSForm-arbetsbok (.xlsx), en LimeSurvey-enkät
    /// (.lss) eller SurveyJS-JSON, som känns igen på innehållet. Ange filer eller mappar, i
    /// valfri ordning. Allt kontrolleras innan något sparas; vid fel skrivs varje problem ut
    /// (fil:rad:kolumn, eller blad, rad och kolumn) och databasen lämnas orörd.
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
    /// Läser in indikatorvärden per år till ett styrdokuments indikatorer, ur en CSV-fil
    /// (kolumnerna indikator, år och värde; semikolon eller komma) eller en JSON-fil som
    /// Koladas API ger (värdena matchas på indikatorernas Kolada-id och kommun-id). Allt
    /// kontrolleras innan något sparas; år som inte finns i filen lämnas orörda.
    IndicatorValues {
        /// CSV- eller JSON-filen.
        file: PathBuf,
        /// Styrdokumentets nyckel.
        #[arg(long)]
        document: String,
    },
}

/// Runs an `import` command.
pub async fn run(store: &Store, command: Import) -> Result<()> {
    match command {
        Import::Definitions { paths } => import_definitions(store, &paths).await,
        Import::Report {
            file,
            organisation,
            round,
            dry_run,
        } => import_report(store, &file, &organisation, &round, dry_run).await,
        Import::IndicatorValues { file, document } => {
            import_indicator_values(store, &file, &document).await
        }
    }
}

/// Reads, checks against what is stored, and saves definition files and question sets from
/// authoring formats, all or nothing; see `import definitions`.
async fn import_definitions(store: &Store, paths: &[PathBuf]) -> Result<()> {
    let stored = (*store.definitions().await?).clone();
    let mut toml = Vec::new();
    let mut authored = Vec::new();
    for path in paths {
        let bytes = if path.is_file() {
            Some(std::fs::read(path).with_context(|| format!("kan inte läsa {}", path.display()))?)
        } else {
            None
        };
        match bytes.filter(|b| authoring::Format::detect(b).is_some()) {
            Some(bytes) => authored.push((path.clone(), bytes)),
            None => toml.push(path.clone()),
        }
    }
    let (mut checked, council) = if toml.is_empty() {
        (Definitions::default(), CouncilData::default())
    } else {
        let files = definitions::read_files(&toml).map_err(|p| diagnostics_error(&p))?;
        let parsed = definitions::parse(files).map_err(|p| diagnostics_error(&p))?;
        let settings = store.stored_assessment_settings().await?;
        let council = parsed.check_council(&stored, &settings);
        match (parsed.check(stored.clone()), council) {
            (Ok(checked), Ok(council)) => (checked, council),
            (checked, council) => {
                let mut problems = checked.err().unwrap_or_default();
                problems.extend(council.err().unwrap_or_default());
                problems
                    .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
                return Err(diagnostics_error(&problems));
            }
        }
    };
    let mut problems = Vec::new();
    for (path, bytes) in &authored {
        let with_earlier = checked.clone().with_fallback(stored.clone());
        match authoring::import(path, bytes, &with_earlier) {
            Ok(set) => checked = set.with_fallback(checked),
            Err(found) => problems.extend(found),
        }
    }
    if !problems.is_empty() {
        return Err(diagnostics_error(&problems));
    }
    let now = time::OffsetDateTime::now_utc();
    let (s, c) = store
        .import_definitions(&checked, &council, OPERATOR, now)
        .await?;
    let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let after = serde_json::json!({
        "files": files, "documents": s.documents, "questions": s.questions,
        "organisations": s.organisations, "rounds": s.rounds,
        "indicators": c.indicators, "assessments": c.assessments, "narratives": c.narratives,
    });
    let action = AuditAction::DefinitionsImported;
    audit::record(store, OPERATOR, action, "definitioner", None, Some(&after)).await;
    println!(
        "Inläst: {}, {}, {} med {}, {}.",
        count(s.scales, "svarsskala", "svarsskalor"),
        count(s.organisations, "organisation", "organisationer"),
        count(s.documents, "styrdokument", "styrdokument"),
        count(s.questions, "fråga", "frågor"),
        count(s.rounds, "omgång", "omgångar"),
    );
    if c != CouncilSummary::default() {
        println!(
            "Till rapporten till kommunstyrelsen: {} ändrade, {} och {} ändrade.",
            count(c.indicators, "indikator", "indikatorer"),
            count(c.assessments, "bedömning", "bedömningar"),
            count(c.narratives, "målområdestext", "målområdestexter"),
        );
    }
    Ok(())
}

/// Reads an earlier report and stores it as the organisation's response; see `import report`.
async fn import_report(
    store: &Store,
    file: &Path,
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

/// Reads a CSV or Kolada JSON file of indicator values and stores them, all or none.
async fn import_indicator_values(store: &Store, file: &Path, document: &str) -> Result<()> {
    use uppfolj_exchange::indicator_values::{read_csv, read_kolada};
    let bytes = std::fs::read(file).with_context(|| format!("kan inte läsa {}", file.display()))?;
    let document = uppfolj_app::lookup::key(document, "dokumentet")?;
    let indicators: Vec<_> = store
        .indicators(&document)
        .await?
        .into_iter()
        .map(|v| v.indicator)
        .collect();
    let json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF)
        .is_some_and(|b| matches!(b, b'{' | b'['));
    let read = if json {
        read_kolada(file, &bytes, &indicators)
    } else {
        read_csv(file, &bytes)
    };
    let values = read.map_err(|problems| diagnostics_error(&problems))?;
    let values: Vec<_> = values
        .into_iter()
        .map(|v| (v.indicator, v.reading))
        .collect();
    let written = uppfolj_app::council::import_values(store, &document, &values).await?;
    let after = serde_json::json!({ "file": file.display().to_string(), "values": written });
    let subject = format!("indikatorer/{document}");
    let action = AuditAction::IndicatorValuesImported;
    audit::record(store, OPERATOR, action, &subject, None, Some(&after)).await;
    println!(
        "Läste in {} till «{document}».",
        count(written, "värde", "värden")
    );
    Ok(())
}
