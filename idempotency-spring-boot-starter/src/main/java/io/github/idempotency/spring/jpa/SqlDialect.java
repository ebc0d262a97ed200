package io.github.idempotency.spring.jpa;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The SQL of one database for the JPA store, in the manner of ShedLock's {@code SqlStatementsSource}: every
 * statement is a single atomic step; times come from the database's clock ({@link #now()}), never from the
 * application's.
 * <p>
 * PostgreSQL claims in one statement ({@code INSERT ... ON CONFLICT DO NOTHING}, with the key's row read in the same
 * statement when the insert meets it), and takes over an expired row with a second one. The other databases claim
 * with a read of the row and the database's time, followed, only when the key is free, by an insert on the primary
 * key or a compare-and-set takeover of the expired row version; a lost race reads again.
 */
abstract class SqlDialect {

	static final String COLUMNS = "state, owner_token, fingerprint, expires_at, status, headers, body, body_retained, "
			+ "awaiting_response_until";

	final String table;

	SqlDialect(String table) {
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
			return new PostgresDialect(table);
		}
		if (name.equals("h2")) {
			return new H2Dialect(table);
		}
		if (name.contains("mariadb")) {
			return new MySqlDialect(table, "mariadb");
		}
		if (name.contains("mysql")) {
			return new MySqlDialect(table, "mysql");
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

	/**
	 * Whether the driver turns a connection's auto-commit on and off without a round trip while no transaction is open,
	 * so that the store's statements, each of which may commit on its own, run auto-committed on a connection that the
	 * pool lends in manual-commit mode, and save the commit's round trip. Drivers that send a statement to switch
	 * ({@code SET autocommit}) would gain nothing.
	 */
	boolean switchesAutoCommitLocally() {
		return false;
	}

	/**
	 * Whether the store's statements must not run at the isolation a pool lends its connections at, and run at READ
	 * COMMITTED instead ({@link OwnConnectionTransactions}). They compare and set on the row's latest committed
	 * version and read again in a new transaction after a lost race, which READ COMMITTED gives everywhere; on
	 * PostgreSQL and H2, REPEATABLE READ and SERIALIZABLE fail a write that meets a row changed since the snapshot.
	 * @param isolation a {@link java.sql.Connection} isolation level
	 * @return whether to switch to READ COMMITTED for the work
	 */
	boolean needsReadCommittedInsteadOf(int isolation) {
		return isolation > Connection.TRANSACTION_READ_COMMITTED;
	}

	/**
	 * Whether a failure says that the statement lost a race to a concurrent transaction, which a new transaction may
	 * win or see the winner of: a serialization failure or a deadlock.
	 * @param ex the failure
	 * @return whether to try again in a new transaction
	 */
	boolean isLostRace(SQLException ex) {
		String state = ex.getSQLState();
		return "40001".equals(state) || "40P01".equals(state);
	}

	/** Whether {@link #claimInOneStatement()} exists. */
	abstract boolean claimsInOneStatement();

	/**
	 * One statement that claims a key without a row, or else reads the key's row. Parameters: key, token,
	 * fingerprint, lease in milliseconds, milliseconds until {@code purge_after}, key. Rows: {@code claimed = true}
	 * and {@code expires_at} for a claim, or {@code claimed = false}, {@code in_force} and {@link #COLUMNS} for the
	 * row the key has (in force or expired, which {@link #takeOverExpired()} then takes over); none when a concurrent
	 * change hid the row from the statement's snapshot.
	 */
	String claimInOneStatement() {
		throw new IllegalStateException(platform() + " has no one-statement claim");
	}

	/**
	 * With {@link #claimInOneStatement()}: takes over the expired row version it read, compared on its expiry, the
	 * new lease from the database's clock. Parameters: token, fingerprint, lease in milliseconds, milliseconds until
	 * {@code purge_after}, key, expires_at as read. Row: the new {@code expires_at}, none when a concurrent takeover,
	 * renewal or purge came first.
	 */
	String takeOverExpired() {
		throw new IllegalStateException(platform() + " has no one-statement claim");
	}

	/** Reads the database's time and the key's row, if any. Parameter: key. Columns: db_now, {@link #COLUMNS}. */
	String readWithTime() {
		return "SELECT " + now() + " AS db_now, r.state, r.owner_token, r.fingerprint, r.expires_at, r.status, "
				+ "r.headers, r.body, r.body_retained, r.awaiting_response_until FROM (SELECT 1 AS one) d LEFT JOIN " + this.table
				+ " r ON r.id = ?";
	}

	/**
	 * Parameters: key, token, fingerprint, expires_at, purge_after, created_at. On a duplicate key it fails, or
	 * inserts nothing (a dialect may ignore the duplicate): either way the claim lost its race.
	 */
	String insert() {
		return "INSERT INTO " + this.table
				+ " (id, state, owner_token, fingerprint, expires_at, purge_after, created_at) "
				+ "VALUES (?, 'ONGOING', ?, ?, ?, ?, ?)";
	}

	/**
	 * Takes over the expired row version that {@link #readWithTime()} returned, compared on its expiry: a
	 * concurrent takeover or renewal changes it, so only one wins. Parameters: token, fingerprint, expires_at,
	 * purge_after, created_at, key, expires_at as read.
	 */
	String takeOver() {
		return "UPDATE " + this.table + " SET state = 'ONGOING', owner_token = ?, fingerprint = ?, expires_at = ?, "
				+ "purge_after = ?, created_at = ?, status = NULL, headers = NULL, body = NULL, body_retained = NULL, "
				+ "awaiting_response_until = NULL WHERE id = ? AND expires_at = ?";
	}

	/**
	 * Finishes a record held by the token, whose lease is alive. Parameters: state, status, headers, body,
	 * body_retained, retention in milliseconds (twice), the lease in milliseconds (only when {@code awaitResponse}),
	 * key, token. {@code purge_after} moves only when the retention ends after it: a record claimed with its retention
	 * and finished within its first lease leaves every indexed column as it was.
	 * @param keepOwner whether the finished record keeps the token, as one written in the application's transaction
	 * does until its owner attaches the final response
	 * @param awaitResponse whether the record awaits that final response for one lease (its response is
	 * provisional): it counts as in progress until then
	 */
	String complete(boolean keepOwner, boolean awaitResponse) {
		return "UPDATE " + this.table + " SET state = ?, status = ?, headers = ?, body = ?, body_retained = ?, "
				+ "expires_at = " + nowPlusMillis() + ", purge_after = " + notBefore(nowPlusMillis())
				+ ", owner_token = " + (keepOwner ? "owner_token" : "NULL")
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
	 * milliseconds (twice), key, token.
	 */
	String renew() {
		return "UPDATE " + this.table + " SET expires_at = CASE WHEN state = 'ONGOING' THEN " + nowPlusMillis()
				+ " ELSE expires_at END, purge_after = CASE WHEN state = 'ONGOING' THEN " + notBefore(nowPlusMillis())
				+ " ELSE purge_after END WHERE id = ? AND owner_token = ? AND expires_at > " + now();
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

	/**
	 * Deletes at most a batch of expired rows without waiting for rows that others hold, found by the index on
	 * {@code purge_after} (for a finished row never before {@code expires_at}; an ongoing one may have a lease that
	 * outlasts its retention) and still expired by {@code expires_at}. Parameter: batch size.
	 */
	abstract String purge();

	/** {@code purge_after} moved to an instant if it lies before it, else as it is. */
	private static String notBefore(String instant) {
		return "GREATEST(purge_after, " + instant + ")";
	}

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

}
