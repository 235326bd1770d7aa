//! Any bytes as a report PDF, read by the geometry of its pages: a report or a refusal, never a
//! panic, within the reader's limits on pages, content and glyphs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uppfolj_exchange::report;

fuzz_target!(|bytes: &[u8]| {
    let _ = report::read_pdf(bytes);
});
