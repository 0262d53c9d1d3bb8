//! TAXII 2.1 endpoints: discovery, the API root, collections, objects (list, add, get, delete),
//! versions, manifest and status. Every read goes through `entente_node::read`, which applies the
//! access policy; what a principal may not see answers exactly as absent (404), and every read
//! that returns anything not TLP:CLEAR is written to the audit log before it is answered.

mod handlers;
pub mod query;

use axum::routing::get;
use axum::Router;
use entente_node::node::Node;
use std::sync::Arc;

pub const API_ROOT: &str = "/taxii2/api/";

pub fn routes() -> Router<Arc<Node>> {
    Router::new()
        .route("/taxii2/", get(handlers::discovery))
        .route("/taxii2/api/", get(handlers::api_root))
        .route("/taxii2/api/collections/", get(handlers::collections))
        .route(
            "/taxii2/api/collections/{collection}/",
            get(handlers::collection),
        )
        .route(
            "/taxii2/api/collections/{collection}/objects/",
            get(handlers::get_objects).post(handlers::add_objects),
        )
        .route(
            "/taxii2/api/collections/{collection}/objects/{object}/",
            get(handlers::get_object).delete(handlers::delete_object),
        )
        .route(
            "/taxii2/api/collections/{collection}/objects/{object}/versions/",
            get(handlers::get_versions),
        )
        .route(
            "/taxii2/api/collections/{collection}/manifest/",
            get(handlers::get_manifest),
        )
        .route("/taxii2/api/status/{status}/", get(handlers::get_status))
        // taxii2-client builds the status URL without the trailing slash.
        .route("/taxii2/api/status/{status}", get(handlers::get_status))
        .layer(axum::extract::DefaultBodyLimit::disable())
}
