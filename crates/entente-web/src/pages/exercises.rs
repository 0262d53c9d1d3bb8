//! Joint exercises and operations: the list with the improvement items still open across every
//! exercise the user sees, an exercise's page (the plan, the participants and what each brings,
//! the after-action sections the user may see, the open items) with the forms the user may use
//! there (say what the state brings, write or amend the state's section, close an item), and the
//! plan form. The rules are `entente_workflow::exercise`'s; the steps go through
//! `entente_node::governance::take_in`.

use super::extract::{Posted, Signed};
use super::{render, step_failed, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use entente_core::Role;
use entente_node::{governance, workflow};
use entente_workflow::exercise::{
    Action, ContributionInput, Exercises, Item, PlanInput, SectionInput, Status, Thread,
};
use serde::Deserialize;
use std::sync::Arc;

fn commits(s: &Signed) -> bool {
    matches!(s.role, Role::Supervisor | Role::Admin)
}

/// An exercise as the list shows it.
pub struct Row {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub host: String,
    pub starts: String,
    pub ends: String,
    pub status: String,
    pub participants: usize,
}

fn row(t: &Thread, now: i64) -> Row {
    Row {
        id: t.id.clone(),
        name: t.plan.input.name.clone(),
        kind: t.plan.input.kind.clone(),
        host: t.plan.host.to_string(),
        starts: t.plan.input.starts.clone(),
        ends: t.plan.input.ends.clone(),
        status: t.status(now).as_str().to_owned(),
        participants: t.plan.participants.len(),
    }
}

/// An open improvement item, with its exercise.
pub struct OpenItem {
    pub exercise: String,
    pub name: String,
    pub state: String,
    pub index: usize,
    pub item: Item,
    pub overdue: bool,
}

fn open_items(t: &Thread, now: i64) -> Vec<OpenItem> {
    t.open_items(now)
        .into_iter()
        .map(|(state, index, item, overdue)| OpenItem {
            exercise: t.id.clone(),
            name: t.plan.input.name.clone(),
            state: state.to_string(),
            index,
            item: item.clone(),
            overdue,
        })
        .collect()
}

/// This node's state's improvement items still open, across every exercise it sees, the overdue
/// first: what the dashboard shows.
pub async fn our_open_items(
    web: &Web,
    s: &Signed,
) -> Result<Vec<OpenItem>, entente_node::NodeError> {
    let threads = workflow::threads(&web.node, &s.principal, &Exercises, None).await?;
    let now = web.node.now_ns();
    let ours = web.node.party.to_string();
    let mut items: Vec<OpenItem> = threads
        .values()
        .flat_map(|t| open_items(t, now))
        .filter(|i| i.state == ours)
        .collect();
    items.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.item.due.cmp(&b.item.due)));
    Ok(items)
}

#[derive(Template)]
#[template(path = "exercises.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    items: Vec<OpenItem>,
    may_plan: bool,
}

pub async fn list(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let threads = match workflow::threads(&web.node, &s.principal, &Exercises, None).await {
        Ok(t) => t,
        Err(e) => return step_failed(&web, &s, e),
    };
    let now = web.node.now_ns();
    let mut rows: Vec<Row> = threads.values().map(|t| row(t, now)).collect();
    rows.sort_by(|a, b| b.starts.cmp(&a.starts).then(a.name.cmp(&b.name)));
    let mut items: Vec<OpenItem> = threads.values().flat_map(|t| open_items(t, now)).collect();
    items.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.item.due.cmp(&b.item.due)));
    let node = &web.node;
    let page = ListPage {
        rows,
        items,
        may_plan: commits(&s)
            && (node.party.is_secretariat() || node.tier() == entente_core::Tier::Member),
        c: Chrome::new(&web, &s, "/exercises", "title-exercises"),
    };
    render(StatusCode::OK, &page, &page.c)
}

/// A participant as the page shows it: the state, what it brings (if it said), whether it wrote
/// a section the user may see.
pub struct Participant {
    pub state: String,
    pub brings: String,
    pub personnel: u32,
}

/// A section as the page shows it.
pub struct SectionRow {
    pub state: String,
    pub marking: String,
    pub shared_with: String,
    pub section: SectionInput,
}

#[derive(Template)]
#[template(path = "exercise.html")]
struct OnePage {
    c: Chrome,
    id: String,
    r: Row,
    plan: PlanInput,
    planner: String,
    participants: Vec<Participant>,
    sections: Vec<SectionRow>,
    items: Vec<OpenItem>,
    may_join: bool,
    may_report: bool,
    here: String,
}

pub async fn one(State(web): State<Arc<Web>>, s: Signed, Path(id): Path<String>) -> Response {
    let t = match workflow::thread(&web.node, &s.principal, &Exercises, &id).await {
        Ok(t) => t,
        Err(e) => return step_failed(&web, &s, e),
    };
    let now = web.node.now_ns();
    let here = web.node.party.clone();
    let takes_part = commits(&s) && t.plan.participants.contains(&here);
    let status = t.status(now);
    let page = OnePage {
        id: t.id.clone(),
        r: row(&t, now),
        plan: t.plan.input.clone(),
        planner: t.plan.planner.to_string(),
        participants: t
            .plan
            .participants
            .iter()
            .map(|p| {
                let c = t.contributions.get(p);
                Participant {
                    state: p.to_string(),
                    brings: c.map(|c| c.value.brings.clone()).unwrap_or_default(),
                    personnel: c.map_or(0, |c| c.value.personnel),
                }
            })
            .collect(),
        sections: t
            .sections
            .iter()
            .map(|(st, h)| SectionRow {
                state: st.to_string(),
                marking: h.marking.to_string(),
                shared_with: h.value.shared_with.clone(),
                section: h.value.clone(),
            })
            .collect(),
        items: open_items(&t, now),
        may_join: takes_part && status != Status::Done,
        may_report: takes_part && status != Status::Planned,
        here: here.to_string(),
        c: Chrome::new(&web, &s, "/exercises", "title-exercise"),
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Template)]
#[template(path = "exercise_new.html")]
struct NewPage {
    c: Chrome,
    here: String,
}

pub async fn new_form(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let page = NewPage {
        here: if web.node.party.is_secretariat() {
            String::new()
        } else {
            web.node.party.to_string()
        },
        c: Chrome::new(&web, &s, "/exercises", "title-exercise-new"),
    };
    render(StatusCode::OK, &page, &page.c)
}

fn codes(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(str::to_uppercase)
        .collect()
}

#[derive(Deserialize, Default)]
pub struct PlanForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    starts: String,
    #[serde(default)]
    ends: String,
    #[serde(default)]
    scenario: String,
    #[serde(default)]
    objectives: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    shared_with: String,
}

pub async fn create(State(web): State<Arc<Web>>, Posted(s, f): Posted<PlanForm>) -> Response {
    let input = PlanInput {
        name: f.name.trim().to_owned(),
        kind: f.kind,
        host: f.host.trim().to_uppercase(),
        starts: f.starts,
        ends: f.ends,
        scenario: f.scenario.trim().to_owned(),
        objectives: super::warnings::lines(&f.objectives),
        participants: codes(&f.participants),
        shared_with: f.shared_with,
    };
    match governance::take_in(
        &web.node,
        &s.principal,
        &Exercises,
        None,
        Action::Plan(input),
    )
    .await
    {
        Ok(t) => super::see_other(&format!("/exercises/{}", t.root)),
        Err(e) => step_failed(&web, &s, e),
    }
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    brings: String,
    #[serde(default)]
    personnel: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    strengths: String,
    #[serde(default)]
    improvements: String,
    #[serde(default)]
    shared_with: String,
    #[serde(default)]
    item_title: String,
    #[serde(default)]
    item_owner: String,
    #[serde(default)]
    item_due: String,
    #[serde(default)]
    item: String,
}

pub async fn step(
    State(web): State<Arc<Web>>,
    Path((id, step)): Path<(String, String)>,
    Posted(s, f): Posted<StepForm>,
) -> Response {
    let action = match step.as_str() {
        "join" => Action::Join(ContributionInput {
            brings: f.brings.trim().to_owned(),
            personnel: f.personnel.trim().parse().unwrap_or(0),
        }),
        "report" => {
            // Amending keeps the items the section holds; the form adds one.
            let held = match workflow::thread(&web.node, &s.principal, &Exercises, &id).await {
                Ok(t) => t
                    .sections
                    .get(&web.node.party)
                    .map(|h| h.value.items.clone()),
                Err(e) => return step_failed(&web, &s, e),
            };
            let mut items = held.unwrap_or_default();
            if !f.item_title.trim().is_empty() {
                items.push(Item {
                    title: f.item_title.trim().to_owned(),
                    owner: f.item_owner.trim().to_owned(),
                    due: f.item_due,
                    closed: None,
                });
            }
            Action::Report(SectionInput {
                summary: f.summary.trim().to_owned(),
                strengths: f.strengths.trim().to_owned(),
                improvements: f.improvements.trim().to_owned(),
                items,
                shared_with: f.shared_with,
            })
        }
        "close-item" => Action::CloseItem {
            item: f.item.parse().unwrap_or(usize::MAX),
        },
        _ => return super::not_found(&web, &s),
    };
    match governance::take_in(&web.node, &s.principal, &Exercises, Some(&id), action).await {
        Ok(_) => super::see_other(&format!("/exercises/{id}")),
        Err(e) => step_failed(&web, &s, e),
    }
}
