//! Validation of one STIX 2.1 object, as a node receives it: the identifier, the common
//! properties of its category (SDO, SRO, SCO, meta object), the properties each type requires,
//! timestamps (and `modified` not before `created`), references, markings (only markings the node
//! can honour), and the project's extensions. What passes comes out as a [`ValidObject`]: the
//! object, and what the node needs to know of it, read once.
//!
//! STIX patterns in indicators (`pattern_type` `stix`) are parsed here with `entente-pattern`, so a
//! pattern that does not parse is refused on every path, with the character and the reason.

use crate::error::StixError;
use crate::extension::{definition_for_type, ENTENTE_EXTENSION};
use crate::id::{is_type_name, StixId};
use crate::timestamp::Timestamp;
use entente_core::grading::Grading;
use entente_core::{Audience, Tlp};
use serde_json::{Map, Value};

const SDO_TYPES: [&str; 19] = [
    "attack-pattern",
    "campaign",
    "course-of-action",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "location",
    "malware",
    "malware-analysis",
    "note",
    "observed-data",
    "opinion",
    "report",
    "threat-actor",
    "tool",
    "vulnerability",
];
const SRO_TYPES: [&str; 2] = ["relationship", "sighting"];
const SCO_TYPES: [&str; 18] = [
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
];

/// What kind of STIX object a type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Sdo,
    Sro,
    Sco,
    MarkingDefinition,
    LanguageContent,
    ExtensionDefinition,
    Custom,
}

pub fn category_of(ty: &str) -> Option<Category> {
    if SDO_TYPES.contains(&ty) {
        Some(Category::Sdo)
    } else if SRO_TYPES.contains(&ty) {
        Some(Category::Sro)
    } else if SCO_TYPES.contains(&ty) {
        Some(Category::Sco)
    } else {
        match ty {
            "marking-definition" => Some(Category::MarkingDefinition),
            "language-content" => Some(Category::LanguageContent),
            "extension-definition" => Some(Category::ExtensionDefinition),
            t if t.starts_with("x-") => Some(Category::Custom),
            _ => None,
        }
    }
}

/// An object that passed validation, with what the node needs of it.
#[derive(Debug, Clone)]
pub struct ValidObject {
    pub id: StixId,
    pub category: Category,
    pub created: Option<Timestamp>,
    pub modified: Option<Timestamp>,
    /// The governing TLP marking, when the object carries one (granular markings included).
    pub marking: Option<Tlp>,
    pub audience: Option<Audience>,
    /// The intelligence grading in the project's extension, when the object carries one.
    pub grading: Option<Grading>,
    pub created_by_ref: Option<String>,
    pub object: Map<String, Value>,
}

impl ValidObject {
    pub fn object_type(&self) -> &str {
        self.id.object_type()
    }

    /// The object's version: `modified`, else `created`; `None` for objects that have neither (SCOs).
    pub fn version(&self) -> Option<Timestamp> {
        self.modified.or(self.created)
    }

    pub fn is_signed(&self) -> bool {
        crate::extension::entente_extension(&self.object)
            .is_some_and(|e| e.contains_key("signature"))
    }

    /// The objects it points to through its top-level `*_ref` and `*_refs` properties, each once,
    /// in the order they appear — except its creator and its markings, which nearly every object
    /// names and which say nothing of what the object is about.
    pub fn referenced_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for (k, v) in &self.object {
            if k == "created_by_ref" || k == "object_marking_refs" {
                continue;
            }
            let found: Vec<&str> = if k.ends_with("_ref") {
                v.as_str().into_iter().collect()
            } else if k.ends_with("_refs") {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect()
            } else {
                continue;
            };
            for id in found {
                if !ids.iter().any(|i| i == id) {
                    ids.push(id.to_owned());
                }
            }
        }
        ids
    }
}

struct Obj<'a> {
    map: &'a Map<String, Value>,
    ty: &'a str,
}

impl<'a> Obj<'a> {
    fn get(&self, p: &str) -> Option<&'a Value> {
        self.map.get(p)
    }

    fn has(&self, p: &str) -> bool {
        self.map.contains_key(p)
    }

    fn require(&self, p: &str) -> Result<&'a Value, StixError> {
        self.get(p)
            .ok_or_else(|| StixError::missing_for(p, self.ty))
    }

    fn string(&self, p: &str) -> Result<Option<&'a str>, StixError> {
        match self.get(p) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(StixError::invalid(p, "must be a string")),
        }
    }

    fn req_string(&self, p: &str) -> Result<&'a str, StixError> {
        self.require(p)?;
        let s = self.string(p)?.unwrap_or_default();
        if s.is_empty() {
            return Err(StixError::invalid(p, "must not be empty"));
        }
        Ok(s)
    }

    fn timestamp(&self, p: &str) -> Result<Option<Timestamp>, StixError> {
        self.string(p)?
            .map(|s| Timestamp::parse_property(p, s))
            .transpose()
    }

    fn req_timestamp(&self, p: &str) -> Result<Timestamp, StixError> {
        self.require(p)?;
        self.timestamp(p)?
            .ok_or_else(|| StixError::missing_for(p, self.ty))
    }

    fn boolean(&self, p: &str) -> Result<Option<bool>, StixError> {
        match self.get(p) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(StixError::invalid(p, "must be true or false")),
        }
    }

    fn integer(&self, p: &str, min: i64, max: i64) -> Result<Option<i64>, StixError> {
        match self.get(p) {
            None => Ok(None),
            Some(v) => match v.as_i64() {
                Some(i) if (min..=max).contains(&i) => Ok(Some(i)),
                _ => Err(StixError::invalid(
                    p,
                    format!("must be an integer from {min} to {max}"),
                )),
            },
        }
    }

    fn number(&self, p: &str, min: f64, max: f64) -> Result<Option<f64>, StixError> {
        match self.get(p) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(f) if (min..=max).contains(&f) => Ok(Some(f)),
                _ => Err(StixError::invalid(
                    p,
                    format!("must be a number from {min} to {max}"),
                )),
            },
        }
    }

    fn list(&self, p: &str) -> Result<Option<&'a Vec<Value>>, StixError> {
        match self.get(p) {
            None => Ok(None),
            Some(Value::Array(a)) if a.is_empty() => {
                Err(StixError::invalid(p, "must not be an empty list"))
            }
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(StixError::invalid(p, "must be a list")),
        }
    }

    fn string_list(&self, p: &str) -> Result<Option<Vec<&'a str>>, StixError> {
        self.list(p)?
            .map(|a| {
                a.iter()
                    .map(|v| {
                        v.as_str()
                            .ok_or_else(|| StixError::invalid(p, "must be a list of strings"))
                    })
                    .collect()
            })
            .transpose()
    }

    fn req_list(&self, p: &str) -> Result<&'a Vec<Value>, StixError> {
        self.require(p)?;
        self.list(p)?
            .ok_or_else(|| StixError::missing_for(p, self.ty))
    }

    fn dict(&self, p: &str) -> Result<Option<&'a Map<String, Value>>, StixError> {
        match self.get(p) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(StixError::invalid(p, "must be an object")),
        }
    }

    /// A reference to an object of one of `types` (any type when empty).
    fn reference(&self, p: &str, types: &[&str]) -> Result<Option<StixId>, StixError> {
        self.string(p)?.map(|s| check_ref(p, s, types)).transpose()
    }

    fn ordered(&self, first: &str, second: &str, strict: bool) -> Result<(), StixError> {
        if let (Some(a), Some(b)) = (self.timestamp(first)?, self.timestamp(second)?) {
            if b < a || (strict && b == a) {
                let rel = if strict { "later than" } else { "at or after" };
                return Err(StixError::invalid(
                    second,
                    format!("must be {rel} `{first}`"),
                ));
            }
        }
        Ok(())
    }

    fn at_least_one(&self, props: &[&str]) -> Result<(), StixError> {
        if props.iter().any(|p| self.has(p)) {
            Ok(())
        } else {
            Err(StixError::Invalid {
                property: props.join("|"),
                message: format!("a `{}` needs at least one of these properties", self.ty),
            })
        }
    }
}

fn check_ref(p: &str, s: &str, types: &[&str]) -> Result<StixId, StixError> {
    let id = StixId::parse_property(p, s)?;
    if !types.is_empty() && !types.contains(&id.object_type()) {
        return Err(StixError::invalid(
            p,
            format!("must refer to a {}, not `{s}`", types.join(" or ")),
        ));
    }
    Ok(id)
}

/// Property names: ASCII a-z, 0-9 and `_`, 3 to 250 characters (`id` excepted).
fn check_property_names(map: &Map<String, Value>) -> Result<(), StixError> {
    for k in map.keys() {
        let ok = k == "id"
            || ((3..=250).contains(&k.len())
                && k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
        if !ok {
            return Err(StixError::invalid(
                k,
                "property names are 3 to 250 characters of a-z, 0-9 and `_`",
            ));
        }
    }
    Ok(())
}

/// Every top-level `*_ref` must be an identifier and every `*_refs` a list of them.
fn check_reference_properties(o: &Obj) -> Result<(), StixError> {
    for (k, v) in o.map {
        if k.ends_with("_ref") {
            let s = v
                .as_str()
                .ok_or_else(|| StixError::invalid(k, "must be an identifier"))?;
            StixId::parse_property(k, s)?;
        } else if k.ends_with("_refs") {
            for s in o.string_list(k)?.unwrap_or_default() {
                StixId::parse_property(k, s)?;
            }
        }
    }
    Ok(())
}

fn check_external_references(o: &Obj) -> Result<(), StixError> {
    let p = "external_references";
    for r in o.list(p)?.into_iter().flatten() {
        let r = r
            .as_object()
            .ok_or_else(|| StixError::invalid(p, "each must be an object"))?;
        if !r.get("source_name").is_some_and(Value::is_string) {
            return Err(StixError::invalid(p, "each needs a `source_name` string"));
        }
        if !["description", "url", "external_id"]
            .iter()
            .any(|k| r.contains_key(*k))
        {
            return Err(StixError::invalid(
                p,
                "each needs a `description`, `url` or `external_id` besides `source_name`",
            ));
        }
    }
    Ok(())
}

/// Markings: references must be marking definitions the node can honour (TLP); granular markings
/// must select something and name a marking or a language. Returns the governing TLP.
fn check_markings(o: &Obj) -> Result<Option<Tlp>, StixError> {
    let mut refs: Vec<&str> = o.string_list("object_marking_refs")?.unwrap_or_default();
    for s in &refs {
        check_ref("object_marking_refs", s, &["marking-definition"])?;
    }
    let p = "granular_markings";
    for g in o.list(p)?.into_iter().flatten() {
        let g = g
            .as_object()
            .ok_or_else(|| StixError::invalid(p, "each must be an object"))?;
        let selectors = g.get("selectors").and_then(Value::as_array);
        if selectors.is_none_or(|s| s.is_empty() || !s.iter().all(Value::is_string)) {
            return Err(StixError::invalid(
                p,
                "each needs a non-empty `selectors` list of strings",
            ));
        }
        match (g.get("marking_ref"), g.get("lang")) {
            (Some(Value::String(m)), None) => {
                check_ref(p, m, &["marking-definition"])?;
                refs.push(m);
            }
            (None, Some(Value::String(_))) => {}
            _ => {
                return Err(StixError::invalid(
                    p,
                    "each needs exactly one of `marking_ref` and `lang`",
                ))
            }
        }
    }
    Tlp::strictest(refs).map_err(|e| StixError::invalid("object_marking_refs", e.to_string()))
}

/// Extensions: keys are extension-definition ids or predefined extension names, values objects;
/// the project's extension must hold a well-formed audience, signature and grading, and a
/// `warning` member (what the object is in a warning's life) must be an object.
fn check_extensions(o: &Obj) -> Result<(Option<Audience>, Option<Grading>), StixError> {
    let Some(exts) = o.dict("extensions")? else {
        return Ok((None, None));
    };
    let mut audience = None;
    let mut grading = None;
    for (k, v) in exts {
        let v = v
            .as_object()
            .ok_or_else(|| StixError::invalid("extensions", format!("`{k}` must be an object")))?;
        if k.starts_with("extension-definition--") {
            StixId::parse_property("extensions", k)?;
        } else if !(k.ends_with("-ext") && is_type_name(k)) {
            return Err(StixError::invalid(
                "extensions",
                format!(
                    "`{k}` is neither an extension-definition id nor a predefined `-ext` extension"
                ),
            ));
        }
        if k == ENTENTE_EXTENSION {
            let p = "extensions.audience";
            if v.get("extension_type").and_then(Value::as_str) != Some("property-extension") {
                return Err(StixError::invalid(
                    "extensions",
                    "the Entente extension must say `\"extension_type\": \"property-extension\"`",
                ));
            }
            for key in v.keys() {
                if !matches!(
                    key.as_str(),
                    "extension_type"
                        | "audience"
                        | "signature"
                        | "grading"
                        | "warning"
                        | "consultation"
                        | "document"
                        | "programme"
                        | "alert"
                        | "coordinates"
                ) {
                    return Err(StixError::invalid(
                        "extensions",
                        format!("the Entente extension has no property `{key}`"),
                    ));
                }
            }
            if let Some(a) = v.get("audience") {
                let a = Audience::from_json(a).map_err(|e| StixError::invalid(p, e.to_string()))?;
                audience = Some(a).filter(|a| !a.is_empty());
            }
            if let Some(g) = v.get("grading") {
                grading = Some(
                    Grading::from_json(g)
                        .map_err(|e| StixError::invalid("extensions.grading", e.to_string()))?,
                );
            }
            for property in ["warning", "consultation", "alert"] {
                if v.get(property).is_some_and(|w| !w.is_object()) {
                    return Err(StixError::invalid(
                        &format!("extensions.{property}"),
                        "must be an object",
                    ));
                }
            }
            if let Some(c) = v.get("coordinates") {
                coordinates(c)?;
            }
            if let Some(sig) = v.get("signature") {
                let sig = sig.as_object().ok_or_else(|| {
                    StixError::invalid("extensions.signature", "must be an object")
                })?;
                for f in ["alg", "key", "value"] {
                    if !sig.get(f).is_some_and(Value::is_string) {
                        return Err(StixError::invalid(
                            "extensions.signature",
                            format!("needs a `{f}` string"),
                        ));
                    }
                }
            }
        }
    }
    Ok((audience, grading))
}

/// The Entente property `coordinates` — where a report, sighting or observation happened, for
/// the protection corridors of assets: `{"latitude": …, "longitude": …}` in WGS 84 degrees.
/// Answers (longitude, latitude).
pub fn coordinates(c: &Value) -> Result<(f64, f64), StixError> {
    let p = "extensions.coordinates";
    let c = c.as_object().ok_or_else(|| {
        StixError::invalid(p, "must be an object with `latitude` and `longitude`")
    })?;
    if let Some(k) = c
        .keys()
        .find(|k| !matches!(k.as_str(), "latitude" | "longitude"))
    {
        return Err(StixError::invalid(p, format!("has no property `{k}`")));
    }
    let at = |k: &str, max: f64| match c.get(k).map(|v| v.as_f64()) {
        Some(Some(x)) if (-max..=max).contains(&x) => Ok(x),
        Some(_) => Err(StixError::invalid(
            p,
            format!("`{k}` must be a number from -{max} to {max} (degrees, WGS 84)"),
        )),
        None => Err(StixError::invalid(p, format!("needs `{k}`"))),
    };
    let lat = at("latitude", 90.0)?;
    let lon = at("longitude", 180.0)?;
    Ok((lon, lat))
}

fn check_spec_version(o: &Obj, required: bool) -> Result<(), StixError> {
    match o.string("spec_version")? {
        Some("2.1") => Ok(()),
        Some(other) => Err(StixError::SpecVersion(other.to_owned())),
        None if required => Err(StixError::missing_for("spec_version", o.ty)),
        None => Ok(()),
    }
}

fn check_sdo_common(o: &Obj) -> Result<(Option<Timestamp>, Option<Timestamp>), StixError> {
    check_spec_version(o, true)?;
    let created = o.req_timestamp("created")?;
    let modified = o.req_timestamp("modified")?;
    if modified < created {
        return Err(StixError::invalid(
            "modified",
            "must not be before `created`",
        ));
    }
    o.reference("created_by_ref", &["identity"])?;
    o.boolean("revoked")?;
    o.integer("confidence", 0, 100)?;
    o.string("lang")?;
    o.string_list("labels")?;
    Ok((Some(created), Some(modified)))
}

fn check_sdo(o: &Obj) -> Result<(), StixError> {
    match o.ty {
        "attack-pattern" | "campaign" | "course-of-action" | "identity" | "incident"
        | "infrastructure" | "intrusion-set" | "threat-actor" | "tool" | "vulnerability" => {
            o.req_string("name")?;
        }
        "grouping" => {
            o.req_string("context")?;
            o.req_list("object_refs")?;
        }
        "indicator" => {
            let pattern = o.req_string("pattern")?;
            // A STIX pattern that does not parse could never match: refused where it enters, with
            // where and why (the grammar is the reference's; see entente-pattern).
            if o.req_string("pattern_type")? == "stix" {
                entente_pattern::parse(pattern)
                    .map_err(|e| StixError::invalid("pattern", format!("does not parse: {e}")))?;
            }
            o.req_timestamp("valid_from")?;
            o.ordered("valid_from", "valid_until", true)?;
        }
        "location" => {
            let lat = o.number("latitude", -90.0, 90.0)?;
            let lon = o.number("longitude", -180.0, 180.0)?;
            if lat.is_some() != lon.is_some() {
                return Err(StixError::invalid(
                    "latitude",
                    "`latitude` and `longitude` go together",
                ));
            }
            if o.has("precision") && lat.is_none() {
                return Err(StixError::invalid(
                    "precision",
                    "needs `latitude` and `longitude`",
                ));
            }
            if lat.is_none() {
                o.at_least_one(&["region", "country"])?;
            }
        }
        "malware" => {
            let family = o
                .boolean("is_family")?
                .ok_or_else(|| StixError::missing_for("is_family", o.ty))?;
            if family {
                o.req_string("name")?;
            }
        }
        "malware-analysis" => {
            o.req_string("product")?;
            o.at_least_one(&["result", "analysis_sco_refs"])?;
        }
        "note" => {
            o.req_string("content")?;
            o.req_list("object_refs")?;
        }
        "observed-data" => {
            o.req_timestamp("first_observed")?;
            o.req_timestamp("last_observed")?;
            o.ordered("first_observed", "last_observed", false)?;
            o.require("number_observed")?;
            o.integer("number_observed", 1, 999_999_999)?;
            o.at_least_one(&["object_refs", "objects"])?;
            if o.has("object_refs") && o.has("objects") {
                return Err(StixError::invalid(
                    "objects",
                    "give `object_refs` or `objects`, not both",
                ));
            }
        }
        "opinion" => {
            let op = o.req_string("opinion")?;
            if ![
                "strongly-disagree",
                "disagree",
                "neutral",
                "agree",
                "strongly-agree",
            ]
            .contains(&op)
            {
                return Err(StixError::invalid(
                    "opinion",
                    "must be strongly-disagree, disagree, neutral, agree or strongly-agree",
                ));
            }
            o.req_list("object_refs")?;
        }
        "report" => {
            o.req_string("name")?;
            o.req_timestamp("published")?;
            o.req_list("object_refs")?;
        }
        _ => {}
    }
    if o.ty == "campaign"
        || o.ty == "intrusion-set"
        || o.ty == "threat-actor"
        || o.ty == "infrastructure"
    {
        o.ordered("first_seen", "last_seen", false)?;
    }
    Ok(())
}

fn check_sro(o: &Obj) -> Result<(), StixError> {
    match o.ty {
        "relationship" => {
            o.req_string("relationship_type")?;
            o.require("source_ref")?;
            o.require("target_ref")?;
            o.reference("source_ref", &[])?;
            o.reference("target_ref", &[])?;
            o.ordered("start_time", "stop_time", true)?;
        }
        _ => {
            o.require("sighting_of_ref")?;
            o.reference("sighting_of_ref", &[])?;
            o.integer("count", 0, 999_999_999)?;
            o.ordered("first_seen", "last_seen", false)?;
            for s in o.string_list("observed_data_refs")?.unwrap_or_default() {
                check_ref("observed_data_refs", s, &["observed-data"])?;
            }
            for s in o.string_list("where_sighted_refs")?.unwrap_or_default() {
                check_ref("where_sighted_refs", s, &["identity", "location"])?;
            }
        }
    }
    Ok(())
}

fn check_sco(o: &Obj) -> Result<(), StixError> {
    check_spec_version(o, false)?;
    o.boolean("defanged")?;
    match o.ty {
        "artifact" => {
            if o.has("payload_bin") == o.has("url") {
                return Err(StixError::invalid(
                    "payload_bin",
                    "an artifact has exactly one of `payload_bin` and `url`",
                ));
            }
            if o.has("url") && !o.has("hashes") {
                return Err(StixError::missing_for("hashes", "artifact with a `url`"));
            }
        }
        "autonomous-system" => {
            o.require("number")?;
            o.integer("number", 0, i64::MAX)?;
        }
        "directory" => {
            o.req_string("path")?;
        }
        "domain-name" | "email-addr" | "ipv4-addr" | "ipv6-addr" | "mac-addr" | "url" => {
            o.req_string("value")?;
        }
        "email-message" => {
            o.boolean("is_multipart")?
                .ok_or_else(|| StixError::missing_for("is_multipart", o.ty))?;
        }
        "file" => o.at_least_one(&["hashes", "name"])?,
        "mutex" | "software" => {
            o.req_string("name")?;
        }
        "network-traffic" => {
            o.req_list("protocols")?;
            o.at_least_one(&["src_ref", "dst_ref"])?;
        }
        _ => {
            let own = o
                .map
                .keys()
                .filter(|k| {
                    !matches!(
                        k.as_str(),
                        "type"
                            | "id"
                            | "spec_version"
                            | "object_marking_refs"
                            | "granular_markings"
                            | "defanged"
                            | "extensions"
                    )
                })
                .count();
            if own == 0 {
                return Err(StixError::invalid(
                    "type",
                    format!("a `{}` needs at least one property of its own", o.ty),
                ));
            }
        }
    }
    if let Some(h) = o.dict("hashes")? {
        if h.is_empty() || !h.values().all(Value::is_string) {
            return Err(StixError::invalid(
                "hashes",
                "must map hash names to hex strings, at least one",
            ));
        }
    }
    Ok(())
}

fn check_marking_definition(o: &Obj) -> Result<Option<Timestamp>, StixError> {
    check_spec_version(o, true)?;
    let created = o.req_timestamp("created")?;
    if o.has("modified") {
        return Err(StixError::invalid(
            "modified",
            "a marking definition is never versioned",
        ));
    }
    o.reference("created_by_ref", &["identity"])?;
    let classic = o.has("definition_type") || o.has("definition");
    if classic {
        o.req_string("definition_type")?;
        o.dict("definition")?
            .ok_or_else(|| StixError::missing_for("definition", o.ty))?;
    } else if !o.has("extensions") {
        return Err(StixError::invalid(
            "definition",
            "a marking definition needs `definition_type` and `definition`, or an extension",
        ));
    }
    Ok(Some(created))
}

/// Validates one object. On success, the object and what the node needs of it.
pub fn validate(value: Value) -> Result<ValidObject, StixError> {
    let Value::Object(map) = value else {
        return Err(StixError::NotAnObject);
    };
    let ty = match map.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(_) => return Err(StixError::invalid("type", "must be a string")),
        None => return Err(StixError::missing("type")),
    };
    if !is_type_name(ty) {
        return Err(StixError::invalid(
            "type",
            format!("`{ty}` is not a valid type name"),
        ));
    }
    let category = category_of(ty).ok_or_else(|| StixError::UnknownType(ty.to_owned()))?;
    let id_text = map
        .get("id")
        .ok_or_else(|| StixError::missing("id"))?
        .as_str()
        .ok_or_else(|| StixError::invalid("id", "must be a string"))?;
    let id = StixId::parse_property("id", id_text)?;
    if id.object_type() != ty {
        return Err(StixError::invalid(
            "id",
            format!("`{id}` does not start with the object's type `{ty}--`"),
        ));
    }
    let o = Obj { map: &map, ty };
    check_property_names(&map)?;
    let (created, modified) = match category {
        Category::Sdo
        | Category::Sro
        | Category::Custom
        | Category::LanguageContent
        | Category::ExtensionDefinition => check_sdo_common(&o)?,
        Category::MarkingDefinition => (check_marking_definition(&o)?, None),
        Category::Sco => (None, None),
    };
    match category {
        Category::Sdo => check_sdo(&o)?,
        Category::Sro => check_sro(&o)?,
        Category::Sco => check_sco(&o)?,
        Category::LanguageContent => {
            o.require("object_ref")?;
            o.reference("object_ref", &[])?;
            o.req_timestamp("object_modified")?;
            o.dict("contents")?
                .ok_or_else(|| StixError::missing_for("contents", ty))?;
        }
        Category::ExtensionDefinition => {
            o.require("created_by_ref")?;
            o.req_string("name")?;
            o.req_string("schema")?;
            o.req_string("version")?;
            for t in o
                .string_list("extension_types")?
                .ok_or_else(|| StixError::missing_for("extension_types", ty))?
            {
                if ![
                    "new-sdo",
                    "new-sco",
                    "new-sro",
                    "property-extension",
                    "toplevel-property-extension",
                ]
                .contains(&t)
                {
                    return Err(StixError::invalid(
                        "extension_types",
                        format!("`{t}` is not an extension type"),
                    ));
                }
            }
        }
        Category::Custom => {
            if let Some(def) = definition_for_type(ty) {
                let declared = o
                    .dict("extensions")?
                    .and_then(|e| e.get(def))
                    .and_then(|e| e.get("extension_type"))
                    .and_then(Value::as_str);
                if declared != Some("new-sdo") {
                    return Err(StixError::invalid(
                        "extensions",
                        format!("a `{ty}` declares its definition: `\"{def}\": {{\"extension_type\": \"new-sdo\"}}`"),
                    ));
                }
            }
            // Protected infrastructure: its geometry, corridor, owners and criticality checked
            // on entry (see entente-assets).
            if ty == entente_assets::asset::ASSET_TYPE {
                entente_assets::Asset::from_stix(&Value::Object(o.map.clone())).map_err(|e| {
                    let (property, why) = e
                        .strip_prefix('`')
                        .and_then(|r| r.split_once("`: "))
                        .unwrap_or(("geometry", e.as_str()));
                    StixError::invalid(property, why)
                })?;
            }
        }
        Category::MarkingDefinition => {}
    }
    check_reference_properties(&o)?;
    check_external_references(&o)?;
    let marking = check_markings(&o)?;
    let (audience, grading) = check_extensions(&o)?;
    let created_by_ref = o.string("created_by_ref")?.map(str::to_owned);
    Ok(ValidObject {
        id,
        category,
        created,
        modified,
        marking,
        audience,
        grading,
        created_by_ref,
        object: map,
    })
}

#[cfg(test)]
mod tests;
