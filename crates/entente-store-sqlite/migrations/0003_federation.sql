-- Federation: the peers this node pulls from, each with the cursor of what it has taken so far
-- (the `date_added` of the last object received from it, written in the same transaction as the
-- objects), and the security events the node raised (equivocation, objects refused from peers).
CREATE TABLE peer_links (
    party  TEXT PRIMARY KEY,
    url    TEXT NOT NULL,
    -- The token the peer issued to this node: a credential this node presents, so kept as is.
    token  TEXT NOT NULL,
    -- The peer's TLS CA certificate (PEM), when it is not in the system's roots.
    ca_pem TEXT,
    cursor TEXT
);
CREATE TABLE security_events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    ts_us     INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    -- Who sent what raised it, as the audit log names principals (`peer:CN`, `user:KZ:a:analyst`).
    source    TEXT    NOT NULL,
    -- The object concerned, as `id@version` (nanoseconds), as the audit log names objects.
    object    TEXT,
    detail    TEXT    NOT NULL
);
