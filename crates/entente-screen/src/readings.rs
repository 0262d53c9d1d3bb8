//! The Latin readings of a name: what the index keys and the scorer compares. A name in Latin
//! letters has one reading; a Cyrillic name one per romanization scheme ([`crate::cyrillic`]);
//! a Chinese name its pinyin, given name joined and by syllable ([`crate::chinese`]). Each
//! reading is a list of parts with their roles ([`crate::parts`]) and the variant key of each
//! ([`crate::variants`]). Arabic-script names are compared by consonant skeleton instead
//! ([`crate::arabic`]) and have no Latin reading here.

use crate::parts::{name_parts, Kind, Part, Role};
use crate::variants::variant_key;
use crate::{chinese, cyrillic};

/// One part of a reading: its Latin text, role and variant key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadPart {
    pub text: String,
    pub role: Role,
    /// Its variant key, or for a word read as a concept of the organization lexicon, `=` and the
    /// concept (see [`crate::org`]).
    pub key: String,
    /// Read from Chinese characters: its pinyin is that of one character, and another
    /// character's pinyin with the same key (`xu` 徐, `hu` 胡) is another name.
    pub han: bool,
}

/// The key of a part read as a concept of the organization lexicon.
pub fn concept_key(concept: &str) -> String {
    format!("={concept}")
}

/// The distinct Latin readings of a name.
pub fn readings(name: &str, kind: Kind) -> Vec<Vec<ReadPart>> {
    let parts = name_parts(name, kind);
    let mut out: Vec<Vec<ReadPart>> = Vec::new();
    let joined: String = parts.iter().map(|p| p.text.as_str()).collect();
    let han = chinese::has_han(&joined);
    let mut add = |reading: Vec<(String, Role)>| {
        let reading: Vec<ReadPart> = reading
            .into_iter()
            .filter(|(t, _)| !t.is_empty())
            .map(|(text, role)| ReadPart {
                key: variant_key(&text),
                text,
                role,
                han,
            })
            .collect();
        if !reading.is_empty() && !out.contains(&reading) {
            out.push(reading);
        }
    };
    if han {
        let keys = chinese::latin_keys(&joined);
        for key in &keys {
            add(key.split(' ').map(|t| (t.to_owned(), Role::Name)).collect());
        }
        // A firm's name is words of two characters as a rule (天山 贸易: Tianshan Maoyi).
        if kind == Kind::Organization {
            if let Some(syllables) = keys.last().map(|k| k.split(' ').collect::<Vec<_>>()) {
                add(syllables
                    .chunks(2)
                    .map(|pair| (pair.concat(), Role::Name))
                    .collect());
            }
        }
    } else if parts.iter().any(|p| cyrillic::has_cyrillic(&p.text)) {
        for scheme in cyrillic::SCHEMES {
            add(parts
                .iter()
                .map(|Part { text, role }| (cyrillic::romanize(text, scheme), *role))
                .collect());
        }
    } else {
        // A Chinese name in Wade-Giles or a Hong Kong spelling also reads as pinyin.
        if kind == Kind::Person {
            let texts: Vec<String> = parts.iter().map(|p| p.text.clone()).collect();
            for r in crate::wade_giles::readings(&texts) {
                add(r.into_iter().map(|t| (t, Role::Name)).collect());
            }
        }
        add(parts.iter().map(|p| (p.text.clone(), p.role)).collect());
        // Turkic and Slavic Latin alphabets write one letter where others write two (Şahin,
        // Shahin; Šukurov, Shukurov; Çelik, Chelik; Jəfərov): both spellings are read.
        if let Some(alt) = digraph_spelling(name) {
            add(name_parts(&alt, kind)
                .into_iter()
                .map(|p| (p.text, p.role))
                .collect());
        }
    }
    if kind == Kind::Organization {
        if let Some(reading) = concept_reading(&parts) {
            if !out.contains(&reading) {
                out.push(reading);
            }
        }
    }
    out
}

/// The name with the letters that stand for a sound other alphabets write with two letters spelled
/// so (`ş`/`š` → `sh`, `ç`/`č` → `ch`, `ž` → `zh`, `ğ` → `gh`); `None` when it has none.
fn digraph_spelling(name: &str) -> Option<String> {
    use unicode_normalization::UnicodeNormalization;
    let name: String = name.nfc().collect();
    let two = |c: char| match c {
        'ş' | 'š' | 'ș' => Some("sh"),
        'Ş' | 'Š' | 'Ș' => Some("Sh"),
        'ç' | 'č' => Some("ch"),
        'Ç' | 'Č' => Some("Ch"),
        'ž' => Some("zh"),
        'Ž' => Some("Zh"),
        'ğ' => Some("gh"),
        'Ğ' => Some("Gh"),
        _ => None,
    };
    if !name.chars().any(|c| two(c).is_some()) {
        return None;
    }
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        match two(c) {
            Some(s) => out.push_str(s),
            None => out.push(c),
        }
    }
    Some(out)
}

/// An organization's name read word by word against the lexicon ([`crate::org`]): concepts by
/// their key, function words and words of no weight left out, other words transliterated (Chinese
/// between lexicon words in pinyin, Cyrillic in the first scheme). `None` when nothing is left.
fn concept_reading(parts: &[Part]) -> Option<Vec<ReadPart>> {
    use crate::org::{segment_han, word, Word};
    let mut out: Vec<ReadPart> = Vec::new();
    let mut push = |text: String, w: Word, han: bool| match w {
        Word::Function | Word::Concept { light: true, .. } => {}
        Word::Concept { concept, .. } => out.push(ReadPart {
            key: concept_key(concept),
            text,
            role: Role::Name,
            han: false,
        }),
        Word::Other => {
            let latin = if han {
                chinese::latin_keys(&text)
                    .last()
                    .map(|k| k.replace(' ', ""))
                    .unwrap_or_default()
            } else if cyrillic::has_cyrillic(&text) {
                cyrillic::romanize(&text, cyrillic::SCHEMES[0])
            } else {
                text
            };
            if !latin.is_empty() {
                out.push(ReadPart {
                    key: variant_key(&latin),
                    text: latin,
                    role: Role::Name,
                    han,
                });
            }
        }
    };
    // A name of no lexicon word, no function word and no Chinese reads as its plain reading.
    let mut read_anew = false;
    for p in parts {
        if chinese::has_han(&p.text) {
            read_anew = true;
            for (text, w) in segment_han(&p.text) {
                push(text, w.unwrap_or(Word::Other), true);
            }
        } else {
            let w = word(&p.text);
            read_anew |= w != Word::Other;
            push(p.text.clone(), w, false);
        }
    }
    (read_anew && !out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The variant keys of a reading's name parts, as a multiset (order does not matter).
    fn name_keys(r: &[ReadPart]) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for p in r.iter().filter(|p| p.role == Role::Name) {
            *m.entry(p.key.clone()).or_default() += 1;
        }
        m
    }

    fn meet(a: &str, b: &str, kind: Kind) -> bool {
        let (ra, rb) = (readings(a, kind), readings(b, kind));
        ra.iter()
            .any(|x| rb.iter().any(|y| name_keys(x) == name_keys(y)))
    }

    #[test]
    fn names_meet_their_spellings_in_other_scripts_and_orders() {
        for (a, b) in [
            ("Моргулов Игорь Владимирович", "Igor Morgulov"),
            (
                "Моргулов Игорь Владимирович",
                "MORGULOV, Igor Vladimirovich",
            ),
            ("程国平", "Cheng Guoping"),
            ("程国平", "Guoping Cheng"),
            ("曾庆红", "Zeng Qinghong"),
            ("Тоқаев Қасым-Жомарт Кемелұлы", "Kassym-Jomart Tokayev"),
            ("Ғайратжон Қодиров", "Gairatjon Kodirov"),
            ("Юрий Хабаров", "Yuri Khabarov"),
            ("Рахмон Эмомали", "Emomali Rahmon"),
        ] {
            assert!(meet(a, b, Kind::Person), "{a} / {b}");
        }
        assert!(meet(
            "ООО «Восток Инвест»",
            "Vostok Invest LLC",
            Kind::Organization
        ));
        for (a, b) in [
            ("Şahin Çelik", "Shahin Chelik"),
            ("Şahin Çelik", "Sahin Celik"),
            ("Šukurov Žanna", "Shukurov Zhanna"),
            ("Əliyev Məmməd", "Aliyev Mammad"),
        ] {
            assert!(meet(a, b, Kind::Person), "{a} / {b}");
        }
    }

    #[test]
    fn different_people_do_not_meet() {
        for (a, b) in [
            ("Моргулов Игорь", "Igor Morozov"),
            ("程国平", "Cheng Guoqiang"),
            ("Юрий Хабаров", "Yuri Khabibulin"),
        ] {
            assert!(!meet(a, b, Kind::Person), "{a} / {b}");
        }
    }
}
