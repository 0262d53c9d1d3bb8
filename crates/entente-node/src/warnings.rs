//! Joint warnings in the node: the `x-entente-warning` object and the objects of its life, how
//! they are written, checked on entry, and read back into the view a principal may have of one
//! warning. The rules of the life itself are in `entente_core::warning`.
//!
//! **Objects.** Everything is a signed STIX object, shared like any other:
//! - the warning: the issuer's versions of `x-entente-warning`, each with its `stage` (`draft`,
//!   `submitted`, `published`, `cancelled`), its fields (kind, title, subject, legal basis, issuing
//!   authority, action requested, contact, purpose, source, review date, extensions) and where it
//!   is to be published (`publication`: marking and audience). Its label follows its stage: a
//!   draft is addressed to the issuing state alone, a submitted version to the secretariat, a
//!   published or cancelled one to its publication audience.
//! - the secretariat's review: an `opinion` (`agree` accepts, `strongly-disagree` refuses, with
//!   the reasons as `explanation`) referring to the warning, with `warning.role = "review"` and the
//!   version reviewed in the project extension. An acceptance is addressed to the publication
//!   audience (so every state the warning reaches can check it was accepted), a refusal to the
//!   issuer alone.
//! - an acknowledgement: a `note` of the acknowledging state (`warning.role = "acknowledgement"`),
//!   addressed to the issuer and the secretariat.
//! - a hit: a `sighting` of the warning (`sighting_of_ref`) by the reporting state
//!   (`where_sighted_refs`), when and where found and what was done, addressed to the issuer.
//! - a follow-up: a `note` (`warning.role = "follow-up"`, `warning.hit`) between the issuer and the
//!   reporting state of a hit, addressed to those two alone, TLP:AMBER+STRICT.
//!
//! Users create these only through `/api/v1/warnings` (`entente-server`'s `warnings_api`), which enforces the
//! roles and the life; over TAXII they are refused, so the life cannot be side-stepped. From peers
//! they are taken like any signed object, and a warning's fields are checked on entry either way.
//!
//! **Reading.** [`load`] gathers every object of the warnings a principal may see — through the
//! read engine, so the access policy decides each one — and [`File::status`] derives the status.
//! It scans the objects of the four types; fine for the thousands of warnings an organization
//! keeps, and the place for a derived table when it is not.

use crate::node::Node;
use entente_core::grading::Grading;
use entente_core::warning::{self, Kind, ReviewLimits, Stage, Status, Verdict};
use entente_core::{AccessLabel, Audience, PartyCode, Tlp, Viewer};
use entente_stix::extension::{definition_for_type, ENTENTE_EXTENSION};
use entente_stix::identity::party_identity_id;
use entente_stix::Timestamp;
use entente_store::read::{Query, VersionMatch};
use entente_store::ObjectRow;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const WARNING_TYPE: &str = "x-entente-warning";

/// The most characters a free-text field holds.
const MAX_TEXT: usize = 10_000;
const MAX_NAMES: usize = 50;

/// Where a warning is published: its marking and audience.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub marking: Tlp,
    pub audience: Option<Audience>,
}

impl Publication {
    fn to_json(&self) -> Value {
        let mut p = json!({ "marking": self.marking.marking_ref() });
        if let Some(a) = &self.audience {
            p["audience"] = json!(a);
        }
        p
    }

    fn from_json(v: &Value) -> Result<Publication, String> {
        let marking = v
            .get("marking")
            .and_then(Value::as_str)
            .and_then(Tlp::from_marking_ref)
            .ok_or("`publication.marking` must be a TLP marking-definition id")?;
        let audience = v
            .get("audience")
            .map(Audience::from_json)
            .transpose()
            .map_err(|e| format!("`publication.audience`: {e}"))?
            .filter(|a| !a.is_empty());
        let p = Publication { marking, audience };
        p.check()?;
        Ok(p)
    }

    /// A warning goes to states and tiers: TLP:RED, which names users, is not for warnings.
    pub fn check(&self) -> Result<(), String> {
        if self.marking == Tlp::Red {
            return Err("a warning cannot be TLP:RED (which names users): publish it TLP:AMBER+STRICT to the states that must act on it".into());
        }
        Ok(())
    }

    /// The label of a version at `stage` (see the module doc).
    pub fn label_for(&self, stage: Stage, issuer: &PartyCode) -> (Tlp, Option<Audience>) {
        let private = self.marking.max(Tlp::Amber);
        let only = |p: &PartyCode| {
            Some(Audience {
                states: vec![p.clone()],
                ..Default::default()
            })
        };
        match stage {
            Stage::Draft => (private, only(issuer)),
            Stage::Submitted => (
                private,
                only(
                    &PartyCode::parse(entente_core::party::SECRETARIAT)
                        .unwrap_or_else(|_| issuer.clone()),
                ),
            ),
            Stage::Published | Stage::Cancelled => (self.marking, self.audience.clone()),
        }
    }
}

/// The subject of a warning: a person (names in any script, birth dates, nationalities,
/// identifiers, a photo), or an object, event or method described.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// Where a photograph is (a URL, or the id of a STIX `artifact`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_ref: Option<String>,
    /// For a threat or a method: `object`, `event` or `method`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

fn text(name: &str, v: &str) -> Result<(), String> {
    if v.trim().is_empty() {
        return Err(format!("`{name}` must not be empty"));
    }
    if v.chars().count() > MAX_TEXT {
        return Err(format!("`{name}` is longer than {MAX_TEXT} characters"));
    }
    Ok(())
}

/// A partial date as registers and warnings write them: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn partial_date(d: &str) -> Result<(), String> {
    let bad = || format!("birth date `{d}` is not YYYY, YYYY-MM or YYYY-MM-DD");
    let parts: Vec<&str> = d.split('-').collect();
    let num = |s: &str, len: usize, max: u32| -> Result<u32, String> {
        if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u32 = s.parse().map_err(|_| bad())?;
        if n == 0 || n > max {
            return Err(bad());
        }
        Ok(n)
    };
    match parts.as_slice() {
        [y] => num(y, 4, 9999).map(|_| ()),
        [y, m] => num(y, 4, 9999).and(num(m, 2, 12)).map(|_| ()),
        [y, m, day] => num(y, 4, 9999)
            .and(num(m, 2, 12))
            .and(num(day, 2, 31))
            .map(|_| ()),
        _ => Err(bad()),
    }
}

impl Subject {
    pub fn check(&self, kind: Kind) -> Result<(), String> {
        if kind.about_a_person() {
            if self.names.iter().all(|n| n.trim().is_empty()) && kind != Kind::Unidentified {
                return Err(format!(
                    "a {kind} warning names its subject: `subject.names`"
                ));
            }
            if self.names.len() > MAX_NAMES {
                return Err(format!("`subject.names` holds at most {MAX_NAMES} names"));
            }
            for n in &self.names {
                entente_screen::matcher::check_name(n)
                    .map_err(|e| format!("`subject.names`: {e}"))?;
            }
            if kind == Kind::Unidentified && self.names.is_empty() {
                let d = self.description.as_deref().unwrap_or("");
                text("subject.description", d)?;
            }
            for d in &self.birth_dates {
                partial_date(d)?;
            }
            if let Some(n) = self.nationalities.iter().find(|n| {
                PartyCode::parse(n).is_err() || n.as_str() == entente_core::party::SECRETARIAT
            }) {
                return Err(format!(
                    "nationality `{n}` is not an ISO 3166-1 alpha-2 code (two capital letters)"
                ));
            }
            if self.category.is_some() {
                return Err(format!(
                    "`subject.category` is for threats and methods, not a {kind} warning"
                ));
            }
        } else {
            let c = self.category.as_deref().unwrap_or("");
            if !matches!(c, "object" | "event" | "method") {
                return Err(format!(
                    "a {kind} warning says what its subject is: `subject.category` object, event or method"
                ));
            }
            text(
                "subject.description",
                self.description.as_deref().unwrap_or(""),
            )?;
            if !self.names.is_empty() || !self.birth_dates.is_empty() {
                return Err(format!(
                    "a {kind} warning describes an object, event or method; a person is the subject of wanted, locate, missing, watch or unidentified"
                ));
            }
        }
        for i in &self.identifiers {
            text("subject.identifiers.type", &i.kind)?;
            text("subject.identifiers.value", &i.value)?;
        }
        Ok(())
    }
}

/// What a user gives to write or revise a warning (`POST /api/v1/warnings`, `PUT .../{id}`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningInput {
    pub kind: String,
    pub title: String,
    pub subject: Subject,
    pub legal_basis: String,
    pub issuing_authority: String,
    pub action_requested: String,
    pub contact: String,
    /// Why the data is processed (data protection).
    pub purpose: String,
    /// Where the information comes from.
    pub source: String,
    /// When the warning must be reviewed (an RFC 3339 timestamp); past it, it expires.
    pub review_date: String,
    pub grading: Value,
    /// The publication marking (`TLP:AMBER` by default).
    pub marking: Option<String>,
    /// The publication audience (`{"states": [...], "tiers": [...]}`); none: the marking's default.
    pub audience: Option<Value>,
}

/// A warning's fields, checked.
#[derive(Debug, Clone)]
pub struct Fields {
    pub kind: Kind,
    pub content: Map<String, Value>,
    pub review_date: Timestamp,
    pub grading: Grading,
    pub publication: Publication,
}

impl WarningInput {
    /// Checks what was given; `now_ns` for the review date's limits.
    pub fn fields(&self, limits: &ReviewLimits, now_ns: i64) -> Result<Fields, String> {
        let kind = Kind::parse(&self.kind)?;
        text("title", &self.title)?;
        self.subject.check(kind)?;
        for (name, v) in [
            ("legal_basis", &self.legal_basis),
            ("issuing_authority", &self.issuing_authority),
            ("action_requested", &self.action_requested),
            ("contact", &self.contact),
            ("purpose", &self.purpose),
            ("source", &self.source),
        ] {
            text(name, v)?;
        }
        let review_date =
            Timestamp::parse(&self.review_date).map_err(|e| format!("`review_date`: {e}"))?;
        limits.check(kind, review_date.nanos(), now_ns)?;
        let grading = Grading::from_json(&self.grading)?;
        let marking = match &self.marking {
            Some(m) => Tlp::parse_name(m).map_err(|e| e.to_string())?,
            None => Tlp::Amber,
        };
        grading.check_marking(marking)?;
        let audience = self
            .audience
            .as_ref()
            .map(Audience::from_json)
            .transpose()
            .map_err(|e| e.to_string())?
            .filter(|a| !a.is_empty());
        let publication = Publication { marking, audience };
        publication.check()?;
        let mut content = Map::new();
        content.insert("kind".into(), json!(kind.as_str()));
        content.insert("title".into(), json!(self.title));
        content.insert("subject".into(), json!(self.subject));
        for (k, v) in [
            ("legal_basis", &self.legal_basis),
            ("issuing_authority", &self.issuing_authority),
            ("action_requested", &self.action_requested),
            ("contact", &self.contact),
            ("purpose", &self.purpose),
            ("source", &self.source),
        ] {
            content.insert(k.into(), json!(v));
        }
        Ok(Fields {
            kind,
            content,
            review_date,
            grading,
            publication,
        })
    }
}

/// The members a version carries besides its content.
pub struct VersionMeta<'a> {
    pub id: &'a str,
    pub created: &'a str,
    pub modified: &'a str,
    pub stage: Stage,
    /// The stage whose label the version takes: its own, except a cancellation, which keeps the
    /// label of the version it cancels (a cancelled draft stays the issuer's alone).
    pub label_stage: Stage,
    pub issuer: &'a PartyCode,
    pub extensions_count: u32,
    pub extension_justification: Option<&'a str>,
    pub cancellation_reason: Option<&'a str>,
}

/// A version of a warning, unsigned (the node signs it as it stores it).
pub fn version_object(fields: &Fields, meta: &VersionMeta) -> Value {
    let (marking, audience) = fields.publication.label_for(meta.label_stage, meta.issuer);
    let mut ext = json!({
        "extension_type": "property-extension",
        "grading": fields.grading,
    });
    if let Some(a) = audience {
        ext["audience"] = json!(a);
    }
    let mut o = Map::new();
    o.insert("type".into(), json!(WARNING_TYPE));
    o.insert("spec_version".into(), json!("2.1"));
    o.insert("id".into(), json!(meta.id));
    o.insert("created".into(), json!(meta.created));
    o.insert("modified".into(), json!(meta.modified));
    o.insert(
        "created_by_ref".into(),
        json!(party_identity_id(meta.issuer)),
    );
    for (k, v) in &fields.content {
        o.insert(k.clone(), v.clone());
    }
    o.insert("stage".into(), json!(meta.stage.as_str()));
    o.insert(
        "review_date".into(),
        json!(fields.review_date.to_stix_string()),
    );
    o.insert("extensions_count".into(), json!(meta.extensions_count));
    if let Some(j) = meta.extension_justification {
        o.insert("extension_justification".into(), json!(j));
    }
    if let Some(r) = meta.cancellation_reason {
        o.insert("cancellation_reason".into(), json!(r));
    }
    o.insert("publication".into(), fields.publication.to_json());
    o.insert("object_marking_refs".into(), json!([marking.marking_ref()]));
    o.insert(
        "extensions".into(),
        json!({
            definition_for_type(WARNING_TYPE).unwrap_or_default(): {"extension_type": "new-sdo"},
            ENTENTE_EXTENSION: ext,
        }),
    );
    Value::Object(o)
}

/// Reads the fields of a stored version back, checking them as on entry (without the review
/// date's limits, which held when it was written).
pub fn fields_of(o: &Map<String, Value>) -> Result<Fields, String> {
    let kind = Kind::parse(o.get("kind").and_then(Value::as_str).unwrap_or(""))?;
    let subject: Subject = serde_json::from_value(o.get("subject").cloned().unwrap_or(Value::Null))
        .map_err(|e| format!("`subject`: {e}"))?;
    subject.check(kind)?;
    let mut content = Map::new();
    content.insert("kind".into(), json!(kind.as_str()));
    content.insert("subject".into(), json!(subject));
    for k in [
        "title",
        "legal_basis",
        "issuing_authority",
        "action_requested",
        "contact",
        "purpose",
        "source",
    ] {
        let v = o.get(k).and_then(Value::as_str).unwrap_or("");
        text(k, v)?;
        content.insert(k.into(), json!(v));
    }
    let review_date = Timestamp::parse(o.get("review_date").and_then(Value::as_str).unwrap_or(""))
        .map_err(|e| format!("`review_date`: {e}"))?;
    let grading = entente_stix::extension::entente_extension(o)
        .and_then(|e| e.get("grading"))
        .ok_or("a warning carries its grading (`extensions.<entente>.grading`)")
        .map_err(str::to_owned)
        .and_then(Grading::from_json)?;
    let publication = Publication::from_json(o.get("publication").unwrap_or(&Value::Null))?;
    grading.check_marking(publication.marking)?;
    Ok(Fields {
        kind,
        content,
        review_date,
        grading,
        publication,
    })
}

pub fn stage_of(o: &Map<String, Value>) -> Result<Stage, String> {
    Stage::parse(o.get("stage").and_then(Value::as_str).unwrap_or(""))
}

pub fn extensions_count_of(o: &Map<String, Value>) -> u32 {
    o.get("extensions_count")
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

/// Checks a warning version on entry, from a user or a peer: its fields, and that its label is
/// the one its stage calls for (a draft that would reach beyond its issuer is refused).
pub fn check_version(o: &Map<String, Value>, label: &AccessLabel) -> Result<(), String> {
    let fields = fields_of(o)?;
    let stage = stage_of(o)?;
    // A cancellation keeps the label of the version it cancels: draft, submitted or published.
    let allowed: &[Stage] = match stage {
        Stage::Cancelled => &[Stage::Draft, Stage::Submitted, Stage::Published],
        _ => std::slice::from_ref(&stage),
    };
    let fits = allowed.iter().any(|s| {
        let (marking, audience) = fields.publication.label_for(*s, &label.originator);
        label.marking == marking && label.audience == audience
    });
    if !fits {
        let (marking, audience) = fields.publication.label_for(stage, &label.originator);
        return Err(format!(
            "a {} warning is labelled {marking}{}, not {}{}",
            stage.as_str(),
            audience
                .map(|a| format!(" for {}", json!(a)))
                .unwrap_or_default(),
            label.marking,
            label
                .audience
                .as_ref()
                .map(|a| format!(" for {}", json!(a)))
                .unwrap_or_default(),
        ));
    }
    if extensions_count_of(o) > 0
        && o.get("extension_justification")
            .and_then(Value::as_str)
            .is_none_or(|j| j.trim().is_empty())
    {
        return Err("an extended warning carries the written justification of its last extension (`extension_justification`)".into());
    }
    Ok(())
}

/// The role an object plays in a warning's life, from the project extension.
pub fn role_of(o: &Map<String, Value>) -> Option<&str> {
    entente_stix::extension::entente_extension(o)?
        .get("warning")?
        .get("role")?
        .as_str()
}

/// Whether an object belongs to a warning's life, so that users make it only through the REST API.
pub fn is_workflow_object(object_type: &str, o: &Map<String, Value>) -> bool {
    object_type == WARNING_TYPE
        || role_of(o).is_some()
        || (object_type == "sighting"
            && o.get("sighting_of_ref")
                .and_then(Value::as_str)
                .is_some_and(|r| r.starts_with(&format!("{WARNING_TYPE}--"))))
}

/// The root of the thread an object of a warning's life belongs to: the warning's id (its own for
/// a version of the warning; the warning a hit sights; the warning a review, acknowledgement,
/// follow-up or reminder refers to). `None` for objects of no warning's life.
pub fn root_of(object_type: &str, o: &Map<String, Value>) -> Option<String> {
    let is_warning = |r: &&str| r.starts_with(&format!("{WARNING_TYPE}--"));
    match object_type {
        WARNING_TYPE => o.get("id").and_then(Value::as_str).map(str::to_owned),
        "sighting" => o
            .get("sighting_of_ref")
            .and_then(Value::as_str)
            .filter(is_warning)
            .map(str::to_owned),
        _ if role_of(o).is_some() => o
            .get("object_refs")
            .and_then(Value::as_array)
            .and_then(|refs| refs.iter().filter_map(Value::as_str).find(is_warning))
            .map(str::to_owned),
        _ => None,
    }
}

/// Audience helper: the given states.
pub fn states(parties: &[&PartyCode]) -> Audience {
    let mut states: Vec<PartyCode> = Vec::new();
    for p in parties {
        if !states.contains(p) {
            states.push((*p).clone());
        }
    }
    Audience {
        states,
        ..Default::default()
    }
}

fn workflow_extension(audience: Option<&Audience>, warning: Value) -> Value {
    let mut ext = json!({"extension_type": "property-extension", "warning": warning});
    if let Some(a) = audience {
        ext["audience"] = json!(a);
    }
    json!({ ENTENTE_EXTENSION: ext })
}

/// The secretariat's review of the submitted version `reviewed` (see the module doc).
pub fn review_object(
    warning_id: &str,
    reviewed: &str,
    verdict: Verdict,
    reasons: &str,
    now: &str,
    issuer: &PartyCode,
    publication: &Publication,
) -> Value {
    let (marking, audience) = match verdict {
        Verdict::Accepted => {
            // Whoever the warning reaches, and its issuer.
            let audience = match publication.audience.clone() {
                Some(mut a) => {
                    if !a.states.contains(issuer) {
                        a.states.push(issuer.clone());
                    }
                    Some(a)
                }
                None if publication.marking >= Tlp::Amber => Some(Audience {
                    states: vec![issuer.clone()],
                    tiers: vec![entente_core::Tier::Member],
                    users: vec![],
                }),
                None => None,
            };
            (publication.marking.max(Tlp::Green), audience)
        }
        Verdict::Refused => (Tlp::Amber, Some(states(&[issuer]))),
    };
    json!({
        "type": "opinion", "spec_version": "2.1",
        "id": format!("opinion--{}", uuid::Uuid::new_v4()),
        "created": now, "modified": now,
        "opinion": match verdict { Verdict::Accepted => "agree", Verdict::Refused => "strongly-disagree" },
        "explanation": reasons,
        "object_refs": [warning_id],
        "object_marking_refs": [marking.marking_ref()],
        "extensions": workflow_extension(audience.as_ref(), json!({"role": "review", "reviewed_version": reviewed})),
    })
}

pub fn acknowledgement_object(
    warning_id: &str,
    by: &PartyCode,
    issuer: &PartyCode,
    now: &str,
) -> Value {
    let secretariat =
        PartyCode::parse(entente_core::party::SECRETARIAT).unwrap_or_else(|_| issuer.clone());
    json!({
        "type": "note", "spec_version": "2.1",
        "id": format!("note--{}", uuid::Uuid::new_v4()),
        "created": now, "modified": now,
        "abstract": "Acknowledged",
        "content": format!("{by} acknowledges the warning."),
        "object_refs": [warning_id],
        "object_marking_refs": [Tlp::Amber.marking_ref()],
        "extensions": workflow_extension(Some(&states(&[issuer, &secretariat])), json!({"role": "acknowledgement"})),
    })
}

/// What a user reports of a hit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HitInput {
    /// When the subject was found (RFC 3339).
    pub when: String,
    /// Where: a place described.
    pub location: String,
    /// What was done (detained, refused entry, under watch...).
    pub action_taken: String,
    pub details: Option<String>,
}

impl HitInput {
    pub fn check(&self, now_ns: i64) -> Result<Timestamp, String> {
        let when = Timestamp::parse(&self.when).map_err(|e| format!("`when`: {e}"))?;
        if when.nanos() > now_ns.saturating_add(5 * 60 * 1_000_000_000) {
            return Err("`when` is in the future".into());
        }
        text("location", &self.location)?;
        text("action_taken", &self.action_taken)?;
        if let Some(d) = &self.details {
            text("details", d)?;
        }
        Ok(when)
    }
}

pub fn hit_object(
    warning_id: &str,
    by: &PartyCode,
    issuer: &PartyCode,
    hit: &HitInput,
    when: Timestamp,
    now: &str,
) -> Value {
    let when = when.to_stix_string();
    let mut description = format!(
        "Found at {}. Action taken: {}.",
        hit.location, hit.action_taken
    );
    if let Some(d) = &hit.details {
        description.push(' ');
        description.push_str(d);
    }
    json!({
        "type": "sighting", "spec_version": "2.1",
        "id": format!("sighting--{}", uuid::Uuid::new_v4()),
        "created": now, "modified": now,
        "sighting_of_ref": warning_id,
        "where_sighted_refs": [party_identity_id(by)],
        "first_seen": when, "last_seen": when, "count": 1,
        "description": description,
        "object_marking_refs": [Tlp::Amber.marking_ref()],
        "extensions": workflow_extension(Some(&states(&[issuer])), json!({"role": "hit", "location": hit.location, "action_taken": hit.action_taken})),
    })
}

pub fn follow_up_object(
    warning_id: &str,
    hit_id: &str,
    between: [&PartyCode; 2],
    message: &str,
    now: &str,
) -> Value {
    json!({
        "type": "note", "spec_version": "2.1",
        "id": format!("note--{}", uuid::Uuid::new_v4()),
        "created": now, "modified": now,
        "abstract": "Supplementary information",
        "content": message,
        "object_refs": [warning_id, hit_id],
        "object_marking_refs": [Tlp::AmberStrict.marking_ref()],
        "extensions": workflow_extension(Some(&states(&between)), json!({"role": "follow-up", "hit": hit_id})),
    })
}

/// One stored object of a warning's life, as read for a principal.
#[derive(Debug, Clone)]
pub struct Part {
    pub originator: PartyCode,
    pub label: AccessLabel,
    pub version_ns: i64,
    pub object: Map<String, Value>,
}

impl Part {
    pub fn of(row: &ObjectRow) -> Option<Part> {
        let object: Map<String, Value> = serde_json::from_str(&row.json).ok()?;
        Some(Part {
            originator: row.label.originator.clone(),
            label: row.label.clone(),
            version_ns: row.version_ns,
            object,
        })
    }

    pub fn id(&self) -> &str {
        self.object.get("id").and_then(Value::as_str).unwrap_or("")
    }
}

/// Everything of one warning a principal may see.
#[derive(Debug, Clone, Default)]
pub struct File {
    pub versions: Vec<Part>,
    pub reviews: Vec<Part>,
    pub acknowledgements: Vec<Part>,
    pub hits: Vec<Part>,
    pub follow_ups: Vec<Part>,
    /// The issuing node's reminders that the review date nears (they stay on that node).
    pub reminders: Vec<Part>,
}

impl File {
    /// The issuer: the originator of the warning's versions.
    pub fn issuer(&self) -> Option<&PartyCode> {
        self.versions.first().map(|v| &v.originator)
    }

    pub fn latest(&self) -> Option<&Part> {
        self.versions.iter().max_by_key(|v| v.version_ns)
    }

    /// The status at `now_ns`, from the issuer's versions and the secretariat's reviews.
    pub fn status(&self, now_ns: i64) -> Option<warning::Derived> {
        let versions: Vec<warning::Version> = self
            .versions
            .iter()
            .filter_map(|v| {
                Some(warning::Version {
                    modified_ns: v.version_ns,
                    stage: stage_of(&v.object).ok()?,
                    review_date_ns: Timestamp::parse(v.object.get("review_date")?.as_str()?)
                        .ok()?
                        .nanos(),
                })
            })
            .collect();
        let reviews: Vec<warning::Review> = self
            .reviews
            .iter()
            .filter(|r| r.originator.is_secretariat())
            .filter_map(|r| {
                let ext = entente_stix::extension::entente_extension(&r.object)?;
                let reviewed = ext.get("warning")?.get("reviewed_version")?.as_str()?;
                let verdict = match r.object.get("opinion")?.as_str()? {
                    "agree" | "strongly-agree" => Verdict::Accepted,
                    "disagree" | "strongly-disagree" => Verdict::Refused,
                    _ => return None,
                };
                Some(warning::Review {
                    reviewed_version_ns: Timestamp::parse(reviewed).ok()?.nanos(),
                    verdict,
                    at_ns: r.version_ns,
                })
            })
            .collect();
        warning::derive(&versions, &reviews, now_ns)
    }
}

const WORKFLOW_TYPES: [&str; 4] = [WARNING_TYPE, "opinion", "note", "sighting"];

/// Every warning `viewer` may see, with the parts of its life it may see, by warning id. With
/// `only`, just that warning.
pub async fn load(
    node: &Node,
    principal: &crate::auth::Principal,
    only: Option<&str>,
) -> Result<BTreeMap<String, File>, crate::error::NodeError> {
    let mut files: BTreeMap<String, File> = BTreeMap::new();
    let query = Query {
        types: WORKFLOW_TYPES.iter().map(|t| (*t).to_owned()).collect(),
        versions: VersionMatch::all(),
        spec_version_matches: true,
        // Every object of a warning's life names its warning, in an indexed column.
        root: Some(match only {
            Some(id) => entente_store::Root::Of(id.to_owned()),
            None => entente_store::Root::Any,
        }),
        ..Default::default()
    };
    let mut after = None;
    let mut others: Vec<Part> = Vec::new();
    loop {
        let page = crate::read::page(node, principal, &query, after, 2000, true).await?;
        for row in &page.rows {
            let Some(part) = Part::of(row) else { continue };
            if row.object_type == WARNING_TYPE {
                if only.is_none_or(|o| o == row.id) {
                    files.entry(row.id.clone()).or_default().versions.push(part);
                }
            } else {
                others.push(part);
            }
        }
        after = page.last_row;
        if !page.more {
            break;
        }
    }
    for part in others {
        let refs: Vec<&str> = match part.object.get("type").and_then(Value::as_str) {
            Some("sighting") => part
                .object
                .get("sighting_of_ref")
                .and_then(Value::as_str)
                .into_iter()
                .collect(),
            _ => part
                .object
                .get("object_refs")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default(),
        };
        let Some(key) = refs.iter().find(|r| files.contains_key(**r)) else {
            continue;
        };
        let Some(file) = files.get_mut(*key) else {
            continue;
        };
        match (
            part.object.get("type").and_then(Value::as_str),
            role_of(&part.object),
        ) {
            (Some("opinion"), Some("review")) => file.reviews.push(part),
            (Some("note"), Some("acknowledgement")) => file.acknowledgements.push(part),
            (Some("note"), Some("follow-up")) => file.follow_ups.push(part),
            (Some("note"), Some("reminder")) => file.reminders.push(part),
            (Some("sighting"), _) => file.hits.push(part),
            _ => {}
        }
    }
    // The warning's parts are the issuer's alone: another party's object of the warning's type
    // and id cannot exist (ids are the issuer's), but keep only the first originator's anyway.
    for file in files.values_mut() {
        if let Some(issuer) = file.issuer().cloned() {
            file.versions.retain(|v| v.originator == issuer);
        }
    }
    Ok(files)
}

/// The states a published version reaches, by the access policy: every party of the charter but
/// the issuer and the secretariat whose node the issuer's node would send it to.
pub fn addressed_states(
    charter: &entente_core::Charter,
    issuer: &PartyCode,
    label: &AccessLabel,
) -> Vec<String> {
    charter
        .parties()
        .filter(|p| p.code != *issuer && !p.code.is_secretariat())
        .filter(|p| {
            entente_core::may_see(
                &Viewer::Node {
                    party: p.code.clone(),
                    tier: p.tier,
                    holder: issuer.clone(),
                },
                label,
            )
        })
        .map(|p| p.code.to_string())
        .collect()
}

/// A warning as a principal sees it: its latest visible version, its derived status, and the
/// parts of its life the principal may see. For the issuer, a published warning also says which
/// addressed states have not acknowledged it yet.
pub fn view(
    id: &str,
    file: &File,
    now_ns: i64,
    detail: bool,
    charter: &entente_core::Charter,
    viewer: &Viewer,
) -> Option<Value> {
    let latest = file.latest()?;
    let derived = file.status(now_ns)?;
    let status = derived.status;
    let mut v = json!({
        "id": id,
        "issuer": latest.originator.as_str(),
        "kind": latest.object.get("kind"),
        "colour": latest.object.get("kind").and_then(Value::as_str).and_then(|k| Kind::parse(k).ok()).map(Kind::colour),
        "title": latest.object.get("title"),
        "status": status.as_str(),
        "active": status.is_active(),
        "review_date": latest.object.get("review_date"),
        "extensions_count": extensions_count_of(&latest.object),
        "modified": latest.object.get("modified"),
        "acknowledged_by": file.acknowledgements.iter().map(|a| a.originator.as_str()).collect::<std::collections::BTreeSet<_>>(),
        "hits": file.hits.len(),
    });
    if status == Status::Published && viewer.party() == Some(&latest.originator) {
        let acknowledged: Vec<&str> = file
            .acknowledgements
            .iter()
            .map(|a| a.originator.as_str())
            .collect();
        v["awaiting_acknowledgement"] =
            json!(addressed_states(charter, &latest.originator, &latest.label)
                .into_iter()
                .filter(|s| !acknowledged.contains(&s.as_str()))
                .collect::<Vec<_>>());
    }
    if detail {
        v["warning"] = Value::Object(latest.object.clone());
        v["versions"] = json!(file
            .versions
            .iter()
            .map(|p| json!({
                "modified": p.object.get("modified"), "stage": p.object.get("stage"),
            }))
            .collect::<Vec<_>>());
        v["reviews"] = json!(file.reviews.iter().filter(|r| r.originator.is_secretariat()).map(|r| json!({
            "id": r.id(),
            "verdict": match r.object.get("opinion").and_then(Value::as_str) { Some("agree" | "strongly-agree") => "accepted", _ => "refused" },
            "reasons": r.object.get("explanation"),
            "reviewed_version": entente_stix::extension::entente_extension(&r.object).and_then(|e| e.get("warning")).and_then(|w| w.get("reviewed_version")),
            "at": r.object.get("modified"),
        })).collect::<Vec<_>>());
        v["hit_reports"] = json!(file.hits.iter().map(|h| json!({
            "id": h.id(), "by": h.originator.as_str(),
            "when": h.object.get("first_seen"),
            "location": entente_stix::extension::entente_extension(&h.object).and_then(|e| e.get("warning")).and_then(|w| w.get("location")),
            "action_taken": entente_stix::extension::entente_extension(&h.object).and_then(|e| e.get("warning")).and_then(|w| w.get("action_taken")),
            "description": h.object.get("description"),
        })).collect::<Vec<_>>());
        v["reminders"] = json!(file.reminders.iter().map(|r| {
            let w = entente_stix::extension::entente_extension(&r.object).and_then(|e| e.get("warning"));
            json!({"days": w.and_then(|w| w.get("days")), "review_date": w.and_then(|w| w.get("review_date")), "at": r.object.get("modified")})
        }).collect::<Vec<_>>());
        let mut thread: Vec<&Part> = file.follow_ups.iter().collect();
        thread.sort_by_key(|p| p.version_ns);
        v["thread"] = json!(thread.iter().map(|f| json!({
            "id": f.id(), "by": f.originator.as_str(),
            "hit": entente_stix::extension::entente_extension(&f.object).and_then(|e| e.get("warning")).and_then(|w| w.get("hit")),
            "message": f.object.get("content"), "at": f.object.get("modified"),
        })).collect::<Vec<_>>());
    }
    Some(v)
}

/// Whether `status` is one a list asks for by `filter` (`active`: published and not expired).
pub fn status_matches(status: Status, filter: &str) -> bool {
    match filter {
        "active" => status.is_active(),
        "all" => true,
        other => other.split(',').any(|s| s.trim() == status.as_str()),
    }
}

/// The node itself, as the author of what it does on its own (reminders).
pub fn node_principal(node: &Node) -> Option<crate::auth::Principal> {
    let user = entente_core::UserRef::new(node.party.clone(), NODE_USER).ok()?;
    Some(crate::auth::Principal {
        viewer: Viewer::User {
            user,
            tier: node.tier,
            role: entente_core::Role::Admin,
        },
    })
}

/// The name the node acts under when it acts on its own; no user may take it.
pub const NODE_USER: &str = "entente-node";

/// A reminder to the issuing state that a warning's review date nears: it stays on the issuer's
/// node (addressed to that state alone).
pub fn reminder_object(
    warning_id: &str,
    issuer: &PartyCode,
    days: u32,
    review_date: &str,
    now: &str,
) -> Value {
    json!({
        "type": "note", "spec_version": "2.1",
        "id": format!("note--{}", uuid::Uuid::new_v4()),
        "created": now, "modified": now,
        "abstract": "Review due",
        "content": format!("This warning is to be reviewed by {review_date}, in {days} days or less: extend it with the written justification of a new assessment, or it expires on that date on every node."),
        "object_refs": [warning_id],
        "object_marking_refs": [Tlp::Amber.marking_ref()],
        "extensions": workflow_extension(Some(&states(&[issuer])), json!({"role": "reminder", "days": days, "review_date": review_date})),
    })
}

/// Tells the issuer of each published warning of this node whose review date nears, once per
/// threshold of `remind_days` (days before the date; only the most urgent one due is sent, so a
/// warning published 20 days before its review date gets the 30-day reminder, not a stale
/// 120-day one). Answers how many reminders it wrote.
pub async fn send_reminders(
    node: &std::sync::Arc<Node>,
    remind_days: &[u32],
) -> Result<usize, crate::error::NodeError> {
    let Some(principal) = node_principal(node) else {
        return Ok(0);
    };
    let now = node.now_us().saturating_mul(1000);
    let files = load(node, &principal, None).await?;
    let mut sent = 0;
    for (id, file) in &files {
        if file.issuer() != Some(&node.party) {
            continue;
        }
        let Some(derived) = file.status(now) else {
            continue;
        };
        if derived.status != Status::Published {
            continue;
        }
        let Some(latest) = file.latest() else {
            continue;
        };
        let review_date = latest
            .object
            .get("review_date")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(&days) =
            warning::reminders_due(derived.latest.review_date_ns, now, remind_days).first()
        else {
            continue;
        };
        let already = file.reminders.iter().any(|r| {
            let w = entente_stix::extension::entente_extension(&r.object)
                .and_then(|e| e.get("warning"));
            w.and_then(|w| w.get("days")).and_then(Value::as_u64) == Some(u64::from(days))
                && w.and_then(|w| w.get("review_date")).and_then(Value::as_str) == Some(review_date)
        });
        if already {
            continue;
        }
        let stamp = Timestamp::from_nanos(now).to_micros_string();
        let object = reminder_object(id, &node.party, days, review_date, &stamp);
        let done = crate::ingest::ingest_step(
            node,
            &principal,
            object,
            "warning-review-reminder",
            Some(entente_core::warning::Step::Remind),
            entente_store::BasedOn::Nothing,
        )
        .await?;
        if done.ok {
            sent += 1;
            tracing::info!(warning = %id, days, review_date, "reminded the issuer that the review date nears");
        }
    }
    Ok(sent)
}

/// Runs [`send_reminders`] every `every`, from now on.
pub fn spawn_reminders(
    node: std::sync::Arc<Node>,
    remind_days: Vec<u32>,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(e) = send_reminders(&node, &remind_days).await {
                tracing::warn!(error = ?e, "sending review reminders failed; will retry");
            }
        }
    })
}
