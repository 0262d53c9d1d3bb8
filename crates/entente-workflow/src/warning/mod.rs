//! Joint warnings on the workflow mechanism: the objects of a warning's life ([`objects`]), its
//! thread and the view of it ([`thread`]), and here every rule of its steps — who may take which
//! (the role rules are the write policy's, `entente_core::write::may_take`), on which warning
//! (issued here, in force elsewhere, in the thread of a hit), from which status (the transition
//! table, `entente_core::warning::transition`), with what input — as the plan of each
//! [`Action`]. The REST handlers extract the principal, parse, take the step and answer.
//!
//! | action | who | on |
//! |---|---|---|
//! | [`Action::Draft`] | a user of the issuing node | a new warning |
//! | [`Action::Revise`] | a user of the issuing node; a supervisor to update a published one | a draft, a refused or a published warning issued here |
//! | [`Action::Submit`], [`Action::Publish`], [`Action::Extend`], [`Action::Cancel`] | a supervisor of the issuing node | a warning issued here |
//! | [`Action::Review`] | the secretariat's staff, on its node | a submitted warning |
//! | [`Action::Acknowledge`] | a user of an addressed state, once per state | a warning in force, not its own |
//! | [`Action::ReportHit`] | a user of a state the warning reaches | a warning in force, not its own |
//! | [`Action::FollowUp`] | the issuer's or the reporting state's users | a hit of the warning |

pub mod objects;
pub mod thread;

#[cfg(test)]
mod tests;

pub use objects::*;
pub use thread::{addressed_states, status_matches, view, Thread};

use crate::{Basis, Context, Ids, Invalid, Life, Part, Plan, Refusal, Workflow, Write};
use entente_core::text::is_blank;
use entente_core::warning::{transition, Action as Life_, Stage, Status, Step, Verdict};
use entente_core::write::{Class, WorkflowStep};
use entente_core::{AccessLabel, PartyCode};
use entente_stix::Timestamp;
use serde_json::{Map, Value};

/// Joint warnings; `remind_days` are the days before a review date at which the issuer is
/// reminded ([`Workflow::due`]).
#[derive(Debug, Clone, Default)]
pub struct Warnings {
    pub remind_days: Vec<u32>,
}

impl Warnings {
    pub const fn new(remind_days: Vec<u32>) -> Warnings {
        Warnings { remind_days }
    }
}

/// What a principal asks of a warning.
#[derive(Debug, Clone)]
pub enum Action {
    /// Write a new draft.
    Draft(WarningInput),
    /// Revise a draft or a refused warning; update a published one.
    Revise(WarningInput),
    /// To the secretariat for review.
    Submit,
    Review {
        verdict: Verdict,
        reasons: String,
    },
    Publish,
    Extend {
        review_date: String,
        justification: String,
    },
    Cancel {
        reason: String,
    },
    Acknowledge,
    ReportHit(HitInput),
    FollowUp {
        hit: String,
        message: String,
    },
}

impl Action {
    /// The step of the life the action is, for the write policy (a revision is an update once
    /// published, known only with the thread).
    fn step(&self) -> Option<Step> {
        Some(match self {
            Action::Draft(_) => Step::Life(Life_::Edit),
            Action::Revise(_) => return None,
            Action::Submit => Step::Life(Life_::Submit),
            Action::Review {
                verdict: Verdict::Accepted,
                ..
            } => Step::Life(Life_::Accept),
            Action::Review { .. } => Step::Life(Life_::Refuse),
            Action::Publish => Step::Life(Life_::Publish),
            Action::Extend { .. } => Step::Life(Life_::Extend),
            Action::Cancel { .. } => Step::Life(Life_::Cancel),
            Action::Acknowledge => Step::Acknowledge,
            Action::ReportHit(_) => Step::ReportHit,
            Action::FollowUp { .. } => Step::FollowUp,
        })
    }
}

/// A review's verdict as the API names it.
pub fn verdict(s: &str) -> Result<Verdict, Refusal> {
    match s {
        "accepted" => Ok(Verdict::Accepted),
        "refused" => Ok(Verdict::Refused),
        other => Err(Refusal::UnknownVerdict(other.to_owned())),
    }
}

/// Refuses, saying why, a text a step requires that is empty or blank.
fn written(text: &str, field: &'static str, why: &'static str) -> Result<(), Refusal> {
    if is_blank(text) {
        return Err(Refusal::Missing { field, why });
    }
    Ok(())
}

fn stamp(ns: i64) -> String {
    Timestamp::from_nanos(ns).to_micros_string()
}

/// The status the thread's life allows `action` from, or why not.
fn step_from(status: Status, action: Life_) -> Result<Status, Refusal> {
    transition(Some(status), action).map_err(Refusal::StepNotAllowed)
}

fn status_of(thread: &Thread, now_ns: i64) -> Result<Status, Refusal> {
    thread
        .status(now_ns)
        .map(|d| d.status)
        .ok_or(Refusal::NotFound)
}

fn issued_here<'t>(
    ctx: &Context,
    thread: &'t Thread,
    verb: &'static str,
) -> Result<&'t PartyCode, Refusal> {
    match thread.issuer() {
        Some(i) if i == ctx.here => Ok(i),
        Some(i) => Err(Refusal::NotTheIssuer {
            issuer: i.clone(),
            verb,
        }),
        None => Err(Refusal::NotFound),
    }
}

/// A warning in force that the actor's state may act on, not its own: its issuer.
fn in_force_elsewhere<'t>(
    ctx: &Context,
    thread: &'t Thread,
    what: &'static str,
) -> Result<&'t PartyCode, Refusal> {
    let status = status_of(thread, ctx.now_ns)?;
    if !status.is_active() {
        return Err(Refusal::NotInForce { status, what });
    }
    let issuer = thread.issuer().ok_or(Refusal::NotFound)?;
    if ctx.actor.party == *issuer {
        return Err(Refusal::OwnWarning {
            issuer: issuer.clone(),
            what,
        });
    }
    Ok(issuer)
}

fn unreadable(e: Invalid) -> Refusal {
    Refusal::Unreadable(format!("a held warning version does not read back: {e}"))
}

/// What the next version of a warning is to be.
struct Next<'a> {
    step: Step,
    stage: Stage,
    /// The new extension count and its justification, when extending.
    extension: Option<(u32, &'a str)>,
    cancellation: Option<&'a str>,
    audit: &'static str,
}

/// The next version of the warning `root` issued here, `modified` strictly after the latest
/// (clocks may tie at the microsecond), decided on the latest.
fn next_version(
    ctx: &Context,
    root: &str,
    thread: &Thread,
    fields: &Fields,
    next: Next<'_>,
) -> Result<Write, Refusal> {
    let latest = thread.latest().ok_or(Refusal::NotFound)?;
    let created = latest
        .object
        .get("created")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let modified = stamp(ctx.now_ns.max(latest.version_ns + 1000));
    let previous_stage = stage_of(&latest.object).map_err(unreadable)?;
    let (count, justification) = match next.extension {
        Some((count, j)) => (count, Some(j)),
        None => (
            extensions_count_of(&latest.object),
            latest
                .object
                .get("extension_justification")
                .and_then(Value::as_str),
        ),
    };
    let object = version_object(
        fields,
        &VersionMeta {
            id: root,
            created,
            modified: &modified,
            stage: next.stage,
            label_stage: if next.stage == Stage::Cancelled {
                previous_stage
            } else {
                next.stage
            },
            issuer: ctx.here,
            extensions_count: count,
            extension_justification: justification,
            cancellation_reason: next.cancellation,
        },
    );
    Ok(Write {
        object,
        step: next.step.into(),
        audit: next.audit,
        based_on: Basis::Latest(latest.version_ns),
    })
}

fn one(root: &str, write: Write) -> Plan {
    Plan {
        root: root.to_owned(),
        writes: vec![write],
    }
}

impl Life for Warnings {
    fn name(&self) -> &'static str {
        "warning"
    }

    fn root_type(&self) -> &'static str {
        WARNING_TYPE
    }

    fn types(&self) -> &'static [&'static str] {
        &[WARNING_TYPE, "opinion", "note", "sighting"]
    }

    fn claims(&self, object_type: &str, object: &Map<String, Value>) -> bool {
        is_workflow_object(object_type, object)
    }

    fn root_of(&self, object_type: &str, object: &Map<String, Value>) -> Option<String> {
        objects::root_of(object_type, object)
    }

    fn class(&self, step: Option<WorkflowStep>) -> Class {
        match step {
            Some(WorkflowStep::Warning(s)) => Class::Warning(Some(s)),
            _ => Class::Warning(None),
        }
    }

    fn check_entry(
        &self,
        object_type: &str,
        object: &Map<String, Value>,
        label: &AccessLabel,
    ) -> Result<(), Invalid> {
        if object_type == WARNING_TYPE {
            check_version(object, label)?;
        }
        Ok(())
    }
}

impl Workflow for Warnings {
    type Thread = Thread;
    type Action = Action;

    fn thread(&self, root: &str, parts: Vec<Part>) -> Option<Thread> {
        Thread::of(root, parts)
    }

    fn admit(&self, ctx: &Context, action: &Action) -> Result<(), Refusal> {
        match action {
            Action::Cancel { reason } => {
                written(reason, "reason", "say why the warning is cancelled: `reason`")?
            }
            Action::Extend { justification, .. } => written(
                justification,
                "justification",
                "an extension needs the written justification of the assessment that found the warning still needed: `justification`",
            )?,
            Action::Review {
                verdict: Verdict::Refused,
                reasons,
            } => written(
                reasons,
                "reasons",
                "a refusal gives its reasons (e.g. the warning is of a political, military, religious or racial character): `reasons`",
            )?,
            Action::ReportHit(hit) => {
                hit.check(ctx.now_ns)?;
            }
            Action::FollowUp { message, .. } => {
                written(message, "message", "`message` must not be empty")?
            }
            _ => {}
        }
        // The roles that may never take the step are refused before any work; the write policy
        // is asked again as the objects are stored. A draft's role is asked only there.
        match (action, action.step()) {
            (Action::Draft(_) | Action::Acknowledge | Action::ReportHit(_), _) => Ok(()),
            (_, Some(step @ Step::Life(_))) => {
                entente_core::write::may_take(&ctx.actor.party, ctx.actor.role, step)
                    .map_err(Refusal::Role)
            }
            _ => Ok(()),
        }
    }

    fn plan(
        &self,
        ctx: &Context,
        thread: Option<(&str, &Thread)>,
        action: Action,
        ids: &mut dyn Ids,
    ) -> Result<Plan, Refusal> {
        match (action, thread) {
            (Action::Draft(input), _) => draft(ctx, &input, ids),
            (action, Some((root, thread))) => on_thread(ctx, root, thread, action, ids),
            (_, None) => Err(Refusal::NotFound),
        }
    }

    fn due(&self, ctx: &Context, root: &str, thread: &Thread, ids: &mut dyn Ids) -> Vec<Write> {
        reminder_due(ctx, root, thread, &self.remind_days, ids)
            .into_iter()
            .collect()
    }
}

fn draft(ctx: &Context, input: &WarningInput, ids: &mut dyn Ids) -> Result<Plan, Refusal> {
    let fields = input.fields(&ctx.charter.warning_limits, ctx.now_ns)?;
    transition(None, Life_::Edit).map_err(Refusal::StepNotAllowed)?;
    let id = ids.id(WARNING_TYPE);
    let now = stamp(ctx.now_ns);
    let object = version_object(
        &fields,
        &VersionMeta {
            id: &id,
            created: &now,
            modified: &now,
            stage: Stage::Draft,
            label_stage: Stage::Draft,
            issuer: ctx.here,
            extensions_count: 0,
            extension_justification: None,
            cancellation_reason: None,
        },
    );
    Ok(one(
        &id,
        Write {
            object,
            step: Step::Life(Life_::Edit).into(),
            audit: "warning-draft",
            based_on: Basis::Nothing,
        },
    ))
}

fn on_thread(
    ctx: &Context,
    root: &str,
    thread: &Thread,
    action: Action,
    ids: &mut dyn Ids,
) -> Result<Plan, Refusal> {
    let limits = &ctx.charter.warning_limits;
    let now = stamp(ctx.now_ns);
    let latest = thread.latest().ok_or(Refusal::NotFound)?;
    let held_fields = || fields_of(&latest.object).map_err(unreadable);
    let restage = |action: Life_, stage: Stage, audit, cancellation: Option<&str>| {
        issued_here(ctx, thread, verb(action))?;
        step_from(status_of(thread, ctx.now_ns)?, action)?;
        let next = Next {
            step: Step::Life(action),
            stage,
            extension: None,
            cancellation,
            audit,
        };
        next_version(ctx, root, thread, &held_fields()?, next).map(|w| one(root, w))
    };
    match action {
        Action::Draft(input) => draft(ctx, &input, ids),
        Action::Revise(input) => {
            issued_here(ctx, thread, "revise")?;
            let status = status_of(thread, ctx.now_ns)?;
            let fields = input.fields(limits, ctx.now_ns)?;
            let before = held_fields()?;
            if fields.kind != before.kind {
                return Err(Refusal::KindIsFixed(before.kind));
            }
            let (action, stage, audit) = if status == Status::Published {
                if fields.publication != before.publication {
                    return Err(Refusal::PublicationIsFixed);
                }
                (Life_::Update, Stage::Published, "warning-update")
            } else {
                (Life_::Edit, Stage::Draft, "warning-edit")
            };
            step_from(status, action)?;
            let next = Next {
                step: Step::Life(action),
                stage,
                extension: None,
                cancellation: None,
                audit,
            };
            next_version(ctx, root, thread, &fields, next).map(|w| one(root, w))
        }
        Action::Submit => restage(Life_::Submit, Stage::Submitted, "warning-submit", None),
        Action::Publish => restage(Life_::Publish, Stage::Published, "warning-publish", None),
        Action::Cancel { reason } => restage(
            Life_::Cancel,
            Stage::Cancelled,
            "warning-cancel",
            Some(&reason),
        ),
        Action::Extend {
            review_date,
            justification,
        } => {
            issued_here(ctx, thread, "extend")?;
            step_from(status_of(thread, ctx.now_ns)?, Life_::Extend)?;
            let mut fields = held_fields()?;
            let review_date = Timestamp::parse(&review_date)
                .map_err(|m| Invalid(format!("`review_date`: {m}")))?;
            if review_date <= fields.review_date {
                return Err(Refusal::ReviewDateNotLater);
            }
            limits
                .check(fields.kind, review_date.nanos(), ctx.now_ns)
                .map_err(Invalid::from)?;
            fields.review_date = review_date;
            let count = extensions_count_of(&latest.object) + 1;
            let next = Next {
                step: Step::Life(Life_::Extend),
                stage: Stage::Published,
                extension: Some((count, justification.trim())),
                cancellation: None,
                audit: "warning-extend",
            };
            next_version(ctx, root, thread, &fields, next).map(|w| one(root, w))
        }
        Action::Review { verdict, reasons } => {
            let action = match verdict {
                Verdict::Accepted => Life_::Accept,
                Verdict::Refused => Life_::Refuse,
            };
            step_from(status_of(thread, ctx.now_ns)?, action)?;
            let issuer = thread.issuer().ok_or(Refusal::NotFound)?;
            let fields = held_fields()?;
            let reviewed = latest
                .object
                .get("modified")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let reasons = if reasons.trim().is_empty() {
                "Accepted: within the charter and lawful.".to_owned()
            } else {
                reasons.trim().to_owned()
            };
            let of = Reviewed {
                warning_id: root,
                version: reviewed,
                issuer,
                publication: &fields.publication,
            };
            let object = review_object(&ids.id("opinion"), &of, verdict, &reasons, &now);
            Ok(one(
                root,
                Write {
                    object,
                    step: Step::Life(action).into(),
                    audit: "warning-review",
                    based_on: Basis::Nothing,
                },
            ))
        }
        Action::Acknowledge => {
            let issuer = in_force_elsewhere(ctx, thread, "acknowledged")?;
            let me = &ctx.actor.party;
            if thread.acknowledgements.iter().any(|a| a.originator == *me) {
                return Err(Refusal::AlreadyAcknowledged(me.clone()));
            }
            let object = acknowledgement_object(&ids.id("note"), root, me, issuer, &now);
            Ok(one(
                root,
                Write {
                    object,
                    step: Step::Acknowledge.into(),
                    audit: "warning-acknowledge",
                    based_on: Basis::Nothing,
                },
            ))
        }
        Action::ReportHit(hit) => {
            let when = hit.check(ctx.now_ns)?;
            let issuer = in_force_elsewhere(ctx, thread, "reported found")?;
            let object = hit_object(
                &ids.id("sighting"),
                root,
                &ctx.actor.party,
                issuer,
                &hit,
                when,
                &now,
            );
            Ok(one(
                root,
                Write {
                    object,
                    step: Step::ReportHit.into(),
                    audit: "warning-hit",
                    based_on: Basis::Nothing,
                },
            ))
        }
        Action::FollowUp { hit, message } => {
            let reported = thread
                .hits
                .iter()
                .find(|h| h.id() == hit)
                .ok_or_else(|| Refusal::NoSuchHit(hit.clone()))?;
            let issuer = thread.issuer().ok_or(Refusal::NotFound)?;
            let me = &ctx.actor.party;
            if me != issuer && *me != reported.originator {
                return Err(Refusal::NotInThread);
            }
            let object = follow_up_object(
                &ids.id("note"),
                root,
                &hit,
                [issuer, &reported.originator],
                message.trim(),
                &now,
            );
            Ok(one(
                root,
                Write {
                    object,
                    step: Step::FollowUp.into(),
                    audit: "warning-follow-up",
                    based_on: Basis::Nothing,
                },
            ))
        }
    }
}

fn verb(a: Life_) -> &'static str {
    match a {
        Life_::Submit => "submit",
        Life_::Publish => "publish",
        Life_::Cancel => "cancel",
        Life_::Extend => "extend",
        _ => "change",
    }
}

/// The reminder due on a warning issued here and published whose review date nears: once per
/// threshold of `remind_days` (days before the date; only the most urgent one due, so a warning
/// published 20 days before its review date gets the 30-day reminder, not a stale 120-day one).
fn reminder_due(
    ctx: &Context,
    root: &str,
    thread: &Thread,
    remind_days: &[u32],
    ids: &mut dyn Ids,
) -> Option<Write> {
    if thread.issuer() != Some(ctx.here) {
        return None;
    }
    let derived = thread.status(ctx.now_ns)?;
    if derived.status != Status::Published {
        return None;
    }
    let latest = thread.latest()?;
    let review_date = latest
        .object
        .get("review_date")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let days = *entente_core::warning::reminders_due(
        derived.latest.review_date_ns,
        ctx.now_ns,
        remind_days,
    )
    .first()?;
    let already = thread.reminders.iter().any(|r| {
        let w =
            entente_stix::extension::entente_extension(&r.object).and_then(|e| e.get("warning"));
        w.and_then(|w| w.get("days")).and_then(Value::as_u64) == Some(u64::from(days))
            && w.and_then(|w| w.get("review_date")).and_then(Value::as_str) == Some(review_date)
    });
    if already {
        return None;
    }
    let object = reminder_object(
        &ids.id("note"),
        root,
        ctx.here,
        days,
        review_date,
        &stamp(ctx.now_ns),
    );
    Some(Write {
        object,
        step: Step::Remind.into(),
        audit: "warning-review-reminder",
        based_on: Basis::Nothing,
    })
}
