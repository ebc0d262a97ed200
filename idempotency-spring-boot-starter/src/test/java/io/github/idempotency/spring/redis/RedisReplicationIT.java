package io.github.idempotency.spring.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code idempotency.redis.min-replicas} on a primary and a replica of the test's own: a claim counts only once the
 * replica acknowledged it ({@code WAIT} on the claim's own connection), and fails closed, released, when it did not;
 * and a claim waiting for its replica holds up no other command of the store.
 */
class RedisReplicationIT {

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	private static final Duration LEASE = Duration.ofSeconds(30);

	// what a claim that expects its replica's acknowledgement waits for it: long enough on a loaded machine, and no
	// cost when the replica answers at once
	private static final Duration PATIENT_REPLICA_TIMEOUT = Duration.ofSeconds(5);

	// the command timeout of the test's connections: above every replica timeout, so that WAIT answers first
	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

	private static final String KEY_PREFIX = RedisTestServer.uniquePrefix(RedisReplicationIT.class);

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
		connectionFactory = RedisTestServer.connectionFactory(primary.url(), COMMAND_TIMEOUT);
	}

	/**
	 * Waits until the replica is online and has every write of the primary: the tests that suspend it (SIGSTOP) leave
	 * it behind, and it reconnects and catches up only some time after it resumes. A write on a fresh connection that
	 * {@code WAIT 1} counts as acknowledged shows both (the replica acknowledges in the order of the stream).
	 */
	@BeforeEach
	void awaitReplicaCaughtUp() {
		RedisURI uri = RedisURI.create(primary.url());
		uri.setTimeout(COMMAND_TIMEOUT);
		RedisClient client = RedisClient.create(uri);
		try {
			await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
				try (StatefulRedisConnection<String, String> connection = client.connect()) {
					RedisCommands<String, String> commands = connection.sync();
					commands.set(KEY_PREFIX + "caught-up", UUID.randomUUID().toString());
					return commands.waitForReplication(1, 5000) >= 1;
				}
			});
		}
		finally {
			client.shutdown();
		}
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
		RedisIdempotencyStore store = store(connectionFactory, 1, PATIENT_REPLICA_TIMEOUT);
		StorageKey key = newKey();

		assertThat(store.claim(key, FINGERPRINT, Instant.now(), LEASE)).isInstanceOf(ClaimResult.Claimed.class);
	}

	@Test
	void aClaimTheReplicaDidNotAcknowledgeFailsAndIsReleased() {
		RedisIdempotencyStore store = store(1);
		StorageKey key = newKey();
		// a connected but silent replica: only a WAIT for this very claim's write can tell that it did not get it (a
		// WAIT on a connection that never wrote, or whose writes the replica had, would count it at once)
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
		// WAIT 2 answers only when its timeout runs out, with the one replica that exists
		RedisIdempotencyStore store = store(connectionFactory, 2, PATIENT_REPLICA_TIMEOUT);
		StorageKey key = newKey();

		assertThatExceptionOfType(IdempotencyStoreException.class)
			.isThrownBy(() -> store.claim(key, FINGERPRINT, Instant.now(), LEASE))
			.withMessageContaining("acknowledged by 1 of the 2 replicas");
		assertThat(store.find(key, Instant.now())).isEmpty();
	}

	@Test
	void aClaimThatFindsNoCachedScriptStillWaitsForItsOwnWrite() {
		RedisIdempotencyStore store = store(1);
		try (RedisConnection connection = connectionFactory.getConnection()) {
			connection.scriptingCommands().scriptFlush();
		}
		replica.pause();
		try {
			// EVALSHA answers NOSCRIPT, EVAL writes: WAIT on any connection but the EVAL's would count the replica
			assertThatExceptionOfType(IdempotencyStoreException.class)
				.isThrownBy(() -> store.claim(newKey(), FINGERPRINT, Instant.now(), LEASE))
				.withMessageContaining("acknowledged by 0 of the 1 replicas");
		}
		finally {
			replica.resume();
		}
		try (RedisConnection connection = connectionFactory.getConnection()) {
			connection.scriptingCommands().scriptFlush();
		}
		// the replica catches up on what it missed while suspended before it acknowledges this claim
		assertThat(store(connectionFactory, 1, PATIENT_REPLICA_TIMEOUT).claim(newKey(), FINGERPRINT, Instant.now(),
				LEASE))
			.isInstanceOf(ClaimResult.Claimed.class);
	}

	@Test
	void aClaimWaitingForItsReplicaHoldsUpNoOtherCommandOfTheStore() {
		RedisIdempotencyStore store = store(connectionFactory, 1, Duration.ofMillis(1500));
		RedisIdempotencyStore withoutReplicas = store(connectionFactory, 0, Duration.ofMillis(1500));
		StorageKey claimedBefore = newKey();
		withoutReplicas.claim(claimedBefore, FINGERPRINT, Instant.now(), LEASE);
		// the observer has connections of its own: the store's shared connection is the one under test
		LettuceConnectionFactory observer = RedisTestServer.connectionFactory(primary.url(), Duration.ofSeconds(2));
		replica.pause();
		try {
			CompletableFuture<ClaimResult> waiting = CompletableFuture
				.supplyAsync(() -> store.claim(newKey(), FINGERPRINT, Instant.now(), LEASE));
			await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
				.until(() -> blockedClients(observer) > 0);

			assertThat(timed(() -> store.find(newKey(), Instant.now()))).isLessThan(Duration.ofMillis(500));
			assertThat(timed(() -> store.claim(claimedBefore, FINGERPRINT, Instant.now(), LEASE)))
				.isLessThan(Duration.ofMillis(500));
			assertThat(timed(() -> withoutReplicas.claim(newKey(), FINGERPRINT, Instant.now(), LEASE)))
				.isLessThan(Duration.ofMillis(500));
			assertThat(waiting).as("the claim still waits for its replica").isNotDone();
			assertThatThrownBy(waiting::join).isInstanceOf(CompletionException.class)
				.hasCauseInstanceOf(IdempotencyStoreException.class)
				.hasMessageContaining("acknowledged by 0 of the 1 replicas");
		}
		finally {
			replica.resume();
			observer.destroy();
		}
	}

	@Test
	void aClaimWhoseWaitFailsIsReleased() {
		// the command timeout runs out before WAIT answers: the claim's outcome is unknown, and nothing ran
		LettuceConnectionFactory impatient = RedisTestServer.connectionFactory(primary.url(), Duration.ofMillis(300));
		RedisIdempotencyStore store = store(impatient, 1, Duration.ofSeconds(3));
		StorageKey key = newKey();
		replica.pause();
		try {
			Throwable failure = catchThrowable(() -> store.claim(key, FINGERPRINT, Instant.now(), LEASE));

			assertThat(store(connectionFactory, 0, Duration.ofSeconds(3)).find(key, Instant.now())).isEmpty();
			assertThat(failure).isInstanceOf(IdempotencyStoreException.class)
				.hasMessageContaining("idempotency.redis.min-replicas");
		}
		finally {
			replica.resume();
			impatient.destroy();
		}
	}

	private static RedisIdempotencyStore store(int minReplicas) {
		return store(connectionFactory, minReplicas, Duration.ofMillis(300));
	}

	private static RedisIdempotencyStore store(LettuceConnectionFactory factory, int minReplicas,
			Duration replicaTimeout) {
		RedisIdempotencyStore store = new RedisIdempotencyStore(factory, KEY_PREFIX);
		store.setMinReplicas(minReplicas);
		store.setReplicaTimeout(replicaTimeout);
		return store;
	}

	private static long blockedClients(LettuceConnectionFactory factory) {
		try (RedisConnection connection = factory.getConnection()) {
			return Long.parseLong(connection.serverCommands().info("clients").getProperty("blocked_clients"));
		}
	}

	private static Duration timed(Runnable action) {
		long start = System.nanoTime();
		action.run();
		return Duration.ofNanos(System.nanoTime() - start);
	}

	private static StorageKey newKey() {
		return IdempotencyKey.of("", "replication", UUID.randomUUID().toString()).storageKey();
	}

}
