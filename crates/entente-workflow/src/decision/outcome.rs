//! The outcome of a decision derived from its terms, its signed ballots and the clock alone, so
//! that every node holding the same ballots shows the same outcome whatever order they arrived in.
//!
//! Procedures, as the SCO Charter (Art. 16) and the silence procedure of the EU Council and the UN
//! General Assembly define them:
//! - [`Procedure::Consensus`]: adopted when every member state has answered and none objects
//!   (`approve` and `abstain` do not block); rejected as soon as one objects; lapsed at the
//!   deadline otherwise;
//! - [`Procedure::Silence`]: adopted at the deadline unless a member breaks silence (objects)
//!   before it, which rejects it at once; the period is at least the charter's minimum;
//! - [`Procedure::ConsensusMinusOne`] (suspending a state): as consensus, but the state concerned
//!   neither blocks nor is waited for.
//!
//! Only member states vote, each by a ballot its own node signed; a state may replace its ballot
//! until the decision closes (the latest counts), and a ballot may carry a statement of position
//! that does not block. A ballot from a non-member, signed by another state, cast before the
//! decision opened or once it closed is refused with its reason ([`BallotRefusal`]) and counts for
//! nothing. A withdrawal by the proposer closes an open decision as withdrawn.

#[cfg(test)]
#[path = "outcome_tests.rs"]
mod tests;

use entente_core::PartyCode;
use std::collections::BTreeMap;

/// How a decision is taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Procedure {
    Consensus,
    Silence,
    /// Suspending `concerned`: it does not block and is not waited for.
    ConsensusMinusOne {
        concerned: PartyCode,
    },
}

/// What a member state answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Vote {
    Approve,
    Abstain,
    Object,
}

impl Vote {
    pub fn parse(s: &str) -> Result<Vote, crate::Invalid> {
        match s {
            "approve" => Ok(Vote::Approve),
            "abstain" => Ok(Vote::Abstain),
            "object" => Ok(Vote::Object),
            other => Err(crate::Invalid(format!(
                "`vote` must be `approve`, `abstain` or `object`, not `{other}`"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Approve => "approve",
            Vote::Abstain => "abstain",
            Vote::Object => "object",
        }
    }
}

/// One ballot as held: the state it is for, the state whose node signed it (checked against the
/// node keys before it gets here), its vote and when it was cast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    pub state: PartyCode,
    pub signer: PartyCode,
    pub vote: Vote,
    /// When it was cast (its `created`), in nanoseconds.
    pub cast_ns: i64,
}

/// What a decision was opened with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub procedure: Procedure,
    pub opened_ns: i64,
    pub deadline_ns: i64,
    /// The member states when it opened (from the effective charter): who votes.
    pub members: Vec<PartyCode>,
    /// When the proposer withdrew it, if it did.
    pub withdrawn_ns: Option<i64>,
}

impl Terms {
    /// Checks the terms as proposed: a deadline after the opening, a silence period of at least
    /// `min_silence_ns`, a concerned state that is a member, and members to vote.
    pub fn check(&self, min_silence_ns: i64) -> Result<(), crate::Invalid> {
        if self.members.is_empty() {
            return Err("a decision needs member states to vote".into());
        }
        if self.deadline_ns <= self.opened_ns {
            return Err("`deadline` must be after the decision opens".into());
        }
        if self.procedure == Procedure::Silence
            && self.deadline_ns - self.opened_ns < min_silence_ns
        {
            return Err(crate::Invalid(format!(
                "a silence procedure runs at least {} hours",
                min_silence_ns / 3_600_000_000_000
            )));
        }
        if let Procedure::ConsensusMinusOne { concerned } = &self.procedure {
            if !self.members.contains(concerned) {
                return Err(crate::Invalid(format!(
                    "`{concerned}` is not a member state: consensus minus one is for suspending a member"
                )));
            }
        }
        Ok(())
    }
}

/// Where a decision stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Adopted,
    Rejected,
    Lapsed,
    Withdrawn,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Adopted => "adopted",
            Status::Rejected => "rejected",
            Status::Lapsed => "lapsed",
            Status::Withdrawn => "withdrawn",
        }
    }
}

/// Why a ballot counts for nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BallotRefusal {
    /// The state is not a member (observers and dialogue partners do not vote).
    NotMember,
    /// Signed by another state's node than the state it votes for.
    SignedByAnother,
    /// Cast before the decision opened.
    BeforeOpening,
    /// Cast once the decision had closed (adopted, rejected, lapsed or withdrawn).
    AfterClosing,
    /// Cast later than the clock it is judged by (a node whose clock is behind counts it once
    /// its clock gets there).
    InTheFuture,
}

impl BallotRefusal {
    /// The stable code of the refusal.
    pub fn code(self) -> &'static str {
        match self {
            BallotRefusal::NotMember => "not_a_member",
            BallotRefusal::SignedByAnother => "signed_by_another_state",
            BallotRefusal::BeforeOpening => "before_opening",
            BallotRefusal::AfterClosing => "decision_closed",
            BallotRefusal::InTheFuture => "cast_in_the_future",
        }
    }
}

/// How the counted ballots stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub approve: usize,
    pub abstain: usize,
    pub object: usize,
    /// Members that have not answered.
    pub silent: usize,
}

/// A decision's outcome at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    /// When it closed, if it has.
    pub closed_ns: Option<i64>,
    pub tally: Tally,
    /// Each member's counted vote, by state.
    pub votes: BTreeMap<PartyCode, Vote>,
    /// The ballots that count for nothing, with why: (index in the ballots given, refusal).
    pub refused: Vec<(usize, BallotRefusal)>,
}

/// The outcome of a decision at `now_ns`, from its terms and every ballot held. The ballots are
/// taken in the order they were cast (ties broken by state and vote), never in the order given,
/// so every node holding the same ballots derives the same outcome.
pub fn outcome(terms: &Terms, ballots: &[Ballot], now_ns: i64) -> Outcome {
    let mut order: Vec<usize> = (0..ballots.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&ballots[a], &ballots[b]);
        (x.cast_ns, x.state.as_str(), x.vote, x.signer.as_str()).cmp(&(
            y.cast_ns,
            y.state.as_str(),
            y.vote,
            y.signer.as_str(),
        ))
    });
    let exempt = match &terms.procedure {
        Procedure::ConsensusMinusOne { concerned } => Some(concerned),
        _ => None,
    };
    let blocking = |s: &PartyCode| Some(s) != exempt;
    // The moment after which nothing counts: the deadline, or the withdrawal if earlier.
    let end_ns = terms
        .withdrawn_ns
        .map_or(terms.deadline_ns, |w| w.min(terms.deadline_ns));
    let mut votes: BTreeMap<PartyCode, Vote> = BTreeMap::new();
    let mut refused = Vec::new();
    let mut closed: Option<(Status, i64)> = None;
    for i in order {
        let b = &ballots[i];
        let refusal = if !terms.members.contains(&b.state) {
            Some(BallotRefusal::NotMember)
        } else if b.signer != b.state {
            Some(BallotRefusal::SignedByAnother)
        } else if b.cast_ns < terms.opened_ns {
            Some(BallotRefusal::BeforeOpening)
        } else if b.cast_ns > now_ns {
            Some(BallotRefusal::InTheFuture)
        } else if closed.is_some() || b.cast_ns >= end_ns {
            Some(BallotRefusal::AfterClosing)
        } else {
            None
        };
        if let Some(r) = refusal {
            refused.push((i, r));
            continue;
        }
        votes.insert(b.state.clone(), b.vote);
        if b.vote == Vote::Object && blocking(&b.state) {
            closed = Some((Status::Rejected, b.cast_ns));
            continue;
        }
        let consensus = !matches!(terms.procedure, Procedure::Silence);
        let everyone = terms
            .members
            .iter()
            .filter(|m| blocking(m))
            .all(|m| votes.contains_key(m));
        if consensus && everyone {
            closed = Some((Status::Adopted, b.cast_ns));
        }
    }
    if closed.is_none() {
        if let Some(w) = terms
            .withdrawn_ns
            .filter(|w| *w <= now_ns && *w < terms.deadline_ns)
        {
            closed = Some((Status::Withdrawn, w));
        } else if now_ns >= terms.deadline_ns {
            let status = if terms.procedure == Procedure::Silence {
                Status::Adopted
            } else {
                Status::Lapsed
            };
            closed = Some((status, terms.deadline_ns));
        }
    }
    let count = |v: Vote| votes.values().filter(|x| **x == v).count();
    let tally = Tally {
        approve: count(Vote::Approve),
        abstain: count(Vote::Abstain),
        object: count(Vote::Object),
        silent: terms
            .members
            .iter()
            .filter(|m| !votes.contains_key(*m))
            .count(),
    };
    refused.sort_by_key(|(i, _)| *i);
    let (status, closed_ns) = match closed {
        Some((s, t)) => (s, Some(t)),
        None => (Status::Open, None),
    };
    Outcome {
        status,
        closed_ns,
        tally,
        votes,
        refused,
    }
}
