package io.github.idempotency.spring.jpa;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.function.SingletonSupplier;

/**
 * Idempotency records in a relational database table (PostgreSQL, H2, MySQL, MariaDB), reached through the JDBC
 * {@link DataSource} of the application's JPA {@code EntityManagerFactory}.
 * <p>
 * It needs no entity class, so it works whether or not the application narrows entity scanning with
 * {@code @EntityScan}; it writes with plain SQL on the same connection pool, and, inside a transaction of the
 * application's {@code JpaTransactionManager}, on the very connection of that transaction (Spring exposes it to
 * JDBC), which is what {@link TransactionalCompletion} relies on.
 * <p>
 * Every operation is one atomic step on the row's primary key, run in a transaction of its own on a connection of its
 * own (a statement on an auto-commit connection), never on the calling thread's transaction and never a read
 * followed by a dependent write:
 * <ul>
 * <li>claim inserts on the primary key; a key whose record expired is taken over by a conditional update that
 * writes a new owner token; a lost race reads the record in force. On PostgreSQL this is one statement
 * ({@code INSERT ... ON CONFLICT DO UPDATE ... WHERE expired}, preceded in the same statement by a read of the
 * record in force, which skips the insert), so a first request costs two statements (claim, complete) and a replay
 * one statement that writes nothing.</li>
 * <li>complete, release and renew are updates (or a delete) conditioned on the owner token and a live lease: zero
 * rows means fenced.</li>
 * </ul>
 * <p>
 * <strong>Time:</strong> the {@code now} arguments are ignored. Leases, retention and expiry are computed and
 * compared with the database's clock ({@code clock_timestamp()} on PostgreSQL, {@code UTC_TIMESTAMP(6)} on
 * MySQL/MariaDB, {@code CURRENT_TIMESTAMP} on H2), so instances with skewed clocks agree.
 * <p>
 * Expired rows count as absent at once and are deleted by {@link #purgeExpired(int)}, which the auto-configuration
 * runs on a schedule.
 */
public class JpaIdempotencyStore implements IdempotencyStore {

	/** Default table name. */
	public static final String DEFAULT_TABLE_NAME = "idempotency_record";

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	// a claim that keeps losing races to takeovers, releases and purges of the same key gives up eventually
	private static final int MAX_CLAIM_ATTEMPTS = 16;

	private final DataSource dataSource;

	private final String tableName;

	private final JdbcTemplate jdbc;

	private final SingletonSupplier<SqlDialect> dialect;

	private volatile DataSource renewalDataSource;

	/**
	 * A store on the default table.
	 * @param dataSource the database
	 */
	public JpaIdempotencyStore(DataSource dataSource) {
		this(dataSource, DEFAULT_TABLE_NAME);
	}

	/**
	 * A store on the given table. The database is recognized on first use.
	 * @param dataSource the database (the {@code EntityManagerFactory}'s, to share its transactions)
	 * @param tableName the table, optionally qualified by a schema ({@code schema.table}); letters, digits and
	 * underscores only
	 */
	public JpaIdempotencyStore(DataSource dataSource, String tableName) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
		this.tableName = validateTableName(tableName);
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = SingletonSupplier.of(this::detectDialect);
		this.renewalDataSource = dataSource;
	}

	/**
	 * Renews leases through connections of their own, not the application's pool: while the protected methods hold
	 * every pooled connection (slow requests in {@code join-transaction}), a renewal that waited for one of them would
	 * let the leases lapse and another instance take the keys over. Any other operation keeps using the store's
	 * {@code DataSource}.
	 * @param renewalDataSource a {@code DataSource} on the same database, with its own connections (a small pool of
	 * its own, see {@link RenewalConnectionPool})
	 */
	public void setRenewalDataSource(DataSource renewalDataSource) {
		this.renewalDataSource = Objects.requireNonNull(renewalDataSource, "renewalDataSource");
	}

	/**
	 * Checks a table name: an identifier, optionally qualified by a schema.
	 * @param tableName the name
	 * @return the name
	 * @throws IllegalArgumentException when it is not one
	 */
	public static String validateTableName(String tableName) {
		if (tableName == null || !TABLE_NAME.matcher(tableName).matches()) {
			throw new IllegalArgumentException("The idempotency table name must be an SQL identifier, optionally "
					+ "qualified by a schema (letters, digits and underscores), was '" + tableName + "'");
		}
		return tableName;
	}

	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
		requirePositive(lease, "lease");
		OwnerToken token = OwnerToken.random();
		return access("claim", key, () -> {
			SqlDialect sql = dialect();
			for (int attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
				// each attempt in a transaction of its own, so that the next one sees what the winner committed
				ClaimResult result = inOwnTransaction((jdbc) -> sql.claimsInOneStatement()
						? claimInOneStatement(jdbc, sql, key, fingerprint, token, lease)
						: claimStepwise(jdbc, sql, key, fingerprint, token, lease));
				if (result != null) {
					return result;
				}
			}
			throw new IdempotencyStoreException("Could not claim " + key + " in " + MAX_CLAIM_ATTEMPTS
					+ " attempts: its record kept changing under concurrent writes");
		});
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		checkCompletion(owner, state, response, retention);
		return access("complete", key, () -> inOwnTransaction(
				(jdbc) -> writeCompletion(jdbc, key, owner, state, response, retention, false, null)));
	}

	/**
	 * Writes a completion on the current thread's transaction (it commits or rolls back with the application's
	 * work), keeping the owner token on the finished row so that the response can still be attached by a later
	 * {@link #complete}, and so that a renewal racing with the commit is not taken for a lost lease. A provisional
	 * response (its body not retained) makes the record await the final one for {@code lease} from now: until the
	 * owner attaches it, or that lease runs out, the record counts as in progress
	 * ({@link IdempotencyRecord#isInProgressAt}), so that a duplicate is not answered with the provisional response
	 * while the real one is about to be attached.
	 * @return {@code true} when written, {@code false} when fenced
	 * @throws IllegalStateException when no transaction holds a connection of this store's database
	 */
	boolean completeInCurrentTransaction(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
			Duration retention, Duration lease) {
		checkCompletion(owner, state, response, retention);
		requirePositive(lease, "lease");
		if (!TransactionSynchronizationManager.isActualTransactionActive()
				|| !TransactionSynchronizationManager.hasResource(this.dataSource)) {
			throw new IllegalStateException("No transaction on this thread holds a connection of the idempotency "
					+ "store's DataSource: the transaction manager must be the EntityManagerFactory's "
					+ "JpaTransactionManager (or a DataSourceTransactionManager on the same DataSource)");
		}
		Duration awaiting = response.bodyRetained() ? null : lease;
		return access("complete", key,
				() -> writeCompletion(this.jdbc, key, owner, state, response, retention, true, awaiting));
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		Objects.requireNonNull(owner, "owner");
		return access("release", key,
				() -> inOwnTransaction((jdbc) -> jdbc.update(dialect().release(), key.value(), owner.value()) == 1));
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		Objects.requireNonNull(owner, "owner");
		requirePositive(lease, "lease");
		return access("renew", key, () -> inOwnTransaction(this.renewalDataSource,
				(jdbc) -> jdbc.update(dialect().renew(), lease.toMillis(), key.value(), owner.value()) == 1));
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		return access("find", key, () -> inOwnTransaction((jdbc) -> {
			SqlDialect sql = dialect();
			List<IdempotencyRecord> records = jdbc.query(sql.find(), (rs, row) -> readRecord(sql, rs, key),
					key.value());
			return records.stream().findFirst();
		}));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * An ongoing record is deleted by the statement that releases it (conditioned on its owner token and a live
	 * lease); a finished one by its state and its {@code expires_at} as read, which no later completion repeats.
	 */
	@Override
	public boolean deleteIfUnchanged(StorageKey key, IdempotencyRecord seen, Instant now) {
		Objects.requireNonNull(seen, "seen");
		return access("delete", key, () -> inOwnTransaction((jdbc) -> {
			SqlDialect sql = dialect();
			if (seen.state() == RecordState.ONGOING) {
				return jdbc.update(sql.release(), key.value(), seen.owner().value()) > 0;
			}
			return jdbc.update(sql.deleteFinishedIfUnchanged(), (ps) -> {
				ps.setString(1, key.value());
				ps.setString(2, seen.state().name());
				sql.bindInstant(ps, 3, seen.expiresAt());
			}) > 0;
		}));
	}

	@Override
	public boolean delete(StorageKey key) {
		return access("delete", key,
				() -> inOwnTransaction((jdbc) -> jdbc.update(dialect().delete(), key.value()) > 0));
	}

	@Override
	public String name() {
		return "jpa";
	}

	/**
	 * Deletes every expired record, in batches of at most {@code batchSize} rows, each its own short transaction,
	 * so that every instance may purge at once and claims on live keys never wait for a purge. On PostgreSQL rows that
	 * another transaction holds (a takeover, another instance's purge) are skipped, not waited for; on MySQL, MariaDB
	 * and H2 a batch may wait for an expired row that a takeover holds for one statement.
	 * @param batchSize the most rows one statement deletes
	 * @return how many rows were deleted
	 */
	public long purgeExpired(int batchSize) {
		if (batchSize < 1) {
			throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
		}
		return access("purge", null, () -> {
			long total = 0;
			int deleted;
			do {
				deleted = inOwnTransaction((jdbc) -> jdbc.update(dialect().purge(), batchSize));
				total += deleted;
			}
			while (deleted >= batchSize);
			return total;
		});
	}

	/**
	 * The table this store writes.
	 * @return the table name
	 */
	public String getTableName() {
		return this.tableName;
	}

	DataSource getDataSource() {
		return this.dataSource;
	}

	private ClaimResult claimInOneStatement(JdbcTemplate jdbc, SqlDialect sql, StorageKey key,
			RequestFingerprint fingerprint, OwnerToken token, Duration lease) {
		List<ClaimResult> results = jdbc.query(sql.claimInOneStatement(), (ps) -> {
			ps.setString(1, key.value());
			ps.setString(2, key.value());
			ps.setString(3, token.value());
			ps.setString(4, fingerprint.value());
			ps.setLong(5, lease.toMillis());
			ps.setString(6, key.value());
		}, (rs, row) -> {
			Instant expiresAt = sql.readInstant(rs, "expires_at");
			if (rs.getBoolean("claimed")) {
				return new ClaimResult.Claimed(token, expiresAt,
						RecordState.ONGOING.name().equals(rs.getString("previous_state")));
			}
			// read as live by the statement's snapshot; a deadline passing since then makes no difference
			return new ClaimResult.Existing(readRecord(sql, rs, key));
		});
		return results.isEmpty() ? null : results.get(0);
	}

	private ClaimResult claimStepwise(JdbcTemplate jdbc, SqlDialect sql, StorageKey key, RequestFingerprint fingerprint,
			OwnerToken token, Duration lease) {
		Row current = jdbc.queryForObject(sql.readWithTime(), (rs, row) -> {
			Instant dbNow = sql.readInstant(rs, "db_now");
			String state = rs.getString("state");
			Instant expiresAt = sql.readInstant(rs, "expires_at");
			IdempotencyRecord record = (state != null && expiresAt.isAfter(dbNow)) ? readRecord(sql, rs, key) : null;
			return new Row(dbNow, state, expiresAt, record);
		}, key.value());
		if (current.record() != null) {
			return new ClaimResult.Existing(current.record());
		}
		Instant deadline = current.dbNow().plus(lease);
		if (current.state() == null) {
			try {
				jdbc.update(sql.insert(), (ps) -> {
					ps.setString(1, key.value());
					ps.setString(2, token.value());
					ps.setString(3, fingerprint.value());
					sql.bindInstant(ps, 4, deadline);
					sql.bindInstant(ps, 5, current.dbNow());
				});
				return new ClaimResult.Claimed(token, deadline, false);
			}
			catch (DuplicateKeyException ex) {
				return null;
			}
		}
		int updated = jdbc.update(sql.takeOver(), (ps) -> {
			ps.setString(1, token.value());
			ps.setString(2, fingerprint.value());
			sql.bindInstant(ps, 3, deadline);
			sql.bindInstant(ps, 4, current.dbNow());
			ps.setString(5, key.value());
			sql.bindInstant(ps, 6, current.expiresAt());
		});
		return (updated == 1)
				? new ClaimResult.Claimed(token, deadline, RecordState.ONGOING.name().equals(current.state())) : null;
	}

	private boolean writeCompletion(JdbcTemplate jdbc, StorageKey key, OwnerToken owner, RecordState state,
			StoredResponse response, Duration retention, boolean keepOwner, Duration awaitingLease) {
		return jdbc.update(dialect().complete(keepOwner, awaitingLease != null), (ps) -> {
			int index = 0;
			ps.setString(++index, state.name());
			ps.setInt(++index, response.status());
			ps.setString(++index, HeaderColumn.encode(response.headers()));
			ps.setBytes(++index, response.body());
			ps.setBoolean(++index, response.bodyRetained());
			ps.setLong(++index, retention.toMillis());
			if (awaitingLease != null) {
				ps.setLong(++index, awaitingLease.toMillis());
			}
			ps.setString(++index, key.value());
			ps.setString(++index, owner.value());
		}) == 1;
	}

	private IdempotencyRecord readRecord(SqlDialect sql, ResultSet rs, StorageKey key) throws SQLException {
		String stateName = rs.getString("state");
		try {
			RecordState state = RecordState.valueOf(stateName);
			RequestFingerprint fingerprint = new RequestFingerprint(rs.getString("fingerprint"));
			Instant expiresAt = sql.readInstant(rs, "expires_at");
			if (state == RecordState.ONGOING) {
				return IdempotencyRecord.ongoing(new OwnerToken(rs.getString("owner_token")), fingerprint, expiresAt);
			}
			int status = rs.getInt("status");
			if (rs.wasNull()) {
				throw new IllegalArgumentException("A finished record has no status");
			}
			boolean bodyRetained = rs.getBoolean("body_retained");
			if (rs.wasNull()) {
				throw new IllegalArgumentException("A finished record has no body_retained");
			}
			byte[] body = rs.getBytes("body");
			StoredResponse response = new StoredResponse(status, HeaderColumn.decode(rs.getString("headers")),
					(body != null) ? body : new byte[0], bodyRetained);
			Instant awaitingResponseUntil = sql.readInstant(rs, "awaiting_response_until");
			return (awaitingResponseUntil != null)
					? IdempotencyRecord.awaitingResponse(state, fingerprint, response, expiresAt, awaitingResponseUntil)
					: IdempotencyRecord.finished(state, fingerprint, response, expiresAt);
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			throw new CorruptRecordException("The idempotency record " + key + " in table " + this.tableName
					+ " cannot be decoded (state " + stateName + "); delete it once inspected", ex);
		}
	}

	/**
	 * Runs statements on a connection of their own, never on the calling thread's transactional one (a
	 * {@code REQUIRES_NEW} in effect, without touching the thread's transaction): on an auto-commit connection each
	 * statement is its own transaction, at no extra round trip; otherwise they commit together at the end.
	 */
	private <T> T inOwnTransaction(Function<JdbcTemplate, T> work) {
		return inOwnTransaction(this.dataSource, work);
	}

	private <T> T inOwnTransaction(DataSource source, Function<JdbcTemplate, T> work) {
		Connection connection;
		try {
			connection = source.getConnection();
		}
		catch (SQLException ex) {
			throw new CannotGetJdbcConnectionException("Failed to obtain a JDBC connection", ex);
		}
		try {
			JdbcTemplate jdbc = new JdbcTemplate(new SingleConnectionDataSource(connection, true));
			jdbc.setExceptionTranslator(this.jdbc.getExceptionTranslator());
			if (connection.getAutoCommit()) {
				return work.apply(jdbc);
			}
			try {
				T result = work.apply(jdbc);
				connection.commit();
				return result;
			}
			catch (RuntimeException | Error ex) {
				rollback(connection);
				throw ex;
			}
		}
		catch (SQLException ex) {
			throw this.jdbc.getExceptionTranslator().translate("commit", null, ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, null);
		}
	}

	private static void rollback(Connection connection) {
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			// the original failure matters more; the pool resets the connection
		}
	}

	private SqlDialect dialect() {
		return this.dialect.obtain();
	}

	private SqlDialect detectDialect() {
		try {
			String product = JdbcUtils.extractDatabaseMetaData(this.dataSource,
					DatabaseMetaData::getDatabaseProductName);
			return SqlDialect.forProductName(product, this.tableName);
		}
		catch (MetaDataAccessException ex) {
			throw new IdempotencyStoreException("Could not recognize the database of the idempotency store", ex);
		}
	}

	private <T> T access(String operation, StorageKey key, Supplier<T> call) {
		try {
			return call.get();
		}
		catch (DataAccessException ex) {
			throw new IdempotencyStoreException("The JPA idempotency store failed to " + operation
					+ ((key != null) ? " " + key : "") + " in table " + this.tableName, ex);
		}
	}

	private static void checkCompletion(OwnerToken owner, RecordState state, StoredResponse response,
			Duration retention) {
		Objects.requireNonNull(owner, "owner");
		Objects.requireNonNull(response, "response");
		if (!state.isFinished()) {
			throw new IllegalArgumentException("A completion finishes the record, not " + state);
		}
		requirePositive(retention, "retention");
	}

	private static void requirePositive(Duration duration, String name) {
		if (duration == null || duration.isZero() || duration.isNegative()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
	}

	private record Row(Instant dbNow, String state, Instant expiresAt, IdempotencyRecord record) {
	}

}
