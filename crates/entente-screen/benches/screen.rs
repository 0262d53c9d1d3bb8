//! Screening speed on a synthetic register: index build time and memory; the latency of each of
//! 2,000 varied queries (listed names, typing mistakes, reordered, Cyrillic, unlisted) one at a
//! time, as p50/p99/max; the same queries in batch over every core; then criterion on five.
//! `ENTENTE_BENCH_ENTRIES` sets the register size (default 100,000). The name-variant table is
//! used when `scripts/fetch-name-variants` has fetched it (or `ENTENTE_NAME_VARIANTS` names it).
//!
//! The register mixes Russian, Central Asian, Chinese (pinyin and characters) and Arabic names,
//! built from small lists of given names and surnames with a numbered suffix so that surnames
//! are mostly distinct, as in a real list, while given names repeat.

// A benchmark reads the clock to measure; the crate's rules may not (clippy.toml).
#![allow(clippy::disallowed_methods)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{criterion_group, criterion_main, Criterion};
use entente_screen::groups::NameGroups;
use entente_screen::matcher::{Entry, Query, Register};
use entente_screen::parts::Kind;
use rayon::prelude::*;
use std::hint::black_box;
use std::sync::Arc;
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

fn groups() -> Arc<NameGroups> {
    let path = std::env::var("ENTENTE_NAME_VARIANTS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/name-variants/person_names.txt"
        )
        .into()
    });
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let g = NameGroups::parse(&text).expect("the name-variant table");
            println!("name-variant table: {} groups from {path}", g.size().0);
            Arc::new(g)
        }
        Err(_) => {
            println!("name-variant table: none ({path} not found)");
            Arc::new(NameGroups::default())
        }
    }
}

/// Peak resident memory of this process, from /proc (Linux), in MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// 2,000 queries drawn from the register (as listed, with a typing mistake, surname first) and
/// names that are not listed, in a fixed order.
fn queries(entries: &[Entry]) -> Vec<(&'static str, Query)> {
    let q = |name: String| Query {
        name,
        birth_date: None,
        nationality: Vec::new(),
    };
    let mut out = Vec::new();
    let n = entries.len();
    for k in 0..400 {
        let name = &entries[(k * 7919 + 13) % n].names[0];
        out.push(("listed", q(name.clone())));
        out.push(("typo", q(name.replacen('a', "e", 1).replacen('o', "u", 1))));
        let mut words: Vec<&str> = name.split(' ').collect();
        words.rotate_left(1);
        out.push(("surname first", q(words.join(" "))));
        out.push((
            "cyrillic",
            q(format!("Моргулов{} Игорь", ["", "а", "ич"][k % 3])),
        ));
        out.push((
            "unlisted",
            q(format!("{} Smirnovsky{k}", GIVEN[k % GIVEN.len()])),
        ));
    }
    out
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("ENTENTE_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let entries = register(n);
    let probe = entries[n / 2].names[0].clone();
    let qs = queries(&entries);
    let groups = groups();
    let t = Instant::now();
    let r = Register::with_groups(entries, groups);
    println!(
        "index build: {n} entries in {:.2} s; peak RSS {:.0} MB",
        t.elapsed().as_secs_f64(),
        peak_rss_mb().unwrap_or(f64::NAN)
    );

    // One at a time, on one core.
    let mut by_kind: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    let mut all = Vec::with_capacity(qs.len());
    for (kind, q) in &qs {
        let t = Instant::now();
        black_box(r.screen(q, 0.85, 10));
        let us = t.elapsed().as_secs_f64() * 1e6;
        by_kind.entry(kind).or_default().push(us);
        all.push(us);
    }
    let pct = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() as f64 - 1.0) * p).round() as usize]
    };
    println!(
        "single query, {} queries: p50 {:.0} us, p99 {:.0} us, max {:.0} us",
        all.len(),
        pct(&mut all, 0.5),
        pct(&mut all, 0.99),
        pct(&mut all, 1.0)
    );
    for (kind, v) in &mut by_kind {
        println!(
            "  {kind:<14} p50 {:>6.0} us  p99 {:>6.0} us",
            pct(v, 0.5),
            pct(v, 0.99)
        );
    }
    // In batch, over every core.
    let t = Instant::now();
    let rounds = 3;
    for _ in 0..rounds {
        qs.par_iter().for_each(|(_, q)| {
            black_box(r.screen(q, 0.85, 10));
        });
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "batch over {} threads: {:.0} queries/s; peak RSS {:.0} MB",
        rayon::current_num_threads(),
        (rounds * qs.len()) as f64 / secs,
        peak_rss_mb().unwrap_or(f64::NAN)
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
