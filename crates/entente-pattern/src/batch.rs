//! Matching a set of patterns against a set of observations, all at once: what
//! `entente match` does, and what the reference matcher does for one pattern. Observations are
//! seen one by one through the index ([`crate::index`]); a pattern of one bracketed expression
//! is decided by its first observation; the others keep, per leaf, the observations that satisfy
//! it (at most [`MAX_CANDIDATES`]) and are decided at the end ([`crate::solve`]).
//!
//! [`naive`] is the same without the index — every leaf tried on every observation — which the
//! property test holds the indexed path to.

use crate::compile::{Compiled, Plan, Rank};
use crate::index::{Matcher, Seen};
use crate::observed::{Observed, Times};
use crate::solve::solve;

/// The most observations kept for one leaf of one pattern.
pub const MAX_CANDIDATES: usize = 100_000;

/// Why a pattern was not decided: the search for a binding ran out of steps.
const UNDECIDED: &str =
    "the pattern's observation expressions admit too many combinations to decide";

/// How one pattern came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The observations (indexes, ascending) of the first binding found.
    Matched(Vec<usize>),
    NoMatch,
    /// The pattern cannot be matched against this data: why.
    Error(String),
}

/// Patterns being matched against observations as they come.
pub struct Batch {
    pub matcher: Matcher,
    times: Vec<Times>,
    first: Vec<Option<(Rank, usize)>>,
    cands: Vec<Vec<Vec<(Rank, usize)>>>,
    full: Vec<bool>,
    errors: Vec<Option<String>>,
}

impl Batch {
    pub fn new(matcher: Matcher) -> Batch {
        let n = matcher.patterns.len();
        let cands = matcher
            .patterns
            .iter()
            .map(|p| {
                if p.plan == Plan::Leaf(0) {
                    Vec::new()
                } else {
                    vec![Vec::new(); p.leaves.len()]
                }
            })
            .collect();
        Batch {
            matcher,
            times: Vec::new(),
            first: vec![None; n],
            cands,
            full: vec![false; n],
            errors: vec![None; n],
        }
    }

    /// What the observation with input position `at` did (from [`Matcher::observe`], which may
    /// run elsewhere).
    pub fn record(&mut self, at: usize, times: Times, seen: Seen) {
        if self.times.len() <= at {
            self.times.resize(
                at + 1,
                Times {
                    first: 0,
                    last: 0,
                    count: 0,
                },
            );
        }
        self.times[at] = times;
        for (p, e) in seen.errors {
            self.errors[p as usize].get_or_insert(e);
        }
        for ((p, l), rank) in seen.hits {
            let p = p as usize;
            if self.matcher.patterns[p].plan == Plan::Leaf(0) {
                let hit = (rank, at);
                let f = &mut self.first[p];
                if f.as_ref().is_none_or(|x| hit < *x) {
                    *f = Some(hit);
                }
            } else {
                let c = &mut self.cands[p][l as usize];
                if c.len() < MAX_CANDIDATES {
                    c.push((rank, at));
                } else {
                    self.full[p] = true;
                }
            }
        }
    }

    /// Sees one observation here.
    pub fn observe(&mut self, at: usize, obs: &Observed) {
        let seen = self.matcher.observe(obs);
        self.record(at, Times::from(obs), seen);
    }

    /// Each pattern's outcome, in the order the patterns were given.
    pub fn finish(mut self) -> Vec<Outcome> {
        let mut out = Vec::with_capacity(self.errors.len());
        for p in 0..self.errors.len() {
            if let Some(e) = self.errors[p].take() {
                out.push(Outcome::Error(e));
                continue;
            }
            let pattern = &self.matcher.patterns[p];
            if pattern.plan == Plan::Leaf(0) {
                out.push(
                    self.first[p]
                        .take()
                        .map_or(Outcome::NoMatch, |(_, i)| Outcome::Matched(vec![i])),
                );
                continue;
            }
            let cands = ordered(std::mem::take(&mut self.cands[p]));
            out.push(match solve(&pattern.plan, &self.times, &cands) {
                Ok(Some(b)) => Outcome::Matched(b),
                Ok(None) if self.full[p] => Outcome::Error(format!(
                    "more than {MAX_CANDIDATES} observations satisfy one part of the pattern; not decided"
                )),
                Ok(None) => Outcome::NoMatch,
                Err(_) => Outcome::Error(UNDECIDED.into()),
            });
        }
        out
    }
}

/// Each leaf's candidates in the reference's order: by rank, then input order.
fn ordered(cands: Vec<Vec<(Rank, usize)>>) -> Vec<Vec<usize>> {
    cands
        .into_iter()
        .map(|mut c| {
            c.sort_unstable();
            c.dedup_by(|a, b| a.1 == b.1);
            c.into_iter().map(|(_, i)| i).collect()
        })
        .collect()
}

/// One pattern against observations, with no index: every leaf tried on every observation.
pub fn naive(pattern: &Compiled, observations: &[Observed]) -> Outcome {
    let times: Vec<Times> = observations.iter().map(Times::from).collect();
    let mut cands: Vec<Vec<(Rank, usize)>> = vec![Vec::new(); pattern.leaves.len()];
    let checks = pattern.checks();
    for (i, obs) in observations.iter().enumerate() {
        for c in &checks {
            if let Some(e) = c.fails(obs) {
                return Outcome::Error(e);
            }
        }
        for (l, cand) in cands.iter_mut().enumerate() {
            match pattern.leaf_rank(l, obs) {
                Ok(Some(rank)) => cand.push((rank, i)),
                Ok(None) => {}
                Err(e) => return Outcome::Error(e),
            }
        }
    }
    match solve(&pattern.plan, &times, &ordered(cands)) {
        Ok(Some(b)) => Outcome::Matched(b),
        Ok(None) => Outcome::NoMatch,
        Err(_) => Outcome::Error(UNDECIDED.into()),
    }
}
