//! `entente audit verify`: re-derives the audit log's Merkle tree from the stored entries and
//! checks every signed tree head against it (any entry changed, removed or reordered shows), then
//! checks every stored object's signature and row MAC (any object changed in the database shows),
//! and that every id's versions have one originator (a database written before the write policy
//! held that rule may hold another state's versions of an object: each such id is reported).

use crate::nodedir::NodeDir;
use anyhow::Result;
use entente_core::audit::{leaf_hash, tree_head_message, Frontier};
use entente_stix::canonical::canonical_json;
use serde_json::{Map, Value};
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Report {
    pub entries: u64,
    pub heads: u64,
    pub objects: u64,
    pub problems: Vec<String>,
}

pub async fn verify(nd: &NodeDir, progress: bool) -> Result<Report> {
    let node = nd.node().await?;
    let store = node.store.clone();
    let mut report = Report::default();
    let heads: HashMap<i64, entente_store::TreeHead> = store
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
                let sig_ok = <[u8; 64]>::try_from(h.signature.as_slice())
                    .map(|s| ed25519_dalek::Signature::from_bytes(&s))
                    .is_ok_and(|s| {
                        let size = u64::try_from(h.tree_size).unwrap_or_default();
                        key.verify_strict(
                            &tree_head_message(
                                size,
                                &h.root.clone().try_into().unwrap_or([0; 32]),
                                h.ts_us,
                            ),
                            &s,
                        )
                        .is_ok()
                    });
                if !sig_ok {
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
    let mac_key = entente_node::integrity::mac_key(&node.signer);
    let total = store.count_objects().await?;
    let bar = progress
        .then(|| crate::progress::bar(u64::try_from(total).unwrap_or(0), "verifying objects"));
    let mut originators: HashMap<String, entente_core::PartyCode> = HashMap::new();
    let mut mixed: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    let mut after = None;
    loop {
        let rows = store.all_objects(after, 5_000).await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.seq);
        for r in &rows {
            report.objects += 1;
            match originators.get(&r.id) {
                Some(first) if *first != r.label.originator => {
                    let states = mixed.entry(r.id.clone()).or_default();
                    states.insert(first.to_string());
                    states.insert(r.label.originator.to_string());
                }
                Some(_) => {}
                None => {
                    originators.insert(r.id.clone(), r.label.originator.clone());
                }
            }
            let what = format!("object {} version {}", r.id, r.version_ns);
            if !entente_node::integrity::mac_ok(&mac_key, &r.json, &r.mac) {
                report.problems.push(format!(
                    "{what} was changed in the database (its MAC does not match)"
                ));
                continue;
            }
            match serde_json::from_str::<Map<String, Value>>(&r.json) {
                Err(e) => report
                    .problems
                    .push(format!("{what} is not valid JSON: {e}")),
                Ok(o) => {
                    match node.keyring.verify(&o) {
                        Ok(p) if p == r.label.originator => {}
                        Ok(p) => report.problems.push(format!(
                            "{what} is signed by {p} but recorded as {}'s",
                            r.label.originator
                        )),
                        Err(e) => report.problems.push(format!("{what}: {e}")),
                    }
                    if canonical_json(&Value::Object(o)).ok().as_deref() != Some(r.json.as_str()) {
                        report
                            .problems
                            .push(format!("{what} is not stored in canonical form"));
                    }
                }
            }
        }
        if let Some(b) = &bar {
            b.inc(u64::try_from(rows.len()).unwrap_or(0));
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for (id, states) in mixed {
        report.problems.push(format!(
            "object {id} has versions originated by more than one state ({}): only the originator issues versions of an object, so all but the first originator's were forged or misattributed",
            states.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(report)
}
