//! `entente screen`: screens a file of names against a list, without a node.
//!
//! The list is JSON Lines, one entry a line (`id`, `names` required; `kind`, `birth_date`,
//! `nationality` optional). The input is CSV with a header (`id,name`, optional `birth_date`,
//! `nationality`) or JSON Lines with the same fields: a file whose first non-blank character is
//! `{` is read as JSON Lines. The output has one line per input line, in input order: the matches
//! at or above the threshold, best first, each with the listed name that matched and an
//! explanation; or, for a line that could not be read, `{"line": N, "error": "..."}` (in CSV, the
//! `error` column), and the rest still runs. Queries are screened in parallel on every core.

use anyhow::{bail, Context, Result};
use entente_screen::groups::NameGroups;
use entente_screen::input::{self, InputItem};
use entente_screen::matcher::{Entry, Match, Register};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// The name-variant table built into the binary: rigour's `person_names.txt` (OpenSanctions, MIT
/// licence, derived from Wikidata), taken by `build.rs` through `scripts/fetch-name-variants`.
#[cfg(entente_name_variants)]
const BUILT_IN: Option<&str> = Some(include_str!(concat!(env!("OUT_DIR"), "/person_names.txt")));
#[cfg(not(entente_name_variants))]
const BUILT_IN: Option<&str> = None;

/// Loads the name-variant table: from `path` when given (it must be readable), else from
/// `ENTENTE_NAME_VARIANTS`, else the one built in; without any (a build made without it),
/// screening still runs, on spelling rules alone, and says so.
pub fn load_groups(path: Option<&Path>, off: bool) -> Result<Arc<NameGroups>> {
    if off {
        return Ok(Arc::new(NameGroups::default()));
    }
    let env = std::env::var_os("ENTENTE_NAME_VARIANTS").map(std::path::PathBuf::from);
    let Some(path) = path.map(Path::to_path_buf).or(env) else {
        return match BUILT_IN {
            Some(text) => Ok(Arc::new(
                NameGroups::parse(text).map_err(|e| anyhow::anyhow!("the built-in table: {e}"))?,
            )),
            None => {
                eprintln!(
                    "note: this build has no name-variant table (built with ENTENTE_BUILD_WITHOUT_NAME_VARIANTS); screening on spelling rules alone (pass --variants)"
                );
                Ok(Arc::new(NameGroups::default()))
            }
        };
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the name-variant table {}", path.display()))?;
    let groups =
        NameGroups::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(Arc::new(groups))
}

/// The default threshold, calibrated on the evaluation set (`entente screen-eval --sweep`, see
/// docs/benchmarks.md): with the name-variant table, recall and false-positive rate are flat from
/// 0.82 to 0.88 (0.982 and 0.005), and 0.85 is the middle of that plateau.
pub const DEFAULT_THRESHOLD: f64 = 0.85;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Jsonl,
    Csv,
}

/// Reads the list; lines that cannot be read are reported on stderr and left out.
pub(crate) fn read_list(path: &Path) -> Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the list {}", path.display()))?;
    let (entries, bad) = input::list(&text);
    for (n, e) in bad {
        eprintln!("{}: line {n}: {e}; left out", path.display());
    }
    if entries.is_empty() {
        bail!("the list {} holds no usable entry", path.display());
    }
    Ok(entries)
}

fn read_input(path: &Path) -> Result<Vec<InputItem>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the input {}", path.display()))?;
    input::input(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// What a run did, for the closing line on stderr.
pub struct Summary {
    pub inputs: usize,
    pub errors: usize,
    pub flagged: usize,
}

/// Screens `input` against `list` and writes one line per input to `out`.
pub fn run(
    list: &Path,
    input: &Path,
    threshold: f64,
    limit: usize,
    format: Format,
    groups: Arc<NameGroups>,
    out: &mut impl Write,
) -> Result<Summary> {
    if !(0.0..=1.0).contains(&threshold) {
        bail!("--threshold must be between 0 and 1, not {threshold}");
    }
    let register = Register::with_groups(read_list(list)?, groups);
    let items = read_input(input)?;
    let bar = crate::progress::bar(items.len() as u64, "screening");
    if items.len() < 1000 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let results: Vec<Result<(String, Vec<Match>), String>> = items
        .par_iter()
        .map(|(_, q)| {
            let r = q
                .as_ref()
                .map(|(id, q)| (id.clone(), register.screen(q, threshold, limit)))
                .map_err(ToString::to_string);
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();

    let mut summary = Summary {
        inputs: items.len(),
        errors: 0,
        flagged: 0,
    };
    let mut csv_out = (format == Format::Csv).then(|| csv::Writer::from_writer(Vec::new()));
    if let Some(w) = csv_out.as_mut() {
        w.write_record([
            "id",
            "best_entry",
            "best_score",
            "best_name",
            "matches",
            "error",
        ])?;
    }
    for ((line, _), result) in items.iter().zip(results) {
        match result {
            Ok((id, matches)) => {
                if !matches.is_empty() {
                    summary.flagged += 1;
                }
                let all: Vec<Value> = matches
                    .iter()
                    .map(|m| entente_node::screening::match_json(&register, m))
                    .collect();
                match csv_out.as_mut() {
                    None => writeln!(out, "{}", json!({"id": id, "matches": all}))?,
                    Some(w) => {
                        let best = all.first();
                        let field = |k: &str| {
                            best.and_then(|b| b.get(k))
                                .map_or(String::new(), |v| match v {
                                    Value::String(s) => s.clone(),
                                    other => other.to_string(),
                                })
                        };
                        w.write_record([
                            id,
                            field("entry"),
                            field("score"),
                            field("name"),
                            Value::Array(all).to_string(),
                            String::new(),
                        ])?;
                    }
                }
            }
            Err(error) => {
                summary.errors += 1;
                eprintln!("{}: line {line}: {error}", input.display());
                match csv_out.as_mut() {
                    None => writeln!(out, "{}", json!({"line": line, "error": error}))?,
                    Some(w) => w.write_record([
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        "[]".to_owned(),
                        format!("line {line}: {error}"),
                    ])?,
                }
            }
        }
    }
    if let Some(w) = csv_out {
        out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
    }
    Ok(summary)
}
