package io.github.idempotency.spring.jpa;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
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
import io.github.idempotency.core.logging.RateLimitedWarning;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.IdempotencyStoreException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

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
 * own (a statement on an auto-commit connection), never on the calling thread's transaction; a write that depends on
 * a read (a takeover) is a compare-and-set on the version it read, so a concurrent change makes it match nothing:
 * <ul>
 * <li>claim inserts on the primary key; a key whose record expired is taken over by a conditional update that
 * writes a new owner token; a lost race reads the record in force. On PostgreSQL this is one statement
 * ({@code INSERT ... ON CONFLICT DO NOTHING}, followed in the same statement by a read of the row it met), so a
 * first request costs two statements (claim, complete) and a replay one statement that writes nothing; taking over
 * an expired row that the purge has not deleted yet costs one statement more.</li>
 * <li>complete, release and renew are updates (or a delete) conditioned on the owner token and a live lease: zero
 * rows means fenced.</li>
 * </ul>
 * <p>
 * <strong>Isolation:</strong> these transactions run at READ COMMITTED whatever isolation the pool lends its
 * connections at ({@code spring.datasource.hikari.transaction-isolation}): on PostgreSQL and H2 a pool at REPEATABLE
 * READ or SERIALIZABLE, on MySQL and MariaDB one at SERIALIZABLE, has each connection switched for the store's work
 * and back (up to three round trips more per operation); MySQL's and MariaDB's default REPEATABLE READ is kept, at
 * no cost. A claim that still meets a serialization failure or a deadlock counts it as a lost race and tries again; one
 * that loses every race (16 in a row, a key contended by as many concurrent writes) answers with the record in force,
 * or else as if the key were in progress, never with a failure that an application failing open would answer by running
 * the request unprotected. A completion written in the application's transaction ({@link TransactionalCompletion}) runs
 * at that transaction's isolation: on PostgreSQL at REPEATABLE READ or above it fails (and rolls the transaction back)
 * when a renewal or a takeover changed the record after the transaction's snapshot.
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

	private static final Log logger = LogFactory.getLog(JpaIdempotencyStore.class);

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	// a claim that keeps losing races to takeovers, releases and purges of the same key gives up eventually
	private static final int MAX_CLAIM_ATTEMPTS = 16;

	private int maxClaimAttempts = MAX_CLAIM_ATTEMPTS;

	private final DataSource dataSource;

	private final String tableName;

	private final JdbcTemplate jdbc;

	private final RecordTable table;

	private final OwnConnectionTransactions transactions;

	/** Claims that ran out of attempts: a hot key may exhaust many, and a warning each would flood the log. */
	private final RateLimitedWarning exhaustedClaims = new RateLimitedWarning(logger::warn);

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
		this.table = new RecordTable(dataSource, this.tableName);
		this.transactions = new OwnConnectionTransactions(this.jdbc);
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
		return claim(key, fingerprint, now, lease, Duration.ZERO);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Here the row is purged after the end of that retention, so that its completion changes no indexed column. This
	 * is the variant the executor calls: a subclass that watches claims overrides it as well as
	 * {@link #claim(StorageKey, RequestFingerprint, Instant, Duration)}.
	 */
	@Override
	public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, long nowEpochMillis, Duration lease,
			Duration retention) {
		return claim(key, fingerprint, Instant.ofEpochMilli(nowEpochMillis), lease, retention);
	}

	private ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease,
			Duration retention) {
		requirePositive(lease, "lease");
		if (retention.isNegative()) {
			throw new IllegalArgumentException("retention must not be negative, was " + retention);
		}
		OwnerToken token = OwnerToken.randomWritten();
		return access("claim", key, () -> {
			DataAccessException lastFailure = null;
			for (int attempt = 0; attempt < this.maxClaimAttempts; attempt++) {
				// each attempt in a transaction of its own, so that the next one sees what the winner committed
				ClaimResult result;
				try {
					result = inOwnTransaction((jdbc) -> this.table.claim(jdbc, key, fingerprint, token, lease,
							retention));
				}
				catch (DataAccessException ex) {
					rethrowUnlessLostRace(ex);
					lastFailure = ex;
					continue;
				}
				if (result != null) {
					return result;
				}
			}
			return contended(key, fingerprint, now, lease, lastFailure);
		});
	}

	/**
	 * The answer of a claim whose every attempt lost a race: the key's record kept changing under concurrent claims,
	 * takeovers and releases, so another request holds it or is about to. That is an answer, not a failure of the
	 * store (which would run the request unprotected where the application fails open): the record in force if one
	 * can be read now, else an ongoing record of no owner that the caller treats as in progress (a duplicate gets a
	 * 409 and retries). Logged as a warning, at most once a minute ({@link RateLimitedWarning}): so many lost races in
	 * a row mean a key contended far beyond the usual duplicates, or a pool whose connections run at an isolation the
	 * store does not see (serialization failures).
	 */
	private ClaimResult contended(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease,
			@Nullable DataAccessException lastFailure) {
		Optional<IdempotencyRecord> inForce;
		try {
			inForce = inOwnTransaction((jdbc) -> this.table.find(jdbc, key));
		}
		catch (DataAccessException ex) {
			rethrowUnlessLostRace(ex);
			lastFailure = ex;
			inForce = Optional.empty();
		}
		DataAccessException lastSeen = lastFailure;
		boolean found = inForce.isPresent();
		// the last failure seen may be the read's, or an earlier attempt's when the later ones lost a compare-and-set
		if (logger.isWarnEnabled()) {
			this.exhaustedClaims.warn(System.nanoTime(), (count) -> "The claim of " + key + " in table "
					+ this.tableName + " lost " + this.maxClaimAttempts + " races in a row to concurrent writes"
					+ ((lastSeen != null) ? " (last serialization failure or deadlock seen: " + lostRace(lastSeen) + ")"
							: "")
					+ "; answered " + (found ? "with the record in force" : "as a key in progress") + " (" + count
					+ ((count == 1) ? " claim" : " claims") + " ran out of attempts since the last such warning; "
					+ "logged at most once a minute)");
		}
		return new ClaimResult.Existing(inForce
			.orElseGet(() -> IdempotencyRecord.ongoing(OwnerToken.random(), fingerprint, now.plus(lease))));
	}

	/** The SQL state and message of the database's own failure, which a translated exception wraps. */
	private static String lostRace(DataAccessException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sqlException) {
				return "SQLState " + sqlException.getSQLState() + ", " + sqlException.getMessage();
			}
		}
		return ex.getMessage();
	}

	// A serialization failure or a deadlock lost a race, as a compare-and-set that matches nothing does: the next
	// attempt, in a new transaction, sees the winner. Only a pool whose connections are not at READ COMMITTED (or a
	// connection that came at another isolation than the pool's first) gets them.
	private void rethrowUnlessLostRace(DataAccessException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sqlException && this.table.dialect().isLostRace(sqlException)) {
				return;
			}
		}
		throw ex;
	}

	/**
	 * How many transactions a claim tries before it answers that the key is contended; for tests.
	 * @param maxClaimAttempts at least 1
	 */
	void setMaxClaimAttempts(int maxClaimAttempts) {
		if (maxClaimAttempts < 1) {
			throw new IllegalArgumentException("maxClaimAttempts must be at least 1, was " + maxClaimAttempts);
		}
		this.maxClaimAttempts = maxClaimAttempts;
	}

	@Override
	public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response, Instant now,
			Duration retention) {
		checkCompletion(owner, state, response, retention);
		return access("complete", key, () -> inOwnTransaction(
				(jdbc) -> this.table.complete(jdbc, key, owner, state, response, retention, false, null)));
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
				() -> this.table.complete(this.jdbc, key, owner, state, response, retention, true, awaiting));
	}

	@Override
	public boolean release(StorageKey key, OwnerToken owner, Instant now) {
		Objects.requireNonNull(owner, "owner");
		return access("release", key, () -> inOwnTransaction((jdbc) -> this.table.release(jdbc, key, owner)));
	}

	@Override
	public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
		Objects.requireNonNull(owner, "owner");
		requirePositive(lease, "lease");
		return access("renew", key, () -> this.transactions.run(this.renewalDataSource, this.table.dialect(),
				(jdbc) -> this.table.renew(jdbc, key, owner, lease)));
	}

	@Override
	public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
		return access("find", key, () -> inOwnTransaction((jdbc) -> this.table.find(jdbc, key)));
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
		return access("delete", key, () -> inOwnTransaction((jdbc) -> this.table.deleteIfUnchanged(jdbc, key, seen)));
	}

	@Override
	public boolean delete(StorageKey key) {
		return access("delete", key, () -> inOwnTransaction((jdbc) -> this.table.delete(jdbc, key)));
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
				deleted = inOwnTransaction((jdbc) -> this.table.purgeBatch(jdbc, batchSize));
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

	/**
	 * Runs statements on a connection of their own from the store's database ({@link OwnConnectionTransactions}).
	 * The database is recognized first, before a connection is taken, so that recognizing it never needs a second one.
	 */
	private <T> T inOwnTransaction(Function<JdbcTemplate, T> work) {
		return this.transactions.run(this.dataSource, this.table.dialect(), work);
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

}
