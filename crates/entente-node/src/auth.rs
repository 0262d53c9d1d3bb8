//! Who is asking: [`Principal`], and the authentication of the credentials a request carries
//! ([`authenticate`]). Users of the node authenticate with a name and password (HTTP Basic,
//! checked against an argon2 hash) or a token; peer nodes with the token the node issued to their
//! state. The HTTP layer only reads the `Authorization` header and the peer's address, and hands
//! them here. Tokens are stored as SHA-256 hashes: they are 256 random bits,
//! so a slow hash adds nothing. Successful Basic checks are cached for a few minutes, keyed by a
//! hash of the credentials, because argon2 is deliberately slow and clients send Basic on every
//! request; a cached check is good only while the user's stored record (role, password) is the
//! one it was made against, so removing a user or changing their role or password (from the
//! command line, while the node runs) takes effect on the next request.
//!
//! Guessing costs ([`Gate`]): password checks run a few at a time (each takes ~20 MB and ~20 ms;
//! 64 at once once took the node from 206 MB to 1.47 GB), with a bounded queue; an unknown user is
//! checked against a stand-in hash, so it costs what a wrong password costs and users cannot be
//! told apart by timing; and failed attempts are counted per user and per source address over a
//! window, past a limit answering 429 with `Retry-After` before any hash is computed.

use crate::credentials::hash_token;
use crate::error::NodeError;
use crate::gate::{Cached, BASIC_CACHE_MAX, BASIC_CACHE_TTL};
use crate::node::Node;
pub use crate::principal::{Principal, NODE_USER};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use entente_core::{PartyCode, Role, UserRef, Viewer};
use entente_store::TokenSubject;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Instant;

fn user_principal(node: &Node, name: &str, role: Role) -> Result<Principal, NodeError> {
    let user = UserRef::new(node.party.clone(), name).map_err(|_| NodeError::Unauthenticated)?;
    Ok(Principal {
        viewer: Viewer::User {
            user,
            tier: node.tier(),
            role,
        },
    })
}

/// Who the credentials of an `Authorization` header value (`Basic ...`, `Bearer ...`, or `ApiKey
/// ...`) stand for, asked from `source` (the peer's address, for the failure limits).
pub async fn authenticate(
    node: &Arc<Node>,
    authorization: Option<&str>,
    source: &str,
) -> Result<Principal, NodeError> {
    let value = authorization.ok_or(NodeError::Unauthenticated)?;
    let (scheme, credentials) = value.split_once(' ').ok_or(NodeError::Unauthenticated)?;
    let credentials = credentials.trim();
    let gate = &node.gate;
    let source = format!("source:{source}");
    // `ApiKey` is how clients written for yente send their key (see `crate::screening`).
    if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("apikey") {
        gate.check(&source, gate.limits.failures_per_source, "source")?;
        let principal = token_principal(node, credentials).await?;
        if principal.is_none() {
            gate.failed(&[&source]);
        }
        return principal.ok_or(NodeError::Unauthenticated);
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(NodeError::Unauthenticated);
    }
    let key: [u8; 32] = Sha256::digest(credentials.as_bytes()).into();
    let decoded = B64
        .decode(credentials)
        .ok()
        .and_then(|d| String::from_utf8(d).ok())
        .ok_or(NodeError::Unauthenticated)?;
    let (name, password) = decoded.split_once(':').ok_or(NodeError::Unauthenticated)?;
    let user = node.store.get_user(name).await?;
    let cached = node
        .basic_cache
        .0
        .lock()
        .ok()
        .and_then(|c| c.get(&key).cloned());
    if let (Some(c), Some(u)) = (&cached, &user) {
        // Good only while the stored record is the one the check was made against.
        if c.at.elapsed() < BASIC_CACHE_TTL
            && c.role == u.role
            && c.password_hash == u.password_hash
        {
            return Ok(c.principal.clone());
        }
    }
    if cached.is_some() {
        if let Ok(mut cache) = node.basic_cache.0.lock() {
            cache.remove(&key);
        }
    }
    let user_key = format!("user:{name}");
    gate.check(&user_key, gate.limits.failures_per_user, "user")?;
    gate.check(&source, gate.limits.failures_per_source, "source")?;
    let ok = gate
        .verify(
            password.to_owned(),
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await?;
    let Some(user) = user.filter(|_| ok) else {
        gate.failed(&[&user_key, &source]);
        return Err(NodeError::Unauthenticated);
    };
    gate.succeeded(&user_key);
    let principal = user_principal(node, &user.name, user.role)?;
    if let Ok(mut cache) = node.basic_cache.0.lock() {
        if cache.len() >= BASIC_CACHE_MAX {
            cache.retain(|_, c| c.at.elapsed() < BASIC_CACHE_TTL);
        }
        if cache.len() < BASIC_CACHE_MAX {
            cache.insert(
                key,
                Cached {
                    principal: principal.clone(),
                    at: Instant::now(),
                    role: user.role,
                    password_hash: user.password_hash,
                },
            );
        }
    }
    Ok(principal)
}

/// The principal a token stands for, if it is one this node issued and has not revoked.
async fn token_principal(node: &Node, token: &str) -> Result<Option<Principal>, NodeError> {
    let Some(subject) = node.store.token_subject(&hash_token(token)).await? else {
        return Ok(None);
    };
    Ok(match subject {
        TokenSubject::User(name) => match node.store.get_user(&name).await? {
            Some(user) => Some(user_principal(node, &user.name, user.role)?),
            None => None,
        },
        TokenSubject::Peer(code) => {
            let party = PartyCode::parse(&code).map_err(|_| NodeError::Unauthenticated)?;
            node.effective.tier_of(&party).map(|tier| Principal {
                viewer: Viewer::Node {
                    party,
                    tier,
                    holder: node.party.clone(),
                },
            })
        }
    })
}

/// The node itself, as the author of what it does on its own.
pub fn node_principal(node: &Node) -> Option<Principal> {
    let user = entente_core::UserRef::new(node.party.clone(), NODE_USER).ok()?;
    Some(Principal {
        viewer: Viewer::User {
            user,
            tier: node.tier(),
            role: entente_core::Role::Admin,
        },
    })
}
