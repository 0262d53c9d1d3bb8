//! `/api/v1/consultations`: emergency consultations. Every rule is in
//! `entente_workflow::consultation` (pure, table-tested); each handler extracts the principal,
//! parses the body, takes the step through `entente_node::governance::take_in` (so the effective
//! charter is current) and answers the consultation as the principal now sees it:
//!
//! | request | who |
//! |---|---|
//! | `POST /api/v1/consultations` — ask for assistance (`title`, `situation`, `location`, `help`, `urgency`, `told`) | a member state's supervisor; the secretariat's supervisors |
//! | `GET /api/v1/consultations`, `GET /api/v1/consultations/{id}` | whoever the objects are addressed to |
//! | `POST .../{id}/convene` — `{"meets_at", "answer_by", "place" or "video_link", "also_invited"}` | the secretariat's supervisors |
//! | `POST .../{id}/responses` — `{"answer": "attend", "delegates"}`, `{"answer": "decline"}`, `{"answer": "offer", "lines": [...]}` | an invited state's supervisor, before the deadline |
//! | `POST .../{id}/verdicts` — `{"response", "line", "accept"}` | the requesting state's supervisor |
//! | `POST .../{id}/close` — `{"minutes", "statement", "outcome", "decision_ref", "participants"}` | the secretariat's supervisors |
//!
//! A consultation a principal is not addressed answers 404; an answer after the deadline 409
//! (`deadline_passed`).

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
use entente_workflow::consultation::{
    objects::Record, view, Action, Answer, Consultations, ConveneInput, Location, RequestInput,
};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Node>> {
    Router::new()
        .route("/api/v1/consultations", post(request).get(list))
        .route("/api/v1/consultations/{id}", get(one))
        .route("/api/v1/consultations/{id}/convene", post(convene))
        .route("/api/v1/consultations/{id}/responses", post(respond))
        .route("/api/v1/consultations/{id}/verdicts", post(decide))
        .route("/api/v1/consultations/{id}/close", post(close))
}

async fn answer(
    node: &Arc<Node>,
    p: &Principal,
    id: &str,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let t = workflow::thread(node, p, &Consultations, id).await?;
    Ok(json_response(status, &view(&t)))
}

async fn step(
    node: &Arc<Node>,
    p: &Principal,
    id: Option<&str>,
    action: Action,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let taken = governance::take_in(node, p, &Consultations, id, action).await?;
    answer(node, p, &taken.root, status).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestBody {
    title: String,
    situation: String,
    location: Location,
    help: Vec<String>,
    urgency: String,
    /// The states told of the request besides the secretariat.
    #[serde(default)]
    told: Vec<String>,
}

async fn request(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    body: Body,
) -> Result<Response, ApiError> {
    let b: RequestBody = crate::body::step_body(&node, body).await?;
    let input = RequestInput {
        title: b.title,
        situation: b.situation,
        location: b.location,
        help: b.help,
        urgency: b.urgency,
    };
    let action = Action::Request {
        input,
        told: b.told,
    };
    step(&node, &p, None, action, StatusCode::CREATED).await
}

async fn list(State(node): State<Arc<Node>>, Reader(p): Reader) -> Result<Response, ApiError> {
    let threads = workflow::threads(&node, &p, &Consultations, None).await?;
    let out: Vec<_> = threads.values().map(view).collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({ "consultations": out }),
    ))
}

async fn one(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    answer(&node, &p, &id, StatusCode::OK).await
}

async fn convene(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let input: ConveneInput = crate::body::step_body(&node, body).await?;
    step(&node, &p, Some(&id), Action::Convene(input), StatusCode::OK).await
}

async fn respond(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let a: Answer = crate::body::step_body(&node, body).await?;
    step(
        &node,
        &p,
        Some(&id),
        Action::Respond(a),
        StatusCode::CREATED,
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictBody {
    response: String,
    line: usize,
    accept: bool,
}

async fn decide(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let v: VerdictBody = crate::body::step_body(&node, body).await?;
    let action = Action::Decide {
        response: v.response,
        line: v.line,
        accept: v.accept,
    };
    step(&node, &p, Some(&id), action, StatusCode::OK).await
}

async fn close(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let r: Record = crate::body::step_body(&node, body).await?;
    step(&node, &p, Some(&id), Action::Close(r), StatusCode::OK).await
}
