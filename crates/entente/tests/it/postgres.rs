//! One node on PostgreSQL, served by two `entente serve` processes on one database (issue 17):
//! writers post through both at once, one process is killed with SIGKILL mid-write; every object
//! either acknowledged is stored, paging through the other process sees each object once, and
//! `entente audit verify` passes on the one audit log both wrote.

use crate::helpers::*;
use entente_core::marking::TLP_GREEN;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Posts batches of notes to `url` until a post fails; records the ids acknowledged.
fn writer(
    http: reqwest::Client,
    url: String,
    token: String,
    from: u32,
    acked: Arc<Mutex<Vec<String>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        for batch in 0..5_000u32 {
            let objs: Vec<Value> = (0..10)
                .map(|i| note(from + batch * 10 + i, TLP_GREEN))
                .collect();
            let sent = http
                .post(&url)
                .bearer_auth(&token)
                .header("Content-Type", TAXII)
                .body(json!({"objects": objs}).to_string())
                .timeout(Duration::from_secs(5))
                .send()
                .await;
            let Ok(r) = sent else { return };
            if r.status() != 202 {
                return;
            }
            let Ok(status) = r.json::<Value>().await else {
                return;
            };
            let mut a = acked.lock().unwrap();
            for s in status["successes"].as_array().into_iter().flatten() {
                a.push(s["id"].as_str().unwrap().to_owned());
            }
        }
    })
}

#[tokio::test]
async fn two_processes_serve_one_node_and_a_killed_one_loses_nothing_acknowledged() {
    let url = fresh_postgres_database().await;
    let mut a = TestNode::init_on(SCO, "KZ", Some(&url));
    let config = std::fs::read_to_string(a.dir.join("entente.toml")).unwrap();
    assert!(config.contains("[store]"), "{config}");
    a.serve();
    let token = a.add_user("analyst", "analyst").token;
    // The second process: the same node directory (key, configuration), another port.
    let mut b = TestNode::init(SCO, "KZ");
    b.dir = a.dir.clone();
    b.serve();

    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut writers = Vec::new();
    for (w, node) in [&a, &b, &a, &b].iter().enumerate() {
        writers.push(writer(
            node.http.clone(),
            node.objects_url(),
            token.clone(),
            (w as u32 + 1) * 1_000_000,
            acked.clone(),
        ));
    }
    tokio::time::sleep(Duration::from_millis(2000)).await;
    a.kill();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // B goes on serving; its writers stop after a while.
    for w in &writers {
        w.abort();
    }
    for w in writers {
        let _ = w.await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 100,
        "too few posts were acknowledged: {}",
        acked.len()
    );
    let ids = b.all_ids(&token, "").await;
    let mut seen = std::collections::HashSet::new();
    for id in &ids {
        assert!(seen.insert(id.clone()), "{id} paged twice");
    }
    let lost: Vec<&String> = acked.iter().filter(|id| !seen.contains(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged objects lost, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(3)]
    );
    b.kill();
    let (ok, out, err) = run(&["audit", "verify", "--dir", a.dir_str()]);
    assert!(ok, "audit verify: {out}{err}");
}

#[tokio::test]
async fn the_store_url_is_checked_and_its_password_never_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(&[
        "init",
        "--dir",
        tmp.path().join("n").to_str().unwrap(),
        "--charter",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/sco.toml"),
        "--state",
        "KZ",
        "--store-url",
        "postgres://entente:s3cret@127.0.0.1:1/entente",
    ]);
    assert!(!ok, "{out}");
    assert!(!err.contains("s3cret") && !out.contains("s3cret"), "{err}");
    assert!(
        err.contains("postgres://entente:***@127.0.0.1:1/entente"),
        "{err}"
    );
    // Nothing was made of the node.
    assert!(!tmp.path().join("n").exists());
    let (ok, _, err) = run(&[
        "init",
        "--dir",
        tempfile::tempdir()
            .unwrap()
            .path()
            .join("n")
            .to_str()
            .unwrap(),
        "--charter",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/sco.toml"),
        "--state",
        "KZ",
        "--store-url",
        "mysql://x@y/z",
    ]);
    assert!(!ok);
    assert!(err.contains("is not a PostgreSQL URL"), "{err}");
}

/// Reads a server-sent event stream until `want` is in it, or 20 seconds pass.
async fn stream_until(stream: &mut reqwest::Response, want: &[&str]) -> (bool, String) {
    let mut seen = String::new();
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(Some(chunk)) = stream.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if want.iter().all(|w| seen.contains(w)) {
                return true;
            }
        }
        false
    })
    .await;
    (found == Ok(true), seen)
}

/// What one process stores reaches the other at once (LISTEN/NOTIFY): its event streams, its
/// detection index (an indicator stored through A matches an observation posted to B, whose index
/// was built before the indicator existed), its screening index (an entry designated through A is
/// screened on B), and the sighting B writes reaches a stream opened on A.
#[tokio::test]
async fn what_one_process_stores_reaches_the_streams_and_indexes_of_the_other() {
    let url = fresh_postgres_database().await;
    let mut a = TestNode::init_on(SCO, "KZ", Some(&url));
    a.serve();
    let analyst = a.add_user("analyst", "analyst").token;
    let supervisor = a.add_user("supervisor", "supervisor").token;
    let mut b = TestNode::init(SCO, "KZ");
    b.dir = a.dir.clone();
    b.serve();
    let green = TLP_GREEN;
    let observation = |n: u32, value: &str| {
        let domain = format!("domain-name--00000000-0000-5000-8000-{n:012}");
        [
            json!({"type": "domain-name", "spec_version": "2.1", "id": domain, "value": value}),
            json!({
                "type": "observed-data", "spec_version": "2.1",
                "id": format!("observed-data--00000000-0000-4000-8000-{n:012}"),
                "created": "2026-12-01T08:00:00.000Z", "modified": "2026-12-01T08:00:00.000Z",
                "first_observed": "2026-12-01T07:55:00Z", "last_observed": "2026-12-01T07:59:00Z",
                "number_observed": 1, "object_refs": [domain],
                "object_marking_refs": [green],
            }),
        ]
    };
    // B's indexes are built before anything is designated or indicated.
    b.post_ok(&analyst, &observation(1, "quiet.example")).await;
    let (status, answer) = b
        .post_api(
            &analyst,
            "/api/v1/screen",
            &json!({"name": "Igor Morgulov"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(!answer.to_string().contains("x-entente-register-entry--"));

    // Streams on both processes, before the writes.
    let open = |node: &TestNode| {
        reqwest::Client::new()
            .get(format!("{}api/v1/events", node.base_url()))
            .bearer_auth(&analyst)
            .send()
    };
    let mut on_a = open(&a).await.unwrap();
    let mut on_b = open(&b).await.unwrap();
    assert_eq!((on_a.status().as_u16(), on_b.status().as_u16()), (200, 200));

    // Through A: an indicator, and a register entry.
    let indicator = "indicator--6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";
    a.post_ok(
        &analyst,
        &[json!({
            "type": "indicator", "spec_version": "2.1", "id": indicator,
            "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
            "name": "Registration site of the summit, spoofed",
            "pattern": "[domain-name:value = 'sco-summit-registration.example']",
            "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z",
            "object_marking_refs": [green],
        })],
    )
    .await;
    let (status, entry) = a
        .post_api(
            &supervisor,
            "/api/v1/register",
            &json!({"kind": "person", "names": ["Igor Morgulov"]}),
        )
        .await;
    assert_eq!(status, 201, "{entry}");
    let entry = entry["id"].as_str().unwrap().to_owned();
    // Screened on B at once: B's index learned of the entry.
    let (status, answer) = b
        .post_api(
            &analyst,
            "/api/v1/screen",
            &json!({"name": "Igor Morgulov"}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer.to_string().contains(&entry),
        "B does not screen the entry stored through A: {answer}"
    );

    // Through B: an observation the indicator (stored through A) matches.
    b.post_ok(&analyst, &observation(2, "sco-summit-registration.example"))
        .await;
    // The sighting B wrote is an event on both processes' streams.
    let (found, seen) = stream_until(&mut on_b, &["event: sighting", indicator]).await;
    assert!(found, "B's own stream: {seen}");
    let (found, seen) = stream_until(&mut on_a, &["event: sighting", indicator]).await;
    assert!(
        found,
        "a stream on A is not told of the sighting B wrote: {seen}"
    );
}

/// `entente store copy` moves a SQLite node to PostgreSQL: the copy verifies, and the node
/// served from it is the same node — the same objects in the same order, its users' tokens, a
/// paging token issued before the move, its peers' tokens — and goes on writing after what it
/// held. A second copy into the same database is refused; so is a URL that is not PostgreSQL.
#[tokio::test]
async fn a_sqlite_node_is_copied_to_postgresql_and_served_from_it() {
    let url = fresh_postgres_database().await;
    let mut a = TestNode::init_on(SCO, "KZ", None);
    a.serve();
    let token = a.add_user("analyst", "analyst").token;
    let peer_token = a.add_peer("CN");
    for batch in 0..5u32 {
        let objs: Vec<Value> = (0..20).map(|i| note(batch * 20 + i, TLP_GREEN)).collect();
        a.post_ok(&token, &objs).await;
    }
    // A second version of one note.
    let mut newer = note(3, TLP_GREEN);
    newer["modified"] = json!("2019-06-15T08:00:00.000Z");
    a.post_ok(&token, &[newer]).await;
    let before = a.all_ids(&token, "").await;
    let page = a
        .get_json(&token, &format!("{}?limit=30", a.objects_url()))
        .await;
    let next = page["next"].as_str().unwrap().to_owned();
    let second_page = a
        .get_json(&token, &format!("{}?limit=30&next={next}", a.objects_url()))
        .await;
    a.kill();

    let (ok, out, err) = run(&["store", "copy", "--from", a.dir_str(), "--to", &url]);
    assert!(ok, "store copy: {out}{err}");
    assert!(out.contains("verified"), "{out}");
    // Every version: each object once, and the note's second version.
    let versions = format!("{} object versions", before.len() + 1);
    assert!(out.contains(&versions), "{out}");
    let (ok, _, err) = run(&["store", "copy", "--from", a.dir_str(), "--to", &url]);
    assert!(!ok);
    assert!(err.contains("already holds a node"), "{err}");
    let (ok, _, err) = run(&[
        "store",
        "copy",
        "--from",
        a.dir_str(),
        "--to",
        "mysql://x@y/z",
    ]);
    assert!(!ok);
    assert!(err.contains("is not a PostgreSQL URL"), "{err}");

    // The same directory, served from the copy.
    let mut b = TestNode::init(SCO, "KZ");
    b.dir = a.dir.clone();
    b.env = vec![("ENTENTE_STORE__URL".into(), url.clone())];
    b.serve();
    assert_eq!(b.all_ids(&token, "").await, before);
    let again = b
        .get_json(&token, &format!("{}?limit=30&next={next}", b.objects_url()))
        .await;
    assert_eq!(again["objects"], second_page["objects"]);
    let r = b
        .get(&peer_token, &format!("{}?limit=1", b.objects_url()))
        .await;
    assert_eq!(r.status(), 200, "the peer's token");
    // It goes on after what it held.
    b.post_ok(&token, &[note(500, TLP_GREEN)]).await;
    let after = b.all_ids(&token, "").await;
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(
        after.last().map(String::as_str),
        Some(note(500, TLP_GREEN)["id"].as_str().unwrap())
    );
}
