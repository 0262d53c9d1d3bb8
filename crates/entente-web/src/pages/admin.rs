//! Administration (admins): the node's users with their roles and how many tokens each holds, and
//! a form to change a user's role — in force at the user's next request, API and UI alike.

use super::extract::{Posted, Signed};
use super::{render, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
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
}

pub async fn page(State(web): State<Arc<Web>>, s: Signed) -> Response {
    if s.role != entente_core::Role::Admin {
        return super::refused(&web, &s, "error-admins-only", None);
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
        Err(e) => return super::failure(&web, s.lang, e.into()),
    };
    let c = Chrome::new(&web, &s, "/admin", "title-admin");
    let page = Page {
        c,
        users,
        roles: entente_core::Role::ALL.iter().map(|r| r.as_str()).collect(),
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
        Ok(true) => super::see_other("/admin"),
        Ok(false) => super::not_found(&web, &s),
        Err(e) => super::failure(&web, s.lang, e.into()),
    }
}
