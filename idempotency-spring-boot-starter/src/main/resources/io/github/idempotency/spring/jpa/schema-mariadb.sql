-- Idempotency records (MariaDB). Times are UTC. The store substitutes the configured table name for idempotency_record.
CREATE TABLE IF NOT EXISTS idempotency_record (
	id CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	state VARCHAR(16) CHARACTER SET ascii NOT NULL,
	owner_token VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin,
	fingerprint VARCHAR(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	expires_at DATETIME(6) NOT NULL,
	purge_after DATETIME(6) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	status INT,
	headers MEDIUMTEXT,
	body LONGBLOB,
	body_retained BOOLEAN,
	awaiting_response_until DATETIME(6),
	CONSTRAINT idempotency_record_pk PRIMARY KEY (id),
	INDEX idempotency_record_purge_after_idx (purge_after)
) ENGINE = InnoDB;
