//! `Audience`: whom an object is addressed to — states, tiers and named users — as carried in the
//! project's property extension. `UserRef` names a user of a state's node as `CODE:name`.

use crate::error::CoreError;
use crate::party::PartyCode;
use crate::tier::Tier;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserRef {
    party: PartyCode,
    name: String,
}

impl UserRef {
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        let bad = || CoreError::BadUserRef(s.to_owned());
        let (code, name) = s.split_once(':').ok_or_else(bad)?;
        let party = PartyCode::parse(code).map_err(|_| bad())?;
        if !is_user_name(name) {
            return Err(bad());
        }
        Ok(Self {
            party,
            name: name.to_owned(),
        })
    }

    pub fn new(party: PartyCode, name: &str) -> Result<Self, CoreError> {
        Self::parse(&format!("{party}:{name}"))
    }

    pub fn party(&self) -> &PartyCode {
        &self.party
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A user name: 1 to 64 characters of ASCII letters, digits, `.`, `_` and `-`.
pub fn is_user_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

impl TryFrom<String> for UserRef {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, CoreError> {
        Self::parse(&s)
    }
}

impl From<UserRef> for String {
    fn from(u: UserRef) -> String {
        u.to_string()
    }
}

impl fmt::Display for UserRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.party, self.name)
    }
}

/// Whom an object is addressed to. Each list may be empty; an audience with all three empty is
/// treated as no audience at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<PartyCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<Tier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserRef>,
}

impl Audience {
    pub fn is_empty(&self) -> bool {
        self.states.is_empty() && self.tiers.is_empty() && self.users.is_empty()
    }

    /// Reads an audience from its JSON form, saying what is wrong when it is malformed.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, CoreError> {
        serde_json::from_value(value.clone()).map_err(|e| CoreError::BadAudience(e.to_string()))
    }

    pub fn names_party(&self, party: &PartyCode) -> bool {
        self.states.contains(party)
    }

    pub fn names_tier(&self, tier: Tier) -> bool {
        self.tiers.contains(&tier)
    }

    pub fn names_user(&self, user: &UserRef) -> bool {
        self.users.contains(user)
    }

    pub fn names_a_user_of(&self, party: &PartyCode) -> bool {
        self.users.iter().any(|u| u.party() == party)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_refs() {
        let u = UserRef::parse("KZ:liaison1").unwrap();
        assert_eq!(u.party().as_str(), "KZ");
        assert_eq!(u.name(), "liaison1");
        for bad in ["KZ", "KZ:", ":x", "kz:x", "KZ:a b", "KZ:ä"] {
            assert!(UserRef::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn audience_json_refuses_unknown_fields_and_bad_values() {
        let ok = serde_json::json!({"states": ["KZ"], "tiers": ["observer"], "users": ["CN:a"]});
        assert_eq!(Audience::from_json(&ok).unwrap().states.len(), 1);
        for bad in [
            serde_json::json!({"states": ["kz"]}),
            serde_json::json!({"tiers": ["friend"]}),
            serde_json::json!({"people": []}),
            serde_json::json!([1]),
        ] {
            assert!(Audience::from_json(&bad).is_err(), "{bad}");
        }
    }
}
