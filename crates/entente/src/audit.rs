//! `entente audit verify`: re-derives the audit log's Merkle tree from the stored entries and
//! checks every signed tree head against it (any entry changed, removed or reordered shows), then
//! checks every stored object's signature and row MAC (any object changed in the database shows),
//! and that every id's versions have one originator (a database written before the write policy
//! held that rule may hold another state's versions of an object: each such id is reported).

use crate::nodedir::NodeDir;
use anyhow::Result;
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
    // Signatures are checked against the keys of the effective charter (admitted states' too).
    let keys = entente_node::governance::refresh(&node, true).await?;
    let log = entente_node::audit::verify_log(&node).await?;
    let mut report = Report {
        entries: log.entries,
        heads: log.heads,
        objects: 0,
        problems: log.problems,
    };
    let store = node.store.clone();
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
                    match keys.keyring.verify(&o) {
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
