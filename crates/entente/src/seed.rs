//! Objects a node publishes of itself (its identity, at `init`) and the demo data: a handful of
//! realistic objects drawn from the seed reports on the Shanghai Cooperation Organisation.

use anyhow::{bail, Result};
use entente_core::{Role, UserRef, Viewer};
use entente_node::auth::Principal;
use entente_node::ingest::ingest;
use entente_node::node::COLLECTION_ID;
use entente_node::Node;
use entente_stix::identity::party_identity_id;
use entente_stix::NodeSigner;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// The node itself, acting from the command line.
pub fn cli_principal(node: &Node) -> Result<Principal> {
    Ok(Principal {
        viewer: Viewer::User {
            user: UserRef::new(node.party.clone(), "entente-cli")?,
            tier: node.tier(),
            role: Role::Admin,
        },
    })
}

async fn add(node: &Arc<Node>, objects: Vec<Value>) -> Result<()> {
    add_as(node, &cli_principal(node)?, objects).await
}

async fn add_as(node: &Arc<Node>, principal: &Principal, objects: Vec<Value>) -> Result<()> {
    let results = ingest(node, principal, COLLECTION_ID, objects, None)
        .await?
        .results;
    if let Some(bad) = results.iter().find(|r| !r.ok) {
        bail!("seeding {} failed: {}", bad.id, bad.message);
    }
    Ok(())
}

/// The node's own STIX identity, TLP:CLEAR, so every peer can name it.
pub async fn publish_identity(node: &Arc<Node>) -> Result<()> {
    let name = node
        .charter
        .party(&node.party)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| node.party.to_string());
    let id = party_identity_id(&node.party);
    // The identity is the node's own: no user may write it (the write policy).
    let principal = entente_node::auth::node_principal(node)
        .ok_or_else(|| anyhow::anyhow!("the node cannot act under its own name"))?;
    add_as(
        node,
        &principal,
        vec![json!({
            "type": "identity", "spec_version": "2.1", "id": id,
            "created": "2001-06-15T00:00:00.000Z", "modified": "2001-06-15T00:00:00.000Z",
            "name": name, "identity_class": "organization", "sectors": ["government-national"],
            "created_by_ref": id,
            "object_marking_refs": [entente_core::marking::TLP_CLEAR],
            "description": format!("The Entente node of {name} ({}).", node.party),
        })],
    )
    .await
}

const CLEAR: &str = entente_core::marking::TLP_CLEAR;
const GREEN: &str = entente_core::marking::TLP_GREEN;
const AMBER: &str = entente_core::marking::TLP_AMBER;
const RED: &str = entente_core::marking::TLP_RED;
const EXT: &str = entente_stix::extension::ENTENTE_EXTENSION;

const IMU: &str = "threat-actor--6c3b2a41-3f0e-4d5b-9a61-2b7c1e9d0a11";
const ETIM: &str = "threat-actor--a7f4c2d9-5e13-4b8a-8c0f-3d9e6b1a2c22";

/// The demo's objects, as the KZ node's users would post them, plus one report originated (and
/// signed) by the CN node, as federation would bring it.
pub async fn demo_objects(node: &Arc<Node>, cn: &NodeSigner) -> Result<()> {
    kz_objects(node).await?;
    let mut report = cn_report();
    report.insert(
        "created_by_ref".into(),
        Value::String(party_identity_id(cn.party())),
    );
    cn.sign_object(&mut report)?;
    add(node, vec![Value::Object(report)]).await
}

/// The KZ node's demo objects, as its users would post them.
pub async fn kz_objects(node: &Arc<Node>) -> Result<()> {
    let (imu, etim) = (IMU, ETIM);
    let border = "location--0b5e7d3c-9a21-4f6e-b8d4-1c2a3e4f5a33";
    let tashkent = "location--c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e44";
    let t = "2019-06-14T08:00:00.000Z";
    add(
        node,
        vec![
            json!({"type": "location", "spec_version": "2.1", "id": tashkent, "created": t, "modified": t,
                   "name": "Tashkent", "description": "Seat of the Regional Anti-Terrorist Structure (RATS).",
                   "country": "UZ", "city": "Tashkent", "latitude": 41.2995, "longitude": 69.2401,
                   "object_marking_refs": [CLEAR]}),
            json!({"type": "location", "spec_version": "2.1", "id": border, "created": t, "modified": t,
                   "name": "Afghanistan-Pakistan border area", "region": "southern-asia",
                   "object_marking_refs": [GREEN]}),
            json!({"type": "threat-actor", "spec_version": "2.1", "id": imu, "created": t, "modified": t,
                   "name": "Islamic Movement of Uzbekistan", "threat_actor_types": ["terrorist"],
                   "aliases": ["IMU", "Исламское движение Узбекистана"],
                   "description": "Hiding along the border of Afghanistan and Pakistan; may seek to return after the 2011 troop withdrawal (China Daily, 2011-06-09).",
                   "object_marking_refs": [GREEN]}),
            json!({"type": "threat-actor", "spec_version": "2.1", "id": etim, "created": t, "modified": t,
                   "name": "East Turkestan Islamic Movement", "threat_actor_types": ["terrorist"],
                   "aliases": ["ETIM", "东突厥斯坦伊斯兰运动"],
                   "object_marking_refs": [GREEN]}),
            json!({"type": "relationship", "spec_version": "2.1", "id": "relationship--1f2e3d4c-5b6a-4978-8a1b-2c3d4e5f6a55",
                   "created": t, "modified": t, "relationship_type": "located-at", "source_ref": imu, "target_ref": border,
                   "object_marking_refs": [GREEN]}),
            json!({"type": "report", "spec_version": "2.1", "id": "report--2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c66",
                   "created": t, "modified": t, "published": t,
                   "name": "Peace Mission 2010: after-action summary",
                   "description": "The seventh joint anti-terror drill of the member states, held in Kazakhstan in September 2010.",
                   "report_types": ["threat-report"], "object_refs": [imu, etim],
                   "object_marking_refs": [CLEAR]}),
            json!({"type": "indicator", "spec_version": "2.1", "id": "indicator--3b4c5d6e-7f8a-4b9c-8d1e-2f3a4b5c6d77",
                   "created": t, "modified": t, "valid_from": t,
                   "name": "Phishing domain imitating the Bishkek summit registration",
                   "indicator_types": ["malicious-activity"], "pattern_type": "stix",
                   "pattern": "[domain-name:value = 'sco-bishkek-summit-registration.example']",
                   "object_marking_refs": [AMBER]}),
            json!({"type": "note", "spec_version": "2.1", "id": "note--4c5d6e7f-8a9b-4c1d-9e2f-3a4b5c6d7e88",
                   "created": t, "modified": t,
                   "content": "Source reporting on IMU couriers crossing at the Tajik border; handle as TLP:RED.",
                   "object_refs": [imu],
                   "object_marking_refs": [RED],
                   "extensions": {EXT: {"extension_type": "property-extension", "audience": {"users": ["KZ:analyst", "UZ:liaison1"]}}}}),
            json!({"type": "report", "spec_version": "2.1", "id": "report--5d6e7f8a-9b1c-4d2e-8f3a-4b5c6d7e8f99",
                   "created": t, "modified": t, "published": t,
                   "name": "Observer briefing: regional terrorist threat picture",
                   "description": "Shared with the observer states at the 2019 Bishkek summit.",
                   "object_refs": [imu, etim], "report_types": ["threat-report"],
                   "object_marking_refs": [AMBER],
                   "extensions": {EXT: {"extension_type": "property-extension", "audience": {"tiers": ["observer"], "states": ["KZ"]}}}}),
        ],
    )
    .await
}

/// A report of the CN node's (TLP:GREEN, for every participant).
fn cn_report() -> Map<String, Value> {
    match json!({
        "type": "report", "spec_version": "2.1", "id": "report--6e7f8a9b-1c2d-4e3f-9a4b-5c6d7e8f9a10",
        "created": "2011-06-08T08:00:00.000Z", "modified": "2011-06-08T08:00:00.000Z", "published": "2011-06-08T08:00:00.000Z",
        "name": "Lanting Forum: from joint warnings to joint law enforcement",
        "description": "Member states should develop effective cooperation from joint warnings to joint law enforcement, and hold regular joint counter-terrorism exercises (Assistant Foreign Minister Cheng Guoping).",
        "report_types": ["threat-report"], "object_refs": [IMU, ETIM],
        "object_marking_refs": [GREEN],
    }) {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The CN node's demo objects in a federation: its report, posted on its own node.
pub async fn cn_objects(node: &Arc<Node>) -> Result<()> {
    add(node, vec![Value::Object(cn_report())]).await
}

/// The hub's demo object: a notice of the secretariat's for every participant.
pub async fn hub_objects(node: &Arc<Node>) -> Result<()> {
    let t = "2019-06-14T09:00:00.000Z";
    add(
        node,
        vec![json!({"type": "note", "spec_version": "2.1", "id": "note--7f8a9b1c-2d3e-4f4a-8b5c-6d7e8f9a1b21",
                    "created": t, "modified": t,
                    "abstract": "RATS Executive Committee: the unified register is open for screening",
                    "content": "Member states' competent authorities may screen names against the unified register of the Regional Anti-Terrorist Structure through their own node.",
                    "object_refs": [IMU, ETIM],
                    "object_marking_refs": [GREEN]})],
    )
    .await
}

/// A few register entries for the demo, so screening has something to find. The people and the
/// firm are invented.
pub async fn demo_register(node: &Arc<Node>) -> Result<()> {
    let def = entente_stix::extension::definition_for_type(entente_node::screening::REGISTER_TYPE)
        .unwrap_or_default();
    let entry = |uuid: &str, kind: &str, names: &[&str], birth: &[&str], nat: &[&str]| {
        json!({
            "type": entente_node::screening::REGISTER_TYPE, "spec_version": "2.1",
            "id": format!("{}--{uuid}", entente_node::screening::REGISTER_TYPE),
            "created": "2024-03-01T09:00:00.000Z", "modified": "2024-03-01T09:00:00.000Z",
            "kind": kind, "names": names, "birth_dates": birth, "nationalities": nat,
            "identifiers": [], "status": "designated",
            "reason": "Demo entry: an invented subject.",
            "object_marking_refs": [GREEN],
            "extensions": {def: {"extension_type": "new-sdo"}},
        })
    };
    add(
        node,
        vec![
            entry(
                "5a0c1f3e-2b4d-4e6f-8a9b-0c1d2e3f4a51",
                "person",
                &["Arman Seitkali", "Сейтқали Арман Болатұлы"],
                &["1984-07"],
                &["KZ"],
            ),
            entry(
                "6b1d2a4f-3c5e-4f70-9b0c-1d2e3f4a5b62",
                "person",
                &["Zhou Jianming", "周建明"],
                &["1979"],
                &["CN"],
            ),
            entry(
                "7c2e3b5a-4d6f-4a81-8c1d-2e3f4a5b6c73",
                "organization",
                &["Tengri Logistics LLP", "ТОО «Тенгри Логистикс»"],
                &[],
                &["KZ"],
            ),
        ],
    )
    .await
}

/// The federation demo's joint warning: an orange notice of KZ's, submitted, accepted by the
/// secretariat and published to the member states — written on each node as its users would
/// through `/api/v1/warnings`, before the nodes serve, so it flows as soon as they do.
pub async fn demo_warning(kz: &Arc<Node>, hub: &Arc<Node>) -> Result<()> {
    use entente_core::warning::{Action, Stage, Step, Verdict};
    use entente_node::ingest::ingest_step;
    use entente_stix::Timestamp;
    use entente_store::BasedOn;
    use entente_workflow::warning::{self as warnings, VersionMeta, WarningInput};
    let now_us = kz.now_us();
    let review = Timestamp::from_micros(now_us + 180 * 86_400 * 1_000_000).to_stix_string();
    let input: WarningInput = serde_json::from_value(json!({
        "kind": "threat",
        "title": "Planned attack on a compressor station of the Central Asia-China gas pipeline",
        "subject": {"category": "event", "description": "A cell plans to attack a compressor station on the Kazakh section with improvised explosives."},
        "legal_basis": "Shanghai Convention on Combating Terrorism, Separatism and Extremism (2001), art. 6",
        "issuing_authority": "National Security Committee of the Republic of Kazakhstan",
        "action_requested": "Raise the protection of the pipeline's installations in your territory; report any sighting of the cell.",
        "contact": "KZ liaison office to the RATS",
        "purpose": "Prevent a terrorist attack on critical infrastructure",
        "source": "Human source, corroborated by intercepted communications",
        "review_date": review,
        "grading": {"source": "B", "information": "2", "handling": ["H0", "H2"]},
        "marking": "TLP:AMBER",
    }))?;
    let fields = input
        .fields(&kz.charter.warning_limits, now_us * 1000)
        .map_err(|e| anyhow::anyhow!(e))?;
    let id = format!(
        "{}--9a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
        warnings::WARNING_TYPE
    );
    let at = |us: i64| Timestamp::from_micros(us).to_micros_string();
    let (created, submitted, published) = (at(now_us - 3000), at(now_us - 2000), at(now_us));
    let version = |modified: &str, stage: Stage| {
        warnings::version_object(
            &fields,
            &VersionMeta {
                id: &id,
                created: &created,
                modified,
                stage,
                label_stage: stage,
                issuer: &kz.party,
                extensions_count: 0,
                extension_justification: None,
                cancellation_reason: None,
            },
        )
    };
    let store = |node: &Arc<Node>, object: Value, action: &'static str, step: Action| {
        let node = node.clone();
        async move {
            let done = ingest_step(
                &node,
                &cli_principal(&node)?,
                object,
                action,
                Some(Step::Life(step).into()),
                BasedOn::Anything,
            )
            .await?;
            if !done.ok {
                bail!("seeding the demo warning: {}", done.message);
            }
            Ok(())
        }
    };
    store(
        kz,
        version(&created, Stage::Draft),
        "warning-draft",
        Action::Edit,
    )
    .await?;
    store(
        kz,
        version(&submitted, Stage::Submitted),
        "warning-submit",
        Action::Submit,
    )
    .await?;
    let review_object = warnings::review_object(
        &format!("opinion--{}", uuid::Uuid::new_v4()),
        &warnings::Reviewed {
            warning_id: &id,
            version: &submitted,
            issuer: &kz.party,
            publication: &fields.publication,
        },
        Verdict::Accepted,
        "Within the Shanghai Convention; lawful and within the charter.",
        &at(now_us - 1000),
    );
    store(hub, review_object, "warning-review", Action::Accept).await?;
    store(
        kz,
        version(&published, Stage::Published),
        "warning-publish",
        Action::Publish,
    )
    .await
}
