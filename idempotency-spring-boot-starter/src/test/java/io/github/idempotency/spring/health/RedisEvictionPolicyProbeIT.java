package io.github.idempotency.spring.health;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.spring.redis.EvictionPolicyCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the probe against a Redis server of its own (the shared one must keep its configuration): the machine's
 * {@code redis-server} when installed, else the binary shipped in the embedded-redis artifact. Its policy is changed
 * at run time with {@code CONFIG SET}, which is what the probe exists to catch.
 */
class RedisEvictionPolicyProbeIT {

	private static final Path SYSTEM_REDIS = Path.of("/usr/bin/redis-server");

	private static RedisServer server;

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void startRedis() throws IOException {
		int port = freePort();
		ExecutableProvider executable = Files.isExecutable(SYSTEM_REDIS) ? () -> SYSTEM_REDIS.toFile()
				: ExecutableProvider.newJarResourceProvider();
		server = RedisServer.newRedisServer()
			.executableProvider(executable)
			.bind("127.0.0.1")
			.port(port)
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		server.start();
		connectionFactory = new LettuceConnectionFactory("127.0.0.1", port);
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
	}

	@AfterAll
	static void stopRedis() throws IOException {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
		if (server != null) {
			server.stop();
		}
	}

	@BeforeEach
	void safePolicy() {
		setPolicy("noeviction");
	}

	@Test
	void upAndReportsThePolicyWhenRedisNeverEvicts() {
		Health health = health(EvictionPolicyCheck.FAIL);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("store", "redis").containsEntry("maxmemoryPolicy", "noeviction");
	}

	@Test
	void downWhenThePolicyWasChangedToEvictAndTheCheckFails() {
		setPolicy("allkeys-lru");
		Health health = health(EvictionPolicyCheck.FAIL);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("maxmemoryPolicy", "allkeys-lru");
		assertThat(health.getDetails().get("error").toString()).contains("may evict idempotency records");
	}

	@Test
	void upWithWarningWhenThePolicyEvictsAndTheCheckWarns() {
		setPolicy("volatile-ttl");
		Health health = health(EvictionPolicyCheck.WARN);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails().get("warning").toString()).contains("volatile-ttl");
	}

	@Test
	void leavesOtherStoresAlone() {
		setPolicy("allkeys-lru");
		Health health = new IdempotencyStoreHealthIndicator(new InMemoryIdempotencyStore(), Clock.systemUTC(),
				List.of(new RedisEvictionPolicyProbe(connectionFactory, EvictionPolicyCheck.FAIL)))
			.health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).doesNotContainKey("maxmemoryPolicy");
	}

	private Health health(EvictionPolicyCheck check) {
		return new IdempotencyStoreHealthIndicator(new RedisNamedStore(), Clock.systemUTC(),
				List.of(new RedisEvictionPolicyProbe(connectionFactory, check)))
			.health(true);
	}

	private static void setPolicy(String policy) {
		try (RedisConnection connection = connectionFactory.getConnection()) {
			connection.serverCommands().setConfig("maxmemory-policy", policy);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Stands for the Redis store (another package, which this one must not import): the probe goes by the store's
	 * name.
	 */
	private static final class RedisNamedStore extends DelegatingStore {

		@Override
		public String name() {
			return RedisEvictionPolicyProbe.REDIS_STORE_NAME;
		}

	}

	private static class DelegatingStore implements IdempotencyStore {

		private final InMemoryIdempotencyStore delegate = new InMemoryIdempotencyStore();

		@Override
		public ClaimResult claim(StorageKey key,
				RequestFingerprint fingerprint, Instant now, Duration lease) {
			return this.delegate.claim(key, fingerprint, now, lease);
		}

		@Override
		public boolean complete(StorageKey key, OwnerToken owner,
				RecordState state, StoredResponse response,
				Instant now, Duration retention) {
			return this.delegate.complete(key, owner, state, response, now, retention);
		}

		@Override
		public boolean release(StorageKey key, OwnerToken owner,
				Instant now) {
			return this.delegate.release(key, owner, now);
		}

		@Override
		public boolean renew(StorageKey key, OwnerToken owner,
				Instant now, Duration lease) {
			return this.delegate.renew(key, owner, now, lease);
		}

		@Override
		public Optional<IdempotencyRecord> find(StorageKey key,
				Instant now) {
			return this.delegate.find(key, now);
		}

		@Override
		public boolean deleteIfUnchanged(StorageKey key, IdempotencyRecord seen, Instant now) {
			return this.delegate.deleteIfUnchanged(key, seen, now);
		}

		@Override
		public boolean delete(StorageKey key) {
			return this.delegate.delete(key);
		}

	}

}
