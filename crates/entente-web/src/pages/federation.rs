//! The federation: each peer link with how far its pull has come and how long ago that was, a
//! chart of the lag per peer, and (admins) the security events.

use super::extract::Signed;
use super::{render, Chrome};
use crate::Web;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use std::sync::Arc;

pub struct Link {
    pub party: String,
    pub url: String,
    pub cursor: String,
    /// Seconds since the last object received, when any was.
    pub lag_secs: Option<i64>,
    /// When the last pull succeeded, and the last error when it came after that success.
    pub last_ok_us: Option<i64>,
    pub last_error: Option<(i64, String)>,
}

pub struct Event {
    pub at_us: i64,
    pub kind: String,
    pub source: String,
    pub object: String,
    pub detail: String,
}

/// The peer links, with their lag.
pub async fn links(web: &Web) -> Result<Vec<Link>, entente_node::NodeError> {
    let now = web.node.now_us();
    Ok(web
        .node
        .store
        .peer_links()
        .await?
        .into_iter()
        .map(|l| {
            let lag_secs = l
                .cursor
                .as_deref()
                .and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok())
                .map(|d| (now - d.timestamp_micros()).max(0) / 1_000_000);
            let health = entente_core::PartyCode::parse(&l.party)
                .map(|p| web.node.peer_health.of(&p))
                .unwrap_or_default();
            let last_error = health
                .last_error
                .filter(|(at, _)| health.last_ok_us.is_none_or(|ok| *at > ok));
            Link {
                last_ok_us: health.last_ok_us,
                last_error,
                party: l.party,
                url: l.url,
                cursor: l.cursor.unwrap_or_default(),
                lag_secs,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "federation.html")]
struct Page {
    c: Chrome,
    links: Vec<Link>,
    chart: String,
    events: Vec<Event>,
}

pub async fn page(State(web): State<Arc<Web>>, s: Signed) -> Response {
    let links = match links(&web).await {
        Ok(l) => l,
        Err(e) => return super::failure(&web, s.lang, e),
    };
    let events = if s.role == entente_core::Role::Admin {
        match web.node.store.security_events(0, 200).await {
            Ok(ev) => ev
                .into_iter()
                .rev()
                .map(|e| Event {
                    at_us: e.event.ts_us,
                    kind: e.event.kind,
                    source: e.event.source,
                    object: e.event.object.unwrap_or_default(),
                    detail: e.event.detail,
                })
                .collect(),
            Err(e) => return super::failure(&web, s.lang, e.into()),
        }
    } else {
        Vec::new()
    };
    let c = Chrome::new(&web, &s, "/federation", "title-federation");
    let bars: Vec<(String, f64)> = links
        .iter()
        .map(|l| (l.party.clone(), l.lag_secs.unwrap_or(0) as f64))
        .collect();
    let chart = super::dashboard::bar_chart(&c.t.m("chart-lag"), &bars, &c.t.m("unit-seconds"));
    let page = Page {
        c,
        links,
        chart,
        events,
    };
    render(StatusCode::OK, &page, &page.c)
}
