//! `/api/v1/assets`, `/api/v1/alerts`, `/api/v1/sightings`, `/api/v1/observations`,
//! `/api/v1/places`: what detection holds, as the asker may see it
//! (`entente_node::detection::view`): the protected assets with their geometry and corridor, the
//! alerts raised by places reported inside a corridor (distance, closest point, kilometre post,
//! where the incident was), the sightings of indicators (an observation matched them), the
//! observations (when, how often, of what), and the places (locations with coordinates). Written objects come in
//! through TAXII like every other (observed-data and locations are matched and checked there).
//!
//! | request | who |
//! |---|---|
//! | `GET /api/v1/assets`, `/alerts`, `/sightings`, `/observations`, `/places` | anyone, each object as its marking allows |

use crate::auth::Reader;
use crate::body::json_response;
use crate::error::ApiError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use entente_node::node::Node;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Node>> {
    Router::new()
        .route("/api/v1/assets", get(assets))
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/sightings", get(sightings))
        .route("/api/v1/observations", get(observations))
        .route("/api/v1/places", get(places))
}

async fn list(
    node: &Arc<Node>,
    p: &crate::auth::Principal,
    what: &str,
) -> Result<Response, ApiError> {
    let view = entente_node::detection::view(node, p, what)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(json_response(StatusCode::OK, &view))
}

async fn assets(State(node): State<Arc<Node>>, Reader(p): Reader) -> Result<Response, ApiError> {
    list(&node, &p, "assets").await
}

async fn alerts(State(node): State<Arc<Node>>, Reader(p): Reader) -> Result<Response, ApiError> {
    list(&node, &p, "alerts").await
}

async fn observations(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
) -> Result<Response, ApiError> {
    list(&node, &p, "observations").await
}

async fn places(State(node): State<Arc<Node>>, Reader(p): Reader) -> Result<Response, ApiError> {
    list(&node, &p, "places").await
}

async fn sightings(State(node): State<Arc<Node>>, Reader(p): Reader) -> Result<Response, ApiError> {
    list(&node, &p, "sightings").await
}
