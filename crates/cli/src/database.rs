//! `backup`, `restore` and `migrate-to`: whole-database copies. A backup is a SQLite file at this
//! version's schema, from either backend, so that one file restores into either.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use uppfolj_store::{CopySummary, Store, mask};

/// Takes a consistent copy while the server may be running.
pub async fn backup(store: &Store, file: &Path) -> Result<()> {
    let summary = store
        .backup(file)
        .await
        .with_context(|| format!("säkerhetskopian {} kunde inte tas", file.display()))?;
    println!(
        "Säkerhetskopian {} är tagen: {}.",
        file.display(),
        describe(&summary)
    );
    Ok(())
}

/// Restores a backup into the (empty) database `store` is on. The backup file itself is never
/// changed: a copy of it is brought up to this version's schema first.
pub async fn restore(store: &Store, url: &str, file: &Path) -> Result<()> {
    if !file.is_file() {
        anyhow::bail!("säkerhetskopian {} finns inte", file.display());
    }
    let scratch = tempfile::tempdir().context("kan inte skapa en tillfällig mapp")?;
    let working: PathBuf = scratch.path().join("kopia.db");
    std::fs::copy(file, &working).with_context(|| format!("kan inte läsa {}", file.display()))?;
    let source = Store::open(&format!("sqlite://{}", working.display()))
        .await
        .with_context(|| format!("{} är inte en säkerhetskopia av Uppfölj", file.display()))?;
    let summary = source.copy_into(store).await;
    source.close().await;
    let summary = summary.with_context(|| format!("{} kunde inte återställas", file.display()))?;
    println!(
        "Säkerhetskopian {} är återställd i {}: {}.",
        file.display(),
        mask(url),
        describe(&summary)
    );
    Ok(())
}

/// Copies everything into the empty database at `target`, checked by counting every table.
pub async fn migrate_to(store: &Store, target: &str) -> Result<()> {
    let destination = Store::open(target).await?;
    let summary = store.copy_into(&destination).await;
    destination.close().await;
    let summary = summary.with_context(|| format!("kunde inte flytta till {}", mask(target)))?;
    println!("Allt är kopierat till {}:", mask(target));
    for (table, rows) in &summary.tables {
        println!("  {table:<28} {rows}");
    }
    println!(
        "Radantalen stämmer mot källan. Byt DATABASE_URL till den nya databasen och starta om."
    );
    Ok(())
}

/// "1 234 rader i 12 tabeller".
fn describe(summary: &CopySummary) -> String {
    let tables = summary.tables.iter().filter(|(_, n)| *n > 0).count();
    format!(
        "{} rader i {tables} tabeller (inloggningar och sessioner tas inte med)",
        summary.rows()
    )
}
