//! Ed25519 signatures over RFC 8785 canonical JSON. A node signs what it originates with
//! [`NodeSigner`]; anyone checks a signature with a [`KeyRing`] built from the charter's keys.
//!
//! The signature covers the canonical JSON of the whole object with the `signature` member taken
//! out of the project extension, and lives in that extension as `{alg, key, value}`.

use crate::canonical::canonical_map;
use crate::error::StixError;
use crate::extension::{entente_extension, entente_extension_mut, ENTENTE_EXTENSION};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use entente_core::PartyCode;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;

/// Names a node key: `<PARTY>:<first 16 hex digits of SHA-256 of the public key>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId(String);

impl KeyId {
    pub fn of(party: &PartyCode, key: &VerifyingKey) -> KeyId {
        let digest = Sha256::digest(key.as_bytes());
        KeyId(format!("{party}:{}", hex::encode(&digest[..8])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A node's signing key. Its `Debug` never shows the secret.
pub struct NodeSigner {
    party: PartyCode,
    key: SigningKey,
    key_id: KeyId,
}

impl fmt::Debug for NodeSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeSigner")
            .field("party", &self.party)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl NodeSigner {
    pub fn new(party: PartyCode, key: SigningKey) -> NodeSigner {
        let key_id = KeyId::of(&party, &key.verifying_key());
        NodeSigner { party, key, key_id }
    }

    pub fn generate(party: PartyCode) -> NodeSigner {
        NodeSigner::new(party, SigningKey::generate(&mut rand::rngs::OsRng))
    }

    pub fn party(&self) -> &PartyCode {
        &self.party
    }

    pub fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    pub fn secret_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    pub fn sign_bytes(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }

    /// Signs `obj` in place, replacing any signature it had, and returns its canonical JSON.
    pub fn sign_object(&self, obj: &mut Map<String, Value>) -> Result<String, StixError> {
        let ext = entente_extension_mut(obj)
            .ok_or_else(|| StixError::invalid("extensions", "must be an object"))?;
        ext.remove("signature");
        let unsigned = canonical_map(obj)?;
        let sig = self.key.sign(unsigned.as_bytes());
        let ext = entente_extension_mut(obj)
            .ok_or_else(|| StixError::invalid("extensions", "must be an object"))?;
        ext.insert(
            "signature".into(),
            json!({"alg": "ed25519", "key": self.key_id.as_str(), "value": B64.encode(sig.to_bytes())}),
        );
        canonical_map(obj)
    }
}

/// The keys a node trusts: each party's node key from the charter, and its own.
#[derive(Debug, Clone, Default)]
pub struct KeyRing {
    keys: HashMap<String, (PartyCode, VerifyingKey)>,
}

impl KeyRing {
    pub fn add(&mut self, party: PartyCode, key: VerifyingKey) {
        self.keys
            .insert(KeyId::of(&party, &key).as_str().to_owned(), (party, key));
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Checks the object's signature and returns the party that signed it.
    pub fn verify(&self, obj: &Map<String, Value>) -> Result<PartyCode, StixError> {
        let sig = entente_extension(obj)
            .and_then(|e| e.get("signature"))
            .ok_or(StixError::Unsigned)?;
        let sig = sig
            .as_object()
            .ok_or_else(|| StixError::MalformedSignature("`signature` must be an object".into()))?;
        let field = |name: &str| {
            sig.get(name).and_then(Value::as_str).ok_or_else(|| {
                StixError::MalformedSignature(format!("`signature.{name}` must be a string"))
            })
        };
        if field("alg")? != "ed25519" {
            return Err(StixError::MalformedSignature(
                "`signature.alg` must be `ed25519`".into(),
            ));
        }
        let key_id = field("key")?;
        let (party, key) = self
            .keys
            .get(key_id)
            .ok_or_else(|| StixError::UnknownKey(key_id.to_owned()))?;
        let bytes = B64.decode(field("value")?).map_err(|e| {
            StixError::MalformedSignature(format!("`signature.value` is not base64: {e}"))
        })?;
        let bytes: [u8; 64] = bytes.try_into().map_err(|_| {
            StixError::MalformedSignature("an Ed25519 signature has 64 bytes".into())
        })?;
        let mut unsigned = obj.clone();
        if let Some(ext) = unsigned
            .get_mut("extensions")
            .and_then(Value::as_object_mut)
            .and_then(|e| e.get_mut(ENTENTE_EXTENSION))
            .and_then(Value::as_object_mut)
        {
            ext.remove("signature");
        }
        let message = canonical_map(&unsigned)?;
        key.verify_strict(
            message.as_bytes(),
            &ed25519_dalek::Signature::from_bytes(&bytes),
        )
        .map_err(|_| StixError::BadSignature)?;
        Ok(party.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object() -> Map<String, Value> {
        json!({"type": "identity", "spec_version": "2.1", "id": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
               "created": "2015-12-21T19:59:11.000Z", "modified": "2015-12-21T19:59:11.000Z", "name": "Алматы 阿拉木图"})
        .as_object()
        .unwrap()
        .clone()
    }

    #[test]
    fn sign_then_verify_and_detect_any_change() {
        let kz = PartyCode::parse("KZ").unwrap();
        let signer = NodeSigner::new(kz.clone(), SigningKey::from_bytes(&[1; 32]));
        let mut ring = KeyRing::default();
        ring.add(kz.clone(), signer.verifying_key());
        let mut obj = object();
        let canonical = signer.sign_object(&mut obj).unwrap();
        assert_eq!(ring.verify(&obj).unwrap(), kz);
        let reparsed: Map<String, Value> = serde_json::from_str(&canonical).unwrap();
        assert_eq!(ring.verify(&reparsed).unwrap(), kz);
        // Signing is deterministic: the same object signs to the same bytes.
        let mut again = object();
        assert_eq!(signer.sign_object(&mut again).unwrap(), canonical);

        let mut changed = obj.clone();
        changed.insert("name".into(), json!("Astana"));
        assert_eq!(ring.verify(&changed), Err(StixError::BadSignature));

        let other = NodeSigner::new(
            PartyCode::parse("CN").unwrap(),
            SigningKey::from_bytes(&[2; 32]),
        );
        let mut foreign = object();
        other.sign_object(&mut foreign).unwrap();
        assert!(matches!(
            ring.verify(&foreign),
            Err(StixError::UnknownKey(_))
        ));
        assert_eq!(ring.verify(&object()), Err(StixError::Unsigned));
    }
}
