//! Durability: a node killed with SIGKILL in the middle of a stream of posts has, after restart,
//! every object whose post it acknowledged — and its audit log and objects still verify.

use crate::helpers::*;
use entente_core::marking::TLP_GREEN;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::test]
async fn every_acknowledged_object_survives_sigkill() {
    let mut node = TestNode::start(SCO, "KZ").await;
    let analyst = node.add_user("analyst", "analyst").token;
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..3u32 {
        let (http, url, token, acked) = (
            node.http.clone(),
            node.objects_url(),
            analyst.clone(),
            acked.clone(),
        );
        writers.push(tokio::spawn(async move {
            for batch in 0..10_000u32 {
                let objs: Vec<Value> = (0..20)
                    .map(|i| note(w * 10_000_000 + batch * 20 + i, TLP_GREEN))
                    .collect();
                let sent = http
                    .post(&url)
                    .bearer_auth(&token)
                    .header("Content-Type", TAXII)
                    .body(json!({"objects": objs}).to_string())
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 202 => {
                        let status: Value = match r.json().await {
                            Ok(s) => s,
                            Err(_) => return,
                        };
                        let mut a = acked.lock().unwrap();
                        for s in status["successes"].as_array().unwrap() {
                            a.push(s["id"].as_str().unwrap().to_owned());
                        }
                    }
                    _ => return,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    node.kill();
    for w in writers {
        w.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 100,
        "too few posts were acknowledged before the kill: {}",
        acked.len()
    );

    node.serve();
    let stored: std::collections::HashSet<String> =
        node.all_ids(&analyst, "").await.into_iter().collect();
    let lost: Vec<&String> = acked.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged objects lost, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(3)]
    );
    node.kill();
    let (ok, out, err) = run(&["audit", "verify", "--dir", node.dir_str()]);
    assert!(ok, "audit verify after the crash: {out}{err}");
}
