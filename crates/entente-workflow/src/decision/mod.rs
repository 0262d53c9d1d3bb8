//! Decisions by consensus with signed ballots, and applications for admission or another tier.
//!
//! - [`outcome`]: a decision's outcome from its terms, its ballots and the clock alone
//!   (property-tested for arrival order);
//! - [`objects`]: the decision, ballot and application objects, and their checks on entry;
//! - [`thread`]: a decision's thread and its view;
//! - [`effects`]: what adopted decisions make of the charter and the unified list, applied by
//!   every node from the derived outcomes (the effective charter);
//! - here, the steps: [`Decisions`] (propose, ballot, withdraw) and [`Applications`] (apply), each
//!   with the roles asked of the write policy (`entente_core::write::may_decide`).
//!
//! Who votes is fixed when a decision opens: the member states of the effective charter then,
//! written into the decision, so every node counts the same ballots.

pub mod effects;
pub mod objects;
pub mod outcome;
pub mod thread;

#[cfg(test)]
mod tests;

pub use objects::{
    ApplicationInput, Effect, ProposalInput, APPLICATION_TYPE, BALLOT_TYPE, DECISION_TYPE,
};
pub use outcome::{Procedure, Status, Vote};
pub use thread::{summary, view, Thread};

use crate::{
    now_str, role_may, Basis, Context, Ids, Invalid, Life, Part, Plan, Refusal, Workflow, Write,
};
use entente_core::text::is_blank;
use entente_core::write::{Class, DecisionStep, WorkflowStep};
use entente_core::{AccessLabel, PartyCode, Tier};
use serde_json::{Map, Value};

const HOUR_NS: i64 = 3_600_000_000_000;

/// Decisions: proposing, voting, withdrawing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decisions;

/// What a principal asks of a decision.
#[derive(Debug, Clone)]
pub enum Action {
    Propose(ProposalInput),
    Ballot {
        vote: Vote,
        statement: Option<String>,
    },
    Withdraw {
        reason: String,
    },
}

impl Action {
    fn step(&self) -> DecisionStep {
        match self {
            Action::Propose(_) => DecisionStep::Propose,
            Action::Ballot { .. } => DecisionStep::Ballot,
            Action::Withdraw { .. } => DecisionStep::Withdraw,
        }
    }
}

fn min_silence_ns(ctx: &Context) -> i64 {
    i64::from(ctx.charter.min_silence_hours) * HOUR_NS
}

/// What the effect asks of the charter as it stands: a change it can make.
fn check_effect(ctx: &Context, effect: &Effect) -> Result<(), Invalid> {
    let charter = ctx.charter;
    match effect {
        Effect::Admit {
            state, tier, key, ..
        } => {
            if charter.tier_of(state) == Some(*tier) {
                return Err(Invalid(format!("{state} already holds the tier {tier}")));
            }
            if key.is_none() && charter.party(state).and_then(|p| p.key.as_ref()).is_none() {
                return Err(Invalid(format!(
                    "the charter has no node key for {state}: its application must give one"
                )));
            }
        }
        Effect::Suspend { state } if !charter.members().contains(state) => {
            return Err(Invalid(format!(
                "{state} is not a member state in the effective charter: only a member is suspended"
            )));
        }
        Effect::Reinstate { state } if !charter.party(state).is_some_and(|p| p.suspended) => {
            return Err(Invalid(format!("{state} is not suspended")));
        }
        Effect::Presidency { order, .. } => {
            let members = charter.members();
            if let Some(s) = order.iter().find(|s| !members.contains(s)) {
                return Err(Invalid(format!(
                    "{s} is not a member state: the presidency rotates among members"
                )));
            }
        }
        _ => {}
    }
    Ok(())
}

impl Life for Decisions {
    fn name(&self) -> &'static str {
        "decision"
    }

    fn root_type(&self) -> &'static str {
        DECISION_TYPE
    }

    fn types(&self) -> &'static [&'static str] {
        &[DECISION_TYPE, BALLOT_TYPE]
    }

    fn claims(&self, object_type: &str, _object: &Map<String, Value>) -> bool {
        matches!(object_type, DECISION_TYPE | BALLOT_TYPE)
    }

    fn root_of(&self, object_type: &str, object: &Map<String, Value>) -> Option<String> {
        let key = match object_type {
            DECISION_TYPE => "id",
            BALLOT_TYPE => "decision_ref",
            _ => return None,
        };
        object.get(key).and_then(Value::as_str).map(str::to_owned)
    }

    fn class(&self, step: Option<WorkflowStep>) -> Class {
        match step {
            Some(WorkflowStep::Decision(
                s @ (DecisionStep::Propose | DecisionStep::Ballot | DecisionStep::Withdraw),
            )) => Class::Decision(Some(s)),
            _ => Class::Decision(None),
        }
    }

    fn check_entry(
        &self,
        object_type: &str,
        object: &Map<String, Value>,
        label: &AccessLabel,
    ) -> Result<(), Invalid> {
        objects::check_entry(object_type, object, label)
    }
}

impl Workflow for Decisions {
    type Thread = Thread;
    type Action = Action;

    fn thread(&self, root: &str, parts: Vec<Part>) -> Option<Thread> {
        Thread::of(root, parts)
    }

    fn admit(&self, ctx: &Context, action: &Action) -> Result<(), Refusal> {
        match action {
            Action::Propose(input) => {
                input.check(ctx.now_ns, min_silence_ns(ctx))?;
            }
            Action::Withdraw { reason } if is_blank(reason) => {
                return Err(Refusal::Missing {
                    field: "reason",
                    why: "say why the decision is withdrawn: `reason`",
                })
            }
            Action::Ballot {
                statement: Some(s), ..
            } if s.chars().count() > 20_000 => {
                return Err(Invalid::from("`statement` is longer than 20000 characters").into())
            }
            _ => {}
        }
        role_may(ctx, action.step())
    }

    fn plan(
        &self,
        ctx: &Context,
        thread: Option<(&str, &Thread)>,
        action: Action,
        ids: &mut dyn Ids,
    ) -> Result<Plan, Refusal> {
        let now = now_str(ctx.now_ns);
        match (action, thread) {
            (Action::Propose(input), None) => {
                let proposal = input.check(ctx.now_ns, min_silence_ns(ctx))?;
                check_effect(ctx, &proposal.effect)?;
                let members = ctx.charter.members();
                outcome::Terms {
                    procedure: proposal.procedure.clone(),
                    opened_ns: ctx.now_ns,
                    deadline_ns: proposal.deadline.nanos(),
                    members: members.clone(),
                    withdrawn_ns: None,
                }
                .check(min_silence_ns(ctx))?;
                let id = ids.id(DECISION_TYPE);
                let object = objects::decision_object(&id, &proposal, ctx.here, &members, &now);
                Ok(Plan {
                    root: id,
                    writes: vec![Write {
                        object,
                        step: DecisionStep::Propose.into(),
                        audit: "decision.propose",
                        based_on: Basis::Nothing,
                    }],
                })
            }
            (Action::Propose(_), Some(_)) | (_, None) => Err(Refusal::NotFound),
            (Action::Ballot { vote, statement }, Some((root, t))) => {
                let o = t.outcome(ctx.now_ns);
                if o.status != Status::Open {
                    return Err(Refusal::DecisionClosed(o.status.as_str()));
                }
                if !t.terms.members.contains(ctx.here) {
                    return Err(Refusal::NotAVoter(ctx.here.clone()));
                }
                let (id, created, based_on) = match t.ballot_of(ctx.here) {
                    Some(b) => {
                        let first = t
                            .ballots
                            .iter()
                            .filter(|x| x.id == b.id)
                            .min_by_key(|x| x.version_ns)
                            .map_or(b.fields.cast, |x| x.fields.cast);
                        let latest = t
                            .ballots
                            .iter()
                            .filter(|x| x.id == b.id)
                            .map(|x| x.version_ns)
                            .max()
                            .unwrap_or(b.version_ns);
                        (b.id.clone(), first.to_stix_string(), Basis::Latest(latest))
                    }
                    None => (ids.id(BALLOT_TYPE), now.clone(), Basis::Nothing),
                };
                let object = objects::ballot_object(
                    &id,
                    root,
                    ctx.here,
                    vote,
                    statement.as_deref(),
                    &created,
                    &now,
                );
                Ok(Plan {
                    root: root.to_owned(),
                    writes: vec![Write {
                        object,
                        step: DecisionStep::Ballot.into(),
                        audit: "decision.ballot",
                        based_on,
                    }],
                })
            }
            (Action::Withdraw { reason }, Some((root, t))) => {
                if t.proposer != *ctx.here {
                    return Err(Refusal::NotTheProposer(t.proposer.clone()));
                }
                let o = t.outcome(ctx.now_ns);
                if o.status != Status::Open {
                    return Err(Refusal::DecisionClosed(o.status.as_str()));
                }
                Ok(Plan {
                    root: root.to_owned(),
                    writes: vec![Write {
                        object: objects::withdrawal_object(&t.first, reason.trim(), &now),
                        step: DecisionStep::Withdraw.into(),
                        audit: "decision.withdraw",
                        based_on: Basis::Latest(t.latest_ns),
                    }],
                })
            }
        }
    }

    fn due(&self, _: &Context, _: &str, _: &Thread, _: &mut dyn Ids) -> Vec<Write> {
        // An outcome follows from the clock: nothing to write when a deadline passes.
        Vec::new()
    }
}

/// Applications for admission or another tier.
#[derive(Debug, Clone, Copy, Default)]
pub struct Applications;

/// An application as held: by whom, and what it asks.
#[derive(Debug, Clone)]
pub struct Application {
    pub id: String,
    pub by: PartyCode,
    pub created: String,
    pub fields: objects::ApplicationFields,
}

impl Application {
    pub fn to_json(&self) -> Value {
        let f = &self.fields;
        let mut v = serde_json::json!({
            "id": self.id, "by": self.by.as_str(), "created": self.created,
            "state": f.state.as_str(), "name": f.name, "tier": f.tier.as_str(),
            "statement": f.statement,
        });
        if let Some(k) = &f.key {
            v["key"] = serde_json::json!(k);
        }
        v
    }

    /// The effect of admitting it.
    pub fn effect(&self) -> Effect {
        Effect::Admit {
            application: self.id.clone(),
            state: self.fields.state.clone(),
            name: self.fields.name.clone(),
            tier: self.fields.tier,
            key: self.fields.key.clone(),
        }
    }
}

impl Life for Applications {
    fn name(&self) -> &'static str {
        "application"
    }

    fn root_type(&self) -> &'static str {
        APPLICATION_TYPE
    }

    fn types(&self) -> &'static [&'static str] {
        &[APPLICATION_TYPE]
    }

    fn claims(&self, object_type: &str, _object: &Map<String, Value>) -> bool {
        object_type == APPLICATION_TYPE
    }

    fn root_of(&self, object_type: &str, object: &Map<String, Value>) -> Option<String> {
        (object_type == APPLICATION_TYPE)
            .then(|| object.get("id").and_then(Value::as_str).map(str::to_owned))
            .flatten()
    }

    fn class(&self, step: Option<WorkflowStep>) -> Class {
        match step {
            Some(WorkflowStep::Decision(DecisionStep::Apply)) => {
                Class::Decision(Some(DecisionStep::Apply))
            }
            _ => Class::Decision(None),
        }
    }

    fn check_entry(
        &self,
        object_type: &str,
        object: &Map<String, Value>,
        label: &AccessLabel,
    ) -> Result<(), Invalid> {
        objects::check_entry(object_type, object, label)
    }
}

impl Workflow for Applications {
    type Thread = Application;
    type Action = ApplicationInput;

    fn thread(&self, root: &str, parts: Vec<Part>) -> Option<Application> {
        let p = parts
            .into_iter()
            .filter(|p| p.object_type() == APPLICATION_TYPE && p.id() == root)
            .min_by_key(|p| p.version_ns)?;
        Some(Application {
            id: root.to_owned(),
            by: p.originator.clone(),
            created: p
                .object
                .get("created")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            fields: objects::application_of(&p.object).ok()?,
        })
    }

    fn admit(&self, ctx: &Context, input: &ApplicationInput) -> Result<(), Refusal> {
        let state = PartyCode::parse(&input.state).map_err(|e| Invalid(format!("`state`: {e}")))?;
        let tier = Tier::parse(&input.tier).map_err(|e| Invalid(format!("`tier`: {e}")))?;
        if tier == Tier::Secretariat || state.is_secretariat() {
            return Err(Invalid::from("the secretariat does not apply for a tier").into());
        }
        let here = &ctx.actor.party;
        if here.is_secretariat() {
            if ctx.charter.party(&state).is_some() {
                return Err(Invalid(format!(
                    "{state} is a party: it applies for itself, from its own node"
                ))
                .into());
            }
        } else if state != *here {
            return Err(Invalid(format!(
                "a state applies for itself: {here} cannot apply for {state}"
            ))
            .into());
        }
        if ctx.charter.tier_of(&state) == Some(tier) {
            return Err(Invalid(format!("{state} already holds the tier {tier}")).into());
        }
        let known_key = ctx
            .charter
            .party(&state)
            .and_then(|p| p.key.as_ref())
            .is_some();
        match &input.key {
            Some(k) => {
                entente_core::charter::NodeKey::parse(k)
                    .map_err(|e| Invalid(format!("`key`: {e}")))?;
            }
            None if !known_key => {
                return Err(Invalid(format!(
                    "the charter has no node key for {state}: give its node's public key, `key` (ed25519:<base64>)"
                ))
                .into())
            }
            None => {}
        }
        if ctx.charter.party(&state).is_none() && is_blank(&input.name) {
            return Err(Refusal::Missing {
                field: "name",
                why: "a state not yet a party is named: `name`",
            });
        }
        if input.statement.chars().count() > 20_000 || input.name.chars().count() > 500 {
            return Err(Invalid::from("`name` or `statement` is too long").into());
        }
        role_may(ctx, DecisionStep::Apply)
    }

    fn plan(
        &self,
        ctx: &Context,
        thread: Option<(&str, &Application)>,
        input: ApplicationInput,
        ids: &mut dyn Ids,
    ) -> Result<Plan, Refusal> {
        if thread.is_some() {
            return Err(Refusal::NotFound);
        }
        self.admit(ctx, &input)?;
        let state = PartyCode::parse(&input.state).map_err(|e| Invalid(e.to_string()))?;
        let tier = Tier::parse(&input.tier).map_err(|e| Invalid(e.to_string()))?;
        let name = if is_blank(&input.name) {
            ctx.charter
                .party(&state)
                .map(|p| p.name.clone())
                .unwrap_or_default()
        } else {
            input.name.trim().to_owned()
        };
        let id = ids.id(APPLICATION_TYPE);
        let object = objects::application_object(
            &id,
            ctx.here,
            &state,
            &name,
            tier,
            input.key.as_deref(),
            &input.statement,
            &now_str(ctx.now_ns),
        );
        Ok(Plan {
            root: id,
            writes: vec![Write {
                object,
                step: DecisionStep::Apply.into(),
                audit: "application.submit",
                based_on: Basis::Nothing,
            }],
        })
    }

    fn due(&self, _: &Context, _: &str, _: &Application, _: &mut dyn Ids) -> Vec<Write> {
        Vec::new()
    }
}
