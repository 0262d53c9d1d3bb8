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
    let mut read: Vec<IndicatorLine> = Vec::new();
    for (n, line) in lines(file) {
        let line = line.with_context(|| format!("reading the indicators {}", path.display()))?;
        let Some(line) = line else {
            eprintln!("{}: line {n}: not UTF-8; left out", path.display());
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        match indicator_line(&line) {
            Ok(i) => read.push(i),
            Err(e) => eprintln!("{}: line {n}: {e}; left out", path.display()),
        }
    }
    // Patterns compile on every core.
    let compiled: Vec<Result<Compiled, String>> = read
        .par_iter()
        .map(|(_, p)| {
            let p = p.as_ref().map_err(Clone::clone)?;
            entente_pattern::parse(p)
                .map_err(|e| format!("the pattern does not parse: {e}"))
                .and_then(|ast| Compiled::new(&ast))
        })
        .collect();
    let mut out = Vec::with_capacity(read.len());
    let mut patterns = Vec::new();
    for ((id, _), c) in read.into_iter().zip(compiled) {
        let pattern = c.map(|c| {
            patterns.push(c);
            patterns.len() - 1
        });
        out.push(Indicator { id, pattern });
    }
    Ok((out, patterns))
}

/// An indicator read: its id, and its STIX pattern or why it has none to match.
type IndicatorLine = (String, Result<String, String>);

/// An indicator line; refused (why) when it is not one.
fn indicator_line(line: &str) -> std::result::Result<IndicatorLine, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    if v.get("type").and_then(Value::as_str) != Some("indicator") {
        return Err("not an indicator".into());
    }
    let id = v
        .get("id")
        .and_then(Value::as_str)
        .ok_or("an indicator without an id")?;
    let pattern = match (
        v.get("pattern").and_then(Value::as_str),
        v.get("pattern_type").and_then(Value::as_str),
    ) {
        (_, Some(t)) if t != "stix" => Err(format!(
            "pattern_type `{t}`: only STIX patterning (`stix`) is matched"
        )),
        (None, _) => Err("the indicator has no pattern".to_string()),
        (Some(p), _) => Ok(p.to_string()),
    };
    Ok((id.to_string(), pattern))
}

/// Numbered lines, `None` for one that is not UTF-8; I/O errors end the file. Each line is
/// read into one buffer and copied out at its size.
fn lines(r: impl Read) -> impl Iterator<Item = (usize, std::io::Result<Option<String>>)> {
    let mut r = BufReader::with_capacity(1 << 20, r);
    let mut n = 0;
    let mut buf = Vec::with_capacity(1 << 12);
    std::iter::from_fn(move || {
        buf.clear();
        match r.read_until(b'\n', &mut buf) {
            Ok(0) => None,
            Ok(_) => {
                n += 1;
                let text = std::str::from_utf8(&buf)
                    .ok()
                    .map(|t| t.trim_end().to_owned());
                Some((n, Ok(text)))
            }
            Err(e) => Some((n, Err(e))),
        }
    })
}

enum Line {
    Observed,
    Sco(String),
    Skip,
    Bad(String),
}

/// What a line holds, read without building it: its `type` and `id` only (the rest is skipped).
#[derive(serde::Deserialize)]
struct Head<'a> {
    #[serde(borrow, rename = "type")]
    ty: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<std::borrow::Cow<'a, str>>,
}

fn classify(text: &str) -> Line {
    if text.trim().is_empty() {
        return Line::Skip;
    }
    let head: Head = match serde_json::from_str(text) {
        Ok(h) => h,
        Err(e) => return Line::Bad(format!("not JSON ({e})")),
    };
    match head.ty.as_deref() {
        Some("observed-data") => Line::Observed,
        Some(t) if NOT_OBSERVABLE.contains(&t) => Line::Skip,
        Some(_) => match head.id {
            Some(id) => Line::Sco(id.into_owned()),
            None => Line::Bad("an object without an id".into()),
        },
        None => Line::Bad("an object without a type".into()),
    }
}

/// An observed-data waiting to be matched: its position among the observed-data, its line.
struct Pending {
    at: usize,
    line: usize,
    text: String,
}

/// The SCO lines read so far, by id, in shards filled in parallel.
struct Scos {
    shards: Vec<rustc_hash::FxHashMap<Box<str>, Box<str>>>,
}

const SHARDS: usize = 16;

fn shard_of(id: &str) -> usize {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(id) as usize % SHARDS
}

impl Scos {
    fn new() -> Scos {
        Scos {
            shards: (0..SHARDS).map(|_| Default::default()).collect(),
        }
    }

    fn get(&self, id: &str) -> Option<&str> {
        self.shards[shard_of(id)].get(id).map(|t| &**t)
    }

    /// Adds a chunk's SCO lines, each shard on its own thread.
    fn extend(&mut self, lines: Vec<(String, String)>) {
        let mut by_shard: Vec<Vec<(String, String)>> = (0..SHARDS).map(|_| Vec::new()).collect();
        for (id, text) in lines {
            by_shard[shard_of(&id)].push((id, text));
        }
        self.shards
            .par_iter_mut()
            .zip(by_shard)
            .for_each(|(shard, lines)| {
                for (id, text) in lines {
                    shard.insert(id.into_boxed_str(), text.into_boxed_str());
                }
            });
    }
}

/// What became of an observed-data: matched (its id, times, what it did), waiting for SCOs not
/// read yet, or left out (why).
enum Fate {
    Done(String, Times, Seen),
    Waiting(Pending),
    Bad(usize, String),
}

/// Matches a batch of observed-data, in parallel; on the last pass (`last`), SCOs still missing
/// are left out as the reference leaves them out.
fn see(matcher: &Matcher, scos: &Scos, batch: Vec<Pending>, last: bool) -> Vec<(usize, Fate)> {
    batch
        .into_par_iter()
        .map(|p| {
            let missing = std::cell::Cell::new(false);
            let sco = |id: &str| -> Option<Value> {
                match scos.get(id) {
                    Some(t) => serde_json::from_str(t).ok(),
                    None => {
                        missing.set(true);
                        None
                    }
                }
            };
            let at = p.at;
            let r = match Observed::parse(&p.text, &sco) {
                Err(e) => Fate::Bad(p.line, e),
                Ok(_) if missing.get() && !last => Fate::Waiting(p),
                Ok(o) => {
                    let (seen, times) = (matcher.observe(&o), Times::from(&o));
                    Fate::Done(o.id, times, seen)
                }
            };
            (at, r)
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
    let mut scos = Scos::new();
    let mut ids: Vec<String> = Vec::new();
    let mut waiting: Vec<Pending> = Vec::new();
    let mut chunk: Vec<(usize, String)>;
    let name = observations.display().to_string();
    let record = |batch: &mut Batch,
                  ids: &mut Vec<String>,
                  done: Vec<(usize, Fate)>,
                  waiting: &mut Vec<Pending>| {
        for (at, r) in done {
            match r {
                Fate::Done(id, times, seen) => {
                    ids[at] = id;
                    batch.record(at, times, seen);
                }
                Fate::Waiting(p) => waiting.push(p),
                Fate::Bad(line, e) => eprintln!("{name}: line {line}: {e}; left out"),
            }
        }
    };
    // A thread reads the file in chunks of lines while the chunk before is matched.
    let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Vec<(usize, String)>>>(2);
    let shown = observations.display().to_string();
    let reader = std::thread::spawn(move || {
        let mut lines = lines(file);
        loop {
            let mut chunk = Vec::with_capacity(CHUNK);
            while chunk.len() < CHUNK {
                match lines.next() {
                    None => break,
                    Some((_, Err(e))) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                    Some((n, Ok(Some(text)))) => chunk.push((n, text)),
                    Some((n, Ok(None))) => eprintln!("{shown}: line {n}: not UTF-8; left out"),
                }
            }
            let last = chunk.is_empty();
            if tx.send(Ok(chunk)).is_err() || last {
                return;
            }
        }
    });
    let mut count = 0;
    for received in rx {
        chunk = received
            .with_context(|| format!("reading the observations {}", observations.display()))?;
        if chunk.is_empty() {
            break;
        }
        let kinds: Vec<Line> = chunk.par_iter().map(|(_, t)| classify(t)).collect();
        let mut ready = Vec::new();
        let mut new_scos = Vec::new();
        for ((n, text), kind) in chunk.drain(..).zip(kinds) {
            match kind {
                // Its position: its order among the observed-data of the file.
                Line::Observed => {
                    ready.push(Pending {
                        at: count,
                        line: n,
                        text,
                    });
                    count += 1;
                }
                Line::Sco(id) => new_scos.push((id, text)),
                Line::Skip => {}
                Line::Bad(e) => eprintln!("{}: line {n}: {e}; left out", observations.display()),
            }
        }
        scos.extend(new_scos);
        ids.resize(count, String::new());
        let done = see(&batch.matcher, &scos, ready, false);
        record(&mut batch, &mut ids, done, &mut waiting);
    }
    let _ = reader.join();
    let done = see(&batch.matcher, &scos, std::mem::take(&mut waiting), true);
    record(&mut batch, &mut ids, done, &mut waiting);
    bar.finish_and_clear();
    // What was read is not dropped piece by piece: the process ends with the output.
    std::mem::forget(scos);
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
