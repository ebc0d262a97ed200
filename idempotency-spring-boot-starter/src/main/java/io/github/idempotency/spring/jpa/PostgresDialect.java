package io.github.idempotency.spring.jpa;

/**
 * PostgreSQL: {@code clock_timestamp()} (not {@code now()}, which stands still for a whole transaction, and
 * would make a completion written at the end of a long business transaction judge its lease by the time the
 * transaction began).
 */
final class PostgresDialect extends SqlDialect {

	PostgresDialect(String table) {
		super(table);
	}

	@Override
	String platform() {
		return "postgresql";
	}

	@Override
	String now() {
		return "clock_timestamp()";
	}

	@Override
	String nowPlusMillis() {
		return "(clock_timestamp() + CAST(? AS double precision) * INTERVAL '1 millisecond')";
	}

	// pgjdbc keeps auto-commit on the client: it sends BEGIN with the first statement of a transaction, and a commit
	// only when one is open
	@Override
	boolean switchesAutoCommitLocally() {
		return true;
	}

	@Override
	boolean claimsInOneStatement() {
		return true;
	}

	// A record in force that the statement's snapshot shows is returned without attempting the insert, so a
	// replay or a conflict reads and writes nothing (not even a row lock). Otherwise the insert claims the key,
	// or takes over an expired row; the previous row of the snapshot tells whether a lease was taken over. When
	// the insert meets a row committed after the snapshot that is still in force, the statement returns no row
	// and the store runs it again, with a fresh snapshot that shows that row.
	@Override
	String claimInOneStatement() {
		return "WITH live AS (SELECT " + COLUMNS + " FROM " + this.table
				+ " WHERE id = ? AND expires_at > clock_timestamp()), "
				+ "claimed AS (INSERT INTO " + this.table + " AS r "
				+ "(id, state, owner_token, fingerprint, expires_at, created_at) "
				+ "SELECT ?, 'ONGOING', ?, ?, " + nowPlusMillis() + ", clock_timestamp() "
				+ "WHERE NOT EXISTS (SELECT 1 FROM live) "
				+ "ON CONFLICT (id) DO UPDATE SET state = 'ONGOING', owner_token = EXCLUDED.owner_token, "
				+ "fingerprint = EXCLUDED.fingerprint, expires_at = EXCLUDED.expires_at, "
				+ "created_at = EXCLUDED.created_at, status = NULL, headers = NULL, body = NULL, "
				+ "body_retained = NULL, awaiting_response_until = NULL "
				+ "WHERE r.expires_at <= clock_timestamp() RETURNING r.expires_at) "
				+ "SELECT TRUE AS claimed, c.expires_at, p.state AS previous_state, "
				+ "NULL AS state, CAST(NULL AS VARCHAR) AS owner_token, CAST(NULL AS VARCHAR) AS fingerprint, "
				+ "CAST(NULL AS INTEGER) AS status, CAST(NULL AS TEXT) AS headers, CAST(NULL AS BYTEA) AS body, "
				+ "CAST(NULL AS BOOLEAN) AS body_retained, CAST(NULL AS TIMESTAMPTZ) AS awaiting_response_until "
				+ "FROM claimed c LEFT JOIN " + this.table
				+ " p ON p.id = ? "
				+ "UNION ALL SELECT FALSE, l.expires_at, NULL, l.state, l.owner_token, "
				+ "l.fingerprint, l.status, l.headers, l.body, l.body_retained, l.awaiting_response_until FROM live l";
	}

	// SKIP LOCKED: rows that a takeover or another instance's purge holds are left for the next run, so the
	// purge never waits and every instance may run it at once.
	@Override
	String purge() {
		return "DELETE FROM " + this.table + " WHERE id IN (SELECT id FROM " + this.table
				+ " WHERE expires_at <= clock_timestamp() LIMIT ? FOR UPDATE SKIP LOCKED)";
	}

}
