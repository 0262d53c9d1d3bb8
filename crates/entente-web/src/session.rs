//! Signing in to the UI: sessions, their cookie, CSRF tokens (the extractors that use them are
//! `pages::extract`).
//!
//! A password is checked by the application layer exactly as the API checks HTTP Basic
//! (`entente_node::auth::authenticate`): the same bounded checks, the same failure limits per user
//! and per source, the same cost for an unknown user. A session is 256 random bits in a
//! `__Host-` cookie (`Secure`, `HttpOnly`, `SameSite=Strict`, `Path=/`); the node keeps only its
//! SHA-256, with an idle limit and an absolute one, and at most [`MAX_SESSIONS`] (the oldest go
//! first). On every request the user's stored record is read again: removing a user or changing
//! their role ends their sessions at once. Sessions live in the process: a restart signs everyone
//! out (a known limit, in docs/ui.md).
//!
//! Every form carries the session's CSRF token, checked in constant time before the form is
//! read further; the sign-in form, which has no session yet, carries a token bound to a cookie of
//! its own (double submit).

use crate::i18n::Lang;
use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use entente_node::auth::Principal;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "__Host-entente";
pub const PRE_COOKIE: &str = "__Host-entente-pre";
pub const LANG_COOKIE: &str = "__Host-entente-lang";

/// A session ends after this long without a request...
pub const IDLE: Duration = Duration::from_secs(60 * 60);
/// ...and this long after sign-in in any case.
pub const ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);
/// The most sessions a node keeps; past it, the least recently used ends.
pub const MAX_SESSIONS: usize = 10_000;

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    B64.encode(bytes)
}

fn key_of(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Equal, in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A signed-in user's session, as the node keeps it.
#[derive(Clone)]
pub struct Session {
    pub principal: Principal,
    pub user: String,
    pub role: entente_core::Role,
    pub csrf: String,
    created: Instant,
    seen: Instant,
}

#[derive(Default)]
pub struct Sessions(Mutex<HashMap<[u8; 32], Session>>);

impl Sessions {
    /// Opens a session for a principal that just signed in; answers its cookie token.
    pub fn open(&self, principal: Principal, user: &str, role: entente_core::Role) -> String {
        let token = random_token();
        let now = Instant::now();
        let session = Session {
            principal,
            user: user.to_owned(),
            role,
            csrf: random_token(),
            created: now,
            seen: now,
        };
        if let Ok(mut map) = self.0.lock() {
            map.retain(|_, s| alive(s, now));
            if map.len() >= MAX_SESSIONS {
                if let Some(oldest) = map.iter().min_by_key(|(_, s)| s.seen).map(|(k, _)| *k) {
                    map.remove(&oldest);
                }
            }
            map.insert(key_of(&token), session);
        }
        token
    }

    /// The live session of a cookie token (its last use now), if any.
    pub fn get(&self, token: &str) -> Option<Session> {
        let now = Instant::now();
        let mut map = self.0.lock().ok()?;
        let key = key_of(token);
        let s = map.get_mut(&key)?;
        if !alive(s, now) {
            map.remove(&key);
            return None;
        }
        s.seen = now;
        Some(s.clone())
    }

    pub fn close(&self, token: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(&key_of(token));
        }
    }
}

fn alive(s: &Session, now: Instant) -> bool {
    now.duration_since(s.seen) < IDLE && now.duration_since(s.created) < ABSOLUTE
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

/// A `Set-Cookie` value for a `__Host-` cookie: secure, HTTP only, same-site strict.
pub fn set_cookie(name: &str, value: &str, max_age: Option<Duration>) -> HeaderValue {
    let age = max_age.map_or(String::new(), |d| format!("; Max-Age={}", d.as_secs()));
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Secure; HttpOnly; SameSite=Strict{age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The address a request came from, for the failure limits.
pub fn source_of(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// The language of a request: the user's choice (a cookie), then `Accept-Language`, then English.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::negotiate)
        })
        .unwrap_or(Lang::En)
}

/// Whether `path` is a path of this site (no scheme, no host: no open redirect).
pub fn local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

/// Reads a form body (`application/x-www-form-urlencoded`).
pub fn serde_urlencoded_from<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    serde_urlencoded::from_bytes(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-entente=tok; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert!(local_path("/warnings?x=1"));
        for p in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil",
            "evil",
        ] {
            assert!(!local_path(p), "{p}");
        }
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
