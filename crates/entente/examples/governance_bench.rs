//! Governance benchmarks (figures in docs/benchmarks.md), in process on the secretariat's node of
//! the demo charter over SQLite in a temporary directory, with every member state's key:
//!
//! - `list`: a node holding N decisions (default 10,000), each adopted by the eight members'
//!   signed ballots (9 objects a decision); times listing them all with their tallies
//!   (`entente_node::governance::decisions`, what `GET /api/v1/decisions` answers, without HTTP);
//! - `charter`: a node holding M adopted decisions (default 1,000) of every effect kind that
//!   changes the charter (presidency orders, tier changes, designations and delistings); times
//!   deriving the effective charter at start (`governance::refresh`: reading every decision's
//!   objects, then deriving), again after each new decision is stored (reading only what was
//!   added, as a node does on every ballot), and the derivation alone
//!   (`decision::effects::effective`) on the threads already read.
//!
//! Each figure is the median and the maximum of 9 runs after one warm-up.
//!
//! Usage: cargo run --release -p entente --example governance_bench -- [N] [M]

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use entente_core::{Charter, PartyCode, Role, UserRef, Viewer};
use entente_node::auth::Principal;
use entente_node::node::NodeTreeHeadSigner;
use entente_node::{governance, Node, Settings, COLLECTION_ID};
use entente_stix::identity::party_identity_id;
use entente_stix::{NodeSigner, Timestamp};
use entente_store::Store;
use entente_store_sqlite::SqliteStore;
use entente_workflow::decision::objects::{self, Proposal};
use entente_workflow::decision::{Decisions, Effect, Procedure, Vote};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

const CHARTER: &str = include_str!("../../../examples/sco.toml");
const MEMBERS: [&str; 8] = ["CN", "IN", "KG", "KZ", "PK", "RU", "TJ", "UZ"];

fn code(s: &str) -> PartyCode {
    PartyCode::parse(s).unwrap()
}

struct Bench {
    node: Arc<Node>,
    signers: HashMap<String, NodeSigner>,
    principal: Principal,
    _dir: tempfile::TempDir,
}

async fn node() -> Bench {
    let mut charter = Charter::parse(CHARTER).unwrap();
    let mut signers = HashMap::new();
    for p in charter
        .parties()
        .map(|p| p.code.clone())
        .collect::<Vec<_>>()
    {
        let s = NodeSigner::generate(p.clone());
        charter.set_key(&p, entente_core::CharterKey(*s.verifying_key().as_bytes()));
        signers.insert(p.as_str().to_owned(), s);
    }
    let dir = tempfile::tempdir().unwrap();
    // The secretariat's node: every decision and ballot is another state's, carried to it.
    let hub = Arc::new(NodeSigner::new(
        code("SECRETARIAT"),
        ed25519_dalek::SigningKey::from_bytes(&signers["SECRETARIAT"].secret_bytes()),
    ));
    let store = SqliteStore::open(
        &dir.path().join("node.db"),
        Arc::new(NodeTreeHeadSigner(hub.clone())),
    )
    .await
    .unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let node = Arc::new(Node::new(charter, hub, store, Settings::default()).unwrap());
    let principal = Principal {
        viewer: Viewer::User {
            user: UserRef::new(code("SECRETARIAT"), "bench").unwrap(),
            tier: entente_core::Tier::Secretariat,
            role: Role::Admin,
        },
    };
    Bench {
        node,
        signers,
        principal,
        _dir: dir,
    }
}

fn at(base_ns: i64, s: i64) -> String {
    Timestamp::from_nanos(base_ns + s * 1_000_000_000).to_stix_string()
}

impl Bench {
    /// One decision with `effect`, opened at `t` seconds, adopted by every member a second apart:
    /// the signed objects.
    fn decision(&self, i: usize, t: i64, effect: Effect) -> Vec<Value> {
        let base = 1_500_000_000i64 * 1_000_000_000;
        let id = format!("x-entente-decision--00000000-0000-4000-8000-{i:012}");
        let proposal = Proposal {
            title: format!("Decision {i}"),
            description: String::new(),
            procedure: Procedure::Consensus,
            deadline: Timestamp::parse(&at(base, t + 86_400)).unwrap(),
            effect,
        };
        let members: Vec<PartyCode> = MEMBERS.iter().map(|m| code(m)).collect();
        let mut out = vec![objects::decision_object(
            &id,
            &proposal,
            &code("CN"),
            &members,
            &at(base, t),
        )];
        for (k, m) in MEMBERS.iter().enumerate() {
            let when = at(base, t + 1 + k as i64);
            out.push(objects::ballot_object(
                &format!("x-entente-ballot--00000000-0000-4000-8{k:03x}-{i:012}"),
                &id,
                &code(m),
                Vote::Approve,
                None,
                &when,
                &when,
            ));
        }
        for o in &mut out {
            let o = o.as_object_mut().unwrap();
            let by = o
                .get("created_by_ref")
                .and_then(Value::as_str)
                .unwrap()
                .to_owned();
            let party = MEMBERS
                .iter()
                .find(|m| party_identity_id(&code(m)) == by)
                .unwrap();
            self.signers[*party].sign_object(o).unwrap();
        }
        out
    }

    async fn store(&self, objects: Vec<Value>) {
        for chunk in objects.chunks(1000) {
            let done = entente_node::ingest::ingest(
                &self.node,
                &self.principal,
                COLLECTION_ID,
                chunk.to_vec(),
                None,
            )
            .await
            .unwrap();
            if let Some(bad) = done.results.iter().find(|r| !r.ok) {
                panic!("{}: {}", bad.id, bad.message);
            }
        }
    }
}

/// Runs `f` once to warm up, then 9 times; prints the median and the maximum.
async fn time<F, Fut, T>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    f().await;
    let mut ms = Vec::new();
    for _ in 0..9 {
        let t = Instant::now();
        f().await;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    println!("{what}: median {:.1} ms, max {:.1} ms", ms[4], ms[8]);
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("counts"))
        .collect();
    let n = args.first().copied().unwrap_or(10_000);
    let m = args.get(1).copied().unwrap_or(1_000);

    // List: N decisions with their tallies.
    let b = node().await;
    let t = Instant::now();
    let mut objects = Vec::new();
    for i in 0..n {
        objects.extend(b.decision(i, i as i64 * 60, Effect::Statement));
    }
    b.store(objects).await;
    println!(
        "stored {n} decisions, {} objects, in {:.1} s",
        n * 9,
        t.elapsed().as_secs_f64()
    );
    let filter = governance::Filter::default();
    time(
        &format!("list {n} decisions with their tallies"),
        || async {
            let (body, ids) = governance::decisions_body(&b.node, &b.principal, &filter)
                .await
                .unwrap();
            assert_eq!(ids.len(), n);
            assert!(body.len() > n * 100);
        },
    )
    .await;
    drop(b);

    // Charter: M adopted decisions that change it.
    let b = node().await;
    let mut objects = Vec::new();
    let orders = [
        ["KG", "RU", "TJ", "UZ", "IN", "KZ", "CN", "PK"],
        ["CN", "PK", "KG", "RU", "TJ", "UZ", "IN", "KZ"],
    ];
    for i in 0..m {
        let effect = match i % 4 {
            0 => Effect::Presidency {
                order: orders[i % 2].iter().map(|c| code(c)).collect(),
                epoch_year: 2018,
            },
            1 => Effect::Designate {
                entry: format!("x-entente-register-entry--00000000-0000-4000-8000-{i:012}"),
            },
            2 => Effect::Admit {
                application: format!("x-entente-application--00000000-0000-4000-8000-{i:012}"),
                state: code("MN"),
                name: "Mongolia".into(),
                tier: if i % 8 == 2 {
                    entente_core::Tier::DialoguePartner
                } else {
                    entente_core::Tier::Observer
                },
                key: None,
            },
            _ => Effect::Delist {
                entry: format!(
                    "x-entente-register-entry--00000000-0000-4000-8000-{:012}",
                    i - 2
                ),
            },
        };
        // Each decision closes before the next opens: the members stay the eight.
        objects.extend(b.decision(i, i as i64 * 60, effect));
    }
    b.store(objects).await;
    let t = Instant::now();
    let c = governance::refresh(&b.node, true).await.unwrap();
    assert_eq!(c.effective.applied.len(), m);
    println!(
        "derive the effective charter at start, reading all {m} adopted decisions ({} objects): {:.1} ms",
        m * 9,
        t.elapsed().as_secs_f64() * 1000.0
    );
    let mut next = m;
    let mut ms = Vec::new();
    for _ in 0..9 {
        b.store(b.decision(next, next as i64 * 60, Effect::Statement))
            .await;
        next += 1;
        let t = Instant::now();
        let c = governance::refresh(&b.node, false).await.unwrap();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(c.effective.applied.len(), next);
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "derive the effective charter again after a new decision and its 8 ballots, {m}+ adopted held: median {:.1} ms, max {:.1} ms",
        ms[4], ms[8]
    );
    let threads = entente_node::workflow::threads(&b.node, &b.principal, &Decisions, None)
        .await
        .unwrap();
    let now = b.node.now_us() * 1000;
    time(
        &format!("derive the effective charter from {m} decisions already read"),
        || async {
            let e = entente_workflow::decision::effects::effective(
                &b.node.charter,
                threads.values(),
                now,
            );
            assert_eq!(e.applied.len(), next);
        },
    )
    .await;
}
