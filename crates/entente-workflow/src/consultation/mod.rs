//! Emergency consultations (issue 15, first part): a member state's request for assistance (or
//! the secretariat's own consultation), the conference the secretary-general convenes on it, the
//! states' responses — attend, decline, or offers of assistance line by line in the terms of OASIS
//! EDXL-RM — the requesting state's verdict on each offer, and the conference's record and outcome.
//! Pure: the thread, what is derived from it (who has answered, the offers against what was asked,
//! the accepted plan) and the rules of each step, with the ids and the clock as parameters.
//!
//! **Objects** (each signed by the node of the state that makes it; only that state versions it):
//! - the request (`x-entente-consultation`, `stage: "request"`), by the requesting state: what
//!   happened, where, the kinds of help asked for, the urgency, under the marking and audience the
//!   state chooses (it always reaches the secretariat). Its later versions carry the requesting
//!   state's verdicts on offers (`verdicts`), so they are its alone;
//! - the conference (`x-entente-consultation`, `stage: "conference"`, `request_ref`), by the
//!   secretariat: the states invited (the members, and observers or dialogue partners when chosen),
//!   a place or a video link, when it meets and by when to answer; addressed to the invited states,
//!   the requesting state and the secretariat. Its closing version adds the record (minutes, a
//!   statement) and the outcome (a statement, the assistance plan of the accepted offers, or a
//!   decision opened under the governance procedures);
//! - a response (`x-entente-response`, `request_ref`), by an invited state: `attend` (with whom),
//!   `decline`, or `offer` (lines: kind, what, quantity and unit, conditions, from when, for how
//!   many days); addressed to the requesting state and the secretariat. A state's later response
//!   replaces its earlier one until the deadline.
//!
//! Not yet here: the `Life`/`Workflow` registration (and the write policy's class), the node's
//! steps, REST API, pages and the demo — the rules below are what they will take.

pub mod objects;

#[cfg(test)]
mod tests;

pub use objects::{
    Answer, ConveneInput, Location, OfferLine, RequestInput, CONSULTATION_TYPE, RESPONSE_TYPE,
};

use crate::{Invalid, Part};
use entente_core::{Charter, PartyCode, Role, Tier};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Where a consultation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Asked, not yet convened.
    Requested,
    /// Convened: invitations out, answers due by the deadline.
    Convened,
    /// The conference met and recorded its outcome.
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Requested => "requested",
            Status::Convened => "convened",
            Status::Closed => "closed",
        }
    }
}

/// What the requesting state said of one offer line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    Declined,
}

/// One response as held: by which state, when, and what it answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub id: String,
    pub state: PartyCode,
    pub at_ns: i64,
    pub answer: Answer,
}

/// A consultation's thread, as a principal may see it.
#[derive(Debug, Clone)]
pub struct Thread {
    pub id: String,
    pub requester: PartyCode,
    /// The latest version of the request.
    pub request: RequestInput,
    pub requested_ns: i64,
    pub latest_request_ns: i64,
    /// The verdicts the requesting state gave, by (response id, line).
    pub verdicts: BTreeMap<(String, usize), Verdict>,
    pub conference: Option<objects::Conference>,
    /// Each state's latest response made before the deadline.
    pub responses: BTreeMap<PartyCode, Response>,
}

impl Thread {
    /// The thread under `root` from the parts a principal may see; `None` without the request.
    pub fn of(root: &str, parts: Vec<Part>) -> Option<Thread> {
        let mut requests: Vec<&Part> = parts
            .iter()
            .filter(|p| p.object_type() == CONSULTATION_TYPE && p.id() == root)
            .collect();
        requests.sort_by_key(|p| p.version_ns);
        let first = requests.first()?;
        let latest = requests.last()?;
        let request = objects::request_of(&latest.object).ok()?;
        let verdicts = objects::verdicts_of(&latest.object);
        let conference = parts
            .iter()
            .filter(|p| {
                p.object_type() == CONSULTATION_TYPE
                    && p.originator.is_secretariat()
                    && objects::request_ref(&p.object) == Some(root)
            })
            .max_by_key(|p| p.version_ns)
            .and_then(|p| objects::conference_of(p.id(), &p.object).ok());
        let deadline = conference.as_ref().map(|c| c.answer_by_ns);
        let mut responses: BTreeMap<PartyCode, Response> = BTreeMap::new();
        let mut held: Vec<&Part> = parts
            .iter()
            .filter(|p| {
                p.object_type() == RESPONSE_TYPE && objects::request_ref(&p.object) == Some(root)
            })
            .collect();
        held.sort_by(|a, b| (a.version_ns, a.id()).cmp(&(b.version_ns, b.id())));
        for p in held {
            let Ok(answer) = objects::answer_of(&p.object) else {
                continue;
            };
            // Only an invited state's answer, made before the deadline, counts.
            let invited = conference
                .as_ref()
                .is_some_and(|c| c.invited.contains(&p.originator));
            if !invited || deadline.is_some_and(|d| p.version_ns > d) {
                continue;
            }
            responses.insert(
                p.originator.clone(),
                Response {
                    id: p.id().to_owned(),
                    state: p.originator.clone(),
                    at_ns: p.version_ns,
                    answer,
                },
            );
        }
        Some(Thread {
            id: root.to_owned(),
            requester: first.originator.clone(),
            request,
            requested_ns: first.version_ns,
            latest_request_ns: latest.version_ns,
            verdicts,
            conference,
            responses,
        })
    }

    pub fn status(&self) -> Status {
        match &self.conference {
            None => Status::Requested,
            Some(c) if c.closed.is_some() => Status::Closed,
            Some(_) => Status::Convened,
        }
    }

    /// The invited states that have not answered.
    pub fn awaiting(&self) -> Vec<&PartyCode> {
        self.conference
            .as_ref()
            .map(|c| {
                c.invited
                    .iter()
                    .filter(|s| !self.responses.contains_key(*s))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every offer line, with its verdict (`None`: not yet decided).
    pub fn offers(&self) -> Vec<(&Response, usize, &OfferLine, Option<Verdict>)> {
        let mut out = Vec::new();
        for r in self.responses.values() {
            if let Answer::Offer { lines } = &r.answer {
                for (i, l) in lines.iter().enumerate() {
                    out.push((r, i, l, self.verdicts.get(&(r.id.clone(), i)).copied()));
                }
            }
        }
        out
    }

    /// The assistance plan: the accepted lines, by state.
    pub fn plan(&self) -> Vec<(&PartyCode, &OfferLine)> {
        self.offers()
            .into_iter()
            .filter(|(_, _, _, v)| *v == Some(Verdict::Accepted))
            .map(|(r, _, l, _)| (&r.state, l))
            .collect()
    }
}

/// Why a consultation step is refused (each a stable code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Invalid(String),
    /// The role or tier may not take the step (403).
    Role(&'static str),
    /// The consultation's state does not allow the step now (409).
    State(&'static str),
    /// After the deadline to answer (409).
    DeadlinePassed,
    /// Not invited: the conference is not for this state (404, as if absent).
    NotInvited,
}

impl Refused {
    pub fn code(&self) -> &'static str {
        match self {
            Refused::Invalid(_) => "invalid_input",
            Refused::Role(_) => "role_may_not",
            Refused::State(_) => "step_not_allowed",
            Refused::DeadlinePassed => "deadline_passed",
            Refused::NotInvited => "not_found",
        }
    }
}

impl From<Invalid> for Refused {
    fn from(e: Invalid) -> Self {
        Refused::Invalid(e.0)
    }
}

fn commits(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Admin)
}

/// Who may ask: a member state's supervisor, or the secretariat's supervisors on their own.
pub fn may_request(charter: &Charter, party: &PartyCode, role: Role) -> Result<(), Refused> {
    let member = charter.tier_of(party) == Some(Tier::Member);
    if !(member || party.is_secretariat()) {
        return Err(Refused::Role(
            "member states ask for assistance; the secretariat convenes on its own",
        ));
    }
    if !commits(role) {
        return Err(Refused::Role(
            "a request for assistance commits the state: a supervisor makes it",
        ));
    }
    Ok(())
}

/// Checks a convening on the thread at `now_ns` by the secretariat's `role`: the secretary-general
/// (the secretariat's supervisors) convenes once, inviting every member state (and observers or
/// dialogue partners when chosen), meeting after the answers are due, both in the future.
pub fn may_convene(
    charter: &Charter,
    t: &Thread,
    party: &PartyCode,
    role: Role,
    input: &ConveneInput,
    now_ns: i64,
) -> Result<Vec<PartyCode>, Refused> {
    if !party.is_secretariat() || !commits(role) {
        return Err(Refused::Role(
            "the secretary-general convenes: a supervisor of the secretariat",
        ));
    }
    if t.conference.is_some() {
        return Err(Refused::State("this consultation is convened already"));
    }
    let (meets, answer_by) = input.times()?;
    if answer_by <= now_ns || meets < answer_by {
        return Err(Refused::Invalid(
            "`answer_by` is in the future, and the conference meets at or after it".into(),
        ));
    }
    let mut invited: Vec<PartyCode> = charter.members();
    for s in &input.also_invited {
        let code =
            PartyCode::parse(s).map_err(|e| Refused::Invalid(format!("`also_invited`: {e}")))?;
        if charter.tier_of(&code).is_none() || code.is_secretariat() {
            return Err(Refused::Invalid(format!(
                "`also_invited`: {code} is not a party that may be invited"
            )));
        }
        if !invited.contains(&code) {
            invited.push(code);
        }
    }
    Ok(invited)
}

/// Checks a response by `party`'s `role` at `now_ns`.
pub fn may_respond(
    t: &Thread,
    party: &PartyCode,
    role: Role,
    answer: &Answer,
    now_ns: i64,
) -> Result<(), Refused> {
    let Some(c) = &t.conference else {
        return Err(Refused::State("the consultation is not convened yet"));
    };
    if !c.invited.contains(party) {
        return Err(Refused::NotInvited);
    }
    if c.closed.is_some() {
        return Err(Refused::State("the conference is closed"));
    }
    if now_ns > c.answer_by_ns {
        return Err(Refused::DeadlinePassed);
    }
    if !commits(role) {
        return Err(Refused::Role(
            "a state's answer commits it: a supervisor gives it",
        ));
    }
    answer.check()?;
    Ok(())
}

/// Checks the requesting state's verdict on line `line` of `response`.
pub fn may_decide(
    t: &Thread,
    party: &PartyCode,
    role: Role,
    response: &str,
    line: usize,
) -> Result<(), Refused> {
    if *party != t.requester || !commits(role) {
        return Err(Refused::Role(
            "the requesting state's supervisor accepts or declines its offers",
        ));
    }
    if t.status() == Status::Closed {
        return Err(Refused::State("the conference is closed"));
    }
    let exists = t
        .offers()
        .iter()
        .any(|(r, i, _, _)| r.id == response && *i == line);
    if !exists {
        return Err(Refused::Invalid(format!(
            "no offer line {line} in response `{response}`"
        )));
    }
    if t.verdicts.contains_key(&(response.to_owned(), line)) {
        return Err(Refused::State("this offer line is decided already"));
    }
    Ok(())
}

/// Checks the closing of the conference by the secretariat.
pub fn may_close(t: &Thread, party: &PartyCode, role: Role) -> Result<(), Refused> {
    if !party.is_secretariat() || !commits(role) {
        return Err(Refused::Role(
            "the secretary-general records the outcome and closes the conference",
        ));
    }
    match t.status() {
        Status::Requested => Err(Refused::State("the consultation is not convened yet")),
        Status::Closed => Err(Refused::State("the conference is closed already")),
        Status::Convened => Ok(()),
    }
}

/// The view of a consultation: the request, who was invited and who answered, each offer line
/// with its verdict, the accepted plan, and the record.
pub fn view(t: &Thread) -> Value {
    let offers: Vec<Value> = t
        .offers()
        .iter()
        .map(|(r, i, l, v)| {
            json!({
                "response": r.id, "state": r.state.as_str(), "line": i, "offer": l,
                "verdict": v.map(|v| match v { Verdict::Accepted => "accepted", Verdict::Declined => "declined" }),
            })
        })
        .collect();
    let answers: Vec<Value> = t
        .responses
        .values()
        .map(|r| json!({"state": r.state.as_str(), "response": r.id, "answer": r.answer.kind()}))
        .collect();
    json!({
        "id": t.id,
        "requester": t.requester.as_str(),
        "request": t.request,
        "status": t.status().as_str(),
        "conference": t.conference.as_ref().map(|c| c.to_json()),
        "answers": answers,
        "awaiting": t.awaiting().iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "offers": offers,
        "plan": t.plan().iter().map(|(s, l)| json!({"state": s.as_str(), "offer": l})).collect::<Vec<_>>(),
    })
}
