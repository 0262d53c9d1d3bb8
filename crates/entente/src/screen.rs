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
use entente_screen::matcher::{Entry, Match, PartialDate, Query, Register};
use entente_screen::parts::Kind;
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// Where the name-variant table is looked for when no path is given: `ENTENTE_NAME_VARIANTS`,
/// then this path (relative to the working directory), where `scripts/fetch-name-variants`
/// puts it.
pub const DEFAULT_VARIANTS: &str = "data/name-variants/person_names.txt";

/// Loads the name-variant table: from `path` when given (it must be readable), else from the
/// default places; without one, screening still runs, on spelling rules alone, and says so.
pub fn load_groups(path: Option<&Path>, off: bool) -> Result<Arc<NameGroups>> {
    if off {
        return Ok(Arc::new(NameGroups::default()));
    }
    let env = std::env::var_os("ENTENTE_NAME_VARIANTS").map(std::path::PathBuf::from);
    let (path, required) = match (path, env) {
        (Some(p), _) => (p.to_path_buf(), true),
        (None, Some(p)) => (p, true),
        (None, None) => (std::path::PathBuf::from(DEFAULT_VARIANTS), false),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let groups =
                NameGroups::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            Ok(Arc::new(groups))
        }
        Err(e) if required => {
            Err(e).with_context(|| format!("reading the name-variant table {}", path.display()))
        }
        Err(_) => {
            eprintln!(
                "note: no name-variant table at {}; screening on spelling rules alone (run scripts/fetch-name-variants, or pass --variants)",
                path.display()
            );
            Ok(Arc::new(NameGroups::default()))
        }
    }
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

#[derive(Deserialize)]
struct ListLine {
    id: String,
    names: Vec<String>,
    kind: Option<String>,
    birth_date: Option<String>,
    #[serde(default)]
    nationality: Nationality,
}

/// Nationality as a list (`["KZ", "RU"]`) or a string (`"KZ"`, `"KZ;RU"`).
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum Nationality {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Nationality {
    fn codes(self) -> Vec<String> {
        match self {
            Nationality::None => Vec::new(),
            Nationality::One(s) => s
                .split([';', ',', ' '])
                .filter(|c| !c.is_empty())
                .map(|c| c.trim().to_uppercase())
                .collect(),
            Nationality::Many(v) => v.into_iter().map(|c| c.trim().to_uppercase()).collect(),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct InputLine {
    id: String,
    name: String,
    birth_date: Option<String>,
    #[serde(default)]
    nationality: Nationality,
}

fn birth_date(s: Option<String>) -> Result<Option<PartialDate>, String> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => PartialDate::parse(d).map(Some),
    }
}

fn entry(line: ListLine) -> Result<Entry, String> {
    if line.names.iter().all(|n| n.trim().is_empty()) {
        return Err("`names` holds no name".into());
    }
    let kind = match line.kind.as_deref() {
        None | Some("person") => Kind::Person,
        Some("organization") => Kind::Organization,
        Some(other) => {
            return Err(format!(
                "`kind` is `{other}`; it must be `person` or `organization`"
            ))
        }
    };
    Ok(Entry {
        id: line.id,
        kind,
        names: line.names,
        birth_date: birth_date(line.birth_date)?,
        nationality: line.nationality.codes(),
    })
}

/// Reads the list; lines that cannot be read are reported on stderr and left out.
pub(crate) fn read_list(path: &Path) -> Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the list {}", path.display()))?;
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<ListLine>(line)
            .map_err(|e| e.to_string())
            .and_then(entry)
        {
            Ok(e) => entries.push(e),
            Err(e) => eprintln!("{}: line {}: {e}; left out", path.display(), n + 1),
        }
    }
    if entries.is_empty() {
        bail!("the list {} holds no usable entry", path.display());
    }
    Ok(entries)
}

/// One input line: its line number and the query, or why it could not be read.
type InputItem = (usize, Result<(String, Query), String>);

pub(crate) fn query(line: InputLine) -> Result<(String, Query), String> {
    if line.name.trim().is_empty() {
        return Err("`name` is empty".into());
    }
    Ok((
        line.id,
        Query {
            name: line.name,
            birth_date: birth_date(line.birth_date)?,
            nationality: line.nationality.codes(),
        },
    ))
}

fn read_input(path: &Path) -> Result<Vec<InputItem>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the input {}", path.display()))?;
    let json = text.trim_start().starts_with('{');
    let mut items = Vec::new();
    if json {
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let q = serde_json::from_str::<InputLine>(line)
                .map_err(|e| e.to_string())
                .and_then(query);
            items.push((n + 1, q));
        }
        return Ok(items);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .with_context(|| format!("reading the header of {}", path.display()))?
        .clone();
    for column in ["id", "name"] {
        if !headers.iter().any(|h| h == column) {
            bail!(
                "{}: the CSV header has no `{column}` column (it has: {})",
                path.display(),
                headers.iter().collect::<Vec<_>>().join(", ")
            );
        }
    }
    for (i, record) in reader.records().enumerate() {
        // The header is line 1.
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i + 2, |p| usize::try_from(p.line()).unwrap_or(i + 2));
        let q = record
            .map_err(|e| e.to_string())
            .and_then(|r| {
                if r.len() != headers.len() {
                    return Err(format!(
                        "{} fields where the header has {}",
                        r.len(),
                        headers.len()
                    ));
                }
                r.deserialize::<InputLine>(Some(&headers))
                    .map_err(|e| e.to_string())
            })
            .and_then(query);
        items.push((line, q));
    }
    Ok(items)
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
                .map_err(Clone::clone);
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
                    .map(|m| entente_server::screening::match_json(&register, m))
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
