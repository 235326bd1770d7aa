//! Any bytes as a report text file: the seed's running text, `pdftotext -layout` text, or the
//! JSON an Uppfölj PDF attaches. Reading must end with a report or a refusal, never a panic; a
//! report read must plan an import against an empty database without one either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uppfolj_exchange::report;

fuzz_target!(|bytes: &[u8]| {
    if bytes.starts_with(b"%PDF") {
        return;
    }
    if let Ok(reading) = report::read(bytes) {
        let _ = report::plan_import(
            &reading.report,
            &uppfolj_model::Definitions::default(),
            "Nämnden",
            "2024",
        );
    }
});
