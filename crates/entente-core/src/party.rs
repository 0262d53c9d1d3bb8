//! `PartyCode`: the name of a party of the organization, a state (ISO 3166-1 alpha-2) or the
//! secretariat body (`SECRETARIAT`). Parsing is the only way to get one, so code past the boundary
//! never re-checks it.

use crate::error::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The secretariat's fixed body code.
pub const SECRETARIAT: &str = "SECRETARIAT";

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartyCode(String);

impl PartyCode {
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        let is_state = s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase());
        if is_state || s == SECRETARIAT {
            Ok(Self(s.to_owned()))
        } else {
            Err(CoreError::BadPartyCode(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_secretariat(&self) -> bool {
        self.0 == SECRETARIAT
    }
}

impl TryFrom<String> for PartyCode {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, CoreError> {
        Self::parse(&s)
    }
}

impl From<PartyCode> for String {
    fn from(p: PartyCode) -> String {
        p.0
    }
}

impl fmt::Display for PartyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for PartyCode {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, CoreError> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_states_and_the_secretariat_only() {
        for ok in ["KZ", "CN", "SECRETARIAT"] {
            assert_eq!(PartyCode::parse(ok).unwrap().as_str(), ok);
        }
        for bad in ["", "kz", "K", "KAZ", "K1", "secretariat", "ΚΖ"] {
            assert!(PartyCode::parse(bad).is_err(), "{bad}");
        }
    }
}
