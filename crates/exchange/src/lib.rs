//! Moving configuration and answers in and out of Uppfölj as files people can read and edit.
//!
//! Nothing here touches the database: readers turn files into model values (or precise,
//! located complaints), writers turn model values into files.

pub mod answers;
pub mod authoring;
pub mod compilation;
pub mod definitions;
mod delimited;
mod diagnostic;
pub mod indicator_values;
pub mod report;
pub mod zip;

pub use diagnostic::Diagnostic;
