//! Row integrity: a keyed MAC (HMAC-SHA-256) over each stored object's JSON, made when it is
//! stored and checked on every read, so a row changed in the database is caught cheaply on the
//! read path; the full Ed25519 check runs on single-object reads and in `entente audit verify`.

use entente_stix::NodeSigner;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The MAC key, derived from the node's signing key so there is no second secret to keep.
pub fn mac_key(signer: &NodeSigner) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"entente-row-mac-v1");
    h.update(signer.secret_bytes());
    h.finalize().into()
}

pub fn mac(key: &[u8; 32], json: &str) -> Vec<u8> {
    // HMAC takes keys of any length, so this never fails; an empty tag would fail every check.
    match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(json.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

pub fn mac_ok(key: &[u8; 32], json: &str, tag: &[u8]) -> bool {
    match <HmacSha256 as Mac>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(json.as_bytes());
            m.verify_slice(tag).is_ok()
        }
        Err(_) => false,
    }
}
