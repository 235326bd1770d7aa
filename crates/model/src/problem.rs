//! Validation problems that say where they are, so that every layer can point at the cause.

use std::fmt;

/// One step into a nested definition: a table key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Field(&'static str),
    Index(usize),
}

/// Where inside a definition a problem sits, in the vocabulary of the definition files
/// (`section[0].question[2].scale`), so that the file layer can turn it into line and column.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Step>);

impl Path {
    /// The empty path: the object itself.
    pub fn root() -> Path {
        Path(Vec::new())
    }

    /// This path extended by a field.
    pub fn field(&self, name: &'static str) -> Path {
        let mut steps = self.0.clone();
        steps.push(Step::Field(name));
        Path(steps)
    }

    /// This path extended by an array element.
    pub fn index(&self, i: usize) -> Path {
        let mut steps = self.0.clone();
        steps.push(Step::Index(i));
        Path(steps)
    }

    /// This path extended by an element of a named array: `field(name).index(i)`.
    pub fn item(&self, name: &'static str, i: usize) -> Path {
        self.field(name).index(i)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                Step::Field(name) if i == 0 => write!(f, "{name}")?,
                Step::Field(name) => write!(f, ".{name}")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A rule a definition breaks, with where and a message for the person who wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: Path,
    pub message: String,
}

impl Problem {
    pub fn new(path: Path, message: impl Into<String>) -> Problem {
        Problem {
            path,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.0.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}
