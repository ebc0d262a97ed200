package io.github.idempotency.spring.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.store.IdempotencyStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code idempotency.redis.min-replicas} on a primary and a replica of the test's own: a claim counts only once the
 * replica acknowledged it ({@code WAIT} on the claim's own connection), and fails closed, released, when it did not.
 */
class RedisReplicationIT {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static RedisServerProcess primary;

	private static RedisServerProcess replica;

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void startPrimaryAndReplica() {
		Optional<Path> binary = RedisServerProcess.binary();
		assumeTrue(binary.isPresent(), "No redis-server binary runs here (neither the machine's nor the embedded "
				+ "artifact's): skipping the replication tests, which start a primary and a replica of their own");
		primary = RedisServerProcess.start(binary.get());
		replica = RedisServerProcess.start(binary.get(), "--replicaof", "127.0.0.1", Integer.toString(primary.port()));
		connectionFactory = RedisTestServer.connectionFactory(primary.url(), Duration.ofSeconds(2));
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			try (RedisConnection connection = connectionFactory.getConnection()) {
				Properties replication = connection.serverCommands().info("replication");
				return "1".equals(replication.getProperty("connected_slaves"))
						&& replication.getProperty("slave0", "").contains("state=online");
			}
		});
	}

	@AfterAll
	static void stopPrimaryAndReplica() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
		if (replica != null) {
			replica.close();
		}
		if (primary != null) {
			primary.close();
		}
	}

	@Test
	void aClaimCountsOnceTheReplicaAcknowledgedIt() {
		RedisIdempotencyStore store = store(1);
		StorageKey key = newKey();

		assertThat(store.claim(key, FINGERPRINT, Instant.now(), LEASE)).isInstanceOf(ClaimResult.Claimed.class);
	}

	@Test
	void aClaimTheReplicaDidNotAcknowledgeFailsAndIsReleased() {
		RedisIdempotencyStore store = store(1);
		StorageKey key = newKey();
		// a connected but silent replica: only a WAIT for this very claim's write can tell that it did not get it
		replica.pause();
		try {
			assertThatExceptionOfType(IdempotencyStoreException.class)
				.isThrownBy(() -> store.claim(key, FINGERPRINT, Instant.now(), LEASE))
				.withMessageContaining("acknowledged by 0 of the 1 replicas")
				.withMessageContaining("idempotency.redis.min-replicas");
			assertThat(store.find(key, Instant.now())).isEmpty();
		}
		finally {
			replica.resume();
		}
	}

	@Test
	void aClaimFailsWhenFewerReplicasExistThanRequired() {
		RedisIdempotencyStore store = store(2);
		StorageKey key = newKey();

		assertThatExceptionOfType(IdempotencyStoreException.class)
			.isThrownBy(() -> store.claim(key, FINGERPRINT, Instant.now(), LEASE))
			.withMessageContaining("acknowledged by 1 of the 2 replicas");
		assertThat(store.find(key, Instant.now())).isEmpty();
	}

	private static RedisIdempotencyStore store(int minReplicas) {
		RedisIdempotencyStore store = new RedisIdempotencyStore(connectionFactory,
				RedisTestServer.uniquePrefix(RedisReplicationIT.class));
		store.setMinReplicas(minReplicas);
		store.setReplicaTimeout(Duration.ofMillis(300));
		return store;
	}

	private static StorageKey newKey() {
		return IdempotencyKey.of("", "replication", UUID.randomUUID().toString()).storageKey();
	}

}
