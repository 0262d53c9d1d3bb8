//! The objects of a decision's life: how each is written and read back, and what is checked of it
//! on entry, from a user or a peer. Pure: the caller gives the ids and the time.
//!
//! **Objects.** Each is a signed STIX object of the project's types, TLP:GREEN with no audience —
//! the organization's record, seen by every participant, so every node derives the same outcome
//! and the same effective charter:
//! - the decision (`x-entente-decision`), by its proposer (a member state or the secretariat):
//!   `title`, `description`, `procedure` (`consensus`, `silence`, `consensus-minus-one` with the
//!   state `concerned`), `deadline`, the `members` who vote (the effective charter's, when it
//!   opened) and its `effect`. Its first version holds its terms; a later version only withdraws
//!   it (`withdrawn`, `withdrawal_reason`), and the terms of the first are the ones that count.
//! - a ballot (`x-entente-ballot`), by a member state's node: `decision_ref`, `state`, `vote`
//!   (`approve`, `abstain`, `object`) and an optional `statement` of position; a state's later
//!   ballot is a new version of its first, and the latest cast before the decision closed counts.
//! - an application (`x-entente-application`), by the state applying (or the secretariat, for a
//!   state not yet a party): the `state`, its `name`, the `tier` sought and its node's `key`. A
//!   decision whose effect is `admit` copies these, so the effect is read from the decision alone.
//!
//! Users make these only through the steps of [`super::Decisions`] and [`super::Applications`]; over
//! TAXII they are refused. From peers they are taken like any signed object, checked on entry
//! ([`check_entry`]): a ballot is signed by the node of the state it votes for.

use super::outcome::{Procedure, Vote};
use crate::{extensions, Invalid};
use entente_core::charter::NodeKey;
use entente_core::text::is_blank;
use entente_core::{PartyCode, Tier, Tlp};
use entente_stix::extension::ENTENTE_EXTENSION;
use entente_stix::identity::party_identity_id;
use entente_stix::Timestamp;
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub const DECISION_TYPE: &str = "x-entente-decision";
pub const BALLOT_TYPE: &str = "x-entente-ballot";
pub const APPLICATION_TYPE: &str = "x-entente-application";

/// The most characters of a title.
const MAX_TITLE: usize = 500;
/// The most characters of a description, statement or reason.
const MAX_TEXT: usize = 20_000;
/// The longest a decision may stay open: two years.
const MAX_OPEN_NS: i64 = 2 * 366 * 24 * 3_600_000_000_000;

macro_rules! invalid {
    ($($t:tt)*) => { Invalid(format!($($t)*)) };
}

/// What a decision does when adopted, applied by every node from the derived outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A statement of the organization's position: no effect on the charter or the lists.
    Statement,
    /// Put a proposed register entry on the organization's unified list.
    Designate { entry: String },
    /// Take an entry off the unified list.
    Delist { entry: String },
    /// Admit a state, or change its tier, as its application asks.
    Admit {
        application: String,
        state: PartyCode,
        name: String,
        tier: Tier,
        key: Option<String>,
    },
    /// Suspend a state's participation (by consensus minus one).
    Suspend { state: PartyCode },
    /// Lift a suspension.
    Reinstate { state: PartyCode },
    /// A new presidency order, its first term beginning in `epoch_year`.
    Presidency {
        order: Vec<PartyCode>,
        epoch_year: i32,
    },
    /// Adopt a document (declaration, convention, strategy).
    AdoptDocument { document: String },
    /// Adopt a programme (a strategy or a financing facility).
    AdoptProgramme { programme: String },
}

impl Effect {
    /// Every kind an effect may be, as its JSON names it.
    pub const KINDS: [&'static str; 9] = [
        "statement",
        "designate",
        "delist",
        "admit",
        "suspend",
        "reinstate",
        "presidency",
        "adopt-document",
        "adopt-programme",
    ];

    pub fn kind(&self) -> &'static str {
        match self {
            Effect::Statement => "statement",
            Effect::Designate { .. } => "designate",
            Effect::Delist { .. } => "delist",
            Effect::Admit { .. } => "admit",
            Effect::Suspend { .. } => "suspend",
            Effect::Reinstate { .. } => "reinstate",
            Effect::Presidency { .. } => "presidency",
            Effect::AdoptDocument { .. } => "adopt-document",
            Effect::AdoptProgramme { .. } => "adopt-programme",
        }
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({ "kind": self.kind() });
        match self {
            Effect::Statement => {}
            Effect::Designate { entry } | Effect::Delist { entry } => v["entry_ref"] = json!(entry),
            Effect::Admit {
                application,
                state,
                name,
                tier,
                key,
            } => {
                v["application_ref"] = json!(application);
                v["state"] = json!(state.as_str());
                v["name"] = json!(name);
                v["tier"] = json!(tier.as_str());
                if let Some(k) = key {
                    v["key"] = json!(k);
                }
            }
            Effect::Suspend { state } | Effect::Reinstate { state } => {
                v["state"] = json!(state.as_str())
            }
            Effect::Presidency { order, epoch_year } => {
                v["order"] = json!(order.iter().map(PartyCode::as_str).collect::<Vec<_>>());
                v["epoch_year"] = json!(epoch_year);
            }
            Effect::AdoptDocument { document } => v["document_ref"] = json!(document),
            Effect::AdoptProgramme { programme } => v["programme_ref"] = json!(programme),
        }
        v
    }

    /// Reads an effect back, saying what is wrong with it.
    pub fn from_json(v: &Value) -> Result<Effect, Invalid> {
        let o = v.as_object().ok_or("`effect` must be an object")?;
        let kind = o
            .get("kind")
            .and_then(Value::as_str)
            .ok_or("`effect.kind` is required")?;
        let allowed: &[&str] = match kind {
            "statement" => &[],
            "designate" | "delist" => &["entry_ref"],
            "admit" => &["application_ref", "state", "name", "tier", "key"],
            "suspend" | "reinstate" => &["state"],
            "presidency" => &["order", "epoch_year"],
            "adopt-document" => &["document_ref"],
            "adopt-programme" => &["programme_ref"],
            other => {
                return Err(invalid!(
                    "`effect.kind` is `{other}`; it is one of {}",
                    Effect::KINDS.join(", ")
                ))
            }
        };
        if let Some(k) = o
            .keys()
            .find(|k| *k != "kind" && !allowed.contains(&k.as_str()))
        {
            return Err(invalid!("`effect.{k}` is not a field of a `{kind}` effect"));
        }
        let text = |k: &str| -> Result<&str, Invalid> {
            o.get(k)
                .and_then(Value::as_str)
                .filter(|s| !is_blank(s))
                .ok_or_else(|| invalid!("`effect.{k}` is required for a `{kind}` effect"))
        };
        let reference = |k: &str, ty: &str| -> Result<String, Invalid> {
            let r = text(k)?;
            entente_stix::StixId::parse(r)
                .ok()
                .filter(|id| id.object_type() == ty)
                .ok_or_else(|| invalid!("`effect.{k}` must be the id of an `{ty}`, not `{r}`"))?;
            Ok(r.to_owned())
        };
        let party = |k: &str| -> Result<PartyCode, Invalid> {
            PartyCode::parse(text(k)?).map_err(|e| invalid!("`effect.{k}`: {e}"))
        };
        Ok(match kind {
            "statement" => Effect::Statement,
            "designate" => Effect::Designate {
                entry: reference("entry_ref", "x-entente-register-entry")?,
            },
            "delist" => Effect::Delist {
                entry: reference("entry_ref", "x-entente-register-entry")?,
            },
            "admit" => {
                let tier =
                    Tier::parse(text("tier")?).map_err(|e| invalid!("`effect.tier`: {e}"))?;
                let key = o.get("key").and_then(Value::as_str).map(str::to_owned);
                check_application_fields(&party("state")?, tier, key.as_deref())?;
                Effect::Admit {
                    application: reference("application_ref", APPLICATION_TYPE)?,
                    state: party("state")?,
                    name: text("name")?.to_owned(),
                    tier,
                    key,
                }
            }
            "suspend" => Effect::Suspend {
                state: party("state")?,
            },
            "reinstate" => Effect::Reinstate {
                state: party("state")?,
            },
            "presidency" => {
                let order = o
                    .get("order")
                    .and_then(Value::as_array)
                    .ok_or("`effect.order` is the list of states in presidency order")?;
                let mut codes: Vec<PartyCode> = Vec::new();
                for c in order {
                    let c = c
                        .as_str()
                        .ok_or("`effect.order` holds state codes")
                        .and_then(|c| {
                            PartyCode::parse(c).map_err(|_| "`effect.order` holds state codes")
                        })?;
                    if codes.contains(&c) {
                        return Err(invalid!("`effect.order` names {c} twice"));
                    }
                    codes.push(c);
                }
                if codes.is_empty() || codes.len() > 64 {
                    return Err("`effect.order` names 1 to 64 states".into());
                }
                let epoch_year = o
                    .get("epoch_year")
                    .and_then(Value::as_i64)
                    .and_then(|y| i32::try_from(y).ok())
                    .filter(|y| (1900..=3000).contains(y))
                    .ok_or("`effect.epoch_year` is the year the order's first term begins")?;
                Effect::Presidency {
                    order: codes,
                    epoch_year,
                }
            }
            "adopt-document" => Effect::AdoptDocument {
                document: reference("document_ref", "x-entente-document")?,
            },
            _ => Effect::AdoptProgramme {
                programme: reference("programme_ref", "x-entente-programme")?,
            },
        })
    }
}

/// What an application must be: a tier a state holds (not the secretariat's) and, when given, a
/// valid node key.
fn check_application_fields(
    state: &PartyCode,
    tier: Tier,
    key: Option<&str>,
) -> Result<(), Invalid> {
    if state.is_secretariat() || tier == Tier::Secretariat {
        return Err(
            "the secretariat is a body of the organization: it does not apply for a tier".into(),
        );
    }
    if let Some(k) = key {
        NodeKey::parse(k).map_err(|e| invalid!("`key`: {e}"))?;
    }
    Ok(())
}

/// A proposal as a user gives it.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalInput {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// `consensus`, `silence` or `consensus-minus-one`.
    pub procedure: String,
    /// When it closes (RFC 3339).
    pub deadline: String,
    pub effect: Value,
}

/// A proposal, checked: what the decision object is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub title: String,
    pub description: String,
    pub procedure: Procedure,
    pub deadline: Timestamp,
    pub effect: Effect,
}

fn text(field: &str, v: &str, max: usize) -> Result<(), Invalid> {
    if v.chars().count() > max {
        return Err(invalid!("`{field}` is longer than {max} characters"));
    }
    Ok(())
}

impl ProposalInput {
    /// Checks the proposal at `now_ns`: its texts, its procedure with its effect (suspending a
    /// state is by consensus minus one, and only that is), and its deadline (later than now, at
    /// most two years ahead; a silence procedure runs at least `min_silence_ns`).
    pub fn check(&self, now_ns: i64, min_silence_ns: i64) -> Result<Proposal, Invalid> {
        if is_blank(&self.title) {
            return Err("`title` must not be empty".into());
        }
        text("title", &self.title, MAX_TITLE)?;
        text("description", &self.description, MAX_TEXT)?;
        let effect = Effect::from_json(&self.effect)?;
        let procedure = procedure_of(&self.procedure, &effect)?;
        let deadline = Timestamp::parse_rfc3339(&self.deadline).map_err(|e| {
            invalid!("`deadline`: {e}; an RFC 3339 date-time with an offset is taken too")
        })?;
        if deadline.nanos() <= now_ns {
            return Err("`deadline` must be in the future".into());
        }
        if deadline.nanos() - now_ns > MAX_OPEN_NS {
            return Err("`deadline` is at most two years ahead".into());
        }
        if procedure == Procedure::Silence && deadline.nanos() - now_ns < min_silence_ns {
            return Err(invalid!(
                "a silence procedure runs at least {} hours (the charter's minimum): move `deadline` later",
                min_silence_ns / 3_600_000_000_000
            ));
        }
        Ok(Proposal {
            title: self.title.trim().to_owned(),
            description: self.description.trim().to_owned(),
            procedure,
            deadline,
            effect,
        })
    }
}

/// The procedure named `s` for `effect`: suspension, and only suspension, is by consensus minus
/// one, the state concerned being the one suspended.
pub fn procedure_of(s: &str, effect: &Effect) -> Result<Procedure, Invalid> {
    match (s, effect) {
        ("consensus-minus-one", Effect::Suspend { state }) => Ok(Procedure::ConsensusMinusOne {
            concerned: state.clone(),
        }),
        ("consensus-minus-one", _) => {
            Err("`consensus-minus-one` is the procedure for suspending a state (effect `suspend`)".into())
        }
        (_, Effect::Suspend { .. }) => {
            Err("suspending a state is decided by `consensus-minus-one`: the state concerned does not block".into())
        }
        ("consensus", _) => Ok(Procedure::Consensus),
        ("silence", _) => Ok(Procedure::Silence),
        (other, _) => Err(invalid!(
            "`procedure` is `{other}`; it is `consensus`, `silence` or `consensus-minus-one`"
        )),
    }
}

pub fn procedure_name(p: &Procedure) -> &'static str {
    match p {
        Procedure::Consensus => "consensus",
        Procedure::Silence => "silence",
        Procedure::ConsensusMinusOne { .. } => "consensus-minus-one",
    }
}

/// The first version of a decision: its terms.
pub fn decision_object(
    id: &str,
    proposal: &Proposal,
    proposer: &PartyCode,
    members: &[PartyCode],
    now: &str,
) -> Value {
    let mut o = json!({
        "type": DECISION_TYPE, "spec_version": "2.1",
        "id": id, "created": now, "modified": now,
        "created_by_ref": party_identity_id(proposer),
        "title": proposal.title,
        "procedure": procedure_name(&proposal.procedure),
        "deadline": proposal.deadline.to_stix_string(),
        "members": members.iter().map(PartyCode::as_str).collect::<Vec<_>>(),
        "effect": proposal.effect.to_json(),
        "object_marking_refs": [Tlp::Green.marking_ref()],
        "extensions": extensions(DECISION_TYPE),
    });
    if !proposal.description.is_empty() {
        o["description"] = json!(proposal.description);
    }
    if let Procedure::ConsensusMinusOne { concerned } = &proposal.procedure {
        o["concerned"] = json!(concerned.as_str());
    }
    o
}

/// The version of a decision that withdraws it: its first version's terms, withdrawn at `now`.
pub fn withdrawal_object(first: &Map<String, Value>, reason: &str, now: &str) -> Value {
    let mut o = first.clone();
    o.insert("modified".into(), json!(now));
    o.insert("withdrawn".into(), json!(now));
    o.insert("withdrawal_reason".into(), json!(reason));
    if let Some(Value::Object(ext)) = o.get_mut("extensions") {
        ext.insert(
            ENTENTE_EXTENSION.into(),
            json!({"extension_type": "property-extension"}),
        );
    }
    Value::Object(o)
}

/// A ballot, or a later version of one (`created` its first version's).
pub fn ballot_object(
    id: &str,
    decision: &str,
    state: &PartyCode,
    vote: Vote,
    statement: Option<&str>,
    created: &str,
    now: &str,
) -> Value {
    let mut o = json!({
        "type": BALLOT_TYPE, "spec_version": "2.1",
        "id": id, "created": created, "modified": now,
        "created_by_ref": party_identity_id(state),
        "decision_ref": decision,
        "state": state.as_str(),
        "vote": vote.as_str(),
        "object_marking_refs": [Tlp::Green.marking_ref()],
        "extensions": extensions(BALLOT_TYPE),
    });
    if let Some(s) = statement.filter(|s| !is_blank(s)) {
        o["statement"] = json!(s.trim());
    }
    o
}

/// An application as a user gives it.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationInput {
    /// The state applying (ISO 3166-1 alpha-2).
    pub state: String,
    /// Its name, for a state not yet a party.
    #[serde(default)]
    pub name: String,
    /// The tier sought: `member`, `observer` or `dialogue-partner`.
    pub tier: String,
    /// Its node's public key (`ed25519:<base64>`), for a state whose node the charter does not
    /// know yet.
    #[serde(default)]
    pub key: Option<String>,
    /// Why it applies.
    #[serde(default)]
    pub statement: String,
}

/// The application object.
#[allow(clippy::too_many_arguments)]
pub fn application_object(
    id: &str,
    by: &PartyCode,
    state: &PartyCode,
    name: &str,
    tier: Tier,
    key: Option<&str>,
    statement: &str,
    now: &str,
) -> Value {
    let mut o = json!({
        "type": APPLICATION_TYPE, "spec_version": "2.1",
        "id": id, "created": now, "modified": now,
        "created_by_ref": party_identity_id(by),
        "state": state.as_str(),
        "name": name,
        "tier": tier.as_str(),
        "object_marking_refs": [Tlp::Green.marking_ref()],
        "extensions": extensions(APPLICATION_TYPE),
    });
    if let Some(k) = key {
        o["key"] = json!(k);
    }
    if !is_blank(statement) {
        o["statement"] = json!(statement.trim());
    }
    o
}

/// A decision's terms and effect as its first version holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub title: String,
    pub description: String,
    pub procedure: Procedure,
    pub opened: Timestamp,
    pub deadline: Timestamp,
    pub members: Vec<PartyCode>,
    pub effect: Effect,
}

fn str_of<'a>(o: &'a Map<String, Value>, k: &str) -> Result<&'a str, Invalid> {
    o.get(k)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid!("a decision carries `{k}`"))
}

/// Reads a decision version's terms back, checking them.
pub fn terms_of(o: &Map<String, Value>) -> Result<Terms, Invalid> {
    let title = str_of(o, "title")?;
    if is_blank(title) {
        return Err("a decision carries a `title`".into());
    }
    text("title", title, MAX_TITLE)?;
    let description = o.get("description").and_then(Value::as_str).unwrap_or("");
    text("description", description, MAX_TEXT)?;
    let effect = Effect::from_json(o.get("effect").ok_or("a decision carries its `effect`")?)?;
    let procedure = procedure_of(str_of(o, "procedure")?, &effect)?;
    if let Procedure::ConsensusMinusOne { concerned } = &procedure {
        if o.get("concerned").and_then(Value::as_str) != Some(concerned.as_str()) {
            return Err("`concerned` names the state the suspension is of".into());
        }
    }
    let opened = Timestamp::parse(str_of(o, "created")?).map_err(|e| invalid!("`created`: {e}"))?;
    let deadline =
        Timestamp::parse(str_of(o, "deadline")?).map_err(|e| invalid!("`deadline`: {e}"))?;
    if deadline.nanos() <= opened.nanos() || deadline.nanos() - opened.nanos() > MAX_OPEN_NS {
        return Err("a decision's `deadline` is after it opens, at most two years".into());
    }
    let members = o
        .get("members")
        .and_then(Value::as_array)
        .ok_or("a decision carries the `members` who vote")?;
    let mut codes = Vec::new();
    for m in members {
        let c = m
            .as_str()
            .and_then(|c| PartyCode::parse(c).ok())
            .ok_or("`members` holds state codes")?;
        if codes.contains(&c) {
            return Err(invalid!("`members` names {c} twice"));
        }
        codes.push(c);
    }
    if codes.is_empty() || codes.len() > 256 {
        return Err("`members` names 1 to 256 states".into());
    }
    Ok(Terms {
        title: title.to_owned(),
        description: description.to_owned(),
        procedure,
        opened,
        deadline,
        members: codes,
        effect,
    })
}

/// When a version withdraws its decision, and why.
pub fn withdrawal_of(o: &Map<String, Value>) -> Option<(Timestamp, String)> {
    let at = Timestamp::parse(o.get("withdrawn")?.as_str()?).ok()?;
    let why = o
        .get("withdrawal_reason")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    Some((at, why))
}

/// A ballot as held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotFields {
    pub decision: String,
    pub state: PartyCode,
    pub vote: Vote,
    pub statement: Option<String>,
    pub cast: Timestamp,
}

/// Reads a ballot back, checking it.
pub fn ballot_of(o: &Map<String, Value>) -> Result<BallotFields, Invalid> {
    let decision = o
        .get("decision_ref")
        .and_then(Value::as_str)
        .filter(|r| r.starts_with(&format!("{DECISION_TYPE}--")))
        .ok_or("a ballot names its decision: `decision_ref`")?;
    let state = o
        .get("state")
        .and_then(Value::as_str)
        .and_then(|s| PartyCode::parse(s).ok())
        .ok_or("a ballot names the `state` it votes for")?;
    let vote = Vote::parse(o.get("vote").and_then(Value::as_str).unwrap_or(""))?;
    let statement = o
        .get("statement")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(s) = &statement {
        text("statement", s, MAX_TEXT)?;
    }
    let cast = Timestamp::parse(o.get("modified").and_then(Value::as_str).unwrap_or(""))
        .map_err(|e| invalid!("`modified`: {e}"))?;
    Ok(BallotFields {
        decision: decision.to_owned(),
        state,
        vote,
        statement,
        cast,
    })
}

/// An application as held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationFields {
    pub state: PartyCode,
    pub name: String,
    pub tier: Tier,
    pub key: Option<String>,
    pub statement: String,
}

/// Reads an application back, checking it.
pub fn application_of(o: &Map<String, Value>) -> Result<ApplicationFields, Invalid> {
    let state = o
        .get("state")
        .and_then(Value::as_str)
        .and_then(|s| PartyCode::parse(s).ok())
        .ok_or("an application names the `state` applying")?;
    let tier = Tier::parse(o.get("tier").and_then(Value::as_str).unwrap_or(""))
        .map_err(|e| invalid!("`tier`: {e}"))?;
    let key = o.get("key").and_then(Value::as_str).map(str::to_owned);
    check_application_fields(&state, tier, key.as_deref())?;
    let name = o
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    text("name", &name, MAX_TITLE)?;
    let statement = o
        .get("statement")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    text("statement", &statement, MAX_TEXT)?;
    Ok(ApplicationFields {
        state,
        name,
        tier,
        key,
        statement,
    })
}

/// What an object of a decision's life must be to enter, from a user's step or from a peer,
/// signed by `originator`: readable, TLP:GREEN (the organization's record, for every
/// participant), and a ballot signed by the node of the state it votes for.
pub fn check_entry(
    object_type: &str,
    o: &Map<String, Value>,
    label: &entente_core::AccessLabel,
) -> Result<(), Invalid> {
    crate::green_record(object_type, label)?;
    match object_type {
        DECISION_TYPE => {
            terms_of(o)?;
            if o.contains_key("withdrawn") && withdrawal_of(o).is_none() {
                return Err("`withdrawn` is the time the decision was withdrawn".into());
            }
        }
        BALLOT_TYPE => {
            let b = ballot_of(o)?;
            if b.state != label.originator {
                return Err(invalid!(
                    "a ballot is signed by the node of the state it votes for: this one votes for {} and is signed by {}",
                    b.state,
                    label.originator
                ));
            }
        }
        APPLICATION_TYPE => {
            let a = application_of(o)?;
            if a.state != label.originator && !label.originator.is_secretariat() {
                return Err(invalid!(
                    "a state applies for itself (or the secretariat for it): this application is for {} and is signed by {}",
                    a.state,
                    label.originator
                ));
            }
        }
        _ => {}
    }
    Ok(())
}
