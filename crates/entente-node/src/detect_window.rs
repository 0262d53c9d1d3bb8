//! The node's window of recent observations, for indicators whose pattern joins several
//! observation expressions (`AND`, `OR`, `FOLLOWEDBY` between brackets, `REPEATS`, `WITHIN`,
//! `START … STOP`): such a pattern is matched by a set of observations, not one, so the node keeps
//! the recent ones that satisfy some part of such a pattern — and only those — and tries each new
//! observation with them. A binding that uses the new observation is a sighting naming every
//! observation of the binding; one that does not was sighted when its last observation came.
//!
//! Bounded three ways: at most [`MAX_KEPT`] observations in all (the oldest go first), at most
//! [`MAX_PER_INDICATOR`] kept for one indicator, and none older than [`MAX_AGE_NS`] by when they
//! came. Parts are kept by indicator id, so the window outlives the index's rebuilds. Held in
//! memory: a restart starts it empty (a binding across a restart is not seen).

use entente_pattern::compile::{Compiled, Rank};
use entente_pattern::observed::Times;
use entente_pattern::solve::solve_within;
use std::collections::{HashMap, VecDeque};

/// The most observations kept.
pub const MAX_KEPT: usize = 20_000;
/// The most kept observations that satisfy parts of one indicator.
pub const MAX_PER_INDICATOR: usize = 1_000;
/// The most steps one attempt at a binding may take (the batch matcher's is 5,000,000): an
/// observation is matched on its request's time, and an indicator's author must not be able to
/// make every observation of another state costly. A pattern undecided within it is not sighted.
pub const BUDGET: u64 = 200_000;
/// How long an observation is kept: seven days.
pub const MAX_AGE_NS: i64 = 7 * 24 * 3600 * 1_000_000_000;

struct Kept {
    seq: u64,
    id: String,
    times: Times,
    came_ns: i64,
}

/// The window (see the module doc).
#[derive(Default)]
pub struct Window {
    next: u64,
    kept: VecDeque<Kept>,
    /// Per indicator: (observation seq, part, rank), oldest first.
    parts: HashMap<String, VecDeque<(u64, u32, Rank)>>,
}

impl Window {
    /// How many observations are kept.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Tries a new observation (`id`, `times`) that satisfies these parts (leaf, rank) of
    /// `pattern` with what the window holds for `indicator`: the ids and times of the first
    /// binding that uses it, if any.
    pub fn bind(
        &self,
        indicator: &str,
        pattern: &Compiled,
        id: &str,
        times: Times,
        parts: &[(u32, Rank)],
    ) -> Option<Vec<(String, Times)>> {
        let held = self.parts.get(indicator);
        let mut all_times = Vec::new();
        let mut ids = Vec::new();
        let mut local: HashMap<u64, usize> = HashMap::new();
        let mut cands: Vec<Vec<(Rank, usize)>> = vec![Vec::new(); pattern.leaves.len()];
        for (seq, leaf, rank) in held.into_iter().flatten() {
            let Some(k) = self.get(*seq) else { continue };
            let at = *local.entry(*seq).or_insert_with(|| {
                all_times.push(k.times);
                ids.push(k.id.clone());
                all_times.len() - 1
            });
            if let Some(c) = cands.get_mut(*leaf as usize) {
                c.push((rank.clone(), at));
            }
        }
        let new = all_times.len();
        all_times.push(times);
        ids.push(id.to_owned());
        // A binding that uses the new observation puts it at one of the parts it satisfies: try
        // each part with the new observation alone there (the others open to it too); then, for a
        // part that takes several observations (`REPEATS`), every part open to all, the new
        // observation tried first. Only a binding that uses it counts.
        let order = |tried: Vec<Vec<(Rank, usize)>>| -> Vec<Vec<usize>> {
            tried
                .into_iter()
                .map(|mut c| {
                    c.sort_unstable();
                    c.dedup_by(|a, b| a.1 == b.1);
                    c.into_iter().map(|(_, i)| i).collect()
                })
                .collect()
        };
        let with_new = |only: Option<u32>| {
            let mut tried = cands.clone();
            for (l, _) in parts {
                if let Some(c) = tried.get_mut(*l as usize) {
                    if only == Some(*l) {
                        c.clear();
                    }
                    // Ranked before everything else of its part.
                    c.insert(0, (Rank::new(), new));
                }
            }
            tried
        };
        let attempts = parts
            .iter()
            .map(|(l, _)| Some(*l))
            .chain(std::iter::once(None));
        for only in attempts {
            let ordered = order(with_new(only));
            if let Ok(Some(binding)) = solve_within(&pattern.plan, &all_times, &ordered, BUDGET) {
                if binding.contains(&new) {
                    return Some(
                        binding
                            .into_iter()
                            .map(|i| (ids[i].clone(), all_times[i]))
                            .collect(),
                    );
                }
            }
        }
        None
    }

    /// Keeps an observation that satisfies parts of patterns of several observation expressions
    /// (`parts`: indicator id, leaf, rank), then lets go of what is too old or too many.
    pub fn keep(&mut self, id: &str, times: Times, parts: Vec<(String, u32, Rank)>, now_ns: i64) {
        if parts.is_empty() {
            return;
        }
        let seq = self.next;
        self.next += 1;
        self.kept.push_back(Kept {
            seq,
            id: id.to_owned(),
            times,
            came_ns: now_ns,
        });
        for (indicator, leaf, rank) in parts {
            let list = self.parts.entry(indicator).or_default();
            list.push_back((seq, leaf, rank));
            while list.len() > MAX_PER_INDICATOR {
                list.pop_front();
            }
        }
        while self.kept.len() > MAX_KEPT
            || self
                .kept
                .front()
                .is_some_and(|k| now_ns.saturating_sub(k.came_ns) > MAX_AGE_NS)
        {
            self.kept.pop_front();
        }
        // Drop the parts of observations let go, now and then (each list is bounded anyway).
        if seq.is_multiple_of(1024) {
            let oldest = self.kept.front().map_or(seq, |k| k.seq);
            self.parts.retain(|_, l| {
                l.retain(|(s, ..)| *s >= oldest);
                !l.is_empty()
            });
        }
    }

    fn get(&self, seq: u64) -> Option<&Kept> {
        let first = self.kept.front()?.seq;
        let k = self
            .kept
            .get(usize::try_from(seq.checked_sub(first)?).ok()?)?;
        (k.seq == seq).then_some(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entente_pattern::index::Matcher;
    use entente_pattern::observed::Observed;
    use serde_json::json;

    fn od(i: u32, ip: &str, at: &str) -> (String, Observed) {
        let id = format!("observed-data--00000000-0000-4000-8000-{i:012}");
        let v = json!({
            "type": "observed-data", "id": id, "first_observed": at, "last_observed": at,
            "number_observed": 1, "objects": {"0": {"type": "ipv4-addr", "value": ip}},
        });
        (id, Observed::read(&v, &|_| None).unwrap())
    }

    /// Feeds observations through a matcher of one pattern and the window, as the node does:
    /// answers the binding each observation completed.
    fn run(pattern: &str, seen: &[(String, Observed)]) -> Vec<Option<Vec<String>>> {
        let compiled = Compiled::new(&entente_pattern::parse(pattern).unwrap()).unwrap();
        let m = Matcher::new(vec![compiled]).unwrap();
        let mut w = Window::default();
        let mut out = Vec::new();
        for (i, (id, o)) in seen.iter().enumerate() {
            let hits: Vec<(u32, Rank)> = m
                .observe(o)
                .hits
                .into_iter()
                .map(|((_, l), r)| (l, r))
                .collect();
            let times = Times::from(o);
            out.push(if hits.is_empty() {
                None
            } else {
                w.bind("indicator--x", &m.patterns[0], id, times, &hits)
                    .map(|b| {
                        let mut ids: Vec<String> = b.into_iter().map(|(id, _)| id).collect();
                        ids.sort();
                        ids
                    })
            });
            let parts = hits
                .into_iter()
                .map(|(l, r)| ("indicator--x".to_owned(), l, r))
                .collect();
            w.keep(id, times, parts, i as i64);
        }
        out
    }

    #[test]
    fn followedby_is_sighted_when_its_second_observation_comes_and_names_both() {
        let a = od(1, "10.0.0.1", "2026-12-01T10:00:00Z");
        let b = od(2, "10.0.0.2", "2026-12-01T10:05:00Z");
        let c = od(3, "10.0.0.9", "2026-12-01T10:06:00Z");
        let p = "([ipv4-addr:value = '10.0.0.1'] FOLLOWEDBY [ipv4-addr:value = '10.0.0.2']) WITHIN 600 SECONDS";
        let got = run(p, &[c.clone(), a.clone(), b.clone()]);
        assert_eq!(got[0], None);
        assert_eq!(got[1], None, "the first part alone is no match");
        assert_eq!(got[2], Some(vec![a.0.clone(), b.0.clone()]));
        // Order is the observations' times, not their arrival: b first, then a, matches too;
        // in the wrong order of time, or too far apart, nothing.
        assert_eq!(
            run(p, &[b.clone(), a.clone()])[1],
            Some(vec![a.0.clone(), b.0.clone()])
        );
        let early = od(5, "10.0.0.2", "2026-12-01T09:55:00Z");
        assert_eq!(run(p, &[a.clone(), early]), vec![None, None]);
        let late = od(4, "10.0.0.2", "2026-12-01T11:00:00Z");
        assert_eq!(run(p, &[a.clone(), late]), vec![None, None]);
    }

    #[test]
    fn repeats_needs_as_many_observations() {
        let p = "[ipv4-addr:value = '10.0.0.1'] REPEATS 3 TIMES";
        let seen: Vec<_> = (0..3)
            .map(|i| od(i, "10.0.0.1", &format!("2026-12-01T10:0{i}:00Z")))
            .collect();
        let got = run(p, &seen);
        assert_eq!(got[0], None);
        assert_eq!(got[1], None);
        assert_eq!(got[2].as_ref().map(Vec::len), Some(3));
    }

    #[test]
    fn the_window_is_bounded() {
        let mut w = Window::default();
        for i in 0..(MAX_KEPT + 10) {
            let t = Times {
                first: 0,
                last: 0,
                count: 1,
            };
            w.keep(
                &format!("o{i}"),
                t,
                vec![("indicator--x".into(), 0, Rank::new())],
                0,
            );
        }
        assert_eq!(w.len(), MAX_KEPT);
        assert!(w.parts["indicator--x"].len() <= MAX_PER_INDICATOR);
        // What is older than the age limit goes at the next observation kept.
        let t = Times {
            first: 0,
            last: 0,
            count: 1,
        };
        w.keep(
            "late",
            t,
            vec![("indicator--y".into(), 0, Rank::new())],
            MAX_AGE_NS + 1,
        );
        assert_eq!(w.len(), 1);
    }
}
