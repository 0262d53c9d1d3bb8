//! Joint exercises and operations (issue 15): a plan (name, kind — exercise or operation — host,
//! dates, scenario, objectives, the participating states), what each participating state brings,
//! and after it an after-action report in which each state writes its own section under the
//! sharing it chooses, with improvement items (an owner and a due date) tracked open or closed
//! across exercises. Pure: the thread, what is derived from it and the rules of each step, with
//! the ids and the clock as parameters.
//!
//! **Objects** (all `x-entente-exercise`, each signed by the node of the state that makes it;
//! only that state versions it):
//! - the plan (`stage: "plan"`), by the host state's supervisor or the secretariat's: shared
//!   with the whole organization (TLP:GREEN) or with the participants and the secretariat
//!   (TLP:AMBER with that audience);
//! - a contribution (`stage: "contribution"`, `exercise_ref`), by a participating state: what it
//!   brings and how many people; shared as the plan is. A later one replaces the earlier;
//! - an after-action section (`stage: "after-action"`, `exercise_ref`), by a participating state
//!   from the first day: a summary, what went well, what to improve, and improvement items; shared
//!   with the organization, the participants, or only the host (and the secretariat) — never wider
//!   than the plan. Closing an item is a new version of the section that holds it.
//!
//! A section is each state's alone: no other state, the host and the secretariat included, can
//! write or alter it (only the originator versions an object), and each reader sees exactly the
//! sections their marking and audience allow.

pub mod objects;

#[cfg(test)]
mod tests;

pub use objects::{ContributionInput, Item, PlanInput, SectionInput, EXERCISE_TYPE};

use crate::{now_str, Basis, Context, Ids, Invalid, Life, Part, Plan, Refusal, Workflow, Write};
use entente_core::write::{may_exercise, Class, ExerciseStep, WorkflowStep};
use entente_core::{AccessLabel, Charter, PartyCode, Role, Tier, Tlp};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const DAY_NS: i64 = 86_400_000_000_000;

/// The plan as held.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanHeld {
    pub planner: PartyCode,
    pub input: PlanInput,
    pub host: PartyCode,
    /// The host first, then the others.
    pub participants: Vec<PartyCode>,
    pub starts_ns: i64,
    pub ends_ns: i64,
    pub created: String,
    pub version_ns: i64,
}

impl PlanHeld {
    /// The plan `input` made by `planner`, first made at `created` and last versioned at
    /// `version_ns`.
    pub fn new(
        planner: PartyCode,
        input: PlanInput,
        created: &str,
        version_ns: i64,
    ) -> Result<PlanHeld, Invalid> {
        let (starts_ns, ends_ns) = input.check()?;
        Ok(PlanHeld {
            planner,
            host: PartyCode::parse(&input.host).map_err(|e| Invalid(format!("`host`: {e}")))?,
            participants: input.all_participants(),
            starts_ns,
            ends_ns,
            created: created.to_owned(),
            version_ns,
            input,
        })
    }
}

/// A state's contribution or section as held: its id, `created`, latest version and content.
#[derive(Debug, Clone, PartialEq)]
pub struct Held<T> {
    pub id: String,
    pub created: String,
    pub at_ns: i64,
    pub marking: Tlp,
    pub value: T,
}

/// Where an exercise stands, by the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Planned,
    UnderWay,
    Done,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::UnderWay => "under-way",
            Status::Done => "done",
        }
    }
}

/// An exercise's thread, as a principal may see it.
#[derive(Debug, Clone)]
pub struct Thread {
    pub id: String,
    pub plan: PlanHeld,
    pub contributions: BTreeMap<PartyCode, Held<ContributionInput>>,
    pub sections: BTreeMap<PartyCode, Held<SectionInput>>,
}

fn latest_by_state<T>(
    parts: &[Part],
    root: &str,
    stage: &str,
    participants: &[PartyCode],
    read: impl Fn(&Map<String, Value>) -> Result<T, Invalid>,
) -> BTreeMap<PartyCode, Held<T>> {
    let mut held: Vec<&Part> = parts
        .iter()
        .filter(|p| {
            p.object_type() == EXERCISE_TYPE
                && objects::stage(&p.object) == Some(stage)
                && objects::exercise_ref(&p.object) == Some(root)
                && participants.contains(&p.originator)
        })
        .collect();
    held.sort_by(|a, b| (a.version_ns, a.id()).cmp(&(b.version_ns, b.id())));
    let mut out = BTreeMap::new();
    for p in held {
        let Ok(value) = read(&p.object) else { continue };
        out.insert(
            p.originator.clone(),
            Held {
                id: p.id().to_owned(),
                created: p
                    .object
                    .get("created")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                at_ns: p.version_ns,
                marking: p.label.marking,
                value,
            },
        );
    }
    out
}

impl Thread {
    /// The thread under `root` from the parts a principal may see; `None` without the plan.
    pub fn of(root: &str, parts: Vec<Part>) -> Option<Thread> {
        let plans: Vec<&Part> = parts
            .iter()
            .filter(|p| {
                p.object_type() == EXERCISE_TYPE
                    && p.id() == root
                    && objects::stage(&p.object) == Some("plan")
            })
            .collect();
        let first = plans.iter().min_by_key(|p| p.version_ns)?;
        let latest = plans
            .iter()
            .filter(|p| p.originator == first.originator)
            .max_by_key(|p| p.version_ns)?;
        let input = objects::plan_of(&latest.object).ok()?;
        let created = first
            .object
            .get("created")
            .and_then(Value::as_str)
            .unwrap_or("");
        let plan =
            PlanHeld::new(first.originator.clone(), input, created, latest.version_ns).ok()?;
        let contributions = latest_by_state(
            &parts,
            root,
            "contribution",
            &plan.participants,
            objects::contribution_of,
        );
        let sections = latest_by_state(
            &parts,
            root,
            "after-action",
            &plan.participants,
            objects::section_of,
        );
        Some(Thread {
            id: root.to_owned(),
            plan,
            contributions,
            sections,
        })
    }

    pub fn status(&self, now_ns: i64) -> Status {
        if now_ns < self.plan.starts_ns {
            Status::Planned
        } else if now_ns < self.plan.ends_ns + DAY_NS {
            Status::UnderWay
        } else {
            Status::Done
        }
    }

    /// The improvement items not yet closed: (state, index, item, overdue at `now_ns`).
    pub fn open_items(&self, now_ns: i64) -> Vec<(&PartyCode, usize, &Item, bool)> {
        let mut out = Vec::new();
        for (state, s) in &self.sections {
            for (i, item) in s.value.items.iter().enumerate() {
                if item.closed.is_none() {
                    let overdue =
                        objects::date_ns("due", &item.due).is_ok_and(|d| d + DAY_NS <= now_ns);
                    out.push((state, i, item, overdue));
                }
            }
        }
        out
    }
}

/// Why an exercise step is refused.
fn role(m: &str) -> Refusal {
    Refusal::Role(entente_core::WriteRefusal::Forbidden(m.into()))
}

fn commits(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Admin)
}

/// Checks a plan by `party`: a member state plans what it hosts; the secretariat plans for any
/// member host; the participants are parties of the charter (not suspended), the host a member.
pub fn may_plan(
    charter: &Charter,
    party: &PartyCode,
    r: Role,
    input: &PlanInput,
) -> Result<(), Refusal> {
    input.check()?;
    if !commits(r) {
        return Err(role("planning commits the state: a supervisor plans"));
    }
    let host = PartyCode::parse(&input.host).map_err(|e| Invalid(format!("`host`: {e}")))?;
    if charter.tier_of(&host) != Some(Tier::Member) {
        return Err(Invalid(format!("`host`: {host} is not a member state")).into());
    }
    if !party.is_secretariat() && *party != host {
        return Err(role(
            "a member state plans the exercises it hosts; the secretariat plans for any host",
        ));
    }
    for p in input.all_participants() {
        if p.is_secretariat() || charter.tier_of(&p).is_none() {
            return Err(Invalid(format!(
                "`participants`: {p} is not a state that may take part"
            ))
            .into());
        }
    }
    Ok(())
}

fn participant(t: &Thread, party: &PartyCode) -> Result<(), Refusal> {
    if t.plan.participants.contains(party) {
        Ok(())
    } else {
        Err(role(
            "only the participating states of this exercise take this step",
        ))
    }
}

/// Checks a contribution by `party` at `now_ns`: a participant, until the last day.
pub fn may_join(t: &Thread, party: &PartyCode, now_ns: i64) -> Result<(), Refusal> {
    participant(t, party)?;
    if t.status(now_ns) == Status::Done {
        return Err(Refusal::NotNow(
            "the exercise is over: write the after-action section".into(),
        ));
    }
    Ok(())
}

/// Checks a section by `party` at `now_ns`: a participant, from the first day, shared no wider
/// than the plan.
pub fn may_report(
    t: &Thread,
    party: &PartyCode,
    input: &SectionInput,
    now_ns: i64,
) -> Result<(), Refusal> {
    participant(t, party)?;
    input.check()?;
    if t.status(now_ns) == Status::Planned {
        return Err(Refusal::NotNow(
            "the after-action report is written from the exercise's first day".into(),
        ));
    }
    if t.plan.input.shared_with == "participants" && input.shared_with == "organization" {
        return Err(Invalid(
            "the plan is shared with the participants only: a section is shared no wider (`participants` or `host`)".into(),
        )
        .into());
    }
    Ok(())
}

/// The view of an exercise at `now_ns`: the plan, who takes part and what each brings, the
/// sections this principal may see, and the open items.
pub fn view(t: &Thread, now_ns: i64) -> Value {
    let p = &t.plan;
    json!({
        "id": t.id,
        "planner": p.planner.as_str(),
        "plan": p.input,
        "participants": p.participants.iter().map(|s| json!({
            "state": s.as_str(),
            "contribution": t.contributions.get(s).map(|c| &c.value),
            "section": t.sections.contains_key(s),
        })).collect::<Vec<_>>(),
        "status": t.status(now_ns).as_str(),
        "after_action": t.sections.iter().map(|(s, h)| json!({
            "state": s.as_str(), "object": h.id, "marking": h.marking.to_string(),
            "updated": entente_stix::Timestamp::from_nanos(h.at_ns).to_stix_string(),
            "section": h.value,
        })).collect::<Vec<_>>(),
        "open_items": t.open_items(now_ns).iter().map(|(s, i, item, overdue)| json!({
            "state": s.as_str(), "item": i, "title": item.title, "owner": item.owner,
            "due": item.due, "overdue": overdue,
        })).collect::<Vec<_>>(),
    })
}

/// Exercises: the steps, over the rules above.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exercises;

/// What a principal asks of an exercise.
#[derive(Debug, Clone)]
pub enum Action {
    Plan(PlanInput),
    Join(ContributionInput),
    Report(SectionInput),
    /// Close this state's improvement item `item` today.
    CloseItem {
        item: usize,
    },
}

impl Action {
    fn step(&self) -> ExerciseStep {
        match self {
            Action::Plan(_) => ExerciseStep::Plan,
            Action::Join(_) => ExerciseStep::Join,
            Action::Report(_) | Action::CloseItem { .. } => ExerciseStep::Report,
        }
    }
}

impl Life for Exercises {
    fn name(&self) -> &'static str {
        "exercise"
    }

    fn root_type(&self) -> &'static str {
        EXERCISE_TYPE
    }

    fn types(&self) -> &'static [&'static str] {
        &[EXERCISE_TYPE]
    }

    fn claims(&self, object_type: &str, _object: &Map<String, Value>) -> bool {
        object_type == EXERCISE_TYPE
    }

    fn root_of(&self, object_type: &str, object: &Map<String, Value>) -> Option<String> {
        if object_type != EXERCISE_TYPE {
            return None;
        }
        match objects::stage(object) {
            Some("plan") => object.get("id").and_then(Value::as_str).map(str::to_owned),
            _ => objects::exercise_ref(object).map(str::to_owned),
        }
    }

    fn class(&self, step: Option<WorkflowStep>) -> Class {
        match step {
            Some(WorkflowStep::Exercise(s)) => Class::Exercise(Some(s)),
            _ => Class::Exercise(None),
        }
    }

    fn check_entry(
        &self,
        _object_type: &str,
        object: &Map<String, Value>,
        label: &AccessLabel,
    ) -> Result<(), Invalid> {
        match objects::stage(object) {
            Some("plan") => {
                objects::plan_of(object)?;
            }
            Some("contribution") | Some("after-action") => {
                if objects::exercise_ref(object).is_none() {
                    return Err("it names its exercise: `exercise_ref`".into());
                }
                if objects::stage(object) == Some("contribution") {
                    objects::contribution_of(object)?;
                } else {
                    objects::section_of(object)?;
                }
            }
            _ => {
                return Err(
                    "an exercise's `stage` is `plan`, `contribution` or `after-action`".into(),
                )
            }
        }
        if label.marking == Tlp::Red || label.marking == Tlp::Clear {
            return Err("an exercise's objects are TLP:GREEN or TLP:AMBER".into());
        }
        Ok(())
    }
}

impl Workflow for Exercises {
    type Thread = Thread;
    type Action = Action;

    fn thread(&self, root: &str, parts: Vec<Part>) -> Option<Thread> {
        Thread::of(root, parts)
    }

    fn admit(&self, ctx: &Context, action: &Action) -> Result<(), Refusal> {
        match action {
            Action::Plan(p) => {
                p.check()?;
            }
            Action::Join(c) => c.check()?,
            Action::Report(s) => s.check()?,
            Action::CloseItem { .. } => {}
        }
        let tier = ctx
            .charter
            .tier_of(&ctx.actor.party)
            .ok_or_else(|| role("a suspended state takes no part in exercises"))?;
        may_exercise(&ctx.actor.party, ctx.actor.role, tier, action.step()).map_err(Refusal::Role)
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
        let one = |root: &str, object: Value, step: ExerciseStep, audit, based_on| Plan {
            root: root.to_owned(),
            writes: vec![Write {
                object,
                step: step.into(),
                audit,
                based_on,
            }],
        };
        match (action, thread) {
            (Action::Plan(input), None) => {
                may_plan(ctx.charter, here, ctx.actor.role, &input)?;
                let id = ids.id(EXERCISE_TYPE);
                let o = objects::plan_object(&id, &input, here, &now, &now);
                Ok(one(
                    &id,
                    o,
                    ExerciseStep::Plan,
                    "exercise.plan",
                    Basis::Nothing,
                ))
            }
            (Action::Plan(_), Some(_)) | (_, None) => Err(Refusal::NotFound),
            (Action::Join(input), Some((root, t))) => {
                may_join(t, here, ctx.now_ns)?;
                let (id, created, based_on) = match t.contributions.get(here) {
                    Some(c) => (c.id.clone(), c.created.clone(), Basis::Latest(c.at_ns)),
                    None => (ids.id(EXERCISE_TYPE), now.clone(), Basis::Nothing),
                };
                let o =
                    objects::contribution_object(&id, root, &t.plan, here, &input, &created, &now);
                Ok(one(root, o, ExerciseStep::Join, "exercise.join", based_on))
            }
            (Action::Report(input), Some((root, t))) => {
                may_report(t, here, &input, ctx.now_ns)?;
                let (id, created, based_on) = match t.sections.get(here) {
                    Some(s) => (s.id.clone(), s.created.clone(), Basis::Latest(s.at_ns)),
                    None => (ids.id(EXERCISE_TYPE), now.clone(), Basis::Nothing),
                };
                let o = objects::section_object(&id, root, &t.plan, here, &input, &created, &now);
                Ok(one(
                    root,
                    o,
                    ExerciseStep::Report,
                    "exercise.report",
                    based_on,
                ))
            }
            (Action::CloseItem { item }, Some((root, t))) => {
                participant(t, here)?;
                let Some(s) = t.sections.get(here) else {
                    return Err(Refusal::NotNow(
                        "this state has written no after-action section here".into(),
                    ));
                };
                let mut input = s.value.clone();
                let Some(it) = input.items.get_mut(item) else {
                    return Err(Invalid(format!(
                        "no improvement item {item} in this state's section"
                    ))
                    .into());
                };
                if it.closed.is_some() {
                    return Err(Refusal::AlreadyDone(
                        "this improvement item is closed already".into(),
                    ));
                }
                it.closed = Some(now.get(..10).unwrap_or("").to_owned());
                let o =
                    objects::section_object(&s.id, root, &t.plan, here, &input, &s.created, &now);
                Ok(one(
                    root,
                    o,
                    ExerciseStep::Report,
                    "exercise.close-item",
                    Basis::Latest(s.at_ns),
                ))
            }
        }
    }

    fn due(&self, _: &Context, _: &str, _: &Thread, _: &mut dyn Ids) -> Vec<Write> {
        Vec::new()
    }
}
