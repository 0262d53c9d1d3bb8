//! Federation benchmarks (`bench/federation.sh`, figures in docs/benchmarks.md). Starts real
//! `entente serve` processes on loopback, linked hub and spoke with `entente peer add`, and
//! measures:
//!
//! - `latency --nodes N --rounds R`: a joint warning issued on one state's node (origins rotate):
//!   drafted, submitted and accepted by the secretariat beforehand, then published — timed from
//!   the publish request until the published version is stored on every other node of the
//!   federation (through the hub: two pokes, two pulls). The moment it became readable on a node
//!   is the `date_added` that node gave it, read from its database afterwards (every node runs on
//!   this machine, on the same clock), so measuring adds no load; for one state's node per round,
//!   chosen in turn, the time until its `/api/v1/warnings/{id}` shows the warning `published` is
//!   measured too, as a check.
//! - `catchup --objects N`: KZ's node publishes N objects while the hub and CN's node are stopped;
//!   then the hub starts and catches up from KZ, then CN's node starts and catches up from the hub.
//!   Reports each catch-up's objects per second, and each node's peak resident memory.
//!
//! - `invitations --nodes N --rounds R`: a member state asks for assistance; once the request is
//!   on the hub, the secretary-general convenes — timed from the convene request until the
//!   conference (the invitation) is stored on every invited member's node; an observer's node
//!   must never hold it.
//!
//! Usage: federation_bench latency|catchup|invitations [--nodes N] [--rounds R] [--objects N] [--bin PATH]

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use sqlx::{Connection, SqliteConnection};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const TAXII: &str = "application/taxii+json;version=2.1";
const COLLECTION: &str = "365fed99-08fa-4dcd-a1b3-fb247eb41d01";
const GREEN: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
const CHARTER: &str = include_str!("../../../examples/sco.toml");
const STATES: [&str; 12] = [
    "SECRETARIAT",
    "KZ",
    "CN",
    "RU",
    "KG",
    "TJ",
    "UZ",
    "IN",
    "PK",
    "MN",
    "BY",
    "IR",
];

struct Node {
    state: &'static str,
    dir: PathBuf,
    key: String,
    token: String,
    /// A supervisor's token (submits and publishes warnings).
    boss: String,
    url: String,
    listen: String,
    child: Option<Child>,
}

fn run(bin: &Path, args: &[&str]) -> String {
    let out = Command::new(bin)
        .args(args)
        .env("ENTENTE_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "entente {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn field(text: &str, prefix: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix} in {text}"))
        .trim_matches('"')
        .to_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Node {
    fn init(bin: &Path, root: &Path, state: &'static str) -> Node {
        let dir = root.join(state.to_lowercase());
        let charter = root.join("charter-in.toml");
        std::fs::write(&charter, CHARTER).unwrap();
        let out = run(
            bin,
            &[
                "init",
                "--dir",
                dir.to_str().unwrap(),
                "--charter",
                charter.to_str().unwrap(),
                "--state",
                state,
            ],
        );
        let key = field(&out, "key = ");
        let token = field(
            &run(
                bin,
                &[
                    "user",
                    "add",
                    "--dir",
                    dir.to_str().unwrap(),
                    "bench",
                    "--role",
                    "analyst",
                ],
            ),
            "token: ",
        );
        let boss = field(
            &run(
                bin,
                &[
                    "user",
                    "add",
                    "--dir",
                    dir.to_str().unwrap(),
                    "boss",
                    "--role",
                    "supervisor",
                ],
            ),
            "token: ",
        );
        let listen = format!("127.0.0.1:{}", free_port());
        Node {
            state,
            url: format!("http://{listen}/"),
            dir,
            key,
            token,
            boss,
            listen,
            child: None,
        }
    }

    fn start(&mut self, bin: &Path) {
        let mut child = Command::new(bin)
            .args([
                "serve",
                "--dir",
                self.dir.to_str().unwrap(),
                "--listen",
                &self.listen,
                "--plain-http",
            ])
            // Errors only: the nodes' warnings as the benchmark stops them are noise here.
            .env("ENTENTE_LOG", "error")
            .env("ENTENTE_FEDERATION__POLL_SECONDS", "10")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.contains("serving"),
            "{} did not start: {line}",
            self.state
        );
        self.child = Some(child);
    }

    fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    async fn db(&self) -> SqliteConnection {
        SqliteConnection::connect(&format!(
            "sqlite://{}?mode=ro",
            self.dir.join("node.db").display()
        ))
        .await
        .unwrap()
    }

    async fn count(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM objects WHERE object_type = 'indicator'")
            .fetch_one(&mut self.db().await)
            .await
            .unwrap()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Gives every node the charter with all their keys.
fn share_keys(nodes: &[Node]) {
    let mut charter = CHARTER.to_owned();
    for n in nodes {
        charter = charter.replacen(
            &format!("code = \"{}\"", n.state),
            &format!("code = \"{}\"\nkey = \"{}\"", n.state, n.key),
            1,
        );
    }
    for n in nodes {
        std::fs::write(n.dir.join("charter.toml"), &charter).unwrap();
    }
}

/// `from` pulls from `to`.
fn link(bin: &Path, from: &Node, to: &Node) {
    let token = field(
        &run(
            bin,
            &[
                "peer",
                "add",
                "--dir",
                to.dir.to_str().unwrap(),
                "--state",
                from.state,
            ],
        ),
        "token: ",
    );
    run(
        bin,
        &[
            "peer",
            "add",
            "--dir",
            from.dir.to_str().unwrap(),
            "--state",
            to.state,
            "--url",
            &to.url,
            "--token",
            &token,
        ],
    );
}

fn hub_and_spokes(bin: &Path, nodes: &[Node]) {
    for spoke in &nodes[1..] {
        link(bin, spoke, &nodes[0]);
        link(bin, &nodes[0], spoke);
    }
}

fn indicator(i: usize) -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1",
        "id": format!("indicator--{}", uuid::Uuid::new_v4()),
        "created": "2019-06-14T08:00:00.000Z", "modified": "2019-06-14T08:00:00.000Z",
        "name": format!("C2 address {i}"),
        "description": "Command-and-control address reported by a member state's CERT.",
        "indicator_types": ["malicious-activity"],
        "pattern": format!("[ipv4-addr:value = '10.{}.{}.{}']", (i >> 16) & 255, (i >> 8) & 255, i & 255),
        "pattern_type": "stix", "valid_from": "2019-06-14T08:00:00Z",
        "object_marking_refs": [GREEN],
    })
}

fn now_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn post(http: &reqwest::Client, node: &Node, objects: &[Value]) {
    let r = http
        .post(format!(
            "{}taxii2/api/collections/{COLLECTION}/objects/",
            node.url
        ))
        .bearer_auth(&node.token)
        .header("Accept", TAXII)
        .header("Content-Type", TAXII)
        .body(json!({ "objects": objects }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let status: Value = r.json().await.unwrap();
    assert_eq!(status["failure_count"], 0, "{status}");
}

/// `POST /api/v1/warnings{path}` on `node` as `token`; the answer, which must be a success.
async fn api(
    http: &reqwest::Client,
    node: &Node,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    api_at(http, node, token, &format!("api/v1/warnings{path}"), body).await
}

/// `POST {path}` on `node` as `token`; the answer, which must be a success.
async fn api_at(
    http: &reqwest::Client,
    node: &Node,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let mut rb = http.post(format!("{}{path}", node.url)).bearer_auth(token);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert!(
        status.is_success(),
        "{path} on {}: {status} {v}",
        node.state
    );
    v
}

/// Waits until `node`'s API shows the warning with `status`.
async fn until_status(http: &reqwest::Client, node: &Node, id: &str, status: &str) {
    let started = Instant::now();
    loop {
        let r = http
            .get(format!("{}api/v1/warnings/{id}", node.url))
            .bearer_auth(&node.token)
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            let v: Value = r.json().await.unwrap();
            if v["status"] == status {
                return;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{id} never became {status} on {}",
            node.state
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// A warning of `origin`'s, addressed to every participant (TLP:GREEN), drafted, submitted and
/// accepted by the secretariat: ready to be published.
async fn accepted_warning(http: &reqwest::Client, origin: &Node, hub: &Node, r: usize) -> String {
    let review = chrono::Utc::now() + chrono::Duration::days(100);
    let draft = api(http, origin, &origin.token, "", Some(json!({
        "kind": "threat", "title": format!("Threat {r}: planned attack on a border post"),
        "subject": {"category": "event", "description": "A cell plans an attack on a border post."},
        "legal_basis": "Shanghai Convention (2001), art. 6", "issuing_authority": "National security service",
        "action_requested": "Raise protection of border posts", "contact": "liaison office",
        "purpose": "Prevent a terrorist attack", "source": "Human source",
        "review_date": review.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "grading": {"source": "B", "information": "2", "handling": ["H0"]},
        "marking": "TLP:GREEN",
    }))).await;
    let id = draft["id"].as_str().unwrap().to_owned();
    api(http, origin, &origin.boss, &format!("/{id}/submit"), None).await;
    until_status(http, hub, &id, "submitted").await;
    api(
        http,
        hub,
        &hub.token,
        &format!("/{id}/review"),
        Some(json!({"verdict": "accepted"})),
    )
    .await;
    until_status(http, origin, &id, "accepted").await;
    id
}

/// The first `n` states' nodes, keys shared, linked hub and spoke, started and settled.
async fn federation(bin: &Path, root: &Path, n: usize) -> Vec<Node> {
    let mut nodes: Vec<Node> = STATES[..n]
        .iter()
        .map(|s| Node::init(bin, root, s))
        .collect();
    share_keys(&nodes);
    hub_and_spokes(bin, &nodes);
    for node in &mut nodes {
        node.start(bin);
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    nodes
}

async fn latency(bin: &Path, root: &Path, n: usize, rounds: usize) {
    let nodes = federation(bin, root, n).await;
    let http = reqwest::Client::new();
    let spokes = n - 1;
    let mut sent = Vec::new();
    let mut http_ms = Vec::new();
    for r in 0..rounds + 10 {
        let origin = &nodes[1 + r % spokes];
        // A warning brought to the point of issue: drafted, submitted, accepted by the
        // secretariat; what is timed is its publication.
        let id = accepted_warning(&http, origin, &nodes[0], r).await;
        let t0 = now_us();
        let started = Instant::now();
        api(&http, origin, &origin.boss, &format!("/{id}/publish"), None).await;
        // One node per round is also watched over HTTP: until its API shows the warning in force.
        let watched = &nodes[(1 + r % spokes + 1 + r / spokes % (n - 1)) % n];
        let watched = if watched.state == origin.state || watched.state == "SECRETARIAT" {
            &nodes[1 + (r + 1) % spokes]
        } else {
            watched
        };
        until_status(&http, watched, &id, "published").await;
        if r >= 10 {
            http_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            sent.push((id, origin.state, t0));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    // When each warning's published version was stored on each node.
    let mut at: BTreeMap<(&str, String), i64> = BTreeMap::new();
    for node in &nodes {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT id, date_added_us FROM objects WHERE object_type = 'x-entente-warning' \
             AND json LIKE '%\"stage\":\"published\"%'",
        )
        .fetch_all(&mut node.db().await)
        .await
        .unwrap();
        for (id, t) in rows {
            at.insert((node.state, id), t);
        }
    }
    let mut everywhere = Vec::new();
    let mut each = Vec::new();
    for (id, origin, t0) in &sent {
        let mut worst = 0.0f64;
        for node in nodes.iter().filter(|x| x.state != *origin) {
            let t = at
                .get(&(node.state, id.clone()))
                .unwrap_or_else(|| panic!("{id} never reached {}", node.state));
            let ms = (t - t0) as f64 / 1000.0;
            each.push(ms);
            worst = worst.max(ms);
        }
        everywhere.push(worst);
    }
    for v in [&mut everywhere, &mut each, &mut http_ms] {
        v.sort_by(f64::total_cmp);
    }
    let out = json!({
        "nodes": n, "rounds": sent.len(),
        "on_every_node_ms": {"p50": pct(&everywhere, 0.5), "p99": pct(&everywhere, 0.99), "max": pct(&everywhere, 1.0)},
        "on_each_node_ms": {"p50": pct(&each, 0.5), "p99": pct(&each, 0.99)},
        "api_shows_it_published_ms": {"p50": pct(&http_ms, 0.5), "p99": pct(&http_ms, 0.99)},
        "peak_rss_mb": nodes.iter().map(|x| (x.state, peak_rss_mb(x.pid()).round())).collect::<BTreeMap<_, _>>(),
    });
    println!("{out}");
}

/// The states a conference invites: the charter's member states.
const MEMBERS: [&str; 8] = ["KZ", "CN", "RU", "KG", "TJ", "UZ", "IN", "PK"];

/// Invitations: a member state asks for assistance (origins rotate); once the request is on the
/// hub, the secretary-general convenes, and what is timed is from the convene request until the
/// conference is stored on every invited member's node (hub → each member: one poke, one pull),
/// read from each node's database afterwards as for warnings. A node not invited (an observer's)
/// must never hold it.
async fn invitations(bin: &Path, root: &Path, n: usize, rounds: usize) {
    let nodes = federation(bin, root, n).await;
    let http = reqwest::Client::new();
    let askers: Vec<&Node> = nodes
        .iter()
        .filter(|x| MEMBERS.contains(&x.state))
        .collect();
    let hub = &nodes[0];
    let mut sent = Vec::new();
    for r in 0..rounds + 10 {
        let origin = askers[r % askers.len()];
        let asked = api_at(
            &http,
            origin,
            &origin.boss,
            "api/v1/consultations",
            Some(json!({
                "title": format!("Request {r}: floods and an armed incursion"),
                "situation": "Roads cut; two villages isolated.",
                "location": {"name": "Border district", "country": origin.state},
                "help": ["equipment"], "urgency": "immediate",
            })),
        )
        .await;
        let id = asked["id"].as_str().unwrap().to_owned();
        let started = Instant::now();
        loop {
            let r = http
                .get(format!("{}api/v1/consultations/{id}", hub.url))
                .bearer_auth(&hub.token)
                .send()
                .await
                .unwrap();
            if r.status() == 200 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{id} never reached the hub"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let answer_by = chrono::Utc::now() + chrono::Duration::hours(1);
        let t0 = now_us();
        api_at(
            &http,
            hub,
            &hub.boss,
            &format!("api/v1/consultations/{id}/convene"),
            Some(json!({
                "place": "Tashkent", "answer_by": answer_by.to_rfc3339(),
                "meets_at": (answer_by + chrono::Duration::hours(1)).to_rfc3339(),
            })),
        )
        .await;
        if r >= 10 {
            sent.push((id, t0));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut at: BTreeMap<(&str, String), i64> = BTreeMap::new();
    for node in &nodes {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT json_extract(json, '$.request_ref'), date_added_us FROM objects \
             WHERE object_type = 'x-entente-consultation' AND json LIKE '%\"stage\":\"conference\"%'",
        )
        .fetch_all(&mut node.db().await)
        .await
        .unwrap();
        for (id, t) in rows {
            at.insert((node.state, id), t);
        }
    }
    let (mut everywhere, mut each) = (Vec::new(), Vec::new());
    for (id, t0) in &sent {
        let mut worst = 0.0f64;
        for node in &nodes[1..] {
            let held = at.get(&(node.state, id.clone()));
            if !MEMBERS.contains(&node.state) {
                assert!(
                    held.is_none(),
                    "{} was not invited but holds {id}",
                    node.state
                );
                continue;
            }
            let t =
                held.unwrap_or_else(|| panic!("{id}'s invitation never reached {}", node.state));
            let ms = (t - t0) as f64 / 1000.0;
            each.push(ms);
            worst = worst.max(ms);
        }
        everywhere.push(worst);
    }
    for v in [&mut everywhere, &mut each] {
        v.sort_by(f64::total_cmp);
    }
    let invited = nodes[1..]
        .iter()
        .filter(|x| MEMBERS.contains(&x.state))
        .count();
    let out = json!({
        "nodes": n, "invited_nodes": invited, "rounds": sent.len(),
        "on_every_invited_node_ms": {"p50": pct(&everywhere, 0.5), "p99": pct(&everywhere, 0.99), "max": pct(&everywhere, 1.0)},
        "on_each_invited_node_ms": {"p50": pct(&each, 0.5), "p99": pct(&each, 0.99)},
    });
    println!("{out}");
}

/// CPU seconds (user + system) a process has used so far, from `/proc/PID/stat`.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (tick(11) + tick(12)) / 100.0
}

async fn wait_for(node: &Node, want: i64) -> f64 {
    let started = Instant::now();
    loop {
        if node.count().await >= want {
            return started.elapsed().as_secs_f64();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Starts node `taker`, which catches up from the running node `server` until it holds `objects`
/// indicators: the seconds it took, and the CPU per object each spent (serving, taking in).
async fn catch_up(
    bin: &Path,
    nodes: &mut [Node],
    server: usize,
    taker: usize,
    objects: usize,
) -> (f64, f64, f64) {
    let server_cpu = cpu_seconds(nodes[server].pid());
    nodes[taker].start(bin);
    let s = wait_for(&nodes[taker], objects as i64).await;
    let per_object_us = |cpu: f64| (cpu * 1e6 / objects as f64).round();
    (
        s,
        per_object_us(cpu_seconds(nodes[server].pid()) - server_cpu),
        per_object_us(cpu_seconds(nodes[taker].pid())),
    )
}

async fn catchup(bin: &Path, root: &Path, objects: usize) {
    let mut nodes: Vec<Node> = ["SECRETARIAT", "KZ", "CN"]
        .iter()
        .map(|s| Node::init(bin, root, s))
        .collect();
    share_keys(&nodes);
    hub_and_spokes(bin, &nodes);
    nodes[1].start(bin);
    let http = reqwest::Client::new();
    let started = Instant::now();
    use futures::StreamExt;
    let envelopes: Vec<Vec<Value>> = (0..objects)
        .collect::<Vec<_>>()
        .chunks(1000)
        .map(|c| c.iter().map(|i| indicator(*i)).collect())
        .collect();
    let kz = &nodes[1];
    futures::stream::iter(envelopes.iter().map(|e| post(&http, kz, e)))
        .buffer_unordered(4)
        .collect::<Vec<()>>()
        .await;
    let publish_s = started.elapsed().as_secs_f64();
    eprintln!("KZ published {objects} objects in {publish_s:.1} s");
    let (hub_s, kz_serving, hub_taking) = catch_up(bin, &mut nodes, 1, 0, objects).await;
    eprintln!("the hub caught up from KZ in {hub_s:.1} s (CPU per object: KZ serving {kz_serving} µs, hub taking in {hub_taking} µs)");
    let (cn_s, hub_serving, cn_taking) = catch_up(bin, &mut nodes, 0, 2, objects).await;
    eprintln!("CN caught up from the hub in {cn_s:.1} s (CPU per object: hub serving {hub_serving} µs, CN taking in {cn_taking} µs)");
    let out = json!({
        "objects": objects,
        "publish_objects_per_s": (objects as f64 / publish_s).round(),
        "hub_catchup_from_kz_objects_per_s": (objects as f64 / hub_s).round(),
        "cn_catchup_from_hub_objects_per_s": (objects as f64 / cn_s).round(),
        "hub_catchup_s": (hub_s * 10.0).round() / 10.0,
        "cn_catchup_s": (cn_s * 10.0).round() / 10.0,
        "cpu_us_per_object": {"kz_serving": kz_serving, "hub_taking_in": hub_taking, "hub_serving": hub_serving, "cn_taking_in": cn_taking},
        "peak_rss_mb": nodes.iter().map(|x| (x.state, peak_rss_mb(x.pid()).round())).collect::<BTreeMap<_, _>>(),
    });
    println!("{out}");
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().expect("latency or catchup");
    let (mut nodes, mut rounds, mut objects) = (10usize, 200usize, 1_000_000usize);
    let mut bin = PathBuf::from("target/release/entente");
    while let Some(flag) = args.next() {
        let v = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--nodes" => nodes = v.parse().unwrap(),
            "--rounds" => rounds = v.parse().unwrap(),
            "--objects" => objects = v.parse().unwrap(),
            "--bin" => bin = v.into(),
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(
        (2..=STATES.len()).contains(&nodes),
        "--nodes 2 to {}",
        STATES.len()
    );
    let tmp = tempfile::tempdir().unwrap();
    match mode.as_str() {
        "latency" => latency(&bin, tmp.path(), nodes, rounds).await,
        "catchup" => catchup(&bin, tmp.path(), objects).await,
        "invitations" => invitations(&bin, tmp.path(), nodes, rounds).await,
        other => panic!("unknown mode {other}"),
    }
}
