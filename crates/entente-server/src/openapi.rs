//! The node's OpenAPI document (`GET /api/v1/openapi.json`), describing every route of the REST
//! API beside TAXII: who may call it, what it takes and answers, and how it refuses. Written by
//! hand in `openapi/openapi.json` (no crate derives a document this complete from axum handlers
//! without annotating each one twice); a test holds it to the routes the code registers, both
//! ways, and `tests/interop` validates it with `openapi-spec-validator`.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

pub const DOCUMENT: &str = include_str!("../openapi/openapi.json");

pub fn routes() -> Router<Arc<entente_node::node::Node>> {
    Router::new().route(
        "/api/v1/openapi.json",
        get(|| async { ([(header::CONTENT_TYPE, "application/json")], DOCUMENT).into_response() }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// (method, path) of every `.route(...)` outside TAXII in this crate's sources.
    fn registered() -> BTreeSet<(String, String)> {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut out = BTreeSet::new();
        for entry in std::fs::read_dir(&src).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices(".route(") {
                let rest = text[i + 7..].trim_start();
                let Some(rest) = rest.strip_prefix('"') else {
                    continue;
                };
                let Some(end) = rest.find('"') else { continue };
                let route = &rest[..end];
                // The methods chained on this route, up to the closing of `.route(`.
                let call = &rest[end..rest.find(")\n").unwrap_or(rest.len())];
                for m in ["get", "post", "put", "delete"] {
                    if call.contains(&format!("{m}(")) {
                        out.insert((m.to_owned(), route.to_owned()));
                    }
                }
            }
        }
        out
    }

    #[test]
    fn the_document_describes_every_route_and_only_those() {
        let doc: serde_json::Value = serde_json::from_str(DOCUMENT).unwrap();
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.insert((method.clone(), path.clone()));
            }
        }
        let registered = registered();
        assert!(registered.len() > 15, "found only {registered:?}");
        let undocumented: Vec<_> = registered.difference(&documented).collect();
        assert!(
            undocumented.is_empty(),
            "routes missing from openapi.json: {undocumented:?}"
        );
        let unserved: Vec<_> = documented.difference(&registered).collect();
        assert!(
            unserved.is_empty(),
            "openapi.json describes routes the node does not serve: {unserved:?}"
        );
        // Every operation says how it answers.
        for (method, path) in &documented {
            let op = &doc["paths"][path][method];
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path}"
            );
            assert!(op["operationId"].is_string(), "{method} {path}");
        }
    }

    /// Free texts and names are "not blank" as the node reads it, in a pattern every regex
    /// dialect reads alike (not `\S`, which Python and ECMA-262 read differently).
    #[test]
    fn texts_and_names_state_the_nodes_blank() {
        let doc: serde_json::Value = serde_json::from_str(DOCUMENT).unwrap();
        for schema in ["Text", "Name"] {
            assert_eq!(
                doc["components"]["schemas"][schema]["pattern"],
                entente_core::text::VISIBLE_PATTERN,
                "{schema}"
            );
        }
        assert!(
            !DOCUMENT.contains("\\\\S") && !DOCUMENT.contains("\\\\s"),
            "a pattern with \\s or \\S means something else in each dialect"
        );
    }
}
