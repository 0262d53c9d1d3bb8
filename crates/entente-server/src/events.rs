//! `GET /api/v1/events`: the event streams of `entente_node::events`, written as server-sent
//! events (`event: <kind>`, `data: <json>`), with a comment every 15 seconds so that proxies keep
//! the connection open. Past a stream cap, 503 with `Retry-After`.

use crate::auth::Reader;
use crate::error::ApiError;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::Router;
use entente_node::Node;
use futures::{Stream, StreamExt};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

pub fn routes() -> Router<Arc<Node>> {
    Router::new().route("/api/v1/events", get(events))
}

async fn events(
    State(node): State<Arc<Node>>,
    Reader(principal): Reader,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let stream = entente_node::events::follow(&node, principal)?
        .map(|e| Ok(Event::default().event(e.kind).data(e.data)));
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
