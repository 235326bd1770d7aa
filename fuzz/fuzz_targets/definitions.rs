//! Any text as a definition file: parsed, located and checked, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uppfolj_exchange::definitions::{self, SourceFile};

fuzz_target!(|text: &str| {
    let file = SourceFile {
        path: "fuzz.toml".into(),
        text: text.to_owned(),
    };
    if let Ok(parsed) = definitions::parse(vec![file]) {
        let _ = parsed.check(uppfolj_model::Definitions::default());
    }
});
