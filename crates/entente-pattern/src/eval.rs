//! Whether one observation's objects satisfy a comparison expression, evaluated directly on the
//! tree: the reference semantics the indexed matcher (not written yet) must agree with, and what a
//! property test will compare it against. An observation is its SCOs by their key (the
//! `objects` dictionary's keys, or the SCOs' ids), so that `_ref` and `_refs` properties are
//! followed to the objects they name.
//!
//! Semantics (STIX 2.1 §9): a comparison holds when some object of its type in the observation
//! satisfies it; comparisons joined by `AND` hold on one and the same object; `[*]` is "any
//! element"; `NOT` negates the comparison. `LIKE` is SQL's (`%`, `_`); `MATCHES` a regular
//! expression in the `regex` crate's dialect (PCRE's back-references and look-around are not
//! supported and never match); `ISSUBSET`/`ISSUPERSET` compare IPv4 or IPv6 addresses and CIDR
//! blocks.

use crate::ast::{Comparison, Literal, Op, PathStep, Test};
use base64::Engine;
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// The objects of one observation, by key.
pub type Observed = BTreeMap<String, Value>;

/// Whether the observation `obs` satisfies `c`.
pub fn holds(c: &Comparison, obs: &Observed) -> bool {
    match c {
        Comparison::Or(a, b) => holds(a, obs) || holds(b, obs),
        _ => {
            let Some(ty) = first_type(c) else {
                return false;
            };
            obs.values()
                .filter(|o| o.get("type").and_then(Value::as_str) == Some(ty))
                .any(|o| on(c, o, obs))
        }
    }
}

fn first_type(c: &Comparison) -> Option<&str> {
    match c {
        Comparison::Test(
            Test::Compare { path, .. } | Test::In { path, .. } | Test::Exists(path),
        ) => Some(&path.object_type),
        Comparison::And(a, _) | Comparison::Or(a, _) => first_type(a),
    }
}

/// Whether the one object `o` satisfies `c`.
fn on(c: &Comparison, o: &Value, obs: &Observed) -> bool {
    match c {
        Comparison::And(a, b) => on(a, o, obs) && on(b, o, obs),
        Comparison::Or(a, b) => on(a, o, obs) || on(b, o, obs),
        Comparison::Test(t) => test(t, o, obs),
    }
}

fn test(t: &Test, o: &Value, obs: &Observed) -> bool {
    match t {
        Test::Exists(path) => !values(o, &path.steps, obs).is_empty(),
        Test::In { path, negated, set } => {
            let hit = values(o, &path.steps, obs)
                .iter()
                .any(|v| set.iter().any(|l| compare(Op::Eq, v, l)));
            hit != *negated
        }
        Test::Compare {
            path,
            negated,
            op,
            value,
        } => {
            let hit = values(o, &path.steps, obs)
                .iter()
                .any(|v| compare(*op, v, value));
            hit != *negated
        }
    }
}

/// The values the path's steps reach from `o`, following references.
fn values<'a>(o: &'a Value, steps: &[PathStep], obs: &'a Observed) -> Vec<&'a Value> {
    let mut at: Vec<&Value> = vec![o];
    let mut refs = false;
    for step in steps {
        let mut next = Vec::new();
        for v in at {
            match step {
                PathStep::Property(p) => {
                    if let Some(x) = v.get(p) {
                        if p.ends_with("_ref") {
                            if let Some(target) = x.as_str().and_then(|r| obs.get(r)) {
                                next.push(target);
                            }
                        } else {
                            next.push(x);
                        }
                    }
                }
                PathStep::Index(i) => {
                    let item = usize::try_from(*i).ok().and_then(|i| v.get(i));
                    next.extend(item.map(|x| follow(x, refs, obs)));
                }
                PathStep::AnyIndex => {
                    if let Some(items) = v.as_array() {
                        next.extend(items.iter().map(|x| follow(x, refs, obs)));
                    }
                }
            }
        }
        refs = matches!(step, PathStep::Property(p) if p.ends_with("_refs"));
        at = next;
    }
    at
}

/// An element of a `_refs` list is the object it names (when the observation holds it).
fn follow<'a>(x: &'a Value, refs: bool, obs: &'a Observed) -> &'a Value {
    if refs {
        if let Some(target) = x.as_str().and_then(|r| obs.get(r)) {
            return target;
        }
    }
    x
}

fn compare(op: Op, v: &Value, l: &Literal) -> bool {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (v, l) {
        (Value::Number(n), Literal::Int(i)) => n
            .as_i64()
            .map(|x| x.cmp(i))
            .or_else(|| n.as_f64().and_then(|x| x.partial_cmp(&(*i as f64)))),
        (Value::Number(n), Literal::Float(f)) => n.as_f64().and_then(|x| x.partial_cmp(f)),
        (Value::String(s), Literal::Str(t)) => Some(s.as_str().cmp(t.as_str())),
        (Value::Bool(b), Literal::Bool(c)) => Some(b.cmp(c)),
        (Value::String(s), Literal::Timestamp(t)) => entente_stix::Timestamp::parse(s)
            .ok()
            .map(|x| x.nanos().cmp(t)),
        (Value::String(s), Literal::Binary(b)) => base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .ok()
            .map(|x| x.as_slice().cmp(b.as_slice())),
        (Value::String(s), Literal::Hex(h)) => {
            let mine: String = h.iter().map(|b| format!("{b:02x}")).collect();
            Some(s.to_ascii_lowercase().cmp(&mine))
        }
        _ => None,
    };
    match op {
        Op::Eq => ord == Some(Ordering::Equal),
        Op::Neq => ord.is_some_and(|o| o != Ordering::Equal),
        Op::Lt => ord == Some(Ordering::Less),
        Op::Gt => ord == Some(Ordering::Greater),
        Op::Le => ord.is_some_and(|o| o != Ordering::Greater),
        Op::Ge => ord.is_some_and(|o| o != Ordering::Less),
        Op::Like | Op::Matches | Op::IsSubset | Op::IsSuperset => {
            let (Value::String(s), Literal::Str(t)) = (v, l) else {
                return false;
            };
            match op {
                Op::Like => like(s, t),
                Op::Matches => regex::Regex::new(t).is_ok_and(|r| r.is_match(s)),
                Op::IsSubset => within(s, t),
                _ => within(t, s),
            }
        }
    }
}

/// SQL `LIKE`: `%` any run, `_` any one character.
fn like(s: &str, pattern: &str) -> bool {
    let mut re = String::from("(?s)^");
    for ch in pattern.chars() {
        match ch {
            '%' => re.push_str(".*"),
            '_' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).is_ok_and(|r| r.is_match(s))
}

/// An address or block as (its bits from the top, prefix length, whether IPv4).
fn block(s: &str) -> Option<(u128, u32, bool)> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u32>().ok()?)),
        None => (s, None),
    };
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V4(a) => {
            let len = len.unwrap_or(32);
            (len <= 32).then(|| (u128::from(u32::from(a)) << 96, len, true))
        }
        IpAddr::V6(a) => {
            let len = len.unwrap_or(128);
            (len <= 128).then(|| (u128::from(a), len, false))
        }
    }
}

/// Whether the address or block `inner` lies within the block `outer`.
fn within(inner: &str, outer: &str) -> bool {
    let (Some((i, il, i4)), Some((o, ol, o4))) = (block(inner), block(outer)) else {
        return false;
    };
    if i4 != o4 || il < ol {
        return false;
    }
    // An IPv4 address sits in the top 32 bits, so a prefix counts from the top for both.
    let mask = if ol == 0 { 0 } else { u128::MAX << (128 - ol) };
    i & mask == o & mask
}
