//! What a hostile client can make a node do, measured (`bench/attacks.sh`): each attack of the
//! trust review is run against a live node while a probe posts one small object every 100 ms,
//! and the figures printed are the attack's own (how long, how answered, how much memory the
//! node took) and the probe's (the slowest one-object POST while the attack ran). The limits
//! hold if no attack delays the probe by more than a second.
//!
//! Usage: `attack_load --base http://127.0.0.1:PORT/ --analyst TOKEN --supervisor TOKEN
//! --user NAME:PASSWORD --pid PID --dir NODE_DIR`. Prints one JSON line per attack.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TAXII: &str = "application/taxii+json;version=2.1";
const COLLECTION: &str = "365fed99-08fa-4dcd-a1b3-fb247eb41d01";
const AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

struct Args {
    base: String,
    analyst: String,
    supervisor: String,
    user: String,
    password: String,
    pid: u32,
    dir: String,
}

fn args() -> Args {
    let mut a = Args {
        base: String::new(),
        analyst: String::new(),
        supervisor: String::new(),
        user: String::new(),
        password: String::new(),
        pid: 0,
        dir: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().unwrap();
        match flag.as_str() {
            "--base" => a.base = v,
            "--analyst" => a.analyst = v,
            "--supervisor" => a.supervisor = v,
            "--user" => {
                let (u, p) = v.split_once(':').unwrap();
                a.user = u.into();
                a.password = p.into();
            }
            "--pid" => a.pid = v.parse().unwrap(),
            "--dir" => a.dir = v,
            other => panic!("unknown flag {other}"),
        }
    }
    a
}

fn peak_rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap()
        / 1024.0
}

fn objects_url(a: &Args) -> String {
    format!("{}taxii2/api/collections/{COLLECTION}/objects/", a.base)
}

fn note(i: u64) -> Value {
    json!({
        "type": "note", "spec_version": "2.1",
        "id": format!("note--{}", uuid::Uuid::new_v4()),
        "created": "2019-06-14T08:00:00.000Z", "modified": "2019-06-14T08:00:00.000Z",
        "content": format!("probe {i}"),
        "object_refs": ["identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],
        "object_marking_refs": [AMBER],
    })
}

/// Posts one object every 100 ms until stopped; the latencies of those posts.
struct Probe {
    stop: Arc<AtomicBool>,
    times: Arc<Mutex<Vec<Duration>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Probe {
    fn start(a: &Args) -> Probe {
        let (url, token) = (objects_url(a), a.analyst.clone());
        let stop = Arc::new(AtomicBool::new(false));
        let times = Arc::new(Mutex::new(Vec::new()));
        let (s, t) = (stop.clone(), times.clone());
        let task = tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut i = 0;
            while !s.load(Ordering::Relaxed) {
                i += 1;
                let started = Instant::now();
                let r = http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("Accept", TAXII)
                    .header("Content-Type", TAXII)
                    .body(json!({"objects": [note(i)]}).to_string())
                    .timeout(Duration::from_secs(30))
                    .send()
                    .await;
                let took = started.elapsed();
                assert!(
                    r.is_ok_and(|r| r.status() == 202),
                    "the probe's post failed"
                );
                t.lock().unwrap().push(took);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        Probe { stop, times, task }
    }

    async fn finish(self) -> Value {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap();
        let mut t = self.times.lock().unwrap().clone();
        t.sort();
        let ms = |d: Duration| (d.as_secs_f64() * 1e5).round() / 100.0;
        json!({
            "probe_posts": t.len(),
            "probe_p50_ms": t.get(t.len() / 2).map(|d| ms(*d)),
            "probe_max_ms": t.last().map(|d| ms(*d)),
        })
    }
}

fn report(name: &str, mut figures: Value, probe: Value) {
    if let (Some(f), Value::Object(p)) = (figures.as_object_mut(), probe) {
        f.extend(p);
        f.insert("attack".into(), json!(name));
    }
    println!("{figures}");
}

fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e4).round() / 1e4
}

async fn post_json(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    body: &Value,
) -> (u16, Duration) {
    let started = Instant::now();
    let r = http
        .post(url)
        .bearer_auth(token)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let _ = r.bytes().await;
    (status, started.elapsed())
}

#[tokio::main]
async fn main() {
    let a = args();
    let http = reqwest::Client::new();
    let screen = format!("{}api/v1/screen", a.base);
    let han: String = "张王李刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
        .chars()
        .cycle()
        .take(500)
        .collect();

    // 1. One name of 500 Chinese characters, and the longest a node accepts (24), against the
    //    register of 2,000 entries the script designated.
    let probe = Probe::start(&a);
    let (s500, t500) = post_json(&http, &screen, &a.analyst, &json!({"name": han})).await;
    let name24: String = han.chars().take(24).collect();
    let (s24, t24) = post_json(&http, &screen, &a.analyst, &json!({"name": name24})).await;
    let words: String = (0..24)
        .map(|i| format!("Morgulovich{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let (sw, tw) = post_json(&http, &screen, &a.analyst, &json!({"name": words})).await;
    report(
        "screen one long name (2,000 entries)",
        json!({"han500_status": s500, "han500_s": secs(t500), "han24_status": s24, "han24_s": secs(t24),
               "latin24_status": sw, "latin24_s": secs(tw)}),
        probe.finish().await,
    );

    // 2. An object with 3,000 versions, read by id, by match[id], and its first version.
    let id = format!("note--{}", uuid::Uuid::new_v4());
    let versions: Vec<Value> = (0..3000)
        .map(|i| {
            let mut v = note(i);
            v["id"] = json!(id);
            let at = 1_560_585_600_000_000 + i64::try_from(i).unwrap() * 1_000_000;
            v["modified"] = json!(entente_stix::Timestamp::from_micros(at).to_micros_string());
            v
        })
        .collect();
    let n_versions = versions.len();
    let r = http
        .post(objects_url(&a))
        .bearer_auth(&a.analyst)
        .header("Accept", TAXII)
        .header("Content-Type", TAXII)
        .body(json!({"objects": versions}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let probe = Probe::start(&a);
    let mut figures = json!({"versions": n_versions});
    for (label, url) in [
        ("by_id_s", format!("{}{id}/", objects_url(&a))),
        ("match_id_s", format!("{}?match[id]={id}", objects_url(&a))),
        (
            "first_s",
            format!("{}{id}/?match[version]=first", objects_url(&a)),
        ),
    ] {
        let started = Instant::now();
        let r = http
            .get(&url)
            .bearer_auth(&a.analyst)
            .header("Accept", TAXII)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let _ = r.bytes().await;
        figures[label] = json!(secs(started.elapsed()));
    }
    report(
        "read an object of thousands of versions",
        figures,
        probe.finish().await,
    );

    // 3. The largest batch a node takes (10,000 queries), while the probe posts; then one
    //    abandoned after a second.
    let queries: Vec<Value> = (0..10_000)
        .map(|i| json!({"name": format!("Igor Morgulov{} Petrov{}", i % 50, i % 7)}))
        .collect();
    let batch = json!({"queries": queries});
    let probe = Probe::start(&a);
    let (status, took) = post_json(&http, &screen, &a.analyst, &batch).await;
    report(
        "screen a batch of 10,000 names",
        json!({"status": status, "batch_s": secs(took), "queries_per_s": (10_000.0 / took.as_secs_f64()).round()}),
        probe.finish().await,
    );
    let probe = Probe::start(&a);
    let (u, t, b) = (screen.clone(), a.analyst.clone(), batch.clone());
    let abandoned =
        tokio::spawn(async move { post_json(&reqwest::Client::new(), &u, &t, &b).await });
    tokio::time::sleep(Duration::from_secs(1)).await;
    abandoned.abort();
    let started = Instant::now();
    let (s1, _) = post_json(
        &http,
        &screen,
        &a.analyst,
        &json!({"name": "Igor Morgulov"}),
    )
    .await;
    report(
        "abandon a batch after 1 s, then screen one name",
        json!({"status": s1, "one_name_s": secs(started.elapsed())}),
        probe.finish().await,
    );

    // 4. 16 MiB of tiny values.
    let before = peak_rss_mb(a.pid);
    let probe = Probe::start(&a);
    let mut tiny = String::from("{\"objects\": [");
    while tiny.len() < 16 * 1024 * 1024 - 16 {
        tiny.push_str("0,");
    }
    tiny.push_str("0]}");
    let started = Instant::now();
    let r = http
        .post(objects_url(&a))
        .bearer_auth(&a.analyst)
        .header("Accept", TAXII)
        .header("Content-Type", TAXII)
        .body(tiny)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let took = started.elapsed();
    report(
        "post 16 MiB of tiny values",
        json!({"status": status, "refused_s": secs(took), "peak_growth_mb": (peak_rss_mb(a.pid) - before).round()}),
        probe.finish().await,
    );

    // 5. 17,000 match[id] values.
    let probe = Probe::start(&a);
    let started = Instant::now();
    let ids = vec!["x"; 17_000].join(",");
    let r = http
        .get(format!("{}?match[id]={ids}", objects_url(&a)))
        .bearer_auth(&a.analyst)
        .header("Accept", TAXII)
        .send()
        .await
        .unwrap();
    report(
        "ask for 17,000 match[id] values",
        json!({"status": r.status().as_u16(), "answered_s": secs(started.elapsed())}),
        probe.finish().await,
    );

    // 6. A thousand silent sockets.
    let probe = Probe::start(&a);
    let addr = a
        .base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let idle: Vec<std::net::TcpStream> = (0..1000)
        .filter_map(|_| std::net::TcpStream::connect(&addr).ok())
        .collect();
    let started = Instant::now();
    let r = reqwest::Client::new()
        .get(format!("{}healthz", a.base))
        .timeout(Duration::from_secs(10))
        .send()
        .await;
    report(
        "hold 1,000 silent sockets, then ask /healthz",
        json!({"sockets": idle.len(), "healthz_status": r.map(|r| r.status().as_u16()).unwrap_or(0), "healthz_s": secs(started.elapsed())}),
        probe.finish().await,
    );
    drop(idle);

    // 7. Guessing: an unknown user against a wrong password, then 64 clients guessing at once.
    let probe = Probe::start(&a);
    let basic = |user: String, password: &'static str| {
        let url = format!("{}taxii2/", a.base);
        async move {
            let started = Instant::now();
            let r = reqwest::Client::new()
                .get(url)
                .basic_auth(user, Some(password))
                .header("Accept", TAXII)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), started.elapsed())
        }
    };
    let mut unknown = Duration::ZERO;
    let mut wrong = Duration::ZERO;
    for i in 0..8 {
        unknown += basic(format!("nobody{i}"), "guess").await.1;
        wrong += basic(a.user.clone(), "guess").await.1;
    }
    let before = peak_rss_mb(a.pid);
    let started = Instant::now();
    let statuses =
        futures::future::join_all((0..64).map(|i| basic(format!("guess{i}"), "guess"))).await;
    let limited = statuses.iter().filter(|(s, _)| *s == 429).count();
    report(
        "guess passwords: unknown user vs wrong password, then 64 at once",
        json!({
            "unknown_user_ms": (unknown.as_secs_f64() / 8.0 * 1e5).round() / 100.0,
            "wrong_password_ms": (wrong.as_secs_f64() / 8.0 * 1e5).round() / 100.0,
            "concurrent_64_s": secs(started.elapsed()),
            "answered_429": limited,
            "peak_growth_mb": (peak_rss_mb(a.pid) - before).round(),
        }),
        probe.finish().await,
    );

    // 8. A thousand event streams, then a warning draft.
    let audit_before = audit_entries(&a.dir);
    let mut streams = Vec::new();
    for _ in 0..1000 {
        let r = http
            .get(format!("{}api/v1/events", a.base))
            .bearer_auth(&a.analyst)
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            streams.push(r);
        }
    }
    let refused = {
        let r = http
            .get(format!("{}api/v1/events", a.base))
            .bearer_auth(&a.analyst)
            .send()
            .await
            .unwrap();
        r.status().as_u16()
    };
    let probe = Probe::start(&a);
    let review = chrono_in_days(90);
    let (status, took) = post_json(
        &http,
        &format!("{}api/v1/warnings", a.base),
        &a.analyst,
        &json!({
            "kind": "watch", "title": "Courier of the cell", "subject": {"names": ["Timur Aliyev"]},
            "legal_basis": "Shanghai Convention, art. 2", "issuing_authority": "NSC of Kazakhstan",
            "action_requested": "Report any sighting", "contact": "KZ liaison office",
            "purpose": "Prevent an attack", "source": "Human source", "review_date": review,
            "grading": {"source": "B", "information": "2", "handling": ["H0"]},
        }),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let open = streams.len();
    drop(streams);
    report(
        "open 1,000 event streams, then draft a warning",
        json!({"streams_open": open, "stream_past_the_cap_status": refused, "draft_status": status,
               "draft_s": secs(took), "audit_entries_written": audit_entries(&a.dir) - audit_before}),
        probe.finish().await,
    );
}

fn chrono_in_days(days: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    entente_stix::Timestamp::from_micros((now + days * 86_400) * 1_000_000).to_stix_string()
}

/// The audit log's length, by `entente audit verify`'s report.
fn audit_entries(dir: &str) -> i64 {
    let bin =
        std::env::var("ATTACK_ENTENTE_BIN").unwrap_or_else(|_| "target/release/entente".into());
    let out = std::process::Command::new(bin)
        .args(["audit", "verify", "--dir", dir])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        eprintln!(
            "audit verify: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    text.split("audit log: ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(-1)
}
