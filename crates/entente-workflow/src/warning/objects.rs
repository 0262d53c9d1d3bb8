//! The objects of a warning's life: how each is written and read back, and what is checked of it
//! on entry, from a user or a peer. Pure: the caller gives the ids and the time.
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
//! - a reminder: a `note` (`warning.role = "reminder"`) of the issuing node to its own state that
//!   the review date nears; it stays on that node.
//!
//! Users create these only by the steps of [`super::Warnings`]; over TAXII they are refused, so
//! the life cannot be side-stepped. From peers they are taken like any signed object, and a
//! warning's fields are checked on entry either way ([`check_version`]).

use crate::Invalid;
use entente_core::grading::Grading;
use entente_core::text::is_blank;
use entente_core::warning::{Kind, ReviewLimits, Stage, Verdict};
use entente_core::{AccessLabel, Audience, PartyCode, Tlp};
use entente_stix::extension::{definition_for_type, ENTENTE_EXTENSION};
use entente_stix::identity::party_identity_id;
use entente_stix::Timestamp;
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub const WARNING_TYPE: &str = "x-entente-warning";

/// The most characters a free-text field holds.
const MAX_TEXT: usize = 10_000;
const MAX_NAMES: usize = 50;

/// An [`Invalid`] with a formatted message.
macro_rules! invalid {
    ($($t:tt)*) => { Invalid(format!($($t)*)) };
}

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

    fn from_json(v: &Value) -> Result<Publication, Invalid> {
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
    pub fn check(&self) -> Result<(), Invalid> {
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

fn text(name: &str, v: &str) -> Result<(), Invalid> {
    if is_blank(v) {
        return Err(invalid!("`{name}` must not be empty or blank"));
    }
    if v.chars().count() > MAX_TEXT {
        return Err(invalid!("`{name}` is longer than {MAX_TEXT} characters"));
    }
    Ok(())
}

/// A partial date as registers and warnings write them: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn partial_date(d: &str) -> Result<(), Invalid> {
    let bad = || invalid!("birth date `{d}` is not YYYY, YYYY-MM or YYYY-MM-DD");
    let parts: Vec<&str> = d.split('-').collect();
    let num = |s: &str, len: usize, max: u32| -> Result<u32, Invalid> {
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
    pub fn check(&self, kind: Kind) -> Result<(), Invalid> {
        if kind.about_a_person() {
            if self.names.is_empty() && kind != Kind::Unidentified {
                return Err(invalid!(
                    "a {kind} warning names its subject: `subject.names`"
                ));
            }
            if self.names.len() > MAX_NAMES {
                return Err(invalid!("`subject.names` holds at most {MAX_NAMES} names"));
            }
            if let Some(i) = self.names.iter().position(|n| is_blank(n)) {
                return Err(invalid!(
                    "`subject.names`: name {} is blank (white space or control characters only)",
                    i + 1
                ));
            }
            for n in &self.names {
                entente_screen::matcher::check_name(n)
                    .map_err(|e| format!("`subject.names`: {e}"))?;
            }
            match &self.description {
                Some(d) => text("subject.description", d)?,
                None if kind == Kind::Unidentified && self.names.is_empty() => {
                    text("subject.description", "")?
                }
                None => {}
            }
            for d in &self.birth_dates {
                partial_date(d)?;
            }
            if let Some(n) = self.nationalities.iter().find(|n| {
                PartyCode::parse(n).is_err() || n.as_str() == entente_core::party::SECRETARIAT
            }) {
                return Err(invalid!(
                    "nationality `{n}` is not an ISO 3166-1 alpha-2 code (two capital letters)"
                ));
            }
            if self.category.is_some() {
                return Err(invalid!(
                    "`subject.category` is for threats and methods, not a {kind} warning"
                ));
            }
        } else {
            let c = self.category.as_deref().unwrap_or("");
            if !matches!(c, "object" | "event" | "method") {
                return Err(invalid!(
                    "a {kind} warning says what its subject is: `subject.category` object, event or method"
                ));
            }
            text(
                "subject.description",
                self.description.as_deref().unwrap_or(""),
            )?;
            if !self.names.is_empty() || !self.birth_dates.is_empty() {
                return Err(invalid!(
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
    pub fn fields(&self, limits: &ReviewLimits, now_ns: i64) -> Result<Fields, Invalid> {
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

/// The input that would write a stored version's fields again: what a form to revise it starts
/// from. `None` when the version does not read back as a warning.
pub fn input_of(o: &Map<String, Value>) -> Option<WarningInput> {
    let fields = fields_of(o).ok()?;
    let subject: Subject = serde_json::from_value(o.get("subject").cloned()?).ok()?;
    let text = |k: &str| {
        fields
            .content
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    Some(WarningInput {
        kind: fields.kind.as_str().to_owned(),
        title: text("title"),
        subject,
        legal_basis: text("legal_basis"),
        issuing_authority: text("issuing_authority"),
        action_requested: text("action_requested"),
        contact: text("contact"),
        purpose: text("purpose"),
        source: text("source"),
        review_date: fields.review_date.to_string(),
        grading: json!(fields.grading),
        marking: Some(fields.publication.marking.to_string()),
        audience: fields.publication.audience.as_ref().map(|a| json!(a)),
    })
}

/// Reads the fields of a stored version back, checking them as on entry (without the review
/// date's limits, which held when it was written).
pub fn fields_of(o: &Map<String, Value>) -> Result<Fields, Invalid> {
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
        .ok_or(Invalid::from(
            "a warning carries its grading (`extensions.<entente>.grading`)",
        ))
        .and_then(|g| Grading::from_json(g).map_err(Invalid::from))?;
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

pub fn stage_of(o: &Map<String, Value>) -> Result<Stage, Invalid> {
    Stage::parse(o.get("stage").and_then(Value::as_str).unwrap_or("")).map_err(Invalid::from)
}

pub fn extensions_count_of(o: &Map<String, Value>) -> u32 {
    o.get("extensions_count")
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(0)
}

/// Checks a warning version on entry, from a user or a peer: its fields, and that its label is
/// the one its stage calls for (a draft that would reach beyond its issuer is refused).
pub fn check_version(o: &Map<String, Value>, label: &AccessLabel) -> Result<(), Invalid> {
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
        return Err(invalid!(
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
            .is_none_or(is_blank)
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

/// The version of a warning a review is of.
pub struct Reviewed<'a> {
    pub warning_id: &'a str,
    /// Its `modified`.
    pub version: &'a str,
    pub issuer: &'a PartyCode,
    pub publication: &'a Publication,
}

/// The secretariat's review of the submitted version `reviewed` (see the module doc).
pub fn review_object(
    id: &str,
    reviewed: &Reviewed,
    verdict: Verdict,
    reasons: &str,
    now: &str,
) -> Value {
    let Reviewed {
        warning_id,
        version: reviewed,
        issuer,
        publication,
    } = *reviewed;
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
        "id": id,
        "created": now, "modified": now,
        "opinion": match verdict { Verdict::Accepted => "agree", Verdict::Refused => "strongly-disagree" },
        "explanation": reasons,
        "object_refs": [warning_id],
        "object_marking_refs": [marking.marking_ref()],
        "extensions": workflow_extension(audience.as_ref(), json!({"role": "review", "reviewed_version": reviewed})),
    })
}

pub fn acknowledgement_object(
    id: &str,
    warning_id: &str,
    by: &PartyCode,
    issuer: &PartyCode,
    now: &str,
) -> Value {
    let secretariat =
        PartyCode::parse(entente_core::party::SECRETARIAT).unwrap_or_else(|_| issuer.clone());
    json!({
        "type": "note", "spec_version": "2.1",
        "id": id,
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
    pub fn check(&self, now_ns: i64) -> Result<Timestamp, Invalid> {
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
    id: &str,
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
        "id": id,
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
    id: &str,
    warning_id: &str,
    hit_id: &str,
    between: [&PartyCode; 2],
    message: &str,
    now: &str,
) -> Value {
    json!({
        "type": "note", "spec_version": "2.1",
        "id": id,
        "created": now, "modified": now,
        "abstract": "Supplementary information",
        "content": message,
        "object_refs": [warning_id, hit_id],
        "object_marking_refs": [Tlp::AmberStrict.marking_ref()],
        "extensions": workflow_extension(Some(&states(&between)), json!({"role": "follow-up", "hit": hit_id})),
    })
}

/// A reminder to the issuing state that a warning's review date nears: it stays on the issuer's
/// node (addressed to that state alone).
pub fn reminder_object(
    id: &str,
    warning_id: &str,
    issuer: &PartyCode,
    days: u32,
    review_date: &str,
    now: &str,
) -> Value {
    json!({
        "type": "note", "spec_version": "2.1",
        "id": id,
        "created": now, "modified": now,
        "abstract": "Review due",
        "content": format!("This warning is to be reviewed by {review_date}, in {days} days or less: extend it with the written justification of a new assessment, or it expires on that date on every node."),
        "object_refs": [warning_id],
        "object_marking_refs": [Tlp::Amber.marking_ref()],
        "extensions": workflow_extension(Some(&states(&[issuer])), json!({"role": "reminder", "days": days, "review_date": review_date})),
    })
}
