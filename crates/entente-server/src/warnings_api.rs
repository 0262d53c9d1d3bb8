//! `/api/v1/warnings`: joint warnings through their life (see [`entente_node::warnings`] for the objects
//! and `entente_core::warning` for the rules). The permission is in each handler's extractor:
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
//! Who may take each step is the write policy's (`entente_core::may_write`), asked with the step
//! as the objects are stored; the handlers name the step and hold no role rule of their own.
//! What a principal may not see answers 404, as if absent; a step the warning's life does not allow
//! now answers 409 with what is allowed, as does a step that lost a race with another on the same
//! warning (steps on one warning are taken one at a time, and each is refused if the warning
//! changed since it was read); a role that may not take the step answers 403.

use crate::auth::{Author, Principal, Reader};
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use entente_core::warning::{transition, Action, Stage, Status, Step, Verdict};
use entente_core::PartyCode;
use entente_node::ingest::ingest_step;
use entente_node::node::{Node, COLLECTION_ID};
use entente_node::warnings::{self, Fields, File, VersionMeta, WarningInput};
use entente_stix::Timestamp;
use entente_store::{AuditRecord, BasedOn};
use serde::Deserialize;
use serde_json::{json, Value};
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

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Reads a JSON body (see [`crate::body`]); an absent body reads as `{}`.
async fn body_of<T: serde::de::DeserializeOwned>(node: &Node, body: Body) -> Result<T, ApiError> {
    crate::body::typed(node, &axum::http::HeaderMap::new(), body, Some(json!({}))).await
}

/// Refuses, saying `why`, a text a step requires that is empty or blank.
fn written(text: &str, why: &str) -> Result<(), ApiError> {
    if text.trim().is_empty() {
        return Err(ApiError::BadRequest(why.to_owned()));
    }
    Ok(())
}

fn now_string(node: &Node) -> (i64, String) {
    let us = node.now_us();
    (us * 1000, Timestamp::from_micros(us).to_micros_string())
}

/// One warning the principal may see, or 404.
async fn file_of(node: &Node, p: &Principal, id: &str) -> Result<File, ApiError> {
    if !id.starts_with(&format!("{}--", warnings::WARNING_TYPE)) {
        return Err(ApiError::NotFound);
    }
    let mut files = warnings::load(node, p, Some(id)).await?;
    files.remove(id).ok_or(ApiError::NotFound)
}

fn status_of(node: &Node, file: &File) -> Result<Status, ApiError> {
    file.status(node.now_us() * 1000)
        .map(|d| d.status)
        .ok_or(ApiError::NotFound)
}

/// The status an action leads to, or 409 saying why not.
fn step(status: Status, action: Action) -> Result<Status, ApiError> {
    transition(Some(status), action).map_err(ApiError::Conflict)
}

/// Refuses unless this node issued the warning.
fn issued_here(node: &Node, file: &File, what: &str) -> Result<(), ApiError> {
    match file.issuer() {
        Some(i) if *i == node.party => Ok(()),
        Some(i) => Err(ApiError::Forbidden(format!(
            "only {i}'s node, which issued this warning, can {what} it"
        ))),
        None => Err(ApiError::NotFound),
    }
}

/// Refuses, before any work, a step the principal's role may never take (the write policy's
/// role rules; the policy is asked again as the objects are stored).
fn may_take(p: &Principal, step: Step) -> Result<(), ApiError> {
    match &p.viewer {
        entente_core::Viewer::User { user, role, .. } => {
            Ok(entente_core::write::may_take(user.party(), *role, step)?)
        }
        _ => Err(ApiError::Forbidden(
            "only users of a node take the steps of a warning".into(),
        )),
    }
}

fn party_of(p: &Principal) -> Result<&PartyCode, ApiError> {
    p.viewer.party().ok_or(ApiError::Unauthenticated)
}

/// Stores one object made by the API for `step`, audited as `action`; answers why it was refused
/// (403 when the write policy forbids it, 409 when it conflicts with what is held).
async fn store(
    node: &Arc<Node>,
    p: &Principal,
    object: Value,
    action: &str,
    step: Step,
    based_on: BasedOn,
) -> Result<(), ApiError> {
    let r = ingest_step(node, p, object, action, Some(step), based_on).await?;
    crate::error::stored_or_refused(r)
}

/// A version `modified` strictly after the latest one (clocks may tie at the microsecond).
fn next_modified(node: &Node, file: &File) -> String {
    let now = node.now_us() * 1000;
    let after = file.latest().map_or(0, |l| l.version_ns + 1000);
    Timestamp::from_nanos(now.max(after)).to_micros_string()
}

/// What the next version of a warning is to be.
struct Next<'a> {
    step: Step,
    stage: Stage,
    /// The new extension count and its justification, when extending.
    extension: Option<(u32, &'a str)>,
    cancellation: Option<&'a str>,
    /// How the audit log names the action.
    audit: &'a str,
}

/// Writes the next version of a warning issued here.
async fn next_version(
    node: &Arc<Node>,
    p: &Principal,
    id: &str,
    file: &File,
    fields: &Fields,
    next: Next<'_>,
) -> Result<Response, ApiError> {
    let Next {
        step,
        stage,
        extension,
        cancellation,
        audit: action,
    } = next;
    let latest = file.latest().ok_or(ApiError::NotFound)?;
    let created = latest
        .object
        .get("created")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let modified = next_modified(node, file);
    let previous_stage = warnings::stage_of(&latest.object).map_err(ApiError::Internal)?;
    let (count, justification) = match extension {
        Some((count, j)) => (count, Some(j.to_owned())),
        None => (
            warnings::extensions_count_of(&latest.object),
            latest
                .object
                .get("extension_justification")
                .and_then(Value::as_str)
                .map(str::to_owned),
        ),
    };
    let object = warnings::version_object(
        fields,
        &VersionMeta {
            id,
            created: &created,
            modified: &modified,
            stage,
            label_stage: if stage == Stage::Cancelled {
                previous_stage
            } else {
                stage
            },
            issuer: &node.party,
            extensions_count: count,
            extension_justification: justification.as_deref(),
            cancellation_reason: cancellation,
        },
    );
    let based_on = BasedOn::Latest(latest.version_ns);
    store(node, p, object, action, step, based_on).await?;
    answer(node, p, id, StatusCode::OK).await
}

/// The warning as the principal now sees it.
async fn answer(
    node: &Node,
    p: &Principal,
    id: &str,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let file = file_of(node, p, id).await?;
    let view = warnings::view(
        id,
        &file,
        node.now_us() * 1000,
        true,
        &node.charter,
        &p.viewer,
    )
    .ok_or(ApiError::NotFound)?;
    Ok(json_response(status, &view))
}

async fn create(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    body: Body,
) -> Result<Response, ApiError> {
    let input: WarningInput = body_of(&node, body).await?;
    let (now_ns, now) = now_string(&node);
    let fields = input
        .fields(&node.charter.warning_limits, now_ns)
        .map_err(ApiError::BadRequest)?;
    transition(None, Action::Edit).map_err(ApiError::Conflict)?;
    let id = format!("{}--{}", warnings::WARNING_TYPE, uuid::Uuid::new_v4());
    let object = warnings::version_object(
        &fields,
        &VersionMeta {
            id: &id,
            created: &now,
            modified: &now,
            stage: Stage::Draft,
            label_stage: Stage::Draft,
            issuer: &node.party,
            extensions_count: 0,
            extension_justification: None,
            cancellation_reason: None,
        },
    );
    store(
        &node,
        &p,
        object,
        "warning-draft",
        Step::Life(Action::Edit),
        BasedOn::Nothing,
    )
    .await?;
    answer(&node, &p, &id, StatusCode::CREATED).await
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
            Status::parse(s).map_err(ApiError::BadRequest)?;
        }
    }
    if let Some(k) = &q.kind {
        entente_core::warning::Kind::parse(k).map_err(ApiError::BadRequest)?;
    }
    let now = node.now_us() * 1000;
    let files = warnings::load(&node, &p, None).await?;
    let mut out = Vec::new();
    for (id, file) in &files {
        let Some(view) = warnings::view(id, file, now, false, &node.charter, &p.viewer) else {
            continue;
        };
        let status = file.status(now).map(|d| d.status);
        if !status.is_some_and(|s| warnings::status_matches(s, &status_filter)) {
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
    audit_read(&node, &p, &files.keys().cloned().collect::<Vec<_>>()).await?;
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
    let _turn = node.turns.take(&id).await;
    let file = file_of(&node, &p, &id).await?;
    issued_here(&node, &file, "revise")?;
    let status = status_of(&node, &file)?;
    let input: WarningInput = body_of(&node, body).await?;
    let (now_ns, _) = now_string(&node);
    let fields = input
        .fields(&node.charter.warning_limits, now_ns)
        .map_err(ApiError::BadRequest)?;
    let latest = file.latest().ok_or(ApiError::NotFound)?;
    let before = warnings::fields_of(&latest.object).map_err(ApiError::Internal)?;
    if fields.kind != before.kind {
        return Err(ApiError::BadRequest(format!(
            "a {} warning stays one: issue a new warning of another kind",
            before.kind
        )));
    }
    let (action, stage) = if status == Status::Published {
        if fields.publication != before.publication {
            return Err(ApiError::BadRequest(
                "the publication marking and audience were reviewed: to address the warning otherwise, cancel it and issue a new one".into(),
            ));
        }
        (Action::Update, Stage::Published)
    } else {
        (Action::Edit, Stage::Draft)
    };
    step(status, action)?;
    let name = if action == Action::Update {
        "warning-update"
    } else {
        "warning-edit"
    };
    let next = Next {
        step: Step::Life(action),
        stage,
        extension: None,
        cancellation: None,
        audit: name,
    };
    next_version(&node, &p, &id, &file, &fields, next).await
}

/// Moves a warning issued here to `stage` by `action`, its fields unchanged.
async fn restage(
    node: &Arc<Node>,
    p: &Principal,
    id: &str,
    action: Action,
    stage: Stage,
    audit: &str,
    cancellation: Option<&str>,
) -> Result<Response, ApiError> {
    may_take(p, Step::Life(action))?;
    let _turn = node.turns.take(id).await;
    let file = file_of(node, p, id).await?;
    issued_here(node, &file, action_verb(action))?;
    step(status_of(node, &file)?, action)?;
    let latest = file.latest().ok_or(ApiError::NotFound)?;
    let fields = warnings::fields_of(&latest.object).map_err(ApiError::Internal)?;
    let next = Next {
        step: Step::Life(action),
        stage,
        extension: None,
        cancellation,
        audit,
    };
    next_version(node, p, id, &file, &fields, next).await
}

fn action_verb(a: Action) -> &'static str {
    match a {
        Action::Submit => "submit",
        Action::Publish => "publish",
        Action::Cancel => "cancel",
        Action::Extend => "extend",
        _ => "change",
    }
}

async fn submit(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    restage(
        &node,
        &p,
        &id,
        Action::Submit,
        Stage::Submitted,
        "warning-submit",
        None,
    )
    .await
}

async fn publish(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    restage(
        &node,
        &p,
        &id,
        Action::Publish,
        Stage::Published,
        "warning-publish",
        None,
    )
    .await
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
    let c: Cancellation = body_of(&node, body).await?;
    written(&c.reason, "say why the warning is cancelled: `reason`")?;
    restage(
        &node,
        &p,
        &id,
        Action::Cancel,
        Stage::Cancelled,
        "warning-cancel",
        Some(&c.reason),
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
    let e: Extension = body_of(&node, body).await?;
    written(
        &e.justification,
        "an extension needs the written justification of the assessment that found the warning still needed: `justification`",
    )?;
    may_take(&p, Step::Life(Action::Extend))?;
    let _turn = node.turns.take(&id).await;
    let file = file_of(&node, &p, &id).await?;
    issued_here(&node, &file, "extend")?;
    step(status_of(&node, &file)?, Action::Extend)?;
    let latest = file.latest().ok_or(ApiError::NotFound)?;
    let mut fields = warnings::fields_of(&latest.object).map_err(ApiError::Internal)?;
    let review_date = Timestamp::parse(&e.review_date)
        .map_err(|m| ApiError::BadRequest(format!("`review_date`: {m}")))?;
    if review_date <= fields.review_date {
        return Err(ApiError::BadRequest(
            "an extension moves the review date later".into(),
        ));
    }
    node.charter
        .warning_limits
        .check(fields.kind, review_date.nanos(), node.now_us() * 1000)
        .map_err(ApiError::BadRequest)?;
    fields.review_date = review_date;
    let count = warnings::extensions_count_of(&latest.object) + 1;
    let next = Next {
        step: Step::Life(Action::Extend),
        stage: Stage::Published,
        extension: Some((count, e.justification.trim())),
        cancellation: None,
        audit: "warning-extend",
    };
    next_version(&node, &p, &id, &file, &fields, next).await
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
    let r: ReviewInput = body_of(&node, body).await?;
    let (verdict, action) = match r.verdict.as_str() {
        "accepted" => (Verdict::Accepted, Action::Accept),
        "refused" => (Verdict::Refused, Action::Refuse),
        other => {
            return Err(ApiError::BadRequest(format!(
                "`verdict` is `{other}`: it is `accepted` or `refused`"
            )))
        }
    };
    if verdict == Verdict::Refused {
        written(
            &r.reasons,
            "a refusal gives its reasons (e.g. the warning is of a political, military, religious or racial character): `reasons`",
        )?;
    }
    may_take(&p, Step::Life(action))?;
    let _turn = node.turns.take(&id).await;
    let file = file_of(&node, &p, &id).await?;
    step(status_of(&node, &file)?, action)?;
    let latest = file.latest().ok_or(ApiError::NotFound)?;
    let issuer = file.issuer().ok_or(ApiError::NotFound)?.clone();
    let fields = warnings::fields_of(&latest.object).map_err(ApiError::Internal)?;
    let reviewed = latest
        .object
        .get("modified")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let (_, now) = now_string(&node);
    let reasons = if r.reasons.trim().is_empty() {
        "Accepted: within the charter and lawful.".to_owned()
    } else {
        r.reasons.trim().to_owned()
    };
    let object = warnings::review_object(
        &id,
        &reviewed,
        verdict,
        &reasons,
        &now,
        &issuer,
        &fields.publication,
    );
    store(
        &node,
        &p,
        object,
        "warning-review",
        Step::Life(action),
        BasedOn::Nothing,
    )
    .await?;
    answer(&node, &p, &id, StatusCode::OK).await
}

/// A warning in force that the principal's state may act on, not its own.
async fn in_force_elsewhere(
    node: &Node,
    p: &Principal,
    id: &str,
    what: &str,
) -> Result<(File, PartyCode), ApiError> {
    let file = file_of(node, p, id).await?;
    let status = status_of(node, &file)?;
    if !status.is_active() {
        return Err(ApiError::Conflict(format!(
            "the warning is {status}, not in force: it cannot be {what}"
        )));
    }
    let issuer = file.issuer().ok_or(ApiError::NotFound)?.clone();
    if *party_of(p)? == issuer {
        return Err(ApiError::Conflict(format!(
            "{issuer} issued this warning; it is {what} by the other states"
        )));
    }
    Ok((file, issuer))
}

async fn acknowledge(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let _turn = node.turns.take(&id).await;
    let (file, issuer) = in_force_elsewhere(&node, &p, &id, "acknowledged").await?;
    let me = party_of(&p)?.clone();
    if file.acknowledgements.iter().any(|a| a.originator == me) {
        return Err(ApiError::Conflict(format!(
            "{me} has already acknowledged this warning"
        )));
    }
    let (_, now) = now_string(&node);
    let object = warnings::acknowledgement_object(&id, &me, &issuer, &now);
    store(
        &node,
        &p,
        object,
        "warning-acknowledge",
        Step::Acknowledge,
        BasedOn::Nothing,
    )
    .await?;
    answer(&node, &p, &id, StatusCode::OK).await
}

async fn report_hit(
    State(node): State<Arc<Node>>,
    Author(p): Author,
    Path(id): Path<String>,
    body: Body,
) -> Result<Response, ApiError> {
    let hit: warnings::HitInput = body_of(&node, body).await?;
    let when = hit
        .check(node.now_us() * 1000)
        .map_err(ApiError::BadRequest)?;
    let _turn = node.turns.take(&id).await;
    let (_, issuer) = in_force_elsewhere(&node, &p, &id, "reported found").await?;
    let me = party_of(&p)?.clone();
    let (_, now) = now_string(&node);
    let object = warnings::hit_object(&id, &me, &issuer, &hit, when, &now);
    let hit_id = object["id"].as_str().unwrap_or_default().to_owned();
    store(
        &node,
        &p,
        object,
        "warning-hit",
        Step::ReportHit,
        BasedOn::Nothing,
    )
    .await?;
    let mut response = answer(&node, &p, &id, StatusCode::CREATED).await?;
    if let Ok(v) = axum::http::HeaderValue::from_str(&hit_id) {
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
    let f: FollowUp = body_of(&node, body).await?;
    written(&f.message, "`message` must not be empty")?;
    let _turn = node.turns.take(&id).await;
    let file = file_of(&node, &p, &id).await?;
    let hit = file.hits.iter().find(|h| h.id() == f.hit).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "`hit`: this warning has no hit `{}` you may see",
            f.hit
        ))
    })?;
    let issuer = file.issuer().ok_or(ApiError::NotFound)?.clone();
    let me = party_of(&p)?.clone();
    if me != issuer && me != hit.originator {
        return Err(ApiError::Forbidden(
            "the thread of a hit is between the issuer and the state that reported it".into(),
        ));
    }
    let (_, now) = now_string(&node);
    let object = warnings::follow_up_object(
        &id,
        &f.hit,
        [&issuer, &hit.originator],
        f.message.trim(),
        &now,
    );
    store(
        &node,
        &p,
        object,
        "warning-follow-up",
        Step::FollowUp,
        BasedOn::Nothing,
    )
    .await?;
    answer(&node, &p, &id, StatusCode::CREATED).await
}
