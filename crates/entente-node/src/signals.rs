//! How the parts of a running node that do not share a request tell each other things: "objects
//! were stored" (the federation pokes its peers so they pull at once) and "peer X says it has
//! something new" (the federation pulls from X at once). Nothing here does I/O; the federation
//! (`entente-federation`) listens and acts.

use entente_core::PartyCode;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, Notify};

pub struct Signals {
    /// Counts the writes that stored at least one new object. A watch coalesces: a listener that
    /// is busy sees one change for many writes.
    stored: watch::Sender<u64>,
    /// One wake-up per peer the federation pulls from.
    pokes: Mutex<HashMap<PartyCode, Arc<Notify>>>,
    /// Raised by a poke from a peer no puller listens for yet (its link may just have been added).
    unknown_poke: Notify,
}

impl Default for Signals {
    fn default() -> Self {
        Signals {
            stored: watch::Sender::new(0),
            pokes: Mutex::new(HashMap::new()),
            unknown_poke: Notify::new(),
        }
    }
}

impl Signals {
    /// Tells listeners that new objects were stored.
    pub fn stored(&self) {
        self.stored.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that sees every later [`Signals::stored`] (coalesced).
    pub fn watch_stored(&self) -> watch::Receiver<u64> {
        self.stored.subscribe()
    }

    /// The wake-up the puller of `party` waits on.
    pub fn poke_of(&self, party: &PartyCode) -> Arc<Notify> {
        let mut pokes = self.pokes.lock().unwrap_or_else(|e| e.into_inner());
        pokes.entry(party.clone()).or_default().clone()
    }

    /// A peer said it has something new: wake its puller, or whoever reloads the links.
    pub fn poke(&self, party: &PartyCode) {
        let pokes = self.pokes.lock().unwrap_or_else(|e| e.into_inner());
        match pokes.get(party) {
            Some(n) => n.notify_one(),
            None => self.unknown_poke.notify_one(),
        }
    }

    /// Resolves at the next poke from a peer no puller listens for.
    pub async fn unknown_poke(&self) {
        self.unknown_poke.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn pokes_reach_the_right_puller_and_stores_coalesce() {
        let s = Signals::default();
        let kz = PartyCode::parse("KZ").unwrap();
        let kz_poke = s.poke_of(&kz);
        s.poke(&kz);
        // A stored permit: the puller wakes even if it was busy when poked.
        tokio::time::timeout(std::time::Duration::from_secs(1), kz_poke.notified())
            .await
            .unwrap();
        s.poke(&PartyCode::parse("CN").unwrap());
        tokio::time::timeout(std::time::Duration::from_secs(1), s.unknown_poke())
            .await
            .unwrap();
        let mut rx = s.watch_stored();
        s.stored();
        s.stored();
        rx.changed().await.unwrap();
        assert_eq!(*rx.borrow_and_update(), 2);
    }
}
