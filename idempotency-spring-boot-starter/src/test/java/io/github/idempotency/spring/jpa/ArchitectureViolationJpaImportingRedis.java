package io.github.idempotency.spring.jpa;

import io.github.idempotency.spring.redis.RedisIdempotencyStore;

/**
 * A deliberate violation of "the JPA package never imports the Redis package", for {@code StarterArchitectureTest}
 * only: the rule must report it. Never used.
 */
public final class ArchitectureViolationJpaImportingRedis {

	RedisIdempotencyStore store;

	private ArchitectureViolationJpaImportingRedis() {
	}

}
