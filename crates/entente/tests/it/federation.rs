//! Federation across real node processes on loopback: a hub and states' nodes, each its own
//! `entente serve`, linked with `entente peer add`. What each node holds is read from its database
//! (the ground truth of what reached it) and compared with a table, written by hand from DESIGN.md,
//! of which states each object is addressed to.

use crate::helpers::*;
use entente_core::marking::{TLP_AMBER, TLP_AMBER_STRICT, TLP_CLEAR, TLP_GREEN, TLP_RED};
use entente_stix::extension::ENTENTE_EXTENSION;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

pub const HUB: &str = "SECRETARIAT";

/// Several nodes of one organization: one charter holding every node's key, an analyst on each.
pub struct Fed {
    pub nodes: BTreeMap<&'static str, TestNode>,
    pub analysts: BTreeMap<&'static str, String>,
}

/// Fast polling, so that the backstop is exercised too; pokes are what make pulls immediate.
pub const FAST: [(&str, &str); 1] = [("ENTENTE_FEDERATION__POLL_SECONDS", "1")];

impl Fed {
    /// Initialises a node of each state and gives every node the charter with all their keys.
    pub fn init(states: &[&'static str]) -> Fed {
        Fed::init_with(SCO, states)
    }

    /// As [`Fed::init`], for the organization `charter` describes.
    pub fn init_with(charter: &str, states: &[&'static str]) -> Fed {
        let mut nodes: BTreeMap<&'static str, TestNode> = states
            .iter()
            .map(|s| (*s, TestNode::init(charter, s)))
            .collect();
        let mut charter = charter.to_owned();
        for (state, n) in &nodes {
            charter = charter.replacen(
                &format!("code = \"{state}\""),
                &format!("code = \"{state}\"\nkey = \"{}\"", n.key),
                1,
            );
        }
        let mut analysts = BTreeMap::new();
        for (state, n) in &mut nodes {
            std::fs::write(n.dir.join("charter.toml"), &charter).unwrap();
            analysts.insert(*state, n.add_user("analyst", "analyst").token);
        }
        Fed { nodes, analysts }
    }

    pub fn start(&mut self, env: &[(&str, &str)]) {
        for n in self.nodes.values_mut() {
            n.env = env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            n.serve();
        }
    }

    /// What every node holds before anything is shared: each node's own identity, which is
    /// TLP:CLEAR and so reaches every node.
    pub async fn identities(&self) -> Expected {
        let mut all = BTreeMap::new();
        for n in self.nodes.values() {
            let mine = held(n).await.into_iter();
            all.extend(mine.filter(|((id, _), o)| id.starts_with("identity--") && *o == n.state()));
        }
        assert_eq!(
            all.len(),
            self.nodes.len(),
            "one identity per node: {all:?}"
        );
        self.nodes.keys().map(|s| (*s, all.clone())).collect()
    }

    pub fn node(&self, state: &str) -> &TestNode {
        &self.nodes[state]
    }

    /// Makes `from` pull from `to` at `url` (by default `to`'s own), with a token `to` issues.
    pub fn link_via(&self, from: &str, to: &str, url: &str) {
        let token = self.node(to).add_peer(from);
        let (ok, _, err) = run(&[
            "peer",
            "add",
            "--dir",
            self.node(from).dir_str(),
            "--state",
            to,
            "--url",
            url,
            "--token",
            &token,
        ]);
        assert!(ok, "peer add {from} -> {to}: {err}");
    }

    pub fn link(&self, from: &str, to: &str) {
        let url = self.node(to).base_url();
        self.link_via(from, to, &url);
    }

    /// Hub and spokes: every state's node and the hub pull from each other.
    pub fn hub_and_spokes(&self) {
        for s in self.nodes.keys().filter(|s| **s != HUB) {
            self.link(s, HUB);
            self.link(HUB, s);
        }
    }
}

/// What a node holds: (id, version in nanoseconds) → originator. Fails if it holds an object
/// version twice.
pub async fn held(node: &TestNode) -> BTreeMap<(String, i64), String> {
    let mut db = node.database().await;
    let rows: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT id, version_ns, originator FROM objects")
            .fetch_all(&mut db.conn)
            .await
            .unwrap();
    let n = rows.len();
    let mut held = BTreeMap::new();
    for (i, v, o) in rows {
        if let Some(was) = held.insert((i.clone(), v), o) {
            panic!("a node holds {i}@{v} of {was} twice (of {n} rows)");
        }
    }
    held
}

/// A marking and audience, and the states it is addressed to, written out by hand: what a state's
/// node may receive. `tier` says an audience names a tier (the hub relays it whoever holds it).
pub struct Variant {
    pub marking: &'static str,
    pub audience: Option<Value>,
    pub to: &'static [&'static str],
    pub tier: bool,
}

/// The variants, for a federation of the hub, KZ and CN (members) and MN (an observer).
pub fn variants() -> Vec<Variant> {
    let v = |marking, audience, to, tier| Variant {
        marking,
        audience,
        to,
        tier,
    };
    vec![
        v(TLP_CLEAR, None, &[HUB, "KZ", "CN", "MN"], false),
        v(TLP_GREEN, None, &[HUB, "KZ", "CN", "MN"], false),
        v(TLP_AMBER, None, &["KZ", "CN"], false),
        v(
            TLP_AMBER_STRICT,
            Some(json!({"states": ["MN"]})),
            &["MN"],
            false,
        ),
        v(
            TLP_AMBER,
            Some(json!({"tiers": ["observer"]})),
            &["MN"],
            true,
        ),
        v(
            TLP_RED,
            Some(json!({"users": ["CN:liaison"]})),
            &["CN"],
            false,
        ),
        v(TLP_GREEN, Some(json!({"states": [HUB]})), &[HUB], false),
        v(TLP_AMBER, Some(json!({"states": ["KZ"]})), &["KZ"], false),
    ]
}

impl Variant {
    /// Whether the node of `state` may hold an object of this variant that `originator` made:
    /// its own, addressed to it, or — for the hub — addressed to anyone beyond the originator.
    pub fn reaches(&self, state: &str, originator: &str) -> bool {
        state == originator
            || self.to.contains(&state)
            || (state == HUB && (self.tier || self.to.iter().any(|s| *s != originator)))
    }
}

/// The id of the `n`th shared note: a UUID whose leading bits, which the id index keys on, are
/// spread as a random UUID's are.
pub fn note_id(n: u64) -> String {
    let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!(
        "note--{:08x}-{:04x}-4{:03x}-8000-{n:012}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff
    )
}

/// A note with a variant's marking and audience; `n` makes its id, `modified` its version.
pub fn shared(n: u64, v: &Variant, modified: &str) -> Value {
    let mut o = json!({
        "type": "note", "spec_version": "2.1",
        "id": note_id(n),
        "created": "2019-06-14T08:00:00.000Z", "modified": modified,
        "content": format!("shared note {n}"),
        "object_refs": ["identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],
        "object_marking_refs": [v.marking],
    });
    if let Some(a) = &v.audience {
        o["extensions"] =
            json!({ENTENTE_EXTENSION: {"extension_type": "property-extension", "audience": a}});
    }
    o
}

/// The version (nanoseconds) of a `modified` timestamp written as `shared` writes them.
pub fn version_ns(modified: &str) -> i64 {
    entente_stix::Timestamp::parse(modified).unwrap().nanos()
}

/// What every node should hold: (id, version) → originator, per state.
pub type Expected = BTreeMap<&'static str, BTreeMap<(String, i64), String>>;

/// Waits until every node holds exactly what it should, or fails saying what is missing and what
/// reached a node that may not hold it.
pub async fn converge(fed: &Fed, expected: &Expected, within: Duration) {
    let start = Instant::now();
    loop {
        let mut report = Vec::new();
        for (state, want) in expected {
            let node = fed.node(state);
            let have = held(node).await;
            let leaked: Vec<_> = have.keys().filter(|k| !want.contains_key(*k)).collect();
            // A leak never heals: fail at once.
            assert!(
                leaked.is_empty(),
                "{} object(s) reached {state}, whose state may not see them, e.g. {:?}",
                leaked.len(),
                &leaked[..leaked.len().min(3)]
            );
            let missing = want.keys().filter(|k| !have.contains_key(*k)).count();
            if missing > 0 {
                report.push(format!("{state} lacks {missing} of {}", want.len()));
            }
        }
        if report.is_empty() {
            return;
        }
        assert!(
            start.elapsed() < within,
            "no convergence after {within:?}: {}",
            report.join("; ")
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Posts `objects` as `state`'s analyst in envelopes of 500.
pub async fn publish(fed: &Fed, state: &str, objects: &[Value]) {
    let node = fed.node(state);
    for chunk in objects.chunks(500) {
        node.post_ok(&fed.analysts[state], chunk).await;
    }
}

/// Objects from several originators in every variant, and the expected holdings of each node.
fn burst(
    fed: &Fed,
    per_originator: &[(&'static str, u64)],
    modified: &str,
    first_n: u64,
) -> (BTreeMap<&'static str, Vec<Value>>, Expected) {
    let variants = variants();
    let mut objects: BTreeMap<&'static str, Vec<Value>> = BTreeMap::new();
    let mut expected: Expected = fed.nodes.keys().map(|s| (*s, BTreeMap::new())).collect();
    let mut n = first_n;
    for (originator, count) in per_originator {
        for _ in 0..*count {
            n += 1;
            let v = &variants[(n % variants.len() as u64) as usize];
            objects
                .entry(originator)
                .or_default()
                .push(shared(n, v, modified));
            for (state, holds) in expected.iter_mut() {
                if v.reaches(state, originator) {
                    holds.insert((note_id(n), version_ns(modified)), originator.to_string());
                }
            }
        }
    }
    (objects, expected)
}

fn merge(into: &mut Expected, more: Expected) {
    for (state, m) in more {
        into.entry(state).or_default().extend(m);
    }
}

/// Publishes a burst of 10,000 objects from KZ, CN and MN concurrently, then second versions of
/// 500 of KZ's, and waits until every node holds exactly what it should; checks that what was
/// relayed is byte for byte what the originator signed, and that every audit log verifies.
async fn burst_converges(mut fed: Fed) {
    let m1 = "2019-06-14T08:00:00.000Z";
    let (objects, burst_expected) = burst(&fed, &[("KZ", 4000), ("CN", 3000), ("MN", 3000)], m1, 0);
    let mut expected = fed.identities().await;
    merge(&mut expected, burst_expected);
    let started = Instant::now();
    let posts = objects
        .iter()
        .map(|(state, objs)| publish(&fed, state, objs));
    futures::future::join_all(posts).await;
    // Second versions of 500 of KZ's objects (all CLEAR: n % 8 == 0 is the first variant).
    let m2 = "2019-06-15T08:00:00.000Z";
    let clear = &variants()[0];
    let updated: Vec<u64> = (1..=4000u64).filter(|n| n % 8 == 0).collect();
    let updates: Vec<Value> = updated.iter().map(|n| shared(*n, clear, m2)).collect();
    publish(&fed, "KZ", &updates).await;
    for n in &updated {
        for (state, holds) in expected.iter_mut() {
            if clear.reaches(state, "KZ") {
                holds.insert((note_id(*n), version_ns(m2)), "KZ".into());
            }
        }
    }
    converge(&fed, &expected, Duration::from_secs(240)).await;
    eprintln!(
        "converged: 10,500 object versions over {} nodes in {:?}",
        fed.nodes.len(),
        started.elapsed()
    );
    // What reached a node by any path is the originator's object, byte for byte.
    for n in (1..=10_000u64).step_by(97) {
        let id = note_id(n);
        let mut copies = BTreeMap::new();
        for (state, node) in &fed.nodes {
            if let Some(json) = stored_json(node, &id).await {
                copies.insert(*state, json);
            }
        }
        let distinct: BTreeSet<&String> = copies.values().collect();
        assert!(
            distinct.len() <= 1,
            "{id} differs between nodes: {copies:?}"
        );
    }
    for n in fed.nodes.values_mut() {
        n.kill();
        let (ok, out, err) = run(&["audit", "verify", "--dir", n.dir_str()]);
        assert!(ok, "audit verify: {out}{err}");
    }
}

/// The stored JSON of the first version of `id` a node holds, if any.
async fn stored_json(node: &TestNode, id: &str) -> Option<String> {
    let mut db = node.database().await;
    let sql = db.sql("SELECT json FROM objects WHERE id = ? ORDER BY version_ns LIMIT 1");
    sqlx::query_scalar(&sql)
        .bind(id)
        .fetch_optional(&mut db.conn)
        .await
        .unwrap()
}

/// (a) and (d): a hub and three states converge after a burst of 10,000 objects (and 500 second
/// versions) from three originators, concurrently, and no object reaches a node whose state may
/// not see it — checked over every object on every node.
#[tokio::test]
async fn four_nodes_converge_after_a_burst_and_nothing_reaches_a_state_that_may_not_see_it() {
    let mut fed = Fed::init(&[HUB, "KZ", "CN", "MN"]);
    fed.start(&FAST);
    fed.hub_and_spokes();
    burst_converges(fed).await;
}

/// A mesh without a hub: each state's node pulls from each other's; each state ends with the same
/// objects as through the hub.
#[tokio::test]
async fn a_mesh_converges_to_the_same_objects_per_state() {
    let mut fed = Fed::init(&["KZ", "CN", "MN"]);
    fed.start(&FAST);
    for a in ["KZ", "CN", "MN"] {
        for b in ["KZ", "CN", "MN"] {
            if a != b {
                fed.link(a, b);
            }
        }
    }
    burst_converges(fed).await;
}

/// Both at once: a hub and spokes, and a direct link between KZ and CN. Objects arrive by two
/// paths and are stored once.
#[tokio::test]
async fn a_hub_with_mesh_links_converges_and_stores_each_object_once() {
    let mut fed = Fed::init(&[HUB, "KZ", "CN", "MN"]);
    fed.start(&FAST);
    fed.hub_and_spokes();
    fed.link("KZ", "CN");
    fed.link("CN", "KZ");
    burst_converges(fed).await;
}

/// The objects of `burst` for one originator, all GREEN (every node holds them), and what each
/// node then holds.
async fn green_burst(
    fed: &Fed,
    originator: &'static str,
    count: u64,
    first_n: u64,
) -> (Vec<Value>, Expected) {
    let v = &variants()[1];
    let m = "2019-06-14T08:00:00.000Z";
    let objects: Vec<Value> = (first_n + 1..=first_n + count)
        .map(|n| shared(n, v, m))
        .collect();
    let mut expected = fed.identities().await;
    for holds in expected.values_mut() {
        for n in first_n + 1..=first_n + count {
            holds.insert((note_id(n), version_ns(m)), originator.into());
        }
    }
    (objects, expected)
}

/// How many of `originator`'s shared notes a node holds.
async fn held_of(node: &TestNode, originator: &str) -> usize {
    held(node)
        .await
        .iter()
        .filter(|((id, _), o)| *o == originator && id.starts_with("note--"))
        .count()
}

/// (b) A node killed with SIGKILL in the middle of a sync, then restarted, catches up with nothing
/// lost or doubled; its audit log still verifies.
#[tokio::test]
async fn a_node_killed_mid_sync_catches_up_with_nothing_lost_or_doubled() {
    let mut fed = Fed::init(&[HUB, "KZ", "CN"]);
    // Small pages: many transactions, so the kill lands between some of them.
    fed.start(&[
        ("ENTENTE_FEDERATION__POLL_SECONDS", "1"),
        ("ENTENTE_FEDERATION__PAGE_SIZE", "25"),
    ]);
    fed.hub_and_spokes();
    let (objects, expected) = green_burst(&fed, "KZ", 4000, 0).await;
    publish(&fed, "KZ", &objects).await;
    let start = Instant::now();
    let at_kill = loop {
        let n = held_of(fed.node("CN"), "KZ").await;
        if n > 0 {
            fed.nodes.get_mut("CN").unwrap().kill();
            break held_of(fed.node("CN"), "KZ").await;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "CN never started pulling"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert!(
        at_kill < objects.len(),
        "CN had every object before it was killed: the kill was not mid-sync"
    );
    fed.nodes.get_mut("CN").unwrap().restart();
    converge(&fed, &expected, Duration::from_secs(120)).await;
    eprintln!(
        "CN held {at_kill} of {} when killed; caught up",
        objects.len()
    );
    let cn = fed.nodes.get_mut("CN").unwrap();
    cn.kill();
    let (ok, out, err) = run(&["audit", "verify", "--dir", cn.dir_str()]);
    assert!(ok, "audit verify after the kill: {out}{err}");
}

/// (c) A node that was stopped while others published catches up when it returns.
#[tokio::test]
async fn a_stopped_node_catches_up_when_it_returns() {
    let mut fed = Fed::init(&[HUB, "KZ", "MN"]);
    fed.start(&FAST);
    fed.hub_and_spokes();
    let (first, _) = green_burst(&fed, "KZ", 100, 0).await;
    publish(&fed, "KZ", &first).await;
    fed.nodes.get_mut("MN").unwrap().kill();
    let (more, _) = green_burst(&fed, "KZ", 900, 100).await;
    publish(&fed, "KZ", &more).await;
    let (_, expected) = green_burst(&fed, "KZ", 1000, 0).await;
    fed.nodes.get_mut("MN").unwrap().restart();
    converge(&fed, &expected, Duration::from_secs(60)).await;
}

/// A TCP proxy on loopback that can be cut: while cut it closes every connection it holds and
/// every new one at once, as a broken network path would.
struct Proxy {
    addr: std::net::SocketAddr,
    cut: std::sync::Arc<std::sync::atomic::AtomicBool>,
    conns: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    _accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn to(upstream: std::net::SocketAddr) -> Proxy {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let cut = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let conns: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>> =
            Default::default();
        let (c, k) = (cut.clone(), conns.clone());
        let accept = tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if c.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                k.lock().unwrap().push(tokio::spawn(async move {
                    if let Ok(mut out) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                    }
                }));
            }
        });
        Proxy {
            addr,
            cut,
            conns,
            _accept: accept,
        }
    }

    fn cut(&self, cut: bool) {
        self.cut.store(cut, std::sync::atomic::Ordering::SeqCst);
        if cut {
            for c in self.conns.lock().unwrap().drain(..) {
                c.abort();
            }
        }
    }
}

/// (c) A node behind a network path that drops every connection for a while catches up after
/// the path returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_cut_off_by_the_network_catches_up_after_it_returns() {
    let mut fed = Fed::init(&[HUB, "KZ", "MN"]);
    fed.start(&FAST);
    let hub_addr: std::net::SocketAddr = fed
        .node(HUB)
        .base_url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let proxy = Proxy::to(hub_addr).await;
    // KZ and the hub as usual; MN reaches the hub only through the proxy.
    fed.link("KZ", HUB);
    fed.link(HUB, "KZ");
    fed.link(HUB, "MN");
    fed.link_via("MN", HUB, &format!("http://{}/", proxy.addr));
    let (first, _) = green_burst(&fed, "KZ", 100, 0).await;
    publish(&fed, "KZ", &first).await;
    let (_, expected) = green_burst(&fed, "KZ", 100, 0).await;
    converge(&fed, &expected, Duration::from_secs(60)).await;
    proxy.cut(true);
    let (more, _) = green_burst(&fed, "KZ", 900, 100).await;
    publish(&fed, "KZ", &more).await;
    // The hub has them; MN cannot reach it.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(held_of(fed.node("MN"), "KZ").await, 100);
    proxy.cut(false);
    let (_, expected) = green_burst(&fed, "KZ", 1000, 0).await;
    converge(&fed, &expected, Duration::from_secs(60)).await;
}

/// A poke makes a pull immediate: with polling every minute, an object posted on one spoke is
/// on the other within seconds (through the hub: two pokes, two pulls).
#[tokio::test]
async fn a_poke_makes_peers_pull_at_once() {
    let mut fed = Fed::init(&[HUB, "KZ", "CN"]);
    fed.start(&[("ENTENTE_FEDERATION__POLL_SECONDS", "60")]);
    fed.hub_and_spokes();
    // Let the first polls (at start, before the links existed) pass, and the links load (they
    // are re-read every 2 s).
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (objects, expected) = green_burst(&fed, "KZ", 1, 0).await;
    let start = Instant::now();
    publish(&fed, "KZ", &objects).await;
    converge(&fed, &expected, Duration::from_secs(10)).await;
    eprintln!("one object KZ -> hub -> CN in {:?}", start.elapsed());
}

/// A CN node that misbehaves: it serves one page holding a good object and, beside it, every kind
/// of object a node must refuse.
async fn fake_peer(page: Value) -> std::net::SocketAddr {
    use axum::routing::{get, post};
    let page = page.to_string();
    let app = axum::Router::new()
        .route(
            "/taxii2/api/collections/{c}/objects/",
            get(
                move |q: axum::extract::Query<std::collections::HashMap<String, String>>| {
                    let page = page.clone();
                    async move {
                        let body = if q.contains_key("added_after") {
                            json!({"more": false}).to_string()
                        } else {
                            page
                        };
                        (
                            [
                                ("content-type", TAXII),
                                ("x-taxii-date-added-last", "2026-01-01T00:00:00.000001Z"),
                            ],
                            body,
                        )
                    }
                },
            ),
        )
        .route(
            "/api/v1/federation/poke",
            post(|| async { axum::http::StatusCode::ACCEPTED }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

fn signed(signer: &entente_stix::NodeSigner, n: u64, marking: &str, extra: Value) -> Value {
    let party = signer.party().clone();
    let mut o = shared(n, &variants()[1], "2019-06-14T08:00:00.000Z");
    o["object_marking_refs"] = json!([marking]);
    o["created_by_ref"] = json!(entente_stix::identity::party_identity_id(&party));
    for (k, v) in extra.as_object().unwrap() {
        o[k] = v.clone();
    }
    let mut map = o.as_object().unwrap().clone();
    signer.sign_object(&mut map).unwrap();
    Value::Object(map)
}

/// A peer that sends forged, unsigned, misattributed, misaddressed, relayed, equivocating and
/// malformed objects: each is refused and raised as a security event naming it and why, visible to
/// admins only; the good object beside them is stored and the pull's cursor advances.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_refuses_what_a_peer_may_not_send_and_raises_each_as_a_security_event() {
    let (cn, ru, stranger) = (signer("CN"), signer("RU"), signer("CN"));
    let mut charter = SCO.to_owned();
    for s in [&cn, &ru] {
        let key = entente_core::CharterKey::encode(s.verifying_key().as_bytes());
        let code = s.party().as_str();
        charter = charter.replacen(
            &format!("code = \"{code}\""),
            &format!("code = \"{code}\"\nkey = \"{key}\""),
            1,
        );
    }
    let good = signed(&cn, 1, TLP_GREEN, json!({}));
    let mut forged = signed(&cn, 2, TLP_GREEN, json!({}));
    forged["content"] = json!("changed after signing");
    let unknown_key = signed(&stranger, 3, TLP_GREEN, json!({}));
    let kz_identity =
        entente_stix::identity::party_identity_id(&entente_core::PartyCode::parse("KZ").unwrap());
    let misattributed = signed(&cn, 4, TLP_GREEN, json!({"created_by_ref": kz_identity}));
    let unsigned = shared(5, &variants()[1], "2019-06-14T08:00:00.000Z");
    let not_for_kz = signed(
        &cn,
        6,
        TLP_AMBER,
        json!({"extensions": {ENTENTE_EXTENSION: {"extension_type": "property-extension", "audience": {"states": ["MN"]}}}}),
    );
    let relayed = signed(&ru, 7, TLP_AMBER, json!({}));
    let mut equivocation = good.clone();
    equivocation["content"] = json!("another object, same id and version");
    let mut map = equivocation.as_object().unwrap().clone();
    cn.sign_object(&mut map).unwrap();
    let equivocation = Value::Object(map);
    let malformed = json!({"type": "note", "id": "note--not-a-uuid", "spec_version": "2.1"});
    let page = json!({"more": false, "objects": [
        good, forged, unknown_key, misattributed, unsigned, not_for_kz, relayed, equivocation, malformed
    ]});
    let fake = fake_peer(page).await;

    let mut kz = TestNode::start(&charter, "KZ").await;
    let admin = kz.add_user("admin", "admin").token;
    let analyst = kz.add_user("analyst", "analyst").token;
    let (ok, _, err) = run(&[
        "peer",
        "add",
        "--dir",
        kz.dir_str(),
        "--state",
        "CN",
        "--url",
        &format!("http://{fake}/taxii2/"),
        "--token",
        "ent_anything",
    ]);
    assert!(ok, "{err}");
    let events_url = format!("{}api/v1/security-events", kz.base_url());
    let start = Instant::now();
    let events = loop {
        let r = kz
            .http
            .get(&events_url)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        let events = body["events"].as_array().unwrap().clone();
        if events.len() >= 8 {
            break events;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "events so far: {events:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let reason = |n: u64| -> (String, String) {
        let id = note_id(n);
        let e = events
            .iter()
            .find(|e| e["object"].as_str().unwrap_or("").starts_with(&id))
            .unwrap_or_else(|| panic!("no security event for object {n} ({id}): {events:?}"));
        assert_eq!(e["source"], "peer:CN", "{e}");
        (
            e["kind"].as_str().unwrap().to_owned(),
            e["detail"].as_str().unwrap().to_owned(),
        )
    };
    for (n, kind, says) in [
        (2, "refused-from-peer", "the signature does not verify"),
        (3, "refused-from-peer", "which the charter does not know"),
        (4, "refused-from-peer", "created_by_ref"),
        (5, "refused-from-peer", "no signature"),
        (6, "refused-from-peer", "may not pass to KZ"),
        (7, "refused-from-peer", "brings only what that state signed"),
        (1, "equivocation", "same id and version"),
    ] {
        let (k, detail) = reason(n);
        assert_eq!(k, kind, "object {n}: {detail}");
        assert!(detail.contains(says), "object {n}: {detail}");
    }
    assert!(
        events.iter().any(|e| e["object"] == "note--not-a-uuid@"
            || e["object"]
                .as_str()
                .is_some_and(|o| o.starts_with("note--not-a-uuid"))),
        "the malformed object: {events:?}"
    );
    // Only the good object was stored, untouched, under CN's name.
    let objects = format!("{}api/collections/{COLLECTION}/objects/", kz.url);
    let r = kz.get(&analyst, &format!("{objects}{}/", note_id(1))).await;
    assert_eq!(r.status(), 200);
    let stored: Value = r.json().await.unwrap();
    assert_eq!(stored["objects"][0]["content"], "shared note 1");
    for n in 2..=7 {
        let r = kz.get(&analyst, &format!("{objects}{}/", note_id(n))).await;
        assert_eq!(r.status(), 404, "object {n} was stored");
    }
    // Security events are for admins.
    let r = kz
        .http
        .get(&events_url)
        .bearer_auth(&analyst)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = kz.http.get(&events_url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let r = kz
        .http
        .get(format!("{events_url}?after=x"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Versions are written as STIX timestamps.
    let equivocation = events.iter().find(|e| e["kind"] == "equivocation").unwrap();
    assert_eq!(
        equivocation["object"],
        format!("{}@2019-06-14T08:00:00.000Z", note_id(1))
    );
    // The pull went on past the refusals: the cursor is where the page ended.
    let (ok, out, _) = run(&["peer", "list", "--dir", kz.dir_str()]);
    assert!(ok);
    assert!(out.contains("2026-01-01T00:00:00.000001Z"), "{out}");
    // A resync pulls the page again: each refusal is raised again, nothing is stored twice.
    let (ok, _, err) = run(&["peer", "resync", "--dir", kz.dir_str(), "--state", "CN"]);
    assert!(ok, "{err}");
    let start = Instant::now();
    loop {
        let body: Value = kz
            .http
            .get(&events_url)
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if body["events"].as_array().unwrap().len() >= 2 * events.len() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no second pull: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    kz.kill();
    let held = held(&kz).await;
    assert_eq!(
        held.keys().filter(|(id, _)| *id == note_id(1)).count(),
        1,
        "the good object"
    );
    let (ok, _, err) = run(&["peer", "resync", "--dir", kz.dir_str(), "--state", "RU"]);
    assert!(!ok && err.contains("no link to RU"), "{err}");
}

/// `peer add` refuses what would not work, saying why.
#[tokio::test]
async fn peer_add_refuses_bad_links() {
    let kz = TestNode::init(SCO, "KZ");
    for (args, says) in [
        (
            vec![
                "--state",
                "CN",
                "--url",
                "http://cn.example:8443",
                "--token",
                "t",
            ],
            "loopback",
        ),
        (
            vec![
                "--state",
                "KZ",
                "--url",
                "https://127.0.0.1:1",
                "--token",
                "t",
            ],
            "own state",
        ),
        (
            vec![
                "--state",
                "XX",
                "--url",
                "https://127.0.0.1:1",
                "--token",
                "t",
            ],
            "not a party",
        ),
        (
            vec!["--state", "CN", "--url", "https://127.0.0.1:1"],
            "--token",
        ),
        (
            vec![
                "--state",
                "CN",
                "--url",
                "https://127.0.0.1:1",
                "--token",
                "t",
                "--ca",
                "/nonexistent",
            ],
            "CA certificate",
        ),
    ] {
        let mut all = vec!["peer", "add", "--dir", kz.dir_str()];
        all.extend(args.iter().copied());
        let (ok, out, err) = run(&all);
        assert!(!ok, "{args:?}: {out}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

/// A peer that pulls again with the same query is answered as a full scan would answer it, even
/// though the node resumes from where the last empty answer ended: nothing new is missed, and
/// what was answered is answered again.
#[tokio::test]
async fn a_repeated_pull_misses_nothing_new() {
    let kz = TestNode::start(SCO, "KZ").await;
    let analyst = kz.add_user("analyst", "analyst").token;
    let mn = kz.add_peer("MN");
    let amber: Vec<Value> = (0..50)
        .map(|n| shared(n, &variants()[2], "2019-06-14T08:00:00.000Z"))
        .collect();
    kz.post_ok(&analyst, &amber).await;
    let pull = "&added_after=2000-01-01T00:00:00Z&match[version]=all";
    let notes = |ids: Vec<String>| -> Vec<String> {
        ids.into_iter()
            .filter(|i| i.starts_with("note--"))
            .collect()
    };
    assert!(
        notes(kz.all_ids(&mn, pull).await).is_empty(),
        "MN, an observer, sees AMBER"
    );
    assert!(notes(kz.all_ids(&mn, pull).await).is_empty());
    let green = |n| shared(n, &variants()[1], "2019-06-14T08:00:00.000Z");
    kz.post_ok(&analyst, &[green(100)]).await;
    assert_eq!(notes(kz.all_ids(&mn, pull).await), vec![note_id(100)]);
    kz.post_ok(&analyst, &amber_more(200)).await;
    kz.post_ok(&analyst, &[green(101)]).await;
    // The same query again: both GREEN notes, as a full scan gives.
    assert_eq!(
        notes(kz.all_ids(&mn, pull).await),
        vec![note_id(100), note_id(101)]
    );
    assert_eq!(
        notes(kz.all_ids(&mn, pull).await),
        vec![note_id(100), note_id(101)]
    );
}

fn amber_more(first: u64) -> Vec<Value> {
    (first..first + 10)
        .map(|n| shared(n, &variants()[2], "2019-06-14T08:00:00.000Z"))
        .collect()
}
