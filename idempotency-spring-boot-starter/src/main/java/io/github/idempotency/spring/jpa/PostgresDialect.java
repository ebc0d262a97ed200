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

	// The insert comes first, so that a key without a row (a first request, the common case) costs the insert alone:
	// a plan with one modifying node and no read ahead of it, which took about a fifth less of the server's time than
	// reading the record in force first (docs/benchmarks.md). ON CONFLICT DO NOTHING neither writes nor locks the row it
	// meets, so a replay or a conflict still writes nothing; the row is then read from the statement's snapshot, in force
	// or not. An expired row is taken over by takeOverExpired(), one statement more, only for a key whose expired record
	// the purge has not deleted yet. When the insert meets a row committed after the snapshot (or waits for one), the
	// statement returns no row and the store runs it again, with a fresh snapshot that shows that row.
	@Override
	String claimInOneStatement() {
		return "WITH claimed AS (INSERT INTO " + this.table
				+ " (id, state, owner_token, fingerprint, expires_at, purge_after, created_at) "
				+ "VALUES (?, 'ONGOING', ?, ?, " + nowPlusMillis() + ", " + nowPlusMillis() + ", clock_timestamp()) "
				+ "ON CONFLICT (id) DO NOTHING RETURNING expires_at) "
				+ "SELECT TRUE AS claimed, expires_at, CAST(NULL AS BOOLEAN) AS in_force, "
				+ "CAST(NULL AS VARCHAR) AS state, CAST(NULL AS VARCHAR) AS owner_token, "
				+ "CAST(NULL AS VARCHAR) AS fingerprint, CAST(NULL AS INTEGER) AS status, CAST(NULL AS TEXT) AS headers, "
				+ "CAST(NULL AS BYTEA) AS body, CAST(NULL AS BOOLEAN) AS body_retained, "
				+ "CAST(NULL AS TIMESTAMPTZ) AS awaiting_response_until FROM claimed "
				+ "UNION ALL SELECT FALSE, expires_at, expires_at > clock_timestamp(), state, owner_token, fingerprint, "
				+ "status, headers, body, body_retained, awaiting_response_until FROM " + this.table
				+ " WHERE id = ? AND NOT EXISTS (SELECT 1 FROM claimed)";
	}

	// compared on the expiry as read, so that of two claimers that read the same expired row only one takes it over,
	// and the state read is the one replaced; still expired by the database's clock when the row is locked
	@Override
	String takeOverExpired() {
		return "UPDATE " + this.table + " SET state = 'ONGOING', owner_token = ?, fingerprint = ?, expires_at = "
				+ nowPlusMillis() + ", purge_after = " + nowPlusMillis() + ", created_at = clock_timestamp(), "
				+ "status = NULL, headers = NULL, body = NULL, body_retained = NULL, awaiting_response_until = NULL "
				+ "WHERE id = ? AND expires_at = ? AND expires_at <= clock_timestamp() RETURNING expires_at";
	}

	// SKIP LOCKED: rows that a takeover or another instance's purge holds are left for the next run, so the
	// purge never waits and every instance may run it at once.
	@Override
	String purge() {
		return "DELETE FROM " + this.table + " WHERE id IN (SELECT id FROM " + this.table
				+ " WHERE purge_after <= clock_timestamp() AND expires_at <= clock_timestamp() LIMIT ? "
				+ "FOR UPDATE SKIP LOCKED)";
	}

}
