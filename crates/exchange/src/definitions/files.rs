//! Definition files on disk: finding and reading them, and writing exported ones back.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::Diagnostic;

/// A definition file's name and text, as read from disk or received over the network.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

/// Most definition files read at once; Göteborg's three documents take a handful.
const MAX_FILES: usize = 10_000;
/// Folders below a folder named, at most this deep.
const MAX_DEPTH: usize = 32;

/// Reads the definition files named, or every `*.toml` below the folders named, in a stable order.
///
/// A symbolic link inside a folder is followed only to a file or folder inside the folder named,
/// and each file and folder is read once: a link back up the tree is no loop, and a link out of it
/// is a problem named at the link, so that a folder cannot pull in files from elsewhere.
pub fn read_files(paths: &[PathBuf]) -> Result<Vec<SourceFile>, Vec<Diagnostic>> {
    let mut walk = Walk::default();
    for path in paths {
        walk.named(path);
    }
    let Walk {
        mut found,
        mut problems,
        ..
    } = walk;
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

/// The files found so far, by the name they were found under, and every file and folder seen,
/// by where it really is.
#[derive(Default)]
struct Walk {
    found: Vec<PathBuf>,
    problems: Vec<Diagnostic>,
    seen: HashSet<PathBuf>,
}

impl Walk {
    /// A path named by the user: a file is read whatever its name, a folder for its `*.toml`.
    fn named(&mut self, path: &Path) {
        match std::fs::canonicalize(path) {
            Ok(real) if real.is_dir() => {
                if self.seen.insert(real.clone()) {
                    self.folder(path, &real, &real, 0);
                }
            }
            Ok(real) => self.file(path, real),
            Err(_) => self.problems.push(Diagnostic::whole(
                path.into(),
                "filen eller mappen finns inte".into(),
            )),
        }
    }

    /// The `*.toml` files below `folder` (really at `real`), inside `root`.
    fn folder(&mut self, folder: &Path, real: &Path, root: &Path, depth: usize) {
        if depth > MAX_DEPTH {
            return self.problems.push(Diagnostic::whole(
                folder.into(),
                format!("mapparna ligger mer än {MAX_DEPTH} nivåer djupt"),
            ));
        }
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(e) => {
                return self.problems.push(Diagnostic::whole(
                    folder.into(),
                    format!("kan inte läsa mappen: {e}"),
                ));
            }
        };
        for entry in entries.flatten() {
            let child = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let real_child = if kind.is_symlink() {
                match std::fs::canonicalize(&child) {
                    Ok(real) if real.starts_with(root) => real,
                    Ok(real) => {
                        self.problems.push(Diagnostic::whole(
                            child,
                            format!(
                                "länken leder ut ur mappen {} (till {}); Uppfölj följer bara \
                                 länkar inom mappen, så ange filen direkt om den ska läsas",
                                root.display(),
                                real.display()
                            ),
                        ));
                        continue;
                    }
                    Err(_) => {
                        self.problems.push(Diagnostic::whole(
                            child,
                            "länken leder till något som inte finns".into(),
                        ));
                        continue;
                    }
                }
            } else {
                real.join(entry.file_name())
            };
            if real_child.is_dir() {
                if self.seen.insert(real_child.clone()) {
                    self.folder(&child, &real_child, root, depth + 1);
                }
            } else if child.extension().is_some_and(|e| e == "toml") {
                self.file(&child, real_child);
            }
            if self.found.len() > MAX_FILES {
                return;
            }
        }
    }

    /// A file found as `path`, really at `real`, unless it was found before.
    fn file(&mut self, path: &Path, real: PathBuf) {
        if self.seen.insert(real) {
            self.found.push(path.to_owned());
            if self.found.len() == MAX_FILES + 1 {
                self.problems.push(Diagnostic::whole(
                    path.into(),
                    format!("fler än {MAX_FILES} definitionsfiler; ange färre mappar"),
                ));
            }
        }
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
