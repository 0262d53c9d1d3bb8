//! `POST /api/v1/screen`: one name (`{"name": ...}`) or a batch (`{"queries": [...]}`) against
//! the designated entries and the subjects of published warnings the asker may see; the answer
//! has the shape of `entente screen`'s. Every screening request is audited with the entries it
//! returned. The work of a request is bounded ([`check_work`]) and stops when its client goes away.

use crate::auth::{Principal, Reader};
use crate::body::{json_body, json_response};
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use entente_node::node::Node;
use entente_node::screen_index::Indexed;
use entente_node::screening::{check_names, match_json};
use entente_screen::matcher::{Match, PartialDate, Query};
use entente_store::AuditRecord;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The default threshold, the one `entente screen` uses (calibrated on the evaluation set).
pub const DEFAULT_THRESHOLD: f64 = 0.85;
/// The most queries one screening request may hold.
pub const MAX_QUERIES: usize = 10_000;

pub fn routes() -> Router<Arc<Node>> {
    Router::new().route("/api/v1/screen", post(screen))
}

/// One name to screen, with what else is known.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenQuery {
    id: Option<String>,
    name: String,
    birth_date: Option<String>,
    #[serde(default)]
    nationality: Vec<String>,
}

/// The body of `POST /api/v1/screen`: one query, or `queries`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenRequest {
    id: Option<String>,
    name: Option<String>,
    birth_date: Option<String>,
    #[serde(default)]
    nationality: Vec<String>,
    queries: Option<Vec<Value>>,
    threshold: Option<f64>,
    limit: Option<usize>,
}

/// The names of one subject to screen, with their total size in name parts.
pub(crate) type Parsed = Result<(Vec<Query>, usize), String>;

fn query_of(q: ScreenQuery) -> Parsed {
    if entente_core::text::is_blank(&q.name) {
        return Err("`name` is empty or blank".into());
    }
    let size = check_names(std::slice::from_ref(&q.name)).map_err(|e| e.to_string())?;
    let query = Query {
        name: q.name,
        birth_date: q
            .birth_date
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(PartialDate::parse)
            .transpose()
            .map_err(|e| e.to_string())?,
        nationality: q
            .nationality
            .iter()
            .map(|n| n.trim().to_uppercase())
            .collect(),
    };
    Ok((vec![query], size))
}

pub(crate) fn threshold_and_limit(
    threshold: Option<f64>,
    limit: Option<usize>,
) -> Result<(f64, usize), ApiError> {
    let threshold = threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(ApiError::BadRequest(format!(
            "`threshold` must be between 0 and 1, not {threshold}"
        )));
    }
    let limit = limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "`limit` must be between 1 and 100, not {limit}"
        )));
    }
    Ok((threshold, limit))
}

/// Refuses a request whose names together exceed the node's screening work limit.
pub(crate) fn check_work(
    node: &Node,
    queries: &[Parsed],
) -> Result<Vec<Result<Vec<Query>, String>>, ApiError> {
    let total: usize = queries.iter().flatten().map(|(_, size)| size).sum();
    let max = node.settings.max_screening_parts;
    if total > max {
        return Err(ApiError::PayloadTooLarge(format!(
            "the request holds names of {total} parts in all; this node screens at most {max} name parts in one request (split the batch)"
        )));
    }
    Ok(queries
        .iter()
        .map(|q| q.as_ref().map(|(qs, _)| qs.clone()).map_err(Clone::clone))
        .collect())
}

/// Stops the work of a request when the request is dropped (the client went away): screening
/// workers look at it before each query.
struct CancelOnDrop(Arc<std::sync::atomic::AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Screens the queries on the screening pool (see [`entente_node::cpu::screening_pool`]: apart from the
/// pool that prepares objects for storage, so a batch cannot starve ingest), in order. If the
/// request is dropped meanwhile, the queries not yet screened are not.
pub(crate) async fn run_queries(
    node: &Arc<Node>,
    p: &Principal,
    index: Arc<Indexed>,
    queries: Vec<Result<Vec<Query>, String>>,
    cutoff: f64,
    limit: usize,
) -> Result<Vec<Result<Vec<Match>, String>>, ApiError> {
    let viewer = p.viewer.clone();
    let now_ns = node.now_us().saturating_mul(1000);
    let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let _cancel = CancelOnDrop(cancelled.clone());
    entente_node::cpu::run(&node.screening_pool, move || {
        use rayon::prelude::*;
        queries
            .into_par_iter()
            .map(|q| {
                if cancelled.load(std::sync::atomic::Ordering::Relaxed) {
                    return Err("the request was cancelled".to_owned());
                }
                q.map(|names| {
                    // Several names of one subject: the best match per entry over all of them.
                    let mut best: HashMap<usize, Match> = HashMap::new();
                    for q in &names {
                        for m in index.screen(&viewer, q, cutoff, limit, now_ns) {
                            match best.get(&m.entry) {
                                Some(b) if b.score >= m.score => {}
                                _ => {
                                    best.insert(m.entry, m);
                                }
                            }
                        }
                    }
                    let mut all: Vec<Match> = best.into_values().collect();
                    all.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
                    all.truncate(limit);
                    all
                })
            })
            .collect()
    })
    .await
    .map_err(ApiError::from)
}

/// Records who screened how many names and which entries the answer named.
pub(crate) async fn audit_screening(
    node: &Node,
    p: &Principal,
    action: &str,
    index: &Indexed,
    results: &[Result<Vec<Match>, String>],
) -> Result<(), ApiError> {
    let mut named: Vec<String> = results
        .iter()
        .flatten()
        .flatten()
        .filter_map(|m| index.register.entries().get(m.entry).map(|e| e.id.clone()))
        .collect();
    named.sort();
    named.dedup();
    node.store
        .append_audit(AuditRecord {
            ts_us: node.now_us(),
            principal: p.name(),
            action: action.to_owned(),
            collection: None,
            objects: named,
            outcome: "ok".into(),
            detail: Some(format!("{} name(s) screened", results.len())),
        })
        .await?;
    Ok(())
}

async fn screen(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let r: ScreenRequest = json_body(&node, &headers, body).await?;
    let (threshold, limit) = threshold_and_limit(r.threshold, r.limit)?;
    let batch = r.queries.is_some();
    let raw: Vec<Result<ScreenQuery, String>> = match (r.queries, r.name) {
        (Some(_), Some(_)) => {
            return Err(ApiError::BadRequest(
                "give either `name` (one query) or `queries` (a batch), not both".into(),
            ))
        }
        (None, None) => {
            return Err(ApiError::BadRequest(
                "give `name` (one query) or `queries` (a batch)".into(),
            ))
        }
        (None, Some(name)) => vec![Ok(ScreenQuery {
            id: r.id,
            name,
            birth_date: r.birth_date,
            nationality: r.nationality,
        })],
        (Some(qs), None) => {
            if qs.len() > MAX_QUERIES {
                return Err(ApiError::PayloadTooLarge(format!(
                    "{} queries; at most {MAX_QUERIES} per request",
                    qs.len()
                )));
            }
            qs.into_iter()
                .map(|v| serde_json::from_value(v).map_err(|e| e.to_string()))
                .collect()
        }
    };
    let ids: Vec<Option<String>> = raw
        .iter()
        .map(|q| q.as_ref().ok().and_then(|q| q.id.clone()))
        .collect();
    let parsed: Vec<Parsed> = raw.into_iter().map(|q| q.and_then(query_of)).collect();
    if !batch {
        if let Some(Err(e)) = parsed.first() {
            return Err(ApiError::BadRequest(e.clone()));
        }
    }
    let queries = check_work(&node, &parsed)?;
    let index = entente_node::screening::index(&node).await?;
    let results = run_queries(&node, &p, Arc::clone(&index), queries, threshold, limit).await?;
    audit_screening(&node, &p, "screen", &index, &results).await?;
    let answers: Vec<Value> = results
        .iter()
        .zip(ids)
        .enumerate()
        .map(|(i, (r, id))| match r {
            Ok(matches) => json!({
                "id": id,
                "matches": matches.iter().map(|m| {
                    let mut j = match_json(&index.register, m);
                    if let (Some(o), Value::Object(src)) = (j.as_object_mut(), index.source_json(m)) {
                        o.extend(src);
                    }
                    j
                }).collect::<Vec<_>>(),
            }),
            Err(e) => json!({"index": i, "error": e}),
        })
        .collect();
    let body = if batch {
        json!({"results": answers})
    } else {
        answers.into_iter().next().unwrap_or(Value::Null)
    };
    Ok(json_response(StatusCode::OK, &body))
}
