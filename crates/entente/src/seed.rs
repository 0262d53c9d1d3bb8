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

/// CN's indicator of the demo (TLP:GREEN, signed by CN): a command server of the cell behind the
/// 2014 Urumqi attacks, as an address.
fn cn_indicator(cn: &NodeSigner) -> Result<Value> {
    let t = "2014-05-23T08:00:00.000Z";
    let Value::Object(mut o) = json!({
        "type": "indicator", "spec_version": "2.1", "id": CN_INDICATOR,
        "created": t, "modified": t, "valid_from": t,
        "name": "Command server used by the cell behind the Urumqi market attack",
        "indicator_types": ["malicious-activity", "attribution"], "pattern_type": "stix",
        "pattern": "[ipv4-addr:value = '203.0.113.45' OR domain-name:value = 'c2.east-turkestan-news.example']",
        "created_by_ref": party_identity_id(cn.party()),
        "object_marking_refs": [GREEN],
    }) else {
        bail!("the demo indicator is not an object");
    };
    cn.sign_object(&mut o)?;
    Ok(Value::Object(o))
}

pub const CN_INDICATOR: &str = "indicator--8b2f6c1d-4e3a-4f5b-9c7d-1e2a3b4c5d60";

/// Detection in the demo: CN's indicator on the observing node (and on CN's own, when there is
/// one), then what a KZ sensor saw — the address in traffic from a host in Almaty — posted on
/// KZ's node, which matches it and writes a sighting for CN and KZ.
pub async fn demo_detection(
    kz: &Arc<Node>,
    cn: &NodeSigner,
    cn_node: Option<&Arc<Node>>,
) -> Result<()> {
    let indicator = cn_indicator(cn)?;
    add(kz, vec![indicator.clone()]).await?;
    if let Some(n) = cn_node {
        add(n, vec![indicator]).await?;
    }
    let addr = "ipv4-addr--3c9e2b7a-1d4f-5a6b-8c7d-9e0f1a2b3c4d";
    let at = "2026-11-28T21:14:05.000Z";
    add(
        kz,
        vec![
            json!({"type": "ipv4-addr", "spec_version": "2.1", "id": addr, "value": "203.0.113.45"}),
            json!({"type": "observed-data", "spec_version": "2.1", "id": "observed-data--5e1c9a2b-7d3f-4a6e-8b1c-2d3e4f5a6b7c",
                   "created": at, "modified": at,
                   "first_observed": "2026-11-28T20:51:40Z", "last_observed": "2026-11-28T21:13:58Z",
                   "number_observed": 14, "object_refs": [addr],
                   "object_marking_refs": [AMBER],
                   "extensions": {EXT: {"extension_type": "property-extension", "audience": {"states": ["KZ"]}}}}),
        ],
    )
    .await
}

pub const OIL_PIPELINE: &str = "x-entente-asset--4d0c6a8e-2f1b-4c3d-9e8a-7b6c5d4e3f21";
pub const GAS_PIPELINE: &str = "x-entente-asset--5e1d7b9f-3a2c-4d4e-8f9b-8c7d6e5f4a32";

/// The demo's protected infrastructure, on approximate routes, shared with the organization: the
/// Kazakhstan–China oil pipeline (Atyrau – Kenkiyak – Kumkol – Atasu – Alashankou) and the
/// Central Asia–China gas pipeline (from the Turkmen border across Uzbekistan and Kazakhstan to
/// Khorgos); then an incident a KZ patrol reported near the oil pipeline east of Lake Balkhash,
/// which KZ's node finds inside the corridor and alerts the owners of.
pub async fn demo_assets(kz: &Arc<Node>) -> Result<()> {
    let t = "2024-05-01T00:00:00.000Z";
    let asset = |id: &str, name: &str, coords: Value, owners: Value, operator: &str| {
        json!({"type": "x-entente-asset", "spec_version": "2.1", "id": id, "created": t, "modified": t,
               "name": name, "kind": "pipeline", "geometry": {"type": "LineString", "coordinates": coords},
               "corridor_m": 5000, "owners": owners, "operator": operator, "criticality": "critical",
               "object_marking_refs": [GREEN],
               "extensions": {"extension-definition--02767541-b696-5cd5-b7b5-2c3a31d53d2a": {"extension_type": "new-sdo"}}})
    };
    add(
        kz,
        vec![
            asset(
                OIL_PIPELINE,
                "Kazakhstan–China oil pipeline",
                json!([
                    [51.92, 47.11],
                    [56.0, 48.55],
                    [65.2, 46.38],
                    [70.6, 46.9],
                    [71.65, 48.68],
                    [74.9, 46.85],
                    [77.9, 45.9],
                    [80.5, 45.6],
                    [82.56, 45.17]
                ]),
                json!(["KZ", "CN"]),
                "Kazakhstan–China Pipeline LLP",
            ),
            asset(
                GAS_PIPELINE,
                "Central Asia–China gas pipeline",
                json!([
                    [63.3, 39.2],
                    [64.4, 39.8],
                    [66.9, 40.1],
                    [69.25, 41.25],
                    [69.6, 42.3],
                    [71.4, 42.9],
                    [74.6, 43.1],
                    [76.9, 43.55],
                    [80.4, 44.2]
                ]),
                json!(["UZ", "KZ", "CN"]),
                "Trans-Asia Gas Pipeline",
            ),
        ],
    )
    .await?;
    let at = "2026-11-30T04:20:00.000Z";
    add(
        kz,
        vec![json!({"type": "location", "spec_version": "2.1", "id": "location--6f2e8c0a-4b3d-4e5f-9a0b-9d8e7f6a5b43",
                    "created": at, "modified": at,
                    "name": "Explosive device found at a valve station east of Lake Balkhash",
                    "latitude": 45.93, "longitude": 77.75, "country": "KZ",
                    "object_marking_refs": [GREEN]})],
    )
    .await
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

/// The demo organization's decisions, as the seed reports tell them: India and Pakistan admitted
/// at the Astana summit (June 2017), the presidency order after it, the anti-drug strategy
/// 2011–2016 and the loan facility ($10 billion, $7.4 billion committed), the Astana Declaration
/// and the convention on countering extremism, Afghanistan's application for membership — and
/// its admission open for ballots now. Each object is signed by the node of the state that
/// made it (`signers` holds one for every state that did) and stored on `node` as federation
/// would bring it; every node derives the same effective charter from them. With `only`, just the
/// objects that state's node made (for its own node, to which the hub never sends them).
pub async fn demo_governance(
    node: &Arc<Node>,
    signers: &std::collections::HashMap<String, NodeSigner>,
    only: Option<&str>,
) -> Result<()> {
    use entente_core::write::DecisionStep as S;
    use entente_node::ingest::ingest_step;
    use entente_stix::Timestamp;
    use entente_store::BasedOn;
    use entente_workflow::decision::objects::{self, Proposal};
    use entente_workflow::decision::{Effect, Procedure, Vote};
    let code = |c: &str| entente_core::PartyCode::parse(c);
    let principal = cli_principal(node)?;
    let mut n = 0u32;
    let mut id = |ty: &str| {
        n += 1;
        format!("{ty}--5c0d1e2f-{:04x}-4a5b-8c6d-0e1f2a3b4c5d", n)
    };
    // Signs `object` as `party`'s node and stores it on `node`.
    let store = |object: Value, party: &str, step: S| {
        let node = node.clone();
        let principal = principal.clone();
        let signer = signers.get(party);
        let party = party.to_owned();
        let mut object = object;
        async move {
            let Some(signer) = signer else {
                bail!("the demo has no key for {party}");
            };
            if let Some(o) = object.as_object_mut() {
                signer.sign_object(o)?;
            }
            let done = ingest_step(
                &node,
                &principal,
                object,
                "demo-governance",
                Some(step.into()),
                BasedOn::Anything,
            )
            .await?;
            if !done.ok {
                bail!("seeding the demo's governance ({party}): {}", done.message);
            }
            Ok(())
        }
    };
    let founders = ["CN", "KG", "KZ", "RU", "TJ", "UZ"];
    let eight = ["CN", "IN", "KG", "KZ", "PK", "RU", "TJ", "UZ"];
    let ts = |s: &str| Timestamp::parse(s).map_err(|e| anyhow::anyhow!("{e}"));
    // A decision adopted by every one of `voters` approving, a minute apart from `opened`.
    let decide = |title: &str,
                  effect: Effect,
                  opened: &str,
                  deadline: &str,
                  proposer: &str,
                  voters: &[&str],
                  id_d: String,
                  ids_b: Vec<String>|
     -> Result<Vec<(Value, String, S)>> {
        let proposal = Proposal {
            title: title.to_owned(),
            description: String::new(),
            procedure: Procedure::Consensus,
            deadline: ts(deadline)?,
            effect,
        };
        let members: Vec<_> = voters.iter().map(|v| code(v)).collect::<Result<_, _>>()?;
        let mut out = vec![(
            objects::decision_object(&id_d, &proposal, &code(proposer)?, &members, opened),
            proposer.to_owned(),
            S::Propose,
        )];
        let start = ts(opened)?.nanos();
        for (i, (v, bid)) in voters.iter().zip(ids_b).enumerate() {
            let at =
                Timestamp::from_nanos(start + (i as i64 + 1) * 60_000_000_000).to_stix_string();
            out.push((
                objects::ballot_object(&bid, &id_d, &code(v)?, Vote::Approve, None, &at, &at),
                (*v).to_owned(),
                S::Ballot,
            ));
        }
        Ok(out)
    };
    let mut writes: Vec<(Value, String, S)> = Vec::new();

    // Applications of India and Pakistan (2015), admitted at Astana on 9 June 2017.
    for (state, name, applied) in [
        ("IN", "Republic of India", "2015-07-10T09:00:00.000Z"),
        (
            "PK",
            "Islamic Republic of Pakistan",
            "2015-07-10T09:30:00.000Z",
        ),
    ] {
        let app = id("x-entente-application");
        writes.push((
            objects::application_object(
                &app,
                &code(state)?,
                &code(state)?,
                name,
                entente_core::Tier::Member,
                None,
                "Application for full membership, Ufa summit.",
                applied,
            ),
            state.to_owned(),
            S::Apply,
        ));
        let effect = Effect::Admit {
            application: app,
            state: code(state)?,
            name: name.to_owned(),
            tier: entente_core::Tier::Member,
            key: None,
        };
        let d = id("x-entente-decision");
        let ballots = founders.iter().map(|_| id("x-entente-ballot")).collect();
        writes.extend(decide(
            &format!("Admission of {name} as a member state"),
            effect,
            if state == "IN" {
                "2017-06-08T06:00:00.000Z"
            } else {
                "2017-06-08T06:00:30.000Z"
            },
            "2017-06-09T18:00:00.000Z",
            "SECRETARIAT",
            &founders,
            d,
            ballots,
        )?);
    }
    // The presidency order among the eight, from the 2018 Qingdao summit.
    let order: Vec<_> = ["KG", "RU", "TJ", "UZ", "IN", "KZ", "CN", "PK"]
        .iter()
        .map(|c| code(c))
        .collect::<Result<_, _>>()?;
    let d = id("x-entente-decision");
    let ballots = eight.iter().map(|_| id("x-entente-ballot")).collect();
    writes.extend(decide(
        "Presidency order of the eight member states",
        Effect::Presidency {
            order,
            epoch_year: 2018,
        },
        "2017-06-10T09:00:00.000Z",
        "2017-06-30T00:00:00.000Z",
        "SECRETARIAT",
        &eight,
        d,
        ballots,
    )?);

    // The anti-drug strategy 2011–2016, drafted by Russia and adopted at Astana in June 2011.
    let strategy = id("x-entente-programme");
    writes.push((
        json!({
            "type": "x-entente-programme", "spec_version": "2.1", "id": strategy,
            "created": "2011-05-20T09:00:00.000Z", "modified": "2011-05-20T09:00:00.000Z",
            "created_by_ref": party_identity_id(&code("RU")?),
            "kind": "strategy", "title": "Anti-drug strategy 2011–2016",
            "description": "Joint action against drug trafficking from Afghanistan and the precursors that feed it.",
            "start_year": 2011, "end_year": 2016,
            "objectives": ["Reduce heroin trafficking through Central Asia", "Control the precursors of synthetic drugs"],
            "indicators": [
                {"key": "heroin-seized", "name": "Heroin seized", "unit": "t", "baseline": 4.5, "target": 9.0},
                {"key": "joint-operations", "name": "Joint operations held", "unit": "", "baseline": 2.0, "target": 12.0}
            ],
            "object_marking_refs": [GREEN],
            "extensions": {"extension-definition--c05e33c0-1075-5f7f-a821-d6b09808e209": {"extension_type": "new-sdo"}, EXT: {"extension_type": "property-extension"}},
        }),
        "RU".into(),
        S::Draft,
    ));
    let d = id("x-entente-decision");
    let ballots = founders.iter().map(|_| id("x-entente-ballot")).collect();
    writes.extend(decide(
        "Adoption of the anti-drug strategy 2011–2016",
        Effect::AdoptProgramme {
            programme: strategy.clone(),
        },
        "2011-06-10T06:00:00.000Z",
        "2011-06-15T18:00:00.000Z",
        "RU",
        &founders,
        d,
        ballots,
    )?);
    let entry = |by: &str,
                 programme: &str,
                 at: &str,
                 fields: Value,
                 nid: String|
     -> Result<Value> {
        Ok(json!({
            "type": "note", "spec_version": "2.1", "id": nid, "created": at, "modified": at,
            "created_by_ref": party_identity_id(&code(by)?),
            "abstract": fields["act"], "content": format!("{by}: {} of the programme.", fields["act"].as_str().unwrap_or("")),
            "object_refs": [programme], "object_marking_refs": [GREEN],
            "extensions": {EXT: {"extension_type": "property-extension", "programme": fields}},
        }))
    };
    for (state, year, seized) in [
        ("KZ", 2012, 5.1),
        ("KZ", 2014, 6.8),
        ("TJ", 2012, 4.9),
        ("RU", 2015, 8.2),
    ] {
        let at = format!("{}-02-01T09:00:00.000Z", year + 1);
        let nid = id("note");
        writes.push((entry(state, &strategy, &at, json!({"act": "indicator", "indicator": "heroin-seized", "year": year, "value": seized}), nid)?, state.into(), S::Report));
    }

    // The loan facility: $10 billion offered by China (Tashkent, 2012), $7.4 billion in place.
    let facility = id("x-entente-programme");
    writes.push((
        json!({
            "type": "x-entente-programme", "spec_version": "2.1", "id": facility,
            "created": "2012-06-01T09:00:00.000Z", "modified": "2012-06-01T09:00:00.000Z",
            "created_by_ref": party_identity_id(&code("CN")?),
            "kind": "facility", "title": "SCO loan facility",
            "description": "China's loans to member states for infrastructure and development projects.",
            "total": 1_000_000_000_000i64, "currency": "USD",
            "object_marking_refs": [GREEN],
            "extensions": {"extension-definition--c05e33c0-1075-5f7f-a821-d6b09808e209": {"extension_type": "new-sdo"}, EXT: {"extension_type": "property-extension"}},
        }),
        "CN".into(),
        S::Draft,
    ));
    let d = id("x-entente-decision");
    let ballots = founders.iter().map(|_| id("x-entente-ballot")).collect();
    writes.extend(decide(
        "Adoption of the loan facility",
        Effect::AdoptProgramme {
            programme: facility.clone(),
        },
        "2012-06-06T06:00:00.000Z",
        "2012-06-07T18:00:00.000Z",
        "CN",
        &founders,
        d,
        ballots,
    )?);
    let mut commitments = Vec::new();
    for (i, (project, to, amount)) in [
        ("Dushanbe–Chanak road", "TJ", 250_000_000_000i64),
        ("Astana light rail", "KZ", 190_000_000_000),
        ("Bishkek heating plant", "KG", 130_000_000_000),
        ("Angren–Pap railway", "UZ", 170_000_000_000),
    ]
    .into_iter()
    .enumerate()
    {
        let nid = id("note");
        commitments.push((nid.clone(), to, amount));
        let at = format!("2013-0{}-15T09:00:00.000Z", i + 1);
        writes.push((entry("CN", &facility, &at, json!({"act": "commitment", "project": project, "beneficiary": to, "amount": amount}), nid)?, "CN".into(), S::Report));
    }
    for (i, (cid, to, amount)) in commitments.iter().take(2).enumerate() {
        let nid = id("note");
        let at = format!("2015-0{}-01T09:00:00.000Z", i + 1);
        writes.push((
            entry(
                "CN",
                &facility,
                &at,
                json!({"act": "disbursement", "commitment": cid, "amount": amount / 2}),
                nid.clone(),
            )?,
            "CN".into(),
            S::Report,
        ));
        let at = format!("2015-0{}-20T09:00:00.000Z", i + 1);
        let conf = id("note");
        writes.push((
            entry(
                to,
                &facility,
                &at,
                json!({"act": "confirmation", "disbursement": nid}),
                conf,
            )?,
            (*to).into(),
            S::Report,
        ));
    }

    // The Astana Declaration (2017) and the convention on countering extremism.
    let three = |en: &str, ru: &str, zh: &str| json!({"en": en, "ru": ru, "zh": zh});
    let declaration = id("x-entente-document");
    let convention = id("x-entente-document");
    for (doc, kind, title, text, required) in [
        (
            &declaration,
            "declaration",
            three(
                "Astana Declaration of the Heads of State",
                "Астанинская декларация глав государств",
                "阿斯塔纳宣言",
            ),
            three(
                "The member states reaffirm their commitment to the Shanghai spirit.",
                "Государства-члены подтверждают приверженность «шанхайскому духу».",
                "成员国重申恪守“上海精神”。",
            ),
            None,
        ),
        (
            &convention,
            "convention",
            three(
                "SCO Convention on Countering Extremism",
                "Конвенция ШОС по противодействию экстремизму",
                "上海合作组织反极端主义公约",
            ),
            three(
                "Article 1. For the purposes of this Convention…",
                "Статья 1. Для целей настоящей Конвенции…",
                "第一条 为本公约之目的……",
            ),
            Some(4),
        ),
    ] {
        let mut o = json!({
            "type": "x-entente-document", "spec_version": "2.1", "id": doc,
            "created": "2017-05-20T09:00:00.000Z", "modified": "2017-05-20T09:00:00.000Z",
            "created_by_ref": party_identity_id(&code("SECRETARIAT")?),
            "kind": kind, "title": title, "text": text,
            "object_marking_refs": [GREEN],
            "extensions": {"extension-definition--fccc40db-315a-57ce-8c0c-2838d6752465": {"extension_type": "new-sdo"}, EXT: {"extension_type": "property-extension"}},
        });
        if let Some(r) = required {
            o["ratifications_required"] = json!(r);
        }
        writes.push((o, "SECRETARIAT".into(), S::Draft));
        let d = id("x-entente-decision");
        let ballots = eight.iter().map(|_| id("x-entente-ballot")).collect();
        let opened = if kind == "declaration" {
            "2017-06-10T10:00:00.000Z"
        } else {
            "2017-06-10T11:00:00.000Z"
        };
        writes.extend(decide(
            &format!("Adoption: {}", title["en"].as_str().unwrap_or("")),
            Effect::AdoptDocument {
                document: (*doc).clone(),
            },
            opened,
            "2017-06-30T00:00:00.000Z",
            "SECRETARIAT",
            &eight,
            d,
            ballots,
        )?);
    }
    for (state, act, at) in [
        ("KZ", "signature", "2017-06-12T09:00:00.000Z"),
        ("CN", "signature", "2017-06-12T09:10:00.000Z"),
        ("RU", "signature", "2017-06-12T09:20:00.000Z"),
        ("TJ", "signature", "2017-06-12T09:30:00.000Z"),
        ("KZ", "ratification", "2018-03-01T09:00:00.000Z"),
        ("RU", "ratification", "2019-02-01T09:00:00.000Z"),
    ] {
        let nid = id("note");
        writes.push((
            json!({
                "type": "note", "spec_version": "2.1", "id": nid, "created": at, "modified": at,
                "created_by_ref": party_identity_id(&code(state)?),
                "abstract": if act == "signature" { "Signature" } else { "Ratification" },
                "content": format!("{state}: {act} of the document."),
                "object_refs": [convention], "object_marking_refs": [GREEN],
                "extensions": {EXT: {"extension_type": "property-extension", "document": {"act": act}}},
            }),
            state.into(),
            S::Sign,
        ));
    }

    // Afghanistan, an observer since 2012, applies for membership; its admission is open now.
    let app = id("x-entente-application");
    let now = Timestamp::from_micros(node.now_us());
    let days =
        |d: i64| Timestamp::from_nanos(now.nanos() + d * 86_400_000_000_000).to_stix_string();
    writes.push((
        objects::application_object(
            &app,
            &code("AF")?,
            &code("AF")?,
            "Islamic Republic of Afghanistan",
            entente_core::Tier::Member,
            None,
            "Afghanistan seeks full membership of the organization.",
            &days(-20),
        ),
        "AF".into(),
        S::Apply,
    ));
    let open = id("x-entente-decision");
    let proposal = Proposal {
        title: "Admission of Afghanistan as a member state".into(),
        description: "Put to the member states at Afghanistan's application.".into(),
        procedure: Procedure::Consensus,
        deadline: ts(&days(30))?,
        effect: Effect::Admit {
            application: app,
            state: code("AF")?,
            name: "Islamic Republic of Afghanistan".into(),
            tier: entente_core::Tier::Member,
            key: None,
        },
    };
    let members: Vec<_> = eight.iter().map(|c| code(c)).collect::<Result<_, _>>()?;
    writes.push((
        objects::decision_object(&open, &proposal, &code("SECRETARIAT")?, &members, &days(-2)),
        "SECRETARIAT".into(),
        S::Propose,
    ));
    for (i, state) in ["RU", "TJ", "KG"].iter().enumerate() {
        let at = days(-1);
        let at =
            Timestamp::from_nanos(ts(&at)?.nanos() + i as i64 * 3_600_000_000_000).to_stix_string();
        let bid = id("x-entente-ballot");
        writes.push((
            objects::ballot_object(&bid, &open, &code(state)?, Vote::Approve, None, &at, &at),
            (*state).into(),
            S::Ballot,
        ));
    }

    // `only`: what that state's node signed, for its own node (a hub sends no node its own).
    for (object, party, step) in writes {
        if only.is_some_and(|o| o != party) {
            continue;
        }
        store(object, &party, step).await?;
    }
    entente_node::governance::refresh(node, true).await?;
    Ok(())
}
