-- The variants for scripts/bench-pg-statements.sh, which first creates pgb_library from the store's own
-- schema-postgresql.sql (the table name replaced); pgb_ideal is the table of the sample app's /bench/ideal.

-- with an index on expires_at as well, as before purge_after took the purge's index: the completion moves an indexed
-- column again
CREATE TABLE pgb_expiry_index (LIKE pgb_library INCLUDING ALL);
CREATE INDEX pgb_expiry_index_expires_at_idx ON pgb_expiry_index (expires_at);

CREATE TABLE pgb_ideal (idempotency_key VARCHAR(300) PRIMARY KEY, response BYTEA);

-- a narrower row: key, fingerprint and owner token binary, the state a number
CREATE TABLE pgb_narrow (LIKE pgb_library INCLUDING ALL);
ALTER TABLE pgb_narrow ALTER COLUMN id TYPE BYTEA USING decode(id, 'hex'),
	ALTER COLUMN state TYPE SMALLINT USING 0,
	ALTER COLUMN owner_token TYPE UUID USING CAST(owner_token AS UUID),
	ALTER COLUMN fingerprint TYPE BYTEA USING decode(fingerprint, 'hex');
