-- The id index moves out of `objects` into a table of its own that is written in sorted batches
-- (see src/id_index.rs): a B-tree over random UUID keys updated on every commit dirtied about a
-- thousand pages per 1,000 objects once a million were stored.
CREATE TABLE id_index (
    id_key INTEGER NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (id_key, seq)
) WITHOUT ROWID;
INSERT INTO id_index (id_key, seq) SELECT id_key, seq FROM objects ORDER BY id_key, seq;
-- Every object row with seq <= upto has its entry in id_index; the rows after it (the tail) are
-- indexed in memory and merged here in batches.
CREATE TABLE id_index_state (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    upto INTEGER NOT NULL
);
INSERT INTO id_index_state (one, upto) SELECT 1, COALESCE(MAX(seq), 0) FROM objects;
DROP INDEX objects_by_id;
