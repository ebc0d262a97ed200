package io.github.idempotency.spring.redis;

import java.time.Duration;
import java.time.Instant;

import io.github.idempotency.core.store.AbstractIdempotencyStoreContractTest;
import io.github.idempotency.core.store.IdempotencyStore;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The store contract on a real Redis, standalone or clustered. Redis decides expiry by its own clock, so time passes
 * for real: short leases and retentions, and sleeps.
 */
abstract class AbstractRedisStoreContractIT extends AbstractIdempotencyStoreContractTest {

	private final String prefix = RedisTestServer.uniquePrefix(getClass());

	/**
	 * The connection to the server the subclass started or reached.
	 * @return the connection factory
	 */
	protected abstract RedisConnectionFactory connectionFactory();

	@Override
	protected IdempotencyStore createStore() {
		return new RedisIdempotencyStore(connectionFactory(), this.prefix);
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
