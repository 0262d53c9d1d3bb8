//! Reading request bodies: at most the node's request limit in bytes (refused from the
//! `Content-Length` before anything is read, else as soon as the stream passes it), then as strict,
//! bounded JSON (`entente_stix::json`: duplicate keys refused by name, the number of values and the
//! nesting capped before the tree is built). Every route that takes a body reads it here.

use crate::error::ApiError;
use axum::body::Body;
use axum::http::{header, HeaderMap};
use entente_node::node::Node;
use entente_stix::json::{self, JsonError};
use serde_json::Value;

fn too_large(limit: usize) -> ApiError {
    ApiError::PayloadTooLarge(format!("this node takes requests of at most {limit} bytes"))
}

/// The body's bytes, at most the node's limit.
pub async fn bytes(
    node: &Node,
    headers: &HeaderMap,
    body: Body,
) -> Result<axum::body::Bytes, ApiError> {
    let limit = node.settings.max_body_bytes;
    if headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|len| len > limit)
    {
        return Err(too_large(limit));
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large(limit))
}

/// Parses bytes as the node reads every JSON body.
pub fn parse(node: &Node, bytes: &[u8]) -> Result<Value, ApiError> {
    json::parse(bytes, node.settings.json_limits).map_err(|e| match e {
        JsonError::Malformed(m) => ApiError::BadRequest(format!("the body is not valid JSON: {m}")),
        JsonError::TooLarge(m) => ApiError::PayloadTooLarge(m),
    })
}

/// The body as JSON. An empty (or blank) body reads as `empty` when one is given.
pub async fn json(
    node: &Node,
    headers: &HeaderMap,
    body: Body,
    empty: Option<Value>,
) -> Result<Value, ApiError> {
    let bytes = bytes(node, headers, body).await?;
    if let Some(v) = empty.filter(|_| bytes.iter().all(u8::is_ascii_whitespace)) {
        return Ok(v);
    }
    parse(node, &bytes)
}

/// The body as JSON of the shape `T` takes; a body that is valid JSON of another shape is refused
/// saying what was wrong.
pub async fn typed<T: serde::de::DeserializeOwned>(
    node: &Node,
    headers: &HeaderMap,
    body: Body,
    empty: Option<Value>,
) -> Result<T, ApiError> {
    let value = json(node, headers, body, empty).await?;
    serde_json::from_value(value)
        .map_err(|e| ApiError::BadRequest(format!("the body is not what this endpoint takes: {e}")))
}

/// The objects of a TAXII envelope, or why the body is not one (422: valid JSON, but not an
/// envelope the node can take objects from).
pub fn envelope_objects(envelope: Value) -> Result<Vec<Value>, ApiError> {
    let not_an_envelope = |what: &str| {
        ApiError::Unprocessable(format!(
            "the body is {what}, not a TAXII envelope: send {{\"objects\": [STIX objects...]}}"
        ))
    };
    match envelope {
        Value::Object(m) if m.get("type").and_then(Value::as_str) == Some("bundle") => Err(
            not_an_envelope("a STIX bundle (what TAXII 2.0 took; TAXII 2.1 takes an envelope)"),
        ),
        Value::Object(mut m) => match m.remove("objects") {
            Some(Value::Array(a)) => Ok(a),
            Some(_) => Err(ApiError::Unprocessable(
                "the envelope's `objects` must be a list of STIX objects".into(),
            )),
            None if m.contains_key("type") => Err(not_an_envelope("a single STIX object")),
            None => Err(not_an_envelope("an object without `objects`")),
        },
        Value::Array(_) => Err(not_an_envelope("a list")),
        _ => Err(not_an_envelope("not a JSON object")),
    }
}

/// A JSON answer with `status`.
pub fn json_response(status: axum::http::StatusCode, body: &Value) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Reads the JSON body of a workflow step (see [`typed`]); an absent body reads as `{}`.
pub async fn step_body<T: serde::de::DeserializeOwned>(
    node: &Node,
    body: axum::body::Body,
) -> Result<T, crate::error::ApiError> {
    typed(
        node,
        &axum::http::HeaderMap::new(),
        body,
        Some(serde_json::json!({})),
    )
    .await
}

/// Reads a JSON body of type `T` (see [`typed`]).
pub async fn json_body<T: serde::de::DeserializeOwned>(
    node: &Node,
    headers: &axum::http::HeaderMap,
    body: Body,
) -> Result<T, ApiError> {
    typed(node, headers, body, None).await
}
