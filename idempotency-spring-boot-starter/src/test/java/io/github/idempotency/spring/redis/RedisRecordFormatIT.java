package io.github.idempotency.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.ExecutionResult;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.testing.Utf8StringCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisConnection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stored form on a real server: the compact key and value (version 2), their sizes, and records that earlier
 * versions of the store wrote (version 1 values under hex keys), which are still found after an upgrade.
 */
class RedisRecordFormatIT {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofHours(1);

	// unique, and as long as the benchmark's prefix (idempotency-bench:)
	private static final String PREFIX = "itest:" + UUID.randomUUID().toString().substring(0, 11) + ":";

	@RegisterExtension
	static final RedisTestStore REDIS = new RedisTestStore(PREFIX);

	@Test
	void keysARecordByA240BitBase64HashTagOfItsStorageKey() {
		StorageKey key = randomKey();
		String expectedTag = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(HexFormat.of().parseHex(key.value().substring(0, 60)));

		assertThat(new String(REDIS.store().redisKey(key), StandardCharsets.US_ASCII))
			.isEqualTo(PREFIX + "{" + expectedTag + "}")
			.hasSize(60);
	}

	@Test
	void keepsAFinishedRecordWithA128ByteBodyIn176Bytes() {
		StorageKey key = randomKey();
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) REDIS.store().claim(key, FINGERPRINT, Instant.now(), LEASE);
		StoredResponse response = StoredResponse.of(201, Map.of("Content-Type", List.of("application/json")),
				new byte[128]);
		REDIS.store().complete(key, claimed.owner(), RecordState.FINISHED_OK, response, Instant.now(), RETENTION);

		try (RedisConnection connection = REDIS.connectionFactory().getConnection()) {
			// key and value within the 64- and 192-byte allocations that fit 300 bytes of MEMORY USAGE
			assertThat(connection.stringCommands().strLen(REDIS.store().redisKey(key))).isEqualTo(176);
		}
		assertThat(REDIS.store().find(key, Instant.now()).map(IdempotencyRecord::response)).contains(response);
	}

	@Test
	void replaysAFinishedRecordThatAnEarlierVersionWrote() throws Exception {
		IdempotencyKey key = IdempotencyKey.of("", "test", UUID.randomUUID().toString());
		StoredResponse response = StoredResponse.of(200, Map.of("Content-Type", List.of("text/plain")),
				"first".getBytes(StandardCharsets.UTF_8));
		writeLegacy(key.storageKey(),
				Version1Records.finished('K', serverTimeMillis() + RETENTION.toMillis(), FINGERPRINT, response));
		AtomicInteger runs = new AtomicInteger();

		try (IdempotentExecutor executor = IdempotentExecutor.builder(REDIS.store()).build()) {
			ExecutionResult<String> result = executor.execute(key, FINGERPRINT, ExecutionPolicy.defaults("test"),
					new Utf8StringCodec(), () -> "run " + runs.incrementAndGet());

			assertThat(result).isInstanceOf(ExecutionResult.Replayed.class);
		}
		assertThat(runs).hasValue(0);
		assertThat(REDIS.store().find(key.storageKey(), Instant.now()).map(IdempotencyRecord::response))
			.contains(response);
	}

	@Test
	void refusesAClaimWhileAnEarlierVersionsExecutionHoldsTheKey() {
		StorageKey key = randomKey();
		OwnerToken owner = OwnerToken.random();
		writeLegacy(key, Version1Records.ongoing(serverTimeMillis() + LEASE.toMillis(), FINGERPRINT, owner));

		ClaimResult result = REDIS.store().claim(key, FINGERPRINT, Instant.now(), LEASE);

		assertThat(result).isInstanceOfSatisfying(ClaimResult.Existing.class,
				(existing) -> assertThat(existing.record().owner()).isEqualTo(owner));
	}

	@Test
	void takesOverAnEarlierVersionsExecutionWhoseLeaseRanOut() {
		StorageKey key = randomKey();
		writeLegacy(key, Version1Records.ongoing(serverTimeMillis() - 1_000, FINGERPRINT, OwnerToken.random()));

		ClaimResult result = REDIS.store().claim(key, FINGERPRINT, Instant.now(), LEASE);

		assertThat(result).isInstanceOfSatisfying(ClaimResult.Claimed.class,
				(claimed) -> assertThat(claimed.tookOver()).isTrue());
		assertThat(REDIS.store().find(key, Instant.now()).map(IdempotencyRecord::owner))
			.contains(((ClaimResult.Claimed) result).owner());
	}

	@Test
	void deletesRecordsThatAnEarlierVersionWroteWhenUnchangedOrForced() {
		StorageKey finished = randomKey();
		writeLegacy(finished, Version1Records.finished('E', serverTimeMillis() + RETENTION.toMillis(), FINGERPRINT,
				StoredResponse.of(422, Map.of(), new byte[0])));
		StorageKey ongoing = randomKey();
		writeLegacy(ongoing, Version1Records.ongoing(serverTimeMillis() + LEASE.toMillis(), FINGERPRINT,
				OwnerToken.random()));
		StorageKey forced = randomKey();
		writeLegacy(forced, Version1Records.ongoing(serverTimeMillis() + LEASE.toMillis(), FINGERPRINT,
				OwnerToken.random()));

		for (StorageKey key : List.of(finished, ongoing)) {
			IdempotencyRecord seen = REDIS.store().find(key, Instant.now()).orElseThrow();
			assertThat(REDIS.store().deleteIfUnchanged(key, seen, Instant.now())).isTrue();
			assertThat(REDIS.store().find(key, Instant.now())).isEmpty();
		}
		assertThat(REDIS.store().delete(forced)).isTrue();
		assertThat(REDIS.store().find(forced, Instant.now())).isEmpty();
	}

	@Test
	void findsTheRecordUnderTheCurrentKeyBeforeOneAnEarlierVersionWrote() {
		StorageKey key = randomKey();
		// the legacy record ran out: a claim writes under the current key, which then wins over the legacy one
		writeLegacy(key, Version1Records.ongoing(serverTimeMillis() - 1_000, FINGERPRINT, OwnerToken.random()));
		ClaimResult.Claimed claimed = (ClaimResult.Claimed) REDIS.store().claim(key, FINGERPRINT, Instant.now(), LEASE);
		writeLegacy(key, Version1Records.ongoing(serverTimeMillis() + LEASE.toMillis(), FINGERPRINT,
				OwnerToken.random()));

		assertThat(REDIS.store().find(key, Instant.now()).map(IdempotencyRecord::owner)).contains(claimed.owner());
		assertThat(REDIS.store().renew(key, claimed.owner(), Instant.now(), LEASE)).isTrue();
		assertThat(REDIS.store().complete(key, claimed.owner(), RecordState.FINISHED_OK,
				StoredResponse.of(200, Map.of(), new byte[0]), Instant.now(), RETENTION)).isTrue();
		assertThat(REDIS.store().find(key, Instant.now()).map(IdempotencyRecord::state))
			.contains(RecordState.FINISHED_OK);
	}

	private static void writeLegacy(StorageKey key, byte[] value) {
		byte[] legacyKey = (PREFIX + "{" + key.value() + "}").getBytes(StandardCharsets.US_ASCII);
		try (RedisConnection connection = REDIS.connectionFactory().getConnection()) {
			connection.stringCommands().set(legacyKey, value);
			connection.keyCommands().pExpire(legacyKey, 60_000);
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

}
