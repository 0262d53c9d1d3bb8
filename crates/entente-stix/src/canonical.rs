//! RFC 8785 (JSON Canonicalization Scheme) serialization, the form that signatures cover and that
//! the node stores. `serde_json_canonicalizer` does the work (ECMAScript number formatting and
//! UTF-16 key order, which a sorted map alone does not give).

use crate::error::StixError;
use serde_json::Value;

pub fn canonical_json(value: &Value) -> Result<String, StixError> {
    serde_json_canonicalizer::to_string(value).map_err(|e| StixError::Canonical(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc8785_examples() {
        let v: Value = serde_json::from_str(r#"{"b": 1.0, "a": [1e21, 0.000001, -0], "\u20ac": "x", "\ud83d\ude00": 1, "\ufb33": 2}"#).unwrap();
        assert_eq!(
            canonical_json(&v).unwrap(),
            "{\"a\":[1e+21,0.000001,0],\"b\":1,\"\u{20ac}\":\"x\",\"\u{1f600}\":1,\"\u{fb33}\":2}"
        );
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            "\\PC{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("\\PC{0,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn canonical_form_round_trips_and_is_a_fixed_point(v in arb_json()) {
            let c = canonical_json(&v).unwrap();
            let back: Value = serde_json::from_str(&c).unwrap();
            prop_assert_eq!(&back, &v);
            prop_assert_eq!(canonical_json(&back).unwrap(), c);
        }
    }
}
