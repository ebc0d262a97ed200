package io.github.idempotency.sample;

import io.github.idempotency.spring.IdempotentMethodRegistry;

/**
 * A deliberate violation of "the sample app imports only the public API", for {@code SamplePublicApiTest} only: the
 * rule must report it. Never used.
 */
public final class ArchitectureViolationInternalImport {

	IdempotentMethodRegistry registry;

	private ArchitectureViolationInternalImport() {
	}

}
