//! A TAXII 2.1 load generator for the benchmarks (`bench/taxii.sh`): the same workload against
//! any TAXII 2.1 server, so Entente and the OASIS reference server `medallion` are measured alike.
//!
//! Phases: ingest `--objects` STIX indicators in envelopes of `--envelope` (with `--concurrency`
//! posts in flight); page through the whole collection `--page` at a time; fetch `--gets` random
//! objects by id one after another (median and p99 latency); read the server's peak resident
//! memory from `/proc/PID/status` when `--pid` is given. Prints one JSON line of figures.
//! `--relationships 1` makes every other object a relationship between the indicator before it
//! and one of a hundred threat actors (what the store's index of references costs at ingest).
//! `--collection` given more than once: the servers of one node (several processes on one
//! PostgreSQL database), taken in turn by every request — posts, pages (a `next` from one server
//! is followed on the next) and GETs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::time::{Duration, Instant};

const TAXII: &str = "application/taxii+json;version=2.1";
const TLP_GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
const TLP_AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

struct Args {
    collections: Vec<String>,
    auth: String,
    objects: usize,
    envelope: usize,
    page: usize,
    gets: usize,
    concurrency: usize,
    pid: Option<u32>,
    label: String,
    relationships: bool,
    /// The marking-definition id every object carries.
    marking: String,
}

fn parse_args() -> Args {
    let mut a = Args {
        collections: Vec::new(),
        auth: String::new(),
        objects: 20_000,
        envelope: 1000,
        page: 1000,
        gets: 2000,
        concurrency: 4,
        pid: None,
        label: "server".into(),
        relationships: false,
        marking: TLP_GREEN.into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--collection" => a.collections.push(v),
            "--auth" => a.auth = v,
            "--objects" => a.objects = v.parse().unwrap(),
            "--envelope" => a.envelope = v.parse().unwrap(),
            "--page" => a.page = v.parse().unwrap(),
            "--gets" => a.gets = v.parse().unwrap(),
            "--concurrency" => a.concurrency = v.parse().unwrap(),
            "--pid" => a.pid = Some(v.parse().unwrap()),
            "--label" => a.label = v,
            "--relationships" => a.relationships = v == "1",
            "--marking" => {
                a.marking = match v.as_str() {
                    "green" => TLP_GREEN.into(),
                    "amber" => TLP_AMBER.into(),
                    other => panic!("--marking is green or amber, not {other}"),
                }
            }
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(
        !a.collections.is_empty(),
        "--collection URL (ending in /) is required"
    );
    a
}

fn indicator(i: usize, marking: &str) -> Value {
    let id = uuid::Uuid::new_v4();
    json!({
        "type": "indicator", "spec_version": "2.1", "id": format!("indicator--{id}"),
        "created": "2019-06-14T08:00:00.000Z", "modified": "2019-06-14T08:00:00.000Z",
        "name": format!("C2 address {i}"),
        "description": "Command-and-control address reported by a member state's CERT.",
        "indicator_types": ["malicious-activity"],
        "pattern": format!("[ipv4-addr:value = '10.{}.{}.{}']", (i >> 16) & 255, (i >> 8) & 255, i & 255),
        "pattern_type": "stix", "valid_from": "2019-06-14T08:00:00Z",
        "labels": ["c2", "benchmark"],
        "object_marking_refs": [marking],
    })
}

/// Object `i` of the workload: an indicator, or with `--relationships 1` every other one a
/// relationship from the indicator before it to one of a hundred threat actors.
fn object(i: usize, relationships: bool, marking: &str, last: &mut String) -> Value {
    if relationships && i % 2 == 1 {
        let actor = format!("threat-actor--00000000-0000-4000-8000-{:012}", i % 100);
        return json!({
            "type": "relationship", "spec_version": "2.1",
            "id": format!("relationship--{}", uuid::Uuid::new_v4()),
            "created": "2019-06-14T08:00:00.000Z", "modified": "2019-06-14T08:00:00.000Z",
            "relationship_type": "indicates", "source_ref": last.clone(), "target_ref": actor,
            "object_marking_refs": [marking],
        });
    }
    let o = indicator(i, marking);
    *last = o["id"].as_str().unwrap_or_default().to_owned();
    o
}

/// A page as the load generator reads it: the whole body is parsed (so it must be valid JSON),
/// but the objects are only counted, not built into a tree — the client's cost should not
/// dominate a measure of the server's paging.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(default)]
    objects: Vec<serde::de::IgnoredAny>,
    more: Option<bool>,
    next: Option<String>,
}

fn authed(rb: reqwest::RequestBuilder, auth: &str) -> reqwest::RequestBuilder {
    match auth.split_once(':') {
        Some(("bearer", t)) => rb.bearer_auth(t),
        Some(("basic", up)) => {
            let (u, p) = up.split_once(':').unwrap();
            rb.basic_auth(u, Some(p))
        }
        _ => panic!("--auth is bearer:TOKEN or basic:USER:PASSWORD"),
    }
}

fn peak_rss_mb(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = |key: &str| -> Option<f64> {
        status
            .lines()
            .find(|l| l.starts_with(key))?
            .split_whitespace()
            .nth(1)?
            .parse::<f64>()
            .ok()
    };
    Some((kb("VmHWM:")? / 1024.0, kb("VmRSS:")? / 1024.0))
}

/// CPU seconds (user + system) the process has used so far, from `/proc/PID/stat`.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let i = (last as f64 * p).round() as usize;
    Some(sorted[i].as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let a = parse_args();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(8)
        .build()
        .unwrap();
    let objects_urls: Vec<String> = a
        .collections
        .iter()
        .map(|c| format!("{c}objects/"))
        .collect();
    // The server of request `k`.
    let url_of = |k: usize| &objects_urls[k % objects_urls.len()];

    // Ingest.
    let mut ids = Vec::with_capacity(a.objects);
    let mut envelopes = Vec::new();
    let mut i = 0;
    while i < a.objects {
        let n = a.envelope.min(a.objects - i);
        let mut last = String::new();
        let objs: Vec<Value> = (i..i + n)
            .map(|k| object(k, a.relationships, &a.marking, &mut last))
            .collect();
        ids.extend(objs.iter().map(|o| o["id"].as_str().unwrap().to_owned()));
        envelopes.push(json!({ "objects": objs }).to_string());
        i += n;
    }
    let cpu_before = a.pid.and_then(cpu_seconds);
    let started = Instant::now();
    let mut checkpoints = Vec::new();
    let mut done = 0usize;
    // Keep `concurrency` posts in flight, as a client streaming a feed would.
    use futures::StreamExt;
    let mut responses = futures::stream::iter(envelopes.iter().enumerate().map(|(k, body)| {
        authed(http.post(url_of(k)), &a.auth)
            .header("Accept", TAXII)
            .header("Content-Type", TAXII)
            .body(body.clone())
            .send()
    }))
    .buffer_unordered(a.concurrency);
    while let Some(r) = responses.next().await {
        let r = r.unwrap();
        assert!(r.status().is_success(), "POST answered {}", r.status());
        let status: Value = r.json().await.unwrap();
        assert_eq!(status["failure_count"], 0, "{status}");
        done += status["success_count"].as_u64().unwrap() as usize;
        if checkpoints.last().is_none_or(|(n, _)| done >= n + 100_000) {
            checkpoints.push((done, started.elapsed()));
        }
    }
    let ingest_s = started.elapsed().as_secs_f64();
    // Server CPU per object ingested: steadier than throughput on a noisy machine.
    let ingest_cpu_us = match (cpu_before, a.pid.and_then(cpu_seconds)) {
        (Some(b), Some(e)) if done > 0 => Some(((e - b) * 1e6 / done as f64).round()),
        _ => None,
    };
    eprintln!(
        "ingest: {done} objects in {ingest_s:.1} s ({:.0} objects/s, server CPU {ingest_cpu_us:?} µs/object)",
        done as f64 / ingest_s
    );
    let last_chunk_rate = match checkpoints.as_slice() {
        [.., (n1, t1), _] if done > *n1 => (done - n1) as f64 / (ingest_s - t1.as_secs_f64()),
        _ => done as f64 / ingest_s,
    };

    // Paging through everything.
    let started = Instant::now();
    let mut seen = 0usize;
    let mut next: Option<String> = None;
    for k in 0.. {
        let mut rb = authed(http.get(url_of(k)), &a.auth)
            .header("Accept", TAXII)
            .query(&[("limit", a.page.to_string())]);
        if let Some(n) = &next {
            rb = rb.query(&[("next", n)]);
        }
        let body = rb.send().await.unwrap().bytes().await.unwrap();
        let env: Envelope = serde_json::from_slice(&body).unwrap();
        seen += env.objects.len();
        match (env.more, env.next) {
            (Some(true), Some(n)) => next = Some(n),
            _ => break,
        }
    }
    let paging_s = started.elapsed().as_secs_f64();
    assert!(
        seen >= a.objects,
        "paging returned {seen} of {} objects",
        a.objects
    );

    // GET by id.
    let mut lat = Vec::with_capacity(a.gets);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for k in 0..a.gets {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let id = &ids[(x % ids.len() as u64) as usize];
        let t = Instant::now();
        let r = authed(http.get(format!("{}{id}/", url_of(k))), &a.auth)
            .header("Accept", TAXII)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        let _ = r.bytes().await.unwrap();
        lat.push(t.elapsed());
    }
    lat.sort();
    let rss = a.pid.and_then(peak_rss_mb);
    let out = json!({
        "server": a.label,
        "servers": a.collections.len(),
        "objects": a.objects,
        "ingest_objects_per_s": (a.objects as f64 / ingest_s).round(),
        "ingest_last_100k_objects_per_s": last_chunk_rate.round(),
        "ingest_s": (ingest_s * 10.0).round() / 10.0,
        "ingest_server_cpu_us_per_object": ingest_cpu_us,
        "paging_objects_per_s": (seen as f64 / paging_s).round(),
        "paging_s": (paging_s * 10.0).round() / 10.0,
        "get_by_id_median_ms": percentile(&lat, 0.5).map(|ms| (ms * 1000.0).round() / 1000.0),
        "get_by_id_p99_ms": percentile(&lat, 0.99).map(|ms| (ms * 1000.0).round() / 1000.0),
        "peak_rss_mb": rss.map(|r| r.0.round()),
        "rss_at_end_mb": rss.map(|r| r.1.round()),
    });
    println!("{out}");
}
