-- Object versions: the canonical signed JSON plus what is indexed of it.
CREATE TABLE objects (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    collection    TEXT    NOT NULL,
    id            TEXT    NOT NULL,
    -- 64 bits of the id's UUID: the key of the id index, a fifth the size of the id itself, so
    -- the index stays in cache and each insert dirties fewer pages. Not unique: rows are matched
    -- on `id` too. One version per (collection, id, version) is kept by the single writer, which
    -- checks what is stored under its lock before every insert.
    id_key        INTEGER NOT NULL,
    object_type   TEXT    NOT NULL,
    version_ns    INTEGER NOT NULL,
    date_added_us INTEGER NOT NULL,
    is_first      INTEGER NOT NULL,
    is_last       INTEGER NOT NULL,
    originator    TEXT    NOT NULL,
    marking       INTEGER NOT NULL,
    audience      TEXT,
    json          TEXT    NOT NULL,
    mac           BLOB    NOT NULL
);
-- Lookups by id; queries name it with INDEXED BY because the planner otherwise walks the whole
-- collection in seq order.
CREATE INDEX objects_by_id ON objects (id_key);
CREATE INDEX objects_by_collection_seq ON objects (collection, seq);
CREATE INDEX objects_by_type ON objects (collection, object_type, seq);

-- The audit log: exact entry bytes and their RFC 6962 leaf hashes; signed tree heads.
CREATE TABLE audit_entries (
    seq       INTEGER PRIMARY KEY,
    entry     BLOB NOT NULL,
    leaf_hash BLOB NOT NULL
);
CREATE TABLE tree_heads (
    tree_size INTEGER PRIMARY KEY,
    root      BLOB    NOT NULL,
    ts_us     INTEGER NOT NULL,
    signature BLOB    NOT NULL
);

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL
);
CREATE TABLE tokens (
    hash    BLOB PRIMARY KEY,
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL
);
CREATE TABLE statuses (
    id    TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    json  TEXT NOT NULL
);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
