//! The write policy: the one pure function, [`may_write`], that decides whether a principal may
//! store a version of an object, or delete versions of one. It is the counterpart of
//! [`crate::may_see`]; every write path of the node (TAXII POST, each REST route, DELETE, the
//! objects pulled from peers) calls it, and the store calls it again under its writer lock with
//! what it holds, so that two writes racing on one object cannot both pass.
//!
//! The rules are those of `DESIGN.md` ("Write policy"):
//! - **only the originating state issues versions of an object**: a version whose originator is
//!   not the originator of the versions already held is refused, whoever sends it, and only that
//!   state deletes it;
//! - **the parties' identities come from the charter**: the identity object of a party is that
//!   party's alone, published by its node; no user writes one, no one else originates one;
//! - **within a state, roles decide**: analysts draft and share; supervisors take the steps that
//!   commit the state (designate, amend or delist a register entry; submit, publish, update,
//!   extend or cancel a warning; propose, vote on or withdraw a decision); the secretariat's staff
//!   review warnings and propose decisions but do not vote, and only member states vote; admins
//!   may do what supervisors do. A warning and the objects of its life, and decisions and their
//!   ballots, are made only through their workflow (and never deleted),
//!   which names the step it takes: a path that cannot (a TAXII POST) may not make them;
//! - **a peer's node brings only what its state signed** (or, for the hub, what it relays), and only
//!   what the read policy would have let it send to this node.
//!
//! A user who posts an object another state signed is a courier: the object is that state's, and
//! only the rules that protect it (the first two) apply.
//!
//! A refusal never names the originator of versions held: the writer may not be allowed to see
//! them, and "invisible is absent" holds for writes too.

use crate::party::PartyCode;
use crate::policy::{may_see, AccessLabel, Role, Viewer};
use crate::register::{entry_step, EntryStatus};
use crate::tier::Tier;
use crate::warning::{Action, Step};
use std::fmt;

/// Who writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Writer {
    /// A user of this node, acting for its state.
    User { party: PartyCode, role: Role },
    /// The node itself: its identity, and what it does on its own (reminders).
    Node { party: PartyCode },
    /// The node of another party, whose objects this node pulled.
    Peer { party: PartyCode },
}

/// Storing a version, or deleting versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Store,
    Delete,
}

/// What kind of object is written, with the transition it makes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Class {
    /// The identity object of a party of the charter (its id derived from the party's code).
    PartyIdentity(PartyCode),
    /// A register entry: from the status of the latest version held (`None`: none held) to the
    /// status of the version written (`None` for a deletion).
    RegisterEntry {
        from: Option<EntryStatus>,
        to: Option<EntryStatus>,
    },
    /// A warning or an object of its life, with the step its workflow established (`None` when
    /// the path that brought it cannot say).
    Warning(Option<Step>),
    /// A decision or a ballot on it, with the step its workflow established (`None` when the path
    /// that brought it cannot say).
    Decision(Option<DecisionStep>),
    /// A consultation (request, conference) or a response to it, with its step.
    Consultation(Option<ConsultationStep>),
    /// A joint exercise or operation (plan, contribution, after-action section), with its step.
    Exercise(Option<ExerciseStep>),
    /// Anything else: intelligence shared as it is.
    Plain,
}

/// The steps of a decision's life that write an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionStep {
    /// Open a decision (a member state's supervisor, or the secretariat's staff).
    Propose,
    /// Cast or replace a member state's ballot (a supervisor of that state's node).
    Ballot,
    /// Withdraw an open decision (whoever proposed it, with the same rights).
    Withdraw,
    /// Apply for admission or another tier (any state's supervisor, for itself; the secretariat's
    /// staff, for a state not yet a party).
    Apply,
    /// Draft a document or a programme for the members to adopt (as proposing a decision).
    Draft,
    /// Sign or ratify an adopted document (a member state's supervisor).
    Sign,
    /// Record what a state reports of a programme: an indicator's yearly actual, a commitment, a
    /// disbursement, a beneficiary's confirmation (any state's supervisor; the secretariat's staff).
    Report,
}

/// The steps of an emergency consultation that write an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsultationStep {
    /// Ask for assistance (a member state's supervisor), or open a consultation (the
    /// secretariat's supervisors).
    Request,
    /// Convene the conference (the secretary-general: the secretariat's supervisors).
    Convene,
    /// Answer an invitation (a supervisor of an invited state).
    Respond,
    /// Accept or decline an offer (the requesting state's supervisor).
    Decide,
    /// Record the outcome and close (the secretariat's supervisors).
    Close,
    /// Remind the invited states that have not answered, before the deadline (the secretariat's
    /// node on its own, never a user).
    Remind,
}

impl ConsultationStep {
    pub const ALL: [ConsultationStep; 6] = [
        ConsultationStep::Request,
        ConsultationStep::Convene,
        ConsultationStep::Respond,
        ConsultationStep::Decide,
        ConsultationStep::Close,
        ConsultationStep::Remind,
    ];
}

/// The steps of a joint exercise or operation that write an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExerciseStep {
    /// Plan it (a member state's supervisor, or the secretariat's).
    Plan,
    /// Say what a participating state brings (that state's supervisor).
    Join,
    /// Write or amend the state's own after-action section, with its improvement items, or close
    /// one of them (that state's supervisor).
    Report,
}

impl ExerciseStep {
    pub const ALL: [ExerciseStep; 3] =
        [ExerciseStep::Plan, ExerciseStep::Join, ExerciseStep::Report];
}

/// The step a workflow established for an object it writes, for the workflow's [`Class`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkflowStep {
    Warning(Step),
    Decision(DecisionStep),
    Consultation(ConsultationStep),
    Exercise(ExerciseStep),
}

impl From<ExerciseStep> for WorkflowStep {
    fn from(s: ExerciseStep) -> Self {
        WorkflowStep::Exercise(s)
    }
}

impl From<ConsultationStep> for WorkflowStep {
    fn from(s: ConsultationStep) -> Self {
        WorkflowStep::Consultation(s)
    }
}

impl From<Step> for WorkflowStep {
    fn from(s: Step) -> Self {
        WorkflowStep::Warning(s)
    }
}

impl From<DecisionStep> for WorkflowStep {
    fn from(s: DecisionStep) -> Self {
        WorkflowStep::Decision(s)
    }
}

impl DecisionStep {
    pub const ALL: [DecisionStep; 7] = [
        DecisionStep::Propose,
        DecisionStep::Ballot,
        DecisionStep::Withdraw,
        DecisionStep::Apply,
        DecisionStep::Draft,
        DecisionStep::Sign,
        DecisionStep::Report,
    ];
}

/// One write, as the policy sees it.
#[derive(Debug, Clone, Copy)]
pub struct Write<'a> {
    pub operation: Operation,
    pub class: &'a Class,
    /// The label of the version written (its originator: the state whose node signed it); for a
    /// deletion, of the versions deleted.
    pub label: &'a AccessLabel,
    /// The originators of the versions of this id already held, whoever may see them.
    pub held: &'a [PartyCode],
    /// The node written to, and its tier.
    pub here: &'a PartyCode,
    pub here_tier: Tier,
}

/// Why a write is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteRefusal {
    /// The writer may not make this write (403).
    Forbidden(String),
    /// The object's life does not allow it now, or another write got there first (409).
    Conflict(String),
}

impl WriteRefusal {
    pub fn message(&self) -> &str {
        match self {
            WriteRefusal::Forbidden(m) | WriteRefusal::Conflict(m) => m,
        }
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self, WriteRefusal::Conflict(_))
    }
}

impl fmt::Display for WriteRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for WriteRefusal {}

fn forbidden(m: impl Into<String>) -> Result<(), WriteRefusal> {
    Err(WriteRefusal::Forbidden(m.into()))
}

/// The message of a version refused because another state originated the versions held. The same
/// whether or not the writer may see them, and naming no one.
pub const NOT_THE_ORIGINATOR: &str = "an object with this id was issued by another state, and only the state that issued an object issues its versions: give a new object a new id";

fn commits(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Admin)
}

/// Whether `writer` may make `write`. Pure and total.
pub fn may_write(writer: &Writer, write: &Write) -> Result<(), WriteRefusal> {
    let originator = &write.label.originator;
    match write.operation {
        Operation::Delete => may_delete(writer, write),
        Operation::Store => {
            if write.held.iter().any(|h| h != originator) {
                return forbidden(NOT_THE_ORIGINATOR);
            }
            if let Class::PartyIdentity(party) = write.class {
                if party != originator {
                    return forbidden(format!(
                        "the identity of {party} comes from the charter: only {party}'s node publishes it"
                    ));
                }
            }
            match writer {
                Writer::Peer { party } => peer_may_bring(party, write),
                Writer::Node { party } => node_may_store(party, write),
                Writer::User { party, role } if party == originator => {
                    user_may_store(party, *role, write.here_tier, write.class)
                }
                // A courier: the object is its originator's, protected by the rules above.
                Writer::User { .. } => Ok(()),
            }
        }
    }
}

fn may_delete(writer: &Writer, write: &Write) -> Result<(), WriteRefusal> {
    let Writer::User { party, role } = writer else {
        return forbidden(
            "objects are deleted by a supervisor of the node of the state that issued them",
        );
    };
    if write.label.originator != *party {
        return forbidden(format!(
            "{} issued this object; only the state that issued an object can delete it",
            write.label.originator
        ));
    }
    if write.held.iter().any(|h| h != party) {
        return forbidden(NOT_THE_ORIGINATOR);
    }
    if !commits(*role) {
        return forbidden("deleting an object needs a supervisor or admin of this node");
    }
    match write.class {
        Class::PartyIdentity(_) => {
            forbidden("a party's identity comes from the charter and cannot be deleted")
        }
        Class::Warning(_) => forbidden(
            "a warning and the objects of its life are not deleted: cancel the warning (POST /api/v1/warnings/{id}/cancel)",
        ),
        Class::Decision(_) => forbidden(
            "decisions and ballots are the organization's record and are not deleted: withdraw an open decision instead",
        ),
        Class::Consultation(_) => forbidden(
            "a consultation and the answers to it are the record of what was asked and offered: they are not deleted",
        ),
        Class::Exercise(_) => forbidden(
            "an exercise's plan, contributions and after-action sections are its record: they are not deleted",
        ),
        Class::RegisterEntry { .. } | Class::Plain => Ok(()),
    }
}

fn peer_may_bring(peer: &PartyCode, write: &Write) -> Result<(), WriteRefusal> {
    let label = write.label;
    if label.originator != *peer && !peer.is_secretariat() {
        return forbidden(format!(
            "{peer}'s node sent an object {} signed: a state's node brings only what that state signed (the hub also relays)",
            label.originator
        ));
    }
    let here = Viewer::Node {
        party: write.here.clone(),
        tier: write.here_tier,
        holder: peer.clone(),
    };
    // What this node originated may come back (say, after a restore); the store keeps it once.
    if label.originator != *write.here && !may_see(&here, label) {
        return forbidden(format!(
            "{peer} sent an object of {} ({}) that {peer} may not pass to {}: only the originator's node and the hub relay, and only to the states the marking and audience allow",
            label.originator, label.marking, write.here
        ));
    }
    Ok(())
}

fn node_may_store(party: &PartyCode, write: &Write) -> Result<(), WriteRefusal> {
    if write.label.originator != *party {
        return forbidden("a node writes on its own only objects it originates");
    }
    match write.class {
        Class::PartyIdentity(_)
        | Class::Plain
        | Class::Warning(Some(Step::Remind))
        | Class::Consultation(Some(ConsultationStep::Remind)) => Ok(()),
        _ => forbidden("a node takes this step only on a user's behalf"),
    }
}

fn user_may_store(
    party: &PartyCode,
    role: Role,
    tier: Tier,
    class: &Class,
) -> Result<(), WriteRefusal> {
    match class {
        Class::Plain => Ok(()),
        Class::PartyIdentity(p) => forbidden(format!(
            "the identity of {p} comes from the charter: the node publishes it, no user writes it"
        )),
        Class::RegisterEntry { from, to } => {
            let to = to.ok_or_else(|| {
                WriteRefusal::Conflict("a register entry's version carries its status".into())
            })?;
            let step = entry_step(*from, to).map_err(|e| WriteRefusal::Conflict(e.to_string()))?;
            if step.commits_the_state() && !commits(role) {
                return forbidden(format!(
                    "a register entry that is {to} commits the state: a supervisor of this node designates, amends and delists entries; an analyst may propose one"
                ));
            }
            Ok(())
        }
        Class::Warning(None) => forbidden(
            "warnings, their reviews, acknowledgements, hits and follow-ups are made through /api/v1/warnings, which keeps to their life and roles",
        ),
        Class::Warning(Some(step)) => may_take(party, role, *step),
        Class::Decision(None) => forbidden(
            "decisions and ballots are made through /api/v1/decisions, which keeps to their procedures and roles",
        ),
        Class::Decision(Some(step)) => may_decide(party, role, tier, *step),
        Class::Consultation(None) => forbidden(
            "consultations and responses are made through /api/v1/consultations, which keeps to their life and roles",
        ),
        Class::Consultation(Some(step)) => may_consult(party, role, tier, *step),
        Class::Exercise(None) => forbidden(
            "exercises, contributions and after-action reports are made through /api/v1/exercises, which keeps to their life and roles",
        ),
        Class::Exercise(Some(step)) => may_exercise(party, role, tier, *step),
    }
}

/// Whether a user of `party` (whose node is of `tier`) with `role` may take `step` of a joint
/// exercise or operation: every step commits the state (a supervisor); member states and the
/// secretariat plan; any participating state joins and reports (who participates is the
/// workflow's to check).
pub fn may_exercise(
    party: &PartyCode,
    role: Role,
    tier: Tier,
    step: ExerciseStep,
) -> Result<(), WriteRefusal> {
    if !commits(role) {
        return forbidden("this step commits the state: it needs a supervisor of this node");
    }
    let member = tier == Tier::Member && !party.is_secretariat();
    match step {
        ExerciseStep::Plan if !(member || party.is_secretariat()) => forbidden(
            "member states and the secretariat plan joint exercises and operations: an observer or dialogue partner takes part when invited",
        ),
        _ => Ok(()),
    }
}

/// Whether a user of `party` (whose node is of `tier`) with `role` may take `step` on a decision:
/// only member states vote, by a supervisor; a decision is proposed, and withdrawn, by a member
/// state's supervisor or by the secretariat's staff, who convene but do not vote; any state's
/// supervisor applies for its state, and the secretariat's staff for a state not yet a party.
pub fn may_decide(
    party: &PartyCode,
    role: Role,
    tier: Tier,
    step: DecisionStep,
) -> Result<(), WriteRefusal> {
    let member = tier == Tier::Member && !party.is_secretariat();
    match step {
        DecisionStep::Apply | DecisionStep::Report if party.is_secretariat() => Ok(()),
        DecisionStep::Sign if !member => forbidden(
            "only member states sign and ratify the organization's documents",
        ),
        DecisionStep::Ballot if !member => {
            forbidden("only member states vote: observers, dialogue partners and the secretariat do not")
        }
        DecisionStep::Propose | DecisionStep::Withdraw | DecisionStep::Draft
            if party.is_secretariat() =>
        {
            Ok(())
        }
        DecisionStep::Propose | DecisionStep::Withdraw | DecisionStep::Draft if !member => forbidden(
            "decisions are proposed by member states and the secretariat: an observer or dialogue partner applies (POST /api/v1/applications)",
        ),
        _ if commits(role) => Ok(()),
        _ => forbidden("this step commits the state: it needs a supervisor of this node"),
    }
}

/// Whether a user of `party` (whose node is of `tier`) with `role` may take `step` of a
/// consultation: every step commits the state (a supervisor); a member state asks, the
/// secretariat opens, convenes and closes; any invited state answers, the requesting state
/// decides on offers (who was invited and who asked is the workflow's to check).
pub fn may_consult(
    party: &PartyCode,
    role: Role,
    tier: Tier,
    step: ConsultationStep,
) -> Result<(), WriteRefusal> {
    if step == ConsultationStep::Remind {
        return forbidden("reminders before a deadline are the secretariat node's own");
    }
    if !commits(role) {
        return forbidden("this step commits the state: it needs a supervisor of this node");
    }
    let member = tier == Tier::Member && !party.is_secretariat();
    match step {
        ConsultationStep::Request if !(member || party.is_secretariat()) => forbidden(
            "member states ask for assistance, and the secretariat opens consultations: an observer or dialogue partner is invited",
        ),
        ConsultationStep::Convene | ConsultationStep::Close if !party.is_secretariat() => {
            forbidden("the secretary-general convenes and closes a conference, on the secretariat's node")
        }
        _ => Ok(()),
    }
}

/// Whether a user of `party` with `role` may take `step` on a warning of its own state's making
/// (the role rules of [`may_write`], which a workflow asks before it does any work).
pub fn may_take(party: &PartyCode, role: Role, step: Step) -> Result<(), WriteRefusal> {
    {
        match step {
            Step::Remind => forbidden("review reminders are the issuing node's own"),
            Step::Life(Action::Edit) | Step::Acknowledge | Step::ReportHit | Step::FollowUp => {
                Ok(())
            }
            Step::Life(Action::Accept | Action::Refuse) => {
                if party.is_secretariat() {
                    Ok(())
                } else {
                    forbidden("warnings are reviewed by the secretariat's staff, on the secretariat's node")
                }
            }
            Step::Life(
                Action::Submit | Action::Publish | Action::Update | Action::Extend | Action::Cancel,
            ) => {
                if commits(role) {
                    Ok(())
                } else {
                    forbidden(
                        "this step commits the state: it needs a supervisor of the issuing node",
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
