//! Checking the audit log: its Merkle tree re-derived from the stored entries and every signed
//! tree head checked against it and against the node's key — any entry changed, removed or
//! reordered shows. `entente audit verify` runs it (and then checks every object), and so does the
//! web UI's audit page at an administrator's request.

use crate::error::NodeError;
use crate::node::Node;
use entente_core::audit::{leaf_hash, tree_head_message, Frontier};
use entente_store::TreeHead;
use serde_json::Value;
use std::collections::HashMap;

/// What a check of the log found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LogReport {
    pub entries: u64,
    pub heads: u64,
    pub problems: Vec<String>,
}

/// Whether a tree head is signed by `key` over its size, root and time.
pub fn head_signed(head: &TreeHead, key: &ed25519_dalek::VerifyingKey) -> bool {
    let Ok(sig) = <[u8; 64]>::try_from(head.signature.as_slice()) else {
        return false;
    };
    let Ok(root) = <[u8; 32]>::try_from(head.root.as_slice()) else {
        return false;
    };
    let size = u64::try_from(head.tree_size).unwrap_or_default();
    key.verify_strict(
        &tree_head_message(size, &root, head.ts_us),
        &ed25519_dalek::Signature::from_bytes(&sig),
    )
    .is_ok()
}

/// Re-derives the log's tree and checks every signed tree head.
pub async fn verify_log(node: &Node) -> Result<LogReport, NodeError> {
    let store = node.store.clone();
    let mut report = LogReport::default();
    let heads: HashMap<i64, TreeHead> = store
        .tree_heads()
        .await?
        .into_iter()
        .map(|h| (h.tree_size, h))
        .collect();
    let key = node.signer.verifying_key();
    let mut frontier = Frontier::default();
    let mut expected_seq = 1i64;
    loop {
        let batch = store.audit_entries(expected_seq - 1, 10_000).await?;
        if batch.is_empty() {
            break;
        }
        for e in batch {
            if e.seq != expected_seq {
                report.problems.push(format!(
                    "audit entry {expected_seq} is missing (the next stored entry is {})",
                    e.seq
                ));
                expected_seq = e.seq;
            }
            let leaf = leaf_hash(&e.entry);
            if leaf[..] != e.leaf_hash[..] {
                report.problems.push(format!(
                    "audit entry {} was changed: its content does not match its leaf hash",
                    e.seq
                ));
            }
            let claimed_seq = serde_json::from_slice::<Value>(&e.entry)
                .ok()
                .and_then(|v| v.get(0).and_then(Value::as_i64));
            if claimed_seq != Some(e.seq) {
                report.problems.push(format!(
                    "audit entry {} says it is entry {claimed_seq:?}: entries were moved",
                    e.seq
                ));
            }
            frontier.push(leaf);
            report.entries += 1;
            if let Some(h) = heads.get(&e.seq) {
                report.heads += 1;
                let root = frontier.root();
                if h.root[..] != root[..] {
                    report.problems.push(format!(
                        "the signed tree head at size {} does not match the log: entries up to {} were changed, removed or reordered",
                        h.tree_size, e.seq
                    ));
                }
                if !head_signed(h, &key) {
                    report.problems.push(format!(
                        "the tree head at size {} is not signed by this node's key",
                        h.tree_size
                    ));
                }
            }
            expected_seq += 1;
        }
    }
    if let Some(max_head) = heads.keys().max() {
        if *max_head > expected_seq - 1 {
            report.problems.push(format!(
                "a signed tree head covers {max_head} entries but only {} remain: entries were removed from the end",
                expected_seq - 1
            ));
        }
    }
    Ok(report)
}
