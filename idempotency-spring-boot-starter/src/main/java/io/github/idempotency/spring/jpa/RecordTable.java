package io.github.idempotency.spring.jpa;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStoreException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.util.function.SingletonSupplier;

/**
 * The statements of the JPA store on its record table, in the dialect of its database (recognized on first use),
 * and the reading of a row into a record. Each method runs on the {@code JdbcTemplate} it is given, so the store
 * decides which connection and transaction a statement runs in.
 */
final class RecordTable {

	// the last instant every database's column holds (MySQL's and MariaDB's DATETIME end with year 9999): a longer
	// lease means "until released", and a deadline past it would not fail where the claim's insert ignores errors
	// (MariaDB's INSERT IGNORE stores a zero date instead, a record already expired)
	private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

	/**
	 * How soon after its claim a completion leaves the row's {@code purge_after} as the claim set it, and so how long
	 * after its expiry a finished row may stay in the table: most requests finish well within it, and it is short
	 * next to any retention.
	 */
	static final Duration COMPLETION_SLACK = Duration.ofSeconds(1);

	private final String tableName;

	private final SingletonSupplier<SqlDialect> dialect;

	RecordTable(DataSource dataSource, String tableName) {
		this.tableName = tableName;
		this.dialect = SingletonSupplier.of(() -> detectDialect(dataSource, tableName));
	}

	/**
	 * The database's dialect, recognized on first use.
	 * @return the dialect
	 * @throws IdempotencyStoreException when the database cannot be recognized
	 */
	SqlDialect dialect() {
		return this.dialect.obtain();
	}

	/**
	 * One attempt to claim a key: one statement where the database allows it (and a second one to take over an
	 * expired row), else a read followed by an insert or a takeover of the expired row version.
	 * <p>
	 * A claimed row's {@code purge_after}, which the purge's index holds, is the end of the retention the row will be
	 * kept for if it finishes within {@link #COMPLETION_SLACK} (or the lease, if shorter): the completion, which sets
	 * {@code expires_at} to the end of the retention, then leaves it as it is, and changes no indexed column (on
	 * PostgreSQL a HOT update: no index entry written, less WAL). A row that finishes later moves it to its expiry. The
	 * price is a finished row that stays in the table up to that slack after its expiry, and the row of a crashed
	 * execution up to its retention: the purge deletes them later, but they count as absent from their
	 * {@code expires_at} on.
	 * @param retention the retention a completion will keep the row for ({@link Duration#ZERO} when unknown: the
	 * completion then moves {@code purge_after} to the retention's end)
	 * @return the claim or the record in force, or {@code null} when a concurrent write won a race and the attempt
	 * must be repeated in a new transaction
	 */
	@Nullable ClaimResult claim(JdbcTemplate jdbc, StorageKey key, RequestFingerprint fingerprint, OwnerToken token,
			Duration lease, Duration retention) {
		SqlDialect sql = dialect();
		Duration untilPurge = retention.plus((lease.compareTo(COMPLETION_SLACK) < 0) ? lease : COMPLETION_SLACK);
		return sql.claimsInOneStatement()
				? claimInOneStatement(jdbc, sql, key, fingerprint, token, lease, untilPurge)
				: claimStepwise(jdbc, sql, key, fingerprint, token, lease, untilPurge);
	}

	/**
	 * Finishes a record held by the owner whose lease is alive.
	 * @param keepOwner whether the finished row keeps the owner token
	 * @param awaitingLease how long the record awaits its final response, or {@code null} when this one is final
	 * @return {@code true} when written, {@code false} when fenced
	 */
	boolean complete(JdbcTemplate jdbc, StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
			Duration retention, boolean keepOwner, @Nullable Duration awaitingLease) {
		return jdbc.update(dialect().complete(keepOwner, awaitingLease != null), (ps) -> {
			int index = 0;
			ps.setString(++index, state.name());
			ps.setInt(++index, response.status());
			ps.setString(++index, HeaderColumn.encode(response.headers()));
			ps.setBytes(++index, response.body());
			ps.setBoolean(++index, response.bodyRetained());
			ps.setLong(++index, retention.toMillis());
			ps.setLong(++index, retention.toMillis());
			if (awaitingLease != null) {
				ps.setLong(++index, awaitingLease.toMillis());
			}
			ps.setString(++index, key.value());
			ps.setString(++index, owner.value());
		}) == 1;
	}

	boolean release(JdbcTemplate jdbc, StorageKey key, OwnerToken owner) {
		return jdbc.update(dialect().release(), key.value(), owner.value()) == 1;
	}

	boolean renew(JdbcTemplate jdbc, StorageKey key, OwnerToken owner, Duration lease) {
		return jdbc.update(dialect().renew(), lease.toMillis(), lease.toMillis(), key.value(), owner.value()) == 1;
	}

	Optional<IdempotencyRecord> find(JdbcTemplate jdbc, StorageKey key) {
		SqlDialect sql = dialect();
		List<IdempotencyRecord> records = jdbc.query(sql.find(), (rs, row) -> readRecord(sql, rs, key), key.value());
		return records.stream().findFirst();
	}

	/**
	 * Deletes the record an operator read, if it is still the one in force: an ongoing record by the statement
	 * that releases it, a finished one by its state and its {@code expires_at} as read.
	 */
	boolean deleteIfUnchanged(JdbcTemplate jdbc, StorageKey key, IdempotencyRecord seen) {
		SqlDialect sql = dialect();
		if (seen.state() == RecordState.ONGOING) {
			return jdbc.update(sql.release(), key.value(), seen.owner().value()) > 0;
		}
		return jdbc.update(sql.deleteFinishedIfUnchanged(), (ps) -> {
			ps.setString(1, key.value());
			ps.setString(2, seen.state().name());
			sql.bindInstant(ps, 3, seen.expiresAt());
		}) > 0;
	}

	boolean delete(JdbcTemplate jdbc, StorageKey key) {
		return jdbc.update(dialect().delete(), key.value()) > 0;
	}

	/** Deletes at most one batch of expired rows; returns how many it deleted. */
	int purgeBatch(JdbcTemplate jdbc, int batchSize) {
		return jdbc.update(dialect().purge(), batchSize);
	}

	private @Nullable ClaimResult claimInOneStatement(JdbcTemplate jdbc, SqlDialect sql, StorageKey key,
			RequestFingerprint fingerprint, OwnerToken token, Duration lease, Duration untilPurge) {
		List<Object> results = jdbc.query(sql.claimInOneStatement(), (ps) -> {
			ps.setString(1, key.value());
			ps.setString(2, token.value());
			ps.setString(3, fingerprint.value());
			ps.setLong(4, lease.toMillis());
			ps.setLong(5, untilPurge.toMillis());
			ps.setString(6, key.value());
		}, (rs, row) -> {
			Instant expiresAt = sql.readInstant(rs, "expires_at");
			if (rs.getBoolean("claimed")) {
				return new ClaimResult.Claimed(token, expiresAt, false);
			}
			if (rs.getBoolean("in_force")) {
				// read as live by the statement's snapshot; a deadline passing since then makes no difference
				return new ClaimResult.Existing(readRecord(sql, rs, key));
			}
			return new ExpiredRow(rs.getString("state"), expiresAt);
		});
		if (results.isEmpty()) {
			return null;
		}
		if (results.get(0) instanceof ClaimResult result) {
			return result;
		}
		ExpiredRow expired = (ExpiredRow) results.get(0);
		List<Instant> taken = jdbc.query(sql.takeOverExpired(), (ps) -> {
			ps.setString(1, token.value());
			ps.setString(2, fingerprint.value());
			ps.setLong(3, lease.toMillis());
			ps.setLong(4, untilPurge.toMillis());
			ps.setString(5, key.value());
			sql.bindInstant(ps, 6, expired.expiresAt());
		}, (rs, row) -> sql.readInstant(rs, "expires_at"));
		return taken.isEmpty() ? null
				: new ClaimResult.Claimed(token, taken.get(0), RecordState.ONGOING.name().equals(expired.state()));
	}

	private @Nullable ClaimResult claimStepwise(JdbcTemplate jdbc, SqlDialect sql, StorageKey key,
			RequestFingerprint fingerprint, OwnerToken token, Duration lease, Duration untilPurge) {
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
		Instant deadline = latest(current.dbNow().plus(lease));
		Instant purgeAfter = latest(current.dbNow().plus(untilPurge));
		if (current.state() == null) {
			try {
				int inserted = jdbc.update(sql.insert(), (ps) -> {
					ps.setString(1, key.value());
					ps.setString(2, token.value());
					ps.setString(3, fingerprint.value());
					sql.bindInstant(ps, 4, deadline);
					sql.bindInstant(ps, 5, purgeAfter);
					sql.bindInstant(ps, 6, current.dbNow());
				});
				// nothing inserted: a dialect that ignores the duplicate key lost the race as one that fails on it
				return (inserted == 1) ? new ClaimResult.Claimed(token, deadline, false) : null;
			}
			catch (DuplicateKeyException ex) {
				return null;
			}
		}
		int updated = jdbc.update(sql.takeOver(), (ps) -> {
			ps.setString(1, token.value());
			ps.setString(2, fingerprint.value());
			sql.bindInstant(ps, 3, deadline);
			sql.bindInstant(ps, 4, purgeAfter);
			sql.bindInstant(ps, 5, current.dbNow());
			ps.setString(6, key.value());
			sql.bindInstant(ps, 7, current.expiresAt());
		});
		return (updated == 1)
				? new ClaimResult.Claimed(token, deadline, RecordState.ONGOING.name().equals(current.state())) : null;
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

	private static SqlDialect detectDialect(DataSource dataSource, String tableName) {
		try {
			String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
			return SqlDialect.forProductName(product, tableName);
		}
		catch (MetaDataAccessException ex) {
			throw new IdempotencyStoreException("Could not recognize the database of the idempotency store", ex);
		}
	}

	private record Row(Instant dbNow, @Nullable String state, Instant expiresAt, @Nullable IdempotencyRecord record) {
	}

	// an expired row as the one-statement claim read it, for the takeover that compares on its expiry
	private record ExpiredRow(@Nullable String state, Instant expiresAt) {
	}

	private static Instant latest(Instant deadline) {
		return deadline.isAfter(LATEST) ? LATEST : deadline;
	}

}
