package io.github.idempotency.spring.health;

import io.github.idempotency.core.store.IdempotencyStore;

import org.springframework.boot.health.contributor.Health;

/**
 * Adds store-specific facts to the {@code idempotency} health check, after the store answered its read round trip.
 * A probe may mark the health down (for example a Redis that may evict records); it reports failures by throwing,
 * which marks the health down with the exception.
 */
@FunctionalInterface
public interface IdempotencyStoreProbe {

	/**
	 * Checks {@code store} and writes what it finds to {@code health}.
	 * @param store the store being checked
	 * @param health the health being built
	 * @throws Exception when the check itself failed
	 */
	void probe(IdempotencyStore store, Health.Builder health) throws Exception;

}
