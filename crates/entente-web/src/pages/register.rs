//! The register and screening: the entries the user may see, and one name screened with the
//! explanation of each match (which part of the name met which listed part, and how well; whether
//! the date of birth and the nationality agree). Screening runs on the node's screening pool,
//! through the same index and the same access policy as `/api/v1/screen`, and is audited the same.
//! Supervisors designate and delist from the list (analysts propose), through
//! `entente_node::register`, the same steps the REST API takes. A file of names is not here yet
//! (the API's batches and `entente screen` do it).

use super::extract::{Posted, Signed};
use super::{render, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use entente_node::screening::REGISTER_TYPE;
use entente_screen::matcher::{PartialDate, Query as NameQuery};
use entente_store::read::{Query as ReadQuery, VersionMatch};
use entente_store::AuditRecord;
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

pub struct Entry {
    pub id: String,
    /// Whether the user may delist it here (a supervisor of the node that designated it).
    pub delistable: bool,
    pub kind: String,
    pub status: String,
    pub names: Vec<String>,
    pub originator: String,
    pub marking: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct List {
    c: Chrome,
    entries: Vec<Entry>,
    markings: Vec<&'static str>,
}

fn strings(o: &Value, key: &str) -> Vec<String> {
    o.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

pub async fn list(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let query = ReadQuery {
        types: vec![REGISTER_TYPE.to_owned()],
        versions: VersionMatch::last(),
        spec_version_matches: true,
        ..Default::default()
    };
    let page =
        match entente_node::read::page(&web.node, &s.principal, &query, None, 200, true).await {
            Ok(p) => p,
            Err(e) => return super::failure(&web, s.lang, e),
        };
    let entries: Vec<Entry> = page
        .rows
        .iter()
        .map(|r| {
            let o: Value = serde_json::from_str(&r.json).unwrap_or(Value::Null);
            let status = o.get("status").and_then(Value::as_str).unwrap_or("");
            Entry {
                delistable: status == "designated"
                    && r.label.originator == web.node.party
                    && matches!(
                        s.role,
                        entente_core::Role::Supervisor | entente_core::Role::Admin
                    ),
                id: r.id.clone(),
                kind: o
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                status: o
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                names: strings(&o, "names"),
                originator: r.label.originator.to_string(),
                marking: r.label.marking.to_string(),
            }
        })
        .collect();
    let ids = entries.iter().map(|e| e.id.clone()).collect();
    if let Err(e) = super::audit::read(&web, &s, "read-register", ids).await {
        return super::failure(&web, s.lang, e);
    }
    let c = Chrome::new(&web, &s, "/register", "title-register");
    let page = List {
        c,
        entries,
        markings: super::intel::MARKINGS[..4].to_vec(),
    };
    render(StatusCode::OK, &page, &page.c)
}

pub struct Hit {
    pub entry: String,
    pub name: String,
    pub score: String,
    pub parts: Vec<(String, String, String)>,
    pub unmatched: Vec<String>,
    pub birth_date: String,
    pub nationality: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "screen.html")]
struct Screen {
    c: Chrome,
    name: String,
    birth_date: String,
    nationality: String,
    asked: bool,
    error: Option<String>,
    hits: Vec<Hit>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Ask {
    name: String,
    birth_date: String,
    nationality: String,
}

pub const THRESHOLD: f64 = 0.85;
pub const LIMIT: usize = 10;

pub async fn screen(State(web): State<Arc<Web>>, s: Signed, Query(a): Query<Ask>) -> Response {
    let c = Chrome::new(&web, &s, "/screen", "title-screen");
    let asked = !a.name.is_empty();
    let mut error = None;
    let mut hits = Vec::new();
    if asked {
        match run(&web, &s, &a).await {
            Ok(h) => hits = h,
            Err(key) => error = Some(c.t.m(&key)),
        }
    }
    let page = Screen {
        c,
        name: a.name,
        birth_date: a.birth_date,
        nationality: a.nationality,
        asked,
        error,
        hits,
    };
    render(StatusCode::OK, &page, &page.c)
}

async fn run(web: &Web, s: &Signed, a: &Ask) -> Result<Vec<Hit>, String> {
    if entente_core::text::is_blank(&a.name)
        || entente_node::screening::check_names(std::slice::from_ref(&a.name)).is_err()
    {
        return Err("error-screen-name".into());
    }
    let birth_date = Some(a.birth_date.trim())
        .filter(|d| !d.is_empty())
        .map(PartialDate::parse)
        .transpose()
        .map_err(|_| "error-screen-date".to_owned())?;
    let query = NameQuery {
        name: a.name.clone(),
        birth_date,
        nationality: a
            .nationality
            .split(',')
            .map(|n| n.trim().to_uppercase())
            .filter(|n| !n.is_empty())
            .collect(),
    };
    let node = web.node.clone();
    let index = entente_node::screening::index(&node)
        .await
        .map_err(|_| "error-internal".to_owned())?;
    let viewer = s.principal.viewer.clone();
    let now_ns = node.now_us().saturating_mul(1000);
    let idx = index.clone();
    let matches = entente_node::cpu::run(&node.screening_pool, move || {
        idx.screen(&viewer, &query, THRESHOLD, LIMIT, now_ns)
    })
    .await
    .map_err(|_| "error-internal".to_owned())?;
    let named: Vec<String> = matches
        .iter()
        .filter_map(|m| index.register.entries().get(m.entry).map(|e| e.id.clone()))
        .collect();
    node.store
        .append_audit(AuditRecord {
            ts_us: node.now_us(),
            principal: s.principal.name(),
            action: "screen".into(),
            collection: None,
            objects: named,
            outcome: "ok".into(),
            detail: Some("1 name(s) screened (web)".into()),
        })
        .await
        .map_err(|_| "error-internal".to_owned())?;
    Ok(matches
        .iter()
        .map(|m| {
            let j = entente_node::screening::match_json(&index.register, m);
            let src = index.source_json(m);
            let e = &j["explanation"];
            Hit {
                entry: j["entry"].as_str().unwrap_or("").to_owned(),
                name: j["name"].as_str().unwrap_or("").to_owned(),
                score: format!("{:.2}", m.score),
                parts: e["parts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| {
                        (
                            p["query"].as_str().unwrap_or("").to_owned(),
                            p["listed"].as_str().unwrap_or("").to_owned(),
                            format!("{:.2}", p["similarity"].as_f64().unwrap_or(0.0)),
                        )
                    })
                    .collect(),
                unmatched: strings(e, "unmatched"),
                birth_date: e["birth_date"].as_str().unwrap_or("").to_owned(),
                nationality: e["nationality"].as_str().unwrap_or("").to_owned(),
                source: src["source"].as_str().unwrap_or("register").to_owned(),
            }
        })
        .collect())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EntryForm {
    kind: String,
    names: String,
    birth_dates: String,
    nationalities: String,
    marking: String,
    reason: String,
}

/// The words of a field, split at commas and white space.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A supervisor designates an entry; anyone else proposes one.
pub async fn designate(State(web): State<Arc<Web>>, Posted(s, f): Posted<EntryForm>) -> Response {
    let supervisor = matches!(
        s.role,
        entente_core::Role::Supervisor | entente_core::Role::Admin
    );
    let entry = entente_node::register::NewEntry {
        kind: f.kind,
        names: super::warnings::lines(&f.names),
        birth_dates: words(&f.birth_dates),
        nationalities: words(&f.nationalities.to_uppercase()),
        marking: Some(f.marking).filter(|m| !m.is_empty()),
        reason: Some(f.reason).filter(|r| !entente_core::text::is_blank(r)),
        status: Some(if supervisor { "designated" } else { "proposed" }.into()),
        ..Default::default()
    };
    match entente_node::register::designate(&web.node, &s.principal, entry).await {
        Ok(_) => super::see_other("/register"),
        Err(e) => super::step_failed(&web, &s, e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DelistForm {
    reason: String,
}

pub async fn delist(
    State(web): State<Arc<Web>>,
    axum::extract::Path(id): axum::extract::Path<String>,
    Posted(s, f): Posted<DelistForm>,
) -> Response {
    let reason = Some(f.reason).filter(|r| !entente_core::text::is_blank(r));
    match entente_node::register::delist(&web.node, &s.principal, &id, reason).await {
        Ok(_) => super::see_other("/register"),
        Err(e) => super::step_failed(&web, &s, e),
    }
}
