package io.github.idempotency.core.execution;

import java.time.Duration;

import io.github.idempotency.core.store.IdempotencyStoreException;

/**
 * How {@link IdempotentExecutor#execute} ended for a request that did not throw.
 *
 * @param <T> the action's result type
 */
public sealed interface ExecutionResult<T> {

	/**
	 * The action ran (protected, or unprotected when the store failed open) and returned {@code value}.
	 *
	 * @param value the action's result
	 * @param unprotected whether it ran without a claim because the store failed open
	 */
	record Executed<T>(T value, boolean unprotected) implements ExecutionResult<T> {
	}

	/**
	 * The action did not run; its earlier result was decoded.
	 *
	 * @param value the earlier result
	 */
	record Replayed<T>(T value) implements ExecutionResult<T> {
	}

	/**
	 * The action is running elsewhere.
	 *
	 * @param retryAfter when to try again
	 */
	record InProgress<T>(Duration retryAfter) implements ExecutionResult<T> {
	}

	/** The key was used for a different request. */
	record Mismatch<T>() implements ExecutionResult<T> {
	}

	/**
	 * The store failed and the policy fails closed.
	 *
	 * @param cause the failure
	 * @param retryAfter when to try again
	 */
	record StoreUnavailable<T>(IdempotencyStoreException cause, Duration retryAfter) implements ExecutionResult<T> {
	}

}
