//! A parsed pattern made ready to match: each bracketed comparison expression a numbered leaf,
//! each test with its regular expression compiled, its block read and its set built once; and
//! the rules by which one observation satisfies a leaf, as the OASIS reference matcher
//! (`stix2-matcher`) applies them.
//!
//! The rules (STIX 2.1 §9 as the reference reads it): a leaf holds on an observation when one of
//! its objects satisfies it — comparisons joined by `AND` hold on one and the same object, `OR` on
//! either. A test holds on an object when one of the values its path reaches passes; `NOT` negates
//! each value's result, so a path that reaches nothing fails, negated or not. `=` between values of
//! kinds that do not compare is false and `!=` true; `<`/`>` between them is false, negated or not.
//! Integers and floats compare by value; a string and a binary value compare as bytes when every
//! character is below 256. A property whose name ends in `_hex` or `_bin` is read as binary. A
//! timestamp constant reads a string value as a timestamp, and a string that is not one is an
//! error, not a mismatch. `LIKE` and `MATCHES` compare in Unicode normal form C; `MATCHES`
//! searches (it is not anchored) in Python's dialect as far as the `fancy-regex` crate reads it
//! (look-around and back-references included; `$` also matches before a final newline).
//! `ISSUBSET`/`ISSUPERSET` read IPv4 addresses as `inet_aton` does and blocks with a prefix of 1 to
//! 32 (a string that is neither is an error); IPv6 is compared too. `_ref` and `_refs` properties
//! are followed to the objects they name in the same observation. A pattern that names a domain
//! object type (`identity`, `observed-data`, …) matches nothing.
//!
//! Errors are the reference's: a test that meets a value it cannot read fails the whole pattern,
//! whichever observation holds the value and whatever else the pattern says — so those checks are
//! kept apart ([`Check`]) and run on every observation that has the object type.

use crate::ast::{Comparison, Literal, ObjectPath, Observation, Op, PathStep, Qualifier, Test};
use crate::like::Like;
use crate::observed::Observed;
use crate::value::{base64_lenient, hex, latin1, timestamp_micros, Block};
use serde_json::Value;
use std::cmp::Ordering;
use unicode_normalization::UnicodeNormalization;

/// The observation expression, over numbered leaves.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    Leaf(usize),
    And(Box<Plan>, Box<Plan>),
    Or(Box<Plan>, Box<Plan>),
    FollowedBy(Box<Plan>, Box<Plan>),
    /// Every observation of the binding within this many microseconds.
    Within(Box<Plan>, i64),
    Repeats(Box<Plan>, u64),
    /// First observed before `stop`, last observed at or after `start` (microseconds).
    StartStop(Box<Plan>, i64, i64),
}

/// A pattern ready to match.
#[derive(Debug)]
pub struct Compiled {
    pub plan: Plan,
    pub leaves: Vec<Leaf>,
    /// Each leaf's object types ([`Leaf::types`]).
    types: Vec<Vec<String>>,
}

/// A bracketed comparison expression.
#[derive(Debug)]
pub enum Leaf {
    Test(CTest),
    And(Box<Leaf>, Box<Leaf>),
    Or(Box<Leaf>, Box<Leaf>),
}

/// One test, compiled.
#[derive(Debug)]
pub struct CTest {
    pub path: ObjectPath,
    pub negated: bool,
    pub pred: Pred,
}

#[derive(Debug)]
pub enum Pred {
    Eq(Literal),
    Neq(Literal),
    Order(Op, Literal),
    In {
        items: Vec<Literal>,
        timestamps: bool,
    },
    Like {
        like: Like,
        binary_ok: bool,
    },
    Matches(Box<Matches>),
    /// The block the value must lie within (`None`: the constant is not a block).
    Subset(Option<Block>),
    /// The address or block the value must contain.
    Superset(Option<Block>),
    Exists,
}

#[derive(Debug)]
pub struct Matches {
    pub text: Engine,
    /// The expression, for binary values: compiled as bytes the first time one is met (when every
    /// character is below 256).
    source: String,
    bytes: std::sync::OnceLock<Option<regex::bytes::Regex>>,
}

/// A compiled `MATCHES` expression: the `regex` crate's own (linear time) when it reads it, else
/// `fancy-regex` (look-around, back-references; backtracking, bounded).
#[derive(Debug)]
pub enum Engine {
    Plain(regex::Regex),
    Fancy(Box<fancy_regex::Regex>),
}

impl Matches {
    /// The expression in the `regex` crate's dialect, when it is one (the index's prefilter).
    pub fn plain(&self) -> Option<&str> {
        match &self.text {
            Engine::Plain(r) => Some(r.as_str()),
            Engine::Fancy(_) => None,
        }
    }

    fn is_match(&self, s: &str) -> Result<bool, String> {
        match &self.text {
            Engine::Plain(r) => Ok(r.is_match(s)),
            Engine::Fancy(r) => r.is_match(s).map_err(|e| format!("MATCHES gave up: {e}")),
        }
    }

    /// Python's bytes expressions: `.` is any byte but a newline, classes are of bytes.
    fn is_match_bytes(&self, b: &[u8]) -> bool {
        self.bytes
            .get_or_init(|| {
                latin1(&self.source)?;
                let mut x = String::from("(?-u)");
                for ch in self.source.chars() {
                    if u32::from(ch) < 128 {
                        x.push(ch);
                    } else {
                        x.push_str(&format!("\\x{:02x}", u32::from(ch)));
                    }
                }
                regex::bytes::Regex::new(&x).ok()
            })
            .as_ref()
            .is_some_and(|r| r.is_match(b))
    }
}

/// The branches of each `OR` an observation takes (0 left, 1 right), in the order met.
pub type Rank = Vec<u8>;

/// Why a pattern cannot be matched although it parsed.
pub type CompileError = String;

impl Compiled {
    pub fn new(pattern: &Observation) -> Result<Compiled, CompileError> {
        let mut leaves = Vec::new();
        let plan = plan(pattern, &mut leaves)?;
        let types = leaves
            .iter()
            .map(|l| l.types().into_iter().map(str::to_string).collect())
            .collect();
        Ok(Compiled {
            plan,
            leaves,
            types,
        })
    }

    /// Whether the observation satisfies leaf `i` (an error when a value cannot be read as the
    /// test needs).
    pub fn leaf_holds(&self, i: usize, obs: &Observed) -> Result<bool, String> {
        self.leaves[i].holds(obs, &self.types[i])
    }

    /// When the observation satisfies leaf `i`: its rank among the observations that do, before
    /// their input order — the branches of each `OR` it takes, left first. The reference matcher
    /// lists first the observations that satisfy an `OR`'s left side, then those that satisfy only
    /// its right, and its first binding follows that order.
    pub fn leaf_rank(&self, i: usize, obs: &Observed) -> Result<Option<Rank>, String> {
        let leaf = &self.leaves[i];
        if !leaf.holds(obs, &self.types[i])? {
            return Ok(None);
        }
        let mut rank = Rank::new();
        leaf.rank(obs, &mut rank)?;
        Ok(Some(rank))
    }

    /// The checks that may fail this pattern on data it cannot read.
    pub fn checks(&self) -> Vec<Check> {
        let mut out = Vec::new();
        for l in &self.leaves {
            l.tests(&mut |t| out.extend(t.checks()));
        }
        out.sort_by_key(Check::key);
        out.dedup_by(|a, b| a.key() == b.key());
        out
    }
}

fn plan(o: &Observation, leaves: &mut Vec<Leaf>) -> Result<Plan, CompileError> {
    Ok(match o {
        Observation::Match(c) => {
            leaves.push(leaf(c)?);
            Plan::Leaf(leaves.len() - 1)
        }
        Observation::And(a, b) => Plan::And(Box::new(plan(a, leaves)?), Box::new(plan(b, leaves)?)),
        Observation::Or(a, b) => Plan::Or(Box::new(plan(a, leaves)?), Box::new(plan(b, leaves)?)),
        Observation::FollowedBy(a, b) => {
            Plan::FollowedBy(Box::new(plan(a, leaves)?), Box::new(plan(b, leaves)?))
        }
        Observation::Qualified(e, q) => {
            let inner = Box::new(plan(e, leaves)?);
            match q {
                Qualifier::Within { seconds } if *seconds <= 0.0 => {
                    return Err(format!(
                        "WITHIN {seconds} SECONDS: the window is longer than 0"
                    ))
                }
                Qualifier::Repeats { times: 0 } => {
                    return Err("REPEATS 0 TIMES: an observation repeats at least once".into())
                }
                _ => {}
            }
            match q {
                // The reference adds the seconds to a date as Python's timedelta does: to the
                // nearest microsecond.
                Qualifier::Within { seconds } => {
                    Plan::Within(inner, (seconds * 1e6).round().min(i64::MAX as f64) as i64)
                }
                Qualifier::Repeats { times } => Plan::Repeats(inner, *times),
                Qualifier::StartStop { start_us, stop_us } => {
                    Plan::StartStop(inner, *start_us, *stop_us)
                }
            }
        }
    })
}

fn leaf(c: &Comparison) -> Result<Leaf, CompileError> {
    Ok(match c {
        Comparison::And(a, b) => Leaf::And(Box::new(leaf(a)?), Box::new(leaf(b)?)),
        Comparison::Or(a, b) => Leaf::Or(Box::new(leaf(a)?), Box::new(leaf(b)?)),
        Comparison::Test(t) => Leaf::Test(test(t)?),
    })
}

fn test(t: &Test) -> Result<CTest, CompileError> {
    let (path, negated, pred) = match t {
        Test::Exists(path) => (path, false, Pred::Exists),
        Test::In { path, negated, set } if !one_kind(set) => {
            return Err(format!(
                "the values of the set compared with {} are of more than one kind (integers and floats may mix)",
                path.object_type
            ))
        }
        Test::In { path, negated, set } => (
            path,
            *negated,
            Pred::In {
                timestamps: set.iter().any(|l| matches!(l, Literal::Timestamp(_))),
                items: set.clone(),
            },
        ),
        Test::Compare {
            path,
            negated,
            op,
            value,
        } => {
            let text = match value {
                Literal::Str(s) => s.as_str(),
                _ => "",
            };
            let pred = match op {
                Op::Eq => Pred::Eq(value.clone()),
                Op::Neq => Pred::Neq(value.clone()),
                Op::Lt | Op::Gt | Op::Le | Op::Ge => Pred::Order(*op, value.clone()),
                Op::Like => {
                    let nfc: String = text.nfc().collect();
                    Pred::Like {
                        binary_ok: latin1(&nfc).is_some(),
                        like: Like::new(&nfc),
                    }
                }
                Op::Matches => Pred::Matches(Box::new(matches_regex(text)?)),
                Op::IsSubset => Pred::Subset(Block::parse(text, true)),
                Op::IsSuperset => Pred::Superset(Block::parse(text, false)),
            };
            (path, *negated, pred)
        }
    };
    Ok(CTest {
        path: path.clone(),
        negated,
        pred,
    })
}

/// Whether a set's constants are of one kind, as the reference requires: numbers mix, binary and
/// hex are both bytes.
fn one_kind(set: &[Literal]) -> bool {
    let kind = |l: &Literal| match l {
        Literal::Int(_) | Literal::Float(_) => 0,
        Literal::Str(_) => 1,
        Literal::Bool(_) => 2,
        Literal::Binary(_) | Literal::Hex(_) => 3,
        Literal::Timestamp(_) => 4,
    };
    set.windows(2).all(|w| kind(&w[0]) == kind(&w[1]))
}

/// A `MATCHES` expression in Python's dialect made one the Rust engines read: `$` outside a
/// class also matches before a final newline (unless the expression turns on multi-line mode),
/// and `\Z` is the end.
fn python_regex(pattern: &str) -> String {
    let multiline = pattern.contains("(?m") || pattern.contains("(?sm") || pattern.contains("(?im");
    let mut out = String::new();
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('Z') if !in_class => out.push_str("\\z"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // `]` or `^]` first in a class is literal.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '$' if !in_class && !multiline => out.push_str("(?:\\n?\\z)"),
            c => out.push(c),
        }
    }
    out
}

fn matches_regex(pattern: &str) -> Result<Matches, CompileError> {
    let nfc: String = pattern.nfc().collect();
    let source = python_regex(&nfc);
    let text = match regex::Regex::new(&source) {
        Ok(r) => Engine::Plain(r),
        Err(_) => Engine::Fancy(Box::new(
            fancy_regex::RegexBuilder::new(&source)
                .backtrack_limit(100_000)
                .build()
                .map_err(|e| {
                    format!(
                        "MATCHES '{pattern}' is not a regular expression this matcher reads: {e}"
                    )
                })?,
        )),
    };
    Ok(Matches {
        text,
        source,
        bytes: std::sync::OnceLock::new(),
    })
}

impl Leaf {
    /// The object types the leaf's tests name (a leaf can hold only on an object of one of them).
    pub fn types(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.tests(&mut |t| out.push(t.path.object_type.as_str()));
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn tests<'a>(&'a self, f: &mut dyn FnMut(&'a CTest)) {
        match self {
            Leaf::Test(t) => f(t),
            Leaf::And(a, b) | Leaf::Or(a, b) => {
                a.tests(f);
                b.tests(f);
            }
        }
    }

    /// Whether one object of the observation (of one of `types`, the leaf's) satisfies the
    /// whole leaf.
    fn holds(&self, obs: &Observed, types: &[impl AsRef<str>]) -> Result<bool, String> {
        for ty in types.iter().map(AsRef::as_ref) {
            for o in obs.of_type(ty) {
                if self.on(o, obs)? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    fn rank(&self, obs: &Observed, out: &mut Rank) -> Result<(), String> {
        match self {
            Leaf::Test(_) => Ok(()),
            Leaf::And(a, _) => a.rank(obs, out),
            Leaf::Or(a, b) => {
                if a.holds(
                    obs,
                    &a.types().iter().map(|t| t.to_string()).collect::<Vec<_>>(),
                )? {
                    out.push(0);
                    a.rank(obs, out)
                } else {
                    out.push(1);
                    b.rank(obs, out)
                }
            }
        }
    }

    fn on(&self, o: &Value, obs: &Observed) -> Result<bool, String> {
        Ok(match self {
            Leaf::And(a, b) => a.on(o, obs)? && b.on(o, obs)?,
            Leaf::Or(a, b) => a.on(o, obs)? || b.on(o, obs)?,
            Leaf::Test(t) => t.on(o, obs)?,
        })
    }
}

/// A value a path reaches: JSON, binary (a `_hex` or `_bin` property), or the objects a `_refs`
/// property names.
#[derive(Debug)]
pub enum Reached<'a> {
    Json(&'a Value),
    Bytes(Vec<u8>),
    Objects(Vec<&'a Value>),
}

/// The values `steps` reach from the object `o`, references followed within `obs`.
pub fn reach<'a>(
    o: &'a Value,
    steps: &[PathStep],
    obs: &'a Observed,
) -> Result<Vec<Reached<'a>>, String> {
    let mut at = vec![Reached::Json(o)];
    for step in steps {
        let mut next = Vec::new();
        for v in at {
            match step {
                PathStep::Property(p) => {
                    let Reached::Json(Value::Object(m)) = v else {
                        continue;
                    };
                    let Some(x) = m.get(p) else { continue };
                    if p.ends_with("_hex") || p.ends_with("_bin") {
                        let s = x
                            .as_str()
                            .ok_or_else(|| format!("`{p}` holds {x}, not a string"))?;
                        let b = if p.ends_with("_hex") {
                            hex(s)
                        } else {
                            base64_lenient(s)
                        };
                        next.push(Reached::Bytes(b.ok_or_else(|| {
                            format!("`{p}` holds `{s}`, which does not decode")
                        })?));
                    } else if p.ends_with("_ref") {
                        let r = x.as_str().ok_or_else(|| {
                            format!("the value of reference property `{p}` is not a string: {x}")
                        })?;
                        if let Some(t) = obs.get(r) {
                            next.push(Reached::Json(t));
                        }
                    } else if p.ends_with("_refs") {
                        let list = x.as_array().ok_or_else(|| {
                            format!("the value of reference list property `{p}` is not a list: {x}")
                        })?;
                        let mut found = Vec::new();
                        for r in list {
                            let r = r.as_str().ok_or_else(|| {
                                format!("a value of reference property `{p}` is not a string: {r}")
                            })?;
                            found.extend(obs.get(r));
                        }
                        if !found.is_empty() {
                            next.push(Reached::Objects(found));
                        }
                    } else {
                        next.push(Reached::Json(x));
                    }
                }
                PathStep::Index(i) => {
                    let Ok(i) = usize::try_from(*i) else { continue };
                    match v {
                        Reached::Json(Value::Array(a)) => next.extend(a.get(i).map(Reached::Json)),
                        Reached::Objects(a) => next.extend(a.get(i).map(|x| Reached::Json(x))),
                        _ => {}
                    }
                }
                PathStep::AnyIndex => match v {
                    Reached::Json(Value::Array(a)) => next.extend(a.iter().map(Reached::Json)),
                    Reached::Objects(a) => next.extend(a.into_iter().map(Reached::Json)),
                    _ => {}
                },
            }
        }
        at = next;
    }
    Ok(at)
}

impl CTest {
    fn on(&self, o: &Value, obs: &Observed) -> Result<bool, String> {
        // `AND` across object types holds on no object: each test holds on objects of its type.
        if o.get("type").and_then(Value::as_str) != Some(self.path.object_type.as_str()) {
            return Ok(false);
        }
        for v in reach(o, &self.path.steps, obs)? {
            if self.passes(&v)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether one value passes (`NOT` applied, as the reference applies it).
    pub fn passes(&self, v: &Reached) -> Result<bool, String> {
        let r = match &self.pred {
            Pred::Exists => return Ok(true),
            Pred::Eq(l) => eq(v, l)?,
            Pred::Neq(l) => !eq(v, l)?,
            Pred::Order(op, l) => match order(v, l)? {
                // Kinds with no order: false, whatever `NOT` says.
                Cmp::Incomparable => return Ok(false),
                Cmp::Invalid => false,
                Cmp::Ord(o) => match op {
                    Op::Lt => o == Ordering::Less,
                    Op::Gt => o == Ordering::Greater,
                    Op::Le => o != Ordering::Greater,
                    _ => o != Ordering::Less,
                },
            },
            Pred::In { items, timestamps } => member(v, items, *timestamps)?,
            Pred::Like { like, binary_ok } => match v {
                Reached::Json(Value::String(s)) => like.matches(&nfc(s)),
                Reached::Bytes(b) if *binary_ok => {
                    let s = std::str::from_utf8(b).map_err(|_| {
                        "a binary value compared with LIKE is not UTF-8".to_string()
                    })?;
                    like.matches(&nfc(s))
                }
                _ => false,
            },
            Pred::Matches(m) => match v {
                Reached::Json(Value::String(s)) => m.is_match(&nfc(s))?,
                Reached::Bytes(b) => m.is_match_bytes(b),
                _ => false,
            },
            Pred::Subset(outer) => match v {
                Reached::Json(Value::String(s)) => {
                    let inner = Block::parse(s, false)
                        .ok_or_else(|| format!("`{s}` is not an IP address or CIDR block"))?;
                    let outer = outer.ok_or("the ISSUBSET constant is not a CIDR block")?;
                    inner.within(outer)
                }
                _ => false,
            },
            Pred::Superset(inner) => match v {
                Reached::Json(Value::String(s)) => {
                    let inner = inner
                        .ok_or("the ISSUPERSET constant is not an IP address or CIDR block")?;
                    let outer = Block::parse(s, true)
                        .ok_or_else(|| format!("`{s}` is not a CIDR block"))?;
                    inner.within(outer)
                }
                _ => false,
            },
        };
        Ok(r != self.negated)
    }

    /// The checks this test brings: values it cannot read fail the pattern.
    fn checks(&self) -> Vec<Check> {
        let mut kinds = Vec::new();
        let steps = &self.path.steps;
        let risky_path = steps.iter().any(|s| {
            matches!(s, PathStep::Property(p) if p.ends_with("_ref") || p.ends_with("_refs") || p.ends_with("_hex") || p.ends_with("_bin"))
        });
        if risky_path {
            kinds.push(CheckKind::PathOnly);
        }
        match &self.pred {
            Pred::Eq(Literal::Timestamp(_))
            | Pred::Neq(Literal::Timestamp(_))
            | Pred::Order(_, Literal::Timestamp(_))
            | Pred::In {
                timestamps: true, ..
            } => kinds.push(CheckKind::Timestamp),
            Pred::Subset(Some(_)) => kinds.push(CheckKind::Address),
            Pred::Superset(Some(_)) => kinds.push(CheckKind::Block),
            Pred::Subset(None) | Pred::Superset(None) => kinds.push(CheckKind::AnyString),
            Pred::Like {
                binary_ok: true, ..
            } if risky_path => kinds.push(CheckKind::Utf8),
            _ => {}
        }
        kinds
            .into_iter()
            .map(|kind| Check {
                path: self.path.clone(),
                kind,
            })
            .collect()
    }
}

/// A reading that fails the pattern when some object of the path's type, in any observation,
/// holds a value the test cannot read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Check {
    pub path: ObjectPath,
    pub kind: CheckKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckKind {
    /// The path itself: a reference that is not a string, a `_hex` value that does not decode.
    PathOnly,
    /// A string that is not a timestamp.
    Timestamp,
    /// A string that is not an address or block.
    Address,
    /// A string that is not a block.
    Block,
    /// Any string (the constant itself is unreadable).
    AnyString,
    /// Binary that is not UTF-8.
    Utf8,
}

impl Check {
    pub fn key(&self) -> (String, String, CheckKind) {
        (
            self.path.object_type.clone(),
            format!("{:?}", self.path.steps),
            self.kind,
        )
    }

    /// Why the check fails on `obs`, if it does.
    pub fn fails(&self, obs: &Observed) -> Option<String> {
        for o in obs.of_type(&self.path.object_type) {
            let values = match reach(o, &self.path.steps, obs) {
                Ok(v) => v,
                Err(e) => return Some(e),
            };
            for v in values {
                let bad = match (&self.kind, &v) {
                    (CheckKind::Timestamp, Reached::Json(Value::String(s))) => timestamp_micros(s)
                        .is_none()
                        .then(|| format!("`{s}` is not a timestamp")),
                    (CheckKind::Address, Reached::Json(Value::String(s))) => Block::parse(s, false)
                        .is_none()
                        .then(|| format!("`{s}` is not an IP address or CIDR block")),
                    (CheckKind::Block, Reached::Json(Value::String(s))) => Block::parse(s, true)
                        .is_none()
                        .then(|| format!("`{s}` is not a CIDR block")),
                    (CheckKind::AnyString, Reached::Json(Value::String(_))) => {
                        Some("the pattern's address constant is not one".to_string())
                    }
                    (CheckKind::Utf8, Reached::Bytes(b)) => std::str::from_utf8(b)
                        .is_err()
                        .then(|| "a binary value compared with LIKE is not UTF-8".to_string()),
                    _ => None,
                };
                if let Some(e) = bad {
                    return Some(format!("{}: {e}", self.path_text()));
                }
            }
        }
        None
    }

    fn path_text(&self) -> String {
        let mut s = format!("{}:", self.path.object_type);
        for (i, st) in self.path.steps.iter().enumerate() {
            match st {
                PathStep::Property(p) => {
                    if i > 0 {
                        s.push('.');
                    }
                    s.push_str(p);
                }
                PathStep::Index(n) => s.push_str(&format!("[{n}]")),
                PathStep::AnyIndex => s.push_str("[*]"),
            }
        }
        s
    }
}

/// A string in Unicode normal form C (borrowed when it already is).
pub fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
    match unicode_normalization::is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s.into(),
        _ => s.nfc().collect::<String>().into(),
    }
}

enum Cmp {
    Ord(Ordering),
    /// Kinds with no order between them.
    Incomparable,
    /// A string that cannot be read as bytes, compared with bytes.
    Invalid,
}

fn ts(s: &str) -> Result<i64, String> {
    timestamp_micros(s).ok_or_else(|| format!("`{s}` is not a timestamp"))
}

fn num_cmp(n: &serde_json::Number, l: &Literal) -> Option<Ordering> {
    match l {
        Literal::Int(i) => match n.as_i64() {
            Some(x) => Some(x.cmp(i)),
            None => n.as_f64().and_then(|x| x.partial_cmp(&(*i as f64))),
        },
        Literal::Float(f) => n.as_f64().and_then(|x| x.partial_cmp(f)),
        _ => None,
    }
}

fn eq(v: &Reached, l: &Literal) -> Result<bool, String> {
    Ok(match (v, l) {
        (Reached::Json(Value::String(s)), Literal::Timestamp(t)) => ts(s)? == *t,
        (Reached::Json(Value::Number(n)), Literal::Int(_) | Literal::Float(_)) => {
            num_cmp(n, l) == Some(Ordering::Equal)
        }
        (Reached::Json(Value::Bool(b)), Literal::Bool(c)) => b == c,
        (Reached::Json(Value::String(s)), Literal::Str(t)) => s == t,
        (Reached::Bytes(b), Literal::Str(t)) => latin1(t).as_deref() == Some(b.as_slice()),
        (Reached::Json(Value::String(s)), Literal::Binary(b) | Literal::Hex(b)) => {
            latin1(s).as_deref() == Some(b.as_slice())
        }
        (Reached::Bytes(a), Literal::Binary(b) | Literal::Hex(b)) => a == b,
        _ => false,
    })
}

fn order(v: &Reached, l: &Literal) -> Result<Cmp, String> {
    let bytes_vs = |a: Option<Vec<u8>>, b: &[u8]| match a {
        Some(a) => Cmp::Ord(a.as_slice().cmp(b)),
        None => Cmp::Invalid,
    };
    Ok(match (v, l) {
        (Reached::Json(Value::String(s)), Literal::Timestamp(t)) => Cmp::Ord(ts(s)?.cmp(t)),
        (Reached::Json(Value::Number(n)), Literal::Int(_) | Literal::Float(_)) => {
            num_cmp(n, l).map_or(Cmp::Incomparable, Cmp::Ord)
        }
        (Reached::Json(Value::String(s)), Literal::Str(t)) => Cmp::Ord(s.as_str().cmp(t)),
        (Reached::Bytes(b), Literal::Str(t)) => match latin1(t) {
            Some(t) => Cmp::Ord(b.as_slice().cmp(&t)),
            None => Cmp::Invalid,
        },
        (Reached::Json(Value::String(s)), Literal::Binary(b) | Literal::Hex(b)) => {
            bytes_vs(latin1(s), b)
        }
        (Reached::Bytes(a), Literal::Binary(b) | Literal::Hex(b)) => Cmp::Ord(a.as_slice().cmp(b)),
        _ => Cmp::Incomparable,
    })
}

/// Python's `value in set`: numbers equal across integer and float, and booleans equal to 1 and 0.
fn member(v: &Reached, items: &[Literal], timestamps: bool) -> Result<bool, String> {
    if timestamps {
        return Ok(match v {
            Reached::Json(Value::String(s)) => {
                let t = ts(s)?;
                items.contains(&Literal::Timestamp(t))
            }
            _ => false,
        });
    }
    let as_number = |l: &Literal| match l {
        Literal::Int(i) => Some(*i as f64),
        Literal::Float(f) => Some(*f),
        Literal::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    };
    Ok(match v {
        Reached::Json(Value::String(s)) => {
            items.iter().any(|l| matches!(l, Literal::Str(t) if t == s))
        }
        Reached::Json(Value::Number(n)) => items.iter().any(|l| match l {
            Literal::Int(_) | Literal::Float(_) => num_cmp(n, l) == Some(Ordering::Equal),
            Literal::Bool(_) => n.as_f64() == as_number(l),
            _ => false,
        }),
        Reached::Json(Value::Bool(b)) => {
            let x = f64::from(u8::from(*b));
            items.iter().any(|l| as_number(l) == Some(x))
        }
        Reached::Bytes(b) => items
            .iter()
            .any(|l| matches!(l, Literal::Binary(x) | Literal::Hex(x) if x == b)),
        _ => false,
    })
}
