//! Federation: how a node takes in what its peers share. For each peer it has a link to (made by
//! `entente peer add --url --token`), a node pulls the peer's TAXII 2.1 collection — objects added
//! after its cursor, every version, page by page with `next` — and stores each page through the
//! same checks as any signed object (`entente_node::ingest::ingest_pulled`): valid STIX, a
//! signature that verifies against the originator's charter key, `created_by_ref` naming the
//! signer, and an object the policy lets that peer pass to this node. What fails is refused one
//! object at a time, recorded as a security event, and the pull goes on. The cursor advances in
//! the transaction that stores the page, so a crash at any point neither loses nor repeats
//! anything; objects are stored idempotently by (`id`, version).
//!
//! What a peer is sent is decided on the peer's side by the access policy (`entente_core::may_see`
//! with a `Viewer::Node`): only the originator's node and the hub pass an object on, and only to
//! the states its marking and audience allow. So a hub and spokes converge, and so does a mesh.
//!
//! Latency: when a node stores something new it pokes every peer it links to (a short
//! authenticated POST), and a poked node pulls from the poker at once; polling every
//! `poll_interval` is the backstop for lost pokes. Links are re-read every `reload_interval`, and
//! at once when a peer with no puller pokes, so `peer add` takes effect on a running node.

pub mod client;
pub mod link;
mod pull;

use client::PeerClient;
use entente_core::PartyCode;
use entente_node::Node;
use entente_store::{PeerLink, StoreError};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    #[error("{0}")]
    BadLink(String),
    #[error("the peer could not be reached: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the peer refused the request (HTTP {status}): {message}")]
    Refused { status: u16, message: String },
    #[error("the peer answered something that is not what TAXII 2.1 says: {0}")]
    Malformed(String),
    #[error("storing what was pulled failed: {0}")]
    Ingest(#[from] entente_node::ingest::IngestError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How a node pulls.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How often a peer is pulled from when it has not poked (the backstop for lost pokes).
    pub poll_interval: Duration,
    /// How often the links are re-read from the store.
    pub reload_interval: Duration,
    /// Objects asked for per page.
    pub page_size: usize,
    /// The largest page taken from a peer.
    pub max_page_bytes: usize,
    /// How long one request to a peer may take.
    pub request_timeout: Duration,
    /// The longest wait between retries when a peer cannot be reached.
    pub max_backoff: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            poll_interval: Duration::from_secs(10),
            reload_interval: Duration::from_secs(2),
            page_size: 1000,
            max_page_bytes: 64 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            max_backoff: Duration::from_secs(10),
        }
    }
}

/// The running federation of a node; dropping it stops every puller and poker.
pub struct Federation {
    supervisor: JoinHandle<()>,
}

impl Drop for Federation {
    fn drop(&mut self) {
        self.supervisor.abort();
    }
}

/// Starts pulling from (and poking) every peer the node links to.
pub fn start(node: Arc<Node>, settings: Settings) -> Federation {
    Federation {
        supervisor: tokio::spawn(supervise(node, settings)),
    }
}

/// The tasks serving one link; they stop when this is dropped.
struct Running {
    link: PeerLink,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Keeps one puller and one poker running per link, as the links in the store change.
async fn supervise(node: Arc<Node>, settings: Settings) {
    let mut running: HashMap<String, Running> = HashMap::new();
    loop {
        match node.store.peer_links().await {
            Ok(links) => reconcile(&node, &settings, &mut running, links),
            Err(e) => tracing::warn!(error = %e, "reading the peer links failed; will retry"),
        }
        tokio::select! {
            _ = tokio::time::sleep(settings.reload_interval) => {}
            _ = node.signals.unknown_poke() => {}
        }
    }
}

fn reconcile(
    node: &Arc<Node>,
    settings: &Settings,
    running: &mut HashMap<String, Running>,
    links: Vec<PeerLink>,
) {
    running.retain(|party, _| links.iter().any(|l| l.party == *party));
    for mut link in links {
        // The cursor moves with every page; only where and how to reach the peer matter here.
        link.cursor = None;
        if running.get(&link.party).is_some_and(|r| r.link == link) {
            continue;
        }
        let party = match PartyCode::parse(&link.party) {
            Ok(p) if node.effective.current().charter().party(&p).is_some() && p != node.party => p,
            _ => {
                tracing::warn!(party = %link.party, "a peer link names no other party of the charter; ignored");
                continue;
            }
        };
        let client = match PeerClient::new(&link, settings.request_timeout, settings.max_page_bytes)
        {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(%party, error = %e, "a peer link cannot be used; ignored");
                continue;
            }
        };
        tracing::info!(%party, url = %link.url, "pulling from peer");
        let tasks = vec![
            tokio::spawn(pull::run_puller(
                node.clone(),
                party.clone(),
                client.clone(),
                settings.clone(),
            )),
            tokio::spawn(pull::run_poker(node.clone(), party, client)),
        ];
        running.insert(link.party.clone(), Running { link, tasks });
    }
}
