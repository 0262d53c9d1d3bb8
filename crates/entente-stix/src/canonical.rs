//! RFC 8785 (JSON Canonicalization Scheme): the form signatures cover and the node stores.
//!
//! Written here rather than taken from `serde_json_canonicalizer` because that crate took 13 µs
//! for a typical 700-byte indicator (criterion, `cargo bench -p entente-stix`) and every object is
//! canonicalized twice when signed and once when verified; this writer works straight from a
//! `serde_json::Value`. What RFC 8785 asks, and how it is met:
//! - strings: serde_json's escaping is exactly RFC 8785's (`\"`, `\\`, `\b \f \n \r \t`, other
//!   controls as lowercase `\u00xx`, everything else literal UTF-8);
//! - numbers: ECMAScript `Number.prototype.toString` of the IEEE double, via `ryu-js`; integers
//!   below 2^53 print as they are, which is the same thing;
//! - object keys: sorted by UTF-16 code units. serde_json's map is sorted by UTF-8 bytes, which
//!   agrees unless a key holds a character at U+E000 or above; such objects are re-sorted.
//!
//! `serde_json_canonicalizer` stays as the oracle of a property test that both agree on any JSON.

use crate::error::StixError;
use serde_json::{Map, Number, Value};

pub fn canonical_json(value: &Value) -> Result<String, StixError> {
    let mut out = String::with_capacity(1024);
    write_value(&mut out, value)?;
    Ok(out)
}

/// Canonical JSON of an object, without first wrapping it in a `Value`.
pub fn canonical_map(map: &Map<String, Value>) -> Result<String, StixError> {
    let mut out = String::with_capacity(1024);
    write_object(&mut out, map)?;
    Ok(out)
}

fn write_value(out: &mut String, v: &Value) -> Result<(), StixError> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n)?,
        Value::String(s) => write_string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(m) => write_object(out, m)?,
    }
    Ok(())
}

fn write_object(out: &mut String, m: &Map<String, Value>) -> Result<(), StixError> {
    out.push('{');
    let needs_utf16_sort = m.keys().any(|k| k.chars().any(|c| c >= '\u{e000}'));
    if needs_utf16_sort {
        let mut entries: Vec<(&String, &Value)> = m.iter().collect();
        entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        for (i, (k, v)) in entries.into_iter().enumerate() {
            write_entry(out, i, k, v)?;
        }
    } else {
        for (i, (k, v)) in m.iter().enumerate() {
            write_entry(out, i, k, v)?;
        }
    }
    out.push('}');
    Ok(())
}

fn write_entry(out: &mut String, i: usize, k: &str, v: &Value) -> Result<(), StixError> {
    if i > 0 {
        out.push(',');
    }
    write_string(out, k);
    out.push(':');
    write_value(out, v)
}

fn write_number(out: &mut String, n: &Number) -> Result<(), StixError> {
    const EXACT: u64 = 1 << 53;
    if let Some(i) = n.as_i64().filter(|i| i.unsigned_abs() < EXACT) {
        out.push_str(&i.to_string());
        return Ok(());
    }
    let f = n
        .as_f64()
        .filter(|f| f.is_finite())
        .ok_or_else(|| StixError::Canonical(format!("{n} is not a finite number")))?;
    let mut buf = ryu_js::Buffer::new();
    out.push_str(buf.format_finite(f));
    Ok(())
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0c => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc8785_examples() {
        let v: Value = serde_json::from_str(r#"{"b": 1.0, "a": [1e21, 0.000001, -0, 1e-7, 333333333.33333329, 4.50, 2e-3, 0.000001234], "\u20ac": "x", "\ud83d\ude00": 1, "\ufb33": 2, "c": "\u0001\n\"\\/\u007f"}"#).unwrap();
        assert_eq!(
            canonical_json(&v).unwrap(),
            "{\"a\":[1e+21,0.000001,0,1e-7,333333333.3333333,4.5,0.002,0.000001234],\"b\":1,\"c\":\"\\u0001\\n\\\"\\\\/\u{7f}\",\"\u{20ac}\":\"x\",\"\u{1f600}\":1,\"\u{fb33}\":2}"
        );
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::String),
            "[\\x00-\\x20\"\\\\\u{e000}-\u{ffff}\u{10000}-\u{10ffff}]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(
                    "[a-z\u{e000}-\u{e002}\u{10000}-\u{10002}]{0,3}",
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn agrees_with_the_reference_implementation(v in arb_json()) {
            let ours = canonical_json(&v).unwrap();
            let reference = serde_json_canonicalizer::to_string(&v).unwrap();
            prop_assert_eq!(&ours, &reference);
            let back: Value = serde_json::from_str(&ours).unwrap();
            prop_assert_eq!(canonical_json(&back).unwrap(), ours);
        }
    }
}
