//! The storage interface of an Entente node. A backend (SQLite now, PostgreSQL later) implements
//! [`Store`]: object versions with their access labels, users and tokens, TAXII status resources,
//! and the audit log with its signed tree heads. Backends are deliberately dumb: they never decide
//! visibility. Every read that leaves the store goes through [`read`], which asks the access
//! policy (`entente_core::may_see`) about every row.

#[cfg(feature = "contract")]
pub mod contract;
pub mod copy;
pub mod error;
pub mod read;

use async_trait::async_trait;
use entente_core::write::Class;
use entente_core::{AccessLabel, Role, WriteRefusal};
pub use error::StoreError;
use std::sync::Arc;

/// An object version to store: the canonical signed JSON and what is indexed of it.
#[derive(Debug, Clone)]
pub struct NewObject {
    pub id: String,
    pub object_type: String,
    /// `modified`, else `created`, in nanoseconds; `None` for objects without either (SCOs), whose
    /// version becomes their `date_added`.
    pub version_ns: Option<i64>,
    pub label: AccessLabel,
    pub json: String,
    /// A keyed MAC of `json`, checked on every read to detect rows changed in the database.
    pub mac: Vec<u8>,
    /// What kind of object it is and the transition it makes, for the write policy. For a
    /// register entry, the status it comes from is the guard's to fill in, from what is held.
    pub class: Class,
    /// What the writer saw when it decided to write it (see [`BasedOn`]).
    pub based_on: BasedOn,
    /// The root of the workflow thread it belongs to (a warning's id), if any: stored and indexed,
    /// so that a thread is read by index (see [`Root`]).
    pub root: Option<String>,
    /// The objects it points to (see `ValidObject::referenced_ids`): stored and indexed, so that
    /// what points to an object is read by index (see [`ScanFilter::refers_to`]).
    pub refers_to: Vec<String>,
}

impl NewObject {
    /// The keys a store indexes this version's audience by (`entente_core::candidates`); none
    /// without an audience.
    pub fn audience_keys(&self) -> Vec<String> {
        self.label
            .audience
            .as_ref()
            .map(entente_core::candidates::audience_keys)
            .unwrap_or_default()
    }
}

/// Which threads a scan selects by their root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    /// The objects of this root's thread.
    Of(String),
    /// The objects of any workflow thread.
    Any,
}

/// The version a write was decided on. A workflow step reads an object, decides, and writes its
/// next version; if another version was stored meanwhile, the decision was made on a stale view
/// and the write is refused as a conflict (409), so that of two steps racing on one object exactly
/// one succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BasedOn {
    /// No precondition (TAXII writes, pulls).
    #[default]
    Anything,
    /// The id is new: nothing may be held of it.
    Nothing,
    /// The latest version held was this one (nanoseconds).
    Latest(i64),
}

/// A stored object version.
#[derive(Debug, Clone)]
pub struct ObjectRow {
    /// Insertion order: strictly increasing, the basis of paging.
    pub seq: i64,
    pub id: String,
    pub object_type: String,
    pub version_ns: i64,
    pub date_added_us: i64,
    pub is_first: bool,
    pub is_last: bool,
    pub label: AccessLabel,
    /// Empty when the scan asked for metadata only.
    pub json: String,
    pub mac: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsertOutcome {
    Stored {
        date_added_us: i64,
    },
    /// The same version with the same content was already stored: nothing to do.
    Duplicate,
    /// A different object with the same (`id`, version) is stored: refused, a security event.
    Equivocation,
    /// The write guard refused it, under the writer lock (see [`WriteGuard`]).
    Refused(WriteRefusal),
}

/// A version already held of an object being written, as the write guard sees it.
#[derive(Debug, Clone, Copy)]
pub struct HeldVersion<'a> {
    pub version_ns: i64,
    /// The code of the party that originated it.
    pub originator: &'a str,
    /// Its stored JSON: given for the latest version held (and those stored earlier in the same
    /// batch), not for older ones, which a write does not need and would cost reading.
    pub json: Option<&'a str>,
}

/// Decides, under the store's writer lock, whether an object may be stored, given every version of
/// its id the store holds at that moment (those stored earlier in the same batch included). The
/// node's implementation asks the write policy (`entente_core::may_write`); because it runs under
/// the lock, two writes racing on one object are decided one after the other, each on what the
/// other left. A refusal that is not a conflict is recorded as a security event.
pub trait WriteGuard: Send + Sync {
    fn check(&self, object: &NewObject, held: &[HeldVersion<'_>]) -> Result<(), WriteRefusal>;
}

/// The write guard of every insert.
pub type Guard = Arc<dyn WriteGuard>;

/// One request's objects to store, with what goes with them in the same transaction.
pub struct Batch {
    pub objects: Vec<NewObject>,
    /// The audit entry of the request.
    pub audit: AuditRecord,
    /// The node's clock, in microseconds.
    pub now_us: i64,
    /// Each object not already stored is put to it first, under the writer lock.
    pub guard: Guard,
    /// Security events the request raised before it reached the store (objects refused on their
    /// way in), recorded with it.
    pub raised: Vec<SecurityEvent>,
}

/// What a scan selects before the access policy and version matching are applied.
#[derive(Debug, Clone, Default)]
pub struct ScanFilter {
    pub ids: Vec<String>,
    pub types: Vec<String>,
    pub added_after_us: Option<i64>,
    /// Only these versions, when set (a `match[version]` made only of timestamps).
    pub versions_ns: Option<Vec<i64>>,
    /// Only the objects of these workflow threads (by the stored, indexed root).
    pub root: Option<Root>,
    /// Only the objects that point to this one (a relationship's source or target, a report's
    /// contents, a sighting's object), by the stored index of references.
    pub refers_to: Option<String>,
    pub with_json: bool,
    /// The rows the reader may see are among these (`entente_core::candidates`): a store may
    /// leave the others out in its query, and need not (the access policy still decides each row
    /// returned). Both stores do, in SQL.
    pub candidates: Option<entente_core::candidates::Candidates>,
}

/// One entry of the audit log, as the node records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub ts_us: i64,
    pub principal: String,
    pub action: String,
    pub collection: Option<String>,
    /// The objects concerned, as `id` or `id@version`.
    pub objects: Vec<String>,
    pub outcome: String,
    pub detail: Option<String>,
}

/// An audit entry as stored: its sequence number, its exact bytes and their leaf hash.
#[derive(Debug, Clone)]
pub struct StoredAuditEntry {
    pub seq: i64,
    pub entry: Vec<u8>,
    pub leaf_hash: Vec<u8>,
}

/// A signed tree head over the first `tree_size` audit entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeHead {
    pub tree_size: i64,
    pub root: Vec<u8>,
    pub ts_us: i64,
    pub signature: Vec<u8>,
}

/// Signs audit tree heads with the node's key. The store calls it inside each write.
pub trait TreeHeadSigner: Send + Sync {
    fn sign(&self, message: &[u8]) -> Vec<u8>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// Who holds a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSubject {
    User(String),
    Peer(String),
}

#[derive(Debug, Clone)]
pub struct StatusRecord {
    pub id: String,
    pub owner: String,
    pub json: String,
}

/// Renders a status resource's JSON from what became of each object.
pub type RenderStatus = Box<dyn FnOnce(&[InsertOutcome]) -> String + Send>;

/// The TAXII status resource of a write, stored in the same transaction as its objects (so a
/// status is never lost once answered, and costs no commit of its own). Its JSON depends on
/// what became of each object, so the store asks `render` for it once the outcomes are known.
pub struct StatusDraft {
    pub id: String,
    pub owner: String,
    pub render: RenderStatus,
}

/// A peer node this node pulls from: where it is, the token it issued to this node, the CA its
/// TLS certificate chains to (when not a public one), and how far the pull has come. Its `Debug`
/// hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct PeerLink {
    pub party: String,
    /// The peer's base URL (`https://host:port/`).
    pub url: String,
    pub token: String,
    pub ca_pem: Option<String>,
    /// The `date_added` of the last object received from the peer, as it wrote it.
    pub cursor: Option<String>,
}

impl std::fmt::Debug for PeerLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PeerLink")
            .field("party", &self.party)
            .field("url", &self.url)
            .field("token", &"<hidden>")
            .field("ca_pem", &self.ca_pem.as_ref().map(|_| "<pem>"))
            .field("cursor", &self.cursor)
            .finish()
    }
}

/// Something administrators must look at: an equivocation, an object a peer sent that was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityEvent {
    pub ts_us: i64,
    /// `equivocation`, `refused-from-peer`.
    pub kind: String,
    /// Who sent what raised it, named as in the audit log (`peer:CN`).
    pub source: String,
    /// The object concerned, as `id@version` (nanoseconds) or `id`.
    pub object: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecurityEvent {
    pub seq: i64,
    pub event: SecurityEvent,
}

/// What a pull from a peer writes in the transaction of the objects it brought: the peer's new
/// cursor (so a crash neither loses nor repeats anything) and the events the pull raised.
#[derive(Debug, Clone)]
pub struct PullCommit {
    pub peer: String,
    pub cursor: String,
    pub events: Vec<SecurityEvent>,
}

/// What one process serving a node tells the others on the same database (a PostgreSQL node
/// served by several processes), so that what one of them learns reaches them all: the event
/// streams, the federation's pullers and pushers, and the indexes each keeps in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announcement {
    /// Another process stored or deleted objects of these types (`None`: of any type).
    Stored(Option<Vec<String>>),
    /// A peer poked another process: it has something new (the peer's party code).
    Poked(String),
    /// The channel was lost and is back: anything may have happened meanwhile.
    Resumed,
}

/// Called for each announcement of another process (see [`Store::listen`]).
pub type Listener = Arc<dyn Fn(Announcement) + Send + Sync>;

#[async_trait]
pub trait Store: Send + Sync {
    /// Stores a batch of object versions and the audit entry of the request in one transaction,
    /// committed durably before it returns (see [`Batch`]).
    async fn insert_objects(
        &self,
        collection: &str,
        batch: Batch,
    ) -> Result<Vec<InsertOutcome>, StoreError>;

    /// As [`Store::insert_objects`], storing the request's status resource in the same
    /// transaction; returns the outcomes and the status JSON.
    async fn insert_objects_with_status(
        &self,
        collection: &str,
        batch: Batch,
        status: StatusDraft,
    ) -> Result<(Vec<InsertOutcome>, String), StoreError>;

    /// As [`Store::insert_objects`] for objects pulled from a peer: the peer's cursor advances and
    /// the pull's security events are recorded in the same transaction as the objects.
    async fn insert_pulled(
        &self,
        collection: &str,
        batch: Batch,
        pull: PullCommit,
    ) -> Result<Vec<InsertOutcome>, StoreError>;

    /// Rows after `after_seq` matching `filter`, in `seq` order, at most `limit`.
    async fn scan(
        &self,
        collection: &str,
        filter: &ScanFilter,
        after_seq: Option<i64>,
        limit: usize,
    ) -> Result<Vec<ObjectRow>, StoreError>;

    /// Every version of one object (metadata only), in `seq` order.
    async fn versions_of(&self, collection: &str, id: &str) -> Result<Vec<ObjectRow>, StoreError>;

    /// Deletes the given versions of an object and records the audit entry, in one transaction.
    async fn delete_versions(
        &self,
        collection: &str,
        id: &str,
        versions_ns: &[i64],
        audit: AuditRecord,
    ) -> Result<u64, StoreError>;

    /// Every stored object version (for `audit verify`), in `seq` order, after `after_seq`.
    async fn all_objects(
        &self,
        after_seq: Option<i64>,
        limit: usize,
    ) -> Result<Vec<ObjectRow>, StoreError>;

    async fn count_objects(&self) -> Result<i64, StoreError>;

    /// Appends an audit entry on its own (reads, refusals), durably.
    async fn append_audit(&self, audit: AuditRecord) -> Result<(), StoreError>;
    /// Appends several audit entries in one durable transaction (the reads of many event
    /// streams told of one change cost one commit, not one each).
    async fn append_audits(&self, audits: Vec<AuditRecord>) -> Result<(), StoreError>;
    async fn audit_entries(
        &self,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<StoredAuditEntry>, StoreError>;
    async fn tree_heads(&self) -> Result<Vec<TreeHead>, StoreError>;
    /// The signed tree head of the largest tree (the latest), if any.
    async fn latest_tree_head(&self) -> Result<Option<TreeHead>, StoreError>;

    async fn get_status(&self, id: &str) -> Result<Option<StatusRecord>, StoreError>;

    async fn add_user(&self, user: UserRecord) -> Result<(), StoreError>;
    async fn get_user(&self, name: &str) -> Result<Option<UserRecord>, StoreError>;
    async fn add_token(&self, token_hash: &[u8], subject: TokenSubject) -> Result<(), StoreError>;
    async fn token_subject(&self, token_hash: &[u8]) -> Result<Option<TokenSubject>, StoreError>;
    /// Every user, by name, with how many tokens each holds.
    async fn users(&self) -> Result<Vec<(UserRecord, u64)>, StoreError>;
    /// Removes a user and every token it holds; whether there was such a user.
    async fn remove_user(&self, name: &str) -> Result<bool, StoreError>;
    /// Gives a user another role; whether there was such a user.
    async fn set_role(&self, name: &str, role: Role) -> Result<bool, StoreError>;
    /// Revokes every token of `subject`; how many there were.
    async fn revoke_tokens(&self, subject: &TokenSubject) -> Result<u64, StoreError>;

    /// Adds or replaces the link to a peer; a replaced link keeps its cursor.
    async fn set_peer_link(&self, link: PeerLink) -> Result<(), StoreError>;
    async fn peer_links(&self) -> Result<Vec<PeerLink>, StoreError>;
    /// Moves a link's cursor back to the start, so the next pull takes everything again (what is
    /// already stored is not stored twice). Whether there was such a link.
    async fn reset_peer_cursor(&self, party: &str) -> Result<bool, StoreError>;

    /// Security events after `after_seq`, oldest first. Every equivocation a store refuses is
    /// recorded as one, in the transaction that refused it.
    async fn security_events(
        &self,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<StoredSecurityEvent>, StoreError>;

    async fn get_meta(&self, key: &str) -> Result<Option<String>, StoreError>;
    async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError>;

    /// Tells the other processes on this store's database of `announcement`. A store that only
    /// one process opens (SQLite) has no one to tell. A write that stores objects announces
    /// [`Announcement::Stored`] itself, in its own transaction.
    async fn announce(&self, announcement: Announcement) -> Result<(), StoreError> {
        let _ = announcement;
        Ok(())
    }

    /// Calls `listener` for every announcement another process makes from now on, for as long
    /// as the store lives; `false` when no other process can share the store (SQLite).
    async fn listen(&self, listener: Listener) -> Result<bool, StoreError> {
        let _ = listener;
        Ok(false)
    }
}
