//! Inputs the fuzzers found (`bash fuzz/readers.sh`), kept as they were found so that each stays
//! read within the reader's limits.

use uppfolj_exchange::report;

/// A Typst report PDF with its outline's `/Next` turned into a cycle: lopdf's own walk of the
/// bookmarks grew without end and took every byte of memory.
#[test]
fn a_pdf_whose_bookmarks_go_round_in_a_circle_is_read() {
    let bytes = include_bytes!("../../../data/test-reports/fuzz-found/outline-cycle.pdf");
    let read = report::read_pdf(bytes).expect("the report's pages are intact");
    assert!(!read.report.questions().is_empty());
}
