//! Definition files: the TOML a coordinator keeps in version control (see `docs/definitions.md`).
//!
//! Reading is all or nothing: every file is parsed and the whole set is checked, together with what
//! the database already holds, and every problem is reported as `file:line:column: message`.

mod locate;
mod read;
mod write;

use std::path::{Path as FsPath, PathBuf};

use uppfolj_model::{Definitions, ObjectRef, Path};

use crate::Diagnostic;

pub use write::export;

/// A definition file's name and text, as read from disk or received over the network.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// Parsed files, remembering where each object came from so that later checks can point into them.
#[derive(Debug)]
pub struct Parsed {
    definitions: Definitions,
    files: Vec<SourceFile>,
    origins: Origins,
}

/// For each object of `Parsed::definitions`, its file and its path inside that file.
#[derive(Debug, Default)]
struct Origins {
    scales: Vec<(usize, Path)>,
    organisations: Vec<(usize, Path)>,
    documents: Vec<(usize, Path)>,
    rounds: Vec<(usize, Path)>,
}

impl Origins {
    fn of(&self, object: ObjectRef) -> Option<&(usize, Path)> {
        match object {
            ObjectRef::Scale(i) => self.scales.get(i),
            ObjectRef::Organisation(i) => self.organisations.get(i),
            ObjectRef::Document(i) => self.documents.get(i),
            ObjectRef::Round(i) => self.rounds.get(i),
        }
    }
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

fn collect(path: &FsPath, found: &mut Vec<PathBuf>, problems: &mut Vec<Diagnostic>) {
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

/// Parses definition files. Returns every syntax and shape problem of every file.
pub fn parse(files: Vec<SourceFile>) -> Result<Parsed, Vec<Diagnostic>> {
    let mut parsed = Parsed {
        definitions: Definitions::default(),
        files: Vec::new(),
        origins: Origins::default(),
    };
    let mut problems = Vec::new();
    for file in files {
        let index = parsed.files.len();
        match read::file(&file.text) {
            Ok(contents) => {
                for (path, problem) in contents.problems {
                    problems.push(locate::diagnostic(&file, &path, problem));
                }
                let defs = &mut parsed.definitions;
                let origins = &mut parsed.origins;
                for (path, scale) in contents.scales {
                    defs.scales.push(scale);
                    origins.scales.push((index, path));
                }
                for (path, organisation) in contents.organisations {
                    defs.organisations.push(organisation);
                    origins.organisations.push((index, path));
                }
                for (path, document) in contents.documents {
                    defs.documents.push(document);
                    origins.documents.push((index, path));
                }
                for (path, round) in contents.rounds {
                    defs.rounds.push(round);
                    origins.rounds.push((index, path));
                }
            }
            Err(error) => problems.push(locate::toml_error(&file, &error)),
        }
        parsed.files.push(file);
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(problems)
    }
}

impl Parsed {
    /// Checks the parsed files together with what is already stored. On success returns the
    /// files' definitions, ready to store; otherwise every problem, located in its file.
    pub fn check(self, existing: Definitions) -> Result<Definitions, Vec<Diagnostic>> {
        let merged = self.definitions.clone().with_fallback(existing);
        let mut problems: Vec<Diagnostic> = merged
            .validate()
            .into_iter()
            .map(|(object, problem)| match self.origins.of(object) {
                Some((file, root)) => {
                    let path = Path(root.0.iter().chain(&problem.path.0).cloned().collect());
                    locate::diagnostic(&self.files[*file], &path, problem.message)
                }
                None => Diagnostic::whole("(databasen)".into(), problem.to_string()),
            })
            .collect();
        problems.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        if problems.is_empty() {
            Ok(self.definitions)
        } else {
            Err(problems)
        }
    }
}

/// Writes exported files below `dir`, creating folders as needed; returns the paths written.
pub fn write_files(dir: &FsPath, files: &[(PathBuf, String)]) -> std::io::Result<Vec<PathBuf>> {
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
