//! Who is asking, and what they may do. Users of the node authenticate with HTTP Basic (name and
//! password, checked against an argon2 hash) or a Bearer token; peer nodes with the Bearer token
//! the node issued to their state. Tokens are stored as SHA-256 hashes: they are 256 random bits,
//! so a slow hash adds nothing. Successful Basic checks are cached for a few minutes, keyed by a
//! hash of the credentials, because argon2 is deliberately slow and clients send Basic on every
//! request.
//!
//! The extractors carry the permission in the handler's signature: [`Reader`] (any authenticated
//! principal), [`Author`] (a user of this node: may post objects the node will originate),
//! [`Supervisor`] (a supervisor or admin of this node: may delete what the node originated),
//! [`Admin`] (an admin of this node: sees its security events), [`Peer`] (a peer state's node).

use crate::error::ApiError;
use crate::node::Node;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD};
use base64::Engine;
use entente_core::{PartyCode, Role, UserRef, Viewer};
use entente_store::TokenSubject;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BASIC_CACHE_TTL: Duration = Duration::from_secs(300);
const BASIC_CACHE_MAX: usize = 10_000;

#[derive(Default)]
pub struct BasicCache(Mutex<HashMap<[u8; 32], (Principal, Instant)>>);

/// An authenticated principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub viewer: Viewer,
}

impl Principal {
    /// How the audit log and status resources name this principal.
    pub fn name(&self) -> String {
        match &self.viewer {
            Viewer::User { user, role, .. } => format!("user:{user}:{role}"),
            Viewer::Node { party, .. } => format!("peer:{party}"),
            Viewer::Public => "public".into(),
        }
    }

    pub fn role(&self) -> Option<Role> {
        match &self.viewer {
            Viewer::User { role, .. } => Some(*role),
            _ => None,
        }
    }
}

pub fn hash_token(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new random secret: 32 bytes, URL-safe base64, with a prefix that says what it is.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand_bytes();
    format!("ent_{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// A new password of 20 letters and digits (about 119 bits).
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes: [u8; 20] = rand_bytes();
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

fn rand_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut out);
    out
}

pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&rand_bytes::<16>()).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn user_principal(node: &Node, name: &str, role: Role) -> Result<Principal, ApiError> {
    let user = UserRef::new(node.party.clone(), name).map_err(|_| ApiError::Unauthenticated)?;
    Ok(Principal {
        viewer: Viewer::User {
            user,
            tier: node.tier,
            role,
        },
    })
}

async fn authenticate(node: &Arc<Node>, parts: &Parts) -> Result<Principal, ApiError> {
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::Unauthenticated)?;
    let (scheme, credentials) = value.split_once(' ').ok_or(ApiError::Unauthenticated)?;
    let credentials = credentials.trim();
    // `ApiKey` is how clients written for yente send their key (see `crate::screening`).
    if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("apikey") {
        let subject = node
            .store
            .token_subject(&hash_token(credentials))
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        return match subject {
            TokenSubject::User(name) => {
                let user = node
                    .store
                    .get_user(&name)
                    .await?
                    .ok_or(ApiError::Unauthenticated)?;
                user_principal(node, &user.name, user.role)
            }
            TokenSubject::Peer(code) => {
                let party = PartyCode::parse(&code).map_err(|_| ApiError::Unauthenticated)?;
                let tier = node
                    .charter
                    .tier_of(&party)
                    .ok_or(ApiError::Unauthenticated)?;
                Ok(Principal {
                    viewer: Viewer::Node {
                        party,
                        tier,
                        holder: node.party.clone(),
                    },
                })
            }
        };
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(ApiError::Unauthenticated);
    }
    let key: [u8; 32] = Sha256::digest(credentials.as_bytes()).into();
    if let Ok(cache) = node.basic_cache.0.lock() {
        if let Some((p, at)) = cache.get(&key) {
            if at.elapsed() < BASIC_CACHE_TTL {
                return Ok(p.clone());
            }
        }
    }
    let decoded = B64
        .decode(credentials)
        .map_err(|_| ApiError::Unauthenticated)?;
    let decoded = String::from_utf8(decoded).map_err(|_| ApiError::Unauthenticated)?;
    let (name, password) = decoded.split_once(':').ok_or(ApiError::Unauthenticated)?;
    let user = node
        .store
        .get_user(name)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let (password, hash) = (password.to_owned(), user.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    if !ok {
        return Err(ApiError::Unauthenticated);
    }
    let principal = user_principal(node, &user.name, user.role)?;
    if let Ok(mut cache) = node.basic_cache.0.lock() {
        if cache.len() >= BASIC_CACHE_MAX {
            cache.retain(|_, (_, at)| at.elapsed() < BASIC_CACHE_TTL);
        }
        if cache.len() < BASIC_CACHE_MAX {
            cache.insert(key, (principal.clone(), Instant::now()));
        }
    }
    Ok(principal)
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
