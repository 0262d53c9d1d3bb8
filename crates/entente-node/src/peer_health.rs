//! How each peer link's pulls are going, for the people who run the node: when the last pull
//! succeeded, and the last error with its time (the federation's pullers record both; the web UI's
//! federation page shows them). Kept in memory, one entry per peer party; a restart starts afresh.

use entente_core::PartyCode;
use std::collections::HashMap;
use std::sync::Mutex;

/// One link's last outcomes (microseconds since the epoch).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullHealth {
    pub last_ok_us: Option<i64>,
    pub last_error: Option<(i64, String)>,
}

#[derive(Default)]
pub struct PeerHealth(Mutex<HashMap<PartyCode, PullHealth>>);

impl PeerHealth {
    pub fn pulled(&self, party: &PartyCode, now_us: i64) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(party.clone()).or_default().last_ok_us = Some(now_us);
    }

    pub fn failed(&self, party: &PartyCode, now_us: i64, error: String) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(party.clone()).or_default().last_error = Some((now_us, error));
    }

    pub fn of(&self, party: &PartyCode) -> PullHealth {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(party).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_success_and_the_last_error() {
        let h = PeerHealth::default();
        let cn = PartyCode::parse("CN").unwrap();
        assert_eq!(h.of(&cn), PullHealth::default());
        h.failed(&cn, 1, "unreachable".into());
        h.pulled(&cn, 2);
        assert_eq!(
            h.of(&cn),
            PullHealth {
                last_ok_us: Some(2),
                last_error: Some((1, "unreachable".into()))
            }
        );
    }
}
