//! The node's federation endpoints, beside TAXII (which is what peers pull through):
//!
//! - `POST /api/v1/federation/poke` (a peer node, with the token this node issued to it): "I have
//!   something new" — the node pulls from that peer at once instead of at its next poll. The poke
//!   carries nothing; what is pulled is checked as always, so a poke can cost at most one pull.
//! - `GET /api/v1/security-events?after=SEQ&limit=N` (admins): equivocations and objects refused
//!   from peers, oldest first, with `next` to page on.

use crate::auth::{Admin, Peer};
use crate::error::ApiError;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use entente_node::node::Node;
use entente_stix::Timestamp;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// The most security events one page holds.
const MAX_EVENTS: usize = 1000;

pub fn routes() -> Router<Arc<Node>> {
    Router::new()
        .route("/api/v1/federation/poke", post(poke))
        .route("/api/v1/security-events", get(security_events))
}

async fn poke(State(node): State<Arc<Node>>, Peer(party): Peer) -> StatusCode {
    tracing::debug!(%party, "poked");
    entente_node::cluster::poked(&node, &party).await;
    StatusCode::ACCEPTED
}

/// `id@version`, with a version in nanoseconds (as the store names objects) written as a STIX
/// timestamp.
fn readable_object(object: &str) -> String {
    match object.rsplit_once('@') {
        Some((id, ns)) if !ns.is_empty() && ns.bytes().all(|b| b.is_ascii_digit()) => {
            match ns.parse::<i64>() {
                Ok(ns) => format!("{id}@{}", Timestamp::from_nanos(ns).to_stix_string()),
                Err(_) => object.to_owned(),
            }
        }
        _ => object.to_owned(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsQuery {
    after: Option<i64>,
    limit: Option<usize>,
}

async fn security_events(
    State(node): State<Arc<Node>>,
    Admin(_): Admin,
    q: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|e| {
        ApiError::BadRequest(format!(
            "{}: this endpoint takes `after` (a sequence number) and `limit` (1 to {MAX_EVENTS})",
            e.body_text()
        ))
    })?;
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_EVENTS);
    let events = node
        .store
        .security_events(q.after.unwrap_or(0), limit)
        .await?;
    let next = events.last().map(|e| e.seq);
    let events: Vec<_> = events
        .into_iter()
        .map(|e| {
            json!({
                "seq": e.seq,
                "time": Timestamp::from_micros(e.event.ts_us).to_micros_string(),
                "kind": e.event.kind,
                "source": e.event.source,
                "object": e.event.object.as_deref().map(readable_object),
                "detail": e.event.detail,
            })
        })
        .collect();
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        json!({ "events": events, "next": next }).to_string(),
    )
        .into_response())
}
