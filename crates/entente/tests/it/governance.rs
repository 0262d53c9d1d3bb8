//! Governance across real node processes on loopback (a hub, three members and an observer, each
//! its own `entente serve`, hub and spoke), through the REST API as users would: an observer's
//! application put to the members and adopted by their signed ballots, its new tier in effect on
//! every node — member-only AMBER it could not see before now reaches its node — and the same
//! outcome and charter everywhere.

use crate::federation::{held, Fed, FAST, HUB};
use crate::helpers::*;
use entente_core::marking::TLP_AMBER;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const CHARTER: &str = include_str!("../../../../examples/test-organization.toml");

const STATES: [&str; 5] = [HUB, "CN", "KZ", "RU", "AF"];

/// Polls `check` until it holds, for at most 30 s.
pub async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let end = Instant::now() + Duration::from_secs(30);
    while Instant::now() < end {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("waited 30 s for {what}");
}

pub async fn get(node: &TestNode, token: &str, path: &str) -> (u16, Value) {
    let r = node
        .http
        .get(format!(
            "{}{}",
            node.base_url(),
            path.trim_start_matches('/')
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_observer_admitted_by_signed_ballots_receives_member_only_amber_on_every_node() {
    let mut fed = Fed::init_with(CHARTER, &STATES);
    let supervisors: std::collections::BTreeMap<&str, String> = STATES
        .iter()
        .map(|s| (*s, fed.node(s).add_user("sup", "supervisor").token))
        .collect();
    fed.start(&FAST);
    fed.hub_and_spokes();

    // KZ shares member-only AMBER: AF's node, an observer's, does not receive it.
    let indicator = json!({
        "type": "indicator", "spec_version": "2.1",
        "id": "indicator--00000000-0000-4000-8000-00000000a001",
        "created": "2026-12-01T00:00:00.000Z", "modified": "2026-12-01T00:00:00.000Z",
        "pattern": "[ipv4-addr:value = '203.0.113.9']", "pattern_type": "stix",
        "valid_from": "2026-12-01T00:00:00.000Z", "object_marking_refs": [TLP_AMBER],
    });
    fed.node("KZ")
        .post_ok(&fed.analysts["KZ"], &[indicator])
        .await;
    let id = "indicator--00000000-0000-4000-8000-00000000a001";
    let holds = |state: &'static str| {
        let node = fed.node(state);
        async move { held(node).await.keys().any(|(i, _)| i == id) }
    };
    until("the indicator on CN", || holds("CN")).await;
    assert!(
        !holds("AF").await,
        "an observer does not receive member-only AMBER"
    );

    // AF applies; the secretariat puts it to the members once the application has reached it.
    let (status, app) = fed
        .node("AF")
        .post_api(
            &supervisors["AF"],
            "/api/v1/applications",
            &json!({"state": "AF", "tier": "member", "statement": "Full membership."}),
        )
        .await;
    assert_eq!(status, 201, "{app}");
    let app = app["id"].as_str().unwrap().to_owned();
    let hub = fed.node(HUB);
    until("the application on the hub", || async {
        get(
            hub,
            &supervisors[HUB],
            &format!("/api/v1/applications/{app}"),
        )
        .await
        .0 == 200
    })
    .await;
    let deadline = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let (status, decision) = hub
        .post_api(
            &supervisors[HUB],
            "/api/v1/decisions",
            &json!({"title": "Admission of Afghanistan", "procedure": "consensus", "deadline": deadline,
                    "effect": {"kind": "admit", "application_ref": app}}),
        )
        .await;
    assert_eq!(status, 201, "{decision}");
    assert_eq!(decision["members"], json!(["CN", "KZ", "RU"]));
    let d = decision["id"].as_str().unwrap().to_owned();

    // The observer's ballot is refused; each member's supervisor votes on its own node.
    let (status, refused) = fed
        .node("AF")
        .post_api(
            &supervisors["AF"],
            &format!("/api/v1/decisions/{d}/ballots"),
            &json!({"vote": "approve"}),
        )
        .await;
    assert!(matches!(status, 403 | 404), "{status} {refused}");
    for m in ["CN", "KZ", "RU"] {
        let node = fed.node(m);
        until(&format!("the decision on {m}"), || async {
            get(node, &supervisors[m], &format!("/api/v1/decisions/{d}"))
                .await
                .0
                == 200
        })
        .await;
        let (status, v) = node
            .post_api(
                &supervisors[m],
                &format!("/api/v1/decisions/{d}/ballots"),
                &json!({"vote": "approve"}),
            )
            .await;
        assert_eq!(status, 201, "{m}: {v}");
    }

    // Every node derives the same outcome and charter; AF's node now receives the AMBER.
    for s in STATES {
        let node = fed.node(s);
        until(&format!("the adoption on {s}"), || async {
            let (_, v) = get(node, &supervisors[s], &format!("/api/v1/decisions/{d}")).await;
            v["status"] == "adopted" && v["tally"]["approve"] == 3
        })
        .await;
        let (_, c) = get(node, &supervisors[s], "/api/v1/charter").await;
        assert_eq!(c["members"], json!(["AF", "CN", "KZ", "RU"]), "on {s}: {c}");
    }
    until("the member-only AMBER on AF's node", || holds("AF")).await;
    // A late ballot is refused.
    let (status, _) = fed
        .node("KZ")
        .post_api(
            &supervisors["KZ"],
            &format!("/api/v1/decisions/{d}/ballots"),
            &json!({"vote": "object"}),
        )
        .await;
    assert_eq!(status, 409);
}
