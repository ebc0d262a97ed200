-- Idempotency records (PostgreSQL). The store substitutes the configured table name for idempotency_record.
CREATE TABLE IF NOT EXISTS idempotency_record (
	id CHAR(64) NOT NULL,
	state VARCHAR(16) NOT NULL,
	owner_token VARCHAR(64),
	fingerprint VARCHAR(80) NOT NULL,
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
	purge_after TIMESTAMP WITH TIME ZONE NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	status INTEGER,
	headers TEXT,
	body BYTEA,
	body_retained BOOLEAN,
	awaiting_response_until TIMESTAMP WITH TIME ZONE,
	CONSTRAINT idempotency_record_pk PRIMARY KEY (id)
);

-- CREATE INDEX takes a SHARE lock on the table even when the index exists (IF NOT EXISTS is checked under it). An
-- instance starting while others hold write transactions on the table would wait for them, and every later statement
-- on the table would queue behind that wait: the catalog is read first, which takes no lock on the table.
DO 'BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
			WHERE i.indrelid = to_regclass(''idempotency_record'')
				AND c.relname = lower(''idempotency_record_purge_after_idx'')) THEN
		CREATE INDEX IF NOT EXISTS idempotency_record_purge_after_idx ON idempotency_record (purge_after);
	END IF;
END';
