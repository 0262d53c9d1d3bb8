//! Chinese names in Wade-Giles (`Chang Kuo-ping`, `Hsieh Chih-chiang`) and Hong Kong spellings
//! (`Chan`, `Wong`), read as the pinyin a register lists (`Zhang Guoping`).
//!
//! Passports and older lists drop Wade-Giles' apostrophes and umlauts, and with them the mark of
//! aspiration (`p'ing` = ping, `ping` = bing): an initial that could be either is read both
//! ways, so one Wade-Giles name gives a few pinyin readings, of which the register's is one.
//! A name is read this way only when every part is a Wade-Giles syllable or a known older
//! surname spelling ([`crate::chinese::surname_pinyin`]), so names of other origins are left
//! alone. Written by hand: no crate converts Wade-Giles to pinyin.

/// At most this many readings of one name.
const MAX_READINGS: usize = 16;

/// Initials, longest first, with their pinyin readings; the finals decide between the
/// palatal (`j`, `q`) and retroflex (`zh`, `ch`) readings of `ch`.
const INITIALS: &[&str] = &[
    "ch", "hs", "ts", "tz", "ss", "sz", "sh", "p", "t", "k", "j", "f", "m", "n", "l", "h", "s",
    "y", "w",
];

/// Wade-Giles finals (apostrophes and umlauts dropped) and their pinyin.
const FINALS: &[(&str, &str)] = &[
    ("iung", "iong"),
    ("iang", "iang"),
    ("uang", "uang"),
    ("ieh", "ie"),
    ("ien", "ian"),
    ("ueh", "ue"),
    ("uai", "uai"),
    ("uan", "uan"),
    ("ung", "ong"),
    ("ang", "ang"),
    ("eng", "eng"),
    ("ing", "ing"),
    ("iao", "iao"),
    ("erh", "er"),
    ("ai", "ai"),
    ("ao", "ao"),
    ("an", "an"),
    ("ei", "ei"),
    ("en", "en"),
    ("eh", "e"),
    ("ih", "i"),
    ("ia", "ia"),
    ("in", "in"),
    ("iu", "iu"),
    ("ou", "ou"),
    ("ua", "ua"),
    ("ui", "ui"),
    ("un", "un"),
    ("uo", "uo"),
    ("a", "a"),
    ("e", "e"),
    ("i", "i"),
    ("o", "o"),
    ("u", "u"),
];

/// The pinyin readings of one Wade-Giles syllable; empty when it is not one.
pub fn syllable_pinyin(s: &str) -> Vec<String> {
    let (initial, rest) = INITIALS
        .iter()
        .find(|i| s.starts_with(*i))
        .map_or(("", s), |i| (*i, &s[i.len()..]));
    let Some((_, final_py)) = FINALS.iter().find(|(f, _)| *f == rest) else {
        return Vec::new();
    };
    let palatal = (rest.starts_with('i') && rest != "ih") || rest.starts_with('u');
    let initials: &[&str] = match initial {
        "ch" if palatal && rest.starts_with('u') => &["zh", "ch", "j", "q"],
        "ch" if palatal => &["j", "q"],
        "ch" => &["zh", "ch"],
        "hs" => &["x"],
        "ts" | "tz" => &["z", "c"],
        "ss" | "sz" => &["s"],
        "p" => &["b", "p"],
        "t" => &["d", "t"],
        "k" => &["g", "k"],
        "j" => &["r"],
        other => &[other][..],
    };
    let mut out = Vec::new();
    for i in initials {
        let fin = match (*i, rest) {
            // tzu, ssu: the apical vowel is written i in pinyin.
            ("z" | "c" | "s", "u") if initial != "s" => "i",
            // ko, kho, ho: e in pinyin.
            ("g" | "k" | "h", "o") => "e",
            // yu is pinyin you (yü, its umlaut lost, is yu).
            ("y", "u") => {
                out.push("you".to_owned());
                "u"
            }
            _ => final_py,
        };
        let p = format!("{i}{fin}");
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

/// The pinyin readings of a name whose parts (normalized, hyphens already split) are
/// Wade-Giles syllables or older surname spellings; empty when the name is not one, or when
/// reading it changes nothing.
pub fn readings(parts: &[String]) -> Vec<Vec<String>> {
    if parts.len() < 2 {
        return Vec::new();
    }
    let mut options: Vec<Vec<String>> = Vec::with_capacity(parts.len());
    for p in parts {
        let mut o: Vec<String> = crate::chinese::surname_pinyin(p)
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        for s in syllable_pinyin(p) {
            if !o.contains(&s) {
                o.push(s);
            }
        }
        if o.is_empty() {
            return Vec::new();
        }
        options.push(o);
    }
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for o in &options {
        let mut next = Vec::new();
        for r in &out {
            for s in o {
                if next.len() < MAX_READINGS {
                    let mut r = r.clone();
                    r.push(s.clone());
                    next.push(r);
                }
            }
        }
        out = next;
    }
    out.retain(|r| r.as_slice() != parts);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads_as(name: &str, pinyin: &str) -> bool {
        let parts: Vec<String> = crate::normalize::parts(name);
        let want: Vec<String> = pinyin.split(' ').map(str::to_owned).collect();
        readings(&parts).contains(&want)
    }

    #[test]
    fn wade_giles_names_read_as_pinyin() {
        for (wg, py) in [
            ("Chang Kuo-ping", "zhang guo ping"),
            ("Hsieh Chih-ch'iang", "xie zhi qiang"),
            ("Chou Hsiao-ming", "zhou xiao ming"),
            ("Kuo Yung-kang", "guo yong gang"),
            ("Tseng Chün-chieh", "zeng jun jie"),
            ("Chan Tzu-hao", "chen zi hao"),
            ("Wong Hsüeh-chün", "huang xue jun"),
            ("Teng Te-ming", "deng de ming"),
            ("Lee Chin-lung", "li jin long"),
        ] {
            assert!(reads_as(wg, py), "{wg} does not read as {py}");
        }
    }

    #[test]
    fn other_names_are_left_alone() {
        assert!(readings(&crate::normalize::parts("Igor Morgulov")).is_empty());
        assert!(readings(&crate::normalize::parts("Muhammad Khan")).is_empty());
        assert!(syllable_pinyin("xyz").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn any_parts_give_bounded_readings(parts in proptest::collection::vec("[a-z]{0,8}", 0..6)) {
            proptest::prop_assert!(readings(&parts).len() <= MAX_READINGS);
        }
    }
}
