//! `/api/v1/register`: the register of designated persons and organizations
//! ([`entente_node::screening`] describes the `x-entente-register-entry` object):
//!
//! - `POST /api/v1/register`: designate a person or organization (supervisors), or propose one
//!   (`"status": "proposed"`, any user) — a new entry, signed by this node;
//! - `GET /api/v1/register/{id}`: the latest version of an entry the asker may see;
//! - `POST /api/v1/register/{id}/delist` (supervisors): a new version with `status: delisted`.
//!
//! The steps are `entente_node::register`'s (the web UI takes the same); who may designate,
//! delist or propose is the write policy's (`entente_core::may_write`), the same over TAXII: an
//! analyst can no more designate an entry by posting it there.

use crate::auth::{Author, Reader};
use crate::body::{json_body, json_response};
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use entente_node::node::Node;
use entente_node::register::{self, NewEntry};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Node>> {
    Router::new()
        .route("/api/v1/register", post(create_entry))
        .route("/api/v1/register/{id}", get(get_entry))
        .route("/api/v1/register/{id}/delist", post(delist_entry))
}

async fn create_entry(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let e: NewEntry = json_body(&node, &headers, body).await?;
    let s = register::designate(&node, &p, e).await?;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({"id": s.id, "modified": s.version, "status": s.status}),
    ))
}

async fn get_entry(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (entry, _) = register::latest(&node, &p, &id).await?;
    Ok(json_response(StatusCode::OK, &entry))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Delisting {
    reason: Option<String>,
}

async fn delist_entry(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let delisting: Delisting = if headers.contains_key(header::CONTENT_TYPE) {
        json_body(&node, &headers, body).await?
    } else {
        Delisting::default()
    };
    let s = register::delist(&node, &p, &id, delisting.reason).await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({"id": s.id, "modified": s.version, "status": s.status}),
    ))
}
