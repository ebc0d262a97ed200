package io.github.idempotency.core.execution;

import java.time.Duration;

import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStoreException;
import org.jspecify.annotations.Nullable;

/**
 * How {@link IdempotentExecutor#execute} ended for a request that did not throw.
 *
 * @param <T> the action's result type
 */
public sealed interface ExecutionResult<T> {

	/**
	 * The action did not run and the request is refused: {@link InProgress}, {@link Mismatch} or
	 * {@link StoreUnavailable}.
	 *
	 * @param <T> the action's result type
	 */
	sealed interface Refused<T> extends ExecutionResult<T> {

		/**
		 * Why the request is refused.
		 * @return the refusal
		 */
		Refusal refusal();

		/**
		 * When to try again.
		 * @return the delay, or {@code null} when a retry cannot succeed
		 */
		@Nullable Duration retryAfter();

		/**
		 * The store's failure, for {@link Refusal#STORE_UNAVAILABLE} and {@link Refusal#RECORD_CORRUPT}.
		 * @return the failure, or {@code null}
		 */
		default @Nullable IdempotencyStoreException cause() {
			return null;
		}

	}

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
	record InProgress<T>(Duration retryAfter) implements Refused<T> {

		@Override
		public Refusal refusal() {
			return Refusal.IN_PROGRESS;
		}

	}

	/** The key was used for a different request. */
	record Mismatch<T>() implements Refused<T> {

		@Override
		public Refusal refusal() {
			return Refusal.KEY_MISMATCH;
		}

		@Override
		public @Nullable Duration retryAfter() {
			return null;
		}

	}

	/**
	 * The store failed and the policy fails closed.
	 *
	 * @param cause the failure
	 * @param retryAfter when to try again
	 */
	record StoreUnavailable<T>(IdempotencyStoreException cause, Duration retryAfter) implements Refused<T> {

		/**
		 * {@link Refusal#RECORD_CORRUPT} when the store read a record it cannot decode, else
		 * {@link Refusal#STORE_UNAVAILABLE}.
		 */
		@Override
		public Refusal refusal() {
			return (this.cause instanceof CorruptRecordException) ? Refusal.RECORD_CORRUPT : Refusal.STORE_UNAVAILABLE;
		}

	}

}
