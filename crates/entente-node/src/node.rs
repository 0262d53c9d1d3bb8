//! `Node`: everything a running node holds — its party and tier, the charter, its signing key and
//! the key ring, the store, and its settings — shared by every request.

use crate::gate::BasicCache;
use entente_core::{Charter, PartyCode, Tier, Tlp};
use entente_stix::NodeSigner;
use entente_store::{Store, TreeHeadSigner};
use std::sync::Arc;

/// The one collection a node serves: everything shared with it or by it.
pub const COLLECTION_ID: &str = "365fed99-08fa-4dcd-a1b3-fb247eb41d01";
pub const COLLECTION_TITLE: &str = "Shared intelligence";

/// Limits and defaults, from the node's configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The largest request body accepted; larger answers 413.
    pub max_body_bytes: usize,
    /// The most objects one envelope may hold.
    pub max_envelope_objects: usize,
    /// The largest single object, in bytes of canonical JSON.
    pub max_object_bytes: usize,
    /// Page size when a client gives no `limit`, and the most a page ever holds.
    pub default_page: usize,
    pub max_page: usize,
    /// The marking given to objects a user posts without one.
    pub default_marking: Tlp,
    /// How many values and how deep a JSON body may be (see `entente_stix::json`).
    pub json_limits: entente_stix::json::Limits,
    /// The most values all the `match[...]` parameters of one query may give together.
    pub max_match_values: usize,
    /// The most versions a node keeps of one object.
    pub max_versions_per_object: usize,
    /// The most name parts one screening request may hold, all its names together (see
    /// `entente_screen::matcher::name_size`).
    pub max_screening_parts: usize,
    /// How guessing credentials is bounded.
    pub auth: crate::gate::AuthLimits,
    /// Event streams one principal, and the node in all, may hold open.
    pub max_streams_per_principal: usize,
    pub max_streams: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_body_bytes: 16 * 1024 * 1024,
            max_envelope_objects: 10_000,
            max_object_bytes: 1024 * 1024,
            default_page: 1000,
            max_page: 10_000,
            default_marking: Tlp::Amber,
            json_limits: entente_stix::json::Limits::default(),
            max_match_values: 1000,
            max_versions_per_object: 10_000,
            max_screening_parts: 40_000,
            auth: crate::gate::AuthLimits::default(),
            max_streams_per_principal: 8,
            max_streams: 256,
        }
    }
}

pub struct Node {
    pub party: PartyCode,
    /// The tier the charter file gives this node's party (see [`Node::tier`] for the one in effect).
    pub charter_tier: Tier,
    /// The charter file: the organization before any decision. What is in effect — with the
    /// effects of adopted decisions — is [`Node::effective`].
    pub charter: Charter,
    pub signer: Arc<NodeSigner>,
    /// The effective charter and the key ring of its parties (see [`crate::governance`]).
    pub effective: crate::effective::EffectiveState,
    pub store: Arc<dyn Store>,
    pub settings: Settings,
    pub mac_key: [u8; 32],
    pub basic_cache: BasicCache,
    /// What bounds the cost of guessing credentials (see [`crate::gate::Gate`]).
    pub gate: crate::gate::Gate,
    /// Where CPU-heavy request work runs (see [`crate::cpu`]).
    pub cpu: rayon::ThreadPool,
    /// Where screening runs, apart (see [`crate::cpu::screening_pool`]).
    pub screening_pool: rayon::ThreadPool,
    /// The register index screening asks (see [`crate::screening`]).
    pub screening: crate::screen_index::ScreenIndex,
    /// The indicator index detection matches observations against (see [`crate::detection`]).
    pub detection: crate::detect_index::DetectionIndex,
    /// The protected assets' corridors (see [`crate::detection::alerts`]).
    pub assets: crate::detect_index::AssetIndex,
    /// Recent observations for patterns of several observation expressions (see
    /// [`crate::detect_window`]).
    pub detect_window: std::sync::Mutex<crate::detect_window::Window>,
    /// "Stored something new" and "a peer poked" (see [`crate::signals`]).
    pub signals: crate::signals::Signals,
    /// Where each peer's last pull ended (see [`crate::resume`]).
    pub pull_resume: crate::resume::PullResume,
    /// How each peer link's pulls are going (recorded by the federation's pullers).
    pub peer_health: crate::peer_health::PeerHealth,
    /// The identity object id of each party of the charter (`identity--…` derived from its
    /// code), which only that party's node publishes.
    pub party_identities: std::collections::HashMap<String, PartyCode>,
    /// Steps on one workflow object are taken one at a time (see [`crate::turns`]).
    pub turns: crate::turns::Turns,
    /// The event streams: their reader, audit batcher and caps (see [`crate::events`]).
    pub events: crate::stream_hub::Hub,
    /// Seals and opens `next` tokens (see [`crate::paging`]).
    pub pager: crate::paging::Pager,
    /// How far the node's clock runs ahead of the system's, in microseconds: 0, except in tests
    /// of what falls due hours ahead ([`Node::run_clock_ahead`]).
    clock_ahead_us: std::sync::atomic::AtomicI64,
}

impl Node {
    /// Assembles a node. The key ring holds every key in the charter and the node's own.
    pub fn new(
        charter: Charter,
        signer: Arc<NodeSigner>,
        store: Arc<dyn Store>,
        settings: Settings,
    ) -> Result<Node, crate::error::NodeError> {
        let party = signer.party().clone();
        let tier = charter
            .tier_of(&party)
            .ok_or_else(|| crate::error::NodeError::UnknownPeer(party.clone()))?;
        let keyring =
            crate::effective::Current::keyring_of(&charter, (&party, signer.verifying_key()));
        let effective = crate::effective::EffectiveState::new(crate::effective::Current {
            effective: entente_workflow::decision::effects::effective(&charter, [], 0),
            keyring,
            generation: 0,
            at_ns: 0,
            decisions: Default::default(),
        });
        // Derived from what the store holds before the node serves (see `crate::governance`).
        effective.bump();
        let mac_key = crate::integrity::mac_key(&signer);
        let gate = crate::gate::Gate::new(settings.auth)?;
        let pager = crate::paging::Pager::new(&signer);
        let party_identities = charter
            .parties()
            .map(|p| {
                (
                    entente_stix::identity::party_identity_id(&p.code),
                    p.code.clone(),
                )
            })
            .collect();
        Ok(Node {
            party,
            charter_tier: tier,
            charter,
            signer,
            effective,
            store,
            settings,
            mac_key,
            basic_cache: BasicCache::default(),
            gate,
            cpu: crate::cpu::pool()?,
            screening_pool: crate::cpu::screening_pool()?,
            screening: crate::screen_index::ScreenIndex::default(),
            detection: crate::detect_index::DetectionIndex::default(),
            detect_window: Default::default(),
            assets: crate::detect_index::AssetIndex::default(),
            signals: crate::signals::Signals::default(),
            pull_resume: Default::default(),
            peer_health: Default::default(),
            party_identities,
            turns: Default::default(),
            events: Default::default(),
            pager,
            clock_ahead_us: std::sync::atomic::AtomicI64::new(0),
        })
    }

    /// The tier this node's party holds in the effective charter (the charter file's while it is
    /// suspended, for its own users on its own node).
    pub fn tier(&self) -> Tier {
        self.effective
            .tier_of(&self.party)
            .unwrap_or(self.charter_tier)
    }

    /// The node's clock, in microseconds since the Unix epoch.
    pub fn now_us(&self) -> i64 {
        chrono::Utc::now().timestamp_micros().saturating_add(
            self.clock_ahead_us
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    /// The node's clock, in nanoseconds since the Unix epoch (as workflows take it).
    pub fn now_ns(&self) -> i64 {
        self.now_us().saturating_mul(1000)
    }

    /// Moves this node's clock `by` further ahead, so that a test sees what falls due hours
    /// from now (reminders, deadlines) without waiting; nothing outside tests calls it.
    #[doc(hidden)]
    pub fn run_clock_ahead(&self, by: std::time::Duration) {
        let us = i64::try_from(by.as_micros()).unwrap_or(i64::MAX);
        self.clock_ahead_us
            .fetch_add(us, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Signs audit tree heads with the node key.
pub struct NodeTreeHeadSigner(pub Arc<NodeSigner>);

impl TreeHeadSigner for NodeTreeHeadSigner {
    fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.0.sign_bytes(message).to_vec()
    }
}
