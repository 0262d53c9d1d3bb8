//! The workflow mechanism: what every workflow of the organization (joint warnings, decisions and
//! applications now; consultations, exercises next) says of its life, as pure rules with no I/O. The clock, the
//! principal and the ids of new objects are parameters; reading the clock or randomness here is
//! refused by `clippy.toml`.
//!
//! A workflow is a thread of signed STIX objects under one **root** (a warning and its reviews,
//! acknowledgements, hits, follow-ups and reminders). It implements two traits:
//! - [`Life`], object-safe, which ingest consults through [`registry`] for every object it takes
//!   (from a user's step, over TAXII, or from a peer): whether the object belongs to a
//!   workflow's life, the root it names (stored in an indexed column), the class the write policy
//!   decides it by, and the checks an object of its life must pass on entry;
//! - [`Workflow`], with its thread and its actions: the state derived from the objects a principal
//!   may see ([`Workflow::thread`]), what is refused before anything is read
//!   ([`Workflow::admit`]: the input, the role), the **plan** of an action — the objects to write,
//!   or a typed [`Refusal`] ([`Workflow::plan`]) — and what falls due at a time, which the node
//!   does on its own ([`Workflow::due`]: reminders, deadlines).
//!
//! The application layer (`entente_node::workflow`) offers one generic "load the threads a
//! principal may see" and "take a step" over any [`Workflow`]: it reads through the access policy,
//! takes the step's turn on the root, asks the plan, and stores each object through ingest, where
//! the write policy (`entente_core::may_write`) decides again under the store's writer lock.

pub mod consultation;
pub mod decision;
pub mod document;
pub mod exercise;
pub mod programme;
#[cfg(test)]
mod test_support;
pub mod warning;

pub use warning::Warnings;

use entente_core::write::{Class, WorkflowStep};
use entente_core::{AccessLabel, Charter, PartyCode, Role, WriteRefusal};
use serde_json::{Map, Value};

/// One stored object of a workflow's life, as read for a principal.
#[derive(Debug, Clone)]
pub struct Part {
    pub originator: PartyCode,
    pub label: AccessLabel,
    pub version_ns: i64,
    pub object: Map<String, Value>,
}

impl Part {
    pub fn id(&self) -> &str {
        self.object.get("id").and_then(Value::as_str).unwrap_or("")
    }

    pub fn object_type(&self) -> &str {
        self.object
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

/// Input that is not acceptable, saying what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl From<String> for Invalid {
    fn from(s: String) -> Self {
        Invalid(s)
    }
}

impl From<entente_core::CoreError> for Invalid {
    fn from(e: entente_core::CoreError) -> Self {
        Invalid(e.to_string())
    }
}

impl From<&str> for Invalid {
    fn from(s: &str) -> Self {
        Invalid(s.to_owned())
    }
}

/// Who takes a step: a user of a node, by party and role. The node itself, acting on its own
/// (reminders), is its own party's administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub party: PartyCode,
    pub role: Role,
}

/// Everything a plan depends on besides the thread and the action.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The party whose node takes the step.
    pub here: &'a PartyCode,
    pub actor: &'a Actor,
    /// The node's clock, in nanoseconds since the epoch.
    pub now_ns: i64,
    pub charter: &'a Charter,
}

/// Where the ids of new objects come from: random in a node, counted in tests.
pub trait Ids {
    /// A new id for an object of `object_type` (`type--uuid`).
    fn id(&mut self, object_type: &str) -> String;
}

/// What a written object was decided on: nothing held, or the latest version of its id held
/// when the thread was read (the store refuses the write if another came in between).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    Nothing,
    Latest(i64),
}

/// One object a step writes, unsigned (the node signs it as it stores it).
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    pub object: Value,
    /// The step, for the write policy.
    pub step: WorkflowStep,
    /// How the audit log names the action.
    pub audit: &'static str,
    pub based_on: Basis,
}

/// What an action comes to: the objects to write, in order, under `root`.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub root: String,
    pub writes: Vec<Write>,
}

impl Plan {
    /// The id of the first object written (a new hit's, a new warning's).
    pub fn made(&self) -> Option<&str> {
        self.writes.first()?.object.get("id")?.as_str()
    }
}

/// Whether a refusal is the client's input, a permission, or the state of the thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalClass {
    /// 400: what was given is not acceptable.
    Invalid,
    /// 403: the principal may not take this step.
    Forbidden,
    /// 404: absent, or not for this principal to see (the two alike).
    NotFound,
    /// 409: the thread's state does not allow the step now.
    Conflict,
    /// 500: what is held cannot be read back (it was checked on entry; should not happen).
    Internal,
}

/// Why a step is refused. Each variant has a stable [`Refusal::code`] that clients (and the web
/// UI, in three languages) key on; the message says what was wrong in English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no such resource")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A text the step requires is empty or blank.
    #[error("{why}")]
    Missing {
        field: &'static str,
        why: &'static str,
    },
    /// The role's rules of the write policy.
    #[error(transparent)]
    Role(WriteRefusal),
    #[error("only users of a node take the steps of a {workflow}")]
    NotAUser { workflow: &'static str },
    /// The life's transition table does not allow the action from the current state.
    #[error(transparent)]
    StepNotAllowed(entente_core::warning::StepRefused),
    #[error("only {issuer}'s node, which issued this warning, can {verb} it")]
    NotTheIssuer {
        issuer: PartyCode,
        verb: &'static str,
    },
    #[error("the warning is {status}, not in force: it cannot be {what}")]
    NotInForce {
        status: entente_core::warning::Status,
        what: &'static str,
    },
    #[error("{issuer} issued this warning; it is {what} by the other states")]
    OwnWarning {
        issuer: PartyCode,
        what: &'static str,
    },
    #[error("{0} has already acknowledged this warning")]
    AlreadyAcknowledged(PartyCode),
    #[error("a {0} warning stays one: issue a new warning of another kind")]
    KindIsFixed(entente_core::warning::Kind),
    #[error("the publication marking and audience were reviewed: to address the warning otherwise, cancel it and issue a new one")]
    PublicationIsFixed,
    #[error("an extension moves the review date later")]
    ReviewDateNotLater,
    #[error("`verdict` is `{0}`: it is `accepted` or `refused`")]
    UnknownVerdict(String),
    #[error("`hit`: this warning has no hit `{0}` you may see")]
    NoSuchHit(String),
    #[error("the thread of a hit is between the issuer and the state that reported it")]
    NotInThread,
    #[error("the decision is {0}: it takes no more ballots or withdrawals")]
    DecisionClosed(&'static str),
    #[error("{0} is not among the member states voting on this decision: only member states vote")]
    NotAVoter(PartyCode),
    #[error("only {0}, which proposed this decision, can withdraw it")]
    NotTheProposer(PartyCode),
    #[error("this {0} has not been adopted by a decision of the members yet")]
    NotAdopted(&'static str),
    #[error("{0}")]
    AlreadyDone(String),
    #[error("{0}")]
    NotYours(String),
    #[error("the deadline to answer has passed")]
    DeadlinePassed,
    /// Where the thread stands does not allow the step now.
    #[error("{0}")]
    NotNow(String),
    /// What is held does not read back; the cause is logged, not shown.
    #[error("{0}")]
    Unreadable(String),
}

impl Refusal {
    /// The stable code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotFound => "not_found",
            Refusal::Invalid(_) => "invalid_input",
            Refusal::Missing { .. } => "missing_field",
            Refusal::Role(_) => "role_may_not",
            Refusal::NotAUser { .. } => "not_a_user",
            Refusal::StepNotAllowed(_) => "step_not_allowed",
            Refusal::NotTheIssuer { .. } => "not_the_issuer",
            Refusal::NotInForce { .. } => "not_in_force",
            Refusal::OwnWarning { .. } => "own_warning",
            Refusal::AlreadyAcknowledged(_) => "already_acknowledged",
            Refusal::KindIsFixed(_) => "kind_is_fixed",
            Refusal::PublicationIsFixed => "publication_is_fixed",
            Refusal::ReviewDateNotLater => "review_date_not_later",
            Refusal::UnknownVerdict(_) => "unknown_verdict",
            Refusal::NoSuchHit(_) => "no_such_hit",
            Refusal::NotInThread => "not_in_thread",
            Refusal::DecisionClosed(_) => "decision_closed",
            Refusal::NotAVoter(_) => "not_a_member",
            Refusal::NotTheProposer(_) => "not_the_proposer",
            Refusal::NotAdopted(_) => "not_adopted",
            Refusal::AlreadyDone(_) => "already_done",
            Refusal::NotYours(_) => "not_yours",
            Refusal::DeadlinePassed => "deadline_passed",
            Refusal::NotNow(_) => "step_not_allowed",
            Refusal::Unreadable(_) => "internal",
        }
    }

    pub fn class(&self) -> RefusalClass {
        use RefusalClass as C;
        match self {
            Refusal::NotFound => C::NotFound,
            Refusal::Invalid(_)
            | Refusal::Missing { .. }
            | Refusal::KindIsFixed(_)
            | Refusal::PublicationIsFixed
            | Refusal::ReviewDateNotLater
            | Refusal::UnknownVerdict(_)
            | Refusal::NoSuchHit(_) => C::Invalid,
            Refusal::Role(WriteRefusal::Conflict(_)) => C::Conflict,
            Refusal::Role(WriteRefusal::Forbidden(_))
            | Refusal::NotAUser { .. }
            | Refusal::NotTheIssuer { .. }
            | Refusal::NotInThread
            | Refusal::NotAVoter(_)
            | Refusal::NotTheProposer(_)
            | Refusal::NotYours(_) => C::Forbidden,
            Refusal::StepNotAllowed(_)
            | Refusal::NotInForce { .. }
            | Refusal::OwnWarning { .. }
            | Refusal::AlreadyAcknowledged(_)
            | Refusal::DecisionClosed(_)
            | Refusal::NotAdopted(_)
            | Refusal::AlreadyDone(_)
            | Refusal::DeadlinePassed
            | Refusal::NotNow(_) => C::Conflict,
            Refusal::Unreadable(_) => C::Internal,
        }
    }
}

/// What every workflow says of the objects of its life, for ingest (object-safe).
pub trait Life: Send + Sync {
    /// The workflow's name, as messages and logs say it (`warning`).
    fn name(&self) -> &'static str;
    /// The type of the root object.
    fn root_type(&self) -> &'static str;
    /// Every type an object of its life may have (the root's first).
    fn types(&self) -> &'static [&'static str];
    /// Whether `object` belongs to this workflow's life (users make such objects only by its
    /// steps, never over TAXII).
    fn claims(&self, object_type: &str, object: &Map<String, Value>) -> bool;
    /// The root of the thread an object of its life belongs to.
    fn root_of(&self, object_type: &str, object: &Map<String, Value>) -> Option<String>;
    /// The class the write policy decides an object of its life by; `step` is the step taken,
    /// `None` on a path that takes none (TAXII, a pull, a delete).
    fn class(&self, step: Option<WorkflowStep>) -> Class;
    /// What an object of its life must be to enter, from a user's step or from a peer.
    fn check_entry(
        &self,
        object_type: &str,
        object: &Map<String, Value>,
        label: &AccessLabel,
    ) -> Result<(), Invalid>;
}

/// A workflow: its thread, its actions and their plans. Pure: every input is a parameter.
pub trait Workflow: Life {
    /// The state of one thread as a principal may see it.
    type Thread: Send + Sync;
    /// What a principal asks of the workflow, with its input.
    type Action: Send;

    /// The thread under `root` from the objects of its life a principal may see; `None` when the
    /// principal sees no root (invisible answers like absent).
    fn thread(&self, root: &str, parts: Vec<Part>) -> Option<Self::Thread>;

    /// What is refused before the thread is read: the input, and the roles that may never take
    /// the action.
    fn admit(&self, ctx: &Context, action: &Self::Action) -> Result<(), Refusal>;

    /// The objects `action` writes on the thread (`None`: an action that starts a new one).
    fn plan(
        &self,
        ctx: &Context,
        thread: Option<(&str, &Self::Thread)>,
        action: Self::Action,
        ids: &mut dyn Ids,
    ) -> Result<Plan, Refusal>;

    /// What falls due on the thread at `ctx.now_ns` that the node does on its own.
    fn due(
        &self,
        ctx: &Context,
        root: &str,
        thread: &Self::Thread,
        ids: &mut dyn Ids,
    ) -> Vec<Write>;
}

/// The longest free text a workflow object's field holds, in characters.
pub(crate) const MAX_TEXT: usize = 20_000;

/// Checks a free-text field: present when `required`, at most [`MAX_TEXT`] characters.
pub(crate) fn check_text(field: &str, v: &str, required: bool) -> Result<(), Invalid> {
    if required && entente_core::text::is_blank(v) {
        return Err(Invalid(format!("`{field}` is required")));
    }
    if v.chars().count() > MAX_TEXT {
        return Err(Invalid(format!(
            "`{field}` is longer than {MAX_TEXT} characters"
        )));
    }
    Ok(())
}

/// A moment as STIX writes it.
pub(crate) fn now_str(ns: i64) -> String {
    entente_stix::Timestamp::from_nanos(ns).to_stix_string()
}

/// The roles of the write policy for a step of the organization's decisions, documents and
/// programmes, asked before any work, with the actor's tier in the effective charter (a suspended
/// state takes no step).
pub(crate) fn role_may(
    ctx: &Context,
    step: entente_core::write::DecisionStep,
) -> Result<(), Refusal> {
    let Some(tier) = ctx.charter.tier_of(&ctx.actor.party) else {
        return Err(Refusal::Role(WriteRefusal::Forbidden(format!(
            "{} takes no part in the organization's decisions while suspended",
            ctx.actor.party
        ))));
    };
    entente_core::write::may_decide(&ctx.actor.party, ctx.actor.role, tier, step)
        .map_err(Refusal::Role)
}

/// The extensions of an object of the project's type `ty`: its `new-sdo` definition and the
/// Entente property extension.
pub(crate) fn extensions(ty: &str) -> Value {
    serde_json::json!({
        entente_stix::extension::definition_for_type(ty).unwrap_or_default(): {"extension_type": "new-sdo"},
        entente_stix::extension::ENTENTE_EXTENSION: {"extension_type": "property-extension"},
    })
}

/// What an object of the organization's record (a decision, ballot, application, document,
/// programme or their entries) must be labelled: TLP:GREEN with no audience, so every
/// participant's node holds it and derives the same from it.
pub(crate) fn green_record(object_type: &str, label: &AccessLabel) -> Result<(), Invalid> {
    if label.marking != entente_core::Tlp::Green || label.audience.is_some() {
        return Err(Invalid(format!(
            "a {object_type} is the organization's record: TLP:GREEN with no audience, so every participant's node derives the same outcome"
        )));
    }
    Ok(())
}

/// Every workflow's life, for ingest to consult.
pub fn registry() -> &'static [&'static dyn Life] {
    static WARNINGS: Warnings = Warnings::new(Vec::new());
    static DECISIONS: decision::Decisions = decision::Decisions;
    static APPLICATIONS: decision::Applications = decision::Applications;
    static DOCUMENTS: document::Documents = document::Documents;
    static PROGRAMMES: programme::Programmes = programme::Programmes;
    static CONSULTATIONS: consultation::Consultations = consultation::Consultations;
    static EXERCISES: exercise::Exercises = exercise::Exercises;
    static REGISTRY: [&dyn Life; 7] = [
        &WARNINGS,
        &DECISIONS,
        &APPLICATIONS,
        &DOCUMENTS,
        &PROGRAMMES,
        &CONSULTATIONS,
        &EXERCISES,
    ];
    &REGISTRY
}

/// The workflow whose life `object` belongs to, if any.
pub fn life_of(object_type: &str, object: &Map<String, Value>) -> Option<&'static dyn Life> {
    registry()
        .iter()
        .copied()
        .find(|l| l.claims(object_type, object))
}
