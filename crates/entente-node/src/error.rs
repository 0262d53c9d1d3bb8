//! The application layer's errors: one enum, each variant a sentence a client can act on. The
//! HTTP layer maps each to a status and a stable code (`entente-server`'s error table).

use entente_core::{PartyCode, WriteRefusal};
use entente_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A pool thread failed; the cause is logged.
    #[error("{0}")]
    Pool(String),
    #[error("{0} is not a party of this node's charter")]
    UnknownPeer(PartyCode),
    /// No credentials, or wrong ones.
    #[error("authentication required")]
    Unauthenticated,
    /// Too many attempts, or too many at once: try again after this many seconds.
    #[error("{message}")]
    TooManyRequests {
        retry_after_secs: u64,
        message: String,
    },
    /// The write policy refused (forbidden or a conflict).
    #[error(transparent)]
    Refused(#[from] WriteRefusal),
    /// A workflow refused the step (see `entente_workflow::Refusal`'s codes).
    #[error(transparent)]
    Workflow(#[from] entente_workflow::Refusal),
    /// What was given is not acceptable, saying what is wrong.
    #[error("{0}")]
    Invalid(String),
    /// Absent, or not for this principal to see (the two alike).
    #[error("no such resource")]
    NotFound,
    /// The node holds its most of something (event streams): try again later.
    #[error("{0}")]
    Unavailable(String),
    /// Something that should not happen; the cause is logged, not shown.
    #[error("{0}")]
    Internal(String),
}
