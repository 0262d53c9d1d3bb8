//! Where a peer's last pull ended. A peer node pulls with the same query (its cursor as
//! `added_after`) until something new is visible to it; rows after its cursor that it may not see
//! would otherwise be scanned again on every pull — on a hub, every object a state originated
//! comes after that state's cursor and is never sent back to it, so each poke rescanned them all.
//! So for each peer the node remembers, when a query found nothing for it, the last row that scan
//! examined, and an identical query starts after it. (A query that found something must find it
//! again if asked again; a puller asks anew from its advanced cursor.) Nothing of this leaves the node: the answer is
//! the one a full scan would give, for no row up to that point was for that peer, and what a peer
//! may see of a stored row never changes — unless a tier in the effective charter does, and then
//! every entry is forgotten (`crate::governance`). Kept in memory, one entry per peer party.

use entente_core::PartyCode;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct PullResume(Mutex<HashMap<PartyCode, (String, i64)>>);

impl PullResume {
    /// Where `party`'s identical query may start, if it asked it before.
    pub fn get(&self, party: &PartyCode, query: &str) -> Option<i64> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(party)
            .filter(|(q, _)| q == query)
            .map(|(_, seq)| *seq)
    }

    /// Forgets every peer's: what a peer may see changed (a tier in the effective charter).
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    pub fn set(&self, party: &PartyCode, query: &str, scanned_to: i64) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(party.clone(), (query.to_owned(), scanned_to));
    }
}
