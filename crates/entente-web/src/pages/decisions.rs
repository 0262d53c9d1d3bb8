//! The organization's decisions: the list with its filter, a decision's page (its terms, the tally
//! as a chart, every ballot, and the ballot and withdrawal forms where the user may use them),
//! the proposal form, and the effective charter (parties and tiers, the presidency, the unified
//! list, applications and the application form). Every rule is the workflow's
//! (`entente_workflow::decision`); the steps go through `entente_node::governance` as the REST
//! API's do.

use super::extract::{Posted, Signed};
use super::{render, step_failed, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use entente_core::Role;
use entente_node::{governance, workflow};
use entente_workflow::decision::{Action, ApplicationInput, Applications, ProposalInput, Vote};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_owned()
}

fn count(v: &Value, key: &str) -> usize {
    v["tally"][key]
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
}

/// A decision as the list shows it.
pub struct Row {
    pub id: String,
    pub title: String,
    pub status: String,
    pub procedure: String,
    pub effect: String,
    pub proposer: String,
    pub deadline: String,
    pub approve: usize,
    pub abstain: usize,
    pub object: usize,
    pub silent: usize,
}

impl Row {
    fn of(v: &Value) -> Row {
        Row {
            id: text(v, "id"),
            title: text(v, "title"),
            status: text(v, "status"),
            procedure: text(v, "procedure"),
            effect: v["effect"]["kind"].as_str().unwrap_or("").to_owned(),
            proposer: text(v, "proposer"),
            deadline: text(v, "deadline"),
            approve: count(v, "approve"),
            abstain: count(v, "abstain"),
            object: count(v, "object"),
            silent: count(v, "silent"),
        }
    }
}

#[derive(Template)]
#[template(path = "decisions.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    statuses: &'static [&'static str],
    status: String,
    may_propose: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
}

const STATUSES: [&str; 5] = ["open", "adopted", "rejected", "lapsed", "withdrawn"];

/// Whether the user's node is of a state that proposes (a member or the secretariat) and the
/// user commits it (the secretariat's staff propose whatever their role).
fn may_propose(web: &Web, s: &Signed) -> bool {
    let node = &web.node;
    let member = node.tier() == entente_core::Tier::Member;
    node.party.is_secretariat() || (member && matches!(s.role, Role::Supervisor | Role::Admin))
}

pub async fn list(State(web): State<Arc<Web>>, s: Signed, Query(q): Query<ListQuery>) -> Response {
    let status = Some(q.status.clone()).filter(|s| STATUSES.contains(&s.as_str()));
    let filter = governance::Filter {
        status,
        ..Default::default()
    };
    let views = match governance::decisions(&web.node, &s.principal, &filter).await {
        Ok(v) => v,
        Err(e) => return step_failed(&web, &s, e),
    };
    let page = ListPage {
        rows: views.iter().map(Row::of).collect(),
        statuses: &STATUSES,
        status: q.status,
        may_propose: may_propose(&web, &s),
        c: Chrome::new(&web, &s, "/decisions", "title-decisions"),
    };
    render(StatusCode::OK, &page, &page.c)
}

/// One ballot as the page shows it.
pub struct BallotRow {
    pub state: String,
    pub vote: String,
    pub cast: String,
    pub statement: String,
    /// `counts`, `replaced`, or the refusal's code.
    pub standing: String,
}

#[derive(Template)]
#[template(path = "decision.html")]
struct OnePage {
    c: Chrome,
    row: Row,
    description: String,
    opened: String,
    closed: String,
    members: Vec<String>,
    effect: Vec<(String, String)>,
    chart: String,
    ballots: Vec<BallotRow>,
    withdrawal_reason: String,
    may_vote: bool,
    may_withdraw: bool,
    own_vote: String,
}

pub async fn one(State(web): State<Arc<Web>>, s: Signed, Path(id): Path<String>) -> Response {
    let v = match governance::decision(&web.node, &s.principal, &id).await {
        Ok(v) => v,
        Err(e) => return step_failed(&web, &s, e),
    };
    let c = Chrome::new(&web, &s, "/decisions", "title-decision");
    let row = Row::of(&v);
    let node = &web.node;
    let here = node.party.as_str();
    let open = row.status == "open";
    let members: Vec<String> = v["members"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let commits = matches!(s.role, Role::Supervisor | Role::Admin);
    let may_vote = open && commits && members.iter().any(|m| m == here);
    let may_withdraw = open && row.proposer == here && (commits || node.party.is_secretariat());
    let bars = vec![
        (c.t.value("vote", "approve"), row.approve as f64),
        (c.t.value("vote", "abstain"), row.abstain as f64),
        (c.t.value("vote", "object"), row.object as f64),
        (c.t.m("tally-silent"), row.silent as f64),
    ];
    let chart = super::dashboard::bar_chart(&c.t.m("tally"), &bars, &c.t.m("unit-states"));
    let ballots: Vec<BallotRow> = v["ballots"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|b| BallotRow {
                    state: text(b, "state"),
                    vote: text(b, "vote"),
                    cast: text(b, "cast"),
                    statement: text(b, "statement"),
                    standing: if let Some(r) = b["refused"].as_str() {
                        r.to_owned()
                    } else if b["counts"] == json!(true) {
                        "counts".into()
                    } else {
                        "replaced".into()
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    let effect = v["effect"]
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| *k != "kind")
                .map(|(k, x)| {
                    let shown = match x {
                        Value::String(s) => s.clone(),
                        Value::Array(a) => a
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", "),
                        other => other.to_string(),
                    };
                    (k.clone(), shown)
                })
                .collect()
        })
        .unwrap_or_default();
    let page = OnePage {
        description: text(&v, "description"),
        opened: text(&v, "opened"),
        closed: text(&v, "closed"),
        own_vote: v["votes"][here].as_str().unwrap_or("").to_owned(),
        withdrawal_reason: text(&v, "withdrawal_reason"),
        members,
        effect,
        chart,
        ballots,
        may_vote,
        may_withdraw,
        row,
        c,
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    vote: String,
    #[serde(default)]
    statement: String,
    #[serde(default)]
    reason: String,
}

pub async fn step(
    State(web): State<Arc<Web>>,
    Path((id, step)): Path<(String, String)>,
    Posted(s, f): Posted<StepForm>,
) -> Response {
    let action = match step.as_str() {
        "ballot" => match Vote::parse(&f.vote) {
            Ok(vote) => Action::Ballot {
                vote,
                statement: Some(f.statement).filter(|t| !entente_core::text::is_blank(t)),
            },
            Err(e) => return super::refused(&web, &s, "error-invalid_input", Some(e.to_string())),
        },
        "withdraw" => Action::Withdraw { reason: f.reason },
        _ => return super::not_found(&web, &s),
    };
    match governance::step(&web.node, &s.principal, &id, action).await {
        Ok(_) => super::see_other(&format!("/decisions/{id}")),
        Err(e) => step_failed(&web, &s, e),
    }
}

#[derive(Template)]
#[template(path = "decision_new.html")]
struct NewPage {
    c: Chrome,
    procedures: &'static [&'static str],
    kinds: &'static [&'static str],
    application: String,
    entry: String,
    document: String,
    programme: String,
    min_silence_hours: u64,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    application: String,
    #[serde(default)]
    entry: String,
    #[serde(default)]
    document: String,
    #[serde(default)]
    programme: String,
}

const PROCEDURES: [&str; 3] = ["consensus", "silence", "consensus-minus-one"];

pub async fn new_form(
    State(web): State<Arc<Web>>,
    s: Signed,
    Query(q): Query<NewQuery>,
) -> Response {
    let page = NewPage {
        procedures: &PROCEDURES,
        kinds: &entente_workflow::decision::Effect::KINDS,
        application: q.application,
        entry: q.entry,
        document: q.document,
        programme: q.programme,
        min_silence_hours: u64::from(web.node.effective.current().charter().min_silence_hours),
        c: Chrome::new(&web, &s, "/decisions", "title-decision-new"),
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Deserialize, Default)]
pub struct ProposalForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    procedure: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    entry_ref: String,
    #[serde(default)]
    application_ref: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    epoch_year: String,
    #[serde(default)]
    document_ref: String,
    #[serde(default)]
    programme_ref: String,
}

impl ProposalForm {
    /// The effect the form describes: the fields its kind takes (the workflow says what is
    /// wrong with them).
    fn effect(&self) -> Value {
        let mut e = json!({ "kind": self.kind });
        let mut put = |k: &str, v: &str| {
            if !v.trim().is_empty() {
                e[k] = json!(v.trim());
            }
        };
        match self.kind.as_str() {
            "designate" | "delist" => put("entry_ref", &self.entry_ref),
            "admit" => put("application_ref", &self.application_ref),
            "suspend" | "reinstate" => put("state", &self.state.to_uppercase()),
            "adopt-document" => put("document_ref", &self.document_ref),
            "adopt-programme" => put("programme_ref", &self.programme_ref),
            "presidency" => {
                let order: Vec<String> = self
                    .order
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(str::to_uppercase)
                    .collect();
                e["order"] = json!(order);
                if let Ok(y) = self.epoch_year.trim().parse::<i64>() {
                    e["epoch_year"] = json!(y);
                }
            }
            _ => {}
        }
        e
    }
}

pub async fn create(State(web): State<Arc<Web>>, Posted(s, f): Posted<ProposalForm>) -> Response {
    let input = ProposalInput {
        effect: f.effect(),
        title: f.title,
        description: f.description,
        procedure: f.procedure,
        deadline: super::warnings::moment_of(&f.deadline),
    };
    match governance::propose(&web.node, &s.principal, input).await {
        Ok(taken) => super::see_other(&format!("/decisions/{}", taken.root)),
        Err(e) => step_failed(&web, &s, e),
    }
}

/// An application as the charter page lists it.
pub struct AppRow {
    pub id: String,
    pub state: String,
    pub name: String,
    pub tier: String,
    pub by: String,
    pub created: String,
    pub statement: String,
}

#[derive(Template)]
#[template(path = "charter.html")]
struct CharterPage {
    c: Chrome,
    parties: Vec<(String, String, String, bool)>,
    presiding: String,
    year: i32,
    terms: Vec<(i32, String)>,
    unified: Vec<(String, String)>,
    applications: Vec<AppRow>,
    tiers: &'static [&'static str],
    may_apply: bool,
    may_propose: bool,
    min_silence_hours: u64,
}

pub async fn charter(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let node = &web.node;
    let current = match governance::refresh(node, false).await {
        Ok(c) => c,
        Err(e) => return step_failed(&web, &s, e),
    };
    let apps = match workflow::threads(node, &s.principal, &Applications, None).await {
        Ok(a) => a,
        Err(e) => return step_failed(&web, &s, e),
    };
    let charter = current.charter();
    let year = entente_stix::Timestamp::from_micros(node.now_us())
        .to_stix_string()
        .get(..4)
        .and_then(|y| y.parse().ok())
        .unwrap_or(charter.presidency_epoch_year);
    let n = i32::try_from(charter.presidency_order.len()).unwrap_or(0);
    let mut applications: Vec<AppRow> = apps
        .values()
        .map(|a| AppRow {
            id: a.id.clone(),
            state: a.fields.state.to_string(),
            name: a.fields.name.clone(),
            tier: a.fields.tier.as_str().to_owned(),
            by: a.by.to_string(),
            created: a.created.clone(),
            statement: a.fields.statement.clone(),
        })
        .collect();
    applications.sort_by(|a, b| b.created.cmp(&a.created));
    let commits = matches!(s.role, Role::Supervisor | Role::Admin);
    let page = CharterPage {
        parties: charter
            .parties()
            .map(|p| {
                (
                    p.code.to_string(),
                    p.name.clone(),
                    p.tier.as_str().to_owned(),
                    p.suspended,
                )
            })
            .collect(),
        presiding: charter
            .presiding(year)
            .map(|p| p.to_string())
            .unwrap_or_default(),
        year,
        terms: (year..year + n.max(1))
            .map(|y| {
                (
                    y,
                    charter
                        .presiding(y)
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        unified: current
            .effective
            .unified
            .iter()
            .map(|(e, d)| (e.clone(), d.clone()))
            .collect(),
        applications,
        tiers: &["member", "observer", "dialogue-partner"],
        may_apply: node.party.is_secretariat()
            || (commits && node.tier() != entente_core::Tier::Member),
        may_propose: may_propose(&web, &s),
        min_silence_hours: u64::from(charter.min_silence_hours),
        c: Chrome::new(&web, &s, "/charter", "title-charter"),
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Deserialize, Default)]
pub struct ApplicationForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    statement: String,
}

pub async fn apply(State(web): State<Arc<Web>>, Posted(s, f): Posted<ApplicationForm>) -> Response {
    let input = ApplicationInput {
        state: f.state.trim().to_uppercase(),
        name: f.name,
        tier: f.tier,
        key: Some(f.key.trim().to_owned()).filter(|k| !k.is_empty()),
        statement: f.statement,
    };
    if let Err(e) = governance::refresh(&web.node, false).await {
        return step_failed(&web, &s, e);
    }
    match workflow::take(&web.node, &s.principal, &Applications, None, input).await {
        Ok(_) => super::see_other("/charter"),
        Err(e) => step_failed(&web, &s, e),
    }
}
