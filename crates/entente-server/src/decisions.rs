//! `/api/v1/decisions`, `/api/v1/applications`, `/api/v1/charter`, `/api/v1/presidency`: the
//! organization's decisions and what they make of it. Every rule is in
//! `entente_workflow::decision` (pure, table-tested) and `entente_node::governance`; each handler
//! extracts the principal, parses the request, takes the step and answers:
//!
//! | request | who |
//! |---|---|
//! | `POST /api/v1/decisions` — propose (`title`, `description`, `procedure`, `deadline`, `effect`) | a member state's supervisor, the secretariat's staff |
//! | `GET /api/v1/decisions?status=&procedure=&effect=` — list, newest first, each with its tally | anyone |
//! | `GET /api/v1/decisions/{id}` — status, tally, each ballot and whether it counts | anyone |
//! | `POST /api/v1/decisions/{id}/ballots` — `{"vote": "approve"|"abstain"|"object", "statement": "..."}` | a member state's supervisor |
//! | `POST /api/v1/decisions/{id}/withdraw` — `{"reason": "..."}` | the proposer's supervisor or staff |
//! | `POST /api/v1/applications` — `{"state", "name", "tier", "key", "statement"}` | a state's supervisor for itself; the secretariat for a state not yet a party |
//! | `GET /api/v1/applications`, `GET /api/v1/applications/{id}` | anyone |
//! | `POST /api/v1/documents` — draft (`kind`, `title` and `text` in en/ru/zh, `ratifications_required`) | a member state's supervisor, the secretariat's staff |
//! | `GET /api/v1/documents`, `GET /api/v1/documents/{id}` — with the derived status | anyone |
//! | `POST /api/v1/documents/{id}/sign`, `.../ratify` — once adopted | a member state's supervisor |
//! | `POST /api/v1/programmes` — draft a strategy or facility | a member state's supervisor, the secretariat's staff |
//! | `GET /api/v1/programmes`, `GET /api/v1/programmes/{id}`, `.../iati` (IATI XML) | anyone |
//! | `POST .../{id}/reports` — `{"indicator", "year", "value"}` | any state's supervisor |
//! | `POST .../{id}/commitments`, `.../disbursements` — `{"project", "beneficiary", "amount"}`, `{"commitment", "amount"}` (minor units) | the provider's supervisor |
//! | `POST .../{id}/confirmations` — `{"disbursement"}` | the beneficiary's supervisor |
//! | `GET /api/v1/charter` — the effective charter | anyone |
//! | `GET /api/v1/presidency?year=` — who presides, and the order | anyone |
//!
//! Who may take each step is the write policy's, asked before any work and again as the objects
//! are stored. A closed decision answers 409 (`decision_closed`), a state not voting 403
//! (`not_a_member`, `role_may_not`), what is not visible 404.

use crate::auth::{Author, Principal, Reader};
use crate::body::json_response;
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use entente_node::governance;
use entente_node::node::{Node, COLLECTION_ID};
use entente_node::workflow;
use entente_store::AuditRecord;
use entente_workflow::decision::{Action, ApplicationInput, Applications, ProposalInput, Vote};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Node>> {
    Router::new()
        .route("/api/v1/decisions", post(propose).get(list))
        .route("/api/v1/decisions/{id}", get(get_one))
        .route("/api/v1/decisions/{id}/ballots", post(ballot))
        .route("/api/v1/decisions/{id}/withdraw", post(withdraw))
        .route("/api/v1/applications", post(apply).get(applications))
        .route("/api/v1/applications/{id}", get(application))
        .route("/api/v1/documents", post(draft_document).get(documents))
        .route("/api/v1/documents/{id}", get(document))
        .route("/api/v1/documents/{id}/sign", post(sign))
        .route("/api/v1/documents/{id}/ratify", post(ratify))
        .route("/api/v1/programmes", post(draft_programme).get(programmes))
        .route("/api/v1/programmes/{id}", get(programme))
        .route("/api/v1/programmes/{id}/iati", get(programme_iati))
        .route("/api/v1/programmes/{id}/reports", post(report))
        .route("/api/v1/programmes/{id}/commitments", post(commit))
        .route("/api/v1/programmes/{id}/disbursements", post(disburse))
        .route("/api/v1/programmes/{id}/confirmations", post(confirm))
        .route("/api/v1/charter", get(charter))
        .route("/api/v1/presidency", get(presidency))
}

/// Records a read in the audit log.
async fn audit_read(
    node: &Node,
    p: &Principal,
    action: &str,
    ids: Vec<String>,
) -> Result<(), ApiError> {
    node.store
        .append_audit(AuditRecord {
            ts_us: node.now_us(),
            principal: p.name(),
            action: action.into(),
            collection: Some(COLLECTION_ID.into()),
            objects: ids,
            outcome: "ok".into(),
            detail: None,
        })
        .await?;
    Ok(())
}

async fn answer(
    node: &Arc<Node>,
    p: &Principal,
    id: &str,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let view = governance::decision(node, p, id).await?;
    Ok(json_response(status, &view))
}

async fn propose(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    body: Body,
) -> Result<Response, ApiError> {
    let input: ProposalInput = crate::body::step_body(&node, body).await?;
    let taken = governance::propose(&node, &p, input).await?;
    answer(&node, &p, &taken.root, StatusCode::CREATED).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
    procedure: Option<String>,
    effect: Option<String>,
}

async fn list(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|e| {
        ApiError::BadRequest(format!(
            "{}: this endpoint takes `status`, `procedure` and `effect`",
            e.body_text()
        ))
    })?;
    let filter = governance::Filter {
        status: q.status,
        procedure: q.procedure,
        effect: q.effect,
    };
    let (body, ids) = governance::decisions_body(&node, &p, &filter).await?;
    if !ids.is_empty() {
        audit_read(&node, &p, "read-decisions", ids).await?;
    }
    Response::builder()
        .status(StatusCode::OK)
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .map_err(|e| ApiError::Internal(e.to_string()))
}

async fn get_one(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let response = answer(&node, &p, &id, StatusCode::OK).await?;
    audit_read(&node, &p, "read-decisions", vec![id]).await?;
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BallotInput {
    vote: String,
    statement: Option<String>,
}

async fn ballot(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let input: BallotInput = crate::body::step_body(&node, body).await?;
    let vote = Vote::parse(&input.vote).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let action = Action::Ballot {
        vote,
        statement: input.statement,
    };
    governance::step(&node, &p, &id, action).await?;
    answer(&node, &p, &id, StatusCode::CREATED).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Withdrawal {
    reason: String,
}

async fn withdraw(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let Withdrawal { reason } = crate::body::step_body(&node, body).await?;
    governance::step(&node, &p, &id, Action::Withdraw { reason }).await?;
    answer(&node, &p, &id, StatusCode::OK).await
}

async fn apply(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    body: Body,
) -> Result<Response, ApiError> {
    let input: ApplicationInput = crate::body::step_body(&node, body).await?;
    let taken = governance::take_in(&node, &p, &Applications, None, input).await?;
    let app = workflow::thread(&node, &p, &Applications, &taken.root).await?;
    Ok(json_response(StatusCode::CREATED, &app.to_json()))
}

async fn applications(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
) -> Result<Response, ApiError> {
    let threads = workflow::threads(&node, &p, &Applications, None).await?;
    let mut out: Vec<_> = threads.values().collect();
    out.sort_by(|a, b| (&b.created, &b.id).cmp(&(&a.created, &a.id)));
    let out: Vec<_> = out.iter().map(|a| a.to_json()).collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({ "applications": out }),
    ))
}

async fn application(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let app = workflow::thread(&node, &p, &Applications, &id).await?;
    Ok(json_response(StatusCode::OK, &app.to_json()))
}

async fn charter(State(node): State<Arc<Node>>, Reader(_): Reader) -> Result<Response, ApiError> {
    let current = governance::refresh(&node, false).await?;
    let now = node.now_us() * 1000;
    Ok(json_response(
        StatusCode::OK,
        &governance::charter_json(&current, now),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PresidencyQuery {
    year: Option<i32>,
}

async fn presidency(
    State(node): State<Arc<Node>>,
    Reader(_): Reader,
    q: Result<Query<PresidencyQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|e| {
        ApiError::BadRequest(format!(
            "{}: this endpoint takes `year` (1900 to 3000)",
            e.body_text()
        ))
    })?;
    if q.year.is_some_and(|y| !(1900..=3000).contains(&y)) {
        return Err(ApiError::BadRequest("`year` is from 1900 to 3000".into()));
    }
    let current = governance::refresh(&node, false).await?;
    let now = entente_stix::Timestamp::from_micros(node.now_us()).to_stix_string();
    let this_year = now.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    Ok(json_response(
        StatusCode::OK,
        &governance::presidency_json(current.charter(), q.year.unwrap_or(this_year)),
    ))
}

use entente_workflow::document::{self, DocumentInput, Documents};
use entente_workflow::programme::{self, ProgrammeInput, Programmes};

async fn document_view(
    node: &Arc<Node>,
    p: &Principal,
    id: &str,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let t = workflow::thread(node, p, &Documents, id).await?;
    let current = governance::refresh(node, false).await?;
    Ok(json_response(
        status,
        &document::view(&t, current.charter()),
    ))
}

async fn draft_document(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    body: Body,
) -> Result<Response, ApiError> {
    let input: DocumentInput = crate::body::step_body(&node, body).await?;
    let taken =
        governance::take_in(&node, &p, &Documents, None, document::Action::Draft(input)).await?;
    document_view(&node, &p, &taken.root, StatusCode::CREATED).await
}

async fn documents(State(node): State<Arc<Node>>, Reader(p): Reader) -> Result<Response, ApiError> {
    let threads = workflow::threads(&node, &p, &Documents, None).await?;
    let current = governance::refresh(&node, false).await?;
    let mut out: Vec<_> = threads.values().collect();
    out.sort_by(|a, b| (&b.created, &b.id).cmp(&(&a.created, &a.id)));
    let out: Vec<_> = out
        .iter()
        .map(|t| document::view(t, current.charter()))
        .collect();
    Ok(json_response(StatusCode::OK, &json!({ "documents": out })))
}

async fn document(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    document_view(&node, &p, &id, StatusCode::OK).await
}

async fn sign(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    governance::take_in(&node, &p, &Documents, Some(&id), document::Action::Sign).await?;
    document_view(&node, &p, &id, StatusCode::CREATED).await
}

async fn ratify(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    governance::take_in(&node, &p, &Documents, Some(&id), document::Action::Ratify).await?;
    document_view(&node, &p, &id, StatusCode::CREATED).await
}

async fn programme_view(
    node: &Arc<Node>,
    p: &Principal,
    id: &str,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let t = workflow::thread(node, p, &Programmes, id).await?;
    let current = governance::refresh(node, false).await?;
    Ok(json_response(
        status,
        &programme::view(&t, current.charter()),
    ))
}

async fn draft_programme(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    body: Body,
) -> Result<Response, ApiError> {
    let input: ProgrammeInput = crate::body::step_body(&node, body).await?;
    let taken = governance::take_in(
        &node,
        &p,
        &Programmes,
        None,
        programme::Action::Draft(input),
    )
    .await?;
    programme_view(&node, &p, &taken.root, StatusCode::CREATED).await
}

async fn programmes(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
) -> Result<Response, ApiError> {
    let threads = workflow::threads(&node, &p, &Programmes, None).await?;
    let current = governance::refresh(&node, false).await?;
    let mut out: Vec<_> = threads.values().collect();
    out.sort_by(|a, b| (&b.created, &b.id).cmp(&(&a.created, &a.id)));
    let out: Vec<_> = out
        .iter()
        .map(|t| programme::view(t, current.charter()))
        .collect();
    Ok(json_response(StatusCode::OK, &json!({ "programmes": out })))
}

async fn programme(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    programme_view(&node, &p, &id, StatusCode::OK).await
}

async fn programme_iati(
    State(node): State<Arc<Node>>,
    Reader(p): Reader,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let t = workflow::thread(&node, &p, &Programmes, &id).await?;
    if t.input.kind != "facility" {
        return Err(ApiError::BadRequest(
            "a strategy has no transactions: IATI export is a facility's".into(),
        ));
    }
    let org = node
        .effective
        .current()
        .charter()
        .party(&t.drafter)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let now = entente_stix::Timestamp::from_micros(node.now_us()).to_stix_string();
    let xml = programme::iati_xml(&t, &org, &now);
    Response::builder()
        .status(StatusCode::OK)
        .header(
            axum::http::header::CONTENT_TYPE,
            "application/xml; charset=utf-8",
        )
        .body(Body::from(xml))
        .map_err(|e| ApiError::Internal(e.to_string()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReportInput {
    indicator: String,
    year: i32,
    value: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitmentInput {
    project: String,
    beneficiary: String,
    amount: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DisbursementInput {
    commitment: String,
    amount: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmationInput {
    disbursement: String,
}

async fn programme_step(
    node: &Arc<Node>,
    p: &Principal,
    id: &str,
    action: programme::Action,
) -> Result<Response, ApiError> {
    governance::take_in(node, p, &Programmes, Some(id), action).await?;
    programme_view(node, p, id, StatusCode::CREATED).await
}

async fn report(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let r: ReportInput = crate::body::step_body(&node, body).await?;
    let action = programme::Action::Report {
        indicator: r.indicator,
        year: r.year,
        value: r.value,
    };
    programme_step(&node, &p, &id, action).await
}

async fn commit(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let c: CommitmentInput = crate::body::step_body(&node, body).await?;
    let action = programme::Action::Commit {
        project: c.project,
        beneficiary: c.beneficiary,
        amount: c.amount,
    };
    programme_step(&node, &p, &id, action).await
}

async fn disburse(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let d: DisbursementInput = crate::body::step_body(&node, body).await?;
    let action = programme::Action::Disburse {
        commitment: d.commitment,
        amount: d.amount,
    };
    programme_step(&node, &p, &id, action).await
}

async fn confirm(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let c: ConfirmationInput = crate::body::step_body(&node, body).await?;
    let action = programme::Action::Confirm {
        disbursement: c.disbursement,
    };
    programme_step(&node, &p, &id, action).await
}
