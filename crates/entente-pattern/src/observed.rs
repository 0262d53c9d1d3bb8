//! What was observed, as matching needs it: one `observed-data` with its cyber-observable objects
//! (the SCOs its `object_refs` name, or the deprecated `objects` dictionary), when and how often.

use crate::value::timestamp_micros;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;

/// The STIX 2.1 domain and relationship object types: a pattern that names one matches nothing
/// (patterns speak of cyber-observable objects), as in the reference matcher.
pub const NOT_OBSERVABLE: &[&str] = &[
    "attack-pattern",
    "bundle",
    "campaign",
    "course-of-action",
    "extension-definition",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "language-content",
    "location",
    "malware",
    "malware-analysis",
    "marking-definition",
    "note",
    "observed-data",
    "opinion",
    "relationship",
    "report",
    "threat-actor",
    "tool",
    "sighting",
    "vulnerability",
];

/// One `observed-data`: its id, its interval and count, and its objects by key (the dictionary's
/// keys, or the SCOs' ids), which references resolve against.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    pub id: String,
    /// `first_observed` and `last_observed`, in microseconds since the epoch.
    pub first: i64,
    pub last: i64,
    /// `number_observed`: how many observations this one stands for.
    pub count: u64,
    pub objects: Vec<(String, Value)>,
}

impl Observed {
    /// Reads an `observed-data` object; `sco` finds an SCO its `object_refs` name (SCOs not
    /// found are left out, as the reference leaves them out). Refused, with the reason, when it is
    /// not an `observed-data` or lacks a valid interval or count.
    pub fn read(od: &Value, sco: &dyn Fn(&str) -> Option<Value>) -> Result<Observed, String> {
        let fields =
            Fields::deserialize(od).map_err(|e| format!("not an observed-data object: {e}"))?;
        fields.assemble(sco)
    }

    /// Reads an `observed-data` from its JSON text, building nothing of it but what matching
    /// needs (the rest is skipped as it is read).
    pub fn parse(text: &str, sco: &dyn Fn(&str) -> Option<Value>) -> Result<Observed, String> {
        let fields: Fields =
            serde_json::from_str(text).map_err(|e| format!("not an observed-data object: {e}"))?;
        fields.assemble(sco)
    }

    /// The object a reference names, in this observation.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.objects.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The objects of one type (never a domain object's type).
    pub fn of_type<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        let observable = !NOT_OBSERVABLE.contains(&ty);
        self.objects
            .iter()
            .filter(move |(_, o)| observable && o.get("type").and_then(Value::as_str) == Some(ty))
            .map(|(_, o)| o)
    }
}

/// The properties of an `observed-data` that matching reads.
#[derive(Deserialize)]
struct Fields<'a> {
    #[serde(rename = "type", borrow)]
    ty: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    first_observed: Option<Cow<'a, str>>,
    #[serde(borrow)]
    last_observed: Option<Cow<'a, str>>,
    number_observed: Option<Value>,
    #[serde(borrow)]
    object_refs: Option<Vec<Cow<'a, str>>>,
    objects: Option<serde_json::Map<String, Value>>,
}

impl Fields<'_> {
    fn assemble(self, sco: &dyn Fn(&str) -> Option<Value>) -> Result<Observed, String> {
        if self.ty.as_deref() != Some("observed-data") {
            return Err("not an observed-data object".into());
        }
        let id = self.id.ok_or("observed-data without an id")?.into_owned();
        let time = |name: &str, v: Option<Cow<str>>| -> Result<i64, String> {
            let s = v.ok_or_else(|| format!("{id} has no {name}"))?;
            timestamp_micros(&s).ok_or_else(|| format!("{id}: {name} `{s}` is not a timestamp"))
        };
        let first = time("first_observed", self.first_observed)?;
        let last = time("last_observed", self.last_observed)?;
        if last < first {
            return Err(format!("{id}: last_observed is before first_observed"));
        }
        let count = self
            .number_observed
            .as_ref()
            .and_then(Value::as_u64)
            .filter(|n| *n >= 1)
            .ok_or_else(|| format!("{id}: number_observed is an integer of at least 1"))?;
        let mut objects: Vec<(String, Value)> =
            self.objects.unwrap_or_default().into_iter().collect();
        for r in self.object_refs.unwrap_or_default() {
            if objects.iter().any(|(k, _)| *k == r) {
                continue;
            }
            if let Some(o) = sco(&r) {
                objects.push((r.into_owned(), o));
            }
        }
        Ok(Observed {
            id,
            first,
            last,
            count,
            objects,
        })
    }
}

/// When an observation was made and how often: what the temporal operators read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    pub first: i64,
    pub last: i64,
    pub count: u64,
}

impl From<&Observed> for Times {
    fn from(o: &Observed) -> Times {
        Times {
            first: o.first,
            last: o.last,
            count: o.count,
        }
    }
}
