//! Detection latency in the node (issue 16): a node of the demo organization holding
//! `--indicators` indicators (addresses, domains and file hashes compared with `=`, some `LIKE`
//! and `ISSUBSET`), then `--observations` observed-data posted one at a time by an analyst, each
//! an envelope of the observation and its SCO, half of them naming a value some indicator names.
//! Prints the time to build the index, p50 / p99 / max of matching alone, then of the whole ingest of one
//! observation — matching it, and storing it with its sighting when it matches (one durable
//! transaction for both: the sighting is written when the observation is) — for observations that
//! match and for those that do not; the difference is what a sighting costs. Then checks that
//! every matching observation has its sighting stored.
//!
//!   cargo run --release -p entente-node --example detection_latency -- --indicators 100000 --observations 2000
#![allow(clippy::unwrap_used, clippy::expect_used)]

use entente_core::{Charter, PartyCode, Role, UserRef, Viewer};
use entente_node::auth::Principal;
use entente_node::ingest::ingest;
use entente_node::node::NodeTreeHeadSigner;
use entente_node::{Node, Settings, COLLECTION_ID};
use entente_stix::sign::NodeSigner;
use entente_store_sqlite::SqliteStore;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ip(i: usize) -> String {
    format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() {
    let n_ind = arg("--indicators", 100_000);
    let n_obs = arg("--observations", 2_000);
    let party = PartyCode::parse("KZ").unwrap();
    let mut charter = Charter::parse(include_str!("../../../examples/sco.toml")).unwrap();
    let signer = Arc::new(NodeSigner::generate(party.clone()));
    charter.set_key(
        &party,
        entente_core::CharterKey(*signer.verifying_key().as_bytes()),
    );
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(
        &dir.path().join("node.db"),
        Arc::new(NodeTreeHeadSigner(signer.clone())),
    )
    .await
    .unwrap();
    let node = Arc::new(Node::new(charter, signer, Arc::new(store), Settings::default()).unwrap());
    let analyst = Principal {
        viewer: Viewer::User {
            user: UserRef::new(party.clone(), "analyst").unwrap(),
            tier: node.tier(),
            role: Role::Analyst,
        },
    };
    let green = entente_core::Tlp::Green.marking_ref();
    let started = Instant::now();
    for from in (0..n_ind).step_by(1000) {
        let batch: Vec<Value> = (from..(from + 1000).min(n_ind))
            .map(|i| {
                let pattern = match i % 10 {
                    0..=5 => format!("[ipv4-addr:value = '{}']", ip(i)),
                    6 | 7 => format!("[domain-name:value = 'host-{i}.example']"),
                    8 => format!("[file:hashes.MD5 = '{:032x}']", i),
                    _ => format!("[domain-name:value LIKE '%.zone-{i}.example']"),
                };
                json!({
                    "type": "indicator", "spec_version": "2.1",
                    "id": format!("indicator--{:08x}-0000-4000-8000-000000000000", i),
                    "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
                    "pattern": pattern, "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z",
                    "object_marking_refs": [green],
                })
            })
            .collect();
        let done = ingest(&node, &analyst, COLLECTION_ID, batch, None)
            .await
            .unwrap();
        assert!(done.results.iter().all(|r| r.ok));
    }
    println!(
        "{n_ind} indicators stored in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let built = entente_node::detection::index(&node).await.unwrap();
    println!("index built in {:.2} s", t.elapsed().as_secs_f64());
    let mut matching_only = Vec::new();

    let (mut hit, mut miss) = (Vec::new(), Vec::new());
    for k in 0..n_obs {
        let matching = k % 2 == 0;
        let value = if matching {
            ip((k * 7919) % n_ind / 10 * 10)
        } else {
            format!("192.0.2.{}", k % 250)
        };
        let addr = format!("ipv4-addr--{:08x}-0000-5000-8000-000000000000", k);
        let od = json!({
            "type": "observed-data", "spec_version": "2.1",
            "id": format!("observed-data--{:08x}-0000-4000-8000-000000000000", k),
            "created": "2026-12-01T10:00:00.000Z", "modified": "2026-12-01T10:00:00.000Z",
            "first_observed": "2026-12-01T10:00:00Z", "last_observed": "2026-12-01T10:00:00Z",
            "number_observed": 1, "object_refs": [addr],
            "object_marking_refs": [green],
        });
        let sco = json!({"type": "ipv4-addr", "spec_version": "2.1", "id": addr, "value": value});
        // The match alone, as the node runs it on an observation and its SCO.
        let t = Instant::now();
        let obs = entente_pattern::observed::Observed::read(&od, &|_| Some(sco.clone())).unwrap();
        let seen = built.matcher().observe(&obs);
        matching_only.push(t.elapsed().as_secs_f64() * 1e6);
        assert_eq!(seen.hits.is_empty(), !matching);
        let t = Instant::now();
        let done = ingest(&node, &analyst, COLLECTION_ID, vec![sco, od], None)
            .await
            .unwrap();
        let us = t.elapsed().as_secs_f64() * 1e6;
        assert!(done.results.iter().all(|r| r.ok));
        if matching {
            hit.push(us)
        } else {
            miss.push(us)
        }
    }
    let sightings = node
        .store
        .scan(
            COLLECTION_ID,
            &entente_store::ScanFilter {
                types: vec!["sighting".into()],
                ..Default::default()
            },
            None,
            1_000_000,
        )
        .await
        .unwrap()
        .len();
    assert_eq!(
        sightings,
        hit.len(),
        "every matching observation has its sighting"
    );
    println!("{sightings} sightings stored, one per matching observation, each in its observation's transaction");
    for (what, v) in [
        (
            "matching alone (the observation read, the index asked, the hits checked)",
            &mut matching_only,
        ),
        (
            "an observation that matches (matched, stored with its sighting)",
            &mut hit,
        ),
        (
            "an observation that matches nothing (matched, stored)",
            &mut miss,
        ),
    ] {
        v.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{what}: {} runs, p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
            v.len(),
            percentile(v, 0.5),
            percentile(v, 0.99),
            v[v.len() - 1]
        );
    }
}
