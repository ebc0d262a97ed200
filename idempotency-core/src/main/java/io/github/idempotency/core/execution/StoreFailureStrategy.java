package io.github.idempotency.core.execution;

/**
 * What a request does when the store cannot be reached.
 */
public enum StoreFailureStrategy {

	/** Refuse the request (HTTP 503 with {@code Retry-After}): no execution without protection. */
	FAIL_CLOSED,

	/** Run the execution unprotected: a duplicate may run twice while the store is down. */
	FAIL_OPEN

}
