//! Sign-in, sign-out and the choice of language.

use super::extract::{Posted, Visitor};
use super::{render, Chrome};
use crate::session::{
    cookie, local_path, random_token, same, set_cookie, source_of, LANG_COOKIE, PRE_COOKIE,
    SESSION_COOKIE,
};
use crate::Web;
use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use entente_node::NodeError;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;

#[derive(Template)]
#[template(path = "signin.html")]
struct SignIn {
    c: Chrome,
    pre: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

fn next_of(n: Option<String>) -> String {
    n.filter(|p| local_path(p))
        .unwrap_or_else(|| "/".to_owned())
}

/// The sign-in page, with a fresh token bound to a cookie of its own.
fn page(web: &Web, v: &Visitor, next: String, error: Option<&str>, status: StatusCode) -> Response {
    let c = Chrome::anonymous(web, v.lang, &v.path, "title-signin");
    let pre = random_token();
    let error = error.map(|k| c.t.m(k));
    let page = SignIn {
        pre: pre.clone(),
        next,
        error,
        c,
    };
    let mut resp = render(status, &page, &page.c);
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(PRE_COOKIE, &pre, Some(Duration::from_secs(3600))),
    );
    resp
}

pub async fn form(State(web): State<Arc<Web>>, v: Visitor, Query(n): Query<Next>) -> Response {
    page(&web, &v, next_of(n.next), None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// Checks the name and password as the API checks HTTP Basic (the same limits), and opens a session.
pub async fn submit(State(web): State<Arc<Web>>, req: Request) -> Response {
    let (mut parts, body) = req.into_parts();
    let Ok(v) = Visitor::from_request_parts(&mut parts, &web).await;
    let source = source_of(&parts);
    let pre = cookie(&parts.headers, PRE_COOKIE).map(str::to_owned);
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024).await else {
        return page(
            &web,
            &v,
            "/".into(),
            Some("error-form-too-large"),
            StatusCode::PAYLOAD_TOO_LARGE,
        );
    };
    let Ok(f) = crate::session::serde_urlencoded_from::<Credentials>(&bytes) else {
        return page(
            &web,
            &v,
            "/".into(),
            Some("error-bad-form"),
            StatusCode::BAD_REQUEST,
        );
    };
    let next = next_of(f.next);
    if !pre.is_some_and(|p| same(&p, &f.csrf)) {
        return page(&web, &v, next, Some("error-csrf"), StatusCode::FORBIDDEN);
    }
    let basic = format!("Basic {}", B64.encode(format!("{}:{}", f.name, f.password)));
    let principal = match entente_node::auth::authenticate(&web.node, Some(&basic), &source).await {
        Ok(p) => p,
        Err(NodeError::TooManyRequests { .. }) => {
            return page(
                &web,
                &v,
                next,
                Some("error-too_many_requests"),
                StatusCode::TOO_MANY_REQUESTS,
            )
        }
        Err(NodeError::Unauthenticated) => {
            return page(
                &web,
                &v,
                next,
                Some("signin-failed"),
                StatusCode::UNAUTHORIZED,
            )
        }
        Err(e) => return super::failure(&web, v.lang, e),
    };
    let Some(role) = principal.role() else {
        return page(
            &web,
            &v,
            next,
            Some("signin-failed"),
            StatusCode::UNAUTHORIZED,
        );
    };
    let token = web.sessions.open(principal, &f.name, role);
    let mut resp = super::see_other(&next);
    let h = resp.headers_mut();
    h.append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, None));
    h.append(
        header::SET_COOKIE,
        set_cookie(PRE_COOKIE, "", Some(Duration::ZERO)),
    );
    resp
}

#[derive(Deserialize)]
pub struct Nothing {}

pub async fn sign_out(State(web): State<Arc<Web>>, req: Request) -> Response {
    let token = cookie(req.headers(), SESSION_COOKIE).map(str::to_owned);
    // The form's token is checked like any other form's.
    let posted = <Posted<Nothing> as FromRequest<Arc<Web>>>::from_request(req, &web).await;
    if let Err(r) = posted {
        return r;
    }
    if let Some(t) = token {
        web.sessions.close(&t);
    }
    let mut resp = super::see_other("/signin");
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(Duration::ZERO)),
    );
    resp
}

#[derive(Deserialize)]
pub struct Back {
    back: Option<String>,
}

/// Remembers the language chosen (a year), and goes back to the page it was chosen on.
pub async fn choose_language(Path(code): Path<String>, Query(b): Query<Back>) -> Response {
    let Some(lang) = crate::i18n::Lang::parse(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut resp = super::see_other(&next_of(b.back));
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            lang.code(),
            Some(Duration::from_secs(365 * 24 * 3600)),
        ),
    );
    resp
}
