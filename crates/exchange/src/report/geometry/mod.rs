//! Reading a report by where its text stands on the page, the way a person reads it: lines from
//! glyphs on one baseline, the table's two columns from its header, rows from the table's rules
//! (or, without rules, from cells that start side by side), paragraphs from the space between
//! lines and from where lines end. A PDF reader's running text cannot do this: for a two-column
//! table it gives one column, then the other.
//!
//! Pages ([`page`]) come from a PDF ([`pdf`]) or from `pdftotext -layout` text ([`text`]), where
//! each character's column and line stand in for its place. Then the same steps apply:
//! [`lines`] builds lines; [`furniture`] removes what is printed on every page (page headers and
//! footers, page numbers) and the table of contents; [`table`] finds the numbered headings and
//! reads the tables under them.
//!
//! Imports point one way: `page`; then `pdf`, `text` and `lines`; then `table`; then
//! `furniture`, which must know a table header when it sees one; then this module, which runs
//! the steps in order.

pub(crate) mod furniture;
pub(crate) mod lines;
pub(crate) mod page;
pub(crate) mod pdf;
pub(crate) mod table;
pub(crate) mod text;

use super::ParsedReport;
use super::common::ParseError;
use page::{Metrics, Page};

pub use page::Warning;

/// Reads a report from its pages. `outline` is the PDF's bookmarks, when it has them: they must
/// then agree with the headings found.
pub(crate) fn read(
    pages: &[Page],
    outline: &[String],
    metrics: Metrics,
) -> Result<(ParsedReport, Vec<Warning>), ParseError> {
    let body = furniture::without_furniture(lines::lines(pages), pages, metrics);
    table::read(&body, pages, outline, metrics)
}
