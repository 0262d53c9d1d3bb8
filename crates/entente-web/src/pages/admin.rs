//! Administration (admins): the node's users with their roles and how many tokens each holds; a
//! user's role changed, a token issued (shown once) or every token of a user revoked — in force at
//! the user's next request, API and UI alike, and each recorded in the audit log (the running node
//! writes it, so its Merkle frontier stays one).

use super::extract::{Posted, Signed};
use super::{render, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use entente_node::NodeError;
use entente_store::TokenSubject;
use serde::Deserialize;
use std::sync::Arc;

pub struct User {
    pub name: String,
    pub role: String,
    pub tokens: u64,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct Page {
    c: Chrome,
    users: Vec<User>,
    roles: Vec<&'static str>,
    /// A token just issued: (user, token), shown this once.
    issued: Option<(String, String)>,
}

pub async fn page(State(web): State<Arc<Web>>, s: Signed) -> Response {
    show(&web, &s, None).await
}

async fn show(web: &Web, s: &Signed, issued: Option<(String, String)>) -> Response {
    if s.role != entente_core::Role::Admin {
        return super::refused(web, s, "error-admins-only", None);
    }
    let users = match web.node.store.users().await {
        Ok(u) => u
            .into_iter()
            .filter(|(u, _)| u.name != entente_node::auth::NODE_USER)
            .map(|(u, tokens)| User {
                name: u.name,
                role: u.role.to_string(),
                tokens,
            })
            .collect(),
        Err(e) => return super::failure(web, s.lang, e.into()),
    };
    let c = Chrome::new(web, s, "/admin", "title-admin");
    let page = Page {
        c,
        users,
        roles: entente_core::Role::ALL.iter().map(|r| r.as_str()).collect(),
        issued,
    };
    render(StatusCode::OK, &page, &page.c)
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn set_role(
    State(web): State<Arc<Web>>,
    Path(name): Path<String>,
    Posted(s, f): Posted<RoleForm>,
) -> Response {
    if s.role != entente_core::Role::Admin {
        return super::refused(&web, &s, "error-admins-only", None);
    }
    let Ok(role) = entente_core::Role::parse(&f.role) else {
        return super::refused(&web, &s, "error-bad-form", None);
    };
    match web.node.store.set_role(&name, role).await {
        Ok(true) => match record(&web, &s, "user-role", &format!("{name}: {role}")).await {
            Ok(()) => super::see_other("/admin"),
            Err(e) => super::failure(&web, s.lang, e),
        },
        Ok(false) => super::not_found(&web, &s),
        Err(e) => super::failure(&web, s.lang, e.into()),
    }
}

/// Records an administrator's act in the audit log.
async fn record(web: &Web, s: &Signed, action: &str, detail: &str) -> Result<(), NodeError> {
    super::audit::record(web, s, action, None, Vec::new(), detail).await
}

#[derive(Deserialize)]
pub struct Nothing {}

/// Issues a token for a user; the page shows it once (the node keeps only its hash).
pub async fn new_token(
    State(web): State<Arc<Web>>,
    Path(name): Path<String>,
    Posted(s, _): Posted<Nothing>,
) -> Response {
    if s.role != entente_core::Role::Admin {
        return super::refused(&web, &s, "error-admins-only", None);
    }
    match web.node.store.get_user(&name).await {
        Ok(Some(_)) if name != entente_node::auth::NODE_USER => {}
        Ok(_) => return super::not_found(&web, &s),
        Err(e) => return super::failure(&web, s.lang, e.into()),
    }
    let token = entente_node::credentials::new_token();
    let hash = entente_node::credentials::hash_token(&token);
    if let Err(e) = web
        .node
        .store
        .add_token(&hash, TokenSubject::User(name.clone()))
        .await
    {
        return super::failure(&web, s.lang, e.into());
    }
    if let Err(e) = record(&web, &s, "token-new", &name).await {
        return super::failure(&web, s.lang, e);
    }
    show(&web, &s, Some((name, token))).await
}

/// Revokes every token a user holds.
pub async fn revoke_tokens(
    State(web): State<Arc<Web>>,
    Path(name): Path<String>,
    Posted(s, _): Posted<Nothing>,
) -> Response {
    if s.role != entente_core::Role::Admin {
        return super::refused(&web, &s, "error-admins-only", None);
    }
    match web
        .node
        .store
        .revoke_tokens(&TokenSubject::User(name.clone()))
        .await
    {
        Ok(_) => match record(&web, &s, "token-revoke", &name).await {
            Ok(()) => super::see_other("/admin"),
            Err(e) => super::failure(&web, s.lang, e),
        },
        Err(e) => super::failure(&web, s.lang, e.into()),
    }
}
