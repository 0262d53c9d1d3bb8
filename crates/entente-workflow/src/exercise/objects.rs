//! The objects of a joint exercise's or operation's life, written and read back (see the module
//! doc of [`super`]). Pure: the caller gives the ids and the time.

use crate::{extensions, Invalid};

use entente_core::{PartyCode, Tlp};
use entente_stix::identity::party_identity_id;
use entente_stix::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

pub const EXERCISE_TYPE: &str = "x-entente-exercise";
pub const KINDS: [&str; 2] = ["exercise", "operation"];
/// Who a plan, or a state's after-action section, is shared with: the whole organization
/// (TLP:GREEN), the participating states and the secretariat (TLP:AMBER), or — for a section —
/// only the host state and the secretariat (TLP:AMBER).
pub const SHARED_WITH: [&str; 3] = ["organization", "participants", "host"];
const MAX_LIST: usize = 100;

fn bad(m: impl Into<String>) -> Invalid {
    Invalid(m.into())
}

use crate::check_text as text;

/// A calendar date (`YYYY-MM-DD`) as nanoseconds at its start, UTC.
pub fn date_ns(field: &str, d: &str) -> Result<i64, Invalid> {
    let ok = d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-';
    let t = ok
        .then(|| Timestamp::parse_rfc3339(&format!("{d}T00:00:00Z")).ok())
        .flatten()
        .ok_or_else(|| bad(format!("`{field}` is a date: YYYY-MM-DD")))?;
    Ok(t.nanos())
}

/// A plan as a user gives it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    pub name: String,
    /// `exercise` or `operation`.
    pub kind: String,
    /// The host state.
    pub host: String,
    /// First and last day (`YYYY-MM-DD`).
    pub starts: String,
    pub ends: String,
    pub scenario: String,
    #[serde(default)]
    pub objectives: Vec<String>,
    /// The participating states besides the host.
    #[serde(default)]
    pub participants: Vec<String>,
    /// `organization` or `participants`.
    pub shared_with: String,
}

impl PlanInput {
    /// Checks the fields; answers the first and last day in nanoseconds.
    pub fn check(&self) -> Result<(i64, i64), Invalid> {
        text("name", &self.name, true)?;
        text("scenario", &self.scenario, true)?;
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(bad("`kind` is `exercise` or `operation`"));
        }
        PartyCode::parse(&self.host).map_err(|e| bad(format!("`host`: {e}")))?;
        for p in &self.participants {
            PartyCode::parse(p).map_err(|e| bad(format!("`participants`: {e}")))?;
        }
        if self.objectives.len() > MAX_LIST || self.participants.len() > MAX_LIST {
            return Err(bad(format!(
                "at most {MAX_LIST} objectives and {MAX_LIST} participants"
            )));
        }
        for o in &self.objectives {
            text("objectives", o, true)?;
        }
        if !matches!(self.shared_with.as_str(), "organization" | "participants") {
            return Err(bad(
                "a plan's `shared_with` is `organization` or `participants`",
            ));
        }
        let starts = date_ns("starts", &self.starts)?;
        let ends = date_ns("ends", &self.ends)?;
        if ends < starts {
            return Err(bad("`ends` is on or after `starts`"));
        }
        Ok((starts, ends))
    }

    /// The host first, then the other participants, each once.
    pub fn all_participants(&self) -> Vec<PartyCode> {
        let mut out: Vec<PartyCode> = Vec::new();
        for p in std::iter::once(&self.host).chain(self.participants.iter()) {
            if let Ok(c) = PartyCode::parse(p) {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out
    }
}

/// What a participating state brings, as it says it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionInput {
    pub brings: String,
    #[serde(default)]
    pub personnel: u32,
}

impl ContributionInput {
    pub fn check(&self) -> Result<(), Invalid> {
        text("brings", &self.brings, true)
    }
}

/// One improvement item of a state's after-action section.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub title: String,
    /// Who answers for it (a unit or an officer of the state).
    pub owner: String,
    /// By when (`YYYY-MM-DD`).
    pub due: String,
    /// When it was closed (`YYYY-MM-DD`); absent while open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
}

impl Item {
    pub fn check(&self) -> Result<(), Invalid> {
        text("items.title", &self.title, true)?;
        text("items.owner", &self.owner, true)?;
        date_ns("items.due", &self.due)?;
        if let Some(c) = &self.closed {
            date_ns("items.closed", c)?;
        }
        Ok(())
    }
}

/// A state's after-action section as it writes it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionInput {
    pub summary: String,
    #[serde(default)]
    pub strengths: String,
    #[serde(default)]
    pub improvements: String,
    #[serde(default)]
    pub items: Vec<Item>,
    /// `organization`, `participants` or `host`.
    pub shared_with: String,
}

impl SectionInput {
    pub fn check(&self) -> Result<(), Invalid> {
        text("summary", &self.summary, true)?;
        text("strengths", &self.strengths, false)?;
        text("improvements", &self.improvements, false)?;
        if self.items.len() > MAX_LIST {
            return Err(bad(format!("at most {MAX_LIST} improvement items")));
        }
        for i in &self.items {
            i.check()?;
        }
        if !SHARED_WITH.contains(&self.shared_with.as_str()) {
            return Err(bad(
                "a section's `shared_with` is `organization`, `participants` or `host`",
            ));
        }
        Ok(())
    }
}

fn secretariat() -> Option<PartyCode> {
    PartyCode::parse(entente_core::party::SECRETARIAT).ok()
}

/// Labels `o`: TLP:GREEN for the organization, else TLP:AMBER to `states` and the secretariat.
fn with_label(mut o: Value, shared_with: &str, states: &[&PartyCode]) -> Value {
    let mut ext = extensions(EXERCISE_TYPE);
    if shared_with == "organization" {
        o["object_marking_refs"] = json!([Tlp::Green.marking_ref()]);
    } else {
        o["object_marking_refs"] = json!([Tlp::Amber.marking_ref()]);
        let s = secretariat();
        let mut v: Vec<&str> = Vec::new();
        for p in states.iter().copied().chain(s.iter()) {
            if !v.contains(&p.as_str()) {
                v.push(p.as_str());
            }
        }
        if let Some(e) = ext
            .get_mut(entente_stix::extension::ENTENTE_EXTENSION)
            .and_then(Value::as_object_mut)
        {
            e.insert("audience".into(), json!({ "states": v }));
        }
    }
    o["extensions"] = ext;
    o
}

/// A version of the plan, by `by` (the host, or the secretariat).
pub fn plan_object(id: &str, input: &PlanInput, by: &PartyCode, created: &str, now: &str) -> Value {
    let participants = input.all_participants();
    let mut o = json!({
        "type": EXERCISE_TYPE, "spec_version": "2.1", "id": id,
        "created": created, "modified": now,
        "created_by_ref": party_identity_id(by),
        "stage": "plan", "name": input.name, "kind": input.kind, "host": input.host,
        "starts": input.starts, "ends": input.ends, "scenario": input.scenario,
        "participants": participants.iter().map(PartyCode::as_str).collect::<Vec<_>>(),
        "shared_with": input.shared_with,
    });
    // STIX allows no empty list.
    if !input.objectives.is_empty() {
        o["objectives"] = json!(input.objectives);
    }
    let states: Vec<&PartyCode> = std::iter::once(by).chain(participants.iter()).collect();
    with_label(o, &input.shared_with, &states)
}

/// A participating state's contribution, shared as the plan is.
pub fn contribution_object(
    id: &str,
    exercise: &str,
    plan: &super::PlanHeld,
    by: &PartyCode,
    input: &ContributionInput,
    created: &str,
    now: &str,
) -> Value {
    let o = json!({
        "type": EXERCISE_TYPE, "spec_version": "2.1", "id": id,
        "created": created, "modified": now,
        "created_by_ref": party_identity_id(by),
        "stage": "contribution", "exercise_ref": exercise,
        "brings": input.brings, "personnel": input.personnel,
    });
    let states: Vec<&PartyCode> = std::iter::once(by)
        .chain(plan.participants.iter())
        .collect();
    with_label(o, &plan.input.shared_with, &states)
}

/// A state's after-action section, under the sharing it chose.
pub fn section_object(
    id: &str,
    exercise: &str,
    plan: &super::PlanHeld,
    by: &PartyCode,
    input: &SectionInput,
    created: &str,
    now: &str,
) -> Value {
    let mut o = json!({
        "type": EXERCISE_TYPE, "spec_version": "2.1", "id": id,
        "created": created, "modified": now,
        "created_by_ref": party_identity_id(by),
        "stage": "after-action", "exercise_ref": exercise,
        "summary": input.summary, "shared_with": input.shared_with,
    });
    for (k, v) in [
        ("strengths", &input.strengths),
        ("improvements", &input.improvements),
    ] {
        if !v.is_empty() {
            o[k] = json!(v);
        }
    }
    if !input.items.is_empty() {
        o["items"] = json!(input.items);
    }
    let states: Vec<&PartyCode> = match input.shared_with.as_str() {
        "host" => vec![by, &plan.host],
        _ => std::iter::once(by)
            .chain(plan.participants.iter())
            .collect(),
    };
    with_label(o, &input.shared_with, &states)
}

/// The exercise an object names.
pub fn exercise_ref(o: &Map<String, Value>) -> Option<&str> {
    o.get("exercise_ref").and_then(Value::as_str)
}

pub fn stage(o: &Map<String, Value>) -> Option<&str> {
    o.get("stage").and_then(Value::as_str)
}

fn fields<T: for<'de> Deserialize<'de>>(
    o: &Map<String, Value>,
    keys: &[&str],
) -> Result<T, Invalid> {
    let mut m = Map::new();
    for k in keys {
        if let Some(v) = o.get(*k) {
            m.insert((*k).into(), v.clone());
        }
    }
    serde_json::from_value(Value::Object(m)).map_err(|e| bad(e.to_string()))
}

/// The plan a version holds.
pub fn plan_of(o: &Map<String, Value>) -> Result<PlanInput, Invalid> {
    let mut p: PlanInput = fields(
        o,
        &[
            "name",
            "kind",
            "host",
            "starts",
            "ends",
            "scenario",
            "objectives",
            "participants",
            "shared_with",
        ],
    )
    .map_err(|e| bad(format!("a plan: {}", e.0)))?;
    p.check()?;
    p.participants.retain(|s| *s != p.host);
    Ok(p)
}

/// The contribution a version holds.
pub fn contribution_of(o: &Map<String, Value>) -> Result<ContributionInput, Invalid> {
    let c: ContributionInput =
        fields(o, &["brings", "personnel"]).map_err(|e| bad(format!("a contribution: {}", e.0)))?;
    c.check()?;
    Ok(c)
}

/// The section a version holds.
pub fn section_of(o: &Map<String, Value>) -> Result<SectionInput, Invalid> {
    let s: SectionInput = fields(
        o,
        &[
            "summary",
            "strengths",
            "improvements",
            "items",
            "shared_with",
        ],
    )
    .map_err(|e| bad(format!("an after-action section: {}", e.0)))?;
    s.check()?;
    Ok(s)
}
