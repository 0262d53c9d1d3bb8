//! The permission a handler needs, in its signature: extractors that read the `Authorization`
//! header and the peer's address and have the application layer authenticate them
//! (`entente_node::auth`). [`Reader`] (any authenticated principal), [`Author`] (a user of this
//! node: may write, as the write policy allows), [`Supervisor`] (a supervisor or admin of this
//! node), [`Admin`] (an admin of this node: sees its security events and metrics), [`Peer`] (a
//! peer state's node).

use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use entente_core::{PartyCode, Role, Viewer};
pub use entente_node::auth::Principal;
use entente_node::Node;
use std::sync::Arc;

/// The address a request came from, as the connection layer recorded it.
fn source_of(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

async fn authenticate(node: &Arc<Node>, parts: &Parts) -> Result<Principal, ApiError> {
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    Ok(entente_node::auth::authenticate(node, authorization, &source_of(parts)).await?)
}

/// Any authenticated principal: may read what the access policy shows it.
pub struct Reader(pub Principal);

/// A user of this node: may post objects, which the node signs as their originator.
pub struct Author(pub Principal);

/// A supervisor or admin of this node: may also delete what the node originated.
pub struct Supervisor(pub Principal);

impl FromRequestParts<Arc<Node>> for Reader {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, node: &Arc<Node>) -> Result<Self, ApiError> {
        authenticate(node, parts).await.map(Reader)
    }
}

impl FromRequestParts<Arc<Node>> for Author {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, node: &Arc<Node>) -> Result<Self, ApiError> {
        let p = authenticate(node, parts).await?;
        match p.role() {
            Some(_) => Ok(Author(p)),
            None => Err(ApiError::Forbidden(
                "peer nodes read this collection; only users of this node may add objects".into(),
            )),
        }
    }
}

impl FromRequestParts<Arc<Node>> for Supervisor {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, node: &Arc<Node>) -> Result<Self, ApiError> {
        let p = authenticate(node, parts).await?;
        match p.role() {
            Some(Role::Supervisor | Role::Admin) => Ok(Supervisor(p)),
            _ => Err(ApiError::Forbidden(
                "this needs a supervisor or admin of this node".into(),
            )),
        }
    }
}

/// An admin of this node.
pub struct Admin(pub Principal);

impl FromRequestParts<Arc<Node>> for Admin {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, node: &Arc<Node>) -> Result<Self, ApiError> {
        let p = authenticate(node, parts).await?;
        match p.role() {
            Some(Role::Admin) => Ok(Admin(p)),
            _ => Err(ApiError::Forbidden(
                "this needs an admin of this node".into(),
            )),
        }
    }
}

/// A peer state's node, authenticated by the token this node issued to it.
pub struct Peer(pub PartyCode);

impl FromRequestParts<Arc<Node>> for Peer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, node: &Arc<Node>) -> Result<Self, ApiError> {
        match authenticate(node, parts).await?.viewer {
            Viewer::Node { party, .. } => Ok(Peer(party)),
            _ => Err(ApiError::Forbidden(
                "only a peer node, with the token this node issued to it, may do this".into(),
            )),
        }
    }
}
