//! Whether the observations that satisfy each leaf can be bound to the observation expression:
//! the temporal half of matching. A binding gives every leaf it uses an observation of its own —
//! an `observed-data` with `number_observed` *n* can be bound *n* times — so that `AND` and
//! `REPEATS` never count one observation twice; `FOLLOWEDBY` needs the left's latest first
//! observation at or before the right's earliest last one; `WITHIN` needs every observation's
//! interval to touch one window of its length; `START … STOP` needs each first observed before
//! `STOP` and last observed at or after `START` (the reference matcher's rules).
//!
//! The search is depth-first over each leaf's candidates in the order given (the reference's
//! order: see [`crate::compile::Compiled::leaf_rank`]), so the binding found is the one the
//! reference matcher returns first in the common cases. Temporal constraints prune as the search
//! goes: under `WITHIN d`, once observations are chosen every further one must have its first
//! observation no later than `d` after their earliest last, and its last no earlier than `d`
//! before their latest first (the condition is pairwise, so this is exact); `FOLLOWEDBY` bounds the
//! right side's last observations by the left side's latest first; `START … STOP` bounds every
//! interval. `REPEATS` of one leaf takes its observations in candidate order, so equal choices are
//! not tried twice. The search is bounded: past [`BUDGET`] steps it stops and says it could not
//! decide, rather than stall.

use crate::compile::Plan;
use crate::observed::Times;
use std::collections::HashMap;

/// The most steps one decision may take.
pub const BUDGET: u64 = 5_000_000;

/// The search ran out of steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undecided;

/// Bounds on an observation's interval.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    first_le: i64,
    last_ge: i64,
}

impl Bounds {
    const ANY: Bounds = Bounds {
        first_le: i64::MAX,
        last_ge: i64::MIN,
    };
    fn and(self, o: Bounds) -> Bounds {
        Bounds {
            first_le: self.first_le.min(o.first_le),
            last_ge: self.last_ge.max(o.last_ge),
        }
    }
    fn admits(self, t: &Times) -> bool {
        t.first <= self.first_le && t.last >= self.last_ge
    }
}

/// An active `WITHIN`: its length, and the latest first and earliest last of what it holds.
#[derive(Debug, Clone, Copy)]
struct Window {
    d: i64,
    max_first: i64,
    min_last: i64,
}

struct Search<'a> {
    budget: u64,
    times: &'a [Times],
    windows: Vec<Window>,
    /// Each leaf's candidates: indexes into `times`, ascending.
    cands: &'a [Vec<usize>],
    used: HashMap<usize, u64>,
    chosen: Vec<usize>,
    steps: u64,
}

type Cont<'k> = &'k mut dyn FnMut(&mut Search) -> Result<bool, Undecided>;

/// A binding of `plan` over the candidates: the observations it uses (indexes into `times`,
/// ascending, each once), or `None` when there is none.
pub fn solve(
    plan: &Plan,
    times: &[Times],
    cands: &[Vec<usize>],
) -> Result<Option<Vec<usize>>, Undecided> {
    solve_within(plan, times, cands, BUDGET)
}

/// As [`solve`], within `budget` steps (a caller that decides often, on a request's time, gives
/// itself less than [`BUDGET`]).
pub fn solve_within(
    plan: &Plan,
    times: &[Times],
    cands: &[Vec<usize>],
    budget: u64,
) -> Result<Option<Vec<usize>>, Undecided> {
    let mut s = Search {
        budget,
        times,
        cands,
        windows: Vec::new(),
        used: HashMap::new(),
        chosen: Vec::new(),
        steps: 0,
    };
    let mut found = None;
    s.search(plan, Bounds::ANY, &mut |s: &mut Search| {
        let mut b = s.chosen.clone();
        b.sort_unstable();
        b.dedup();
        found = Some(b);
        Ok(true)
    })?;
    Ok(found)
}

impl Search<'_> {
    fn step(&mut self) -> Result<(), Undecided> {
        self.steps += 1;
        if self.steps > self.budget {
            return Err(Undecided);
        }
        Ok(())
    }

    fn free(&self, i: usize) -> bool {
        self.used.get(&i).copied().unwrap_or(0) < self.times[i].count
    }

    /// Whether observation `i` may join: within the bounds and every active window.
    fn admits(&self, b: Bounds, i: usize) -> bool {
        let t = &self.times[i];
        b.admits(t)
            && self.windows.iter().all(|w| {
                t.first <= w.min_last.saturating_add(w.d)
                    && t.last >= w.max_first.saturating_sub(w.d)
            })
    }

    /// Takes one count of observation `i`; what to give back.
    fn take(&mut self, i: usize) -> Vec<Window> {
        *self.used.entry(i).or_insert(0) += 1;
        self.chosen.push(i);
        let saved = self.windows.clone();
        let t = self.times[i];
        for w in &mut self.windows {
            w.max_first = w.max_first.max(t.first);
            w.min_last = w.min_last.min(t.last);
        }
        saved
    }

    fn give_back(&mut self, i: usize, saved: Vec<Window>) {
        if let Some(n) = self.used.get_mut(&i) {
            *n -= 1;
        }
        self.chosen.pop();
        self.windows = saved;
    }

    fn search(&mut self, plan: &Plan, b: Bounds, k: Cont) -> Result<bool, Undecided> {
        match plan {
            Plan::Leaf(l) => self.leaf(*l, b, 0, k).map(|r| r.0),
            Plan::Or(x, y) => Ok(self.search(x, b, k)? || self.search(y, b, k)?),
            Plan::And(x, y) => self.search(x, b, &mut |s: &mut Search| s.search(y, b, k)),
            Plan::FollowedBy(x, y) => {
                let from = self.chosen.len();
                self.search(x, b, &mut |s: &mut Search| {
                    let latest_first = s.chosen[from..]
                        .iter()
                        .map(|i| s.times[*i].first)
                        .max()
                        .unwrap_or(i64::MIN);
                    let right = b.and(Bounds {
                        first_le: i64::MAX,
                        last_ge: latest_first,
                    });
                    s.search(y, right, k)
                })
            }
            Plan::Within(e, d) => {
                self.windows.push(Window {
                    d: *d,
                    max_first: i64::MIN,
                    min_last: i64::MAX,
                });
                let r = self.search(e, b, &mut |s: &mut Search| {
                    // What follows the window is not bound by it.
                    let w = s.windows.pop();
                    let r = k(s);
                    s.windows.extend(w);
                    r
                });
                self.windows.pop();
                r
            }
            Plan::StartStop(e, start, stop) => {
                if start >= stop {
                    return Ok(false);
                }
                let w = b.and(Bounds {
                    first_le: stop - 1,
                    last_ge: *start,
                });
                self.search(e, w, k)
            }
            Plan::Repeats(e, n) => match &**e {
                Plan::Leaf(l) => self.repeat_leaf(*l, *n, b, 0, k),
                _ => self.repeat(e, *n, b, k),
            },
        }
    }

    /// Each free admitted candidate of leaf `l` from position `from`, in order; with the position
    /// that continued.
    fn leaf(
        &mut self,
        l: usize,
        b: Bounds,
        from: usize,
        k: Cont,
    ) -> Result<(bool, usize), Undecided> {
        let cands = self.cands;
        for (pos, &i) in cands[l].iter().enumerate().skip(from) {
            self.step()?;
            if !self.admits(b, i) || !self.free(i) {
                continue;
            }
            let saved = self.take(i);
            let r = k(self);
            self.give_back(i, saved);
            if r? {
                return Ok((true, pos));
            }
        }
        Ok((false, 0))
    }

    /// `n` observations of one leaf, taken in candidate order (an observation counted up to its
    /// `number_observed`).
    fn repeat_leaf(
        &mut self,
        l: usize,
        n: u64,
        b: Bounds,
        from: usize,
        k: Cont,
    ) -> Result<bool, Undecided> {
        if n == 0 {
            return k(self);
        }
        // Not enough left: stop before trying.
        let cands = self.cands;
        let mut room = 0u64;
        for &i in &cands[l][from.min(cands[l].len())..] {
            if self.admits(b, i) {
                room = room
                    .saturating_add(self.times[i].count - self.used.get(&i).copied().unwrap_or(0));
                if room >= n {
                    break;
                }
            }
        }
        if room < n {
            return Ok(false);
        }
        for (pos, &i) in cands[l].iter().enumerate().skip(from) {
            self.step()?;
            if !self.admits(b, i) || !self.free(i) {
                continue;
            }
            let saved = self.take(i);
            // The same observation again (if it counts more than once), or a later one.
            let r = self.repeat_leaf(l, n - 1, b, pos, k);
            self.give_back(i, saved);
            if r? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn repeat(&mut self, e: &Plan, n: u64, b: Bounds, k: Cont) -> Result<bool, Undecided> {
        if n == 0 {
            return k(self);
        }
        self.search(e, b, &mut |s: &mut Search| s.repeat(e, n - 1, b, k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(first: i64, last: i64, count: u64) -> Times {
        Times { first, last, count }
    }
    fn leaf(i: usize) -> Box<Plan> {
        Box::new(Plan::Leaf(i))
    }

    #[test]
    fn and_needs_two_observations_and_number_observed_counts() {
        let plan = Plan::And(leaf(0), leaf(1));
        let one = [t(0, 0, 1)];
        assert_eq!(solve(&plan, &one, &[vec![0], vec![0]]), Ok(None));
        let twice = [t(0, 0, 2)];
        assert_eq!(solve(&plan, &twice, &[vec![0], vec![0]]), Ok(Some(vec![0])));
        let two = [t(0, 0, 1), t(5, 5, 1)];
        assert_eq!(
            solve(&plan, &two, &[vec![0, 1], vec![0]]),
            Ok(Some(vec![0, 1]))
        );
    }

    #[test]
    fn followed_by_within_and_start_stop_read_the_intervals() {
        let times = [
            t(0, 0, 1),
            t(5_000_000, 5_000_000, 1),
            t(10_000_000, 10_000_000, 1),
        ];
        let fb = Plan::FollowedBy(leaf(0), leaf(1));
        assert_eq!(solve(&fb, &times, &[vec![2], vec![0]]), Ok(None));
        assert_eq!(
            solve(&fb, &times, &[vec![0], vec![2]]),
            Ok(Some(vec![0, 2]))
        );
        let within = |d| Plan::Within(Box::new(Plan::And(leaf(0), leaf(1))), d);
        assert_eq!(
            solve(&within(4_999_999), &times, &[vec![0], vec![1]]),
            Ok(None)
        );
        assert_eq!(
            solve(&within(5_000_000), &times, &[vec![0], vec![1]]),
            Ok(Some(vec![0, 1]))
        );
        let ss = |a, b| Plan::StartStop(leaf(0), a, b);
        assert_eq!(
            solve(&ss(5_000_000, 5_000_001), &times, &[vec![0, 1, 2]]),
            Ok(Some(vec![1]))
        );
        assert_eq!(
            solve(&ss(5_000_001, 10_000_000), &times, &[vec![0, 1, 2]]),
            Ok(None)
        );
        assert_eq!(solve(&ss(7, 7), &times, &[vec![0, 1, 2]]), Ok(None));
    }

    #[test]
    fn repeats_count_and_the_hard_case_is_decided() {
        // 20 observations a second apart: ten of them never fit in eight seconds.
        let times: Vec<Times> = (0..20)
            .map(|i| t(i * 1_000_000, i * 1_000_000, 1))
            .collect();
        let all = vec![(0..20).collect::<Vec<usize>>()];
        let rep = |d| Plan::Within(Box::new(Plan::Repeats(leaf(0), 10)), d);
        assert_eq!(solve(&rep(8_000_000), &times, &all), Ok(None));
        assert_eq!(
            solve(&rep(9_000_000), &times, &all),
            Ok(Some((0..10).collect()))
        );
        let nested = Plan::Repeats(Box::new(Plan::FollowedBy(leaf(0), leaf(0))), 10);
        assert_eq!(
            solve(&nested, &times, &all).map(|b| b.map(|b| b.len())),
            Ok(Some(20))
        );
    }
}
