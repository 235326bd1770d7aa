//! Delimited text (CSV) as spreadsheets read it. A text cell that a spreadsheet would take for a
//! formula — one that starts with `=`, `+`, `-`, `@`, a tab or a carriage return — is written
//! with an apostrophe first (OWASP's rule for CSV injection), in every CSV Uppfölj writes: the
//! exports for Excel and the open data alike, since people open both by double-clicking. The
//! JSON files keep every text exactly as written.

use std::borrow::Cow;

/// The characters with which a spreadsheet starts a formula (or, for tab and carriage return,
/// lets one through after them).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a CSV cell that no spreadsheet evaluates.
pub(crate) fn neutralised(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// CSV in UTF-8 with a header row and `delimiter` between cells; with a byte-order mark, which
/// Swedish Excel needs to read UTF-8, or without, as open data should be. The cells are written
/// as given: text cells are to be [`neutralised`] by the caller, who knows which cells are text.
pub(crate) fn write_csv<R, C>(
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
    delimiter: u8,
    byte_order_mark: bool,
) -> Result<Vec<u8>, csv::Error>
where
    R: IntoIterator<Item = C>,
    C: AsRef<[u8]>,
{
    let mut out = if byte_order_mark {
        "\u{feff}".as_bytes().to_vec()
    } else {
        Vec::new()
    };
    {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_writer(&mut out);
        writer.write_record(header)?;
        for row in rows {
            writer.write_record(row)?;
        }
        writer.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_a_spreadsheet_would_evaluate_starts_with_an_apostrophe() {
        let table = [
            (
                "=HYPERLINK(\"http://x\";\"Klicka\")",
                "'=HYPERLINK(\"http://x\";\"Klicka\")",
            ),
            ("+46 31 00 00", "'+46 31 00 00"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("Ja, = inget att tillägga", "Ja, = inget att tillägga"),
            ("", ""),
            ("'redan citerad", "'redan citerad"),
        ];
        for (text, written) in table {
            assert_eq!(neutralised(text), written, "{text:?}");
        }
    }
}
