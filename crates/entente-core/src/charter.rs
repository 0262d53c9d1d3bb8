//! The charter: the organization as data. Which parties exist, the tier each holds, the bodies, the
//! presidency rotation and each node's public key. Read from TOML; a mistake is refused with the
//! line it is on and what is wrong with it.

use crate::error::CoreError;
use crate::party::PartyCode;
use crate::tier::Tier;
use base64::Engine;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A node's public Ed25519 key as the charter records it: `ed25519:<base64 of 32 bytes>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeKey(pub [u8; 32]);

impl NodeKey {
    pub fn parse(s: &str) -> Result<NodeKey, CoreError> {
        let bad = |m: String| CoreError::BadKey(m);
        let b64 = s
            .strip_prefix("ed25519:")
            .ok_or_else(|| bad("a key is written `ed25519:<base64 of 32 bytes>`".into()))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| bad(format!("the key is not valid base64: {e}")))?;
        let arr: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            bad(format!(
                "an Ed25519 key has 32 bytes, this one has {}",
                b.len()
            ))
        })?;
        ed25519_dalek::VerifyingKey::from_bytes(&arr)
            .map_err(|_| bad("the bytes are not a valid Ed25519 public key".into()))?;
        Ok(NodeKey(arr))
    }

    pub fn encode(bytes: &[u8; 32]) -> String {
        format!(
            "ed25519:{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    }
}

#[derive(Debug, Clone)]
pub struct Party {
    pub code: PartyCode,
    pub name: String,
    pub tier: Tier,
    pub key: Option<NodeKey>,
    /// Suspended by a decision: the party keeps its place in the charter but no access.
    pub suspended: bool,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub code: Option<PartyCode>,
    pub name: String,
    pub seat: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Charter {
    pub name: String,
    pub abbreviation: String,
    pub as_of: String,
    parties: BTreeMap<PartyCode, Party>,
    pub bodies: Vec<Body>,
    pub presidency_order: Vec<PartyCode>,
    pub presidency_epoch_year: i32,
    /// How far ahead a warning's review date may be (`[warnings]`).
    pub warning_limits: crate::warning::ReviewLimits,
    /// Documents and programmes adopted by decision: the object's id → the decision's (empty in
    /// the charter file; filled in the effective charter).
    pub adopted: BTreeMap<String, String>,
    /// The shortest silence procedure, in hours (`[decisions] min_silence_hours`, default 72; 0:
    /// no minimum).
    pub min_silence_hours: u32,
    /// How many hours before a conference's deadline to answer the secretariat's node reminds
    /// the invited states that have not answered (`[consultations] remind_hours`, default 24 and
    /// 2; empty: no reminders).
    pub remind_hours: Vec<u32>,
}

/// When to remind the states that have not answered an invitation, when the charter says
/// nothing: 24 hours and 2 hours before the deadline.
pub const DEFAULT_REMIND_HOURS: [u32; 2] = [24, 2];

/// The shortest silence procedure when the charter names none: 72 hours.
pub const DEFAULT_MIN_SILENCE_HOURS: u32 = 72;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCharter {
    organization: RawOrganization,
    #[serde(default)]
    states: Vec<RawState>,
    #[serde(default)]
    bodies: Vec<RawBody>,
    presidency: RawPresidency,
    warnings: Option<RawWarnings>,
    decisions: Option<RawDecisions>,
    consultations: Option<RawConsultations>,
}

/// The organization's rules for consultations.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConsultations {
    remind_hours: Option<Spanned<Vec<u32>>>,
}

/// The organization's rules for decisions.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDecisions {
    min_silence_hours: Option<Spanned<u32>>,
}

/// The organization's rules for warnings: the longest a review date may be ahead, in days.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWarnings {
    review_days_person: Option<Spanned<u32>>,
    review_days_threat: Option<Spanned<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganization {
    name: String,
    abbreviation: String,
    as_of: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawState {
    code: Spanned<String>,
    name: String,
    tier: Spanned<String>,
    key: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBody {
    code: Option<Spanned<String>>,
    name: String,
    seat: Option<String>,
    key: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPresidency {
    order: Vec<Spanned<String>>,
    epoch_year: i32,
}

/// TOML reports an unknown field at its table; point at the field's own line instead.
fn unknown_field_offset(text: &str, table_offset: usize, message: &str) -> Option<usize> {
    let field = message.strip_prefix("unknown field `")?.split('`').next()?;
    let mut offset = table_offset;
    for line in text.get(table_offset..)?.split_inclusive('\n') {
        let rest = line.trim_start().strip_prefix(field);
        if rest.is_some_and(|r| r.trim_start().starts_with('=')) {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |t| t.matches('\n').count() + 1)
}

impl Charter {
    /// Parses a charter, refusing any mistake with its line number.
    pub fn parse(text: &str) -> Result<Charter, CoreError> {
        let at = |offset: usize, message: String| CoreError::Charter {
            line: line_of(text, offset),
            message,
        };
        let raw: RawCharter = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            at(
                unknown_field_offset(text, offset, e.message()).unwrap_or(offset),
                e.message().to_owned(),
            )
        })?;
        let mut parties = BTreeMap::new();
        let parse_key = |k: &Option<Spanned<String>>| -> Result<Option<NodeKey>, CoreError> {
            k.as_ref()
                .map(|k| NodeKey::parse(k.get_ref()).map_err(|m| at(k.span().start, m.to_string())))
                .transpose()
        };
        for s in &raw.states {
            let code = PartyCode::parse(s.code.get_ref())
                .map_err(|e| at(s.code.span().start, e.to_string()))?;
            if code.is_secretariat() {
                return Err(at(
                    s.code.span().start,
                    "the secretariat is a body: list it under [[bodies]]".into(),
                ));
            }
            let tier = Tier::parse(s.tier.get_ref())
                .map_err(|e| at(s.tier.span().start, e.to_string()))?;
            if tier == Tier::Secretariat {
                return Err(at(
                    s.tier.span().start,
                    "only the secretariat body holds the secretariat tier".into(),
                ));
            }
            let party = Party {
                code: code.clone(),
                name: s.name.clone(),
                tier,
                key: parse_key(&s.key)?,
                suspended: false,
            };
            if parties.insert(code.clone(), party).is_some() {
                return Err(at(
                    s.code.span().start,
                    format!("state {code} is listed twice"),
                ));
            }
        }
        let mut bodies = Vec::new();
        for b in &raw.bodies {
            let code = match &b.code {
                None => None,
                Some(c) if c.get_ref() == crate::party::SECRETARIAT => {
                    let code = PartyCode::parse(c.get_ref())
                        .map_err(|e| at(c.span().start, e.to_string()))?;
                    let party = Party {
                        code: code.clone(),
                        name: b.name.clone(),
                        tier: Tier::Secretariat,
                        key: parse_key(&b.key)?,
                        suspended: false,
                    };
                    if parties.insert(code.clone(), party).is_some() {
                        return Err(at(c.span().start, "the secretariat is listed twice".into()));
                    }
                    Some(code)
                }
                Some(c) => {
                    return Err(at(
                        c.span().start,
                        format!(
                            "`{}` is not a body code: the only body with a node is SECRETARIAT",
                            c.get_ref()
                        ),
                    ))
                }
            };
            if code.is_none() {
                if let Some(k) = &b.key {
                    return Err(at(
                        k.span().start,
                        "only a body with a code runs a node and has a key".into(),
                    ));
                }
            }
            bodies.push(Body {
                code,
                name: b.name.clone(),
                seat: b.seat.clone(),
            });
        }
        if !bodies.iter().any(|b| b.code.is_some()) {
            return Err(at(text.len(), "the charter names no secretariat: add a [[bodies]] entry with code = \"SECRETARIAT\"".into()));
        }
        let mut order = Vec::new();
        for entry in &raw.presidency.order {
            let code = PartyCode::parse(entry.get_ref())
                .map_err(|e| at(entry.span().start, e.to_string()))?;
            match parties.get(&code) {
                Some(p) if p.tier == Tier::Member => {}
                Some(p) => {
                    return Err(at(
                        entry.span().start,
                        format!("{code} is a {} and cannot preside: only members do", p.tier),
                    ))
                }
                None => {
                    return Err(at(
                        entry.span().start,
                        format!("{code} is not a state of this charter"),
                    ))
                }
            }
            if order.contains(&code) {
                return Err(at(
                    entry.span().start,
                    format!("{code} appears twice in the presidency order"),
                ));
            }
            order.push(code);
        }
        if let Some(missing) = parties
            .values()
            .find(|p| p.tier == Tier::Member && !order.contains(&p.code))
        {
            let offset = raw.presidency.order.first().map_or(0, |e| e.span().start);
            return Err(at(
                offset,
                format!(
                    "member {} is missing from the presidency order",
                    missing.code
                ),
            ));
        }
        let mut warning_limits = crate::warning::ReviewLimits::default();
        if let Some(w) = &raw.warnings {
            for (field, target) in [
                (&w.review_days_person, &mut warning_limits.person_days),
                (&w.review_days_threat, &mut warning_limits.matter_days),
            ] {
                if let Some(days) = field {
                    if *days.get_ref() == 0 || *days.get_ref() > 10 * 366 {
                        return Err(at(
                            days.span().start,
                            "a review may be 1 to 3,660 days ahead".into(),
                        ));
                    }
                    *target = *days.get_ref();
                }
            }
        }
        let mut min_silence_hours = DEFAULT_MIN_SILENCE_HOURS;
        if let Some(h) = raw
            .decisions
            .as_ref()
            .and_then(|d| d.min_silence_hours.as_ref())
        {
            if *h.get_ref() > 24 * 366 {
                return Err(at(
                    h.span().start,
                    "a silence procedure's minimum is at most 8,784 hours (a year)".into(),
                ));
            }
            min_silence_hours = *h.get_ref();
        }
        let mut remind_hours = DEFAULT_REMIND_HOURS.to_vec();
        if let Some(h) = raw
            .consultations
            .as_ref()
            .and_then(|c| c.remind_hours.as_ref())
        {
            if h.get_ref().len() > 8 || h.get_ref().iter().any(|&x| x == 0 || x > 24 * 366) {
                return Err(at(
                    h.span().start,
                    "at most 8 reminders, each 1 to 8,784 hours before the deadline".into(),
                ));
            }
            remind_hours = h.get_ref().clone();
        }
        Ok(Charter {
            name: raw.organization.name,
            abbreviation: raw.organization.abbreviation,
            as_of: raw.organization.as_of,
            parties,
            bodies,
            presidency_order: order,
            presidency_epoch_year: raw.presidency.epoch_year,
            warning_limits,
            min_silence_hours,
            remind_hours,
            adopted: BTreeMap::new(),
        })
    }

    pub fn party(&self, code: &PartyCode) -> Option<&Party> {
        self.parties.get(code)
    }

    /// The tier `code` holds; `None` when it is not a party, or is suspended (no access).
    pub fn tier_of(&self, code: &PartyCode) -> Option<Tier> {
        self.parties
            .get(code)
            .filter(|p| !p.suspended)
            .map(|p| p.tier)
    }

    /// The member states (not suspended), in code order: who votes on a decision.
    pub fn members(&self) -> Vec<PartyCode> {
        self.parties
            .values()
            .filter(|p| p.tier == Tier::Member && !p.suspended)
            .map(|p| p.code.clone())
            .collect()
    }

    /// Admits `code` at `tier` or changes its tier (and lifts a suspension), recording its name
    /// and node key when given: the effect of an adopted application.
    pub fn admit(&mut self, code: &PartyCode, name: &str, tier: Tier, key: Option<NodeKey>) {
        let p = self.parties.entry(code.clone()).or_insert_with(|| Party {
            code: code.clone(),
            name: name.to_owned(),
            tier,
            key: None,
            suspended: false,
        });
        p.tier = tier;
        p.suspended = false;
        if !name.is_empty() {
            p.name = name.to_owned();
        }
        if key.is_some() {
            p.key = key;
        }
    }

    /// Suspends (or reinstates) `code`; false when it is not a party.
    pub fn set_suspended(&mut self, code: &PartyCode, suspended: bool) -> bool {
        match self.parties.get_mut(code) {
            Some(p) => {
                p.suspended = suspended;
                true
            }
            None => false,
        }
    }

    /// Sets the presidency order and the year of its first term (a decision changing the
    /// presidency).
    pub fn set_presidency(&mut self, order: Vec<PartyCode>, epoch_year: i32) {
        self.presidency_order = order;
        self.presidency_epoch_year = epoch_year;
    }

    pub fn parties(&self) -> impl Iterator<Item = &Party> {
        self.parties.values()
    }

    pub fn with_tier(&self, tier: Tier) -> impl Iterator<Item = &Party> {
        self.parties.values().filter(move |p| p.tier == tier)
    }

    /// The member presiding in the presidency term that begins in `year` (terms run summit to summit).
    pub fn presiding(&self, year: i32) -> Option<&PartyCode> {
        let n = i32::try_from(self.presidency_order.len())
            .ok()
            .filter(|n| *n > 0)?;
        let i = (year - self.presidency_epoch_year).rem_euclid(n);
        self.presidency_order.get(usize::try_from(i).ok()?)
    }

    /// Records `key` as the node key of `code` (used when a node is initialised with a fresh key).
    pub fn set_key(&mut self, code: &PartyCode, key: NodeKey) -> bool {
        match self.parties.get_mut(code) {
            Some(p) => {
                p.key = Some(key);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests;
