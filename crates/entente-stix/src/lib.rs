//! STIX 2.1 as Entente needs it: identifiers and timestamps that can only hold valid values,
//! validation of every object a node receives, RFC 8785 canonical JSON, and the Ed25519
//! signatures each node puts on what it originates (in the project's property extension).
//!
//! Objects stay `serde_json` maps: the node stores and serves them whole, and a typed model of all
//! STIX types would only be a second copy to keep in step. What the node needs of an object —
//! id, version, marking, audience, originator — is read out once, here, into [`ValidObject`].

pub mod canonical;
pub mod error;
pub mod extension;
pub mod id;
pub mod identity;
pub mod json;
pub mod sign;
pub mod timestamp;
pub mod validate;

pub use error::StixError;
pub use id::StixId;
pub use sign::{KeyId, KeyRing, NodeSigner};
pub use timestamp::Timestamp;
pub use validate::{validate, ValidObject};

/// The media type of STIX 2.1 content.
pub const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";
