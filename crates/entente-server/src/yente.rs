//! `POST /match/{dataset}`: the request and response shape of OpenSanctions' yente (queries of
//! `schema` + `properties`; results with `score`, `match`, `explanations`), so that clients
//! written for yente (`yente-client`) work against a node unchanged. They send their key as
//! `Authorization: ApiKey <token>`, which the node takes as a bearer token. Screened and audited
//! as `POST /api/v1/screen` is ([`crate::screening`]).

use crate::auth::Reader;
use crate::body::{json_body, json_response};
use crate::error::ApiError;
use crate::screening::{
    audit_screening, check_work, run_queries, threshold_and_limit, Parsed, DEFAULT_THRESHOLD,
    MAX_QUERIES,
};
use axum::body::Body;
use axum::extract::{Path, Query as UrlQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use entente_node::node::Node;
use entente_node::screen_index::Indexed;
use entente_node::screening::check_names;
use entente_screen::matcher::{Match, PartialDate, Query};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::sync::Arc;

pub fn routes() -> Router<Arc<Node>> {
    Router::new().route("/match/{dataset}", post(yente_match))
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
    names.retain(|n| !entente_core::text::is_blank(n));
    if names.is_empty() {
        return Err("a query needs at least one `name`".into());
    }
    let size = check_names(&names).map_err(|e| e.to_string())?;
    let birth_date = strings_of(props, "birthDate")
        .first()
        .map(|d| PartialDate::parse(d.get(..10).unwrap_or(d)))
        .transpose()
        .map_err(|e| e.to_string())?;
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
        .map(|p| match &p.via {
            Some(via) => format!("{} = {} ({}, {via})", p.query, p.listed, p.similarity),
            None => format!("{} = {} ({})", p.query, p.listed, p.similarity),
        })
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
    params: Result<UrlQuery<MatchParams>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let UrlQuery(params) = params.map_err(|e| {
        ApiError::BadRequest(format!(
            "{}: `threshold` and `cutoff` are numbers from 0 to 1, `limit` a whole number from 1 to 100",
            e.body_text()
        ))
    })?;
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
    let index = entente_node::screening::index(&node).await?;
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
