//! What counts as a blank text: one definition for every name and free text a node takes, and the
//! regular expression the OpenAPI document states it with.
//!
//! "Blank" is a text of nothing but white space (Unicode `White_Space`), control characters
//! (`Cc`) and the byte-order mark. Regular-expression dialects disagree on `\s`: ECMA-262 counts
//! U+FEFF and not U+001C..U+001F, Python counts U+001C..U+001F and not U+FEFF, Rust's
//! `char::is_whitespace` neither. A schema that says `\S` therefore means something else to each
//! client that reads it (schemathesis sent `"\u001f"` as a name the schema forbids and the node took).
//! So the characters are listed here, once, and [`VISIBLE_PATTERN`] is written from the same list.

/// The ranges of characters that leave a text blank, inclusive: `Cc` and `White_Space`, and U+FEFF.
pub const BLANK_RANGES: &[(char, char)] = &[
    ('\u{0000}', '\u{0020}'),
    ('\u{007F}', '\u{00A0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200A}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202F}', '\u{202F}'),
    ('\u{205F}', '\u{205F}'),
    ('\u{3000}', '\u{3000}'),
    ('\u{FEFF}', '\u{FEFF}'),
];

/// The pattern (ECMA-262 and Python alike) a text matches when it is not blank: some character
/// outside [`BLANK_RANGES`]. The OpenAPI document's `Text` and `Name` schemas state exactly this.
pub const VISIBLE_PATTERN: &str =
    "[^\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200a\\u2028-\\u2029\\u202f\\u205f\\u3000\\ufeff]";

/// Whether `c` leaves a text blank.
pub fn is_blank_char(c: char) -> bool {
    BLANK_RANGES.iter().any(|&(lo, hi)| lo <= c && c <= hi)
}

/// Whether `text` is empty or holds only white space and control characters.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(is_blank_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character: the ranges are white space, control characters and the byte-order mark.
    #[test]
    fn the_ranges_are_white_space_control_and_bom() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let expected = c.is_whitespace() || c.is_control() || c == '\u{FEFF}';
            assert_eq!(is_blank_char(c), expected, "U+{:04X}", c as u32);
        }
    }

    /// The pattern is written from the ranges, character for character.
    #[test]
    fn the_pattern_states_the_ranges() {
        let class: String = BLANK_RANGES
            .iter()
            .map(|&(lo, hi)| {
                let esc = |c: char| format!("\\u{:04x}", c as u32);
                if lo == hi {
                    esc(lo)
                } else {
                    format!("{}-{}", esc(lo), esc(hi))
                }
            })
            .collect();
        assert_eq!(VISIBLE_PATTERN, format!("[^{class}]"));
    }

    #[test]
    fn blank_texts() {
        for t in [
            "",
            " ",
            "\u{1f}",
            "\t\n",
            "\u{feff}\u{3000}",
            "\u{85}\u{a0}",
        ] {
            assert!(is_blank(t), "{t:?}");
        }
        for t in ["a", " Ли ", "\u{1f}李", "\u{200c}"] {
            assert!(!is_blank(t), "{t:?}");
        }
    }
}
