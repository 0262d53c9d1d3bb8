//! `GET /api/v1/events`: a live stream (server-sent events) that tells a connected client, at
//! once, of each new warning version, review, acknowledgement, hit and follow-up it may see.
//!
//! Each connection remembers where it is in the node's objects; whenever the node stores
//! something (`crate::signals`), it reads what was added since, through the read engine (so the
//! access policy decides each object, as for every read), and sends one event per object:
//! `event: warning|review|acknowledgement|hit|follow-up|reminder`, `data: {"warning": id,
//! "object": id, "by": party, "stage": ..., "at": ...}`. What a client may not see is never sent;
//! a stream of marked objects is audited like any read. A comment is sent every 15 seconds so
//! that proxies keep the connection open.

use crate::auth::{Principal, Reader};
use crate::node::{Node, COLLECTION_ID};
use crate::warnings::{role_of, WARNING_TYPE};
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::Router;
use entente_core::Tlp;
use entente_store::read::{self, Query, VersionMatch};
use entente_store::{AuditRecord, ObjectRow};
use futures::Stream;
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

pub fn routes() -> Router<Arc<Node>> {
    Router::new().route("/api/v1/events", get(events))
}

/// One connection's place in the node's objects.
struct Follower {
    node: Arc<Node>,
    principal: Principal,
    stored: watch::Receiver<u64>,
    since_us: i64,
    after: Option<i64>,
    queue: VecDeque<Event>,
}

/// The event an object makes, if it is one of a warning's life.
fn event_of(row: &ObjectRow) -> Option<(Event, bool)> {
    let o: Map<String, Value> = serde_json::from_str(&row.json).ok()?;
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
        Event::default().event(kind).data(data.to_string()),
        row.label.marking != Tlp::Clear,
    ))
}

impl Follower {
    /// Queues an event for each object added since the last read that this client may see.
    async fn read_new(&mut self) {
        let query = Query {
            types: ["x-entente-warning", "opinion", "note", "sighting"]
                .map(str::to_owned)
                .to_vec(),
            versions: VersionMatch::all(),
            added_after_us: Some(self.since_us),
            spec_version_matches: true,
            // Every object of a warning's life names its warning's id.
            json_contains: Some(format!("{WARNING_TYPE}--")),
            ..Default::default()
        };
        loop {
            let page = match read::page(
                self.node.store.as_ref(),
                COLLECTION_ID,
                &self.principal.viewer,
                &query,
                self.after,
                500,
                true,
            )
            .await
            {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(error = %e, "the event stream could not read; it will try at the next change");
                    return;
                }
            };
            let mut audited = Vec::new();
            for row in &page.rows {
                if !crate::integrity::mac_ok(&self.node.mac_key, &row.json, &row.mac) {
                    continue;
                }
                if let Some((event, marked)) = event_of(row) {
                    self.queue.push_back(event);
                    if marked {
                        audited.push(format!("{}@{}", row.id, row.version_ns));
                    }
                }
            }
            if !audited.is_empty() {
                let record = AuditRecord {
                    ts_us: self.node.now_us(),
                    principal: self.principal.name(),
                    action: "read-events".into(),
                    collection: Some(COLLECTION_ID.into()),
                    objects: audited,
                    outcome: "ok".into(),
                    detail: None,
                };
                if let Err(e) = self.node.store.append_audit(record).await {
                    // Nothing unaudited is sent.
                    tracing::error!(error = %e, "auditing an event stream read failed; the events are not sent");
                    self.queue.clear();
                    return;
                }
            }
            self.after = page
                .rows
                .last()
                .map(|r| r.seq)
                .or(page.scanned_to)
                .or(self.after);
            if !page.more {
                return;
            }
        }
    }
}

async fn events(
    State(node): State<Arc<Node>>,
    Reader(principal): Reader,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let follower = Follower {
        stored: node.signals.watch_stored(),
        since_us: node.now_us(),
        node,
        principal,
        after: None,
        queue: VecDeque::new(),
    };
    let stream = futures::stream::unfold((follower, true), |(mut f, first)| async move {
        if !first && f.queue.is_empty() && f.stored.changed().await.is_err() {
            return None;
        }
        loop {
            if let Some(e) = f.queue.pop_front() {
                return Some((Ok(e), (f, false)));
            }
            f.read_new().await;
            if f.queue.is_empty() && f.stored.changed().await.is_err() {
                return None;
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
