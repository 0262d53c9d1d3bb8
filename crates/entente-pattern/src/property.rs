//! The indexed matcher agrees with evaluating every leaf on every observation: random patterns
//! (every operator, `NOT`, `AND`/`OR` in and between observation expressions, `FOLLOWEDBY`,
//! qualifiers, references and `[*]`) against random observations, all patterns through one index.

use crate::batch::{self, Batch, Outcome};
use crate::compile::Compiled;
use crate::index::Matcher;
use crate::observed::Observed;
use proptest::prelude::*;
use serde_json::{json, Value};

const NAMES: &[&str] = &["a.exe", "b.exe", "setup.exe", "A.EXE", "x.dll"];
const ADDRS: &[&str] = &[
    "10.0.0.1",
    "10.0.1.7",
    "192.168.1.1",
    "2001:db8::1",
    "10.0.0.0/24",
    "nonsense",
];

fn comparison() -> impl Strategy<Value = String> {
    let name = prop::sample::select(NAMES);
    let addr = prop::sample::select(ADDRS);
    let not = prop::bool::ANY.prop_map(|b| if b { "NOT " } else { "" });
    prop_oneof![
        (name.clone(), not.clone()).prop_map(|(n, x)| format!("file:name {x}= '{n}'")),
        (name.clone(), name.clone()).prop_map(|(a, b)| format!("file:name IN ('{a}', '{b}')")),
        (0i64..6, not.clone()).prop_map(|(n, x)| format!("file:size {x}= {n}")),
        (0i64..6).prop_map(|n| format!("file:size > {n}")),
        (0i64..6).prop_map(|n| format!("file:size != {n}")),
        (
            prop::sample::select(&["%.exe", "_.exe", "setup%", "%"][..]),
            not.clone()
        )
            .prop_map(|(p, x)| format!("file:name {x}LIKE '{p}'")),
        (
            prop::sample::select(&["^a", "exe$", "(?i)^a\\\\.", "[0-9]"][..]),
            not.clone()
        )
            .prop_map(|(p, x)| format!("file:name {x}MATCHES '{p}'")),
        (addr.clone(), not.clone()).prop_map(|(a, x)| format!("ipv4-addr:value {x}= '{a}'")),
        (
            prop::sample::select(
                &[
                    "10.0.0.0/8",
                    "10.0.0.0/24",
                    "192.168.0.0/16",
                    "2001:db8::/32"
                ][..]
            ),
            not.clone()
        )
            .prop_map(|(b, x)| format!("ipv4-addr:value {x}ISSUBSET '{b}'")),
        addr.clone()
            .prop_map(|a| format!("network-traffic:dst_ref.value = '{a}'")),
        addr.prop_map(|a| format!("network-traffic:src_refs[*].value = '{a}'")),
        Just("EXISTS file:size".to_string()),
        Just("file:tags[*] = 'x'".to_string()),
        Just("file:tags[0] = 'y'".to_string()),
    ]
}

fn bracket() -> impl Strategy<Value = String> {
    (
        comparison(),
        prop::option::of((prop::bool::ANY, comparison())),
    )
        .prop_map(|(a, more)| {
            let t = |s: &str| s.split(':').next().unwrap_or("").to_string();
            match more {
                // AND joins comparisons of one type only.
                Some((true, b)) if t(&a) == t(&b) => format!("[{a} AND {b}]"),
                Some((_, b)) => format!("[{a} OR {b}]"),
                None => format!("[{a}]"),
            }
        })
}

fn pattern() -> impl Strategy<Value = String> {
    let leaf = bracket();
    leaf.prop_recursive(3, 6, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                inner.clone(),
                prop::sample::select(&["AND", "OR", "FOLLOWEDBY"][..])
            )
                .prop_map(|(a, b, op)| format!("({a}) {op} ({b})")),
            (inner.clone(), 1u64..4).prop_map(|(a, n)| format!("({a}) REPEATS {n} TIMES")),
            (inner.clone(), 1u64..8).prop_map(|(a, n)| format!("({a}) WITHIN {n} SECONDS")),
            (inner, 0i64..6, 1i64..6).prop_map(|(a, s, d)| format!(
                "({a}) START t'2000-01-01T00:00:0{s}Z' STOP t'2000-01-01T00:00:{:02}Z'",
                s + d
            )),
        ]
    })
}

fn object() -> impl Strategy<Value = Value> {
    prop_oneof![
        (
            prop::sample::select(NAMES),
            prop::option::of(0i64..6),
            prop::option::of(prop::sample::select(&["x", "y"][..]))
        )
            .prop_map(|(n, s, t)| {
                let mut o = json!({"type": "file", "name": n});
                if let Some(s) = s {
                    o["size"] = json!(s);
                }
                if let Some(t) = t {
                    o["tags"] = json!([t, "y"]);
                }
                o
            }),
        prop::sample::select(ADDRS).prop_map(|a| json!({"type": "ipv4-addr", "value": a})),
    ]
}

fn observation(n: usize) -> impl Strategy<Value = Observed> {
    (
        prop::collection::vec(object(), 1..4),
        0i64..8,
        0i64..3,
        1u64..3,
        prop::bool::ANY,
    )
        .prop_map(move |(objs, first, len, count, traffic)| {
            let mut objects = serde_json::Map::new();
            for (i, o) in objs.into_iter().enumerate() {
                objects.insert(i.to_string(), o);
            }
            if traffic {
                objects.insert(
                    "t".into(),
                    json!({"type": "network-traffic", "dst_ref": "0", "src_refs": ["0", "1"]}),
                );
            }
            let od = json!({
                "type": "observed-data",
                "id": format!("observed-data--00000000-0000-4000-8000-{n:012}"),
                "first_observed": format!("2000-01-01T00:00:0{first}Z"),
                "last_observed": format!("2000-01-01T00:00:{:02}Z", first + len),
                "number_observed": count,
                "objects": objects,
            });
            Observed::read(&od, &|_| None).unwrap()
        })
}

fn observations() -> impl Strategy<Value = Vec<Observed>> {
    (1usize..7).prop_flat_map(|n| (0..n).map(observation).collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    #[test]
    fn the_index_agrees_with_evaluating_every_leaf(
        patterns in prop::collection::vec(pattern(), 1..8),
        obs in observations(),
    ) {
        let compiled: Vec<Compiled> = patterns
            .iter()
            .filter_map(|p| crate::parse(p).ok().and_then(|a| Compiled::new(&a).ok()))
            .collect();
        let naive: Vec<Outcome> = compiled.iter().map(|c| batch::naive(c, &obs)).collect();
        let mut b = Batch::new(Matcher::new(compiled).unwrap());
        for (i, o) in obs.iter().enumerate() {
            b.observe(i, o);
        }
        for (n, i) in naive.iter().zip(b.finish()) {
            match (n, &i) {
                (Outcome::Error(_), Outcome::Error(_)) => {}
                _ => prop_assert_eq!(n, &i, "patterns {:?}", patterns),
            }
        }
    }
}
