//! The audit log as a page (admins: it names who read what), paged from the oldest entry; and
//! [`read`], which records a page's reads of marked data in it, as the API records its own.

use super::extract::{Posted, Signed};
use super::{render, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use entente_node::node::COLLECTION_ID;
use entente_store::AuditRecord;
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

/// Records that the user read `ids` (nothing when there are none).
pub async fn read(
    web: &Web,
    s: &Signed,
    action: &str,
    ids: Vec<String>,
) -> Result<(), entente_node::NodeError> {
    if ids.is_empty() {
        return Ok(());
    }
    record(web, s, action, Some(COLLECTION_ID), ids, "web").await
}

/// Appends one entry for what the user did or read, in the node's audit log.
pub async fn record(
    web: &Web,
    s: &Signed,
    action: &str,
    collection: Option<&str>,
    objects: Vec<String>,
    detail: &str,
) -> Result<(), entente_node::NodeError> {
    web.node
        .store
        .append_audit(AuditRecord {
            ts_us: web.node.now_us(),
            principal: s.principal.name(),
            action: action.to_owned(),
            collection: collection.map(str::to_owned),
            objects,
            outcome: "ok".into(),
            detail: Some(detail.to_owned()),
        })
        .await?;
    Ok(())
}

pub struct Entry {
    pub seq: i64,
    pub text: Vec<String>,
}

/// The latest signed tree head, as shown.
pub struct Head {
    pub size: i64,
    pub at_us: i64,
    pub root: String,
    pub signed: bool,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct Page {
    c: Chrome,
    entries: Vec<Entry>,
    next: Option<i64>,
    head: Option<Head>,
    who: String,
    action: String,
    /// A check of the whole log, when one was asked for.
    report: Option<entente_node::audit::LogReport>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct From {
    after: i64,
    /// Only entries whose principal contains this.
    who: String,
    /// Only entries of this action.
    action: String,
}

pub const PAGE: usize = 100;
/// The most entries one page reads for its filters before it offers the next page.
pub const MAX_SCAN: usize = 2_000;
/// The most object ids of one entry shown (a TAXII POST's entry names every object it stored).
pub const MAX_IDS: usize = 5;

async fn show(
    web: &Web,
    s: &Signed,
    f: From,
    report: Option<entente_node::audit::LogReport>,
) -> Response {
    if s.role != entente_core::Role::Admin {
        return super::refused(web, s, "error-admins-only", None);
    }
    let store = &web.node.store;
    let mut entries = Vec::new();
    let mut after = f.after.max(0);
    let mut scanned = 0;
    let mut more = false;
    while entries.len() < PAGE && scanned < MAX_SCAN {
        let batch = if f.who.is_empty() && f.action.is_empty() {
            PAGE
        } else {
            500
        };
        let stored = match store.audit_entries(after, batch).await {
            Ok(e) => e,
            Err(e) => return super::failure(web, s.lang, e.into()),
        };
        more = stored.len() == batch;
        scanned += stored.len();
        for e in &stored {
            after = e.seq;
            let text: Vec<String> = serde_json::from_slice::<Vec<Value>>(&e.entry)
                .unwrap_or_default()
                .into_iter()
                .skip(1)
                .map(|v| match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    Value::Array(ids) if ids.len() > MAX_IDS => format!(
                        "{} … (+{})",
                        ids.iter()
                            .take(MAX_IDS)
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", "),
                        ids.len() - MAX_IDS
                    ),
                    v => v.to_string(),
                })
                .collect();
            let matches = (f.who.is_empty() || text.iter().any(|t| t.contains(&f.who)))
                && (f.action.is_empty() || text.contains(&f.action));
            if matches {
                entries.push(Entry { seq: e.seq, text });
                if entries.len() == PAGE {
                    more = true;
                    break;
                }
            }
        }
        if !more {
            break;
        }
    }
    let head = match store.latest_tree_head().await {
        Ok(h) => h.map(|h| Head {
            size: h.tree_size,
            at_us: h.ts_us,
            root: h.root.iter().map(|b| format!("{b:02x}")).collect(),
            signed: entente_node::audit::head_signed(&h, &web.node.signer.verifying_key()),
        }),
        Err(e) => return super::failure(web, s.lang, e.into()),
    };
    let c = Chrome::new(web, s, "/audit", "title-audit");
    let page = Page {
        c,
        entries,
        next: more.then_some(after),
        head,
        who: f.who,
        action: f.action,
        report,
    };
    render(StatusCode::OK, &page, &page.c)
}

pub async fn page(State(web): State<Arc<Web>>, s: Signed, Query(f): Query<From>) -> Response {
    show(&web, &s, f, None).await
}

#[derive(Deserialize)]
pub struct Nothing {}

/// Re-derives the whole log's tree and checks every signed tree head (admins).
pub async fn verify(State(web): State<Arc<Web>>, Posted(s, _): Posted<Nothing>) -> Response {
    if s.role != entente_core::Role::Admin {
        return super::refused(&web, &s, "error-admins-only", None);
    }
    match entente_node::audit::verify_log(&web.node).await {
        Ok(report) => show(&web, &s, From::default(), Some(report)).await,
        Err(e) => super::failure(&web, s.lang, e),
    }
}
