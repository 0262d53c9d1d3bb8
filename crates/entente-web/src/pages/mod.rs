//! The pages: what each shows and which forms it offers. Every page is an askama template that
//! extends `layout.html` and holds a [`Chrome`] (the translator, who is signed in, the section,
//! the CSRF token); [`render`] turns it into an answer. Errors become pages in the user's language
//! ([`failure`], [`refused`], [`not_found`]); what the API calls a code, the UI says through the
//! catalogue key `error-<code>`.

pub mod admin;
pub mod assets;
pub mod audit;
pub mod consultations;
pub mod dashboard;
pub mod decisions;
pub mod exercises;
pub mod extract;
pub mod federation;
pub mod intel;
pub mod live;
pub mod map;
pub mod programmes;
pub mod register;
pub mod signin;
pub mod warnings;

use crate::i18n::{Lang, Tr};
use crate::Web;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use entente_node::NodeError;
use extract::Signed;
use std::sync::Arc;

/// What every page has around its content.
pub struct Chrome {
    pub t: Tr,
    /// Whether a user is signed in; who (`KZ:analyst1`), their role's key, their node's party.
    pub signed_in: bool,
    pub user: String,
    pub role_key: String,
    pub party: String,
    pub csrf: String,
    /// The section of the navigation this page is in.
    pub nav: &'static str,
    pub title: String,
    /// The page's own path, for the language switcher to come back to.
    pub path: String,
    pub is_supervisor: bool,
    pub is_admin: bool,
}

impl Chrome {
    pub fn new(web: &Web, s: &Signed, nav: &'static str, title_key: &str) -> Chrome {
        let t = Tr::new(web.catalogues.clone(), s.lang);
        let title = t.m(title_key);
        let role = s.role;
        Chrome {
            signed_in: true,
            user: format!("{}:{}", web.node.party, s.user),
            role_key: format!("role-{role}"),
            party: web.node.party.to_string(),
            csrf: s.csrf.clone(),
            nav,
            title,
            path: s.path.clone(),
            is_supervisor: matches!(
                role,
                entente_core::Role::Supervisor | entente_core::Role::Admin
            ),
            is_admin: role == entente_core::Role::Admin,
            t,
        }
    }

    pub fn anonymous(web: &Web, lang: Lang, path: &str, title_key: &str) -> Chrome {
        let t = Tr::new(web.catalogues.clone(), lang);
        Chrome {
            title: t.m(title_key),
            signed_in: false,
            user: String::new(),
            role_key: String::new(),
            party: String::new(),
            csrf: String::new(),
            nav: "",
            path: path.to_owned(),
            is_supervisor: false,
            is_admin: false,
            t,
        }
    }

    /// The sections of the navigation: (path, key, `page` when this page is in it).
    pub fn sections(&self) -> Vec<(&'static str, &'static str, &'static str)> {
        let mut s = vec![
            ("/", "nav-dashboard"),
            ("/intel", "nav-intel"),
            ("/warnings", "nav-warnings"),
            ("/consultations", "nav-consultations"),
            ("/exercises", "nav-exercises"),
            ("/decisions", "nav-decisions"),
            ("/charter", "nav-charter"),
            ("/programmes", "nav-programmes"),
            ("/register", "nav-register"),
            ("/screen", "nav-screen"),
            ("/map", "nav-map"),
            ("/federation", "nav-federation"),
            ("/audit", "nav-audit"),
        ];
        if self.is_admin {
            s.push(("/admin", "nav-admin"));
        }
        s.into_iter()
            .map(|(p, k)| (p, k, if self.nav == p { "page" } else { "" }))
            .collect()
    }

    /// The other languages, with the link that switches to each.
    pub fn languages(&self) -> Vec<(&'static str, &'static str, String)> {
        Lang::ALL
            .iter()
            .filter(|l| **l != self.t.lang)
            .map(|l| {
                (
                    l.code(),
                    l.own_name(),
                    format!("/lang/{}?back={}", l.code(), crate::urlencode(&self.path)),
                )
            })
            .collect()
    }

    pub fn num(&self, n: impl crate::i18n::Count) -> String {
        crate::format::number(self.t.lang, n.count() as i64)
    }

    pub fn when(&self, s: &str) -> String {
        crate::format::timestamp(&self.t, s)
    }

    pub fn day(&self, s: &str) -> String {
        crate::format::date(&self.t, s)
    }

    pub fn moment(&self, us: &i64) -> String {
        crate::format::moment(&self.t, *us)
    }
}

/// Renders a page; a key the catalogue lacks is logged (and shows as `⟦key⟧`, which the tests
/// look for).
pub fn render<T: Template>(status: StatusCode, page: &T, chrome: &Chrome) -> Response {
    match page.render() {
        Ok(html) => {
            let missing = chrome.t.missing();
            if !missing.is_empty() {
                tracing::warn!(
                    ?missing,
                    lang = chrome.t.lang.code(),
                    "page renders missing keys"
                );
            }
            (status, Html(html)).into_response()
        }
        Err(e) => {
            tracing::error!(cause = %e, "a page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub c: Chrome,
    /// The translated message, and the detail in the words of the rule that refused (English).
    pub message: String,
    pub detail: Option<String>,
    pub back: Option<String>,
}

/// A page saying why something was refused, in the user's language (`key` is a catalogue key;
/// `detail`, when given, is the rule's own sentence).
pub fn refused(web: &Web, s: &Signed, key: &str, detail: Option<String>) -> Response {
    let status = status_of_key(key);
    let c = Chrome::new(web, s, "", "title-refused");
    let message = c.t.m(key);
    let page = MessagePage {
        message,
        detail,
        back: Some(s.path.clone()),
        c,
    };
    render(status, &page, &page.c)
}

fn status_of_key(key: &str) -> StatusCode {
    match key {
        "error-not_found" => StatusCode::NOT_FOUND,
        "error-csrf"
        | "error-forbidden"
        | "error-role_may_not"
        | "error-admins-only"
        | "error-not_a_member"
        | "error-not_the_proposer"
        | "error-not_yours" => StatusCode::FORBIDDEN,
        "error-decision_closed"
        | "error-not_adopted"
        | "error-already_done"
        | "error-deadline_passed"
        | "error-step_not_allowed" => StatusCode::CONFLICT,
        "error-too_many_requests" => StatusCode::TOO_MANY_REQUESTS,
        "error-form-too-large" => StatusCode::PAYLOAD_TOO_LARGE,
        k if k.starts_with("error-step") || k.starts_with("error-conflict") => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// The page for something absent or not for this user to see: one page for both.
pub fn not_found(web: &Web, s: &Signed) -> Response {
    let c = Chrome::new(web, s, "", "title-not-found");
    let page = MessagePage {
        message: c.t.m("error-not_found"),
        detail: None,
        back: None,
        c,
    };
    render(StatusCode::NOT_FOUND, &page, &page.c)
}

/// The page for an error of the application layer, in the user's language.
pub fn failure(web: &Web, lang: Lang, e: NodeError) -> Response {
    let t = Tr::new(web.catalogues.clone(), lang);
    let (status, key) = match &e {
        NodeError::NotFound => (StatusCode::NOT_FOUND, "error-not_found"),
        NodeError::TooManyRequests { .. } => {
            (StatusCode::TOO_MANY_REQUESTS, "error-too_many_requests")
        }
        NodeError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "error-unavailable"),
        _ => {
            tracing::error!(cause = %e, "a page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
        }
    };
    (
        status,
        Html(format!(
            "<!doctype html><meta charset=utf-8><title>Entente</title><p>{}</p>",
            escape(&t.m(key))
        )),
    )
        .into_response()
}

/// The key and the detail that say why a step was refused.
pub fn why(e: &NodeError) -> (String, Option<String>) {
    match e {
        NodeError::Workflow(r) => {
            let detail = matches!(
                r.class(),
                entente_workflow::RefusalClass::Invalid | entente_workflow::RefusalClass::Conflict
            )
            .then(|| r.to_string());
            (format!("error-{}", r.code()), detail)
        }
        NodeError::Refused(entente_core::WriteRefusal::Forbidden(m)) => {
            ("error-forbidden".into(), Some(m.clone()))
        }
        NodeError::Refused(entente_core::WriteRefusal::Conflict(m)) => {
            ("error-conflict".into(), Some(m.clone()))
        }
        NodeError::NotFound => ("error-not_found".into(), None),
        NodeError::Invalid(m) => ("error-invalid_input".into(), Some(m.clone())),
        NodeError::TooManyRequests { .. } => ("error-too_many_requests".into(), None),
        _ => ("error-internal".into(), None),
    }
}

/// A step's error as a page: absent answers as absent; the rest say why.
pub fn step_failed(web: &Arc<Web>, s: &Signed, e: NodeError) -> Response {
    match &e {
        NodeError::NotFound | NodeError::Workflow(entente_workflow::Refusal::NotFound) => {
            not_found(web, s)
        }
        NodeError::Workflow(_)
        | NodeError::Refused(_)
        | NodeError::Invalid(_)
        | NodeError::TooManyRequests { .. } => {
            let (key, detail) = why(&e);
            refused(web, s, &key, detail)
        }
        _ => failure(web, s.lang, e),
    }
}

/// HTML-escapes a text (for the few answers written without a template).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Seconds-free "see other" after a form: back to a page of this site.
pub fn see_other(path: &str) -> Response {
    let path = if crate::session::local_path(path) {
        path
    } else {
        "/"
    };
    axum::response::Redirect::to(path).into_response()
}
