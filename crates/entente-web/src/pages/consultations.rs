//! Emergency consultations: the list, a consultation's page (what was asked, the conference, who
//! has answered and who is awaited, the offers against the help asked for with their verdicts, the
//! accepted plan, the record) with the forms the user may use there (convene, answer, accept or
//! decline an offer, close), and the request form. The rules are
//! `entente_workflow::consultation`'s; the steps go through `entente_node::governance::take_in`.

use super::extract::{Posted, Signed};
use super::{render, step_failed, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use entente_core::Role;
use entente_node::{governance, workflow};
use entente_workflow::consultation::{
    objects::Record, Action, Answer, Consultations, ConveneInput, Location, OfferLine,
    RequestInput, Status, Thread, Verdict,
};
use serde::Deserialize;
use std::sync::Arc;

fn commits(s: &Signed) -> bool {
    matches!(s.role, Role::Supervisor | Role::Admin)
}

/// A consultation as the list shows it.
pub struct Row {
    pub id: String,
    pub title: String,
    pub requester: String,
    pub urgency: String,
    pub status: String,
    pub answered: usize,
    pub awaiting: usize,
}

fn row(t: &Thread) -> Row {
    Row {
        id: t.id.clone(),
        title: t.request.title.clone(),
        requester: t.requester.to_string(),
        urgency: t.request.urgency.clone(),
        status: t.status().as_str().to_owned(),
        answered: t.responses.len(),
        awaiting: t.awaiting().len(),
    }
}

/// The consultations whose invitation this node's state has not answered yet, before the
/// deadline: what the dashboard shows.
pub async fn awaiting_us(web: &Web, s: &Signed) -> Result<Vec<Row>, entente_node::NodeError> {
    let node = &web.node;
    let now = node.now_us().saturating_mul(1000);
    let threads = workflow::threads(node, &s.principal, &Consultations, None).await?;
    Ok(threads
        .values()
        .filter(|t| t.status() == Status::Convened)
        .filter(|t| {
            t.conference
                .as_ref()
                .is_some_and(|c| now <= c.answer_by_ns && c.invited.contains(&node.party))
                && !t.responses.contains_key(&node.party)
        })
        .map(row)
        .collect())
}

#[derive(Template)]
#[template(path = "consultations.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    may_request: bool,
}

pub async fn list(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let threads = match workflow::threads(&web.node, &s.principal, &Consultations, None).await {
        Ok(t) => t,
        Err(e) => return step_failed(&web, &s, e),
    };
    let mut rows: Vec<Row> = threads.values().map(row).collect();
    rows.sort_by(|a, b| a.status.cmp(&b.status).then(a.title.cmp(&b.title)));
    let node = &web.node;
    let page = ListPage {
        rows,
        may_request: commits(&s)
            && (node.party.is_secretariat() || node.tier() == entente_core::Tier::Member),
        c: Chrome::new(&web, &s, "/consultations", "title-consultations"),
    };
    render(StatusCode::OK, &page, &page.c)
}

/// One offer line as the page shows it.
pub struct OfferRow {
    pub response: String,
    pub state: String,
    pub line: usize,
    pub offer: OfferLine,
    pub verdict: String,
    pub asked: bool,
}

/// One line of a consultation's timeline: when, what (a message key), who, and a detail (an
/// answer's kind, or how long before the deadline a reminder went).
pub struct Moment {
    pub at: String,
    pub what: &'static str,
    pub who: String,
    pub answer: String,
    pub hours: Option<u32>,
}

/// What happened on a consultation, in order, as far as this principal sees it.
fn timeline(t: &entente_workflow::consultation::Thread) -> Vec<Moment> {
    let at = |ns: i64| entente_stix::Timestamp::from_nanos(ns).to_stix_string();
    let moment = |at: String, what, who: String| Moment {
        at,
        what,
        who,
        answer: String::new(),
        hours: None,
    };
    let mut out = Vec::new();
    if !t.created.is_empty() {
        out.push(moment(
            t.created.clone(),
            "tl-requested",
            t.requester.to_string(),
        ));
    }
    if let Some(c) = &t.conference {
        let invited: Vec<&str> = c.invited.iter().map(|p| p.as_str()).collect();
        out.push(moment(c.created.clone(), "tl-convened", invited.join(", ")));
        if c.closed.is_some() {
            out.push(moment(at(c.version_ns), "tl-closed", String::new()));
        }
    }
    for r in t.responses.values() {
        out.push(Moment {
            answer: r.answer.kind().to_owned(),
            ..moment(at(r.at_ns), "tl-answered", r.state.to_string())
        });
    }
    for r in &t.reminders {
        let to: Vec<&str> = r.to.iter().map(|p| p.as_str()).collect();
        out.push(Moment {
            hours: Some(r.hours),
            ..moment(at(r.at_ns), "tl-reminded", to.join(", "))
        });
    }
    // STIX timestamps of one precision sort as text.
    out.sort_by(|a, b| a.at.cmp(&b.at));
    out
}

#[derive(Template)]
#[template(path = "consultation.html")]
struct OnePage {
    c: Chrome,
    id: String,
    r: Row,
    request: RequestInput,
    conference: Option<(String, String, String, String, Vec<String>)>,
    record: Option<Record>,
    answers: Vec<(String, String)>,
    awaiting: Vec<String>,
    offers: Vec<OfferRow>,
    plan: Vec<(String, OfferLine)>,
    timeline: Vec<Moment>,
    may_convene: bool,
    may_answer: bool,
    may_decide: bool,
    may_close: bool,
    kinds: &'static [&'static str],
}

pub async fn one(State(web): State<Arc<Web>>, s: Signed, Path(id): Path<String>) -> Response {
    let t = match workflow::thread(&web.node, &s.principal, &Consultations, &id).await {
        Ok(t) => t,
        Err(e) => return step_failed(&web, &s, e),
    };
    let node = &web.node;
    let here = node.party.clone();
    let supervisor = commits(&s);
    let open = t.status() == Status::Convened;
    let invited = t
        .conference
        .as_ref()
        .is_some_and(|c| c.invited.contains(&here));
    let before_deadline = t
        .conference
        .as_ref()
        .is_some_and(|c| node.now_us() * 1000 <= c.answer_by_ns);
    let offers: Vec<OfferRow> = t
        .offers()
        .into_iter()
        .map(|(r, i, l, v)| OfferRow {
            response: r.id.clone(),
            state: r.state.to_string(),
            line: i,
            asked: t.request.help.contains(&l.kind),
            offer: l.clone(),
            verdict: match v {
                Some(Verdict::Accepted) => "accepted",
                Some(Verdict::Declined) => "declined",
                None => "pending",
            }
            .into(),
        })
        .collect();
    let conference = t.conference.as_ref().map(|c| {
        (
            c.place.clone().unwrap_or_default(),
            c.video_link.clone().unwrap_or_default(),
            entente_stix::Timestamp::from_nanos(c.meets_ns).to_stix_string(),
            entente_stix::Timestamp::from_nanos(c.answer_by_ns).to_stix_string(),
            c.invited.iter().map(|p| p.to_string()).collect(),
        )
    });
    let page = OnePage {
        id: t.id.clone(),
        r: row(&t),
        request: t.request.clone(),
        record: t.conference.as_ref().and_then(|c| c.closed.clone()),
        conference,
        answers: t
            .responses
            .values()
            .map(|r| (r.state.to_string(), r.answer.kind().to_owned()))
            .collect(),
        awaiting: t.awaiting().iter().map(|p| p.to_string()).collect(),
        plan: t
            .plan()
            .into_iter()
            .map(|(st, l)| (st.to_string(), l.clone()))
            .collect(),
        timeline: timeline(&t),
        may_convene: supervisor && here.is_secretariat() && t.status() == Status::Requested,
        may_answer: supervisor && open && invited && before_deadline,
        may_decide: supervisor && open && here == t.requester,
        may_close: supervisor && here.is_secretariat() && open,
        kinds: &entente_workflow::consultation::objects::HELP_KINDS,
        offers,
        c: Chrome::new(&web, &s, "/consultations", "title-consultation"),
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Template)]
#[template(path = "consultation_new.html")]
struct NewPage {
    c: Chrome,
    kinds: &'static [&'static str],
}

pub async fn new_form(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let page = NewPage {
        kinds: &entente_workflow::consultation::objects::HELP_KINDS,
        c: Chrome::new(&web, &s, "/consultations", "title-consultation-new"),
    };
    render(StatusCode::OK, &page, &page.c)
}

pub async fn create(
    State(web): State<Arc<Web>>,
    Posted(s, pairs): Posted<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let input = RequestInput {
        title: get("title"),
        situation: get("situation"),
        location: Location {
            name: get("place"),
            country: Some(get("country").to_uppercase()).filter(|c| !c.is_empty()),
            latitude: get("latitude").parse().ok(),
            longitude: get("longitude").parse().ok(),
        },
        help: pairs
            .iter()
            .filter(|(n, _)| n == "help")
            .map(|(_, v)| v.clone())
            .collect(),
        urgency: get("urgency"),
    };
    let action = Action::Request {
        input,
        told: Vec::new(),
    };
    match governance::take_in(&web.node, &s.principal, &Consultations, None, action).await {
        Ok(t) => super::see_other(&format!("/consultations/{}", t.root)),
        Err(e) => step_failed(&web, &s, e),
    }
}

#[derive(Deserialize, Default)]
pub struct StepForm {
    #[serde(default)]
    place: String,
    #[serde(default)]
    video_link: String,
    #[serde(default)]
    meets_at: String,
    #[serde(default)]
    answer_by: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    delegates: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    quantity: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    conditions: String,
    #[serde(default)]
    available_from: String,
    #[serde(default)]
    duration_days: String,
    #[serde(default)]
    response: String,
    #[serde(default)]
    line: String,
    #[serde(default)]
    accept: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    statement: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    participants: String,
}

fn some(s: String) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

pub async fn step(
    State(web): State<Arc<Web>>,
    Path((id, step)): Path<(String, String)>,
    Posted(s, f): Posted<StepForm>,
) -> Response {
    let action = match step.as_str() {
        "convene" => Action::Convene(ConveneInput {
            also_invited: Vec::new(),
            place: some(f.place),
            video_link: some(f.video_link),
            meets_at: super::warnings::moment_of(&f.meets_at),
            answer_by: super::warnings::moment_of(&f.answer_by),
        }),
        "answer" => Action::Respond(match f.answer.as_str() {
            "attend" => Answer::Attend {
                delegates: super::warnings::lines(&f.delegates),
            },
            "offer" => Answer::Offer {
                lines: vec![OfferLine {
                    kind: f.kind,
                    description: f.description,
                    quantity: f.quantity.trim().parse().unwrap_or(0),
                    unit: f.unit,
                    conditions: f.conditions,
                    available_from: f.available_from,
                    duration_days: f.duration_days.trim().parse().unwrap_or(0),
                }],
            },
            _ => Answer::Decline { reason: f.reason },
        }),
        "verdict" => Action::Decide {
            response: f.response,
            line: f.line.parse().unwrap_or(usize::MAX),
            accept: f.accept == "accept",
        },
        "close" => Action::Close(Record {
            minutes: f.minutes,
            statement: f.statement,
            outcome: f.outcome,
            decision_ref: None,
            participants: f
                .participants
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
        }),
        _ => return super::not_found(&web, &s),
    };
    match governance::take_in(&web.node, &s.principal, &Consultations, Some(&id), action).await {
        Ok(_) => super::see_other(&format!("/consultations/{id}")),
        Err(e) => step_failed(&web, &s, e),
    }
}
