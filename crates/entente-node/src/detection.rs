//! Detection in the node: every `observed-data` a user of this node's state posts (TAXII or REST)
//! is matched against the STIX-pattern indicators the node holds that the user may see; each
//! indicator it matches becomes a `sighting` of it — by this state, of that observation — marked
//! TLP:AMBER and addressed to the indicator's originator and this state only, which the
//! federation carries to the originator and to no one else. The observation is matched before it
//! is stored, and its sightings are stored in the same transaction (`crate::ingest`, the node's
//! objects under the node's own write guard): an acknowledged observation has its sightings, and
//! no crash leaves one without the other.
//!
//! **Index.** The latest version of every indicator (not revoked, whose pattern compiles) with its
//! access label, in an `entente_pattern::index::Matcher`, so an observation costs the same whether
//! the node holds ten indicators or a hundred thousand. A stored indicator bumps a generation; the
//! next observation finds the index older and rebuilds it first (on the CPU pool, one rebuild at a
//! time), as screening does. Indicators the observer may not see are never matched: a hit on one
//! is dropped before anything is written, and no answer, count or timing of note says it was
//! there (the match runs over every indicator alike).
//!
//! **Protected assets.** A `location` with coordinates a user of the node's state reports is
//! checked against the protection corridors of the `x-entente-asset`s the node holds
//! (`entente-assets`); each corridor it falls in raises an alert to the asset's owner states
//! ([`alerts`]).
//!
//! **Patterns of several observation expressions** (`FOLLOWEDBY`, `REPEATS`, `WITHIN`, `AND`/`OR`
//! between brackets): the node keeps the recent observations that satisfy some part of one
//! (`crate::detect_window`, bounded by count and age) and tries each new observation with them;
//! a binding that uses it is a sighting naming all its observations.
//!
//! **Not here.** Observed-data pulled from peers are not matched (each state's node matches its
//! own).

use crate::auth::Principal;
use crate::detect_index::{Built, Envelope, Loaded};
use crate::error::NodeError;
use crate::node::Node;
use entente_core::{may_see, PartyCode, Tlp, Viewer};
use entente_pattern::compile::Plan;
use entente_pattern::compile::Rank;
use entente_pattern::observed::{Observed, Times};
use entente_store::ScanFilter;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The node's index, rebuilt first if an indicator was stored since it was built.
pub async fn index(node: &Arc<Node>) -> Result<Arc<Built>, NodeError> {
    node.detection
        .current(|| async {
            let loaded = load(node).await?;
            crate::cpu::run(&node.cpu, move || Built::new(loaded))
                .await?
                .map_err(NodeError::Internal)
        })
        .await
}

/// The latest version of every indicator with a STIX pattern, not revoked: its pattern, and its
/// id and label.
async fn load(node: &Node) -> Result<Loaded, NodeError> {
    let latest = crate::read::latest_of_type(node, "indicator", |row| {
        Some(serde_json::from_str::<Value>(&row.json).ok().and_then(|o| {
            let stix = o.get("pattern_type").and_then(Value::as_str) == Some("stix");
            let revoked = o.get("revoked").and_then(Value::as_bool) == Some(true);
            let p = o.get("pattern").and_then(Value::as_str)?;
            (stix && !revoked).then(|| p.to_owned())
        }))
    })
    .await?;
    Ok(latest
        .into_iter()
        .filter_map(|(id, pattern, label)| pattern.map(|p| (p, (id, label))))
        .collect())
}

/// Matches the observed-data `principal` is storing (`stored`: the ids the write admitted so far):
/// the sighting to write for each indicator one of them matches (the node writes them, as itself: see
/// `crate::ingest::ingest`). Only a user of this node's state is matched for.
pub async fn sightings(
    node: &Arc<Node>,
    principal: &Principal,
    envelope: Envelope,
    stored: &std::collections::HashSet<String>,
) -> Result<Vec<Value>, NodeError> {
    let Viewer::User { user, .. } = &principal.viewer else {
        return Ok(Vec::new());
    };
    let observer = user.party().clone();
    if observer != node.party || envelope.observed.is_empty() {
        return Ok(Vec::new());
    }
    let observed: Vec<Value> = envelope
        .observed
        .into_iter()
        .filter(|(id, _)| stored.contains(id))
        .map(|(_, v)| v)
        .collect();
    if observed.is_empty() {
        return Ok(Vec::new());
    }
    let built = index(node).await?;
    let scos = referenced(node, principal, &observed, envelope.scos).await?;
    let viewer = principal.viewer.clone();
    let b = Arc::clone(&built);
    let n = Arc::clone(node);
    let now_ns = node.now_ns();
    let found: Vec<(usize, Seen)> = crate::cpu::run(&node.cpu, move || {
        let mut found = Vec::new();
        for od in observed {
            let sco = |id: &str| scos.get(id).cloned();
            let Ok(obs) = Observed::read(&od, &sco) else {
                continue;
            };
            let seen = b.matcher().observe(&obs);
            let mut single = Vec::new();
            let mut several: std::collections::BTreeMap<usize, Vec<(u32, Rank)>> =
                Default::default();
            for ((p, leaf), rank) in seen.hits {
                let p = p as usize;
                if b.matcher().patterns[p].plan == Plan::Leaf(0) {
                    single.push(p);
                } else {
                    several.entry(p).or_default().push((leaf, rank));
                }
            }
            single.retain(|p| may_see(&viewer, &b.indicators[*p].1));
            single.sort_unstable();
            single.dedup();
            found.extend(single.into_iter().map(|p| (p, Seen::One(od.clone()))));
            if several.is_empty() {
                continue;
            }
            // Patterns of several observation expressions: the new observation tried with the
            // recent ones (see `crate::detect_window`), then kept for those to come.
            let id = od.get("id").and_then(Value::as_str).unwrap_or_default();
            let times = Times::from(&obs);
            let mut window = n
                .detect_window
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for (p, parts) in &several {
                let (indicator, label) = &b.indicators[*p];
                if !may_see(&viewer, label) {
                    continue;
                }
                let pattern = &b.matcher().patterns[*p];
                if let Some(binding) = window.bind(indicator, pattern, id, times, parts) {
                    found.push((*p, Seen::Several(binding)));
                }
            }
            let parts = several
                .into_iter()
                .flat_map(|(p, parts)| {
                    let indicator = b.indicators[p].0.clone();
                    parts
                        .into_iter()
                        .map(move |(l, r)| (indicator.clone(), l, r))
                })
                .collect();
            window.keep(id, times, parts, now_ns);
        }
        found
    })
    .await?;
    Ok(found
        .into_iter()
        .map(|(p, seen)| {
            let (indicator, label) = &built.indicators[p];
            sighting(node, indicator, &label.originator, &observer, &seen)
        })
        .collect())
}

/// What an indicator was sighted in: one observation, or the observations of a binding of a
/// pattern of several observation expressions (their ids and times).
enum Seen {
    One(Value),
    Several(Vec<(String, Times)>),
}

/// The SCOs the observations name: from the envelope, else the latest version the node holds
/// that `principal` may see.
async fn referenced(
    node: &Node,
    principal: &Principal,
    observed: &[Value],
    mut scos: HashMap<String, Value>,
) -> Result<HashMap<String, Value>, NodeError> {
    let missing: Vec<String> = observed
        .iter()
        .filter_map(|od| od.get("object_refs").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .filter(|r| !scos.contains_key(*r))
        .map(str::to_owned)
        .collect();
    if missing.is_empty() {
        return Ok(scos);
    }
    let filter = ScanFilter {
        ids: missing,
        with_json: true,
        ..ScanFilter::default()
    };
    let mut found: HashMap<String, (i64, Value)> = HashMap::new();
    crate::read::each_intact_row(node, &filter, |row| {
        if !may_see(&principal.viewer, &row.label)
            || found
                .get(&row.id)
                .is_some_and(|(v, _)| *v >= row.version_ns)
        {
            return;
        }
        if let Ok(v) = serde_json::from_str(&row.json) {
            found.insert(row.id.clone(), (row.version_ns, v));
        }
    })
    .await?;
    scos.extend(found.into_iter().map(|(k, (_, v))| (k, v)));
    Ok(scos)
}

/// A sighting of `indicator` in the observation `od`, by `observer`, TLP:AMBER to the
/// indicator's originator and the observer.
fn sighting(
    node: &Node,
    indicator: &str,
    originator: &PartyCode,
    observer: &PartyCode,
    seen: &Seen,
) -> Value {
    let (refs, count, first, last) = match seen {
        Seen::One(od) => (
            vec![od.get("id").cloned().unwrap_or(Value::Null)],
            od.get("number_observed")
                .and_then(Value::as_u64)
                .unwrap_or(1)
                .min(999_999_999),
            od.get("first_observed").cloned(),
            od.get("last_observed").cloned(),
        ),
        Seen::Several(binding) => {
            let at = |us: Option<i64>| {
                us.map(|us| json!(entente_stix::Timestamp::from_micros(us).to_stix_string()))
            };
            (
                binding.iter().map(|(id, _)| json!(id)).collect(),
                1,
                at(binding.iter().map(|(_, t)| t.first).min()),
                at(binding.iter().map(|(_, t)| t.last).max()),
            )
        }
    };
    let now = entente_stix::Timestamp::from_nanos(node.now_ns()).to_stix_string();
    let mut states = vec![originator.as_str()];
    if observer != originator {
        states.push(observer.as_str());
    }
    let mut s = json!({
        "type": "sighting", "spec_version": "2.1",
        "id": format!("sighting--{}", uuid::Uuid::new_v4()),
        "created": now, "modified": now,
        "sighting_of_ref": indicator,
        "observed_data_refs": refs,
        "where_sighted_refs": [entente_stix::identity::party_identity_id(observer)],
        "count": count,
        "object_marking_refs": [Tlp::Amber.marking_ref()],
        "extensions": {
            entente_stix::extension::ENTENTE_EXTENSION: {
                "extension_type": "property-extension",
                "audience": { "states": states },
            }
        },
    });
    for (t, to) in [(first, "first_seen"), (last, "last_seen")] {
        if let Some(t) = t {
            s[to] = t;
        }
    }
    s
}

/// The node's asset index, rebuilt first if an asset was stored since it was built.
pub async fn assets(node: &Arc<Node>) -> Result<Arc<crate::detect_index::AssetsBuilt>, NodeError> {
    node.assets
        .current(|| async {
            let latest =
                crate::read::latest_of_type(node, entente_assets::asset::ASSET_TYPE, |row| {
                    Some(
                        serde_json::from_str::<Value>(&row.json)
                            .ok()
                            .and_then(|o| entente_assets::Asset::from_stix(&o).ok()),
                    )
                })
                .await?;
            let assets = latest
                .into_iter()
                .filter_map(|(_, asset, label)| asset.map(|a| (a, label)))
                .collect();
            Ok(crate::detect_index::AssetsBuilt::new(assets))
        })
        .await
}

/// The alerts the places `principal` is reporting raise (`stored`: the ids admitted so far): for each asset whose protection
/// corridor holds one, a STIX `note` on the asset and the place, TLP:AMBER to the asset's owner
/// states, with the distance, the closest point and (for a line) its kilometre post. Only a user
/// of this node's state reports places.
pub async fn alerts(
    node: &Arc<Node>,
    principal: &Principal,
    places: Vec<(String, f64, f64)>,
    stored: &std::collections::HashSet<String>,
) -> Result<Vec<Value>, NodeError> {
    let Viewer::User { user, .. } = &principal.viewer else {
        return Ok(Vec::new());
    };
    if user.party() != &node.party || places.is_empty() {
        return Ok(Vec::new());
    }
    let built = assets(node).await?;
    let now = entente_stix::Timestamp::from_nanos(node.now_ns()).to_stix_string();
    let mut out = Vec::new();
    for (place, lon, lat) in places.into_iter().filter(|(id, ..)| stored.contains(id)) {
        for near in built.corridors.near(lon, lat) {
            // An asset the reporter may not see raises nothing here (the node of its owners
            // raises it, if the place reaches them): the alert would show it to the reporter.
            let (asset, label) = &built.assets[near.asset];
            if !may_see(&principal.viewer, label) {
                continue;
            }
            let km = near
                .km_post
                .map(|k| format!(", at kilometre {k:.1}"))
                .unwrap_or_default();
            let mut alert = json!({
                "asset_ref": asset.id, "incident_ref": place,
                "distance_m": (near.distance_m * 10.0).round() / 10.0,
                "nearest": [near.nearest.0, near.nearest.1],
                "incident_at": [lon, lat],
            });
            if let Some(k) = near.km_post {
                alert["km_post"] = json!((k * 100.0).round() / 100.0);
            }
            out.push(json!({
                "type": "note", "spec_version": "2.1",
                "id": format!("note--{}", uuid::Uuid::new_v4()),
                "created": now, "modified": now,
                "abstract": format!("Incident within the protection corridor of {}", asset.name),
                "content": format!(
                    "A place reported by {} lies {:.0} m from {}{km} (corridor {:.0} m).",
                    node.party, near.distance_m, asset.name, asset.corridor_m
                ),
                "object_refs": [asset.id, place],
                "object_marking_refs": [Tlp::Amber.marking_ref()],
                "extensions": {
                    entente_stix::extension::ENTENTE_EXTENSION: {
                        "extension_type": "property-extension",
                        "audience": { "states": asset.owners },
                        "alert": alert,
                    }
                },
            }));
        }
    }
    Ok(out)
}

/// The most objects one list of [`view`] answers.
pub const MAX_LISTED: usize = 500;

/// What detection holds, as `principal` may see it: the protected assets, the alerts, the
/// sightings of indicators, the observations, or the places with coordinates (`what`), the latest version of each, at most [`MAX_LISTED`] (the
/// oldest first), with whether there are more. Answers `None` for an unknown `what`.
pub async fn view(
    node: &Arc<Node>,
    principal: &Principal,
    what: &str,
) -> Result<Option<Value>, NodeError> {
    let ty = match what {
        "assets" => entente_assets::asset::ASSET_TYPE,
        "alerts" => "note",
        "sightings" => "sighting",
        "observations" => "observed-data",
        "places" => "location",
        _ => return Ok(None),
    };
    let query = entente_store::read::Query {
        types: vec![ty.to_owned()],
        versions: entente_store::read::VersionMatch::last(),
        spec_version_matches: true,
        ..Default::default()
    };
    let page = crate::read::page(node, principal, &query, None, MAX_LISTED, true).await?;
    let mut out = Vec::new();
    for row in &page.rows {
        let Ok(o) = serde_json::from_str::<Value>(&row.json) else {
            continue;
        };
        let by = row.label.originator.as_str();
        let item = match what {
            "assets" => json!({
                "id": row.id, "by": by, "name": o["name"], "kind": o["kind"],
                "geometry": o["geometry"], "corridor_m": o["corridor_m"], "owners": o["owners"],
                "operator": o.get("operator").cloned().unwrap_or(Value::Null),
                "criticality": o["criticality"],
            }),
            "alerts" => {
                let a = &o["extensions"][entente_stix::extension::ENTENTE_EXTENSION]["alert"];
                if !a.is_object() {
                    continue;
                }
                json!({
                    "id": row.id, "by": by, "at": o["created"], "asset": a["asset_ref"],
                    "incident": a["incident_ref"], "distance_m": a["distance_m"],
                    "nearest": a["nearest"], "km_post": a.get("km_post").cloned().unwrap_or(Value::Null),
                    "incident_at": a.get("incident_at").cloned().unwrap_or(Value::Null),
                })
            }
            "observations" => {
                let types: std::collections::BTreeSet<&str> = o
                    .get("objects")
                    .and_then(Value::as_object)
                    .map(|m| m.values().filter_map(|v| v["type"].as_str()).collect())
                    .unwrap_or_default();
                let refs = o.get("object_refs").and_then(Value::as_array);
                let ref_types = refs
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.as_str()?.split_once("--").map(|(t, _)| t));
                let types: std::collections::BTreeSet<&str> =
                    types.into_iter().chain(ref_types).collect();
                json!({
                    "id": row.id, "by": by, "first_observed": o["first_observed"],
                    "last_observed": o["last_observed"], "number_observed": o["number_observed"],
                    "object_types": types,
                    "object_refs": refs.cloned().unwrap_or_default(),
                })
            }
            "places" => {
                let (Some(lat), Some(lon)) = (o["latitude"].as_f64(), o["longitude"].as_f64())
                else {
                    continue;
                };
                json!({
                    "id": row.id, "by": by, "name": o.get("name").cloned().unwrap_or(Value::Null),
                    "latitude": lat, "longitude": lon, "created": o["created"],
                })
            }
            _ => {
                let of = o["sighting_of_ref"].as_str().unwrap_or_default();
                if !of.starts_with("indicator--") {
                    continue;
                }
                json!({
                    "id": row.id, "by": by, "indicator": of,
                    "observed_data": o.get("observed_data_refs").cloned().unwrap_or(json!([])),
                    "count": o.get("count").cloned().unwrap_or(Value::Null),
                    "first_seen": o.get("first_seen").cloned().unwrap_or(Value::Null),
                    "last_seen": o.get("last_seen").cloned().unwrap_or(Value::Null),
                })
            }
        };
        out.push(item);
    }
    Ok(Some(json!({ what: out, "more": page.more })))
}
