//! Turning paths into line and column, by walking a span-keeping parse of the file.

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use uppfolj_model::{Path, Step};

use super::SourceFile;
use crate::Diagnostic;

/// Points a problem at the deepest part of `path` that exists in the file.
pub(super) fn diagnostic(file: &SourceFile, path: &Path, message: String) -> Diagnostic {
    let offset = DeTable::parse(&file.text)
        .map(|root| offset(&root, path))
        .unwrap_or(0);
    Diagnostic::at_offset(file.path.clone(), &file.text, offset, message)
}

/// A syntax or shape error from the TOML reader, in Swedish where its wording is known.
pub(super) fn toml_error(file: &SourceFile, error: &toml::de::Error) -> Diagnostic {
    let message = swedish(error.message());
    match error.span() {
        Some(span) => Diagnostic::at_offset(file.path.clone(), &file.text, span.start, message),
        None => Diagnostic::whole(file.path.clone(), message),
    }
}

fn offset(root: &Spanned<DeTable<'_>>, path: &Path) -> usize {
    let mut best = root.span().start;
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    let mut array: Option<&[Spanned<DeValue<'_>>]> = None;
    for step in &path.0 {
        let next = match (step, table, array) {
            (Step::Field(name), Some(t), _) => t.get(*name),
            (Step::Index(i), _, Some(a)) => a.get(*i),
            _ => None,
        };
        let Some(next) = next else { break };
        if next.span().start > 0 || best == 0 {
            best = next.span().start;
        }
        (table, array) = match next.get_ref() {
            DeValue::Table(t) => (Some(t), None),
            DeValue::Array(a) => (None, Some(a.as_ref())),
            _ => (None, None),
        };
    }
    best
}

/// Translates the TOML and serde messages a coordinator is likely to meet.
fn swedish(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("fältet {} saknas", guillemets(rest));
    }
    for (prefix, what, allowed) in [
        ("unknown field ", "okänt fält", "tillåtna fält"),
        ("unknown variant ", "okänt värde", "tillåtna värden"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (given, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
            let choices = expected.trim_start_matches(" one of").trim();
            return format!(
                "{what} {}; {allowed}: {}",
                guillemets(given),
                guillemets(choices)
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return format!(
            "fel typ av värde: fann {}, väntade {}",
            english_type(found),
            english_type(expected)
        );
    }
    if message.starts_with("duplicate key") {
        return format!(
            "samma nyckel står två gånger i tabellen ({})",
            guillemets(message)
        );
    }
    format!("ogiltig TOML: {message}")
}

fn guillemets(text: &str) -> String {
    let mut out = String::new();
    let mut open = true;
    for c in text.chars() {
        if c == '`' {
            out.push(if open { '«' } else { '»' });
            open = !open;
        } else {
            out.push(c);
        }
    }
    out
}

fn english_type(text: &str) -> String {
    let words = [
        ("a string", "en text"),
        ("string", "en text"),
        ("integer", "ett heltal"),
        ("i32", "ett heltal"),
        ("boolean", "sant eller falskt"),
        ("a boolean", "sant eller falskt"),
        ("a sequence", "en lista"),
        ("sequence", "en lista"),
        ("a map", "en tabell"),
        ("map", "en tabell"),
        ("a datetime", "ett datum"),
    ];
    let text = text.trim();
    words
        .iter()
        .find(|(en, _)| text == *en || text.starts_with(&format!("{en} ")))
        .map_or_else(|| guillemets(text), |(_, sv)| (*sv).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_are_translated() {
        assert_eq!(swedish("missing field `title`"), "fältet «title» saknas");
        assert_eq!(
            swedish("unknown field `titel`, expected one of `key`, `title`"),
            "okänt fält «titel»; tillåtna fält: «key», «title»"
        );
        assert_eq!(
            swedish("unknown variant `nämd`, expected one of `nämnd`, `styrelse`"),
            "okänt värde «nämd»; tillåtna värden: «nämnd», «styrelse»"
        );
        assert_eq!(
            swedish("invalid type: integer `5`, expected a string"),
            "fel typ av värde: fann ett heltal, väntade en text"
        );
    }
}
