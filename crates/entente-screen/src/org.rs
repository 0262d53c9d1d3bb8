//! Organization names across forms and languages: the words a name is made of, read as concepts
//! shared by English, Russian and Chinese, so that a translated name meets its listed form
//! (`Исламское движение Узбекистана`, `乌兹别克斯坦伊斯兰运动` and `Islamic Movement of Uzbekistan`
//! are all `islamic movement uzbekistan`).
//!
//! - **Lexicon** (`data/org_words.txt`, written for Entente): each concept with its English word
//!   forms (plural, adjectival and abbreviated: `Eastern`, `Intl`, `Assn`), its Russian stems and
//!   its Chinese words. Russian words are looked up with each case or adjective ending taken off
//!   ([`RUSSIAN_ENDINGS`]), and an adjective of a place as the place (`казахстанский`); Chinese
//!   text is cut into lexicon words by longest match, the rest read in pinyin. Concepts marked `!` in the file (company, group, holdings…) are legal forms or
//!   words of no weight and are set aside, as `LLC` is.
//! - **Function words** (`of`, `the`, `for`, `и`, `по`, `的`…) are dropped, so that word order
//!   with or without them (`Bank of Turan`, `Turan Bank`) does not count.
//! - **Acronyms**: [`acronym`] gives the initials of a name's words other than function words and
//!   legal forms (`IMU` for the Islamic Movement of Uzbekistan, in any of its languages read as
//!   English), which the matcher indexes.
//!
//! No crate holds such a lexicon for these three languages; it is data the crate builds in.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

/// The lexicon file, built in.
const LEXICON: &str = include_str!("../data/org_words.txt");

/// Russian case and adjective endings, tried one at a time (the stem must keep three letters).
pub const RUSSIAN_ENDINGS: &[&str] = &[
    "ого", "его", "ому", "ему", "ыми", "ими", "ами", "ями", "ая", "яя", "ое", "ее", "ые", "ие",
    "ый", "ий", "ой", "ую", "юю", "ом", "ем", "ам", "ям", "ах", "ях", "ов", "ев", "ей", "ию", "ия",
    "ии", "а", "я", "у", "ю", "ы", "и", "е", "о", "ь",
];

/// Words that carry no meaning of their own in a name.
const FUNCTION_WORDS: &[&str] = &[
    "of", "the", "for", "and", "in", "on", "at", "to", "by", "de", "du", "des", "la", "le", "et",
    "и", "в", "во", "по", "для", "на", "о", "об", "за", "со", "с", "的", "之", "和", "与",
];

/// What a word of a name is, read against the lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Word {
    /// A lexicon concept (`movement`), with whether it is a word of no weight.
    Concept { concept: &'static str, light: bool },
    /// A function word: dropped.
    Function,
    /// Anything else: a proper name, kept as written.
    Other,
}

struct Lexicon {
    /// English forms and Russian stems, to their concept.
    words: HashMap<&'static str, (&'static str, bool)>,
    /// Chinese words, to their concept.
    han: HashMap<&'static str, (&'static str, bool)>,
    /// The longest Chinese word, in characters.
    longest_han: usize,
}

fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        let mut lex = Lexicon {
            words: HashMap::default(),
            han: HashMap::default(),
            longest_han: 1,
        };
        for line in LEXICON.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('|').map(str::trim).collect();
            let [concept, english, russian, chinese] = cols[..] else {
                continue;
            };
            let (concept, light) = match concept.strip_prefix('!') {
                Some(c) => (c, true),
                None => (concept, false),
            };
            for w in english.split_whitespace().chain(russian.split_whitespace()) {
                lex.words.entry(w).or_insert((concept, light));
            }
            for w in chinese.split_whitespace() {
                lex.longest_han = lex.longest_han.max(w.chars().count());
                lex.han.entry(w).or_insert((concept, light));
            }
        }
        lex
    })
}

/// What a normalized (lower-case) word is.
pub fn word(w: &str) -> Word {
    if FUNCTION_WORDS.contains(&w) {
        return Word::Function;
    }
    let lex = lexicon();
    let found = lex.words.get(w).copied().or_else(|| {
        if !crate::cyrillic::has_cyrillic(w) {
            return None;
        }
        let w = w.replace('ё', "е");
        // An adjective made of a place name (`казахстанский`, `туркестанская`) is the place.
        let place = |stem: &str| {
            stem.strip_suffix("ск")
                .filter(|p| p.chars().count() >= 5)
                .and_then(|p| lex.words.get(p).copied())
        };
        RUSSIAN_ENDINGS
            .iter()
            .filter_map(|e| w.strip_suffix(e))
            .filter(|stem| stem.chars().count() >= 3)
            .find_map(|stem| lex.words.get(stem).copied().or_else(|| place(stem)))
    });
    match found {
        Some((concept, light)) => Word::Concept { concept, light },
        None => Word::Other,
    }
}

/// A run of Chinese characters cut into lexicon words by longest match; what is between them is
/// returned as it is (`None`), function words dropped. A word of one character is taken only at
/// the end of the run, or at its start or after a lexicon word, before another lexicon word (`东`
/// in `东突厥斯坦`, `党` in `伊斯兰党`), for alone a character is too often part of a place name
/// (`上海` is not `上` + `海`, sea).
pub fn segment_han(run: &str) -> Vec<(String, Option<Word>)> {
    let lex = lexicon();
    let chars: Vec<char> = run.chars().collect();
    let longest_at = |i: usize, min: usize| -> Option<(usize, (&'static str, bool))> {
        (min..=lex.longest_han.min(chars.len() - i))
            .rev()
            .find_map(|n| {
                let w: String = chars[i..i + n].iter().collect();
                lex.han.get(w.as_str()).map(|c| (n, *c))
            })
    };
    let mut out: Vec<(String, Option<Word>)> = Vec::new();
    let mut rest = String::new();
    let mut i = 0;
    while i < chars.len() {
        let found = longest_at(i, 2).or_else(|| {
            let one = longest_at(i, 1).filter(|(n, _)| *n == 1)?;
            let last = i + 1 == chars.len();
            let leads = rest.is_empty() && longest_at(i + 1, 2).is_some();
            (last || leads).then_some(one)
        });
        match found {
            Some((n, (concept, light))) => {
                if !rest.is_empty() {
                    out.push((std::mem::take(&mut rest), None));
                }
                let w: String = chars[i..i + n].iter().collect();
                out.push((w, Some(Word::Concept { concept, light })));
                i += n;
            }
            None => {
                if let Some(c) = chars.get(i) {
                    if FUNCTION_WORDS.contains(&c.to_string().as_str()) {
                        if !rest.is_empty() {
                            out.push((std::mem::take(&mut rest), None));
                        }
                    } else {
                        rest.push(*c);
                    }
                }
                i += 1;
            }
        }
    }
    if !rest.is_empty() {
        out.push((rest, None));
    }
    out
}

/// The initials of a name's words, function words and words of no weight left out, when it has
/// three or more (`imu`); `None` otherwise. `words` are normalized words (in any script: a
/// concept counts by its English initial, other words by their first letter).
pub fn acronym(words: &[String]) -> Option<String> {
    let mut out = String::new();
    for w in words {
        match word(w) {
            Word::Function | Word::Concept { light: true, .. } => {}
            Word::Concept { concept, .. } => out.extend(concept.chars().next()),
            Word::Other => out.extend(w.chars().next().filter(char::is_ascii_alphabetic)),
        }
    }
    (out.chars().count() >= 3).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concept(w: &str) -> Option<&'static str> {
        match word(w) {
            Word::Concept { concept, .. } => Some(concept),
            _ => None,
        }
    }

    #[test]
    fn russian_words_meet_their_concept_in_every_case() {
        for (w, c) in [
            ("исламское", "islamic"),
            ("исламского", "islamic"),
            ("исламская", "islamic"),
            ("движение", "movement"),
            ("движения", "movement"),
            ("движением", "movement"),
            ("узбекистана", "uzbekistan"),
            ("узбекистан", "uzbekistan"),
            ("восточного", "east"),
            ("армии", "army"),
            ("освобождения", "liberation"),
            ("партия", "party"),
            ("партии", "party"),
            ("казахстанский", "kazakhstan"),
            ("туркестанская", "turkestan"),
        ] {
            assert_eq!(concept(w), Some(c), "{w}");
        }
        assert_eq!(concept("тимур"), None);
    }

    #[test]
    fn english_forms_abbreviations_and_adjectives_meet() {
        for (w, c) in [
            ("eastern", "east"),
            ("east", "east"),
            ("intl", "international"),
            ("assn", "association"),
            ("islamic", "islamic"),
            ("turkistan", "turkestan"),
        ] {
            assert_eq!(concept(w), Some(c), "{w}");
        }
        assert_eq!(word("of"), Word::Function);
    }

    #[test]
    fn chinese_is_cut_into_lexicon_words() {
        let cut = |s: &str| -> Vec<String> {
            segment_han(s)
                .into_iter()
                .map(|(w, k)| match k {
                    Some(Word::Concept { concept, .. }) => format!("={concept}"),
                    _ => w,
                })
                .collect()
        };
        assert_eq!(
            cut("东突厥斯坦伊斯兰运动"),
            ["=east", "=turkestan", "=islamic", "=movement"]
        );
        assert_eq!(
            cut("乌兹别克斯坦伊斯兰运动"),
            ["=uzbekistan", "=islamic", "=movement"]
        );
        assert_eq!(cut("上海贸易"), ["上海", "=trading"]);
        assert_eq!(
            cut("突厥斯坦伊斯兰党"),
            ["=turkestan", "=islamic", "=party"]
        );
    }

    #[test]
    fn acronyms_are_the_initials_of_the_words_that_count() {
        let words = |s: &str| crate::normalize::parts(s);
        assert_eq!(
            acronym(&words("Islamic Movement of Uzbekistan")),
            Some("imu".into())
        );
        assert_eq!(
            acronym(&words("Исламское движение Узбекистана")),
            Some("imu".into())
        );
        assert_eq!(acronym(&words("Caspian Trading Company")), None);
    }
}
