package io.github.idempotency.spring.jpa;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.ExecutionResult;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.ResultCodec;
import io.github.idempotency.core.execution.StoreFailureStrategy;
import io.github.idempotency.core.testing.Utf8StringCodec;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.Assert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Racing duplicates of one key on a pool that lends its connections at REPEATABLE READ or SERIALIZABLE (as
 * {@code spring.datasource.hikari.transaction-isolation} may, and as MariaDB does by default), in auto-commit and in
 * manual-commit mode, with real threads on a real database. Whatever the pool's isolation, exactly one claim wins,
 * none fails, and an executor that fails open never runs a duplicate: a claim that failed would run it unprotected.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractJpaClaimIsolationTest {

	static final int THREADS = 32;

	static final int ROUNDS = 10;

	static final Duration LEASE = Duration.ofSeconds(30);

	static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{\"a\":1}");

	private static final ResultCodec<String> CODEC = new Utf8StringCodec();

	private final String table = AbstractJpaIdempotencyStoreTest.uniqueTableName("idem_isolation_it");

	private ExecutorService racers;

	private @Nullable HikariDataSource setup;

	/**
	 * A new pool on the test class's database.
	 * @param maximumPoolSize the most connections it opens
	 * @param autoCommit whether it lends connections in auto-commit mode
	 * @param isolation the isolation it lends them at ({@code TRANSACTION_SERIALIZABLE}), or {@code null} for the
	 * server's default
	 * @return the pool, closed by its caller
	 */
	protected abstract HikariDataSource newDataSource(int maximumPoolSize, boolean autoCommit,
			@Nullable String isolation);

	/**
	 * A new pool of {@link #THREADS} connections and a few more on the test class's database.
	 * @param autoCommit whether it lends connections in auto-commit mode
	 * @param isolation the isolation it lends them at ({@code TRANSACTION_SERIALIZABLE}), or {@code null} for the
	 * server's default
	 * @return the pool, closed by the test
	 */
	final HikariDataSource newDataSource(boolean autoCommit, @Nullable String isolation) {
		return newDataSource(THREADS + 4, autoCommit, isolation);
	}

	/**
	 * The test class's own table, created by the shipped script before the tests and dropped after them.
	 * @return the table name
	 */
	final String tableName() {
		return this.table;
	}

	/**
	 * A pool on the same database that lends auto-commit connections, for the test's own statements.
	 * @return the pool
	 */
	final DataSource setupDataSource() {
		Assert.state(this.setup != null, "the table is created before the tests");
		return this.setup;
	}

	/**
	 * An update that makes the record of a key (its one parameter) expire by the database's clock.
	 * @return the statement
	 */
	protected abstract String expireSql();

	/**
	 * The pools to race on: a label, the isolation ({@code null} for the server's default) and the auto-commit mode.
	 * @return the arguments
	 */
	protected abstract Stream<Arguments> pools();

	static Stream<Arguments> repeatableReadAndSerializable() {
		return Stream.of(Arguments.of("REPEATABLE READ", "TRANSACTION_REPEATABLE_READ", true),
				Arguments.of("REPEATABLE READ", "TRANSACTION_REPEATABLE_READ", false),
				Arguments.of("SERIALIZABLE", "TRANSACTION_SERIALIZABLE", true),
				Arguments.of("SERIALIZABLE", "TRANSACTION_SERIALIZABLE", false));
	}

	@BeforeAll
	void createTable() {
		this.setup = newDataSource(2, true, null);
		AbstractJpaIdempotencyStoreTest.createTable(this.setup, this.table);
	}

	@BeforeAll
	void startRacers() {
		this.racers = Executors.newFixedThreadPool(THREADS);
	}

	@AfterAll
	void stopRacers() {
		this.racers.shutdownNow();
	}

	@AfterAll
	void dropTable() {
		if (this.setup != null) {
			PostgresTestServer.execute(this.setup, "DROP TABLE IF EXISTS " + this.table);
			this.setup.close();
		}
	}

	@ParameterizedTest(name = "{0}, auto-commit {2}")
	@MethodSource("pools")
	void racingClaimsHaveExactlyOneWinnerAndNoFailure(String label, @Nullable String isolation, boolean autoCommit)
			throws Exception {
		try (HikariDataSource pool = newDataSource(autoCommit, isolation)) {
			assertRacingClaimsHaveExactlyOneWinnerAndNoFailure(new JpaIdempotencyStore(pool, tableName()));
		}
	}

	/**
	 * Races {@link #THREADS} claims of a key, {@link #ROUNDS} times.
	 * @param store the store to claim in
	 */
	void assertRacingClaimsHaveExactlyOneWinnerAndNoFailure(JpaIdempotencyStore store) throws Exception {
		Tally tally = new Tally();
		for (int round = 0; round < ROUNDS; round++) {
			StorageKey key = newKey();
			tally.add(race(() -> store.claim(key, FINGERPRINT, Instant.now(), LEASE)), false);
		}
		assertThat(tally.summary()).as("first failure: %s", tally.firstFailure).isEqualTo(Tally.expected(ROUNDS));
	}

	@ParameterizedTest(name = "{0}, auto-commit {2}")
	@MethodSource("pools")
	void racingTakeoversOfAnExpiredLeaseHaveExactlyOneWinnerAndNoFailure(String label, @Nullable String isolation,
			boolean autoCommit) throws Exception {
		try (HikariDataSource pool = newDataSource(autoCommit, isolation)) {
			JpaIdempotencyStore store = new JpaIdempotencyStore(pool, tableName());
			Tally tally = new Tally();
			int rounds = ROUNDS / 2;
			for (int round = 0; round < rounds; round++) {
				StorageKey key = newKey();
				assertThat(store.claim(key, FINGERPRINT, Instant.now(), LEASE)).isInstanceOf(ClaimResult.Claimed.class);
				assertThat(new JdbcTemplate(setupDataSource()).update(expireSql(), key.value())).isEqualTo(1);
				tally.add(race(() -> store.claim(key, FINGERPRINT, Instant.now(), LEASE)), true);
			}
			assertThat(tally.summary()).as("first failure: %s", tally.firstFailure).isEqualTo(Tally.expected(rounds));
		}
	}

	@ParameterizedTest(name = "{0}, auto-commit {2}")
	@MethodSource("pools")
	void aFailOpenExecutorNeverRunsADuplicate(String label, @Nullable String isolation, boolean autoCommit)
			throws Exception {
		ExecutionPolicy failOpen = ExecutionPolicy.defaults("isolation").withStoreFailure(StoreFailureStrategy.FAIL_OPEN);
		int executions = 0;
		int unprotected = 0;
		int inProgress = 0;
		List<Object> others = new ArrayList<>();
		try (HikariDataSource pool = newDataSource(autoCommit, isolation);
				IdempotentExecutor executor = IdempotentExecutor.builder(new JpaIdempotencyStore(pool, tableName()))
					.build()) {
			for (int round = 0; round < ROUNDS; round++) {
				IdempotencyKey key = IdempotencyKey.of("isolation", "POST /payments", UUID.randomUUID().toString());
				AtomicInteger running = new AtomicInteger();
				AtomicInteger returned = new AtomicInteger();
				// an execution lasts until every other duplicate returned or runs too, so that all of them meet it
				Callable<String> action = () -> {
					running.incrementAndGet();
					await().atMost(Duration.ofSeconds(60)).until(() -> running.get() + returned.get() >= THREADS);
					return "paid";
				};
				for (Object result : race(() -> {
					try {
						return executor.execute(key, FINGERPRINT, failOpen, CODEC, action);
					}
					finally {
						returned.incrementAndGet();
					}
				})) {
					if (result instanceof ExecutionResult.Executed<?> executed) {
						executions++;
						unprotected += executed.unprotected() ? 1 : 0;
					}
					else if (result instanceof ExecutionResult.InProgress<?>) {
						inProgress++;
					}
					else {
						others.add(result);
					}
				}
			}
		}
		assertThat("executions " + executions + " (unprotected " + unprotected + "), in progress " + inProgress
				+ ", other " + others.size())
			.as("first other: %s", others.isEmpty() ? "none" : others.get(0))
			.isEqualTo("executions " + ROUNDS + " (unprotected 0), in progress " + (ROUNDS * (THREADS - 1))
					+ ", other 0");
	}

	/** Runs the call on {@link #THREADS} threads at once; the results, or what each threw. */
	private <T> List<Object> race(Callable<T> call) throws InterruptedException {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<T>> futures = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			futures.add(this.racers.submit(() -> {
				start.await();
				return call.call();
			}));
		}
		start.countDown();
		List<Object> results = new ArrayList<>();
		for (Future<T> future : futures) {
			try {
				results.add(future.get(120, TimeUnit.SECONDS));
			}
			catch (ExecutionException ex) {
				results.add(ex.getCause());
			}
			catch (java.util.concurrent.TimeoutException ex) {
				results.add(ex);
			}
		}
		return results;
	}

	static StorageKey newKey() {
		return IdempotencyKey.of("isolation", "POST /payments", UUID.randomUUID().toString()).storageKey();
	}

	/** The outcomes of racing claims, over rounds, as one line that names every count. */
	private static final class Tally {

		private int rounds;

		private int roundsWithOneWinner;

		private int claimsWon;

		private int losersSeeingTheWinner;

		private int failures;

		private @Nullable Object firstFailure;

		void add(List<Object> results, boolean takeover) {
			this.rounds++;
			List<ClaimResult.Claimed> winners = new ArrayList<>();
			List<ClaimResult.Existing> losers = new ArrayList<>();
			for (Object result : results) {
				if (result instanceof ClaimResult.Claimed claimed && claimed.tookOver() == takeover) {
					winners.add(claimed);
				}
				else if (result instanceof ClaimResult.Existing existing) {
					losers.add(existing);
				}
				else {
					this.failures++;
					if (this.firstFailure == null) {
						this.firstFailure = result;
					}
				}
			}
			this.claimsWon += winners.size();
			if (winners.size() == 1) {
				this.roundsWithOneWinner++;
				OwnerToken winner = winners.get(0).owner();
				this.losersSeeingTheWinner += (int) losers.stream()
					.filter((loser) -> winner.equals(loser.record().owner()))
					.count();
			}
		}

		String summary() {
			return summary(this.rounds, this.roundsWithOneWinner, this.claimsWon, this.losersSeeingTheWinner,
					this.failures);
		}

		static String expected(int rounds) {
			return summary(rounds, rounds, rounds, rounds * (THREADS - 1), 0);
		}

		private static String summary(int rounds, int roundsWithOneWinner, int claimsWon, int losersSeeingTheWinner,
				int failures) {
			return "rounds with exactly one winner " + roundsWithOneWinner + "/" + rounds + ", claims won " + claimsWon
					+ ", losers seeing the winner " + losersSeeingTheWinner + ", failures " + failures;
		}

	}

}
