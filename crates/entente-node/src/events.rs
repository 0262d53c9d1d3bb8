//! Event streams: what tells a connected client (`GET /api/v1/events`, server-sent events), at
//! once, of each new warning version, review, acknowledgement, hit and follow-up it may see, and
//! of each decision proposed or withdrawn, ballot cast, application made, document drafted,
//! signed or ratified, and programme drafted or entry recorded (`decision`, `ballot`,
//! `application`, `document`, `document-act`, `programme`, `programme-entry`; and of each
//! request for assistance, invitation (a conference convened), response and closed conference
//! (`consultation`, `invitation`, `response`, `conference-closed`, and
//! `consultation-reminder` before the deadline to the states that have not answered; and of each
//! exercise planned, contribution and after-action section (`exercise`, `exercise-contribution`,
//! `after-action`)):
//! `{"decision": id, "by": party, "at": ..., ...}`); and of each sighting of an indicator — an
//! observation that matched it (`sighting`: `{"indicator": id, "object": the sighting,
//! "observed_data": [ids], "by": the observing state, "at": ...}`, told to the indicator's author
//! and the observing state, the sighting's audience); and of each alert of a place reported
//! inside a protected asset's corridor (`alert`: `{"asset", "incident", "object", "distance_m",
//! "km_post", "by", "at"}`, told to the asset's owners).
//!
//! Each event is a kind (`warning|review|acknowledgement|hit|follow-up|reminder`) and data
//! (`{"warning": id, "object": id, "by": party, "stage": ..., "at": ...}`) ([`StreamEvent`]; the
//! HTTP layer writes them as SSE). What a client may not see is never sent
//! (the access policy decides each object, as for every read); a stream of marked objects is
//! audited like any read, and nothing is sent before its audit entry is durable. A comment is sent
//! every 15 seconds so that proxies keep the connection open.
//!
//! **Cost.** One change told to many streams costs one read and one durable write: a single
//! reader ([`crate::stream_hub::Hub`]) reads what was added once per change and hands the rows to every stream,
//! each of which keeps what its principal may see; the streams' audit entries for that change are
//! written together, in one transaction ([`AuditBatcher`]). (Each stream reading the store and
//! committing its own audit entry once turned one draft into 1,007 audit writes and a 5 s stall
//! with a thousand streams open.) Streams are capped per principal and in all
//! (`limits.max_streams_per_principal`, `limits.max_streams`): past a cap, 503. A stream that
//! falls behind the reader by more than it buffers is closed; its client reconnects.

use crate::auth::Principal;
use crate::error::NodeError;
use crate::node::{Node, COLLECTION_ID};
use crate::stream_hub::{Batch, Slot, Started};
use entente_core::{may_see, Tlp};
use entente_store::{AuditRecord, ObjectRow, ScanFilter};
use entente_workflow::warning::{role_of, WARNING_TYPE};
use futures::Stream;
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc, oneshot};

/// One event of a stream: its kind and its data (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamEvent {
    pub kind: &'static str,
    pub data: String,
}

/// How many batches of new rows a stream may fall behind before it is closed.
const BEHIND: usize = 256;

/// Reads what was added of the warnings' lives after each change, once for all streams.
async fn read_loop(
    node: std::sync::Weak<Node>,
    rows: broadcast::Sender<Arc<Batch>>,
    since_us: i64,
) {
    let Some(mut stored) = node.upgrade().map(|n| n.signals.watch_stored()) else {
        return;
    };
    let lives: [&dyn entente_workflow::Life; 7] = [
        &entente_workflow::consultation::Consultations,
        &entente_workflow::exercise::Exercises,
        &entente_workflow::Warnings::new(Vec::new()),
        &entente_workflow::decision::Decisions,
        &entente_workflow::decision::Applications,
        &entente_workflow::document::Documents,
        &entente_workflow::programme::Programmes,
    ];
    let filter = ScanFilter {
        types: {
            let mut types: Vec<String> = lives
                .iter()
                .flat_map(|l| l.types())
                .map(|t| (*t).to_owned())
                .collect();
            types.sort();
            types.dedup();
            types
        },
        added_after_us: Some(since_us),
        // Not only workflow objects (which name their root): a sighting of an indicator
        // (detection's) belongs to no thread and is an event too.
        with_json: true,
        ..Default::default()
    };
    let mut after: Option<i64> = None;
    loop {
        if stored.changed().await.is_err() {
            return;
        }
        let Some(node) = node.upgrade() else { return };
        loop {
            let batch = match node.store.scan(COLLECTION_ID, &filter, after, 500).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!(error = %e, "the event streams could not read; they will at the next change");
                    break;
                }
            };
            let full = batch.len() == 500;
            if let Some(last) = batch.last() {
                after = Some(last.seq);
            }
            let intact: Vec<ObjectRow> = batch
                .into_iter()
                .filter(|r| crate::integrity::mac_ok(&node.mac_key, &r.json, &r.mac))
                .collect();
            if !intact.is_empty() {
                // No stream listening is no error: there is no one to tell.
                let n = node.events.next_n();
                let _ = rows.send(Arc::new(Batch {
                    n,
                    rows: intact,
                    told: Vec::new(),
                }));
            }
            if !full {
                break;
            }
        }
    }
}

/// Writes the streams' audit entries in batches: whatever is queued when the writer is free goes
/// in one transaction. Each stream waits for its entry to be durable before it sends.
async fn audit_loop(
    node: std::sync::Weak<Node>,
    mut queue: mpsc::Receiver<(AuditRecord, oneshot::Sender<bool>)>,
) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < 4096 {
            match queue.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let Some(node) = node.upgrade() else { return };
        let (mut records, waiting): (Vec<AuditRecord>, Vec<oneshot::Sender<bool>>) =
            batch.into_iter().unzip();
        // Streams of one principal told of the same objects read them once.
        let mut seen = std::collections::HashSet::new();
        records.retain(|r| seen.insert((r.principal.clone(), r.objects.clone())));
        let started = std::time::Instant::now();
        let ok = match node.store.append_audits(records).await {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = %e, "auditing event stream reads failed; the events are not sent");
                false
            }
        };
        crate::metrics::store_write("audit", started);
        for w in waiting {
            let _ = w.send(ok);
        }
    }
}

/// The event a decision, ballot or application makes: `decision` (proposed, or withdrawn),
/// `ballot` (with the state and its vote), `application`.
fn governance_event(row: &ObjectRow, o: &Map<String, Value>) -> Option<StreamEvent> {
    use entente_workflow::decision::{APPLICATION_TYPE, BALLOT_TYPE, DECISION_TYPE};
    let at = o.get("modified").cloned().unwrap_or(Value::Null);
    let by = row.label.originator.as_str();
    let (kind, data) = match row.object_type.as_str() {
        DECISION_TYPE => (
            "decision",
            json!({"decision": row.id, "by": by, "at": at, "title": o.get("title"),
                   "withdrawn": o.contains_key("withdrawn")}),
        ),
        BALLOT_TYPE => (
            "ballot",
            json!({"decision": o.get("decision_ref")?, "object": row.id, "by": by, "at": at,
                   "state": o.get("state"), "vote": o.get("vote")}),
        ),
        APPLICATION_TYPE => (
            "application",
            json!({"application": row.id, "by": by, "at": at, "state": o.get("state"), "tier": o.get("tier")}),
        ),
        entente_workflow::consultation::CONSULTATION_TYPE => {
            let stage = o.get("stage").and_then(Value::as_str).unwrap_or("");
            let root = if stage == "request" {
                Value::String(row.id.clone())
            } else {
                o.get("request_ref").cloned().unwrap_or(Value::Null)
            };
            let kind = match (stage, o.contains_key("record")) {
                ("request", _) => "consultation",
                (_, true) => "conference-closed",
                _ => "invitation",
            };
            (
                kind,
                json!({"consultation": root, "object": row.id, "by": by, "at": at}),
            )
        }
        entente_workflow::consultation::RESPONSE_TYPE => (
            "response",
            json!({"consultation": o.get("request_ref"), "object": row.id, "by": by, "at": at, "answer": o.get("answer")}),
        ),
        entente_workflow::exercise::EXERCISE_TYPE => {
            let stage = o.get("stage").and_then(Value::as_str).unwrap_or("");
            let (kind, root) = match stage {
                "plan" => ("exercise", Value::String(row.id.clone())),
                "contribution" => (
                    "exercise-contribution",
                    o.get("exercise_ref").cloned().unwrap_or(Value::Null),
                ),
                _ => (
                    "after-action",
                    o.get("exercise_ref").cloned().unwrap_or(Value::Null),
                ),
            };
            (
                kind,
                json!({"exercise": root, "object": row.id, "by": by, "at": at, "name": o.get("name")}),
            )
        }
        entente_workflow::document::DOCUMENT_TYPE => (
            "document",
            json!({"document": row.id, "by": by, "at": at, "kind": o.get("kind")}),
        ),
        entente_workflow::programme::PROGRAMME_TYPE => (
            "programme",
            json!({"programme": row.id, "by": by, "at": at, "kind": o.get("kind")}),
        ),
        "note" => {
            let root = |ty: &str| {
                o.get("object_refs")?
                    .as_array()?
                    .iter()
                    .filter_map(Value::as_str)
                    .find(|r| r.starts_with(ty))
                    .map(str::to_owned)
            };
            let ext = entente_stix::extension::entente_extension(o)?;
            if let Some(act) = ext.get("document").and_then(|d| d.get("act")) {
                let doc = root(entente_workflow::document::DOCUMENT_TYPE)?;
                (
                    "document-act",
                    json!({"document": doc, "object": row.id, "by": by, "at": at, "act": act}),
                )
            } else if let Some(r) = ext
                .get(entente_workflow::consultation::objects::REMINDER_PROPERTY)
                .filter(|r| r.get("role").and_then(Value::as_str) == Some("reminder"))
            {
                (
                    "consultation-reminder",
                    json!({"consultation": r.get("request_ref"), "object": row.id, "by": by, "at": at,
                           "hours": r.get("hours"), "to": r.get("to"), "answer_by": r.get("answer_by")}),
                )
            } else if let Some(act) = ext.get("programme").and_then(|d| d.get("act")) {
                let p = root(entente_workflow::programme::PROGRAMME_TYPE)?;
                (
                    "programme-entry",
                    json!({"programme": p, "object": row.id, "by": by, "at": at, "act": act}),
                )
            } else {
                return None;
            }
        }
        _ => return None,
    };
    Some(StreamEvent {
        kind,
        data: data.to_string(),
    })
}

/// A sighting of an indicator (an observation matched it), or an alert (a place reported inside
/// a protected asset's corridor): see `crate::detection`.
fn detection_event(row: &ObjectRow, o: &Map<String, Value>) -> Option<StreamEvent> {
    if row.object_type == "note" {
        let a = o
            .get("extensions")?
            .get(entente_stix::extension::ENTENTE_EXTENSION)?
            .get("alert")?;
        let data = json!({
            "asset": a.get("asset_ref"), "incident": a.get("incident_ref"), "object": row.id,
            "distance_m": a.get("distance_m"), "km_post": a.get("km_post"),
            "by": row.label.originator.as_str(),
            "at": o.get("modified").or_else(|| o.get("created")),
        });
        return Some(StreamEvent {
            kind: "alert",
            data: data.to_string(),
        });
    }
    if row.object_type != "sighting" {
        return None;
    }
    let indicator = o
        .get("sighting_of_ref")?
        .as_str()
        .filter(|r| r.starts_with("indicator--"))?;
    let data = json!({
        "indicator": indicator,
        "object": row.id,
        "observed_data": o.get("observed_data_refs").cloned().unwrap_or(Value::Null),
        "by": row.label.originator.as_str(),
        "at": o.get("modified").or_else(|| o.get("created")),
    });
    Some(StreamEvent {
        kind: "sighting",
        data: data.to_string(),
    })
}

/// The event an object makes, if it is one of a workflow's life, and whether it is marked.
fn event_of(row: &ObjectRow) -> Option<(StreamEvent, bool)> {
    let o: Map<String, Value> = serde_json::from_str(&row.json).ok()?;
    if let Some(e) = governance_event(row, &o).or_else(|| detection_event(row, &o)) {
        return Some((e, row.label.marking != Tlp::Clear));
    }
    let (kind, warning) = match row.object_type.as_str() {
        WARNING_TYPE => ("warning", row.id.clone()),
        "sighting" => (
            "hit",
            o.get("sighting_of_ref")?
                .as_str()
                .filter(|r| r.starts_with(WARNING_TYPE))?
                .to_owned(),
        ),
        _ => {
            let kind = match (row.object_type.as_str(), role_of(&o)?) {
                ("opinion", "review") => "review",
                ("note", "acknowledgement") => "acknowledgement",
                ("note", "follow-up") => "follow-up",
                ("note", "reminder") => "reminder",
                _ => return None,
            };
            let warning = o
                .get("object_refs")?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .find(|r| r.starts_with(WARNING_TYPE))?
                .to_owned();
            (kind, warning)
        }
    };
    let mut data = json!({
        "warning": warning,
        "object": row.id,
        "by": row.label.originator.as_str(),
        "at": o.get("modified").or_else(|| o.get("created")),
    });
    if let Some(stage) = o.get("stage") {
        data["stage"] = stage.clone();
    }
    Some((
        StreamEvent {
            kind,
            data: data.to_string(),
        },
        row.label.marking != Tlp::Clear,
    ))
}

/// One connection: what it has been handed and not yet sent.
struct Follower {
    node: Arc<Node>,
    principal: Principal,
    rows: broadcast::Receiver<Arc<Batch>>,
    audits: mpsc::Sender<(AuditRecord, oneshot::Sender<bool>)>,
    queue: VecDeque<StreamEvent>,
    _slot: Slot,
}

impl Follower {
    /// Waits for the next batch of rows and queues the events this principal may see, once
    /// their reading is durably audited. `false` when the stream is to end.
    async fn next_batch(&mut self) -> bool {
        let batch = match self.rows.recv().await {
            Ok(b) => b,
            Err(broadcast::error::RecvError::Lagged(n)) => {
                tracing::info!(principal = %self.principal.name(), behind = n, "an event stream fell behind and is closed; its client reconnects");
                return false;
            }
            Err(broadcast::error::RecvError::Closed) => return false,
        };
        let mut events = Vec::new();
        let mut marked = Vec::new();
        for t in &batch.told {
            if may_see(&self.principal.viewer, &t.label) {
                events.push(StreamEvent {
                    kind: t.kind,
                    data: t.data.clone(),
                });
                if t.label.marking != Tlp::Clear {
                    marked.push(t.object.clone());
                }
            }
        }
        for row in batch.rows.iter() {
            if !may_see(&self.principal.viewer, &row.label) {
                continue;
            }
            if let Some((event, is_marked)) = event_of(row) {
                events.push(event);
                if is_marked {
                    marked.push(format!("{}@{}", row.id, row.version_ns));
                }
            }
        }
        if !marked.is_empty() {
            // What one principal may see of a batch is the same for all its streams: one audit
            // entry for them all, written by whichever asks first.
            let name = self.principal.name();
            let cell = {
                let mut audited = self
                    .node
                    .events
                    .audited
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                let oldest = batch.n.saturating_sub(BEHIND as u64);
                audited.retain(|(n, _), _| *n > oldest);
                audited.entry((batch.n, name.clone())).or_default().clone()
            };
            let audits = self.audits.clone();
            let ts_us = self.node.now_us();
            let ok = cell
                .get_or_init(|| async move {
                    let record = AuditRecord {
                        ts_us,
                        principal: name,
                        action: "read-events".into(),
                        collection: Some(COLLECTION_ID.into()),
                        objects: marked,
                        outcome: "ok".into(),
                        detail: None,
                    };
                    let (tx, rx) = oneshot::channel();
                    audits.send((record, tx)).await.is_ok() && rx.await == Ok(true)
                })
                .await;
            if !*ok {
                // Nothing unaudited is sent.
                return true;
            }
        }
        self.queue.extend(events);
        true
    }
}

/// The stream of events `principal` may see, from now on; refused when a cap is full.
pub fn follow(
    node: &Arc<Node>,
    principal: Principal,
) -> Result<impl Stream<Item = StreamEvent> + Send + 'static, NodeError> {
    let slot = node.events.open(
        principal.name(),
        node.settings.max_streams_per_principal,
        node.settings.max_streams,
    )?;
    let started = node.events.started(|| {
        let (rows, _) = broadcast::channel(BEHIND);
        let (audits, queue) = mpsc::channel(4096);
        // The tasks hold the node weakly: they end when it is dropped.
        let weak = Arc::downgrade(node);
        tokio::spawn(read_loop(weak.clone(), rows.clone(), node.now_us()));
        tokio::spawn(audit_loop(weak, queue));
        Started { rows, audits }
    });
    let follower = Follower {
        rows: started.rows.subscribe(),
        audits: started.audits.clone(),
        node: node.clone(),
        principal,
        queue: VecDeque::new(),
        _slot: slot,
    };
    Ok(futures::stream::unfold(follower, |mut f| async move {
        loop {
            if let Some(e) = f.queue.pop_front() {
                return Some((e, f));
            }
            if !f.next_batch().await {
                return None;
            }
        }
    }))
}
