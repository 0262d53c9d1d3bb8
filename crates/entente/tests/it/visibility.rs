//! The access policy on every read endpoint: objects originated and signed by CN, in every
//! marking × audience shape, stored on a node that is not their originator — a state's node (KZ)
//! and the hub (SECRETARIAT); every principal kind (that node's users of each role; the nodes of a
//! member, an observer, a dialogue partner, the secretariat or KZ, and the originator) reads them
//! through every endpoint. The expected audience of each object is written out by hand from
//! DESIGN.md's table; anything seen that should not be is a leak, and anything not seen that should
//! be is a failure too. Peer nodes are sent objects only by their originator or the hub, never
//! their own objects back. Invisible answers exactly like absent.

use crate::helpers::*;
use entente_core::marking::{TLP_AMBER, TLP_AMBER_STRICT, TLP_CLEAR, TLP_GREEN, TLP_RED};
use entente_stix::extension::ENTENTE_EXTENSION;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

const KZ_USERS: [&str; 3] = ["kz-analyst", "kz-supervisor", "kz-admin"];
const SEC_USERS: [&str; 3] = ["sec-analyst", "sec-supervisor", "sec-admin"];
const ALL: [&str; 12] = [
    "kz-analyst",
    "kz-supervisor",
    "kz-admin",
    "sec-analyst",
    "sec-supervisor",
    "sec-admin",
    "RU",
    "MN",
    "TR",
    "SECRETARIAT",
    "KZ",
    "CN",
];

/// Audience shapes, and who may see each at GREEN and at AMBER: users of KZ and of the
/// secretariat, and the nodes of states (when a node that relays holds the object). The
/// originator CN always may, but its node is not sent its own objects.
struct Shape {
    name: &'static str,
    audience: Option<Value>,
    green: &'static [&'static str],
    amber: &'static [&'static str],
    /// Who sees it at RED; `None`: RED with this audience is refused on entry.
    red: Option<&'static [&'static str]>,
}

fn shapes() -> Vec<Shape> {
    vec![
        Shape {
            name: "none",
            audience: None,
            green: &[
                "kz-analyst",
                "kz-supervisor",
                "kz-admin",
                "sec-analyst",
                "sec-supervisor",
                "sec-admin",
                "RU",
                "MN",
                "TR",
                "KZ",
            ],
            amber: &["kz-analyst", "kz-supervisor", "kz-admin", "RU", "KZ"],
            red: None,
        },
        Shape {
            name: "state RU",
            audience: Some(json!({"states": ["RU"]})),
            green: &["RU"],
            amber: &["RU"],
            red: None,
        },
        Shape {
            name: "tier observer",
            audience: Some(json!({"tiers": ["observer"]})),
            green: &["MN"],
            amber: &["MN"],
            red: None,
        },
        Shape {
            name: "user KZ:kz-analyst",
            audience: Some(json!({"users": ["KZ:kz-analyst"]})),
            green: &["kz-analyst", "KZ"],
            amber: &["kz-analyst", "KZ"],
            red: Some(&["kz-analyst", "KZ"]),
        },
        Shape {
            name: "user MN:liaison",
            audience: Some(json!({"users": ["MN:liaison"]})),
            green: &["MN"],
            amber: &["MN"],
            red: Some(&["MN"]),
        },
        Shape {
            name: "the secretariat",
            audience: Some(json!({"states": ["SECRETARIAT"]})),
            green: &["sec-analyst", "sec-supervisor", "sec-admin"],
            amber: &["sec-analyst", "sec-supervisor", "sec-admin"],
            red: None,
        },
        Shape {
            name: "tier member",
            audience: Some(json!({"tiers": ["member"]})),
            green: &["kz-analyst", "kz-supervisor", "kz-admin", "RU", "KZ"],
            amber: &["kz-analyst", "kz-supervisor", "kz-admin", "RU", "KZ"],
            red: None,
        },
    ]
}

fn is_node(who: &str) -> bool {
    who.chars().all(|c| c.is_ascii_uppercase())
}

struct Case {
    id: String,
    label: String,
    expected: BTreeSet<&'static str>,
}

#[tokio::test]
async fn every_principal_sees_exactly_what_the_policy_allows_on_a_state_node() {
    every_principal_on_every_endpoint("KZ").await;
}

#[tokio::test]
async fn every_principal_sees_exactly_what_the_policy_allows_on_the_hub() {
    every_principal_on_every_endpoint("SECRETARIAT").await;
}

async fn every_principal_on_every_endpoint(holder: &str) {
    let cn = signer("CN");
    let node = TestNode::start(&charter_with_key("CN", &cn), holder).await;
    let hub = holder == "SECRETARIAT";
    let users = if hub { SEC_USERS } else { KZ_USERS };
    let mut tokens = Vec::new();
    for (user, role) in users.iter().zip(["analyst", "supervisor", "admin"]) {
        tokens.push((*user, node.add_user(user, role).token));
    }
    let other = if hub { "KZ" } else { "SECRETARIAT" };
    for peer in ["RU", "MN", "TR", other, "CN"] {
        tokens.push((peer, node.add_peer(peer)));
    }
    let supervisor = tokens[1].1.clone();
    // A peer node is sent what the table allows only by the hub, and never its own objects.
    let sees = |who: &str, allowed: &[&str]| {
        allowed.contains(&who) && (!is_node(who) || (hub && who != "CN"))
    };

    let mut cases = Vec::new();
    let mut objects = Vec::new();
    let mut refused = Vec::new();
    let mut n = 0;
    for (marking, mref) in [
        ("CLEAR", TLP_CLEAR),
        ("GREEN", TLP_GREEN),
        ("AMBER", TLP_AMBER),
        ("AMBER+STRICT", TLP_AMBER_STRICT),
        ("RED", TLP_RED),
    ] {
        for shape in shapes() {
            n += 1;
            let mut o: Map<String, Value> = note(n, mref).as_object().unwrap().clone();
            if let Some(a) = &shape.audience {
                o.insert("extensions".into(), json!({ENTENTE_EXTENSION: {"extension_type": "property-extension", "audience": a}}));
            }
            cn.sign_object(&mut o).unwrap();
            let expected: Option<&[&str]> = match marking {
                "CLEAR" => Some(&ALL),
                "GREEN" => Some(shape.green),
                "RED" => shape.red,
                _ => Some(shape.amber),
            };
            let id = o["id"].as_str().unwrap().to_owned();
            match expected {
                Some(allowed) => {
                    let expected: BTreeSet<&str> = tokens
                        .iter()
                        .map(|(who, _)| *who)
                        .filter(|who| sees(who, allowed))
                        .collect();
                    cases.push(Case {
                        id,
                        label: format!("{marking} / {}", shape.name),
                        expected,
                    });
                    objects.push(Value::Object(o));
                }
                None => {
                    refused.push(id);
                    objects.push(Value::Object(o));
                }
            }
        }
    }
    // Import the CN-signed objects through a KZ supervisor: stored untouched, originated by CN.
    let r = node.post(&supervisor, &objects).await;
    assert_eq!(r.status(), 202);
    let status: Value = r.json().await.unwrap();
    let failed: BTreeSet<String> = status["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        failed,
        refused.iter().cloned().collect(),
        "RED without named users must be refused: {status}"
    );
    for f in status["failures"].as_array().unwrap() {
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("TLP:RED must name its users"),
            "{f}"
        );
    }

    let absent = "note--00000000-0000-4000-8000-999999999999";
    let absent_body = node
        .get(&tokens[0].1, &format!("{}{absent}/", node.objects_url()))
        .await
        .text()
        .await
        .unwrap();
    let mut checked = 0;
    for (who, token) in &tokens {
        let listed: BTreeSet<String> = node.all_ids(token, "").await.into_iter().collect();
        let manifest: Value = node
            .get_json(
                token,
                &format!(
                    "{}api/collections/{COLLECTION}/manifest/?limit=1000",
                    node.url
                ),
            )
            .await;
        let manifest: BTreeSet<String> = manifest["objects"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect();
        for c in &cases {
            let sees = c.expected.contains(who);
            let by_id = node
                .get(token, &format!("{}{}/", node.objects_url(), c.id))
                .await;
            let by_id_status = by_id.status().as_u16();
            let by_id_body = by_id.text().await.unwrap();
            let versions = node
                .get(token, &format!("{}{}/versions/", node.objects_url(), c.id))
                .await
                .status()
                .as_u16();
            let filtered = node.all_ids(token, &format!("&match[id]={}", c.id)).await;
            let what = format!("{who} on {} ({})", c.label, c.id);
            assert_eq!(listed.contains(&c.id), sees, "objects list: {what}");
            assert_eq!(manifest.contains(&c.id), sees, "manifest: {what}");
            assert_eq!(
                by_id_status,
                if sees { 200 } else { 404 },
                "object by id: {what}"
            );
            assert_eq!(versions, if sees { 200 } else { 404 }, "versions: {what}");
            assert_eq!(filtered.len(), usize::from(sees), "match[id]: {what}");
            if !sees {
                assert_eq!(
                    by_id_body, absent_body,
                    "invisible must answer exactly like absent: {what}"
                );
            }
            checked += 5;
        }
        // Nothing else leaks into the list: every listed object is one this principal may see.
        let extra: Vec<&String> = listed
            .iter()
            .filter(|id| {
                cases
                    .iter()
                    .any(|c| c.id == **id && !c.expected.contains(who))
            })
            .collect();
        assert!(extra.is_empty(), "{who} saw {extra:?}");
        // The status of the import belongs to the supervisor who made it.
        let st = node
            .get(
                token,
                &format!("{}api/status/{}/", node.url, status["id"].as_str().unwrap()),
            )
            .await
            .status();
        assert_eq!(
            st.as_u16(),
            if *who == users[1] { 200 } else { 404 },
            "status: {who}"
        );
    }
    assert_eq!(checked, 8 * cases.len() * 5);
    // The table is not empty for anyone who should see something.
    for who in ["RU", "MN"] {
        assert_eq!(
            cases.iter().any(|c| c.expected.contains(who)),
            hub,
            "{who} on {holder}"
        );
    }
}
