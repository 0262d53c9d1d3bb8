//! Detection across in-process nodes: CN shares an indicator with the organization and keeps
//! another to itself; a KZ analyst posts an observation that both would match; KZ's node writes a
//! sighting of the one KZ may see — and none of the other — addressed to CN and KZ; it reaches
//! CN, and MN never holds it.

use crate::{code, Org};
use entente_core::Role;
use entente_node::ingest::ingest;
use entente_node::COLLECTION_ID;
use entente_store::read::{Query, VersionMatch};
use serde_json::{json, Value};

fn indicator(id: &str, pattern: &str, marking: &str, audience: Option<Value>) -> Value {
    let mut o = json!({
        "type": "indicator", "spec_version": "2.1", "id": id,
        "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
        "name": "Staging server of the Bishkek summit phishing",
        "pattern": pattern, "pattern_type": "stix", "valid_from": "2026-11-01T00:00:00Z",
        "object_marking_refs": [marking],
    });
    if let Some(a) = audience {
        o["extensions"] = json!({
            entente_stix::extension::ENTENTE_EXTENSION: {
                "extension_type": "property-extension", "audience": a,
            }
        });
    }
    o
}

async fn sightings(org: &Org, party: &str) -> Vec<Value> {
    let p = org.user(party, "analyst", Role::Analyst);
    let query = Query {
        types: vec!["sighting".into()],
        versions: VersionMatch::all(),
        spec_version_matches: true,
        ..Default::default()
    };
    let page = entente_node::read::page(org.node(party), &p, &query, None, 1000, true)
        .await
        .unwrap();
    page.rows
        .iter()
        .map(|r| serde_json::from_str(&r.json).unwrap())
        .collect()
}

#[tokio::test]
async fn a_state_observes_what_another_shared_and_the_sighting_goes_back_to_it_alone() {
    let org = Org::of(&["CN", "KZ", "MN"]).await;
    let shared = "indicator--0c3a7e10-1111-4e2a-9d1e-8a1f2b3c4d01";
    let kept = "indicator--0c3a7e10-2222-4e2a-9d1e-8a1f2b3c4d02";
    let later = "indicator--0c3a7e10-3333-4e2a-9d1e-8a1f2b3c4d03";
    let cn = org.user("CN", "analyst", Role::Analyst);
    let green = entente_core::Tlp::Green.marking_ref();
    let amber = entente_core::Tlp::Amber.marking_ref();
    let done = ingest(
        org.node("CN"),
        &cn,
        COLLECTION_ID,
        vec![
            indicator(shared, "[ipv4-addr:value = '203.0.113.7']", green, None),
            indicator(
                kept,
                "[ipv4-addr:value ISSUBSET '203.0.113.0/24']",
                amber,
                Some(json!({"states": ["CN"]})),
            ),
            // Two observations in order: matched by `entente match`, not yet by the node.
            indicator(
                later,
                "[ipv4-addr:value = '203.0.113.7'] FOLLOWEDBY [domain-name:value = 'x.example']",
                green,
                None,
            ),
        ],
        None,
    )
    .await
    .unwrap();
    assert!(done.results.iter().all(|r| r.ok), "{:?}", done.results);
    // A pattern that does not parse is refused where it enters, saying where and why.
    let bad = ingest(
        org.node("CN"),
        &cn,
        COLLECTION_ID,
        vec![indicator(
            "indicator--0c3a7e10-4444-4e2a-9d1e-8a1f2b3c4d04",
            "[ipv4-addr:value = '203.0.113.7'",
            green,
            None,
        )],
        None,
    )
    .await
    .unwrap();
    assert!(!bad.results[0].ok);
    assert!(
        bad.results[0]
            .message
            .contains("does not parse: at character 32"),
        "{}",
        bad.results[0].message
    );
    org.sync().await;

    // A KZ analyst posts what a sensor saw: the SCO and the observation in one envelope.
    let kz = org.user("KZ", "analyst", Role::Analyst);
    let addr = "ipv4-addr--5d2f0a3e-7b1c-5e8d-9a6f-1c2b3d4e5f60";
    let od = "observed-data--7e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a21";
    let done = ingest(
        org.node("KZ"),
        &kz,
        COLLECTION_ID,
        vec![
            json!({"type": "ipv4-addr", "spec_version": "2.1", "id": addr, "value": "203.0.113.7"}),
            json!({
                "type": "observed-data", "spec_version": "2.1", "id": od,
                "created": "2026-12-01T10:00:00.000Z", "modified": "2026-12-01T10:00:00.000Z",
                "first_observed": "2026-12-01T09:58:00Z", "last_observed": "2026-12-01T09:59:00Z",
                "number_observed": 3, "object_refs": [addr],
                "object_marking_refs": [amber],
                "extensions": {
                    entente_stix::extension::ENTENTE_EXTENSION: {
                        "extension_type": "property-extension", "audience": {"states": ["KZ"]},
                    }
                },
            }),
        ],
        None,
    )
    .await
    .unwrap();
    assert!(done.results.iter().all(|r| r.ok), "{:?}", done.results);

    // One sighting on KZ's node: of the shared indicator, not of the one CN kept.
    let on_kz = sightings(&org, "KZ").await;
    assert_eq!(on_kz.len(), 1, "{on_kz:?}");
    let s = &on_kz[0];
    assert_eq!(s["sighting_of_ref"], shared);
    assert_eq!(s["observed_data_refs"], json!([od]));
    assert_eq!(s["count"], 3);
    assert_eq!(s["first_seen"], "2026-12-01T09:58:00Z");
    assert_eq!(
        s["where_sighted_refs"],
        json!([entente_stix::identity::party_identity_id(&code("KZ"))])
    );
    assert_eq!(s["object_marking_refs"], json!([amber]));

    org.sync().await;
    let on_cn = sightings(&org, "CN").await;
    assert_eq!(on_cn.len(), 1, "{on_cn:?}");
    assert_eq!(on_cn[0]["id"], s["id"]);
    assert!(sightings(&org, "MN").await.is_empty());
    // MN's node never received it.
    let held = org
        .node("MN")
        .store
        .versions_of(COLLECTION_ID, s["id"].as_str().unwrap())
        .await
        .unwrap();
    assert!(held.is_empty());

    // The index follows what is stored: an indicator shared afterwards matches the next
    // observation.
    let fresh = "indicator--0c3a7e10-5555-4e2a-9d1e-8a1f2b3c4d05";
    ingest(
        org.node("CN"),
        &cn,
        COLLECTION_ID,
        vec![indicator(
            fresh,
            "[ipv4-addr:value LIKE '203.0.113.%']",
            green,
            None,
        )],
        None,
    )
    .await
    .unwrap();
    org.sync().await;
    let od2 = "observed-data--7e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a22";
    ingest(
        org.node("KZ"),
        &kz,
        COLLECTION_ID,
        vec![json!({
            "type": "observed-data", "spec_version": "2.1", "id": od2,
            "created": "2026-12-01T11:00:00.000Z", "modified": "2026-12-01T11:00:00.000Z",
            "first_observed": "2026-12-01T11:00:00Z", "last_observed": "2026-12-01T11:00:00Z",
            "number_observed": 1, "object_refs": [addr],
            "object_marking_refs": [amber],
            "extensions": {
                entente_stix::extension::ENTENTE_EXTENSION: {
                    "extension_type": "property-extension", "audience": {"states": ["KZ"]},
                }
            },
        })],
        None,
    )
    .await
    .unwrap();
    let mut of: Vec<String> = sightings(&org, "KZ")
        .await
        .iter()
        .map(|s| s["sighting_of_ref"].as_str().unwrap().to_owned())
        .collect();
    of.sort();
    assert_eq!(of, [shared, shared, fresh]);
}
