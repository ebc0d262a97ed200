package io.github.idempotency.spring.redis;

import io.github.idempotency.spring.autoconfigure.IdempotencyProperties;

/**
 * A deliberate violation of "runtime packages never import auto-configuration", for {@code StarterArchitectureTest}
 * only: the rule must report it. Never used.
 */
public final class ArchitectureViolationRuntimeImportingAutoConfiguration {

	IdempotencyProperties properties;

	private ArchitectureViolationRuntimeImportingAutoConfiguration() {
	}

}
