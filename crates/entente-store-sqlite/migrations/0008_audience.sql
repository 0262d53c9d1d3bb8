-- Visibility in the query: the keys of each object version's audience
-- (`entente_core::candidates::audience_keys`: `state:KZ`, `tier:observer`, `user:KZ:a`,
-- `users-of:KZ`), so a read leaves out in SQL the rows its reader certainly may not see
-- (`entente_core::candidates`) instead of decoding each and asking the policy. Only rows with an
-- audience have keys. (No index on the marking: one more B-tree per insert costs ingest more than
-- the scan it saves, which stays in SQLite.)
CREATE TABLE object_audience (
    key TEXT    NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;
CREATE INDEX object_audience_by_seq ON object_audience (seq);

INSERT OR IGNORE INTO object_audience (key, seq)
    SELECT 'state:' || s.value, o.seq FROM objects o, json_each(o.audience, '$.states') s
        WHERE o.audience IS NOT NULL
    UNION SELECT 'tier:' || t.value, o.seq FROM objects o, json_each(o.audience, '$.tiers') t
        WHERE o.audience IS NOT NULL
    UNION SELECT 'user:' || u.value, o.seq FROM objects o, json_each(o.audience, '$.users') u
        WHERE o.audience IS NOT NULL
    UNION SELECT 'users-of:' || substr(u.value, 1, instr(u.value, ':') - 1), o.seq
        FROM objects o, json_each(o.audience, '$.users') u WHERE o.audience IS NOT NULL;
