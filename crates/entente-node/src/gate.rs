//! What bounds the cost of guessing credentials ([`Gate`], [`AuthLimits`]; see [`crate::auth`]
//! for how a request's credentials are checked under it) and the cache of successful Basic
//! checks ([`BasicCache`]), as the node holds them.

use crate::credentials::{hash_password, new_password, verify_password};
use crate::error::NodeError;
use crate::principal::Principal;
use entente_core::Role;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) const BASIC_CACHE_TTL: Duration = Duration::from_secs(300);
pub(crate) const BASIC_CACHE_MAX: usize = 10_000;

/// A successful Basic check: who, and the stored record it was made against.
#[derive(Clone)]
pub(crate) struct Cached {
    pub(crate) principal: Principal,
    pub(crate) at: Instant,
    pub(crate) role: Role,
    pub(crate) password_hash: String,
}

#[derive(Default)]
pub struct BasicCache(pub(crate) Mutex<HashMap<[u8; 32], Cached>>);

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
    pub(crate) limits: AuthLimits,
    checks: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
    failures: Mutex<HashMap<String, Failures>>,
    stand_in: String,
}

impl Gate {
    pub fn new(limits: AuthLimits) -> Result<Gate, NodeError> {
        Ok(Gate {
            checks: tokio::sync::Semaphore::new(limits.concurrent_checks.max(1)),
            waiting: std::sync::atomic::AtomicUsize::new(0),
            failures: Mutex::new(HashMap::new()),
            stand_in: hash_password(&new_password())?,
            limits,
        })
    }

    /// Refuses with 429 if `key` (a user or a source) has had its most failures this window.
    pub(crate) fn check(&self, key: &str, max: u32, by: &'static str) -> Result<(), NodeError> {
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

    pub(crate) fn failed(&self, keys: &[&str]) {
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

    pub(crate) fn succeeded(&self, user_key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(user_key);
    }

    /// Checks `password` against `hash` (the stand-in when the user is unknown) with a permit,
    /// waiting in a bounded queue.
    pub(crate) async fn verify(
        &self,
        password: String,
        hash: Option<String>,
    ) -> Result<bool, NodeError> {
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
