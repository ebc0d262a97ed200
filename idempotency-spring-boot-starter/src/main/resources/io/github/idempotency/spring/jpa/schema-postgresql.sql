-- Idempotency records (PostgreSQL). The store substitutes the configured table name for idempotency_record.
CREATE TABLE IF NOT EXISTS idempotency_record (
	id CHAR(64) NOT NULL,
	state VARCHAR(16) NOT NULL,
	owner_token VARCHAR(64),
	fingerprint VARCHAR(80) NOT NULL,
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	status INTEGER,
	headers TEXT,
	body BYTEA,
	body_retained BOOLEAN,
	awaiting_response_until TIMESTAMP WITH TIME ZONE,
	CONSTRAINT idempotency_record_pk PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS idempotency_record_expires_at_idx ON idempotency_record (expires_at);
