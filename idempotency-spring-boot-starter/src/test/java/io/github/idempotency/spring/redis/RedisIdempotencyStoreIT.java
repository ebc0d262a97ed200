package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

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
import io.github.idempotency.core.execution.StoreOperation;
import io.github.idempotency.core.execution.StoreFailureStrategy;
import io.github.idempotency.core.execution.StoreOperationResult;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.testing.Utf8StringCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisConnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What the Redis store adds to the store contract, on a real server: keys, expiries, Redis's clock, corrupt values.
 */
class RedisIdempotencyStoreIT {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofHours(24);

	private static final String PREFIX = RedisTestServer.uniquePrefix(RedisIdempotencyStoreIT.class);

	@RegisterExtension
	static final RedisTestStore REDIS = new RedisTestStore(PREFIX);

	@Test
	void storesRecordsUnderThePrefixAndAHashTagOfTheStorageKeyOnly() {
		IdempotencyKey key = IdempotencyKey.of("alice", "POST /payments", "order-4711");
		REDIS.store().claim(key.storageKey(), FINGERPRINT, Instant.now(), LEASE);

		String redisKey = new String(REDIS.store().redisKey(key.storageKey()), StandardCharsets.UTF_8);
		assertThat(redisKey).startsWith(PREFIX + "{").endsWith("}").hasSize(PREFIX.length() + 42);
		try (RedisConnection connection = REDIS.connectionFactory().getConnection()) {
			byte[] value = connection.stringCommands().get(redisKey.getBytes(StandardCharsets.UTF_8));
			assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain("alice", "order-4711");
		}
	}

	@Test
	void everyWriteCarriesAnExpiry() {
		StorageKey key = randomKey();
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) REDIS.store().claim(key, FINGERPRINT, Instant.now(), LEASE);
		assertThat(pttl(key)).isPositive().isLessThanOrEqualTo(2 * LEASE.toMillis());

		REDIS.store().renew(key, claimed.owner(), Instant.now(), LEASE);
		assertThat(pttl(key)).isPositive().isLessThanOrEqualTo(2 * LEASE.toMillis());

		REDIS.store().complete(key, claimed.owner(), RecordState.FINISHED_OK, response(), Instant.now(), RETENTION);
		assertThat(pttl(key)).isGreaterThan(RETENTION.toMillis() - 60_000).isLessThanOrEqualTo(RETENTION.toMillis());
	}

	@Test
	void decidesDeadlinesByRedissClockNotTheCallers() {
		StorageKey key = randomKey();
		Instant callerNow = Instant.parse("2001-01-01T00:00:00Z");

		ClaimResult.Claimed claimed = (ClaimResult.Claimed) REDIS.store().claim(key, FINGERPRINT, callerNow, LEASE);

		long serverNow = serverTimeMillis();
		assertThat(claimed.leaseDeadline().toEpochMilli()).isBetween(serverNow + LEASE.toMillis() - 5_000,
				serverNow + LEASE.toMillis());
		assertThat(REDIS.store().complete(key, claimed.owner(), RecordState.FINISHED_OK, response(),
				Instant.parse("2100-01-01T00:00:00Z"), RETENTION)).isTrue();
		assertThat(REDIS.store().find(key, Instant.parse("2100-01-01T00:00:00Z"))).isPresent();
	}

	@Test
	void aClaimOnAFinishedRecordReturnsTheWholeRecordForReplay() {
		StorageKey key = randomKey();
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) REDIS.store().claim(key, FINGERPRINT, Instant.now(), LEASE);
		StoredResponse response = StoredResponse.of(201, Map.of("Location", List.of("/payments/1"),
				"Content-Type", List.of("application/json")), "{\"id\":1}".getBytes(StandardCharsets.UTF_8));
		REDIS.store().complete(key, claimed.owner(), RecordState.FINISHED_OK, response, Instant.now(), RETENTION);

		ClaimResult replay = REDIS.store().claim(key, RequestFingerprint.of("other"), Instant.now(), LEASE);

		assertThat(replay).isInstanceOfSatisfying(ClaimResult.Existing.class, (existing) -> {
			IdempotencyRecord record = existing.record();
			assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
			assertThat(record.fingerprint()).isEqualTo(FINGERPRINT);
			assertThat(record.response()).isEqualTo(response);
		});
	}

	@Test
	void aLeaseThatRanOutIsTakenOverAndFencesItsOwner() {
		StorageKey key = randomKey();
		ClaimResult.Claimed first = (ClaimResult.Claimed) REDIS.store().claim(key, FINGERPRINT, Instant.now(),
				Duration.ofMillis(200));
		// Without its Redis expiry the ongoing record outlives its lease however slow this thread is: the claim below
		// then always meets a lease that ran out, never a key Redis has already dropped.
		try (RedisConnection connection = REDIS.connectionFactory().getConnection()) {
			assertThat(connection.keyCommands().persist(REDIS.store().redisKey(key))).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> REDIS.store().find(key, Instant.now()).isEmpty());

		ClaimResult second = REDIS.store().claim(key, FINGERPRINT, Instant.now(), LEASE);

		assertThat(second).isInstanceOfSatisfying(ClaimResult.Claimed.class, (claimed) -> {
			assertThat(claimed.tookOver()).isTrue();
			assertThat(claimed.owner()).isNotEqualTo(first.owner());
		});
		assertThat(REDIS.store()
			.complete(key, first.owner(), RecordState.FINISHED_OK, response(), Instant.now(), RETENTION)).isFalse();
		assertThat(REDIS.store().release(key, first.owner(), Instant.now())).isFalse();
		assertThat(REDIS.store().renew(key, first.owner(), Instant.now(), LEASE)).isFalse();
		assertThat(REDIS.store().find(key, Instant.now()).map(IdempotencyRecord::owner))
			.contains(((ClaimResult.Claimed) second).owner());
	}

	@Test
	void aCorruptRecordIsNeitherAbsentNorOverwritten() {
		StorageKey key = randomKey();
		byte[] redisKey = REDIS.store().redisKey(key);
		byte[] garbage = "not a record".getBytes(StandardCharsets.UTF_8);
		try (RedisConnection connection = REDIS.connectionFactory().getConnection()) {
			connection.stringCommands().set(redisKey, garbage);
			connection.keyCommands().pExpire(redisKey, 60_000);
		}

		assertThatExceptionOfType(CorruptRecordException.class)
			.isThrownBy(() -> REDIS.store().claim(key, FINGERPRINT, Instant.now(), LEASE));
		assertThatExceptionOfType(CorruptRecordException.class)
			.isThrownBy(() -> REDIS.store().find(key, Instant.now()));
		assertThatExceptionOfType(CorruptRecordException.class)
			.isThrownBy(
					() -> REDIS.store().release(key, io.github.idempotency.core.OwnerToken.random(), Instant.now()));
		try (RedisConnection connection = REDIS.connectionFactory().getConnection()) {
			assertThat(connection.stringCommands().get(redisKey)).isEqualTo(garbage);
		}
		assertThat(REDIS.store().delete(key)).isTrue();
		assertThat(REDIS.store().claim(key, FINGERPRINT, Instant.now(), LEASE)).isInstanceOf(ClaimResult.Claimed.class);
	}

	@Test
	void aCorruptRecordFailsTheRequestWithAnErrorMetricAndNothingRuns() throws Exception {
		IdempotencyKey key = IdempotencyKey.of("", "test", UUID.randomUUID().toString());
		try (RedisConnection connection = REDIS.connectionFactory().getConnection()) {
			connection.stringCommands().set(REDIS.store().redisKey(key.storageKey()), new byte[] { '1', 'K', 0 });
			connection.keyCommands().pExpire(REDIS.store().redisKey(key.storageKey()), 60_000);
		}
		List<String> events = new CopyOnWriteArrayList<>();
		IdempotencyListener listener = new IdempotencyListener() {

			@Override
			public void onOutcome(String endpoint, RequestOutcome outcome) {
				events.add(outcome.name());
			}

			@Override
			public void onStoreOperation(String storeName, StoreOperation operation, StoreOperationResult result,
					Duration duration) {
				events.add(storeName + " " + operation.name() + " " + result.name());
			}

		};
		AtomicInteger runs = new AtomicInteger();
		try (IdempotentExecutor executor = IdempotentExecutor.builder(REDIS.store()).listener(listener).build()) {
			ExecutionResult<String> result = executor.execute(key, FINGERPRINT, ExecutionPolicy.defaults("test"),
					new Utf8StringCodec(), () -> "run " + runs.incrementAndGet());

			assertThat(result).isInstanceOfSatisfying(ExecutionResult.StoreUnavailable.class,
					(unavailable) -> assertThat(unavailable.cause()).isInstanceOf(CorruptRecordException.class));
		}
		assertThat(runs).hasValue(0);
		assertThat(events).containsExactly("redis CLAIM ERROR", "STORE_UNAVAILABLE");
		REDIS.store().delete(key.storageKey());
	}

	@Test
	void aCorruptRecordFailsClosedEvenWhenTheStoreFailureStrategyIsFailOpen() throws Exception {
		IdempotencyKey key = IdempotencyKey.of("", "test", UUID.randomUUID().toString());
		try (RedisConnection connection = REDIS.connectionFactory().getConnection()) {
			connection.stringCommands().set(REDIS.store().redisKey(key.storageKey()), new byte[] { '9' });
			connection.keyCommands().pExpire(REDIS.store().redisKey(key.storageKey()), 60_000);
		}
		AtomicInteger runs = new AtomicInteger();
		try (IdempotentExecutor executor = IdempotentExecutor.builder(REDIS.store()).build()) {
			ExecutionResult<String> result = executor.execute(key, FINGERPRINT,
					ExecutionPolicy.defaults("test").withStoreFailure(StoreFailureStrategy.FAIL_OPEN),
					new Utf8StringCodec(), () -> "run " + runs.incrementAndGet());

			assertThat(result).isInstanceOf(ExecutionResult.StoreUnavailable.class);
		}
		assertThat(runs).hasValue(0);
		REDIS.store().delete(key.storageKey());
	}

	@Test
	void aKeyHoldingAnotherTypeIsACorruptRecord() {
		StorageKey key = randomKey();
		byte[] redisKey = REDIS.store().redisKey(key);
		try (RedisConnection connection = REDIS.connectionFactory().getConnection()) {
			connection.listCommands().rPush(redisKey, "x".getBytes(StandardCharsets.UTF_8));
			connection.keyCommands().pExpire(redisKey, 60_000);
		}

		assertThatExceptionOfType(CorruptRecordException.class)
			.isThrownBy(() -> REDIS.store().claim(key, FINGERPRINT, Instant.now(), LEASE));
		REDIS.store().delete(key);
	}

	@Test
	void refusesAPrefixThatWouldPinEveryKeyToOneSlot() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RedisIdempotencyStore(REDIS.connectionFactory(), "app:{x}:"))
			.withMessageContaining("'{' or '}'");
	}

	@Test
	void findsNothingForAnUnknownKey() {
		assertThat(REDIS.store().find(randomKey(), Instant.now())).isEqualTo(Optional.empty());
		assertThat(REDIS.store().delete(randomKey())).isFalse();
	}

	private static long pttl(StorageKey key) {
		try (RedisConnection connection = REDIS.connectionFactory().getConnection()) {
			return connection.keyCommands().pTtl(REDIS.store().redisKey(key));
		}
	}

	private static long serverTimeMillis() {
		try (RedisConnection connection = REDIS.connectionFactory().getConnection()) {
			return connection.serverCommands().time();
		}
	}

	private static StorageKey randomKey() {
		return IdempotencyKey.of("", "test", UUID.randomUUID().toString()).storageKey();
	}

	private static StoredResponse response() {
		return StoredResponse.of(200, Map.of(), "ok".getBytes(StandardCharsets.UTF_8));
	}

}
