-- Visibility in the query: the keys of each object version's audience
-- (`entente_core::candidates::audience_keys`: `state:KZ`, `tier:observer`, `user:KZ:a`,
-- `users-of:KZ`), so a read leaves out by index the rows its reader certainly may not see
-- (`entente_core::candidates`); and the access label's columns indexed for the same reads.
CREATE TABLE object_audience (
    key TEXT   NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (key, seq)
);
CREATE INDEX object_audience_by_seq ON object_audience (seq);

INSERT INTO object_audience (key, seq)
    SELECT 'state:' || s, o.seq FROM objects o, jsonb_array_elements_text(o.audience::jsonb -> 'states') s
    UNION SELECT 'tier:' || t, o.seq FROM objects o, jsonb_array_elements_text(o.audience::jsonb -> 'tiers') t
    UNION SELECT 'user:' || u, o.seq FROM objects o, jsonb_array_elements_text(o.audience::jsonb -> 'users') u
    UNION SELECT 'users-of:' || split_part(u, ':', 1), o.seq
          FROM objects o, jsonb_array_elements_text(o.audience::jsonb -> 'users') u
    ON CONFLICT DO NOTHING;

CREATE INDEX objects_by_marking ON objects (collection, marking, seq);
CREATE INDEX objects_by_originator ON objects (collection, originator, seq);
