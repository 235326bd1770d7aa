//! Definition files on disk: finding and reading them, and writing exported ones back.

use std::path::{Path, PathBuf};

use crate::Diagnostic;

/// A definition file's name and text, as read from disk or received over the network.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// Reads the definition files named, or every `*.toml` below the folders named, in a stable order.
pub fn read_files(paths: &[PathBuf]) -> Result<Vec<SourceFile>, Vec<Diagnostic>> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        collect(path, &mut found, &mut problems);
    }
    if found.is_empty() && problems.is_empty() {
        let names = paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        problems.push(Diagnostic::whole(
            PathBuf::from(names),
            "hittade inga definitionsfiler (*.toml)".into(),
        ));
    }
    found.sort();
    found.dedup();
    let mut files = Vec::new();
    for path in found {
        match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push(SourceFile { path, text }),
                Err(e) => problems.push(Diagnostic::whole(
                    path,
                    format!(
                        "filen är inte UTF-8 (ogiltig byte vid position {})",
                        e.utf8_error().valid_up_to()
                    ),
                )),
            },
            Err(e) => problems.push(Diagnostic::whole(path, format!("kan inte läsa filen: {e}"))),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

fn collect(path: &Path, found: &mut Vec<PathBuf>, problems: &mut Vec<Diagnostic>) {
    if path.is_dir() {
        let entries = match std::fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => {
                return problems.push(Diagnostic::whole(
                    path.into(),
                    format!("kan inte läsa mappen: {e}"),
                ));
            }
        };
        for entry in entries.flatten() {
            let child = entry.path();
            if child.is_dir() || child.extension().is_some_and(|e| e == "toml") {
                collect(&child, found, problems);
            }
        }
    } else if path.exists() {
        found.push(path.to_owned());
    } else {
        problems.push(Diagnostic::whole(
            path.into(),
            "filen eller mappen finns inte".into(),
        ));
    }
}

/// Writes exported files below `dir`, creating folders as needed; returns the paths written.
pub fn write_files(dir: &Path, files: &[(PathBuf, String)]) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (relative, text) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        written.push(path);
    }
    Ok(written)
}
