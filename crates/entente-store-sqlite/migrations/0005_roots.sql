-- The root of each object of a workflow's life: the object whose thread it belongs to (a warning's
-- id for the warning's versions, its reviews, acknowledgements, hits, follow-ups and reminders),
-- so that a thread is read by index rather than by a text search over every row. NULL for objects
-- of no workflow. Objects stored before this migration get their root from their JSON.
ALTER TABLE objects ADD COLUMN root TEXT;
UPDATE objects SET root = id WHERE object_type = 'x-entente-warning';
UPDATE objects SET root = json_extract(json, '$.sighting_of_ref')
    WHERE object_type = 'sighting'
      AND json_extract(json, '$.sighting_of_ref') LIKE 'x-entente-warning--%';
UPDATE objects SET root = (
        SELECT value FROM json_each(objects.json, '$.object_refs')
        WHERE value LIKE 'x-entente-warning--%' LIMIT 1)
    WHERE object_type IN ('note', 'opinion')
      AND json_extract(json, '$.extensions."extension-definition--84bb86cc-86f5-5b0d-a56d-92409f953efa".warning.role') IS NOT NULL;
CREATE INDEX objects_by_root ON objects (root, seq) WHERE root IS NOT NULL;
