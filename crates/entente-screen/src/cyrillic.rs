//! Cyrillic to Latin: several keys per name, one per romanization a document or database of the
//! region is likely to have used, because a screener cannot know which one the other side chose.
//!
//! - **ICAO Doc 9303** (machine-readable passports; Russia since 2013, most CIS states): `х` kh,
//!   `й` i, `ю` iu, `я` ia, `ъ` ie, `ц` ts;
//! - **BGN/PCGN 1947** (English-language press and most sanctions lists): `е` ye at the start of a
//!   word and after a vowel, `й` y, `ю` yu, `я` ya;
//! - **GOST 7.79 system B** (Russian bibliographic and official transliteration): `х` x, `й` j,
//!   `ц` c/cz, `щ` shh, `ё` yo.
//!
//! The tables follow the `iuliia` schemas (`icao_doc_9303`, `bgn_pcgn`, `gost_779`), apostrophe
//! and backtick signs left out (normalization drops them anyway). The letters of Kazakh, Kyrgyz,
//! Tajik and Uzbek Cyrillic are added to each: in the passport scheme as their nearest Russian
//! reading (`қ` k, `ғ` g, `ң` n, `ҳ` h, `ҷ` j), and in the other two as the national Latin
//! alphabets write them (`қ` q, `ғ` gh, `ң` ng, `ҷ` j, Uzbek `ў` o). Input is normalized text
//! ([`crate::normalize`]); characters that are not Cyrillic pass through unchanged.

/// The romanizations applied, in the order their keys are returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Icao9303,
    BgnPcgn,
    Gost779,
}

pub const SCHEMES: [Scheme; 3] = [Scheme::Icao9303, Scheme::BgnPcgn, Scheme::Gost779];

/// Whether the text holds any Cyrillic letter.
pub fn has_cyrillic(s: &str) -> bool {
    s.chars().any(is_cyrillic)
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}' | '\u{0500}'..='\u{052F}')
}

/// The name in one scheme.
pub fn romanize(s: &str, scheme: Scheme) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        match letter(c, prev, scheme) {
            Some(latin) => out.push_str(latin),
            None => out.push(c),
        }
        prev = Some(c);
    }
    out
}

/// The distinct Latin keys of a name, one per scheme; empty when it has no Cyrillic.
pub fn latin_keys(s: &str) -> Vec<String> {
    if !has_cyrillic(s) {
        return Vec::new();
    }
    let mut keys: Vec<String> = Vec::with_capacity(SCHEMES.len());
    for scheme in SCHEMES {
        let k = romanize(s, scheme);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

fn is_vowel_or_sign(c: char) -> bool {
    "аеёиоуыэюяіїєәөұүӣӯўъьй".contains(c)
}

/// One Cyrillic letter (lower case) in a scheme; `None` for anything else.
fn letter(c: char, prev: Option<char>, scheme: Scheme) -> Option<&'static str> {
    use Scheme::*;
    let word_start = prev.is_none_or(|p| !p.is_alphanumeric());
    let soft_context = word_start || prev.is_some_and(is_vowel_or_sign);
    Some(match (c, scheme) {
        ('а', _) => "a",
        ('б', _) => "b",
        ('в', _) => "v",
        ('г', _) => "g",
        ('д', _) => "d",
        ('е', BgnPcgn) if soft_context => "ye",
        ('е', _) => "e",
        ('ё', Icao9303) => "e",
        ('ё', BgnPcgn) if soft_context => "yo",
        ('ё', BgnPcgn) => "e",
        ('ё', Gost779) => "yo",
        ('ж', _) => "zh",
        ('з', _) => "z",
        ('и', _) => "i",
        ('й', Icao9303) => "i",
        ('й', BgnPcgn) => "y",
        ('й', Gost779) => "j",
        ('к', _) => "k",
        ('л', _) => "l",
        ('м', _) => "m",
        ('н', _) => "n",
        ('о', _) => "o",
        ('п', _) => "p",
        ('р', _) => "r",
        ('с', _) => "s",
        ('т', _) => "t",
        ('у', _) => "u",
        ('ф', _) => "f",
        ('х', Gost779) => "x",
        ('х', _) => "kh",
        ('ц', Gost779) => "c",
        ('ц', _) => "ts",
        ('ч', _) => "ch",
        ('ш', _) => "sh",
        ('щ', Gost779) => "shh",
        ('щ', _) => "shch",
        ('ъ', Icao9303) => "ie",
        ('ъ', _) => "",
        ('ы', _) => "y",
        ('ь', _) => "",
        ('э', _) => "e",
        ('ю', Icao9303) => "iu",
        ('ю', _) => "yu",
        ('я', Icao9303) => "ia",
        ('я', _) => "ya",
        // Ukrainian and Belarusian letters met in the region's names.
        ('і', _) => "i",
        ('ї', Icao9303) => "i",
        ('ї', _) => "yi",
        ('є', Icao9303) => "ie",
        ('є', _) => "ye",
        ('ґ', _) => "g",
        // Kazakh, Kyrgyz, Tajik and Uzbek letters.
        ('ә', _) => "a",
        ('ө', _) => "o",
        ('ұ', _) => "u",
        ('ү', _) => "u",
        ('һ', _) => "h",
        ('ҳ', _) => "h",
        ('ӣ', _) => "i",
        ('ӯ', _) => "u",
        ('ғ', Icao9303) => "g",
        ('ғ', _) => "gh",
        ('қ', Icao9303) => "k",
        ('қ', _) => "q",
        ('ң', Icao9303) => "n",
        ('ң', _) => "ng",
        ('ҷ', _) => "j",
        ('ў', Icao9303) => "u",
        ('ў', _) => "o",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize;
    use proptest::prelude::*;

    fn keys(name: &str) -> Vec<String> {
        latin_keys(&normalize(name))
    }

    #[test]
    fn russian_names_in_each_scheme() {
        assert_eq!(
            keys("Моргулов Игорь Владимирович"),
            vec!["morgulov igor vladimirovich"]
        );
        assert_eq!(
            keys("Юрий Хабаров"),
            vec!["iurii khabarov", "yuriy khabarov", "yurij xabarov"]
        );
        assert_eq!(
            keys("Евгений Сысоев"),
            vec!["evgenii sysoev", "yevgeniy sysoyev", "evgenij sysoev"]
        );
        // BGN/PCGN writes ё after a consonant as ë, which normalization makes e: the same key
        // as the passport's, so it is given once.
        assert_eq!(
            keys("Фёдор Щукин"),
            vec!["fedor shchukin", "fyodor shhukin"]
        );
        assert!(keys("Цой").contains(&"tsoi".to_owned()));
        assert!(keys("Цой").contains(&"coj".to_owned()));
    }

    #[test]
    fn central_asian_letters() {
        assert_eq!(
            keys("Қасым-Жомарт Тоқаев"),
            vec![
                "kasym zhomart tokaev",
                "qasym zhomart toqayev",
                "qasym zhomart toqaev"
            ]
        );
        assert!(keys("Ғани").contains(&"gani".to_owned()));
        assert!(keys("Ғани").contains(&"ghani".to_owned()));
        assert!(keys("Ҷамшед").contains(&"jamshed".to_owned()));
        assert!(keys("Ўткир").contains(&"otkir".to_owned()));
        assert!(keys("Әлихан Бөкейхан").contains(&"alikhan bokeikhan".to_owned()));
    }

    #[test]
    fn names_without_cyrillic_have_no_keys() {
        assert!(keys("Igor Morgulov").is_empty());
        assert!(keys("程国平").is_empty());
        assert_eq!(romanize("igor", Scheme::Gost779), "igor");
    }

    proptest! {
        #[test]
        fn every_cyrillic_name_romanizes_to_latin(s in "[а-яёқғңөұүһәіҳҷӣӯў -]{1,40}") {
            let n = normalize(&s);
            for scheme in SCHEMES {
                let r = romanize(&n, scheme);
                prop_assert!(r.chars().all(|c| c.is_ascii_lowercase() || c == ' '), "{:?}: {}", scheme, r);
            }
        }
    }
}
