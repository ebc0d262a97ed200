package io.github.idempotency.spring.redis;

import java.time.Duration;
import java.time.Instant;

import io.github.idempotency.core.store.AbstractIdempotencyStoreContractTest;
import io.github.idempotency.core.store.IdempotencyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The store contract on a real Redis server ({@link RedisTestServer}). Redis decides expiry by its own clock, so
 * time passes for real: short leases and retentions, and sleeps.
 */
class RedisIdempotencyStoreContractIT extends AbstractIdempotencyStoreContractTest {

	private static final String PREFIX = RedisTestServer.uniquePrefix(RedisIdempotencyStoreContractIT.class);

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void connect() {
		connectionFactory = RedisTestServer.connectionFactory();
		RedisTestServer.warmUp(connectionFactory);
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	@Override
	protected IdempotencyStore createStore() {
		return new RedisIdempotencyStore(connectionFactory, PREFIX);
	}

	@Override
	protected Instant now() {
		return Instant.now();
	}

	@Override
	protected void elapse(Duration duration) {
		RedisTime.sleep(duration);
	}

	@Override
	protected Duration lease() {
		return RedisTime.LEASE;
	}

	@Override
	protected Duration retention() {
		return RedisTime.RETENTION;
	}

	@Override
	protected Duration clockTolerance() {
		return RedisTime.CLOCK_TOLERANCE;
	}

}
