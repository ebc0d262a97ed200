package io.github.idempotency.spring.jpa;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cost budget on a real PostgreSQL, counted at the JDBC driver: a first request costs two statements (claim,
 * complete), each its own transaction, and a replay one statement that writes nothing; taking over an expired row
 * that the purge has not deleted yet one statement more.
 */
class JpaStatementCountPostgresIT {

	@RegisterExtension
	static final StoreTestTable TABLE = StoreTestTable.onPostgres("idem_statements_it", 4);

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	private static final Duration LEASE = Duration.ofSeconds(30);

	private final List<String> calls = new CopyOnWriteArrayList<>();

	private JpaIdempotencyStore store;

	@BeforeEach
	void createStore() {
		this.store = new JpaIdempotencyStore(countingDataSource(TABLE.dataSource()), TABLE.name());
		// the first use recognizes the database from its metadata, once per store: not part of any request
		this.store.find(newKey(), Instant.now());
	}

	@Test
	void aFirstRequestCostsTwoStatementsAndAReplayOneThatWritesNothing() {
		StorageKey key = newKey();

		this.calls.clear();
		ClaimResult claim = this.store.claim(key, FINGERPRINT, Instant.now(), LEASE);
		assertThat(claim).isInstanceOf(ClaimResult.Claimed.class);
		boolean completed = this.store.complete(key, ((ClaimResult.Claimed) claim).owner(), RecordState.FINISHED_OK,
				StoredResponse.of(201, Map.of("Content-Type", List.of("application/json")), new byte[128]),
				Instant.now(), Duration.ofHours(1));
		assertThat(completed).isTrue();
		assertThat(this.calls).as("claim and complete, each an auto-committed statement")
			.containsExactly("statement", "statement");

		String rowVersion = rowVersion(key);
		this.calls.clear();
		assertThat(this.store.claim(key, FINGERPRINT, Instant.now(), LEASE)).isInstanceOf(ClaimResult.Existing.class);
		assertThat(this.calls).as("the replay's claim").containsExactly("statement");
		assertThat(rowVersion(key)).as("row version and locker after the replay").isEqualTo(rowVersion);
	}

	@Test
	void aConflictAndAMismatchCostOneStatementEach() {
		StorageKey key = newKey();
		assertThat(this.store.claim(key, FINGERPRINT, Instant.now(), LEASE)).isInstanceOf(ClaimResult.Claimed.class);

		this.calls.clear();
		assertThat(this.store.claim(key, FINGERPRINT, Instant.now(), LEASE)).isInstanceOf(ClaimResult.Existing.class);
		assertThat(this.store.claim(key, RequestFingerprint.of("other"), Instant.now(), LEASE))
			.isInstanceOf(ClaimResult.Existing.class);
		assertThat(this.calls).containsExactly("statement", "statement");
	}

	// The claim inserts first and reads the row only when it meets one, so an expired row that the purge has not
	// deleted yet is taken over by a statement of its own; the old owner is fenced all the same.
	@Test
	void aTakeoverOfAnExpiredRowCostsOneStatementMoreAndFencesTheOldOwner() {
		StorageKey key = newKey();
		ClaimResult first = this.store.claim(key, FINGERPRINT, Instant.now(), LEASE);
		assertThat(first).isInstanceOf(ClaimResult.Claimed.class);
		new JdbcTemplate(TABLE.dataSource()).update(
				"UPDATE " + TABLE.name() + " SET expires_at = clock_timestamp() - INTERVAL '1 second' WHERE id = ?",
				key.value());

		this.calls.clear();
		ClaimResult second = this.store.claim(key, FINGERPRINT, Instant.now(), LEASE);
		assertThat(second).isInstanceOfSatisfying(ClaimResult.Claimed.class,
				(claimed) -> assertThat(claimed.tookOver()).as("took over a lease").isTrue());
		assertThat(this.calls).as("the claim that read the expired row, the takeover")
			.containsExactly("statement", "statement");
		assertThat(this.store.complete(key, ((ClaimResult.Claimed) first).owner(), RecordState.FINISHED_OK,
				StoredResponse.of(201, Map.of(), new byte[16]), Instant.now(), Duration.ofHours(1)))
			.as("the old owner's completion")
			.isFalse();
	}

	// Applications that let Hibernate skip its auto-commit check lend connections in manual-commit mode: a commit after
	// each statement would be one round trip more than the ideal path pays, so the store runs its statements
	// auto-committed on them (the PostgreSQL driver switches without a round trip), and they still commit.
	@Test
	void onAPoolOfManualCommitConnectionsTheStatementsCommitWithoutACommitRoundTrip() {
		try (HikariDataSource manualCommit = PostgresTestServer.get().newDataSource(2, false)) {
			JpaIdempotencyStore manualCommitStore = new JpaIdempotencyStore(countingDataSource(manualCommit),
					TABLE.name());
			JpaIdempotencyStore observer = new JpaIdempotencyStore(TABLE.dataSource(), TABLE.name());
			manualCommitStore.find(newKey(), Instant.now());
			StorageKey key = newKey();

			this.calls.clear();
			ClaimResult claim = manualCommitStore.claim(key, FINGERPRINT, Instant.now(), LEASE);
			assertThat(claim).isInstanceOf(ClaimResult.Claimed.class);
			assertThat(observer.find(key, Instant.now())).as("the claim, seen from another pool")
				.hasValueSatisfying((record) -> assertThat(record.state()).isEqualTo(RecordState.ONGOING));
			assertThat(manualCommitStore.complete(key, ((ClaimResult.Claimed) claim).owner(), RecordState.FINISHED_OK,
					StoredResponse.of(201, Map.of(), new byte[16]), Instant.now(), Duration.ofHours(1)))
				.isTrue();
			assertThat(observer.find(key, Instant.now())).as("the completion, seen from another pool")
				.hasValueSatisfying((record) -> assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK));
			assertThat(this.calls).as("claim and complete on manual-commit connections")
				.containsExactly("statement", "statement");

			this.calls.clear();
			assertThat(manualCommitStore.claim(key, FINGERPRINT, Instant.now(), LEASE))
				.isInstanceOf(ClaimResult.Existing.class);
			assertThat(this.calls).as("the replay's claim").containsExactly("statement");

			try (Connection connection = manualCommit.getConnection()) {
				assertThat(connection.getAutoCommit()).as("the pool's connections, given back").isFalse();
			}
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	// A pool at SERIALIZABLE would fail racing claims (an insert that meets a row committed after its snapshot): the
	// store switches each of its connections to READ COMMITTED for its statement and back, two round trips more.
	@Test
	void onAPoolAtSerializableEachOperationRunsAtReadCommittedAndGivesTheConnectionBack() throws Exception {
		try (HikariDataSource serializable = PostgresTestServer.get().newDataSource(1, false,
				"TRANSACTION_SERIALIZABLE")) {
			JpaIdempotencyStore serializableStore = new JpaIdempotencyStore(countingDataSource(serializable),
					TABLE.name());
			serializableStore.find(newKey(), Instant.now());
			StorageKey key = newKey();

			this.calls.clear();
			assertThat(serializableStore.claim(key, FINGERPRINT, Instant.now(), LEASE))
				.isInstanceOf(ClaimResult.Claimed.class);
			// the connection's own isolation is read, so that it gets back exactly what it was lent at
			assertThat(this.calls).as("the claim on a connection lent at SERIALIZABLE")
				.containsExactly("getTransactionIsolation", "setTransactionIsolation", "statement",
						"setTransactionIsolation");
			try (Connection connection = serializable.getConnection()) {
				assertThat(connection.getTransactionIsolation()).as("the pool's connection, given back")
					.isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
				assertThat(connection.getAutoCommit()).isFalse();
			}
		}
	}

	private static String rowVersion(StorageKey key) {
		return new JdbcTemplate(TABLE.dataSource()).queryForObject(
				"SELECT ctid::text || '/' || xmin::text || '/' || xmax::text FROM " + TABLE.name() + " WHERE id = ?",
				String.class, key.value());
	}

	private static StorageKey newKey() {
		return IdempotencyKey.of("", "POST /payments", UUID.randomUUID().toString()).storageKey();
	}

	/** A pool, recording every statement executed and every commit or rollback sent through it. */
	private DataSource countingDataSource(DataSource pool) {
		return InterceptingProxy.of(DataSource.class, pool, (target, method, args) -> {
			Object result = InterceptingProxy.proceed(target, method, args);
			return (result instanceof Connection connection) ? countingConnection(connection) : result;
		});
	}

	private Connection countingConnection(Connection connection) {
		return InterceptingProxy.of(Connection.class, connection, (target, method, args) -> {
			if (method.getName().equals("commit") || method.getName().equals("rollback")
					|| method.getName().endsWith("TransactionIsolation")) {
				this.calls.add(method.getName());
			}
			Object result = InterceptingProxy.proceed(target, method, args);
			return (result instanceof Statement statement) ? countingStatement(statement, method.getReturnType())
					: result;
		});
	}

	private Object countingStatement(Statement statement, Class<?> type) {
		return InterceptingProxy.of(type, statement, (target, method, args) -> {
			if (method.getName().startsWith("execute")) {
				this.calls.add("statement");
			}
			return InterceptingProxy.proceed(target, method, args);
		});
	}

}
