//! A decision's thread as a principal may see it — its first version (the terms), a withdrawal,
//! every version of every ballot — and what is derived from it at a time: the outcome
//! ([`super::outcome::outcome`]) and the view the API and the pages show. Order-independent: the
//! same objects, in any order, give the same thread.

use super::objects::{self, BallotFields, Effect, Terms};
use super::outcome::{self, Ballot, Outcome, Status};
use crate::Part;
use entente_core::PartyCode;
use entente_stix::Timestamp;
use serde_json::{json, Map, Value};

/// One version of a ballot, as held.
#[derive(Debug, Clone)]
pub struct HeldBallot {
    pub id: String,
    pub version_ns: i64,
    /// The state whose node signed it.
    pub signer: PartyCode,
    pub fields: BallotFields,
}

/// A decision's thread.
#[derive(Debug, Clone)]
pub struct Thread {
    pub id: String,
    pub proposer: PartyCode,
    /// The access label of its first version (who may see the decision).
    pub label: entente_core::AccessLabel,
    pub terms: Terms,
    /// The first version, whose terms count (a withdrawal repeats them).
    pub first: Map<String, Value>,
    /// The latest version held (`modified`, in nanoseconds): what a withdrawal is based on.
    pub latest_ns: i64,
    /// When the proposer withdrew it, and why (the earliest withdrawal held).
    pub withdrawn: Option<(Timestamp, String)>,
    /// Every version of every ballot, by (cast, id).
    pub ballots: Vec<HeldBallot>,
}

impl Thread {
    /// The thread under `root` from the parts a principal may see; `None` without a readable
    /// first version of the decision.
    pub fn of(root: &str, parts: Vec<Part>) -> Option<Thread> {
        let mut versions: Vec<&Part> = parts
            .iter()
            .filter(|p| p.object_type() == objects::DECISION_TYPE && p.id() == root)
            .collect();
        versions.sort_by_key(|p| p.version_ns);
        let first = versions.first()?;
        let terms = objects::terms_of(&first.object).ok()?;
        let withdrawn = versions
            .iter()
            .filter(|v| v.originator == first.originator)
            .filter_map(|v| objects::withdrawal_of(&v.object))
            .min_by_key(|(at, _)| at.nanos());
        let mut ballots: Vec<HeldBallot> = parts
            .iter()
            .filter(|p| p.object_type() == objects::BALLOT_TYPE)
            .filter_map(|p| {
                let fields = objects::ballot_of(&p.object).ok()?;
                (fields.decision == root).then(|| HeldBallot {
                    id: p.id().to_owned(),
                    version_ns: p.version_ns,
                    signer: p.originator.clone(),
                    fields,
                })
            })
            .collect();
        ballots.sort_by(|a, b| (a.fields.cast, &a.id).cmp(&(b.fields.cast, &b.id)));
        Some(Thread {
            id: root.to_owned(),
            proposer: first.originator.clone(),
            label: first.label.clone(),
            latest_ns: versions.last().map_or(first.version_ns, |v| v.version_ns),
            first: first.object.clone(),
            terms,
            withdrawn,
            ballots,
        })
    }

    /// The terms the outcome is derived by.
    pub fn outcome_terms(&self) -> outcome::Terms {
        outcome::Terms {
            procedure: self.terms.procedure.clone(),
            opened_ns: self.terms.opened.nanos(),
            deadline_ns: self.terms.deadline.nanos(),
            members: self.terms.members.clone(),
            withdrawn_ns: self.withdrawn.as_ref().map(|(at, _)| at.nanos()),
        }
    }

    /// The ballots as the outcome counts them (in the order of [`Thread::ballots`]).
    pub fn outcome_ballots(&self) -> Vec<Ballot> {
        self.ballots
            .iter()
            .map(|b| Ballot {
                state: b.fields.state.clone(),
                signer: b.signer.clone(),
                vote: b.fields.vote,
                cast_ns: b.fields.cast.nanos(),
            })
            .collect()
    }

    /// The outcome at `now_ns`.
    pub fn outcome(&self, now_ns: i64) -> Outcome {
        outcome::outcome(&self.outcome_terms(), &self.outcome_ballots(), now_ns)
    }

    /// The latest ballot `state`'s node signed for itself, if any.
    pub fn ballot_of(&self, state: &PartyCode) -> Option<&HeldBallot> {
        self.ballots
            .iter()
            .filter(|b| &b.signer == state && &b.fields.state == state)
            .max_by_key(|b| (b.fields.cast, b.version_ns))
    }

    pub fn effect(&self) -> &Effect {
        &self.terms.effect
    }

    /// The next moment the outcome may change with no new ballot: the deadline, while open.
    pub fn next_change_ns(&self, now_ns: i64) -> Option<i64> {
        let o = self.outcome(now_ns);
        (o.status == Status::Open).then_some(self.terms.deadline.nanos())
    }
}

/// A decision as lists show it: its terms, status and tally, from an outcome already derived.
pub fn summary(thread: &Thread, outcome: &Outcome) -> Value {
    let t = &thread.terms;
    let mut v = json!({
        "id": thread.id,
        "title": t.title,
        "proposer": thread.proposer.as_str(),
        "procedure": objects::procedure_name(&t.procedure),
        "opened": t.opened.to_stix_string(),
        "deadline": t.deadline.to_stix_string(),
        "effect": t.effect.to_json(),
        "status": outcome.status.as_str(),
        "tally": {
            "approve": outcome.tally.approve,
            "abstain": outcome.tally.abstain,
            "object": outcome.tally.object,
            "silent": outcome.tally.silent,
        },
    });
    if let Some(c) = outcome.closed_ns {
        v["closed"] = json!(Timestamp::from_nanos(c).to_stix_string());
    }
    v
}

/// The view of a decision at `now_ns`: its terms, status, tally, and every ballot with whether it
/// counts (and why not).
pub fn view(thread: &Thread, now_ns: i64) -> Value {
    let outcome = thread.outcome(now_ns);
    let t = &thread.terms;
    let refused: std::collections::BTreeMap<usize, &'static str> = outcome
        .refused
        .iter()
        .map(|(i, r)| (*i, r.code()))
        .collect();
    // The ballot that counts for each state: its latest counted version.
    let mut counted: std::collections::BTreeMap<&PartyCode, usize> = Default::default();
    for (i, b) in thread.ballots.iter().enumerate() {
        if !refused.contains_key(&i) {
            counted.insert(&b.fields.state, i);
        }
    }
    let ballots: Vec<Value> = thread
        .ballots
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mut v = json!({
                "id": b.id,
                "state": b.fields.state.as_str(),
                "signed_by": b.signer.as_str(),
                "vote": b.fields.vote.as_str(),
                "cast": b.fields.cast.to_stix_string(),
                "counts": counted.get(&b.fields.state) == Some(&i),
            });
            if let Some(s) = &b.fields.statement {
                v["statement"] = json!(s);
            }
            if let Some(code) = refused.get(&i) {
                v["refused"] = json!(code);
            } else if counted.get(&b.fields.state) != Some(&i) {
                v["replaced"] = json!(true);
            }
            v
        })
        .collect();
    let mut v = json!({
        "id": thread.id,
        "title": t.title,
        "description": t.description,
        "proposer": thread.proposer.as_str(),
        "procedure": objects::procedure_name(&t.procedure),
        "opened": t.opened.to_stix_string(),
        "deadline": t.deadline.to_stix_string(),
        "members": t.members.iter().map(PartyCode::as_str).collect::<Vec<_>>(),
        "effect": t.effect.to_json(),
        "status": outcome.status.as_str(),
        "tally": {
            "approve": outcome.tally.approve,
            "abstain": outcome.tally.abstain,
            "object": outcome.tally.object,
            "silent": outcome.tally.silent,
        },
        "votes": outcome.votes.iter().map(|(s, v)| (s.as_str().to_owned(), json!(v.as_str()))).collect::<Map<String, Value>>(),
        "ballots": ballots,
    });
    if let outcome::Procedure::ConsensusMinusOne { concerned } = &t.procedure {
        v["concerned"] = json!(concerned.as_str());
    }
    if let Some(c) = outcome.closed_ns {
        v["closed"] = json!(Timestamp::from_nanos(c).to_stix_string());
    }
    if let Some((at, why)) = &thread.withdrawn {
        v["withdrawn"] = json!(at.to_stix_string());
        v["withdrawal_reason"] = json!(why);
    }
    v
}
