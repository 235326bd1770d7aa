//! Rendered reports, checked by reading them back. One test binary for all of them, so that the
//! workspace links (and stores) one large executable here instead of one per file.

mod characters;
mod docx;
mod pdf;
