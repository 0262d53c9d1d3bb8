//! Screening in the node: the register of designated persons and organizations as
//! `x-entente-register-entry` objects, and an index of them that follows every change.
//!
//! **Entries.** A register entry is a STIX object of the project's type (DESIGN.md, fixed
//! identifiers) with `kind` (`person` or `organization`), `names` (any script), `birth_dates`
//! (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), `nationalities` (ISO 3166-1 alpha-2), `identifiers`
//! and `status` (`proposed`, `designated` or `delisted`). An entry its state designates is on the
//! state's **national list** at once; an entry the organization designates by an adopted
//! decision (`crate::governance`) is on the **unified list**; a match says which.
//! Entries are stored, signed and shared like every other object; the marking and audience
//! decide who sees them.
//!
//! **Index.** [`crate::screen_index::ScreenIndex`] holds the index of the latest version of every designated entry,
//! each with its access label. A stored register entry bumps a generation counter; the next
//! screening request finds its index older than the counter and rebuilds it (on the CPU pool,
//! one rebuild at a time) before it answers, so an answer never misses a change that was
//! acknowledged before it was asked. Matches are restricted to entries the asker may see
//! (`entente_core::may_see`) *before* they are ranked: an entry the asker may not see neither
//! appears nor takes another's place.
//!
//! Rebuilding is whole: fine for registers of tens of thousands of entries (20k in about 0.4 s),
//! slow for a million (about 13 s). An incremental index is left for when registers grow.

use crate::error::NodeError;
use crate::node::Node;
use crate::screen_index::{Indexed, Loaded, WarningSubject};
use entente_core::text::is_blank;
use entente_core::AccessLabel;
use entente_screen::matcher::{Entry, Match, PartialDate, Register};
use entente_screen::parts::Kind;
use entente_store::ScanFilter;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// The STIX type of register entries.
pub const REGISTER_TYPE: &str = "x-entente-register-entry";

/// The node's screening index, rebuilt first if the register changed since it was built.
pub async fn index(node: &Arc<Node>) -> Result<Arc<Indexed>, NodeError> {
    node.screening
        .current(&node.screening_pool, || async {
            let (entries, labels, modified, decisions) = load_entries(node).await?;
            let mut loaded = Loaded {
                warnings: vec![None; entries.len()],
                decisions,
                entries,
                labels,
                modified,
            };
            for (entry, label, m, w) in load_warning_subjects(node).await? {
                loaded.entries.push(entry);
                loaded.labels.push(label);
                loaded.modified.push(m);
                loaded.warnings.push(Some(w));
                loaded.decisions.push(None);
            }
            Ok(loaded)
        })
        .await
}

/// Whether storing an object of this type may change what screening matches: a register entry,
/// a warning, or a review (which can make a warning published).
pub fn affects_screening(object_type: &str) -> bool {
    matches!(
        object_type,
        REGISTER_TYPE | entente_workflow::warning::WARNING_TYPE | "opinion"
    )
}

/// The subjects of the published warnings about persons that the node holds, each with its
/// warning's label and review date. The status is the node's own derivation from every version
/// and review it holds; each query then keeps only what its asker may see, and what has not
/// expired.
async fn load_warning_subjects(
    node: &Node,
) -> Result<Vec<(Entry, AccessLabel, String, WarningSubject)>, NodeError> {
    use entente_workflow::warning::{Thread, WARNING_TYPE};
    use entente_workflow::Life;
    let warnings = entente_workflow::Warnings::default();
    let filter = ScanFilter {
        types: vec![WARNING_TYPE.to_owned(), "opinion".to_owned()],
        with_json: true,
        ..ScanFilter::default()
    };
    // The versions and the reviews of each warning, by the root each names.
    let mut parts: HashMap<String, Vec<entente_workflow::Part>> = HashMap::new();
    crate::read::each_intact_row(node, &filter, |row| {
        let Some(part) = crate::read::part_of(&row) else {
            return;
        };
        if let Some(root) = warnings.root_of(&row.object_type, &part.object) {
            parts.entry(root).or_default().push(part);
        }
    })
    .await?;
    let files: HashMap<String, Thread> = parts
        .into_iter()
        .filter_map(|(root, parts)| Some((root.clone(), Thread::of(&root, parts)?)))
        .collect();
    let now = node.now_us().saturating_mul(1000);
    let mut out = Vec::new();
    let mut ids: Vec<&String> = files.keys().collect();
    ids.sort();
    for id in ids {
        let file = &files[id];
        let Some(derived) = file.status(now) else {
            continue;
        };
        if derived.status != entente_core::warning::Status::Published {
            continue;
        }
        let Some(latest) = file.latest() else {
            continue;
        };
        let Ok(fields) = entente_workflow::warning::fields_of(&latest.object) else {
            continue;
        };
        if !fields.kind.about_a_person() {
            continue;
        }
        let subject: entente_workflow::warning::Subject = match latest.object.get("subject") {
            Some(s) => serde_json::from_value(s.clone()).unwrap_or_default(),
            None => continue,
        };
        if subject.names.iter().all(|n| is_blank(n)) {
            continue;
        }
        let entry = Entry {
            id: id.clone(),
            kind: Kind::Person,
            names: subject.names.clone(),
            birth_date: subject
                .birth_dates
                .first()
                .and_then(|d| PartialDate::parse(d).ok()),
            nationality: subject.nationalities.clone(),
        };
        let w = WarningSubject {
            kind: fields.kind.as_str().to_owned(),
            title: latest
                .object
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            issuer: latest.originator.to_string(),
            expires_ns: derived.latest.review_date_ns,
        };
        let modified = latest
            .object
            .get("modified")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        out.push((entry, latest.label.clone(), modified, w));
    }
    Ok(out)
}

/// What the register gives the index: entries, their labels, their `modified`, and for each on
/// the unified list the decision that designated it.
type LoadedEntries = (
    Vec<Entry>,
    Vec<AccessLabel>,
    Vec<String>,
    Vec<Option<String>>,
);

/// Reads the latest version of every register entry on a list: designated by its state (the
/// national list), or designated on the organization's unified list by an adopted decision (in
/// the effective charter) and not delisted by its state.
async fn load_entries(node: &Node) -> Result<LoadedEntries, NodeError> {
    let unified = node.effective.current().effective.unified.clone();
    let latest = crate::read::latest_of_type(node, REGISTER_TYPE, |row| {
        let Ok(object) = serde_json::from_str::<Value>(&row.json) else {
            tracing::warn!(id = %row.id, "a stored register entry is not JSON; left out of screening");
            return None;
        };
        let modified = object
            .get("modified")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let by_decision = unified.contains_key(&row.id);
        let entry = match entry_of(&object, by_decision) {
            Ok(e) => e,
            Err(why) => {
                tracing::warn!(id = %row.id, %why, "a register entry left out of screening");
                None
            }
        };
        Some((entry, modified))
    })
    .await?;
    let (mut entries, mut labels, mut modified, mut decisions) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (id, (entry, m), label) in latest {
        if let Some(entry) = entry {
            decisions.push(unified.get(&id).cloned());
            entries.push(entry);
            labels.push(label);
            modified.push(m);
        }
    }
    Ok((entries, labels, modified, decisions))
}

/// The most names an entry or a query may hold.
pub const MAX_NAMES: usize = 100;

/// Checks the names of an entry or a query (see `entente_screen::matcher::check_name`); answers
/// their total size in name parts, the unit of screening work.
pub fn check_names(names: &[String]) -> Result<usize, entente_screen::ScreenError> {
    if names.is_empty() {
        return Err(entente_screen::ScreenError::NoName);
    }
    if let Some(index) = names.iter().position(|n| is_blank(n)) {
        return Err(entente_screen::ScreenError::BlankName { index: index + 1 });
    }
    if names.len() > MAX_NAMES {
        return Err(entente_screen::ScreenError::TooManyNames { max: MAX_NAMES });
    }
    let mut size = 0;
    for n in names {
        size += entente_screen::matcher::check_name(n)?;
    }
    Ok(size)
}

/// The strings of a list (an object's `names`, `birth_dates`...); none if it is absent.
pub fn strings_in(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The screening entry of a register entry object; `None` when it is on no list: neither
/// designated by its state nor, while proposed or designated, on the unified list
/// (`by_decision`: an adopted decision designated it). A delisted entry is on neither.
pub fn entry_of(object: &Value, by_decision: bool) -> Result<Option<Entry>, String> {
    let listed = match object.get("status").and_then(Value::as_str) {
        Some("designated") => true,
        Some("proposed") => by_decision,
        _ => false,
    };
    if !listed {
        return Ok(None);
    }
    let id = object
        .get("id")
        .and_then(Value::as_str)
        .ok_or("no `id`")?
        .to_owned();
    let kind = match object.get("kind").and_then(Value::as_str) {
        Some("person") => Kind::Person,
        Some("organization") => Kind::Organization,
        _ => return Err("`kind` must be `person` or `organization`".into()),
    };
    let strings = |key: &str| strings_in(object.get(key));
    let names = strings("names");
    if names.iter().all(|n| is_blank(n)) {
        return Err("`names` holds no name".into());
    }
    let birth_date = strings("birth_dates")
        .first()
        .map(|d| PartialDate::parse(d))
        .transpose()
        .map_err(|e| e.to_string())?;
    Ok(Some(Entry {
        id,
        kind,
        names,
        birth_date,
        nationality: strings("nationalities")
            .into_iter()
            .map(|n| n.to_uppercase())
            .collect(),
    }))
}

/// How the date of birth or nationality weighed in a match.
pub fn evidence_str(e: entente_screen::matcher::Evidence) -> &'static str {
    use entente_screen::matcher::Evidence;
    match e {
        Evidence::Agrees => "agrees",
        Evidence::Differs => "differs",
        Evidence::Unknown => "unknown",
    }
}

/// A match as the CLI and the API answer it: the entry, the score, the listed name that
/// matched, and which part met which.
pub fn match_json(register: &Register, m: &Match) -> Value {
    let entry = register
        .entries()
        .get(m.entry)
        .map_or("", |e| e.id.as_str());
    serde_json::json!({
        "entry": entry,
        "score": m.score,
        "name": m.name,
        "explanation": {
            "parts": m.parts.iter().map(|p| {
                let mut part = serde_json::json!({
                    "query": p.query, "listed": p.listed, "similarity": p.similarity,
                });
                if let Some(via) = &p.via {
                    part["via"] = serde_json::json!(via);
                }
                part
            }).collect::<Vec<_>>(),
            "unmatched": m.unmatched,
            "birth_date": evidence_str(m.birth_date),
            "nationality": evidence_str(m.nationality),
        },
    })
}
