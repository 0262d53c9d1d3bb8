//! The STIX crate's errors. Each names the property at fault and what a valid value looks like.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StixError {
    #[error("the object is not a JSON object")]
    NotAnObject,
    #[error("`{property}` is required{context}")]
    Missing { property: String, context: String },
    #[error("`{property}`: {message}")]
    Invalid { property: String, message: String },
    #[error(
        "type `{0}` is not a STIX 2.1 type this node accepts (custom types are named `x-...`)"
    )]
    UnknownType(String),
    #[error("spec_version `{0}` is not supported: this node speaks STIX 2.1")]
    SpecVersion(String),
    #[error("the object has no signature")]
    Unsigned,
    #[error("the signature was made with key `{0}`, which the charter does not know")]
    UnknownKey(String),
    #[error("the signature does not verify: the object was changed after it was signed, or signed by another key")]
    BadSignature,
    #[error("the signature is malformed: {0}")]
    MalformedSignature(String),
    #[error("the object cannot be canonicalized: {0}")]
    Canonical(String),
    #[error("`{0}` is not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.sss]Z, in UTC)")]
    BadTimestamp(String),
    #[error("`{0}` is outside the years 1677 to 2262 this node can store")]
    TimestampOutOfRange(String),
    #[error("`{0}` is not a STIX identifier (`type--uuid`)")]
    BadId(String),
    #[error("`{id}` has an invalid type part `{part}`")]
    BadIdType { id: String, part: String },
    #[error("`{0}` does not end in a lowercase RFC 4122 UUID")]
    BadIdUuid(String),
}

impl StixError {
    pub fn invalid(property: &str, message: impl Into<String>) -> Self {
        StixError::Invalid {
            property: property.to_owned(),
            message: message.into(),
        }
    }

    pub fn missing(property: &str) -> Self {
        StixError::Missing {
            property: property.to_owned(),
            context: String::new(),
        }
    }

    pub fn missing_for(property: &str, ty: &str) -> Self {
        StixError::Missing {
            property: property.to_owned(),
            context: format!(" for a `{ty}`"),
        }
    }
}
