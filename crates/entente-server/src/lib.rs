//! The HTTP face of an Entente node (axum): TAXII 2.1 under `/taxii2/`, the node's own REST API
//! under `/api/v1/` (the register, screening, joint warnings, event streams, federation) with a
//! yente-compatible `/match/{dataset}` ([`yente`]),
//! health at `/healthz`.
//!
//! Handlers are thin: an extractor establishes who is asking and what they may do
//! ([`auth::Reader`], [`auth::Author`], [`auth::Supervisor`] — the permission is in the signature),
//! the handler reads through `entente_node::read` (which applies the access policy and checks the row MACs of
//! every row) or through `entente_node::ingest`, and errors become TAXII error messages via [`error::ApiError`].

pub mod auth;
pub mod body;
pub mod conn;
pub mod consultations;
pub mod decisions;
pub mod detection;
pub mod error;
pub mod events;
pub mod exercises;
pub mod federation_api;
pub mod media;
pub mod metrics;
pub mod openapi;
pub mod register;
pub mod screening;
pub mod taxii;
pub mod warnings;
pub mod yente;

pub use entente_node::{Node, Settings};

use axum::routing::get;

use axum::Router;
use std::sync::Arc;

/// The web UI (`entente-web`); its catalogues are compiled in and checked by its tests, so a
/// failure to load them is a build's fault: logged, and the node serves its APIs without the UI.
fn web_ui(node: Arc<Node>) -> Router<Arc<Node>> {
    match entente_web::routes(node) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(cause = %e, "the web UI's catalogues do not load; serving without it");
            Router::new()
        }
    }
}

/// The node's whole HTTP interface.
pub fn router(node: Arc<Node>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics::endpoint))
        .merge(taxii::routes())
        .merge(register::routes())
        .merge(screening::routes())
        .merge(yente::routes())
        .merge(federation_api::routes())
        .merge(warnings::routes())
        .merge(decisions::routes())
        .merge(consultations::routes())
        .merge(exercises::routes())
        .merge(detection::routes())
        .merge(events::routes())
        .merge(openapi::routes())
        .merge(web_ui(node.clone()))
        .fallback(|| async { error::ApiError::NotFound })
        .layer(axum::middleware::from_fn(error::json_outside_taxii))
        .layer(axum::middleware::from_fn(metrics::track))
        .with_state(node)
}
