//! `/api/v1/exercises`: joint exercises and operations. Every rule is in
//! `entente_workflow::exercise` (pure, table-tested); each handler extracts the principal, parses
//! the body, takes the step through `entente_node::governance::take_in` (so the effective charter
//! is current) and answers the exercise as the principal now sees it:
//!
//! | request | who |
//! |---|---|
//! | `POST /api/v1/exercises` — plan (`name`, `kind`, `host`, `starts`, `ends`, `scenario`, `objectives`, `participants`, `shared_with`) | the host member state's supervisor; the secretariat's supervisors |
//! | `GET /api/v1/exercises`, `GET /api/v1/exercises/{id}` | whoever the plan is shared with |
//! | `POST .../{id}/contributions` — `{"brings", "personnel"}` | a participating state's supervisor, until the last day |
//! | `POST .../{id}/after-action` — `{"summary", "strengths", "improvements", "items", "shared_with"}` | a participating state's supervisor, from the first day |
//! | `POST .../{id}/items/{n}/close` | the supervisor of the state whose section holds item `n` |
//! | `GET /api/v1/improvement-items` — the open items of every exercise the principal sees | anyone |
//!
//! An exercise a principal may not see answers 404; each after-action section is seen only as its
//! state's sharing allows.

use crate::auth::{Author, Principal, Reader};
use crate::body::json_response;
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use entente_node::governance;
use entente_node::node::Node;
use entente_node::workflow;
use entente_workflow::exercise::{
    view, Action, ContributionInput, Exercises, PlanInput, SectionInput,
};
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Node>> {
    Router::new()
        .route("/api/v1/exercises", post(plan).get(list))
        .route("/api/v1/exercises/{id}", get(one))
        .route("/api/v1/exercises/{id}/contributions", post(join))
        .route("/api/v1/exercises/{id}/after-action", post(report))
        .route("/api/v1/exercises/{id}/items/{n}/close", post(close_item))
        .route("/api/v1/improvement-items", get(open_items))
}

async fn answer(
    node: &Arc<Node>,
    p: &Principal,
    id: &str,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let t = workflow::thread(node, p, &Exercises, id).await?;
    Ok(json_response(status, &view(&t, node.now_ns())))
}

async fn step(
    node: &Arc<Node>,
    p: &Principal,
    id: Option<&str>,
    action: Action,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let taken = governance::take_in(node, p, &Exercises, id, action).await?;
    answer(node, p, &taken.root, status).await
}

async fn plan(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    body: Body,
) -> Result<Response, ApiError> {
    let input: PlanInput = crate::body::step_body(&node, body).await?;
    step(&node, &p, None, Action::Plan(input), StatusCode::CREATED).await
}

async fn list(State(node): State<Arc<Node>>, Reader(p): Reader) -> Result<Response, ApiError> {
    let threads = workflow::threads(&node, &p, &Exercises, None).await?;
    let now = node.now_ns();
    let mut out: Vec<_> = threads.values().collect();
    // The latest first.
    out.sort_by(|a, b| b.plan.input.starts.cmp(&a.plan.input.starts));
    let out: Vec<_> = out.into_iter().map(|t| view(t, now)).collect();
    Ok(json_response(StatusCode::OK, &json!({ "exercises": out })))
}

async fn one(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    answer(&node, &p, &id, StatusCode::OK).await
}

async fn join(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let input: ContributionInput = crate::body::step_body(&node, body).await?;
    step(
        &node,
        &p,
        Some(&id),
        Action::Join(input),
        StatusCode::CREATED,
    )
    .await
}

async fn report(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let input: SectionInput = crate::body::step_body(&node, body).await?;
    step(
        &node,
        &p,
        Some(&id),
        Action::Report(input),
        StatusCode::CREATED,
    )
    .await
}

async fn close_item(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path((id, n)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let n: usize = n.parse().map_err(|_| {
        entente_workflow::Refusal::Invalid(entente_workflow::Invalid(format!(
            "`{n}` is not an item's number (0, 1, ...)"
        )))
    })?;
    step(
        &node,
        &p,
        Some(&id),
        Action::CloseItem { item: n },
        StatusCode::OK,
    )
    .await
}

/// The improvement items still open across every exercise the principal sees, the overdue first.
async fn open_items(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
) -> Result<Response, ApiError> {
    let threads = workflow::threads(&node, &p, &Exercises, None).await?;
    let now = node.now_ns();
    let mut items = Vec::new();
    for t in threads.values() {
        for (state, i, item, overdue) in t.open_items(now) {
            items.push(json!({
                "exercise": t.id, "name": t.plan.input.name, "state": state.as_str(), "item": i,
                "title": item.title, "owner": item.owner, "due": item.due, "overdue": overdue,
            }));
        }
    }
    items.sort_by(|a, b| {
        (b["overdue"].as_bool(), a["due"].as_str())
            .cmp(&(a["overdue"].as_bool(), b["due"].as_str()))
    });
    Ok(json_response(StatusCode::OK, &json!({ "items": items })))
}
