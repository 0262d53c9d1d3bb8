//! The corridor index at scale (issue 16, item 5: an incident against 10,000 pipeline segments in
//! under 1 ms): `--pipelines` pipelines of `--segments` segments each, wandering across Central
//! Asia with 5 km corridors, then `--incidents` incidents at random places in the same box; prints
//! the time to build the index and p50 / p99 / max of one incident's query.
//!
//!   cargo run --release -p entente-assets --example corridor_bench -- --pipelines 20 --segments 500 --incidents 100000
#![allow(clippy::unwrap_used, clippy::expect_used)]

use entente_assets::{Asset, Corridors};
use serde_json::json;
use std::time::Instant;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift), so that runs compare.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn main() {
    let (pipes, segs, incidents) = (
        arg("--pipelines", 20),
        arg("--segments", 500),
        arg("--incidents", 100_000),
    );
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let assets: Vec<Asset> = (0..pipes)
        .map(|i| {
            let (mut x, mut y) = (60.0 + r.next() * 5.0, 37.0 + r.next() * 10.0);
            let coords: Vec<[f64; 2]> = (0..=segs)
                .map(|_| {
                    x = (x + 0.02 + r.next() * 0.04).min(95.0);
                    y = (y + (r.next() - 0.5) * 0.05).clamp(35.0, 50.0);
                    [x, y]
                })
                .collect();
            Asset::from_stix(&json!({
                "type": "x-entente-asset", "id": format!("x-entente-asset--{i}"), "name": format!("pipeline {i}"),
                "kind": "pipeline", "geometry": {"type": "LineString", "coordinates": coords},
                "corridor_m": 5000, "owners": ["KZ", "CN"], "criticality": "critical",
            }))
            .unwrap()
        })
        .collect();
    let t = Instant::now();
    let c = Corridors::new(&assets);
    println!(
        "{} segments in {} pipelines indexed in {:.1} ms",
        c.segments(),
        pipes,
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut times = Vec::with_capacity(incidents);
    let mut hits = 0;
    for _ in 0..incidents {
        let (x, y) = (60.0 + r.next() * 30.0, 35.0 + r.next() * 15.0);
        let t = Instant::now();
        let near = c.near(x, y);
        times.push(t.elapsed().as_secs_f64() * 1e6);
        hits += usize::from(!near.is_empty());
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "{incidents} incidents: {hits} in a corridor; per incident p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        pct(0.5),
        pct(0.99),
        times[times.len() - 1]
    );
}
