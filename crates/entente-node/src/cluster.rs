//! A node served by several processes on one database (PostgreSQL): what one process learns
//! reaches the others. Each process keeps things of the store in memory — the screening,
//! detection and asset indexes, the effective charter, the event streams' reader, the
//! federation's pushers and pullers — and learns of a change from its own writes. The store
//! carries the others' ([`entente_store::Store::listen`]): a write announces the types it stored
//! in its own transaction, a peer's poke is announced by the process it reached ([`poked`]), and
//! each announcement here does what the same event in this process would have done. A lost
//! channel counts as every kind of change. On SQLite (one process) there is nothing to listen to.

use crate::error::NodeError;
use crate::node::Node;
use entente_core::PartyCode;
use entente_store::{Announcement, Listener};
use std::sync::{Arc, Weak};

/// Starts hearing the other processes on this node's database; whether there can be any.
pub async fn listen(node: &Arc<Node>) -> Result<bool, NodeError> {
    let weak: Weak<Node> = Arc::downgrade(node);
    let listener: Listener = Arc::new(move |announcement| {
        if let Some(node) = weak.upgrade() {
            heard(&node, announcement);
        }
    });
    Ok(node.store.listen(listener).await?)
}

/// What an announcement of another process changes here.
fn heard(node: &Node, announcement: Announcement) {
    match announcement {
        Announcement::Stored(types) => types_changed(node, types.as_deref()),
        Announcement::Resumed => types_changed(node, None),
        Announcement::Poked(party) => {
            if let Ok(party) = PartyCode::parse(&party) {
                node.signals.poke(&party);
            }
        }
    }
}

/// Objects of `types` (`None`: of any type) were stored or deleted: the indexes that hold such
/// objects are rebuilt when next used, and the event streams and the federation look.
pub fn types_changed(node: &Node, types: Option<&[String]>) {
    let any = |f: fn(&str) -> bool| types.is_none_or(|ts| ts.iter().any(|t| f(t)));
    crate::ingest::objects_changed(
        node,
        any(crate::screening::affects_screening),
        any(crate::effective::affects_governance),
        any(crate::detect_index::affects_detection) || any(crate::detect_index::affects_assets),
    );
}

/// A peer poked this process (it has something new): its puller here wakes, and the other
/// processes' pullers too.
pub async fn poked(node: &Node, party: &PartyCode) {
    node.signals.poke(party);
    if let Err(e) = node
        .store
        .announce(Announcement::Poked(party.to_string()))
        .await
    {
        tracing::warn!(error = %e, %party, "could not tell the node's other processes of a poke; their pullers wait for their next poll");
    }
}
