//! The Göteborg data set, built into the binary so that `uppfolj demo` runs from any folder.

use uppfolj_exchange::Diagnostic;
use uppfolj_exchange::definitions::{self, SourceFile};
use uppfolj_model::Definitions;

macro_rules! data_files {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("../../../data/goteborg/", $name)))),*]
    };
}

const FILES: [(&str, &str); 6] = data_files!(
    "scales.toml",
    "organisations.toml",
    "documents/trygghetsprogram.toml",
    "documents/handlingsplan-gang.toml",
    "documents/tystnadskulturer.toml",
    "rounds/2025.toml",
);

/// Göteborg's scales, organisations, three steering documents and the round *Uppföljning 2025*.
pub fn definitions() -> Result<Definitions, Vec<Diagnostic>> {
    let files = FILES
        .iter()
        .map(|(name, text)| SourceFile {
            path: format!("data/goteborg/{name}").into(),
            text: (*text).to_owned(),
        })
        .collect();
    definitions::parse(files)?.check(Definitions::default())
}
