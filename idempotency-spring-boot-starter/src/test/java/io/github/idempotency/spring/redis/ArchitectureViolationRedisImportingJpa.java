package io.github.idempotency.spring.redis;

import io.github.idempotency.spring.jpa.JpaIdempotencyStore;

/**
 * A deliberate violation of "the Redis package never imports the JPA package", for {@code StarterArchitectureTest}
 * only: the rule must report it. Never used.
 */
public final class ArchitectureViolationRedisImportingJpa {

	JpaIdempotencyStore store;

	private ArchitectureViolationRedisImportingJpa() {
	}

}
