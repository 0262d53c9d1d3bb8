//! Intelligence: a paged list of the objects the user may see, filtered by type, marking and
//! originator (paging by the store's `seq`, so a page costs the same at a million objects as at a
//! hundred: the type filter is the store's, marking and originator are read off each visible row's
//! label, within a bounded scan); an object's page (marking, audience, originator, whether its
//! signature verifies against the originator's key, its versions, what it refers to and
//! what points to it, by the store's index of references); and a form
//! to share a report, an indicator, a threat actor or a note, which goes through ingest like a
//! TAXII POST.

use super::extract::{Posted, Signed};
use super::{render, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use entente_node::node::COLLECTION_ID;
use entente_store::read::{Query as ReadQuery, VersionMatch};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

pub const MARKINGS: [&str; 5] = [
    "TLP:CLEAR",
    "TLP:GREEN",
    "TLP:AMBER",
    "TLP:AMBER+STRICT",
    "TLP:RED",
];

/// The types a list offers to filter by.
pub const TYPES: [&str; 13] = [
    "report",
    "indicator",
    "observed-data",
    "threat-actor",
    "note",
    "malware",
    "attack-pattern",
    "campaign",
    "identity",
    "sighting",
    "relationship",
    "x-entente-warning",
    "x-entente-register-entry",
];

/// The most rows one list page scans for its filters before it stops and offers to go on.
pub const MAX_SCAN: usize = 2_000;
pub const PAGE: usize = 50;

/// The states of the charter, by code.
pub fn states(web: &Web) -> Vec<String> {
    let mut s: Vec<String> = web
        .node
        .effective
        .current()
        .charter()
        .parties()
        .map(|p| p.code.to_string())
        .filter(|c| c != entente_core::party::SECRETARIAT)
        .collect();
    s.sort();
    s
}

pub struct Row {
    pub id: String,
    pub object_type: String,
    pub name: String,
    pub marking: String,
    pub originator: String,
    pub added_us: i64,
}

/// What an object is called: its `name`, else its `title`, `abstract`, `content`, else its id.
pub fn name_of(o: &Value, id: &str) -> String {
    let s = ["name", "title", "abstract", "content", "pattern"]
        .iter()
        .find_map(|k| o.get(*k).and_then(Value::as_str))
        .unwrap_or(id);
    let mut out: String = s.chars().take(140).collect();
    if s.chars().count() > 140 {
        out.push('…');
    }
    out
}

#[derive(Template)]
#[template(path = "intel.html")]
struct List {
    c: Chrome,
    rows: Vec<Row>,
    types: Vec<(&'static str, &'static str)>,
    markings: Vec<(&'static str, &'static str)>,
    originators: Vec<(String, &'static str)>,
    /// The query string of the next page, when there is one.
    next: Option<String>,
    since: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Filter {
    r#type: String,
    marking: String,
    originator: String,
    /// Added on or after this day (`YYYY-MM-DD`).
    since: String,
    after: Option<i64>,
}

fn selected(yes: bool) -> &'static str {
    if yes {
        "selected"
    } else {
        ""
    }
}

pub async fn list(State(web): State<Arc<Web>>, s: Signed, Query(f): Query<Filter>) -> Response {
    let node = &web.node;
    let query = ReadQuery {
        types: if f.r#type.is_empty() {
            Vec::new()
        } else {
            vec![f.r#type.clone()]
        },
        versions: VersionMatch::last(),
        spec_version_matches: true,
        added_after_us: chrono::NaiveDate::parse_from_str(&f.since, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp_micros() - 1),
        ..Default::default()
    };
    // The scan reads labels only (no JSON, no MAC): marking and originator are on the label. The
    // JSON of the rows shown is read after, by id, through the same read path.
    let mut picked: Vec<(String, String, String, String, i64)> = Vec::new();
    let mut after = f.after;
    let mut scanned = 0;
    let mut more = false;
    while picked.len() < PAGE && scanned < MAX_SCAN {
        let page =
            match entente_node::read::page(node, &s.principal, &query, after, 1_000, false).await {
                Ok(p) => p,
                Err(e) => return super::failure(&web, s.lang, e),
            };
        scanned += page.rows.len().max(1);
        for r in &page.rows {
            after = Some(r.seq);
            let marking = r.label.marking.to_string();
            if !f.marking.is_empty() && marking != f.marking {
                continue;
            }
            if !f.originator.is_empty() && r.label.originator.as_str() != f.originator {
                continue;
            }
            picked.push((
                r.id.clone(),
                r.object_type.clone(),
                marking,
                r.label.originator.to_string(),
                r.date_added_us,
            ));
            if picked.len() == PAGE {
                break;
            }
        }
        if page.rows.is_empty() {
            after = page.last_row.or(after);
        }
        more = page.more || picked.len() == PAGE;
        if !page.more {
            break;
        }
    }
    let names: std::collections::HashMap<String, String> = if picked.is_empty() {
        Default::default()
    } else {
        let by_id = ReadQuery {
            ids: picked.iter().map(|p| p.0.clone()).collect(),
            versions: VersionMatch::last(),
            spec_version_matches: true,
            ..Default::default()
        };
        match entente_node::read::page(node, &s.principal, &by_id, None, PAGE, true).await {
            Ok(p) => p
                .rows
                .iter()
                .map(|r| {
                    let o: Value = serde_json::from_str(&r.json).unwrap_or(Value::Null);
                    (r.id.clone(), name_of(&o, &r.id))
                })
                .collect(),
            Err(e) => return super::failure(&web, s.lang, e),
        }
    };
    // A row whose JSON was withheld (its MAC failed) is not shown.
    let rows: Vec<Row> = picked
        .into_iter()
        .filter_map(|(id, object_type, marking, originator, added_us)| {
            Some(Row {
                name: names.get(&id)?.clone(),
                id,
                object_type,
                marking,
                originator,
                added_us,
            })
        })
        .collect();
    let ids = rows.iter().map(|r| r.id.clone()).collect();
    if let Err(e) = super::audit::read(&web, &s, "read-objects", ids).await {
        return super::failure(&web, s.lang, e);
    }
    let next = (more && after.is_some()).then(|| {
        format!(
            "type={}&marking={}&originator={}&since={}&after={}",
            crate::urlencode(&f.r#type),
            crate::urlencode(&f.marking),
            crate::urlencode(&f.originator),
            crate::urlencode(&f.since),
            after.unwrap_or(0)
        )
    });
    let c = Chrome::new(&web, &s, "/intel", "title-intel");
    let page = List {
        types: TYPES
            .iter()
            .map(|t| (*t, selected(f.r#type == *t)))
            .collect(),
        markings: MARKINGS
            .iter()
            .map(|m| (*m, selected(f.marking == *m)))
            .collect(),
        originators: web
            .node
            .effective
            .current()
            .charter()
            .parties()
            .map(|p| {
                let code = p.code.to_string();
                let sel = selected(f.originator == code);
                (code, sel)
            })
            .collect(),
        rows,
        next,
        since: f.since.clone(),
        c,
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Template)]
#[template(path = "object.html")]
struct ObjectPage {
    c: Chrome,
    id: String,
    object_type: String,
    name: String,
    marking: String,
    audience: String,
    originator: String,
    signature_ok: bool,
    versions: Vec<String>,
    refs: Vec<(String, String)>,
    pointing: Vec<Pointing>,
    more_pointing: bool,
    properties: Vec<(String, String)>,
    json: String,
}

/// The most objects pointing to one an object's page lists.
pub const MAX_POINTING: usize = 50;

/// An object that points to the one shown: a relationship (its type and its other end) or any
/// other object naming it (a report's contents, a sighting's object, a note).
struct Pointing {
    id: String,
    object_type: String,
    name: String,
    /// For a relationship: its type, and the object at its other end.
    relationship: Option<(String, String)>,
}

/// The last visible version of each object that points to `id`, at most [`MAX_POINTING`], and
/// whether there are more.
async fn pointing_to(
    web: &Web,
    s: &Signed,
    id: &str,
) -> Result<(Vec<Pointing>, bool), entente_node::NodeError> {
    let query = ReadQuery {
        refers_to: Some(id.to_owned()),
        versions: VersionMatch::last(),
        spec_version_matches: true,
        ..Default::default()
    };
    let page =
        entente_node::read::page(&web.node, &s.principal, &query, None, MAX_POINTING, true).await?;
    let pointing = page
        .rows
        .iter()
        .map(|row| {
            let o: Value = serde_json::from_str(&row.json).unwrap_or(Value::Null);
            let end = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            let relationship = (row.object_type == "relationship").then(|| {
                let other = if end("source_ref") == id {
                    end("target_ref")
                } else {
                    end("source_ref")
                };
                (end("relationship_type"), other)
            });
            Pointing {
                name: name_of(&o, &row.id),
                id: row.id.clone(),
                object_type: row.object_type.clone(),
                relationship,
            }
        })
        .collect();
    Ok((pointing, page.more))
}

pub async fn object(State(web): State<Arc<Web>>, s: Signed, Path(id): Path<String>) -> Response {
    let node = &web.node;
    let query = ReadQuery {
        ids: vec![id.clone()],
        versions: VersionMatch::last(),
        spec_version_matches: true,
        ..Default::default()
    };
    let page = match entente_node::read::page(node, &s.principal, &query, None, 1, true).await {
        Ok(p) => p,
        Err(e) => return super::failure(&web, s.lang, e),
    };
    let Some(row) = page.rows.into_iter().next() else {
        return super::not_found(&web, &s);
    };
    let versions = match entente_node::read::visible_versions(node, &s.principal, &id).await {
        Ok(v) => v
            .iter()
            .map(|r| entente_stix::Timestamp::from_nanos(r.version_ns).to_micros_string())
            .collect(),
        Err(e) => return super::failure(&web, s.lang, e),
    };
    let (pointing, more_pointing) = match pointing_to(&web, &s, &id).await {
        Ok(p) => p,
        Err(e) => return super::failure(&web, s.lang, e),
    };
    let read: Vec<String> = std::iter::once(id.clone())
        .chain(pointing.iter().map(|p| p.id.clone()))
        .collect();
    if let Err(e) = super::audit::read(&web, &s, "read-objects", read).await {
        return super::failure(&web, s.lang, e);
    }
    let signature_ok =
        !entente_node::read::signed_by_originator(node, vec![row.clone()]).is_empty();
    let o: Value = serde_json::from_str(&row.json).unwrap_or(Value::Null);
    let mut refs = Vec::new();
    let mut properties = Vec::new();
    if let Some(map) = o.as_object() {
        for (k, v) in map {
            if k == "extensions" || k == "object_marking_refs" {
                continue;
            }
            if k.ends_with("_ref") {
                if let Some(r) = v.as_str() {
                    refs.push((k.clone(), r.to_owned()));
                }
            } else if k.ends_with("_refs") {
                for r in v.as_array().into_iter().flatten().filter_map(Value::as_str) {
                    refs.push((k.clone(), r.to_owned()));
                }
            } else if let Some(text) = v.as_str() {
                properties.push((k.clone(), text.to_owned()));
            } else if !v.is_null() {
                properties.push((k.clone(), v.to_string()));
            }
        }
    }
    let audience = row
        .label
        .audience
        .as_ref()
        .map(|a| serde_json::to_string(a).unwrap_or_default())
        .unwrap_or_default();
    let c = Chrome::new(&web, &s, "/intel", "title-object");
    let page = ObjectPage {
        name: name_of(&o, &id),
        object_type: row.object_type.clone(),
        marking: row.label.marking.to_string(),
        originator: row.label.originator.to_string(),
        json: serde_json::to_string_pretty(&o).unwrap_or_default(),
        id,
        audience,
        signature_ok,
        versions,
        refs,
        pointing,
        more_pointing,
        properties,
        c,
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Template)]
#[template(path = "intel_new.html")]
struct New {
    c: Chrome,
    markings: Vec<&'static str>,
    states: Vec<String>,
}

pub async fn new_form(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let c = Chrome::new(&web, &s, "/intel", "title-intel-new");
    let page = New {
        c,
        markings: MARKINGS.to_vec(),
        states: states(&web),
    };
    render(StatusCode::OK, &page, &page.c)
}

/// Builds the STIX object a share form describes (the node signs and labels it on ingest).
fn object_of(
    kind: &str,
    name: &str,
    text: &str,
    pattern: &str,
    now: &str,
    about: &str,
) -> Option<Value> {
    let id = |t: &str| format!("{t}--{}", uuid::Uuid::new_v4());
    let base = |t: &str| json!({"type": t, "spec_version": "2.1", "id": id(t), "created": now, "modified": now});
    let mut o = match kind {
        "report" => {
            let mut o = base("report");
            o["name"] = json!(name);
            o["published"] = json!(now);
            o["report_types"] = json!(["threat-report"]);
            // A report refers to at least one object: the note of its text, made with it.
            o
        }
        "indicator" => {
            let mut o = base("indicator");
            o["name"] = json!(name);
            o["pattern"] = json!(pattern);
            o["pattern_type"] = json!("stix");
            o["valid_from"] = json!(now);
            o["indicator_types"] = json!(["malicious-activity"]);
            o
        }
        "threat-actor" => {
            let mut o = base("threat-actor");
            o["name"] = json!(name);
            o["threat_actor_types"] = json!(["terrorist"]);
            o
        }
        "note" => {
            let mut o = base("note");
            o["abstract"] = json!(name);
            o["content"] = json!(text);
            // A note is about something: the sharing state's own identity unless it annotates
            // another object (the report it is made with sets its own).
            o["object_refs"] = json!([about]);
            o
        }
        _ => return None,
    };
    if !text.is_empty() && kind != "note" {
        o["description"] = json!(text);
    }
    Some(o)
}

pub async fn create(
    State(web): State<Arc<Web>>,
    Posted(s, pairs): Posted<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let states: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "audience_states")
        .map(|(_, v)| v.as_str())
        .collect();
    let now = entente_stix::Timestamp::from_nanos(web.node.now_us().saturating_mul(1000))
        .to_micros_string();
    let ours = entente_stix::identity::party_identity_id(&web.node.party);
    let Some(mut o) = object_of(
        &get("kind"),
        &get("name"),
        &get("text"),
        &get("pattern"),
        &now,
        &ours,
    ) else {
        return super::refused(&web, &s, "error-bad-form", None);
    };
    let mut objects = Vec::new();
    if o["type"] == "report" {
        // A report must refer to something: its text, as a note the report refers to.
        let about = o["id"].as_str().unwrap_or(&ours).to_owned();
        let Some(note) = object_of("note", &get("name"), &get("text"), "", &now, &about) else {
            return super::refused(&web, &s, "error-bad-form", None);
        };
        o["object_refs"] = json!([note["id"]]);
        objects.push(note);
    }
    objects.push(o);
    let marking = get("marking");
    let tlp = match entente_core::Tlp::parse_name(&marking) {
        Ok(t) => t,
        Err(e) => return super::refused(&web, &s, "error-bad-form", Some(e.to_string())),
    };
    let tiers: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "audience_tiers")
        .map(|(_, v)| v.as_str())
        .collect();
    let users_field = get("audience_users");
    let users: Vec<&str> = users_field
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|u| !u.is_empty())
        .collect();
    let audience = (!states.is_empty() || !tiers.is_empty() || !users.is_empty()).then(|| {
        let mut a = serde_json::Map::new();
        if !users.is_empty() {
            a.insert("users".into(), json!(users));
        }
        if !states.is_empty() {
            a.insert("states".into(), json!(states));
        }
        if !tiers.is_empty() {
            a.insert("tiers".into(), json!(tiers));
        }
        Value::Object(a)
    });
    // Where a report's incident happened, if the form says: the Entente property `coordinates`
    // (checked on entry; a place inside an asset's corridor raises an alert to its owners).
    let coordinates = match (get("latitude"), get("longitude")) {
        (lat, lon) if lat.is_empty() && lon.is_empty() => None,
        (lat, lon) => match (
            lat.replace(',', ".").parse::<f64>(),
            lon.replace(',', ".").parse::<f64>(),
        ) {
            (Ok(lat), Ok(lon)) => Some(json!({"latitude": lat, "longitude": lon})),
            _ => {
                let why = format!("latitude and longitude must both be numbers (degrees), not `{lat}` and `{lon}`");
                return super::refused(&web, &s, "error-bad-form", Some(why));
            }
        },
    };
    for o in &mut objects {
        o["object_marking_refs"] = json!([tlp.marking_ref()]);
        let mut ext = serde_json::Map::new();
        if let Some(a) = &audience {
            ext.insert("audience".into(), a.clone());
        }
        if let Some(c) = coordinates.as_ref().filter(|_| o["type"] == "report") {
            ext.insert("coordinates".into(), c.clone());
        }
        if !ext.is_empty() {
            ext.insert("extension_type".into(), json!("property-extension"));
            o["extensions"] = json!({ entente_stix::extension::ENTENTE_EXTENSION: ext });
        }
    }
    let last = objects
        .last()
        .and_then(|o| o["id"].as_str())
        .unwrap_or("")
        .to_owned();
    match entente_node::ingest::ingest(&web.node, &s.principal, COLLECTION_ID, objects, None).await
    {
        Ok(done) => match done.results.iter().find(|r| !r.ok) {
            None => super::see_other(&format!("/intel/{last}")),
            Some(r) => super::refused(&web, &s, "error-refused-object", Some(r.message.clone())),
        },
        Err(e) => super::refused(&web, &s, "error-refused-object", Some(e.to_string())),
    }
}
