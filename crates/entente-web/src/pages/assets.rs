//! The UI's own style sheet and script, compiled into the binary.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub async fn file(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "app.css" => (
            include_str!("../../static/app.css"),
            "text/css; charset=utf-8",
        ),
        "app.js" => (
            include_str!("../../static/app.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        body,
    )
        .into_response()
}
