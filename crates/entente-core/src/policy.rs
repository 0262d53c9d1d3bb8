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
//!
//! A peer node pulling from this one ([`Viewer::Node`]) is a replication feed, not a reader, and
//! three more rules decide what it receives:
//! - only the originator's node and the hub (the secretariat's node) pass an object on: a state
//!   that received an object never relays it (AMBER's "no onward relay by recipients", applied to
//!   every marking so that each object reaches each node once, by one path);
//! - a node is never sent what its own state originated: it holds it already;
//! - the hub receives, to relay, every object addressed to anyone beyond its originator, and its
//!   own users still see only what names the secretariat or its tier (the rows above).

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
    /// A state's node pulling from the node of `holder`, on behalf of all that state's users
    /// (or, for the hub, to relay).
    Node {
        party: PartyCode,
        tier: Tier,
        holder: PartyCode,
    },
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

/// Whether `viewer` may see an object labelled `label` (for a peer node: whether it is sent the
/// object). Pure and total.
pub fn may_see(viewer: &Viewer, label: &AccessLabel) -> bool {
    match viewer {
        Viewer::Public => label.marking == Tlp::Clear,
        Viewer::User { user, tier, .. } => addressed_to(user.party(), *tier, Some(user), label),
        Viewer::Node {
            party,
            tier,
            holder,
        } => {
            if *party == label.originator {
                return false;
            }
            if *holder != label.originator && !holder.is_secretariat() {
                return false;
            }
            if party.is_secretariat() && reaches_beyond_originator(label) {
                return true;
            }
            addressed_to(party, *tier, None, label)
        }
    }
}

/// Whether the marking and audience let a principal of `party` and `tier` see the object: `user`
/// is the user asking, or `None` for the party's node, which receives what names any of its
/// users, to show it to them alone.
fn addressed_to(
    party: &PartyCode,
    tier: Tier,
    user: Option<&UserRef>,
    label: &AccessLabel,
) -> bool {
    if label.marking == Tlp::Clear || *party == label.originator {
        return true;
    }
    let named_user = |aud: &Audience| match user {
        Some(user) => aud.names_user(user),
        None => aud.names_a_user_of(party),
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

/// Whether anyone beyond the originating state is addressed: what the hub must receive to relay.
/// A named tier counts even if only the originator holds it; the hub then holds an object no one
/// pulls, which costs space, not secrecy.
fn reaches_beyond_originator(label: &AccessLabel) -> bool {
    let other = |p: &PartyCode| *p != label.originator;
    match (label.marking, &label.audience) {
        (Tlp::Clear, _) => true,
        (Tlp::Red, None) => false,
        (_, None) => true,
        (Tlp::Red, Some(aud)) => aud.users.iter().any(|u| other(u.party())),
        (_, Some(aud)) => {
            aud.states.iter().any(other)
                || !aud.tiers.is_empty()
                || aud.users.iter().any(|u| other(u.party()))
        }
    }
}

#[cfg(test)]
mod tests;
