//! Errors as the client sees them. One table ([`ApiError::parts`]) gives each error its HTTP
//! status, a stable code, a type and a message; the body is a TAXII 2.1 error message that also
//! carries `message`, `code` and `type`, sent as the TAXII media type under `/taxii2/` and as
//! `application/json` everywhere else ([`json_outside_taxii`]). Unexpected errors are logged with their cause and answer
//! a generic 500 that reveals nothing of the node's internals.

use crate::media::TAXII_MEDIA_TYPE;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub enum ApiError {
    Unauthenticated,
    Forbidden(String),
    /// Absent and invisible answer alike.
    NotFound,
    BadRequest(String),
    /// The action does not fit the resource's state (a warning's life).
    Conflict(String),
    /// Well-formed, but not what the endpoint can act on (a TAXII POST body that is no envelope).
    Unprocessable(String),
    NotAcceptable,
    UnsupportedMediaType,
    PayloadTooLarge(String),
    /// Too many attempts, or too many at once: try again after this many seconds.
    TooManyRequests {
        retry_after_secs: u64,
        message: String,
    },
    /// The node cannot take this now (a cap on streams): try again later.
    Unavailable(String),
    Internal(String),
    /// A workflow refused a step: its own stable code, the status of its class.
    Workflow(entente_workflow::Refusal),
}

impl ApiError {
    /// The table: status, code, type, title, message.
    fn parts(&self) -> (StatusCode, &'static str, &'static str, &'static str, String) {
        use ApiError::*;
        match self {
            Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "auth",
                "Authentication required",
                "give a user name and password (HTTP Basic) or a token (Authorization: Bearer ...)"
                    .into(),
            ),
            Forbidden(m) => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "auth",
                "Not permitted",
                m.clone(),
            ),
            NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "invalid_request",
                "Not found",
                "no such resource".into(),
            ),
            BadRequest(m) => (
                StatusCode::BAD_REQUEST,
                "bad_request",
                "invalid_request",
                "Bad request",
                m.clone(),
            ),
            Conflict(m) => (
                StatusCode::CONFLICT,
                "conflict",
                "invalid_request",
                "Not possible now",
                m.clone(),
            ),
            Unprocessable(m) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "unprocessable",
                "invalid_request",
                "Unprocessable",
                m.clone(),
            ),
            NotAcceptable => (
                StatusCode::NOT_ACCEPTABLE,
                "not_acceptable",
                "invalid_request",
                "Not acceptable",
                format!("this endpoint answers `{TAXII_MEDIA_TYPE}`: send it in the Accept header"),
            ),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "invalid_request",
                "Unsupported media type",
                format!("send the envelope as `Content-Type: {TAXII_MEDIA_TYPE}`"),
            ),
            PayloadTooLarge(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "invalid_request",
                "Request too large",
                m.clone(),
            ),
            TooManyRequests { message, .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "rate_limit",
                "Too many requests",
                message.clone(),
            ),
            Unavailable(m) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "capacity",
                "Unavailable",
                m.clone(),
            ),
            Workflow(r) => {
                use entente_workflow::RefusalClass as C;
                let (status, kind, title) = match r.class() {
                    C::Invalid => (StatusCode::BAD_REQUEST, "invalid_request", "Bad request"),
                    C::Forbidden => (StatusCode::FORBIDDEN, "auth", "Not permitted"),
                    C::NotFound => (StatusCode::NOT_FOUND, "invalid_request", "Not found"),
                    C::Conflict => (StatusCode::CONFLICT, "invalid_request", "Not possible now"),
                    C::Internal => return Internal(r.to_string()).parts(),
                };
                let message = if status == StatusCode::NOT_FOUND {
                    "no such resource".to_owned()
                } else {
                    r.to_string()
                };
                (status, r.code(), kind, title, message)
            }
            Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal",
                "Internal error",
                "the node failed to answer; the cause is in its log".into(),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        if let ApiError::Workflow(r @ entente_workflow::Refusal::Unreadable(_)) = &self {
            tracing::error!(cause = %r, "request failed");
        }
        let (status, code, kind, title, message) = self.parts();
        if status != StatusCode::NOT_FOUND {
            entente_node::metrics::refused(code);
        }
        let retry_after = match &self {
            ApiError::TooManyRequests {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            ApiError::Unavailable(_) => Some(5),
            _ => None,
        };
        let body = json!({
            "title": title,
            "description": message,
            "http_status": status.as_u16().to_string(),
            "error_code": code,
            "message": message,
            "code": code,
            "type": kind,
        });
        let mut resp = (status, body.to_string()).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(TAXII_MEDIA_TYPE),
        );
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            // The unread body makes the connection unusable; say so, so that no client reuses it.
            resp.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if let Some(secs) = retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"entente\", Bearer realm=\"entente\""),
            );
        }
        resp
    }
}

impl From<crate::media::MediaRefusal> for ApiError {
    fn from(r: crate::media::MediaRefusal) -> Self {
        match r {
            crate::media::MediaRefusal::NotAcceptable => ApiError::NotAcceptable,
            crate::media::MediaRefusal::UnsupportedMediaType => ApiError::UnsupportedMediaType,
        }
    }
}

impl From<entente_store::StoreError> for ApiError {
    fn from(e: entente_store::StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<entente_core::WriteRefusal> for ApiError {
    fn from(r: entente_core::WriteRefusal) -> Self {
        match r {
            entente_core::WriteRefusal::Forbidden(m) => ApiError::Forbidden(m),
            entente_core::WriteRefusal::Conflict(m) => ApiError::Conflict(m),
        }
    }
}

impl From<entente_workflow::Refusal> for ApiError {
    fn from(r: entente_workflow::Refusal) -> Self {
        match r {
            entente_workflow::Refusal::NotFound => ApiError::NotFound,
            r => ApiError::Workflow(r),
        }
    }
}

/// What became of one object a REST route stored: nothing, or the error that says why it was
/// refused — 403 or 409 from the write policy, 400 for an object that is not acceptable.
pub fn stored_or_refused(r: entente_node::ingest::ObjectResult) -> Result<(), ApiError> {
    match (r.ok, r.refusal) {
        (true, _) => Ok(()),
        (false, Some(refusal)) => Err(refusal.into()),
        (false, None) => Err(ApiError::BadRequest(r.message)),
    }
}

impl From<entente_node::NodeError> for ApiError {
    fn from(e: entente_node::NodeError) -> Self {
        use entente_node::NodeError as N;
        match e {
            N::Unauthenticated => ApiError::Unauthenticated,
            N::TooManyRequests {
                retry_after_secs,
                message,
            } => ApiError::TooManyRequests {
                retry_after_secs,
                message,
            },
            N::Refused(r) => r.into(),
            N::NotFound | N::Workflow(entente_workflow::Refusal::NotFound) => ApiError::NotFound,
            N::Workflow(r) => ApiError::Workflow(r),
            N::Unavailable(m) => ApiError::Unavailable(m),
            N::Invalid(m) => ApiError::BadRequest(m),
            N::Store(e) => ApiError::Internal(e.to_string()),
            N::Pool(m) | N::Internal(m) => ApiError::Internal(m),
            N::UnknownPeer(p) => ApiError::Internal(format!("{p} is not a party of the charter")),
        }
    }
}

/// Errors of the REST API (everything but `/taxii2/`) are `application/json`, as its OpenAPI
/// document says; TAXII's keep the TAXII media type.
pub async fn json_outside_taxii(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let taxii = req.uri().path().starts_with("/taxii2/");
    let mut response = next.run(req).await;
    let is_taxii_error = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == TAXII_MEDIA_TYPE.as_bytes());
    if !taxii && is_taxii_error && !response.status().is_success() {
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    response
}
