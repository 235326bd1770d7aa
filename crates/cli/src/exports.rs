//! `export definitions`, `export answers` and `export compilation`: data out of the database as
//! files for people who continue in Excel, LibreOffice or another tool.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use uppfolj_exchange::answers;
use uppfolj_exchange::authoring::{QuestionSet, surveyjs, xlsform};
use uppfolj_exchange::compilation::TableFormat;
use uppfolj_exchange::{compilation, definitions};
use uppfolj_model::Key;
use uppfolj_store::Store;

use crate::common::{audience, count, organisation_key, round_key, write_file};

/// The `export` commands.
#[derive(Subcommand)]
pub enum Export {
    /// Skriver alla definitioner som TOML-filer: scales.toml, organisations.toml,
    /// documents/NYCKEL.toml och rounds/NYCKEL.toml; eller varje styrdokuments frågor som en
    /// XLSForm-arbetsbok (NYCKEL.xlsx, för Excel, ODK och KoboToolbox) eller SurveyJS-JSON
    /// (NYCKEL.json).
    Definitions {
        /// Mapp att skriva till; skapas om den saknas.
        #[arg(long)]
        out: PathBuf,
        /// toml (standard), xlsform eller surveyjs.
        #[arg(long, value_enum, default_value = "toml")]
        format: DefinitionsFormat,
        /// Bara detta styrdokument (nyckel); för xlsform och surveyjs.
        #[arg(long)]
        document: Option<String>,
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

/// The formats definitions can be exported in.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum DefinitionsFormat {
    Toml,
    Xlsform,
    Surveyjs,
}

/// The formats a compilation can be exported in.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CompilationExport {
    Csv,
    Xlsx,
    Ods,
}

/// The formats answers can be exported in.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum AnswersFormat {
    Csv,
    Xlsx,
    Json,
}

/// Runs an `export` command.
pub async fn run(store: &Store, command: Export) -> Result<()> {
    match command {
        Export::Definitions {
            out,
            format,
            document,
        } => export_definitions(store, &out, format, document.as_deref()).await,
        Export::Answers {
            round,
            organisation,
            format,
            delimiter,
            out,
        } => {
            export_answers(
                store,
                &round,
                organisation.as_deref(),
                format,
                delimiter,
                &out,
            )
            .await
        }
        Export::Compilation {
            round,
            format,
            public,
            delimiter,
            out,
        } => export_compilation(store, &round, format, public, delimiter, &out).await,
    }
}

/// Writes the definitions as TOML files, or each document (or only `document`) as an authoring
/// file; see `export definitions`.
async fn export_definitions(
    store: &Store,
    out: &Path,
    format: DefinitionsFormat,
    document: Option<&str>,
) -> Result<()> {
    let stored = store.definitions().await?;
    let authored = |key: &Key| -> Result<(PathBuf, Vec<u8>)> {
        let set = QuestionSet::of(&stored, key)
            .ok_or_else(|| anyhow::anyhow!("styrdokumentet «{key}» finns inte"))?;
        Ok(match format {
            DefinitionsFormat::Xlsform => (format!("{key}.xlsx").into(), xlsform::write(&set)?),
            _ => (
                format!("{key}.json").into(),
                surveyjs::write(&set).into_bytes(),
            ),
        })
    };
    let written = match (format, document) {
        (DefinitionsFormat::Toml, _) => {
            let council = store.council_data(&stored).await?;
            definitions::write_files(out, &definitions::export(&stored, &council))
                .with_context(|| format!("kan inte skriva till {}", out.display()))?
                .len()
        }
        (_, document) => {
            let keys: Vec<Key> = match document {
                Some(key) => vec![Key::parse(key).map_err(|e| anyhow::anyhow!("--document: {e}"))?],
                None => stored.documents.iter().map(|d| d.key.clone()).collect(),
            };
            std::fs::create_dir_all(out)
                .with_context(|| format!("kan inte skapa mappen {}", out.display()))?;
            for key in &keys {
                let (name, bytes) = authored(key)?;
                write_file(&out.join(name), bytes)?;
            }
            keys.len()
        }
    };
    println!(
        "Skrev {} till {}.",
        count(written, "fil", "filer"),
        out.display()
    );
    Ok(())
}

/// Loads the round's definitions and the responses of the organisations exported, turns them
/// into rows and writes those; see `export answers`.
async fn export_answers(
    store: &Store,
    round: &str,
    organisation: Option<&str>,
    format: AnswersFormat,
    delimiter: char,
    out: &Path,
) -> Result<()> {
    let only = match organisation {
        Some(o) => Some(organisation_key(store, o).await?),
        None => None,
    };
    let rows = uppfolj_app::reports::answer_rows(store, &round_key(round)?, only.as_ref()).await?;
    let bytes = match format {
        AnswersFormat::Csv => answers::csv(&rows, csv_delimiter(delimiter)?)?,
        AnswersFormat::Xlsx => answers::xlsx(&rows)?,
        AnswersFormat::Json => answers::json(&rows),
    };
    write_file(out, bytes)?;
    println!(
        "Skrev {} till {}.",
        count(rows.len(), "rad", "rader"),
        out.display()
    );
    Ok(())
}

/// Writes the round's compilation as tables; see `export compilation`.
async fn export_compilation(
    store: &Store,
    round: &str,
    format: CompilationExport,
    public: bool,
    delimiter: char,
    out: &Path,
) -> Result<()> {
    let round = round_key(round)?;
    let compilation =
        uppfolj_app::reports::round_compilation(store, &round, audience(public)).await?;
    let sheets = compilation::sheets(&compilation);
    match format {
        CompilationExport::Xlsx => {
            write_file(out, compilation::tables(&sheets, TableFormat::Xlsx, b';')?)?
        }
        CompilationExport::Ods => {
            write_file(out, compilation::tables(&sheets, TableFormat::Ods, b';')?)?
        }
        CompilationExport::Csv => {
            let delimiter = csv_delimiter(delimiter)?;
            std::fs::create_dir_all(out)
                .with_context(|| format!("kan inte skapa mappen {}", out.display()))?;
            for sheet in &sheets {
                let path = out.join(format!("{}.csv", sheet.file));
                write_file(&path, compilation::csv(sheet, delimiter)?)?;
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

/// The field separator `--delimiter` names, as the CSV writers take it.
fn csv_delimiter(given: char) -> Result<u8> {
    match given {
        ';' | ',' | '\t' => Ok(given as u8),
        _ => anyhow::bail!("avgränsaren ska vara ; , eller tab"),
    }
}
