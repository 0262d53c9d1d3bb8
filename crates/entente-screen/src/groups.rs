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

use std::collections::HashMap;

/// The name groups, by normalized form.
#[derive(Default)]
pub struct NameGroups {
    by_form: HashMap<Box<str>, Box<[u32]>>,
    groups: u32,
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
        let mut by_form: HashMap<Box<str>, Vec<u32>> = HashMap::new();
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
            for form in forms.split(',') {
                let form = crate::normalize(form);
                if form.is_empty() {
                    continue;
                }
                let mut add = |f: &str| {
                    let list = by_form.entry(f.into()).or_default();
                    if list.last() != Some(&group) {
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
                .map(|(k, v)| (k, v.into_boxed_slice()))
                .collect(),
            groups,
        })
    }

    /// The groups a normalized part belongs to (empty when the table does not know it).
    pub fn of(&self, part: &str) -> &[u32] {
        self.by_form.get(part).map_or(&[], |g| g)
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
        assert_eq!(g.size().0, 5);
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
