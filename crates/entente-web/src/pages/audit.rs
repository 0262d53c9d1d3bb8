//! The audit log as a page (admins: it names who read what), paged from the oldest entry; and
//! [`read`], which records a page's reads of marked data in it, as the API records its own.

use super::extract::Signed;
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
    web.node
        .store
        .append_audit(AuditRecord {
            ts_us: web.node.now_us(),
            principal: s.principal.name(),
            action: action.to_owned(),
            collection: Some(COLLECTION_ID.into()),
            objects: ids,
            outcome: "ok".into(),
            detail: Some("web".into()),
        })
        .await?;
    Ok(())
}

pub struct Entry {
    pub seq: i64,
    pub text: Vec<String>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct Page {
    c: Chrome,
    entries: Vec<Entry>,
    next: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct From {
    after: i64,
}

pub const PAGE: usize = 100;

pub async fn page(State(web): State<Arc<Web>>, s: Signed, Query(f): Query<From>) -> Response {
    if s.role != entente_core::Role::Admin {
        return super::refused(&web, &s, "error-admins-only", None);
    }
    let stored = match web.node.store.audit_entries(f.after.max(0), PAGE).await {
        Ok(e) => e,
        Err(e) => return super::failure(&web, s.lang, e.into()),
    };
    let next = (stored.len() == PAGE).then(|| stored.last().map_or(0, |e| e.seq));
    let entries = stored
        .iter()
        .map(|e| Entry {
            seq: e.seq,
            text: serde_json::from_slice::<Vec<Value>>(&e.entry)
                .unwrap_or_default()
                .into_iter()
                .skip(1)
                .map(|v| match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    v => v.to_string(),
                })
                .collect(),
        })
        .collect();
    let c = Chrome::new(&web, &s, "/audit", "title-audit");
    let page = Page { c, entries, next };
    render(StatusCode::OK, &page, &page.c)
}
