//! The objects of a consultation's life, written and read back (see the module doc of
//! [`super`]). Pure: the caller gives the ids and the time.

use super::{Decided, Verdict};
use crate::{extensions, Invalid};
use entente_core::text::is_blank;
use entente_core::{PartyCode, Tlp};
use entente_stix::identity::party_identity_id;
use entente_stix::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const CONSULTATION_TYPE: &str = "x-entente-consultation";
pub const RESPONSE_TYPE: &str = "x-entente-response";

/// The kinds of help a state may ask for and offer.
pub const HELP_KINDS: [&str; 6] = [
    "experts",
    "equipment",
    "intelligence",
    "forces",
    "funds",
    "other",
];
pub const URGENCIES: [&str; 3] = ["immediate", "urgent", "routine"];
const MAX_LINES: usize = 100;

fn bad(m: impl Into<String>) -> Invalid {
    Invalid(m.into())
}

use crate::check_text as text;

/// Where it happened.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

/// A request for assistance as a user gives it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    pub title: String,
    /// What happened.
    pub situation: String,
    pub location: Location,
    /// The kinds of help asked for (see [`HELP_KINDS`]).
    pub help: Vec<String>,
    /// `immediate`, `urgent` or `routine`.
    pub urgency: String,
}

impl RequestInput {
    pub fn check(&self) -> Result<(), Invalid> {
        text("title", &self.title, true)?;
        text("situation", &self.situation, true)?;
        text("location.name", &self.location.name, true)?;
        if let Some(c) = &self.location.country {
            PartyCode::parse(c).map_err(|e| bad(format!("`location.country`: {e}")))?;
        }
        let lat_ok = self
            .location
            .latitude
            .is_none_or(|l| (-90.0..=90.0).contains(&l));
        let lon_ok = self
            .location
            .longitude
            .is_none_or(|l| (-180.0..=180.0).contains(&l));
        if !lat_ok || !lon_ok {
            return Err(bad(
                "`location`: latitude -90 to 90, longitude -180 to 180 (WGS 84)",
            ));
        }
        if self.help.is_empty() {
            return Err(bad("`help` names at least one kind of help"));
        }
        if let Some(k) = self.help.iter().find(|k| !HELP_KINDS.contains(&k.as_str())) {
            return Err(bad(format!(
                "`help`: `{k}` is not one of {}",
                HELP_KINDS.join(", ")
            )));
        }
        if !URGENCIES.contains(&self.urgency.as_str()) {
            return Err(bad(format!("`urgency` is one of {}", URGENCIES.join(", "))));
        }
        Ok(())
    }
}

/// A convening as the secretariat gives it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConveneInput {
    /// Observers and dialogue partners invited besides the member states.
    #[serde(default)]
    pub also_invited: Vec<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub video_link: Option<String>,
    /// When the conference meets (RFC 3339).
    pub meets_at: String,
    /// By when the invited states answer (RFC 3339).
    pub answer_by: String,
}

impl ConveneInput {
    /// When it meets and by when to answer, in nanoseconds.
    pub fn times(&self) -> Result<(i64, i64), Invalid> {
        let meets = Timestamp::parse_rfc3339(&self.meets_at)
            .map_err(|e| bad(format!("`meets_at`: {e}")))?;
        let by = Timestamp::parse_rfc3339(&self.answer_by)
            .map_err(|e| bad(format!("`answer_by`: {e}")))?;
        if self.place.as_deref().is_none_or(is_blank)
            && self.video_link.as_deref().is_none_or(is_blank)
        {
            return Err(bad("a conference has a `place` or a `video_link`"));
        }
        Ok((meets.nanos(), by.nanos()))
    }
}

/// One line of an offer of assistance, in the terms of EDXL-RM's resource offer.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OfferLine {
    /// One of [`HELP_KINDS`].
    pub kind: String,
    /// What is offered.
    pub description: String,
    pub quantity: u32,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub conditions: String,
    /// From when (RFC 3339 date or date-time).
    pub available_from: String,
    /// For how many days.
    pub duration_days: u32,
}

/// What an invited state answers.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "answer", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Answer {
    /// It attends, with whom.
    Attend { delegates: Vec<String> },
    Decline {
        #[serde(default)]
        reason: String,
    },
    /// It offers assistance, line by line.
    Offer { lines: Vec<OfferLine> },
}

impl Answer {
    pub fn kind(&self) -> &'static str {
        match self {
            Answer::Attend { .. } => "attend",
            Answer::Decline { .. } => "decline",
            Answer::Offer { .. } => "offer",
        }
    }

    pub fn check(&self) -> Result<(), Invalid> {
        match self {
            Answer::Attend { delegates } => {
                if delegates.is_empty()
                    || delegates.len() > MAX_LINES
                    || delegates.iter().any(|d| is_blank(d))
                {
                    return Err(bad("`delegates` names who attends (1 to 100)"));
                }
            }
            Answer::Decline { reason } => text("reason", reason, false)?,
            Answer::Offer { lines } => {
                if lines.is_empty() || lines.len() > MAX_LINES {
                    return Err(bad("an offer has 1 to 100 `lines`"));
                }
                for (i, l) in lines.iter().enumerate() {
                    if !HELP_KINDS.contains(&l.kind.as_str()) {
                        return Err(bad(format!(
                            "`lines[{i}].kind` is one of {}",
                            HELP_KINDS.join(", ")
                        )));
                    }
                    text(&format!("lines[{i}].description"), &l.description, true)?;
                    text(&format!("lines[{i}].conditions"), &l.conditions, false)?;
                    if l.quantity == 0 || l.duration_days == 0 {
                        return Err(bad(format!(
                            "`lines[{i}]`: a quantity and a duration of at least 1"
                        )));
                    }
                    let from = if l.available_from.len() == 10 {
                        format!("{}T00:00:00Z", l.available_from)
                    } else {
                        l.available_from.clone()
                    };
                    Timestamp::parse_rfc3339(&from)
                        .map_err(|e| bad(format!("`lines[{i}].available_from`: {e}")))?;
                }
            }
        }
        Ok(())
    }
}

/// The record the conference closes with.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub minutes: String,
    #[serde(default)]
    pub statement: String,
    /// `statement`, `plan` (the accepted offers) or `decision` (with `decision_ref`).
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_ref: Option<String>,
    /// The participants.
    pub participants: Vec<String>,
}

impl Record {
    pub fn check(&self) -> Result<(), Invalid> {
        text("minutes", &self.minutes, true)?;
        if self.participants.is_empty()
            || self.participants.len() > MAX_LINES
            || self.participants.iter().any(|p| is_blank(p))
        {
            return Err(bad("`participants` names who took part (1 to 100)"));
        }
        text("statement", &self.statement, false)?;
        match (self.outcome.as_str(), &self.decision_ref) {
            ("decision", Some(d)) if d.starts_with("x-entente-decision--") => Ok(()),
            ("decision", _) => Err(bad("an outcome `decision` names it: `decision_ref`")),
            ("statement" | "plan", None) => Ok(()),
            ("statement" | "plan", Some(_)) => {
                Err(bad("`decision_ref` goes with the outcome `decision`"))
            }
            (o, _) => Err(bad(format!(
                "`outcome` is `statement`, `plan` or `decision`, not `{o}`"
            ))),
        }
    }
}

/// The conference as held.
#[derive(Debug, Clone, PartialEq)]
pub struct Conference {
    pub id: String,
    /// Its `created`, and the version held (`modified`, nanoseconds).
    pub created: String,
    pub version_ns: i64,
    pub invited: Vec<PartyCode>,
    pub place: Option<String>,
    pub video_link: Option<String>,
    pub meets_ns: i64,
    pub answer_by_ns: i64,
    pub closed: Option<Record>,
}

impl Conference {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "invited": self.invited.iter().map(PartyCode::as_str).collect::<Vec<_>>(),
            "place": self.place, "video_link": self.video_link,
            "meets_at": Timestamp::from_nanos(self.meets_ns).to_stix_string(),
            "answer_by": Timestamp::from_nanos(self.answer_by_ns).to_stix_string(),
            "record": self.closed,
        })
    }
}

fn audience(states: &[&PartyCode]) -> Value {
    let mut v: Vec<&str> = Vec::new();
    for s in states {
        if !v.contains(&s.as_str()) {
            v.push(s.as_str());
        }
    }
    json!({ "states": v })
}

fn secretariat() -> Option<PartyCode> {
    PartyCode::parse(entente_core::party::SECRETARIAT).ok()
}

fn with_label(mut o: Value, ty: &str, marking: Tlp, states: &[&PartyCode]) -> Value {
    o["object_marking_refs"] = json!([marking.marking_ref()]);
    let mut ext = extensions(ty);
    if let Some(e) = ext
        .get_mut(entente_stix::extension::ENTENTE_EXTENSION)
        .and_then(Value::as_object_mut)
    {
        e.insert("audience".into(), audience(states));
    }
    o["extensions"] = ext;
    o
}

/// A version of the request: its content and the verdicts given so far, TLP:AMBER to the
/// requesting state, the secretariat and `also` (the states it chose to tell).
pub fn request_object(
    id: &str,
    input: &RequestInput,
    requester: &PartyCode,
    also: &[PartyCode],
    verdicts: &BTreeMap<(String, usize), Decided>,
    created: &str,
    now: &str,
) -> Value {
    let mut o = json!({
        "type": CONSULTATION_TYPE, "spec_version": "2.1", "id": id,
        "created": created, "modified": now,
        "created_by_ref": party_identity_id(requester),
        "stage": "request",
        "title": input.title, "situation": input.situation, "location": input.location,
        "help": input.help, "urgency": input.urgency,
    });
    // STIX allows no empty list: `told` and `verdicts` only when they hold something.
    if !also.is_empty() {
        o["told"] = json!(also.iter().map(PartyCode::as_str).collect::<Vec<_>>());
    }
    if !verdicts.is_empty() {
        o["verdicts"] = json!(verdicts.iter().map(|((r, l), d)| json!({
            "response_ref": r, "line": l, "state": d.state.as_str(), "offer": d.offer,
            "verdict": match d.verdict { Verdict::Accepted => "accepted", Verdict::Declined => "declined" },
        })).collect::<Vec<_>>());
    }
    let s = secretariat();
    let mut states: Vec<&PartyCode> = vec![requester];
    states.extend(s.iter());
    states.extend(also.iter());
    with_label(o, CONSULTATION_TYPE, Tlp::Amber, &states)
}

/// The conference object (or its closing version, with `record`), by the secretariat `by`. It
/// carries what was asked (`asked`), so every invited state sees it even when the request itself
/// is addressed more narrowly.
#[allow(clippy::too_many_arguments)]
pub fn conference_object(
    id: &str,
    by: &PartyCode,
    request: &str,
    asked: &RequestInput,
    requester: &PartyCode,
    invited: &[PartyCode],
    input: &ConveneInput,
    record: Option<&Record>,
    created: &str,
    now: &str,
) -> Value {
    let mut o = json!({
        "type": CONSULTATION_TYPE, "spec_version": "2.1", "id": id,
        "created": created, "modified": now,
        "created_by_ref": party_identity_id(by),
        "stage": "conference", "request_ref": request,
        "requester": requester.as_str(), "asked": asked,
        "invited": invited.iter().map(PartyCode::as_str).collect::<Vec<_>>(),
        "meets_at": input.meets_at, "answer_by": input.answer_by,
    });
    if let Some(p) = &input.place {
        o["place"] = json!(p);
    }
    if let Some(v) = &input.video_link {
        o["video_link"] = json!(v);
    }
    if let Some(r) = record {
        o["record"] = json!(r);
    }
    let mut states: Vec<&PartyCode> = vec![requester, by];
    states.extend(invited.iter());
    with_label(o, CONSULTATION_TYPE, Tlp::Amber, &states)
}

/// A response, addressed to the requesting state and the secretariat (and its own state).
pub fn response_object(
    id: &str,
    request: &str,
    by: &PartyCode,
    requester: &PartyCode,
    answer: &Answer,
    now: &str,
) -> Value {
    let mut o = json!({
        "type": RESPONSE_TYPE, "spec_version": "2.1", "id": id,
        "created": now, "modified": now,
        "created_by_ref": party_identity_id(by),
        "request_ref": request,
    });
    if let (Value::Object(m), Ok(Value::Object(a))) = (&mut o, serde_json::to_value(answer)) {
        m.extend(a);
    }
    let s = secretariat();
    let mut states: Vec<&PartyCode> = vec![requester, by];
    states.extend(s.iter());
    with_label(o, RESPONSE_TYPE, Tlp::Amber, &states)
}

/// The request a version carries.
pub fn request_of(o: &Map<String, Value>) -> Result<RequestInput, Invalid> {
    if o.get("stage").and_then(Value::as_str) != Some("request") {
        return Err(bad("not a request"));
    }
    let mut m = Map::new();
    for k in ["title", "situation", "location", "help", "urgency"] {
        if let Some(v) = o.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    let r: RequestInput =
        serde_json::from_value(Value::Object(m)).map_err(|e| bad(format!("a request: {e}")))?;
    r.check()?;
    Ok(r)
}

/// The states a version of the request was told to besides the secretariat.
pub fn told_of(o: &Map<String, Value>) -> Vec<PartyCode> {
    o.get("told")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().and_then(|s| PartyCode::parse(s).ok()))
                .collect()
        })
        .unwrap_or_default()
}

/// What a conference says was asked, and by whom.
pub fn asked_of(o: &Map<String, Value>) -> Option<(PartyCode, RequestInput)> {
    let requester = PartyCode::parse(o.get("requester")?.as_str()?).ok()?;
    let asked: RequestInput = serde_json::from_value(o.get("asked")?.clone()).ok()?;
    asked.check().ok()?;
    Some((requester, asked))
}

/// The verdicts a version of the request carries.
pub fn verdicts_of(o: &Map<String, Value>) -> BTreeMap<(String, usize), Decided> {
    o.get("verdicts")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| {
                    let r = v.get("response_ref")?.as_str()?.to_owned();
                    let l = usize::try_from(v.get("line")?.as_u64()?).ok()?;
                    let verdict = match v.get("verdict")?.as_str()? {
                        "accepted" => Verdict::Accepted,
                        "declined" => Verdict::Declined,
                        _ => return None,
                    };
                    let state = PartyCode::parse(v.get("state")?.as_str()?).ok()?;
                    let offer: OfferLine = serde_json::from_value(v.get("offer")?.clone()).ok()?;
                    Some((
                        (r, l),
                        Decided {
                            verdict,
                            state,
                            offer,
                        },
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The request an object names.
pub fn request_ref(o: &Map<String, Value>) -> Option<&str> {
    o.get("request_ref").and_then(Value::as_str)
}

/// The conference a version holds.
pub fn conference_of(id: &str, o: &Map<String, Value>) -> Result<Conference, Invalid> {
    let input = ConveneInput {
        also_invited: Vec::new(),
        place: o.get("place").and_then(Value::as_str).map(str::to_owned),
        video_link: o
            .get("video_link")
            .and_then(Value::as_str)
            .map(str::to_owned),
        meets_at: o
            .get("meets_at")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        answer_by: o
            .get("answer_by")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
    };
    let (meets_ns, answer_by_ns) = input.times()?;
    let invited = o
        .get("invited")
        .and_then(Value::as_array)
        .ok_or("a conference names the states `invited`")?
        .iter()
        .map(|s| s.as_str().and_then(|s| PartyCode::parse(s).ok()))
        .collect::<Option<Vec<_>>>()
        .ok_or("`invited` holds party codes")?;
    let closed = o
        .get("record")
        .map(|r| serde_json::from_value::<Record>(r.clone()))
        .transpose()
        .map_err(|e| bad(format!("`record`: {e}")))?;
    Ok(Conference {
        id: id.to_owned(),
        created: o
            .get("created")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        version_ns: o
            .get("modified")
            .and_then(Value::as_str)
            .and_then(|m| Timestamp::parse(m).ok())
            .map_or(0, Timestamp::nanos),
        invited,
        place: input.place,
        video_link: input.video_link,
        meets_ns,
        answer_by_ns,
        closed,
    })
}

/// The answer a response holds.
pub fn answer_of(o: &Map<String, Value>) -> Result<Answer, Invalid> {
    let mut m = Map::new();
    for k in ["answer", "delegates", "reason", "lines"] {
        if let Some(v) = o.get(k) {
            m.insert(k.into(), v.clone());
        }
    }
    let a: Answer =
        serde_json::from_value(Value::Object(m)).map_err(|e| bad(format!("a response: {e}")))?;
    a.check()?;
    Ok(a)
}

/// The Entente extension property a reminder carries (`{"role": "reminder", ...}`).
pub const REMINDER_PROPERTY: &str = "consultation";

/// A reminder as held: which threshold it was sent for, and to whom.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub id: String,
    pub at_ns: i64,
    /// Sent when this many hours or fewer remained before the deadline.
    pub hours: u32,
    /// The invited states that had not answered then, to whom it is addressed.
    pub to: Vec<PartyCode>,
}

/// Whether `o` is a reminder of a consultation (a STIX `note` with the property).
pub fn is_reminder(object_type: &str, o: &Map<String, Value>) -> bool {
    object_type == "note"
        && entente_stix::extension::entente_extension(o)
            .and_then(|e| e.get(REMINDER_PROPERTY))
            .and_then(|r| r.get("role"))
            .and_then(Value::as_str)
            == Some("reminder")
}

/// The request a reminder is of.
pub fn reminder_request(o: &Map<String, Value>) -> Option<&str> {
    entente_stix::extension::entente_extension(o)
        .and_then(|e| e.get(REMINDER_PROPERTY))
        .and_then(|r| r.get("request_ref"))
        .and_then(Value::as_str)
}

/// The reminder `o` holds.
pub fn reminder_of(id: &str, o: &Map<String, Value>) -> Result<Reminder, Invalid> {
    let r = entente_stix::extension::entente_extension(o)
        .and_then(|e| e.get(REMINDER_PROPERTY))
        .and_then(Value::as_object)
        .ok_or("a reminder carries the `consultation` property")?;
    if r.get("request_ref").and_then(Value::as_str).is_none() {
        return Err(bad("a reminder names its request: `request_ref`"));
    }
    let hours = r
        .get("hours")
        .and_then(Value::as_u64)
        .and_then(|h| u32::try_from(h).ok())
        .filter(|h| (1..=24 * 366).contains(h))
        .ok_or("a reminder says how many `hours` remained: 1 to 8,784")?;
    let to = r
        .get("to")
        .and_then(Value::as_array)
        .ok_or("a reminder names the states it is `to`")?
        .iter()
        .map(|s| s.as_str().and_then(|s| PartyCode::parse(s).ok()))
        .collect::<Option<Vec<_>>>()
        .ok_or("`to` holds party codes")?;
    let at_ns = o
        .get("modified")
        .and_then(Value::as_str)
        .and_then(|m| Timestamp::parse(m).ok())
        .map_or(0, Timestamp::nanos);
    Ok(Reminder {
        id: id.to_owned(),
        at_ns,
        hours,
        to,
    })
}

/// The secretariat node's reminder, `hours` or fewer before the deadline to answer, to the
/// invited states `to` that have not answered: a STIX `note` on the conference, TLP:AMBER to
/// those states (and the secretariat, which makes it).
pub fn reminder_object(
    id: &str,
    request: &str,
    conference: &Conference,
    hours: u32,
    to: &[&PartyCode],
    now: &str,
) -> Value {
    let answer_by = Timestamp::from_nanos(conference.answer_by_ns).to_stix_string();
    let names: Vec<&str> = to.iter().map(|s| s.as_str()).collect();
    let mut states: Vec<&PartyCode> = to.to_vec();
    let s = secretariat();
    states.extend(s.iter());
    json!({
        "type": "note", "spec_version": "2.1", "id": id,
        "created": now, "modified": now,
        "abstract": "Answer due",
        "content": format!(
            "The conference on this consultation asks for an answer by {answer_by} ({hours} hours or less from now): attend, decline or offer assistance. Not yet answered: {}.",
            names.join(", ")
        ),
        "object_refs": [conference.id],
        "object_marking_refs": [Tlp::Amber.marking_ref()],
        "extensions": {
            entente_stix::extension::ENTENTE_EXTENSION: {
                "extension_type": "property-extension",
                "audience": audience(&states),
                REMINDER_PROPERTY: {
                    "role": "reminder", "request_ref": request, "hours": hours,
                    "answer_by": answer_by, "to": names,
                },
            }
        },
    })
}
