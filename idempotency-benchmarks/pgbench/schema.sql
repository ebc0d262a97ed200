-- The variants for scripts/bench-pg-statements.sh, which first creates pgb_library from the store's own
-- schema-postgresql.sql (the table name replaced); pgb_ideal is the table of the sample app's /bench/ideal.

-- without an index on expires_at: what the completion would cost if the purge needed no index
CREATE TABLE pgb_no_expiry_index (LIKE pgb_library INCLUDING ALL);
DROP INDEX pgb_no_expiry_index_expires_at_idx;

-- the purge index on a column the completion normally leaves alone (purge_after, an upper bound of expires_at set at
-- the claim), and room on each page, so that the completion can be a HOT update
CREATE TABLE pgb_purge_after (LIKE pgb_library INCLUDING ALL) WITH (fillfactor = 90);
DROP INDEX pgb_purge_after_expires_at_idx;
ALTER TABLE pgb_purge_after ADD COLUMN purge_after TIMESTAMP WITH TIME ZONE;
CREATE INDEX pgb_purge_after_purge_after_idx ON pgb_purge_after (purge_after);

CREATE TABLE pgb_ideal (idempotency_key VARCHAR(300) PRIMARY KEY, response BYTEA);

-- a narrower row: key, fingerprint and owner token binary, the state a number
CREATE TABLE pgb_narrow (LIKE pgb_library INCLUDING ALL);
ALTER TABLE pgb_narrow ALTER COLUMN id TYPE BYTEA USING decode(id, 'hex'),
	ALTER COLUMN state TYPE SMALLINT USING 0,
	ALTER COLUMN owner_token TYPE UUID USING CAST(owner_token AS UUID),
	ALTER COLUMN fingerprint TYPE BYTEA USING decode(fingerprint, 'hex');
