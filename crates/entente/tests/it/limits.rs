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
