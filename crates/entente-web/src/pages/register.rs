//! The register and screening: the entries the user may see, and one name screened with the
//! explanation of each match (which part of the name met which listed part, and how well; whether
//! the date of birth and the nationality agree). Screening runs on the node's screening pool,
//! through the same index and the same access policy as `/api/v1/screen`, and is audited the same.
//! Supervisors designate and delist from the list (analysts propose), through
//! `entente_node::register`, the same steps the REST API takes. A file of names (CSV or JSON
//! Lines, as `entente screen` reads them) is screened into a CSV answer, streamed a batch at a
//! time so the page's script can show progress; without the script the browser downloads it.

use super::extract::{Posted, Signed};
use super::{render, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use entente_node::screening::{strings_in, REGISTER_TYPE};
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
                names: strings_in(o.get("names")),
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
    /// Each part: asked, listed, similarity, and how they met when not by spelling
    /// (`translated: movement`, `acronym`, `skeleton`).
    pub parts: Vec<(String, String, String, String)>,
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
    super::audit::record(web, s, "screen", None, named, "1 name(s) screened (web)")
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
                            p["via"].as_str().unwrap_or("").to_owned(),
                        )
                    })
                    .collect(),
                unmatched: strings_in(e.get("unmatched")),
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

/// The largest file of names the page takes.
pub const MAX_FILE: usize = 4 * 1024 * 1024;
/// Names screened per batch of the stream.
const BATCH: usize = 100;

/// A CSV line of the answer.
fn csv_line(fields: &[&str]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(fields);
    let _ = w.flush();
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Screens a file of names: the answer is CSV, a line for each match of each name (or one with
/// no entry when none matched, or the error when the line could not be read), in input order.
pub async fn screen_file(
    State(web): State<Arc<Web>>,
    s: Signed,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Ok(mut multipart) = multipart else {
        return super::refused(&web, &s, "error-bad-form", None);
    };
    let mut csrf = String::new();
    let mut text = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("csrf") => csrf = field.text().await.unwrap_or_default(),
                Some("file") => match field.bytes().await {
                    Ok(b) if b.len() <= MAX_FILE => {
                        text = Some(String::from_utf8_lossy(&b).into_owned())
                    }
                    _ => return super::refused(&web, &s, "error-form-too-large", None),
                },
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return super::refused(&web, &s, "error-form-too-large", None),
        }
    }
    if !crate::session::same(&csrf, &s.csrf) {
        return super::refused(&web, &s, "error-csrf", None);
    }
    let Some(text) = text else {
        return super::refused(&web, &s, "error-bad-form", None);
    };
    let items = match entente_screen::input::input(&text) {
        Ok(items) => items,
        Err(e) => return super::refused(&web, &s, "error-screen-file", Some(e.to_string())),
    };
    let parts: usize = items
        .iter()
        .filter_map(|(_, q)| q.as_ref().ok())
        .map(|(_, q)| entente_screen::matcher::name_size(&q.name))
        .sum();
    if parts > web.node.settings.max_screening_parts {
        return super::refused(
            &web,
            &s,
            "error-screen-too-many",
            Some(format!(
                "{parts} name parts; a file holds at most {}",
                web.node.settings.max_screening_parts
            )),
        );
    }
    let index = match entente_node::screening::index(&web.node).await {
        Ok(i) => i,
        Err(e) => return super::failure(&web, s.lang, e),
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<String, std::convert::Infallible>>(4);
    let node = web.node.clone();
    let principal = s.principal.clone();
    tokio::spawn(async move {
        let header = csv_line(&[
            "line",
            "id",
            "name",
            "entry",
            "listed_name",
            "score",
            "error",
        ]);
        if tx.send(Ok(header)).await.is_err() {
            return;
        }
        let mut named = Vec::new();
        let total = items.len();
        let mut items = items.into_iter();
        loop {
            let batch: Vec<_> = items.by_ref().take(BATCH).collect();
            if batch.is_empty() {
                break;
            }
            let idx = index.clone();
            let viewer = principal.viewer.clone();
            let now_ns = node.now_us().saturating_mul(1000);
            let out = entente_node::cpu::run(&node.screening_pool, move || {
                let mut out = String::new();
                let mut named = Vec::new();
                for (line, q) in batch {
                    let n = line.to_string();
                    match q {
                        Err(e) => {
                            out.push_str(&csv_line(&[&n, "", "", "", "", "", &e.to_string()]))
                        }
                        Ok((id, q)) => {
                            let matches = idx.screen(&viewer, &q, THRESHOLD, LIMIT, now_ns);
                            if matches.is_empty() {
                                out.push_str(&csv_line(&[&n, &id, &q.name, "", "", "", ""]));
                            }
                            for m in matches {
                                let entry = idx
                                    .register
                                    .entries()
                                    .get(m.entry)
                                    .map_or("", |e| e.id.as_str());
                                named.push(entry.to_owned());
                                out.push_str(&csv_line(&[
                                    &n,
                                    &id,
                                    &q.name,
                                    entry,
                                    &m.name,
                                    &format!("{:.3}", m.score),
                                    "",
                                ]));
                            }
                        }
                    }
                }
                (out, named)
            })
            .await;
            let Ok((out, more)) = out else { return };
            named.extend(more);
            if tx.send(Ok(out)).await.is_err() {
                // The user left: the rest is not screened.
                return;
            }
        }
        named.sort();
        named.dedup();
        let _ = node
            .store
            .append_audit(AuditRecord {
                ts_us: node.now_us(),
                principal: principal.name(),
                action: "screen".into(),
                collection: None,
                objects: named,
                outcome: "ok".into(),
                detail: Some(format!("{total} name(s) screened (web, file)")),
            })
            .await;
    });
    let stream =
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|x| (x, rx)) });
    let mut resp = Response::new(axum::body::Body::from_stream(stream));
    let h = resp.headers_mut();
    h.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"screening.csv\""),
    );
    resp
}
