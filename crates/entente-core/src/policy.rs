//! The access policy: the one pure function, [`may_see`], that decides whether a principal may see
//! an object. Every read path of every crate calls it; nothing else decides visibility.
//!
//! The rules are those of `DESIGN.md` ("Access policy"): the originating state always sees its own
//! objects; otherwise the object's governing TLP marking and its audience decide.
//!
//! | marking | without an audience | with an audience |
//! |---|---|---|
//! | CLEAR | everyone, the public included | everyone |
//! | GREEN | every participant, all tiers | the states, tiers and users named |
//! | AMBER, AMBER+STRICT | every member state | the states, tiers and users named |
//! | RED | nobody (refused on entry) | the named users only; their states' nodes receive it |
//!
//! A role never widens what a user sees: roles govern what a user may *do*.

use crate::audience::{Audience, UserRef};
use crate::error::CoreError;
use crate::marking::Tlp;
use crate::party::PartyCode;
use crate::tier::Tier;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a user of a node may do. Visibility does not depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Analyst,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Analyst, Role::Supervisor, Role::Admin];

    pub fn parse(s: &str) -> Result<Role, CoreError> {
        match s {
            "analyst" => Ok(Role::Analyst),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            other => Err(CoreError::BadRole(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Analyst => "analyst",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// A user of a node: a person of the node's state (or of the secretariat).
    User {
        user: UserRef,
        tier: Tier,
        role: Role,
    },
    /// A state's node, pulling on behalf of all that state's users.
    Node { party: PartyCode, tier: Tier },
    /// Anyone at all: public export.
    Public,
}

impl Viewer {
    pub fn party(&self) -> Option<&PartyCode> {
        match self {
            Viewer::User { user, .. } => Some(user.party()),
            Viewer::Node { party, .. } => Some(party),
            Viewer::Public => None,
        }
    }

    pub fn tier(&self) -> Option<Tier> {
        match self {
            Viewer::User { tier, .. } | Viewer::Node { tier, .. } => Some(*tier),
            Viewer::Public => None,
        }
    }
}

/// What the policy needs to know of an object: who originated it, its governing marking and its
/// audience. Derived from the signed object, so every node computes the same label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLabel {
    pub originator: PartyCode,
    pub marking: Tlp,
    pub audience: Option<Audience>,
}

impl AccessLabel {
    /// Builds a label, refusing what the policy forbids outright: a RED object naming no user.
    pub fn new(
        originator: PartyCode,
        marking: Tlp,
        audience: Option<Audience>,
    ) -> Result<Self, CoreError> {
        let audience = audience.filter(|a| !a.is_empty());
        if marking == Tlp::Red && audience.as_ref().is_none_or(|a| a.users.is_empty()) {
            return Err(CoreError::RedWithoutUsers);
        }
        Ok(Self {
            originator,
            marking,
            audience,
        })
    }
}

/// Whether `viewer` may see an object labelled `label`. Pure and total.
pub fn may_see(viewer: &Viewer, label: &AccessLabel) -> bool {
    if label.marking == Tlp::Clear {
        return true;
    }
    let (party, tier) = match viewer {
        Viewer::Public => return false,
        Viewer::User { user, tier, .. } => (user.party(), *tier),
        Viewer::Node { party, tier } => (party, *tier),
    };
    if *party == label.originator {
        return true;
    }
    let named_user = |aud: &Audience| match viewer {
        Viewer::User { user, .. } => aud.names_user(user),
        // A node receives what names one of its users, to show it to them alone.
        Viewer::Node { party, .. } => aud.names_a_user_of(party),
        Viewer::Public => false,
    };
    match (label.marking, &label.audience) {
        (Tlp::Clear, _) => true,
        (Tlp::Red, None) => false,
        (Tlp::Red, Some(aud)) => named_user(aud),
        (Tlp::Green, None) => true,
        (Tlp::Amber | Tlp::AmberStrict, None) => tier == Tier::Member,
        (Tlp::Green | Tlp::Amber | Tlp::AmberStrict, Some(aud)) => {
            aud.names_party(party) || aud.names_tier(tier) || named_user(aud)
        }
    }
}

#[cfg(test)]
mod tests;
