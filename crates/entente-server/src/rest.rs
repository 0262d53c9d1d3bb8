//! The node's own REST API under `/api/v1/` (JSON), beside TAXII:
//!
//! - `POST /api/v1/register`: designate a person or organization (supervisors), or propose one
//!   (`"status": "proposed"`, any user) — a new `x-entente-register-entry`, signed by this node
//!   ([`entente_node::screening`] describes the object);
//! - `GET /api/v1/register/{id}`: the latest version of an entry the asker may see;
//! - `POST /api/v1/register/{id}/delist` (supervisors): a new version with `status: delisted`;
//!
//! Who may designate, delist or propose is the write policy's (`entente_core::may_write`), the
//! same over TAXII: an analyst can no more designate an entry by posting it there.
//! - `POST /api/v1/screen`: one name (`{"name": ...}`) or a batch (`{"queries": [...]}`) against
//!   the designated entries the asker may see; the answer has the shape of `entente screen`'s;
//! - `POST /match/{dataset}`: the request and response shape of OpenSanctions' yente (queries of
//!   `schema` + `properties`; results with `score`, `match`, `explanations`), so that clients
//!   written for yente (`yente-client`) work against a node unchanged. They send their key as
//!   `Authorization: ApiKey <token>`, which the node takes as a bearer token.
//!
//! Every screening request is audited with the entries it returned.

use crate::auth::{Author, Principal, Reader};
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::{Path, Query as UrlQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use entente_core::Tlp;
use entente_node::ingest::ingest_step;
use entente_node::node::Node;
use entente_node::screening::{match_json, Indexed, REGISTER_TYPE};
use entente_screen::matcher::{Match, PartialDate, Query};
use entente_stix::extension::ENTENTE_EXTENSION;
use entente_stix::Timestamp;
use entente_store::read::{self, VersionMatch};
use entente_store::{AuditRecord, BasedOn};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The default threshold, the one `entente screen` uses (calibrated on the evaluation set).
pub const DEFAULT_THRESHOLD: f64 = 0.85;
/// The most queries one screening request may hold.
pub const MAX_QUERIES: usize = 10_000;

pub fn routes() -> Router<Arc<Node>> {
    Router::new()
        .route("/api/v1/register", post(create_entry))
        .route("/api/v1/register/{id}", get(get_entry))
        .route("/api/v1/register/{id}/delist", post(delist_entry))
        .route("/api/v1/screen", post(screen))
        .route("/match/{dataset}", post(yente_match))
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Reads a JSON body (see [`crate::body`]).
async fn json_body<T: serde::de::DeserializeOwned>(
    node: &Node,
    headers: &HeaderMap,
    body: Body,
) -> Result<T, ApiError> {
    crate::body::typed(node, headers, body, None).await
}

pub use entente_node::screening::check_names;

/// A new register entry, as a supervisor gives it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewEntry {
    kind: String,
    names: Vec<String>,
    #[serde(default)]
    birth_dates: Vec<String>,
    #[serde(default)]
    nationalities: Vec<String>,
    #[serde(default)]
    identifiers: Vec<Identifier>,
    /// `TLP:GREEN`, `TLP:AMBER`...; the node's default marking when absent.
    marking: Option<String>,
    /// `{"states": [...], "tiers": [...], "users": [...]}`.
    audience: Option<Value>,
    /// Why the entry is designated.
    reason: Option<String>,
    /// `designated` (the default: a supervisor's step) or `proposed`.
    status: Option<String>,
}

#[derive(Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct Identifier {
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

impl NewEntry {
    fn check(&self) -> Result<(), String> {
        if !matches!(self.kind.as_str(), "person" | "organization") {
            return Err(format!(
                "`kind` is `{}`; it must be `person` or `organization`",
                self.kind
            ));
        }
        check_names(&self.names)?;
        for d in &self.birth_dates {
            PartialDate::parse(d)?;
        }
        if let Some(n) = self
            .nationalities
            .iter()
            .find(|n| n.len() != 2 || !n.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(format!(
                "nationality `{n}` is not an ISO 3166-1 alpha-2 code (two capital letters)"
            ));
        }
        Ok(())
    }
}

/// Ingests one object this node originates, as `action`, and answers its id and version, or why
/// it was refused.
async fn store_one(
    node: &Arc<Node>,
    p: &Principal,
    object: Value,
    action: &str,
    based_on: BasedOn,
) -> Result<Value, ApiError> {
    let r = ingest_step(node, p, object, action, None, based_on).await?;
    let answer = json!({"id": r.id, "modified": r.version});
    crate::error::stored_or_refused(r)?;
    Ok(answer)
}

async fn create_entry(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let e: NewEntry = json_body(&node, &headers, body).await?;
    e.check().map_err(ApiError::BadRequest)?;
    let status = e.status.clone().unwrap_or_else(|| "designated".into());
    if !matches!(status.as_str(), "designated" | "proposed") {
        return Err(ApiError::BadRequest(format!(
            "`status` is `{status}`: a new entry is `designated` or `proposed`"
        )));
    }
    let now = Timestamp::from_micros(node.now_us()).to_micros_string();
    let mut object = json!({
        "type": REGISTER_TYPE,
        "spec_version": "2.1",
        "id": format!("{REGISTER_TYPE}--{}", uuid::Uuid::new_v4()),
        "created": now,
        "modified": now,
        "kind": e.kind,
        "names": e.names,
        "birth_dates": e.birth_dates,
        "nationalities": e.nationalities,
        "identifiers": e.identifiers,
        "status": status,
        "extensions": {
            entente_stix::extension::definition_for_type(REGISTER_TYPE).unwrap_or_default():
                {"extension_type": "new-sdo"},
        },
    });
    if let Some(reason) = e.reason {
        object["reason"] = Value::String(reason);
    }
    if let Some(m) = e.marking {
        let tlp = Tlp::parse_name(&m).map_err(|err| ApiError::BadRequest(err.to_string()))?;
        object["object_marking_refs"] = json!([tlp.marking_ref()]);
    }
    if let Some(a) = e.audience {
        object["extensions"][ENTENTE_EXTENSION] =
            json!({"extension_type": "property-extension", "audience": a});
    }
    let mut answer = store_one(&node, &p, object, "register-entry", BasedOn::Nothing).await?;
    answer["status"] = json!(status);
    Ok(json_response(StatusCode::CREATED, &answer))
}

/// The latest version of a register entry the principal may see, as stored.
async fn latest_entry_version(
    node: &Node,
    p: &Principal,
    id: &str,
) -> Result<(Value, i64), ApiError> {
    if !id.starts_with(&format!("{REGISTER_TYPE}--")) {
        return Err(ApiError::NotFound);
    }
    let query = read::Query {
        ids: vec![id.to_owned()],
        types: vec![REGISTER_TYPE.to_owned()],
        versions: VersionMatch::last(),
        spec_version_matches: true,
        ..Default::default()
    };
    let page = entente_node::read::page(node, p, &query, None, 1, true).await?;
    let row = page.rows.into_iter().next().ok_or(ApiError::NotFound)?;
    let entry = serde_json::from_str(&row.json).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((entry, row.version_ns))
}

/// The latest version of a register entry the principal may see, as stored.
async fn latest_entry(node: &Node, p: &Principal, id: &str) -> Result<Value, ApiError> {
    Ok(latest_entry_version(node, p, id).await?.0)
}

async fn get_entry(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let entry = latest_entry(&node, &p, &id).await?;
    Ok(json_response(StatusCode::OK, &entry))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Delisting {
    reason: Option<String>,
}

async fn delist_entry(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let delisting: Delisting = if headers.contains_key(header::CONTENT_TYPE) {
        json_body(&node, &headers, body).await?
    } else {
        Delisting::default()
    };
    let _turn = node.turns.take(&id).await;
    let (mut entry, version_ns) = latest_entry_version(&node, &p, &id).await?;
    let ours = entente_stix::identity::party_identity_id(&node.party);
    if entry.get("created_by_ref").and_then(Value::as_str) != Some(ours.as_str()) {
        return Err(ApiError::Forbidden(
            "only the node of the state that designated an entry can delist it".into(),
        ));
    }
    let obj = entry
        .as_object_mut()
        .ok_or_else(|| ApiError::Internal("a stored entry is not an object".into()))?;
    // The new version is signed anew: the old signature goes.
    if let Some(ext) = obj
        .get_mut("extensions")
        .and_then(Value::as_object_mut)
        .and_then(|e| e.get_mut(ENTENTE_EXTENSION))
        .and_then(Value::as_object_mut)
    {
        ext.remove("signature");
    }
    obj.insert("status".into(), json!("delisted"));
    obj.insert(
        "modified".into(),
        json!(Timestamp::from_micros(node.now_us()).to_micros_string()),
    );
    if let Some(reason) = delisting.reason {
        obj.insert("delisting_reason".into(), json!(reason));
    }
    let based_on = BasedOn::Latest(version_ns);
    let mut answer = store_one(&node, &p, entry, "register-delist", based_on).await?;
    answer["status"] = json!("delisted");
    Ok(json_response(StatusCode::OK, &answer))
}

/// One name to screen, with what else is known.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenQuery {
    id: Option<String>,
    name: String,
    birth_date: Option<String>,
    #[serde(default)]
    nationality: Vec<String>,
}

/// The body of `POST /api/v1/screen`: one query, or `queries`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScreenRequest {
    id: Option<String>,
    name: Option<String>,
    birth_date: Option<String>,
    #[serde(default)]
    nationality: Vec<String>,
    queries: Option<Vec<Value>>,
    threshold: Option<f64>,
    limit: Option<usize>,
}

/// The names of one subject to screen, with their total size in name parts.
type Parsed = Result<(Vec<Query>, usize), String>;

fn query_of(q: ScreenQuery) -> Parsed {
    if q.name.trim().is_empty() {
        return Err("`name` is empty".into());
    }
    let size = check_names(std::slice::from_ref(&q.name))?;
    let query = Query {
        name: q.name,
        birth_date: q
            .birth_date
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(PartialDate::parse)
            .transpose()?,
        nationality: q
            .nationality
            .iter()
            .map(|n| n.trim().to_uppercase())
            .collect(),
    };
    Ok((vec![query], size))
}

fn threshold_and_limit(
    threshold: Option<f64>,
    limit: Option<usize>,
) -> Result<(f64, usize), ApiError> {
    let threshold = threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(ApiError::BadRequest(format!(
            "`threshold` must be between 0 and 1, not {threshold}"
        )));
    }
    let limit = limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "`limit` must be between 1 and 100, not {limit}"
        )));
    }
    Ok((threshold, limit))
}

/// Refuses a request whose names together exceed the node's screening work limit.
fn check_work(
    node: &Node,
    queries: &[Parsed],
) -> Result<Vec<Result<Vec<Query>, String>>, ApiError> {
    let total: usize = queries.iter().flatten().map(|(_, size)| size).sum();
    let max = node.settings.max_screening_parts;
    if total > max {
        return Err(ApiError::PayloadTooLarge(format!(
            "the request holds names of {total} parts in all; this node screens at most {max} name parts in one request (split the batch)"
        )));
    }
    Ok(queries
        .iter()
        .map(|q| q.as_ref().map(|(qs, _)| qs.clone()).map_err(Clone::clone))
        .collect())
}

/// Stops the work of a request when the request is dropped (the client went away): screening
/// workers look at it before each query.
struct CancelOnDrop(Arc<std::sync::atomic::AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Screens the queries on the screening pool (see [`entente_node::cpu::screening_pool`]: apart from the
/// pool that prepares objects for storage, so a batch cannot starve ingest), in order. If the
/// request is dropped meanwhile, the queries not yet screened are not.
async fn run_queries(
    node: &Arc<Node>,
    p: &Principal,
    index: Arc<Indexed>,
    queries: Vec<Result<Vec<Query>, String>>,
    cutoff: f64,
    limit: usize,
) -> Result<Vec<Result<Vec<Match>, String>>, ApiError> {
    let viewer = p.viewer.clone();
    let now_ns = node.now_us().saturating_mul(1000);
    let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let _cancel = CancelOnDrop(cancelled.clone());
    entente_node::cpu::run(&node.screening_pool, move || {
        use rayon::prelude::*;
        queries
            .into_par_iter()
            .map(|q| {
                if cancelled.load(std::sync::atomic::Ordering::Relaxed) {
                    return Err("the request was cancelled".to_owned());
                }
                q.map(|names| {
                    // Several names of one subject: the best match per entry over all of them.
                    let mut best: HashMap<usize, Match> = HashMap::new();
                    for q in &names {
                        for m in index.screen(&viewer, q, cutoff, limit, now_ns) {
                            match best.get(&m.entry) {
                                Some(b) if b.score >= m.score => {}
                                _ => {
                                    best.insert(m.entry, m);
                                }
                            }
                        }
                    }
                    let mut all: Vec<Match> = best.into_values().collect();
                    all.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
                    all.truncate(limit);
                    all
                })
            })
            .collect()
    })
    .await
    .map_err(ApiError::Internal)
}

/// Records who screened how many names and which entries the answer named.
async fn audit_screening(
    node: &Node,
    p: &Principal,
    action: &str,
    index: &Indexed,
    results: &[Result<Vec<Match>, String>],
) -> Result<(), ApiError> {
    let mut named: Vec<String> = results
        .iter()
        .flatten()
        .flatten()
        .filter_map(|m| index.register.entries().get(m.entry).map(|e| e.id.clone()))
        .collect();
    named.sort();
    named.dedup();
    node.store
        .append_audit(AuditRecord {
            ts_us: node.now_us(),
            principal: p.name(),
            action: action.to_owned(),
            collection: None,
            objects: named,
            outcome: "ok".into(),
            detail: Some(format!("{} name(s) screened", results.len())),
        })
        .await?;
    Ok(())
}

async fn screen(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let r: ScreenRequest = json_body(&node, &headers, body).await?;
    let (threshold, limit) = threshold_and_limit(r.threshold, r.limit)?;
    let batch = r.queries.is_some();
    let raw: Vec<Result<ScreenQuery, String>> = match (r.queries, r.name) {
        (Some(_), Some(_)) => {
            return Err(ApiError::BadRequest(
                "give either `name` (one query) or `queries` (a batch), not both".into(),
            ))
        }
        (None, None) => {
            return Err(ApiError::BadRequest(
                "give `name` (one query) or `queries` (a batch)".into(),
            ))
        }
        (None, Some(name)) => vec![Ok(ScreenQuery {
            id: r.id,
            name,
            birth_date: r.birth_date,
            nationality: r.nationality,
        })],
        (Some(qs), None) => {
            if qs.len() > MAX_QUERIES {
                return Err(ApiError::PayloadTooLarge(format!(
                    "{} queries; at most {MAX_QUERIES} per request",
                    qs.len()
                )));
            }
            qs.into_iter()
                .map(|v| serde_json::from_value(v).map_err(|e| e.to_string()))
                .collect()
        }
    };
    let ids: Vec<Option<String>> = raw
        .iter()
        .map(|q| q.as_ref().ok().and_then(|q| q.id.clone()))
        .collect();
    let parsed: Vec<Parsed> = raw.into_iter().map(|q| q.and_then(query_of)).collect();
    if !batch {
        if let Some(Err(e)) = parsed.first() {
            return Err(ApiError::BadRequest(e.clone()));
        }
    }
    let queries = check_work(&node, &parsed)?;
    let index = node.screening.current(&node).await?;
    let results = run_queries(&node, &p, Arc::clone(&index), queries, threshold, limit).await?;
    audit_screening(&node, &p, "screen", &index, &results).await?;
    let answers: Vec<Value> = results
        .iter()
        .zip(ids)
        .enumerate()
        .map(|(i, (r, id))| match r {
            Ok(matches) => json!({
                "id": id,
                "matches": matches.iter().map(|m| {
                    let mut j = match_json(&index.register, m);
                    if let (Some(o), Value::Object(src)) = (j.as_object_mut(), index.source_json(m)) {
                        o.extend(src);
                    }
                    j
                }).collect::<Vec<_>>(),
            }),
            Err(e) => json!({"index": i, "error": e}),
        })
        .collect();
    let body = if batch {
        json!({"results": answers})
    } else {
        answers.into_iter().next().unwrap_or(Value::Null)
    };
    Ok(json_response(StatusCode::OK, &body))
}

/// `POST /match/{dataset}`'s query string, as yente takes it.
#[derive(Deserialize)]
struct MatchParams {
    threshold: Option<f64>,
    cutoff: Option<f64>,
    limit: Option<usize>,
    /// Accepted and ignored: the node has one matcher.
    #[allow(dead_code)]
    algorithm: Option<String>,
}

/// The datasets a node answers for: its register.
const DATASETS: &[&str] = &["default", "register", "entente"];

/// The yente entity schemata the node screens, and the kind each stands for.
fn schema_kind(schema: &str) -> Option<&'static str> {
    match schema {
        "Person" => Some("Person"),
        "Organization" | "Company" | "LegalEntity" | "PublicBody" => Some("Organization"),
        "Thing" => Some("Thing"),
        _ => None,
    }
}

fn strings_of(props: &Map<String, Value>, key: &str) -> Vec<String> {
    match props.get(key) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// A yente query (`schema` + `properties`) as the names to screen.
fn yente_queries(q: &Value) -> Parsed {
    let schema = q
        .get("schema")
        .and_then(Value::as_str)
        .ok_or("a query needs `schema`")?;
    schema_kind(schema).ok_or_else(|| format!("schema `{schema}` cannot be matched here"))?;
    let empty = Map::new();
    let props = q
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut names = strings_of(props, "name");
    for alias in ["alias", "weakAlias", "previousName"] {
        names.extend(strings_of(props, alias));
    }
    names.retain(|n| !n.trim().is_empty());
    if names.is_empty() {
        return Err("a query needs at least one `name`".into());
    }
    let size = check_names(&names)?;
    let birth_date = strings_of(props, "birthDate")
        .first()
        .map(|d| PartialDate::parse(d.get(..10).unwrap_or(d)))
        .transpose()?;
    let mut nationality: Vec<String> = strings_of(props, "nationality");
    nationality.extend(strings_of(props, "country"));
    let nationality: Vec<String> = nationality
        .iter()
        .map(|n| n.trim().to_uppercase())
        .collect();
    let queries = names
        .into_iter()
        .map(|name| Query {
            name,
            birth_date,
            nationality: nationality.clone(),
        })
        .collect();
    Ok((queries, size))
}

/// A match as a yente scored entity.
fn yente_result(index: &Indexed, m: &Match, threshold: f64, dataset: &str) -> Value {
    use entente_screen::parts::Kind;
    let entry = index.register.entries().get(m.entry);
    let modified = index.modified.get(m.entry).cloned().unwrap_or_default();
    let (id, schema, names, birth, nationality) = match entry {
        Some(e) => (
            e.id.clone(),
            if e.kind == Kind::Person {
                "Person"
            } else {
                "Organization"
            },
            e.names.clone(),
            e.birth_date.map(|d| match (d.month, d.day) {
                (Some(mo), Some(da)) => format!("{:04}-{mo:02}-{da:02}", d.year),
                (Some(mo), None) => format!("{:04}-{mo:02}", d.year),
                _ => format!("{:04}", d.year),
            }),
            e.nationality.clone(),
        ),
        None => (String::new(), "Person", Vec::new(), None, Vec::new()),
    };
    let detail = m
        .parts
        .iter()
        .map(|p| format!("{} = {} ({})", p.query, p.listed, p.similarity))
        .collect::<Vec<_>>()
        .join("; ");
    let evidence = |e: entente_screen::matcher::Evidence| match e {
        entente_screen::matcher::Evidence::Agrees => 1.0,
        entente_screen::matcher::Evidence::Differs => -1.0,
        entente_screen::matcher::Evidence::Unknown => 0.0,
    };
    let mut properties = json!({"name": names});
    if let Some(b) = birth {
        properties["birthDate"] = json!([b]);
    }
    if !nationality.is_empty() {
        properties["nationality"] = json!(nationality
            .iter()
            .map(|n| n.to_lowercase())
            .collect::<Vec<_>>());
    }
    json!({
        "id": id,
        "caption": m.name,
        "schema": schema,
        "properties": properties,
        "datasets": [dataset],
        "referents": [],
        "target": true,
        "first_seen": modified,
        "last_seen": modified,
        "last_change": modified,
        "score": m.score,
        "match": m.score >= threshold,
        "explanations": {
            "name_parts": {"score": m.score, "detail": detail},
            "unmatched_parts": {"score": -(m.unmatched.len() as f64), "detail": m.unmatched.join(", ")},
            "birth_date": {"score": evidence(m.birth_date), "detail": entente_node::screening::evidence_str(m.birth_date)},
            "nationality": {"score": evidence(m.nationality), "detail": entente_node::screening::evidence_str(m.nationality)},
        },
    })
}

async fn yente_match(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(dataset): Path<String>,
    UrlQuery(params): UrlQuery<MatchParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    if !DATASETS.contains(&dataset.as_str()) {
        return Err(ApiError::NotFound);
    }
    let threshold = params.threshold.unwrap_or(DEFAULT_THRESHOLD);
    let cutoff = params.cutoff.unwrap_or(0.5);
    let limit = params.limit.unwrap_or(5);
    let (threshold, limit) = threshold_and_limit(Some(threshold), Some(limit))?;
    let (cutoff, _) = threshold_and_limit(Some(cutoff), None)?;
    let request: Value = json_body(&node, &headers, body).await?;
    let queries = request
        .get("queries")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            ApiError::BadRequest(
                "the body needs `queries`: {\"key\": {\"schema\": ..., \"properties\": {...}}}"
                    .into(),
            )
        })?;
    if queries.len() > MAX_QUERIES {
        return Err(ApiError::PayloadTooLarge(format!(
            "{} queries; at most {MAX_QUERIES} per request",
            queries.len()
        )));
    }
    let keys: Vec<String> = queries.keys().cloned().collect();
    let echoes: Vec<Value> = queries.values().cloned().collect();
    let parsed: Vec<Parsed> = queries.values().map(yente_queries).collect();
    let parsed = check_work(&node, &parsed)?;
    let index = node.screening.current(&node).await?;
    let results = run_queries(&node, &p, Arc::clone(&index), parsed, cutoff, limit).await?;
    audit_screening(&node, &p, "match", &index, &results).await?;
    let mut responses = Map::new();
    for ((key, echo), r) in keys.into_iter().zip(echoes).zip(&results) {
        let answer = match r {
            Ok(matches) => json!({
                "status": 200,
                "results": matches.iter().map(|m| yente_result(&index, m, threshold, &dataset)).collect::<Vec<_>>(),
                "total": {"value": matches.len(), "relation": "eq"},
                "query": echo,
            }),
            Err(e) => {
                json!({"status": 400, "detail": e, "results": [], "total": {"value": 0, "relation": "eq"}, "query": echo})
            }
        };
        responses.insert(key, answer);
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "responses": responses,
            "matcher": {"name": "entente", "threshold": threshold, "cutoff": cutoff},
            "limit": limit,
        }),
    ))
}
