//! What moving a node from one store to another carries (`entente store copy`): every table's
//! rows exactly as stored — object versions with their `seq`, `date_added` and MACs, the audit
//! log's entry bytes and signed tree heads, users, token hashes, statuses, peer links with their
//! cursors, security events — so that the copy is the same node: paging tokens and peers'
//! cursors still point where they did, and `entente audit verify` passes on it. A source backend
//! reads them in pages ([`Rows`]); a destination writes them all in one transaction.

/// One stored object version, as a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRecord {
    pub seq: i64,
    pub collection: String,
    pub id: String,
    pub object_type: String,
    pub version_ns: i64,
    pub date_added_us: i64,
    pub is_first: bool,
    pub is_last: bool,
    pub originator: String,
    pub marking: i64,
    pub audience: Option<String>,
    pub json: String,
    pub mac: Vec<u8>,
    pub root: Option<String>,
}

/// A link to a peer, with its token and cursor.
#[derive(Clone, PartialEq, Eq)]
pub struct PeerRecord {
    pub party: String,
    pub url: String,
    pub token: String,
    pub ca_pem: Option<String>,
    pub cursor: Option<String>,
}

impl std::fmt::Debug for PeerRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PeerRecord")
            .field("party", &self.party)
            .field("token", &"<hidden>")
            .finish_non_exhaustive()
    }
}

/// A page of one table's rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rows {
    Objects(Vec<ObjectRecord>),
    /// (target, seq): what each object version points to.
    Refs(Vec<(String, i64)>),
    /// (seq, entry bytes, leaf hash).
    AuditEntries(Vec<(i64, Vec<u8>, Vec<u8>)>),
    /// (tree size, root, ts_us, signature).
    TreeHeads(Vec<(i64, Vec<u8>, i64, Vec<u8>)>),
    /// (name, role, password hash).
    Users(Vec<(String, String, String)>),
    /// (hash, kind, subject).
    Tokens(Vec<(Vec<u8>, String, String)>),
    /// (id, owner, json).
    Statuses(Vec<(String, String, String)>),
    /// (key, value).
    Meta(Vec<(String, String)>),
    PeerLinks(Vec<PeerRecord>),
    /// (seq, event).
    SecurityEvents(Vec<(i64, crate::SecurityEvent)>),
}

impl Rows {
    /// How many rows the page holds.
    pub fn len(&self) -> usize {
        match self {
            Rows::Objects(r) => r.len(),
            Rows::Refs(r) => r.len(),
            Rows::AuditEntries(r) => r.len(),
            Rows::TreeHeads(r) => r.len(),
            Rows::Users(r) => r.len(),
            Rows::Tokens(r) => r.len(),
            Rows::Statuses(r) => r.len(),
            Rows::Meta(r) => r.len(),
            Rows::PeerLinks(r) => r.len(),
            Rows::SecurityEvents(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
