-- Entente's store in PostgreSQL: the same tables as the SQLite store's, in PostgreSQL's types. One
-- node may be served by several processes on this database: every write takes the advisory lock
-- of the store first (see src/lib.rs), so writes are decided and committed one after another, in
-- `seq` order, whichever process makes them.

-- Object versions: the canonical signed JSON plus what is indexed of it.
CREATE TABLE objects (
    seq           BIGINT  PRIMARY KEY,
    collection    TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    object_type   TEXT    NOT NULL,
    version_ns    BIGINT  NOT NULL,
    date_added_us BIGINT  NOT NULL,
    is_first      BOOLEAN NOT NULL,
    is_last       BOOLEAN NOT NULL,
    originator    TEXT    NOT NULL,
    marking       SMALLINT NOT NULL,
    audience      TEXT,
    json          TEXT    NOT NULL,
    mac           BYTEA   NOT NULL,
    -- The root of the workflow thread the object belongs to (a warning's id), if any.
    root          TEXT
);
-- `seq` is handed out under the store's write lock, in commit order.
CREATE SEQUENCE objects_seq AS BIGINT;
CREATE INDEX objects_by_id ON objects (collection, id);
CREATE INDEX objects_by_collection_seq ON objects (collection, seq);
CREATE INDEX objects_by_type ON objects (collection, object_type, seq);
CREATE INDEX objects_by_root ON objects (root, seq) WHERE root IS NOT NULL;
CREATE INDEX objects_by_date_added ON objects (collection, date_added_us);

-- What each object version points to (see the SQLite store's migration 0007).
CREATE TABLE object_refs (
    target TEXT   NOT NULL,
    seq    BIGINT NOT NULL,
    PRIMARY KEY (target, seq)
);
CREATE INDEX object_refs_by_seq ON object_refs (seq);

-- What advances in step with the writes: the last `date_added` handed out.
CREATE TABLE store_state (
    one                INTEGER PRIMARY KEY CHECK (one = 1),
    last_date_added_us BIGINT  NOT NULL
);
INSERT INTO store_state (one, last_date_added_us) VALUES (1, 0);

-- The audit log: exact entry bytes and their RFC 6962 leaf hashes; signed tree heads.
CREATE TABLE audit_entries (
    seq       BIGINT PRIMARY KEY,
    entry     BYTEA  NOT NULL,
    leaf_hash BYTEA  NOT NULL
);
CREATE TABLE tree_heads (
    tree_size BIGINT PRIMARY KEY,
    root      BYTEA  NOT NULL,
    ts_us     BIGINT NOT NULL,
    signature BYTEA  NOT NULL
);

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL
);
CREATE TABLE tokens (
    hash    BYTEA PRIMARY KEY,
    kind    TEXT  NOT NULL,
    subject TEXT  NOT NULL
);
CREATE INDEX tokens_by_subject ON tokens (kind, subject);
CREATE TABLE statuses (
    id    TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    json  TEXT NOT NULL
);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE peer_links (
    party  TEXT PRIMARY KEY,
    url    TEXT NOT NULL,
    token  TEXT NOT NULL,
    ca_pem TEXT,
    cursor TEXT
);
CREATE TABLE security_events (
    seq    BIGSERIAL PRIMARY KEY,
    ts_us  BIGINT NOT NULL,
    kind   TEXT   NOT NULL,
    source TEXT   NOT NULL,
    object TEXT,
    detail TEXT   NOT NULL
);
