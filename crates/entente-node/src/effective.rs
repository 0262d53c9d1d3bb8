//! The effective charter as the node holds it (a leaf: state only, no I/O): the charter file with
//! the effects of every adopted decision the node holds, the unified list, and the key ring of
//! the parties it names — swapped whole when `crate::governance` derives them again, and read
//! by every path that asks a party's tier (the access policy for peers and users, the write
//! policy, the workflows) or checks a signature.

use entente_core::{Charter, PartyCode, Tier};
use entente_stix::KeyRing;
use entente_workflow::decision::effects::Effective;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::Notify;

/// Whether storing an object of this type may change the effective charter.
pub fn affects_governance(object_type: &str) -> bool {
    matches!(
        object_type,
        entente_workflow::decision::DECISION_TYPE | entente_workflow::decision::BALLOT_TYPE
    )
}

/// What the node derived last: the effective charter and its key ring.
pub struct Current {
    pub effective: Effective,
    pub keyring: KeyRing,
    /// The change count it was derived at.
    pub generation: u64,
    /// When it was derived (node clock, nanoseconds).
    pub at_ns: i64,
    /// Every decision the node holds, with its outcome when it was derived (what lists of
    /// decisions answer from, without reading the store).
    pub decisions: Arc<std::collections::BTreeMap<String, Held>>,
}

/// A decision held, with its outcome when the effective charter was derived.
#[derive(Clone)]
pub struct Held {
    pub thread: Arc<entente_workflow::decision::Thread>,
    pub outcome: Arc<entente_workflow::decision::outcome::Outcome>,
    /// Its summary as lists answer it, serialized once (made again only when the thread or its
    /// outcome changes).
    pub summary: Arc<str>,
}

/// The objects of every decision's life the node has read so far, by root, and the last row read:
/// a derivation reads only what was added since (decisions and ballots are never deleted).
#[derive(Default)]
pub struct Parts {
    pub by_root: std::collections::HashMap<String, Vec<entente_workflow::Part>>,
    pub after_seq: Option<i64>,
}

impl Current {
    pub fn charter(&self) -> &Charter {
        &self.effective.charter
    }

    /// The key ring of every party the charter names (suspended ones too: what they signed
    /// before stays verifiable), and `own`.
    pub fn keyring_of(
        charter: &Charter,
        own: (&PartyCode, ed25519_dalek::VerifyingKey),
    ) -> KeyRing {
        let mut keyring = KeyRing::default();
        for p in charter.parties() {
            if let Some(k) = &p.key {
                if let Ok(vk) = ed25519_dalek::VerifyingKey::from_bytes(&k.0) {
                    keyring.add(p.code.clone(), vk);
                }
            }
        }
        keyring.add(own.0.clone(), own.1);
        keyring
    }
}

/// The node's effective charter, with a change counter: storing a decision or a ballot bumps it
/// (and wakes the task that derives it again).
pub struct EffectiveState {
    current: RwLock<Arc<Current>>,
    generation: AtomicU64,
    pub changed: Notify,
    /// One derivation at a time, with what the derivations have read.
    pub deriving: tokio::sync::Mutex<Parts>,
}

impl EffectiveState {
    pub fn new(initial: Current) -> EffectiveState {
        EffectiveState {
            current: RwLock::new(Arc::new(initial)),
            generation: AtomicU64::new(0),
            changed: Notify::new(),
            deriving: tokio::sync::Mutex::new(Parts::default()),
        }
    }

    /// What the node derived last.
    pub fn current(&self) -> Arc<Current> {
        match self.current.read() {
            Ok(c) => Arc::clone(&c),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn set(&self, c: Current) {
        match self.current.write() {
            Ok(mut w) => *w = Arc::new(c),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(c),
        }
    }

    /// Says that a decision or ballot was stored.
    pub fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_one();
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Whether what was derived last is behind a change, or the clock passed a deadline.
    pub fn stale(&self, now_ns: i64) -> bool {
        let c = self.current();
        c.generation < self.generation() || c.effective.next_change_ns.is_some_and(|n| n <= now_ns)
    }

    /// The tier `party` holds in the effective charter (`None`: no party, or suspended).
    pub fn tier_of(&self, party: &PartyCode) -> Option<Tier> {
        self.current().charter().tier_of(party)
    }
}
