//! Entente's rules, with no I/O: who the parties of the organization are (the charter), which tier
//! each holds, how objects are marked and addressed, and the one pure function that decides who
//! may see what ([`policy::may_see`]) and its counterpart, who may write what ([`write::may_write`]). Also the RFC 6962 Merkle tree the audit log is built on,
//! the life of a joint warning ([`warning`]) and intelligence grading ([`grading`]).
//!
//! Nothing here reads a clock, a file, a socket or a database: callers pass those in. The crate
//! depends on no async runtime, HTTP or SQL crate, and `./scripts/test` checks that it stays so.

pub mod audience;
pub mod audit;
pub mod candidates;
pub mod charter;
pub mod error;
pub mod grading;
pub mod marking;
pub mod party;
pub mod policy;
pub mod register;
pub mod text;
pub mod tier;
pub mod warning;
pub mod write;

pub use audience::{Audience, UserRef};
pub use charter::{Charter, NodeKey as CharterKey};
pub use error::CoreError;
pub use marking::Tlp;
pub use party::PartyCode;
pub use policy::{may_see, AccessLabel, Role, Viewer};
pub use tier::Tier;
pub use write::{may_write, WriteRefusal, Writer};
