//! Definition files and reports in the seed's layout. One test binary for all of them, so that the
//! workspace links (and stores) one large executable here instead of one per file.

mod authoring;
mod definitions;
mod fuzz_found;
mod goteborg;
mod limits;
mod lss;
mod real_reports;
mod report;
