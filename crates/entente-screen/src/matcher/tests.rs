//! The scorer on names from the seed reports and their distractors.

use super::*;

fn person(id: &str, names: &[&str], born: Option<&str>, nat: &[&str]) -> Entry {
    Entry {
        id: id.into(),
        kind: Kind::Person,
        names: names.iter().map(|n| (*n).to_owned()).collect(),
        birth_date: born.map(|b| PartialDate::parse(b).unwrap()),
        nationality: nat.iter().map(|n| (*n).to_owned()).collect(),
    }
}

fn register() -> Register {
    let mut entries = vec![
        person("morgulov", &["Igor Morgulov"], Some("1961-05-01"), &["RU"]),
        person("cheng", &["Cheng Guoping"], Some("1952"), &["CN"]),
        person("khan", &["Muhammad Khan Zadran"], Some("1975"), &["AF"]),
        person("rashid", &["Abdul Aziz al-Rashid"], None, &[]),
        person("zeng", &["曾庆红"], None, &["CN"]),
        Entry {
            id: "vostok".into(),
            kind: Kind::Organization,
            names: vec!["Vostok Invest LLC".into()],
            birth_date: None,
            nationality: vec![],
        },
    ];
    // Common names, so that rarity weights mean something.
    for (i, n) in [
        "Igor Petrov",
        "Igor Ivanov",
        "Muhammad Ali",
        "Muhammad Hassan",
        "Muhammad Karim",
        "Cheng Long",
        "Wang Guoping",
        "Sergei Ivanov",
    ]
    .iter()
    .enumerate()
    {
        entries.push(person(&format!("other-{i}"), &[n], None, &[]));
    }
    Register::new(entries)
}

fn top(r: &Register, name: &str) -> Option<(String, f64)> {
    let q = Query {
        name: name.into(),
        birth_date: None,
        nationality: vec![],
    };
    r.screen(&q, 0.0, 1)
        .into_iter()
        .next()
        .map(|m| (r.entries()[m.entry].id.clone(), m.score))
}

#[test]
fn finds_listed_people_across_scripts_orders_and_spellings() {
    let r = register();
    for (query, id) in [
        ("Igor Morgulov", "morgulov"),
        ("Моргулов Игорь Владимирович", "morgulov"),
        ("MORGULOV, Igor", "morgulov"),
        ("Igor Morgulow", "morgulov"),
        ("程国平", "cheng"),
        ("Guoping Cheng", "cheng"),
        ("Cheng Guo-ping", "cheng"),
        ("Zeng Qinghong", "zeng"),
        ("عبد العزيز الرشيد", "rashid"),
        ("Abdelaziz Rashid", "rashid"),
        ("ООО Восток-Инвест", "vostok"),
    ] {
        let got = top(&r, query);
        assert!(
            got.as_ref().is_some_and(|(g, s)| g == id && *s >= 0.8),
            "{query}: {got:?}"
        );
    }
}

#[test]
fn does_not_flag_other_people() {
    let r = register();
    for query in [
        "Igor Morozov",
        "Cheng Guoqiang",
        "Sergei Petrov",
        "Wang Jun",
    ] {
        let q = Query {
            name: query.into(),
            birth_date: None,
            nationality: vec![],
        };
        let hits = r.screen(&q, 0.8, 5);
        assert!(hits.is_empty(), "{query}: {hits:?}");
    }
}

#[test]
fn birth_dates_decades_apart_lower_the_score() {
    let r = register();
    let q = |born: &str| Query {
        name: "Igor Morgulov".into(),
        birth_date: Some(PartialDate::parse(born).unwrap()),
        nationality: vec!["RU".into()],
    };
    let same = r.screen(&q("1961-05-01"), 0.0, 1);
    let far = r.screen(&q("1995"), 0.0, 1);
    assert_eq!(same[0].birth_date, Evidence::Agrees);
    assert_eq!(far[0].birth_date, Evidence::Differs);
    assert!(same[0].score >= 0.99, "{same:?}");
    assert!(far[0].score < 0.8, "{far:?}");
}

#[test]
fn a_match_explains_which_part_met_which() {
    let r = register();
    let q = Query {
        name: "Моргулов Игорь".into(),
        birth_date: None,
        nationality: vec![],
    };
    let m = &r.screen(&q, 0.5, 1)[0];
    assert_eq!(m.name, "Igor Morgulov");
    let mut met: Vec<(String, String)> = m
        .parts
        .iter()
        .map(|p| (p.query.clone(), p.listed.clone()))
        .collect();
    met.sort();
    assert_eq!(
        met,
        vec![
            ("igor".into(), "igor".into()),
            ("morgulov".into(), "morgulov".into())
        ]
    );
    assert!(m.unmatched.is_empty());
}

#[test]
fn dates_are_read_or_refused() {
    assert_eq!(
        PartialDate::parse("1970-03").unwrap(),
        PartialDate {
            year: 1970,
            month: Some(3),
            day: None
        }
    );
    for bad in [
        "",
        "70",
        "1970-13",
        "1970-03-32",
        "1970/03/01",
        "1970-03-01-02",
    ] {
        assert!(PartialDate::parse(bad).is_err(), "{bad}");
    }
}
