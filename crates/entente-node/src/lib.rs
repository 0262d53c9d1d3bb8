//! The application layer of an Entente node, without HTTP. It holds the running node ([`Node`]:
//! its party, charter, keys, store, settings and the shared state of its parts), who is asking
//! ([`auth::Principal`], and the authentication of credentials, bounded against guessing), how
//! objects are taken in ([`ingest`], every write put to the write policy), how they are read
//! (`entente_store::read`, the access policy on every row), screening ([`screening`]), the
//! workflows of `entente-workflow` ([`workflow`]: threads, steps, what falls due), event streams ([`events`]), the signals between the node's parts
//! ([`signals`]) and its metrics ([`metrics`]).
//!
//! It depends on no HTTP crate (`./scripts/test` checks): `entente-server` puts HTTP in front of
//! it, `entente-federation` pulls through it, and tests drive it in process.

pub mod audit;
pub mod auth;
pub mod cluster;
pub mod cpu;
pub mod credentials;
pub mod detect_index;
pub mod detect_window;
pub mod detection;
pub mod effective;
pub mod error;
pub mod events;
pub mod gate;
pub mod governance;
pub mod ingest;
pub mod integrity;
pub mod metrics;
pub mod node;
pub mod paging;
pub mod peer_health;
pub mod principal;
pub mod read;
pub mod register;
pub mod resume;
pub mod screen_index;
pub mod screening;
pub mod signals;
pub mod stream_hub;
pub mod turns;
pub mod workflow;

pub use error::NodeError;
pub use node::{Node, Settings, COLLECTION_ID, COLLECTION_TITLE};
