//! `/api/v1/warnings`: joint warnings through their life. Every rule is in
//! `entente_workflow::warning` (pure, table-tested); each handler extracts the principal, parses
//! the request, takes the step (`entente_node::workflow::take`) and answers the warning as the
//! principal now sees it:
//!
//! | request | who |
//! |---|---|
//! | `POST /api/v1/warnings` — write a draft | a user of the issuing node (`Author`) |
//! | `GET /api/v1/warnings?status=&kind=&issuer=` — list | anyone, of what they may see |
//! | `GET /api/v1/warnings/{id}` — one, with its reviews, hits and thread as visible | anyone |
//! | `PUT /api/v1/warnings/{id}` — revise a draft or a refused warning; update a published one | a user of the issuing node; updating a published one, a supervisor |
//! | `POST .../{id}/submit` — to the secretariat for review | a supervisor of the issuing node |
//! | `POST .../{id}/review` — `{"verdict": "accepted"|"refused", "reasons": "..."}` | the secretariat's staff, on the secretariat's node |
//! | `POST .../{id}/publish`, `.../extend`, `.../cancel` | a supervisor of the issuing node |
//! | `POST .../{id}/acknowledge` | a user of an addressed state's node |
//! | `POST .../{id}/hits` — the subject was found | a user of a state the warning reaches |
//! | `POST .../{id}/thread` — supplementary information on a hit | the issuer's or the reporting state's users |
//!
//! Who may take each step is the write policy's (`entente_core::may_write`), asked before any work
//! and again with the step as the objects are stored; the handlers hold no rule of their own.
//! What a principal may not see answers 404, as if absent; a step the warning's life does not allow
//! now answers 409 with what is allowed, as does a step that lost a race with another on the same
//! warning (steps on one warning are taken one at a time, and each is refused if the warning
//! changed since it was read); a role that may not take the step answers 403.

use crate::auth::{Author, Principal, Reader};
use crate::body::json_response;
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use entente_core::warning::Status;
use entente_node::node::{Node, COLLECTION_ID};
use entente_node::workflow;
use entente_store::AuditRecord;
use entente_workflow::warning::{self, Action, HitInput, WarningInput};
use entente_workflow::Warnings;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Node>> {
    Router::new()
        .route("/api/v1/warnings", post(create).get(list))
        .route("/api/v1/warnings/{id}", get(get_one).put(edit))
        .route("/api/v1/warnings/{id}/submit", post(submit))
        .route("/api/v1/warnings/{id}/review", post(review))
        .route("/api/v1/warnings/{id}/publish", post(publish))
        .route("/api/v1/warnings/{id}/extend", post(extend))
        .route("/api/v1/warnings/{id}/cancel", post(cancel))
        .route("/api/v1/warnings/{id}/acknowledge", post(acknowledge))
        .route("/api/v1/warnings/{id}/hits", post(report_hit))
        .route("/api/v1/warnings/{id}/thread", post(follow_up))
}

/// The warnings workflow; its reminders are the node's (`entente::serve`).
const WARNINGS: Warnings = Warnings::new(Vec::new());

/// The warning as the principal now sees it.
async fn answer(
    node: &Node,
    p: &Principal,
    id: &str,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let thread = workflow::thread(node, p, &WARNINGS, id).await?;
    let view = warning::view(
        id,
        &thread,
        node.now_us() * 1000,
        true,
        node.effective.current().charter(),
        &p.viewer,
    )
    .ok_or(ApiError::NotFound)?;
    Ok(json_response(status, &view))
}

/// Takes `action` on the warning `id` (`None`: a new one) and answers the warning with `status`.
async fn step(
    node: &Arc<Node>,
    p: &Principal,
    id: Option<&str>,
    action: Action,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let taken = workflow::take(node, p, &WARNINGS, id, action).await?;
    answer(node, p, &taken.root, status).await
}

async fn create(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    body: Body,
) -> Result<Response, ApiError> {
    let input: WarningInput = crate::body::step_body(&node, body).await?;
    step(&node, &p, None, Action::Draft(input), StatusCode::CREATED).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// `active` (published and not expired), `all`, or statuses separated by commas.
    status: Option<String>,
    kind: Option<String>,
    issuer: Option<String>,
}

async fn list(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|e| {
        ApiError::BadRequest(format!(
            "{}: this endpoint takes `status` (active, all, or statuses), `kind` and `issuer`",
            e.body_text()
        ))
    })?;
    let status_filter = q.status.unwrap_or_else(|| "all".into());
    for s in status_filter.split(',') {
        let s = s.trim();
        if s != "active" && s != "all" {
            Status::parse(s).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        }
    }
    if let Some(k) = &q.kind {
        entente_core::warning::Kind::parse(k).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    }
    if let Some(i) = &q.issuer {
        entente_core::PartyCode::parse(i).map_err(|_| {
            ApiError::BadRequest(format!(
                "`issuer` is `{i}`: a state's two-letter code (ISO 3166-1 alpha-2) or SECRETARIAT"
            ))
        })?;
    }
    let now = node.now_us() * 1000;
    let threads = workflow::threads(&node, &p, &WARNINGS, None).await?;
    let mut out = Vec::new();
    for (id, thread) in &threads {
        let Some(view) = warning::view(
            id,
            thread,
            now,
            false,
            node.effective.current().charter(),
            &p.viewer,
        ) else {
            continue;
        };
        let status = thread.status(now).map(|d| d.status);
        if !status.is_some_and(|s| warning::status_matches(s, &status_filter)) {
            continue;
        }
        if q.kind.as_deref().is_some_and(|k| view["kind"] != k) {
            continue;
        }
        if q.issuer.as_deref().is_some_and(|i| view["issuer"] != i) {
            continue;
        }
        out.push(view);
    }
    audit_read(&node, &p, &threads.keys().cloned().collect::<Vec<_>>()).await?;
    Ok(json_response(StatusCode::OK, &json!({ "warnings": out })))
}

/// Records a read of warnings in the audit log.
async fn audit_read(node: &Node, p: &Principal, ids: &[String]) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    node.store
        .append_audit(AuditRecord {
            ts_us: node.now_us(),
            principal: p.name(),
            action: "read-warnings".into(),
            collection: Some(COLLECTION_ID.into()),
            objects: ids.to_vec(),
            outcome: "ok".into(),
            detail: None,
        })
        .await?;
    Ok(())
}

async fn get_one(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let response = answer(&node, &p, &id, StatusCode::OK).await?;
    audit_read(&node, &p, std::slice::from_ref(&id)).await?;
    Ok(response)
}

async fn edit(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let input: WarningInput = crate::body::step_body(&node, body).await?;
    step(&node, &p, Some(&id), Action::Revise(input), StatusCode::OK).await
}

async fn submit(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    step(&node, &p, Some(&id), Action::Submit, StatusCode::OK).await
}

async fn publish(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    step(&node, &p, Some(&id), Action::Publish, StatusCode::OK).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cancellation {
    reason: String,
}

async fn cancel(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let Cancellation { reason } = crate::body::step_body(&node, body).await?;
    step(
        &node,
        &p,
        Some(&id),
        Action::Cancel { reason },
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Extension {
    review_date: String,
    justification: String,
}

async fn extend(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let Extension {
        review_date,
        justification,
    } = crate::body::step_body(&node, body).await?;
    let action = Action::Extend {
        review_date,
        justification,
    };
    step(&node, &p, Some(&id), action, StatusCode::OK).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewInput {
    verdict: String,
    #[serde(default)]
    reasons: String,
}

async fn review(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let r: ReviewInput = crate::body::step_body(&node, body).await?;
    let action = Action::Review {
        verdict: warning::verdict(&r.verdict)?,
        reasons: r.reasons,
    };
    step(&node, &p, Some(&id), action, StatusCode::OK).await
}

async fn acknowledge(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    step(&node, &p, Some(&id), Action::Acknowledge, StatusCode::OK).await
}

async fn report_hit(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let hit: HitInput = crate::body::step_body(&node, body).await?;
    let taken = workflow::take(&node, &p, &WARNINGS, Some(&id), Action::ReportHit(hit)).await?;
    let mut response = answer(&node, &p, &id, StatusCode::CREATED).await?;
    if let Some(v) = taken.made.and_then(|h| HeaderValue::from_str(&h).ok()) {
        response.headers_mut().insert("x-entente-hit", v);
    }
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowUp {
    hit: String,
    message: String,
}

async fn follow_up(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let FollowUp { hit, message } = crate::body::step_body(&node, body).await?;
    let action = Action::FollowUp { hit, message };
    step(&node, &p, Some(&id), action, StatusCode::CREATED).await
}
