//! The storage error type, shared by every backend.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the database failed: {0}")]
    Database(String),
    #[error("a stored row is corrupt: {0}")]
    Corrupt(String),
    #[error("{0} already exists")]
    AlreadyExists(String),
}
