//! Normalizing a name before it is transliterated and keyed, so that the spellings of one name
//! that differ only in form compare equal.
//!
//! What it does, in order, for each character of the NFKC form of the name:
//! - apostrophe-like characters (`'`, `’`, `‘`, `ʼ`, `ʻ`, `` ` ``, `´`) are dropped, not split on:
//!   `O'Brien` is `obrien`, and the Uzbek `G‘ulomov` is `gulomov`;
//! - Arabic vowel marks (harakat), Quranic annotation signs and the tatweel are dropped: they are
//!   written or not at the writer's whim;
//! - a Latin letter loses its diacritics (`Gülnara` = `Gulnara`, `Şahin` = `Sahin`), and the few
//!   Latin letters Unicode does not decompose are spelled out (`ß` → `ss`, `ø` → `o`, `ł` → `l`,
//!   `æ` → `ae`, `œ` → `oe`, `đ`/`ð` → `d`, `þ` → `th`, `ı` → `i`, `ħ` → `h`, `ə` → `a`);
//! - letters of other scripts keep their marks: the Cyrillic `й` is not `и`, and Kazakh, Tajik and
//!   Uzbek Cyrillic letters stay distinct for transliteration to read;
//! - everything is lower-cased (full Unicode mapping, with the Greek final sigma as sigma);
//! - any other run of characters that are not letters or digits (spaces, hyphens, dots, commas)
//!   becomes one space; the result has no leading or trailing space.
//!
//! Written by hand over `unicode-normalization` (NFKC and canonical decomposition): the rules above
//! are the screener's, no crate has them.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// The normalized form of a name (see the module documentation).
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    // Whether the last letter pushed was Latin: a combining mark left after it is dropped.
    let mut after_latin = false;
    for c in name.nfkc() {
        if is_apostrophe(c) || is_arabic_mark(c) {
            continue;
        }
        if is_combining_mark(c) {
            if !after_latin && !out.is_empty() && !out.ends_with(' ') {
                out.push(c);
            }
            continue;
        }
        if !c.is_alphanumeric() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            after_latin = false;
            continue;
        }
        // By the letter or its lower case: a capital of a newer Unicode block may lower-case
        // into an older Latin one (found by the proptest below).
        after_latin = is_latin(c) || c.to_lowercase().any(is_latin);
        if after_latin {
            decompose_canonical(c, |d| {
                if !is_combining_mark(d) {
                    push_folded(&mut out, d);
                }
            });
        } else {
            push_folded(&mut out, c);
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out.nfc().collect()
}

/// The parts of a name, normalized: the words the matcher aligns.
pub fn parts(name: &str) -> Vec<String> {
    normalize(name)
        .split(' ')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn push_folded(out: &mut String, c: char) {
    for l in c.to_lowercase() {
        match l {
            'ß' => out.push_str("ss"),
            'ø' => out.push('o'),
            'ł' | 'ŀ' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'þ' => out.push_str("th"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ı' => out.push('i'),
            // Azerbaijani `ə` (Əliyev, Məmmədov) is written `a` in other alphabets.
            'ə' => out.push('a'),
            'ħ' => out.push('h'),
            'ς' => out.push('σ'),
            other => out.push(other),
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '`' | '\u{00B4}'
            // Zero-width (non-)joiners join the parts of one Persian word (خامنه‌ای).
            | '\u{200C}' | '\u{200D}'
    )
}

/// Harakat and other Arabic marks, Quranic annotation signs, and the tatweel.
fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}')
}

/// Latin letters, including the extended blocks whose diacritics carry no identity.
fn is_latin(c: char) -> bool {
    matches!(c,
        'A'..='Z' | 'a'..='z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}'
        | '\u{2C60}'..='\u{2C7F}' | '\u{A720}'..='\u{A7FF}' | '\u{AB30}'..='\u{AB6F}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_in_many_forms() {
        for (raw, expected) in [
            ("Igor MORGULOV", "igor morgulov"),
            ("  Igor   Morgulov  ", "igor morgulov"),
            ("Gülnara Şahin", "gulnara sahin"),
            ("O'Brien", "obrien"),
            ("G‘ulomov Rustam", "gulomov rustam"),
            ("Abdul-Aziz al-Rashid", "abdul aziz al rashid"),
            ("Straße", "strasse"),
            ("Łukasz Øster", "lukasz oster"),
            ("İSTANBUL", "istanbul"),
            ("ＭＯＲＧＵＬＯＶ", "morgulov"),
            ("Моргулов Игорь Владимирович", "моргулов игорь владимирович"),
            ("Сергей Йовович", "сергей йовович"),
            ("Ғани Қасымов", "ғани қасымов"),
            ("程国平", "程国平"),
            ("مُحَمَّد", "محمد"),
            ("محـــمد", "محمد"),
            ("خامنه\u{200C}ای", "خامنهای"),
            ("ΟΔΥΣΣΕΑΣ", "οδυσσεασ"),
            ("J. R. R. Tolkien", "j r r tolkien"),
            ("", ""),
            ("-- ,. ", ""),
        ] {
            assert_eq!(normalize(raw), expected, "{raw}");
        }
        assert_eq!(
            parts("Khan, Muhammad  Ali"),
            vec!["khan", "muhammad", "ali"]
        );
    }

    proptest! {
        #[test]
        fn a_capital_that_lowercases_into_latin_is_latin(mark in "\\p{Mn}") {
            let s = format!("\u{A7DC}{mark}");
            let n = normalize(&s);
            prop_assert_eq!(normalize(&n), n);
        }

        #[test]
        fn any_input_normalizes_once_and_for_all(s in any::<String>()) {
            let n = normalize(&s);
            prop_assert_eq!(normalize(&n), n.clone());
            prop_assert!(!n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "));
        }

        #[test]
        fn names_in_the_scripts_we_screen(s in "[a-zA-ZÀ-ɏА-яЁёҚқҒғӘәӨөҮүҰұҺһІі一-龥ء-ي '‘\\-.]{0,40}") {
            let n = normalize(&s);
            prop_assert_eq!(normalize(&n), n.clone());
            prop_assert_eq!(parts(&s).join(" "), n);
        }
    }
}
