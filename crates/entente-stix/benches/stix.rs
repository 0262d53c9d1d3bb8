//! Per-object costs of taking an object in: parse, validate, canonicalize, sign, verify.
//! `cargo bench -p entente-stix`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ed25519_dalek::SigningKey;
use entente_core::PartyCode;
use entente_stix::canonical::canonical_json;
use entente_stix::{validate, KeyRing, NodeSigner};
use serde_json::{json, Map, Value};

fn indicator() -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2019-06-14T08:00:00.000Z", "modified": "2019-06-14T08:00:00.000Z",
        "name": "C2 address 1", "description": "Command-and-control address reported by a member state's CERT.",
        "indicator_types": ["malicious-activity"], "pattern": "[ipv4-addr:value = '10.0.0.1']",
        "pattern_type": "stix", "valid_from": "2019-06-14T08:00:00Z", "labels": ["c2", "benchmark"],
        "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
    })
}

fn bench(c: &mut Criterion) {
    let text = indicator().to_string();
    let signer = NodeSigner::new(
        PartyCode::parse("KZ").unwrap(),
        SigningKey::from_bytes(&[3; 32]),
    );
    let mut ring = KeyRing::default();
    ring.add(PartyCode::parse("KZ").unwrap(), signer.verifying_key());
    let mut signed: Map<String, Value> = indicator().as_object().unwrap().clone();
    signer.sign_object(&mut signed).unwrap();

    c.bench_function("parse", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(&text)).unwrap())
    });
    c.bench_function("validate", |b| {
        b.iter(|| validate(black_box(indicator())).unwrap())
    });
    c.bench_function("canonical_json", |b| {
        b.iter(|| canonical_json(black_box(&Value::Object(signed.clone()))).unwrap())
    });
    c.bench_function("sign_object", |b| {
        b.iter(|| {
            let mut o = indicator().as_object().unwrap().clone();
            signer.sign_object(&mut o).unwrap()
        })
    });
    c.bench_function("verify", |b| {
        b.iter(|| ring.verify(black_box(&signed)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
