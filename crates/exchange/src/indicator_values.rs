//! Yearly values of indicators from files, for import into a steering document's indicators: a
//! CSV that people fill in (in Excel, or exported from another system) and a response from
//! Kolada's API saved to a file.
//!
//! Nothing is stored here: a reader gives the values read, or every problem of the file at once,
//! each located where there is a place to point at, so that a file can be fixed in one go.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use serde_json::Value;
use uppfolj_model::Key;
use uppfolj_model::indicator::{Indicator, MAX_VALUE, Reading, YEARS};
use uppfolj_model::scale::format_number;

use crate::Diagnostic;

/// One value read from a file: which indicator, which year, what value. The caller sets it on
/// the indicator (replacing the year's value if there was one), after checking that the
/// indicator exists in the document.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedValue {
    pub indicator: Key,
    pub reading: Reading,
}

/// The columns a values file must have, each by its Swedish name (the first) and the headers
/// accepted for it, lowercase.
const COLUMNS: [&[&str]; 3] = [
    &["indikator", "indicator", "nyckel", "key"],
    &["år", "ar", "year"],
    &["värde", "varde", "value"],
];

/// What a Kolada file is expected to hold, for messages about files that hold something else.
const KOLADA_SHAPE: &str = "ett JSON-objekt med listan «values», som Koladas API svarar med \
                            (till exempel api.kolada.se/v2/data/kpi/N07402/municipality/1480)";

/// At most this many KPI/municipality pairs are listed in a message; a file for every
/// municipality has hundreds.
const MAX_LISTED: usize = 10;

/// Reads a CSV of values (header row required): one value per row, in columns for the
/// indicator's key, the year and the value; other columns are ignored, and a row with an empty
/// value is skipped. The delimiter (`;`, `,` or tab) is taken from the header line, since Swedish
/// Excel writes `;` and most other tools `,`. Every bad row is reported, by line and column.
pub fn read_csv(file: &Path, bytes: &[u8]) -> Result<Vec<ImportedValue>, Vec<Diagnostic>> {
    let text = decode(
        file,
        bytes,
        "spara den i Excel som «CSV UTF-8 (kommaavgränsad)»",
    )?;
    let nothing = || vec![Diagnostic::whole(file.to_owned(), no_values())];
    let delimiter = delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let csv_error = |error: csv::Error| {
        let offset = error.position().map_or(0, |p| p.byte() as usize);
        Diagnostic::at_offset(
            file.to_owned(),
            text,
            offset,
            format!("filen går inte att läsa som CSV: {error}"),
        )
    };
    let header = match records.next() {
        None => return Err(nothing()),
        Some(Err(error)) => return Err(vec![csv_error(error)]),
        Some(Ok(header)) => header,
    };
    let header_start = header.position().map_or(0, |p| p.byte() as usize);
    let names: Vec<String> = header.iter().map(|name| name.trim().to_owned()).collect();
    let at_cell = |start: usize, column: usize, message: String| {
        let offset = cell_offset(text, start, delimiter, column);
        Diagnostic::at_offset(file.to_owned(), text, offset, message)
    };

    let mut problems = Vec::new();
    let mut found = [0; 3];
    for (role, aliases) in COLUMNS.iter().enumerate() {
        let matching: Vec<usize> = (0..names.len())
            .filter(|&i| aliases.contains(&names[i].to_lowercase().as_str()))
            .collect();
        match matching[..] {
            [] => problems.push(at_cell(
                header_start,
                0,
                format!(
                    "kolumnen «{}» saknas: den första raden ska ha en rubrik {}; rubrikerna som \
                     finns är {}",
                    aliases[0],
                    alternatives(aliases),
                    headers_found(&names)
                ),
            )),
            [column] => found[role] = column,
            [first, second, ..] => problems.push(at_cell(
                header_start,
                second,
                format!(
                    "kolumnerna «{}» och «{}» anger båda {}; ta bort eller byt namn på den ena",
                    names[first],
                    names[second],
                    ["indikatorn", "året", "värdet"][role]
                ),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let [indicator_column, year_column, value_column] = found;

    let mut values = Vec::new();
    let mut first_line: HashMap<(Key, i32), u64> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(csv_error(error));
                break;
            }
        };
        let (start, line) = record
            .position()
            .map_or((0, 0), |p| (p.byte() as usize, p.line()));
        let cell = |column: usize| record.get(column).unwrap_or("").trim();
        let complain = |column: usize, what: String| {
            let message = format!("rad {line}, kolumnen «{}»: {what}", names[column]);
            at_cell(start, column, message)
        };
        let value_text = cell(value_column);
        if value_text.is_empty() {
            continue;
        }
        let key = csv_key(cell(indicator_column))
            .map_err(|what| problems.push(complain(indicator_column, what)))
            .ok();
        let year = csv_year(cell(year_column))
            .map_err(|what| problems.push(complain(year_column, what)))
            .ok();
        let value = csv_value(value_text)
            .map_err(|what| problems.push(complain(value_column, what)))
            .ok();
        let (Some(key), Some(year), Some(value)) = (key, year, value) else {
            continue;
        };
        match first_line.entry((key.clone(), year)) {
            Entry::Occupied(first) => problems.push(complain(
                year_column,
                format!(
                    "indikatorn «{key}» har redan ett värde för {year} på rad {}",
                    first.get()
                ),
            )),
            Entry::Vacant(slot) => {
                slot.insert(line);
                values.push(ImportedValue {
                    indicator: key,
                    reading: Reading { year, value },
                });
            }
        }
    }
    if !problems.is_empty() {
        Err(problems)
    } else if values.is_empty() {
        Err(nothing())
    } else {
        Ok(values)
    }
}

/// Reads a Kolada API response saved to a file, keeping the values of the indicators whose
/// Kolada reference (KPI id and municipality id) matches: the total (gender `T`) of each period,
/// or the only value when a period has just one. A null value is skipped, as Kolada gives null
/// for a year not yet published. Entries for other KPIs or municipalities are ignored, but a
/// file with nothing for any indicator is refused, since it is most likely the wrong file.
pub fn read_kolada(
    file: &Path,
    bytes: &[u8],
    indicators: &[Indicator],
) -> Result<Vec<ImportedValue>, Vec<Diagnostic>> {
    let text = decode(file, bytes, "svar från Koladas API är alltid UTF-8")?;
    let whole = |message: String| Diagnostic::whole(file.to_owned(), message);
    let response: Value =
        serde_json::from_str(text).map_err(|error| vec![json_error(file, text, &error)])?;
    let Some(entries) = response.get("values").and_then(Value::as_array) else {
        let found = match &response {
            Value::Object(fields) if fields.contains_key("values") => {
                "men «values» är inte en lista".to_owned()
            }
            Value::Object(_) => "men objektet har inget fält «values»".to_owned(),
            other => format!("men filen innehåller {}", json_kind(other)),
        };
        return Err(vec![whole(format!(
            "filen är inte ett svar från Koladas API: väntade {KOLADA_SHAPE}, {found}"
        ))]);
    };

    let mut problems = Vec::new();
    let mut values = Vec::new();
    let mut unmatched: BTreeSet<(String, String)> = BTreeSet::new();
    let (mut by_municipality, mut matched) = (0, 0);
    let mut first_entry: HashMap<(Key, i32), (usize, f64)> = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let n = i + 1;
        let Some(kpi) = entry
            .get("kpi")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|kpi| !kpi.is_empty())
        else {
            problems.push(whole(format!(
                "post {n} i «values» saknar nyckeltalets id («kpi»); väntade {KOLADA_SHAPE}"
            )));
            continue;
        };
        let municipality = match entry.get("municipality") {
            // Values by organisational unit (`ou`) rather than by municipality.
            None | Some(Value::Null) => continue,
            Some(Value::String(id)) => id.trim().to_owned(),
            Some(Value::Number(id)) => id.to_string(),
            Some(other) => {
                problems.push(whole(format!(
                    "post {n} i «values» ({kpi}): kommunens id («municipality») är {}, inte en text",
                    json_kind(other)
                )));
                continue;
            }
        };
        by_municipality += 1;
        let targets: Vec<&Key> = indicators
            .iter()
            .filter(|indicator| {
                indicator.kolada.as_ref().is_some_and(|kolada| {
                    kolada.kpi.trim().eq_ignore_ascii_case(kpi)
                        && kolada.municipality.trim() == municipality
                })
            })
            .map(|indicator| &indicator.key)
            .collect();
        if targets.is_empty() {
            unmatched.insert((kpi.to_owned(), municipality));
            continue;
        }
        matched += 1;
        let about = format!("post {n} i «values» ({kpi} för kommun {municipality})");
        let year = kolada_period(entry.get("period"))
            .map_err(|what| problems.push(whole(format!("{about}: {what}"))))
            .ok();
        let value = kolada_total(entry.get("values"))
            .map_err(|what| problems.push(whole(format!("{about}: {what}"))))
            .ok();
        let (Some(year), Some(Some(value))) = (year, value) else {
            continue;
        };
        for key in targets {
            match first_entry.entry((key.clone(), year)) {
                Entry::Occupied(first) => {
                    let (first_n, first_value) = *first.get();
                    if first_value != value {
                        problems.push(whole(format!(
                            "{about}: perioden {year} står redan i post {first_n} med ett annat \
                             värde ({} där, {} här)",
                            format_number(first_value),
                            format_number(value)
                        )));
                    }
                }
                Entry::Vacant(slot) => {
                    slot.insert((n, value));
                    values.push(ImportedValue {
                        indicator: key.clone(),
                        reading: Reading { year, value },
                    });
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if entries.is_empty() {
        return Err(vec![whole(no_values())]);
    }
    if by_municipality == 0 {
        return Err(vec![whole(
            "filen har bara värden för organisatoriska enheter (utan «municipality»); hämta \
             värdena per kommun, som indikatorernas Kolada-hänvisningar anger"
                .into(),
        )]);
    }
    if matched == 0 {
        return Err(vec![whole(format!(
            "ingen indikator i dokumentet hänvisar till värdena i filen: filen har {}; {}",
            listed(
                unmatched
                    .iter()
                    .map(|(kpi, m)| format!("{kpi} för kommun {m}"))
            ),
            document_references(indicators)
        ))]);
    }
    if values.is_empty() {
        return Err(vec![whole(format!(
            "{}: alla värden för dokumentets indikatorer är tomma (null)",
            no_values()
        ))]);
    }
    Ok(values)
}

fn no_values() -> String {
    "filen innehåller inga värden".into()
}

/// The text of a file without its byte-order mark, or a complaint at its first byte that is not
/// UTF-8, with `advice` on how to get a UTF-8 file.
fn decode<'a>(file: &Path, bytes: &'a [u8], advice: &str) -> Result<&'a str, Vec<Diagnostic>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default();
        vec![Diagnostic::at_offset(
            file.to_owned(),
            valid,
            valid.len(),
            format!("filen är inte UTF-8-kodad text; {advice}"),
        )]
    })
}

/// The delimiter the header line uses most, outside quotes: `;` before tab before `,` when as
/// many, since a Swedish header is likelier to hold a comma in a name than a semicolon.
fn delimiter(text: &str) -> u8 {
    let header = text.trim_start_matches(['\r', '\n']);
    let mut counts = [(b',', 0), (b'\t', 0), (b';', 0)];
    let mut quoted = false;
    for byte in header.bytes() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                if let Some((_, count)) = counts.iter_mut().find(|(d, _)| *d == byte) {
                    *count += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(_, count)| *count)
        .map_or(b';', |(d, _)| *d)
}

/// The byte offset of cell `column` of the record starting at `start`, for a diagnostic's column.
fn cell_offset(text: &str, start: usize, delimiter: u8, column: usize) -> usize {
    if column == 0 {
        return start;
    }
    let mut quoted = false;
    let mut seen = 0;
    for (i, byte) in text.bytes().enumerate().skip(start) {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if byte == delimiter && !quoted => {
                seen += 1;
                if seen == column {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    start
}

/// «`a`», «`b`» eller «`c`».
fn alternatives(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("«{w}»")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} eller {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

fn headers_found(names: &[String]) -> String {
    let named: Vec<String> = names
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| format!("«{n}»"))
        .collect();
    if named.is_empty() {
        "inga (raden är tom)".into()
    } else {
        named.join(", ")
    }
}

fn csv_key(text: &str) -> Result<Key, String> {
    if text.is_empty() {
        return Err("indikatorns nyckel saknas".into());
    }
    Key::parse(text).map_err(|error| error.to_string())
}

fn csv_year(text: &str) -> Result<i32, String> {
    if text.is_empty() {
        return Err("året saknas".into());
    }
    match text.parse::<i64>() {
        Ok(year) if all_digits(text) => checked_year(year),
        _ => Err(format!("«{text}» är inte ett årtal")),
    }
}

fn csv_value(text: &str) -> Result<f64, String> {
    let value = parse_number(text).ok_or_else(|| format!("«{text}» är inte ett tal"))?;
    checked_value(value, text)
}

fn checked_year(year: i64) -> Result<i32, String> {
    i32::try_from(year)
        .ok()
        .filter(|year| YEARS.contains(year))
        .ok_or_else(|| {
            format!(
                "{year} är inte ett årtal mellan {} och {}",
                YEARS.start(),
                YEARS.end()
            )
        })
}

/// `value` if it is one people could mean; `shown` is how the file wrote it.
fn checked_value(value: f64, shown: &str) -> Result<f64, String> {
    if value.is_finite() && value.abs() <= MAX_VALUE {
        // No −0 from a file that says «-0».
        Ok(value + 0.0)
    } else {
        Err(format!(
            "«{shown}» är större än det största värde som tas emot ({})",
            format_number(MAX_VALUE)
        ))
    }
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A number as people and spreadsheets in Sweden and elsewhere write it: a decimal comma or point, spaces
/// (also non-breaking) between groups of three digits, a minus sign (also `−`), and an exponent
/// as Excel shows very large or small numbers (`1,5E+06`). Nothing else: not `12 %`, not `NaN`,
/// and not `1,234.5`, whose comma could be either.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, text) = match text.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (text, None),
    };
    let (whole, fraction) = match mantissa.split_once([',', '.']) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let groups: Vec<&str> = whole.split(char::is_whitespace).collect();
    let grouped = match groups.as_slice() {
        [only] => all_digits(only),
        [first, rest @ ..] => {
            all_digits(first)
                && first.len() <= 3
                && rest.iter().all(|g| all_digits(g) && g.len() == 3)
        }
        [] => false,
    };
    let fraction_ok = fraction.is_none_or(all_digits);
    let exponent_ok = exponent.is_none_or(|e| all_digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    if !(grouped && fraction_ok && exponent_ok) {
        return None;
    }
    format!(
        "{}{}.{}e{}",
        if negative { "-" } else { "" },
        groups.concat(),
        fraction.unwrap_or("0"),
        exponent.unwrap_or("0")
    )
    .parse()
    .ok()
}

/// A Kolada period: a year, as a number or a string of digits.
fn kolada_period(period: Option<&Value>) -> Result<i32, String> {
    let year = match period {
        None => return Err("perioden («period») saknas".into()),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) if all_digits(s.trim()) => s.trim().parse().ok(),
        Some(_) => None,
    };
    match year {
        Some(year) => checked_year(year),
        None => Err(format!(
            "perioden {} är inte ett årtal",
            period.map(Value::to_string).unwrap_or_default()
        )),
    }
}

/// The value of a Kolada period to read: the total (`T`), or the only one when there is just
/// one; `None` when it is null or the period has no values.
fn kolada_total(values: Option<&Value>) -> Result<Option<f64>, String> {
    let Some(values) = values.and_then(Value::as_array) else {
        return Err("listan med värden («values») saknas".into());
    };
    let gender = |v: &Value| {
        v.get("gender")
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
            .to_owned()
    };
    let chosen = match values.iter().find(|v| gender(v).eq_ignore_ascii_case("T")) {
        Some(total) => total,
        None => match values.as_slice() {
            [] => return Ok(None),
            [only] => only,
            several => {
                let genders: Vec<String> = several.iter().map(gender).collect();
                return Err(format!(
                    "totalvärdet (kön «T») saknas, och av de {} värdena ({}) går det inte att \
                     välja ett",
                    several.len(),
                    alternatives(&genders.iter().map(String::as_str).collect::<Vec<_>>())
                ));
            }
        },
    };
    match chosen.get("value") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(value) => checked_value(value, &format_number(value)).map(Some),
            None => Err(format!("värdet {n} är inte ett tal")),
        },
        Some(other) => Err(format!("värdet {other} är inte ett tal")),
    }
}

/// What kind of JSON value `value` is, in words.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "sant eller falskt",
        Value::Number(_) => "ett tal",
        Value::String(_) => "en text",
        Value::Array(_) => "en lista",
        Value::Object(_) => "ett objekt",
    }
}

/// A syntax error in a Kolada file, at the line and column serde_json gives, in Swedish.
fn json_error(file: &Path, text: &str, error: &serde_json::Error) -> Diagnostic {
    let english = error.to_string();
    let english = english.split(" at line ").next().unwrap_or(&english);
    let what = if english.starts_with("EOF while parsing") {
        "filen tar slut innan JSON-innehållet är slut".to_owned()
    } else if english == "expected value" {
        "här väntades ett JSON-värde".to_owned()
    } else if english == "trailing characters" {
        "efter JSON-värdet kommer mer text".to_owned()
    } else if english == "trailing comma" {
        "ett kommatecken för mycket".to_owned()
    } else if english == "key must be a string" {
        "namnet på ett fält måste stå inom citattecken".to_owned()
    } else if let Some(expected) = english.strip_prefix("expected ") {
        let mut open = true;
        let quoted: String = expected
            .chars()
            .map(|c| match c {
                '`' => {
                    open = !open;
                    if open { '»' } else { '«' }
                }
                c => c,
            })
            .collect();
        format!("här väntades {}", quoted.replace(" or ", " eller "))
    } else {
        uppfolj_model::text::serde_message_in_swedish(english)
    };
    let message = format!("filen är inte giltig JSON: {what}; väntade {KOLADA_SHAPE}");
    if error.line() == 0 {
        return Diagnostic::whole(file.to_owned(), message);
    }
    // serde_json counts columns in bytes; the diagnostic counts characters.
    let line_start: usize = text
        .split_inclusive('\n')
        .take(error.line() - 1)
        .map(str::len)
        .sum();
    let mut offset = (line_start + error.column().saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    Diagnostic::at_offset(file.to_owned(), text, offset, message)
}

/// `items` joined with commas, cut after [`MAX_LISTED`].
fn listed(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.len() <= MAX_LISTED {
        items.join(", ")
    } else {
        format!(
            "{} och {} till",
            items[..MAX_LISTED].join(", "),
            items.len() - MAX_LISTED
        )
    }
}

/// What the document's indicators refer to in Kolada, for a file that matches none of them.
fn document_references(indicators: &[Indicator]) -> String {
    let references: Vec<String> = indicators
        .iter()
        .filter_map(|i| {
            let kolada = i.kolada.as_ref()?;
            Some(format!(
                "«{}» hänvisar till {} för kommun {}",
                i.key,
                kolada.kpi.trim(),
                kolada.municipality.trim()
            ))
        })
        .collect();
    if references.is_empty() {
        "ingen av dokumentets indikatorer har en Kolada-hänvisning".into()
    } else {
        format!("i dokumentet {}", listed(references.into_iter()))
    }
}

#[cfg(test)]
mod tests {
    use uppfolj_model::indicator::{Direction, KoladaRef};

    use super::*;

    /// (indicator, year, value) of each value read.
    fn read(result: Result<Vec<ImportedValue>, Vec<Diagnostic>>) -> Vec<(String, i32, f64)> {
        let values = result.unwrap_or_else(|problems| panic!("{}", shown(&problems).join("\n")));
        values
            .into_iter()
            .map(|v| (v.indicator.to_string(), v.reading.year, v.reading.value))
            .collect()
    }

    /// Each problem as an editor shows it: `file:line:column: message`.
    fn refused(result: Result<Vec<ImportedValue>, Vec<Diagnostic>>) -> Vec<String> {
        match result {
            Ok(values) => panic!("read {values:?}"),
            Err(problems) => shown(&problems),
        }
    }

    fn shown(problems: &[Diagnostic]) -> Vec<String> {
        problems.iter().map(ToString::to_string).collect()
    }

    fn csv(text: &str) -> Result<Vec<ImportedValue>, Vec<Diagnostic>> {
        read_csv(Path::new("värden.csv"), text.as_bytes())
    }

    fn kolada(text: &str, indicators: &[Indicator]) -> Result<Vec<ImportedValue>, Vec<Diagnostic>> {
        read_kolada(Path::new("kolada.json"), text.as_bytes(), indicators)
    }

    fn indicator(key: &str, kolada: Option<(&str, &str)>) -> Indicator {
        Indicator {
            key: Key::parse(key).unwrap(),
            name: key.into(),
            source: "Kolada".into(),
            unit: "%".into(),
            direction: Direction::Higher,
            section: None,
            baseline: None,
            target: None,
            kolada: kolada.map(|(kpi, municipality)| KoladaRef {
                kpi: kpi.into(),
                municipality: municipality.into(),
            }),
            example: false,
            values: Vec::new(),
        }
    }

    fn row(key: &str, year: i32, value: f64) -> (String, i32, f64) {
        (key.to_owned(), year, value)
    }

    #[test]
    fn a_swedish_excel_file_with_semicolons_a_byte_order_mark_and_decimal_commas_is_read() {
        let file = "\u{feff}Indikator;År;Värde;Kommentar\r\n\
                    andel-trygga;2022;51,3;Trygghetsundersökningen\r\n\
                    andel-trygga;2023;54;\"Ny fråga; jämförbar\"\r\n\
                    nettokostnad-per-invanare;2023;1\u{a0}234,5;\r\n\
                    resultat-mkr;2023;−12,5;\r\n";
        assert_eq!(
            read(csv(file)),
            [
                row("andel-trygga", 2022, 51.3),
                row("andel-trygga", 2023, 54.0),
                row("nettokostnad-per-invanare", 2023, 1234.5),
                row("resultat-mkr", 2023, -12.5),
            ]
        );
    }

    #[test]
    fn an_english_file_with_commas_and_decimal_points_is_read() {
        let file = "key,year,value,note\n\
                    andel-trygga,2022,51.3,\"Survey, autumn\"\n\
                    resultat-mkr,2023,-12.75,\n";
        assert_eq!(
            read(csv(file)),
            [
                row("andel-trygga", 2022, 51.3),
                row("resultat-mkr", 2023, -12.75)
            ]
        );
    }

    #[test]
    fn a_tab_separated_file_is_read() {
        let file = "nyckel\tar\tvarde\nandel-trygga\t2022\t51,3\nandel-trygga\t2024\t1 200\n";
        assert_eq!(
            read(csv(file)),
            [
                row("andel-trygga", 2022, 51.3),
                row("andel-trygga", 2024, 1200.0)
            ]
        );
    }

    #[test]
    fn numbers_are_read_with_either_decimal_sign_and_spaces_between_thousands() {
        let table = [
            ("12,5", Some(12.5)),
            ("12.5", Some(12.5)),
            ("1 234,5", Some(1234.5)),
            ("1\u{a0}234\u{a0}567", Some(1_234_567.0)),
            ("1\u{202f}234", Some(1234.0)),
            ("-3", Some(-3.0)),
            ("−0,25", Some(-0.25)),
            ("1,5E+06", Some(1.5e6)),
            ("2e-3", Some(0.002)),
            ("0", Some(0.0)),
            ("12,x", None),
            ("1 23", None),
            ("1234 567", None),
            ("12,", None),
            ("1,2,3", None),
            ("1,234.5", None),
            ("12 %", None),
            ("inf", None),
            ("NaN", None),
            ("+5", None),
            ("--5", None),
            ("", None),
        ];
        for (text, expected) in table {
            assert_eq!(parse_number(text), expected, "{text:?}");
        }
    }

    #[test]
    fn a_missing_column_is_named_with_the_headers_found() {
        let problems = refused(csv("Indikator;Värde;Kommentar\nandel-trygga;51,3;\n"));
        assert_eq!(
            problems,
            [
                "värden.csv:1:1: kolumnen «år» saknas: den första raden ska ha en rubrik «år», «ar» \
              eller «year»; rubrikerna som finns är «Indikator», «Värde», «Kommentar»"
            ]
        );
        let without_header = refused(csv("andel-trygga;2022;51,3\n"));
        assert_eq!(without_header.len(), 3, "{without_header:?}");
        assert!(without_header[0].contains("kolumnen «indikator» saknas"));
    }

    #[test]
    fn two_columns_for_one_purpose_are_refused_rather_than_guessed() {
        let problems = refused(csv(
            "indikator;nyckel;år;värde\nAndel trygga;andel-trygga;2022;51\n",
        ));
        assert_eq!(
            problems,
            [
                "värden.csv:1:11: kolumnerna «indikator» och «nyckel» anger båda indikatorn; ta bort \
              eller byt namn på den ena"
            ]
        );
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_column() {
        let file = "indikator;år;värde\n\
                    andel-trygga;2021;50\n\
                    Andel trygga;2022;51\n\
                    andel-trygga;2023;12,x\n\
                    andel-trygga;20;52\n\
                    andel-trygga;tjugo;53\n\
                    andel-trygga;2024;1e13\n\
                    ;2025;54\n\
                    andel-trygga;;55\n";
        assert_eq!(
            refused(csv(file)),
            [
                "värden.csv:3:1: rad 3, kolumnen «indikator»: nyckeln «Andel trygga» får bara \
                 innehålla a–z, 0–9 och bindestreck, och börja med en bokstav eller siffra",
                "värden.csv:4:19: rad 4, kolumnen «värde»: «12,x» är inte ett tal",
                "värden.csv:5:14: rad 5, kolumnen «år»: 20 är inte ett årtal mellan 1900 och 2200",
                "värden.csv:6:14: rad 6, kolumnen «år»: «tjugo» är inte ett årtal",
                "värden.csv:7:19: rad 7, kolumnen «värde»: «1e13» är större än det största värde \
                 som tas emot (1000000000000)",
                "värden.csv:8:1: rad 8, kolumnen «indikator»: indikatorns nyckel saknas",
                "värden.csv:9:14: rad 9, kolumnen «år»: året saknas",
            ]
        );
    }

    #[test]
    fn a_second_value_for_a_year_is_refused_naming_the_first_line() {
        let file = "indikator;år;värde\n\
                    andel-trygga;2022;51\n\
                    andel-trygga;2023;52\n\
                    resultat-mkr;2022;3\n\
                    andel-trygga;2022;53\n";
        assert_eq!(
            refused(csv(file)),
            [
                "värden.csv:5:14: rad 5, kolumnen «år»: indikatorn «andel-trygga» har redan ett värde \
              för 2022 på rad 2"
            ]
        );
    }

    #[test]
    fn empty_value_cells_skip_the_row() {
        let file = "indikator;år;värde\r\n\
                    andel-trygga;2022;51\r\n\
                    andel-trygga;2023;\r\n\
                    andel-trygga;2024; \r\n\
                    ;;\r\n\
                    \r\n\
                    andel-trygga;2025;56\r\n\
                    andel-trygga;2026\r\n";
        assert_eq!(
            read(csv(file)),
            [
                row("andel-trygga", 2022, 51.0),
                row("andel-trygga", 2025, 56.0)
            ]
        );
    }

    #[test]
    fn a_file_without_values_is_refused() {
        for file in [
            "",
            "\u{feff}",
            "\n\n",
            "indikator;år;värde\r\n",
            "indikator;år;värde\nandel-trygga;2022;\n",
        ] {
            assert_eq!(
                refused(csv(file)),
                ["värden.csv: filen innehåller inga värden"],
                "{file:?}"
            );
        }
    }

    #[test]
    fn a_file_saved_in_windows_1252_is_refused_at_its_first_non_utf8_byte() {
        let mut file = b"indikator;\xe5r;v\xe4rde\n".to_vec();
        file.extend_from_slice(b"andel-trygga;2022;51\n");
        assert_eq!(
            refused(read_csv(Path::new("värden.csv"), &file)),
            [
                "värden.csv:1:11: filen är inte UTF-8-kodad text; spara den i Excel som «CSV UTF-8 \
              (kommaavgränsad)»"
            ]
        );
    }

    /// A response from `api.kolada.se/v2/data/kpi/N07402/municipality/1480`, as saved.
    const KOLADA_V2: &str = r#"{"count": 3, "values": [
  {"kpi": "N07402", "municipality": "1480", "period": 2021,
   "values": [{"count": 1, "gender": "T", "status": "", "value": 22.8},
              {"count": 1, "gender": "K", "status": "", "value": 24.0},
              {"count": 1, "gender": "M", "status": "", "value": 21.5}]},
  {"kpi": "N07402", "municipality": "1480", "period": 2022,
   "values": [{"count": 1, "gender": "T", "status": "", "value": 24.1},
              {"count": 1, "gender": "K", "status": "", "value": 25.0},
              {"count": 1, "gender": "M", "status": "", "value": 23.2}]},
  {"kpi": "N07402", "municipality": "1480", "period": 2023,
   "values": [{"count": 1, "gender": "T", "status": "", "value": null}]}
], "next_page": null}
"#;

    #[test]
    fn a_kolada_v2_response_gives_the_totals_and_skips_null_values() {
        let indicators = [
            indicator("andel-trygga", None),
            indicator("andel-behoriga", Some(("N07402", "1480"))),
        ];
        assert_eq!(
            read(kolada(KOLADA_V2, &indicators)),
            [
                row("andel-behoriga", 2021, 22.8),
                row("andel-behoriga", 2022, 24.1)
            ]
        );
    }

    #[test]
    fn kolada_v3_fields_string_periods_and_a_byte_order_mark_are_accepted() {
        let file = "\u{feff}{\"count\": 1, \"values\": [{\"kpi\": \"N07402\", \"municipality\": \
                    \"1480\", \"period\": \"2024\", \"values\": [{\"count\": 1, \"gender\": \"T\", \
                    \"isdeleted\": false, \"status\": null, \"value\": 26}]}], \"next_url\": null}";
        let indicators = [indicator("andel-behoriga", Some((" n07402 ", "1480 ")))];
        assert_eq!(
            read(kolada(file, &indicators)),
            [row("andel-behoriga", 2024, 26.0)]
        );
    }

    #[test]
    fn a_period_with_only_one_value_that_is_not_the_total_is_taken() {
        let file = r#"{"count": 2, "values": [
  {"kpi": "N00402", "municipality": "1480", "period": 2022,
   "values": [{"count": 1, "gender": "K", "status": "", "value": 41.7}]},
  {"kpi": "N00402", "municipality": "1480", "period": 2023,
   "values": []}
], "next_page": null}"#;
        let indicators = [indicator("kvinnor-chefer", Some(("N00402", "1480")))];
        assert_eq!(
            read(kolada(file, &indicators)),
            [row("kvinnor-chefer", 2022, 41.7)]
        );
    }

    #[test]
    fn entries_for_other_kpis_municipalities_and_units_are_ignored() {
        let file = r#"{"count": 4, "values": [
  {"kpi": "N07402", "municipality": "1480", "period": 2022,
   "values": [{"count": 1, "gender": "T", "status": "", "value": 24.1}]},
  {"kpi": "N07402", "municipality": "0180", "period": 2022,
   "values": [{"count": 1, "gender": "T", "status": "", "value": 30.0}]},
  {"kpi": "N00945", "municipality": "1480", "period": 2022,
   "values": [{"count": 1, "gender": "T", "status": "", "value": "fel"}]},
  {"kpi": "N07402", "ou": "V15E148000101", "period": 2022,
   "values": [{"count": 1, "gender": "T", "status": "", "value": 12.0}]}
], "next_page": null}"#;
        let indicators = [
            indicator("andel-behoriga", Some(("N07402", "1480"))),
            indicator("behoriga-i-staden", Some(("n07402", "1480"))),
        ];
        assert_eq!(
            read(kolada(file, &indicators)),
            [
                row("andel-behoriga", 2022, 24.1),
                row("behoriga-i-staden", 2022, 24.1)
            ]
        );
    }

    #[test]
    fn a_kolada_file_for_no_indicator_is_refused_listing_what_it_has() {
        let indicators = [
            indicator("andel-behoriga", Some(("N07402", "1481"))),
            indicator("andel-trygga", None),
        ];
        assert_eq!(
            refused(kolada(KOLADA_V2, &indicators)),
            [
                "kolada.json: ingen indikator i dokumentet hänvisar till värdena i filen: filen har \
              N07402 för kommun 1480; i dokumentet «andel-behoriga» hänvisar till N07402 för \
              kommun 1481"
            ]
        );
        let none = refused(kolada(KOLADA_V2, &[indicator("andel-trygga", None)]));
        assert!(
            none[0].ends_with("ingen av dokumentets indikatorer har en Kolada-hänvisning"),
            "{none:?}"
        );
    }

    #[test]
    fn kolada_years_values_and_missing_totals_are_checked() {
        let file = r#"{"values": [
  {"kpi": "N07402", "municipality": "1480", "period": 1850,
   "values": [{"gender": "T", "value": 1.0}]},
  {"kpi": "N07402", "municipality": "1480", "period": 2021,
   "values": [{"gender": "T", "value": 1e15}]},
  {"kpi": "N07402", "municipality": "1480", "period": 2022,
   "values": [{"gender": "K", "value": 25.0}, {"gender": "M", "value": 23.2}]},
  {"kpi": "N07402", "municipality": "1480", "period": "år 2023",
   "values": [{"gender": "T", "value": 24}]}
]}"#;
        let indicators = [indicator("andel-behoriga", Some(("N07402", "1480")))];
        assert_eq!(
            refused(kolada(file, &indicators)),
            [
                "kolada.json: post 1 i «values» (N07402 för kommun 1480): 1850 är inte ett årtal \
                 mellan 1900 och 2200",
                "kolada.json: post 2 i «values» (N07402 för kommun 1480): «1000000000000000» är \
                 större än det största värde som tas emot (1000000000000)",
                "kolada.json: post 3 i «values» (N07402 för kommun 1480): totalvärdet (kön «T») \
                 saknas, och av de 2 värdena («K» eller «M») går det inte att välja ett",
                "kolada.json: post 4 i «values» (N07402 för kommun 1480): perioden \"år 2023\" är \
                 inte ett årtal",
            ]
        );
    }

    #[test]
    fn invalid_json_is_refused_at_its_position() {
        let file = "{\"count\": 1, \"values\": [\n  {\"kpi\": \"N07402\", \"municipality\": \"1480\" \
                    \"period\": 2022}\n]}";
        let problems = refused(kolada(file, &[]));
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with(
                "kolada.json:2:44: filen är inte giltig JSON: här väntades «,» eller «}»; väntade \
                 ett JSON-objekt med listan «values»"
            ),
            "{problems:?}"
        );
        let html = refused(kolada("<!DOCTYPE html><title>Åtkomst nekad</title>", &[]));
        assert!(
            html[0].starts_with(
                "kolada.json:1:1: filen är inte giltig JSON: här väntades ett JSON-värde"
            ),
            "{html:?}"
        );
    }

    #[test]
    fn json_without_a_values_list_is_refused_saying_what_was_expected() {
        let metadata = r#"{"count": 1, "results": [{"id": "N07402", "title": "Behöriga lärare"}]}"#;
        assert_eq!(
            refused(kolada(metadata, &[])),
            [
                "kolada.json: filen är inte ett svar från Koladas API: väntade ett JSON-objekt med \
              listan «values», som Koladas API svarar med (till exempel \
              api.kolada.se/v2/data/kpi/N07402/municipality/1480), men objektet har inget fält \
              «values»"
            ]
        );
        assert!(refused(kolada("[1, 2]", &[]))[0].ends_with("men filen innehåller en lista"));
        assert_eq!(
            refused(kolada(r#"{"count": 0, "values": []}"#, &[])),
            ["kolada.json: filen innehåller inga värden"]
        );
    }
}
