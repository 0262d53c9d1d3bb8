//! `entente match`: STIX 2.1 indicators against observed data, from files, without a node.
//!
//! The contract (other tools call it; it does not change): `--indicators` is JSON Lines, one
//! `indicator` a line; `--observations` is JSON Lines, one `observed-data` a line, its SCOs either
//! in its (deprecated) `objects` dictionary or as SCO lines of the same file that its
//! `object_refs` name (before or after it). SCOs no observed-data names, and domain objects, are
//! ignored. The output is one JSON line per indicator that matched, in the indicators' order —
//! `{"indicator": ID, "observed_data_refs": [IDS]}`, the observed-data of the first binding found —
//! and `{"indicator": ID, "error": MESSAGE}` for one whose pattern does not parse or cannot be
//! matched against this data. Lines that are not what they should be are reported on standard
//! error and left out. The exit status is 0 whenever the run completed, and not 0 only when a
//! file cannot be read. A progress bar shows on a terminal.
//!
//! Observations are read in chunks, parsed and matched on every core (rayon), and recorded in
//! input order; an observed-data whose SCOs come later in the file waits for the end.

use anyhow::{Context, Result};
use entente_pattern::batch::{Batch, Outcome};
use entente_pattern::compile::Compiled;
use entente_pattern::index::{Matcher, Seen};
use entente_pattern::observed::{Observed, Times, NOT_OBSERVABLE};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

const CHUNK: usize = 8192;

/// An indicator read: its id, and its pattern compiled or why not.
struct Indicator {
    id: String,
    pattern: Result<usize, String>,
}

fn read_indicators(path: &Path) -> Result<(Vec<Indicator>, Vec<Compiled>)> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("reading the indicators {}", path.display()))?;
    let mut out = Vec::new();
    let mut compiled = Vec::new();
    for (n, line) in lines(file) {
        let line = line.with_context(|| format!("reading the indicators {}", path.display()))?;
        let Some(line) = line else {
            eprintln!("{}: line {n}: not UTF-8; left out", path.display());
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("{}: line {n}: not JSON ({e}); left out", path.display());
                continue;
            }
        };
        if v.get("type").and_then(Value::as_str) != Some("indicator") {
            eprintln!("{}: line {n}: not an indicator; left out", path.display());
            continue;
        }
        let Some(id) = v.get("id").and_then(Value::as_str) else {
            eprintln!(
                "{}: line {n}: an indicator without an id; left out",
                path.display()
            );
            continue;
        };
        let pattern = match (
            v.get("pattern").and_then(Value::as_str),
            v.get("pattern_type").and_then(Value::as_str),
        ) {
            (_, Some(t)) if t != "stix" => Err(format!(
                "pattern_type `{t}`: only STIX patterning (`stix`) is matched"
            )),
            (None, _) => Err("the indicator has no pattern".to_string()),
            (Some(p), _) => entente_pattern::parse(p)
                .map_err(|e| format!("the pattern does not parse: {e}"))
                .and_then(|ast| Compiled::new(&ast))
                .map(|c| {
                    compiled.push(c);
                    compiled.len() - 1
                }),
        };
        out.push(Indicator {
            id: id.to_string(),
            pattern,
        });
    }
    Ok((out, compiled))
}

/// Numbered lines, `None` for one that is not UTF-8; I/O errors end the file.
fn lines(r: impl Read) -> impl Iterator<Item = (usize, std::io::Result<Option<String>>)> {
    let mut r = BufReader::with_capacity(1 << 20, r);
    let mut n = 0;
    std::iter::from_fn(move || {
        let mut buf = Vec::new();
        match r.read_until(b'\n', &mut buf) {
            Ok(0) => None,
            Ok(_) => {
                n += 1;
                Some((n, Ok(String::from_utf8(buf).ok())))
            }
            Err(e) => Some((n, Err(e))),
        }
    })
}

enum Line {
    Observed(Value),
    Sco(String),
    Skip,
    Bad(String),
}

fn classify(text: &str) -> Line {
    if text.trim().is_empty() {
        return Line::Skip;
    }
    let v: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Line::Bad(format!("not JSON ({e})")),
    };
    match v.get("type").and_then(Value::as_str) {
        Some("observed-data") => Line::Observed(v),
        Some(t) if NOT_OBSERVABLE.contains(&t) => Line::Skip,
        Some(_) => match v.get("id").and_then(Value::as_str) {
            Some(id) => Line::Sco(id.to_string()),
            None => Line::Bad("an object without an id".into()),
        },
        None => Line::Bad("an object without a type".into()),
    }
}

/// An observed-data waiting to be matched: its position among the observed-data, its line.
struct Pending {
    at: usize,
    line: usize,
    od: Value,
}

fn refs_present(od: &Value, scos: &HashMap<String, Box<str>>) -> bool {
    od.get("object_refs")
        .and_then(Value::as_array)
        .is_none_or(|refs| {
            refs.iter()
                .filter_map(Value::as_str)
                .all(|r| scos.contains_key(r))
        })
}

type Done = (usize, usize, Result<(Times, Seen), String>);

fn see(matcher: &Matcher, scos: &HashMap<String, Box<str>>, batch: Vec<Pending>) -> Vec<Done> {
    batch
        .into_par_iter()
        .map(|p| {
            let sco = |id: &str| -> Option<Value> {
                scos.get(id).and_then(|t| serde_json::from_str(t).ok())
            };
            let r = Observed::read(&p.od, &sco).map(|o| (Times::from(&o), matcher.observe(&o)));
            (p.at, p.line, r)
        })
        .collect()
}

/// Runs the match and writes the result lines to `out`.
pub fn run(indicators: &Path, observations: &Path, out: &mut dyn Write) -> Result<()> {
    let (inds, compiled) = read_indicators(indicators)?;
    let matcher = Matcher::new(compiled).map_err(anyhow::Error::msg)?;
    let mut batch = Batch::new(matcher);
    let file = std::fs::File::open(observations)
        .with_context(|| format!("reading the observations {}", observations.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = crate::progress::bar(size, "observations");
    let file = bar.wrap_read(file);
    let mut scos: HashMap<String, Box<str>> = HashMap::new();
    let mut ids: Vec<String> = Vec::new();
    let mut waiting: Vec<Pending> = Vec::new();
    let mut chunk: Vec<(usize, String)> = Vec::with_capacity(CHUNK);
    let name = observations.display().to_string();
    let record = |batch: &mut Batch, done: Vec<Done>| {
        for (at, line, r) in done {
            match r {
                Ok((times, seen)) => batch.record(at, times, seen),
                Err(e) => eprintln!("{name}: line {line}: {e}; left out"),
            }
        }
    };
    let mut lines = lines(file).peekable();
    loop {
        chunk.clear();
        while chunk.len() < CHUNK {
            match lines.next() {
                None => break,
                Some((n, r)) => {
                    let r = r.with_context(|| {
                        format!("reading the observations {}", observations.display())
                    })?;
                    match r {
                        Some(text) => chunk.push((n, text)),
                        None => {
                            eprintln!("{}: line {n}: not UTF-8; left out", observations.display())
                        }
                    }
                }
            }
        }
        if chunk.is_empty() {
            break;
        }
        let kinds: Vec<Line> = chunk.par_iter().map(|(_, t)| classify(t)).collect();
        let mut ready = Vec::new();
        for ((n, text), kind) in chunk.drain(..).zip(kinds) {
            match kind {
                Line::Observed(od) => {
                    let at = ids.len();
                    ids.push(
                        od.get("id")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                    );
                    ready.push(Pending { at, line: n, od });
                }
                Line::Sco(id) => {
                    scos.insert(id, text.into_boxed_str());
                }
                Line::Skip => {}
                Line::Bad(e) => eprintln!("{}: line {n}: {e}; left out", observations.display()),
            }
        }
        let (now, later): (Vec<Pending>, Vec<Pending>) =
            ready.into_iter().partition(|p| refs_present(&p.od, &scos));
        waiting.extend(later);
        let done = see(&batch.matcher, &scos, now);
        record(&mut batch, done);
    }
    let done = see(&batch.matcher, &scos, std::mem::take(&mut waiting));
    record(&mut batch, done);
    bar.finish_and_clear();
    let outcomes = batch.finish();
    for ind in inds {
        let line = match ind.pattern {
            Err(e) => json!({"indicator": ind.id, "error": e}),
            Ok(p) => match &outcomes[p] {
                Outcome::NoMatch => continue,
                Outcome::Error(e) => json!({"indicator": ind.id, "error": e}),
                Outcome::Matched(obs) => json!({
                    "indicator": ind.id,
                    "observed_data_refs": obs.iter().map(|i| ids[*i].as_str()).collect::<Vec<_>>(),
                }),
            },
        };
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(())
}
