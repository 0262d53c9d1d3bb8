//! `/api/v1/register`: the register of designated persons and organizations
//! ([`entente_node::screening`] describes the `x-entente-register-entry` object):
//!
//! - `POST /api/v1/register`: designate a person or organization (supervisors), or propose one
//!   (`"status": "proposed"`, any user) — a new entry, signed by this node;
//! - `GET /api/v1/register/{id}`: the latest version of an entry the asker may see;
//! - `POST /api/v1/register/{id}/delist` (supervisors): a new version with `status: delisted`.
//!
//! Who may designate, delist or propose is the write policy's (`entente_core::may_write`), the
//! same over TAXII: an analyst can no more designate an entry by posting it there.

use crate::auth::{Author, Principal, Reader};
use crate::body::{json_body, json_response};
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use entente_core::text::is_blank;
use entente_core::Tlp;
use entente_node::ingest::ingest_step;
use entente_node::node::Node;
use entente_node::screening::{check_names, REGISTER_TYPE};
use entente_screen::matcher::PartialDate;
use entente_stix::extension::ENTENTE_EXTENSION;
use entente_stix::Timestamp;
use entente_store::read::{self, VersionMatch};
use entente_store::BasedOn;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

pub fn routes() -> Router<Arc<Node>> {
    Router::new()
        .route("/api/v1/register", post(create_entry))
        .route("/api/v1/register/{id}", get(get_entry))
        .route("/api/v1/register/{id}/delist", post(delist_entry))
}

/// The most items each list of an entry given over REST holds (names, dates, nationalities,
/// identifiers), as the OpenAPI document states.
const MAX_LIST: usize = 50;

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
    fn check(&self) -> Result<(), ApiError> {
        let bad = |m: String| ApiError::BadRequest(m);
        if !matches!(self.kind.as_str(), "person" | "organization") {
            return Err(bad(format!(
                "`kind` is `{}`; it must be `person` or `organization`",
                self.kind
            )));
        }
        for (field, len) in [
            ("names", self.names.len()),
            ("birth_dates", self.birth_dates.len()),
            ("nationalities", self.nationalities.len()),
            ("identifiers", self.identifiers.len()),
        ] {
            if len > MAX_LIST {
                return Err(bad(format!(
                    "`{field}` holds {len} items; an entry holds at most {MAX_LIST}"
                )));
            }
        }
        check_names(&self.names).map_err(|e| bad(e.to_string()))?;
        for i in &self.identifiers {
            if is_blank(&i.kind) || is_blank(&i.value) {
                return Err(bad(
                    "an identifier's `type` and `value` must not be empty or blank".into(),
                ));
            }
        }
        for d in &self.birth_dates {
            PartialDate::parse(d).map_err(|e| bad(e.to_string()))?;
        }
        if let Some(n) = self
            .nationalities
            .iter()
            .find(|n| n.len() != 2 || !n.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(bad(format!(
                "nationality `{n}` is not an ISO 3166-1 alpha-2 code (two capital letters)"
            )));
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
    e.check()?;
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
    // STIX 2.1 lists are never empty: what was given empty is left out (stix2-validator --strict).
    drop_empty_lists(&mut object);
    let mut answer = store_one(&node, &p, object, "register-entry", BasedOn::Nothing).await?;
    answer["status"] = json!(status);
    Ok(json_response(StatusCode::CREATED, &answer))
}

/// Removes every member whose value is an empty list, at any depth, and then every member left an
/// empty object by that (an audience of empty lists).
fn drop_empty_lists(v: &mut Value) {
    if let Value::Object(map) = v {
        for member in map.values_mut() {
            drop_empty_lists(member);
        }
        map.retain(|_, m| match m {
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
            _ => true,
        });
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry given empty lists (and an audience of empty lists) is stored without them: STIX
    /// lists are never empty (stix2-validator --strict refused such an entry over TAXII).
    #[test]
    fn empty_lists_are_left_out_of_an_entry() {
        let mut o = json!({
            "names": ["Abdulla Karimov"], "birth_dates": [], "identifiers": [],
            "extensions": {"x": {"extension_type": "new-sdo"}, "y": {"audience": {"states": [], "users": []}}},
        });
        drop_empty_lists(&mut o);
        assert_eq!(
            o,
            json!({"names": ["Abdulla Karimov"], "extensions": {"x": {"extension_type": "new-sdo"}}})
        );
    }
}
