//! Taking objects in: each object of an envelope is validated, its originator established, and —
//! when this node originates it — stamped with the node's identity, its default marking if it has
//! none, and the node's signature. Objects another node signed are checked against the charter's
//! keys and stored untouched. Each object succeeds or fails on its own; the ones that pass are
//! stored together in one durable transaction with the audit entry of the request.

use crate::auth::Principal;
use crate::integrity::mac;
use crate::node::Node;
use entente_core::{may_see, AccessLabel, PartyCode, Tlp, Viewer};
use entente_stix::canonical::canonical_map;
use entente_stix::extension::entente_extension_mut;
use entente_stix::identity::party_identity_id;
use entente_stix::validate::Category;
use entente_stix::{validate, StixError, Timestamp, ValidObject};
use entente_store::{
    AuditRecord, InsertOutcome, NewObject, PullCommit, SecurityEvent, StatusDraft, StoreError,
};
use serde_json::{json, Value};
use std::sync::Arc;

/// Why an envelope could not be ingested at all (objects refused one by one are results).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Pool(String),
    #[error("{0} is not a party of this node's charter")]
    UnknownPeer(PartyCode),
}

/// Why an equivocation is refused, as the status resource and the pull's results say it.
const EQUIVOCATION: &str =
    "a different object with the same id and version is already stored (equivocation): refused";

impl From<IngestError> for crate::error::ApiError {
    fn from(e: IngestError) -> Self {
        crate::error::ApiError::Internal(e.to_string())
    }
}

/// The TAXII status resource an ingest should leave: its id, who may read it, and the time of
/// the request.
pub struct StatusRequest {
    pub id: String,
    pub owner: String,
    pub request_timestamp: String,
}

/// What an ingest did: a result per object, in order, and the status resource's JSON when one
/// was asked for.
pub struct Ingested {
    pub results: Vec<ObjectResult>,
    pub status_json: Option<String>,
}

/// What became of one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectResult {
    pub id: String,
    pub version: Option<String>,
    pub ok: bool,
    /// Refused because another object with the same id and version is stored.
    pub equivocation: bool,
    pub message: String,
}

/// The id and version an object claims, for reporting even when it is malformed.
fn claimed(v: &Value) -> (String, Option<String>) {
    let id = v.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
    let version = v
        .get("modified")
        .or_else(|| v.get("created"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    (id, version)
}

/// How an object reached the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A TAXII POST (or the command line).
    Taxii,
    /// The node's REST API, which enforces the roles and the life of warnings.
    Api,
    /// A pull from a peer.
    Peer,
}

/// Prepares one object for storage, or says why it is refused.
pub fn prepare(
    node: &Node,
    principal: &Principal,
    value: Value,
    via: Via,
) -> Result<NewObject, String> {
    let mut valid: ValidObject = validate(value).map_err(|e| e.to_string())?;
    let signed = valid.is_signed();
    if !signed
        && via == Via::Taxii
        && crate::warnings::is_workflow_object(valid.object_type(), &valid.object)
    {
        return Err(
            "warnings, their reviews, acknowledgements, hits and follow-ups are made through /api/v1/warnings, which keeps to their life and roles".into(),
        );
    }
    let originator = if signed {
        let signer = node
            .keyring
            .verify(&valid.object)
            .map_err(|e| e.to_string())?;
        if let Some(by) = &valid.created_by_ref {
            if *by != party_identity_id(&signer) {
                return Err(format!(
                    "created_by_ref names `{by}`, but the object is signed with the key of {signer} ({})",
                    party_identity_id(&signer)
                ));
            }
        }
        signer
    } else {
        if !matches!(principal.viewer, Viewer::User { .. }) {
            return Err(StixError::Unsigned.to_string());
        }
        originate(node, &mut valid)?;
        node.party.clone()
    };
    // A signed object without a TLP marking is AMBER on every node, so all agree on its label.
    let marking = valid.marking.unwrap_or(Tlp::Amber);
    let label = AccessLabel::new(originator.clone(), marking, valid.audience.clone())
        .map_err(|e| e.to_string())?;
    if let Some(g) = &valid.grading {
        g.check_marking(marking)?;
    }
    if valid.object_type() == crate::warnings::WARNING_TYPE {
        crate::warnings::check_version(&valid.object, &label)?;
    }
    // Unsigned means this node originates it (checked above), so this node signs it.
    let json = if signed {
        canonical_map(&valid.object).map_err(|e| e.to_string())?
    } else {
        node.signer
            .sign_object(&mut valid.object)
            .map_err(|e| e.to_string())?
    };
    if json.len() > node.settings.max_object_bytes {
        return Err(format!(
            "the object is {} bytes; this node takes objects of at most {} bytes",
            json.len(),
            node.settings.max_object_bytes
        ));
    }
    Ok(NewObject {
        id: valid.id.to_string(),
        object_type: valid.object_type().to_owned(),
        version_ns: valid.version().map(Timestamp::nanos),
        mac: mac(&node.mac_key, &json),
        label,
        json,
    })
}

/// Makes this node the originator of an unsigned object a user posted: its identity as creator
/// (refusing one that claims another), and its default marking when it carries none.
fn originate(node: &Node, valid: &mut ValidObject) -> Result<(), String> {
    let own = party_identity_id(&node.party);
    match &valid.created_by_ref {
        Some(by) if *by != own => {
            return Err(format!(
                "created_by_ref must be this node's identity `{own}` ({}) or absent: a user cannot post in another's name",
                node.party
            ))
        }
        Some(_) => {}
        None if valid.category != Category::Sco => {
            valid.object.insert("created_by_ref".into(), Value::String(own));
        }
        None => {}
    }
    if valid.marking.is_none() {
        let default = node.settings.default_marking;
        let refs = valid
            .object
            .entry("object_marking_refs")
            .or_insert_with(|| json!([]));
        if let Value::Array(a) = refs {
            a.push(Value::String(default.marking_ref().to_owned()));
        }
        valid.marking = Some(default);
    }
    let is_report = valid.object_type() == "report";
    let ext = entente_extension_mut(&mut valid.object)
        .ok_or_else(|| "`extensions` must be an object".to_owned())?;
    // A shared report carries a grading; one its author did not grade is graded as unjudged.
    if is_report && !ext.contains_key("grading") {
        let unjudged = entente_core::grading::Grading::unjudged();
        ext.insert(
            "grading".into(),
            serde_json::to_value(&unjudged).map_err(|e| e.to_string())?,
        );
        valid.grading = Some(unjudged);
    }
    Ok(())
}

/// Ingests the objects of one envelope on behalf of `principal`; returns one result per object,
/// in order. Only a database failure fails the whole call, and then nothing was stored. The
/// objects are prepared in parallel on the node's CPU pool (see [`crate::cpu`]). With `status`,
/// the TAXII status resource is stored in the same transaction as the objects.
pub async fn ingest(
    node: &Arc<Node>,
    principal: &Principal,
    collection: &str,
    values: Vec<Value>,
    status: Option<StatusRequest>,
) -> Result<Ingested, IngestError> {
    ingest_via(
        node,
        principal,
        collection,
        values,
        status,
        Via::Taxii,
        "add-objects",
    )
    .await
}

/// As [`ingest`], for objects the REST API makes (warnings and the objects of their life among
/// them), audited as `action`.
pub async fn ingest_api(
    node: &Arc<Node>,
    principal: &Principal,
    values: Vec<Value>,
    action: &str,
) -> Result<Ingested, IngestError> {
    ingest_via(
        node,
        principal,
        crate::node::COLLECTION_ID,
        values,
        None,
        Via::Api,
        action,
    )
    .await
}

/// What became of each object's preparation, with the id and version it claimed.
type Prepared = Vec<((String, Option<String>), Result<NewObject, String>)>;

/// Prepares the objects of one request in parallel on the node's CPU pool (see [`crate::cpu`]).
async fn prepare_all(
    node: &Arc<Node>,
    principal: &Principal,
    values: Vec<Value>,
    prepare_one: impl Fn(&Node, &Principal, Value) -> Result<NewObject, String> + Send + Sync + 'static,
) -> Result<Prepared, IngestError> {
    let (shared, principal) = (node.clone(), principal.clone());
    crate::cpu::run(&node.cpu, move || {
        use rayon::prelude::*;
        values
            .into_par_iter()
            .map(|v| (claimed(&v), prepare_one(&shared, &principal, v)))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(IngestError::Pool)
}

async fn ingest_via(
    node: &Arc<Node>,
    principal: &Principal,
    collection: &str,
    values: Vec<Value>,
    status: Option<StatusRequest>,
    via: Via,
    action: &str,
) -> Result<Ingested, IngestError> {
    let each = prepare_all(node, principal, values, move |n, p, v| {
        prepare(n, p, v, via)
    })
    .await?;
    let mut results: Vec<ObjectResult> = Vec::with_capacity(each.len());
    let mut prepared = Vec::new();
    let mut slots = Vec::new();
    for ((id, version), outcome) in each {
        match outcome {
            Ok(o) => {
                slots.push(results.len());
                prepared.push(o);
                results.push(ObjectResult {
                    id,
                    version,
                    ok: true,
                    equivocation: false,
                    message: String::new(),
                });
            }
            Err(message) => results.push(ObjectResult {
                id,
                version,
                ok: false,
                equivocation: false,
                message,
            }),
        }
    }
    let refused = results.iter().filter(|r| !r.ok).count();
    let register_changes = prepared
        .iter()
        .any(|o| crate::screening::affects_screening(&o.object_type));
    let audit = AuditRecord {
        ts_us: node.now_us(),
        principal: principal.name(),
        action: action.into(),
        collection: Some(collection.to_owned()),
        objects: prepared
            .iter()
            .map(|o| format!("{}@{}", o.id, o.version_ns.unwrap_or_default()))
            .collect(),
        outcome: if refused == 0 {
            "ok".into()
        } else {
            "partial".into()
        },
        detail: (refused > 0).then(|| format!("{refused} object(s) refused")),
    };
    let now = node.now_us();
    let (outcomes, status_json) = match status {
        None => (
            node.store
                .insert_objects(collection, prepared, audit, now)
                .await?,
            None,
        ),
        Some(request) => {
            let (mut pending, slots) = (results.clone(), slots.clone());
            let id = request.id.clone();
            let timestamp = request.request_timestamp;
            let render = move |outcomes: &[InsertOutcome]| {
                apply_outcomes(&mut pending, &slots, outcomes);
                status_resource(&request.id, &timestamp, &pending).to_string()
            };
            let draft = StatusDraft {
                id,
                owner: request.owner,
                render: Box::new(render),
            };
            let (outcomes, json) = node
                .store
                .insert_objects_with_status(collection, prepared, audit, now, draft)
                .await?;
            (outcomes, Some(json))
        }
    };
    apply_outcomes(&mut results, &slots, &outcomes);
    stored_signals(node, register_changes, &outcomes);
    for r in results.iter().filter(|r| r.equivocation) {
        tracing::warn!(id = %r.id, version = ?r.version, by = %principal.name(), "equivocation refused");
    }
    Ok(Ingested {
        results,
        status_json,
    })
}

/// Tells the rest of the node that objects were stored: screening (when a register entry was)
/// and the federation, which pokes the peers.
fn stored_signals(node: &Node, register_changes: bool, outcomes: &[InsertOutcome]) {
    if outcomes
        .iter()
        .any(|o| matches!(o, InsertOutcome::Stored { .. }))
    {
        if register_changes {
            node.screening.changed();
        }
        node.signals.stored();
    }
}

/// What one page pulled from a peer came to.
#[derive(Debug, Default)]
pub struct PulledPage {
    pub stored: usize,
    pub duplicates: usize,
    /// The objects refused (each also a security event), with the reason.
    pub refused: Vec<ObjectResult>,
}

/// Prepares an object a peer sent: checked as any signed object is (valid STIX, a signature that
/// verifies against its originator's charter key, `created_by_ref` naming the signer), and
/// refused if the policy would not have had the peer send it to this node — a peer relaying what
/// it may not relay, or sending what this node's state may not see, is misbehaving, and what it
/// sent is kept out.
fn prepare_pulled(node: &Node, peer: &Principal, value: Value) -> Result<NewObject, String> {
    let o = prepare(node, peer, value, Via::Peer)?;
    let Viewer::Node { party, .. } = &peer.viewer else {
        return Err("not pulled from a peer".into());
    };
    let here = Viewer::Node {
        party: node.party.clone(),
        tier: node.tier,
        holder: party.clone(),
    };
    // What this node originated may come back (say, after a restore); the store keeps it once.
    if o.label.originator != node.party && !may_see(&here, &o.label) {
        return Err(format!(
            "{party} sent an object of {} ({}) that {party} may not pass to {}: only the originator's node and the hub relay, and only to the states the marking and audience allow",
            o.label.originator, o.label.marking, node.party
        ));
    }
    Ok(o)
}

/// Ingests one page of objects pulled from the node of `peer`, advancing the peer's cursor to
/// `cursor` in the same transaction. Each object is checked on its own ([`prepare_pulled`]); one
/// refused is recorded as a security event naming it and why, and the rest are stored.
pub async fn ingest_pulled(
    node: &Arc<Node>,
    peer: &PartyCode,
    collection: &str,
    values: Vec<Value>,
    cursor: String,
) -> Result<PulledPage, IngestError> {
    let tier = node
        .charter
        .tier_of(peer)
        .ok_or_else(|| IngestError::UnknownPeer(peer.clone()))?;
    let principal = Principal {
        viewer: Viewer::Node {
            party: peer.clone(),
            tier,
            holder: node.party.clone(),
        },
    };
    let each = prepare_all(node, &principal, values, prepare_pulled).await?;
    let now = node.now_us();
    let mut page = PulledPage::default();
    let mut prepared = Vec::new();
    let mut events = Vec::new();
    for ((id, version), outcome) in each {
        match outcome {
            Ok(o) => prepared.push(o),
            Err(message) => {
                tracing::warn!(%peer, %id, ?version, %message, "refused an object from a peer");
                events.push(SecurityEvent {
                    ts_us: now,
                    kind: "refused-from-peer".into(),
                    source: principal.name(),
                    object: Some(match &version {
                        Some(v) => format!("{id}@{v}"),
                        None => id.clone(),
                    }),
                    detail: message.clone(),
                });
                page.refused.push(ObjectResult {
                    id,
                    version,
                    ok: false,
                    equivocation: false,
                    message,
                });
            }
        }
    }
    let register_changes = prepared
        .iter()
        .any(|o| crate::screening::affects_screening(&o.object_type));
    let audit = AuditRecord {
        ts_us: now,
        principal: principal.name(),
        action: "pull-objects".into(),
        collection: Some(collection.to_owned()),
        objects: prepared
            .iter()
            .map(|o| format!("{}@{}", o.id, o.version_ns.unwrap_or_default()))
            .collect(),
        outcome: if page.refused.is_empty() {
            "ok".into()
        } else {
            "partial".into()
        },
        detail: (!page.refused.is_empty())
            .then(|| format!("{} object(s) refused", page.refused.len())),
    };
    let ids: Vec<(String, Option<i64>)> = prepared
        .iter()
        .map(|o| (o.id.clone(), o.version_ns))
        .collect();
    let pull = PullCommit {
        peer: peer.to_string(),
        cursor,
        events,
    };
    let outcomes = node
        .store
        .insert_pulled(collection, prepared, audit, now, pull)
        .await?;
    for ((id, version), outcome) in ids.into_iter().zip(&outcomes) {
        match outcome {
            InsertOutcome::Stored { .. } => page.stored += 1,
            InsertOutcome::Duplicate => page.duplicates += 1,
            InsertOutcome::Equivocation => {
                tracing::warn!(%peer, %id, ?version, "equivocation refused");
                page.refused.push(ObjectResult {
                    id,
                    version: version.map(|v| v.to_string()),
                    ok: false,
                    equivocation: true,
                    message: EQUIVOCATION.into(),
                });
            }
        }
    }
    stored_signals(node, register_changes, &outcomes);
    Ok(page)
}

/// Completes the results of the objects that reached the store (`slots[i]` is the result of the
/// `i`th stored object) with what the store did with each.
fn apply_outcomes(results: &mut [ObjectResult], slots: &[usize], outcomes: &[InsertOutcome]) {
    for (&slot, outcome) in slots.iter().zip(outcomes) {
        let Some(r) = results.get_mut(slot) else {
            continue;
        };
        match outcome {
            InsertOutcome::Stored { .. } => r.message = "stored".into(),
            InsertOutcome::Duplicate => r.message = "already stored".into(),
            InsertOutcome::Equivocation => {
                r.ok = false;
                r.equivocation = true;
                r.message = EQUIVOCATION.into();
            }
        }
    }
}

/// The TAXII 2.1 status resource of a completed request.
pub fn status_resource(id: &str, request_timestamp: &str, results: &[ObjectResult]) -> Value {
    let entry = |r: &ObjectResult| {
        let mut e = json!({ "id": r.id, "message": r.message });
        if let Some(v) = &r.version {
            e["version"] = Value::String(v.clone());
        }
        e
    };
    let successes: Vec<Value> = results.iter().filter(|r| r.ok).map(entry).collect();
    let failures: Vec<Value> = results.iter().filter(|r| !r.ok).map(entry).collect();
    json!({
        "id": id,
        "status": "complete",
        "request_timestamp": request_timestamp,
        "total_count": results.len(),
        "success_count": successes.len(),
        "failure_count": failures.len(),
        "pending_count": 0,
        "successes": successes,
        "failures": failures,
        "pendings": [],
    })
}
