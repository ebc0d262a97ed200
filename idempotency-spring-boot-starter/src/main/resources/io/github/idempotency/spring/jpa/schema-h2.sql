-- Idempotency records (H2). The store substitutes the configured table name for idempotency_record.
CREATE TABLE IF NOT EXISTS idempotency_record (
	id CHAR(64) NOT NULL,
	state VARCHAR(16) NOT NULL,
	owner_token VARCHAR(64),
	fingerprint VARCHAR(80) NOT NULL,
	expires_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
	purge_after TIMESTAMP(6) WITH TIME ZONE NOT NULL,
	created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
	status INTEGER,
	headers CHARACTER VARYING,
	body BINARY VARYING,
	body_retained BOOLEAN,
	awaiting_response_until TIMESTAMP(6) WITH TIME ZONE,
	CONSTRAINT idempotency_record_pk PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS idempotency_record_purge_after_idx ON idempotency_record (purge_after);
