//! Reading objects out, for a principal: the one way the HTTP layer and the workflows read. Each
//! row goes through the access policy (`entente_store::read`, which asks `may_see` about every
//! row) and, when its JSON is read, through the row MAC check — here, once, for every path: a row
//! changed in the database is withheld, logged, and its withholding audited. Raw scans (the
//! screening index, the event streams' reader) stay inside this crate ([`each_intact_row`]).

use crate::auth::Principal;
use crate::error::NodeError;
use crate::node::{Node, COLLECTION_ID};
use entente_core::Tlp;
use entente_store::read::{self, Page, Query};
use entente_store::{AuditRecord, ObjectRow, ScanFilter};
use serde_json::{Map, Value};

/// The visible rows of `query` after `after_seq`, at most `limit`, and whether more follow. With
/// `with_json`, rows whose JSON fails its MAC are withheld (see the module doc).
pub async fn page(
    node: &Node,
    principal: &Principal,
    query: &Query,
    after_seq: Option<i64>,
    limit: usize,
    with_json: bool,
) -> Result<Page, NodeError> {
    let mut page = read::page(
        node.store.as_ref(),
        COLLECTION_ID,
        &principal.viewer,
        query,
        after_seq,
        limit,
        with_json,
    )
    .await?;
    if with_json {
        page.rows = intact(node, principal, std::mem::take(&mut page.rows)).await?;
    }
    Ok(page)
}

/// The versions of `id` the principal may see, in insertion order (metadata only).
pub async fn visible_versions(
    node: &Node,
    principal: &Principal,
    id: &str,
) -> Result<Vec<ObjectRow>, NodeError> {
    Ok(read::visible_versions(node.store.as_ref(), COLLECTION_ID, &principal.viewer, id).await?)
}

/// Keeps the rows whose signature verifies against their originator's key too: the full check,
/// for reads of one object.
pub fn signed_by_originator(node: &Node, rows: Vec<ObjectRow>) -> Vec<ObjectRow> {
    rows.into_iter()
        .filter(|r| {
            let ok = serde_json::from_str::<Map<String, Value>>(&r.json)
                .ok()
                .is_some_and(|o| {
                    node.effective
                        .current()
                        .keyring
                        .verify(&o)
                        .is_ok_and(|signer| signer == r.label.originator)
                });
            if !ok {
                tracing::error!(id = %r.id, "stored object failed its signature check and was withheld");
            }
            ok
        })
        .collect()
}

/// Drops rows whose stored JSON no longer matches its MAC (changed in the database), logging
/// each and auditing their withholding when any is marked.
async fn intact(
    node: &Node,
    principal: &Principal,
    rows: Vec<ObjectRow>,
) -> Result<Vec<ObjectRow>, NodeError> {
    let (good, bad): (Vec<ObjectRow>, Vec<ObjectRow>) = rows
        .into_iter()
        .partition(|r| crate::integrity::mac_ok(&node.mac_key, &r.json, &r.mac));
    if !bad.is_empty() {
        let ids: Vec<String> = bad
            .iter()
            .map(|r| format!("{}@{}", r.id, r.version_ns))
            .collect();
        tracing::error!(objects = ?ids, "stored objects failed their integrity check and were withheld");
        if bad.iter().any(|r| r.label.marking != Tlp::Clear) {
            node.store
                .append_audit(AuditRecord {
                    ts_us: node.now_us(),
                    principal: principal.name(),
                    action: "integrity-failure".into(),
                    collection: Some(COLLECTION_ID.into()),
                    objects: ids,
                    outcome: "withheld".into(),
                    detail: None,
                })
                .await?;
        }
    }
    Ok(good)
}

/// The latest intact version of every object of type `ty` the node holds, in id order, with its
/// label: what `read` makes of that version (`read` sees each newer version as it comes; `None`
/// passes a row over, as if it were not stored). For the node's own indexes (screening,
/// detection), which keep every object whatever its label and filter by the access policy when
/// asked.
pub(crate) async fn latest_of_type<T>(
    node: &Node,
    ty: &str,
    mut read: impl FnMut(&ObjectRow) -> Option<T>,
) -> Result<Vec<(String, T, entente_core::AccessLabel)>, NodeError> {
    let filter = ScanFilter {
        types: vec![ty.to_owned()],
        with_json: true,
        ..ScanFilter::default()
    };
    let mut latest: std::collections::HashMap<String, (i64, T, entente_core::AccessLabel)> =
        std::collections::HashMap::new();
    each_intact_row(node, &filter, |row| {
        if latest
            .get(&row.id)
            .is_some_and(|(v, ..)| *v >= row.version_ns)
        {
            return;
        }
        if let Some(kept) = read(&row) {
            latest.insert(row.id.clone(), (row.version_ns, kept, row.label));
        }
    })
    .await?;
    let mut out: Vec<(String, T, entente_core::AccessLabel)> = latest
        .into_iter()
        .map(|(id, (_, kept, label))| (id, kept, label))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Hands `visit` every stored row `filter` selects, in insertion order, but those whose MAC fails
/// (logged and left out). For the application layer's own indexes (screening), which read every
/// row whatever its label and keep the label, so that each query filters by the access policy.
pub(crate) async fn each_intact_row(
    node: &Node,
    filter: &ScanFilter,
    mut visit: impl FnMut(ObjectRow),
) -> Result<(), NodeError> {
    let mut cursor = None;
    loop {
        let rows = node.store.scan(COLLECTION_ID, filter, cursor, 2000).await?;
        let exhausted = rows.len() < 2000;
        for row in rows {
            cursor = Some(row.seq);
            if !crate::integrity::mac_ok(&node.mac_key, &row.json, &row.mac) {
                tracing::error!(id = %row.id, "a stored object fails its integrity check; left out");
                continue;
            }
            visit(row);
        }
        if exhausted {
            return Ok(());
        }
    }
}

/// A stored row as a part of a thread.
pub fn part_of(row: &entente_store::ObjectRow) -> Option<entente_workflow::Part> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&row.json).ok()?;
    Some(entente_workflow::Part {
        originator: row.label.originator.clone(),
        label: row.label.clone(),
        version_ns: row.version_ns,
        object,
    })
}
