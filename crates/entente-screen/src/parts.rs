//! A name's parts and what each is: the words a matcher aligns, with the ones that do not
//! identify anyone set aside.
//!
//! - **Honorifics and titles** (`Mr`, `Dr`, `Sheikh`, `Haji`, `Mullah`, `господин`…) are dropped:
//!   they say how a person is addressed, not who; so are Arabic articles and filiation particles
//!   standing as words (`al`, `el`, `bin`, `ibn`).
//! - **Legal forms** of organizations (`LLC`, `Ltd`, `Co`, `JSC`, `GmbH`, `ООО`, `ТОО`, `АО`,
//!   `有限公司`, `公司`…) are dropped, as words or, in Chinese, as the end of the name.
//! - **Patronymics** are kept but marked, so that a name given without one still matches: the
//!   Russian `-ович`/`-евич`/`-ич`/`-овна`/`-евна`/`-ична` (and their Latin spellings), and the
//!   Turkic particles `uly`, `kyzy`, `ogly`, `ugli`, `qizi` (`улы`, `кызы`, `оглы`, `угли`, `кизи`)
//!   with the word before them, or as the end of one word (`Abishuly`, `Aliyevna`).
//!
//! Order is not decided here: the matcher aligns parts in any order (`Khan Muhammad` =
//! `Muhammad Khan`). Input is any text; it is normalized first ([`crate::normalize`]).

use crate::normalize::parts as normalized_parts;

/// Whether a list entry or a query names a person or an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Person,
    Organization,
}

/// What a part of a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A given name, a family name, or a word of an organization's name.
    Name,
    /// A patronymic: matched when both sides have one, not required.
    Patronymic,
}

/// One part of a name: normalized text and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub text: String,
    pub role: Role,
}

const HONORIFICS: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "sir",
    "sheikh",
    "shaikh",
    "sheik",
    "haji",
    "hajji",
    "hadji",
    "mullah",
    "mulla",
    "maulana",
    "mawlana",
    "sayyid",
    "syed",
    "imam",
    "emir",
    "amir",
    "general",
    "gen",
    "col",
    "colonel",
    "господин",
    "госпожа",
    "г-н",
    "гн",
    "шейх",
    "мулла",
    "хаджи",
];

/// Arabic articles and filiation particles, dropped from a person's name when other parts remain
/// (`Abdul Aziz al-Rashid` = `Abdulaziz Rashid`; `Osama bin Laden` = `Osama Laden`).
const PARTICLES: &[&str] = &[
    "al", "el", "ul", "ad", "ar", "as", "at", "az", "an", "bin", "ibn", "ben", "bint",
];

const LEGAL_FORMS: &[&str] = &[
    "llc",
    "llp",
    "lp",
    "ltd",
    "limited",
    "co",
    "company",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sarl",
    "bv",
    "nv",
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "ooo",
    "zao",
    "oao",
    "pao",
    "too",
    "ооо",
    "зао",
    "оао",
    "пао",
    "ао",
    "тоо",
    "ип",
    "чп",
    "осоо",
    "мчж",
    "ҷдмм",
    "жшс",
    "fze",
    "fzco",
    "fzc",
    "fzllc",
    "شركة",
    "مؤسسة",
    "جمعية",
    "group",
    "holding",
    "holdings",
];

/// Chinese legal-form endings, longest first.
const CHINESE_LEGAL_ENDINGS: &[&str] =
    &["股份有限公司", "有限责任公司", "有限公司", "集团", "公司"];

const TURKIC_PATRONYMIC_PARTICLES: &[&str] = &[
    "uly", "ули", "улы", "uli", "kyzy", "kizi", "qizi", "кызы", "кизи", "қызы", "ogly", "oglu",
    "ugli", "o'g'li", "оглы", "угли", "ўғли",
];

const PATRONYMIC_ENDINGS: &[&str] = &[
    "ович",
    "евич",
    "ёвич",
    "ьич",
    "овна",
    "евна",
    "ична",
    "инична",
    "ovich",
    "evich",
    "ovna",
    "evna",
    "ichna",
    "yevich",
    "ievich",
    "iyevich",
    "uly",
    "ұлы",
    "улы",
    "kyzy",
    "қызы",
    "кызы",
    "ogly",
    "оглы",
    "ugli",
    "угли",
];

fn is_patronymic_word(w: &str) -> bool {
    PATRONYMIC_ENDINGS
        .iter()
        .any(|e| w.ends_with(e) && w.chars().count() > e.chars().count() + 1)
}

/// The parts of a name of this kind.
pub fn name_parts(name: &str, kind: Kind) -> Vec<Part> {
    let words = normalized_parts(name);
    let mut out: Vec<Part> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let next_is_particle = words
            .get(i + 1)
            .is_some_and(|n| TURKIC_PATRONYMIC_PARTICLES.contains(&n.as_str()));
        let role = match kind {
            Kind::Person if HONORIFICS.contains(&w.as_str()) => continue,
            Kind::Person if PARTICLES.contains(&w.as_str()) && words.len() > 1 => continue,
            Kind::Person if TURKIC_PATRONYMIC_PARTICLES.contains(&w.as_str()) => continue,
            Kind::Person if next_is_particle || is_patronymic_word(w) => Role::Patronymic,
            Kind::Person => Role::Name,
            Kind::Organization if LEGAL_FORMS.contains(&w.as_str()) => continue,
            Kind::Organization => Role::Name,
        };
        let text = match kind {
            Kind::Organization => strip_chinese_legal_ending(w),
            Kind::Person => w.clone(),
        };
        if !text.is_empty() {
            out.push(Part { text, role });
        }
    }
    out
}

fn strip_chinese_legal_ending(w: &str) -> String {
    let mut w = w;
    // 集团有限公司: strip endings until none is left.
    while let Some(e) = CHINESE_LEGAL_ENDINGS.iter().find(|e| w.ends_with(*e)) {
        w = &w[..w.len() - e.len()];
    }
    w.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(name: &str, kind: Kind) -> Vec<(String, Role)> {
        name_parts(name, kind)
            .into_iter()
            .map(|p| (p.text, p.role))
            .collect()
    }

    fn names(ws: &[&str]) -> Vec<(String, Role)> {
        ws.iter().map(|w| ((*w).to_owned(), Role::Name)).collect()
    }

    #[test]
    fn people() {
        assert_eq!(
            texts("Моргулов Игорь Владимирович", Kind::Person),
            vec![
                ("моргулов".into(), Role::Name),
                ("игорь".into(), Role::Name),
                ("владимирович".into(), Role::Patronymic)
            ]
        );
        assert_eq!(
            texts("Dr. Igor Vladimirovich Morgulov", Kind::Person),
            vec![
                ("igor".into(), Role::Name),
                ("vladimirovich".into(), Role::Patronymic),
                ("morgulov".into(), Role::Name)
            ]
        );
        assert_eq!(
            texts("Nursultan Abishuly Nazarbayev", Kind::Person),
            vec![
                ("nursultan".into(), Role::Name),
                ("abishuly".into(), Role::Patronymic),
                ("nazarbayev".into(), Role::Name)
            ]
        );
        assert_eq!(
            texts("Rashidov Sharof ogly Akmal", Kind::Person),
            vec![
                ("rashidov".into(), Role::Name),
                ("sharof".into(), Role::Patronymic),
                ("akmal".into(), Role::Name)
            ]
        );
        assert_eq!(
            texts("Sheikh Muhammad Khan", Kind::Person),
            names(&["muhammad", "khan"])
        );
        // A short word ending like a patronymic is a name (Ovich is not Ivan-ovich).
        assert_eq!(texts("Ovich", Kind::Person), names(&["ovich"]));
    }

    #[test]
    fn organizations() {
        assert_eq!(
            texts("Silk Road Trading Co., Ltd.", Kind::Organization),
            names(&["silk", "road", "trading"])
        );
        assert_eq!(
            texts("ООО «Восток-Инвест»", Kind::Organization),
            names(&["восток", "инвест"])
        );
        assert_eq!(
            texts("ТОО Астана Логистик", Kind::Organization),
            names(&["астана", "логистик"])
        );
        assert_eq!(
            texts("新疆丝路贸易有限公司", Kind::Organization),
            names(&["新疆丝路贸易"])
        );
        assert_eq!(
            texts("丝路集团有限公司", Kind::Organization),
            names(&["丝路"])
        );
        // A person's name keeps words that would be legal forms of an organization.
        assert_eq!(
            texts("Co Van Sa", Kind::Person),
            names(&["co", "van", "sa"])
        );
    }

    proptest::proptest! {
        #[test]
        fn any_input_gives_non_empty_normalized_parts(s in proptest::prelude::any::<String>()) {
            for kind in [Kind::Person, Kind::Organization] {
                for p in name_parts(&s, kind) {
                    proptest::prop_assert!(!p.text.is_empty() && !p.text.contains(' '));
                }
            }
        }
    }
}
