//! Definition files: the TOML a coordinator keeps in version control (see `docs/definitions.md`).
//!
//! Reading is all or nothing: every file is parsed and the whole set is checked, together with what
//! the database already holds, and every problem is reported as `file:line:column: message`.
//!
//! Imports point one way. Below this module stand `files` (finding, reading and writing them on
//! disk), `locate` (a problem's line and column in a [`SourceFile`] of `files`), and
//! `read` and `write` (file shapes to and from model values); this module parses and checks with
//! them, and lends them nothing.

mod files;
mod locate;
mod read;
mod write;

use std::collections::HashMap;

use uppfolj_model::assessment::AssessmentSettings;
use uppfolj_model::council_data::{CouncilData, DataRef};
use uppfolj_model::{Definitions, Key, ObjectRef, Path, Problem};

use crate::Diagnostic;

pub use files::{SourceFile, read_files, write_files};
pub use write::export;

/// Parsed files, remembering where each object came from so that later checks can point into them.
#[derive(Debug)]
pub struct Parsed {
    definitions: Definitions,
    council: CouncilData,
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
    council_documents: Vec<(usize, Path)>,
    council_rounds: Vec<(usize, Path)>,
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

    fn of_data(&self, part: DataRef) -> Option<&(usize, Path)> {
        match part {
            DataRef::Document(i) => self.council_documents.get(i),
            DataRef::Round(i) => self.council_rounds.get(i),
        }
    }
}

/// Parses definition files. Returns every syntax and shape problem of every file.
pub fn parse(files: Vec<SourceFile>) -> Result<Parsed, Vec<Diagnostic>> {
    let mut parsed = Parsed {
        definitions: Definitions::default(),
        council: CouncilData::default(),
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
                let council = &mut parsed.council;
                for (path, data) in contents.council_documents {
                    council.documents.push(data);
                    origins.council_documents.push((index, path));
                }
                for (path, data) in contents.council_rounds {
                    council.rounds.push(data);
                    origins.council_rounds.push((index, path));
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
    /// A problem of an object that stands at `root` in file `file`, at its line and column.
    fn located(&self, (file, root): &(usize, Path), problem: Problem) -> Diagnostic {
        let path = Path(root.0.iter().chain(&problem.path.0).cloned().collect());
        locate::diagnostic(&self.files[*file], &path, problem.message)
    }

    /// Checks what the files say for the council report — indicators, assessment settings,
    /// assessments and goal-area texts — against the files' definitions merged with what is
    /// stored (`existing`, and the stored assessment settings). On success returns it, ready
    /// to store beside the definitions that [`Parsed::check`] returns.
    pub fn check_council(
        &self,
        existing: &Definitions,
        settings: &HashMap<Key, AssessmentSettings>,
    ) -> Result<CouncilData, Vec<Diagnostic>> {
        let merged = self.definitions.clone().with_fallback(existing.clone());
        let problems: Vec<Diagnostic> = self
            .council
            .validate(&merged, settings)
            .into_iter()
            .filter_map(|(part, problem)| Some(self.located(self.origins.of_data(part)?, problem)))
            .collect();
        if problems.is_empty() {
            Ok(self.council.clone())
        } else {
            Err(problems)
        }
    }

    /// Checks the parsed files together with what is already stored. On success returns the
    /// files' definitions, ready to store; otherwise every problem, located in its file.
    pub fn check(self, existing: Definitions) -> Result<Definitions, Vec<Diagnostic>> {
        let merged = self.definitions.clone().with_fallback(existing);
        let mut problems: Vec<Diagnostic> = merged
            .validate()
            .into_iter()
            .map(|(object, problem)| match self.origins.of(object) {
                Some(origin) => self.located(origin, problem),
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
