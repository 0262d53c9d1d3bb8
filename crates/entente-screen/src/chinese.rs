//! Chinese names to Latin: Hanyu Pinyin from the `pinyin` crate's dictionary, with the surname
//! readings it gets wrong corrected, and the Wade-Giles and Cantonese spellings of surnames mapped
//! back to pinyin.
//!
//! A name in characters is surname first: the surname is the first character, or the first two
//! when they form a compound surname (`欧阳`, `司马`, `诸葛`…). A character read one way in words
//! and another as a surname (`曾` is ceng in words, Zeng as a surname; `单` dan/Shan; `解`
//! jie/Xie; `区` qu/Ou; `朴` pu/Piao) takes its surname reading there. The given name is given
//! both joined (`guoping`, as passports write it) and by syllable (`guo ping`, as Wade-Giles
//! hyphenation and some databases do); the matcher decides how parts align.

use pinyin::ToPinyin;

/// Two-character surnames and their readings.
const COMPOUND_SURNAMES: &[(&str, &str)] = &[
    ("欧阳", "ouyang"),
    ("司马", "sima"),
    ("诸葛", "zhuge"),
    ("上官", "shangguan"),
    ("尉迟", "yuchi"),
    ("万俟", "moqi"),
    ("长孙", "zhangsun"),
    ("司徒", "situ"),
    ("夏侯", "xiahou"),
    ("皇甫", "huangfu"),
    ("公孙", "gongsun"),
    ("慕容", "murong"),
    ("东方", "dongfang"),
    ("令狐", "linghu"),
    ("端木", "duanmu"),
    ("宇文", "yuwen"),
    ("澹台", "tantai"),
    ("轩辕", "xuanyuan"),
    ("单于", "chanyu"),
];

/// Characters whose reading as a surname differs from their common reading.
const SURNAME_READINGS: &[(char, &str)] = &[
    ('曾', "zeng"),
    ('单', "shan"),
    ('区', "ou"),
    ('仇', "qiu"),
    ('解', "xie"),
    ('查', "zha"),
    ('朴', "piao"),
    ('盖', "ge"),
    ('覃', "qin"),
    ('缪', "miao"),
    ('翟', "zhai"),
    ('乐', "yue"),
    ('员', "yun"),
    ('种', "chong"),
    ('秘', "bi"),
    ('尉', "yu"),
    ('召', "shao"),
    ('谌', "chen"),
    ('长', "chang"),
    ('繁', "po"),
    ('句', "gou"),
    ('卜', "bu"),
    ('祭', "zhai"),
    ('折', "she"),
    ('宓', "fu"),
    ('冼', "xian"),
    ('隗', "wei"),
    ('阚', "kan"),
    ('柏', "bai"),
    ('薄', "bo"),
    ('都', "du"),
    ('重', "chong"),
    ('沈', "shen"),
    ('任', "ren"),
];

/// Wade-Giles, Cantonese and other Latin spellings of common surnames, with their pinyin.
const SURNAME_SPELLINGS: &[(&str, &[&str])] = &[
    ("chang", &["zhang", "chang"]),
    ("cheung", &["zhang"]),
    ("chan", &["chen"]),
    ("wong", &["huang", "wang"]),
    ("lee", &["li"]),
    ("ng", &["wu"]),
    ("ho", &["he"]),
    ("lau", &["liu"]),
    ("leung", &["liang"]),
    ("tsang", &["zeng"]),
    ("tseng", &["zeng"]),
    ("chow", &["zhou"]),
    ("chou", &["zhou"]),
    ("chau", &["zhou", "zou"]),
    ("hsu", &["xu"]),
    ("hui", &["xu"]),
    ("tsui", &["xu", "cui"]),
    ("tsai", &["cai"]),
    ("choi", &["cai"]),
    ("kuo", &["guo"]),
    ("kwok", &["guo"]),
    ("chiang", &["jiang"]),
    ("teng", &["deng"]),
    ("tang", &["tang", "deng"]),
    ("hsieh", &["xie"]),
    ("tse", &["xie"]),
    ("yeh", &["ye"]),
    ("yip", &["ye"]),
    ("kao", &["gao"]),
    ("ko", &["gao"]),
    ("chu", &["zhu"]),
    ("chao", &["zhao"]),
    ("chiu", &["zhao", "qiu"]),
    ("cheng", &["zheng", "cheng"]),
    ("hung", &["hong"]),
    ("yeung", &["yang"]),
    ("mak", &["mai"]),
    ("lam", &["lin"]),
    ("lim", &["lin"]),
    ("hsiao", &["xiao"]),
    ("siu", &["xiao"]),
    ("chuang", &["zhuang"]),
    ("tsao", &["cao"]),
    ("cho", &["cao"]),
    ("fung", &["feng"]),
    ("kwan", &["guan"]),
    ("kuan", &["guan"]),
    ("mok", &["mo"]),
    ("poon", &["pan"]),
    ("tam", &["tan"]),
    ("lo", &["luo", "lu"]),
    ("law", &["luo"]),
    ("tung", &["dong"]),
    ("tsou", &["zou"]),
    ("sze", &["shi"]),
    ("shih", &["shi"]),
    ("so", &["su"]),
    ("woo", &["wu", "hu"]),
    ("sham", &["shen"]),
    ("chung", &["zhong"]),
    ("tien", &["tian"]),
    ("mah", &["ma"]),
    ("kung", &["gong", "kong"]),
];

pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// Whether the text holds any Chinese character.
pub fn has_han(s: &str) -> bool {
    s.chars().any(is_han)
}

/// The pinyin of one character (plain, no tones, ü as u); `None` if the dictionary lacks it
/// (a Japanese-only character, say).
fn reading(c: char) -> Option<String> {
    c.to_pinyin().map(|p| p.plain().replace(['ü', 'v'], "u"))
}

/// The Latin keys of a name written in Chinese characters: `surname givenname` and
/// `surname given name` (by syllable); empty when it holds no Chinese character the dictionary
/// knows. Other characters are left out.
pub fn latin_keys(s: &str) -> Vec<String> {
    // Each character the dictionary knows, with its reading, looked up once.
    let han: Vec<(char, String)> = s
        .chars()
        .filter(|c| is_han(*c))
        .filter_map(|c| reading(c).map(|r| (c, r)))
        .collect();
    if han.is_empty() {
        return Vec::new();
    }
    let first_two: String = han.iter().take(2).map(|(c, _)| c).collect();
    let (surname, given) = match COMPOUND_SURNAMES.iter().find(|(h, _)| *h == first_two) {
        Some((_, latin)) if han.len() > 2 => ((*latin).to_owned(), &han[2..]),
        _ => {
            let (first, common) = &han[0];
            let latin = SURNAME_READINGS
                .iter()
                .find(|(h, _)| h == first)
                .map_or_else(|| common.clone(), |(_, l)| (*l).to_owned());
            (latin, &han[1..])
        }
    };
    let syllables: Vec<&str> = given.iter().map(|(_, r)| r.as_str()).collect();
    if syllables.is_empty() {
        return vec![surname];
    }
    let joined = format!("{surname} {}", syllables.concat());
    let separate = format!("{surname} {}", syllables.join(" "));
    if joined == separate {
        vec![joined]
    } else {
        vec![joined, separate]
    }
}

/// The pinyin surnames a Latin surname may stand for (Wade-Giles, Cantonese, older spellings);
/// empty when it is not one of them.
pub fn surname_pinyin(latin: &str) -> &'static [&'static str] {
    SURNAME_SPELLINGS
        .iter()
        .find(|(l, _)| *l == latin)
        .map_or(&[], |(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_characters() {
        assert_eq!(
            latin_keys("程国平"),
            vec!["cheng guoping", "cheng guo ping"]
        );
        assert_eq!(latin_keys("张军"), vec!["zhang jun"]);
        // Surname readings the dictionary would get wrong.
        assert_eq!(latin_keys("曾庆红")[0], "zeng qinghong");
        assert_eq!(latin_keys("单霁翔")[0], "shan jixiang");
        assert_eq!(latin_keys("解振华")[0], "xie zhenhua");
        assert_eq!(latin_keys("区志强")[0], "ou zhiqiang");
        // Compound surnames.
        assert_eq!(latin_keys("欧阳修"), vec!["ouyang xiu"]);
        assert_eq!(latin_keys("司马光"), vec!["sima guang"]);
        // ü is written u in passports.
        assert_eq!(latin_keys("吕明"), vec!["lu ming"]);
        assert!(latin_keys("Igor").is_empty());
        // A character the dictionary does not know (a Japanese-only one) is left out.
        assert!(latin_keys("桛").is_empty());
    }

    #[test]
    fn older_surname_spellings() {
        assert_eq!(surname_pinyin("chang"), &["zhang", "chang"]);
        assert!(surname_pinyin("wong").contains(&"huang"));
        assert!(surname_pinyin("wong").contains(&"wang"));
        assert_eq!(surname_pinyin("hsu"), &["xu"]);
        assert!(surname_pinyin("morgulov").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn any_chinese_text_gives_latin_keys(s in "[一-龥]{1,6}") {
            for k in latin_keys(&s) {
                proptest::prop_assert!(k.chars().all(|c| c.is_ascii_lowercase() || c == ' '), "{}", k);
            }
        }
    }
}
