//! The UI's three languages: Fluent catalogues (`locales/{en,ru,zh}.ftl`, compiled into the
//! binary), the language a request is answered in (the user's choice, then `Accept-Language`,
//! then English), and [`Tr`], which a page renders every visible string through.
//!
//! Plurals follow CLDR through Fluent's selectors (Russian has one, few and many). A key a
//! catalogue lacks renders as `⟦key⟧` and is recorded, so a test can fail on it (every page in
//! every language is rendered by the tests and checked for the mark); the three catalogues must
//! hold the same keys (a unit test below).

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::cell::RefCell;
use std::sync::Arc;

/// A language of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Ru,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ru, Lang::Zh];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Zh => "zh",
        }
    }

    /// The language's own name, as a language switcher shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ru => "Русский",
            Lang::Zh => "中文",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// The best of our languages for an `Accept-Language` header, by its quality values.
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in accept_language.split(',').take(32) {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(tag) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, l)| l)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../locales/en.ftl"),
            Lang::Ru => include_str!("../locales/ru.ftl"),
            Lang::Zh => include_str!("../locales/zh.ftl"),
        }
    }
}

/// An integer with the language's digit grouping: `1,234,567` (en, zh), `1 234 567` (ru, with
/// no-break spaces).
pub fn number(lang: Lang, n: i64) -> String {
    let sep = match lang {
        Lang::En | Lang::Zh => ",",
        Lang::Ru => "\u{a0}",
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// The three catalogues, parsed once.
pub struct Catalogues {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl Catalogues {
    /// Parses the catalogues compiled into the binary; a syntax error in one is named.
    pub fn load() -> Result<Catalogues, String> {
        let mut bundles = Vec::new();
        for lang in Lang::ALL {
            let resource = FluentResource::try_new(lang.source().to_owned())
                .map_err(|(_, errors)| format!("{}.ftl: {errors:?}", lang.code()))?;
            let id: unic_langid::LanguageIdentifier = lang
                .code()
                .parse()
                .map_err(|e| format!("{}: {e}", lang.code()))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Names and texts are isolated by the templates (<bdi>), not by invisible marks.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|e| format!("{}.ftl: {e:?}", lang.code()))?;
            bundles.push((lang, bundle));
        }
        Ok(Catalogues { bundles })
    }

    fn bundle(&self, lang: Lang) -> Option<&FluentBundle<FluentResource>> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, b)| b)
    }
}

/// A count, however a template holds it (askama passes values by reference).
pub trait Count {
    fn count(&self) -> usize;
}

impl Count for usize {
    fn count(&self) -> usize {
        *self
    }
}

impl Count for &usize {
    fn count(&self) -> usize {
        **self
    }
}

impl Count for &u32 {
    fn count(&self) -> usize {
        usize::try_from(**self).unwrap_or(0)
    }
}

impl Count for i64 {
    fn count(&self) -> usize {
        usize::try_from(*self).unwrap_or(0)
    }
}

impl Count for &i64 {
    fn count(&self) -> usize {
        usize::try_from(**self).unwrap_or(0)
    }
}

impl Count for &&i64 {
    fn count(&self) -> usize {
        usize::try_from(***self).unwrap_or(0)
    }
}

impl Count for u64 {
    fn count(&self) -> usize {
        usize::try_from(*self).unwrap_or(usize::MAX)
    }
}

impl Count for &u64 {
    fn count(&self) -> usize {
        usize::try_from(**self).unwrap_or(usize::MAX)
    }
}

/// What a page says things with: the catalogues in one language, recording any key they lack.
pub struct Tr {
    pub lang: Lang,
    catalogues: Arc<Catalogues>,
    missing: RefCell<Vec<String>>,
}

impl Tr {
    pub fn new(catalogues: Arc<Catalogues>, lang: Lang) -> Tr {
        Tr {
            lang,
            catalogues,
            missing: RefCell::new(Vec::new()),
        }
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let (id, attribute) = match key.split_once('.') {
            Some((id, attr)) => (id, Some(attr)),
            None => (key, None),
        };
        let pattern = self
            .catalogues
            .bundle(self.lang)
            .and_then(|b| b.get_message(id))
            .and_then(|m| match attribute {
                Some(a) => m.get_attribute(a).map(|a| a.value()),
                None => m.value(),
            });
        match (pattern, self.catalogues.bundle(self.lang)) {
            (Some(p), Some(b)) => {
                let mut errors = Vec::new();
                let s = b.format_pattern(p, args, &mut errors).into_owned();
                if !errors.is_empty() {
                    self.missing.borrow_mut().push(format!("{key}: {errors:?}"));
                }
                s
            }
            _ => {
                self.missing.borrow_mut().push(key.to_owned());
                format!("⟦{key}⟧")
            }
        }
    }

    /// The message `key` (`id` or `id.attribute`).
    pub fn m(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with a count: `$count` selects the plural form, `$n` is the count as
    /// this language writes numbers.
    pub fn n(&self, key: &str, count: impl Count) -> String {
        let count = count.count();
        let mut args = FluentArgs::new();
        args.set("count", FluentValue::from(count));
        args.set("n", FluentValue::from(number(self.lang, count as i64)));
        self.format(key, Some(&args))
    }

    /// The message `key` with one named text argument.
    pub fn a(&self, key: &str, name: &str, value: &str) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value.to_owned()));
        self.format(key, Some(&args))
    }

    /// The message `key` for a value of a closed set (`status-published`), or the value itself
    /// when the catalogue does not name it (a value from another node's newer version).
    pub fn value(&self, prefix: &str, value: &str) -> String {
        let key = format!("{prefix}-{value}");
        let known = self
            .catalogues
            .bundle(self.lang)
            .is_some_and(|b| b.has_message(&key));
        if known {
            self.format(&key, None)
        } else {
            value.to_owned()
        }
    }

    /// The keys asked for that the catalogue lacks (empty on a complete page).
    pub fn missing(&self) -> Vec<String> {
        self.missing.borrow().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Message ids and their attributes (`id`, `id.attr`) of a catalogue.
    fn keys(source: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut current = None;
        for line in source.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if !line.starts_with(' ') {
                if let Some((id, _)) = line.split_once('=') {
                    let id = id.trim().to_owned();
                    out.insert(id.clone());
                    current = Some(id);
                }
            } else if let Some(attr) = line.trim_start().strip_prefix('.') {
                if let (Some(id), Some((a, _))) = (&current, attr.split_once('=')) {
                    out.insert(format!("{id}.{}", a.trim()));
                }
            }
        }
        out
    }

    #[test]
    fn the_three_catalogues_hold_the_same_keys() {
        let en = keys(Lang::En.source());
        assert!(en.len() > 100, "{}", en.len());
        for lang in [Lang::Ru, Lang::Zh] {
            let other = keys(lang.source());
            let lacking: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(
                lacking.is_empty() && extra.is_empty(),
                "{}.ftl lacks {lacking:?} and has {extra:?} that en.ftl does not",
                lang.code()
            );
        }
        Catalogues::load().unwrap();
    }

    /// Every key the templates and the code ask for by name is in the catalogues.
    #[test]
    fn every_key_asked_for_is_there() {
        let en = keys(Lang::En.source());
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut asked = BTreeSet::new();
        for dir in ["templates", "src", "src/pages"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if !path.is_file() {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for call in ["t.m(\"", "t.n(\"", "t.a(\"", "key: \""] {
                    for (i, _) in text.match_indices(call) {
                        let rest = &text[i + call.len()..];
                        if let Some(end) = rest.find('"') {
                            asked.insert(rest[..end].to_owned());
                        }
                    }
                }
            }
        }
        assert!(asked.len() > 50, "{}", asked.len());
        let lacking: Vec<_> = asked.difference(&en).collect();
        assert!(
            lacking.is_empty(),
            "keys asked for but not in en.ftl: {lacking:?}"
        );
    }

    #[test]
    fn russian_plurals_have_three_forms() {
        let c = Arc::new(Catalogues::load().unwrap());
        let t = Tr::new(c, Lang::Ru);
        let one = t.n("count-warnings", 1usize);
        let few = t.n("count-warnings", 3usize);
        let many = t.n("count-warnings", 5usize);
        assert_eq!(one, "1 оповещение");
        assert_eq!(few, "3 оповещения");
        assert_eq!(many, "5 оповещений");
        assert!(t.n("count-warnings", 21usize).contains("21 оповещение"));
        assert!(t.missing().is_empty());
    }

    #[test]
    fn languages_are_negotiated() {
        assert_eq!(Lang::negotiate("ru-RU,ru;q=0.9,en;q=0.8"), Some(Lang::Ru));
        assert_eq!(Lang::negotiate("de, zh-CN;q=0.5, en;q=0.4"), Some(Lang::Zh));
        assert_eq!(Lang::negotiate("de"), None);
        assert_eq!(Lang::negotiate("en;q=0, ru;q=0.1"), Some(Lang::Ru));
    }

    #[test]
    fn a_missing_key_is_marked_and_recorded() {
        let c = Arc::new(Catalogues::load().unwrap());
        let t = Tr::new(c, Lang::Zh);
        assert_eq!(t.m(&format!("no-such-{}", "key")), "⟦no-such-key⟧");
        assert_eq!(t.missing(), vec!["no-such-key".to_owned()]);
    }
}
