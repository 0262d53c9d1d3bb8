//! Taking objects in: each object of an envelope is validated, its originator established, and —
//! when this node originates it — stamped with the node's identity, its default marking if it has
//! none, and the node's signature. Objects another node signed are checked against the charter's
//! keys and stored untouched. Each object succeeds or fails on its own; the ones that pass are
//! stored together in one durable transaction with the audit entry of the request.
//!
//! Who may write what is the write policy's (`entente_core::may_write`): [`prepare`] says what
//! kind of object each is and the step it takes ([`entente_core::write::Class`]), and
//! [`NodeGuard`] asks the policy about each one under the store's writer lock, with every version
//! of its id the store holds at that moment — on every path alike: TAXII, the REST API, pulls.

use crate::auth::Principal;
use crate::integrity::mac;
use crate::node::Node;
use entente_core::register::EntryStatus;
use entente_core::write::WorkflowStep;
use entente_core::write::{self, Class, Operation, Write, Writer, NOT_THE_ORIGINATOR};
use entente_core::{AccessLabel, PartyCode, Tier, Tlp, Viewer, WriteRefusal};
use entente_stix::canonical::canonical_map;
use entente_stix::extension::entente_extension_mut;
use entente_stix::identity::party_identity_id;
use entente_stix::validate::Category;
use entente_stix::{validate, StixError, Timestamp, ValidObject};
use entente_store::{
    AuditRecord, BasedOn, Batch, Guard, HeldVersion, InsertOutcome, NewObject, PullCommit,
    SecurityEvent, StatusDraft, WriteGuard,
};
use serde_json::{json, Value};
use std::sync::Arc;

/// Why an envelope could not be ingested at all (objects refused one by one are results).
pub type IngestError = crate::error::NodeError;

/// Why an equivocation is refused, as the status resource and the pull's results say it.
const EQUIVOCATION: &str =
    "a different object with the same id and version is already stored (equivocation): refused";

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
    /// Refused by the write policy (forbidden, or a conflict with what is held).
    pub refusal: Option<WriteRefusal>,
    pub message: String,
}

impl ObjectResult {
    fn refused(id: String, version: Option<String>, message: String) -> ObjectResult {
        ObjectResult {
            id,
            version,
            ok: false,
            equivocation: false,
            refusal: None,
            message,
        }
    }
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

/// Who a principal is as a writer: a user, the node itself (acting on its own under the reserved
/// name [`crate::auth::NODE_USER`]), or a peer's node.
pub fn writer_of(principal: &Principal) -> Option<Writer> {
    match &principal.viewer {
        Viewer::User { user, .. } if user.name() == crate::auth::NODE_USER => Some(Writer::Node {
            party: user.party().clone(),
        }),
        Viewer::User { user, role, .. } => Some(Writer::User {
            party: user.party().clone(),
            role: *role,
        }),
        Viewer::Node { party, .. } => Some(Writer::Peer {
            party: party.clone(),
        }),
        Viewer::Public => None,
    }
}

/// What kind of object a valid object is, for the write policy. `step` is the step of a workflow
/// the caller took (the REST API's); a path that takes none (TAXII, a pull) passes `None`.
fn class_of(
    node: &Node,
    valid: &ValidObject,
    life: Option<&dyn entente_workflow::Life>,
    step: Option<WorkflowStep>,
) -> Result<Class, Unprepared> {
    let ty = valid.object_type();
    if ty == "identity" {
        if let Some(party) = node.party_identities.get(valid.id.as_str()) {
            return Ok(Class::PartyIdentity(party.clone()));
        }
    }
    if ty == crate::screening::REGISTER_TYPE {
        let status = valid
            .object
            .get("status")
            .and_then(Value::as_str)
            .ok_or("a register entry carries its `status`: proposed, designated or delisted")?;
        // Its names are what screening indexes: each within the limits a query has.
        let names = crate::screening::strings_in(valid.object.get("names"));
        crate::screening::check_names(&names).map_err(|e| format!("`names`: {e}"))?;
        return Ok(Class::RegisterEntry {
            from: None,
            to: Some(EntryStatus::parse(status).map_err(|e| e.to_string())?),
        });
    }
    // An object of a workflow's life is decided by its workflow's class (users make one only by
    // the workflow's steps).
    if let Some(life) = life {
        return Ok(life.class(step));
    }
    Ok(Class::Plain)
}

/// The write guard of a request: the write policy, asked under the store's writer lock about
/// each object with the versions of its id held at that moment.
pub struct NodeGuard {
    writer: Option<Writer>,
    here: PartyCode,
    here_tier: Tier,
    max_versions: usize,
}

impl NodeGuard {
    pub fn for_request(node: &Node, principal: &Principal) -> Guard {
        Arc::new(NodeGuard {
            writer: writer_of(principal),
            here: node.party.clone(),
            here_tier: node.tier(),
            max_versions: node.settings.max_versions_per_object,
        })
    }
}

/// The status of a stored register entry version, if it carries a valid one.
fn entry_status(json: &str) -> Option<EntryStatus> {
    let v: Value = serde_json::from_str(json).ok()?;
    EntryStatus::parse(v.get("status")?.as_str()?).ok()
}

/// The refusal of a step decided on a version that is no longer the latest.
pub const STALE: &str = "this object changed since it was read (another step was taken on it first): reload it and try again";

impl WriteGuard for NodeGuard {
    fn check(&self, object: &NewObject, held: &[HeldVersion<'_>]) -> Result<(), WriteRefusal> {
        let writer = self
            .writer
            .as_ref()
            .ok_or_else(|| WriteRefusal::Forbidden("the public does not write".into()))?;
        let latest = held.iter().max_by_key(|h| h.version_ns);
        let fresh = match object.based_on {
            BasedOn::Anything => true,
            BasedOn::Nothing => held.is_empty(),
            BasedOn::Latest(v) => latest.is_some_and(|l| l.version_ns == v),
        };
        if !fresh {
            return Err(WriteRefusal::Conflict(STALE.into()));
        }
        if held.len() >= self.max_versions {
            return Err(WriteRefusal::Forbidden(format!(
                "this object has {} versions already; a node keeps at most {} of one object",
                held.len(),
                self.max_versions
            )));
        }
        let origins: Option<Vec<PartyCode>> = held
            .iter()
            .map(|h| PartyCode::parse(h.originator).ok())
            .collect();
        let Some(origins) = origins else {
            return Err(WriteRefusal::Forbidden(NOT_THE_ORIGINATOR.into()));
        };
        let class = match &object.class {
            Class::RegisterEntry { to, .. } => Class::RegisterEntry {
                from: latest.and_then(|l| l.json).and_then(entry_status),
                to: *to,
            },
            other => other.clone(),
        };
        write::may_write(
            writer,
            &Write {
                operation: Operation::Store,
                class: &class,
                label: &object.label,
                held: &origins,
                here: &self.here,
                here_tier: self.here_tier,
            },
        )
    }
}

/// Asks the write policy whether `principal` may delete the `chosen` versions of `id`, given
/// every version held (those it may not see included).
pub async fn may_delete(
    node: &Node,
    principal: &Principal,
    collection: &str,
    id: &str,
    chosen: &[&entente_store::ObjectRow],
) -> Result<(), crate::error::NodeError> {
    let writer = writer_of(principal).ok_or(crate::error::NodeError::Unauthenticated)?;
    let Some(first) = chosen.first() else {
        return Err(crate::error::NodeError::NotFound);
    };
    let held = node.store.versions_of(collection, id).await?;
    let origins: Vec<PartyCode> = held.iter().map(|r| r.label.originator.clone()).collect();
    let class = match first.object_type.as_str() {
        "identity" if node.party_identities.contains_key(id) => {
            Class::PartyIdentity(first.label.originator.clone())
        }
        crate::screening::REGISTER_TYPE => Class::RegisterEntry {
            from: None,
            to: None,
        },
        ty => match entente_workflow::registry()
            .iter()
            .find(|l| l.types().contains(&ty))
        {
            Some(life) if life.root_type() == ty => life.class(None),
            Some(life) => {
                // An object of a type a workflow shares with plain objects (a note): read it
                // to tell whether it belongs to the workflow's life.
                let rows = crate::read::page(
                    node,
                    principal,
                    &entente_store::read::Query {
                        ids: vec![id.to_owned()],
                        versions: entente_store::read::VersionMatch::last(),
                        spec_version_matches: true,
                        ..Default::default()
                    },
                    None,
                    1,
                    true,
                )
                .await?;
                let of_its_life = rows.rows.first().is_some_and(|r| {
                    serde_json::from_str::<serde_json::Map<String, Value>>(&r.json)
                        .is_ok_and(|o| life.claims(&r.object_type, &o))
                });
                if of_its_life {
                    life.class(None)
                } else {
                    Class::Plain
                }
            }
            None => Class::Plain,
        },
    };
    for row in chosen {
        write::may_write(
            &writer,
            &Write {
                operation: Operation::Delete,
                class: &class,
                label: &row.label,
                held: &origins,
                here: &node.party,
                here_tier: node.tier(),
            },
        )?;
    }
    Ok(())
}

/// Why an object was refused before it reached the store: not acceptable as it is, or refused by
/// the write policy (which the REST API answers 403 or 409).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unprepared {
    Invalid(String),
    Policy(WriteRefusal),
}

impl From<String> for Unprepared {
    fn from(m: String) -> Self {
        Unprepared::Invalid(m)
    }
}

impl From<&str> for Unprepared {
    fn from(m: &str) -> Self {
        Unprepared::Invalid(m.to_owned())
    }
}

impl Unprepared {
    fn into_result(self, id: String, version: Option<String>) -> ObjectResult {
        match self {
            Unprepared::Invalid(m) => ObjectResult::refused(id, version, m),
            Unprepared::Policy(r) => {
                let mut o = ObjectResult::refused(id, version, r.message().to_owned());
                o.refusal = Some(r);
                o
            }
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Unprepared::Invalid(m) => m,
            Unprepared::Policy(r) => r.message(),
        }
    }
}

/// Prepares one object for storage, or says why it is refused. `step` is the workflow step the
/// caller took, if any (see [`class_of`]).
pub fn prepare(
    node: &Node,
    principal: &Principal,
    value: Value,
    step: Option<WorkflowStep>,
) -> Result<NewObject, Unprepared> {
    let mut valid: ValidObject = validate(value).map_err(|e| e.to_string())?;
    let signed = valid.is_signed();
    let originator = if signed {
        let signer = node
            .effective
            .current()
            .keyring
            .verify(&valid.object)
            .map_err(|e| e.to_string())?;
        if let Some(by) = &valid.created_by_ref {
            if *by != party_identity_id(&signer) {
                return Err(format!(
                    "created_by_ref names `{by}`, but the object is signed with the key of {signer} ({})",
                    party_identity_id(&signer)
                )
                .into());
            }
        }
        signer
    } else {
        if !matches!(principal.viewer, Viewer::User { .. }) {
            return Err(StixError::Unsigned.to_string().into());
        }
        originate(node, &mut valid)?;
        node.party.clone()
    };
    // A signed object without a TLP marking is AMBER on every node, so all agree on its label.
    let marking = valid.marking.unwrap_or(Tlp::Amber);
    let label = AccessLabel::new(originator.clone(), marking, valid.audience.clone())
        .map_err(|e| e.to_string())?;
    if let Some(g) = &valid.grading {
        g.check_marking(marking).map_err(|e| e.to_string())?;
    }
    // The workflow whose life the object belongs to, if any: asked once, for its class, its entry
    // checks and its root.
    let life = entente_workflow::life_of(valid.object_type(), &valid.object);
    let class = class_of(node, &valid, life, step)?;
    // What the policy refuses whatever is held is refused now, before the object is checked
    // further and signed; the guard asks again, with what is held, under the writer lock. (A
    // register entry's transition depends on what is held: it is asked there only.)
    if !matches!(class, Class::RegisterEntry { .. }) {
        if let Some(writer) = writer_of(principal) {
            let write = Write {
                operation: Operation::Store,
                class: &class,
                label: &label,
                held: &[],
                here: &node.party,
                here_tier: node.tier(),
            };
            write::may_write(&writer, &write).map_err(Unprepared::Policy)?;
        }
    }
    // An object of a workflow's life: what its workflow checks on entry, and the root it names.
    if let Some(life) = life {
        life.check_entry(valid.object_type(), &valid.object, &label)
            .map_err(|e| e.0)?;
    }
    let root = life.and_then(|l| l.root_of(valid.object_type(), &valid.object));
    let refers_to = valid.referenced_ids();
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
        )
        .into());
    }
    Ok(NewObject {
        id: valid.id.to_string(),
        object_type: valid.object_type().to_owned(),
        version_ns: valid.version().map(Timestamp::nanos),
        mac: mac(&node.mac_key, &json),
        label,
        json,
        root,
        refers_to,
        class,
        based_on: BasedOn::Anything,
    })
}

/// Makes this node the originator of an unsigned object a user posted: its identity as creator
/// (refusing one that claims another), and its default marking when it carries none.
fn originate(node: &Node, valid: &mut ValidObject) -> Result<(), Unprepared> {
    let own = party_identity_id(&node.party);
    match &valid.created_by_ref {
        Some(by) if *by != own => {
            return Err(format!(
                "created_by_ref must be this node's identity `{own}` ({}) or absent: a user cannot post in another's name",
                node.party
            )
            .into())
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
    let each = prepare_all(node, principal, values, |n, p, v| prepare(n, p, v, None)).await?;
    // Observations are matched, and places checked against the protected assets' corridors,
    // before anything is stored: the sightings and alerts they give are stored in the same
    // transaction (see `crate::detection`), so that an acknowledged observation has its
    // sightings, and no moment or crash sees one without the other.
    let derived = derive(node, principal, &each).await;
    store_prepared(
        node,
        principal,
        collection,
        each,
        status,
        "add-objects",
        derived,
    )
    .await
}

/// What the node writes itself beside a user's objects, in the same transaction: the sightings
/// and alerts of detection, prepared as the node's own (signed by it, checked by the write policy
/// for it).
#[derive(Default)]
struct Derived {
    objects: Vec<NewObject>,
    writer: Option<Principal>,
}

/// Matches the observations about to be stored and checks the places against the protected
/// assets' corridors: a sighting for each indicator matched and an alert for each corridor
/// entered, prepared as the node's. Reads the envelope again only when it holds an observation
/// or what may be a place. A failure is logged: the user's objects are stored all the same.
async fn derive(node: &Arc<Node>, principal: &Principal, each: &Prepared) -> Derived {
    let ok = || each.iter().filter_map(|(_, o)| o.as_ref().ok());
    if !ok().any(|o| crate::detect_index::Envelope::reads(&o.object_type)) {
        return Derived::default();
    }
    let mut envelope = crate::detect_index::Envelope::default();
    for o in ok() {
        envelope.note(&o.id, &o.object_type, &o.json);
    }
    let admitted: std::collections::HashSet<String> = ok().map(|o| o.id.clone()).collect();
    let places = std::mem::take(&mut envelope.places);
    let mut found = Vec::new();
    if !envelope.observed.is_empty() {
        match crate::detection::sightings(node, principal, envelope, &admitted).await {
            Ok(f) => found = f,
            Err(e) => tracing::warn!(error = ?e, "matching observations against indicators failed"),
        }
    }
    if !places.is_empty() {
        match crate::detection::alerts(node, principal, places, &admitted).await {
            Ok(a) => found.extend(a),
            Err(e) => tracing::warn!(error = ?e, "checking places against protected assets failed"),
        }
    }
    let Some(writer) = crate::auth::node_principal(node).filter(|_| !found.is_empty()) else {
        return Derived::default();
    };
    let prepared = match prepare_all(node, &writer, found, |n, p, v| {
        prepare(n, p, v, None).map(|mut o| {
            o.based_on = BasedOn::Nothing;
            o
        })
    })
    .await
    {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = ?e, "sightings and alerts could not be prepared");
            return Derived::default();
        }
    };
    let mut objects = Vec::new();
    for ((id, _), o) in prepared {
        match o {
            Ok(o) => objects.push(o),
            Err(why) => {
                let r = why.into_result(id, None);
                tracing::warn!(id = %r.id, why = %r.message, "a sighting or alert was refused")
            }
        }
    }
    Derived {
        objects,
        writer: Some(writer),
    }
}

/// The write guard of a batch with objects of two writers: the user's, put to the user's guard,
/// and the node's derived objects, put to the node's — each refused too when an object of the
/// batch it refers to was refused (a sighting of an observation that was not stored). The store
/// checks the objects in order, and the derived ones come last.
struct TwoWriters {
    user: Guard,
    node: Guard,
    derived: std::collections::HashSet<String>,
    refused: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl WriteGuard for TwoWriters {
    fn check(&self, object: &NewObject, held: &[HeldVersion<'_>]) -> Result<(), WriteRefusal> {
        let refused = |id: &str| {
            self.refused
                .lock()
                .map(|mut r| {
                    r.insert(id.to_owned());
                })
                .ok();
        };
        if !self.derived.contains(&object.id) {
            return self
                .user
                .check(object, held)
                .inspect_err(|_| refused(&object.id));
        }
        let missing = self
            .refused
            .lock()
            .map(|r| object.refers_to.iter().find(|d| r.contains(*d)).cloned())
            .unwrap_or_default();
        if let Some(d) = missing {
            return Err(WriteRefusal::Conflict(format!(
                "{d}, which this object refers to, was not stored"
            )));
        }
        self.node.check(object, held)
    }
}

/// One object the REST API makes, audited as `action`: `step` is the workflow step it takes (for
/// a warning and the objects of its life), `based_on` what the step was decided on.
pub async fn ingest_step(
    node: &Arc<Node>,
    principal: &Principal,
    object: Value,
    action: &str,
    step: Option<WorkflowStep>,
    based_on: BasedOn,
) -> Result<ObjectResult, IngestError> {
    let each = prepare_all(node, principal, vec![object], move |n, p, v| {
        prepare(n, p, v, step).map(|mut o| {
            o.based_on = based_on;
            o
        })
    })
    .await?;
    let done = store_prepared(
        node,
        principal,
        crate::node::COLLECTION_ID,
        each,
        None,
        action,
        Derived::default(),
    )
    .await?;
    done.results
        .into_iter()
        .next()
        .ok_or_else(|| crate::error::NodeError::Pool("ingest answered no result".into()))
}

/// What became of each object's preparation, with the id and version it claimed.
type Prepared = Vec<((String, Option<String>), Result<NewObject, Unprepared>)>;

/// Prepares the objects of one request in parallel on the node's CPU pool (see [`crate::cpu`]).
async fn prepare_all(
    node: &Arc<Node>,
    principal: &Principal,
    values: Vec<Value>,
    prepare_one: impl Fn(&Node, &Principal, Value) -> Result<NewObject, Unprepared>
        + Send
        + Sync
        + 'static,
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
}

/// Stores what [`prepare_all`] prepared, with the audit entry of the request (and its status).
async fn store_prepared(
    node: &Arc<Node>,
    principal: &Principal,
    collection: &str,
    each: Prepared,
    status: Option<StatusRequest>,
    action: &str,
    derived: Derived,
) -> Result<Ingested, IngestError> {
    let mut results: Vec<ObjectResult> = Vec::with_capacity(each.len());
    let mut prepared = Vec::new();
    let mut slots = Vec::new();
    let mut raised = Vec::new();
    for ((id, version), outcome) in each {
        match outcome {
            Ok(o) => {
                slots.push(results.len());
                prepared.push(o);
                let mut r = ObjectResult::refused(id, version, String::new());
                r.ok = true;
                results.push(r);
            }
            Err(why) => {
                // What the write policy forbids is a security event, as under the writer lock.
                if let Unprepared::Policy(WriteRefusal::Forbidden(m)) = &why {
                    raised.push(SecurityEvent {
                        ts_us: node.now_us(),
                        kind: "refused-write".into(),
                        source: principal.name(),
                        object: Some(match &version {
                            Some(v) => format!("{id}@{v}"),
                            None => id.clone(),
                        }),
                        detail: format!("the write policy refused it: {m}"),
                    });
                }
                results.push(why.into_result(id, version));
            }
        }
    }
    let refused = results.iter().filter(|r| !r.ok).count();
    let register_changes = prepared
        .iter()
        .any(|o| crate::screening::affects_screening(&o.object_type));
    let governance_changes = prepared
        .iter()
        .any(|o| crate::effective::affects_governance(&o.object_type));
    let detection_changes = prepared.iter().any(|o| {
        crate::detect_index::affects_detection(&o.object_type)
            || crate::detect_index::affects_assets(&o.object_type)
    });
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
    // The node's derived objects go last, after every object they may refer to, under their own
    // guard; their outcomes are the node's to log, not the request's to answer.
    let user_guard = NodeGuard::for_request(node, principal);
    let (guard, derived_ids) = match &derived.writer {
        Some(writer) if !derived.objects.is_empty() => {
            let ids: Vec<(String, String)> = derived
                .objects
                .iter()
                .map(|o| (o.id.clone(), o.object_type.clone()))
                .collect();
            let guard: Guard = Arc::new(TwoWriters {
                user: user_guard,
                node: NodeGuard::for_request(node, writer),
                derived: ids.iter().map(|(id, _)| id.clone()).collect(),
                refused: Default::default(),
            });
            (guard, ids)
        }
        _ => (user_guard, Vec::new()),
    };
    let mut audit = audit;
    if !derived_ids.is_empty() {
        audit.objects.extend(
            derived
                .objects
                .iter()
                .map(|o| format!("{}@{}", o.id, o.version_ns.unwrap_or_default())),
        );
        let by_node = format!(
            "{} written by the node (sightings, alerts)",
            derived_ids.len()
        );
        audit.detail = Some(match audit.detail.take() {
            Some(d) => format!("{d}; {by_node}"),
            None => by_node,
        });
    }
    prepared.extend(derived.objects);
    let batch = Batch {
        objects: prepared,
        audit,
        now_us: node.now_us(),
        guard,
        raised,
    };
    let started = std::time::Instant::now();
    let (outcomes, status_json) = match status {
        None => (node.store.insert_objects(collection, batch).await?, None),
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
                .insert_objects_with_status(collection, batch, draft)
                .await?;
            (outcomes, Some(json))
        }
    };
    crate::metrics::store_write("objects", started);
    apply_outcomes(&mut results, &slots, &outcomes);
    for ((id, ty), outcome) in derived_ids.iter().zip(outcomes.iter().skip(slots.len())) {
        match outcome {
            InsertOutcome::Stored { .. } => {
                tracing::info!(id = %id, kind = %ty, "detection wrote a sighting or an alert")
            }
            InsertOutcome::Duplicate => {}
            other => {
                tracing::warn!(id = %id, outcome = ?other, "a sighting or an alert was refused")
            }
        }
    }
    stored_signals(
        node,
        register_changes,
        governance_changes,
        detection_changes,
        &outcomes,
    );
    for r in results.iter().filter(|r| r.equivocation) {
        tracing::warn!(id = %r.id, version = ?r.version, by = %principal.name(), "equivocation refused");
    }
    Ok(Ingested {
        results,
        status_json,
    })
}

/// Tells the rest of the node that objects were stored: screening (when a register entry was),
/// the effective charter (when a decision or ballot was), detection (when an indicator was) and
/// the federation, which pokes the peers.
fn stored_signals(
    node: &Node,
    register_changes: bool,
    governance_changes: bool,
    detection_changes: bool,
    outcomes: &[InsertOutcome],
) {
    if outcomes
        .iter()
        .any(|o| matches!(o, InsertOutcome::Stored { .. }))
    {
        objects_changed(
            node,
            register_changes,
            governance_changes,
            detection_changes,
        );
    }
}

/// Tells the parts of this process that keep something of the store in memory that objects were
/// stored or deleted (here, or by another process on the same database: [`crate::cluster`]).
pub(crate) fn objects_changed(
    node: &Node,
    register_changes: bool,
    governance_changes: bool,
    detection_changes: bool,
) {
    if register_changes {
        node.screening.changed();
    }
    if governance_changes {
        node.effective.bump();
    }
    if detection_changes {
        node.detection.changed();
        node.assets.changed();
    }
    node.signals.stored();
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
/// verifies against its originator's charter key, `created_by_ref` naming the signer). Whether the
/// peer may bring it — a peer relaying what it may not relay, or sending what this node's state
/// may not see, is misbehaving — is the write policy's, asked by the guard.
fn prepare_pulled(node: &Node, peer: &Principal, value: Value) -> Result<NewObject, Unprepared> {
    if !matches!(peer.viewer, Viewer::Node { .. }) {
        return Err("not pulled from a peer".into());
    }
    prepare(node, peer, value, None)
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
        .effective
        .tier_of(peer)
        .ok_or_else(|| crate::error::NodeError::UnknownPeer(peer.clone()))?;
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
            Err(why) => {
                let message = why.message().to_owned();
                tracing::warn!(%peer, %id, ?version, %message, "refused an object from a peer");
                events.push(SecurityEvent {
                    ts_us: now,
                    kind: "refused-from-peer".into(),
                    source: principal.name(),
                    object: Some(match &version {
                        Some(v) => format!("{id}@{v}"),
                        None => id.clone(),
                    }),
                    detail: message,
                });
                page.refused.push(why.into_result(id, version));
            }
        }
    }
    let register_changes = prepared
        .iter()
        .any(|o| crate::screening::affects_screening(&o.object_type));
    let governance_changes = prepared
        .iter()
        .any(|o| crate::effective::affects_governance(&o.object_type));
    let detection_changes = prepared.iter().any(|o| {
        crate::detect_index::affects_detection(&o.object_type)
            || crate::detect_index::affects_assets(&o.object_type)
    });
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
    let started = std::time::Instant::now();
    let outcomes = node
        .store
        .insert_pulled(
            collection,
            Batch {
                objects: prepared,
                audit,
                now_us: now,
                guard: NodeGuard::for_request(node, &principal),
                raised: Vec::new(),
            },
            pull,
        )
        .await?;
    crate::metrics::store_write("pull", started);
    for ((id, version), outcome) in ids.into_iter().zip(&outcomes) {
        match outcome {
            InsertOutcome::Stored { .. } => page.stored += 1,
            InsertOutcome::Duplicate => page.duplicates += 1,
            InsertOutcome::Equivocation => {
                tracing::warn!(%peer, %id, ?version, "equivocation refused");
                let mut r =
                    ObjectResult::refused(id, version.map(|v| v.to_string()), EQUIVOCATION.into());
                r.equivocation = true;
                page.refused.push(r);
            }
            InsertOutcome::Refused(refusal) => {
                tracing::warn!(%peer, %id, ?version, %refusal, "refused an object from a peer");
                let mut r = ObjectResult::refused(
                    id,
                    version.map(|v| v.to_string()),
                    refusal.message().to_owned(),
                );
                r.refusal = Some(refusal.clone());
                page.refused.push(r);
            }
        }
    }
    stored_signals(
        node,
        register_changes,
        governance_changes,
        detection_changes,
        &outcomes,
    );
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
            InsertOutcome::Refused(refusal) => {
                r.ok = false;
                r.message = refusal.message().to_owned();
                r.refusal = Some(refusal.clone());
            }
        }
    }
}

/// The TAXII 2.1 status resource of a completed request. Empty `successes`, `failures` and
/// `pendings` lists are left out: the standard says a list property is never empty.
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
    let mut status = json!({
        "id": id,
        "status": "complete",
        "request_timestamp": request_timestamp,
        "total_count": results.len(),
        "success_count": successes.len(),
        "failure_count": failures.len(),
        "pending_count": 0,
    });
    for (name, list) in [("successes", successes), ("failures", failures)] {
        if !list.is_empty() {
            status[name] = Value::Array(list);
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;
    use entente_core::Tlp;
    use entente_store::contract::obj;

    /// Refuses the objects it names, admits the rest.
    struct Refusing(&'static [&'static str]);
    impl WriteGuard for Refusing {
        fn check(&self, o: &NewObject, _: &[HeldVersion<'_>]) -> Result<(), WriteRefusal> {
            if self.0.contains(&o.id.as_str()) {
                Err(WriteRefusal::Forbidden("no".into()))
            } else {
                Ok(())
            }
        }
    }

    #[test]
    fn a_derived_object_is_put_to_the_nodes_guard_and_refused_with_what_it_refers_to() {
        let guard = TwoWriters {
            user: Arc::new(Refusing(&["observed-data--a", "sighting--x"])),
            node: Arc::new(Refusing(&["sighting--refused-by-node"])),
            derived: ["sighting--x", "sighting--y", "sighting--refused-by-node"]
                .map(str::to_owned)
                .into(),
            refused: Default::default(),
        };
        let with_refs = |id: &str, refs: &[&str]| {
            let mut o = obj(id, 1, Tlp::Green, "b");
            o.refers_to = refs.iter().map(|r| r.to_string()).collect();
            o
        };
        // The user's objects, to the user's guard.
        assert!(guard
            .check(&obj("observed-data--a", 1, Tlp::Green, "b"), &[])
            .is_err());
        assert!(guard
            .check(&obj("observed-data--b", 1, Tlp::Green, "b"), &[])
            .is_ok());
        // A sighting of the refused observation is refused, saying why; one of the stored
        // observation goes to the node's guard (which the user's would have refused).
        let refused = guard.check(
            &with_refs("sighting--y", &["indicator--i", "observed-data--a"]),
            &[],
        );
        assert!(
            matches!(&refused, Err(WriteRefusal::Conflict(m)) if m.contains("observed-data--a")),
            "{refused:?}"
        );
        assert!(guard
            .check(&with_refs("sighting--x", &["observed-data--b"]), &[])
            .is_ok());
        assert!(guard
            .check(
                &with_refs("sighting--refused-by-node", &["observed-data--b"]),
                &[]
            )
            .is_err());
    }
}
