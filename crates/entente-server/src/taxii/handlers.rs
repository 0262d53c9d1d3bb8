//! The TAXII 2.1 request handlers. Each one: negotiate the media type, extract the principal (the
//! extractor type says what it may do), parse the query, call the read engine or ingest, audit
//! reads of marked data, answer.

use super::query::{self, Params};
use super::API_ROOT;
use crate::auth::{Author, Principal, Reader};
use crate::error::ApiError;
use crate::media::{check_accept, check_content_type, TAXII_MEDIA_TYPE};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use entente_core::{Tlp, Viewer};
use entente_node::ingest::{ingest, StatusRequest};
use entente_node::node::{Node, COLLECTION_ID, COLLECTION_TITLE};
use entente_stix::{Timestamp, STIX_MEDIA_TYPE};
use entente_store::read::{self, VersionMatch};
use entente_store::{AuditRecord, ObjectRow};
use serde_json::{json, Value};
use std::sync::Arc;

const ADDED_FIRST: HeaderName = HeaderName::from_static("x-taxii-date-added-first");
const ADDED_LAST: HeaderName = HeaderName::from_static("x-taxii-date-added-last");

fn taxii(status: StatusCode, body: &Value) -> Response {
    taxii_text(status, body.to_string())
}

/// Adds the `X-TAXII-Date-Added-First/Last` headers of the rows a response carries.
fn with_date_headers(mut r: Response, rows: &[ObjectRow]) -> Response {
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        for (name, us) in [
            (ADDED_FIRST, first.date_added_us),
            (ADDED_LAST, last.date_added_us),
        ] {
            if let Ok(v) = HeaderValue::from_str(&Timestamp::from_micros(us).to_micros_string()) {
                r.headers_mut().insert(name, v);
            }
        }
    }
    r
}

fn check_collection(collection: &str) -> Result<(), ApiError> {
    if collection == COLLECTION_ID {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

fn can_write(p: &Principal) -> bool {
    p.role().is_some()
}

fn collection_resource(p: &Principal) -> Value {
    json!({
        "id": COLLECTION_ID,
        "title": COLLECTION_TITLE,
        "description": "Everything this node shares and is shared with: each principal sees what the access policy lets it see.",
        "can_read": true,
        "can_write": can_write(p),
        "media_types": [STIX_MEDIA_TYPE],
    })
}

pub async fn discovery(
    State(node): State<Arc<Node>>,
    Reader(_): Reader,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    Ok(taxii(
        StatusCode::OK,
        &json!({
            "title": format!("Entente node of {} ({})", node.party, node.charter.abbreviation),
            "description": format!("A node of the {} security-cooperation federation.", node.charter.name),
            "default": API_ROOT,
            "api_roots": [API_ROOT],
        }),
    ))
}

pub async fn api_root(
    State(node): State<Arc<Node>>,
    Reader(_): Reader,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    Ok(taxii(
        StatusCode::OK,
        &json!({
            "title": format!("{} intelligence exchange ({})", node.charter.abbreviation, node.party),
            "description": "Signed STIX 2.1 objects shared between the parties of the organization.",
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": node.settings.max_body_bytes,
        }),
    ))
}

pub async fn collections(Reader(p): Reader, headers: HeaderMap) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    Ok(taxii(
        StatusCode::OK,
        &json!({ "collections": [collection_resource(&p)] }),
    ))
}

pub async fn collection(
    Reader(p): Reader,
    Path(collection): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    check_collection(&collection)?;
    Ok(taxii(StatusCode::OK, &collection_resource(&p)))
}

/// Records a read in the audit log when it returns anything not TLP:CLEAR.
async fn audit_read(
    node: &Node,
    p: &Principal,
    action: &str,
    rows: &[ObjectRow],
    outcome: &str,
) -> Result<(), ApiError> {
    if rows.iter().all(|r| r.label.marking == Tlp::Clear) {
        return Ok(());
    }
    node.store
        .append_audit(AuditRecord {
            ts_us: node.now_us(),
            principal: p.name(),
            action: action.into(),
            collection: Some(COLLECTION_ID.into()),
            objects: rows
                .iter()
                .map(|r| format!("{}@{}", r.id, r.version_ns))
                .collect(),
            outcome: outcome.into(),
            detail: None,
        })
        .await?;
    Ok(())
}

/// Parses a query of `endpoint` for `p`, opening its `next` token (one this node issued to `p`
/// for this same query, else 400).
fn parse_objects_query(
    node: &Node,
    p: &Principal,
    endpoint: &str,
    raw: Option<&str>,
    allowed: &[&str],
    default_version: VersionMatch,
) -> Result<Params, ApiError> {
    let mut params = query::parse(
        raw,
        allowed,
        node.settings.default_page,
        node.settings.max_page,
        node.settings.max_match_values,
        default_version,
    )?;
    if let Some(token) = &params.next {
        let scope = entente_node::paging::scope(endpoint, raw);
        params.after_seq = Some(node.pager.open(&p.name(), &scope, token).ok_or_else(|| {
            ApiError::BadRequest(
                "`next`: not a paging token this node issued to you for this query".into(),
            )
        })?);
    }
    Ok(params)
}

/// The `next` token for "after row `seq`" of `endpoint` with the query `raw`, for `p`.
fn next_token(node: &Node, p: &Principal, endpoint: &str, raw: Option<&str>, seq: i64) -> String {
    node.pager
        .seal(&p.name(), &entente_node::paging::scope(endpoint, raw), seq)
}

/// A TAXII envelope of stored objects. The stored JSON is canonical and valid, so it is spliced in
/// as it is rather than parsed and written out again. Nothing to return and nothing more is the
/// empty envelope `{}`, as the OASIS reference server (medallion) answers it: every property of
/// an envelope is optional, and `more` absent means false.
fn envelope(rows: &[ObjectRow], more: bool, next: Option<String>) -> String {
    if rows.is_empty() && !more {
        return "{}".to_owned();
    }
    let mut out = String::with_capacity(64 + rows.iter().map(|r| r.json.len() + 1).sum::<usize>());
    out.push_str(if more {
        "{\"more\":true"
    } else {
        "{\"more\":false"
    });
    if let Some(token) = next.filter(|_| more) {
        out.push_str(",\"next\":\"");
        out.push_str(&token);
        out.push('"');
    }
    if !rows.is_empty() {
        out.push_str(",\"objects\":[");
        for (i, r) in rows.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&r.json);
        }
        out.push(']');
    }
    out.push('}');
    out
}

fn taxii_text(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(TAXII_MEDIA_TYPE),
    );
    r
}

/// The visible page a list endpoint (objects, manifest) asks for: its query parsed, the read
/// engine run over it, from `resume` on when the query gives no `next`.
async fn list_page(
    node: &Node,
    p: &Principal,
    endpoint: &str,
    collection: &str,
    raw: Option<&str>,
    with_json: bool,
    resume: Option<i64>,
) -> Result<read::Page, ApiError> {
    check_collection(collection)?;
    let q = parse_objects_query(
        node,
        p,
        endpoint,
        raw,
        &["id", "type", "version", "spec_version"],
        VersionMatch::last(),
    )?;
    Ok(entente_node::read::page(
        node,
        p,
        &q.query,
        q.after_seq.or(resume),
        q.limit,
        with_json,
    )
    .await?)
}

fn next_of(page: &read::Page) -> Option<i64> {
    page.last_row.filter(|_| page.more)
}

pub async fn get_objects(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(collection): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    // A peer pulling again with the same query starts where its last scan ended.
    let peer = match &p.viewer {
        Viewer::Node { party, .. } => Some(party),
        _ => None,
    };
    let query = raw.as_deref().unwrap_or("");
    let resumable = !query.split('&').any(|kv| kv.starts_with("next="));
    let resume = peer
        .filter(|_| resumable)
        .and_then(|party| node.pull_resume.get(party, query));
    let page = list_page(
        &node,
        &p,
        "objects",
        &collection,
        raw.as_deref(),
        true,
        resume,
    )
    .await?;
    // Only an empty answer: one that returned rows must return them again to the same query.
    if let (Some(party), Some(scanned_to), true) = (peer, page.scanned_to, resumable) {
        if page.rows.is_empty() {
            node.pull_resume.set(party, query, scanned_to);
        }
    }
    let more = page.more;
    let next = next_of(&page).map(|seq| next_token(&node, &p, "objects", raw.as_deref(), seq));
    objects_response(&node, &p, "read-objects", &page.rows, more, next).await
}

/// Audits the read of `rows` and answers them as a TAXII envelope with the date headers.
async fn objects_response(
    node: &Node,
    p: &Principal,
    action: &str,
    rows: &[ObjectRow],
    more: bool,
    next: Option<String>,
) -> Result<Response, ApiError> {
    audit_read(node, p, action, rows, "ok").await?;
    Ok(with_date_headers(
        taxii_text(StatusCode::OK, envelope(rows, more, next)),
        rows,
    ))
}

pub async fn get_object(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path((collection, object)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    check_collection(&collection)?;
    let endpoint = format!("object\n{object}");
    let mut q = parse_objects_query(
        &node,
        &p,
        &endpoint,
        raw.as_deref(),
        &["version", "spec_version"],
        VersionMatch::last(),
    )?;
    q.query.ids = vec![object.clone()];
    let page = entente_node::read::page(&node, &p, &q.query, q.after_seq, q.limit, true).await?;
    if page.rows.is_empty()
        && entente_node::read::visible_versions(&node, &p, &object)
            .await?
            .is_empty()
    {
        return Err(ApiError::NotFound);
    }
    let more = page.more;
    let next = next_of(&page).map(|seq| next_token(&node, &p, &endpoint, raw.as_deref(), seq));
    // A single object is worth the full signature check as well.
    let rows = entente_node::read::signed_by_originator(&node, page.rows);
    objects_response(&node, &p, "read-object", &rows, more, next).await
}

pub async fn get_manifest(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(collection): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    let page = list_page(
        &node,
        &p,
        "manifest",
        &collection,
        raw.as_deref(),
        false,
        None,
    )
    .await?;
    audit_read(&node, &p, "read-manifest", &page.rows, "ok").await?;
    let records: Vec<Value> = page
        .rows
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "date_added": Timestamp::from_micros(r.date_added_us).to_micros_string(),
                "version": version_text(r),
                "media_type": STIX_MEDIA_TYPE,
            })
        })
        .collect();
    let mut body = empty_or_more(records.is_empty(), page.more);
    if let Some(seq) = next_of(&page) {
        body["next"] = Value::String(next_token(&node, &p, "manifest", raw.as_deref(), seq));
    }
    if !records.is_empty() {
        body["objects"] = Value::Array(records);
    }
    Ok(with_date_headers(taxii(StatusCode::OK, &body), &page.rows))
}

/// The start of a manifest or versions answer: `{}` when it holds nothing and nothing more (see
/// [`envelope`]), else `more`.
fn empty_or_more(empty: bool, more: bool) -> Value {
    if empty && !more {
        json!({})
    } else {
        json!({ "more": more })
    }
}

fn version_text(r: &ObjectRow) -> String {
    Timestamp::from_nanos(r.version_ns).to_stix_string()
}

pub async fn get_versions(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path((collection, object)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    check_collection(&collection)?;
    let endpoint = format!("versions\n{object}");
    let q = parse_objects_query(
        &node,
        &p,
        &endpoint,
        raw.as_deref(),
        &["spec_version"],
        VersionMatch::all(),
    )?;
    let visible = entente_node::read::visible_versions(&node, &p, &object).await?;
    if visible.is_empty() {
        return Err(ApiError::NotFound);
    }
    let mut rows: Vec<ObjectRow> = visible
        .into_iter()
        .filter(|_| q.query.spec_version_matches)
        .filter(|r| q.query.added_after_us.is_none_or(|a| r.date_added_us > a))
        .filter(|r| q.after_seq.is_none_or(|s| r.seq > s))
        .collect();
    let more = rows.len() > q.limit;
    rows.truncate(q.limit);
    audit_read(&node, &p, "read-versions", &rows, "ok").await?;
    let mut body = empty_or_more(rows.is_empty(), more);
    if more {
        if let Some(last) = rows.last() {
            body["next"] =
                Value::String(next_token(&node, &p, &endpoint, raw.as_deref(), last.seq));
        }
    }
    if !rows.is_empty() {
        body["versions"] = Value::Array(
            rows.iter()
                .map(|r| Value::String(version_text(r)))
                .collect(),
        );
    }
    Ok(with_date_headers(taxii(StatusCode::OK, &body), &rows))
}

pub async fn delete_object(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path((collection, object)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    check_collection(&collection)?;
    let q = parse_objects_query(
        &node,
        &p,
        "delete",
        raw.as_deref(),
        &["version", "spec_version"],
        VersionMatch::all(),
    )?;
    let visible = entente_node::read::visible_versions(&node, &p, &object).await?;
    if visible.is_empty() {
        return Err(ApiError::NotFound);
    }
    let v = &q.query.versions;
    let first = visible.iter().map(|r| r.version_ns).min();
    let last = visible.iter().map(|r| r.version_ns).max();
    let chosen: Vec<&ObjectRow> = visible
        .iter()
        .filter(|_| q.query.spec_version_matches)
        .filter(|r| v.selects(r.version_ns, first, last))
        .collect();
    if chosen.is_empty() {
        return Err(ApiError::NotFound);
    }
    entente_node::ingest::may_delete(&node, &p, &collection, &object, &chosen).await?;
    let versions: Vec<i64> = chosen.iter().map(|r| r.version_ns).collect();
    let audit = AuditRecord {
        ts_us: node.now_us(),
        principal: p.name(),
        action: "delete-object".into(),
        collection: Some(collection.clone()),
        objects: versions.iter().map(|v| format!("{object}@{v}")).collect(),
        outcome: "ok".into(),
        detail: None,
    };
    node.store
        .delete_versions(&collection, &object, &versions, audit)
        .await?;
    // What this process holds in memory of such objects is rebuilt (the store tells the others).
    let object_type = object.split_once("--").map(|(t, _)| vec![t.to_owned()]);
    entente_node::cluster::types_changed(&node, object_type.as_deref());
    Ok(taxii(StatusCode::OK, &json!({})))
}

pub async fn add_objects(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(collection): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    check_collection(&collection)?;
    check_content_type(&headers)?;
    let bytes = crate::body::bytes(&node, &headers, body).await?;
    let objects = crate::body::envelope_objects(crate::body::parse(&node, &bytes)?)?;
    if objects.len() > node.settings.max_envelope_objects {
        return Err(ApiError::PayloadTooLarge(format!(
            "the envelope holds {} objects; this node takes at most {} per request",
            objects.len(),
            node.settings.max_envelope_objects
        )));
    }
    let request = StatusRequest {
        id: uuid::Uuid::new_v4().to_string(),
        owner: p.name(),
        request_timestamp: Timestamp::from_micros(node.now_us()).to_micros_string(),
    };
    let done = ingest(&node, &p, &collection, objects, Some(request)).await?;
    Ok(taxii_text(
        StatusCode::ACCEPTED,
        done.status_json.unwrap_or_default(),
    ))
}

pub async fn get_status(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(status): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    check_accept(&headers)?;
    let record = node
        .store
        .get_status(&status)
        .await?
        .ok_or(ApiError::NotFound)?;
    // A status resource belongs to whoever made the request.
    if record.owner != p.name() {
        return Err(ApiError::NotFound);
    }
    let body: Value =
        serde_json::from_str(&record.json).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(taxii(StatusCode::OK, &body))
}
