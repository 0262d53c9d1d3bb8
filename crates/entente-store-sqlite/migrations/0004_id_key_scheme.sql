-- How id keys are derived. 0: the first 64 bits of the id's UUID (until this migration), which a
-- client choosing its ids could make equal for any number of ids, so that every lookup of one of
-- them walked all of them. 1: the first 64 bits of the SHA-256 of the whole id. The store rekeys a
-- database of scheme 0 when it opens it (src/id_index.rs, `rekey`).
ALTER TABLE id_index_state ADD COLUMN scheme INTEGER NOT NULL DEFAULT 0;
INSERT OR IGNORE INTO id_index_state (one, upto, scheme) VALUES (1, 0, 0);
