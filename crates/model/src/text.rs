//! Text rules for Swedish: sorting names so that å, ä and ö come after z.

use std::cmp::Ordering;

/// Orders two names as a Swedish reader expects: case-insensitive, with å, ä, ö after z and
/// other accented letters (é, ü) beside their base letter.
pub fn swedish_cmp(a: &str, b: &str) -> Ordering {
    let key = |s: &str| {
        s.chars()
            .flat_map(char::to_lowercase)
            .map(weight)
            .collect::<Vec<_>>()
    };
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

/// A sort weight per letter: the Swedish alphabet in order, everything else by code point after it.
fn weight(c: char) -> (u32, u32) {
    const ALPHABET: &str = "0123456789abcdefghijklmnopqrstuvwxyzåäö";
    let base = match c {
        'à' | 'á' | 'â' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'ü' | 'ú' => 'u',
        'ø' => 'ö',
        'æ' => 'ä',
        c => c,
    };
    match ALPHABET.chars().position(|a| a == base) {
        Some(i) => (1, i as u32 * 2 + u32::from(base != c)),
        None if c.is_whitespace() || c.is_ascii_punctuation() => (0, c as u32),
        None => (2, c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
