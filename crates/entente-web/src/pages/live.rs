//! Live updates for the pages: the node's event stream (`entente_node::events`), for the signed-in
//! user, as server-sent events; the page's script reloads the part that changed.

use super::extract::Signed;
use crate::Web;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

pub async fn events(State(web): State<Arc<Web>>, s: Signed) -> Response {
    match entente_node::events::follow(&web.node, s.principal.clone()) {
        Ok(stream) => {
            let stream =
                stream.map(|e| Ok::<_, Infallible>(Event::default().event(e.kind).data(e.data)));
            Sse::new(stream)
                .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
                .into_response()
        }
        Err(e) => super::failure(&web, s.lang, e),
    }
}
