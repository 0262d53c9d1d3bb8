//! `entente-screen`: screening names, in any script, against the register of designated persons
//! and organizations. No I/O: the CLI and the node feed it.
//!
//! So far, the pieces a name goes through before it is indexed and scored:
//! - [`normalize`]: the comparable form of a name;
//! - [`parts`]: its parts, with honorifics and legal forms set aside and patronymics marked;
//! - [`cyrillic`]: Latin forms of a Cyrillic name in the ICAO, BGN/PCGN and GOST schemes, with
//!   the Central Asian letters;
//! - [`chinese`]: pinyin with surname readings corrected; Wade-Giles and Cantonese surnames;
//! - [`arabic`]: consonant skeletons of Arabic-script and Latin names;
//! - [`variants`]: one key for the romanizations of one sound, and a looser one for the vowels of
//!   Persian-derived names;
//! - [`org`]: organization names as concepts shared by English, Russian and Chinese, function
//!   words, abbreviations and acronyms;
//! - [`readings`]: all of the above put together, the Latin readings of a name with a key per part;
//! - [`matcher`]: the register's index (part keys, trigrams, skeletons) and the scorer, with
//!   rarity weights, date-of-birth and nationality evidence, and a per-part explanation.
//!
//! The cross-script name-variant table ([`groups`]) is data the caller gives: the CLI and the
//! node build in rigour's `person_names.txt`.

pub mod arabic;
pub mod chinese;
pub mod cyrillic;
pub mod error;
pub mod groups;
pub mod input;
pub mod matcher;
pub mod normalize;
pub mod org;
pub mod parts;
pub mod readings;
pub mod variants;
pub mod wade_giles;

pub use error::ScreenError;
pub use normalize::{normalize, parts};

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The variant keys of a name's parts, in any order.
    fn part_keys(latin: &str) -> BTreeSet<String> {
        latin.split(' ').map(variants::variant_key).collect()
    }

    #[test]
    fn cyrillic_names_meet_their_latin_spellings() {
        for (cyrillic, latin) in [
            ("Моргулов Игорь", "Igor Morgulov"),
            ("Евгений Сысоев", "Yevgeny Sysoyev"),
            ("Юрий Хабаров", "Iurii Habarov"),
            ("Қасым-Жомарт Тоқаев", "Kassym-Jomart Tokayev"),
            ("Рахмон Эмомали", "Emomali Rakhmon"),
            ("Ғайратжон Қодиров", "Gairatjon Kodirov"),
        ] {
            let wanted = part_keys(&normalize(latin));
            let found = cyrillic::latin_keys(&normalize(cyrillic))
                .iter()
                .any(|k| part_keys(k) == wanted);
            assert!(found, "{cyrillic} does not meet {latin} ({wanted:?})");
        }
    }
}
