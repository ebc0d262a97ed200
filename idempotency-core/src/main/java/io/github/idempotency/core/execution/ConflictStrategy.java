package io.github.idempotency.core.execution;

/**
 * What a duplicate does while the first execution of its key is still running.
 */
public enum ConflictStrategy {

	/** Answer at once that the key is in progress (HTTP 409 with {@code Retry-After}). */
	REJECT,

	/** Wait, up to a bound, for the first execution to finish, then replay its result. */
	WAIT

}
