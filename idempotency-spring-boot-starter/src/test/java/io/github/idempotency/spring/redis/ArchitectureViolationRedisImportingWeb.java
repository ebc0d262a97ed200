package io.github.idempotency.spring.redis;

import io.github.idempotency.spring.web.IdempotencyFilter;

/**
 * A deliberate violation of "the Redis package never imports the web package", for {@code StarterArchitectureTest}
 * only: the rule must report it. Never used.
 */
public final class ArchitectureViolationRedisImportingWeb {

	IdempotencyFilter filter;

	private ArchitectureViolationRedisImportingWeb() {
	}

}
