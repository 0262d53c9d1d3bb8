//! `next` tokens: opaque, and good only for the principal and the query they were issued to.
//!
//! A page of objects ends at a row of the node's table; the next page starts after it. Handing
//! out that row's sequence number would tell a reader how many rows — objects it may not see —
//! lie between the visible ones it was given, and would let it start anywhere. So the position is
//! sealed: ChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`) with a key derived from the node's
//! key, a random nonce, and the principal and the query (the endpoint and its filters, not `limit`
//! or `next`) as associated data. A token opened by another principal, for another query, or
//! altered in any way is refused as one this node did not issue; it reveals nothing of the
//! position it holds.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use entente_stix::NodeSigner;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub struct Pager {
    cipher: ChaCha20Poly1305,
}

impl Pager {
    pub fn new(signer: &NodeSigner) -> Pager {
        let mut h = Sha256::new();
        h.update(b"entente-next-token-v1");
        h.update(signer.secret_bytes());
        let key: [u8; 32] = h.finalize().into();
        Pager {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
        }
    }

    /// The token for "after row `seq`" of `scope`, for `principal`.
    pub fn seal(&self, principal: &str, scope: &str, seq: i64) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = associated(principal, scope);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &seq.to_be_bytes(),
                    aad: &aad,
                },
            )
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(out)
    }

    /// The row a token stands for, if this node issued it to `principal` for `scope`.
    pub fn open(&self, principal: &str, scope: &str, token: &str) -> Option<i64> {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let bytes = URL_SAFE_NO_PAD.decode(token).ok()?;
        if bytes.len() != 12 + 8 + 16 {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(12);
        let aad = associated(principal, scope);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .ok()?;
        let seq = i64::from_be_bytes(plain.try_into().ok()?);
        (seq > 0).then_some(seq)
    }
}

fn associated(principal: &str, scope: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(principal.len() + scope.len() + 1);
    aad.extend_from_slice(principal.as_bytes());
    aad.push(0);
    aad.extend_from_slice(scope.as_bytes());
    aad
}

/// What a token is bound to: the endpoint and the query's filters, in a canonical order, without
/// `limit` (a client may change its page size) or `next`.
pub fn scope(endpoint: &str, raw: Option<&str>) -> String {
    let mut params: Vec<(String, String)> =
        url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .filter(|(k, _)| k != "next" && k != "limit")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    params.sort();
    let mut out = endpoint.to_owned();
    for (k, v) in params {
        out.push('\n');
        out.push_str(&k);
        out.push('=');
        out.push_str(&v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pager() -> Pager {
        Pager::new(&NodeSigner::generate(
            entente_core::PartyCode::parse("KZ").unwrap(),
        ))
    }

    #[test]
    fn tokens_are_opaque_and_bound_to_principal_and_query() {
        let p = pager();
        let scope = scope(
            "objects",
            Some("match[type]=indicator&limit=10&added_after=x"),
        );
        let t = p.seal("user:KZ:a:analyst", &scope, 42);
        assert_eq!(p.open("user:KZ:a:analyst", &scope, &t), Some(42));
        // Page size may change; nothing else may.
        let same = super::scope(
            "objects",
            Some("added_after=x&match[type]=indicator&limit=99"),
        );
        assert_eq!(p.open("user:KZ:a:analyst", &same, &t), Some(42));
        assert_eq!(p.open("peer:CN", &scope, &t), None);
        let other = super::scope("objects", Some("match[type]=note&added_after=x"));
        assert_eq!(p.open("user:KZ:a:analyst", &other, &t), None);
        assert_eq!(
            p.open(
                "user:KZ:a:analyst",
                &super::scope("manifest", Some("match[type]=indicator&added_after=x")),
                &t
            ),
            None
        );
        // Another node's tokens, altered tokens, and the old `s<seq>` form are refused.
        assert_eq!(pager().open("user:KZ:a:analyst", &scope, &t), None);
        let mut altered = t.clone().into_bytes();
        altered[20] = if altered[20] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            p.open(
                "user:KZ:a:analyst",
                &scope,
                &String::from_utf8(altered).unwrap()
            ),
            None
        );
        assert_eq!(p.open("user:KZ:a:analyst", &scope, "s42"), None);
        // The same position sealed twice gives two tokens: nothing in them counts rows.
        let t2 = p.seal("user:KZ:a:analyst", &scope, 42);
        assert_ne!(t, t2);
        // The position is not in the token in the clear (a test on the token's text, `"42"`, failed
        // by chance about once in eighty runs: base64 of random bytes holds any two digits often).
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let bytes = URL_SAFE_NO_PAD.decode(&t).unwrap();
        assert!(!bytes.windows(8).any(|w| w == 42i64.to_be_bytes()));
    }
}
