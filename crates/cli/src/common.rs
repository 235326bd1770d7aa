//! Helpers more than one command group uses: reading keys given on the command line, counting in
//! Swedish, writing files, reporting definition problems. A leaf: it names no other file of the binary.

use std::path::Path;

use anyhow::{Context, Result};
use uppfolj_exchange::Diagnostic;
use uppfolj_model::{Actor, Audience, Email, Key, Role};
use uppfolj_store::Store;

/// "1 omgång", "2 omgångar".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The address the command line acts under, in the audit log too.
pub const OPERATOR: &str = "kommandoraden@uppfolj.invalid";

/// Who the command line acts as where a use case asks: whoever runs it holds the database, so
/// they have a coordinator's rights.
pub fn operator() -> Actor {
    Actor {
        email: Email::parse(OPERATOR).expect("a valid address"),
        role: Role::Samordnare,
        organisations: vec![],
    }
}

/// Prints a table: a header row, then one line per row, cells separated by tabs, so that people
/// read it in a terminal and scripts split it (after the first line).
pub fn print_table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    println!("{}", header.join("\t"));
    for row in rows {
        println!("{}", row.join("\t"));
    }
}

/// Who a compilation is for: the coordinator running the command, or with `--public` the public.
pub fn audience(public: bool) -> Audience {
    if public {
        Audience::Public
    } else {
        Audience::Coordinators
    }
}

/// A round's key as given on the command line; a malformed one cannot name a round.
pub fn round_key(given: &str) -> Result<Key> {
    Key::parse(given).map_err(|_| anyhow::anyhow!("omgången «{given}» finns inte"))
}

/// Finds an organisation by key or by name (any case).
pub async fn organisation_key(store: &Store, given: &str) -> Result<Key> {
    let organisations = store.organisations().await?;
    organisations
        .iter()
        .find(|o| o.key.as_str() == given || o.name.to_lowercase() == given.trim().to_lowercase())
        .map(|o| o.key.clone())
        .with_context(|| format!("organisationen «{given}» finns inte"))
}

/// Writes one file, naming it in the error.
pub fn write_file(path: &Path, bytes: Vec<u8>) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("kan inte skriva {}", path.display()))
}

/// Prints every problem found in definitions on standard error, one per line with its file, line
/// and column, and returns the error that says nothing was saved.
pub fn diagnostics_error(problems: &[Diagnostic]) -> anyhow::Error {
    for problem in problems {
        eprintln!("{problem}");
    }
    anyhow::anyhow!("{} problem hittades; inget sparades", problems.len())
}
