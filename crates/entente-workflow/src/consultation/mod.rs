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
//! - a reminder (a STIX `note` on the conference with the Entente property `consultation`), by the
//!   secretariat's node on its own ([`Workflow::due`]): when the charter's
//!   `[consultations] remind_hours` before the deadline are reached, to the invited states that
//!   have not answered. A threshold already passed when the conference was convened is skipped
//!   (the invitation itself said when to answer), and each is sent once.
//!
//! [`Consultations`] is the workflow (`Life` + `Workflow`, in the registry); the write policy's
//! class is `Class::Consultation` with `ConsultationStep` (`entente_core::write::may_consult`).

pub mod objects;

#[cfg(test)]
mod tests;

pub use objects::{
    Answer, ConveneInput, Location, OfferLine, Reminder, RequestInput, CONSULTATION_TYPE,
    RESPONSE_TYPE,
};

use crate::{now_str, Basis, Context, Ids, Invalid, Life, Part, Plan, Refusal, Workflow, Write};
use entente_core::write::{may_consult, Class, ConsultationStep, WorkflowStep};
use entente_core::{AccessLabel, Charter, PartyCode, Role, Tier};
use serde_json::{json, Map, Value};
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

/// The requesting state's verdict on one offer line, with the line and the state that offered
/// it copied, so that every party the request is told to derives the same plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    pub verdict: Verdict,
    pub state: PartyCode,
    pub offer: OfferLine,
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
    /// The latest version of the request (or what the conference says was asked, for a state
    /// the request itself is not addressed to).
    pub request: RequestInput,
    /// The states the request was told to besides the secretariat.
    pub told: Vec<PartyCode>,
    /// The request's `created`, and its latest version (`None`: the request itself is not
    /// visible to this principal).
    pub created: String,
    pub latest_request_ns: Option<i64>,
    /// The verdicts the requesting state gave, by (response id, line).
    pub verdicts: BTreeMap<(String, usize), Decided>,
    pub conference: Option<objects::Conference>,
    /// Each state's latest response made before the deadline.
    pub responses: BTreeMap<PartyCode, Response>,
    /// The reminders sent before the deadline that this principal may see, oldest first.
    pub reminders: Vec<Reminder>,
}

impl Thread {
    /// The thread under `root` from the parts a principal may see; `None` without the request.
    pub fn of(root: &str, parts: Vec<Part>) -> Option<Thread> {
        let mut requests: Vec<&Part> = parts
            .iter()
            .filter(|p| p.object_type() == CONSULTATION_TYPE && p.id() == root)
            .collect();
        requests.sort_by_key(|p| p.version_ns);
        let conference_part = parts
            .iter()
            .filter(|p| {
                p.object_type() == CONSULTATION_TYPE
                    && p.originator.is_secretariat()
                    && objects::request_ref(&p.object) == Some(root)
            })
            .max_by_key(|p| p.version_ns);
        let (requester, request, told, created, latest_request_ns, verdicts) =
            match (requests.first(), requests.last()) {
                (Some(first), Some(latest)) => (
                    first.originator.clone(),
                    objects::request_of(&latest.object).ok()?,
                    objects::told_of(&latest.object),
                    first
                        .object
                        .get("created")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    Some(latest.version_ns),
                    objects::verdicts_of(&latest.object),
                ),
                _ => {
                    let (requester, asked) = objects::asked_of(&conference_part?.object)?;
                    (
                        requester,
                        asked,
                        Vec::new(),
                        String::new(),
                        None,
                        BTreeMap::new(),
                    )
                }
            };
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
        let mut reminders: Vec<Reminder> = parts
            .iter()
            .filter(|p| {
                p.originator.is_secretariat()
                    && objects::is_reminder(p.object_type(), &p.object)
                    && objects::reminder_request(&p.object) == Some(root)
            })
            .filter_map(|p| objects::reminder_of(p.id(), &p.object).ok())
            .collect();
        reminders.sort_by(|a, b| (a.at_ns, &a.id).cmp(&(b.at_ns, &b.id)));
        Some(Thread {
            id: root.to_owned(),
            requester,
            request,
            told,
            created,
            latest_request_ns,
            verdicts,
            conference,
            responses,
            reminders,
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
                    let v = self.verdicts.get(&(r.id.clone(), i)).map(|d| d.verdict);
                    out.push((r, i, l, v));
                }
            }
        }
        out
    }

    /// The assistance plan: the accepted lines, by state, as the request's verdicts record them
    /// (the same for every party the request is told to, whichever responses it may see).
    pub fn plan(&self) -> Vec<(&PartyCode, &OfferLine)> {
        self.verdicts
            .values()
            .filter(|d| d.verdict == Verdict::Accepted)
            .map(|d| (&d.state, &d.offer))
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

const HOUR_NS: i64 = 3_600_000_000_000;

/// The reminder due on `t` at `ctx.now_ns` on the secretariat's node, if any: the nearest of the
/// charter's `remind_hours` thresholds reached before the deadline, unless one at it or nearer
/// was sent, it was already reached when the conference was convened, or every invited state has
/// answered. Answers the threshold and the states that have not answered.
pub fn reminder_due<'t>(ctx: &Context, t: &'t Thread) -> Option<(u32, Vec<&'t PartyCode>)> {
    if !ctx.here.is_secretariat() {
        return None;
    }
    let c = t.conference.as_ref()?;
    if c.closed.is_some() || ctx.now_ns >= c.answer_by_ns {
        return None;
    }
    let left = c.answer_by_ns - ctx.now_ns;
    let convened_ns = entente_stix::Timestamp::parse(&c.created).map_or(0, |t| t.nanos());
    let before_at_convening = c.answer_by_ns.saturating_sub(convened_ns);
    let hours = ctx
        .charter
        .remind_hours
        .iter()
        .copied()
        .filter(|h| {
            let at = i64::from(*h).saturating_mul(HOUR_NS);
            left <= at && before_at_convening > at
        })
        .min()?;
    if t.reminders.iter().any(|r| r.hours <= hours) {
        return None;
    }
    let to = t.awaiting();
    (!to.is_empty()).then_some((hours, to))
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
        "reminders": t.reminders.iter().map(|r| json!({
            "id": r.id, "hours": r.hours,
            "sent": entente_stix::Timestamp::from_nanos(r.at_ns).to_stix_string(),
            "to": r.to.iter().map(PartyCode::as_str).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Consultations: the steps, over the rules above.
#[derive(Debug, Clone, Copy, Default)]
pub struct Consultations;

/// What a principal asks of a consultation.
#[derive(Debug, Clone)]
pub enum Action {
    /// Ask for assistance (or open a consultation), telling `told` besides the secretariat.
    Request {
        input: RequestInput,
        told: Vec<String>,
    },
    Convene(ConveneInput),
    Respond(Answer),
    Decide {
        response: String,
        line: usize,
        accept: bool,
    },
    Close(objects::Record),
}

impl Action {
    fn step(&self) -> ConsultationStep {
        match self {
            Action::Request { .. } => ConsultationStep::Request,
            Action::Convene(_) => ConsultationStep::Convene,
            Action::Respond(_) => ConsultationStep::Respond,
            Action::Decide { .. } => ConsultationStep::Decide,
            Action::Close(_) => ConsultationStep::Close,
        }
    }
}

impl From<Refused> for Refusal {
    fn from(r: Refused) -> Refusal {
        match r {
            Refused::Invalid(m) => Refusal::Invalid(Invalid(m)),
            Refused::Role(m) => Refusal::Role(entente_core::WriteRefusal::Forbidden(m.into())),
            Refused::State(m) => Refusal::NotNow(m.into()),
            Refused::DeadlinePassed => Refusal::DeadlinePassed,
            Refused::NotInvited => Refusal::NotFound,
        }
    }
}

impl Life for Consultations {
    fn name(&self) -> &'static str {
        "consultation"
    }

    fn root_type(&self) -> &'static str {
        CONSULTATION_TYPE
    }

    fn types(&self) -> &'static [&'static str] {
        &[CONSULTATION_TYPE, RESPONSE_TYPE, "note"]
    }

    fn claims(&self, object_type: &str, object: &Map<String, Value>) -> bool {
        matches!(object_type, CONSULTATION_TYPE | RESPONSE_TYPE)
            || objects::is_reminder(object_type, object)
    }

    fn root_of(&self, object_type: &str, object: &Map<String, Value>) -> Option<String> {
        match (object_type, object.get("stage").and_then(Value::as_str)) {
            (CONSULTATION_TYPE, Some("request")) => {
                object.get("id").and_then(Value::as_str).map(str::to_owned)
            }
            (CONSULTATION_TYPE | RESPONSE_TYPE, _) => {
                objects::request_ref(object).map(str::to_owned)
            }
            _ if objects::is_reminder(object_type, object) => {
                objects::reminder_request(object).map(str::to_owned)
            }
            _ => None,
        }
    }

    fn class(&self, step: Option<WorkflowStep>) -> Class {
        match step {
            Some(WorkflowStep::Consultation(s)) => Class::Consultation(Some(s)),
            _ => Class::Consultation(None),
        }
    }

    fn check_entry(
        &self,
        object_type: &str,
        object: &Map<String, Value>,
        label: &AccessLabel,
    ) -> Result<(), Invalid> {
        match (object_type, object.get("stage").and_then(Value::as_str)) {
            (CONSULTATION_TYPE, Some("request")) => {
                objects::request_of(object)?;
            }
            (CONSULTATION_TYPE, Some("conference")) => {
                if !label.originator.is_secretariat() {
                    return Err("a conference is convened by the secretariat".into());
                }
                let id = object.get("id").and_then(Value::as_str).unwrap_or("");
                objects::conference_of(id, object)?;
                if let Some(r) = object.get("record") {
                    serde_json::from_value::<objects::Record>(r.clone())
                        .map_err(|e| Invalid(format!("`record`: {e}")))?
                        .check()?;
                }
            }
            (CONSULTATION_TYPE, _) => {
                return Err("a consultation's `stage` is `request` or `conference`".into())
            }
            ("note", _) => {
                if !label.originator.is_secretariat() {
                    return Err("reminders of a consultation are the secretariat's".into());
                }
                let id = object.get("id").and_then(Value::as_str).unwrap_or("");
                objects::reminder_of(id, object)?;
            }
            _ => {
                objects::answer_of(object)?;
                if objects::request_ref(object).is_none() {
                    return Err("a response names its request: `request_ref`".into());
                }
            }
        }
        if label.marking == entente_core::Tlp::Red {
            return Err("a consultation is addressed to states: not TLP:RED".into());
        }
        Ok(())
    }
}

impl Workflow for Consultations {
    type Thread = Thread;
    type Action = Action;

    fn thread(&self, root: &str, parts: Vec<Part>) -> Option<Thread> {
        Thread::of(root, parts)
    }

    fn admit(&self, ctx: &Context, action: &Action) -> Result<(), Refusal> {
        match action {
            Action::Request { input, .. } => input.check()?,
            Action::Respond(a) => a.check()?,
            Action::Close(r) => r.check()?,
            _ => {}
        }
        let tier = ctx.charter.tier_of(&ctx.actor.party).ok_or_else(|| {
            Refusal::Role(entente_core::WriteRefusal::Forbidden(
                "a suspended state takes no part in consultations".into(),
            ))
        })?;
        may_consult(&ctx.actor.party, ctx.actor.role, tier, action.step()).map_err(Refusal::Role)
    }

    fn plan(
        &self,
        ctx: &Context,
        thread: Option<(&str, &Thread)>,
        action: Action,
        ids: &mut dyn Ids,
    ) -> Result<Plan, Refusal> {
        let now = now_str(ctx.now_ns);
        let here = ctx.here;
        let role = ctx.actor.role;
        let one = |root: &str, object: Value, step: ConsultationStep, audit, based_on| Plan {
            root: root.to_owned(),
            writes: vec![Write {
                object,
                step: step.into(),
                audit,
                based_on,
            }],
        };
        match (action, thread) {
            (Action::Request { input, told }, None) => {
                may_request(ctx.charter, here, role)?;
                let mut also = Vec::new();
                for s in told {
                    let c = PartyCode::parse(&s).map_err(|e| Invalid(format!("`told`: {e}")))?;
                    if ctx.charter.party(&c).is_none() {
                        return Err(Invalid(format!("`told`: {c} is not a party")).into());
                    }
                    also.push(c);
                }
                let id = ids.id(CONSULTATION_TYPE);
                let o =
                    objects::request_object(&id, &input, here, &also, &BTreeMap::new(), &now, &now);
                Ok(one(
                    &id,
                    o,
                    ConsultationStep::Request,
                    "consultation.request",
                    Basis::Nothing,
                ))
            }
            (Action::Request { .. }, Some(_)) | (_, None) => Err(Refusal::NotFound),
            (Action::Convene(input), Some((root, t))) => {
                let invited = may_convene(ctx.charter, t, here, role, &input, ctx.now_ns)?;
                let id = ids.id(CONSULTATION_TYPE);
                let o = objects::conference_object(
                    &id,
                    here,
                    root,
                    &t.request,
                    &t.requester,
                    &invited,
                    &input,
                    None,
                    &now,
                    &now,
                );
                Ok(one(
                    root,
                    o,
                    ConsultationStep::Convene,
                    "consultation.convene",
                    Basis::Nothing,
                ))
            }
            (Action::Respond(answer), Some((root, t))) => {
                may_respond(t, here, role, &answer, ctx.now_ns)?;
                // A state's later answer is a new version of its first.
                let (id, based_on) = match t.responses.get(here) {
                    Some(r) => (r.id.clone(), Basis::Latest(r.at_ns)),
                    None => (ids.id(RESPONSE_TYPE), Basis::Nothing),
                };
                let o = objects::response_object(&id, root, here, &t.requester, &answer, &now);
                Ok(one(
                    root,
                    o,
                    ConsultationStep::Respond,
                    "consultation.respond",
                    based_on,
                ))
            }
            (
                Action::Decide {
                    response,
                    line,
                    accept,
                },
                Some((root, t)),
            ) => {
                may_decide(t, here, role, &response, line)?;
                let Some(latest) = t.latest_request_ns else {
                    return Err(Refusal::NotFound);
                };
                let Some((r, _, offer, _)) = t
                    .offers()
                    .into_iter()
                    .find(|(r, i, _, _)| r.id == response && *i == line)
                else {
                    return Err(Refusal::NotFound);
                };
                let decided = Decided {
                    verdict: if accept {
                        Verdict::Accepted
                    } else {
                        Verdict::Declined
                    },
                    state: r.state.clone(),
                    offer: offer.clone(),
                };
                let mut verdicts = t.verdicts.clone();
                verdicts.insert((response, line), decided);
                // The verdicts are every invited state's to see: the request is told to them.
                let mut told = t.told.clone();
                for s in t.conference.iter().flat_map(|c| c.invited.iter()) {
                    if !told.contains(s) {
                        told.push(s.clone());
                    }
                }
                let o = objects::request_object(
                    root, &t.request, here, &told, &verdicts, &t.created, &now,
                );
                Ok(one(
                    root,
                    o,
                    ConsultationStep::Decide,
                    "consultation.decide",
                    Basis::Latest(latest),
                ))
            }
            (Action::Close(record), Some((root, t))) => {
                may_close(t, here, role)?;
                let Some(c) = &t.conference else {
                    return Err(Refusal::NotFound);
                };
                let input = ConveneInput {
                    also_invited: Vec::new(),
                    place: c.place.clone(),
                    video_link: c.video_link.clone(),
                    meets_at: entente_stix::Timestamp::from_nanos(c.meets_ns).to_stix_string(),
                    answer_by: entente_stix::Timestamp::from_nanos(c.answer_by_ns).to_stix_string(),
                };
                let o = objects::conference_object(
                    &c.id,
                    here,
                    root,
                    &t.request,
                    &t.requester,
                    &c.invited,
                    &input,
                    Some(&record),
                    &c.created,
                    &now,
                );
                Ok(one(
                    root,
                    o,
                    ConsultationStep::Close,
                    "consultation.close",
                    Basis::Latest(c.version_ns),
                ))
            }
        }
    }

    fn due(&self, ctx: &Context, root: &str, t: &Thread, ids: &mut dyn Ids) -> Vec<Write> {
        let Some((hours, to)) = reminder_due(ctx, t) else {
            return Vec::new();
        };
        let Some(c) = &t.conference else {
            return Vec::new();
        };
        let o =
            objects::reminder_object(&ids.id("note"), root, c, hours, &to, &now_str(ctx.now_ns));
        vec![Write {
            object: o,
            step: ConsultationStep::Remind.into(),
            audit: "consultation.remind",
            based_on: Basis::Nothing,
        }]
    }
}
