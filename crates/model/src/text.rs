//! Text rules for Swedish: sorting names so that å, ä and ö come after z.

use std::cmp::Ordering;

use time::{Date, Month, OffsetDateTime, UtcOffset};

/// Orders two names as a Swedish reader expects: case-insensitive, with å, ä, ö after z and
/// other accented letters (é, ü) beside their base letter.
pub fn swedish_cmp(a: &str, b: &str) -> Ordering {
    swedish_key(a).cmp(&swedish_key(b))
}

/// The sort key behind [`swedish_cmp`], for sorting many names with `sort_by_cached_key`.
pub fn swedish_key(s: &str) -> (Vec<(u32, u32)>, String) {
    let weights = s.chars().flat_map(char::to_lowercase).map(weight).collect();
    (weights, s.to_owned())
}

/// A sort weight per letter: the Swedish alphabet in order, everything else by code point after it.
fn weight(c: char) -> (u32, u32) {
    let base = match c {
        'à' | 'á' | 'â' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'ü' | 'ú' => 'u',
        'ø' => 'ö',
        'æ' => 'ä',
        c => c,
    };
    let position = match base {
        '0'..='9' => Some(base as u32 - '0' as u32),
        'a'..='z' => Some(10 + base as u32 - 'a' as u32),
        'å' => Some(36),
        'ä' => Some(37),
        'ö' => Some(38),
        _ => None,
    };
    match position {
        Some(i) => (1, i * 2 + u32::from(base != c)),
        None if c.is_whitespace() || c.is_ascii_punctuation() => (0, c as u32),
        None => (2, c as u32),
    }
}

/// The first control character of `text` other than a tab or a line break, with its position
/// (1-based, in characters): such characters have no place in anything a person writes, and
/// some databases refuse them (PostgreSQL takes no NUL).
pub fn control_character(text: &str) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n'))
        .map(|(i, c)| (i + 1, c))
}

/// The Swedish message for [`control_character`]'s finding in `what` («kommentaren»).
pub fn control_character_message(what: &str, (position, c): (usize, char)) -> String {
    format!(
        "{what} innehåller ett styrtecken (U+{:04X}) vid tecken {position}; ta bort det",
        c as u32
    )
}

/// A problem at `at` when `text` holds a control character; `what` names the field («titeln»).
pub fn control_problem(at: crate::Path, what: &str, text: &str) -> Option<crate::Problem> {
    control_character(text)
        .map(|found| crate::Problem::new(at, control_character_message(what, found)))
}

/// A time as people in Sweden read it: `2026-11-26 14:03`, in Swedish time (CET, or CEST from
/// the last Sunday of March to the last Sunday of October, changing at 01:00 UTC).
pub fn swedish_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    let last_sunday = |month| {
        let last =
            Date::from_calendar_date(at.year(), month, 31).expect("March and October have 31 days");
        last - time::Duration::days(i64::from(last.weekday().number_days_from_sunday()))
    };
    let summer_from = last_sunday(Month::March).midnight().assume_utc() + time::Duration::hours(1);
    let summer_until =
        last_sunday(Month::October).midnight().assume_utc() + time::Duration::hours(1);
    let hours = if at >= summer_from && at < summer_until {
        2
    } else {
        1
    };
    let local = at.to_offset(UtcOffset::from_hms(hours, 0, 0).expect("a valid offset"));
    format!("{} {:02}:{:02}", local.date(), local.hour(), local.minute())
}

/// Translates the messages serde and its formats (TOML, JSON) give for bad input into Swedish,
/// keeping the names and values they quote; unknown messages pass through after a Swedish lead.
pub fn serde_message_in_swedish(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("fältet {} saknas", guillemets(rest));
    }
    for (prefix, what, allowed) in [
        ("unknown field ", "okänt fält", "tillåtna fält"),
        ("unknown variant ", "okänt värde", "tillåtna värden"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (given, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
            let choices = expected.trim_start_matches(" one of").trim();
            return format!(
                "{what} {}; {allowed}: {}",
                guillemets(given),
                guillemets(choices)
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return format!(
            "fel typ av värde: fann {}, väntade {}",
            english_type(found),
            english_type(expected)
        );
    }
    if message.starts_with("duplicate key") {
        return format!(
            "samma nyckel står två gånger i tabellen ({})",
            guillemets(message)
        );
    }
    format!("ogiltigt innehåll: {message}")
}

fn guillemets(text: &str) -> String {
    let mut out = String::new();
    let mut open = true;
    for c in text.chars() {
        if c == '`' {
            out.push(if open { '«' } else { '»' });
            open = !open;
        } else {
            out.push(c);
        }
    }
    out
}

fn english_type(text: &str) -> String {
    let words = [
        ("a string", "en text"),
        ("string", "en text"),
        ("integer", "ett heltal"),
        ("i32", "ett heltal"),
        ("boolean", "sant eller falskt"),
        ("a boolean", "sant eller falskt"),
        ("a sequence", "en lista"),
        ("sequence", "en lista"),
        ("a map", "en tabell"),
        ("map", "en tabell"),
        ("a datetime", "ett datum"),
    ];
    let text = text.trim();
    words
        .iter()
        .find(|(en, _)| text == *en || text.starts_with(&format!("{en} ")))
        .map_or_else(|| guillemets(text), |(_, sv)| (*sv).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_shown_in_swedish_time_across_daylight_saving() {
        let table = [
            (datetime!(2026-11-26 13:03 UTC), "2026-11-26 14:03"),
            (datetime!(2026-07-01 12:00 UTC), "2026-07-01 14:00"),
            (datetime!(2026-03-29 00:59 UTC), "2026-03-29 01:59"),
            (datetime!(2026-03-29 01:00 UTC), "2026-03-29 03:00"),
            (datetime!(2026-10-25 00:59 UTC), "2026-10-25 02:59"),
            (datetime!(2026-10-25 01:00 UTC), "2026-10-25 02:00"),
            (datetime!(2026-12-31 23:30 UTC), "2027-01-01 00:30"),
        ];
        for (at, shown) in table {
            assert_eq!(swedish_time(at), shown, "{at}");
        }
    }

    #[test]
    fn control_characters_are_found_but_tabs_and_line_breaks_are_text() {
        assert_eq!(control_character("Rad ett\n\tRad två"), None);
        assert_eq!(control_character("a\u{0}b"), Some((2, '\u{0}')));
        assert_eq!(control_character("åäö\r\n"), Some((4, '\r')));
        assert_eq!(control_character("\u{85}"), Some((1, '\u{85}')));
        assert_eq!(
            control_character_message("kommentaren", (2, '\u{0}')),
            "kommentaren innehåller ett styrtecken (U+0000) vid tecken 2; ta bort det"
        );
    }

    #[test]
    fn swedish_letters_sort_after_z_in_the_order_a_ring_a_umlaut_o_umlaut() {
        let mut names = vec![
            "Överförmyndarnämnden",
            "Äldre samt vård- och omsorgsnämnden",
            "Arkivnämnden",
            "Valnämnden",
            "Ålands",
            "Zeta",
        ];
        names.sort_by(|a, b| swedish_cmp(a, b));
        assert_eq!(
            names,
            [
                "Arkivnämnden",
                "Valnämnden",
                "Zeta",
                "Ålands",
                "Äldre samt vård- och omsorgsnämnden",
                "Överförmyndarnämnden"
            ]
        );
    }

    #[test]
    fn case_does_not_decide_order_and_accents_sit_by_their_letter() {
        let mut names = vec!["björn", "Anna", "émile", "Erik", "david"];
        names.sort_by(|a, b| swedish_cmp(a, b));
        assert_eq!(names, ["Anna", "björn", "david", "Erik", "émile"]);
    }

    #[test]
    fn serde_messages_are_translated() {
        assert_eq!(
            serde_message_in_swedish("missing field `title`"),
            "fältet «title» saknas"
        );
        assert_eq!(
            serde_message_in_swedish("unknown field `titel`, expected one of `key`, `title`"),
            "okänt fält «titel»; tillåtna fält: «key», «title»"
        );
        assert_eq!(
            serde_message_in_swedish("unknown variant `nämd`, expected one of `nämnd`, `styrelse`"),
            "okänt värde «nämd»; tillåtna värden: «nämnd», «styrelse»"
        );
        assert_eq!(
            serde_message_in_swedish("invalid type: integer `5`, expected a string"),
            "fel typ av värde: fann ett heltal, väntade en text"
        );
    }
}
