//! `GET /metrics` and the middleware that counts every request (see `entente_node::metrics` for
//! the registry and what it holds). Routes are named by their pattern
//! (`/taxii2/api/collections/{collection}/objects/`), never by the path asked, so a scan of
//! random paths cannot grow the registry; a path that matches no route counts as `unmatched`.

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use entente_node::Node;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// Counts every request by its route pattern, method and status, with its latency.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    entente_node::metrics::request(
        route,
        method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`: from loopback, or with an admin's credentials.
pub async fn endpoint(
    State(node): State<Arc<Node>>,
    req: Request,
) -> Result<Response, crate::error::ApiError> {
    let loopback = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(peer)| peer.ip().is_loopback());
    if !loopback {
        let (mut parts, _) = req.into_parts();
        let crate::auth::Admin(_) =
            <crate::auth::Admin as axum::extract::FromRequestParts<_>>::from_request_parts(
                &mut parts, &node,
            )
            .await?;
    }
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        entente_node::metrics::render(),
    )
        .into_response())
}
