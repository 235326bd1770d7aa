//! Turning paths into line and column, by walking a span-keeping parse of the file.

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use uppfolj_model::{Path, Step};

use super::files::SourceFile;
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
    let message = uppfolj_model::text::serde_message_in_swedish(error.message());
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
