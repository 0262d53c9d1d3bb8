//! The register index and the scorer: which listed names a query may be, and how well each
//! matches, part by part.
//!
//! **Index.** Every listed name is read ([`crate::readings`]) and each part of each reading is
//! posted under its variant key and under the trigrams of that key; every name is posted under the
//! consonant skeletons of its parts ([`crate::arabic`]), so that an Arabic-script query finds Latin
//! names, and names written in Arabic-family script under keys of their own, so that Latin and
//! Cyrillic queries find them; an organization's name of three words or more under its acronym
//! ([`crate::org::acronym`]); and the distinct part keys are grouped by their loose key
//! ([`crate::variants::loose_key`]). A query collects the names that share a part key, a
//! skeleton, an acronym or (for a spelling nobody listed) a loose key with it, or enough trigrams
//! of a part (a typing mistake), credits each with the rarity of what it shares, and scores only
//! the [`MAX_CANDIDATES`] best in full; it never scans the register.
//!
//! **Score.** A query reading and a listed reading are aligned part to part in any order, and a
//! pair of parts counts when the similarity of their keys (or texts) — the mean of Jaro-Winkler
//! and normalized optimal-string-alignment distance — is at least [`PART_MATCH`]. Each part weighs by its rarity in the register (inverse document frequency), so
//! a match on a common `Muhammad` counts less than one on a rare surname. Parts of the query left
//! unmatched count in full against the match; listed parts the query lacks count half (a query
//! may leave out a middle name). Patronymics count only when both sides have one. Two parts may
//! be one written apart (`Guo Ping` / `Guoping`). Date of birth and nationality then raise or
//! lower the score ([`Evidence`]). Each match explains itself: which query part met which listed
//! part, and how well.
//!
//! **Views.** Entries may be in classes (the node's access labels): a query is screened in a
//! [`View`] of the classes its asker may see, and rarity, the caps on common parts and every
//! candidate are counted in that view alone. So an entry's score for a query does not move when
//! entries the asker cannot see are added, and no score tells of them.

use crate::arabic;
use crate::groups::{share, NameGroups};
use crate::parts::{Kind, Role};
use crate::readings::{readings, ReadPart};
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// Two parts count as the same when their similarity is at least this.
pub const PART_MATCH: f64 = 0.86;

/// At most this many candidates, those sharing the rarest parts with the query, are scored in
/// full.
pub const MAX_CANDIDATES: usize = 64;

/// The most listed readings a part key met through its loose key ([`crate::variants::loose_key`])
/// is walked for, and the most such keys: one that many names share says too little to find
/// candidates by.
pub const LOOSE_CAP: usize = 200;
pub const LOOSE_KEYS: usize = 16;

/// The most parts a name may have, screened or listed (the longest reading counts: a name in
/// Chinese characters has a part per syllable). Real names have far fewer; the aligner's work
/// grows with the parts of both sides, so a name of more is refused rather than aligned.
pub const MAX_NAME_PARTS: usize = 24;

/// The most characters a name may have.
pub const MAX_NAME_CHARS: usize = 500;

/// The size of a name, in parts of its longest reading (at least 1): the unit of screening work.
pub fn name_size(name: &str) -> usize {
    readings(name, Kind::Person)
        .iter()
        .chain(readings(name, Kind::Organization).iter())
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(1)
}

/// Checks that a name can be screened or listed: at most [`MAX_NAME_CHARS`] characters and
/// [`MAX_NAME_PARTS`] parts. Answers its size ([`name_size`]), or what is wrong, naming the limit.
pub fn check_name(name: &str) -> Result<usize, crate::ScreenError> {
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(crate::ScreenError::NameTooLong {
            chars,
            max: MAX_NAME_CHARS,
        });
    }
    let size = name_size(name);
    if size > MAX_NAME_PARTS {
        return Err(crate::ScreenError::TooManyParts {
            size,
            max: MAX_NAME_PARTS,
        });
    }
    Ok(size)
}

/// A date of birth as lists give it: a year, perhaps a month, perhaps a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<PartialDate, crate::ScreenError> {
        let bad = || crate::ScreenError::BadDate(s.to_owned());
        let mut it = s.trim().split('-');
        let num = |x: Option<&str>, len: usize| -> Result<Option<u32>, crate::ScreenError> {
            match x {
                None => Ok(None),
                Some(t) if t.len() == len && t.bytes().all(|b| b.is_ascii_digit()) => {
                    t.parse().map(Some).map_err(|_| bad())
                }
                Some(_) => Err(bad()),
            }
        };
        let year = num(it.next(), 4)?.ok_or_else(bad)?;
        let month = num(it.next(), 2)?;
        let day = num(it.next(), 2)?;
        if it.next().is_some()
            || month.is_some_and(|m| !(1..=12).contains(&m))
            || day.is_some_and(|d| !(1..=31).contains(&d))
        {
            return Err(bad());
        }
        Ok(PartialDate {
            year: u16::try_from(year).map_err(|_| bad())?,
            month: month.and_then(|m| u8::try_from(m).ok()),
            day: day.and_then(|d| u8::try_from(d).ok()),
        })
    }
}

/// One entry of the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    pub kind: Kind,
    pub names: Vec<String>,
    pub birth_date: Option<PartialDate>,
    pub nationality: Vec<String>,
}

/// A name to screen, with what else is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub name: String,
    pub birth_date: Option<PartialDate>,
    pub nationality: Vec<String>,
}

/// How one query part met one listed part.
#[derive(Debug, Clone, PartialEq)]
pub struct PartMatch {
    pub query: String,
    pub listed: String,
    pub similarity: f64,
    /// How the two met when not by spelling: `translated: movement` for words of an
    /// organization's name read as one concept of the lexicon in two languages, `acronym` for an
    /// acronym met by the initials of a listed name.
    pub via: Option<String>,
}

/// What the date of birth and nationality said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    Agrees,
    Differs,
    Unknown,
}

/// One match of a query against an entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index of the entry in the register.
    pub entry: usize,
    /// The listed name that matched, as listed.
    pub name: String,
    pub score: f64,
    pub parts: Vec<PartMatch>,
    /// Query parts that met nothing.
    pub unmatched: Vec<String>,
    pub birth_date: Evidence,
    pub nationality: Evidence,
}

/// How many listed readings of each class one key counts, as (class, count); most keys are of
/// one class.
#[derive(Debug, Clone)]
enum Counts {
    One(u32, u32),
    Many(Vec<(u32, u32)>),
}

impl Counts {
    fn add(&mut self, class: u32) {
        match self {
            Counts::One(c, n) if *c == class => *n += 1,
            Counts::One(c, n) => *self = Counts::Many(vec![(*c, *n), (class, 1)]),
            Counts::Many(v) => match v.iter_mut().find(|(c, _)| *c == class) {
                Some((_, n)) => *n += 1,
                None => v.push((class, 1)),
            },
        }
    }

    fn add_to(counts: &mut Option<Counts>, class: u32) {
        match counts {
            Some(c) => c.add(class),
            None => *counts = Some(Counts::One(class, 1)),
        }
    }

    /// The count in `view`.
    fn visible(&self, view: &View) -> usize {
        let n = match self {
            Counts::One(c, n) => {
                if view.sees(*c) {
                    *n
                } else {
                    0
                }
            }
            Counts::Many(v) => v
                .iter()
                .filter(|(c, _)| view.sees(*c))
                .map(|(_, n)| n)
                .sum(),
        };
        n as usize
    }
}

/// The listed readings a key is posted for, and how many of each class.
#[derive(Debug, Default)]
struct Posting {
    ids: Vec<u32>,
    counts: Option<Counts>,
}

impl Posting {
    fn visible(&self, view: &View) -> usize {
        if view.all {
            return self.ids.len();
        }
        self.counts.as_ref().map_or(0, |c| c.visible(view))
    }
}

/// The classes of entries a query is screened among (see the module's doc): what its asker may
/// see. Rarity and candidates are counted among them alone.
#[derive(Debug, Clone)]
pub struct View {
    sees: Vec<bool>,
    all: bool,
    /// How many listed readings are in the classes seen.
    listed: usize,
}

impl View {
    fn sees(&self, class: u32) -> bool {
        self.all || self.sees.get(class as usize).copied().unwrap_or(false)
    }
}

/// One indexed reading of a listed name.
struct Listed {
    entry: u32,
    name: u32,
    /// The class of its entry.
    class: u32,
    parts: Vec<ReadPart>,
    /// The name groups of each part ([`crate::groups`]), by position.
    groups: Vec<Box<[u32]>>,
    /// Each part's weight and whether the table knows it, by position (set once the whole
    /// register is read, when the frequencies are final).
    weights: Vec<f64>,
    known: Vec<bool>,
}

/// A part with what the scorer asks of it, looked up once: its name groups, whether the table
/// knows it as a name, its rarity weight, and whether any listed name spells it so.
#[derive(Clone)]
struct Scored<'a> {
    part: &'a ReadPart,
    groups: &'a [u32],
    known: bool,
    weight: f64,
    listed_spelling: bool,
}

/// The register, indexed.
pub struct Register {
    entries: Vec<Entry>,
    listed: Vec<Listed>,
    /// Part variant key (or `#` + skeleton) → listed readings.
    by_key: HashMap<String, Posting>,
    /// Trigram of a part key → listed readings.
    by_gram: HashMap<String, Posting>,
    /// Arabic skeleton keys of each listed name, and whether the name is written in Arabic
    /// script: (entry, name) → (parts, Arabic script).
    skeletons: HashMap<(u32, u32), (Vec<String>, bool)>,
    /// The acronym of each listed organization name of three words or more: (entry, name) → it.
    acronyms: HashMap<(u32, u32), String>,
    /// Loose key ([`crate::variants::loose_key`]) → the listed part keys that have it: built
    /// over the distinct keys once the register is read, so it costs a fraction of a posting
    /// per part.
    by_loose: HashMap<String, Vec<Box<str>>>,
    /// Whether any listed name is written in Arabic script (else a Latin query's skeletons are
    /// not worth computing).
    arabic_script_listed: bool,
    /// How many listed readings hold each part key, by class.
    frequency: HashMap<String, Counts>,
    /// How many listed readings each class has.
    class_listed: Vec<u32>,
    /// Spellings of one name that no rule derives ([`crate::groups`]).
    groups: Arc<NameGroups>,
}

thread_local! {
    /// Per thread: how many of a part's trigrams each listed reading shares, and which
    /// readings were touched (to reset only those).
    static GRAM_COUNTS: std::cell::RefCell<(Vec<u8>, Vec<u32>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

fn trigrams(key: &str) -> Vec<String> {
    let padded: Vec<char> = format!("^{key}$").chars().collect();
    padded.windows(3).map(|w| w.iter().collect()).collect()
}

fn post(map: &mut HashMap<String, Posting>, key: String, id: u32, class: u32) {
    let posting = map.entry(key).or_default();
    if posting.ids.last() != Some(&id) {
        posting.ids.push(id);
        Counts::add_to(&mut posting.counts, class);
    }
}

impl Register {
    /// Indexes the entries, without a name-group table.
    pub fn new(entries: Vec<Entry>) -> Register {
        Register::with_groups(entries, Arc::new(NameGroups::default()))
    }

    /// Indexes the entries; parts in one group of `groups` match whatever their spellings.
    pub fn with_groups(entries: Vec<Entry>, groups: Arc<NameGroups>) -> Register {
        let classes = vec![0; entries.len()];
        Register::with_classes(entries, &classes, groups)
    }

    /// As [`Register::with_groups`], each entry in a class (`classes[i]` is entry `i`'s): a
    /// query screened in a [`View`] counts only the classes it sees.
    pub fn with_classes(entries: Vec<Entry>, classes: &[u32], groups: Arc<NameGroups>) -> Register {
        let mut r = Register {
            entries: Vec::new(),
            listed: Vec::new(),
            by_key: HashMap::default(),
            by_gram: HashMap::default(),
            skeletons: HashMap::default(),
            acronyms: HashMap::default(),
            arabic_script_listed: false,
            by_loose: HashMap::default(),
            frequency: HashMap::default(),
            class_listed: Vec::new(),
            groups,
        };
        for (e, entry) in entries.iter().enumerate() {
            let class = classes.get(e).copied().unwrap_or(0);
            let e = u32::try_from(e).unwrap_or(u32::MAX);
            for (n, name) in entry.names.iter().enumerate() {
                let n = u32::try_from(n).unwrap_or(u32::MAX);
                let first_reading = r.listed.len();
                // A listed name of more parts than a query may have is indexed by its first
                // ones: entries are checked on entry, but the index bounds its own work too.
                for mut parts in readings(name, entry.kind) {
                    parts.truncate(MAX_NAME_PARTS);
                    let id = u32::try_from(r.listed.len()).unwrap_or(u32::MAX);
                    let mut part_groups = Vec::with_capacity(parts.len());
                    for p in &parts {
                        post(&mut r.by_key, p.key.clone(), id, class);
                        match r.frequency.get_mut(&p.key) {
                            Some(c) => c.add(class),
                            None => {
                                r.frequency.insert(p.key.clone(), Counts::One(class, 1));
                            }
                        }
                        for g in trigrams(&p.key) {
                            post(&mut r.by_gram, g, id, class);
                        }
                        let groups: Box<[u32]> = r.groups.of(&p.text).into();
                        for g in groups.iter() {
                            post(&mut r.by_key, format!("@{g}"), id, class);
                        }
                        part_groups.push(groups);
                    }
                    r.listed.push(Listed {
                        entry: e,
                        name: n,
                        class,
                        parts,
                        groups: part_groups,
                        weights: Vec::new(),
                        known: Vec::new(),
                    });
                }
                if entry.kind == Kind::Organization {
                    if let Some(acronym) = crate::org::acronym(&crate::normalize::parts(name)) {
                        if r.listed.len() > first_reading {
                            let id = u32::try_from(first_reading).unwrap_or(u32::MAX);
                            post(&mut r.by_key, format!("^{acronym}"), id, class);
                            r.acronyms.insert((e, n), acronym);
                        }
                    }
                }
                let skeleton = arabic::skeleton_keys(&crate::normalize(name));
                if !skeleton.is_empty() {
                    // Skeleton postings point at the name's first reading, or a bare one.
                    if r.listed.len() == first_reading {
                        r.listed.push(Listed {
                            entry: e,
                            name: n,
                            class,
                            parts: Vec::new(),
                            groups: Vec::new(),
                            weights: Vec::new(),
                            known: Vec::new(),
                        });
                    }
                    let id = u32::try_from(first_reading).unwrap_or(u32::MAX);
                    // A name written in Arabic script is found from the skeletons of Latin and
                    // Cyrillic queries too, under keys of its own (`%`), which only such names
                    // hold, so that a Latin query walks no Latin name's skeleton.
                    let arabic_script = arabic::has_arabic(name);
                    r.arabic_script_listed |= arabic_script;
                    for k in &skeleton {
                        post(&mut r.by_key, format!("#{k}"), id, class);
                        if arabic_script {
                            post(&mut r.by_key, format!("%{k}"), id, class);
                        }
                    }
                    r.skeletons.insert((e, n), (skeleton, arabic_script));
                }
            }
        }
        for key in r.frequency.keys().filter(|k| !k.starts_with('=')) {
            if let Some(loose) = crate::variants::loose_key(key) {
                r.by_loose
                    .entry(loose)
                    .or_default()
                    .push(key.as_str().into());
            }
        }
        for l in &r.listed {
            let c = l.class as usize;
            if r.class_listed.len() <= c {
                r.class_listed.resize(c + 1, 0);
            }
            if let Some(n) = r.class_listed.get_mut(c) {
                *n += 1;
            }
        }
        let everything = r.everything();
        let (weights, known): (Vec<Vec<f64>>, Vec<Vec<bool>>) = r
            .listed
            .iter()
            .map(|l| {
                (
                    l.parts
                        .iter()
                        .map(|p| r.weight(&p.key, &everything))
                        .collect(),
                    l.parts.iter().map(|p| r.groups.knows(&p.text)).collect(),
                )
            })
            .unzip();
        for ((l, w), k) in r.listed.iter_mut().zip(weights).zip(known) {
            l.weights = w;
            l.known = k;
        }
        r.entries = entries;
        r
    }

    /// The view of every class.
    pub fn everything(&self) -> View {
        View {
            sees: Vec::new(),
            all: true,
            listed: self.listed.len(),
        }
    }

    /// The view of the classes `sees` admits.
    pub fn view(&self, sees: &dyn Fn(u32) -> bool) -> View {
        let seen: Vec<bool> = (0..self.class_listed.len())
            .map(|c| sees(u32::try_from(c).unwrap_or(u32::MAX)))
            .collect();
        if seen.iter().all(|s| *s) {
            return self.everything();
        }
        let listed = self
            .class_listed
            .iter()
            .zip(&seen)
            .filter(|(_, s)| **s)
            .map(|(n, _)| *n as usize)
            .sum();
        View {
            sees: seen,
            all: false,
            listed,
        }
    }

    /// A query part, looked up.
    fn scored<'a>(&'a self, part: &'a ReadPart, view: &View) -> Scored<'a> {
        Scored {
            part,
            groups: self.groups.of(&part.text),
            known: self.groups.knows(&part.text),
            weight: self.weight(&part.key, view),
            listed_spelling: self
                .frequency
                .get(&part.key)
                .is_some_and(|c| c.visible(view) > 0),
        }
    }

    /// A listed reading's parts, as looked up when the register was built (their weights anew
    /// when the view is not of everything).
    fn listed_scored<'a>(&'a self, l: &'a Listed, view: &View) -> Vec<Scored<'a>> {
        l.parts
            .iter()
            .enumerate()
            .map(|(i, part)| Scored {
                part,
                groups: l.groups.get(i).map_or(&[][..], |g| &g[..]),
                known: l.known.get(i).copied().unwrap_or(false),
                weight: if view.all {
                    l.weights.get(i).copied().unwrap_or(1.0)
                } else {
                    self.weight(&part.key, view)
                },
                listed_spelling: true,
            })
            .collect()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The weight of a part (or `#`-skeleton) key in `view`: rarer keys weigh more.
    fn weight(&self, key: &str, view: &View) -> f64 {
        let total = view.listed.max(1) as f64;
        let df = match self.frequency.get(key) {
            Some(c) => c.visible(view) as f64,
            None => self.by_key.get(key).map_or(0.0, |p| p.visible(view) as f64),
        } + 1.0;
        (1.0 + (total / df).ln()).max(0.2)
    }

    /// The best match per entry, best first, at or above `threshold`, at most `limit`.
    pub fn screen(&self, query: &Query, threshold: f64, limit: usize) -> Vec<Match> {
        self.screen_where(query, threshold, limit, &|_| true)
    }

    /// As [`Register::screen`], among the entries `include` admits (by index): an entry left
    /// out is never scored, so it neither appears nor takes the place of one that would.
    pub fn screen_where(
        &self,
        query: &Query,
        threshold: f64,
        limit: usize,
        include: &dyn Fn(usize) -> bool,
    ) -> Vec<Match> {
        self.screen_in(query, threshold, limit, &self.everything(), include)
    }

    /// As [`Register::screen_where`], in `view`: entries of classes it does not see are never
    /// candidates, and count for nothing in rarity or in the caps on common parts.
    pub fn screen_in(
        &self,
        query: &Query,
        threshold: f64,
        limit: usize,
        view: &View,
        include: &dyn Fn(usize) -> bool,
    ) -> Vec<Match> {
        let seen = |id: &u32| {
            self.listed
                .get(*id as usize)
                .is_some_and(|l| view.sees(l.class))
        };
        // However the caller checked it, a query's work is bounded: its readings are taken to
        // at most MAX_NAME_PARTS parts (see `check_name` for refusing longer names instead).
        let bounded = |mut rs: Vec<Vec<ReadPart>>| {
            for r in &mut rs {
                r.truncate(MAX_NAME_PARTS);
            }
            rs
        };
        let q_readings = bounded(readings(&query.name, Kind::Person));
        let q_org = bounded(readings(&query.name, Kind::Organization));
        let q_skeleton = arabic::skeleton_keys(&crate::normalize(&query.name));
        let arabic_query = arabic::has_arabic(&query.name);
        // A Latin or Cyrillic query is compared with names written in Arabic script by the
        // skeletons of its Latin readings.
        let mut latin_skeletons: Vec<Vec<String>> = Vec::new();
        if !arabic_query && self.arabic_script_listed {
            // The first readings only: a name of sixteen Wade-Giles readings is no Persian name.
            for r in q_readings.iter().take(3) {
                let text: Vec<&str> = r.iter().map(|p| p.text.as_str()).collect();
                let sk = arabic::skeleton_keys(&text.join(" "));
                if !sk.is_empty() && !latin_skeletons.contains(&sk) {
                    latin_skeletons.push(sk);
                }
            }
        }
        // A query of one word in capitals may be an acronym.
        let acronym = {
            let raw: Vec<&str> = query.name.split_whitespace().collect();
            match raw[..] {
                [w] if (3..=6).contains(&w.chars().count())
                    && w.chars().all(|c| c.is_ascii_uppercase()) =>
                {
                    Some(w.to_ascii_lowercase())
                }
                _ => None,
            }
        };

        // Candidates: listed readings sharing a key, a skeleton, or enough trigrams of a part,
        // each credited with the rarity of what it shares; only the best are scored in full.
        let mut hits: HashMap<u32, f64> = HashMap::default();
        let gram_cap = (view.listed / 200).max(1000);
        let key_cap = (view.listed / 100).max(1000);
        let posting_len = |k: &str| self.by_key.get(k).map_or(0, |p| p.visible(view));
        let postings = |k: &str| {
            self.by_key
                .get(k)
                .into_iter()
                .flat_map(|p| p.ids.iter())
                .filter(|id| seen(id))
        };
        // A name without honorifics or legal forms reads the same as a person and as an
        // organization; its postings are walked once.
        let distinct_org = q_org.iter().filter(|r| !q_readings.contains(r));
        // Readings share most parts (three Cyrillic schemes, sixteen Wade-Giles readings): each
        // key, group and trigram walk is done once per query.
        let mut walked: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
        for r in q_readings.iter().chain(distinct_org) {
            // A part common to more than 1% of the register is not walked for candidates when
            // the reading has a rarer part: a listed person shares that one too. (It still
            // counts in the score.)
            // A part no listed name spells that way is rare too: its trigrams find candidates.
            // Alone, a common part is walked only as far as `key_cap` postings: a query that is
            // nothing but `Muhammad` cannot tell a million listed Muhammads apart anyway.
            let has_rare = r.iter().any(|p| posting_len(&p.key) <= key_cap);
            // Two neighbouring parts may be one listed part written apart (Guo Ping, Guo-ping
            // for Guoping): each pair written as one is looked up too.
            for pair in r.windows(2) {
                if let [a, b] = pair {
                    let key = crate::variants::variant_key(&format!("{}{}", a.text, b.text));
                    if (1..=key_cap).contains(&posting_len(&key)) && walked.insert(key.clone()) {
                        let w = self.weight(&key, view);
                        for id in postings(&key) {
                            *hits.entry(*id).or_default() += w;
                        }
                    }
                }
            }
            for p in r {
                if !walked.insert(p.key.clone()) {
                    continue;
                }
                let w = self.weight(&p.key, view);
                if !(has_rare && posting_len(&p.key) > key_cap) {
                    for id in postings(&p.key).take(key_cap) {
                        *hits.entry(*id).or_default() += w;
                    }
                }
                // A spelling no listed name has may be one that differs in its vowels (`Hekmat`
                // for a listed `Hikmat`).
                let unlisted = posting_len(&p.key) == 0;
                let loose = crate::variants::loose_key(&p.key).filter(|_| unlisted);
                let keys = loose.as_ref().and_then(|l| self.by_loose.get(l));
                for key in keys.into_iter().flatten().take(LOOSE_KEYS) {
                    if walked.insert(key.to_string()) && posting_len(key) <= LOOSE_CAP {
                        for id in postings(key) {
                            *hits.entry(*id).or_default() += 0.8 * w;
                        }
                    }
                }
                for g in self.groups.of(&p.text) {
                    let key = format!("@{g}");
                    if has_rare && posting_len(&key) > key_cap {
                        continue;
                    }
                    for id in postings(&key).take(key_cap) {
                        *hits.entry(*id).or_default() += w;
                    }
                }
                // Trigrams find a part with a typing mistake: a part whose spelling is listed,
                // or known to the name table, is taken as written. Grams so common that they
                // would name a large share of the register are left out, and do not count as
                // needed.
                if posting_len(&p.key) > 0 || !self.groups.of(&p.text).is_empty() {
                    continue;
                }
                let grams: Vec<&Posting> = trigrams(&p.key)
                    .iter()
                    .filter_map(|g| self.by_gram.get(g))
                    .filter(|list| list.visible(view) <= gram_cap)
                    .collect();
                if grams.len() < 2 {
                    continue;
                }
                let need = u8::try_from(grams.len().div_ceil(2))
                    .unwrap_or(u8::MAX)
                    .max(2);
                // Counted in a dense array kept per thread: a hash map per query cost more
                // than the rest of screening together.
                GRAM_COUNTS.with(|cell| {
                    let mut scratch = cell.borrow_mut();
                    let (counts, touched) = &mut *scratch;
                    if counts.len() < self.listed.len() {
                        counts.resize(self.listed.len(), 0);
                    }
                    for list in grams {
                        for &id in list.ids.iter().filter(|id| seen(id)) {
                            if let Some(c) = counts.get_mut(id as usize) {
                                if *c == 0 {
                                    touched.push(id);
                                }
                                *c = c.saturating_add(1);
                            }
                        }
                    }
                    for &id in touched.iter() {
                        if let Some(c) = counts.get_mut(id as usize) {
                            if *c >= need {
                                *hits.entry(id).or_default() += 0.5 * w;
                            }
                            *c = 0;
                        }
                    }
                    touched.clear();
                });
            }
        }
        if arabic_query {
            for k in &q_skeleton {
                let key = format!("#{k}");
                let w = self.weight(&key, view);
                for id in postings(&key) {
                    *hits.entry(*id).or_default() += w;
                }
            }
        }
        // A name in Arabic script is a candidate of a Latin or Cyrillic query when it shares two
        // part skeletons with one of its readings (one, for a query of one part): one shared
        // consonant frame alone (`mhmd`) would make candidates of half the names so written.
        for sk in &latin_skeletons {
            let mut shared: HashMap<u32, (u32, f64)> = HashMap::default();
            for k in sk {
                let w = self.weight(&format!("#{k}"), view);
                for id in postings(&format!("%{k}")).take(key_cap) {
                    let e = shared.entry(*id).or_default();
                    e.0 += 1;
                    e.1 += w;
                }
            }
            let need = u32::try_from(sk.len().min(2)).unwrap_or(2);
            for (id, (n, w)) in shared {
                if n >= need {
                    let h = hits.entry(id).or_default();
                    *h = h.max(w);
                }
            }
        }
        if let Some(a) = &acronym {
            // An acronym is the whole query: the names it stands for come before those that
            // merely share letters with it.
            let key = format!("^{a}");
            let w = 2.0 * self.weight(&key, view);
            for id in postings(&key).take(key_cap) {
                *hits.entry(*id).or_default() += w;
            }
        }
        let mut hits: Vec<(u32, f64)> = hits
            .into_iter()
            .filter(|(id, _)| {
                self.listed
                    .get(*id as usize)
                    .is_some_and(|l| include(l.entry as usize))
            })
            .collect();
        if hits.len() > MAX_CANDIDATES {
            hits.select_nth_unstable_by(MAX_CANDIDATES, |a, b| b.1.total_cmp(&a.1));
            hits.truncate(MAX_CANDIDATES);
        }

        let q_person_scored: Vec<Vec<Scored<'_>>> = q_readings
            .iter()
            .map(|r| r.iter().map(|p| self.scored(p, view)).collect())
            .collect();
        let q_org_scored: Vec<Vec<Scored<'_>>> = q_org
            .iter()
            .map(|r| r.iter().map(|p| self.scored(p, view)).collect())
            .collect();
        let mut best: HashMap<u32, Match> = HashMap::default();
        for (id, _) in hits {
            let Some(listed) = self.listed.get(id as usize) else {
                continue;
            };
            if !include(listed.entry as usize) {
                continue;
            }
            let Some(entry) = self.entries.get(listed.entry as usize) else {
                continue;
            };
            let (q, q_scored) = if entry.kind == Kind::Organization {
                (&q_org, &q_org_scored)
            } else {
                (&q_readings, &q_person_scored)
            };
            let mut found: Option<(f64, Vec<PartMatch>, Vec<String>)> = None;
            // Many readings (a Wade-Giles name has up to sixteen): only those sharing the most
            // part keys with this listed reading are aligned in full.
            let overlap = |qr: &Vec<ReadPart>| {
                qr.iter()
                    .filter(|p| listed.parts.iter().any(|l| l.key == p.key))
                    .count()
            };
            let most = if q.len() > 3 {
                q.iter().map(overlap).max().unwrap_or(0)
            } else {
                0
            };
            for (qr, qs) in q.iter().zip(q_scored) {
                if listed.parts.is_empty() || (most > 0 && overlap(qr) < most) {
                    continue;
                }
                let (score, pairs, unmatched) = self.align(qr, qs, listed, view);
                if found.as_ref().is_none_or(|f| score > f.0) {
                    found = Some((score, pairs, unmatched));
                }
            }
            if let Some((sk, arabic_listed)) = self.skeletons.get(&(listed.entry, listed.name)) {
                let query_skeletons: &[Vec<String>] = if arabic_query {
                    std::slice::from_ref(&q_skeleton)
                } else if *arabic_listed {
                    &latin_skeletons
                } else {
                    &[]
                };
                for qs in query_skeletons {
                    let (score, pairs, unmatched) = align_skeletons(qs, sk);
                    // A skeleton says less than a spelling.
                    let score = score * 0.95;
                    if found.as_ref().is_none_or(|f| score > f.0) {
                        found = Some((score, pairs, unmatched));
                    }
                }
            }
            if let (Some(a), Some(listed_acronym)) =
                (&acronym, self.acronyms.get(&(listed.entry, listed.name)))
            {
                // An acronym says less than the name written out, and nothing of which words.
                if a == listed_acronym && found.as_ref().is_none_or(|f| f.0 < 0.9) {
                    let name = entry.names.get(listed.name as usize).cloned();
                    found = Some((
                        0.9,
                        vec![PartMatch {
                            query: query.name.trim().to_owned(),
                            listed: name.unwrap_or_default(),
                            similarity: 0.9,
                            via: Some("acronym".into()),
                        }],
                        Vec::new(),
                    ));
                }
            }
            let Some((name_score, parts, unmatched)) = found else {
                continue;
            };
            let (score, birth_date, nationality) = adjust(name_score, query, entry);
            if score < threshold {
                continue;
            }
            let m = Match {
                entry: listed.entry as usize,
                name: entry
                    .names
                    .get(listed.name as usize)
                    .cloned()
                    .unwrap_or_default(),
                score,
                parts,
                unmatched,
                birth_date,
                nationality,
            };
            match best.get(&listed.entry) {
                Some(b) if b.score >= m.score => {}
                _ => {
                    best.insert(listed.entry, m);
                }
            }
        }
        let mut out: Vec<Match> = best.into_values().collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        out.truncate(limit);
        out
    }

    /// Aligns a query reading with a listed reading; (score, matched pairs, unmatched query parts).
    fn align(
        &self,
        q: &[ReadPart],
        q_scored: &[Scored<'_>],
        listed: &Listed,
        view: &View,
    ) -> (f64, Vec<PartMatch>, Vec<String>) {
        let l = &listed.parts;
        let l_scored = self.listed_scored(listed, view);
        let mut best = self.align_once(q_scored, &l_scored);
        // Parts written apart on one side and together on the other (Guo Ping / Guoping): on
        // the side with more parts, try each pair of neighbours joined.
        // Joining helps only where the alignment left a part of that side unmatched, and only
        // name parts are ever one name written apart.
        let names = |parts: &[ReadPart], i: usize| {
            parts.get(i).is_some_and(|p| p.role == Role::Name)
                && parts.get(i + 1).is_some_and(|p| p.role == Role::Name)
        };
        let q_unmatched = !best.2.is_empty();
        let l_unmatched = best.1.len() < l.iter().filter(|p| p.role == Role::Name).count();
        // A joined pair is worth a full alignment only if the joined part matches a part of the
        // other side at all: checking that first keeps the cost near-linear in the number of
        // parts (a name of dozens of parts once cost seconds, realigned once per pair).
        let matches_any = |joined: &Scored<'_>, other: &[Scored<'_>]| {
            other
                .iter()
                .any(|o| self.part_similarity(joined, o) >= PART_MATCH)
        };
        if q.len() > l.len() && q_unmatched {
            for i in (0..q.len() - 1).filter(|&i| names(q, i)) {
                let part = joined_part(q, i);
                let one = self.scored(&part, view);
                if !matches_any(&one, &l_scored) {
                    continue;
                }
                let js = with_joined(q_scored, i, one);
                let r = self.align_once(&js, &l_scored);
                if r.0 > best.0 {
                    best = r;
                }
            }
        } else if l.len() > q.len() && l_unmatched {
            for i in (0..l.len() - 1).filter(|&i| names(l, i)) {
                let part = joined_part(l, i);
                let one = self.scored(&part, view);
                if !matches_any(&one, q_scored) {
                    continue;
                }
                let js = with_joined(&l_scored, i, one);
                let r = self.align_once(q_scored, &js);
                if r.0 > best.0 {
                    best = r;
                }
            }
        }
        best
    }

    fn align_once(&self, q: &[Scored<'_>], l: &[Scored<'_>]) -> (f64, Vec<PartMatch>, Vec<String>) {
        let both_patronymic = q.iter().any(|p| p.part.role == Role::Patronymic)
            && l.iter().any(|p| p.part.role == Role::Patronymic);
        let counts = |p: &&Scored<'_>| p.part.role == Role::Name || both_patronymic;
        let q: Vec<&Scored<'_>> = q.iter().filter(counts).collect();
        let l: Vec<&Scored<'_>> = l.iter().filter(counts).collect();
        // Every pair's similarity, best first; pairs taken greedily.
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (i, qp) in q.iter().enumerate() {
            for (j, lp) in l.iter().enumerate() {
                let s = self.part_similarity(qp, lp);
                if s >= PART_MATCH {
                    pairs.push((s, i, j));
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let (mut q_used, mut l_used) = (vec![false; q.len()], vec![false; l.len()]);
        let (mut got, mut total) = (0.0, 0.0);
        let mut matched = Vec::new();
        for (s, i, j) in pairs {
            if q_used[i] || l_used[j] {
                continue;
            }
            q_used[i] = true;
            l_used[j] = true;
            let w = l[j].weight.max(q[i].weight);
            got += w * s;
            total += w;
            let (qp, lp) = (q[i].part, l[j].part);
            let via = (qp.key == lp.key && qp.text != lp.text)
                .then(|| qp.key.strip_prefix('='))
                .flatten()
                .map(|concept| format!("translated: {concept}"));
            matched.push(PartMatch {
                query: qp.text.clone(),
                listed: lp.text.clone(),
                similarity: (s * 1000.0).round() / 1000.0,
                via,
            });
        }
        let mut unmatched = Vec::new();
        for (i, p) in q.iter().enumerate() {
            if !q_used[i] {
                total += p.weight;
                unmatched.push(p.part.text.clone());
            }
        }
        let last = l.len().saturating_sub(1);
        for (j, p) in l.iter().enumerate() {
            if !l_used[j] {
                // A query may leave out a listed middle name (a father's name, a second given
                // name) more often than a first or last one.
                let share = if j > 0 && j < last { 0.25 } else { 0.5 };
                total += share * p.weight;
            }
        }
        let score = if total > 0.0 && !matched.is_empty() {
            got / total
        } else {
            0.0
        };
        (score, matched, unmatched)
    }

    /// How alike two parts are, 0 to 1.
    fn part_similarity(&self, a: &Scored<'_>, b: &Scored<'_>) -> f64 {
        let (ap, bp) = (a.part, b.part);
        // The table knows both as names and not as one: both in groups of spellings that share
        // none, or both known only as readings of Chinese characters (Xu, Hu).
        let han_only = |p: &Scored<'_>| p.groups.is_empty() && p.known;
        let chinese_apart = han_only(a) && han_only(b) && ap.text != bp.text;
        // A part read from Chinese characters is that character's pinyin: another pinyin with
        // the same key (`xu` 徐 and `hu` 胡) is another character, another name.
        if (ap.han || bp.han) && ap.key == bp.key && ap.text != bp.text {
            return 0.8;
        }
        // So are two pinyin syllables that only the folding of their initials joins (`Xu`,
        // `Hu`; `Zhu`, `Ju`), written in Latin letters.
        if ap.key == bp.key
            && ap.text != bp.text
            && PINYIN_APART.contains(&ap.text.as_str())
            && PINYIN_APART.contains(&bp.text.as_str())
        {
            return 0.8;
        }
        if ap.key == bp.key {
            // One key, but two Chinese names (Xu, Hu). Other spellings with one key are one
            // name even where the table has two groups for them (Andrei, Andrey).
            return if chinese_apart { 0.8 } else { 1.0 };
        }
        if share(a.groups, b.groups) {
            return 0.95;
        }
        if chinese_apart {
            return 0.8;
        }
        if !a.groups.is_empty() && !b.groups.is_empty() && !share(a.groups, b.groups) {
            // The table writes some spellings of one Persian-derived name as two names
            // (`Khurshid`, `Khurshed`): one short vowel for its neighbour is one name.
            return if near_vowel_spelling(&ap.key, &bp.key) {
                0.9
            } else {
                0.8
            };
        }

        // Parts of very different lengths cannot reach the threshold: with r the shorter length
        // over the longer, the edit-distance similarity is at most r and Jaro-Winkler at most
        // 0.8 + 0.2 r, so their mean is at most 0.4 + 0.6 r, under PART_MATCH for r < 0.766.
        // Telling so from the lengths keeps a long part from costing a quadratic comparison
        // with every part it could never match.
        if !could_match(&ap.key, &bp.key) && !could_match(&ap.text, &bp.text) {
            return 0.0;
        }
        // Jaro-Winkler alone rewards a shared beginning too much (guoqiang / guoping 0.91): it is
        // averaged with the edit distance (transpositions count one), which does not.
        let similarity =
            |x: &str, y: &str| 0.5 * strsim::jaro_winkler(x, y) + 0.5 * normalized_osa(x, y);
        let mut s = similarity(&ap.key, &bp.key).max(similarity(&ap.text, &bp.text));
        let shorter = ap.text.chars().count().min(bp.text.chars().count());
        // Short parts must be nearly exact: one letter changes a three-letter name.
        if shorter <= 3 && s < 0.99 {
            return s * 0.9;
        }
        // One typing mistake in a part of four letters or more, when the query's spelling is
        // not a name of its own in the register or the table, is a typing mistake.
        let unknown = !a.known && !a.listed_spelling;
        if unknown && strsim::osa_distance(&ap.text, &bp.text) == 1 && shorter >= 4 {
            s = s.max(0.9);
        }
        // Spellings of a Persian-derived name that differ in vowels (see `loose_key`); not for
        // Chinese syllables, whose vowels tell names apart. Asked last: it costs two keys.
        let vowel = |c: Option<u8>| matches!(c, Some(b'a' | b'e' | b'i' | b'o' | b'u'));
        let (x, y) = (ap.key.bytes().next(), bp.key.bytes().next());
        let same_start = x == y || (vowel(x) && vowel(y));
        if s < PART_MATCH && same_start && !ap.han && !bp.han {
            let loose = crate::variants::loose_key;
            if loose(&ap.key).is_some_and(|x| loose(&bp.key).as_ref() == Some(&x)) {
                s = 0.9;
            }
        }
        s
    }
}

/// Pinyin syllables that share a variant key with another syllable of another initial (`x`/`h`,
/// `zh`/`j`, `q`/`k` before `u`): different characters, different names, though the variant key,
/// made for Cyrillic and Central Asian spellings (Xabarov = Khabarov, Qurban = Kurban), joins
/// them.
const PINYIN_APART: &[&str] = &[
    "hu", "xu", "huan", "xuan", "hun", "xun", "zhu", "ju", "zhuan", "juan", "zhun", "jun", "qu",
    "ku", "quan", "kuan", "qun", "kun",
];

/// Whether two keys differ only in one vowel, written for its neighbour (`e` for `i`, `o` for
/// `u`): the short vowels of Persian-derived names, which romanizations write either way
/// (`Khurshid`/`Khurshed`). Not `a` for `e` (`Haydar`/`Heydar`): in pinyin that is another name
/// (`Jianhua`/`Zhenhua` share a key but for that vowel).
fn near_vowel_spelling(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() || a.len() < 4 {
        return false;
    }
    let mut differ = a.iter().zip(b).filter(|(x, y)| x != y);
    let near = |x: u8, y: u8| matches!((x.min(y), x.max(y)), (b'e', b'i') | (b'o', b'u'));
    matches!((differ.next(), differ.next()), (Some((x, y)), None) if near(*x, *y))
}

/// Whether two spellings are of lengths close enough for their similarity to reach
/// [`PART_MATCH`] (see `part_similarity`).
fn could_match(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let (short, long) = (la.min(lb), la.max(lb));
    long == 0 || 0.4 + 0.6 * (short as f64 / long as f64) >= PART_MATCH
}

/// 1 − the optimal-string-alignment distance (edits, a transposition of neighbours counting
/// one) over the longer length. strsim's Damerau-Levenshtein keeps a map of the alphabet and
/// cost a quarter of all screening time; this one does not.
fn normalized_osa(a: &str, b: &str) -> f64 {
    let longer = a.chars().count().max(b.chars().count());
    if longer == 0 {
        return 1.0;
    }
    1.0 - strsim::osa_distance(a, b) as f64 / longer as f64
}

/// Part `i` and the next written as one.
fn joined_part(parts: &[ReadPart], i: usize) -> ReadPart {
    let mut text = parts.get(i).map(|p| p.text.clone()).unwrap_or_default();
    if let Some(next) = parts.get(i + 1) {
        text.push_str(&next.text);
    }
    ReadPart {
        key: crate::variants::variant_key(&text),
        role: Role::Name,
        han: parts.get(i).is_some_and(|p| p.han),
        text,
    }
}

/// The scored parts with parts `i` and `i + 1` replaced by `joined`.
fn with_joined<'a>(scored: &[Scored<'a>], i: usize, joined: Scored<'a>) -> Vec<Scored<'a>> {
    let mut out = Vec::with_capacity(scored.len().saturating_sub(1));
    out.extend_from_slice(scored.get(..i).unwrap_or_default());
    out.push(joined);
    out.extend_from_slice(scored.get(i + 2..).unwrap_or_default());
    out
}

fn align_skeletons(q: &[String], l: &[String]) -> (f64, Vec<PartMatch>, Vec<String>) {
    let mut used = vec![false; l.len()];
    let mut matched = Vec::new();
    let mut unmatched = Vec::new();
    for qk in q {
        match l.iter().enumerate().find(|(j, lk)| !used[*j] && *lk == qk) {
            Some((j, lk)) => {
                used[j] = true;
                matched.push(PartMatch {
                    query: qk.clone(),
                    listed: lk.clone(),
                    similarity: 1.0,
                    via: Some("skeleton".into()),
                });
            }
            None => unmatched.push(qk.clone()),
        }
    }
    let total = q.len() as f64 + 0.5 * used.iter().filter(|u| !**u).count() as f64;
    let score = if total > 0.0 {
        matched.len() as f64 / total
    } else {
        0.0
    };
    (score, matched, unmatched)
}

/// Raises or lowers a name score by what the date of birth and nationality say.
fn adjust(name_score: f64, q: &Query, e: &Entry) -> (f64, Evidence, Evidence) {
    let mut score = name_score;
    let birth = match (q.birth_date, e.birth_date) {
        (Some(a), Some(b)) => {
            let years = (i32::from(a.year) - i32::from(b.year)).abs();
            let month_differs = matches!((a.month, b.month), (Some(x), Some(y)) if x != y);
            let day_differs = matches!((a.day, b.day), (Some(x), Some(y)) if x != y);
            if years == 0 && !month_differs && !day_differs {
                score = (score + 0.05).min(1.0);
                Evidence::Agrees
            } else if years <= 1 {
                score -= 0.05;
                Evidence::Differs
            } else {
                score -= (0.1 * f64::from(years)).min(0.4);
                Evidence::Differs
            }
        }
        _ => Evidence::Unknown,
    };
    let nationality = if q.nationality.is_empty() || e.nationality.is_empty() {
        Evidence::Unknown
    } else if q.nationality.iter().any(|n| e.nationality.contains(n)) {
        score = (score + 0.02).min(1.0);
        Evidence::Agrees
    } else {
        score -= 0.03;
        Evidence::Differs
    };
    (
        (score.max(0.0) * 1000.0).round() / 1000.0,
        birth,
        nationality,
    )
}

#[cfg(test)]
mod tests;
