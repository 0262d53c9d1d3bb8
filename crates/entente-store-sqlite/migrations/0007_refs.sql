-- What each object version points to through its top-level `*_ref` and `*_refs` properties (its
-- creator and markings aside, which nearly every object names): a relationship's source and
-- target, a report's or note's contents, a sighting's object. Read as "what points to this
-- object", for an object's page, by index rather than by a text search over every row. Rows
-- stored before this migration get theirs from their JSON.
CREATE TABLE object_refs (
    target TEXT    NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (target, seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO object_refs (target, seq)
    SELECT e.value, o.seq FROM objects o, json_each(o.json) e
    WHERE substr(e.key, -4) = '_ref' AND e.key <> 'created_by_ref' AND e.type = 'text';
INSERT OR IGNORE INTO object_refs (target, seq)
    SELECT a.value, o.seq FROM objects o, json_each(o.json) e, json_each(e.value) a
    WHERE substr(e.key, -5) = '_refs' AND e.key <> 'object_marking_refs' AND e.type = 'array'
      AND a.type = 'text';
