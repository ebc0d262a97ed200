package io.github.idempotency.spring;

import io.github.idempotency.spring.web.ServletIdempotentHttpHandler;

/**
 * A deliberate violation of "the starter's packages have no cycles" (web already imports this package), for
 * {@code StarterArchitectureTest} only: the rule must report it. Never used.
 */
public final class ArchitectureViolationRootImportingWeb {

	ServletIdempotentHttpHandler handler;

	private ArchitectureViolationRootImportingWeb() {
	}

}
