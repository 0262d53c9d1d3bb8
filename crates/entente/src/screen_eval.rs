//! `entente screen-eval`: recall and false-positive rate of screening on a labelled set.
//!
//! The set (`bench/screening/cases.jsonl`, built by `bench/screening/make_eval.py` against
//! `bench/screening/register.jsonl`) is input lines of `entente screen` with two more fields:
//! `category` (what variation the query holds) and `expect` (the entry a correct screener
//! returns, or `null` for a hard negative, which must match nothing). A positive counts as found
//! when its entry is among the matches at the threshold; a negative counts as a false positive
//! when anything matches. Each query is screened once, at a floor below every threshold
//! reported, so the sweep of thresholds costs nothing more.

use anyhow::{bail, Context, Result};
use entente_screen::matcher::{Match, Query, Register};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

#[derive(Deserialize)]
struct CaseLine {
    category: String,
    expect: Option<String>,
    #[serde(flatten)]
    input: entente_screen::input::InputLine,
}

struct Case {
    id: String,
    category: String,
    expect: Option<String>,
    query: Query,
}

/// What screening gave for one case: the expected entry's score (positives), or the best score
/// of anything (negatives); `None` when nothing reached the floor.
struct Outcome {
    positive: bool,
    category: String,
    score: Option<f64>,
    /// The expected entry came first (positives).
    first: bool,
    /// The query and the best match, for `--misses`.
    query: String,
    best: Option<(String, f64)>,
}

/// The quality targets `--check` holds the screener to (issue 3).
const TARGET_RECALL: f64 = 0.97;
const TARGET_CATEGORY_RECALL: f64 = 0.9;
const TARGET_FPR: f64 = 0.02;

/// Scores below this are not collected; the sweep starts above it.
const FLOOR: f64 = 0.5;

fn read_cases(path: &Path) -> Result<Vec<Case>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the cases {}", path.display()))?;
    let mut cases = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let c: CaseLine = serde_json::from_str(line)
            .with_context(|| format!("{}: line {}", path.display(), n + 1))?;
        let (id, query) = entente_screen::input::query(c.input)
            .map_err(|e| anyhow::anyhow!("{}: line {}: {e}", path.display(), n + 1))?;
        cases.push(Case {
            id,
            category: c.category,
            expect: c.expect,
            query,
        });
    }
    if cases.is_empty() {
        bail!("{} holds no case", path.display());
    }
    Ok(cases)
}

fn outcome(register: &Register, case: &Case) -> Outcome {
    let matches: Vec<Match> = register.screen(&case.query, FLOOR, 10);
    let id = |m: &Match| register.entries().get(m.entry).map(|e| e.id.as_str());
    let best = matches.first().map(|m| (m.name.clone(), m.score));
    let query = case.query.name.clone();
    match &case.expect {
        Some(want) => {
            let hit = matches.iter().position(|m| id(m) == Some(want.as_str()));
            Outcome {
                positive: true,
                category: case.category.clone(),
                score: hit.and_then(|i| matches.get(i)).map(|m| m.score),
                first: hit == Some(0),
                query,
                best,
            }
        }
        None => Outcome {
            positive: false,
            category: case.category.clone(),
            score: matches.first().map(|m| m.score),
            first: false,
            query,
            best,
        },
    }
}

/// Per category at one threshold: (cases, flagged, first).
fn tally(outcomes: &[Outcome], threshold: f64) -> BTreeMap<(bool, &str), (usize, usize, usize)> {
    let mut t: BTreeMap<(bool, &str), (usize, usize, usize)> = BTreeMap::new();
    for o in outcomes {
        let e = t.entry((o.positive, o.category.as_str())).or_default();
        e.0 += 1;
        if o.score.is_some_and(|s| s >= threshold) {
            e.1 += 1;
            if o.first {
                e.2 += 1;
            }
        }
    }
    t
}

/// (recall, false-positive rate, lowest per-category recall) at a threshold.
fn summary(outcomes: &[Outcome], threshold: f64) -> (f64, f64, f64) {
    let t = tally(outcomes, threshold);
    let (mut pos, mut found, mut neg, mut flagged) = (0, 0, 0, 0);
    let mut worst = 1.0f64;
    for ((positive, _), (n, hit, _)) in &t {
        if *positive {
            pos += n;
            found += hit;
            worst = worst.min(*hit as f64 / (*n).max(1) as f64);
        } else {
            neg += n;
            flagged += hit;
        }
    }
    (
        found as f64 / pos.max(1) as f64,
        flagged as f64 / neg.max(1) as f64,
        worst,
    )
}

/// What to print, and whether to hold the screener to the targets.
#[derive(Clone)]
pub struct Options {
    pub threshold: f64,
    /// Recall and false-positive rate at thresholds from 0.60 to 0.95.
    pub sweep: bool,
    /// Every missed positive and flagged negative.
    pub misses: bool,
    /// Fail unless the targets are met.
    pub check: bool,
    /// Also time each case alone on one core and print p50/p99/max.
    pub latency: bool,
    /// Write each case's outcome here (JSON Lines: `id`, `score`), for comparisons.
    pub outcomes: Option<std::path::PathBuf>,
}

/// Runs the evaluation and prints the table, and a sweep of thresholds when asked.
pub fn run(
    list: &Path,
    cases: &Path,
    options: &Options,
    groups: std::sync::Arc<entente_screen::groups::NameGroups>,
    out: &mut impl Write,
) -> Result<()> {
    let Options {
        threshold,
        sweep,
        misses,
        check,
        latency,
        outcomes: ref outcomes_path,
    } = *options;
    if !(FLOOR..=1.0).contains(&threshold) {
        bail!("--threshold must be between {FLOOR} and 1, not {threshold}");
    }
    let started = std::time::Instant::now();
    let table = groups.size();
    let register = Register::with_groups(crate::screen::read_list(list)?, groups);
    let built = started.elapsed();
    let cases = read_cases(cases)?;
    let started = std::time::Instant::now();
    let outcomes: Vec<Outcome> = cases.par_iter().map(|c| outcome(&register, c)).collect();
    let screened = started.elapsed();
    if let Some(path) = outcomes_path {
        let mut lines = String::new();
        for (c, o) in cases.iter().zip(&outcomes) {
            lines.push_str(&serde_json::json!({"id": c.id, "score": o.score}).to_string());
            lines.push('\n');
        }
        std::fs::write(path, lines)
            .with_context(|| format!("writing the outcomes to {}", path.display()))?;
    }
    writeln!(
        out,
        "register: {} entries (indexed in {:.2} s); {} cases screened in {:.2} s",
        register.entries().len(),
        built.as_secs_f64(),
        cases.len(),
        screened.as_secs_f64()
    )?;
    writeln!(
        out,
        "name-variant table: {} groups, {} forms; threshold {threshold}",
        table.0, table.1
    )?;
    writeln!(
        out,
        "batch over {} threads: {:.0} queries/s",
        rayon::current_num_threads(),
        cases.len() as f64 / screened.as_secs_f64()
    )?;
    if latency {
        let mut by_category: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut us: Vec<f64> = cases
            .iter()
            .map(|c| {
                let t = std::time::Instant::now();
                std::hint::black_box(register.screen(&c.query, threshold, 10));
                let us = t.elapsed().as_secs_f64() * 1e6;
                by_category.entry(&c.category).or_default().push(us);
                us
            })
            .collect();
        let slowest = by_category
            .iter_mut()
            .map(|(k, v)| {
                v.sort_by(f64::total_cmp);
                (v[((v.len() as f64 - 1.0) * 0.99).round() as usize], *k)
            })
            .fold(None, |best: Option<(f64, &str)>, x| match best {
                Some(b) if b.0 >= x.0 => Some(b),
                _ => Some(x),
            });
        us.sort_by(f64::total_cmp);
        let at = |p: f64| us[((us.len() as f64 - 1.0) * p).round() as usize];
        writeln!(
            out,
            "one query at a time: p50 {:.0} us, p99 {:.0} us, max {:.0} us",
            at(0.5),
            at(0.99),
            at(1.0)
        )?;
        if let Some((p99, category)) = slowest {
            writeln!(out, "slowest category at p99: {category} ({p99:.0} us)")?;
        }
        for (category, v) in &by_category {
            writeln!(
                out,
                "  {category:<28} p50 {:>6.0} us  p99 {:>6.0} us",
                v[v.len() / 2],
                v[((v.len() as f64 - 1.0) * 0.99).round() as usize]
            )?;
        }
    }
    writeln!(
        out,
        "{:<28} {:>6} {:>8} {:>8}",
        "positives", "cases", "recall", "first"
    )?;
    let t = tally(&outcomes, threshold);
    for ((positive, category), (n, hit, first)) in t.iter().filter(|(k, _)| k.0) {
        let _ = positive;
        writeln!(
            out,
            "{category:<28} {n:>6} {:>8.3} {:>8.3}",
            *hit as f64 / (*n).max(1) as f64,
            *first as f64 / (*n).max(1) as f64
        )?;
    }
    writeln!(out, "{:<28} {:>6} {:>8}", "hard negatives", "cases", "FPR")?;
    for ((_, category), (n, hit, _)) in t.iter().filter(|(k, _)| !k.0) {
        writeln!(
            out,
            "{category:<28} {n:>6} {:>8.3}",
            *hit as f64 / (*n).max(1) as f64
        )?;
    }
    let (recall, fpr, worst) = summary(&outcomes, threshold);
    writeln!(
        out,
        "overall: recall {recall:.3}, false-positive rate {fpr:.3}, lowest category recall {worst:.3}"
    )?;
    if check {
        let mut failed = Vec::new();
        if recall < TARGET_RECALL {
            failed.push(format!("overall recall {recall:.3} < {TARGET_RECALL}"));
        }
        if worst < TARGET_CATEGORY_RECALL {
            failed.push(format!(
                "a category's recall {worst:.3} < {TARGET_CATEGORY_RECALL}"
            ));
        }
        if fpr > TARGET_FPR {
            failed.push(format!("false-positive rate {fpr:.3} > {TARGET_FPR}"));
        }
        if !failed.is_empty() {
            bail!("screening quality below target: {}", failed.join("; "));
        }
        writeln!(out, "targets met (recall >= {TARGET_RECALL}, every category >= {TARGET_CATEGORY_RECALL}, FPR <= {TARGET_FPR})")?;
    }
    if misses {
        writeln!(out, "\nmissed positives and flagged negatives:")?;
        for o in &outcomes {
            let flagged = o.score.is_some_and(|s| s >= threshold);
            if o.positive != flagged {
                let best = o
                    .best
                    .as_ref()
                    .map_or("nothing".to_owned(), |(n, s)| format!("{n} ({s})"));
                let what = if o.positive { "missed" } else { "flagged" };
                writeln!(
                    out,
                    "{what} [{}] {} -> best: {best}, expected at {:?}",
                    o.category, o.query, o.score
                )?;
            }
        }
    }
    if sweep {
        writeln!(
            out,
            "\n{:>9} {:>8} {:>8} {:>14}",
            "threshold", "recall", "FPR", "lowest recall"
        )?;
        for step in 60..=95 {
            let th = f64::from(step) / 100.0;
            let (r, f, w) = summary(&outcomes, th);
            writeln!(out, "{th:>9.2} {r:>8.3} {f:>8.3} {w:>14.3}")?;
        }
    }
    Ok(())
}
