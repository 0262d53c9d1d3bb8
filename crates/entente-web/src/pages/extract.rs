//! The extractors a page handler takes: [`Visitor`] (anyone, with their language), [`Signed`] (a
//! signed-in user, their stored record read again on every request) and [`Posted`] (a signed-in
//! user's form, read only when its CSRF token is the session's, in constant time).

use crate::i18n::Lang;
use crate::session::{
    cookie, lang_of, local_path, same, serde_urlencoded_from, Session, SESSION_COOKIE,
};
use crate::Web;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use entente_node::auth::Principal;
use entente_node::Node;
use std::sync::Arc;

/// Anyone: the language they read, the path they asked for.
pub struct Visitor {
    pub lang: Lang,
    pub path: String,
}

impl FromRequestParts<Arc<Web>> for Visitor {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        _: &Arc<Web>,
    ) -> Result<Self, std::convert::Infallible> {
        Ok(Visitor {
            lang: lang_of(&parts.headers),
            path: parts
                .uri
                .path_and_query()
                .map_or("/".to_owned(), |p| p.as_str().to_owned()),
        })
    }
}

/// A signed-in user of this node.
pub struct Signed {
    pub principal: Principal,
    /// The user's name on this node, and their role.
    pub user: String,
    pub role: entente_core::Role,
    pub csrf: String,
    pub lang: Lang,
    pub path: String,
}

/// Where a request without a session goes: the sign-in page, coming back here after.
fn to_sign_in(path: &str) -> Response {
    let next = if local_path(path) { path } else { "/" };
    Redirect::to(&format!("/signin?next={}", crate::urlencode(next))).into_response()
}

impl FromRequestParts<Arc<Web>> for Signed {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, web: &Arc<Web>) -> Result<Self, Response> {
        let Ok(Visitor { lang, path }) = Visitor::from_request_parts(parts, web).await;
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_sign_in(&path));
        };
        let Some(session) = web.sessions.get(token) else {
            return Err(to_sign_in(&path));
        };
        // The stored record again: a removed user, or one whose role changed, is signed out.
        match still_valid(&web.node, &session).await {
            Ok(true) => {}
            Ok(false) => {
                web.sessions.close(token);
                return Err(to_sign_in(&path));
            }
            Err(e) => return Err(super::failure(web, lang, e)),
        }
        // The tier is the effective charter's now, not the one at sign-in: a decision may have
        // changed it since.
        let mut principal = session.principal;
        if let entente_core::Viewer::User { tier, .. } = &mut principal.viewer {
            *tier = web.node.tier();
        }
        Ok(Signed {
            principal,
            user: session.user,
            role: session.role,
            csrf: session.csrf,
            lang,
            path,
        })
    }
}

async fn still_valid(node: &Node, s: &Session) -> Result<bool, entente_node::NodeError> {
    Ok(node
        .store
        .get_user(&s.user)
        .await?
        .is_some_and(|u| u.role == s.role))
}

/// A signed-in user's form, read only when its CSRF token is the session's. The form is at most
/// [`MAX_FORM`] bytes.
pub struct Posted<T>(pub Signed, pub T);

/// The largest form the UI takes.
pub const MAX_FORM: usize = 256 * 1024;

#[derive(serde::Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

impl<T: serde::de::DeserializeOwned + Send> FromRequest<Arc<Web>> for Posted<T> {
    type Rejection = Response;
    async fn from_request(req: Request, web: &Arc<Web>) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let signed = Signed::from_request_parts(&mut parts, web).await?;
        let bytes = axum::body::to_bytes(body, MAX_FORM)
            .await
            .map_err(|_| super::refused(web, &signed, "error-form-too-large", None))?;
        let csrf: CsrfOnly = serde_urlencoded_from(&bytes)
            .map_err(|_| super::refused(web, &signed, "error-csrf", None))?;
        if !same(&csrf.csrf, &signed.csrf) {
            return Err(super::refused(web, &signed, "error-csrf", None));
        }
        let form: T = serde_urlencoded_from(&bytes)
            .map_err(|e| super::refused(web, &signed, "error-bad-form", Some(e.to_string())))?;
        Ok(Posted(signed, form))
    }
}
