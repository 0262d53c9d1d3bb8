//! Entente's web UI, served by the node at `/` over its own TLS, in the one binary: pages rendered
//! on the server from askama templates (checked at compile time, every value HTML-escaped unless a
//! template says otherwise, which none does), forms that work without JavaScript, and one small
//! script of our own for live updates over the event stream.
//!
//! The UI is another face of the application layer (`entente-node`), like the REST API: each page
//! reads through `entente_node::read` and the workflows (so it shows only what the access policy
//! lets the user see) and each form takes its step through `entente_node::workflow::take` or
//! ingest (so the write policy decides); a page offers an action only where the workflow would
//! admit it. Every visible string comes from the Fluent catalogues in [`i18n`] (English, Russian,
//! Chinese). [`session`] signs users in with the node's users and the API's failure limits.
//! Every answer carries a Content-Security-Policy with no inline script and `frame-ancestors
//! 'none'`, and no page is cached ([`headers`]).

pub mod format;
pub mod headers;
pub mod i18n;
pub mod map;
pub mod pages;
pub mod session;

use axum::routing::{get, post};
use axum::Router;
use entente_node::Node;
use std::sync::Arc;

/// What the UI holds beside the node: its sessions and catalogues.
pub struct Web {
    pub node: Arc<Node>,
    pub sessions: session::Sessions,
    pub catalogues: Arc<i18n::Catalogues>,
}

/// The UI's routes, for the node's router (whose state is the node).
pub fn routes(node: Arc<Node>) -> Result<Router<Arc<Node>>, String> {
    let web = Arc::new(Web {
        node,
        sessions: session::Sessions::default(),
        catalogues: Arc::new(i18n::Catalogues::load()?),
    });
    let ui: Router<Arc<Web>> = Router::new()
        .route("/", get(pages::dashboard::page))
        .route(
            "/signin",
            get(pages::signin::form).post(pages::signin::submit),
        )
        .route("/signout", post(pages::signin::sign_out))
        .route("/lang/{code}", get(pages::signin::choose_language))
        .route("/intel", get(pages::intel::list))
        .route(
            "/intel/new",
            get(pages::intel::new_form).post(pages::intel::create),
        )
        .route("/intel/{id}", get(pages::intel::object))
        .route("/warnings", get(pages::warnings::list))
        .route(
            "/warnings/new",
            get(pages::warnings::new_form).post(pages::warnings::create),
        )
        .route("/warnings/{id}", get(pages::warnings::one))
        .route(
            "/warnings/{id}/revise",
            get(pages::warnings::revise_form).post(pages::warnings::revise),
        )
        .route("/warnings/{id}/{step}", post(pages::warnings::step))
        .route(
            "/register",
            get(pages::register::list).post(pages::register::designate),
        )
        .route("/register/{id}/delist", post(pages::register::delist))
        .route("/screen", get(pages::register::screen))
        .route(
            "/screen/file",
            post(pages::register::screen_file).layer(axum::extract::DefaultBodyLimit::max(
                pages::register::MAX_FILE + 64 * 1024,
            )),
        )
        .route("/exercises", get(pages::exercises::list))
        .route(
            "/exercises/new",
            get(pages::exercises::new_form).post(pages::exercises::create),
        )
        .route("/exercises/{id}", get(pages::exercises::one))
        .route("/exercises/{id}/{step}", post(pages::exercises::step))
        .route("/consultations", get(pages::consultations::list))
        .route(
            "/consultations/new",
            get(pages::consultations::new_form).post(pages::consultations::create),
        )
        .route("/consultations/{id}", get(pages::consultations::one))
        .route(
            "/consultations/{id}/{step}",
            post(pages::consultations::step),
        )
        .route("/decisions", get(pages::decisions::list))
        .route(
            "/decisions/new",
            get(pages::decisions::new_form).post(pages::decisions::create),
        )
        .route("/decisions/{id}", get(pages::decisions::one))
        .route("/decisions/{id}/{step}", post(pages::decisions::step))
        .route("/charter", get(pages::decisions::charter))
        .route("/programmes", get(pages::programmes::list))
        .route(
            "/programmes/new",
            get(pages::programmes::new_form).post(pages::programmes::create),
        )
        .route("/programmes/{id}", get(pages::programmes::programme))
        .route(
            "/programmes/{id}/{step}",
            post(pages::programmes::programme_step),
        )
        .route("/documents/{id}", get(pages::programmes::document))
        .route(
            "/documents/{id}/{step}",
            post(pages::programmes::document_step),
        )
        .route("/applications", post(pages::decisions::apply))
        .route("/map", get(pages::map::page))
        .route("/federation", get(pages::federation::page))
        .route("/audit", get(pages::audit::page))
        .route("/audit/verify", post(pages::audit::verify))
        .route("/admin", get(pages::admin::page))
        .route("/admin/users/{name}/role", post(pages::admin::set_role))
        .route("/admin/users/{name}/tokens", post(pages::admin::new_token))
        .route(
            "/admin/users/{name}/tokens/revoke",
            post(pages::admin::revoke_tokens),
        )
        .route("/ui/events", get(pages::live::events))
        .route("/ui/static/{file}", get(pages::assets::file))
        .layer(axum::middleware::from_fn(headers::secure));
    Ok(ui.with_state(web))
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
