package io.github.idempotency.spring.jpa;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.sql.DataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.ExecutionResult;
import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.RequestOutcome;
import io.github.idempotency.core.execution.ResultCodec;
import io.github.idempotency.core.execution.StoreFailureStrategy;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.testing.Utf8StringCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A claim that loses race after race to serialization failures ({@code 40001}) or deadlocks ({@code 40P01}) on a
 * real database, the failures injected into the claim's statements ({@link LostRaceInjector}) so that their number
 * is exact: a claim that still has an attempt left claims the key; one that lost all of the store's 16 attempts
 * answers with the record in force, or else as a key in progress (a 409 for the client), writes nothing, runs
 * nothing even where the application fails open, and is logged.
 */
abstract class AbstractJpaClaimExhaustionTest {

	/** The store's {@code MAX_CLAIM_ATTEMPTS}: the tests use the store as configured, not a lowered limit. */
	static final int MAX_CLAIM_ATTEMPTS = 16;

	static final Duration LEASE = Duration.ofSeconds(30);

	static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{\"amount\":100}");

	private static final ResultCodec<String> CODEC = new Utf8StringCodec();

	private LostRaceInjector injector;

	/** The store under test, on the database with the injected failures. */
	private JpaIdempotencyStore store;

	/** A store on the same database without failures, to set records up and read them back. */
	private JpaIdempotencyStore plain;

	private Predicate<String> claimStatement;

	private Predicate<String> findStatement;

	private final Logger storeLogger = (Logger) LoggerFactory.getLogger(JpaIdempotencyStore.class);

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	/**
	 * The test class's database.
	 * @return a pool on it
	 */
	protected abstract DataSource dataSource();

	/**
	 * The test class's own table, created by the shipped script before the tests.
	 * @return the table name
	 */
	protected abstract String tableName();

	@BeforeEach
	void createStores() {
		this.injector = new LostRaceInjector(dataSource());
		this.store = new JpaIdempotencyStore(this.injector.dataSource(), tableName());
		this.plain = new JpaIdempotencyStore(dataSource(), tableName());
		this.claimStatement = LostRaceInjector.claimStatement(dataSource(), tableName());
		this.findStatement = new RecordTable(dataSource(), tableName()).dialect().find()::equals;
		this.log.start();
		this.storeLogger.addAppender(this.log);
	}

	@AfterEach
	void stopCapture() {
		this.storeLogger.detachAppender(this.log);
	}

	@ParameterizedTest
	@ValueSource(strings = { "40001", "40P01" })
	void claimThatStillHasAnAttemptLeftClaimsTheKey(String sqlState) {
		StorageKey key = newKey();
		this.injector.failNext(MAX_CLAIM_ATTEMPTS - 1, sqlState, this.claimStatement);

		ClaimResult result = this.store.claim(key, FINGERPRINT, Instant.now(), LEASE);

		assertThat(result).isInstanceOf(ClaimResult.Claimed.class);
		assertThat(this.injector.injected).hasValue(MAX_CLAIM_ATTEMPTS - 1);
		assertThat(this.injector.executed).as("attempts").hasValue(MAX_CLAIM_ATTEMPTS);
		assertThat(this.plain.find(key, Instant.now())).hasValueSatisfying((record) -> {
			assertThat(record.state()).isEqualTo(RecordState.ONGOING);
			assertThat(record.owner()).isEqualTo(((ClaimResult.Claimed) result).owner());
		});
		assertThat(rows(key)).isOne();
		assertThat(warnings()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "40001", "40P01" })
	void claimThatLosesEveryAttemptAnswersInProgressWritesNothingAndIsLogged(String sqlState) {
		StorageKey key = newKey();
		this.injector.failNext(MAX_CLAIM_ATTEMPTS, sqlState, this.claimStatement);

		ClaimResult result = this.store.claim(key, FINGERPRINT, Instant.now(), LEASE);

		assertThat(result).isInstanceOfSatisfying(ClaimResult.Existing.class, (existing) -> {
			IdempotencyRecord record = existing.record();
			assertThat(record.state()).isEqualTo(RecordState.ONGOING);
			assertThat(record.fingerprint()).as("the request's own: in progress, not a mismatch").isEqualTo(FINGERPRINT);
			assertThat(record.isInProgressAt(Instant.now())).isTrue();
		});
		assertThat(this.injector.executed).as("attempts").hasValue(MAX_CLAIM_ATTEMPTS);
		assertThat(rows(key)).as("rows of the key").isZero();
		assertThat(warnings()).singleElement()
			.satisfies((message) -> assertThat(message).contains(key.toString())
				.contains("lost " + MAX_CLAIM_ATTEMPTS + " races in a row")
				.contains("last serialization failure or deadlock seen: SQLState " + sqlState)
				.contains("as a key in progress")
				.contains("1 claim ran out of attempts since the last such warning"));
		// the key was left free: the next claim takes it
		assertThat(this.store.claim(key, FINGERPRINT, Instant.now(), LEASE)).isInstanceOf(ClaimResult.Claimed.class);
	}

	@Test
	void exhaustedClaimOfAFinishedKeyAnswersWithItsRecordUnchanged() {
		StorageKey key = newKey();
		ClaimResult.Claimed first = (ClaimResult.Claimed) this.plain.claim(key, FINGERPRINT, Instant.now(), LEASE);
		StoredResponse receipt = StoredResponse.of(201, Map.of(), "receipt".getBytes(StandardCharsets.UTF_8));
		assertThat(this.plain.complete(key, first.owner(), RecordState.FINISHED_OK, receipt, Instant.now(),
				Duration.ofHours(1))).isTrue();
		IdempotencyRecord before = this.plain.find(key, Instant.now()).orElseThrow();
		this.injector.failNext(MAX_CLAIM_ATTEMPTS, "40001", this.claimStatement);

		ClaimResult result = this.store.claim(key, FINGERPRINT, Instant.now(), LEASE);

		assertThat(result).isInstanceOfSatisfying(ClaimResult.Existing.class,
				(existing) -> assertThat(existing.record()).usingRecursiveComparison().isEqualTo(before));
		assertThat(this.plain.find(key, Instant.now())).hasValueSatisfying(
				(after) -> assertThat(after).usingRecursiveComparison().isEqualTo(before));
		assertThat(warnings()).singleElement()
			.satisfies((message) -> assertThat(message).contains("with the record in force"));
	}

	@Test
	void exhaustedClaimWhoseReadOfTheRecordAlsoLosesAnswersInProgress() {
		StorageKey key = newKey();
		ClaimResult.Claimed holder = (ClaimResult.Claimed) this.plain.claim(key, FINGERPRINT, Instant.now(), LEASE);
		this.injector.failNext(MAX_CLAIM_ATTEMPTS + 1, "40P01", this.claimStatement.or(this.findStatement));

		ClaimResult result = this.store.claim(key, FINGERPRINT, Instant.now(), LEASE);

		assertThat(result).isInstanceOfSatisfying(ClaimResult.Existing.class, (existing) -> {
			assertThat(existing.record().state()).isEqualTo(RecordState.ONGOING);
			assertThat(existing.record().owner()).as("no real owner").isNotEqualTo(holder.owner());
		});
		assertThat(this.injector.injected).hasValue(MAX_CLAIM_ATTEMPTS + 1);
		assertThat(this.plain.find(key, Instant.now())).hasValueSatisfying(
				(record) -> assertThat(record.owner()).as("the holder keeps the key").isEqualTo(holder.owner()));
		assertThat(warnings()).singleElement()
			.satisfies((message) -> assertThat(message).contains("seen: SQLState 40P01").contains("as a key in progress"));
	}

	@Test
	void claimsExhaustedWithinAMinuteOfTheFirstAreCountedNotLoggedEach() {
		StorageKey first = newKey();
		StorageKey second = newKey();

		for (StorageKey key : List.of(first, second)) {
			this.injector.failNext(MAX_CLAIM_ATTEMPTS, "40001", this.claimStatement);
			assertThat(this.store.claim(key, FINGERPRINT, Instant.now(), LEASE))
				.isInstanceOf(ClaimResult.Existing.class);
		}

		assertThat(warnings()).as("one warning for both").singleElement()
			.satisfies((message) -> assertThat(message).contains(first.toString()).doesNotContain(second.toString()));
	}

	@Test
	void claimExhaustedWhileWarningsAreOffIsNeitherDescribedNorCounted() {
		StorageKey unlogged = newKey();
		StorageKey logged = newKey();
		this.storeLogger.setLevel(Level.ERROR);
		try {
			this.injector.failNext(MAX_CLAIM_ATTEMPTS, "40001", this.claimStatement);
			assertThat(this.store.claim(unlogged, FINGERPRINT, Instant.now(), LEASE))
				.isInstanceOf(ClaimResult.Existing.class);
		}
		finally {
			this.storeLogger.setLevel(null);
		}

		this.injector.failNext(MAX_CLAIM_ATTEMPTS, "40001", this.claimStatement);
		assertThat(this.store.claim(logged, FINGERPRINT, Instant.now(), LEASE)).isInstanceOf(ClaimResult.Existing.class);

		assertThat(warnings()).singleElement()
			.satisfies((message) -> assertThat(message).contains(logged.toString())
				.contains("1 claim ran out of attempts since the last such warning"));
	}

	@Test
	void failureThatIsNotALostRaceFailsTheClaimAtOnce() {
		StorageKey key = newKey();
		// connection failure: the store cannot tell what happened, which is a store failure, not a contended key
		this.injector.failNext(1, "08006", this.claimStatement);

		assertThatExceptionOfType(IdempotencyStoreException.class)
			.isThrownBy(() -> this.store.claim(key, FINGERPRINT, Instant.now(), LEASE));
		assertThat(this.injector.executed).as("attempts").hasValue(1);
		assertThat(warnings()).isEmpty();
	}

	@Test
	void executorAnswersAnExhaustedClaimInProgressAndRunsNothingEvenFailingOpen() throws Exception {
		List<RequestOutcome> outcomes = new CopyOnWriteArrayList<>();
		IdempotencyListener listener = new IdempotencyListener() {

			@Override
			public void onOutcome(String endpoint, RequestOutcome outcome) {
				outcomes.add(outcome);
			}

		};
		AtomicInteger runs = new AtomicInteger();
		// failing open, a store failure would run the payment unprotected: a contended key must not count as one
		ExecutionPolicy policy = ExecutionPolicy.defaults("payments").withStoreFailure(StoreFailureStrategy.FAIL_OPEN);
		IdempotencyKey key = IdempotencyKey.of("", "payments", UUID.randomUUID().toString());
		try (IdempotentExecutor executor = IdempotentExecutor.builder(this.store).listener(listener).build()) {
			this.injector.failNext(MAX_CLAIM_ATTEMPTS, "40001", this.claimStatement);

			ExecutionResult<String> refused = executor.execute(key, FINGERPRINT, policy, CODEC,
					() -> "paid " + runs.incrementAndGet());

			assertThat(refused).isInstanceOf(ExecutionResult.InProgress.class);
			assertThat(runs).hasValue(0);
			assertThat(outcomes).containsExactly(RequestOutcome.CONFLICT);
			assertThat(rows(key.storageKey())).isZero();

			// the client's retry once the contention is over runs it once, and the next one replays it
			assertThat(executor.execute(key, FINGERPRINT, policy, CODEC, () -> "paid " + runs.incrementAndGet()))
				.isEqualTo(new ExecutionResult.Executed<>("paid 1", false));
			assertThat(executor.execute(key, FINGERPRINT, policy, CODEC, () -> "paid " + runs.incrementAndGet()))
				.isEqualTo(new ExecutionResult.Replayed<>("paid 1"));
			assertThat(runs).hasValue(1);
		}
	}

	private List<String> warnings() {
		return this.log.list.stream()
			.filter((event) -> event.getLevel().isGreaterOrEqual(Level.WARN))
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

	private int rows(StorageKey key) {
		return new JdbcTemplate(dataSource()).queryForObject("SELECT count(*) FROM " + tableName() + " WHERE id = ?",
				Integer.class, key.value());
	}

	private static StorageKey newKey() {
		return IdempotencyKey.of("", "payments", UUID.randomUUID().toString()).storageKey();
	}

}
