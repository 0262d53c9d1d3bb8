//! What the organization's decisions make of it: the **effective charter** (the charter file plus
//! the effects of adopted decisions — admissions and tier changes, suspensions, the presidency,
//! the documents and programmes adopted)
//! and the **unified list** (register entries designated by decision), derived from the decisions
//! a node holds and the clock alone, so that every node holding the same decisions and ballots
//! derives the same.
//!
//! Decisions are taken in time order of their events — each opens, and later may close adopted —
//! so that a decision is judged by the charter in effect when it opened: it counts only if its
//! proposer was then a member state or the secretariat and the `members` it names were exactly the
//! member states then (a decision naming other voters, which a node could sign, changes nothing).
//! An adopted decision's effect applies at its close; ties are broken by id.

use super::objects::Effect;
use super::outcome::Status;
use super::thread::Thread;
use entente_core::charter::NodeKey;
use entente_core::{Charter, Tier};
use std::collections::BTreeMap;

/// What adopted decisions make of the organization at a moment.
#[derive(Debug, Clone)]
pub struct Effective {
    /// The charter file with every adopted decision's effect on it.
    pub charter: Charter,
    /// The register entries on the organization's unified list, each with the decision that
    /// designated it.
    pub unified: BTreeMap<String, String>,
    /// Each decision applied, with when it closed, in the order applied.
    pub applied: Vec<(String, i64)>,
    /// Decisions that count for nothing, with why (their proposer or voters were not the
    /// charter's when they opened).
    pub disregarded: BTreeMap<String, &'static str>,
    /// The next moment an outcome may change with nothing new arriving (the earliest deadline
    /// of a decision still open).
    pub next_change_ns: Option<i64>,
}

/// Derives the effective charter at `now_ns` from `base` and the decision threads held.
pub fn effective<'a>(
    base: &Charter,
    threads: impl IntoIterator<Item = &'a Thread>,
    now_ns: i64,
) -> Effective {
    // (time, 0 = opens / 1 = closes adopted, id, thread)
    let mut events: Vec<(i64, u8, &str, &Thread)> = Vec::new();
    let mut next_change_ns: Option<i64> = None;
    for t in threads {
        events.push((t.terms.opened.nanos(), 0, &t.id, t));
        let o = t.outcome(now_ns);
        match (o.status, o.closed_ns) {
            (Status::Adopted, Some(c)) => events.push((c, 1, &t.id, t)),
            (Status::Open, _) => {
                let d = t.terms.deadline.nanos();
                next_change_ns = Some(next_change_ns.map_or(d, |n: i64| n.min(d)));
            }
            _ => {}
        }
    }
    events.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    let mut e = Effective {
        charter: base.clone(),
        unified: BTreeMap::new(),
        applied: Vec::new(),
        disregarded: BTreeMap::new(),
        next_change_ns,
    };
    for (at, kind, id, t) in events {
        if kind == 0 {
            let proposer_ok = matches!(
                e.charter.tier_of(&t.proposer),
                Some(Tier::Member | Tier::Secretariat)
            );
            let mut named = t.terms.members.clone();
            named.sort();
            if !proposer_ok {
                e.disregarded.insert(id.to_owned(), "proposer_not_entitled");
            } else if named != e.charter.members() {
                e.disregarded
                    .insert(id.to_owned(), "voters_not_the_members");
            }
            continue;
        }
        if e.disregarded.contains_key(id) {
            continue;
        }
        apply(&mut e, id, t.effect());
        e.applied.push((id.to_owned(), at));
    }
    e
}

fn apply(e: &mut Effective, decision: &str, effect: &Effect) {
    match effect {
        Effect::Statement => {}
        Effect::Designate { entry } => {
            e.unified.insert(entry.clone(), decision.to_owned());
        }
        Effect::Delist { entry } => {
            e.unified.remove(entry);
        }
        Effect::Admit {
            state,
            name,
            tier,
            key,
            ..
        } => {
            let key = key.as_deref().and_then(|k| NodeKey::parse(k).ok());
            e.charter.admit(state, name, *tier, key);
        }
        Effect::Suspend { state } => {
            e.charter.set_suspended(state, true);
        }
        Effect::Reinstate { state } => {
            e.charter.set_suspended(state, false);
        }
        Effect::Presidency { order, epoch_year } => {
            e.charter.set_presidency(order.clone(), *epoch_year);
        }
        Effect::AdoptDocument { document: id } | Effect::AdoptProgramme { programme: id } => {
            e.charter.adopted.insert(id.clone(), decision.to_owned());
        }
    }
}
