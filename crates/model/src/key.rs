//! Stable identifiers written by people in definition files and URLs.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest key accepted; keys appear in URLs and file names.
pub const MAX_KEY_LEN: usize = 64;

/// A stable, human-chosen identifier such as `intraservice` or `strategi-1-1`.
///
/// Keys let files, URLs and the API name things whose titles may change. Once parsed, a key is
/// known to be lowercase ASCII letters, digits and `-`, so it is safe in a path or a file name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Key(String);

/// Why a text is not a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("nyckeln får inte vara tom")]
    Empty,
    #[error("nyckeln är längre än {MAX_KEY_LEN} tecken")]
    TooLong,
    #[error(
        "nyckeln «{0}» får bara innehålla a–z, 0–9 och bindestreck, och börja med en bokstav eller siffra"
    )]
    Invalid(String),
}

impl Key {
    /// Parses a key, refusing anything that is not a lowercase ASCII slug.
    pub fn parse(text: &str) -> Result<Key, KeyError> {
        if text.is_empty() {
            return Err(KeyError::Empty);
        }
        if text.len() > MAX_KEY_LEN {
            return Err(KeyError::TooLong);
        }
        let valid_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if !text.chars().all(valid_char) || text.starts_with('-') {
            return Err(KeyError::Invalid(text.to_owned()));
        }
        Ok(Key(text.to_owned()))
    }

    /// Makes a key from any name by transliterating Swedish letters and joining words with `-`.
    ///
    /// Used when something is created without an explicit key (an imported report's new section,
    /// say). Returns `None` when nothing usable is left, e.g. for a name of only punctuation.
    pub fn slugify(name: &str) -> Option<Key> {
        let mut slug = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            let mapped = match c {
                'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
                'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'ü' | 'ú' => 'u',
                c if c.is_ascii_alphanumeric() => c,
                _ => '-',
            };
            if mapped == '-' && (slug.is_empty() || slug.ends_with('-')) {
                continue;
            }
            slug.push(mapped);
        }
        let mut slug = slug.trim_end_matches('-').to_owned();
        if slug.len() > MAX_KEY_LEN {
            slug.truncate(MAX_KEY_LEN);
            slug = slug.trim_end_matches('-').to_owned();
        }
        Key::parse(&slug).ok()
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Key {
    type Error = KeyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Key::parse(&value)
    }
}

impl From<Key> for String {
    fn from(key: Key) -> String {
        key.0
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_slugs_and_rejects_everything_else() {
        for ok in ["a", "intraservice", "strategi-1-1", "2025", "x-"] {
            assert!(Key::parse(ok).is_ok(), "{ok} should be a key");
        }
        for bad in [
            "",
            "-a",
            "Intraservice",
            "strategi 1:1",
            "målområde",
            "a_b",
            &"a".repeat(65),
        ] {
            assert!(Key::parse(bad).is_err(), "{bad} should not be a key");
        }
    }

    #[test]
    fn slugify_transliterates_swedish_and_collapses_separators() {
        let cases = [
            ("Nämnden för Intraservice", Some("namnden-for-intraservice")),
            (
                "Målområde 1: Öka kunskapen",
                Some("malomrade-1-oka-kunskapen"),
            ),
            ("  Göteborg & Co AB ", Some("goteborg-co-ab")),
            ("—", None),
        ];
        for (name, expected) in cases {
            assert_eq!(
                Key::slugify(name).as_ref().map(Key::as_str),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn slugify_keeps_long_names_within_the_limit() {
        let key = Key::slugify(&"Göteborgs Stads handlingsplan ".repeat(5)).unwrap();
        assert!(key.as_str().len() <= MAX_KEY_LEN);
        assert!(!key.as_str().ends_with('-'));
    }
}
