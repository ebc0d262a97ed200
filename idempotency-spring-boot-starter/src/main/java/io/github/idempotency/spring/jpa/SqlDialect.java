package io.github.idempotency.spring.jpa;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The SQL of one database for the JPA store, in the manner of ShedLock's {@code SqlStatementsSource}: every
 * statement is a single atomic step; times come from the database's clock ({@link #now()}), never from the
 * application's.
 * <p>
 * PostgreSQL claims in one statement ({@code INSERT ... ON CONFLICT DO UPDATE ... WHERE expired}, with the record in
 * force read in the same statement). The other databases claim with a read of the row and the database's time,
 * followed, only when the key is free, by an insert on the primary key or a compare-and-set takeover of the expired
 * row version; a lost race reads again.
 */
abstract class SqlDialect {

	static final String COLUMNS = "state, owner_token, fingerprint, expires_at, status, headers, body, body_retained, "
			+ "awaiting_response_until";

	final String table;

	private SqlDialect(String table) {
		this.table = table;
	}

	/**
	 * The dialect of a database, by the product name its JDBC driver reports.
	 * @param productName {@code DatabaseMetaData#getDatabaseProductName()}
	 * @param table the table name
	 * @return the dialect
	 * @throws IllegalStateException for a database without a dialect
	 */
	static SqlDialect forProductName(String productName, String table) {
		String name = (productName != null) ? productName.toLowerCase(Locale.ROOT) : "";
		if (name.contains("postgresql")) {
			return new Postgres(table);
		}
		if (name.equals("h2")) {
			return new H2(table);
		}
		if (name.contains("mariadb")) {
			return new MySql(table, "mariadb");
		}
		if (name.contains("mysql")) {
			return new MySql(table, "mysql");
		}
		throw new IllegalStateException("The JPA idempotency store supports PostgreSQL, H2, MySQL and MariaDB, not "
				+ productName);
	}

	/** The schema script's platform, as in {@code schema-<platform>.sql}. */
	abstract String platform();

	/** The database's current instant, as precise as it keeps it, read when the statement runs. */
	abstract String now();

	/** The database's current instant plus a bound number of milliseconds. */
	abstract String nowPlusMillis();

	/** Whether {@link #claimInOneStatement()} exists. */
	abstract boolean claimsInOneStatement();

	/**
	 * One statement that claims or returns the record in force. Parameters: key, key, token, fingerprint, lease in
	 * milliseconds, key. Rows: {@code claimed, expires_at, previous_state} for a claim, or
	 * {@code claimed = false} and {@link #COLUMNS} for the record in force; none when a concurrent change
	 * hid the record from the statement's snapshot.
	 */
	String claimInOneStatement() {
		throw new IllegalStateException(platform() + " has no one-statement claim");
	}

	/** Reads the database's time and the key's row, if any. Parameter: key. Columns: db_now, {@link #COLUMNS}. */
	String readWithTime() {
		return "SELECT " + now() + " AS db_now, r.state, r.owner_token, r.fingerprint, r.expires_at, r.status, "
				+ "r.headers, r.body, r.body_retained, r.awaiting_response_until FROM (SELECT 1 AS one) d LEFT JOIN " + this.table
				+ " r ON r.id = ?";
	}

	/** Parameters: key, token, fingerprint, expires_at, created_at. Fails on a duplicate key. */
	String insert() {
		return "INSERT INTO " + this.table + " (id, state, owner_token, fingerprint, expires_at, created_at) "
				+ "VALUES (?, 'ONGOING', ?, ?, ?, ?)";
	}

	/**
	 * Takes over the expired row version that {@link #readWithTime()} returned, compared on its expiry: a
	 * concurrent takeover or renewal changes it, so only one wins. Parameters: token, fingerprint, expires_at,
	 * created_at, key, expires_at as read.
	 */
	String takeOver() {
		return "UPDATE " + this.table + " SET state = 'ONGOING', owner_token = ?, fingerprint = ?, expires_at = ?, "
				+ "created_at = ?, status = NULL, headers = NULL, body = NULL, body_retained = NULL, "
				+ "awaiting_response_until = NULL WHERE id = ? AND expires_at = ?";
	}

	/**
	 * Finishes a record held by the token, whose lease is alive. Parameters: state, status, headers, body,
	 * body_retained, retention in milliseconds, the lease in milliseconds (only when {@code awaitResponse}), key,
	 * token.
	 * @param keepOwner whether the finished record keeps the token, as one written in the application's transaction
	 * does until its owner attaches the final response
	 * @param awaitResponse whether the record awaits that final response for one lease (its response is
	 * provisional): it counts as in progress until then
	 */
	String complete(boolean keepOwner, boolean awaitResponse) {
		return "UPDATE " + this.table + " SET state = ?, status = ?, headers = ?, body = ?, body_retained = ?, "
				+ "expires_at = " + nowPlusMillis() + ", owner_token = " + (keepOwner ? "owner_token" : "NULL")
				+ ", awaiting_response_until = " + (awaitResponse ? nowPlusMillis() : "NULL")
				+ " WHERE id = ? AND owner_token = ? AND expires_at > " + now();
	}

	/** Deletes an ongoing record held by the token. Parameters: key, token. */
	String release() {
		return "DELETE FROM " + this.table + " WHERE id = ? AND owner_token = ? AND state = 'ONGOING' "
				+ "AND expires_at > " + now();
	}

	/**
	 * Extends the lease of an ongoing record held by the token; a record finished in the application's transaction
	 * and still waiting for its response counts as renewed and keeps its retention and its
	 * {@code awaiting_response_until} (one lease after the commit, not after the last renewal). Parameters: lease in
	 * milliseconds, key, token.
	 */
	String renew() {
		return "UPDATE " + this.table + " SET expires_at = CASE WHEN state = 'ONGOING' THEN " + nowPlusMillis()
				+ " ELSE expires_at END WHERE id = ? AND owner_token = ? AND expires_at > " + now();
	}

	/** Parameter: key. Columns: {@link #COLUMNS}. */
	String find() {
		return "SELECT " + COLUMNS + " FROM " + this.table + " WHERE id = ? AND expires_at > " + now();
	}

	/**
	 * Deletes a finished record in force whose state and end of retention are the ones an operator read. Parameters:
	 * key, state, expires_at as read.
	 */
	String deleteFinishedIfUnchanged() {
		return "DELETE FROM " + this.table + " WHERE id = ? AND state = ? AND expires_at = ? AND expires_at > "
				+ now();
	}

	/** Parameter: key. */
	String delete() {
		return "DELETE FROM " + this.table + " WHERE id = ?";
	}

	/** Deletes at most a batch of expired rows without waiting for rows that others hold. Parameter: batch size. */
	abstract String purge();

	/**
	 * Reads a timestamp column as an instant.
	 * @param rs the row
	 * @param column the column
	 * @return the instant, or {@code null}
	 * @throws SQLException on a driver failure
	 */
	Instant readInstant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	/**
	 * Binds an instant to a timestamp parameter.
	 * @param ps the statement
	 * @param index the parameter index
	 * @param instant the instant
	 * @throws SQLException on a driver failure
	 */
	void bindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
		ps.setObject(index, instant.atOffset(ZoneOffset.UTC));
	}

	/**
	 * PostgreSQL: {@code clock_timestamp()} (not {@code now()}, which stands still for a whole transaction, and
	 * would make a completion written at the end of a long business transaction judge its lease by the time the
	 * transaction began).
	 */
	static final class Postgres extends SqlDialect {

		Postgres(String table) {
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

	/**
	 * H2, which runs in the application's JVM. {@code CURRENT_TIMESTAMP} stands still for a transaction, so a
	 * completion written in the application's transaction judges its lease by the time that transaction began.
	 */
	static final class H2 extends SqlDialect {

		H2(String table) {
			super(table);
		}

		@Override
		String platform() {
			return "h2";
		}

		@Override
		String now() {
			return "CURRENT_TIMESTAMP(6)";
		}

		@Override
		String nowPlusMillis() {
			return "DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP(6))";
		}

		@Override
		boolean claimsInOneStatement() {
			return false;
		}

		@Override
		String purge() {
			return "DELETE FROM " + this.table + " WHERE expires_at <= CURRENT_TIMESTAMP(6) FETCH FIRST ? ROWS ONLY";
		}

	}

	/**
	 * MySQL 8 and MariaDB: times are UTC {@code DATETIME(6)} values from {@code UTC_TIMESTAMP(6)}, which is read
	 * when each statement runs.
	 */
	static final class MySql extends SqlDialect {

		private final String platform;

		MySql(String table, String platform) {
			super(table);
			this.platform = platform;
		}

		@Override
		String platform() {
			return this.platform;
		}

		@Override
		String now() {
			return "UTC_TIMESTAMP(6)";
		}

		@Override
		String nowPlusMillis() {
			return "TIMESTAMPADD(MICROSECOND, ? * 1000, UTC_TIMESTAMP(6))";
		}

		@Override
		boolean claimsInOneStatement() {
			return false;
		}

		@Override
		String purge() {
			return "DELETE FROM " + this.table + " WHERE expires_at <= UTC_TIMESTAMP(6) ORDER BY expires_at LIMIT ?";
		}

		@Override
		Instant readInstant(ResultSet rs, String column) throws SQLException {
			LocalDateTime value = rs.getObject(column, LocalDateTime.class);
			return (value != null) ? value.toInstant(ZoneOffset.UTC) : null;
		}

		@Override
		void bindInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
			ps.setObject(index, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
		}

	}

}
