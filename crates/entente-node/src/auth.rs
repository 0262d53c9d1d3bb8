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

use crate::error::NodeError;
use crate::node::Node;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD};
use base64::Engine;
use entente_core::{PartyCode, Role, UserRef, Viewer};
use entente_store::TokenSubject;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const BASIC_CACHE_TTL: Duration = Duration::from_secs(300);
const BASIC_CACHE_MAX: usize = 10_000;

/// A successful Basic check: who, and the stored record it was made against.
#[derive(Clone)]
struct Cached {
    principal: Principal,
    at: Instant,
    role: Role,
    password_hash: String,
}

#[derive(Default)]
pub struct BasicCache(Mutex<HashMap<[u8; 32], Cached>>);

/// How guessing is bounded (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthLimits {
    /// Password checks at once.
    pub concurrent_checks: usize,
    /// Requests waiting for a check; past it, 429 at once.
    pub queued_checks: usize,
    /// Failed attempts a user may have in one window.
    pub failures_per_user: u32,
    /// Failed attempts one source address may have in one window.
    pub failures_per_source: u32,
    /// The window.
    pub window: Duration,
}

impl Default for AuthLimits {
    fn default() -> Self {
        AuthLimits {
            concurrent_checks: std::thread::available_parallelism().map_or(2, usize::from),
            queued_checks: 64,
            failures_per_user: 10,
            failures_per_source: 50,
            window: Duration::from_secs(300),
        }
    }
}

/// The most users and sources whose failures are remembered; past it, the oldest windows go.
const FAILURE_ENTRIES_MAX: usize = 100_000;

/// Failed attempts in the current window of one user or source.
#[derive(Debug, Clone, Copy)]
struct Failures {
    since: Instant,
    count: u32,
}

/// What bounds the cost of guessing: the password-check permits, the failure counts, and the
/// stand-in hash unknown users are checked against.
pub struct Gate {
    limits: AuthLimits,
    checks: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
    failures: Mutex<HashMap<String, Failures>>,
    stand_in: String,
}

impl Gate {
    pub fn new(limits: AuthLimits) -> Result<Gate, String> {
        Ok(Gate {
            checks: tokio::sync::Semaphore::new(limits.concurrent_checks.max(1)),
            waiting: std::sync::atomic::AtomicUsize::new(0),
            failures: Mutex::new(HashMap::new()),
            stand_in: hash_password(&new_password())?,
            limits,
        })
    }

    /// Refuses with 429 if `key` (a user or a source) has had its most failures this window.
    fn check(&self, key: &str, max: u32, by: &'static str) -> Result<(), NodeError> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = map.get(key) {
            let elapsed = f.since.elapsed();
            if elapsed < self.limits.window && f.count >= max {
                crate::metrics::rate_limited(by);
                let left = self.limits.window.saturating_sub(elapsed).as_secs().max(1);
                return Err(NodeError::TooManyRequests {
                    retry_after_secs: left,
                    message: format!(
                        "too many failed sign-ins from this {by}: try again in {left} seconds"
                    ),
                });
            }
        }
        Ok(())
    }

    fn failed(&self, keys: &[&str]) {
        crate::metrics::auth_failed();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= FAILURE_ENTRIES_MAX {
            let window = self.limits.window;
            map.retain(|_, f| f.since.elapsed() < window);
            if map.len() >= FAILURE_ENTRIES_MAX {
                map.clear();
            }
        }
        for key in keys {
            let f = map.entry((*key).to_owned()).or_insert(Failures {
                since: Instant::now(),
                count: 0,
            });
            if f.since.elapsed() >= self.limits.window {
                *f = Failures {
                    since: Instant::now(),
                    count: 0,
                };
            }
            f.count = f.count.saturating_add(1);
        }
    }

    fn succeeded(&self, user_key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(user_key);
    }

    /// Checks `password` against `hash` (the stand-in when the user is unknown) with a permit,
    /// waiting in a bounded queue.
    async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, NodeError> {
        use std::sync::atomic::Ordering;
        let queued = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _left = Decrement(&self.waiting);
        if queued >= self.limits.queued_checks {
            crate::metrics::rate_limited("queue");
            return Err(NodeError::TooManyRequests {
                retry_after_secs: 1,
                message: "too many sign-ins at once: try again in a second".into(),
            });
        }
        let _permit = self
            .checks
            .acquire()
            .await
            .map_err(|e| NodeError::Internal(e.to_string()))?;
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.stand_in.clone());
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| NodeError::Internal(e.to_string()))?;
        Ok(ok && known)
    }
}

struct Decrement<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for Decrement<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

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

fn user_principal(node: &Node, name: &str, role: Role) -> Result<Principal, NodeError> {
    let user = UserRef::new(node.party.clone(), name).map_err(|_| NodeError::Unauthenticated)?;
    Ok(Principal {
        viewer: Viewer::User {
            user,
            tier: node.tier,
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
            node.charter.tier_of(&party).map(|tier| Principal {
                viewer: Viewer::Node {
                    party,
                    tier,
                    holder: node.party.clone(),
                },
            })
        }
    })
}

/// The name the node acts under when it acts on its own (what falls due in a workflow: review
/// reminders); no user may take it.
pub const NODE_USER: &str = "entente-node";

/// The node itself, as the author of what it does on its own.
pub fn node_principal(node: &Node) -> Option<Principal> {
    let user = entente_core::UserRef::new(node.party.clone(), NODE_USER).ok()?;
    Some(Principal {
        viewer: Viewer::User {
            user,
            tier: node.tier,
            role: entente_core::Role::Admin,
        },
    })
}
