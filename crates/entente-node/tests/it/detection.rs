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
            // Two observations in order of time: the node keeps the first in its window and
            // sights the indicator when the second comes.
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

    // The domain the FOLLOWEDBY indicator waits for, seen later: one sighting of it, naming an
    // earlier observation of the address and this one.
    let domain = "domain-name--6e3f1b4a-8c2d-5f9e-8b7a-2d3c4e5f6a71";
    let od3 = "observed-data--7e1d2c3b-4a59-4687-9a8b-7c6d5e4f3a23";
    ingest(
        org.node("KZ"),
        &kz,
        COLLECTION_ID,
        vec![
            json!({"type": "domain-name", "spec_version": "2.1", "id": domain, "value": "x.example"}),
            json!({
                "type": "observed-data", "spec_version": "2.1", "id": od3,
                "created": "2026-12-01T12:00:00.000Z", "modified": "2026-12-01T12:00:00.000Z",
                "first_observed": "2026-12-01T12:00:00Z", "last_observed": "2026-12-01T12:00:00Z",
                "number_observed": 1, "object_refs": [domain],
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
    let on_kz = sightings(&org, "KZ").await;
    let of_later: Vec<&Value> = on_kz
        .iter()
        .filter(|s| s["sighting_of_ref"] == later)
        .collect();
    assert_eq!(of_later.len(), 1, "{on_kz:?}");
    let refs = of_later[0]["observed_data_refs"].as_array().unwrap();
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert!(
        refs.contains(&json!(od3)) && (refs.contains(&json!(od)) || refs.contains(&json!(od2)))
    );
    assert_eq!(of_later[0]["last_seen"], "2026-12-01T12:00:00.000Z");
    org.sync().await;
    let on_cn = sightings(&org, "CN").await;
    assert!(
        on_cn.iter().any(|s| s["sighting_of_ref"] == later),
        "{on_cn:?}"
    );
    assert!(sightings(&org, "MN").await.is_empty());
}

/// KZ and CN own a pipeline and share it with the organization; MN reports a place 2 km from it:
/// MN's node raises the alert, addressed to KZ and CN, with the distance and the kilometre post;
/// it reaches both, and UZ, which owns nothing there, never holds it. A place far away raises
/// nothing, and an asset whose geometry is not WGS 84 is refused on entry.
#[tokio::test]
async fn an_incident_in_a_pipelines_corridor_alerts_its_owners_alone() {
    let org = Org::of(&["CN", "KZ", "MN", "UZ"]).await;
    let kz = org.user("KZ", "analyst", Role::Analyst);
    let pipeline = "x-entente-asset--6f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f";
    let asset = |coords: Value| {
        json!({
            "type": "x-entente-asset", "spec_version": "2.1", "id": pipeline,
            "created": "2026-10-01T00:00:00.000Z", "modified": "2026-10-01T00:00:00.000Z",
            "name": "Kazakhstan-China oil pipeline", "kind": "pipeline",
            "geometry": {"type": "LineString", "coordinates": coords},
            "corridor_m": 5000, "owners": ["KZ", "CN"], "operator": "KCP", "criticality": "critical",
            "object_marking_refs": [entente_core::Tlp::Green.marking_ref()],
            "extensions": {"extension-definition--02767541-b696-5cd5-b7b5-2c3a31d53d2a": {"extension_type": "new-sdo"}},
        })
    };
    let refused = ingest(
        org.node("KZ"),
        &kz,
        COLLECTION_ID,
        vec![asset(json!([[77.9, 148.7], [82.6, 45.2]]))],
        None,
    )
    .await
    .unwrap();
    assert!(!refused.results[0].ok);
    assert!(
        refused.results[0].message.contains("not a WGS 84"),
        "{}",
        refused.results[0].message
    );
    let done = ingest(
        org.node("KZ"),
        &kz,
        COLLECTION_ID,
        vec![asset(json!([[77.0, 48.0], [80.0, 47.0], [82.6, 45.2]]))],
        None,
    )
    .await
    .unwrap();
    assert!(done.results[0].ok, "{:?}", done.results);
    org.sync().await;

    let mn = org.user("MN", "analyst", Role::Analyst);
    let place = |id: &str, lon: f64, lat: f64| {
        json!({
            "type": "location", "spec_version": "2.1", "id": id,
            "created": "2026-12-01T03:00:00.000Z", "modified": "2026-12-01T03:00:00.000Z",
            "name": "Explosion reported near a pumping station", "latitude": lat, "longitude": lon,
            "object_marking_refs": [entente_core::Tlp::Green.marking_ref()],
        })
    };
    // 2 km north of the first segment's linear midpoint (the segment, a great-circle arc, bows
    // north there: some 340 m from it); and one far away.
    let near = "location--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    let far = "location--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5e";
    ingest(
        org.node("MN"),
        &mn,
        COLLECTION_ID,
        vec![
            place(near, 78.5, 47.5 + 2000.0 / 111_195.0),
            place(far, 70.0, 40.0),
        ],
        None,
    )
    .await
    .unwrap();
    org.sync().await;
    let alerts = |party: &'static str| {
        let org = &org;
        async move {
            let p = org.user(party, "analyst", Role::Analyst);
            let query = Query {
                types: vec!["note".into()],
                versions: VersionMatch::all(),
                spec_version_matches: true,
                ..Default::default()
            };
            entente_node::read::page(org.node(party), &p, &query, None, 1000, true)
                .await
                .unwrap()
                .rows
                .iter()
                .map(|r| serde_json::from_str::<Value>(&r.json).unwrap())
                .filter(|n| {
                    n["extensions"][entente_stix::extension::ENTENTE_EXTENSION]["alert"].is_object()
                })
                .collect::<Vec<Value>>()
        }
    };
    for party in ["KZ", "CN"] {
        let got = alerts(party).await;
        assert_eq!(got.len(), 1, "{party}: {got:?}");
        let a = &got[0]["extensions"][entente_stix::extension::ENTENTE_EXTENSION]["alert"];
        assert_eq!(a["asset_ref"], pipeline);
        assert_eq!(a["incident_ref"], near);
        let d = a["distance_m"].as_f64().unwrap();
        assert!((300.0..400.0).contains(&d), "{a}");
        let km = a["km_post"].as_f64().unwrap();
        assert!((120.0..130.0).contains(&km), "{a}");
        assert_eq!(got[0]["object_refs"], json!([pipeline, near]));
    }
    assert!(alerts("UZ").await.is_empty());

    // Coordinates on a report (the Entente property `coordinates`) make it a place too; out of
    // range, the report is refused and says which property.
    let uz = org.user("UZ", "analyst", Role::Analyst);
    let report = |id: &str, lat: f64| {
        json!({
            "type": "report", "spec_version": "2.1", "id": id,
            "created": "2026-12-01T04:00:00.000Z", "modified": "2026-12-01T04:00:00.000Z",
            "name": "Unidentified vehicle at the pipeline's fence", "published": "2026-12-01T04:00:00.000Z",
            "object_refs": [pipeline],
            "object_marking_refs": [entente_core::Tlp::Green.marking_ref()],
            "extensions": {entente_stix::extension::ENTENTE_EXTENSION: {
                "extension_type": "property-extension",
                "coordinates": {"latitude": lat, "longitude": 81.0},
            }},
        })
    };
    let on_report = "report--2b3c4d5e-6f70-4a8b-9c0d-1e2f3a4b5c6d";
    let done = ingest(
        org.node("UZ"),
        &uz,
        COLLECTION_ID,
        vec![
            report(on_report, 46.3),
            report("report--2b3c4d5e-6f70-4a8b-9c0d-1e2f3a4b5c6e", 95.0),
        ],
        None,
    )
    .await
    .unwrap();
    assert!(done.results[0].ok, "{:?}", done.results[0]);
    assert!(!done.results[1].ok);
    assert!(
        done.results[1].message.contains("extensions.coordinates")
            && done.results[1].message.contains("latitude"),
        "{}",
        done.results[1].message
    );
    org.sync().await;
    for party in ["KZ", "CN"] {
        let got = alerts(party).await;
        let refs: Vec<&Value> = got
            .iter()
            .map(|n| {
                &n["extensions"][entente_stix::extension::ENTENTE_EXTENSION]["alert"]
                    ["incident_ref"]
            })
            .collect();
        assert_eq!(refs.len(), 2, "{party}: {got:?}");
        assert!(refs.contains(&&json!(on_report)), "{party}: {refs:?}");
    }
    // The reporting state sees the alert its own node wrote; a state that neither owns the
    // asset nor reported the place does not.
    assert_eq!(alerts("UZ").await.len(), 1);
    assert_eq!(alerts("MN").await.len(), 1);
    org.sync().await;
    assert_eq!(
        alerts("MN").await.len(),
        1,
        "MN sees only the alert of its own report"
    );
}
