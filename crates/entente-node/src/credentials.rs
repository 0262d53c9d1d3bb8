//! Credentials: tokens (256 random bits, stored as SHA-256 hashes: a slow hash adds nothing) and
//! passwords (argon2 hashes, deliberately slow; see [`crate::gate`] for what bounds their cost).

use crate::error::NodeError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

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

pub fn hash_password(password: &str) -> Result<String, NodeError> {
    let failed =
        |e: argon2::password_hash::Error| NodeError::Internal(format!("hashing a password: {e}"));
    let salt = SaltString::encode_b64(&rand_bytes::<16>()).map_err(failed)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(failed)
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}
