//! Screening speed on a synthetic register: index build time, and one query at a time.
//! `ENTENTE_BENCH_ENTRIES` sets the register size (default 100,000).
//!
//! The register mixes Russian, Central Asian, Chinese (pinyin and characters) and Arabic names,
//! built from small lists of given names and surnames with a numbered suffix so that surnames
//! are mostly distinct, as in a real list, while given names repeat.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{criterion_group, criterion_main, Criterion};
use entente_screen::matcher::{Entry, Query, Register};
use entente_screen::parts::Kind;
use std::hint::black_box;
use std::time::Instant;

const GIVEN: &[&str] = &[
    "Igor",
    "Sergei",
    "Aleksandr",
    "Nursultan",
    "Askar",
    "Rustam",
    "Jamshed",
    "Guoping",
    "Wei",
    "Muhammad",
    "Abdul Aziz",
    "Omar",
    "Farhad",
    "Dilshod",
    "Timur",
    "Yerlan",
    "Bakhyt",
    "Li",
];
const SURNAME_ROOTS: &[&str] = &[
    "Morgul", "Ivan", "Petr", "Nazarbay", "Tokay", "Rakhmon", "Karim", "Abdullay", "Sultan",
    "Zhang", "Cheng", "Wang", "Rashid", "Hussein", "Khan", "Yusup", "Bekmur", "Temir",
];
const ENDINGS: &[&str] = &["ov", "ev", "in", "uly", "zoda", "", "i", "bek", "an"];

fn syllable(n: usize) -> &'static str {
    const S: &[&str] = &[
        "ka", "ra", "to", "mi", "sa", "lu", "ne", "bo", "da", "shi", "gu", "zhe", "ya", "ko", "ri",
        "mu", "te", "no", "pa", "vi",
    ];
    S[n % S.len()]
}

fn register(n: usize) -> Vec<Entry> {
    (0..n)
        .map(|i| {
            let surname = format!(
                "{}{}{}{}",
                SURNAME_ROOTS[i % SURNAME_ROOTS.len()],
                syllable(i / 7),
                syllable(i / 131),
                ENDINGS[i % ENDINGS.len()]
            );
            Entry {
                id: format!("e{i}"),
                kind: Kind::Person,
                names: vec![format!("{} {surname}", GIVEN[(i / 3) % GIVEN.len()])],
                birth_date: None,
                nationality: Vec::new(),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("ENTENTE_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let entries = register(n);
    let probe = entries[n / 2].names[0].clone();
    let t = Instant::now();
    let r = Register::new(entries);
    println!(
        "index build: {n} entries in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let queries = [
        ("listed name", probe.clone()),
        ("typo", probe.replacen('a', "e", 1)),
        ("common given name only", "Muhammad".to_owned()),
        ("cyrillic", "Моргулов Игорь".to_owned()),
        ("unlisted", "Pyotr Smirnov".to_owned()),
    ];
    for (label, name) in queries {
        let q = Query {
            name,
            birth_date: None,
            nationality: Vec::new(),
        };
        c.bench_function(&format!("screen {n}: {label}"), |b| {
            b.iter(|| black_box(r.screen(black_box(&q), 0.85, 10)))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
