//! `Tier`: the standing a party holds in the organization.

use crate::error::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Tier {
    Member,
    Observer,
    DialoguePartner,
    Secretariat,
}

impl Tier {
    pub const ALL: [Tier; 4] = [
        Tier::Member,
        Tier::Observer,
        Tier::DialoguePartner,
        Tier::Secretariat,
    ];

    pub fn parse(s: &str) -> Result<Self, CoreError> {
        match s {
            "member" => Ok(Tier::Member),
            "observer" => Ok(Tier::Observer),
            "dialogue-partner" => Ok(Tier::DialoguePartner),
            "secretariat" => Ok(Tier::Secretariat),
            other => Err(CoreError::BadTier(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Member => "member",
            Tier::Observer => "observer",
            Tier::DialoguePartner => "dialogue-partner",
            Tier::Secretariat => "secretariat",
        }
    }
}

impl TryFrom<String> for Tier {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, CoreError> {
        Self::parse(&s)
    }
}

impl From<Tier> for String {
    fn from(t: Tier) -> String {
        t.as_str().to_owned()
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
