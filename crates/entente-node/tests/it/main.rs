//! The application layer in process: nodes of an organization assembled in one test, each on its
//! own SQLite store, objects carried between them as their pullers would carry them
//! ([`Org::sync`], through `ingest_pulled` and the access policy), and principals taking steps
//! through `entente_node::workflow` — no process, no HTTP. The process-level stories are in
//! `crates/entente/tests/it`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod consultations;
mod decisions;
mod detection;
mod exercises;
mod warnings;

use entente_core::{Charter, PartyCode, Role, UserRef, Viewer};
use entente_node::auth::Principal;
use entente_node::node::NodeTreeHeadSigner;
use entente_node::{Node, Settings, COLLECTION_ID};
use entente_stix::sign::NodeSigner;
use entente_store::read::{Query, VersionMatch};
use entente_store::Store;
use entente_store_sqlite::SqliteStore;
use std::collections::BTreeMap;
use std::sync::Arc;

const SCO: &str = include_str!("../../../../examples/sco.toml");

pub fn code(s: &str) -> PartyCode {
    PartyCode::parse(s).unwrap()
}

/// Nodes of the demo organization, by party.
pub struct Org {
    pub nodes: BTreeMap<String, Arc<Node>>,
    _dirs: Vec<tempfile::TempDir>,
}

impl Org {
    /// A node for each of `parties` of the demo organization, every key in every node's charter.
    pub async fn of(parties: &[&str]) -> Org {
        Org::with_charter(SCO, parties).await
    }

    /// A node for each of `parties` of the organization `charter` describes.
    pub async fn with_charter(charter: &str, parties: &[&str]) -> Org {
        let mut charter = Charter::parse(charter).unwrap();
        let signers: Vec<Arc<NodeSigner>> = parties
            .iter()
            .map(|p| Arc::new(NodeSigner::generate(code(p))))
            .collect();
        for s in &signers {
            let key = entente_core::CharterKey(*s.verifying_key().as_bytes());
            assert!(charter.set_key(s.party(), key));
        }
        let mut nodes = BTreeMap::new();
        let mut dirs = Vec::new();
        for signer in signers {
            let dir = tempfile::tempdir().unwrap();
            let store = SqliteStore::open(
                &dir.path().join("node.db"),
                Arc::new(NodeTreeHeadSigner(signer.clone())),
            )
            .await
            .unwrap();
            let store: Arc<dyn Store> = Arc::new(store);
            let node =
                Node::new(charter.clone(), signer.clone(), store, Settings::default()).unwrap();
            nodes.insert(signer.party().to_string(), Arc::new(node));
            dirs.push(dir);
        }
        // Each node knows every other as a peer (no address: objects are carried in process).
        for (party, node) in &nodes {
            for other in nodes.keys().filter(|o| *o != party) {
                let link = entente_store::PeerLink {
                    party: other.clone(),
                    url: "http://127.0.0.1:9/".into(),
                    token: "in-process".into(),
                    ca_pem: None,
                    cursor: None,
                };
                node.store.set_peer_link(link).await.unwrap();
            }
        }
        Org { nodes, _dirs: dirs }
    }

    pub fn node(&self, party: &str) -> &Arc<Node> {
        &self.nodes[party]
    }

    /// A user of `party`'s node with `role`.
    pub fn user(&self, party: &str, name: &str, role: Role) -> Principal {
        let node = self.node(party);
        Principal {
            viewer: Viewer::User {
                user: UserRef::new(code(party), name).unwrap(),
                tier: node.tier(),
                role,
            },
        }
    }

    /// Every node takes from every other what that node may send it (the access policy, read
    /// as the pulling node), as a puller would: until nothing new comes.
    pub async fn sync(&self) {
        loop {
            let mut moved = 0;
            for (to_party, to) in &self.nodes {
                for (from_party, from) in &self.nodes {
                    if from_party == to_party {
                        continue;
                    }
                    // Each side as its effective charter has it: a suspended state's node is
                    // neither served nor pulled from.
                    let (Some(tier), Some(_)) = (
                        from.effective.tier_of(&code(to_party)),
                        to.effective.tier_of(&code(from_party)),
                    ) else {
                        continue;
                    };
                    let peer = Principal {
                        viewer: Viewer::Node {
                            party: code(to_party),
                            tier,
                            holder: code(from_party),
                        },
                    };
                    let query = Query {
                        versions: VersionMatch::all(),
                        spec_version_matches: true,
                        ..Default::default()
                    };
                    let page = entente_node::read::page(from, &peer, &query, None, 10_000, true)
                        .await
                        .unwrap();
                    let values: Vec<serde_json::Value> = page
                        .rows
                        .iter()
                        .filter(|r| r.label.originator != code(to_party))
                        .map(|r| serde_json::from_str(&r.json).unwrap())
                        .collect();
                    let pulled = entente_node::ingest::ingest_pulled(
                        to,
                        &code(from_party),
                        COLLECTION_ID,
                        values,
                        "in-process".into(),
                    )
                    .await
                    .unwrap();
                    assert!(pulled.refused.is_empty(), "{:?}", pulled.refused);
                    moved += pulled.stored;
                }
            }
            for node in self.nodes.values() {
                entente_node::governance::refresh(node, false)
                    .await
                    .unwrap();
            }
            if moved == 0 {
                return;
            }
        }
    }
}
