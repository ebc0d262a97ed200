package io.github.idempotency.spring.jpa;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.StorageKey;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Racing claims on a real PostgreSQL ({@link PostgresTestServer}) whose pool lends connections at REPEATABLE READ
 * or SERIALIZABLE, where an {@code INSERT ... ON CONFLICT DO NOTHING} that meets a row committed after its snapshot
 * fails with a serialization failure instead of doing nothing.
 */
class JpaClaimIsolationPostgresIT extends AbstractJpaClaimIsolationTest {

	// The one-statement claim that meets a row committed after its snapshot returns nothing, and tries again: a claim
	// allowed one attempt has lost every race, which is an answer (the record in force), never a store failure.
	@Test
	void aClaimThatLosesEveryRaceAnswersWithTheRecordInForceNotAFailure() throws Exception {
		ExecutorService claimer = Executors.newSingleThreadExecutor();
		try (HikariDataSource pool = newDataSource(true, null); Connection holder = pool.getConnection()) {
			JpaIdempotencyStore store = new JpaIdempotencyStore(pool, tableName());
			store.setMaxClaimAttempts(1);
			StorageKey key = newKey();
			OwnerToken holderToken = OwnerToken.random();
			holder.setAutoCommit(false);
			try (PreparedStatement insert = holder.prepareStatement("INSERT INTO " + tableName()
					+ " (id, state, owner_token, fingerprint, expires_at, purge_after, created_at) VALUES (?, 'ONGOING', "
					+ "?, ?, clock_timestamp() + INTERVAL '1 minute', clock_timestamp() + INTERVAL '1 minute', "
					+ "clock_timestamp())")) {
				insert.setString(1, key.value());
				insert.setString(2, holderToken.value());
				insert.setString(3, FINGERPRINT.value());
				insert.executeUpdate();
			}
			Future<ClaimResult> claim = claimer.submit(() -> store.claim(key, FINGERPRINT, Instant.now(), LEASE));
			JdbcTemplate observer = new JdbcTemplate(pool);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> observer.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = "
						+ "'Lock' AND query LIKE ?", Integer.class,
						"WITH claimed AS (INSERT INTO " + tableName() + " %"), (waiting) -> waiting == 1);
			holder.commit();

			assertThat(claim.get(30, TimeUnit.SECONDS)).isInstanceOfSatisfying(ClaimResult.Existing.class,
					(existing) -> assertThat(existing.record().owner()).as("owner").isEqualTo(holderToken));
		}
		finally {
			claimer.shutdownNow();
		}
	}

	// The store reads a pool's isolation from its first connection; one that says READ COMMITTED while it runs at
	// SERIALIZABLE (a pool that lends its connections at mixed levels) is not switched: each loser's serialization
	// failure then counts as a lost race, and its next attempt sees the winner.
	@Test
	void onAConnectionThatHidesItsSerializableIsolationALostRaceIsRetriedNotFailed() throws Exception {
		try (HikariDataSource pool = newDataSource(true, "TRANSACTION_SERIALIZABLE")) {
			DataSource hiding = InterceptingProxy.of(DataSource.class, pool, (target, method, args) -> {
				Object result = InterceptingProxy.proceed(target, method, args);
				return (result instanceof Connection connection) ? readCommittedInName(connection) : result;
			});
			assertRacingClaimsHaveExactlyOneWinnerAndNoFailure(new JpaIdempotencyStore(hiding, tableName()));
		}
	}

	private static Connection readCommittedInName(Connection connection) {
		return InterceptingProxy.of(Connection.class, connection,
				(target, method, args) -> method.getName().equals("getTransactionIsolation")
						? Connection.TRANSACTION_READ_COMMITTED : InterceptingProxy.proceed(target, method, args));
	}

	@Override
	protected HikariDataSource newDataSource(int maximumPoolSize, boolean autoCommit, @Nullable String isolation) {
		return PostgresTestServer.get().newDataSource(maximumPoolSize, autoCommit, isolation);
	}

	@Override
	protected String expireSql() {
		return "UPDATE " + tableName() + " SET expires_at = clock_timestamp() - INTERVAL '1 second' WHERE id = ?";
	}

	@Override
	protected Stream<Arguments> pools() {
		return repeatableReadAndSerializable();
	}

}
