//! Strict, bounded JSON: how every body a node receives (a TAXII envelope, a REST request, a
//! peer's page) is read. [`parse`] builds the `serde_json` tree itself, and
//! - refuses an object with a **duplicate key**, naming it: parsers disagree on duplicates (ours
//!   keeps the last, others the first), so an object `{"object_marking_refs": [RED], ...,
//!   "object_marking_refs": [CLEAR]}` would be read with one marking here and another elsewhere;
//! - counts the **values** (every string, number, literal, list and object) as it goes and stops
//!   at the limit, before the tree grows further: 16 MiB of tiny values would otherwise become
//!   hundreds of megabytes of tree before anything could look at it;
//! - refuses nesting deeper than a limit (serde_json's own recursion limit, 128, also holds).
//!
//! Written here, on serde_json's parser, because serde_json's `Value` keeps the last of duplicate
//! keys silently and has no budget; no well-kept crate does both.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::fmt;

/// How much a body may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most values (JSON elements of every kind) in the whole document.
    pub max_values: usize,
    /// The deepest nesting of lists and objects.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_values: 500_000,
            max_depth: 64,
        }
    }
}

/// Why a body could not be read, as a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// Not JSON, or a duplicate key (serde_json's message, with line and column).
    #[error("{0}")]
    Malformed(String),
    /// Over a limit: says which.
    #[error("{0}")]
    TooLarge(String),
}

struct Budget {
    left: Cell<usize>,
    limits: Limits,
    /// Set when a limit stopped the parse (the error serde reports is then ours).
    exceeded: Cell<bool>,
}

impl Budget {
    fn take<E: de::Error>(&self) -> Result<(), E> {
        match self.left.get().checked_sub(1) {
            Some(n) => {
                self.left.set(n);
                Ok(())
            }
            None => {
                self.exceeded.set(true);
                Err(E::custom(format!(
                    "the body holds more than {} values (strings, numbers, lists, objects); this node takes at most {} in one request",
                    self.limits.max_values, self.limits.max_values
                )))
            }
        }
    }
}

#[derive(Clone, Copy)]
struct Seed<'a> {
    budget: &'a Budget,
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Seed<'_> {
    fn deeper<E: de::Error>(self) -> Result<Self, E> {
        if self.depth >= self.budget.limits.max_depth {
            self.budget.exceeded.set(true);
            return Err(E::custom(format!(
                "the body nests lists and objects more than {} deep; this node takes at most {}",
                self.budget.limits.max_depth, self.budget.limits.max_depth
            )));
        }
        Ok(Seed {
            budget: self.budget,
            depth: self.depth + 1,
        })
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.budget.take()?;
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.budget.take()?;
        let inner = self.deeper()?;
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(inner)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.budget.take()?;
        let inner = self.deeper()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.budget.take()?;
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the key `{key}` appears twice in one object: each key may appear once"
                )));
            }
            let value = map.next_value_seed(inner)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// Reads `bytes` as one JSON document within `limits`, refusing duplicate keys.
pub fn parse(bytes: &[u8], limits: Limits) -> Result<Value, JsonError> {
    let budget = Budget {
        left: Cell::new(limits.max_values),
        limits,
        exceeded: Cell::new(false),
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let seed = Seed {
        budget: &budget,
        depth: 0,
    };
    let parsed = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    parsed.map_err(|e| {
        if budget.exceeded.get() {
            JsonError::TooLarge(e.to_string())
        } else {
            JsonError::Malformed(e.to_string())
        }
    })
}

/// Reads a stored or canonical JSON object strictly (duplicate keys refused), with the default
/// limits.
pub fn parse_object(text: &str) -> Result<Map<String, Value>, JsonError> {
    match parse(text.as_bytes(), Limits::default())? {
        Value::Object(m) => Ok(m),
        _ => Err(JsonError::Malformed("not a JSON object".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lim(max_values: usize, max_depth: usize) -> Limits {
        Limits {
            max_values,
            max_depth,
        }
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            r#"{"a": [1, 2.5, -3, true, null, "x"], "b": {"c": {}}, "d": []}"#,
            r#""just a string""#,
            "18446744073709551615",
            r#"{"é": "\u00e9\ud83d\ude00"}"#,
        ] {
            let ours = parse(text.as_bytes(), Limits::default()).unwrap();
            let theirs: Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn a_duplicate_key_is_refused_by_name_at_any_depth() {
        let e = parse(
            br#"{"objects": [{"id": "x", "object_marking_refs": ["a"], "object_marking_refs": ["b"]}]}"#,
            Limits::default(),
        )
        .unwrap_err();
        assert!(
            matches!(&e, JsonError::Malformed(m) if m.contains("`object_marking_refs` appears twice")),
            "{e}"
        );
        // The same key in sibling objects is fine.
        assert!(parse(br#"[{"a": 1}, {"a": 2}]"#, Limits::default()).is_ok());
    }

    #[test]
    fn the_budget_stops_the_tree_growing() {
        let many = format!("[{}0]", "0,".repeat(10_000));
        let e = parse(many.as_bytes(), lim(1000, 64)).unwrap_err();
        assert!(
            matches!(&e, JsonError::TooLarge(m) if m.contains("at most 1000")),
            "{e}"
        );
        assert!(parse(many.as_bytes(), lim(10_002, 64)).is_ok());
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let e = parse(deep.as_bytes(), lim(1000, 64)).unwrap_err();
        assert!(
            matches!(&e, JsonError::TooLarge(m) if m.contains("deep")),
            "{e}"
        );
        // Keys count too: an object of many empty keys is no cheaper than a list.
        let keys: Vec<String> = (0..600).map(|i| format!("\"k{i}\":0")).collect();
        let obj = format!("{{{}}}", keys.join(","));
        assert!(matches!(
            parse(obj.as_bytes(), lim(1000, 64)),
            Err(JsonError::TooLarge(_))
        ));
    }

    #[test]
    fn trailing_garbage_and_bad_json_are_malformed() {
        for bad in ["{} {}", "{", "[1,]", "nul", ""] {
            assert!(
                matches!(
                    parse(bad.as_bytes(), Limits::default()),
                    Err(JsonError::Malformed(_))
                ),
                "{bad}"
            );
        }
    }
}
