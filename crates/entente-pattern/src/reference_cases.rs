//! The reference matcher's behaviour, restated as tables: for each small set of observations,
//! patterns that match (`M`), do not (`N`), fail on the data (`E`) or do not parse (`P`) under the
//! OASIS `stix2-matcher`, checked both without the index ([`batch::naive`]) and through it
//! ([`Batch`]). The cases follow the kinds of the reference's own tests (operators on each kind of
//! value, binary, null, timestamps, references, quoting, Unicode normal forms, observation
//! operators, temporal qualifiers, `number_observed`, domain objects) in our own words.

use crate::batch::{self, Batch, Outcome};
use crate::compile::Compiled;
use crate::index::Matcher;
use crate::observed::Observed;
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    M,
    N,
    E,
    P,
}
use Want::*;

fn at(seconds: i64) -> String {
    let base = crate::value::timestamp_micros("2000-01-01T00:00:00Z").unwrap() / 1_000_000;
    let t = base + seconds;
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // 2000-01-01 plus whole days stays in January for the small offsets used here.
    let day = days - base.div_euclid(86_400) + 1;
    format!(
        "2000-01-{:02}T{:02}:{:02}:{:02}Z",
        day,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// An observation of `objects` (SCO ids as keys), from `first` to `last` seconds, `count` times.
fn obs(n: usize, first: i64, last: i64, count: u64, objects: Value) -> Observed {
    let od = json!({
        "type": "observed-data",
        "id": format!("observed-data--00000000-0000-4000-8000-{n:012}"),
        "first_observed": at(first),
        "last_observed": at(last),
        "number_observed": count,
        "objects": objects,
    });
    Observed::read(&od, &|_| None).unwrap()
}

fn check(fixture: &[Observed], cases: &[(&str, Want)]) {
    let mut compiled = Vec::new();
    let mut wants = Vec::new();
    for (p, want) in cases {
        let parsed = match crate::parse(p) {
            Err(e) => {
                assert_eq!(*want, P, "{p}: refused ({e})");
                continue;
            }
            Ok(a) => a,
        };
        match Compiled::new(&parsed) {
            Err(e) => assert_eq!(*want, E, "{p}: not compiled ({e})"),
            Ok(c) => {
                assert_ne!(*want, P, "{p}: parsed");
                let naive = batch::naive(&c, fixture);
                let got = match &naive {
                    Outcome::Matched(_) => M,
                    Outcome::NoMatch => N,
                    Outcome::Error(_) => E,
                };
                assert_eq!(got, *want, "{p}: {naive:?}");
                compiled.push(c);
                wants.push((*p, naive));
            }
        }
    }
    let mut b = Batch::new(Matcher::new(compiled).unwrap());
    for (i, o) in fixture.iter().enumerate() {
        b.observe(i, o);
    }
    for ((p, naive), indexed) in wants.iter().zip(b.finish()) {
        match (naive, &indexed) {
            (Outcome::Error(_), Outcome::Error(_)) => {}
            _ => assert_eq!(naive, &indexed, "{p}: indexed and naive disagree"),
        }
    }
}

#[test]
fn operators_on_each_kind_of_value() {
    let f = [obs(
        0,
        0,
        0,
        1,
        json!({"a": {"type": "test", "int": 5, "float": 12.658, "float_int": 12.0, "bool": true,
                      "string": "hello", "ip": "11.22.33.44", "cidr": "11.22.33.44/20"}}),
    )];
    check(
        &f,
        &[
            ("[test:int = 5]", M),
            ("[test:int NOT != 5]", M),
            ("[test:int NOT < 3]", M),
            ("[test:int > 4.9]", M),
            ("[test:int <= 5]", M),
            ("[test:int != true]", M),
            ("[test:int NOT = true]", M),
            ("[test:int != 'world']", M),
            ("[test:int != h'010203']", M),
            ("[test:int != b'AQIDBA==']", M),
            ("[test:int != t'1965-07-19T22:41:38Z']", M),
            ("[test:int IN (-4, 5, 6.6)]", M),
            ("[test:int NOT IN ('a', 'b')]", M),
            ("[test:int NOT MATCHES 'l+']", M),
            ("[test:int NOT LIKE 'he%']", M),
            ("[test:int NOT = 5]", N),
            ("[test:int > 5.1]", N),
            ("[test:int = true]", N),
            ("[test:int = 'world']", N),
            ("[test:int > h'010203']", N),
            ("[test:int NOT > h'010203']", N),
            ("[test:int < b'AQIDBA==']", N),
            ("[test:int > t'1965-07-19T22:41:38Z']", N),
            ("[test:int LIKE 'he%']", N),
            ("[test:int NOT IN (-4, 5, 6)]", N),
            ("[test:float = 12.658]", M),
            ("[test:float < 12.65801]", M),
            ("[test:float_int IN (11, 12, 13)]", M),
            ("[test:float_int = 12]", M),
            ("[test:float != 12.658]", N),
            ("[test:float NOT != 'world']", N),
            ("[test:bool = true]", M),
            ("[test:bool != 1]", M),
            ("[test:bool IN (false, true)]", M),
            ("[test:bool = 1]", N),
            ("[test:bool NOT IN (false, true)]", N),
            ("[test:string = 'hello']", M),
            ("[test:string > 'alice']", M),
            ("[test:string <= 'hello']", M),
            ("[test:string LIKE 'he__o']", M),
            ("[test:string MATCHES 'l+']", M),
            ("[test:string MATCHES '.lo$']", M),
            ("[test:string IN ('goodbye', 'hello')]", M),
            ("[test:string NOT IN (1, 2, 3)]", M),
            ("[test:string NOT IN ()]", M),
            ("[test:string IN ()]", N),
            ("[test:string >= 'zelda']", N),
            ("[test:string NOT LIKE 'he%']", N),
            ("[test:string = h'010203']", N),
            ("[test:string = t'1965-07-19T22:41:38Z']", E),
            ("[test:string != t'1965-07-19T22:41:38Z']", E),
            ("[test:string IN (1, true)]", E),
            ("[test:int = 5 AND test_b:int = 5]", N),
            ("[test:ip ISSUBSET '11.22.41.123/20']", M),
            ("[test:ip NOT ISSUBSET '11.22.123.41/20']", M),
            ("[test:cidr ISSUPERSET '11.22.41.123']", M),
            ("[test:cidr ISSUPERSET '11.22.41.123/29']", M),
            ("[test:cidr NOT ISSUPERSET '11.22.33.44/13']", M),
            ("[test:int NOT ISSUBSET '11.22.33.44']", M),
            ("[test:bool ISSUBSET '11.22.33.44']", N),
            ("[test:ip ISSUBSET '11.22.123.41/20']", N),
            ("[test:string ISSUBSET '11.22.0.0/16']", E),
            ("[test:ip ISSUPERSET '11.22.33.44']", E),
            ("[test:ip ISSUBSET '11.22.33.44']", E),
            ("[test:string = null]", P),
            ("[test:int > true]", P),
            ("[test:'has-hyphen' = 1]", N),
            ("[test:has-hyphen = 1]", P),
            ("[identity:name = 'x']", N),
        ],
    );
}

#[test]
fn binary_null_timestamps_references_and_normal_forms() {
    let f = [obs(
        0,
        0,
        0,
        1,
        json!({
            "b": {"type": "binary_test", "name": "alice", "name_u": "\u{103}lice",
                  "name_hex": "616c696365", "name_bin": "YWxpY2U=", "bin_hex": "01020304"},
            "n": {"type": "null_test", "name": null},
            "e": {"type": "event", "good_ts": "2010-05-21T13:21:43Z",
                  "good_ts_frac_nano": "2010-05-21T13:21:43.123456789Z",
                  "bad_ts": ["2010-05-21T13:21:43", "2010-05-21T13:21:43z"]},
            "p1": {"type": "person", "name": "alice", "knows_ref": "p2"},
            "p2": {"type": "person", "name": "bob", "knows_refs": ["p1", "p3"]},
            "p3": {"type": "person", "name": "carol", "knows_refs": ["p1", "p2", "p3"]},
            "u": {"type": "test", "ddots": {"nfc": "\u{1e0d}\u{307}", "nfd": "d\u{323}\u{307}"}},
            "q": {"type": "some-type", "has.dot": 2},
        }),
    )];
    check(
        &f,
        &[
            ("[binary_test:name = h'616c696365']", M),
            ("[binary_test:name = b'YWxpY2U=']", M),
            ("[binary_test:name_bin = 'alice']", M),
            ("[binary_test:name_hex = b'YWxpY2U=']", M),
            ("[binary_test:name_hex > 'aardvark']", M),
            ("[binary_test:name_bin MATCHES '\\\\x61li[c\\\\x01]e']", M),
            ("[binary_test:name_bin LIKE '%alice%']", M),
            ("[binary_test:bin_hex = h'01020304']", M),
            ("[binary_test:bin_hex MATCHES '.*\\\\x03']", M),
            ("[binary_test:name_bin = '\u{103}lice']", N),
            ("[binary_test:name_hex < '\u{103}lice']", N),
            ("[binary_test:name_u = h'616c696365']", N),
            ("[binary_test:name_u > b'YWxpY2U=']", N),
            ("[null_test:name = 'alice']", N),
            ("[null_test:name <= 'alice']", N),
            ("[null_test:name LIKE 'alice']", N),
            ("[null_test:name ISSUBSET '12.23.32.12/14']", N),
            ("[null_test:name != 'alice']", M),
            ("[event:good_ts = t'2010-05-21T13:21:43Z']", M),
            ("[event:good_ts > t'1974-11-05T05:31:11Z']", M),
            ("[event:good_ts_frac_nano = t'2010-05-21T13:21:43.123456Z']", M),
            ("[event:good_ts IN (t'1953-11-26T14:25:33Z', t'2010-05-21T13:21:43Z')]", M),
            ("[event:good_ts NOT IN (t'1953-11-26T14:25:33Z')]", M),
            ("[event:good_ts <= t'1974-11-05T05:31:11Z']", N),
            ("[event:good_ts = t'2010-05-21T13:21:43']", P),
            ("[event:good_ts = t'2010-05-21t13:21:43Z']", P),
            ("[event:good_ts = t'2010-05-21T13:21:99Z']", P),
            ("[event:bad_ts[0] = t'1996-07-11T09:17:10Z']", E),
            ("[event:bad_ts[1] = t'1996-07-11T09:17:10Z']", E),
            // The bad value errs even where the rest of the pattern already matched.
            ("[event:good_ts = t'2010-05-21T13:21:43Z'] OR [event:bad_ts[*] > t'1996-07-11T09:17:10Z']", E),
            ("[person:knows_ref.name = 'bob']", M),
            ("[person:knows_refs[*].name = 'alice' OR person:knows_ref.name = 'darlene']", M),
            ("[person:knows_refs[*].name = 'carol' AND person:knows_refs[*].name = 'bob']", M),
            ("[person:knows_refs[*].knows_refs[*].name = 'alice']", M),
            ("[person:knows_refs[1].name = 'bob']", M),
            ("[person:knows_ref.name = 'erin']", N),
            ("[person:knows_refs[*].name = 'alice' AND person:knows_ref.name = 'darlene']", N),
            ("[test:ddots.nfc LIKE 'd\u{323}\u{307}']", M),
            ("[test:ddots.nfd MATCHES '^\u{1e0d}\u{307}$']", M),
            ("[test:ddots.nfd = '\u{1e0d}\u{307}']", N),
            ("[test:ddots.nfd != '\u{1e0d}\u{307}']", M),
            ("[test:ddots.nfd IN ('\u{1e0d}\u{307}')]", N),
            ("[some-type:'has.dot' = 2]", M),
        ],
    );
}

#[test]
fn observation_operators_and_temporal_qualifiers() {
    let person = |name: &str, age: i64| json!({"p": {"type": "person", "name": name, "age": age}});
    let f = [
        obs(0, 0, 0, 1, person("alice", 10)),
        obs(1, 10, 10, 1, person("bob", 17)),
        obs(2, 5, 5, 1, person("carol", 22)),
    ];
    check(
        &f,
        &[
            ("[person:name='alice'] AND [person:age>20]", M),
            ("[person:name='alice'] OR [person:name='zelda']", M),
            ("[person:name='alice'] FOLLOWEDBY [person:name>'bill']", M),
            ("[person:age > 20] OR [person:name > 'zelda'] AND [person:age < 0]", M),
            ("([person:name='carol'] FOLLOWEDBY [person:name < 'elizabeth']) AND [person:age < 15]", M),
            ("[person:name='alice'] AND [person:age=10]", N),
            ("[person:name='bob'] FOLLOWEDBY [person:age<15]", N),
            ("[person:age > 20] OR [person:name > 'zelda'] FOLLOWEDBY [person:age < 0]", N),
            ("[person:name='carol'] FOLLOWEDBY [person:name < 'elizabeth'] AND [person:age < 15]", N),
            ("[person:name = 'bob'] WITHIN 1 SECONDS", M),
            ("[person:name = 'bob'] WITHIN .0001 SECONDS", M),
            ("([person:name = 'alice'] AND [person:name = 'carol']) WITHIN 5 SECONDS", M),
            ("([person:name = 'alice'] AND [person:name = 'carol']) WITHIN 4.9999 SECONDS", N),
            ("([person:name = 'alice'] AND [person:name = 'bob']) WITHIN 9 SECONDS", N),
            ("[person:name = 'alice'] WITHIN 0 SECONDS", E),
            ("[person:name = 'alice'] REPEATS 0 TIMES", E),
            ("[person:name = 'carol'] START t'2000-01-01T00:00:05Z' STOP t'2000-01-01T00:00:06Z'", M),
            ("[person:name = 'carol'] START t'2000-01-01T00:00:04Z' STOP t'2000-01-01T00:00:05Z'", N),
            ("[person:name = 'carol'] START t'2000-01-01T00:00:05Z' STOP t'2000-01-01T00:00:05Z'", N),
            ("[person:name = 'carol'] START t'2000-01-01T00:00:06Z' STOP t'2000-01-01T00:00:05Z'", N),
            ("([person:name LIKE 'a%'] AND [person:name = 'carol']) START t'2000-01-01T00:00:00Z' STOP t'2000-01-01T00:00:06Z'", M),
            ("([person:name LIKE 'a%'] AND [person:name = 'carol']) START t'2000-01-01T00:00:00Z' STOP t'2000-01-01T00:00:05Z'", N),
            ("[person:name MATCHES ''] REPEATS 3 TIMES", M),
            ("[person:name MATCHES ''] REPEATS 4 TIMES", N),
            ("[person:name MATCHES ''] REPEATS 2 TIMES START t'2000-01-01T00:00:00Z' STOP t'2000-01-01T00:00:06Z'", M),
            ("[person:name NOT LIKE 'x'] START t'2000-01-01T00:00:00Z' STOP t'2000-01-01T00:00:06Z' REPEATS 3 TIMES", N),
            ("[person:name = 'hannah'] START t'2000-01-01T00:00:00Z'", P),
            ("[person:name = 'alice'] WITHIN 1 second", P),
        ],
    );
}

#[test]
fn number_observed_counts_and_hard_combinations_are_decided() {
    let person = |name: &str, age: i64| json!({"p": {"type": "person", "name": name, "age": age}});
    let f = [
        obs(0, 0, 0, 2, person("alice", 10)),
        obs(1, 0, 0, 3, person("bob", 17)),
        obs(2, 0, 0, 1, person("carol", 22)),
    ];
    check(
        &f,
        &[
            ("[person:age < 20] REPEATS 5 TIMES", M),
            ("[person:age < 20] REPEATS 2 TIMES REPEATS 2 TIMES", M),
            (
                "[person:name > 'aaron'] REPEATS 5 TIMES WITHIN 1 SECONDS",
                M,
            ),
            (
                "([person:age < 30] AND [person:name > 'aaron']) WITHIN 2 SECONDS REPEATS 3 TIMES",
                M,
            ),
            ("[person:name = 'alice'] AND [person:age = 10]", M),
            ("[person:age < 20] REPEATS 6 TIMES", N),
            ("[person:age < 20] REPEATS 2 TIMES REPEATS 3 TIMES", N),
        ],
    );
    let many: Vec<Observed> = (0..20)
        .map(|i| {
            obs(
                i,
                i as i64,
                i as i64,
                1,
                json!({"p": {"type": "person", "age": i}}),
            )
        })
        .collect();
    let ten_and = ["[person:age < 20]"; 10].join(" AND ");
    check(
        &many,
        &[
            ("[person:age < 20] REPEATS 10 TIMES", M),
            ("[person:age < 20] REPEATS 10 TIMES WITHIN 9 SECONDS", M),
            ("[person:age < 20] REPEATS 10 TIMES WITHIN 8 SECONDS", N),
            (
                "[person:age < 20] REPEATS 10 TIMES FOLLOWEDBY [person:age < 20]",
                M,
            ),
            ("[person:age < 20] REPEATS 5 TIMES REPEATS 2 TIMES", M),
            (ten_and.as_str(), M),
            (
                "([person:age < 20] FOLLOWEDBY [person:age > 5]) REPEATS 10 TIMES",
                M,
            ),
        ],
    );
}

#[test]
fn the_binding_found_is_the_earliest() {
    let person = |name: &str| json!({"p": {"type": "person", "name": name}});
    let f = [
        obs(0, 0, 0, 1, person("alice")),
        obs(1, 1, 1, 1, person("bob")),
        obs(2, 2, 2, 1, person("carol")),
        obs(3, 3, 3, 1, person("alice")),
    ];
    let one = |p: &str| batch::naive(&Compiled::new(&crate::parse(p).unwrap()).unwrap(), &f);
    assert_eq!(one("[person:name = 'alice']"), Outcome::Matched(vec![0]));
    assert_eq!(
        one("[person:name = 'bob'] AND [person:name = 'carol']"),
        Outcome::Matched(vec![1, 2])
    );
    assert_eq!(
        one("[person:name = 'alice'] REPEATS 2 TIMES"),
        Outcome::Matched(vec![0, 3])
    );
    assert_eq!(
        one("[person:name = 'carol'] FOLLOWEDBY [person:name = 'alice']"),
        Outcome::Matched(vec![2, 3])
    );
}
