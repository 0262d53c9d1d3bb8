//! Bad input costs nothing, and every request's work is bounded: strict JSON (duplicate keys
//! refused by name, values counted before the tree is built), bodies that are no envelope refused
//! with 422, the `match[...]` values of a query capped, status resources without empty lists.

use crate::helpers::*;
use entente_core::marking::TLP_AMBER;
use serde_json::{json, Value};

/// The peak resident memory of a process, in kB (Linux).
pub fn peak_rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

async fn post_raw(node: &TestNode, token: &str, body: impl Into<reqwest::Body>) -> (u16, Value) {
    let r = node
        .http
        .post(node.objects_url())
        .bearer_auth(token)
        .header("Accept", TAXII)
        .header("Content-Type", TAXII)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn bodies_are_read_strictly_and_within_bounds() {
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;

    // A duplicate key: our parser would keep one marking, another parser the other.
    let dup = format!(
        r#"{{"objects": [{{"type": "note", "spec_version": "2.1", "id": "note--00000000-0000-4000-8000-000000000001", "created": "2019-06-14T08:00:00.000Z", "modified": "2019-06-14T08:00:00.000Z", "content": "x", "object_refs": ["identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"], "object_marking_refs": ["{TLP_AMBER}"], "object_marking_refs": ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]}}]}}"#
    );
    let (status, body) = post_raw(&node, &analyst, dup).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("`object_marking_refs` appears twice"),
        "{body}"
    );
    assert!(
        node.all_ids(&analyst, "").await.len() <= 1,
        "nothing stored"
    );

    // Not an envelope: 422, saying what it is.
    for (body, says) in [
        (json!([note(1, TLP_AMBER)]), "a list"),
        (
            json!({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": []}),
            "bundle",
        ),
        (note(1, TLP_AMBER), "a single STIX object"),
        (json!({"object": []}), "without `objects`"),
        (json!({"objects": {"a": 1}}), "must be a list"),
        (json!("objects"), "not a JSON object"),
    ] {
        let (status, answer) = post_raw(&node, &analyst, body.to_string()).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(says),
            "{body}: {answer}"
        );
    }

    // A status resource never holds an empty list.
    let (status, ok) = post_raw(
        &node,
        &analyst,
        json!({"objects": [note(2, TLP_AMBER)]}).to_string(),
    )
    .await;
    assert_eq!(status, 202);
    assert!(
        ok.get("failures").is_none() && ok.get("pendings").is_none(),
        "{ok}"
    );
    assert_eq!(ok["successes"].as_array().unwrap().len(), 1);
    let (_, bad) = post_raw(
        &node,
        &analyst,
        json!({"objects": [{"type": "note"}]}).to_string(),
    )
    .await;
    assert!(bad.get("successes").is_none(), "{bad}");
    assert_eq!(bad["failures"].as_array().unwrap().len(), 1);

    // 16 MiB of tiny values: refused at the value limit, before the tree is built.
    let pid = node.child.as_ref().unwrap().id();
    let before = peak_rss_kb(pid);
    let mut tiny = String::from("{\"objects\": [");
    while tiny.len() < 16 * 1024 * 1024 - 16 {
        tiny.push_str("0,");
    }
    tiny.push_str("0]}");
    let started = std::time::Instant::now();
    let (status, answer) = post_raw(&node, &analyst, tiny).await;
    assert_eq!(status, 413, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("at most 500000"),
        "{answer}"
    );
    let grew_mb = (peak_rss_kb(pid).saturating_sub(before)) / 1024;
    // The body itself is 16 MiB; the tree stops at 500,000 values. (It was 435 MB.)
    assert!(grew_mb < 120, "the node grew by {grew_mb} MB");
    eprintln!(
        "16 MiB of tiny values: refused in {:?}, peak memory +{grew_mb} MB",
        started.elapsed()
    );

    // match[...] values are capped, all filters together: 400, not a database error.
    let ids: Vec<String> = (0..1500)
        .map(|i| format!("note--00000000-0000-4000-8000-{i:012}"))
        .collect();
    let url = format!("{}?match[id]={}", node.objects_url(), ids.join(","));
    let r = node.get(&analyst, &url).await;
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("at most 1000 values together"),
        "{body}"
    );
    let url = format!(
        "{}?match[id]={}&match[id]={}",
        node.objects_url(),
        ids[..600].join(","),
        ids[600..1200].join(",")
    );
    assert_eq!(node.get(&analyst, &url).await.status(), 400);
    let url = format!("{}?match[id]={}", node.objects_url(), ids[..1000].join(","));
    assert_eq!(node.get(&analyst, &url).await.status(), 200);
}

#[tokio::test]
async fn an_object_with_thousands_of_versions_is_read_in_linear_time() {
    let node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let base = note(7, TLP_AMBER);
    let id = base["id"].as_str().unwrap().to_owned();
    let versions: Vec<Value> = (0..3000)
        .map(|i| {
            let mut v = base.clone();
            let t = entente_stix::Timestamp::from_micros(1_560_499_200_000_000 + i * 1_000_000);
            v["modified"] = json!(t.to_micros_string());
            v["content"] = json!(format!("version {i}"));
            v
        })
        .collect();
    let status = node.post_ok(&analyst, &versions).await;
    assert_eq!(status["success_count"], 3000);
    // Each of these read every version once per version (over 60 s at 3,000).
    for (what, url, want) in [
        ("GET by id", format!("{}{id}/", node.objects_url()), 1),
        (
            "match[id]",
            format!("{}?match[id]={id}", node.objects_url()),
            1,
        ),
        (
            "match[version]=first",
            format!("{}{id}/?match[version]=first", node.objects_url()),
            1,
        ),
        (
            "match[version]=first,last",
            format!(
                "{}?match[id]={id}&match[version]=first,last",
                node.objects_url()
            ),
            2,
        ),
    ] {
        let started = std::time::Instant::now();
        let env = node.get_json(&analyst, &url).await;
        let took = started.elapsed();
        assert_eq!(
            env["objects"].as_array().map(Vec::len),
            Some(want),
            "{what}"
        );
        eprintln!("{what} of an object with 3,000 versions: {took:?}");
        assert!(took < std::time::Duration::from_secs(5), "{what}: {took:?}");
    }
}

/// The score of `entry` for `name`, as `token` screens it.
async fn score_of(node: &TestNode, token: &str, name: &str, entry: &str) -> f64 {
    let (status, answer) = node
        .post_api(
            token,
            "/api/v1/screen",
            &json!({"name": name, "threshold": 0.5}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    answer["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["entry"] == entry)
        .and_then(|m| m["score"].as_f64())
        .unwrap_or_else(|| panic!("{entry} not found for {name}: {answer}"))
}

#[tokio::test]
async fn screening_work_is_bounded_and_scores_tell_nothing_of_the_invisible() {
    let node = TestNode::start(SCO, "KZ").await;
    let supervisor = node.add_user("boss", "supervisor").token;
    // Mongolia's node, an observer: it sees GREEN entries, not AMBER ones.
    let mn = node.add_peer("MN");
    let (status, visible) = node
        .post_api(
            &supervisor,
            "/api/v1/register",
            &json!({"kind": "person", "names": ["Batbayar Ganzorig"], "marking": "TLP:GREEN"}),
        )
        .await;
    assert_eq!(status, 201, "{visible}");
    let visible = visible["id"].as_str().unwrap().to_owned();
    let before = score_of(&node, &mn, "Batbayar Ganzorigt", &visible).await;
    // Many AMBER entries sharing the surname: it would be common, and a match on it worth less.
    for i in 0..40 {
        let (status, answer) = node.post_api(&supervisor,
            "/api/v1/register",
            &json!({"kind": "person", "names": [format!("Ganzorig Hidden{i}")], "marking": "TLP:AMBER"}),
        )
        .await;
        assert_eq!(status, 201, "{answer}");
    }
    let after = score_of(&node, &mn, "Batbayar Ganzorigt", &visible).await;
    assert_eq!(
        before, after,
        "an observer's score moved with entries it cannot see"
    );
    // The supervisor, who sees them, gets another score: the hidden entries do weigh.
    assert_ne!(
        score_of(&node, &supervisor, "Batbayar Ganzorigt", &visible).await,
        before
    );

    // A name of 500 Chinese characters (10.9 s against 2,000 entries before): refused, naming
    // the limit, at once.
    let han: String = "张王李刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
        .chars()
        .cycle()
        .take(500)
        .collect();
    let started = std::time::Instant::now();
    let (status, answer) = node
        .post_api(&mn, "/api/v1/screen", &json!({"name": han}))
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["message"].as_str().unwrap().contains("at most 24"),
        "{answer}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    // A batch's names together are bounded too.
    let queries: Vec<Value> = (0..10_000)
        .map(|i| json!({"name": format!("Batbayar Ganzorig Temuujin Bold Erdene{i}")}))
        .collect();
    let (status, answer) = node
        .post_api(&mn, "/api/v1/screen", &json!({"queries": queries}))
        .await;
    assert_eq!(status, 413, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("at most 40000 name parts"),
        "{answer}"
    );
}

#[tokio::test]
async fn a_batch_of_names_neither_starves_ingest_nor_outlives_its_client() {
    let node = TestNode::start(SCO, "KZ").await;
    let supervisor = node.add_user("boss", "supervisor").token;
    let analyst = node.add_user("analyst", "analyst").token;
    // A register of 2,000 entries that share their parts, so that each query has candidates.
    let entries: Vec<Value> = (0..2_000)
        .map(|i| {
            json!({
                "type": "x-entente-register-entry", "spec_version": "2.1",
                "id": format!("x-entente-register-entry--00000000-0000-4000-8000-{i:012}"),
                "created": "2019-06-14T08:00:00.000Z", "modified": "2019-06-14T08:00:00.000Z",
                "kind": "person", "status": "designated",
                "names": [format!("Igor Sergei Morgulov{} Petrov{}", i % 50, i % 7)],
                "object_marking_refs": [TLP_AMBER],
                "extensions": {"extension-definition--2fe2ba3d-e9f3-5da0-9d56-f64569f208bc": {"extension_type": "new-sdo"}},
            })
        })
        .collect();
    node.post_ok(&supervisor, &entries).await;
    // The index is built before the batch, so that the batch is screening when its client goes.
    let (status, _) = node
        .post_api(
            &analyst,
            "/api/v1/screen",
            &json!({"name": "Igor Morgulov"}),
        )
        .await;
    assert_eq!(status, 200);
    // As many names as a request may hold, each near dozens of listed ones: seconds of work on
    // the screening pool.
    let queries: Vec<Value> = (0..10_000)
        .map(|i| json!({"name": format!("Igor Morgulov{} Petrov{}", i % 50, i % 7)}))
        .collect();
    let body = json!({"queries": queries}).to_string();
    let url = format!("{}api/v1/screen", node.base_url());
    let token = analyst.clone();
    let batch = tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(token)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
    });
    let started_batch = std::time::Instant::now();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    // One-object posts go on as the batch runs.
    let mut slowest = std::time::Duration::ZERO;
    for i in 0..10 {
        let started = std::time::Instant::now();
        node.post_ok(&analyst, &[note(100 + i, TLP_AMBER)]).await;
        slowest = slowest.max(started.elapsed());
    }
    eprintln!("slowest one-object POST during a screening batch: {slowest:?}");
    assert!(slowest < std::time::Duration::from_secs(1), "{slowest:?}");
    assert!(
        !batch.is_finished(),
        "the batch should still be running after {:?}",
        started_batch.elapsed()
    );
    // The client goes away: the batch stops. (Left running, it would keep a core busy for
    // tens of seconds: 50 s in a debug build.)
    batch.abort();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let pid = node.child.as_ref().unwrap().id();
    let cpu_before = cpu_seconds(pid);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let busy = cpu_seconds(pid) - cpu_before;
    eprintln!("CPU the node used in the 2 s after the batch's client left: {busy:.2} s");
    assert!(
        busy < 0.5,
        "the batch went on after its client left: {busy:.2} s of CPU in 2 s"
    );
    let started = std::time::Instant::now();
    let (status, answer) = node
        .post_api(
            &analyst,
            "/api/v1/screen",
            &json!({"name": "Igor Morgulov"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

/// The CPU time a process has used (user and system), in seconds (Linux).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}
