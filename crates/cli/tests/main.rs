//! The real `uppfolj` binary and real server processes, end to end, on both backends. One test
//! binary for all of them, so that the workspace links (and stores) one large executable here
//! instead of one per file.

mod authoring;
mod cli;
mod common;
mod compilation;
mod council;
mod operations;
mod real_reports;
mod reports;
mod servers;
mod sso;
