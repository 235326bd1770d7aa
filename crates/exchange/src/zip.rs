//! Several files in one download: the compilation's CSV tables, every organisation's report.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

/// Why an archive could not be written.
#[derive(Debug, thiserror::Error)]
#[error("ZIP-filen kunde inte skrivas: {0}")]
pub struct ZipError(#[from] zip::result::ZipError);

/// The files, by name, in one compressed ZIP archive, in the order given.
pub fn archive<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<Vec<u8>, ZipError> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name, options)?;
        zip.write_all(bytes).map_err(zip::result::ZipError::Io)?;
    }
    Ok(zip.finish()?.into_inner())
}
