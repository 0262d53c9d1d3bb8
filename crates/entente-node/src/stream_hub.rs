//! The state of a node's event streams ([`Hub`]): the one reader's channel, the audit
//! batcher's queue, the streams open (by principal and in all) and the audit of each batch as
//! read by each principal. How streams are opened, read and audited is [`crate::events`]'s.

use crate::error::NodeError;
use entente_store::{AuditRecord, ObjectRow};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{broadcast, mpsc, oneshot};

/// The event streams of a node: the one reader, the audit batcher, and the count of open streams.
#[derive(Default)]
pub struct Hub {
    started: OnceLock<Started>,
    open: Arc<Mutex<Open>>,
    /// The audit of each batch as read by each principal: one entry, whichever of its streams
    /// asks first; the others wait for it.
    pub(crate) audited: Mutex<HashMap<(u64, String), Audited>>,
    /// The number of the next batch, whoever sends it (the reader, or a part of the node telling
    /// of something derived).
    next: std::sync::atomic::AtomicU64,
}

/// Whether a batch's reading by one principal is durably audited, once decided.
pub(crate) type Audited = Arc<tokio::sync::OnceCell<bool>>;

/// One batch of new rows, numbered, or of events derived from what is held (a decision's
/// outcome when its deadline passes), each with the label of the object it tells of.
pub(crate) struct Batch {
    pub(crate) n: u64,
    pub(crate) rows: Vec<ObjectRow>,
    pub(crate) told: Vec<Told>,
}

/// An event derived from an object, not read from a new row: sent to whoever may see the object.
#[derive(Debug, Clone)]
pub struct Told {
    /// The event's kind and data (JSON), as a stream sends them.
    pub kind: &'static str,
    pub data: String,
    pub label: entente_core::AccessLabel,
    /// `id@version` of the object, for the audit of its reading.
    pub object: String,
}

pub(crate) struct Started {
    pub(crate) rows: broadcast::Sender<Arc<Batch>>,
    pub(crate) audits: mpsc::Sender<(AuditRecord, oneshot::Sender<bool>)>,
}

#[derive(Default)]
struct Open {
    total: usize,
    by_principal: HashMap<String, usize>,
}

/// A stream counted as open while it lives.
pub(crate) struct Slot {
    open: Arc<Mutex<Open>>,
    principal: String,
    _metric: crate::metrics::OpenStream,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.total = open.total.saturating_sub(1);
        if let Some(n) = open.by_principal.get_mut(&self.principal) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.by_principal.remove(&self.principal);
            }
        }
    }
}

impl Hub {
    /// Takes a place for a stream of the principal `name`, at most `per` of its own and `all`
    /// in all, or says which cap is full.
    pub(crate) fn open(&self, name: String, per: usize, all: usize) -> Result<Slot, NodeError> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let mine = open.by_principal.get(&name).copied().unwrap_or(0);
        let full = if open.total >= all {
            Some(format!(
                "this node holds its most event streams ({all}): try again later"
            ))
        } else if mine >= per {
            Some(format!(
                "you hold {mine} event streams open already, the most one principal may: close one first"
            ))
        } else {
            None
        };
        if let Some(why) = full {
            crate::metrics::stream_refused();
            crate::metrics::limit_hit("event_streams");
            return Err(NodeError::Unavailable(why));
        }
        open.total += 1;
        *open.by_principal.entry(name.clone()).or_default() += 1;
        Ok(Slot {
            open: Arc::clone(&self.open),
            principal: name,
            _metric: crate::metrics::OpenStream::new(),
        })
    }

    /// The number of the next batch.
    pub(crate) fn next_n(&self) -> u64 {
        self.next.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }

    /// Tells every open stream of `told` (nothing when no stream was ever opened).
    pub fn tell(&self, told: Vec<Told>) {
        if told.is_empty() {
            return;
        }
        if let Some(s) = self.started.get() {
            let _ = s.rows.send(Arc::new(Batch {
                n: self.next_n(),
                rows: Vec::new(),
                told,
            }));
        }
    }

    /// The reader and the batcher, started by `start` on first use.
    pub(crate) fn started(&self, start: impl FnOnce() -> Started) -> &Started {
        self.started.get_or_init(start)
    }
}
