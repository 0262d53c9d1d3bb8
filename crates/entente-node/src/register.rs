//! The register's steps, for every face of the node (REST, the web UI): designating or proposing
//! an entry ([`designate`]), reading the latest version a principal may see ([`latest`]) and
//! delisting ([`delist`]). What an entry must hold is checked here ([`NewEntry::check`]); who may
//! designate, propose or delist is the write policy's, asked by ingest (the same over TAXII).

use crate::auth::Principal;
use crate::error::NodeError;
use crate::ingest::ingest_step;
use crate::node::Node;
use crate::screening::{check_names, REGISTER_TYPE};
use entente_core::text::is_blank;
use entente_core::Tlp;
use entente_screen::matcher::PartialDate;
use entente_stix::extension::ENTENTE_EXTENSION;
use entente_stix::Timestamp;
use entente_store::read::{self, VersionMatch};
use entente_store::BasedOn;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// The most items each list of an entry holds (names, dates, nationalities, identifiers).
pub const MAX_LIST: usize = 50;

/// A new register entry, as a supervisor gives it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    pub kind: String,
    pub names: Vec<String>,
    #[serde(default)]
    pub birth_dates: Vec<String>,
    #[serde(default)]
    pub nationalities: Vec<String>,
    #[serde(default)]
    pub identifiers: Vec<Identifier>,
    /// `TLP:GREEN`, `TLP:AMBER`...; the node's default marking when absent.
    pub marking: Option<String>,
    /// `{"states": [...], "tiers": [...], "users": [...]}`.
    pub audience: Option<Value>,
    /// Why the entry is designated.
    pub reason: Option<String>,
    /// `designated` (the default: a supervisor's step) or `proposed`.
    pub status: Option<String>,
}

/// An identifier (passport, national id...): the same shape as a warning subject's.
pub use entente_workflow::warning::Identifier;

fn bad(m: impl Into<String>) -> NodeError {
    NodeError::Invalid(m.into())
}

impl NewEntry {
    /// What is wrong with the entry, in a sentence naming the field.
    pub fn check(&self) -> Result<(), NodeError> {
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
                    "an identifier's `type` and `value` must not be empty or blank",
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

/// What a register step stored: the entry's id, its new version, its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub id: String,
    pub version: Option<String>,
    pub status: String,
}

/// Ingests one object this node originates, as `action`.
async fn store_one(
    node: &Arc<Node>,
    p: &Principal,
    object: Value,
    action: &str,
    based_on: BasedOn,
) -> Result<(String, Option<String>), NodeError> {
    let r = ingest_step(node, p, object, action, None, based_on).await?;
    match (r.ok, r.refusal) {
        (true, _) => Ok((r.id, r.version)),
        (false, Some(refusal)) => Err(NodeError::Refused(refusal)),
        (false, None) => Err(NodeError::Invalid(r.message)),
    }
}

/// Designates (or proposes) a new entry, signed by this node.
pub async fn designate(node: &Arc<Node>, p: &Principal, e: NewEntry) -> Result<Stored, NodeError> {
    e.check()?;
    let status = e.status.clone().unwrap_or_else(|| "designated".into());
    if !matches!(status.as_str(), "designated" | "proposed") {
        return Err(bad(format!(
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
        let tlp = Tlp::parse_name(&m).map_err(|err| bad(err.to_string()))?;
        object["object_marking_refs"] = json!([tlp.marking_ref()]);
    }
    if let Some(a) = e.audience {
        object["extensions"][ENTENTE_EXTENSION] =
            json!({"extension_type": "property-extension", "audience": a});
    }
    // STIX 2.1 lists are never empty: what was given empty is left out (stix2-validator --strict).
    drop_empty_lists(&mut object);
    let (id, version) = store_one(node, p, object, "register-entry", BasedOn::Nothing).await?;
    Ok(Stored {
        id,
        version,
        status,
    })
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

/// The latest version of a register entry the principal may see, as stored, with its version;
/// absent and invisible alike are `NotFound`.
pub async fn latest(node: &Node, p: &Principal, id: &str) -> Result<(Value, i64), NodeError> {
    if !id.starts_with(&format!("{REGISTER_TYPE}--")) {
        return Err(NodeError::NotFound);
    }
    let query = read::Query {
        ids: vec![id.to_owned()],
        types: vec![REGISTER_TYPE.to_owned()],
        versions: VersionMatch::last(),
        spec_version_matches: true,
        ..Default::default()
    };
    let page = crate::read::page(node, p, &query, None, 1, true).await?;
    let row = page.rows.into_iter().next().ok_or(NodeError::NotFound)?;
    let entry = serde_json::from_str(&row.json).map_err(|e| NodeError::Internal(e.to_string()))?;
    Ok((entry, row.version_ns))
}

/// Delists an entry this node designated: a new version with `status: delisted`.
pub async fn delist(
    node: &Arc<Node>,
    p: &Principal,
    id: &str,
    reason: Option<String>,
) -> Result<Stored, NodeError> {
    let _turn = node.turns.take(id).await;
    let (mut entry, version_ns) = latest(node, p, id).await?;
    let ours = entente_stix::identity::party_identity_id(&node.party);
    if entry.get("created_by_ref").and_then(Value::as_str) != Some(ours.as_str()) {
        return Err(NodeError::Refused(entente_core::WriteRefusal::Forbidden(
            "only the node of the state that designated an entry can delist it".into(),
        )));
    }
    let obj = entry
        .as_object_mut()
        .ok_or_else(|| NodeError::Internal("a stored entry is not an object".into()))?;
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
    if let Some(reason) = reason {
        obj.insert("delisting_reason".into(), json!(reason));
    }
    let based_on = BasedOn::Latest(version_ns);
    let (id, version) = store_one(node, p, entry, "register-delist", based_on).await?;
    Ok(Stored {
        id,
        version,
        status: "delisted".into(),
    })
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
