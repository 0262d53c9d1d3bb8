//! Cross-script name groups: spellings of one name that no rule derives from another — `Xenia`
//! and `Ksenia`, `Reza` and `رضا`, `Zhou` and `周` — read from a table of the `rigour` format
//! (`form, form, ... => group id`, one group a line).
//!
//! The table the node and the CLI use is rigour's `person_names.txt` (OpenSanctions, MIT
//! licence, 171,833 groups derived from Wikidata), fetched with its licence by
//! `scripts/fetch-name-variants`; this module does no I/O and takes the text. Forms are
//! normalized like names ([`crate::normalize`]); a form of several words is also known written
//! as one (`abdul rahman` = `abdulrahman`).
//!
//! Two uses: two parts that share a group are the same name whatever their spellings; and two
//! parts that are both in the table but share no group are *different* names (`Zhu` and
//! `Zhou`, `Hongmei` and `Hongwei`), which the scorer must not take for a typing mistake.
//!
//! Groups of the readings of one Chinese character gather the readings of one character in every dialect
//! and language (陈: `chen`, `chan`, `tan`, `tran`, `deng`...): they say that a spelling is a
//! name, but not that two Latin spellings are the same name. They never make two parts the
//! same; pinyin readings of characters ([`crate::chinese`]) do that instead.

use std::collections::HashMap;

/// The name groups, by normalized form.
#[derive(Default)]
pub struct NameGroups {
    /// Form → (groups that make its spellings one name, groups that only say it is a name).
    by_form: HashMap<Box<str>, Groups>,
    groups: u32,
}

/// The groups of one form.
#[derive(Default, Clone)]
struct Groups {
    same: Box<[u32]>,
    known: bool,
}

/// Why a table could not be read.
#[derive(Debug, PartialEq, Eq)]
pub struct TableError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl NameGroups {
    /// Reads a table; blank lines and lines starting with `#` are skipped.
    pub fn parse(text: &str) -> Result<NameGroups, TableError> {
        let mut by_form: HashMap<Box<str>, (Vec<u32>, bool)> = HashMap::new();
        let mut groups = 0u32;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((forms, _id)) = line.rsplit_once("=>") else {
                return Err(TableError {
                    line: n + 1,
                    message: "no `=>` between the forms and the group id".into(),
                });
            };
            let group = groups;
            groups = groups.checked_add(1).ok_or_else(|| TableError {
                line: n + 1,
                message: "too many groups".into(),
            })?;
            // A group of the readings of one character: a form that is one Chinese character,
            // alone or with 姓/氏 ("the surname"). Transcriptions of other names into
            // characters (安德烈 for Andrei) do not make a group one of those.
            let han = forms.split(',').any(|f| {
                let f = f.trim().trim_end_matches(['姓', '氏']);
                let mut chars = f.chars();
                chars.next().is_some_and(crate::chinese::is_han) && chars.next().is_none()
            });
            for form in forms.split(',') {
                let form = crate::normalize(form);
                if form.is_empty() {
                    continue;
                }
                let mut add = |f: &str| {
                    let (list, known) = by_form.entry(f.into()).or_default();
                    *known = true;
                    if !han && list.last() != Some(&group) {
                        list.push(group);
                    }
                };
                add(&form);
                if form.contains(' ') {
                    add(&form.replace(' ', ""));
                }
            }
        }
        Ok(NameGroups {
            by_form: by_form
                .into_iter()
                .map(|(k, (same, known))| {
                    (
                        k,
                        Groups {
                            same: same.into_boxed_slice(),
                            known,
                        },
                    )
                })
                .collect(),
            groups,
        })
    }

    /// The groups that make a normalized part's spellings one name (empty when the table does
    /// not know it, or knows it only from Chinese-character groups).
    pub fn of(&self, part: &str) -> &[u32] {
        self.by_form.get(part).map_or(&[], |g| &g.same)
    }

    /// Whether the table knows the part as a name at all.
    pub fn knows(&self, part: &str) -> bool {
        self.by_form.get(part).is_some_and(|g| g.known)
    }

    pub fn is_empty(&self) -> bool {
        self.groups == 0
    }

    /// How many groups and forms the table holds.
    pub fn size(&self) -> (u32, usize) {
        (self.groups, self.by_form.len())
    }
}

/// Whether two sorted-or-not short group lists share a group.
pub fn share(a: &[u32], b: &[u32]) -> bool {
    a.iter().any(|g| b.contains(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "\
# a comment
xenia, ksenia, kseniya, ксения => Q1
reza, رضا => Q2
abdul rahman, abdulrahman, عبد الرحمن => Q3
zhou, 周 => Q4
zhu, 朱 => Q5
chen, deng, 陈姓 => Q6
andrei, andrey, 安德烈 => Q8
deng, 邓 => Q7
";

    #[test]
    fn forms_of_one_name_share_a_group_across_scripts() {
        let g = NameGroups::parse(TABLE).unwrap();
        assert!(share(g.of("xenia"), g.of("ksenia")));
        assert!(share(g.of("reza"), g.of(&crate::normalize("رضا"))));
        assert!(share(
            g.of("abdulrahman"),
            g.of(&crate::normalize("عبد الرحمن"))
        ));
        assert!(share(
            g.of("abdulrahman"),
            g.of(&crate::normalize("Abdul Rahman"))
        ));
        assert!(!share(g.of("zhou"), g.of("zhu")));
        assert!(g.of("morgulov").is_empty());
        assert!(!g.knows("morgulov"));
        assert_eq!(g.size().0, 8);
    }

    #[test]
    fn readings_of_one_character_are_names_but_not_one_name() {
        let g = NameGroups::parse(TABLE).unwrap();
        assert!(g.knows("chen") && g.knows("deng"));
        assert!(!share(g.of("chen"), g.of("deng")));
        assert!(share(g.of("andrei"), g.of("andrey")));
    }

    #[test]
    fn a_line_without_an_id_is_refused_with_its_number() {
        let e = NameGroups::parse("a, b => Q1\nc, d\n").err().unwrap();
        assert_eq!(e.line, 2);
    }

    proptest::proptest! {
        #[test]
        fn any_table_text_parses_or_is_refused(s in proptest::prelude::any::<String>()) {
            let _ = NameGroups::parse(&s);
        }
    }
}
