//! The two tasks of a link: the puller, which takes in everything the peer has added since its
//! cursor whenever the peer pokes or the poll interval passes, and the poker, which tells the peer
//! whenever this node has stored something new.

use crate::client::{Page, PeerClient};
use crate::{FederationError, Settings};
use entente_core::PartyCode;
use entente_node::ingest::ingest_pulled;
use entente_node::node::COLLECTION_ID;
use entente_node::Node;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// What one catch-up brought.
#[derive(Debug, Default, Clone, Copy)]
pub struct Pulled {
    pub pages: usize,
    pub stored: usize,
    pub duplicates: usize,
    pub refused: usize,
}

pub(crate) async fn run_puller(
    node: Arc<Node>,
    party: PartyCode,
    client: PeerClient,
    settings: Settings,
) {
    let poke = node.signals.poke_of(&party);
    let mut backoff = Duration::ZERO;
    loop {
        match pull_until_caught_up(&node, &party, &client, &settings).await {
            Ok(p) => {
                if p.stored > 0 || p.refused > 0 {
                    tracing::info!(%party, pages = p.pages, stored = p.stored, duplicates = p.duplicates, refused = p.refused, "pulled from peer");
                }
                backoff = Duration::ZERO;
                node.peer_health.pulled(&party, node.now_us());
            }
            Err(e) => {
                entente_node::metrics::federation_error(party.as_str());
                node.peer_health
                    .failed(&party, node.now_us(), e.to_string());
                backoff = (backoff * 2)
                    .max(Duration::from_millis(250))
                    .min(settings.max_backoff);
                tracing::warn!(%party, error = %e, retry_in = ?backoff, "pulling from peer failed");
            }
        }
        let wait = if backoff.is_zero() {
            settings.poll_interval
        } else {
            backoff
        };
        tokio::select! {
            _ = poke.notified() => {}
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

pub(crate) async fn run_poker(node: Arc<Node>, party: PartyCode, client: PeerClient) {
    let mut stored = node.signals.watch_stored();
    // Poke once at start too: a node that was away may have stored things its peers have not
    // pulled.
    loop {
        if let Err(e) = client.poke().await {
            tracing::debug!(%party, error = %e, "poking peer failed; it will find out at its next poll");
        }
        if stored.changed().await.is_err() {
            return;
        }
    }
}

/// A fetch running ahead while the previous page is stored; stopped if it is not wanted.
struct Ahead(JoinHandle<Result<Page, FederationError>>);

impl Drop for Ahead {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Ahead {
    async fn page(mut self) -> Result<Page, FederationError> {
        (&mut self.0)
            .await
            .map_err(|e| FederationError::Malformed(format!("the fetch stopped: {e}")))?
    }
}

fn fetch_ahead(
    client: &PeerClient,
    added_after: Option<String>,
    next: Option<String>,
    limit: usize,
) -> Ahead {
    let client = client.clone();
    Ahead(tokio::spawn(async move {
        client
            .fetch(added_after.as_deref(), next.as_deref(), limit)
            .await
    }))
}

/// The cursor to keep after a page whose last object was added at `added_last`. The objects of one
/// write on the peer share their `date_added` (see the store), and a page may end inside a write:
/// while more follows, the cursor stays just before `added_last`, so that a pull resumed from it
/// (after a restart) takes that write's objects again (a duplicate is nothing) rather than skip
/// those of it the page did not hold. At the end of the series it is `added_last` itself.
pub fn cursor_after(added_last: &str, more: bool) -> String {
    if !more {
        return added_last.to_owned();
    }
    match entente_stix::Timestamp::parse(added_last) {
        Ok(t) => entente_stix::Timestamp::from_micros(t.micros() - 1).to_micros_string(),
        Err(_) => added_last.to_owned(),
    }
}

/// Pulls every page the peer has after this node's cursor, storing each (and the cursor) before
/// asking for the one after the next: one page is fetched while the previous one is stored.
pub async fn pull_until_caught_up(
    node: &Arc<Node>,
    party: &PartyCode,
    client: &PeerClient,
    settings: &Settings,
) -> Result<Pulled, FederationError> {
    let cursor = node
        .store
        .peer_links()
        .await?
        .into_iter()
        .find(|l| l.party == party.as_str())
        .and_then(|l| l.cursor);
    let mut pulled = Pulled::default();
    let mut ahead = Some(fetch_ahead(
        client,
        cursor.clone(),
        None,
        settings.page_size,
    ));
    while let Some(fetch) = ahead.take() {
        let page = fetch.page().await?;
        let Some(added_last) = page.added_last.filter(|_| !page.objects.is_empty()) else {
            break;
        };
        if page.more {
            ahead = Some(fetch_ahead(
                client,
                cursor.clone(),
                page.next.clone(),
                settings.page_size,
            ));
        }
        let lag = entente_stix::Timestamp::parse(&added_last)
            .map(|t| (node.now_us() - t.micros()).max(0) as f64 / 1e6)
            .unwrap_or(0.0);
        let cursor = cursor_after(&added_last, page.more);
        let done = ingest_pulled(node, party, COLLECTION_ID, page.objects, cursor).await?;
        entente_node::metrics::federation_lag(party.as_str(), if page.more { lag } else { 0.0 });
        pulled.pages += 1;
        pulled.stored += done.stored;
        pulled.duplicates += done.duplicates;
        pulled.refused += done.refused.len();
    }
    if pulled.pages == 0 {
        entente_node::metrics::federation_lag(party.as_str(), 0.0);
    }
    Ok(pulled)
}

#[cfg(test)]
mod tests {
    use super::cursor_after;

    #[test]
    fn a_cursor_inside_a_write_stays_before_it() {
        // More follows: the page may have ended inside one write, whose objects share their
        // date_added; a pull resumed from the cursor takes that write again.
        assert_eq!(
            cursor_after("2026-12-01T10:00:00.000100Z", true),
            "2026-12-01T10:00:00.000099Z"
        );
        assert_eq!(
            cursor_after("2026-12-01T10:00:00.000000Z", true),
            "2026-12-01T09:59:59.999999Z"
        );
        // The end of the series: all of it was taken.
        assert_eq!(
            cursor_after("2026-12-01T10:00:00.000100Z", false),
            "2026-12-01T10:00:00.000100Z"
        );
    }
}
