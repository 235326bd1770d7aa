use std::fmt;
use std::path::PathBuf;

/// A complaint about a file, located so that an editor can jump to it: `file:line:column: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based; 0 when the problem is about the file as a whole.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl Diagnostic {
    /// Locates a byte offset of `text` as line and column.
    pub fn at_offset(file: PathBuf, text: &str, offset: usize, message: String) -> Diagnostic {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        Diagnostic {
            file,
            line,
            column,
            message,
        }
    }

    /// A problem with no place in a file, such as one found in what the database already holds.
    pub fn whole(file: PathBuf, message: String) -> Diagnostic {
        Diagnostic {
            file,
            line: 0,
            column: 0,
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.line,
                self.column,
                self.message
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_lines_and_character_columns() {
        let text = "a = 1\nåäö = 2\n";
        let d = Diagnostic::at_offset(
            "f.toml".into(),
            text,
            text.find("= 2").unwrap(),
            "fel".into(),
        );
        assert_eq!(d.to_string(), "f.toml:2:5: fel");
        let start = Diagnostic::at_offset("f.toml".into(), text, 0, "fel".into());
        assert_eq!((start.line, start.column), (1, 1));
    }
}
