//! The index that keeps the cost of an observation independent of how many indicators there are.
//!
//! Each leaf (bracketed comparison expression) is reduced to *anchors*: facts at least one of
//! which an observation must show for the leaf to hold — a value at a path equal to a constant
//! (`=`, `IN`: a hash lookup), an address within a block (`ISSUBSET`: one lookup per prefix
//! length in use), the longest plain run of a `LIKE` pattern (all of a path's runs found at once
//! by one Aho-Corasick automaton), a string a `MATCHES` expression finds (all of a path's
//! expressions run at once as one `RegexSet`). `AND` needs the anchors of one side, `OR` of both; a leaf with
//! no anchors (`NOT`, `<`, `!=`, …) is tried on every observation holding an object of its type.
//! An observation reads each indexed path of each of its objects once, looks up what those values
//! anchor, and only those leaves are then evaluated exactly ([`crate::compile`]) — the index
//! narrows, the exact rules decide, so it can bring a leaf that does not hold but never miss one
//! that does (a property test holds it to that against evaluating every leaf).

use crate::compile::{Check, Compiled, Leaf, Pred, Rank, Reached};
use crate::observed::{Observed, NOT_OBSERVABLE};
use crate::value::Block;
use crate::{ast::Literal, ast::PathStep};
use rustc_hash::FxHasher;
use serde_json::Value;
use std::collections::HashMap;

/// The index's maps: keys are the index's own, so a fast non-keyed hash will do.
type Map<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// A leaf of one pattern: (pattern, leaf).
pub type LeafRef = (u32, u32);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Str(Box<str>),
    Int(i64),
    Float(u64),
    Bool(bool),
}

/// Integral floats below 2^53 key as the integer they equal; others by their bits.
fn float_key(f: f64) -> Option<Key> {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        Some(Key::Int(f as i64))
    } else if f.is_finite() && f.abs() < 9_007_199_254_740_992.0 {
        Some(Key::Float(f.to_bits()))
    } else {
        None
    }
}

fn literal_key(l: &Literal) -> Option<Key> {
    match l {
        Literal::Str(s) => Some(Key::Str(s.as_str().into())),
        Literal::Int(i) if i.unsigned_abs() < 1 << 53 => Some(Key::Int(*i)),
        Literal::Float(f) => float_key(*f),
        Literal::Bool(b) => Some(Key::Bool(*b)),
        _ => None,
    }
}

fn value_key(v: &Value) -> Option<Key> {
    match v {
        Value::String(s) => Some(Key::Str(s.as_str().into())),
        Value::Bool(b) => Some(Key::Bool(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) if i.unsigned_abs() < 1 << 53 => Some(Key::Int(i)),
            _ => n.as_f64().and_then(float_key),
        },
        _ => None,
    }
}

enum Anchor {
    Eq(u32, Key),
    Cidr(u32, Block),
    Re(u32, String),
    /// A string the value must contain (a `LIKE` pattern's longest plain run).
    Lit(u32, String),
}

/// What one object path carries in the index.
#[derive(Default)]
struct PathEntry {
    object_type: String,
    steps: Vec<PathStep>,
    has_eq: bool,
    v4_lens: Vec<u32>,
    v6_lens: Vec<u32>,
    regex_sources: Vec<String>,
    regex_leaves: Vec<Vec<LeafRef>>,
    regexes: Option<regex::RegexSet>,
    literals: Vec<String>,
    literal_leaves: Vec<Vec<LeafRef>>,
    literal_set: Option<aho_corasick::AhoCorasick>,
}

/// Files leaf `r` under `key` in a path's parallel lists of keys (literals, expressions) and the
/// leaves each anchors, each key once.
fn add_keyed(keys: &mut Vec<String>, leaves: &mut Vec<Vec<LeafRef>>, key: String, r: LeafRef) {
    match keys.iter().position(|k| *k == key) {
        Some(i) => leaves[i].push(r),
        None => {
            keys.push(key);
            leaves.push(vec![r]);
        }
    }
}

/// Patterns, indexed.
pub struct Matcher {
    pub patterns: Vec<Compiled>,
    paths: Vec<PathEntry>,
    path_ids: Map<(String, Vec<PathStep>), u32>,
    by_type: Map<String, Vec<u32>>,
    eq: Map<(u32, Key), Vec<LeafRef>>,
    cidr: Map<(u32, Block), Vec<LeafRef>>,
    scan: Map<String, Vec<LeafRef>>,
    checks: Vec<(Check, Vec<u32>)>,
    checks_by_type: Map<String, Vec<usize>>,
}

/// What one observation did: the leaves it satisfies and the patterns it fails with an error.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Seen {
    /// The leaves satisfied, each with the observation's rank for it ([`Compiled::leaf_rank`]).
    pub hits: Vec<(LeafRef, Rank)>,
    pub errors: Vec<(u32, String)>,
}

impl Matcher {
    pub fn new(patterns: Vec<Compiled>) -> Result<Matcher, String> {
        let mut m = Matcher {
            patterns: Vec::new(),
            paths: Vec::new(),
            path_ids: Map::default(),
            by_type: Map::default(),
            eq: Map::default(),
            cidr: Map::default(),
            scan: Map::default(),
            checks: Vec::new(),
            checks_by_type: Map::default(),
        };
        let mut check_ids: HashMap<(String, String, crate::compile::CheckKind), usize> =
            HashMap::new();
        for (p, c) in patterns.iter().enumerate() {
            let p = p as u32;
            for (l, leaf) in c.leaves.iter().enumerate() {
                let r = (p, l as u32);
                match m.anchors(leaf) {
                    Some(anchors) => {
                        for a in anchors {
                            m.register(a, r);
                        }
                    }
                    None => {
                        for t in leaf.types() {
                            m.scan.entry(t.to_string()).or_default().push(r);
                        }
                    }
                }
            }
            for check in c.checks() {
                let at = *check_ids.entry(check.key()).or_insert_with(|| {
                    m.checks_by_type
                        .entry(check.path.object_type.clone())
                        .or_default()
                        .push(m.checks.len());
                    m.checks.push((check.clone(), Vec::new()));
                    m.checks.len() - 1
                });
                m.checks[at].1.push(p);
            }
        }
        for path in &mut m.paths {
            path.v4_lens.sort_unstable();
            path.v4_lens.dedup();
            path.v6_lens.sort_unstable();
            path.v6_lens.dedup();
            if !path.literals.is_empty() {
                path.literal_set = Some(
                    aho_corasick::AhoCorasick::new(&path.literals)
                        .map_err(|e| format!("the LIKE patterns at one path: {e}"))?,
                );
            }
            if !path.regex_sources.is_empty() {
                path.regexes = Some(
                    regex::RegexSetBuilder::new(&path.regex_sources)
                        .size_limit(1 << 28)
                        .dfa_size_limit(1 << 26)
                        .build()
                        .map_err(|e| {
                            format!("the expressions at one path do not compile together: {e}")
                        })?,
                );
            }
        }
        m.patterns = patterns;
        Ok(m)
    }

    fn path_id(&mut self, object_type: &str, steps: &[PathStep]) -> u32 {
        let key = (object_type.to_string(), steps.to_vec());
        if let Some(id) = self.path_ids.get(&key) {
            return *id;
        }
        let id = self.paths.len() as u32;
        self.paths.push(PathEntry {
            object_type: object_type.to_string(),
            steps: steps.to_vec(),
            ..PathEntry::default()
        });
        self.by_type
            .entry(object_type.to_string())
            .or_default()
            .push(id);
        self.path_ids.insert(key, id);
        id
    }

    fn register(&mut self, a: Anchor, r: LeafRef) {
        match a {
            Anchor::Eq(p, k) => {
                self.paths[p as usize].has_eq = true;
                self.eq.entry((p, k)).or_default().push(r);
            }
            Anchor::Cidr(p, b) => {
                match b {
                    Block::V4(_, len) => self.paths[p as usize].v4_lens.push(len),
                    Block::V6(_, len) => self.paths[p as usize].v6_lens.push(len),
                }
                self.cidr.entry((p, b)).or_default().push(r);
            }
            Anchor::Lit(p, lit) => {
                let path = &mut self.paths[p as usize];
                add_keyed(&mut path.literals, &mut path.literal_leaves, lit, r);
            }
            Anchor::Re(p, source) => {
                let path = &mut self.paths[p as usize];
                add_keyed(&mut path.regex_sources, &mut path.regex_leaves, source, r);
            }
        }
    }

    /// Facts one of which an observation must show for the leaf to hold; `None` when no such
    /// facts can be named.
    fn anchors(&mut self, leaf: &Leaf) -> Option<Vec<Anchor>> {
        match leaf {
            Leaf::And(a, b) => {
                let x = self.anchors(a);
                let plain = |v: &Option<Vec<Anchor>>| {
                    v.as_ref()
                        .is_some_and(|v| v.iter().all(|a| matches!(a, Anchor::Eq(..))))
                };
                if plain(&x) {
                    return x;
                }
                let y = self.anchors(b);
                if plain(&y) || x.is_none() {
                    y
                } else {
                    x
                }
            }
            Leaf::Or(a, b) => {
                let mut x = self.anchors(a)?;
                x.extend(self.anchors(b)?);
                Some(x)
            }
            Leaf::Test(t) => {
                let bytes_path = t.path.steps.iter().any(
                    |s| matches!(s, PathStep::Property(p) if p.ends_with("_hex") || p.ends_with("_bin")),
                );
                if t.negated || bytes_path || NOT_OBSERVABLE.contains(&t.path.object_type.as_str())
                {
                    return None;
                }
                let mut id = || self.path_id(&t.path.object_type, &t.path.steps);
                match &t.pred {
                    Pred::Eq(l) => {
                        let k = literal_key(l)?;
                        Some(vec![Anchor::Eq(id(), k)])
                    }
                    Pred::In {
                        items,
                        timestamps: false,
                    } if items.iter().all(|l| matches!(l, Literal::Str(_))) => {
                        let p = id();
                        Some(
                            items
                                .iter()
                                .filter_map(literal_key)
                                .map(|k| Anchor::Eq(p, k))
                                .collect(),
                        )
                    }
                    Pred::Subset(Some(b)) => Some(vec![Anchor::Cidr(id(), b.masked(b.prefix())?)]),
                    Pred::Like { like, .. } => Some(vec![Anchor::Lit(id(), like.literal()?)]),
                    Pred::Matches(m) => Some(vec![Anchor::Re(id(), m.plain()?.to_string())]),
                    _ => None,
                }
            }
        }
    }

    /// The leaves `obs` satisfies and the patterns it fails. Pure: observations may be seen in
    /// parallel.
    pub fn observe(&self, obs: &Observed) -> Seen {
        let mut cands: Vec<LeafRef> = Vec::new();
        let mut types: Vec<&str> = obs
            .objects
            .iter()
            .filter_map(|(_, o)| o.get("type").and_then(Value::as_str))
            .collect();
        types.sort_unstable();
        types.dedup();
        let mut seen = Seen::default();
        for ty in &types {
            if let Some(paths) = self.by_type.get(*ty) {
                for &p in paths {
                    self.lookup(p, obs, &mut cands);
                }
            }
            if let Some(s) = self.scan.get(*ty) {
                cands.extend_from_slice(s);
            }
            if let Some(checks) = self.checks_by_type.get(*ty) {
                for &c in checks {
                    let (check, pats) = &self.checks[c];
                    if let Some(e) = check.fails(obs) {
                        seen.errors.extend(pats.iter().map(|p| (*p, e.clone())));
                    }
                }
            }
        }
        cands.sort_unstable();
        cands.dedup();
        for (p, l) in cands {
            match self.patterns[p as usize].leaf_rank(l as usize, obs) {
                Ok(Some(rank)) => seen.hits.push(((p, l), rank)),
                Ok(None) => {}
                Err(e) => seen.errors.push((p, e)),
            }
        }
        seen
    }

    fn lookup(&self, p: u32, obs: &Observed, out: &mut Vec<LeafRef>) {
        let path = &self.paths[p as usize];
        for o in obs.of_type(&path.object_type) {
            let Ok(values) = crate::compile::reach(o, &path.steps, obs) else {
                continue;
            };
            for v in values {
                let Reached::Json(v) = v else { continue };
                if path.has_eq {
                    if let Some(k) = value_key(v) {
                        if let Some(rs) = self.eq.get(&(p, k)) {
                            out.extend_from_slice(rs);
                        }
                    }
                }
                let Value::String(s) = v else { continue };
                if !path.v4_lens.is_empty() || !path.v6_lens.is_empty() {
                    if let Some(b) = Block::parse(s, false) {
                        let lens = match b {
                            Block::V4(..) => &path.v4_lens,
                            Block::V6(..) => &path.v6_lens,
                        };
                        for len in lens {
                            if let Some(rs) = b.masked(*len).and_then(|k| self.cidr.get(&(p, k))) {
                                out.extend_from_slice(rs);
                            }
                        }
                    }
                }
                if path.regexes.is_none() && path.literal_set.is_none() {
                    continue;
                }
                let nfc = crate::compile::nfc(s);
                if let Some(ac) = &path.literal_set {
                    for m in ac.find_overlapping_iter(nfc.as_ref()) {
                        out.extend_from_slice(&path.literal_leaves[m.pattern().as_usize()]);
                    }
                }
                if let Some(set) = &path.regexes {
                    // Most values match none: ask that first, cheaply.
                    if set.is_match(&nfc) {
                        for i in set.matches(&nfc).iter() {
                            out.extend_from_slice(&path.regex_leaves[i]);
                        }
                    }
                }
            }
        }
    }
}
