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
